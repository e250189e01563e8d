"""Solve for one unknown: every solve-for round-trips.

Solve, set the value, evaluate: the target is met; one step less (r − 1,
T − 0.01 s, m − 1, the next cheaper design, log2 M + 0.01 bit) misses it.
And forward then back: a scenario's own value is recovered when the target is
set to the risk that value gives.
"""

from __future__ import annotations

import pytest

from advisor.errors import AdvisorError
from advisor.evaluate import evaluate
from advisor.optimize import optimize
from advisor.scenario import Bounds, Campaign, Context, Question, Raters, ResponseFormat, Scenario, Target
from advisor.solve import LOG2_M_RESOLUTION, SECONDS_RESOLUTION, UNKNOWNS, solve


def base_scenario(**target) -> Scenario:
    return Scenario(
        name="solve test",
        target=Target(**({"log2_m": 2.0, "target_risk": 0.15} | target)),
        contexts=(Context(name="plain", weight=0.6, reading_words=50), Context(name="hard", weight=0.4, difficulty=0.7)),
        questions=(Question(name="grade", format=ResponseFormat(kind="ordinal", k=4)),),
        raters=Raters(per_item=1, correlation=0.15),
        campaign=Campaign(items=4_000, seconds_per_item=12.0, wage_per_hour=20.0),
        bounds=Bounds(ceiling_form="kl"),
    )


def floor_at(scenario: Scenario, changes: dict) -> float:
    return evaluate(scenario.with_changes(changes), curves=False).floor


def between(scenario: Scenario, worse: dict, better: dict) -> Scenario:
    """The scenario with its target risk halfway between the floors of two designs,
    so the answer lies strictly between them whatever the model's exact numbers."""
    high, low = floor_at(scenario, worse), floor_at(scenario, better)
    assert 0.0 < low < high < 1.0
    return scenario.with_changes({"target.target_risk": 0.5 * (low + high)})


def test_raters_round_trip():
    scenario = between(base_scenario(), {"raters.per_item": 1}, {"raters.per_item": 6})
    result = solve(scenario, "raters")
    assert result.reachable and isinstance(result.value, int) and result.value > 1
    target = scenario.target.target_risk
    assert floor_at(scenario, {"raters.per_item": result.value}) <= target
    assert floor_at(scenario, {"raters.per_item": result.value - 1}) > target
    assert evaluate(result.scenario, curves=False).floor == result.best_risk
    assert result.to_dict()["for"] == "raters"


def test_seconds_round_trip():
    scenario = between(base_scenario(), {"campaign.seconds_per_item": 5.0}, {"campaign.seconds_per_item": 60.0})
    result = solve(scenario, "seconds")
    assert result.reachable and result.value > SECONDS_RESOLUTION
    target = scenario.target.target_risk
    assert floor_at(scenario, {"campaign.seconds_per_item": result.value}) <= target
    assert floor_at(scenario, {"campaign.seconds_per_item": result.value - SECONDS_RESOLUTION}) > target
    assert result.value == pytest.approx(round(result.value / SECONDS_RESOLUTION) * SECONDS_RESOLUTION)


def ceiling_at(scenario: Scenario, items: int) -> float:
    return evaluate(scenario.with_changes({"campaign.items": items}), curves=False).ceiling


def test_items_round_trip():
    # The KL ceiling falls with the number of items towards its plateau; put
    # the target between its values at 20 and at a million items.
    scenario = base_scenario().with_changes({"campaign.seconds_per_item": 6.0, "bounds.eta": 0.5})
    high, low = ceiling_at(scenario, 20), ceiling_at(scenario, 1_000_000)
    assert 0.0 < low < high < 1.0
    scenario = scenario.with_changes({"target.target_risk": 0.5 * (low + high)})
    result = solve(scenario, "items")
    assert result.reachable and 20 < result.value < 1_000_000
    assert ceiling_at(scenario, result.value) <= scenario.target.target_risk
    assert ceiling_at(scenario, result.value - 1) > scenario.target.target_risk
    assert result.scenario.campaign.items == result.value


def test_log2_m_round_trip():
    scenario = base_scenario().with_changes({"raters.per_item": 3})
    result = solve(scenario, "log2_m")
    assert result.reachable and result.value > LOG2_M_RESOLUTION
    target = scenario.target.target_risk
    assert floor_at(scenario, {"target.log2_m": result.value}) <= target
    assert floor_at(scenario, {"target.log2_m": result.value + LOG2_M_RESOLUTION}) > target


def test_budget_round_trip():
    scenario = between(base_scenario(), {"campaign.seconds_per_item": 5.0}, {"campaign.seconds_per_item": 60.0})
    result = solve(scenario, "budget")
    assert result.reachable and result.value > 0
    design = result.scenario
    checked = evaluate(design, curves=False)
    assert checked.floor <= scenario.target.target_risk
    assert checked.cost == pytest.approx(result.value)
    assert design.campaign.budget_cap == pytest.approx(result.value)
    # Formats and items are the scenario's; only raters and time changed.
    assert [q.format for q in design.questions] == [q.format for q in scenario.questions]
    assert design.campaign.items == scenario.campaign.items
    # One step less: the next shorter time on the grid misses ...
    shorter = design.campaign.seconds_per_item / result.step
    assert floor_at(design, {"campaign.seconds_per_item": shorter}) > scenario.target.target_risk
    # ... and no design of the search fits a budget just below the value.
    formats = [[q.format] for q in scenario.questions]
    below = optimize(scenario, budget_cap=result.value * (1 - 1e-9), allowed_formats=formats, keep_time_shares=True)
    assert below.recommended is None
    at = optimize(scenario, budget_cap=result.value * (1 + 1e-9), allowed_formats=formats, keep_time_shares=True)
    assert at.recommended_evaluation.cost == pytest.approx(result.value)


@pytest.mark.parametrize("unknown", ["raters", "seconds"])
def test_forward_then_solve_recovers_the_value(unknown):
    # Forward: the floor at the scenario's own value; solve with that as the
    # target: the same value comes back (it is the smallest that reaches it).
    scenario = base_scenario().with_changes({"raters.per_item": 3, "campaign.seconds_per_item": 9.5})
    own = evaluate(scenario, curves=False).floor
    result = solve(scenario.with_changes({"target.target_risk": own}), unknown)
    expected = 3 if unknown == "raters" else 9.5
    assert result.reachable and result.value == pytest.approx(expected)


def test_forward_then_solve_recovers_log2_m():
    scenario = base_scenario().with_changes({"raters.per_item": 2, "target.log2_m": 3.37})
    own = evaluate(scenario, curves=False).floor
    assert 0 < own < 1
    result = solve(scenario.with_changes({"target.target_risk": own}), "log2_m")
    assert result.value == pytest.approx(3.37)


def test_unreachable_reports_the_best_value_and_its_risk():
    scenario = base_scenario(log2_m=40.0, target_risk=0.05).with_changes({"raters.correlation": 0.6})
    for unknown in ("raters", "seconds"):
        result = solve(scenario, unknown)
        assert not result.reachable and result.value is None
        assert result.best_value is not None and result.best_risk > 0.05
        assert result.message.startswith("Unreachable")
        assert evaluate(result.scenario, curves=False).floor == pytest.approx(result.best_risk)
    budget = solve(scenario, "budget")
    assert not budget.reachable and budget.value is None and budget.best_risk > 0.05


def test_unreachable_items_reports_the_plateau():
    scenario = base_scenario(target_risk=0.01)
    result = solve(scenario, "items")
    evaluation = evaluate(scenario, curves=False)
    assert not result.reachable and result.value is None
    assert result.best_risk >= evaluation.ceiling_plateau > 0.01
    assert "plateaus" in result.message


def test_unknown_parameter_is_refused():
    with pytest.raises(AdvisorError, match="unknown must be one of"):
        solve(base_scenario(), "wage")
    assert set(UNKNOWNS) == {"raters", "seconds", "items", "log2_m", "budget"}
