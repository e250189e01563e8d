"""Rounding never inverts the planner's interval: a design that carries no information has the floor
and the achievable error both at 1 - 1/M, and the reported achievable error is never below the floor
(a case hypothesis found: the code's error came out 7e-15 below it)."""

from __future__ import annotations

from advisor.evaluation.evaluate import evaluate
from advisor.scenario.schema import Scenario


def test_a_design_carrying_nothing_has_its_achievable_error_at_the_floor():
    scenario = Scenario.model_validate({
        "schema_version": 2, "name": "random",
        "target": {"log2_m": 1.0, "separation": 1.0, "target_risk": 0.5, "model_bits": 1.0},
        "contexts": [{"name": "c0", "weight": 1.0, "difficulty": 1.0, "reading_words": 0.0}],
        "questions": [{"name": "q0", "format": {"kind": "categorical", "k": 5}, "slip_rate": 0.0}],
        "raters": {"per_item": 1, "correlation": 0.0, "discriminability": 1.0, "accrual_rate": 0.15,
                   "base_time": 1.5, "reading_wpm": 238.0},
        "campaign": {"items": 1, "seconds_per_item": 2.0, "wage_per_hour": 15.0, "platform_fee": 0.2,
                     "currency": "USD"},
    })
    result = evaluate(scenario)
    assert result.capacity_nats == 0.0
    assert 0.0 <= result.floor <= result.achievable <= 0.5
    assert abs(result.achievable - 0.5) < 1e-12
    for curve in result.curves.values():
        index = curve.x.index(curve.current) if curve.current in curve.x else None
        if index is not None and curve.name != "log2_m":
            assert curve.achievable[index] == result.achievable
