"""The axis rule of the capacity breakdown (window chart and report figure alike)."""

from __future__ import annotations

import pytest

from advisor.evaluation.breakdown_scale import CLIP_FACTOR, OFF_SCALE_FACTOR, breakdown_scale


def test_a_limit_far_beyond_the_bars_is_off_the_axis_and_sets_no_part_of_it():
    scale = breakdown_scale([1.0, 2.0, 3.0], [2.3, None, 500.0])
    assert scale.on_scale == (True, False, False)
    assert scale.clip == pytest.approx(CLIP_FACTOR * 3.0)
    assert [scale.off_scale(i, limit) for i, limit in enumerate([2.3, None, 500.0])] == [False, False, True]


def test_a_limit_up_to_the_factor_is_on_the_axis_and_may_set_its_end():
    edge = OFF_SCALE_FACTOR * 2.0
    scale = breakdown_scale([2.0], [edge, edge * 1.0001])
    assert scale.on_scale == (True, False)
    assert scale.clip == pytest.approx(CLIP_FACTOR * edge)


def test_without_any_bar_every_limit_is_on_the_axis():
    scale = breakdown_scale([0.0, 0.0], [2.3, 1.6])
    assert scale.on_scale == (True, True) and scale.clip == pytest.approx(CLIP_FACTOR * 2.3)
    assert breakdown_scale([], []).clip == pytest.approx(CLIP_FACTOR)


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
