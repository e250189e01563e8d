"""Compromise at a fixed budget: raters per item or items, plotted and tabulated.

The panel of the compromise analysis (:func:`advisor.planning.compromise.compromise`): enter a
budget, the most raters per item to try, a cost per item besides the raters and what the best split
minimises; Run evaluates every split off the GUI thread (with progress and Cancel). The plot shows
the label error and the achievable risk against raters per item, the value model's error beside
them, the items the budget buys on a second axis, the target and the best split marked; the table
lists every split. "Use the best split" (or a double-click on a row) sets that split's raters and
items in the open design as one undoable edit.

Run ``python -m ui.panels.compromise`` to open the panel alone on an example scenario.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDoubleValidator, QFont, QKeySequence, QShortcut, QStandardItem, QStandardItemModel, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from advisor.errors import AdvisorError
from advisor.evaluation.evaluate import VERDICT_WORDS
from advisor.planning.compromise import (
    OBJECTIVE_TITLES,
    OBJECTIVES,
    CompromiseAnalysis,
    CompromiseRow,
    compromise,
    default_budget,
    default_max_raters,
    risk_text,
)
from advisor.scenario.schema import MAX_RATERS, Scenario
from advisor.scenario.state import ScenarioState
from advisor.units import amount_text
from ui.core.bindings import connect_to_widget
from ui.core.undo import ScenarioEditCommand
from ui.core.workers import LatestJobRunner, WorkerHandle
from ui.widgets.plots import ACHIEVABLE_COLOUR, FLOOR_COLOUR, LEARNING_COLOUR, TARGET_COLOUR, style_plot
from ui.widgets.focus import tab_through
from ui.widgets.job_progress import show_job_idle, show_job_progress
from ui.widgets.spin_boxes import guard_wheel
from ui.widgets.splitters import two_pane_splitter

ITEMS_BRUSH = (21, 101, 192, 45)
"""Fill of the items-bought bars (behind the risks)."""
ITEMS_PEN = "#1565c0"
BEST_COLOUR = "#2e7d32"
COLUMNS = (
    ("raters", "raters per item"),
    ("items", "items bought"),
    ("cost", "cost"),
    ("achievable", "achievable risk"),
    ("verdict", "verdict"),
    ("best", "best"),
    ("label_error", "label error"),
    ("item_achievable", "item achievable risk"),
    ("model_error", "model error ≤ (Gallager)"),
    ("items_needed", "model needs items (≥ / ≈ / ≤)"),
)
"""The table's columns: key and header. What the split is judged by (its achievable risk, verdict and
rank) comes first, so that a panel narrower than the table still shows it; the parts follow."""


def _count(value: int | float | None) -> str:
    return "none" if value is None else f"{value:,.0f}"


def cell_value(row: CompromiseRow, key: str, best: bool) -> tuple[str, object]:
    """What the table shows in one cell, and the raw value kept beside it (for tests and sorting)."""
    if key == "raters":
        return str(row.raters), row.raters
    if key == "items":
        return f"{row.items:,}", row.items
    if key == "cost":
        return amount_text(row.cost), row.cost
    if key == "model_error":
        return risk_text(row.model_error["at_most"]), row.model_error["at_most"]
    if key in ("label_error", "item_achievable", "achievable"):
        value = getattr(row, key)
        return risk_text(value), value
    if key == "items_needed":
        needed = row.items_needed
        return f"{_count(needed.at_least)} / {_count(needed.estimate)} / {_count(needed.at_most)}", needed.to_dict()
    if key == "verdict":
        return VERDICT_WORDS[row.verdict], row.verdict
    return ("★ best" if best else ""), best


NOT_RUN_PLOT_TEXT = "Run to plot the achievable risk and the items bought\nfor every split of the budget."
"""What the plot says before a run: without it, an empty frame with a legend of nothing and an axis of
raters per item from 0.1 to 0.9."""

BEST_LABEL_CLEARANCE = 0.12
"""Share of the risk axis's height above the best split that its label takes: a target line nearer
than this puts the label below the star."""


class CompromiseWidget(QWidget):
    """The compromise panel (module docstring).

    Parameters
    ----------
    state
        The open design: its scenario is analysed, and a chosen split is set in it.
    undo_stack
        Where a chosen split's edit goes (the editor's stack: Ctrl+Z undoes it).
    parent
        Parent widget.

    Signals
    -------
    finished(object)
        Once a run is over: its :class:`CompromiseAnalysis` (shown; ``cancelled`` when stopped),
        or None when it failed (the message says why).
    """

    finished = Signal(object)

    def __init__(self, state: ScenarioState, undo_stack: QUndoStack, parent: QWidget | None = None):
        super().__init__(parent)
        self._state = state
        self._undo_stack = undo_stack
        self._result: CompromiseAnalysis | None = None
        self._budget_typed = False
        self._max_raters_typed = False
        self._runner = LatestJobRunner(compromise, self)
        self._runner.result_ready.connect(self._on_runner_result_ready)
        self._runner.failed.connect(self._on_runner_failed)
        self._runner.progress_changed.connect(self._on_runner_progress_changed)
        self._runner.busy.connect(self._on_runner_busy)
        self._build()
        self._update_defaults()
        connect_to_widget(state.changed, self._on_state_changed, self)

    # ------------------------------------------------------------ public API
    @property
    def result(self) -> CompromiseAnalysis | None:
        """The analysis shown (None before the first run)."""
        return self._result

    @property
    def table(self) -> QTableView:
        return self._table

    @property
    def plot_widget(self) -> pg.PlotWidget:
        return self._plot_widget

    @property
    def message(self) -> str:
        """The panel's message line (the recommendation, or why a run failed)."""
        return self._message.text()

    def curve(self, key: str) -> pg.PlotDataItem | pg.BarGraphItem | pg.ScatterPlotItem:
        """A plotted item: ``label_error``, ``achievable``, ``model_error``, ``items`` (bars on the right
        axis) or ``best`` (the marker)."""
        return self._items[key]

    def items_view(self) -> pg.ViewBox:
        """The view of the right axis (items bought)."""
        return self._items_view

    def inputs(self) -> list[QWidget]:
        """Every control of the panel, in tab order."""
        return [self._budget_edit, self._max_raters_spin, self._item_cost_edit, self._objective_combo,
                self._run_button, self._cancel_button, self._apply_button, self._table]

    def request(self) -> dict:
        """The analysis the fields describe: ``compromise``'s arguments (numbers checked here; the
        budget's meaning is checked by the analysis itself)."""
        return {
            "scenario": self._state.scenario,
            "budget": self._number(self._budget_edit, "budget"),
            "max_raters": self._max_raters_spin.value(),
            "item_cost": self._number(self._item_cost_edit, "cost per item"),
            "objective": self._objective_combo.currentData(),
        }

    def run(self) -> WorkerHandle | None:
        """Evaluate every split in the background; returns the job (None when a field is refused)."""
        if self._runner.is_busy:
            return self._runner.running_job
        try:
            request = self.request()
        except AdvisorError as error:
            self._show_error(str(error))
            return None
        self._message.setStyleSheet("color: #37474f;")
        self._message.setText(f"Evaluating {request['max_raters']} splits of the budget…")
        self._progress.setRange(0, request["max_raters"])
        self._progress.setValue(0)
        self._progress.show()
        self._run_button.setEnabled(False)
        self._cancel_button.setEnabled(True)
        scenario = request.pop("scenario")
        budget = request.pop("budget")
        self._runner.submit_now(scenario, budget, **request)
        return self._runner.running_job

    def cancel(self) -> None:
        """Stop after the split being evaluated (the splits done are shown)."""
        self._runner.cancel()

    def apply_row(self, index: int) -> bool:
        """Set the ``index``-th split's raters per item and items in the open design, as one undoable
        edit. Returns True when the design changed."""
        if self._result is None or not 0 <= index < len(self._result.rows):
            return False
        row = self._result.rows[index]
        before = self._state.scenario
        try:
            after = before.with_changes({"raters.per_item": row.raters, "campaign.items": row.items})
        except AdvisorError as error:
            self._show_error(str(error))
            return False
        if after == before:
            return False
        text = f"{row.raters} rater{'s' if row.raters != 1 else ''} per item on {row.items:,} items"
        self._undo_stack.push(ScenarioEditCommand(self._state, before, after, f"Set {text} (compromise)"))
        self._message.setText(f"Set {text} in the open design (Ctrl+Z undoes it).")
        return True

    def apply_best(self) -> bool:
        """Set the best split in the open design (see :meth:`apply_row`)."""
        return self._result is not None and self._result.best is not None and self.apply_row(self._result.best)

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self._budget_edit = QLineEdit()
        self._budget_edit.setValidator(QDoubleValidator(0.0, 1e15, 2, self._budget_edit))
        self._budget_edit.setToolTip("Money to spend, in the scenario's currency (default: its budget cap, else the "
                                     "cost of the design as it is)")
        self._budget_edit.textEdited.connect(self._on_budget_edit_edited)
        self._budget_edit.returnPressed.connect(self.run)
        self._max_raters_spin = QSpinBox()
        self._max_raters_spin.setRange(1, MAX_RATERS)
        self._max_raters_spin.setToolTip(f"Most raters per item to try (1 to {MAX_RATERS}): every split from 1 "
                                         "rater up is evaluated")
        self._max_raters_spin.valueChanged.connect(self._on_max_raters_spin_value_changed)
        self._item_cost_edit = QLineEdit("0")
        self._item_cost_edit.setValidator(QDoubleValidator(0.0, 1e12, 4, self._item_cost_edit))
        self._item_cost_edit.setToolTip("Money each item costs whatever its raters (acquiring, preparing or reviewing "
                                        "it); 0: the scenario's cost model as it is")
        self._item_cost_edit.returnPressed.connect(self.run)
        self._objective_combo = QComboBox()
        for key in OBJECTIVES:
            self._objective_combo.addItem(OBJECTIVE_TITLES[key], key)
        self._objective_combo.setToolTip("What the best split minimises: the achievable risk on both targets the "
                                         "verdict reads, or on the value model the labels teach only")
        self._run_button = QPushButton("Run")
        self._run_button.setToolTip("Evaluate every split of the budget (Ctrl+Return)")
        self._run_button.clicked.connect(self.run)
        self._cancel_button = QPushButton("Cancel")
        self._cancel_button.setToolTip("Stop after the split being evaluated; the splits done are shown")
        self._cancel_button.setEnabled(False)
        self._cancel_button.clicked.connect(self.cancel)
        self._apply_button = QPushButton("Use the best split")
        self._apply_button.setToolTip("Set the best split's raters per item and items in the open design "
                                      "(Ctrl+Z undoes it)")
        self._apply_button.setEnabled(False)
        self._apply_button.clicked.connect(self.apply_best)
        self._progress = QProgressBar()
        self._progress.setFormat("%v / %m splits")
        self._progress.hide()
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.run)

        # The wheel changes a number or a choice only while its field has the focus; otherwise it
        # scrolls what holds the panel.
        guard_wheel(self._max_raters_spin)
        guard_wheel(self._objective_combo)
        controls = QGridLayout()
        self._money_labels: list[tuple[QLabel, str]] = []
        for column, (text, widget) in enumerate((("budget", self._budget_edit), ("max raters", self._max_raters_spin),
                                                 ("cost per item", self._item_cost_edit),
                                                 ("best split minimises", self._objective_combo))):
            label = QLabel(text)
            label.setBuddy(widget)
            if widget in (self._budget_edit, self._item_cost_edit):
                self._money_labels.append((label, text))  # their currency follows the scenario's
            controls.addWidget(label, 0, column)
            controls.addWidget(widget, 1, column)
        buttons = QHBoxLayout()
        for widget in (self._run_button, self._cancel_button, self._progress):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self._apply_button)

        self._plot_widget = pg.PlotWidget(background="w")
        self._plot_widget.setMinimumHeight(240)
        plot = self._plot_widget.getPlotItem()
        style_plot(plot, title="", x_label="raters per item r", y_label="risk")
        plot.hideButtons()
        self._legend = plot.addLegend(offset=(-10, 10), labelTextSize="9pt")
        # The items bought get a view of their own on the right axis, following the plot's x.
        plot.showAxis("right")
        right = plot.getAxis("right")
        right.setLabel("items bought", color=ITEMS_PEN, **{"font-size": "10pt"})
        right.enableAutoSIPrefix(False)
        self._items_view = pg.ViewBox()
        plot.scene().addItem(self._items_view)
        right.linkToView(self._items_view)
        self._items_view.setXLink(plot)
        self._items_view.setMouseEnabled(x=False, y=False)
        # The bars stand behind the risks.
        self._items_view.setZValue(plot.getViewBox().zValue() - 1)
        plot.getViewBox().sigResized.connect(self._update_items_view)
        self._items: dict = {
            "items": pg.BarGraphItem(x=[], height=[], width=0.5, brush=pg.mkBrush(*ITEMS_BRUSH),
                                     pen=pg.mkPen(ITEMS_PEN, width=1)),
            "achievable": plot.plot([], [], pen=pg.mkPen(ACHIEVABLE_COLOUR, width=4), symbol="s", symbolSize=7,
                                    symbolBrush=ACHIEVABLE_COLOUR, name="achievable risk"),
            "label_error": plot.plot([], [], pen=pg.mkPen(FLOOR_COLOUR, width=1.6), symbol="o", symbolSize=5,
                                     symbolBrush=FLOOR_COLOUR, name="label error (MAP of r votes)"),
            "model_error": plot.plot([], [], pen=pg.mkPen(LEARNING_COLOUR, width=1.4, style=Qt.PenStyle.DashLine),
                                     symbol="t", symbolSize=6, symbolBrush=LEARNING_COLOUR,
                                     name="value model's error ≤ (Gallager)"),
            "best": pg.ScatterPlotItem(size=22, symbol="star", brush=pg.mkBrush(BEST_COLOUR),
                                       pen=pg.mkPen("#000000", width=1)),
        }
        self._items_view.addItem(self._items["items"])
        plot.addItem(self._items["best"])
        self._target_line = pg.InfiniteLine(angle=0, movable=False,
                                            pen=pg.mkPen(TARGET_COLOUR, width=1.5, style=Qt.PenStyle.DotLine),
                                            label="target ε", labelOpts={"position": 0.04, "color": TARGET_COLOUR,
                                                                        "anchors": [(0, 1), (0, 1)]})
        plot.addItem(self._target_line, ignoreBounds=True)
        self._best_label = pg.TextItem("", color=BEST_COLOUR, anchor=(0.5, 1.4))
        plot.addItem(self._best_label, ignoreBounds=True)
        self._empty_text = pg.TextItem(NOT_RUN_PLOT_TEXT, color="#666666", anchor=(0.5, 0.5))
        font = QFont()
        font.setPointSizeF(10.5)
        self._empty_text.setFont(font)
        plot.addItem(self._empty_text, ignoreBounds=True)
        self._show_plot_frame(False)

        self._model = QStandardItemModel(0, len(COLUMNS), self)
        self._model.setHorizontalHeaderLabels([header for _, header in COLUMNS])
        self._table = QTableView()
        self._table.setModel(self._model)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setAlternatingRowColors(True)
        self._table.verticalHeader().hide()
        self._table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._table.setToolTip("Every split of the budget; double-click a row (or press Return on it) to set "
                               "that split in the open design")
        self._table.doubleClicked.connect(self._on_table_double_clicked)
        self._table.activated.connect(self._on_table_double_clicked)

        self._message = QLabel("Enter a budget and Run (Ctrl+Return).")
        self._message.setWordWrap(True)
        # Scenario names and numbers, never markup.
        self._message.setTextFormat(Qt.TextFormat.PlainText)
        self._message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        splitter = two_pane_splitter(Qt.Orientation.Vertical, self._plot_widget, self._table, stretch=(3, 2),
                                     sizes=(340, 220))
        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addLayout(buttons)
        layout.addWidget(self._message)
        layout.addWidget(splitter, 1)
        tab_through(self.inputs())

    # ------------------------------------------------------------ refreshing
    def _update_items_view(self) -> None:
        plot = self._plot_widget.getPlotItem()
        self._items_view.setGeometry(plot.getViewBox().sceneBoundingRect())
        self._items_view.linkedViewChanged(plot.getViewBox(), self._items_view.XAxis)

    def _update_defaults(self) -> None:
        scenario = self._state.scenario
        if not self._budget_typed:
            # Up to the cent: a budget cut below the design's own cost bought one item fewer than
            # the design (73,333.33 for $73,333.333: 19,999 items at 4 raters, not 20,000).
            # (Rounded to a millionth of a cent first: 55,000.00000000001 is 55,000.00.)
            self._budget_edit.setText(f"{math.ceil(round(default_budget(scenario) * 100, 6)) / 100:.2f}")
        if not self._max_raters_typed:
            # A number the user set stays when the design changes ("Use the best split" reset 10 to 20).
            self._max_raters_spin.blockSignals(True)
            self._max_raters_spin.setValue(default_max_raters(scenario))
            self._max_raters_spin.blockSignals(False)
        self._target_line.setPos(scenario.target.target_risk)
        self._target_line.label.setFormat(f"target ε = {scenario.target.target_risk:g}")
        for label, text in self._money_labels:
            label.setText(f"{text} ({scenario.campaign.currency})")

    def _show_plot_frame(self, shown: bool) -> None:
        """The axes, legend and target line of a result, or, before any, :data:`NOT_RUN_PLOT_TEXT` alone."""
        plot = self._plot_widget.getPlotItem()
        for name in ("left", "bottom", "right"):
            plot.showAxis(name) if shown else plot.hideAxis(name)
        self._legend.setVisible(shown)
        self._target_line.setVisible(shown)
        self._empty_text.setVisible(not shown)
        if not shown:
            plot.setXRange(0.0, 1.0, padding=0)
            plot.setYRange(0.0, 1.0, padding=0)
            self._empty_text.setPos(0.5, 0.5)

    @property
    def plot_message(self) -> str:
        """What the plot says in its middle: :data:`NOT_RUN_PLOT_TEXT` before a run, else empty."""
        return self._empty_text.toPlainText() if self._empty_text.isVisible() else ""

    def _show(self, result: CompromiseAnalysis) -> None:
        self._result = result
        self._show_plot_frame(True)
        rows = result.rows
        xs = [row.raters for row in rows]
        self._items["achievable"].setData(xs, [row.achievable for row in rows])
        self._items["label_error"].setData(xs, [row.label_error for row in rows])
        self._items["model_error"].setData(xs, [row.model_error["at_most"] for row in rows])
        self._items["items"].setOpts(x=xs, height=[row.items for row in rows], width=0.5)
        best = result.best_row
        if best is None:
            self._items["best"].setData([], [])
            self._best_label.setText("")
        else:
            self._items["best"].setData([best.raters], [best.achievable])
            self._best_label.setText(f"best: {best.raters} × {best.items:,}")
            self._best_label.setPos(best.raters, best.achievable)
        self._target_line.setPos(result.target_risk)
        # Set again now that the line is shown: a hidden line's label keeps the text it last drew.
        self._target_line.label.setFormat(f"target ε = {result.target_risk:g}")
        plot = self._plot_widget.getPlotItem()
        if xs:
            plot.setXRange(min(xs) - 0.6, max(xs) + 0.6, padding=0)
            top = max([result.target_risk, *(row.achievable for row in rows), *(row.label_error for row in rows)])
            if best is not None:
                # Above the star unless the target's line runs there (the best split meets the target,
                # so it sits just below the line, which struck its label through): then below it.
                # Below it where there is room above the axis's foot; else above the line itself.
                clearance = BEST_LABEL_CLEARANCE * top
                near_line = 0.0 <= result.target_risk - best.achievable < clearance
                if near_line and best.achievable < clearance:
                    self._best_label.setPos(best.raters, result.target_risk)
                    self._best_label.setAnchor((0.5, 1.2))
                else:
                    self._best_label.setAnchor((0.5, -0.5) if near_line else (0.5, 1.4))
            plot.setYRange(0.0, min(1.02, top * 1.15 + 1e-3), padding=0)
            self._items_view.setYRange(0.0, max(row.items for row in rows) * 1.08, padding=0)
        self._update_items_view()
        self._model.removeRows(0, self._model.rowCount())
        self._model.setHorizontalHeaderLabels([f"{header} ({result.currency})" if key == "cost" else header
                                               for key, header in COLUMNS])
        bold = QFont()
        bold.setBold(True)
        for index, row in enumerate(rows):
            cells = []
            for key, _ in COLUMNS:
                text, value = cell_value(row, key, index == result.best)
                item = QStandardItem(text)
                item.setData(value, Qt.ItemDataRole.UserRole)
                item.setToolTip(text)
                if index == result.best:
                    item.setFont(bold)
                if key not in ("verdict", "best", "items_needed"):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                cells.append(item)
            self._model.appendRow(cells)
        self._apply_button.setEnabled(result.best is not None)
        text = result.message + (f"\n{result.note}" if result.note else "")
        self._message.setStyleSheet("color: #37474f;")
        self._message.setText(text)

    def _show_error(self, text: str) -> None:
        self._message.setStyleSheet("color: #b71c1c;")
        self._message.setText(text)

    # ------------------------------------------------------------ internals
    @staticmethod
    def _number(edit: QLineEdit, name: str) -> float:
        text = edit.text().strip().replace(",", "")
        try:
            return float(text)
        except ValueError:
            raise AdvisorError(f"{name}: enter a number, got {text!r}") from None

    # ------------------------------------------------------------ handlers
    def _on_budget_edit_edited(self, _text: str) -> None:
        # A budget the user typed stays when the design changes; an empty field takes the default again.
        self._budget_typed = bool(self._budget_edit.text().strip())

    def _on_max_raters_spin_value_changed(self, _value: int) -> None:
        self._max_raters_typed = True

    def _on_state_changed(self, _scenario: Scenario) -> None:
        self._update_defaults()

    def _on_runner_progress_changed(self, done: int, total: int) -> None:
        show_job_progress(self._progress, done, total)

    def _on_runner_result_ready(self, result: CompromiseAnalysis) -> None:
        self._show(result)
        self.finished.emit(result)

    def _on_runner_failed(self, error: BaseException) -> None:
        self._show_error(str(error) or type(error).__name__)
        self.finished.emit(None)

    def _on_runner_busy(self, busy: bool) -> None:
        if not busy:
            show_job_idle(self._run_button, self._cancel_button, self._progress)

    def _on_table_double_clicked(self, index) -> None:
        self.apply_row(index.row())


if __name__ == "__main__":
    from ui.core.preview import preview_widget

    preview_widget(lambda state: CompromiseWidget(state, QUndoStack()), title="Compromise at a fixed budget",
                   size=(1100, 780))
