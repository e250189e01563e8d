"""The X–Y plot for a range of values: one design value swept, the outputs plotted and tabulated.

The panel of G*Power's "X–Y plot for a range of values": choose what varies
(raters, time, items, log₂ M, model bits, k of a question, λ, ρ, budget) and
over which range, which outputs to draw (floor, achievable risk, ceiling,
items needed, cost), and which saved scenarios to overlay on the open design.
The sweeps (:func:`advisor.planning.xy_plot.run_sweeps`) run off the GUI thread with
progress and Cancel. Risks, items and money each get their own plot, linked in x; a
crosshair and a readout follow the mouse; a table lists every point. The
curve data export as CSV, the plots as PNG and SVG. Clicking a point sets that
value in the open design as one undoable edit.

The analyses G*Power names (a priori, sensitivity, post hoc, compromise) are
one click each below the plot, computed for the open design.

Run ``python -m ui.panels.xy_plot`` to open the panel alone on a temporary database
seeded with the examples.
"""

from __future__ import annotations

import functools
import html
import math
import textwrap
from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter, SVGExporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt, Signal
from PySide6.QtGui import QDoubleValidator, QKeySequence, QShortcut, QStandardItem, QStandardItemModel, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from advisor.errors import AdvisorError
from advisor.files.output_paths import write_output_atomically
from advisor.scenario.schema import Scenario
from advisor.scenario.state import ScenarioState
from advisor.evaluation.evaluate import VERDICT_WORDS
from advisor.units import amount_text, counted
from advisor.storage.store import ScenarioStore
from advisor.planning.xy_plot import (
    DEFAULT_POINTS,
    SweepOutcome,
    SweepRequest,
    analysis_message,
    default_range,
    run_sweeps,
)
from advisor.planning.sweep import (
    ANALYSIS_TITLES,
    MAX_POINTS,
    RISK_OUTPUTS,
    X_VARIABLES,
    Y_LABELS,
    Y_VARIABLES,
    SweepResult,
    changes_at,
    stretches,
    sweep_grid,
    sweep_scenarios,
    sweep_variable,
    sweeps_to_csv,
)
from ui.core.desktop import documents_folder
from ui.core.file_dialogs import save_file_name
from ui.core.bindings import connect_to_widget
from ui.widgets.plots import TARGET_COLOUR, log_ticks, series_colour, style_plot
from ui.widgets.focus import tab_through
from ui.widgets.job_progress import show_job_idle
from ui.widgets.scrolling import vertical_scroll_area
from ui.widgets.splitters import two_pane_splitter
from ui.core.undo import ScenarioEditCommand
from ui.core.workers import LatestJobRunner, WorkerHandle

LIST_LIMIT = 10_000
PICK_RADIUS_PX = 14
"""A click within this many pixels (in x) of a point of the open design's curve picks it."""
EXPORT_WIDTH_PX = 1600
"""Width of an exported image, px."""
EXPORT_PLOT_HEIGHT_PX = 420
"""Height of each plot in an exported image, px (the title and the key come on top of it)."""
EXPORT_TITLE_HEIGHT_PX = 40
"""Room of an exported image's title, px."""
X_TIPS = {
    "raters": "Raters per item r: whole numbers from 1 to 100.",
    "seconds": "Time per rater per item T, in seconds (above 0, at most 86 400).",
    "items": "Labelled items m: whole numbers from 1 to 10¹².",
    "log2_m": "Target complexity log₂ M, in bits (above 0, at most 10 000).",
    "model_bits": "Complexity of the value model log₂ M_g, in bits: sets the items it needs.",
    "k": "Number of alternatives k of the question chosen beside (its format's range).",
    "lambda": "Rater discriminability λ: the d′ reached with unlimited time (above 0, at most 20).",
    "rho": "Herding ρ: the share of items whose raters copy one answer (0 to below 1).",
    "budget": "Money: each budget buys ⌊budget / cost per item⌋ items at this design (raters and time held).",
}
Y_STYLES = {
    "floor": (2.4, Qt.PenStyle.SolidLine),
    "achievable": (2.0, Qt.PenStyle.DashLine),
    "ceiling": (1.6, Qt.PenStyle.DashDotLine),
    "items_needed": (2.2, Qt.PenStyle.SolidLine),
    "items_needed_at_least": (1.2, Qt.PenStyle.DotLine),
    "items_needed_at_most": (1.2, Qt.PenStyle.DashLine),
    "cost": (2.2, Qt.PenStyle.SolidLine),
}
"""Pen width and style of each output; the colour says the scenario."""
PLOT_GROUPS = (("risk", "risk", RISK_OUTPUTS),
               ("items", "items", ("items_needed", "items_needed_at_least", "items_needed_at_most")),
               ("cost", "cost", ("cost",)))
"""The plots: risks in [0, 1], item counts, money. Each is shown when one of its outputs is chosen."""
PLOT_GROUPS_OF = {group: columns for group, _, columns in PLOT_GROUPS}
LEGEND_CHARS = 40
"""Scenario names in the key are shortened to this (the table and the readout have them whole)."""
PLOT_PANE_SHARE = 0.6
"""Share of the panel's height the plots take at least (the table the rest), as when it opens."""
PLOT_HEIGHT_PX = 170
"""Least height of each shown plot, px: the risk axis keeps labelled ticks at every 0.1 or 0.2.
Plots that do not fit the pane scroll (the wheel scrolls them, Ctrl + wheel zooms:
:func:`ui.widgets.plots.wheel_scrolls_the_page`); squeezed to fit, three plots in the panel at
1280 × 800 had 41 px of data each and the risk axis one or two labelled ticks."""
X_LABEL_HEIGHT_PX = 24
"""Room the x axis's label takes under the lowest plot, px."""
TABLE_MIN_HEIGHT_PX = 130
"""Least height the table keeps when the plots ask for the room, px: its header and three rows."""
TABLE_NAME_CHARS = 26
"""Scenario names in the table are shortened to this (the tooltip and the CSV have them whole)."""
MARKER_POINTS_MAX = 40
"""Curves of at most this many points mark each point with a dot; denser ones are lines alone (at
500 points the dots merged into bands that hid which line is solid and which dashed)."""
END_NAMES = ("from", "to")
"""What the range's fields are labelled, and so what their messages call them."""
TARGET_RANGE_TEXT = "above 0 and below 1"
"""The target risks a scenario accepts (its schema's range of ε)."""
NUMBER_KEYS_TEXT = "digits, a decimal point, a minus sign, an exponent as in 1e3"
"""What a number field takes, said when it refuses a key."""
NOT_RUN_PLOT_TEXT = "Choose x, its range and the outputs above, then Run sweep: the outputs are plotted here against x."
"""What the plots' pane says before a sweep (it was an empty white rectangle)."""
STALE_COLOUR = "#8d4a00"
"""Colour of the note over a sweep the fields no longer describe."""
STYLE_GLYPHS = {Qt.PenStyle.SolidLine: "━━", Qt.PenStyle.DashLine: "╌╌", Qt.PenStyle.DashDotLine: "━·",
                Qt.PenStyle.DotLine: "┈┈"}


def style_key(columns: Sequence[str]) -> str:
    """Which line style is which output, in words (the colours say the scenario)."""
    return "&nbsp;&nbsp;&nbsp;".join(
        f"<b>{STYLE_GLYPHS[Y_STYLES[c][1]]}</b>&nbsp;{Y_LABELS[c]}" for c in columns)


def cell_text(column: str, value: Any) -> str:
    """How the table shows one value (the CSV keeps full precision)."""
    if value is None:
        return "—"
    if column == "verdict":
        # The words of the cards and the comparison ("not ruled out, not guaranteed"), not the key.
        return VERDICT_WORDS.get(value, value)
    if isinstance(value, str):
        return value
    if column in RISK_OUTPUTS:
        return f"{value:.4f}"
    if column.startswith("items") or isinstance(value, int):
        return f"{int(value):,}"
    if column == "cost":
        return amount_text(value)
    return f"{value:.6g}"


def curve_item(index: int, column: str) -> pg.PlotDataItem:
    """An empty curve of the ``index``-th sweep's ``column``: its colour says the scenario, its pen the output."""
    colour = series_colour(index)
    width, style = Y_STYLES[column]
    return pg.PlotDataItem(pen=pg.mkPen(colour, width=width, style=style), symbol="o", symbolSize=5,
                           symbolBrush=pg.mkBrush(colour), symbolPen=None)


def show_curve(item: pg.PlotDataItem, result: SweepResult, column: str) -> None:
    """Give ``item`` the points of ``result``'s ``column`` (those with a value), dotted only when sparse."""
    item.setSymbol("o" if len(result.xs) <= MARKER_POINTS_MAX else None)
    pairs = [(float(x), float(v)) for x, v in zip(result.xs, result.column(column)) if v is not None]
    item.setData([p[0] for p in pairs], [p[1] for p in pairs])
    item.setVisible(True)


ANALYSIS_STALE_TEXT = "For the design before the last edit (Compute again for this one):"
"""Above an analysis whose design has changed since it was computed."""


def stretches_text(result: SweepResult, column: str, level: float) -> str:
    """Where the curve ``column`` of ``result`` lies against ``level``, in words: "≤ ε over the whole
    range", or each run of points on one side, e.g. "≤ ε up to 1, > ε from 1.05 (crossed between 1 and
    1.05; Solve for finds it)". Either direction and any number of crossings read true: the text
    once assumed the risk falls along x and wrote "> ε from 1" where a rising risk last met ε.

    A crossing between non-whole grid values is given as the interval of the grid values on either
    side of it: a straight line between them read 87.3 s for a floor that meets at 74.9 s on a curve
    that bends; Solve for finds the value itself."""
    runs = stretches(result, column, level)
    if not runs:
        return ""

    def x_text(index: int) -> str:
        return cell_text(result.x, result.xs[index])

    texts = []
    for number, run in enumerate(runs):
        side = "≤ ε" if run.meets else "> ε"
        if len(runs) == 1:
            texts.append(f"{side} over the whole range")
            continue
        if number == 0:
            where = f"up to {x_text(run.last)}"
        elif number == len(runs) - 1:
            where = f"from {x_text(run.first)}"
        elif run.first == run.last:
            where = f"at {x_text(run.first)}"
        else:
            where = f"from {x_text(run.first)} to {x_text(run.last)}"
        previous = runs[number - 1] if number else None
        bracket = ("" if previous is None or result.integer
                   else f" (crossed between {x_text(previous.last)} and {x_text(run.first)}; Solve for finds it)")
        texts.append(f"{side} {where}{bracket}")
    return ", ".join(texts)


class XYPlotWidget(QWidget):
    """The X–Y plot panel (module docstring).

    Parameters
    ----------
    state
        The open design (its scenario is swept, and a clicked point is set in it).
    undo_stack
        Where a clicked point's edit goes (the editor's stack: Ctrl+Z undoes it).
    store
        The saved scenarios to overlay.
    parent
        Parent widget.

    Signals
    -------
    sweep_finished(object)
        Once a sweep's job is over: its :class:`SweepOutcome` (shown), or None when it failed.
    """

    sweep_finished = Signal(object)

    def __init__(self, state: ScenarioState, undo_stack: QUndoStack, store: ScenarioStore,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self._state = state
        self._undo_stack = undo_stack
        self._store = store
        # One sweep and one analysis at a time: Run and the analysis button are disabled while theirs runs.
        self._sweep_runner = LatestJobRunner(run_sweeps, self)
        self._sweep_runner.result_ready.connect(self._on_sweep_runner_result_ready)
        self._sweep_runner.failed.connect(self._on_sweep_runner_failed)
        self._sweep_runner.progress_changed.connect(self._on_sweep_runner_progress_changed)
        self._sweep_runner.busy.connect(self._on_sweep_runner_busy)
        self._analysis_runner = LatestJobRunner(analysis_message, self)
        self._analysis_runner.result_ready.connect(self._on_analysis_runner_result_ready)
        self._analysis_runner.failed.connect(self._on_analysis_runner_failed)
        self._analysis_runner.busy.connect(self._on_analysis_runner_busy)
        self._results: list[tuple[str, SweepResult]] = []
        # The design the analysis shown was computed for, and its text (marked when the design moves on).
        self._analysis_for: Scenario | None = None
        self._analysis_message = ""
        self._log_x = False
        # The fields a shown sweep was run with, and each scenario's own target by label; those of the
        # sweep running until it is shown.
        self._shown_settings: tuple | None = None
        self._own_targets: dict[str, float] = {}
        self._pending: tuple[tuple | None, dict[str, float]] = (None, {})
        self._items: dict[tuple[int, str], pg.PlotDataItem] = {}
        self._build()
        self._on_x_changed()
        self.refresh()
        connect_to_widget(state.changed, self._on_state_changed, self)

    # ------------------------------------------------------------ public API
    @property
    def results(self) -> list[tuple[str, SweepResult]]:
        """The sweeps shown, (label, result), the open design first."""
        return list(self._results)

    @property
    def table(self) -> QTableView:
        return self._table

    @property
    def layout_widget(self) -> pg.GraphicsLayoutWidget:
        return self._layout

    def plot(self, group: str) -> pg.PlotItem:
        """The plot of ``"risk"``, ``"items"`` or ``"cost"``."""
        return self._plots[group]

    def inputs(self) -> list[QWidget]:
        """Every control of the panel, in tab order."""
        return [self._x_combo, self._question_combo, self._start_edit, self._stop_edit, self._points_spin,
                self._log_check, *self._y_checks.values(), self._target_edit, self._overlay_list, self._run_button,
                self._cancel_button, self._csv_button, self._png_button, self._svg_button, self._analysis_combo,
                self._analysis_button]

    def curve_count(self, column: str = "floor") -> int:
        """How many scenarios have a visible curve of ``column``."""
        return sum(1 for (_, name), item in self._items.items() if name == column and item.isVisible())

    def curve(self, index: int, column: str) -> pg.PlotDataItem:
        """The curve of the ``index``-th sweep's ``column``."""
        return self._items[(index, column)]

    def refresh(self) -> None:
        """Reload the list of saved scenarios (keeping what is checked)."""
        checked = set(self.checked_ids())
        self._overlay_list.clear()
        try:
            summaries = self._store.list(order_by="name", descending=False, limit=LIST_LIMIT)
        except AdvisorError as error:
            self._message.setText(f"Cannot list the saved scenarios: {error}")
            return
        for summary in summaries:
            item = QListWidgetItem(summary.name)
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if summary.id in checked else Qt.CheckState.Unchecked)
            item.setToolTip(f"Overlay “{summary.name}” (its stored revision) on the open design")
            self._overlay_list.addItem(item)

    def checked_ids(self) -> list[int]:
        """Stored ids of the scenarios checked for overlay."""
        return [self._overlay_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self._overlay_list.count())
                if self._overlay_list.item(i).checkState() == Qt.CheckState.Checked]

    def set_checked(self, stored_ids: Sequence[int]) -> None:
        """Check exactly these saved scenarios for overlay."""
        wanted = set(stored_ids)
        for i in range(self._overlay_list.count()):
            item = self._overlay_list.item(i)
            item.setCheckState(Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted
                               else Qt.CheckState.Unchecked)

    def request(self) -> SweepRequest:
        """The sweep the fields describe (validated: raises AdvisorError with the field's message).

        Every scenario is swept at the panel's target ε, so that the verdicts, the side text and the
        target line are all about one target (an overlay's own target is named in the side text)."""
        return self._request_and_own_targets()[0]

    def _request_and_own_targets(self) -> tuple[SweepRequest, dict[str, float]]:
        """The request, and each scenario's own target risk by label."""
        x = self._x_combo.currentData()
        question = self._question_combo.currentIndex() if x == "k" else None
        start, stop = self._number(self._start_edit, END_NAMES[0]), self._number(self._stop_edit, END_NAMES[1])
        target = self._target_value()
        y = tuple(name for name, box in self._y_checks.items() if box.isChecked())
        log = self._log_check.isChecked()
        points = self._points_spin.value()
        design = self._state.scenario
        # The grid and its ends are checked here, on the GUI thread, so a bad range is refused at
        # once and in the fields' words (a budget that buys no item was refused by the worker as "start").
        grid = sweep_grid(x, start, stop, points=points, log=log, variable=sweep_variable(design, x, question),
                          end_names=END_NAMES)
        sweep_scenarios(design, x, (grid[0], grid[-1]), question_index=question, end_names=END_NAMES)
        if not y:
            raise AdvisorError("choose at least one output to plot")
        scenarios = [(f"{design.name} (open design)", design)]
        for stored_id in self.checked_ids():
            stored = self._store.get(stored_id)
            scenarios.append((stored.name, stored.scenario))
        own = {label: scenario.target.target_risk for label, scenario in scenarios}
        at_target = tuple((label, scenario.with_changes({"target.target_risk": target})) for label, scenario in scenarios)
        return SweepRequest(x, start, stop, points, log, y, question, at_target), own

    def run(self) -> WorkerHandle | None:
        """Start the sweep the fields describe; returns the job (None when the fields are refused)."""
        if self._sweep_runner.is_busy:
            return self._sweep_runner.running_job
        try:
            request, own_targets = self._request_and_own_targets()
        except (AdvisorError, ValueError) as error:
            self._refuse(str(error))
            return None
        self._pending = (self._settings(), own_targets)
        self._message.setStyleSheet("color: #37474f;")
        self._message.setText(f"Sweeping {counted(len(request.scenarios), 'scenario')} over "
                              f"{counted(request.points, 'point')}…")
        total = len(request.scenarios) * request.points
        self._progress.setRange(0, total)
        self._progress.setValue(0)
        self._fit_progress_text(total)
        self._progress.show()
        self._run_button.setEnabled(False)
        self._cancel_button.setEnabled(True)
        self._sweep_runner.submit_now(request)
        return self._sweep_runner.running_job

    def _fit_progress_text(self, total: int) -> None:
        """Widen the progress bar to its longest text, "1500 / 1500 points" (at its ~94 px the text
        wrapped onto two cut lines)."""
        longest = self._progress.format().replace("%v", str(total)).replace("%m", str(total))
        metrics = self._progress.fontMetrics()
        # The style draws the text with a margin on either side: two average characters cover it.
        self._progress.setMinimumWidth(metrics.horizontalAdvance(longest) + 4 * metrics.averageCharWidth())

    def cancel(self) -> None:
        """Stop the running sweep after its current point (the points done are shown)."""
        self._sweep_runner.cancel()

    def pick(self, x_value: float | int) -> bool:
        """Set ``x_value`` of the swept variable in the open design, as one undoable edit.

        Returns True when the design changed.
        """
        if not self._results:
            return False
        result = self._results[0][1]
        before = self._state.scenario
        try:
            after = before.with_changes(changes_at(before, result, x_value))
        except AdvisorError as error:
            self._message.setText(str(error))
            return False
        if after == before:
            return False
        self._undo_stack.push(ScenarioEditCommand(self._state, before, after,
                                                  f"Set {result.x_label} to {cell_text(result.x, x_value)} (X–Y plot)"))
        self._message.setText(f"Set {result.x_label} to {cell_text(result.x, x_value)} in the open design "
                              "(Ctrl+Z undoes it)")
        return True

    def readout(self, index: int) -> str:
        """The hover text at grid index ``index``: x and every output of every sweep."""
        if not self._results:
            return ""
        first = self._results[0][1]
        x_value = first.xs[index]
        lines = [f"{first.x_label} = {cell_text(first.x, x_value)}"]
        for label, result in self._results:
            i = result.nearest_index(float(x_value))
            values = ", ".join(f"{Y_LABELS[c].split(' (')[0]} {cell_text(c, result.column(c)[i])}"
                               for c in result.columns if not c.startswith("items_needed_"))
            lines.append(f"{label}: {values}; {cell_text('verdict', result.verdicts[i])}")
        return "\n".join(lines)

    def export_csv(self, path: str) -> None:
        """Write the curve data (every row of the table) as CSV."""
        self._write(path, sweeps_to_csv([result for _, result in self._results]))

    def export_title(self) -> str:
        """The title of an exported image: what is plotted over what, at which target."""
        first = self._results[0][1]
        outputs = ", ".join(Y_LABELS[c] for c in first.columns if not c.startswith("items_needed_"))
        return f"{outputs} over {first.x_label}, target ε = {first.target_risk:g}"

    def _export_figure(self) -> pg.GraphicsLayoutWidget:
        """The plots as they are exported: a title above, the plots at :data:`EXPORT_PLOT_HEIGHT_PX`
        each, and a key below naming each line (scenario by colour, output by pen). The panel's own
        plots have no key in them (the text under them says it), so an image of them alone had six
        coloured lines and nothing to tell them apart."""
        first = self._results[0][1]
        figure = pg.GraphicsLayoutWidget()
        figure.setBackground("w")
        figure.ci.addLabel(html.escape(self.export_title()), row=0, col=0, size="13pt", color="#222222")
        shown = [(group, y_label, columns) for group, y_label, columns in PLOT_GROUPS
                 if any(c in first.columns for c in columns)]
        legend = pg.LegendItem(colCount=2, labelTextColor="#222222", labelTextSize="10pt")
        for row, (group, y_label, columns) in enumerate(shown, start=1):
            plot = figure.ci.addPlot(row=row, col=0)
            style_plot(plot, title="", x_label=first.x_label if row == len(shown) else "", y_label=y_label)
            plot.setLogMode(x=self._log_x, y=False)
            plot.getAxis("bottom").setTicks([log_ticks(min(first.xs), max(first.xs)), []] if self._log_x else None)
            plot.setMinimumHeight(EXPORT_PLOT_HEIGHT_PX)
            for index, (label, result) in enumerate(self._results):
                for column in (c for c in result.columns if c in columns):
                    item = curve_item(index, column)
                    show_curve(item, result, column)
                    plot.addItem(item)
                    legend.addItem(item, html.escape(f"{textwrap.shorten(label, LEGEND_CHARS, placeholder='…')}"
                                                     f" — {Y_LABELS[column]}"))
            if group == "risk":
                plot.addItem(pg.InfiniteLine(first.target_risk, angle=0, pen=self._targets["risk"].pen,
                                             label=f"target ε = {first.target_risk:g}",
                                             labelOpts={"position": 0.05, "color": TARGET_COLOUR,
                                                        "anchors": [(0, 0), (0, 1)]}))
        figure.ci.addItem(legend, row=len(shown) + 1, col=0)
        height = (EXPORT_TITLE_HEIGHT_PX + EXPORT_PLOT_HEIGHT_PX * len(shown)
                  + math.ceil(legend.sizeHint(Qt.SizeHint.PreferredSize).height()) + X_LABEL_HEIGHT_PX)
        figure.resize(EXPORT_WIDTH_PX, height)
        # Hidden, the view gets no resize event: its layout is given the size itself.
        figure.ci.setGeometry(0, 0, EXPORT_WIDTH_PX, height)
        figure.ci.layout.activate()
        for item in figure.ci.items:
            if isinstance(item, pg.PlotItem):
                item.getViewBox().autoRange(padding=0.04)
        return figure

    def export_png(self, path: str) -> None:
        """Write the plots, with a title and a key, as a PNG image :data:`EXPORT_WIDTH_PX` wide."""
        figure = self._export_figure()
        exporter = ImageExporter(figure.ci)
        exporter.parameters()["width"] = EXPORT_WIDTH_PX
        image = exporter.export(toBytes=True)
        figure.deleteLater()
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        image.save(buffer, "PNG")
        buffer.close()
        self._write(path, bytes(data.data()))

    def export_svg(self, path: str) -> None:
        """Write the plots, with a title and a key, as an SVG drawing."""
        figure = self._export_figure()
        data = SVGExporter(figure.ci).export(toBytes=True)
        figure.deleteLater()
        self._write(path, data)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # Scenarios saved elsewhere in the window since the last look appear in the overlay list.
        super().showEvent(event)
        self.refresh()

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        controls = QGridLayout()
        controls.setHorizontalSpacing(8)
        self._x_combo = QComboBox()
        for key, variable in X_VARIABLES.items():
            self._x_combo.addItem(variable.label, key)
            self._x_combo.setItemData(self._x_combo.count() - 1, X_TIPS[key], Qt.ItemDataRole.ToolTipRole)
        self._x_combo.setToolTip("What varies along the x axis; everything else is held at the open design's value")
        self._x_combo.currentIndexChanged.connect(self._on_x_changed)
        self._x_combo.currentIndexChanged.connect(self._update_staleness)
        self._question_combo = QComboBox()
        self._question_combo.setToolTip("The question whose number of alternatives k varies (x = k only)")
        self._question_combo.currentIndexChanged.connect(self._on_question_changed)
        self._question_combo.currentIndexChanged.connect(self._update_staleness)
        self._start_edit = QLineEdit()
        self._stop_edit = QLineEdit()
        for edit, end in ((self._start_edit, "first"), (self._stop_edit, "last")):
            edit.setValidator(QDoubleValidator(-1e15, 1e15, 6, edit))
            edit.setToolTip(f"The {end} value of x (in x's unit; both ends are swept)")
            edit.setMaximumWidth(110)
            edit.returnPressed.connect(self.run)
            edit.textChanged.connect(self._update_staleness)
        self._points_spin = QSpinBox()
        self._points_spin.setRange(2, MAX_POINTS)
        self._points_spin.setValue(DEFAULT_POINTS)
        self._points_spin.valueChanged.connect(self._update_staleness)
        self._points_spin.setToolTip(f"How many values of x, evenly spaced (2 to {MAX_POINTS}); whole-number "
                                     "variables may get fewer when neighbours round to one value")
        self._log_check = QCheckBox("log spacing")
        self._log_check.setToolTip("Space the values geometrically and draw x on a log axis (needs from > 0)")
        self._log_check.toggled.connect(self._update_staleness)
        self._target_edit = QLineEdit()
        # Any number is let in and a value out of range refused with a message: a validator with
        # the range took "5" silently and left the line where it was.
        self._target_edit.setValidator(QDoubleValidator(-1e15, 1e15, 6, self._target_edit))
        self._target_edit.setToolTip(f"Target risk ε ({TARGET_RANGE_TEXT}) every scenario is judged against: the "
                                     "verdicts, the line and the text below use it (default: the open design's "
                                     "target; an overlay's own target is named beside it)")
        self._target_edit.setMaximumWidth(90)
        self._target_edit.editingFinished.connect(self._on_target_edited)
        self._target_edit.textChanged.connect(self._update_staleness)
        for edit, name in ((self._start_edit, END_NAMES[0]), (self._stop_edit, END_NAMES[1]),
                           (self._target_edit, "target ε")):
            edit.inputRejected.connect(functools.partial(self._on_input_rejected, name))
        self._y_checks: dict[str, QCheckBox] = {}
        y_row = QHBoxLayout()
        for name in Y_VARIABLES:
            box = QCheckBox(Y_LABELS[name].split(" (")[0])
            box.setToolTip(f"Plot {Y_LABELS[name]}" + (" with the Fano and Gallager bounds beside it"
                                                         if name == "items_needed" else ""))
            box.setChecked(name in ("floor", "achievable"))
            box.toggled.connect(self._update_staleness)
            y_row.addWidget(box)
            self._y_checks[name] = box
        y_row.addStretch(1)
        x_row = QHBoxLayout()
        range_row = QHBoxLayout()
        for layout, pairs in ((x_row, (("x", self._x_combo), ("question", self._question_combo))),
                              (range_row, (("from", self._start_edit), ("to", self._stop_edit),
                                           ("points", self._points_spin), ("", self._log_check),
                                           ("target ε", self._target_edit)))):
            for text, widget in pairs:
                if text:
                    label = QLabel(text)
                    label.setBuddy(widget)
                    layout.addWidget(label)
                    layout.addSpacing(2)
                layout.addWidget(widget, 1 if isinstance(widget, QComboBox) else 0)
                layout.addSpacing(6)
            layout.addStretch(0 if layout is x_row else 1)
        y_row.insertSpacing(0, 4)
        y_row.insertWidget(0, QLabel("y"))
        for row, layout in enumerate((x_row, range_row, y_row)):
            controls.addLayout(layout, row, 0)

        self._run_button = QPushButton("Run sweep")
        self._run_button.setToolTip("Evaluate the open design and the checked scenarios at every x (Ctrl+Return)")
        self._run_button.clicked.connect(self.run)
        self._cancel_button = QPushButton("Cancel")
        self._cancel_button.setToolTip("Stop the sweep after the current point; the points done are shown")
        self._cancel_button.setEnabled(False)
        self._cancel_button.clicked.connect(self.cancel)
        self._progress = QProgressBar()
        self._progress.setTextVisible(True)
        self._progress.setFormat("%v / %m points")
        self._progress.hide()
        self._csv_button = QPushButton("Export CSV…")
        self._csv_button.setToolTip("Write the table's rows (full precision) to a CSV file")
        self._png_button = QPushButton("Export PNG…")
        self._png_button.setToolTip("Write the plots as a PNG image")
        self._svg_button = QPushButton("Export SVG…")
        self._svg_button.setToolTip("Write the plots as an SVG drawing")
        for button, kind in ((self._csv_button, "csv"), (self._png_button, "png"), (self._svg_button, "svg")):
            button.clicked.connect(functools.partial(self._on_export_clicked, kind))
            button.setEnabled(False)
        buttons = QHBoxLayout()
        for widget in (self._run_button, self._cancel_button, self._progress):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        for widget in (self._csv_button, self._png_button, self._svg_button):
            buttons.addWidget(widget)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.run)

        self._overlay_list = QListWidget()
        self._overlay_list.setToolTip("Saved scenarios to overlay (one colour each); Space checks the current one")
        self._overlay_list.setMaximumHeight(120)
        self._overlay_list.itemChanged.connect(self._update_staleness)
        self._overlay_list.setMinimumWidth(300)
        overlay_box = QGroupBox("Overlay saved scenarios")
        QVBoxLayout(overlay_box).addWidget(self._overlay_list)

        top = QHBoxLayout()
        top.addLayout(controls, 3)
        top.addWidget(overlay_box, 2)

        self._layout = pg.GraphicsLayoutWidget()
        self._layout.setBackground("w")
        self._layout.setMinimumHeight(PLOT_HEIGHT_PX + X_LABEL_HEIGHT_PX)
        self._plots: dict[str, pg.PlotItem] = {}
        self._targets: dict[str, pg.InfiniteLine] = {}
        self._cursor_lines: dict[str, pg.InfiniteLine] = {}
        for group, y_label, _ in PLOT_GROUPS:
            plot = pg.PlotItem()
            style_plot(plot, title="", x_label="", y_label=y_label)
            plot.setMouseEnabled(x=True, y=True)
            # No in-plot legend: in short plots it covers the curves; the key below says it all.
            plot.hideButtons()
            line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#90a4ae", width=1))
            line.hide()
            plot.addItem(line, ignoreBounds=True)
            self._cursor_lines[group] = line
            self._plots[group] = plot
        target = pg.InfiniteLine(angle=0, movable=False,
                                 pen=pg.mkPen(TARGET_COLOUR, width=1.5, style=Qt.PenStyle.DashLine),
                                 label="target ε", labelOpts={"position": 0.05, "color": TARGET_COLOUR,
                                                              # Above the line, below it in the view's
                                                              # upper half (it was cut off at the top).
                                                              "anchors": [(0, 0), (0, 1)]})
        self._plots["risk"].addItem(target)
        self._targets["risk"] = target
        self._cursor_level = pg.InfiniteLine(angle=0, movable=False, pen=pg.mkPen("#b0bec5", width=1))
        self._cursor_level.hide()
        self._layout.scene().sigMouseMoved.connect(self._on_scene_mouse_moved)
        self._layout.scene().sigMouseClicked.connect(self._on_scene_mouse_clicked)
        self._readout = QLabel("")
        self._readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._readout.setWordWrap(True)
        self._readout.setStyleSheet("color: #263238;")
        self._style_key = QLabel("")
        self._style_key.setStyleSheet("color: #333333;")
        self._style_key.setWordWrap(True)
        self._crossings = QLabel("")
        self._crossings.setWordWrap(True)
        self._crossings.setStyleSheet("color: #1b5e20;")

        self._model = QStandardItemModel(0, 0, self)
        self._table = QTableView()
        self._table.setModel(self._model)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setAlternatingRowColors(True)
        self._table.verticalHeader().hide()
        self._table.verticalHeader().setDefaultSectionSize(self._table.fontMetrics().height() + 8)
        self._table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._table.setToolTip("Every point of every sweep; double-click a row of the open design to set its x")
        self._table.doubleClicked.connect(self._on_table_double_clicked)

        self._analysis_combo = QComboBox()
        for name, title in ANALYSIS_TITLES.items():
            self._analysis_combo.addItem(title, name)
        self._analysis_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._analysis_combo.setMinimumContentsLength(18)
        self._analysis_combo.setToolTip("The analyses as G*Power names them, for the open design")
        self._analysis_button = QPushButton("Compute")
        self._analysis_button.setToolTip("Run the chosen analysis on the open design (in the background)")
        self._analysis_button.clicked.connect(self._on_analysis_clicked)
        self._analysis_text = QLabel("")
        self._analysis_text.setWordWrap(True)
        self._analysis_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        analysis_row = QHBoxLayout()
        analysis_row.addWidget(QLabel("Analysis"))
        analysis_row.addWidget(self._analysis_combo, 1)
        analysis_row.addWidget(self._analysis_button)

        self._message = QLabel("Choose x and its range, then Run sweep (Ctrl+Return).")
        self._message.setWordWrap(True)
        self._stale_note = QLabel("")
        self._stale_note.setWordWrap(True)
        self._stale_note.setStyleSheet(f"color: {STALE_COLOUR}; font-weight: 600;")
        self._stale_note.hide()

        plot_side = QWidget()
        plot_layout = QVBoxLayout(plot_side)
        plot_layout.setContentsMargins(0, 0, 0, 0)
        self._plots_scroll = vertical_scroll_area(self._layout)
        plot_layout.addWidget(self._plots_scroll, 1)
        plot_layout.addWidget(self._style_key)
        # Below the plot: the table on the left; the hover readout, the crossings and the
        # analyses on the right, where long scenario names have room.
        notes = QWidget()
        notes_layout = QVBoxLayout(notes)
        notes_layout.setContentsMargins(0, 0, 0, 0)
        notes_layout.addWidget(self._readout)
        notes_layout.addWidget(self._crossings)
        notes_layout.addStretch(1)
        notes_scroll = vertical_scroll_area(notes)
        notes_scroll.setMinimumWidth(280)
        notes_side = QWidget()
        notes_side_layout = QVBoxLayout(notes_side)
        notes_side_layout.setContentsMargins(0, 0, 0, 0)
        notes_side_layout.addWidget(notes_scroll, 1)
        notes_side_layout.addLayout(analysis_row)
        notes_side_layout.addWidget(self._analysis_text)
        # The table first: its five columns (the verdict's words the widest) were cut at 560 px of a
        # 1,240-px panel; the notes wrap, and keep at least their least width.
        below = two_pane_splitter(Qt.Orientation.Horizontal, self._table, notes_side, stretch=(2, 1), sizes=(770, 390))
        splitter = two_pane_splitter(Qt.Orientation.Vertical, plot_side, below, stretch=(3, 2), sizes=(360, 240))
        self._splitter = splitter

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self._message)
        layout.addWidget(self._stale_note)
        layout.addWidget(splitter, 1)
        tab_through(self.inputs())
        self._show_plot_message()
        self._update_questions()
        self._design_target = self._state.scenario.target.target_risk
        self._target_edit.setText(f"{self._design_target:g}")

    # ------------------------------------------------------------ refreshing
    def _show_plot_message(self) -> None:
        """:data:`NOT_RUN_PLOT_TEXT` in the middle of the plots' pane (cleared with the pane by a result)."""
        self._layout.addLabel(NOT_RUN_PLOT_TEXT, row=0, col=0, color="#666666", size="10.5pt")

    @property
    def plot_message(self) -> str:
        """What the plots' pane says in place of plots: :data:`NOT_RUN_PLOT_TEXT` before a sweep, else empty."""
        item = self._layout.ci.getItem(0, 0)
        return item.text if isinstance(item, pg.LabelItem) else ""

    def _update_questions(self) -> None:
        scenario = self._state.scenario
        index = max(0, self._question_combo.currentIndex())
        self._question_combo.blockSignals(True)
        self._question_combo.clear()
        for question in scenario.questions:
            self._question_combo.addItem(f"{question.name} ({question.format.label()})")
        self._question_combo.setCurrentIndex(min(index, len(scenario.questions) - 1))
        self._question_combo.blockSignals(False)
        self._question_combo.setEnabled(self._x_combo.currentData() == "k")

    def _target_value(self) -> float:
        """The typed target risk ε, in (0, 1); AdvisorError naming the field and its range otherwise."""
        value = self._number(self._target_edit, "target ε")
        if not 0 < value < 1:
            raise AdvisorError(f"target ε must be {TARGET_RANGE_TEXT}, got {value:g}")
        return float(value)

    def _show_target_line(self, level: float) -> None:
        self._targets["risk"].setPos(level)
        self._targets["risk"].label.setFormat(f"target ε = {level:g}")

    def _settings(self) -> tuple:
        """The fields as typed: a sweep shown is of the settings it was run with."""
        return (self._x_combo.currentData(), self._question_combo.currentIndex(), self._start_edit.text().strip(),
                self._stop_edit.text().strip(), self._points_spin.value(), self._log_check.isChecked(),
                tuple(name for name, box in self._y_checks.items() if box.isChecked()),
                self._target_edit.text().strip(), tuple(self.checked_ids()))

    def _update_staleness(self, *_args: Any) -> None:
        """Mark the sweep shown as the previous one while the fields ask for another, and keep it
        from being exported as if it were theirs (after a refused Run the old plot stayed, with
        Export enabled)."""
        stale = bool(self._results) and self._settings() != self._shown_settings
        for button in (self._csv_button, self._png_button, self._svg_button):
            button.setEnabled(bool(self._results) and not stale)
        self._stale_note.setVisible(stale)
        if stale:
            first = self._results[0][1]
            self._stale_note.setText(
                f"Shown: the previous sweep ({first.x_label} from {cell_text(first.x, first.xs[0])} to "
                f"{cell_text(first.x, first.xs[-1])}, {counted(len(first.xs), 'point')}, target ε = "
                f"{first.target_risk:g}). Run sweep for the settings above; export waits for it."
                if first.xs else "Shown: the previous sweep. Run sweep for the settings above; export waits for it.")

    def _fill_range(self) -> None:
        x = self._x_combo.currentData()
        question = self._question_combo.currentIndex() if x == "k" else None
        try:
            start, stop, points = default_range(self._state.scenario, x, question)
        except AdvisorError as error:
            self._message.setText(str(error))
            return
        self._start_edit.setText(f"{start:g}")
        self._stop_edit.setText(f"{stop:g}")
        self._points_spin.setValue(int(points))
        self._log_check.setChecked(X_VARIABLES[x].log_scale and start > 0)

    def _show(self, results: Sequence[tuple[str, SweepResult]]) -> None:
        self._results = list(results)
        for item in self._items.values():
            item.setVisible(False)
            item.setData([], [])
        self._layout.clear()
        if not self._results:
            self._show_plot_message()
            self._update_table()
            return
        first = self._results[0][1]
        log_x = bool(self._log_check.isChecked() and first.xs and min(first.xs) > 0)
        self._log_x = log_x
        shown = [group for group, _, columns in PLOT_GROUPS if any(c in first.columns for c in columns)]
        for row, group in enumerate(shown):
            plot = self._plots[group]
            self._layout.addItem(plot, row=row, col=0)
            plot.setLogMode(x=bool(log_x), y=False)
            plot.setLabel("bottom", first.x_label if row == len(shown) - 1 else "", color="#333333",
                          **{"font-size": "10pt"})
            plot.getAxis("bottom").setTicks([log_ticks(min(first.xs), max(first.xs)), []] if log_x else None)
            if row:
                plot.setXLink(self._plots[shown[0]])
        for index, (label, result) in enumerate(self._results):
            for column in result.columns:
                group = next(g for g, _, columns in PLOT_GROUPS if column in columns)
                key = (index, column)
                if key not in self._items:
                    self._items[key] = curve_item(index, column)
                item = self._items[key]
                plot = self._plots[group]
                if item.getViewBox() is not plot.getViewBox():
                    if item.getViewBox() is not None:
                        item.getViewBox().removeItem(item)
                    plot.addItem(item)
                show_curve(item, result, column)
        for group in shown:
            # The axes follow the data now (not at the next paint), and keep following it.
            self._plots[group].getViewBox().autoRange(padding=0.04)
            self._plots[group].enableAutoRange()
        swatches = "&nbsp;&nbsp;&nbsp;".join(
            f"<span style='color:{series_colour(i)}; font-weight:700'>■</span>&nbsp;"
            f"{html.escape(textwrap.shorten(label, LEGEND_CHARS, placeholder='…'))}"
            for i, (label, _) in enumerate(self._results))
        self._style_key.setText(f"{swatches}<br>{style_key(first.columns)}")
        self._show_target_line(first.target_risk)
        self._give_plots_room(len(shown))
        self._update_table()
        self._update_crossings()
        self._update_staleness()

    def _give_plots_room(self, plot_count: int) -> None:
        """Let each of ``plot_count`` plots keep :data:`PLOT_HEIGHT_PX`: the plots' pane takes what
        they need from the table, down to the table's least height, and scrolls for the rest."""
        grid = self._layout.ci.layout
        _, top, _, bottom = grid.getContentsMargins()
        plots_height = math.ceil(PLOT_HEIGHT_PX * plot_count + X_LABEL_HEIGHT_PX + top + bottom
                                 + grid.verticalSpacing() * (plot_count - 1))
        self._layout.setMinimumHeight(plots_height)
        plot_side = self._splitter.widget(0)
        wanted = (plots_height + plot_side.layout().spacing()
                  + self._style_key.heightForWidth(max(1, plot_side.width())))
        total = sum(self._splitter.sizes())
        # At least the plots' usual share: one plot was cut to its least height, above a table of
        # ten rows and 250 px of nothing.
        plot_pane = max(min(max(wanted, round(PLOT_PANE_SHARE * total)), total - TABLE_MIN_HEIGHT_PX), 1)
        self._splitter.setSizes([plot_pane, max(total - plot_pane, 1)])

    def _update_table(self) -> None:
        self._model.clear()
        if not self._results:
            return
        first = self._results[0][1]
        # Every scenario was swept at the panel's ε: the header says which target the verdicts are about.
        headers = ["scenario", first.x_label, *(Y_LABELS[c] for c in first.columns),
                   f"verdict at ε = {first.target_risk:g}"]
        keys = ["scenario", first.x, *first.columns, "verdict"]
        self._model.setHorizontalHeaderLabels(headers)
        for _, result in self._results:
            for row in result.rows():
                cells = []
                for key in keys:
                    value = row[key]
                    text = cell_text(key, value)
                    item = QStandardItem(textwrap.shorten(text, TABLE_NAME_CHARS, placeholder="…")
                                         if key == "scenario" else text)
                    item.setData(value, Qt.ItemDataRole.UserRole)
                    item.setToolTip(text)
                    if not isinstance(value, str):
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    cells.append(item)
                self._model.appendRow(cells)

    def _update_crossings(self) -> None:
        if not self._results:
            self._crossings.setText("")
            return
        level = self._results[0][1].target_risk
        lines = [f"Every scenario against target ε = {level:g}:"]
        for label, result in self._results:
            parts = []
            for column in result.columns:
                if column not in RISK_OUTPUTS or not result.xs:
                    continue
                parts.append(f"{Y_LABELS[column].split(' (')[0]} {stretches_text(result, column, level)}")
            own = self._own_targets.get(label, level)
            if parts:
                lines.append(f"<b>{html.escape(textwrap.shorten(label, 60, placeholder='…'))}</b>: "
                             + ("" if own == level else f"(its own target is {own:g}) ")
                             + html.escape("; ".join(parts)))
        self._crossings.setText("<br>".join(lines))

    # ------------------------------------------------------------ internals
    @staticmethod
    def _number(edit: QLineEdit, name: str) -> float:
        text = edit.text().strip().replace(",", "")
        try:
            value = float(text)
        except ValueError:
            raise AdvisorError(f"{name}: enter a number, got {text!r}") from None
        return int(value) if value.is_integer() and abs(value) < 2**53 else value

    def _refuse(self, text: str) -> None:
        self._message.setStyleSheet("color: #b71c1c;")
        self._message.setText(text)

    def _write(self, path: str, data: bytes | str) -> None:
        write_output_atomically(path, data, database_path=getattr(self._store, "database_path", None))
        self._message.setText(f"Wrote {path}")

    def _data_x(self, plot: pg.PlotItem, scene_pos) -> float | None:
        if not plot.sceneBoundingRect().contains(scene_pos) or plot.scene() is None:
            return None
        view_x = plot.getViewBox().mapSceneToView(scene_pos).x()
        return 10.0 ** view_x if self._log_x else view_x

    def _hovered(self, scene_pos) -> tuple[str, int] | None:
        if not self._results:
            return None
        for group, plot in self._plots.items():
            x = self._data_x(plot, scene_pos)
            if x is not None and self._results[0][1].xs:
                return group, self._results[0][1].nearest_index(x)
        return None

    def _view_position(self, group: str, index: int) -> float:
        x = float(self._results[0][1].xs[index])
        return math.log10(x) if self._log_x else x

    # ------------------------------------------------------------ handlers
    def _on_x_changed(self, _index: int = 0) -> None:
        self._question_combo.setEnabled(self._x_combo.currentData() == "k")
        self._fill_range()

    def _on_question_changed(self, _index: int) -> None:
        if self._x_combo.currentData() == "k":
            self._fill_range()

    def _on_state_changed(self, scenario: Scenario) -> None:
        self._update_questions()
        if self._analysis_message:
            self._show_analysis()
        # ε follows the design's target when that changes (another design opened, its target edited),
        # not at every edit: an ε the user typed stays through a click on a point.
        if scenario.target.target_risk != self._design_target:
            self._design_target = scenario.target.target_risk
            if not self._target_edit.hasFocus():
                self._target_edit.setText(f"{self._design_target:g}")

    def _on_input_rejected(self, name: str) -> None:
        self._refuse(f"{name}: only a number can be typed here ({NUMBER_KEYS_TEXT})")

    def _on_target_edited(self) -> None:
        try:
            self._target_value()
        except AdvisorError as error:
            self._refuse(str(error))

    def _on_sweep_runner_progress_changed(self, done: int, total: int) -> None:
        self._progress.setRange(0, total)
        self._progress.setValue(done)

    def _on_sweep_runner_result_ready(self, outcome: SweepOutcome) -> None:
        self._shown_settings, self._own_targets = self._pending
        self._show(outcome.results)
        if outcome.cancelled:
            self._message.setStyleSheet("color: #37474f;")
            self._message.setText("Cancelled: the points done so far are shown.")
        else:
            text = f"{sum(len(r.xs) for _, r in outcome.results)} points evaluated."
            if outcome.problems:
                text += " Not swept: " + "; ".join(outcome.problems)
            self._message.setStyleSheet("color: #b71c1c;" if outcome.problems else "color: #37474f;")
            self._message.setText(text)
        self.sweep_finished.emit(outcome)

    def _on_sweep_runner_failed(self, error: BaseException) -> None:
        self._message.setStyleSheet("color: #b71c1c;")
        self._message.setText(str(error) or type(error).__name__)
        self.sweep_finished.emit(None)

    def _on_sweep_runner_busy(self, busy: bool) -> None:
        # The runner is idle before it reports the outcome, so that a Run in
        # reply to sweep_finished starts a new sweep.
        if not busy:
            show_job_idle(self._run_button, self._cancel_button, self._progress)

    def _on_scene_mouse_moved(self, scene_pos) -> None:
        hovered = self._hovered(scene_pos)
        if hovered is None:
            for line in (*self._cursor_lines.values(), self._cursor_level):
                line.hide()
            return
        group, index = hovered
        for name, line in self._cursor_lines.items():
            line.setPos(self._view_position(name, index))
            line.show()
        # The horizontal hair marks the open design's first output of the plot under the mouse.
        first = self._results[0][1]
        column = next((c for c in first.columns if c in PLOT_GROUPS_OF[group]), None)
        level = None if column is None else first.column(column)[index]
        plot = self._plots[group]
        if self._cursor_level.getViewBox() is not plot.getViewBox():
            if self._cursor_level.getViewBox() is not None:
                self._cursor_level.getViewBox().removeItem(self._cursor_level)
            plot.addItem(self._cursor_level, ignoreBounds=True)
        self._cursor_level.setVisible(level is not None)
        if level is not None:
            self._cursor_level.setPos(float(level))
        self._readout.setText(self.readout(index))

    def _on_scene_mouse_clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        hovered = self._hovered(event.scenePos())
        if hovered is None:
            return
        group, index = hovered
        plot = self._plots[group]
        point = plot.getViewBox().mapViewToScene(pg.Point(self._view_position(group, index), 0))
        if abs(point.x() - event.scenePos().x()) > PICK_RADIUS_PX:
            return
        event.accept()
        self.pick(self._results[0][1].xs[index])

    def _on_table_double_clicked(self, index) -> None:
        first = self._results[0][1] if self._results else None
        if first is not None and index.row() < len(first.xs):
            self.pick(first.xs[index.row()])

    def _on_export_clicked(self, kind: str) -> None:
        filters = {"csv": "CSV (*.csv)", "png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}
        name = f"sweep_{self._results[0][1].x}.{kind}" if self._results else f"sweep.{kind}"
        # In the documents folder: a bare name opened the dialog in the program's working folder.
        path = save_file_name(self, f"Export {kind.upper()}", str(documents_folder() / name), filters[kind])
        if not path:
            return
        try:
            {"csv": self.export_csv, "png": self.export_png, "svg": self.export_svg}[kind](path)
        except (AdvisorError, OSError) as error:
            self._message.setStyleSheet("color: #b71c1c;")
            self._message.setText(f"Export failed: {error}")

    def _on_analysis_clicked(self) -> None:
        if self._analysis_runner.is_busy:
            return
        self._analysis_text.setText("Computing…")
        self._analysis_button.setEnabled(False)
        self._analysis_for, self._analysis_message = self._state.scenario, ""
        self._analysis_runner.submit_now(self._analysis_combo.currentData(), self._state.scenario)

    def _on_analysis_runner_result_ready(self, message: str) -> None:
        self._analysis_message = message
        self._show_analysis()

    def _show_analysis(self) -> None:
        """The analysis shown, marked when it is of an earlier design (clicking a point changes the
        design under it)."""
        stale = self._analysis_for is not None and not self._state.scenario.same_numbers(self._analysis_for)
        self._analysis_text.setText(f"{ANALYSIS_STALE_TEXT}\n{self._analysis_message}" if stale
                                    else self._analysis_message)

    def _on_analysis_runner_failed(self, error: BaseException) -> None:
        self._analysis_text.setText(str(error))

    def _on_analysis_runner_busy(self, busy: bool) -> None:
        self._analysis_button.setEnabled(not busy)

if __name__ == "__main__":
    from ui.core.preview import preview_app, preview_store, run_preview

    preview_app()
    preview = preview_store()
    first = preview.get(preview.list(order_by="name", descending=False)[0].id)
    run_preview(XYPlotWidget(ScenarioState(first.scenario, stored_id=first.id, revision=first.revision),
                             QUndoStack(), preview), title="X–Y plot", size=(1280, 860))
