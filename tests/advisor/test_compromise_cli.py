"""``annotation-advisor compromise``: the JSON contract (budget, rows, best one of the rows) equal to
the analysis itself, a stored name resolved like a file, the readable table, and one-line errors."""

from __future__ import annotations

import json

import pytest

from advisor.cli import main
from advisor.planning.compromise import compromise
from advisor.scenario.schema import examples_dir, load_scenario_file

EXAMPLE = examples_dir() / "medical_xray_binary.json"


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    try:
        status = main(argv)
    except SystemExit as stop:  # argparse's usage errors
        status = int(stop.code)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_json_contract_is_the_analysis(capsys, db):
    status, out, err = run(capsys, ["--db", db, "compromise", str(EXAMPLE), "--budget", "3000", "--max-raters", "5",
                                    "--json"])
    assert status == 0, err
    data = json.loads(out)
    expected = compromise(load_scenario_file(EXAMPLE), 3000.0, max_raters=5).to_dict()
    assert data == json.loads(json.dumps(expected))
    assert data["budget"] == 3000.0
    assert [row["raters"] for row in data["rows"]] == [1, 2, 3, 4, 5]
    for row in data["rows"]:
        assert {"raters", "items", "label_error", "achievable", "items_needed"} <= set(row)
        assert set(row["items_needed"]) == {"at_least", "estimate", "at_most"}
        assert row["cost"] <= 3000.0
    assert data["best"] in data["rows"]
    # Lowest achievable risk, ties (here one and two binary votes, equal but for rounding) to fewer raters.
    lowest = min(row["achievable"] for row in data["rows"])
    ties = [row["raters"] for row in data["rows"] if row["achievable"] <= lowest * (1 + 1e-9)]
    assert data["best"]["raters"] == min(ties)


def test_a_stored_name_resolves_like_its_file(capsys, db):
    scenario = load_scenario_file(EXAMPLE)
    status, out, _ = run(capsys, ["--db", db, "compromise", scenario.name, "--budget", "2500", "--max-raters", "3",
                                  "--item-cost", "0.5", "--objective", "model", "--json"])
    assert status == 0
    data = json.loads(out)
    assert data["scenario"] == scenario.name and data["item_cost"] == 0.5 and data["objective"] == "model"
    assert data == json.loads(json.dumps(
        compromise(scenario, 2500.0, max_raters=3, item_cost=0.5, objective="model").to_dict()))


def test_the_table_marks_the_best_split(capsys, db):
    status, out, _ = run(capsys, ["--db", db, "compromise", str(EXAMPLE), "--budget", "5000", "--max-raters", "6"])
    assert status == 0
    result = compromise(load_scenario_file(EXAMPLE), 5000.0, max_raters=6)
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("raters"))
    rows = lines[header + 2: header + 2 + len(result.rows)]
    assert len(rows) == 6
    marked = [line for line in rows if line.endswith("<- best")]
    assert len(marked) == 1
    assert marked[0].split()[0] == str(result.best_row.raters)
    assert f"{result.best_row.items:,}" in marked[0]
    assert result.message in out


def test_a_budget_that_buys_no_item_is_one_line_and_status_2(capsys, db):
    status, out, err = run(capsys, ["--db", db, "compromise", str(EXAMPLE), "--budget", "0.5"])
    assert status == 2 and out == ""
    assert err.count("\n") == 1
    assert "a budget of $0.50 buys no item: one item with one rater costs $0.86" in err


@pytest.mark.parametrize(("argv", "message"), [
    (["--budget", "-3"], "budget must be above 0"),
    (["--budget", "100", "--max-raters", "0"], "max raters must be a whole number from 1 to 100"),
    (["--budget", "100", "--item-cost", "-1"], "item cost must be 0 or more"),
    (["--budget", "100", "--objective", "labels"], "invalid choice: 'labels'"),
])
def test_bad_options_are_one_line_and_status_2(capsys, db, argv, message):
    status, _, err = run(capsys, ["--db", db, "compromise", str(EXAMPLE), *argv])
    assert status == 2 and message in err and err.count("\n") == 1
