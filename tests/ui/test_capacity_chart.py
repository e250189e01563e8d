"""The capacity breakdown chart keeps its bars readable: a typed answer's alphabet limit far beyond
every bar (a comment box of hundreds of characters) does not set the axis."""

from __future__ import annotations

from advisor.evaluation.breakdown_scale import CLIP_FACTOR, OFF_SCALE_FACTOR, off_scale_label
from advisor.evaluation.evaluate import evaluate
from advisor.importers import import_interface
from advisor.scenario.schema import example_scenarios
from ui.widgets.capacity_chart import CapacityBreakdownWidget


def _chart(qtbot, evaluation) -> CapacityBreakdownWidget:
    chart = CapacityBreakdownWidget()
    qtbot.addWidget(chart)
    chart.resize(900, 600)
    chart.set_evaluation(evaluation)
    return chart


def _bits(nats: float) -> float:
    from advisor.units import nats_to_bits

    return nats_to_bits(nats)


def test_a_comment_box_limit_is_named_not_drawn(qtbot):
    """The real chat RLHF config: two 500-character comment boxes (limits of 500 bits)
    beside ratings of 3–5 answers. The axis ends within CLIP_FACTOR of the longest bar that is not
    the typing speed (the bars stay readable), the ratings' limits are drawn, and each comment box's
    limit is written beside its articulation bar."""
    from tests.conftest import SHARED

    scenario = import_interface(SHARED / "data" / "interfaces" / "label-studio" / "chat_rlhf.xml").scenario
    evaluation = evaluate(scenario)
    chart = _chart(qtbot, evaluation)
    questions = [q for context in evaluation.contexts for q in context.questions]
    longest = max(_bits(getattr(q, key)) for q in questions
                  for key in ("cognitive_nats", "cascade_nats", "panel_nats"))
    far = [q for q in questions if _bits(q.max_nats) > OFF_SCALE_FACTOR * longest]
    near = [q for q in questions if 0 < _bits(q.max_nats) <= OFF_SCALE_FACTOR * longest]
    assert len(far) == 2 and len(near) == 5
    assert sorted(chart.limit_values()) == sorted(_bits(q.max_nats) for q in near)
    x_low, x_high = chart.getPlotItem().getViewBox().viewRange()[0]
    assert x_high <= 1.4 * CLIP_FACTOR * max([longest] + [_bits(q.max_nats) for q in near]) + 1e-9
    named = [text for text in chart.label_texts() if "limit" in text]
    assert sorted(named) == sorted(f"{_bits(q.articulation_nats):.2f} ›   {off_scale_label(_bits(q.max_nats))}"
                                   for q in far)
    assert all(q.kind == "free_text" for q in far)


def test_the_examples_draw_every_limit(qtbot):
    """No example has a limit off the axis: each question's limit is drawn where it is."""
    for scenario in example_scenarios():
        evaluation = evaluate(scenario)
        chart = _chart(qtbot, evaluation)
        limits = [_bits(q.max_nats) for context in evaluation.contexts for q in context.questions if q.max_nats > 0]
        assert chart.limit_values() == limits, scenario.name
        assert not any("limit" in text for text in chart.label_texts())


def test_the_chart_fits_the_width_the_window_gives_it_at_1280_pixels(qtbot):
    # At 1280 × 800 the chart is about 355 px wide. Its title ("Capacity per item, by question and
    # context") made the plot's layout wider than that, so the title and the bars' right end, with
    # their value labels, were cut off.
    for scenario in example_scenarios():
        chart = CapacityBreakdownWidget()
        qtbot.addWidget(chart)
        chart.resize(355, 245)
        chart.show()
        chart.set_evaluation(evaluate(scenario, curves=False))
        qtbot.waitExposed(chart)
        plot = chart.getPlotItem()
        assert plot.sceneBoundingRect().right() <= chart.viewport().width() + 0.5, scenario.name
        view = plot.getViewBox()
        assert view.sceneBoundingRect().right() <= chart.viewport().width() + 0.5, scenario.name
