"""What the report and the command line say of overlap designs, gold questions and best–worst
scaling: the evaluation's numbers, under their names."""

from __future__ import annotations

import json

import pytest

from advisor.cli import main
from advisor.evaluation.evaluate import evaluate
from advisor.planning.overlap_designs import compare_adaptive
from advisor.report import build_report
from advisor.report.model import Formula, KeyValues, Table
from advisor.scenario.schema import examples_dir, load_scenario_file

ADAPTIVE = examples_dir() / "personal_attack_adaptive_overlap.json"
BEST_WORST = examples_dir() / "intensity_best_worst_tweets.json"


def cli(capsys, *argv: str) -> tuple[int, str]:
    """Exit status and standard output of one command (the database: ``cli_database``)."""
    return main(list(argv)), capsys.readouterr().out


def _blocks(report, key: str):
    return [block for section in report.sections if section.key == key for block in section.blocks]


def test_report_shows_the_overlap_and_gold_of_the_evaluation():
    scenario = load_scenario_file(ADAPTIVE)
    evaluation = evaluate(scenario, curves=False)
    report = build_report([scenario], sections=["inputs", "capacity", "method"], include_optimizer=False)
    tables = {block.key: block for block in _blocks(report, "capacity") if isinstance(block, Table)}
    overlap = tables["overlap"]
    row = overlap.rows[0]
    assert row[1] == pytest.approx(evaluation.overlap.expected_raters)
    law = dict(evaluation.overlap.contexts[0].length_law)
    assert list(row[2:]) == pytest.approx([law.get(n, 0.0) for n in (2, 3)])
    gold = tables["gold"]
    question = evaluation.gold.questions[0]
    assert gold.rows[0][:8] == pytest.approx((question.name, question.accuracy, question.chance, question.accuracy_se,
                                               question.rater_accuracy_se, question.discriminability_se,
                                               question.spam_power, question.labels_for_power))
    titles = [block.title for block in _blocks(report, "inputs") if isinstance(block, KeyValues)]
    assert "Overlap" in titles and "Gold questions" in titles
    formulas = " ".join(block.text for block in _blocks(report, "method") if isinstance(block, Formula))
    assert "E[N]" in formulas and "SE(λ)" in formulas
    assert "ln(n(n − 1))" not in formulas  # no best-worst question here


def test_report_method_explains_best_worst_scaling_when_used():
    scenario = load_scenario_file(BEST_WORST)
    report = build_report([scenario], sections=["method"], include_optimizer=False)
    formulas = [block for block in _blocks(report, "method") if isinstance(block, Formula)]
    assert any("ln(n(n − 1))" in block.text and "Kiritchenko" in block.reference for block in formulas)
    assert not any("E[N]" in block.text for block in formulas)


def test_a_fixed_design_without_gold_has_no_design_blocks():
    report = build_report([load_scenario_file(examples_dir() / "search_relevance_trec.json")],
                          sections=["inputs", "capacity"], include_optimizer=False)
    keys = {block.key for section in report.sections for block in section.blocks if isinstance(block, Table)}
    assert "overlap" not in keys and "gold" not in keys


def test_overlap_command_json(capsys, cli_database):
    status, out = cli(capsys, "overlap", str(ADAPTIVE), "--json")
    assert status == 0
    data = json.loads(out)
    comparison = compare_adaptive(load_scenario_file(ADAPTIVE))
    assert data["adaptive"]["label_error"] == pytest.approx(comparison.adaptive.label_error)
    assert data["equal_cost"]["cost"] == pytest.approx(data["adaptive"]["cost"])
    assert data["label_error_gain"] == pytest.approx(comparison.label_error_gain) and data["label_error_gain"] > 0
    assert [row["raters_per_item"] for row in data["fixed"]] == [2, 3]


def test_overlap_command_table(capsys, cli_database):
    status, out = cli(capsys, "overlap", str(ADAPTIVE))
    assert status == 0
    assert "adaptive overlap against fixed overlap (bits per item)" in out
    assert "equal cost" in out and "lowers the achievable risk" in out
    # The summary also names the achievable risk, which verdicts go by and which may move the other way.
    comparison = compare_adaptive(load_scenario_file(ADAPTIVE))
    adaptive, equal = comparison.adaptive.achievable, comparison.equal_cost.achievable
    if abs(adaptive - equal) >= 5e-5:
        assert f"the achievable risk from {equal:.4f} to {adaptive:.4f}" in " ".join(out.split())


def test_evaluate_prints_expected_raters_and_gold(capsys, cli_database):
    status, out = cli(capsys, "evaluate", str(ADAPTIVE))
    assert status == 0
    evaluation = evaluate(load_scenario_file(ADAPTIVE), curves=False)
    assert f"{evaluation.overlap.expected_raters:.3f} on average" in out
    assert f"± {evaluation.gold.questions[0].accuracy_se:.4f} pooled" in out
    status, out = cli(capsys, "evaluate", str(ADAPTIVE), "--json")
    data = json.loads(out)
    assert data["overlap"]["expected_raters"] == pytest.approx(evaluation.overlap.expected_raters)
    assert data["gold"]["cost"] == pytest.approx(evaluation.gold.cost)


def test_optimize_adaptive_flag(capsys, cli_database, tmp_path):
    scenario = load_scenario_file(ADAPTIVE).with_changes({"overlap.mode": "fixed", "gold.share": 0.0})
    path = tmp_path / "fixed.json"
    path.write_text(scenario.to_json(), encoding="utf-8")
    status, out = cli(capsys, "optimize", str(path), "--max-raters", "4", "--adaptive", "--json")
    assert status == 0
    data = json.loads(out)
    recommended = data["recommended"]
    assert recommended is not None and data["recommended_evaluation"]["verdict"] == "meets"
    status, plain = cli(capsys, "optimize", str(path), "--max-raters", "4", "--json")
    fixed = json.loads(plain)
    assert data["recommended_evaluation"]["cost"] <= fixed["recommended_evaluation"]["cost"] + 1e-9
