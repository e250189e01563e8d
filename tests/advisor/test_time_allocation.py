"""Water-filled time shares of a scenario (advisor/evaluation/allocation.py)."""

from __future__ import annotations

import itertools
import math

import pytest

from advisor.evaluation.allocation import automatic_shares, optimal_time_allocation
from advisor.evaluation.evaluate import _channels, _Design, _mean_capacity, evaluate, time_shares
from advisor.scenario.schema import Campaign, Context, Question, Raters, ResponseFormat, Scenario


def three_questions(shares=(0.2, 0.3, 0.5)) -> Scenario:
    return Scenario(
        name="allocation test",
        contexts=(Context(name="a", weight=0.6, reading_words=90), Context(name="b", weight=0.4, difficulty=0.6)),
        questions=(
            Question(name="binary", format=ResponseFormat(kind="binary"), time_share=shares[0]),
            Question(name="scale", format=ResponseFormat(kind="ordinal", k=5), time_share=shares[1]),
            Question(name="choice", format=ResponseFormat(kind="categorical", k=4), time_share=shares[2]),
        ),
        raters=Raters(per_item=2, correlation=0.1),
        campaign=Campaign(items=1_000, seconds_per_item=45.0),
    )


@pytest.fixture(scope="module")
def allocation():
    return optimal_time_allocation(three_questions())


def test_shares_are_those_evaluate_water_fills(allocation):
    scenario = three_questions()
    automatic = automatic_shares(scenario)
    assert automatic.fixed_time_shares is False
    assert tuple(allocation.shares.values()) == time_shares(automatic)
    assert math.isclose(sum(allocation.shares.values()), 1.0)
    assert allocation.capacity_nats == pytest.approx(evaluate(automatic, curves=False).capacity_nats, abs=1e-12)


def test_current_capacity_is_the_scenarios(allocation):
    scenario = three_questions()
    assert allocation.current_capacity_nats == pytest.approx(evaluate(scenario, curves=False).capacity_nats, abs=1e-12)
    assert allocation.current_shares == pytest.approx({"binary": 0.2, "scale": 0.3, "choice": 0.5})


def capacity_at(scenario: Scenario, shares) -> float:
    design = _Design(scenario.raters.per_item, scenario.campaign.seconds_per_item)
    return _mean_capacity(scenario, _channels(scenario, shares, design))


def test_water_filling_beats_every_equal_split_and_single_question(allocation):
    scenario = three_questions()
    names = list(allocation.shares)
    for size in range(1, len(names) + 1):
        for subset in itertools.combinations(range(len(names)), size):
            shares = [1.0 / size if i in subset else 0.0 for i in range(len(names))]
            assert allocation.capacity_nats >= capacity_at(scenario, shares) - 1e-12, subset
    assert allocation.gain_nats >= -1e-12
    assert allocation.water_level >= 0.0


def test_finer_grids_do_not_lose():
    coarse = optimal_time_allocation(three_questions(), steps=10)
    fine = optimal_time_allocation(three_questions(), steps=40)
    assert fine.capacity_nats >= coarse.capacity_nats - 1e-12
    assert fine.steps == 40
    for share in coarse.shares.values():
        assert round(share * 10) == pytest.approx(share * 10)


def test_one_question_takes_all_the_time():
    scenario = Scenario(name="one", questions=(Question(name="q", format=ResponseFormat(kind="ordinal", k=5)),))
    allocation = optimal_time_allocation(scenario)
    assert allocation.shares == {"q": 1.0}
    assert allocation.capacity_nats == pytest.approx(allocation.current_capacity_nats)
    assert allocation.to_dict()["gain_bits"] == pytest.approx(0.0, abs=1e-12)


def test_a_heavy_design_is_allocated_within_the_evaluations_budget():
    """A 0–100 slider with 9 raters beside two 7-point scales: unbudgeted, the water-filling's
    capacities took minutes (every grid point's 9-rater panel over 101 answers). The allocation now
    computes them within the budget evaluate gives the scenario with automatic shares: the same
    coarser grid and the same shares as that evaluation."""
    from advisor.evaluation.results import WATER_FILL_STEPS
    from advisor.scenario.schema import example_scenarios

    base = next(s for s in example_scenarios() if s.name.startswith("Chatbot rubric"))
    scenario = base.with_changes({"questions.0.format": {"kind": "scale", "minimum": 0, "maximum": 100, "step": 1},
                                  "raters.per_item": 9})
    allocation = optimal_time_allocation(scenario)
    assert allocation.steps < WATER_FILL_STEPS
    optimal = evaluate(automatic_shares(scenario), curves=False)
    assert tuple(allocation.shares.values()) == pytest.approx(optimal.time_shares, abs=1e-12)
    assert allocation.capacity_nats == pytest.approx(optimal.capacity_nats, abs=1e-12)
    # The current split (the example's fixed shares) as the scenario's own evaluation has it.
    current = evaluate(scenario, curves=False)
    assert tuple(allocation.current_shares.values()) == pytest.approx(current.time_shares, abs=1e-12)
    assert allocation.current_capacity_nats == pytest.approx(current.capacity_nats, abs=1e-12)
