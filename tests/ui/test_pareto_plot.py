"""The optimiser's frontier plot: the target's label stays clear of the recommended design's star."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from ui.widgets.pareto import ParetoPlotWidget

STAR_PX = 18  # the star's symbol size


def _star_rect(pareto: ParetoPlotWidget) -> QRectF:
    view_box = pareto._plot.getViewBox()
    point = pareto._recommended.scatter.points()[0].pos()
    centre = view_box.mapViewToScene(point)
    half = STAR_PX / 2
    return QRectF(centre.x() - half, centre.y() - half, STAR_PX, STAR_PX)


@pytest.mark.parametrize("recommended", [0, 1, 2, 3])
@pytest.mark.parametrize("costs", [[1_000.0, 2_000.0, 3_000.0, 4_000.0], [1_000.0, 8_000.0, 60_000.0, 500_000.0]],
                         ids=["linear cost axis", "log cost axis"])
def test_the_target_label_is_not_under_the_star(show_widget, costs, recommended):
    """The cheapest design that meets the target sits just below its line; the label sat at the
    line's right end, and a star there covered it (the optimiser's most expensive design)."""
    target = 0.2
    floors = [0.30, 0.22, 0.15, 0.10]
    achievable = [0.35, 0.25, 0.19, 0.12]
    achievable[recommended] = 0.195  # meets the target, just below its line
    pareto = show_widget(ParetoPlotWidget(), size=(640, 420))
    pareto.set_frontier(costs, floors, achievable=achievable, target=target, currency="USD", recommended=recommended)
    QApplication.processEvents()
    label = pareto._target.label
    assert label.isVisible() and "target 0.2" in label.toPlainText()
    assert not label.sceneBoundingRect().intersects(_star_rect(pareto))


def test_no_auto_range_button_is_drawn_in_the_corner(show_widget):
    # pyqtgraph's "A" showed in the plot's corner whenever the pointer passed, and read as a label.
    pareto = show_widget(ParetoPlotWidget(), size=(640, 420))
    pareto.set_frontier([1_000.0, 2_000.0], [0.3, 0.2], achievable=[0.35, 0.25], target=0.2, currency="USD",
                        recommended=1)
    QApplication.processEvents()
    assert pareto._plot.buttonsHidden and not pareto._plot.autoBtn.isVisible()
