"""The axis rule of the capacity breakdown (window chart and report figure alike)."""

from __future__ import annotations

import pytest

from advisor.evaluation.breakdown_scale import CLIP_FACTOR, OFF_SCALE_FACTOR, breakdown_scale, off_scale_label


def test_a_wide_limit_far_beyond_the_bars_is_off_the_axis_and_sets_no_part_of_it():
    scale = breakdown_scale([1.0, 2.0, 3.0], [2.3, None, 500.0], [False, False, True])
    assert scale.on_scale == (True, False, False)
    assert scale.clip == pytest.approx(CLIP_FACTOR * 3.0)
    assert [scale.off_scale(i, limit) for i, limit in enumerate([2.3, None, 500.0])] == [False, False, True]


def test_a_wide_limit_up_to_the_factor_is_on_the_axis_and_may_set_its_end():
    edge = OFF_SCALE_FACTOR * 2.0
    scale = breakdown_scale([2.0], [edge, edge * 1.0001], [True, True])
    assert scale.on_scale == (True, False)
    assert scale.clip == pytest.approx(CLIP_FACTOR * edge)


def test_a_fixed_set_of_answers_keeps_its_limit_on_the_axis_however_short_the_bars():
    """Short of time, bars are a fraction of a bit: a 7-point scale's limit (2.81 bits) is still
    drawn where it is, and it is the reach a typed answer's limit is measured against."""
    scale = breakdown_scale([0.01, 0.02], [2.81, 1.0, 8.0], [False, False, True])
    assert scale.on_scale == (True, True, True)
    assert scale.clip == pytest.approx(CLIP_FACTOR * 8.0)
    assert breakdown_scale([0.01], [2.81, 9.0], [False, True]).on_scale == (True, False)


def test_without_any_bar_every_limit_is_on_the_axis():
    scale = breakdown_scale([0.0, 0.0], [2.3, 1.6])
    assert scale.on_scale == (True, True) and scale.clip == pytest.approx(CLIP_FACTOR * 2.3)
    assert breakdown_scale([0.0], [500.0], [True]).on_scale == (True,)
    assert breakdown_scale([], []).clip == pytest.approx(CLIP_FACTOR)


def test_off_scale_labels_keep_three_significant_digits():
    assert off_scale_label(500.0) == "limit 500 ›"
    assert off_scale_label(1234.4) == "limit 1,234 ›"
    assert off_scale_label(9.87) == "limit 9.87 ›"


def test_which_answers_are_wide():
    """Typed text and more alternatives than a 0–100 slider's 101 are wide; a 101-level scale, a
    ranking of 4 (24 orders) and 6 checkboxes (64 sets) are not, 7 checkboxes (128) are."""
    from advisor.evaluation.breakdown_scale import wide_answer

    assert [wide_answer(n) for n in (0, 2, 24, 64, 101, 102, 128, 2**30)] == [
        True, False, False, False, False, True, True, True]


def test_thirty_checkboxes_short_of_time_leave_the_axis_and_a_7_point_scale_does_not():
    """A design short of time (bars of a tenth of a bit) with a 7-point scale (2.81 bits) and 30
    checkboxes (30 bits, 2^30 answers): the scale's tick stays, the checkboxes' limit is named."""
    from advisor.evaluation.breakdown_scale import wide_answer

    scale = breakdown_scale([0.1, 0.12], [2.81, 30.0], [wide_answer(7), wide_answer(2**30)])
    assert scale.on_scale == (True, False) and scale.clip == pytest.approx(CLIP_FACTOR * 2.81)


def test_the_report_figure_names_a_comment_box_limit_and_the_examples_have_none():
    """The real chat RLHF config's report figure says its cut bars and the limits off its axis;
    the examples' figures need neither note."""
    from advisor.evaluation.evaluate import evaluate
    from advisor.importers import import_interface
    from advisor.report.figures import capacity_breakdown_figure
    from advisor.scenario.schema import example_scenarios
    from tests.conftest import SHARED

    scenario = import_interface(SHARED / "data" / "interfaces" / "label-studio" / "chat_rlhf.xml").scenario
    figure = capacity_breakdown_figure(evaluate(scenario, curves=False), scenario.raters.per_item)
    assert "cut at its end" in figure.caption and '"limit N ›"' in figure.caption
    for example in example_scenarios():
        caption = capacity_breakdown_figure(evaluate(example, curves=False), example.raters.per_item).caption
        assert "limit N" not in caption, example.name
