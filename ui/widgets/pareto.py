"""The optimiser's Pareto plot: campaign cost against the risk floor and the achievable risk.

Each point of the frontier is a design no other design beats on both cost and
floor; beside its floor the plot shows the risk that design achieves (method
§8.4: the floor rules designs out, the achievable risk says which meet the
target). The recommended design (the cheapest found whose evaluation meets the
target) is drawn larger at its achievable risk, the target risk is a dashed
line, and the scenario's own design is drawn for reference.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

from advisor.planning.frontier_lines import cut_at_gaps, floor_steps
from ui.widgets.plots import log_ticks, wheel_scrolls_the_page

FRONTIER_COLOUR = "#c62828"
ACHIEVABLE_COLOUR = "#ef6c00"
RECOMMENDED_COLOUR = "#d62728"
CURRENT_COLOUR = "#555555"
TARGET_COLOUR = "#2ca02c"
LOG_X_RATIO = 30.0
"""Costs spanning more than this ratio are plotted on a log axis."""
TARGET_LABEL_RIGHT = 0.97
"""Where along the target's line its label sits (a share of the plot's width) unless the
recommended design is on the right half; then at :data:`TARGET_LABEL_LEFT`."""
TARGET_LABEL_LEFT = 0.03


NOT_RUN_MESSAGE = "Run the optimiser to see the cheapest\ndesigns that reach the target."
"""What the plot says before a search of the open scenario."""


class ParetoPlotWidget(QWidget):
    """Cost against risk floor and achievable risk for a frontier of designs.

    Parameters
    ----------
    parent
        Owning widget.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._plot_widget = pg.PlotWidget(background="w")
        self._plot = self._plot_widget.getPlotItem()
        # No auto-range "A" in the corner: the frontier sets its own ranges, and the letter read as a label.
        self._plot.hideButtons()
        self._plot.showGrid(x=True, y=True, alpha=0.25)
        self._plot.setLabel("left", "risk")
        self._plot.setLabel("bottom", "campaign cost")
        self._plot.setMenuEnabled(False)
        wheel_scrolls_the_page(self._plot)
        for name in ("left", "bottom"):
            # Risks and costs are plain numbers: no "(x0.001)" rescaling of the axis.
            self._plot.getAxis(name).enableAutoSIPrefix(False)
        self._legend = self._plot.addLegend(offset=(-10, 10), labelTextSize="9pt")
        self._legend.setBrush(pg.mkBrush(255, 255, 255, 220))
        # PlotDataItems (not bare scatter items) follow the plot's log-x mode.
        self._line = pg.PlotDataItem(pen=pg.mkPen(FRONTIER_COLOUR, width=1.5, style=Qt.PenStyle.DotLine))
        self._points = pg.PlotDataItem(pen=None, symbol="o", symbolSize=8, symbolPen=pg.mkPen("w", width=0.8),
                                       symbolBrush=pg.mkBrush(FRONTIER_COLOUR), name="floor (Pareto frontier)")
        self._achievable_line = pg.PlotDataItem(pen=pg.mkPen(ACHIEVABLE_COLOUR, width=1.5, style=Qt.PenStyle.DashLine))
        self._achievable_points = pg.PlotDataItem(
            pen=None, symbol="t", symbolSize=8, symbolPen=pg.mkPen("w", width=0.8),
            symbolBrush=pg.mkBrush(ACHIEVABLE_COLOUR), name="achievable risk of that design")
        self._current = pg.PlotDataItem(pen=None, symbol="s", symbolSize=11, symbolPen=pg.mkPen(CURRENT_COLOUR, width=2),
                                        symbolBrush=pg.mkBrush(255, 255, 255, 0), name="this scenario")
        self._recommended = pg.PlotDataItem(pen=None, symbol="star", symbolSize=18, symbolPen=pg.mkPen("k", width=1),
                                            symbolBrush=pg.mkBrush(RECOMMENDED_COLOUR), name="recommended design")
        self._target = pg.InfiniteLine(angle=0, movable=False,
                                       pen=pg.mkPen(TARGET_COLOUR, width=1.5, style=Qt.PenStyle.DashLine),
                                       label="target", labelOpts={"position": TARGET_LABEL_RIGHT, "color": TARGET_COLOUR,
                                                                               "anchors": [(1, 1), (1, 1)]})
        self._empty_text = pg.TextItem("", color="#666666", anchor=(0.5, 0.5))
        font = QFont()
        font.setPointSizeF(10.5)
        self._empty_text.setFont(font)
        for item in (self._line, self._points, self._achievable_line, self._achievable_points, self._current,
                     self._recommended):
            self._plot.addItem(item)
        self._plot.addItem(self._target, ignoreBounds=False)
        self._plot.addItem(self._empty_text, ignoreBounds=True)
        self._currency = ""
        self._costs = np.zeros(0)
        self._floors = np.zeros(0)
        self._achievable = np.zeros(0)
        self._recommended_index: int | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._plot_widget)
        self.clear(NOT_RUN_MESSAGE)

    def _place_target_label(self, all_x: np.ndarray, log_x: bool, star_x: float | None) -> None:
        """The target's label at the end of its line away from the recommended design: the star
        sits at about the target's height (the cheapest design that meets it), and at the label's
        end it hid the label's text."""
        position = TARGET_LABEL_RIGHT
        if star_x is not None and all_x.size > 1:
            place = np.log10(all_x) if log_x else all_x
            spread = float(place.max() - place.min())
            star = math.log10(star_x) if log_x else star_x
            if spread > 0 and (star - float(place.min())) / spread > 0.5:
                position = TARGET_LABEL_LEFT
        label = self._target.label
        label.anchors = [(0, 1), (0, 1)] if position == TARGET_LABEL_LEFT else [(1, 1), (1, 1)]
        label.setPosition(position)

    # ------------------------------------------------------------ public API
    @property
    def costs(self) -> np.ndarray:
        return self._costs.copy()

    @property
    def floors(self) -> np.ndarray:
        return self._floors.copy()

    @property
    def achievable(self) -> np.ndarray:
        return self._achievable.copy()

    @property
    def recommended_index(self) -> int | None:
        return self._recommended_index

    @property
    def current_point(self) -> tuple[float, float] | None:
        """``(cost, risk)`` of the scenario's own square, or None when none is drawn."""
        x, y = self._current.xData, self._current.yData  # as given: getData is log10 of x on a log axis
        return (float(x[0]), float(y[0])) if x is not None and len(x) else None

    @property
    def plot_item(self) -> pg.PlotItem:
        return self._plot

    def clear(self, message: str = "") -> None:
        """Remove the points and show ``message`` in the middle of the plot."""
        self._costs, self._floors, self._recommended_index = np.zeros(0), np.zeros(0), None
        self._achievable = np.zeros(0)
        for item in (self._points, self._achievable_points, self._current, self._recommended):
            item.setData([], [])
        self._line.setData([], [])
        self._achievable_line.setData([], [])
        self._target.setVisible(False)
        self._plot.setLogMode(x=False, y=False)
        self._plot.setXRange(0, 1, padding=0)
        self._plot.setYRange(0, 1, padding=0)
        self._empty_text.setText(message)
        self._empty_text.setPos(0.5, 0.5)
        self._empty_text.setVisible(bool(message))
        # Axes of nothing ran 0.1 to 0.9 in "campaign cost": the message alone says what there is.
        for name in ("left", "bottom"):
            self._plot.hideAxis(name)
        # A legend of markers not drawn says nothing, and on a short plot it covers the message.
        self._legend.setVisible(False)

    def set_frontier(self, costs: Sequence[float], floors: Sequence[float], *, target: float, currency: str,
                     recommended: int | None = None, current: tuple[float, float] | None = None,
                     achievable: Sequence[float] | None = None, off_line: int | None = None) -> None:
        """Show a frontier.

        Parameters
        ----------
        costs, floors
            One cost (in ``currency``, ≥ 0) and one risk floor (in [0, 1]) per
            design on the frontier.
        target
            The target risk ε, in (0, 1).
        currency
            Currency code for the axis label.
        recommended
            Index of the recommended design, or None when no design meets the target.
        current
            ``(cost, risk)`` of the scenario's own design (its achievable risk when
            ``achievable`` is given, else its floor), or None.
        achievable
            The achievable risk of each design, in [floor, 1], or None.
        off_line
            Index of a design drawn as markers but left out of the lines, which join the frontier's
            designs (the recommended design when it is not one of them), or None.
        """
        x = np.asarray(costs, dtype=float)
        y = np.asarray(floors, dtype=float)
        if x.shape != y.shape:
            raise ValueError(f"costs and floors must have the same length, got {x.size} and {y.size}")
        reached = np.asarray(achievable, dtype=float) if achievable is not None else np.zeros(0)
        if achievable is not None and reached.shape != x.shape:
            raise ValueError(f"achievable must have one value per design, got {reached.size} for {x.size}")
        self._costs, self._floors, self._recommended_index = x, y, recommended
        self._achievable = reached
        self._currency = currency
        self._empty_text.setVisible(x.size == 0)
        if x.size == 0:
            self.clear("The optimiser found no design within the constraints.")
            return
        for name in ("left", "bottom"):
            self._plot.showAxis(name)
        all_x = np.concatenate([x, [current[0]] if current else []])
        positive = all_x[all_x > 0]
        log_x = positive.size > 0 and positive.size == all_x.size and positive.max() / positive.min() > LOG_X_RATIO
        self._plot.setLogMode(x=bool(log_x), y=False)
        # pyqtgraph labels a log axis's minor ticks "2·10³ 3·10³ …", which collide;
        # 1-2-5 ticks labelled as plain numbers read well (as on the risk plots).
        self._plot.getAxis("bottom").setTicks(
            [log_ticks(float(positive.min()), float(positive.max())), []] if log_x else None)
        order = np.array([i for i in np.argsort(x) if i != off_line], dtype=int)
        # The floor as the report draws it: each design's floor held until the next design's cost (the
        # lowest floor within a budget); the achievable risks joined, but not across a stretch of cost
        # without designs (frontier_lines).
        self._line.setData(*floor_steps(x[order], y[order]))
        self._points.setData(x, y)
        shown = reached if reached.size else y
        if reached.size:
            self._achievable_line.setData(*cut_at_gaps(x[order], reached[order]), connect="finite")
        else:
            self._achievable_line.setData([], [])
        self._achievable_points.setData(x, reached) if reached.size else self._achievable_points.setData([], [])
        if recommended is not None:
            self._recommended.setData([x[recommended]], [shown[recommended]])
        else:
            self._recommended.setData([], [])
        if current is not None:
            self._current.setData([current[0]], [current[1]])
        else:
            self._current.setData([], [])
        self._target.setVisible(True)
        self._legend.setVisible(True)
        self._target.setValue(target)
        self._place_target_label(all_x, log_x, x[recommended] if recommended is not None else None)
        # The label only re-renders while visible, so it is set after showing the line.
        self._target.label.setFormat(f"target {target:g}")
        self._plot.setLabel("bottom", f"campaign cost ({currency})")
        all_y = np.concatenate([y, reached, [target], [current[1]] if current else []])
        top = float(min(1.0, max(all_y.max() * 1.1, target * 1.3)))
        self._plot.enableAutoRange(x=True)
        # Room above the highest point for a whole marker (a design at risk 1 was cut in half).
        top = max(top, 1e-3)
        self._plot.setYRange(-0.02 * top, 1.07 * top, padding=0.0)
