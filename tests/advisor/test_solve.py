"""Solve for one unknown: both thresholds round-trip through evaluate().

``value`` is the smallest value (largest for log2 M) whose evaluation has the verdict
"meets": set it and evaluate, the verdict is "meets"; one grid step less (more for log2 M)
and it is not. ``at_least`` is the smallest value the floor does not rule out: one step less
and the verdict is "cannot". Forward then back: a scenario's own value is recovered when the
target risk is set to the achievable risk that value gives.
"""

from __future__ import annotations

import pytest

from advisor.errors import AdvisorError
from advisor.evaluation.evaluate import evaluate
from advisor.planning.optimize import optimize
from advisor.scenario.schema import Bounds, Campaign, Context, Question, Raters, ResponseFormat, Scenario, Target
from advisor.planning.solve import LOG2_M_RESOLUTION, SECONDS_RESOLUTION, UNKNOWNS, solve


def base_scenario(**target) -> Scenario:
    return Scenario(
        name="solve test",
        target=Target(**({"log2_m": 2.0, "target_risk": 0.15, "model_bits": 40.0} | target)),
        contexts=(Context(name="plain", weight=0.6, reading_words=50), Context(name="hard", weight=0.4, difficulty=0.7)),
        questions=(Question(name="grade", format=ResponseFormat(kind="ordinal", k=4)),),
        raters=Raters(per_item=1, correlation=0.15),
        campaign=Campaign(items=4_000, seconds_per_item=12.0, wage_per_hour=20.0),
        bounds=Bounds(ceiling_form="kl"),
    )


def verdict_at(scenario: Scenario, changes: dict) -> str:
    return evaluate(scenario.with_changes(changes), curves=False).verdict


def achievable_at(scenario: Scenario, changes: dict) -> float:
    return evaluate(scenario.with_changes(changes), curves=False).achievable


def between(scenario: Scenario, worse: dict, better: dict) -> Scenario:
    """The scenario with its target risk halfway between the achievable risks of two designs,
    so the answer lies strictly between them whatever the model's exact numbers."""
    high, low = achievable_at(scenario, worse), achievable_at(scenario, better)
    assert 0.0 < low < high < 1.0
    return scenario.with_changes({"target.target_risk": 0.5 * (low + high)})


def test_raters_round_trip():
    scenario = between(base_scenario(), {"raters.per_item": 1}, {"raters.per_item": 6})
    result = solve(scenario, "raters")
    assert result.reachable and isinstance(result.value, int) and result.value > 1
    assert verdict_at(scenario, {"raters.per_item": result.value}) == "meets"
    assert verdict_at(scenario, {"raters.per_item": result.value - 1}) != "meets"
    assert evaluate(result.scenario, curves=False).achievable == result.best_risk
    assert result.verdict == "meets"
    # The floor's threshold: not ruled out at at_least, ruled out one rater less.
    assert 1 <= result.at_least <= result.value
    assert verdict_at(scenario, {"raters.per_item": result.at_least}) != "cannot"
    if result.at_least > 1:
        assert verdict_at(scenario, {"raters.per_item": result.at_least - 1}) == "cannot"
    data = result.to_dict()
    assert data["for"] == "raters" and data["at_least"] == result.at_least and data["value"] == result.value


def test_seconds_round_trip():
    scenario = between(base_scenario(), {"campaign.seconds_per_item": 5.0}, {"campaign.seconds_per_item": 60.0})
    result = solve(scenario, "seconds")
    assert result.reachable and result.value > SECONDS_RESOLUTION
    assert verdict_at(scenario, {"campaign.seconds_per_item": result.value}) == "meets"
    assert verdict_at(scenario, {"campaign.seconds_per_item": result.value - SECONDS_RESOLUTION}) != "meets"
    assert result.value == pytest.approx(round(result.value / SECONDS_RESOLUTION) * SECONDS_RESOLUTION)
    assert result.at_least <= result.value
    assert verdict_at(scenario, {"campaign.seconds_per_item": result.at_least}) != "cannot"
    assert verdict_at(scenario, {"campaign.seconds_per_item": result.at_least - SECONDS_RESOLUTION}) == "cannot"


def test_items_round_trip():
    # Only the value model's side of the verdict depends on m: the thresholds are its interval.
    scenario = base_scenario(target_risk=0.3).with_changes({
        "raters.per_item": 5, "campaign.seconds_per_item": 60.0, "target.model_bits": 200.0})
    evaluation = evaluate(scenario, curves=False)
    assert evaluation.achievable <= 0.3
    result = solve(scenario, "items")
    assert result.reachable and result.value == evaluation.items_needed.at_most
    assert result.at_least == evaluation.items_needed.at_least
    assert verdict_at(scenario, {"campaign.items": result.value}) == "meets"
    assert verdict_at(scenario, {"campaign.items": result.value - 1}) != "meets"
    assert verdict_at(scenario, {"campaign.items": result.at_least}) != "cannot"
    assert verdict_at(scenario, {"campaign.items": result.at_least - 1}) == "cannot"
    assert result.scenario.campaign.items == result.value


def test_log2_m_round_trip():
    scenario = base_scenario(target_risk=0.25).with_changes({"raters.per_item": 5, "campaign.seconds_per_item": 60.0})
    result = solve(scenario, "log2_m")
    assert result.reachable and result.value > LOG2_M_RESOLUTION
    assert verdict_at(scenario, {"target.log2_m": result.value}) == "meets"
    assert verdict_at(scenario, {"target.log2_m": result.value + LOG2_M_RESOLUTION}) != "meets"
    # For log2 M the floor's threshold is the largest target not ruled out.
    assert result.at_least >= result.value
    assert verdict_at(scenario, {"target.log2_m": result.at_least}) != "cannot"
    assert verdict_at(scenario, {"target.log2_m": result.at_least + LOG2_M_RESOLUTION}) == "cannot"


def test_budget_round_trip():
    scenario = between(base_scenario(), {"campaign.seconds_per_item": 5.0}, {"campaign.seconds_per_item": 60.0})
    result = solve(scenario, "budget")
    assert result.reachable and result.value > 0
    design = result.scenario
    checked = evaluate(design, curves=False)
    assert checked.verdict == "meets"
    assert checked.cost == pytest.approx(result.value)
    assert design.campaign.budget_cap == pytest.approx(result.value)
    # Formats and items are the scenario's; only raters and time changed.
    assert [q.format for q in design.questions] == [q.format for q in scenario.questions]
    assert design.campaign.items == scenario.campaign.items
    # One step less: the next shorter time on the grid does not meet the target ...
    shorter = design.campaign.seconds_per_item / result.step
    assert verdict_at(design, {"campaign.seconds_per_item": shorter}) != "meets"
    # ... and no design of the search fits a budget just below the value.
    formats = [[q.format] for q in scenario.questions]
    below = optimize(scenario, budget_cap=result.value * (1 - 1e-9), allowed_formats=formats, keep_time_shares=True)
    assert below.recommended is None
    at = optimize(scenario, budget_cap=result.value * (1 + 1e-9), allowed_formats=formats, keep_time_shares=True)
    assert at.recommended_evaluation.cost == pytest.approx(result.value)
    assert result.at_least is not None and result.at_least <= result.value


@pytest.mark.parametrize("unknown", ["raters", "seconds"])
def test_forward_then_solve_recovers_the_value(unknown):
    # Forward: the achievable risk at the scenario's own value; solve with that as the
    # target: the same value comes back (it is the smallest that meets it).
    scenario = base_scenario().with_changes({"raters.per_item": 3, "campaign.seconds_per_item": 9.5})
    own = evaluate(scenario, curves=False)
    assert own.items_needed.at_most <= scenario.campaign.items
    result = solve(scenario.with_changes({"target.target_risk": own.achievable}), unknown)
    expected = 3 if unknown == "raters" else 9.5
    assert result.reachable and result.value == pytest.approx(expected)


def test_forward_then_solve_recovers_log2_m():
    # A target of non-integer M is decoded among ⌈M⌉ hypotheses, so the achievable risk is a step
    # function of log2 M: the largest target meeting the own risk has the own ⌈M⌉.
    scenario = base_scenario().with_changes({"raters.per_item": 2, "target.log2_m": 3.37})
    own = evaluate(scenario, curves=False).achievable
    assert 0 < own < 1
    result = solve(scenario.with_changes({"target.target_risk": own}), "log2_m")
    assert 3.37 <= result.value < 3.46  # 2^3.46 > 11 = ⌈2^3.37⌉
    assert achievable_at(scenario, {"target.log2_m": result.value}) == pytest.approx(own)


def test_unreachable_reports_the_best_value_and_its_risk():
    scenario = base_scenario(log2_m=40.0, target_risk=0.05).with_changes({"raters.correlation": 0.6})
    for unknown in ("raters", "seconds"):
        result = solve(scenario, unknown)
        assert not result.reachable and result.value is None
        assert result.best_value is not None and result.best_risk > 0.05
        assert result.message.startswith("Unreachable")
        assert evaluate(result.scenario, curves=False).achievable == pytest.approx(result.best_risk)
    budget = solve(scenario, "budget")
    assert not budget.reachable and budget.value is None and budget.best_risk > 0.05


def test_a_zero_bit_design_is_never_reachable():
    # 300 words to read in 45 s: no judgment time, no information (the first release answered
    # "1 items bring the ceiling to 0.0000, reachable yes").
    scenario = base_scenario(log2_m=8.0, target_risk=0.1).with_changes({
        "contexts.0.reading_words": 300.0, "contexts.1.reading_words": 300.0,
        "campaign.seconds_per_item": 45.0, "raters.per_item": 3,
    })
    evaluation = evaluate(scenario, curves=False)
    assert evaluation.capacity_nats == pytest.approx(0.0, abs=1e-12)
    assert evaluation.verdict == "cannot"
    for unknown in ("items", "raters", "log2_m"):
        result = solve(scenario, unknown)
        assert not result.reachable and result.value is None, unknown
    items = solve(scenario, "items")
    assert items.at_least is None and "Unreachable" in items.message


def test_unknown_parameter_is_refused():
    with pytest.raises(AdvisorError, match="unknown must be one of"):
        solve(base_scenario(), "wage")
    assert set(UNKNOWNS) == {"raters", "seconds", "items", "log2_m", "budget"}
