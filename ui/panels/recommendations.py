"""The Recommendations tab: where to spend information.

Four panels, all computed off the GUI thread from the scenario being edited:

* **Diagnosis** (:func:`advisor.evaluation.diagnosis.diagnose`): which stage binds in each
  context, the capacity gap, whether labels alone can reach the target.
* **Levers** (:func:`advisor.planning.levers.rank_levers`): every small change of the
  scenario, evaluated and ranked, each with its effect on capacity, floor,
  ceiling and cost; "Apply as a new scenario" stores the changed scenario.
* **Time allocation** (:func:`advisor.evaluation.allocation.optimal_time_allocation`): the
  water-filled shares of the judgment time beside the current ones.
* **Solve for** (:func:`advisor.planning.solve.solve`): the raters, seconds, items,
  target complexity or budget that just meets the target.
* **Optimiser** (:func:`advisor.planning.optimize.optimize`): the cheapest design under
  the constraints, with progress and Cancel, the Pareto frontier of cost against
  floor, and "Save the recommended design".

Diagnosis, levers, allocation and solve-for recompute after a short quiet spell
whenever the scenario state changes (a newer change cancels the running
computation); the optimiser runs when asked, since it searches thousands of
designs.

Run ``python -m ui.panels.recommendations`` to open the tab on an example scenario.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from advisor.evaluation.allocation import TimeAllocation
from advisor.evaluation.diagnosis import Diagnosis
from advisor.units import money, signed_amount_text
from advisor.errors import AdvisorError, ScenarioValidationError
from advisor.planning.analysis import analyse
from advisor.evaluation.evaluate import Evaluation
from advisor.planning.levers import LeverResult
from advisor.planning.optimize import DEFAULT_MAX_RATERS, FrontierPoint, OptimizationResult, default_formats, optimize
from advisor.scenario.schema import MAX_RATERS, Scenario
from advisor.planning.solve import UNKNOWNS, SolveResult, solve
from advisor.scenario.state import ScenarioState
from ui.widgets.pareto import ParetoPlotWidget
from ui.core.settings import display_settings
from ui.core.workers import WorkerHandle, run_in_pool

DEBOUNCE_MS = 250
"""Quiet time after the last edit before recomputing, ms: the levers evaluate
the scenario a dozen times, so a spin box held down must not start each one."""
STACKED_LEVERS_HEIGHT = 640
"""Height of the diagnosis and the levers (px) when the searches are below them."""
STACKED_DIAGNOSIS_HEIGHT = 170
"""Of which the diagnosis (px)."""
LEVER_COLUMNS = ("#", "Lever", "Δachievable", "Δfloor", "Δitems", "Δcost", "per money", "Explanation")
UNKNOWN_LABELS = {
    "raters": "raters per item",
    "seconds": "seconds per item",
    "items": "labelled items",
    "log2_m": "target complexity log2 M",
    "budget": "budget",
}
PER_MONEY_SCALE = 1000
UNDECIDED_COLOUR = "#8d5a00"
"""Information per money is shown per 1,000 currency units: per single unit
it is a tiny number (1e-4 bits per dollar) that is hard to compare by eye."""
GAIN_COLOUR = "#1b7f3b"
LOSS_COLOUR = "#b00020"
MUTED_COLOUR = "#808080"
ERROR_STYLE = "color: #b00020"
MAX_NAME = 200


# ---------------------------------------------------------------- computation
@dataclass(frozen=True)
class Recommendations:
    """Everything the live panels show for one scenario."""

    scenario: Scenario
    evaluation: Evaluation
    diagnosis: Diagnosis
    levers: tuple[LeverResult, ...]
    allocation: TimeAllocation


def compute_recommendations(scenario: Scenario, *, progress) -> Recommendations:
    """Diagnosis, ranked levers and time allocation (for a worker thread).

    ``progress(done, total)`` as in :mod:`advisor.progress`.
    """
    analysis = analyse(scenario, allocation=True, progress=progress)
    return Recommendations(scenario, analysis.evaluation, analysis.diagnosis, analysis.levers, analysis.allocation)


def solve_for(scenario: Scenario, unknown: str, *, progress) -> SolveResult:
    """:func:`advisor.planning.solve.solve` for a worker thread."""
    return solve(scenario, unknown, progress=progress)


def run_optimizer(scenario: Scenario, constraints: dict[str, Any], *, progress) -> OptimizationResult:
    """:func:`advisor.planning.optimize.optimize` for a worker thread, with progress and cancel."""
    return optimize(scenario, progress=progress, **constraints)


def create_unique(store, scenario: Scenario, *, summary: str) -> Any:
    """Store ``scenario`` as a new scenario, adding " (2)", " (3)"… to a taken name.

    Returns
    -------
    advisor.storage.store.StoredScenario
    """
    base = scenario.name[:MAX_NAME]
    for attempt in range(1, 1000):
        name = base if attempt == 1 else f"{base[: MAX_NAME - 6]} ({attempt})"
        candidate = scenario if name == scenario.name else scenario.with_changes({"name": name})
        try:
            return store.create(candidate, summary=summary)
        except ScenarioValidationError as error:
            if not any(field == "name" for field, _ in error.problems):
                raise
    raise ScenarioValidationError(f"name: no free name found for {base!r}", [("name", "taken")])


_pools: dict[str, QThreadPool] = {}


def _pool(name: str, threads: int) -> QThreadPool:
    """A thread pool of this tab's own.

    Some searches cannot be interrupted (solving for raters when no number of
    raters reaches the target evaluates panels of up to 100 raters), so they
    must not occupy the global pool that the live results evaluate in; the
    optimiser has a pool of its own so that it never waits behind them.
    """
    if name not in _pools:
        pool = QThreadPool()
        pool.setMaxThreadCount(threads)
        _pools[name] = pool
    return _pools[name]


def wait_for_jobs(msecs: int = 30_000) -> bool:
    """Wait until this tab's pools are idle (tests, and before quitting); True if they are."""
    return all(pool.waitForDone(msecs) for pool in _pools.values())


class SingleFlightRunner(QObject):
    """Runs at most one job at a time, newest request wins.

    A request while a job runs cancels that job and waits for it to return
    before starting the newest request (requests in between are dropped), so a
    burst of edits never queues stale work in the pool.

    Parameters
    ----------
    pool
        Where the jobs run.
    parent
        Owning QObject.
    """

    def __init__(self, pool: QThreadPool, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = pool
        self._running: WorkerHandle | None = None
        self._pending: tuple[Any, tuple, dict] | None = None

    @property
    def busy(self) -> bool:
        return self._running is not None or self._pending is not None

    def request(self, fn, *args: Any, on_result, on_error, on_progress=None) -> None:
        """Run ``fn(*args)`` (see :func:`ui.core.workers.run_in_pool`) once the running job is gone."""
        callbacks = {"on_result": on_result, "on_error": on_error, "on_progress": on_progress}
        if self._running is not None:
            self._pending = (fn, args, callbacks)
            self._running.cancel()
            return
        self._start(fn, args, callbacks)

    def _start(self, fn, args: tuple, callbacks: dict) -> None:
        self._running = run_in_pool(fn, *args, pool=self._pool, **callbacks)
        self._running.finished.connect(self._on_running_finished)

    def _on_running_finished(self) -> None:
        self._running = None
        if self._pending is not None:
            fn, args, callbacks = self._pending
            self._pending = None
            self._start(fn, args, callbacks)


# ------------------------------------------------------------------ wording
def _signed(value: float, digits: int) -> str:
    text = f"{value:+.{digits}f}"
    if float(text) == 0:
        return f"{0:.{digits}f}"
    return text.replace("-", "−")


def _significant(value: float) -> str:
    if value == 0 or not math.isfinite(value):
        return "0"
    return f"{value:.3g}"


def _solve_value_text(unknown: str, value: float | int | None, currency: str) -> str:
    if value is None:
        return "—"
    if unknown == "raters":
        return f"{int(value)} rater{'s' if int(value) != 1 else ''} per item"
    if unknown == "seconds":
        return f"{value:.2f} s per item"
    if unknown == "items":
        return f"{int(value):,} items"
    if unknown == "log2_m":
        return f"{value:.2f} bits"
    return money(float(value), currency)


def _current_value(scenario: Scenario, unknown: str) -> float | int | None:
    if unknown == "raters":
        return scenario.raters.per_item
    if unknown == "seconds":
        return scenario.campaign.seconds_per_item
    if unknown == "items":
        return scenario.campaign.items
    if unknown == "log2_m":
        return scenario.target.log2_m
    return scenario.campaign.budget_cap


def _design_text(scenario: Scenario, evaluation: Any | None) -> str:
    formats = ", ".join(f"{q.name}: {q.format.label()}" for q in scenario.questions)
    text = (f"{scenario.raters.per_item} rater(s) × {scenario.campaign.seconds_per_item:.1f} s per item on "
            f"{scenario.campaign.items:,} items; {formats}")
    if evaluation is not None:
        text += (f". Cost {money(evaluation.cost, evaluation.currency)}, floor {evaluation.floor:.4f}, "
                 f"achievable risk {evaluation.achievable:.4f}, verdict {evaluation.verdict}.")
    return text


def _effect_text(lever: LeverResult) -> str:
    """The explanation without the title it starts with (the Lever column shows that)."""
    if not lever.applicable:
        return f"Does not apply: {lever.reason}"
    text = lever.explanation
    if text.startswith(lever.title):
        rest = text[len(lever.title):].strip()
        return rest[:1].upper() + rest[1:]
    return text


def _item(text: str, *, right: bool = False, tooltip: str = "", colour: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tooltip:
        item.setToolTip(tooltip)
    if colour:
        item.setForeground(QBrush(QColor(colour)))
    return item


def _read_only_table(columns: tuple[str, ...] | list[str]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    return table


# --------------------------------------------------------------------- widget
class RecommendationsWidget(QWidget):
    """Diagnosis, levers, time allocation, solve-for and the optimiser.

    Parameters
    ----------
    state
        The scenario being edited; every panel follows its ``changed`` signal.
    store
        An :class:`advisor.storage.store.ScenarioStore`: "Apply as a new scenario" and
        "Save the recommended design" create scenarios in it.
    parent
        Owning widget.

    Signals
    -------
    scenario_created(int)
        The stored id of a scenario this widget created.
    recommendations_ready(object)
        The :class:`Recommendations` of the current scenario, once shown.
    solve_ready(object)
        The :class:`advisor.planning.solve.SolveResult` shown in the solve-for panel.
    optimization_finished(object)
        The optimiser's :class:`advisor.planning.optimize.OptimizationResult` (also
        when it was cancelled: then its ``cancelled`` is True).
    """

    scenario_created = Signal(int)
    recommendations_ready = Signal(object)
    solve_ready = Signal(object)
    optimization_finished = Signal(object)

    def __init__(self, state: ScenarioState, store, parent: QWidget | None = None):
        super().__init__(parent)
        self._state = state
        self._store = store
        self._recommendations: Recommendations | None = None
        self._solve_result: SolveResult | None = None
        self._optimization: OptimizationResult | None = None
        self._recommend_runner = SingleFlightRunner(_pool("recommendations", 2), self)
        self._solve_runner = SingleFlightRunner(_pool("recommendations", 2), self)
        self._optimize_job: WorkerHandle | None = None

        self._stale = False
        self._requested: Scenario | None = None
        """The scenario of the newest recommendations asked for."""
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self._on_debounce_timeout)

        # Left: what limits the scenario and what to change (the levers table
        # needs the width for its numbers); right: the searches.
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(self._build_diagnosis())
        left.addWidget(self._build_levers())
        left.setStretchFactor(0, 1)
        left.setStretchFactor(1, 3)
        left.setChildrenCollapsible(False)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self._build_solve())
        right_layout.addWidget(self._build_allocation())
        right_layout.addWidget(self._build_optimizer(), 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([900, 600])
        splitter.setChildrenCollapsible(False)
        self._splitter, self._searches = splitter, right
        # Too narrow for the levers' numbers beside the searches (a 1280-px
        # screen with the library open), the searches go below the levers and
        # the tab scrolls: a column hidden behind a scroll bar is easy to miss.
        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(splitter)
        layout = QVBoxLayout(self)
        layout.addWidget(self._scroll)

        state.changed.connect(self._on_state_changed)
        state.identity_changed.connect(self._on_state_identity_changed)
        display_settings().unit_changed.connect(self._on_units_unit_changed)
        self._update_constraints_from_scenario()
        self._start_recommendations()
        self._start_solve()

    # --------------------------------------------------------------- building
    def _build_diagnosis(self) -> QWidget:
        box = QGroupBox("Diagnosis")
        self._busy_label = QLabel()
        self._busy_label.setStyleSheet(f"color: {MUTED_COLOUR}")
        self._diagnosis_view = QTextBrowser()
        self._diagnosis_view.setOpenLinks(False)
        self._diagnosis_view.setMinimumHeight(110)
        layout = QVBoxLayout(box)
        layout.addWidget(self._diagnosis_view, 1)
        layout.addWidget(self._busy_label)
        return box

    def _build_levers(self) -> QWidget:
        box = QGroupBox("Levers, ranked")
        self._levers_table = _read_only_table(LEVER_COLUMNS)
        header = self._levers_table.horizontalHeader()
        for column in range(len(LEVER_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(LEVER_COLUMNS.index("Explanation"), QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(LEVER_COLUMNS.index("Lever"), QHeaderView.ResizeMode.Interactive)
        header.resizeSection(LEVER_COLUMNS.index("Lever"), 300)
        # The lever's title gives way to the numbers: Δcost and per-money stay
        # in view, the full title is in the tooltip and the line below.
        self._levers_table.viewport().installEventFilter(self)
        self._levers_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._levers_table.itemSelectionChanged.connect(self._on_levers_table_selection_changed)
        self._levers_table.itemDoubleClicked.connect(self._on_levers_table_double_clicked)
        self._lever_detail_label = QLabel("Select a lever to read what it does.")
        self._lever_detail_label.setWordWrap(True)
        self._lever_detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lever_detail_label.setMinimumHeight(36)
        self._lever_detail_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._apply_lever_button = QPushButton("Apply as a new scenario")
        self._apply_lever_button.setToolTip("Store the scenario with this lever applied, next to this one")
        self._apply_lever_button.setEnabled(False)
        self._apply_lever_button.clicked.connect(self._on_apply_lever_button_clicked)
        self._levers_progress = QProgressBar()
        self._levers_progress.setMaximumWidth(160)
        self._levers_progress.setTextVisible(False)
        self._levers_progress.setVisible(False)
        self._levers_status_label = QLabel()
        self._levers_status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self._levers_status_label, 1)
        buttons.addWidget(self._levers_progress)
        buttons.addWidget(self._apply_lever_button)
        layout = QVBoxLayout(box)
        layout.addWidget(self._levers_table, 1)
        layout.addWidget(self._lever_detail_label)
        layout.addLayout(buttons)
        return box

    def _build_allocation(self) -> QWidget:
        box = QGroupBox("Time allocation across questions (water-filling)")
        self._allocation_table = _read_only_table(("Question", "Share now", "Optimal share", "Seconds at optimum"))
        header = self._allocation_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self._allocation_label = QLabel()
        self._allocation_label.setWordWrap(True)
        layout = QVBoxLayout(box)
        layout.addWidget(self._allocation_table)
        layout.addWidget(self._allocation_label)
        return box

    def _build_solve(self) -> QWidget:
        box = QGroupBox("Solve for one unknown")
        self._solve_combo = QComboBox()
        for unknown in UNKNOWNS:
            self._solve_combo.addItem(UNKNOWN_LABELS.get(unknown, unknown), unknown)
        self._solve_combo.setToolTip("Everything else is held at the scenario's values. The answer has two sides: "
                                     "the value the floor does not rule out (at least), and the value whose "
                                     "evaluation meets the target (suffices)")
        self._solve_combo.currentIndexChanged.connect(self._on_solve_combo_changed)
        self._solve_value_label = QLabel("—")
        font = self._solve_value_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self._solve_value_label.setFont(font)
        self._solve_value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._solve_current_label = QLabel()
        self._solve_current_label.setStyleSheet(f"color: {MUTED_COLOUR}")
        self._solve_message_label = QLabel()
        self._solve_message_label.setWordWrap(True)
        self._solve_message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(QLabel("Solve for:"))
        top.addWidget(self._solve_combo, 1)
        value_row = QHBoxLayout()
        value_row.addWidget(self._solve_value_label)
        value_row.addStretch(1)
        value_row.addWidget(self._solve_current_label)
        layout = QVBoxLayout(box)
        layout.addLayout(top)
        layout.addLayout(value_row)
        layout.addWidget(self._solve_message_label)
        return box

    def _build_optimizer(self) -> QWidget:
        box = QGroupBox("Optimiser: the cheapest design that reaches the target")
        self._budget_spin = QDoubleSpinBox()
        self._budget_spin.setRange(0.0, 1e12)
        self._budget_spin.setDecimals(0)
        self._budget_spin.setSingleStep(1000.0)
        self._budget_spin.setSpecialValueText("no cap")
        self._budget_spin.setToolTip("Most money to spend on the campaign (0: no cap)")
        self._deadline_spin = QDoubleSpinBox()
        self._deadline_spin.setRange(0.0, 1e7)
        self._deadline_spin.setDecimals(1)
        self._deadline_spin.setSingleStep(24.0)
        self._deadline_spin.setSuffix(" h")
        self._deadline_spin.setSpecialValueText("no deadline")
        self._deadline_spin.setToolTip("Wall-clock hours available; with the raters available this caps the "
                                       "rater-hours (0: no deadline)")
        self._available_spin = QSpinBox()
        self._available_spin.setRange(0, 10_000_000)
        self._available_spin.setSpecialValueText("unlimited")
        self._available_spin.setToolTip("Raters working in parallel (0: as many as needed)")
        self._max_raters_spin = QSpinBox()
        self._max_raters_spin.setRange(1, MAX_RATERS)
        self._max_raters_spin.setValue(DEFAULT_MAX_RATERS)
        self._max_raters_spin.setToolTip(f"Most raters per item the search considers (1 to {MAX_RATERS})")
        # One row per question, one box per format the optimiser may give it
        # (its own and the usual alternatives, advisor.planning.optimize.default_formats).
        self._format_checks: dict[tuple[str, str], QCheckBox] = {}
        self._formats_signature: tuple = ()
        self._formats_widget = QWidget()
        self._formats_grid = QGridLayout(self._formats_widget)
        self._formats_grid.setContentsMargins(0, 0, 0, 0)
        self._formats_grid.setHorizontalSpacing(10)
        self._formats_grid.setVerticalSpacing(2)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        row = QHBoxLayout()
        row.addWidget(self._budget_spin, 1)
        row.addWidget(QLabel("Deadline:"))
        row.addWidget(self._deadline_spin, 1)
        form.addRow("Budget cap:", row)
        row = QHBoxLayout()
        row.addWidget(self._available_spin, 1)
        row.addWidget(QLabel("At most per item:"))
        row.addWidget(self._max_raters_spin, 1)
        form.addRow("Raters available:", row)
        form.addRow("Formats allowed:", self._formats_widget)

        self._optimize_button = QPushButton("Find the cheapest design")
        self._optimize_button.clicked.connect(self._on_optimize_button_clicked)
        self._cancel_button = QPushButton("Cancel")
        self._cancel_button.setEnabled(False)
        self._cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self._optimize_progress = QProgressBar()
        self._optimize_progress.setRange(0, 1)
        self._optimize_progress.setValue(0)
        self._optimize_progress.setFormat("")
        run_row = QHBoxLayout()
        run_row.addWidget(self._optimize_button)
        run_row.addWidget(self._optimize_progress, 1)
        run_row.addWidget(self._cancel_button)

        self._pareto = ParetoPlotWidget()
        self._pareto.setMinimumHeight(220)
        self._optimize_status_label = QLabel()
        self._optimize_status_label.setWordWrap(True)
        self._optimize_status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._save_design_button = QPushButton("Save the recommended design")
        self._save_design_button.setToolTip("Store the recommended design as a new scenario")
        self._save_design_button.setEnabled(False)
        self._save_design_button.clicked.connect(self._on_save_design_button_clicked)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self._save_design_button)

        layout = QVBoxLayout(box)
        layout.addLayout(form)
        layout.addLayout(run_row)
        layout.addWidget(self._pareto, 1)
        layout.addWidget(self._optimize_status_label)
        layout.addLayout(save_row)
        return box

    # ------------------------------------------------------------ public API
    @property
    def recommendations(self) -> Recommendations | None:
        """What the live panels show (None while the first computation runs)."""
        return self._recommendations

    @property
    def solve_result(self) -> SolveResult | None:
        return self._solve_result

    @property
    def optimization(self) -> OptimizationResult | None:
        """The last optimiser result shown (None before a run)."""
        return self._optimization

    def is_busy(self) -> bool:
        """True while any panel is computing (or waiting for its debounce)."""
        return (self._debounce.isActive() or self._recommend_runner.busy or self._solve_runner.busy
                or self._optimize_job is not None)

    @property
    def is_optimizing(self) -> bool:
        return self._optimize_job is not None

    def select_lever(self, row: int) -> None:
        """Select the lever in ``row`` of the ranked table."""
        self._levers_table.selectRow(row)

    def apply_selected_lever(self) -> int | None:
        """Store the selected lever's scenario as a new scenario; returns its id."""
        lever = self._selected_lever()
        if lever is None or lever.scenario is None:
            return None
        base = self._recommendations.scenario.name if self._recommendations else lever.scenario.name
        named = lever.scenario.with_changes({"name": f"{base} — {lever.title}"[:MAX_NAME]})
        return self._create(named, f"lever applied: {lever.title}"[:200], self._levers_status_label)

    def set_solve_unknown(self, unknown: str) -> None:
        """Solve for ``unknown`` (one of :data:`advisor.planning.solve.UNKNOWNS`)."""
        index = self._solve_combo.findData(unknown)
        if index < 0:
            raise ValueError(f"unknown must be one of {', '.join(UNKNOWNS)}, got {unknown!r}")
        if index == self._solve_combo.currentIndex():
            self._start_solve()
        else:
            self._solve_combo.setCurrentIndex(index)

    def constraints(self) -> dict[str, Any]:
        """The optimiser's keyword arguments from the constraints form."""
        return {
            "budget_cap": self._budget_spin.value() or None,
            "deadline_hours": self._deadline_spin.value() or None,
            "raters_available": self._available_spin.value() or None,
            "allowed_formats": self._allowed_formats(),
            "max_raters": self._max_raters_spin.value(),
        }

    def start_optimizer(self) -> None:
        """Run the optimiser with the form's constraints (in a worker)."""
        if self._optimize_job is not None:
            return
        constraints = self.constraints()
        empty = [name for name, formats in constraints["allowed_formats"].items() if not formats]
        if empty:
            self._optimize_status_label.setStyleSheet(ERROR_STYLE)
            self._optimize_status_label.setText(f"Allow at least one format for {', '.join(map(repr, empty))}.")
            return
        self._optimization = None
        self._save_design_button.setEnabled(False)
        self._pareto.clear("Searching…")
        self._optimize_status_label.setStyleSheet("")
        self._optimize_status_label.setText("Searching designs…")
        self._optimize_progress.setRange(0, 0)
        self._optimize_progress.setFormat("")
        job = partial(run_optimizer, self._state.scenario, constraints)
        self._optimize_job = run_in_pool(job, on_result=self._on_optimize_result, on_error=self._on_optimize_error,
                                         on_progress=self._on_optimize_progress,
                                         on_cancelled=self._on_optimize_cancelled, pool=_pool("optimizer", 1))
        self._update_optimizer_controls()

    def cancel_optimizer(self) -> None:
        """Ask a running optimiser to stop; it returns what it has found so far."""
        if self._optimize_job is not None:
            self._optimize_job.cancel()
            self._optimize_status_label.setText("Cancelling…")

    def save_recommended_design(self) -> int | None:
        """Store the optimiser's recommended design as a new scenario; returns its id."""
        result = self._optimization
        if result is None or result.recommended is None:
            return None
        name = f"{self._state.scenario.name} — optimised"[:MAX_NAME]
        return self._create(result.recommended.with_changes({"name": name}), "recommended by the optimiser",
                            self._optimize_status_label)

    # -------------------------------------------------------------- handlers
    def _on_state_changed(self, scenario: Scenario) -> None:
        if not shiboken6.isValid(self):
            return  # the widget was deleted; psygnal may still hold the method for a moment
        if self._requested is not None and self._requested.same_numbers(scenario) and not self._stale:
            return  # a new name, notes or tags: the levers and searches stay as they are
        self._debounce.start()
        self._busy_label.setText("Scenario changed: updating…")
        self._update_format_checks()
        self._update_optimizer_controls()

    def _on_state_identity_changed(self, _stored_id: object, _revision: object) -> None:
        if shiboken6.isValid(self):
            self._update_constraints_from_scenario()

    def _on_debounce_timeout(self) -> None:
        if self.window().isVisible() and not self.isVisible():
            # Another tab is on top: computing now would only compete with the
            # live results for the processor. Catch up when this tab is shown.
            self._stale = True
            return
        self._start_recommendations()
        self._start_solve()

    def stacked(self) -> bool:
        """Whether the searches are below the levers (a narrow tab) rather than beside them."""
        return self._splitter.orientation() == Qt.Orientation.Vertical

    def _levers_width_needed(self) -> int:
        """Width of the levers box that shows every number column and 160 px of the lever's title."""
        header = self._levers_table.horizontalHeader()
        lever, explanation = LEVER_COLUMNS.index("Lever"), LEVER_COLUMNS.index("Explanation")
        numbers = sum(max(header.sectionSize(c), header.sectionSizeHint(c))
                      for c in range(len(LEVER_COLUMNS)) if c not in (lever, explanation))
        scroll_bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        return numbers + 160 + 60 + scroll_bar + 2 * self._levers_table.frameWidth() + 32

    def _fit_orientation(self) -> None:
        margins = self.layout().contentsMargins()
        width = self.width() - margins.left() - margins.right()
        beside = self._levers_width_needed() + self._searches.minimumSizeHint().width() + self._splitter.handleWidth()
        wanted = Qt.Orientation.Horizontal if width >= beside else Qt.Orientation.Vertical
        if self._splitter.orientation() != wanted:
            self._splitter.setOrientation(wanted)
            if wanted == Qt.Orientation.Vertical:
                left = self._splitter.widget(0)
                # Room for the diagnosis and about ten levers above the searches.
                above = max(STACKED_LEVERS_HEIGHT, left.minimumSizeHint().height())
                below = self._searches.sizeHint().height()
                self._splitter.setMinimumHeight(above + below + self._splitter.handleWidth())
                self._splitter.setSizes([above, below])
                left.setSizes([STACKED_DIAGNOSIS_HEIGHT, above - STACKED_DIAGNOSIS_HEIGHT])
            else:
                self._splitter.setMinimumHeight(0)
                self._splitter.setSizes([900, 600])

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_orientation()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._stale:
            self._stale = False
            self._start_recommendations()
            self._start_solve()
        super().showEvent(event)

    def _on_units_unit_changed(self, _unit: str) -> None:
        if self._recommendations is not None:
            self._update_levers()
            self._update_allocation()

    def _on_recommend_progress(self, done: int, total: int) -> None:
        self._levers_progress.setRange(0, max(total, 1))
        self._levers_progress.setValue(done)

    def _on_recommend_result(self, recommendations: Recommendations) -> None:
        self._recommendations = recommendations
        self._busy_label.clear()
        self._levers_progress.setVisible(False)
        self._update_diagnosis()
        self._update_levers()
        self._update_allocation()
        self.recommendations_ready.emit(recommendations)

    def _on_recommend_error(self, error: BaseException) -> None:
        self._levers_progress.setVisible(False)
        self._busy_label.clear()
        self._diagnosis_view.setHtml(f"<p style='color:#b00020'>Cannot compute the recommendations: "
                                     f"{html.escape(str(error))}</p>")

    def _on_solve_combo_changed(self, _index: int) -> None:
        self._start_solve()

    def _on_solve_result(self, result: SolveResult) -> None:
        self._solve_result = result
        self._update_solve()
        self.solve_ready.emit(result)

    def _on_solve_error(self, error: BaseException) -> None:
        self._solve_value_label.setText("—")
        self._solve_message_label.setStyleSheet(ERROR_STYLE)
        self._solve_message_label.setText(f"Cannot solve: {error}")

    def eventFilter(self, watched: QObject, event) -> bool:  # noqa: N802 - Qt override
        if watched is self._levers_table.viewport() and event.type() == event.Type.Resize:
            QTimer.singleShot(0, self, self._fit_lever_column)
        return super().eventFilter(watched, event)

    def _fit_lever_column(self) -> None:
        table = self._levers_table
        header = table.horizontalHeader()
        lever, explanation = LEVER_COLUMNS.index("Lever"), LEVER_COLUMNS.index("Explanation")
        others = sum(header.sectionSize(c) for c in range(len(LEVER_COLUMNS)) if c not in (lever, explanation))
        header.resizeSection(lever, max(160, min(360, table.viewport().width() - others)))

    def _on_levers_table_selection_changed(self) -> None:
        lever = self._selected_lever()
        self._apply_lever_button.setEnabled(lever is not None and lever.scenario is not None)
        if lever is not None:
            self._lever_detail_label.setText(lever.explanation)

    def _on_levers_table_double_clicked(self, _item: QTableWidgetItem) -> None:
        self.apply_selected_lever()

    def _on_apply_lever_button_clicked(self) -> None:
        self.apply_selected_lever()

    def _on_format_check_toggled(self, _checked: bool) -> None:
        self._update_optimizer_controls()

    def _on_optimize_button_clicked(self) -> None:
        self.start_optimizer()

    def _on_cancel_button_clicked(self) -> None:
        self.cancel_optimizer()

    def _on_optimize_progress(self, done: int, total: int) -> None:
        self._optimize_progress.setRange(0, max(int(total), 1))
        self._optimize_progress.setValue(int(done))
        self._optimize_progress.setFormat("%v of %m designs")

    def _on_optimize_result(self, result: OptimizationResult) -> None:
        self._optimize_job = None
        self._show_optimization(result)

    def _on_optimize_cancelled(self, result: OptimizationResult | None) -> None:
        self._optimize_job = None
        if result is None:
            self._optimize_progress.setRange(0, 1)
            self._optimize_progress.setValue(0)
            self._optimize_progress.setFormat("Cancelled")
            self._pareto.clear("Cancelled.")
            self._optimize_status_label.setText("Cancelled.")
            self._update_optimizer_controls()
            return
        self._show_optimization(result)

    def _on_optimize_error(self, error: BaseException) -> None:
        self._optimize_job = None
        self._optimize_progress.setRange(0, 1)
        self._optimize_progress.setValue(0)
        self._optimize_progress.setFormat("Failed")
        self._pareto.clear("No result.")
        self._optimize_status_label.setStyleSheet(ERROR_STYLE)
        self._optimize_status_label.setText(f"The optimiser stopped: {error}")
        self._update_optimizer_controls()

    def _on_save_design_button_clicked(self) -> None:
        self.save_recommended_design()

    # ------------------------------------------------------------ refreshers
    def _start_recommendations(self) -> None:
        self._requested = self._state.scenario
        self._busy_label.setText("Updating…")
        self._levers_progress.setRange(0, 0)
        self._levers_progress.setVisible(True)
        self._recommend_runner.request(compute_recommendations, self._state.scenario,
                                       on_result=self._on_recommend_result, on_error=self._on_recommend_error,
                                       on_progress=self._on_recommend_progress)

    def _start_solve(self) -> None:
        unknown = self._solve_combo.currentData()
        self._solve_value_label.setText("…")
        self._solve_message_label.setStyleSheet("")
        self._solve_message_label.setText(f"Solving for the {UNKNOWN_LABELS.get(unknown, unknown)}…")
        self._update_solve_current()
        self._solve_runner.request(partial(solve_for, unknown=unknown), self._state.scenario,
                                   on_result=self._on_solve_result, on_error=self._on_solve_error)

    def _update_diagnosis(self) -> None:
        assert self._recommendations is not None
        diagnosis = self._recommendations.diagnosis
        colour = {"meets": GAIN_COLOUR, "cannot": LOSS_COLOUR}.get(diagnosis.decision, UNDECIDED_COLOUR)
        parts = [f"<p style='color:{colour}'><b>{html.escape(diagnosis.verdict)}</b></p>", "<ul>"]
        parts += [f"<li>{html.escape(finding)}</li>" for finding in diagnosis.findings]
        parts.append("</ul>")
        if diagnosis.warnings:
            parts.append("<p><b>Warnings</b></p><ul>")
            parts += [f"<li style='color:#8a5300'>{html.escape(w)}</li>" for w in diagnosis.warnings]
            parts.append("</ul>")
        self._diagnosis_view.setHtml("".join(parts))

    def _update_levers(self) -> None:
        assert self._recommendations is not None
        units = display_settings()
        levers = self._recommendations.levers
        currency = self._recommendations.evaluation.currency
        header = self._levers_table.horizontalHeaderItem
        header(LEVER_COLUMNS.index("Δachievable")).setToolTip(
            "Change of the achievable risk (the error this design attains): the ranking's measure")
        header(LEVER_COLUMNS.index("Δitems")).setToolTip(
            "Change of the items the value model needs (the estimate); breaks ties")
        header(LEVER_COLUMNS.index("Δcost")).setText(f"Δcost {currency}")
        per_money_header = header(LEVER_COLUMNS.index("per money"))
        per_money_header.setText(f"risk/1k {currency}")
        per_money_header.setToolTip(f"Achievable risk lowered per {PER_MONEY_SCALE:,} {currency} "
                                    "(levers that cost money only)")
        selected = self._selected_lever()
        table = self._levers_table
        QTimer.singleShot(0, self, self._fit_lever_column)
        table.setRowCount(len(levers))
        for row, lever in enumerate(levers):
            muted = None if lever.applicable else MUTED_COLOUR
            gain = lever.gain
            gain_colour = muted or (GAIN_COLOUR if gain > 1e-9 else LOSS_COLOUR if gain < -1e-9 else None)
            if lever.achievable_per_cost is not None:
                per_money = _significant(lever.achievable_per_cost * PER_MONEY_SCALE)
            elif lever.applicable and gain > 1e-9:
                per_money = "no cost" if lever.delta_cost == 0 else "saves money"
            else:
                per_money = "—"
            capacity_tip = (f"ΔC̄ {units.format_info(lever.delta_capacity_nats, 3)} per item; verdict "
                            f"{lever.evaluation.verdict}" if lever.evaluation is not None else "")
            items = "—" if not lever.applicable or lever.delta_items_needed is None else f"{lever.delta_items_needed:+,}"
            cells = [
                _item(str(row + 1), right=True, colour=muted),
                _item(lever.title, tooltip=lever.title, colour=muted),
                _item(_signed(lever.delta_achievable, 4) if lever.applicable else "—", right=True, colour=gain_colour,
                      tooltip=capacity_tip),
                _item(_signed(lever.delta_floor, 4) if lever.applicable else "—", right=True, colour=muted),
                _item(items.replace("-", "−"), right=True, colour=muted),
                _item(signed_amount_text(lever.delta_cost) if lever.applicable else "—", right=True, colour=muted),
                _item(per_money, right=True, colour=muted),
                _item(_effect_text(lever), tooltip=lever.explanation, colour=muted),
            ]
            for column, item in enumerate(cells):
                item.setData(Qt.ItemDataRole.UserRole, row)
                table.setItem(row, column, item)
        if selected is not None:
            for row, lever in enumerate(levers):
                if lever.key == selected.key:
                    table.selectRow(row)
                    break
        lever_column = LEVER_COLUMNS.index("Lever")
        table.horizontalHeader().resizeSection(lever_column, min(table.sizeHintForColumn(lever_column) + 12, 300))
        self._on_levers_table_selection_changed()
        applicable = sum(lever.applicable for lever in levers)
        self._levers_status_label.setText(f"{applicable} of {len(levers)} levers apply to this scenario.")

    def _update_allocation(self) -> None:
        assert self._recommendations is not None
        allocation = self._recommendations.allocation
        scenario = self._recommendations.scenario
        units = display_settings()
        rows = list(allocation.shares)
        self._allocation_table.setRowCount(len(rows))
        seconds = scenario.campaign.seconds_per_item
        for row, name in enumerate(rows):
            optimal, current = allocation.shares[name], allocation.current_shares.get(name, 0.0)
            moved = abs(optimal - current) >= 0.005
            colour = GAIN_COLOUR if moved else None
            self._allocation_table.setItem(row, 0, _item(name))
            self._allocation_table.setItem(row, 1, _item(f"{100 * current:.0f} %", right=True))
            self._allocation_table.setItem(row, 2, _item(f"{100 * optimal:.0f} %", right=True, colour=colour))
            self._allocation_table.setItem(row, 3, _item(f"{optimal * seconds:.1f} s", right=True,
                                                         tooltip="Share of the time per item, before reading time"))
        # As tall as its rows (up to six): the optimiser's plot gets the rest.
        table = self._allocation_table
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
                             + min(max(len(rows), 1), 6) * table.verticalHeader().defaultSectionSize())
        gain = allocation.gain_nats
        if gain > 1e-9:
            text = (f"Water-filled shares carry {units.format_info(allocation.capacity_nats, 3, per_item=True)}, "
                    f"{units.format_info(gain, 3)} more than the current split.")
        else:
            text = (f"The current split is already optimal to the grid's resolution "
                    f"({units.format_info(allocation.capacity_nats, 3, per_item=True)}).")
        if len(rows) == 1:
            text = "One question: it gets all of the judgment time."
        self._allocation_label.setText(text)

    def _update_solve_current(self) -> None:
        unknown = self._solve_combo.currentData()
        scenario = self._state.scenario
        current = _current_value(scenario, unknown)
        if unknown == "budget" and current is None:
            self._solve_current_label.setText("no budget cap set")
        else:
            self._solve_current_label.setText(f"now {_solve_value_text(unknown, current, scenario.campaign.currency)}")

    def _update_solve(self) -> None:
        result = self._solve_result
        assert result is not None
        currency = self._state.scenario.campaign.currency
        # The value label stays short; the floor's threshold is in the message below it.
        if result.reachable:
            self._solve_value_label.setStyleSheet(f"color: {GAIN_COLOUR}")
            self._solve_value_label.setText(_solve_value_text(result.unknown, result.value, currency))
        else:
            self._solve_value_label.setStyleSheet(f"color: {LOSS_COLOUR}")
            best = _solve_value_text(result.unknown, result.best_value, currency)
            self._solve_value_label.setText(
                f"unreachable — best {best}, risk {result.best_risk:.4f}" if result.best_value is not None
                else f"unreachable — best risk {result.best_risk:.4f}")
        self._solve_message_label.setStyleSheet("")
        self._solve_message_label.setText(result.message)

    def _update_constraints_from_scenario(self) -> None:
        scenario = self._state.scenario
        campaign = scenario.campaign
        self._budget_spin.setSuffix(f" {campaign.currency}")
        self._budget_spin.setValue(campaign.budget_cap or 0.0)
        self._deadline_spin.setValue(campaign.deadline_hours or 0.0)
        self._available_spin.setValue(campaign.raters_available or 0)
        self._max_raters_spin.setValue(max(DEFAULT_MAX_RATERS, scenario.raters.per_item))
        self._update_format_checks(force=True)
        self._update_optimizer_controls()

    def _update_format_checks(self, *, force: bool = False) -> None:
        scenario = self._state.scenario
        options = [(q.name, [f.label() for f in default_formats(q.format)]) for q in scenario.questions]
        signature = tuple((name, tuple(labels)) for name, labels in options)
        if signature == self._formats_signature and not force:
            return  # same questions and formats: keep what the user ticked
        self._formats_signature = signature
        while self._formats_grid.count():
            item = self._formats_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        self._format_checks = {}
        for row, (name, labels) in enumerate(options):
            title = QLabel(name if len(name) <= 28 else name[:27] + "…")
            title.setToolTip(name)
            self._formats_grid.addWidget(title, row, 0)
            for column, label in enumerate(labels, start=1):
                check = QCheckBox(label)
                check.setChecked(True)
                check.setToolTip(f"Let the optimiser ask {name!r} as {label}")
                check.toggled.connect(self._on_format_check_toggled)
                self._format_checks[(name, label)] = check
                self._formats_grid.addWidget(check, row, column)
        self._formats_grid.setColumnStretch(len(max((labels for _, labels in options), key=len, default=[])) + 1, 1)

    def _allowed_formats(self) -> dict[str, list[str]]:
        allowed: dict[str, list[str]] = {q.name: [] for q in self._state.scenario.questions}
        for (name, label), check in self._format_checks.items():
            if check.isChecked() and name in allowed:
                allowed[name].append(label)
        return allowed

    def _update_optimizer_controls(self) -> None:
        running = self._optimize_job is not None
        every_question = all(self._allowed_formats().values())
        self._optimize_button.setEnabled(not running and every_question)
        self._cancel_button.setEnabled(running)
        for widget in (self._budget_spin, self._deadline_spin, self._available_spin, self._max_raters_spin,
                       *self._format_checks.values()):
            widget.setEnabled(not running)

    def _show_optimization(self, result: OptimizationResult) -> None:
        self._optimization = result
        scenario = self._state.scenario
        currency = scenario.campaign.currency
        frontier = list(result.frontier)
        recommended_index = None
        if result.recommended is not None:
            # The recommended design is drawn on the frontier; the frontier keeps the designs that are
            # non-dominated in (cost, floor), so it is added where the floor alone would drop it.
            evaluation = result.recommended_evaluation
            design = result.recommended
            formats = tuple(q.format.label() for q in design.questions)
            recommended_index = next((i for i, p in enumerate(frontier)
                                      if (p.raters, p.seconds_per_item, p.formats)
                                      == (design.raters.per_item, design.campaign.seconds_per_item, formats)), None)
            if recommended_index is None:
                frontier.append(FrontierPoint(
                    cost=evaluation.cost, floor=evaluation.floor, ceiling=evaluation.ceiling,
                    capacity_nats=evaluation.capacity_nats, raters=result.recommended.raters.per_item,
                    seconds_per_item=result.recommended.campaign.seconds_per_item,
                    formats=formats,
                    scenario=result.recommended, rater_hours=evaluation.rater_hours,
                    time_shares=evaluation.time_shares, checked=True, achievable=evaluation.achievable,
                    verdict=evaluation.verdict))
                recommended_index = len(frontier) - 1
        current = None
        if self._recommendations is not None and self._recommendations.scenario == scenario:
            current = (self._recommendations.evaluation.cost, self._recommendations.evaluation.achievable)
        self._pareto.set_frontier([p.cost for p in frontier], [p.floor for p in frontier],
                                  achievable=[p.achievable for p in frontier],
                                  target=scenario.target.target_risk, currency=currency,
                                  recommended=recommended_index, current=current)
        self._optimize_progress.setRange(0, 1)
        self._optimize_progress.setValue(1)
        self._optimize_progress.setFormat("Cancelled: partial result" if result.cancelled else "Done")
        prefix = "Cancelled; the best found so far: " if result.cancelled else ""
        if result.recommended is not None:
            self._optimize_status_label.setStyleSheet("")
            self._optimize_status_label.setText(
                f"{prefix}Recommended: {_design_text(result.recommended, result.recommended_evaluation)}")
        else:
            self._optimize_status_label.setStyleSheet(ERROR_STYLE)
            self._optimize_status_label.setText(f"{prefix}{result.message}")
        self._save_design_button.setEnabled(result.recommended is not None)
        self._update_optimizer_controls()
        self.optimization_finished.emit(result)

    def _selected_lever(self) -> LeverResult | None:
        if self._recommendations is None:
            return None
        rows = self._levers_table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        levers = self._recommendations.levers
        return levers[row] if 0 <= row < len(levers) else None

    def _create(self, scenario: Scenario, summary: str, status: QLabel) -> int | None:
        try:
            stored = create_unique(self._store, scenario, summary=summary)
        except AdvisorError as error:
            status.setStyleSheet(ERROR_STYLE)
            status.setText(f"Cannot store the scenario: {error}")
            return None
        status.setStyleSheet("")
        status.setText(f"Stored “{stored.name}” as a new scenario.")
        self.scenario_created.emit(stored.id)
        return stored.id


def preview_recommendations(folder: Path) -> RecommendationsWidget:
    """The tab on the preview example scenario, storing into a new database in ``folder``."""
    from advisor.storage.store import ScenarioStore
    from ui.core.preview import preview_scenario

    store = ScenarioStore.open(folder / "recommendations.sqlite", seed=False)
    widget = RecommendationsWidget(ScenarioState(preview_scenario()), store)
    widget.setWindowTitle("Recommendations — Annotation Advisor preview")
    widget.resize(1500, 950)
    return widget


def main() -> None:
    """Open the tab on an example scenario with a temporary database."""
    import tempfile

    from ui.core.preview import preview_app, run_preview

    preview_app()
    widget = preview_recommendations(Path(tempfile.mkdtemp(prefix="annotation-advisor-recommendations-")))
    run_preview(widget, title="Recommendations", size=(1500, 950))


if __name__ == "__main__":
    main()
