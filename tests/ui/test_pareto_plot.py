"""The optimiser's frontier plot: the target's label stays clear of the recommended design's star."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
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


# The content moderation example's frontier as the optimiser gives it (costs in USD): its designs end at
# 55,868 and start again at 299,833.
GAPPED_COSTS = [4827, 7014, 7751, 8529, 9425, 10416, 11511, 12666, 13997, 15469, 17095, 18892, 20787, 22972,
                25387, 28056, 31005, 34116, 37702, 41665, 46045, 50664, 55868, 299833, 300665]


def _line_pixels(pareto: ParetoPlotWidget, image, cost: float) -> tuple[list[int], list[int]]:
    """The rows of the plot's pixels within 4 px of the column at ``cost`` coloured as the floor's line
    (red: green and blue alike) and as the achievable line (orange: green well above blue), with their
    anti-aliased blends into white; the grid is grey and the target's line green."""
    view_box = pareto._plot.getViewBox()
    point = view_box.mapViewToScene(QPointF(math.log10(cost), 0.5))  # the cost axis is logarithmic
    middle = int(pareto._plot_widget.mapFromScene(point).x())
    floor_rows, achievable_rows = [], []
    for column in range(middle - 4, middle + 5):
        for row in range(image.height()):
            colour = image.pixelColor(column, row)
            if colour.red() - colour.blue() <= 40:
                continue
            if colour.green() - colour.blue() > 30:
                achievable_rows.append(row)
            elif abs(colour.green() - colour.blue()) < 20:
                floor_rows.append(row)
    return floor_rows, achievable_rows


def test_the_lines_do_not_cross_a_stretch_of_cost_without_designs(show_widget):
    """A straight line from the 56k design to the 300k one read as designs in between. The floor is a
    step, as in the report (the lowest floor within a budget); the achievable risks stop at the gap."""
    floors = np.linspace(0.875, 0.02, len(GAPPED_COSTS) - 2).tolist() + [0.0, 0.0]
    achievable = [min(1.0, f + 0.1) for f in floors]
    pareto = show_widget(ParetoPlotWidget(), size=(700, 420))
    pareto.set_frontier(GAPPED_COSTS, floors, achievable=achievable, target=0.1, currency="USD", recommended=24)
    QApplication.processEvents()
    image = pareto._plot_widget.grab().toImage()
    view_box = pareto._plot.getViewBox()
    held_row = pareto._plot_widget.mapFromScene(view_box.mapViewToScene(QPointF(5.0, floors[22]))).y()
    # Midway (on the log axis) inside the gap: the floor of the 56k design held, level; no achievable line.
    floor_rows, achievable_rows = _line_pixels(pareto, image, math.sqrt(55868 * 299833))
    assert achievable_rows == []
    assert floor_rows and all(abs(row - held_row) <= 2 for row in floor_rows)
    # Between two neighbours: both lines.
    floor_rows, achievable_rows = _line_pixels(pareto, image, math.sqrt(20787 * 22972))
    assert floor_rows and achievable_rows
