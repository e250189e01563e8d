"""Risk plots: the Alignment Performance Interval against one design variable.

A :class:`RiskCurvePlotWidget` shows one :class:`~advisor.evaluation.results.Curve`: the
Fano floor (flat in the number of items: labels alone cannot cross it), the
risk this design achieves, the band between them (method §8), the ceiling
(from the predicted risk, falling with m), the target risk and the scenario's
own value of the variable; against m also the value model's learning error
(Fano's converse, the estimate and Gallager's bound, all falling). Its graphics items are created once and
updated with ``setData`` (pyqtgraph's fast path), so a live edit redraws
without rebuilding the scene.

:class:`CurveOverlayPlotWidget` overlays the same curve of several scenarios
(one colour each) for the comparison view.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractScrollArea, QGraphicsItem, QWidget

from ui.widgets.labels import WrappingLabel

if TYPE_CHECKING:
    from advisor.evaluation.results import Curve

PLOT_MIN_WIDTH = 220
"""Narrowest a curve plot may be, px: two side by side beside the form on a 1280-px screen."""
PLOT_MIN_HEIGHT = 176
"""Lowest a curve plot may be, px: two above each other under the cards, the verdict and the legend
on an 800-px screen."""
FLOOR_COLOUR = "#c62828"
CEILING_COLOUR = "#1565c0"
ACHIEVABLE_COLOUR = "#ef6c00"
LEARNING_COLOUR = "#6a1b9a"
TARGET_COLOUR = "#2e7d32"
CURRENT_COLOUR = "#616161"
BAND_COLOUR = (239, 108, 0, 40)
SERIES_COLOURS = ("#1565c0", "#c62828", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#4e342e")
"""One colour per scenario in overlays (distinguishable, print well)."""

CURVE_TITLES = {
    "items": "Risk vs items m",
    "log2_m": "Risk vs target log₂ M",
    "raters": "Risk vs raters r",
    "seconds": "Risk vs seconds T",
}
"""Short enough for a plot of PLOT_MIN_WIDTH; the x axis's label says what each x is in full."""
CURVE_ORDER = ("items", "log2_m", "raters", "seconds")
AXIS_LABEL_POINTS = 10
"""Size of the axes' labels (the x label's width is measured in it)."""


def series_colour(index: int) -> str:
    """The overlay colour of the ``index``-th scenario (cycles after eight)."""
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


def style_plot(plot: pg.PlotItem, *, title: str, x_label: str, y_label: str) -> None:
    """House style of every plot: readable fonts, a light grid, labelled axes."""
    plot.setTitle(title, size="11pt", color="#222222")
    font = QFont()
    font.setPointSizeF(9)
    for name, label in (("bottom", x_label), ("left", y_label)):
        axis = plot.getAxis(name)
        axis.setLabel(label, color="#333333", **{"font-size": f"{AXIS_LABEL_POINTS}pt"})
        axis.setTickFont(font)
        axis.setTextPen("#333333")
        axis.setPen("#9e9e9e")
        # Risks and capacities are plain numbers: no "(x0.001)" rescaling.
        axis.enableAutoSIPrefix(False)
        # An axis draws its grid across the whole plot; replaying that drawing
        # on every repaint of a curve cost about 6 ms per axis. Cached as a
        # pixmap it is redrawn only when the axis itself changes (its range).
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    plot.showGrid(x=True, y=True, alpha=0.18)
    plot.setMenuEnabled(False)
    plot.getViewBox().setMouseEnabled(x=True, y=False)
    wheel_scrolls_the_page(plot)


ZOOM_MODIFIER = Qt.KeyboardModifier.ControlModifier
"""Held with the wheel over a plot on a page that scrolls, zooms the plot; the wheel alone scrolls
the page."""


def wheel_scrolls_the_page(plot: pg.PlotItem) -> None:
    """Over a plot inside a scroll area (a page of results), the wheel goes to the page and
    Ctrl + wheel zooms the plot; over a plot outside one (a dialog, a dock), the wheel alone zooms.
    The rule depends on where the plot sits, not on whether the page has anything to scroll at the
    window's present size, so a plot does not change behaviour when the window is resized.

    A page of plots read by scrolling stopped under the pointer whenever a plot reached it, and the
    plot zoomed instead: the same surprise as an unfocused spin box taking the wheel
    (:func:`ui.widgets.spin_boxes.guard_wheel`). The plot's view box ignores such an event, and Qt
    hands an ignored wheel event on to the widgets that contain the plot, the scrolling page among
    them. An axis passes the wheel to the view box, so the rule holds over the axes too.
    """
    view_box = plot.getViewBox()
    zoom = view_box.wheelEvent

    def wheel(event, axis=None) -> None:
        if event.modifiers() & ZOOM_MODIFIER or not _on_a_scrolling_page(event.widget()):
            zoom(event, axis)
        else:
            event.ignore()

    view_box.wheelEvent = wheel
    # pyqtgraph's axes zoom their view box and then accept every wheel event, which would stop the
    # page scrolling over them.
    for name, entry in plot.axes.items():
        along = 1 if name in ("left", "right") else 0
        entry["item"].wheelEvent = lambda event, along=along: wheel(event, along)


def _on_a_scrolling_page(viewport: QWidget | None) -> bool:
    """Whether the plot drawn in ``viewport`` sits in a scroll area (other than its own view)."""
    if viewport is None:
        return False
    view = viewport.parentWidget()  # the plot's own graphics view, itself a scroll area
    widget = view.parentWidget() if view is not None else None
    while widget is not None:
        if isinstance(widget, QAbstractScrollArea):
            return True
        widget = widget.parentWidget()
    return False


def _position(value: float, log_x: bool) -> float:
    # A log axis is drawn by plotting log10 of the data (see log_ticks).
    return math.log10(value) if log_x and value > 0 else value


def short_number(value: float) -> str:
    """Compact tick label: 5, 0.5, 20, 1k, 2.5k, 10M."""
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:g}{suffix}"
    return f"{value:g}"


def log_ticks(low: float, high: float, most: int | None = None) -> list[tuple[float, str]]:
    """Ticks for a log axis between ``low`` and ``high`` (data units, > 0).

    pyqtgraph's own log mode labels minor ticks as ``2·10¹ 3·10¹ …``, which
    collide on a narrow plot; these ticks are 1-2-5 steps (only powers of ten
    over many decades), labelled as plain numbers, at log10 positions. With
    ``most`` (≥ 1), at most that many: fewer steps per decade first, then every
    second, third, … power of ten, so that the labels of a narrow plot do not
    run into each other.
    """
    if low <= 0 or high <= low:
        return []
    first, last = math.floor(math.log10(low)), math.ceil(math.log10(high))
    span = last - first
    choices = [(1,)] if span > 4 else ([(1, 3), (1,)] if span > 2 else [(1, 2, 5), (1, 3), (1,)])

    def ticks_of(steps: tuple[int, ...]) -> list[tuple[float, str]]:
        return [(math.log10(value), short_number(value))
                for exponent in range(first, last + 1) for step in steps
                for value in (step * 10.0 ** exponent,) if low * 0.999 <= value <= high * 1.001]

    for steps in choices:
        ticks = ticks_of(steps)
        if most is None or len(ticks) <= most:
            return ticks
    return ticks[::math.ceil(len(ticks) / max(1, most))]


def set_x_label(plot: pg.PlotItem, text: str) -> None:
    """Label the bottom axis (in the house style), only if the text changed:
    setting a label re-renders its HTML, a cost on every live update."""
    axis = plot.getAxis("bottom")
    if axis.labelText != text:
        axis.setLabel(text, color="#333333", **{"font-size": f"{AXIS_LABEL_POINTS}pt"})


def _set_x_axis(plot: pg.PlotItem, xs: Sequence[float], log_x: bool, most: int | None = None) -> None:
    axis = plot.getAxis("bottom")
    if xs and log_x:
        axis.setTicks([log_ticks(min(xs), max(xs), most), []])
    else:
        axis.setTicks(None)


TICK_LABEL_SPACE_PX = 40
"""Width a tick label of a log axis needs with the space around it (``100k`` in 9 pt and a gap)."""

SHORT_X_LABELS = {
    "labelled items m": "items m",
    "target complexity log2 M (bits)": "log₂ M (bits)",
    "raters per item r": "raters r",
    "seconds per item T": "seconds T",
}
"""The x axis's label where the full one is wider than the plot (the plot's title says the rest)."""


def _line(plot: pg.PlotItem, pen) -> pg.PlotCurveItem:
    """An empty line of ``plot``: a bare :class:`pyqtgraph.PlotCurveItem`, whose ``setData`` costs a
    quarter of a ``PlotDataItem``'s (no symbols, downsampling or log mapping to set up; the risk
    plots use none of them), on every series of every edit."""
    line = pg.PlotCurveItem(pen=pen)
    plot.addItem(line)
    return line


LOG_AXIS_MARGIN = 0.1
"""Room left on each side of a curve on a log axis when its range is set, as a share of the curve's
width (in decades)."""
LOG_AXIS_FILL = 0.7
"""Least share of a log axis's width a curve may fill before the axis is set up again."""


def _axis_range(curve: Curve, shown: tuple[float, float] | tuple[()] | None) -> tuple[float, float] | tuple[()]:
    """The x range of the plot of ``curve``, in plotted positions (log10 of x on a log axis).

    A linear axis spans the curve's x exactly. A log axis keeps ``shown`` while the curve lies
    inside it and fills at least :data:`LOG_AXIS_FILL` of it, and otherwise spans the curve with
    :data:`LOG_AXIS_MARGIN` on each side: the curve over the time per item moves with every edit of
    that time (it runs from T/8 to 8T), and an axis that followed it exactly would be set up and
    drawn again on every such edit; with the margin, steps of a few per cent move the curve inside a
    still axis for dozens of edits.
    """
    if not curve.x:
        return ()
    low, high = _position(min(curve.x), curve.log_x), _position(max(curve.x), curve.log_x)
    if not curve.log_x:
        # A curve of one point (not swept) gets one unit either side, so its axis has ticks.
        return (low, high) if high > low else (low - 1.0, high + 1.0)
    if shown and shown[0] <= low and high <= shown[1] and high - low >= LOG_AXIS_FILL * (shown[1] - shown[0]):
        return shown
    margin = LOG_AXIS_MARGIN * (high - low) if high > low else 0.5
    return low - margin, high + margin


def _set_label_text(label: pg.InfLineLabel, text: str) -> None:
    if label.format != text:
        label.setFormat(text)


def _describe(value: float) -> str:
    if value >= 10_000:
        return f"{value:,.0f}".replace(",", " ")
    return f"{value:g}"


class FittedAxisPlotWidget(pg.PlotWidget):
    """A plot whose x axis fits its width: on a log axis as many tick labels as fit apart
    (:func:`log_ticks` with a budget of :data:`TICK_LABEL_SPACE_PX` each), and the x label in its
    short form (:data:`SHORT_X_LABELS`) when the full one is wider than the plot; both set again
    when the plot is resized. Subclasses call :meth:`fit_x_axis` when their data's range or label
    changes."""

    def __init__(self, parent: QWidget | None = None, **kwargs):
        # Attributes first: the base class lays the widget out (a resize) while it is built.
        self._x_label_full: str = ""
        self._x_range: tuple[float, float] | None = None  # data units; None: no data
        self._x_log = False
        self._tick_budget: int | None = None
        super().__init__(parent=parent, **kwargs)

    def fit_x_axis(self, label: str, x_range: tuple[float, float] | None, log_x: bool) -> None:
        """Set the x label and the ticks of ``x_range`` (data units; None for no data) for the
        width the plot has now."""
        self._x_label_full, self._x_range, self._x_log = label, x_range, log_x
        self._fit(new_ticks=True)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        # A narrower plot has room for fewer tick labels and maybe not for the full x label.
        if self.getPlotItem() is not None and self._x_range is not None:  # not closed, something shown
            self._fit(new_ticks=False)

    def _fit(self, new_ticks: bool) -> None:
        """The label for the width now; the ticks when they are new or a log axis's budget changed
        (a linear axis's ticks are pyqtgraph's, spaced by its own measure of the width)."""
        plot = self.getPlotItem()
        set_x_label(plot, self._x_label_that_fits(self._x_label_full))
        budget = self._ticks_that_fit()
        if new_ticks or (self._x_log and budget != self._tick_budget):
            self._tick_budget = budget
            _set_x_axis(plot, list(self._x_range) if self._x_range else [], self._x_log, budget)

    def _axis_width(self) -> float:
        # The plot's own width less the left axis and margins (about 60 px): the axis's width is
        # known only once it has been laid out.
        return max(0.0, self.viewport().width() - 60.0)

    def _ticks_that_fit(self) -> int | None:
        width = self._axis_width()
        return max(2, int(width // TICK_LABEL_SPACE_PX)) if width > 0 else None

    def _x_label_that_fits(self, label: str) -> str:
        font = QFont()
        font.setPointSizeF(AXIS_LABEL_POINTS)
        width = self._axis_width()
        if width > 0 and QFontMetrics(font).horizontalAdvance(label) > width:
            return SHORT_X_LABELS.get(label, label)
        return label


class RiskCurvePlotWidget(FittedAxisPlotWidget):
    """One curve of the risk interval, updated in place.

    Parameters
    ----------
    name
        Which curve (``"items"``, ``"log2_m"``, ``"raters"``, ``"seconds"``);
        sets the title.
    parent
        Parent widget.
    """

    def __init__(self, name: str, parent: QWidget | None = None):
        # No context menu: building its widgets costs ~15 ms per plot at start-up.
        super().__init__(parent=parent, enableMenu=False)
        self.name = name
        plot = self.getPlotItem()
        style_plot(plot, title=CURVE_TITLES.get(name, name), x_label="", y_label="risk")
        # One legend above the four plots (risk_legend_label) instead of one
        # per plot: per-plot legends cover the curves in small plots.
        self._ceiling = _line(plot, pg.mkPen(CEILING_COLOUR, width=1.6, style=Qt.PenStyle.DashDotLine))
        self._achievable = _line(plot, pg.mkPen(ACHIEVABLE_COLOUR, width=2.5))
        self._floor = _line(plot, pg.mkPen(FLOOR_COLOUR, width=2.5))
        self._floor_paper = _line(plot, pg.mkPen(FLOOR_COLOUR, width=1.2, style=Qt.PenStyle.DashLine))
        self._band = pg.FillBetweenItem(self._floor, self._achievable, brush=pg.mkBrush(*BAND_COLOUR))
        plot.addItem(self._band)
        # The value model's learning error against m (only the items plot has it).
        self._learning = tuple(
            _line(plot, pg.mkPen(LEARNING_COLOUR, width=width, style=style))
            for width, style in ((1.6, Qt.PenStyle.DotLine), (1.4, Qt.PenStyle.SolidLine),
                                 (1.6, Qt.PenStyle.DashLine))
        )
        self._target = pg.InfiniteLine(
            angle=0, movable=False, pen=pg.mkPen(TARGET_COLOUR, width=1.5, style=Qt.PenStyle.DashLine),
            label="", labelOpts={"position": 0.06, "color": TARGET_COLOUR, "anchors": [(0, 1), (0, 1)]},
        )
        self._current = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(CURRENT_COLOUR, width=1.2, style=Qt.PenStyle.DotLine),
            label="", labelOpts={"position": 0.93, "color": CURRENT_COLOUR, "anchors": [(0, 0), (0, 0)]},
        )
        plot.addItem(self._target)
        plot.addItem(self._current)
        # A curve the work budget left with the design's point alone has no line to draw: its floor,
        # achievable risk and ceiling are dots, and a note says why there is no curve.
        self._design_points = pg.ScatterPlotItem(size=9, pen=None)
        self._design_points.setZValue(5)
        plot.addItem(self._design_points)
        self._design_points.hide()
        self._alone = False  # whether the curve shown is the design's point alone
        plot.setYRange(0.0, 1.0, padding=0.02)
        plot.setLimits(yMin=-0.05, yMax=1.1)
        self.setMinimumSize(PLOT_MIN_WIDTH, PLOT_MIN_HEIGHT)
        self._curve: Curve | None = None
        self._axis_key: tuple | None = None
        self._shown: dict[int, tuple[list[float], list[float]]] = {}  # item id → the data it shows

    @property
    def curve(self) -> Curve | None:
        """The curve shown (None before the first :meth:`set_curve`)."""
        return self._curve

    def forget_zoom(self) -> None:
        """Back to the shown curve's own x range: a zoom (Ctrl + wheel, a drag) is of one scenario,
        and the next one's curve may have the same range, which leaves the axis as it is."""
        if self._axis_key is not None and self._axis_key[0]:
            low, high = self._axis_key[0]
            self.getPlotItem().setXRange(low, high, padding=0.02)

    def set_curve(self, curve: Curve) -> None:
        """Show ``curve``; the axes follow its range."""
        self._curve = curve
        plot = self.getPlotItem()
        # The axis is set up again only when its range must change (ticks and limits depend on its
        # ends alone): a new range redraws the axis and its grid (the costly part of a repaint), and
        # most edits move the curves, or points inside the range, not its ends.
        axis_range = _axis_range(curve, self._axis_key[0] if self._axis_key else None)
        axis_key = (axis_range, curve.log_x, curve.x_label)
        new_axis = axis_key != self._axis_key
        self._axis_key = axis_key
        xs = [_position(x, curve.log_x) for x in curve.x]
        learning = (curve.learning_converse, curve.learning_estimate, curve.learning_achievable)
        series = [(self._ceiling, xs, curve.ceiling), (self._achievable, xs, curve.achievable or curve.ceiling),
                  *((item, xs if values else [], values) for item, values in zip(self._learning, learning)),
                  (self._floor, xs, curve.floor), (self._floor_paper, xs, curve.floor_paper)]
        band_moved = False
        for item, x_values, y_values in series:
            # A series the edit did not move keeps its item untouched: each setData rebuilds the
            # item's path, its bounds and the band's path, a few milliseconds per plot and edit.
            shown = (list(x_values), list(y_values))
            if self._shown.get(id(item)) != shown:
                self._shown[id(item)] = shown
                if item is self._floor or item is self._achievable:
                    # The band between them is traced once below, not once per moved edge.
                    band_moved = True
                    item.blockSignals(True)
                    try:
                        item.setData(*shown)
                    finally:
                        item.blockSignals(False)
                else:
                    item.setData(*shown)
        if band_moved:
            self._band.updatePath()
        if new_axis:
            ends = tuple(10.0 ** end for end in axis_range) if curve.log_x else axis_range
            self.fit_x_axis(curve.x_label, ends or None, curve.log_x)
        # The lines' labels follow their line's position by themselves; their texts and anchors are
        # set only when they change (each setting lays the label's text out and places it again).
        self._target.setPos(curve.target)
        _set_label_text(self._target.label, f"target ε = {curve.target:g}")
        self._current.setPos(_position(curve.current, curve.log_x))
        _set_label_text(self._current.label, f"now: {_describe(curve.current)}")
        self._show_swept(curve, xs)
        if curve.x:
            low, high = axis_range
            if new_axis:
                # Limits first: the old grid's limits would clamp the new range.
                plot.setLimits(xMin=low - 0.1 * (high - low), xMax=high + 0.1 * (high - low))
                plot.setXRange(low, high, padding=0.02)
            # Near the right edge the "now" label goes left of its line, so it is not cut off.
            right_side = high > low and (_position(curve.current, curve.log_x) - low) / (high - low) > 0.6
            anchors = [(1.05, 0), (1.05, 0)] if right_side else [(-0.05, 0), (-0.05, 0)]
            if self._current.label.anchors != anchors:
                self._current.label.anchors = anchors
                self._current.label.updatePosition()


    def _show_swept(self, curve: Curve, xs: list[float]) -> None:
        """Dots and a note for a curve of the design's point alone; hidden for a swept curve."""
        alone = bool(curve.x) and not curve.swept
        if alone:
            achievable = (curve.achievable or curve.ceiling)[0]
            self._design_points.setData(
                x=[xs[0]] * 3, y=[curve.floor[0], achievable, curve.ceiling[0]],
                brush=[pg.mkBrush(colour) for colour in (FLOOR_COLOUR, ACHIEVABLE_COLOUR, CEILING_COLOUR)])
        if self._alone != alone:  # the title and tooltip only when the curve's kind changes
            from advisor.evaluation.results import NOT_SWEPT_TEXT

            self._alone = alone
            self._design_points.setVisible(alone)
            # The note is a second line of the title (the plot is too small to write over the dots).
            title = CURVE_TITLES.get(self.name, self.name)
            if alone:
                title += f"<br><span style='font-size:8pt; color:{CURRENT_COLOUR}'>{NOT_SWEPT_TEXT['short']}</span>"
            self.getPlotItem().setTitle(title, size="11pt", color="#222222")
            self.setToolTip(NOT_SWEPT_TEXT["long"] if alone else "")


class CurveOverlayPlotWidget(FittedAxisPlotWidget):
    """The same curve of several scenarios: achievable risk solid, floor dashed, and on the items
    curve the value model's learning error (its normal-approximation estimate, method §8.2)
    dash-dotted, one colour per scenario. Items are reused across updates.

    Against labelled items the achievable risk and the floor are flat (they are properties of a
    label, not of how many there are); what the items change is the value model's error, so that
    is the line that tells two designs apart there.

    Parameters
    ----------
    name
        Which curve (see :data:`CURVE_TITLES`).
    """

    def __init__(self, name: str, parent: QWidget | None = None):
        # No context menu: building its widgets costs ~15 ms per plot at start-up.
        super().__init__(parent=parent, enableMenu=False)
        self.name = name
        plot = self.getPlotItem()
        style_plot(plot, title=CURVE_TITLES.get(name, name), x_label="", y_label="risk")
        # The legend is shared by the grid of overlays (overlay_legend_label).
        self._pairs: list[tuple[pg.PlotDataItem, pg.PlotDataItem, pg.PlotDataItem]] = []
        self._pair_colours: list[str | None] = []  # the colour each pair is drawn in
        plot.setYRange(0.0, 1.0, padding=0.02)
        plot.setLimits(yMin=-0.05, yMax=1.1)
        self.setMinimumSize(PLOT_MIN_WIDTH, PLOT_MIN_HEIGHT)

    def series_count(self) -> int:
        """How many scenarios are drawn."""
        return sum(1 for achievable, _, _ in self._pairs if achievable.isVisible())

    def learning_count(self) -> int:
        """How many scenarios' value-model curves are drawn."""
        return sum(1 for _, _, learning in self._pairs if learning.isVisible())

    def set_curves(self, names: Sequence[str], curves: Sequence[Curve], colours: Sequence[int] | None = None) -> None:
        """Draw ``curves[i]`` for scenario ``names[i]`` (same length) in :func:`series_colour`
        ``colours[i]`` (default ``i``: a caller that keeps each scenario's colour while others come
        and go passes its own)."""
        plot = self.getPlotItem()
        log_x = curves[0].log_x if curves else False
        while len(self._pairs) < len(curves):
            achievable = plot.plot([], [])
            floor = plot.plot([], [])
            learning = plot.plot([], [])
            self._pairs.append((achievable, floor, learning))
            self._pair_colours.append(None)
        xs: list[float] = []
        for index, lines in enumerate(self._pairs):
            achievable, floor, learning = lines
            visible = index < len(curves)
            if visible:
                colour = series_colour(colours[index] if colours is not None else index)
                if self._pair_colours[index] != colour:
                    self._pair_colours[index] = colour
                    achievable.setPen(pg.mkPen(colour, width=2.2))
                    floor.setPen(pg.mkPen(colour, width=2.0, style=Qt.PenStyle.DashLine))
                    learning.setPen(pg.mkPen(colour, width=1.6, style=Qt.PenStyle.DashDotLine))
            learned = visible and len(curves[index].learning_estimate) == len(curves[index].x) > 0
            for line, shown in zip(lines, (visible, visible, learned)):
                line.setVisible(shown)
                if not shown:
                    line.setData([], [])
            if not visible:
                continue
            curve = curves[index]
            positions = [_position(x, log_x) for x in curve.x]
            # A curve of its design's point alone (not swept) is a dot in its colour, not an empty line.
            symbol = None if curve.swept else "o"
            achievable.setData(positions, curve.achievable or curve.ceiling, symbol=symbol, symbolSize=8,
                               symbolBrush=achievable.opts["pen"].color(), symbolPen=None)
            floor.setData(positions, curve.floor, symbol=symbol and "t", symbolSize=8,
                          symbolBrush=floor.opts["pen"].color(), symbolPen=None)
            if learned:
                learning.setData(positions, curve.learning_estimate)
            xs.extend(curve.x)
        self.fit_x_axis(curves[0].x_label if curves else self._x_label_full, (min(xs), max(xs)) if xs else None,
                        log_x)
        if xs:
            low, high = _position(min(xs), log_x), _position(max(xs), log_x)
            if high == low:  # every curve its design's point alone
                low, high = (low - 0.5, high + 0.5) if log_x else (low - 1.0, high + 1.0)
            plot.setXRange(low, high, padding=0.02)


def risk_legend_label() -> WrappingLabel:
    """A one-line legend shared by a grid of :class:`RiskCurvePlotWidget`."""

    def swatch(colour: str, glyph: str, text: str) -> str:
        return f"<span style='color:{colour}; font-weight:700'>{glyph}</span>&nbsp;{text}"

    band = f"rgba({BAND_COLOUR[0]},{BAND_COLOUR[1]},{BAND_COLOUR[2]},0.25)"
    parts = [
        swatch(FLOOR_COLOUR, "━━", "floor (Fano, exact)"),
        swatch(FLOOR_COLOUR, "╌╌", "floor (paper form)"),
        swatch(ACHIEVABLE_COLOUR, "━━", "achievable (this design)"),
        f"<span style='background:{band}'>&nbsp;&nbsp;&nbsp;&nbsp;</span>&nbsp;interval",
        swatch(CEILING_COLOUR, "━·", "ceiling"),
        swatch(LEARNING_COLOUR, "┈ ━ ╌", "value model: Fano · estimate · Gallager"),
        swatch(TARGET_COLOUR, "╌╌", "target ε"),
        swatch(CURRENT_COLOUR, "┆", "this design"),
    ]
    label = WrappingLabel("&nbsp;&nbsp;&nbsp;".join(parts))
    label.setStyleSheet("color: #333333;")
    return label


def overlay_legend_label(names: Sequence[str], colours: Sequence[int] | None = None) -> str:
    """Rich text naming each overlaid scenario's colour (for a QLabel); ``colours`` as for
    :meth:`CurveOverlayPlotWidget.set_curves`."""
    styles = ("<span style='color:#333'>━━ achievable&nbsp;&nbsp;╌╌ floor&nbsp;&nbsp;"
              "━· value model's error (against items)</span>")
    swatches = [
        f"<span style='color:{series_colour(colours[i] if colours is not None else i)}; font-weight:700'>■</span>"
        f"&nbsp;{name}"
        for i, name in enumerate(names)
    ]
    return styles + "&nbsp;&nbsp;&nbsp;&nbsp;" + "&nbsp;&nbsp;&nbsp;".join(swatches)

