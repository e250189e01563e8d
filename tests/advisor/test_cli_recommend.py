"""The ``recommend``, ``solve`` and ``optimize`` subcommands: JSON and tables,
saving the recommended design, and bad input giving one line and exit status 2."""

from __future__ import annotations

import json

import pytest

from advisor.cli import main
from advisor.cli.recommend import parse_format_options
from advisor.errors import FormatOptionError
from advisor.evaluation.evaluate import evaluate
from advisor.scenario.schema import examples_dir, load_scenario_file, scenario_from_dict
from advisor.storage.store import ScenarioStore

EXAMPLE = examples_dir() / "search_relevance_trec.json"


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def run(capsys, argv: list[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_recommend_json_has_the_diagnosis_and_ranked_levers(capsys, db):
    status, out, _ = run(capsys, ["--db", db, "recommend", str(EXAMPLE), "--json"])
    assert status == 0
    data = json.loads(out)
    scenario = load_scenario_file(EXAMPLE)
    evaluation = evaluate(scenario, curves=False)
    assert data["diagnosis"]["floor"] == pytest.approx(evaluation.floor)
    assert data["diagnosis"]["labels_cannot_reach_target"] is (evaluation.floor > scenario.target.target_risk)
    keys = [lever["key"] for lever in data["levers"]]
    assert "raters+1" in keys and "training" in keys
    more = next(lever for lever in data["levers"] if lever["key"] == "raters+1")
    assert more["delta_capacity_bits"] == pytest.approx(more["delta_capacity_nats"] / 0.6931471805599453)


def test_recommend_table(capsys, db):
    status, out, _ = run(capsys, ["--db", db, "recommend", str(EXAMPLE)])
    assert status == 0
    assert "Levers, best first (ranked by the fall of the achievable risk" in out
    assert "information in bits per item" in out
    assert "raters+1" in out and "A 4th rater per item" in out
    # The table shows what ranks the levers: each applicable lever's change of the achievable risk,
    # in the order and with the values of the JSON output.
    status, json_out, _ = run(capsys, ["--db", db, "recommend", str(EXAMPLE), "--json"])
    levers = json.loads(json_out)["levers"]
    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if "Δachievable" in line)
    assert "fall of risk per 1,000 USD" in lines[header]
    # Columns cut at the widths of the rule under the header (keys may hold spaces).
    spans, start = [], 0
    for dashes in lines[header + 1].split("  "):
        spans.append((start, start + len(dashes)))
        start += len(dashes) + 2
    rows = [[line[a:b].strip() for a, b in spans] for line in lines[header + 2:header + 2 + len(levers)]]
    assert [row[1] for row in rows] == [lever["key"] for lever in levers]
    for row, lever in zip(rows, levers):
        if lever["applicable"]:
            assert row[2] == f"{lever['delta_achievable']:+.4f}"
            assert row[5][:1] in "+-" and float(row[5]) == pytest.approx(lever["delta_capacity_bits"], abs=5e-4)
    status, out_nats, _ = run(capsys, ["--db", db, "recommend", str(EXAMPLE), "--nats"])
    assert status == 0 and "information in nats per item" in out_nats


def test_solve_prints_for_value_reachable(capsys, db):
    status, out, _ = run(capsys, ["--db", db, "solve", str(EXAMPLE), "--for", "raters", "--json"])
    assert status == 0
    data = json.loads(out)
    assert data["for"] == "raters" and isinstance(data["reachable"], bool)
    if data["reachable"]:
        scenario = scenario_from_dict(data["scenario"])
        assert scenario.raters.per_item == data["value"]
        assert evaluate(scenario, curves=False).floor <= scenario.target.target_risk
    status, out, _ = run(capsys, ["--db", db, "solve", str(EXAMPLE), "--for", "log2_m"])
    assert status == 0
    assert out.splitlines()[0].split() == ["for", "log2_m"]
    assert "value" in out and "reachable" in out


def test_solve_unreachable_shows_the_best(capsys, db, tmp_path):
    data = load_scenario_file(EXAMPLE).to_dict()
    data["target"]["log2_m"] = 60.0
    data["target"]["target_risk"] = 0.01
    path = tmp_path / "hard.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    status, out, _ = run(capsys, ["--db", db, "solve", str(path), "--for", "seconds"])
    assert status == 0
    assert "unreachable" in out and "best" in out and "Unreachable" in out
    # The best time as the message words it: at most four significant digits, rounded up ("190.02 s"
    # above "190.1 s per item").
    # (The example itself: unreachable, its best 190.02 s per item.)
    status, out, _ = run(capsys, ["--db", db, "solve", str(EXAMPLE), "--for", "seconds", "--json"])
    best = json.loads(out)["best_value"]
    assert best != round(best, 1)  # a time with more digits than are shown
    status, out, _ = run(capsys, ["--db", db, "solve", str(EXAMPLE), "--for", "seconds"])
    shown = next(line.split(None, 1)[1] for line in out.splitlines() if line.startswith("best"))
    assert shown.endswith(" s") and f"{shown} per item" in out
    number = float(shown.removesuffix(" s").replace(",", ""))
    assert best <= number <= best * 1.001 + 0.01 and len(shown.removesuffix(" s").replace(",", "").replace(".", "").strip("0")) <= 4


def test_optimize_json_and_save_as(capsys, db):
    status, out, _ = run(capsys, ["--db", db, "optimize", str(EXAMPLE), "--max-raters", "3", "--json",
                                  "--save-as", "relevance, optimised"])
    assert status == 0
    data = json.loads(out)
    assert data["frontier"] and {"cost", "floor", "raters", "scenario"} <= set(data["frontier"][0])
    if data["recommended"] is None:
        assert "saved" not in data
        return
    recommended = scenario_from_dict(data["recommended"])
    assert recommended.raters.per_item <= 3
    assert evaluate(recommended, curves=False).floor <= recommended.target.target_risk
    assert data["saved"]["name"] == "relevance, optimised"
    with ScenarioStore.open(db) as store:
        stored = store.get("relevance, optimised")
    assert stored.scenario.raters.per_item == recommended.raters.per_item


def test_optimize_table_with_constraints_and_formats(capsys, db):
    status, out, _ = run(capsys, [
        "--db", db, "optimize", str(EXAMPLE), "--max-raters", "2", "--budget", "1000000",
        "--formats", "relevance=ordinal(3),ordinal(4)",
    ])
    assert status == 0
    assert "Frontier: cost against the risk floor" in out
    assert "ordinal(7)" not in out and "ordinal(5)" not in out


@pytest.mark.parametrize("argv, words", [
    (["optimize", str(EXAMPLE), "--formats", "relevance"], "QUESTION=FORMAT"),
    (["optimize", str(EXAMPLE), "--formats", "nobody=binary"], "name no question"),
    (["optimize", str(EXAMPLE), "--formats", "relevance=ordinal(99)"], "relevance"),
    (["optimize", str(EXAMPLE), "--max-raters", "0"], "max_raters"),
    (["recommend", "no such scenario name"], "no such scenario name"),
])
def test_bad_input_is_one_line_and_status_2(capsys, db, argv, words):
    status, out, err = run(capsys, ["--db", db, *argv])
    assert status == 2 and out == ""
    assert err.startswith("annotation-advisor: error:") and err.count("\n") == 1
    assert words in err


def test_an_unknown_unknown_is_refused_by_the_parser(capsys, db):
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", db, "solve", str(EXAMPLE), "--for", "wage"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'wage'" in capsys.readouterr().err


def test_parse_format_options():
    assert parse_format_options(None) is None
    assert parse_format_options(["a=binary, ordinal(5)", "b c=pairwise"]) == {
        "a": ["binary", "ordinal(5)"], "b c": ["pairwise"]}
    with pytest.raises(FormatOptionError):
        parse_format_options(["a=ordinal(5"])
    with pytest.raises(FormatOptionError):
        parse_format_options(["=binary"])
