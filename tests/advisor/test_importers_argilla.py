"""Argilla 2.x dataset settings → questions and raters per item."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.errors import ImportFormatError
from advisor.importers import import_interface
from advisor.importers.argilla import import_argilla

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "interfaces" / "argilla"


def _shape(result):
    return [
        (q.name, q.format.kind, q.format.max_chars if q.format.kind == "free_text" else q.format.k)
        for q in result.scenario.questions
    ]


def test_rlhf_settings_map_every_question_type():
    result = import_interface(FIXTURES / "rlhf-feedback.settings.json")
    assert result.format == "argilla"
    assert result.scenario.name == "rlhf-feedback.settings"
    # label_selection yes/no, rating 1..7, multi_label over 5 topics, ranking of
    # 3 responses, free text; the span question is not mapped.
    assert _shape(result) == [
        ("relevant", "binary", 2),
        ("quality", "ordinal", 7),
        ("topics", "multi_select", 5),
        ("preference", "ranking", 3),
        ("correction", "free_text", 500),
    ]
    assert result.scenario.raters.per_item == 3
    unsupported = [w for w in result.warnings if w.kind == "unsupported"]
    assert [w.subject for w in unsupported] == ["span question 'claims'"]
    assert "no finite per-item alphabet" in unsupported[0].message
    assert any(w.subject == "text question 'correction'" and w.kind == "default" for w in result.warnings)
    assert "raters.per_item" in result.scenario.provenance[0].fields


def test_settings_without_distribution_use_argillas_default_with_a_warning():
    result = import_interface(FIXTURES / "news-topic.settings.json", name="News topics")
    assert _shape(result) == [("topic", "categorical", 4)]
    assert result.scenario.name == "News topics"
    assert result.scenario.raters.per_item == 1
    assert [(w.subject, w.kind) for w in result.warnings if w.subject == "raters.per_item"] == [
        ("raters.per_item", "default")
    ]


def _settings(questions, distribution=None):
    data = {"guidelines": None, "questions": questions, "fields": [], "vectors": [], "metadata": []}
    if distribution is not None:
        data["distribution"] = distribution
    return json.dumps(data)


def _question(name, settings):
    return {"id": None, "name": name, "settings": settings, "title": name, "required": True, "type": settings["type"]}


def test_only_span_questions_is_an_error_listing_them():
    text = _settings([_question("ents", {"type": "span", "field": "text", "options": [{"value": "PER"}]})])
    with pytest.raises(ImportFormatError, match="span question 'ents'.*no finite per-item alphabet"):
        import_argilla(text)


def test_label_question_with_many_labels_is_capped_with_a_warning():
    options = [{"value": f"l{i}", "text": f"l{i}"} for i in range(60)]
    result = import_argilla(_settings([_question("big", {"type": "label_selection", "options": options})]))
    assert _shape(result) == [("big", "categorical", 50)]
    assert any("60 options" in w.message for w in result.warnings)


@pytest.mark.parametrize(
    ("distribution", "message"),
    [
        ({"strategy": "overlap", "min_submitted": 0}, "min_submitted must be a whole number from 1 to 100, got 0"),
        ({"strategy": "overlap", "min_submitted": "3"}, "got '3'"),
        ({"strategy": "round_robin", "min_submitted": 2}, "strategy must be 'overlap'"),
    ],
)
def test_bad_distribution_is_an_error_naming_the_field(distribution, message):
    text = _settings([_question("q", {"type": "text"})], distribution)
    with pytest.raises(ImportFormatError, match=message):
        import_argilla(text)


def test_question_without_settings_is_an_error_naming_it():
    text = json.dumps({"questions": [{"name": "q", "type": "rating"}]})
    with pytest.raises(ImportFormatError, match=r"questions\[0\] \('q'\) has no 'settings'"):
        import_interface(text, format="argilla")


def test_invalid_json_names_line_and_column(tmp_path):
    path = tmp_path / "settings.json"
    path.write_text('{\n  "questions": [\n    {"name": "q",}\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"not valid JSON: .* at line 3, column 18"):
        import_interface(path)


def test_a_label_studio_config_read_as_argilla_says_it_looks_like_xml():
    # Forcing the Argilla format on Label Studio's chat template (real config) said only "not valid
    # JSON: Expecting value at line 1, column 1".
    from advisor.errors import ImportFormatError
    from tests.conftest import SHARED

    config = SHARED / "data" / "interfaces" / "label-studio" / "chat_rlhf.xml"
    with pytest.raises(ImportFormatError, match=r"not valid JSON: .* it looks like XML, e\.g\. a Label Studio config"):
        import_interface(config, format="argilla")
    with pytest.raises(ImportFormatError) as plain:
        import_interface('{"fields": [', format="argilla")
    assert "XML" not in str(plain.value)
