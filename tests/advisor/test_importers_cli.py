"""``import-interface`` on the command line, through ``advisor.cli.main``."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from advisor.scenario.schema import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[2]
SHARED_LABEL_STUDIO = REPO.parent / "shared" / "data" / "interfaces" / "label-studio"
SAGEMAKER_FIXTURE = REPO / "tests" / "data" / "interfaces" / "sagemaker" / "text-multiclass.create-labeling-job.json"


@pytest.fixture
def cli():
    """``run(argv) -> exit status`` and the ``common`` module the command uses."""
    import advisor.cli
    from advisor.cli import common

    return SimpleNamespace(run=advisor.cli.main, common=common)


def test_json_output_is_the_scenario_with_a_warnings_list(cli, capsys):
    status = cli.run(["import-interface", str(SHARED_LABEL_STUDIO / "pdf-classification.xml"), "--json"])
    assert status == 0
    data = json.loads(capsys.readouterr().out)
    assert data["name"] == "pdf-classification"
    assert data["schema_version"] == SCHEMA_VERSION
    assert [(q["name"], q["format"]["kind"], q["format"]["k"]) for q in data["questions"]] == [
        ("rating", "ordinal", 10),
        ("choices", "binary", 2),
    ]
    assert all(q["time_share"] is None for q in data["questions"])
    assert isinstance(data["warnings"], list) and data["warnings"]
    assert all(set(w) == {"kind", "subject", "line", "message"} for w in data["warnings"])
    assert {"raters", "campaign", "bounds", "target", "contexts", "provenance"} <= set(data)


def test_json_output_without_warnings_loads_as_a_scenario(cli, capsys):
    from advisor.scenario.schema import scenario_from_dict

    assert cli.run(["import-interface", str(SAGEMAKER_FIXTURE), "--json", "--name", "intent pilot"]) == 0
    data = json.loads(capsys.readouterr().out)
    warnings = data.pop("warnings")
    assert any(w["subject"] == "campaign.seconds_per_item" for w in warnings)
    scenario = scenario_from_dict(data)
    assert scenario.name == "intent pilot"
    assert scenario.raters.per_item == 3


def test_format_option_overrides_detection(cli, capsys):
    status = cli.run(
        ["import-interface", str(SHARED_LABEL_STUDIO / "text-classification.xml"), "--format", "argilla", "--json"]
    )
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    assert "not valid JSON" in captured.err and len(captured.err.strip().splitlines()) == 1


def test_readable_table_lists_questions_and_warnings(cli, capsys):
    assert cli.run(["import-interface", str(SHARED_LABEL_STUDIO / "chat_rlhf.xml")]) == 0
    out = capsys.readouterr().out
    assert "chat_rlhf" in out and "7 question(s)" in out
    table_rows = [line.split() for line in out.splitlines()]
    assert ["tone", "multi_select(3)", "auto"] in table_rows
    assert ["assistant_response_accuracy", "ordinal(5)", "auto"] in table_rows
    assert "Warnings:" in out and "perRegion" in out


def test_unsupported_config_exits_2_with_one_line(cli, capsys):
    status = cli.run(["import-interface", str(SHARED_LABEL_STUDIO / "named-entity-recognition.xml")])
    captured = capsys.readouterr()
    assert status == 2
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotation-advisor: error:")
    assert "Labels 'label'" in lines[0]


def test_missing_file_exits_2(cli, capsys, tmp_path):
    assert cli.run(["import-interface", str(tmp_path / "nope.xml")]) == 2
    assert "nope.xml" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["", " \n\t\n"])
def test_an_empty_file_is_called_empty(cli, capsys, tmp_path, content):
    """It was "expected Label Studio XML (starting with '<') or JSON (starting with '{'), got ''"."""
    path = tmp_path / "empty.xml"
    path.write_text(content, encoding="utf-8")
    assert cli.run(["import-interface", str(path)]) == 2
    error = capsys.readouterr().err
    assert "empty.xml: the file is empty" in error and "got ''" not in error


def test_save_stores_the_scenario(cli, capsys, monkeypatch):
    created = []

    class FakeStore:
        def create(self, scenario, summary=""):
            created.append(scenario)
            assert "visual-ranker.xml" in summary
            return SimpleNamespace(id=41, scenario=scenario, revision=1)

        def close(self):
            pass

    monkeypatch.setattr(cli.common, "open_store", lambda args: FakeStore())
    status = cli.run(["import-interface", str(SHARED_LABEL_STUDIO / "visual-ranker.xml"), "--save", "--json"])
    captured = capsys.readouterr()
    assert status == 0
    assert [s.name for s in created] == ["visual-ranker"]
    assert json.loads(captured.out)["questions"][0]["format"] == {"kind": "ranking", "k": 4, "max_chars": None}
    assert "saved as scenario 41" in captured.err


def test_save_into_a_real_database(cli, capsys, tmp_path):
    database = tmp_path / "scenarios.db"
    status = cli.run(["--db", str(database), "import-interface", str(SHARED_LABEL_STUDIO / "text-classification.xml"), "--save"])
    assert status == 0, capsys.readouterr().err
    assert "Saved as scenario" in capsys.readouterr().out
    from advisor.storage.store import ScenarioStore

    store = ScenarioStore.open(str(database))
    try:
        assert store.get("text-classification").scenario.questions[0].name == "sentiment"
    finally:
        store.close()
