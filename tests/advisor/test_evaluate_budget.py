"""evaluate() within its work budget: the work it spends on heavy designs, the flags and warnings
of the approximations, floors on the safe side of the exact ones, and headline numbers that do
not depend on the curves (work is counted by models.capacity.metered_work, never timed)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import advisor.evaluation.evaluate as evaluation
from advisor.evaluation.evaluate import CURVES_WORK_BUDGET, EVALUATE_WORK_BUDGET, evaluate, seconds_curve_grid
from advisor.evaluation.results import WATER_FILL_STEPS
from advisor.scenario.schema import Scenario, load_scenario_file
from models.capacity import metered_work

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "resources" / "scenarios").glob("*.json"))
XRAY = next(path for path in EXAMPLES if path.stem == "medical_xray_binary")
#: Beyond the caps, a run may overshoot by one evaluation and one Newton step, and the fixed
#: overheads (argument checks, kernels, codebook choice) are charged on top.
SLACK = 1.25


def xray_with(fmt: dict) -> Scenario:
    data = json.loads(XRAY.read_text())
    data["questions"][0]["format"] = fmt
    return Scenario.model_validate(data)


def many_contexts(questions: list[dict], contexts: int = 12) -> Scenario:
    data = json.loads(XRAY.read_text())
    data["contexts"] = [{"name": f"c{i}", "weight": 1.0 + i, "difficulty": 0.3 + 0.2 * i, "reading_words": 5 * i}
                        for i in range(contexts)]
    data["questions"] = [{"name": f"q{i}", "format": fmt} for i, fmt in enumerate(questions)]
    return Scenario.model_validate(data)


def headline(result) -> dict:
    return result.to_dict(include_curves=False)


@pytest.mark.parametrize("fmt", [{"kind": "pairwise", "k": 50}, {"kind": "ordinal", "k": 50}])
def test_the_slow_x_ray_variants_stay_within_the_budget_and_say_so(fmt):
    scenario = xray_with(fmt)
    with metered_work() as meter:
        result = evaluate(scenario, curves=False)
    assert meter.entries <= SLACK * EVALUATE_WORK_BUDGET
    assert result.budget_limited
    assert any(w.startswith("Time budget") for w in result.warnings)
    limited = [q for ctx in result.contexts for q in ctx.questions if q.budget_limited]
    assert limited and all(q.panel_upper_nats >= q.panel_nats for q in limited)


def test_headline_numbers_do_not_depend_on_the_curves_nor_on_what_is_cached():
    scenario = xray_with({"kind": "pairwise", "k": 50})
    evaluation._cached_channel.cache_clear()
    evaluation._cached_decoding.cache_clear()
    without = headline(evaluate(scenario, curves=False))
    with metered_work() as meter:
        full = evaluate(scenario, curves=True)
    assert headline(full) == without
    assert meter.entries <= SLACK * (EVALUATE_WORK_BUDGET + CURVES_WORK_BUDGET)
    assert headline(evaluate(scenario, curves=False)) == without


def test_a_budgeted_floor_is_at_most_the_exact_floor_and_the_achievable_risk_at_least_the_exact(monkeypatch):
    # An example computed exactly, then again under a budget a thousand times smaller.
    scenario = load_scenario_file(next(path for path in EXAMPLES if path.stem == "chatbot_rubric_likert"))
    exact = evaluate(scenario, curves=False)
    assert not exact.budget_limited
    monkeypatch.setattr(evaluation, "EVALUATE_WORK_BUDGET", EVALUATE_WORK_BUDGET / 1000)
    evaluation._cached_channel.cache_clear()
    evaluation._cached_decoding.cache_clear()
    with metered_work() as meter:
        budgeted = evaluate(scenario, curves=False)
    assert budgeted.budget_limited and any(w.startswith("Time budget") for w in budgeted.warnings)
    assert meter.entries <= SLACK * EVALUATE_WORK_BUDGET / 1000 + 5e7  # fixed overheads
    assert budgeted.water_fill_steps < WATER_FILL_STEPS
    # Against the exact computation at the same (budgeted) time shares: the capacity's upper end
    # is certified, so the floor is at most the exact floor; the decoding is achievable, so the
    # achievable risk is at least the exact one.
    plain = evaluation._Design(scenario.raters.per_item, scenario.campaign.seconds_per_item)
    channels = evaluation._channels(scenario, budgeted.time_shares, plain)
    exact_upper = evaluation._mean_capacity(scenario, channels, upper=True)
    assert sum(w * c.panel_upper_nats for w, c in zip(scenario.context_weights, budgeted.contexts)) >= exact_upper - 1e-12
    assert budgeted.floor <= evaluation._floors(scenario, exact_upper)[0] + 1e-12
    exact_achievable = evaluation._design_planner(scenario, channels, scenario.raters.per_item).achievable
    assert budgeted.achievable >= exact_achievable - 1e-12
    assert budgeted.achievable >= 0.0 and budgeted.floor <= budgeted.achievable + 1e-12


def test_many_questions_over_many_contexts_water_fill_on_fewer_steps_within_the_budget():
    formats = [{"kind": "ordinal", "k": 50}, {"kind": "pairwise", "k": 50}, {"kind": "categorical", "k": 50},
               {"kind": "ranking", "k": 6}, {"kind": "ordinal", "k": 7}] * 4
    scenario = many_contexts(formats, contexts=12)
    with metered_work() as meter:
        result = evaluate(scenario, curves=False)
    assert meter.entries <= SLACK * EVALUATE_WORK_BUDGET + 5e8
    assert result.water_fill_steps < WATER_FILL_STEPS
    assert any("water-filled in steps" in w for w in result.warnings)
    assert result.floor <= result.achievable + 1e-12


def test_heavy_curves_keep_fewer_points_and_are_flagged():
    data = json.loads(XRAY.read_text())
    data["questions"][0]["format"] = {"kind": "ranking", "k": 6}
    data["raters"]["per_item"] = 40
    scenario = Scenario.model_validate(data)
    with metered_work() as meter:
        result = evaluate(scenario, curves=True)
    assert meter.entries <= SLACK * (EVALUATE_WORK_BUDGET + CURVES_WORK_BUDGET)
    raters = result.curves["raters"]
    assert raters.budget_limited and len(raters.x) < 80 and 40 in raters.x


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_examples_are_computed_exactly(path):
    result = evaluate(load_scenario_file(path), curves=True)
    assert not result.budget_limited
    assert result.water_fill_steps == WATER_FILL_STEPS
    assert not any(w.startswith("Time budget") for w in result.warnings)
    assert not any(curve.budget_limited for curve in result.curves.values())
    assert all(not q.budget_limited for ctx in result.contexts for q in ctx.questions)
    seconds = load_scenario_file(path).campaign.seconds_per_item
    log2_x = list(result.curves["log2_m"].x)
    assert list(result.curves["seconds"].x) == seconds_curve_grid(seconds)
    # The 61 targets of the grid and the scenario's own (62 unless it is one of them).
    assert len(log2_x) in (61, 62) and load_scenario_file(path).target.log2_m in log2_x
    assert math.isfinite(result.floor)
