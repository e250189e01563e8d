"""The mouse wheel over a plot: on a page that scrolls it scrolls the page (the plot ignores it,
and Qt hands an ignored wheel event on to the widgets that hold the plot); Ctrl + wheel zooms the
plot; a plot on a page that does not scroll zooms with the wheel alone.

Offscreen, an event sent to a widget is not handed on to its parents (only the window system's
are), so these tests check what the plot does with the event; ``scripts/user_pass.py`` turns the
real wheel over the results page's plot under Xvfb and checks that the page scrolled."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from tests.ui.conftest import turn_wheel
from ui.widgets.pareto import ParetoPlotWidget
from ui.widgets.plots import RiskCurvePlotWidget
from ui.widgets.scrolling import vertical_scroll_area

NO_MODIFIER = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _x_range(plot) -> tuple[float, float]:
    low, high = plot.getPlotItem().getViewBox().viewRange()[0]
    return round(low, 9), round(high, 9)


def _points(plot) -> dict[str, QPoint]:
    """The plot area's centre and the bottom axis's centre, in viewport pixels."""
    item = plot.getPlotItem()
    view = plot.mapFromScene(item.getViewBox().sceneBoundingRect().center())
    axis = plot.mapFromScene(item.getAxis("bottom").sceneBoundingRect().center())
    return {"plot area": view, "bottom axis": axis}


def _in_page(page, plot, point: QPoint) -> QPoint:
    return plot.viewport().mapTo(page.widget(), point)


def _curve_plot() -> RiskCurvePlotWidget:
    plot = RiskCurvePlotWidget("raters")
    plot.getPlotItem().plot([1.0, 2.0, 5.0, 10.0], [0.4, 0.3, 0.2, 0.15])
    plot.getPlotItem().setXRange(1.0, 10.0, padding=0.0)
    return plot


def _on_a_page(plot) -> QWidget:
    """``plot`` inside the app's scrolling page, taller than its window so that the page scrolls."""
    content = QWidget()
    layout = QVBoxLayout(content)
    layout.addWidget(plot)
    plot.setMinimumHeight(900)
    return vertical_scroll_area(content)


@pytest.mark.parametrize("where", ["plot area", "bottom axis"])
def test_on_a_scrolling_page_the_wheel_passes_on_and_ctrl_wheel_zooms(show_widget, where):
    plot = _curve_plot()
    page = show_widget(_on_a_page(plot), size=(500, 400))
    assert page.verticalScrollBar().maximum() > 0
    point = _points(plot)[where]
    page.ensureVisible(*_in_page(page, plot, point).toTuple(), 20, 20)
    QApplication.processEvents()
    assert QApplication.widgetAt(plot.viewport().mapToGlobal(point)) is plot.viewport()
    before = _x_range(plot)
    assert not turn_wheel(plot, point, NO_MODIFIER)
    assert _x_range(plot) == before
    assert turn_wheel(plot, point, CTRL)
    low, high = _x_range(plot)
    assert high - low > before[1] - before[0]  # zoomed out along x (the wheel turned towards the user)


def test_a_plot_on_a_page_that_does_not_scroll_zooms_with_the_wheel_alone(show_widget):
    plot = show_widget(_curve_plot(), size=(500, 400))
    before = _x_range(plot)
    assert turn_wheel(plot, _points(plot)["plot area"], NO_MODIFIER)
    assert _x_range(plot) != before


def test_the_optimiser_frontier_follows_the_same_rule(show_widget):
    pareto = ParetoPlotWidget()
    pareto.set_frontier([1_000.0, 2_000.0, 4_000.0], [0.3, 0.2, 0.1], achievable=[0.35, 0.25, 0.12], target=0.2,
                        currency="USD")
    page = show_widget(_on_a_page(pareto), size=(500, 400))
    assert page.verticalScrollBar().maximum() > 0
    plot = pareto._plot_widget
    point = _points(plot)["plot area"]
    before = _x_range(plot)
    assert not turn_wheel(plot, point, NO_MODIFIER)
    assert _x_range(plot) == before
    assert turn_wheel(plot, point, CTRL)
    assert _x_range(plot) != before
