"""What an edit costs the live results: edits no computation reads recompute
nothing, and the plots keep their axes while only the curves move."""

from __future__ import annotations

import dataclasses
import math

import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QApplication

from advisor.evaluation.evaluate import evaluate
from advisor.evaluation.results import Curve
from advisor.scenario.schema import NUMBER_FREE_FIELDS, Scenario, example_scenarios
from advisor.scenario.state import ScenarioState
from ui.widgets.plots import RiskCurvePlotWidget
from ui.panels.results import ResultsWidget


@pytest.fixture
def scenario() -> Scenario:
    return example_scenarios()[0]


def test_same_numbers_ignores_exactly_the_fields_no_computation_reads(scenario):
    renamed = scenario.with_changes({"name": "Another name", "notes": "new notes", "tags": ["x", "y"]})
    assert scenario.same_numbers(renamed) and renamed.same_numbers(scenario)
    assert set(NUMBER_FREE_FIELDS) < set(Scenario.model_fields)
    for path, value in (("raters.per_item", scenario.raters.per_item + 1),
                        ("campaign.seconds_per_item", scenario.campaign.seconds_per_item + 1.0),
                        ("target.target_risk", 0.3), ("questions.0.name", "renamed question")):
        assert not scenario.same_numbers(scenario.with_changes({path: value})), path
    # And what it promises holds: the evaluations of the two are the same numbers.
    a, b = evaluate(scenario, curves=False), evaluate(renamed, curves=False)
    assert (a.floor, a.achievable, a.capacity_nats, a.cost, a.verdict) == (b.floor, b.achievable, b.capacity_nats,
                                                                           b.cost, b.verdict)


def test_a_rename_or_a_note_recomputes_nothing_and_the_title_follows(qtbot, scenario):
    state = ScenarioState(scenario, stored_id=1, revision=1)
    results = ResultsWidget(state)
    qtbot.addWidget(results)
    qtbot.waitUntil(lambda: results.evaluation is not None, timeout=30_000)
    submitted, cost = results.evaluator.generation, results.evaluation.cost
    state.update({"name": "Renamed design", "notes": "typed notes", "tags": ["a"]})
    assert results.evaluator.generation == submitted
    assert "Renamed design" in results._headline.text()
    # A number edit still goes through.
    with qtbot.waitSignal(results.updated, timeout=30_000):
        state.update({"raters.per_item": scenario.raters.per_item + 1})
    assert results.evaluator.generation == submitted + 1
    assert results.evaluation.cost > cost


def test_the_plot_keeps_its_axis_while_only_the_curve_moves(qtbot, scenario):
    plot = RiskCurvePlotWidget("seconds")
    qtbot.addWidget(plot)
    first = evaluate(scenario).curves["seconds"]
    moved = evaluate(scenario.with_changes({"raters.correlation": 0.3})).curves["seconds"]
    assert tuple(first.x) == tuple(moved.x) and tuple(first.floor) != tuple(moved.floor)
    def position(x: float) -> float:  # a log axis plots log10 of x
        return math.log10(x) if first.log_x else x

    plot.set_curve(first)
    view = plot.getPlotItem().getViewBox()
    view.setXRange(position(first.x[1]), position(first.x[3]), padding=0)  # the user zoomed in
    zoomed = view.viewRange()[0]
    plot.set_curve(moved)
    assert view.viewRange()[0] == pytest.approx(zoomed)
    assert list(plot._floor.getData()[1]) == pytest.approx(list(moved.floor))
    # Points inside the same ends (as a new time per item adds itself to the fixed grid): the axis
    # and the user's zoom stay.
    inner = list(moved.x)
    inner[2] = 0.5 * (inner[1] + inner[2])
    plot.set_curve(dataclasses.replace(moved, x=inner))
    assert view.viewRange()[0] == pytest.approx(zoomed)
    other_grid = evaluate(scenario.with_changes({"campaign.seconds_per_item": 400.0})).curves["seconds"]
    assert tuple(other_grid.x) != tuple(first.x)
    plot.set_curve(other_grid)
    low, high = view.viewRange()[0]
    assert low <= position(min(other_grid.x)) and high >= position(max(other_grid.x))


def test_a_log_axis_stays_while_the_time_per_item_moves_a_little(qtbot, scenario):
    """The curve over T runs from T/8 to 8T: edits of T by a few per cent move it inside a still
    axis (set up with a tenth of its width spare on each side), a larger move sets the axis up
    around the new curve; a linear axis spans its curve exactly."""
    from ui.widgets.plots import LOG_AXIS_MARGIN

    plot = RiskCurvePlotWidget("seconds")
    qtbot.addWidget(plot)
    view = plot.getPlotItem().getViewBox()
    t = scenario.campaign.seconds_per_item

    def ends(curve) -> tuple[float, float]:
        return math.log10(min(curve.x)), math.log10(max(curve.x))

    first = evaluate(scenario).curves["seconds"]
    plot.set_curve(first)
    low, high = ends(first)
    margin = LOG_AXIS_MARGIN * (high - low)
    shown = view.viewRange()[0]
    padding = 0.02 * (high - low + 2 * margin)
    assert shown == pytest.approx([low - margin - padding, high + margin + padding], abs=1e-9)
    ticks = plot.getPlotItem().getAxis("bottom")._tickLevels
    # The grid of T sits on fixed log positions (14 a decade): these moves shift the curve's ends by
    # one or two positions (0.07-0.14 decades), inside the margin of 0.17.
    for factor in (1.2, 1.4, 0.8):
        moved = evaluate(scenario.with_changes({"campaign.seconds_per_item": t * factor})).curves["seconds"]
        assert ends(moved) != ends(first)
        plot.set_curve(moved)
        assert view.viewRange()[0] == pytest.approx(shown)
        assert plot.getPlotItem().getAxis("bottom")._tickLevels == ticks
    far = evaluate(scenario.with_changes({"campaign.seconds_per_item": t * 2.0})).curves["seconds"]
    plot.set_curve(far)
    low, high = ends(far)
    margin = LOG_AXIS_MARGIN * (high - low)
    padding = 0.02 * (high - low + 2 * margin)
    assert view.viewRange()[0] == pytest.approx([low - margin - padding, high + margin + padding], abs=1e-9)

    raters = RiskCurvePlotWidget("raters")
    qtbot.addWidget(raters)
    curve = evaluate(scenario).curves["raters"]
    raters.set_curve(curve)
    width = max(curve.x) - min(curve.x)
    assert raters.getPlotItem().getViewBox().viewRange()[0] == pytest.approx(
        [min(curve.x) - 0.02 * width, max(curve.x) + 0.02 * width], abs=1e-9)


def test_the_band_and_the_line_labels_follow_every_new_curve(qtbot, scenario):
    """The band between floor and achievable risk is traced once per update, from both edges as
    they are after it; the labels of the target and "now" lines say the curve's values."""
    plot = RiskCurvePlotWidget("raters")
    qtbot.addWidget(plot)

    def band_points() -> list[tuple[float, float]]:
        path = plot._band.path()
        return sorted({(round(path.elementAt(i).x, 9), round(path.elementAt(i).y, 9))
                       for i in range(path.elementCount())})

    def edges(curve) -> list[tuple[float, float]]:
        return sorted({(round(x, 9), round(y, 9)) for x, ys in zip(curve.x, zip(curve.floor, curve.achievable))
                       for y in ys})

    curves = [evaluate(scenario.with_changes(change)).curves["raters"]
              for change in ({}, {"raters.correlation": 0.3}, {"target.target_risk": 0.05},
                             {"raters.per_item": scenario.raters.per_item + 2})]
    assert curves[1].floor != curves[0].floor and curves[1].achievable != curves[0].achievable
    for curve in curves + curves[:1]:
        plot.set_curve(curve)
        assert band_points() == edges(curve)
        assert plot._target.label.toPlainText() == f"target ε = {curve.target:g}"
        assert plot._current.label.toPlainText() == f"now: {curve.current:g}"


def test_the_recommendations_skip_a_rename_but_not_a_number(qtbot, scenario, store):
    from ui.panels.recommendations import RecommendationsWidget

    state = ScenarioState(scenario)
    widget = RecommendationsWidget(state, store)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.recommendations is not None and widget.solve_result is not None, timeout=60_000)
    shown, asked = widget.recommendations, widget.analyses_started
    state.update({"name": "Renamed", "notes": "more notes"})
    # Nothing starts the recomputation: no analysis is even asked for.
    assert widget.analyses_started == asked and not widget.is_busy()
    state.update({"raters.per_item": scenario.raters.per_item + 1})
    assert widget.analyses_started == asked + 1 and widget.is_busy()
    qtbot.waitUntil(lambda: widget.recommendations is not shown, timeout=60_000)


def test_the_cards_get_the_headline_before_the_curves_arrive(qtbot, scenario):
    """The default evaluation hands over the headline first; its numbers are
    those of the full evaluation that follows, which alone brings curves."""
    state = ScenarioState(scenario, stored_id=1, revision=1)
    results = ResultsWidget(state)
    qtbot.addWidget(results)
    qtbot.waitUntil(lambda: results.evaluation is not None, timeout=30_000)
    order: list[tuple[str, object]] = []
    results.headline_updated.connect(lambda e: order.append(("headline", e)))
    results.updated.connect(lambda e: order.append(("full", e)))
    with qtbot.waitSignal(results.updated, timeout=30_000):
        state.update({"campaign.seconds_per_item": scenario.campaign.seconds_per_item * 1.37})
    assert [kind for kind, _ in order] == ["headline", "full"]
    headline, full = order[0][1], order[1][1]
    assert not headline.curves and full.curves
    assert (headline.floor, headline.achievable, headline.cost) == (full.floor, full.achievable, full.cost)
    assert results._cards["floor"].value_text == f"{full.floor:.3f}"


@pytest.mark.parametrize("most", [None, 1, 2, 3, 4, 7])
def test_log_ticks_thin_to_the_room_there_is(most):
    """At most ``most`` ticks, each a 1, 2, 3 or 5 times a power of ten inside the range, labelled
    with its value; fewer steps per decade first and then evenly spaced powers of ten."""
    from ui.widgets.plots import log_ticks, short_number

    for low, high in ((1.0, 1e6), (15.0, 960.0), (0.5, 40.0), (10.0, 1500.0)):
        full = log_ticks(low, high)
        thinned = log_ticks(low, high, most)
        candidates = {(math.log10(step * 10.0 ** exponent), short_number(step * 10.0 ** exponent))
                      for exponent in range(-2, 8) for step in (1, 2, 3, 5)}
        assert set(thinned) <= candidates and thinned == sorted(thinned)
        assert all(math.log10(low) - 1e-9 <= position <= math.log10(high) + 1e-9 for position, _ in thinned)
        if most is None:
            assert thinned == full
            continue
        assert 1 <= len(thinned) <= max(most, 1)
        gaps = {round(b[0] - a[0], 9) for a, b in zip(thinned, thinned[1:])}
        powers = all(float(position).is_integer() for position, _ in thinned)
        assert len(gaps) <= 1 or not powers  # powers of ten are evenly spaced


def _fitted_x_axis(qtbot, plot, size: tuple[int, int], show) -> tuple[int, str]:
    """Show data on ``plot`` at ``size`` (``show()`` sets it); check that its tick labels do not run
    into each other and that its x label fits; return the tick count and the label."""
    from PySide6.QtGui import QFont, QFontMetrics

    plot.resize(*size)
    plot.show()
    qtbot.waitExposed(plot)
    show()
    qtbot.wait_until(lambda: plot.width() == size[0])
    tick_font, label_font = QFont(), QFont()
    tick_font.setPointSizeF(9)
    label_font.setPointSizeF(10)
    axis = plot.getPlotItem().getAxis("bottom")
    low, high = plot.getPlotItem().getViewBox().viewRange()[0]
    width = axis.geometry().width()
    ticks = axis._tickLevels[0] if axis._tickLevels else []  # a linear axis: pyqtgraph's own spacing
    metrics = QFontMetrics(tick_font)
    places = [((position - low) / (high - low) * width, metrics.horizontalAdvance(text)) for position, text in ticks]
    for (x1, w1), (x2, w2) in zip(places, places[1:]):
        assert x2 - x1 >= (w1 + w2) / 2 + 4, (size, ticks)
    assert QFontMetrics(label_font).horizontalAdvance(axis.labelText) <= width
    return len(ticks), axis.labelText


def test_a_narrow_plot_keeps_its_tick_labels_apart_and_its_x_label_whole(qtbot, scenario):
    """At the narrowest a plot may be (two beside the form on a 1280-pixel screen) the items plot's
    tick labels do not run into each other and the x label fits (a short form); a wider plot gets
    every tick and the full label back."""
    from ui.widgets.plots import PLOT_MIN_HEIGHT, PLOT_MIN_WIDTH, log_ticks

    narrowest = (PLOT_MIN_WIDTH, PLOT_MIN_HEIGHT)
    plot = RiskCurvePlotWidget("items")
    qtbot.addWidget(plot)
    curve = evaluate(scenario).curves["items"]
    narrow_count, _ = _fitted_x_axis(qtbot, plot, narrowest, lambda: plot.set_curve(curve))
    wide_count, wide_label = _fitted_x_axis(qtbot, plot, (900, 400), lambda: None)  # the resize alone
    assert wide_label == curve.x_label
    assert narrow_count < wide_count == len(log_ticks(*(10.0 ** end for end in plot._axis_key[0])))
    # The longest label: in short form on the narrowest plot, in full on a wide one.
    plot = RiskCurvePlotWidget("log2_m")
    qtbot.addWidget(plot)
    curve = evaluate(scenario).curves["log2_m"]
    assert _fitted_x_axis(qtbot, plot, narrowest, lambda: plot.set_curve(curve))[1] == "log₂ M (bits)"
    assert _fitted_x_axis(qtbot, plot, (900, 400), lambda: None)[1] == curve.x_label


def test_the_comparison_overlays_fit_their_axes_too(qtbot, scenario):
    from ui.widgets.plots import PLOT_MIN_HEIGHT, PLOT_MIN_WIDTH, CurveOverlayPlotWidget

    other = scenario.with_changes({"campaign.items": scenario.campaign.items * 50})
    curves = [evaluate(s).curves["items"] for s in (scenario, other)]
    plot = CurveOverlayPlotWidget("items")
    qtbot.addWidget(plot)
    narrow_count, narrow_label = _fitted_x_axis(qtbot, plot, (PLOT_MIN_WIDTH, PLOT_MIN_HEIGHT),
                                                lambda: plot.set_curves(["a", "b"], curves))
    wide_count, wide_label = _fitted_x_axis(qtbot, plot, (900, 400), lambda: None)
    assert 1 <= narrow_count < wide_count and wide_label == curves[0].x_label


def _design_only_curve(name: str = "raters") -> Curve:
    """A curve the work budget left with the design's own point (3 raters): floor 0.05, achievable
    0.48, ceiling 0.75."""
    return Curve(name=name, x_label="raters per item r", x=(3.0,), floor=(0.05,), floor_paper=(0.04,),
                 ceiling=(0.75,), capacity_nats=(6.0,), target=0.2, current=3.0, log_x=False, achievable=(0.48,))


def _pixels_of(widget, colour: str) -> int:
    from PySide6.QtGui import QColor

    image = widget.grab().toImage()
    wanted = QColor(colour).rgb()
    return sum(image.pixel(x, y) == wanted for x in range(image.width()) for y in range(image.height()))


def test_a_curve_of_the_design_alone_shows_its_values_as_dots_and_says_why_there_is_no_line(show_widget):
    # A 101-level slider beside 7-point questions left the curves over r and T with the design's point
    # only: a line of one point draws nothing, and the two plots were empty without a word.
    from advisor.evaluation.results import NOT_SWEPT_TEXT
    from ui.widgets.plots import ACHIEVABLE_COLOUR

    plot = show_widget(RiskCurvePlotWidget("raters"), size=(320, 260))
    alone = _design_only_curve()
    assert not alone.swept
    plot.set_curve(alone)
    QApplication.processEvents()
    dots = [item for item in plot.getPlotItem().items if isinstance(item, pg.ScatterPlotItem) and item.isVisible()]
    assert len(dots) == 1
    xs, ys = dots[0].getData()
    assert list(xs) == [3.0, 3.0, 3.0] and sorted(ys) == [0.05, 0.48, 0.75]
    assert _pixels_of(plot, ACHIEVABLE_COLOUR) > 20  # the achievable risk's dot is drawn
    assert NOT_SWEPT_TEXT["short"] in plot.getPlotItem().titleLabel.text
    assert plot.toolTip() == NOT_SWEPT_TEXT["long"]
    low, high = plot.getPlotItem().viewRange()[0]
    assert low < 3.0 < high and high - low >= 1.5  # an axis with room around the point, not of width 0
    # A swept curve again: no dots, no note.
    swept = dataclasses.replace(alone, x=(2.0, 3.0, 4.0), floor=(0.1, 0.05, 0.03), floor_paper=(0.1, 0.04, 0.02),
                                ceiling=(0.8, 0.75, 0.7), capacity_nats=(5.0, 6.0, 7.0), achievable=(0.5, 0.48, 0.46))
    plot.set_curve(swept)
    QApplication.processEvents()
    assert not any(isinstance(item, pg.ScatterPlotItem) and item.isVisible() for item in plot.getPlotItem().items)
    assert NOT_SWEPT_TEXT["short"] not in plot.getPlotItem().titleLabel.text and plot.toolTip() == ""


def test_compare_draws_a_curve_of_the_design_alone_as_dots_in_its_scenarios_colour(show_widget):
    from ui.widgets.plots import CurveOverlayPlotWidget, series_colour

    plot = show_widget(CurveOverlayPlotWidget("raters"), size=(320, 260))
    alone = _design_only_curve()
    other = dataclasses.replace(alone, floor=(0.2,), achievable=(0.3,), ceiling=(0.9,))
    plot.set_curves(["slider design", "another slider design"], [alone, other])
    QApplication.processEvents()
    assert _pixels_of(plot, series_colour(0)) > 20 and _pixels_of(plot, series_colour(1)) > 20
    low, high = plot.getPlotItem().viewRange()[0]
    assert low < 3.0 < high and high - low >= 1.5
