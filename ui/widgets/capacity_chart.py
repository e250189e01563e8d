"""Where the capacity goes: a grouped bar chart per context and question.

For each question in each context, four bars: the cognitive capacity (the
rater's judgment, one rater), the articulation capacity (the interface), the
exact cascade of the two (one rater; never above the smaller, by data
processing) and the panel of r raters. A tick marks the question's alphabet
limit, ln(#alternatives): a bar near it is saturated and more raters buy
nothing there; a wide answer's limit far beyond every bar (a comment box's:
hundreds of bits) is named beside its articulation bar instead of stretching
the axis (:mod:`advisor.evaluation.breakdown_scale`). Bars are horizontal so
that long "question · context" labels stay readable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QWidget

from advisor.evaluation.breakdown_scale import breakdown_scale, wide_answer
from ui.widgets.plots import set_x_label, style_plot
from ui.core.settings import display_settings

if TYPE_CHECKING:
    from advisor.evaluation.results import Evaluation

SERIES = (
    ("cognitive_nats", "cognitive (1 rater)", "#8e24aa"),
    ("articulation_nats", "articulation (interface)", "#fb8c00"),
    ("cascade_nats", "cascade (1 rater)", "#42a5f5"),
    ("panel_nats", "r raters", "#1565c0"),
)
BAR_HEIGHT = 0.19
"""Height of one bar, in group units (four bars fill 0.76 of a group)."""


class CapacityBreakdownWidget(pg.PlotWidget):
    """Grouped horizontal bars of the capacities of one evaluation.

    The bar items are created once; :meth:`set_evaluation` updates them with
    ``setOpts`` and reuses value labels.
    """

    def __init__(self, parent: QWidget | None = None):
        # No context menu: building its widgets costs ~15 ms per plot at start-up.
        super().__init__(parent=parent, enableMenu=False)
        self._units = display_settings()
        plot = self.getPlotItem()
        style_plot(plot, title="Capacity per item", x_label="", y_label="")
        plot.getViewBox().setMouseEnabled(x=False, y=False)
        plot.getViewBox().invertY(True)
        plot.showGrid(x=True, y=False, alpha=0.2)
        # The legend sits above the chart (breakdown_legend_label): inside
        # the plot it would cover the bars of the last groups.
        self._bars: list[pg.BarGraphItem] = []
        for _, _, colour in SERIES:
            bars = pg.BarGraphItem(x0=[], y=[], width=[], height=BAR_HEIGHT, brush=colour, pen=pg.mkPen(None))
            plot.addItem(bars)
            self._bars.append(bars)
        # One dashed vertical segment per group at ln(#alternatives).
        self._limits = pg.PlotDataItem([], [], connect="pairs",
                                       pen=pg.mkPen("#37474f", width=1.6, style=Qt.PenStyle.DashLine))
        plot.addItem(self._limits)
        self._labels: list[pg.TextItem] = []
        self._label_font = QFont()
        self._label_font.setPointSizeF(8)
        self._evaluation: Evaluation | None = None
        self._group_names: list[str] = []
        self.setMinimumHeight(220)
        self._units.unit_changed.connect(self._on_units_unit_changed)

    @property
    def group_names(self) -> list[str]:
        """The group labels on the vertical axis, top to bottom."""
        return list(self._group_names)

    def limit_values(self) -> list[float]:
        """The alphabet limits drawn on the axis, one per question that has one within
        :data:`advisor.evaluation.breakdown_scale.OFF_SCALE_FACTOR` of the bars (display unit)."""
        xs = self._limits.getData()[0]
        return [] if xs is None else [float(x) for x in xs[::2]]

    def label_texts(self) -> list[str]:
        """The value labels shown beside the bars."""
        return [item.textItem.toPlainText() for item in self._labels if item.isVisible()]

    def bar_values(self, series: str) -> list[float]:
        """The drawn lengths of one series (``"panel_nats"`` …) in the display
        unit (clipped bars at their clipped length)."""
        index = [key for key, _, _ in SERIES].index(series)
        return [float(v) for v in self._bars[index].opts.get("width", [])]

    def set_evaluation(self, evaluation: Evaluation) -> None:
        """Draw the capacities of ``evaluation`` in the current display unit."""
        self._evaluation = evaluation
        convert = self._units.convert
        many_contexts = len(evaluation.contexts) > 1
        rows = [
            (f"{q.name} · {ctx.name}" if many_contexts else q.name, q)
            for ctx in evaluation.contexts
            for q in ctx.questions
        ]
        self._group_names = [name for name, _ in rows]
        limits = [convert(q.max_nats) if q.max_nats > 0 else None for _, q in rows]
        scale = breakdown_scale([convert(getattr(q, key)) for _, q in rows for key, _, _ in SERIES
                                 if key != "articulation_nats"], limits, [wide_answer(q.alternatives) for _, q in rows])
        clip = scale.clip
        labels: list[tuple[float, float, str]] = []
        for series_index, (key, _, _) in enumerate(SERIES):
            ys, widths = [], []
            for group, (_, question) in enumerate(rows):
                value = convert(getattr(question, key))
                y = group + (series_index - 1.5) * BAR_HEIGHT
                shown = min(value, clip)
                ys.append(y)
                widths.append(shown)
                text = f"{value:.2f}" + (" ›" if value > clip else "")
                if key == "articulation_nats" and scale.off_scale(group, limits[group]):
                    text += f"   {scale.limit_label(group, limits[group])}"
                labels.append((shown, y, text))
            self._bars[series_index].setOpts(x0=[0.0] * len(ys), y=ys, width=widths, height=BAR_HEIGHT)
        limit_xs, limit_ys = [], []
        for group, (limit, shown) in enumerate(zip(limits, scale.on_scale)):
            if shown:
                limit_xs += [limit, limit]
                limit_ys += [group - 2.2 * BAR_HEIGHT, group + 2.2 * BAR_HEIGHT]
        self._limits.setData(limit_xs, limit_ys)
        self._update_labels(labels)
        plot = self.getPlotItem()
        axis = plot.getAxis("left")
        axis.setTicks([[(group, name) for group, name in enumerate(self._group_names)], []])
        set_x_label(plot, f"capacity ({self._units.unit} per item)")
        plot.setYRange(-0.5, max(len(rows), 1) - 0.5, padding=0.02)
        drawn = [width for bars in self._bars for width in bars.opts["width"]] + limit_xs
        # Room on the right for the value labels, more where one also names a limit off the axis.
        room = 1.4 if any(scale.off_scale(group, limit) for group, limit in enumerate(limits)) else 1.15
        plot.setXRange(0.0, max(drawn, default=1.0) * room or 1.0, padding=0.0)

    def _update_labels(self, labels: list[tuple[float, float, str]]) -> None:
        plot = self.getPlotItem()
        while len(self._labels) < len(labels):
            item = pg.TextItem(color="#333333", anchor=(-0.05, 0.5))
            item.setFont(self._label_font)
            plot.addItem(item)
            self._labels.append(item)
        for item, (x, y, text) in zip(self._labels, labels):
            item.setText(text)
            item.setPos(x, y)
            item.setVisible(True)
        for item in self._labels[len(labels):]:
            item.setVisible(False)

    def _on_units_unit_changed(self, _unit: str) -> None:
        if self._evaluation is not None:
            self.set_evaluation(self._evaluation)


def breakdown_legend_label() -> QLabel:
    """The legend of :class:`CapacityBreakdownWidget`, as one line above it."""
    parts = [f"<span style='color:{colour}; font-weight:700'>■</span>&nbsp;{label}" for _, label, colour in SERIES]
    parts.append("<span style='color:#37474f; font-weight:700'>┆</span>&nbsp;alphabet limit (the most the answers can carry)")
    label = QLabel("&nbsp;&nbsp;&nbsp;".join(parts))
    label.setWordWrap(True)
    return label
