"""What the X–Y plot computes: the open design and its overlays over one grid,
and G*Power's analyses as sentences."""

from __future__ import annotations

import pytest

from advisor.errors import AdvisorError
from advisor.planning import sweep as analyses
from advisor.planning.sweep import sweep
from advisor.planning.xy_plot import SweepRequest, analysis_message, run_sweeps
from advisor.scenario.schema import example_scenarios


@pytest.fixture
def designs():
    examples = example_scenarios()
    three_questions = next(s for s in examples if len(s.questions) == 3)
    one_question = next(s for s in examples if len(s.questions) == 1)
    return three_questions, one_question


def test_every_scenario_is_swept_over_the_same_grid(designs):
    open_design, overlay = designs
    request = SweepRequest("raters", 1, 4, 4, False, ("floor",), None, (("open", open_design), ("overlay", overlay)))
    reports = []
    outcome = run_sweeps(request, progress=lambda done, total: reports.append((done, total)))
    assert [label for label, _ in outcome.results] == ["open", "overlay"]
    assert outcome.problems == () and outcome.cancelled is False
    expected = sweep(overlay, "raters", 1, 4, points=4, y=("floor",))
    assert outcome.results[1][1].values == expected.values
    assert all(total == 8 for _, total in reports) and reports[-1][0] == 8
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)


def test_an_overlay_that_cannot_be_swept_is_listed_but_the_open_design_must_be(designs):
    open_design, overlay = designs
    request = SweepRequest("k", 2, 5, 4, False, ("floor",), 2, (("open", open_design), ("overlay", overlay)))
    outcome = run_sweeps(request)
    assert [label for label, _ in outcome.results] == ["open"]
    assert outcome.problems == ("overlay: question_index must be an integer from 0 to 0, got 2",)
    reversed_request = SweepRequest("k", 2, 5, 4, False, ("floor",), 2, (("overlay", overlay), ("open", open_design)))
    with pytest.raises(AdvisorError, match="question_index must be an integer from 0 to 0, got 2"):
        run_sweeps(reversed_request)


def test_a_stop_keeps_the_points_done(designs):
    open_design, overlay = designs
    request = SweepRequest("raters", 1, 4, 4, False, ("floor",), None, (("open", open_design), ("overlay", overlay)))
    outcome = run_sweeps(request, progress=lambda done, total: done < 2)
    assert outcome.cancelled is True
    assert [label for label, _ in outcome.results] == ["open"] and 0 < len(outcome.results[0][1].xs) < 4


def test_the_analyses_are_those_of_the_sweep_module(designs):
    open_design, _ = designs
    assert analysis_message("post_hoc", open_design) == analyses.post_hoc(open_design).message
    assert analysis_message("sensitivity", open_design) == analyses.sensitivity(open_design).message
    with pytest.raises(ValueError, match="analysis must be one of a_priori, sensitivity, post_hoc, compromise"):
        analysis_message("power", open_design)
