"""Label Studio configs → questions, checked against every shared template.

The expectations below were written by reading each XML file, not by running
the importer: the control tags, their attributes and the example task data in
the trailing comment give the answer alphabet of each question.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.errors import ImportFormatError
from advisor.importers import ImportResult, import_interface
from advisor.importers.label_studio import import_label_studio

SHARED_INTERFACES = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "interfaces"
LABEL_STUDIO_DIR = SHARED_INTERFACES / "label-studio"

# (question name, format kind, k — or max_chars for free_text)
EXPECTED_QUESTIONS: dict[str, list[tuple[str, str, int]]] = {
    # Rating without maxRating (5 stars), TextArea without rows, then the
    # per-message block: Rating maxRating=5, two 3-option single Choices, a
    # 3-option multiple Choices and a TextArea.
    "chat_rlhf.xml": [
        ("rating", "ordinal", 5),
        ("conversation_comment", "free_text", 500),
        ("assistant_response_accuracy", "ordinal", 5),
        ("relevance", "categorical", 3),
        ("correctness", "categorical", 3),
        ("tone", "multi_select", 3),
        ("message_comment", "free_text", 500),
    ],
    # choice="multiple" with six options; a TextArea without rows.
    "content-moderation.xml": [("content_moderation", "multi_select", 6), ("comments", "free_text", 500)],
    # One Pairwise between answer1 and answer2.
    "human-feedback-collection.xml": [("comparison", "pairwise", 2)],
    # Ranker with two Buckets (no default bucket) over a List of the twelve
    # example items: each entry goes to one of 2 buckets or stays in the list.
    "llm-ranker.xml": [(f"rank[{i}]", "categorical", 3) for i in range(1, 13)],
    # Only Labels (NER spans): nothing to map.
    "named-entity-recognition.xml": [],
    "pairwise-classification.xml": [("pw", "pairwise", 2)],
    # Rating maxRating=10, then single-radio Choices with two options.
    "pdf-classification.xml": [("rating", "ordinal", 10), ("choices", "binary", 2)],
    # Rating without maxRating.
    "response-grading.xml": [("rating", "ordinal", 5)],
    # TextArea rows="10" maxSubmissions="1": 10 rows × 80 characters.
    "supervised-llm.xml": [("instruction", "free_text", 800)],
    # Single Choices with three options.
    "text-classification.xml": [("sentiment", "categorical", 3)],
    # Ranker without buckets over a List of the four example images.
    "visual-ranker.xml": [("rank", "ranking", 4)],
}


def _shape(result: ImportResult) -> list[tuple[str, str, int]]:
    return [
        (q.name, q.format.kind, q.format.max_chars if q.format.kind == "free_text" else q.format.k)
        for q in result.scenario.questions
    ]


def _messages(result: ImportResult, subject_part: str) -> list[str]:
    return [w.message for w in result.warnings if subject_part in w.subject]


def test_every_shared_file_has_an_expectation():
    files = sorted(path.name for path in LABEL_STUDIO_DIR.glob("*.xml"))
    assert files, f"no Label Studio configs found in {LABEL_STUDIO_DIR}"
    assert files == sorted(EXPECTED_QUESTIONS)


@pytest.mark.parametrize("file_name", sorted(name for name, expected in EXPECTED_QUESTIONS.items() if expected))
def test_shared_file_maps_to_the_expected_questions(file_name):
    path = LABEL_STUDIO_DIR / file_name
    result = import_interface(path)
    assert result.format == "label-studio"
    assert result.source == str(path)
    assert result.scenario.name == path.stem
    assert _shape(result) == EXPECTED_QUESTIONS[file_name]
    assert all(q.time_share is None for q in result.scenario.questions)
    assert result.scenario.provenance[0].method == "import-interface (label-studio)"


def test_region_only_config_is_rejected_listing_what_was_found():
    with pytest.raises(ImportFormatError) as caught:
        import_interface(LABEL_STUDIO_DIR / "named-entity-recognition.xml")
    message = str(caught.value)
    assert "no question this app can model" in message
    assert "Labels 'label' (line 2)" in message
    assert "no finite per-item alphabet" in message


def test_chat_rlhf_reports_per_region_and_conditional_questions():
    result = import_interface(LABEL_STUDIO_DIR / "chat_rlhf.xml")
    per_region = ["assistant_response_accuracy", "relevance", "correctness", "tone", "message_comment"]
    for name in per_region:
        messages = _messages(result, f"'{name}'")
        assert any(m.startswith("perRegion") for m in messages), name
        assert any('visibleWhen="region-selected"' in m and 'whenRole="assistant"' in m for m in messages), name
    for name in ("rating", "conversation_comment"):
        assert not any("perRegion" in m or "visibleWhen" in m for m in _messages(result, f"'{name}'")), name
    relevance = [w for w in result.warnings if w.subject == "Choices 'relevance'"]
    assert {w.line for w in relevance} == {92}
    assert any("maxRating is not set" in m for m in _messages(result, "Rating 'rating'"))


def test_default_assumptions_are_warned():
    result = import_interface(LABEL_STUDIO_DIR / "response-grading.xml")
    kinds = {(w.subject, w.kind) for w in result.warnings}
    assert ("Rating 'rating'", "default") in kinds
    assert ("raters.per_item", "default") in kinds
    summary = [w for w in result.warnings if w.subject == "scenario defaults"]
    # In the form's words, with the path `set` takes.
    assert len(summary) == 1 and "time per item T (campaign.seconds_per_item)" in summary[0].message
    assert "; campaign." not in summary[0].message


def test_counts_from_example_task_data_are_warned():
    result = import_interface(LABEL_STUDIO_DIR / "visual-ranker.xml")
    assert any("task data field 'images'" in m and "has 4" in m for m in _messages(result, "Ranker 'rank'"))
    bucketed = import_interface(LABEL_STUDIO_DIR / "llm-ranker.xml")
    assert any("order inside a bucket" in m for m in _messages(bucketed, "Ranker 'rank'"))


def test_name_argument_overrides_the_file_name():
    result = import_interface(LABEL_STUDIO_DIR / "text-classification.xml", name="Sentiment pilot")
    assert result.scenario.name == "Sentiment pilot"


# ------------------------------------------------------------- other tags
def _config(body: str, example: str = "") -> str:
    return f'<View>\n  <Text name="text" value="$text"/>\n{body}\n</View>\n{example}'


def _import(body: str, example: str = "") -> ImportResult:
    return import_label_studio(_config(body, example), name="test")


def test_taxonomy_counts_leaves_and_warns_about_inner_nodes():
    result = _import(
        '  <Taxonomy name="species" toName="text">\n'
        '    <Choice value="Archaea"/>\n'
        '    <Choice value="Bacteria"/>\n'
        '    <Choice value="Eukarya">\n'
        '      <Choice value="Human"/>\n'
        '      <Choice value="Opossum"/>\n'
        '    </Choice>\n'
        '  </Taxonomy>'
    )
    assert _shape(result) == [("species", "categorical", 4)]
    messages = _messages(result, "Taxonomy 'species'")
    assert any("inner nodes" in m for m in messages)
    assert any("several nodes" in m for m in messages)


def test_taxonomy_with_leafs_only_and_single_use_has_no_such_warnings():
    result = _import(
        '  <Taxonomy name="t" toName="text" leafsOnly="true" maxUsages="1">\n'
        '    <Choice value="A"><Choice value="A1"/><Choice value="A2"/></Choice>\n'
        '    <Choice value="B"/>\n'
        '  </Taxonomy>'
    )
    assert _shape(result) == [("t", "categorical", 3)]
    assert _messages(result, "Taxonomy 't'") == []


def test_taxonomy_from_api_url_is_unsupported():
    with pytest.raises(ImportFormatError, match="apiUrl"):
        _import('  <Taxonomy name="t" toName="text" apiUrl="https://example.org/taxonomy.json"/>')


@pytest.mark.parametrize(
    ("attributes", "levels"),
    [('min="1" max="7"', 7), ('min="0" max="10" step="2"', 6), ('min="0" max="1" step="0.25"', 5)],
)
def test_number_with_a_small_range_is_ordinal(attributes, levels):
    result = _import(f'  <Number name="n" toName="text" {attributes}/>')
    assert _shape(result) == [("n", "ordinal", levels)]
    assert any(f"{levels} levels" in m for m in _messages(result, "Number 'n'"))


@pytest.mark.parametrize("attributes", ['min="0"', 'min="0" max="1000"', ""])
def test_open_or_wide_number_is_reported(attributes):
    result = _import(f'  <Number name="n" toName="text" {attributes}/>\n  <Rating name="r" toName="text"/>')
    assert [q.name for q in result.scenario.questions] == ["r"]
    assert [w.kind for w in result.warnings if w.subject == "Number 'n'"] == ["unsupported"]


def test_rating_with_max_rating_has_no_default_warning():
    result = _import('  <Rating name="stars" toName="text" maxRating="3"/>')
    assert _shape(result) == [("stars", "ordinal", 3)]
    assert _messages(result, "Rating 'stars'") == []


def test_choices_from_task_data_use_the_example_task():
    example = '<!-- {"data": {"text": "x", "options": [{"value": "a"}, {"value": "b"}, {"value": "c"}, {"value": "d"}]}} -->'
    result = _import('  <Choices name="pick" toName="text" value="$options"/>', example)
    assert _shape(result) == [("pick", "categorical", 4)]
    assert any("task data field 'options'" in m for m in _messages(result, "Choices 'pick'"))


def test_choices_from_task_data_without_example_are_reported():
    with pytest.raises(ImportFormatError, match="task data field 'options'"):
        _import('  <Choices name="pick" toName="text" value="$options"/>')


def test_ranker_without_example_assumes_three_entries_with_a_warning():
    result = _import('  <List name="results" value="$items"/>\n  <Ranker name="order" toName="results"/>')
    assert _shape(result) == [("order", "ranking", 3)]
    assert [w.kind for w in result.warnings if w.subject == "Ranker 'order'"] == ["default"]


def test_ranker_with_a_default_bucket_has_no_left_in_list_alternative():
    example = '<!-- {"data": {"items": [{"id": "a"}, {"id": "b"}]}} -->'
    result = _import(
        '  <List name="results" value="$items"/>\n'
        '  <Ranker name="sort" toName="results">\n'
        '    <Bucket name="good" title="Good" default="true"/>\n'
        '    <Bucket name="bad" title="Bad"/>\n'
        '    <Bucket name="unsure" title="Unsure"/>\n'
        '  </Ranker>',
        example,
    )
    assert _shape(result) == [("sort[1]", "categorical", 3), ("sort[2]", "categorical", 3)]


def test_long_ranking_is_capped_with_a_warning():
    items = ", ".join(f'{{"id": "{i}"}}' for i in range(14))
    result = _import(
        '  <List name="results" value="$items"/>\n  <Ranker name="order" toName="results"/>',
        f'<!-- {{"data": {{"items": [{items}]}}}} -->',
    )
    assert _shape(result) == [("order", "ranking", 10)]
    assert any("14 items is more than the model handles" in m for m in _messages(result, "Ranker 'order'"))


def test_lone_tie_option_beside_pairwise_becomes_pairwise_with_tie():
    result = import_label_studio(
        "<View>\n"
        '  <Text name="a" value="$a"/><Text name="b" value="$b"/>\n'
        '  <Pairwise name="better" toName="a,b"/>\n'
        '  <Choices name="tie" toName="a,b" choice="multiple"><Choice value="Tie"/></Choices>\n'
        "</View>"
    )
    assert _shape(result) == [("better", "pairwise", 3)]
    assert any("pairwise(3)" in m for m in _messages(result, "Pairwise 'better'"))
    assert any("folded" in m for m in _messages(result, "Choices 'tie'"))


def test_tie_among_several_options_stays_its_own_question():
    result = import_label_studio(
        "<View>\n"
        '  <Text name="a" value="$a"/><Text name="b" value="$b"/>\n'
        '  <Pairwise name="better" toName="a,b"/>\n'
        '  <Choices name="why" toName="a,b"><Choice value="Both good"/><Choice value="Both bad"/>'
        '<Choice value="Other"/></Choices>\n'
        "</View>"
    )
    assert _shape(result) == [("better", "pairwise", 2), ("why", "categorical", 3)]
    assert any("kept as its own question" in m for m in _messages(result, "Choices 'why'"))


def test_choice_conditional_on_another_choice_is_warned():
    result = _import(
        '  <Choices name="toxic" toName="text"><Choice value="yes"/><Choice value="no"/></Choices>\n'
        '  <Choices name="kind" toName="text" visibleWhen="choice-selected" whenTagName="toxic" whenChoiceValue="yes">\n'
        '    <Choice value="insult"/><Choice value="threat"/><Choice value="slur"/>\n'
        "  </Choices>"
    )
    assert _shape(result) == [("toxic", "binary", 2), ("kind", "categorical", 3)]
    assert any('whenChoiceValue="yes"' in m for m in _messages(result, "Choices 'kind'"))
    assert _messages(result, "Choices 'toxic'") == []


def test_preselected_choice_and_prefilled_text_are_warned():
    result = _import(
        '  <Choices name="c" toName="text"><Choice value="a" selected="true"/><Choice value="b"/></Choices>\n'
        '  <TextArea name="edit" toName="text" value="$draft" rows="2" maxSubmissions="3"/>'
    )
    assert _shape(result) == [("c", "binary", 2), ("edit", "free_text", 480)]
    assert any("preselected" in m for m in _messages(result, "Choices 'c'"))
    edit = _messages(result, "TextArea 'edit'")
    assert any("prefills" in m for m in edit) and any("maxSubmissions=3" in m for m in edit)


@pytest.mark.parametrize(
    "tag", ["RectangleLabels", "PolygonLabels", "KeyPointLabels", "BrushLabels", "Labels", "EllipseLabels"]
)
def test_region_tags_are_listed_as_unsupported_with_the_reason(tag):
    result = _import(
        f'  <{tag} name="regions" toName="text"><Label value="car"/></{tag}>\n'
        '  <Choices name="ok" toName="text"><Choice value="y"/><Choice value="n"/></Choices>'
    )
    assert [q.name for q in result.scenario.questions] == ["ok"]
    unsupported = [w for w in result.warnings if w.kind == "unsupported"]
    assert [(w.subject, w.line) for w in unsupported] == [(f"{tag} 'regions'", 3)]
    assert "no finite per-item alphabet" in unsupported[0].message


def test_unknown_choice_mode_is_an_error_naming_the_value():
    with pytest.raises(ImportFormatError, match='choice="several".*single, single-radio, multiple'):
        _import('  <Choices name="c" toName="text" choice="several"><Choice value="a"/></Choices>')


def test_non_numeric_max_rating_is_an_error_naming_the_attribute():
    with pytest.raises(ImportFormatError, match='line 3: Rating \'r\': maxRating="ten"'):
        _import('  <Rating name="r" toName="text" maxRating="ten"/>')


def test_root_must_be_view():
    with pytest.raises(ImportFormatError, match="root tag must be <View>"):
        import_label_studio('<html><body><Choices name="c"/></body></html>')


def test_duplicate_names_are_made_unique_with_a_warning():
    result = _import(
        '  <Rating name="score" toName="text"/>\n  <Rating name="score" toName="text" maxRating="3"/>'
    )
    assert [q.name for q in result.scenario.questions] == ["score", "score (2)"]
    assert any(w.subject == "question 'score'" for w in result.warnings)


def test_config_with_only_visual_tags_reports_that_nothing_was_found():
    with pytest.raises(ImportFormatError, match="no labeling controls at all"):
        import_label_studio('<View><Header value="hello"/><Text name="t" value="$t"/></View>')


def test_controls_inside_a_repeater_are_warned():
    result = _import(
        '  <Repeater on="$images" indexFlag="{{idx}}">\n'
        '    <Image name="page_{{idx}}" value="$images[{{idx}}].url"/>\n'
        '    <Choices name="legible_{{idx}}" toName="page_{{idx}}"><Choice value="yes"/><Choice value="no"/></Choices>\n'
        "  </Repeater>"
    )
    assert _shape(result) == [("legible_{{idx}}", "binary", 2)]
    assert any('Repeater on="$images"' in m for m in _messages(result, "Choices 'legible_{{idx}}'"))


def test_per_item_and_date_time_and_unknown_controls_are_reported():
    result = _import(
        '  <Rating name="quality" toName="text" maxRating="4" perItem="true"/>\n'
        '  <DateTime name="when" toName="text" only="date"/>\n'
        '  <Slider name="mood" toName="text"/>'
    )
    assert _shape(result) == [("quality", "ordinal", 4)]
    assert any(m.startswith("perItem") for m in _messages(result, "Rating 'quality'"))
    assert [(w.subject, w.kind) for w in result.warnings if w.line in (4, 5)] == [
        ("DateTime 'when'", "unsupported"),
        ("<Slider>", "ignored"),
    ]


@pytest.mark.parametrize(("attributes", "levels", "top"), [('min="0" max="100"', 101, 100.0),
                                                           ('min="1" max="9" step="0.125"', 65, 9.0),
                                                           ('min="0" max="60.5" step="1"', 61, 60.0)])
def test_number_with_51_to_101_values_is_a_scale_over_its_range(attributes, levels, top):
    result = _import(f'  <Number name="slider" toName="text" {attributes}/>')
    fmt = result.scenario.questions[0].format
    assert (fmt.kind, fmt.k, fmt.maximum) == ("scale", levels, top)
    assert any(f"a scale with {levels} levels" in m for m in _messages(result, "Number 'slider'"))


def test_an_imported_interface_whose_split_starves_its_choice_questions_is_warned():
    """chat_rlhf's automatic split gave both free-text boxes all 30 s and the five choice questions
    none: the achievable risk was that of guessing (0.996) beside a green capacity card, unwarned."""
    from advisor.evaluation.evaluate import evaluate

    scenario = import_interface(LABEL_STUDIO_DIR / "chat_rlhf.xml").scenario
    evaluation = evaluate(scenario, curves=False)
    starved = [q.name for q in evaluation.contexts[0].questions if q.time_share == 0]
    assert starved and set(starved) <= {q.name for q in scenario.questions if q.format.kind != "free_text"}
    warned = [w for w in evaluation.warnings if w.startswith("The automatic time split gives ")]
    assert len(warned) == 1 and all(repr(name) in warned[0] for name in starved)
    # Fixed shares that give every question time: no such warning.
    shares = {f"questions.{i}.time_share": round(0.9 / len(scenario.questions), 6) for i in range(len(scenario.questions))}
    fixed = evaluate(scenario.with_changes(shares), curves=False)
    assert all(q.time_share > 0 for q in fixed.contexts[0].questions)
    assert not any(w.startswith("The automatic time split gives ") for w in fixed.warnings)
