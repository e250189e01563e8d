"""One analysis for the window, the command line and the reports: it is the composition of the
advisor's computations, it reports progress in one convention and stops when asked."""

from __future__ import annotations

import pytest

from advisor.errors import Cancelled
from advisor.evaluation.allocation import optimal_time_allocation
from advisor.evaluation.diagnosis import diagnose
from advisor.evaluation.evaluate import evaluate
from advisor.planning.analysis import analyse, analysis_steps
from advisor.planning.levers import rank_levers
from advisor.progress import keeps_going, within
from advisor.scenario.schema import examples_dir, load_scenario_file

XRAY = examples_dir() / "medical_xray_binary.json"


def test_the_analysis_is_the_composition_of_evaluate_diagnose_levers_and_allocation():
    scenario = load_scenario_file(XRAY)
    analysis = analyse(scenario, allocation=True)
    evaluation = evaluate(scenario, curves=False)
    assert analysis.evaluation == evaluation and analysis.evaluation.scenario == scenario
    assert analysis.diagnosis == diagnose(scenario, evaluation)
    assert analysis.levers == tuple(rank_levers(scenario, evaluation))
    assert analysis.allocation == optimal_time_allocation(scenario)
    assert analysis.optimization is None and analysis.optimization_note == ""


def test_an_evaluation_at_hand_is_reused_only_for_the_same_scenario():
    scenario = load_scenario_file(XRAY)
    at_hand = evaluate(scenario, curves=False)
    assert analyse(scenario, levers=False, evaluation=at_hand).evaluation is at_hand
    other = scenario.with_changes({"raters.per_item": scenario.raters.per_item + 1})
    fresh = analyse(other, levers=False, evaluation=at_hand).evaluation
    assert fresh is not at_hand and fresh.scenario == other
    # Asked for curves, an evaluation without them is not enough.
    assert analyse(scenario, levers=False, curves=True, evaluation=at_hand).evaluation.curves


def test_progress_runs_from_zero_to_the_total_in_order_and_false_stops_with_cancelled():
    scenario = load_scenario_file(XRAY)
    calls: list[tuple[int, int]] = []
    analyse(scenario, allocation=True, progress=lambda done, total: calls.append((done, total)))
    total = analysis_steps(levers=True, allocation=True, optimizer=False)
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    assert all(t == total for _, t in calls) and [d for d, _ in calls] == sorted(d for d, _ in calls)
    with pytest.raises(Cancelled):
        analyse(scenario, progress=lambda done, total: done < 6)


def test_within_maps_a_sub_task_into_its_share_and_passes_the_answer_on():
    seen: list[tuple[int, int]] = []

    def parent(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < 30

    sub = within(parent, 20, 10, 100)
    assert sub(0, 4) is True and sub(2, 4) is True and sub(4, 4) is False
    assert seen == [(20, 100), (25, 100), (30, 100)]
    assert keeps_going(None, 1, 2) and keeps_going(lambda d, t: None, 1, 2) and not keeps_going(lambda d, t: False, 1, 2)


def test_a_pilot_summary_stops_with_the_advisor_s_cancelled_when_progress_says_so():
    from advisor.pilot.reading import read_pilot
    from advisor.pilot.summary import summarize
    from tests.conftest import SHARED

    dataset = read_pilot(SHARED / "data" / "pilots" / "ipeirotis_adultcontent_toy.csv")
    with pytest.raises(Cancelled):
        summarize(dataset, n_boot=200, progress=lambda done, total: done < 10)
