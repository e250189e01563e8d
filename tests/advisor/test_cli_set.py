"""``new NAME --from-example KEY --set FIELD=VALUE`` and ``set NAME FIELD=VALUE``:
fields changed from flags, validated like every other input (one line on
standard error, exit status 2, nothing stored); ``set`` stores one revision."""

from __future__ import annotations

from pathlib import Path

import pytest

import advisor.cli
from advisor.cli.scenarios import parse_assignments
from advisor.scenario.schema import examples_dir, load_scenario_file
from advisor.storage.store import ScenarioStore

RLHF_FILE = examples_dir() / "rlhf_pairwise_preference.json"
RLHF = load_scenario_file(RLHF_FILE)


def _snapshot(database: Path) -> tuple:
    with ScenarioStore.open(database, seed=False) as store:
        rows = store.list(include_deleted=True, order_by="created", limit=10_000)
        return tuple((s.id, s.name, s.revision, len(store.history(s.id))) for s in rows)


def _stored(database: Path, name: str):
    with ScenarioStore.open(database, seed=False) as store:
        stored = store.get(name)
        return stored, store.history(stored.id)


def _one_line_error(capsys, *fragments: str) -> None:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    for fragment in fragments:
        assert fragment in lines[0]


def test_parse_assignments_reads_json_else_text():
    assert parse_assignments(["raters.per_item=3", "campaign.seconds_per_item=45.5", "notes=pilot run",
                              "tags=[\"a\", \"b\"]", "campaign.budget_cap=null", "name=\"7\""]) == {
        "raters.per_item": 3, "campaign.seconds_per_item": 45.5, "notes": "pilot run", "tags": ["a", "b"],
        "campaign.budget_cap": None, "name": "7"}
    with pytest.raises(ValueError, match="expected FIELD=VALUE"):
        parse_assignments(["raters.per_item"])


def test_new_from_example_with_set_stores_the_changed_copy(cli_database, capsys):
    status = advisor.cli.main(["new", "Three raters", "--from-example", RLHF_FILE.stem,
                               "--set", "raters.per_item=3", "--set", "campaign.seconds_per_item=45",
                               "--set", "questions.0.slip_rate=0.05"])
    assert status == 0, capsys.readouterr().err
    stored, history = _stored(cli_database, "Three raters")
    expected = RLHF.with_changes({"name": "Three raters", "raters.per_item": 3, "campaign.seconds_per_item": 45,
                                  "questions.0.slip_rate": 0.05})
    assert stored.scenario == expected and len(history) == 1


@pytest.mark.parametrize("assignment, fragment", [
    ("raters.per_item=-3", "must be at least 1, got -3"),
    ("raters.per_item=abc", "valid integer"),
    ("raters.per_itme=3", "raters.per_itme"),
    ("questions.9.slip_rate=0.1", "no such field"),
    ("raters.per_item", "expected FIELD=VALUE"),
])
def test_new_with_a_bad_set_stores_nothing(cli_database, capsys, assignment, fragment):
    before = _snapshot(cli_database)
    status = advisor.cli.main(["new", "Bad", "--from-example", RLHF_FILE.stem, "--set", assignment])
    assert status == 2
    _one_line_error(capsys, fragment)
    assert _snapshot(cli_database) == before


def test_set_stores_one_new_revision(cli_database, capsys):
    stored, history = _stored(cli_database, RLHF.name)
    status = advisor.cli.main(["set", RLHF.name, "raters.per_item=4", "campaign.seconds_per_item=60",
                               "tags=[\"pilot\"]"])
    assert status == 0, capsys.readouterr().err
    after, after_history = _stored(cli_database, RLHF.name)
    assert after.revision == stored.revision + 1 and len(after_history) == len(history) + 1
    assert after.scenario == stored.scenario.with_changes(
        {"raters.per_item": 4, "campaign.seconds_per_item": 60, "tags": ["pilot"]})
    assert f"revision {after.revision}" in capsys.readouterr().out


def test_set_to_the_same_values_stores_nothing(cli_database, capsys):
    stored, _ = _stored(cli_database, RLHF.name)
    before = _snapshot(cli_database)
    assert advisor.cli.main(["set", RLHF.name, f"raters.per_item={stored.scenario.raters.per_item}"]) == 0
    assert _snapshot(cli_database) == before and "nothing stored" in capsys.readouterr().out


@pytest.mark.parametrize("argv, fragment", [
    (["set", RLHF.name, "raters.per_item=4", "raters.correlation=1.5"], "less than 1"),
    (["set", RLHF.name, "campaign.seconds_per_item=fast"], "valid number"),
    (["set", "No such scenario", "raters.per_item=4"], "No such scenario"),
    (["set", RLHF.name, "=4"], "expected FIELD=VALUE"),
])
def test_set_with_bad_input_stores_nothing(cli_database, capsys, argv, fragment):
    before = _snapshot(cli_database)
    assert advisor.cli.main(argv) == 2
    _one_line_error(capsys, fragment)
    assert _snapshot(cli_database) == before
