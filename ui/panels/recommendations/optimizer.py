"""The optimiser panel: the cheapest design that reaches the target, under constraints.

Runs :func:`advisor.planning.optimize.optimize` when asked (it searches
thousands of designs) in a :class:`~ui.core.workers.LatestJobRunner` with a
thread pool of its own, with progress and Cancel (the search then returns the
best found so far); draws the Pareto frontier of cost against floor and offers
to store the recommended design (the tab stores it).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from advisor.evaluation.evaluate import VERDICT_WORDS
from advisor.evaluation.results import Evaluation
from advisor.planning.optimize import (DEFAULT_MAX_RATERS, OptimizationResult, default_formats,
                                      frontier_with_recommended, optimize)
from advisor.scenario.schema import MAX_RATERS, Scenario
from advisor.scenario.state import ScenarioState
from advisor.units import counted, money
from ui.core.bindings import connect_to_widget
from ui.core.focus import set_enabled_keeping_place
from ui.core.workers import LatestJobRunner, dedicated_pool
from ui.panels.recommendations.appearance import ERROR_STYLE, UNDECIDED_COLOUR
from ui.widgets.job_progress import show_job_outcome, show_job_progress
from ui.widgets.labels import WrappingLabel
from ui.widgets.pareto import NOT_RUN_MESSAGE, ParetoPlotWidget
from ui.widgets.spin_boxes import guard_wheel

OPTIMIZER_POOL = ("optimizer", 1)
"""The optimiser's own thread pool (name, threads): it never waits behind the tab's other searches."""
QUESTION_NAME_CHARS = 28
"""A longer question name is shortened in the formats grid (the tooltip has it whole)."""


def design_text(scenario: Scenario, evaluation: Evaluation | None) -> str:
    """A design in one sentence: raters, time, items, formats and (when given) what it attains, its
    label error per item among it (a design that meets the target on the value model may still get
    half of its items' labels wrong, and a practitioner reads both)."""
    formats = ", ".join(f"{q.name}: {q.format.label()}" for q in scenario.questions)
    text = (f"{counted(scenario.raters.per_item, 'rater')} × {scenario.campaign.seconds_per_item:.1f} s per item on "
            f"{scenario.campaign.items:,} items; {formats}")
    if evaluation is not None:
        text += (f". Cost {money(evaluation.cost, evaluation.currency)}, floor {evaluation.floor:.4f}, "
                 f"achievable risk {evaluation.achievable:.4f}, label error per item {evaluation.label_error:.4f}, "
                 f"verdict: {VERDICT_WORDS[evaluation.verdict]}.")
    return text


PROGRESS_FORMAT = "%v of at most %m designs and checks"
"""The optimiser's bar while it runs: designs screened, then exact checks, of the most there can be."""
STALE_TEXT = "This result is for the design before your latest edits; run again."
"""Said above the recommendation once the scenario's numbers differ from those searched."""
STALE_OUTCOME = "Out of date"
"""The progress bar's text then (it said "Done")."""
NO_DESIGN_OUTCOME = "Finished: no design within the constraints"
"""The bar's text after a search that found no design keeping to the budget, deadline and raters."""
NONE_MEETS_OUTCOME = "Finished: no design meets the target"
"""The bar's text after a search whose designs all miss the target."""
NO_DESIGN_NOTE = "No design keeps to these constraints:\nsee the message below."
"""The empty frontier's note after a search that found no design within the constraints."""


class OptimizerWidget(QGroupBox):
    """Constraints, Run and Cancel, the Pareto frontier, and "Save the recommended design".

    Parameters
    ----------
    state
        The scenario being edited: the search starts from its current scenario.
    parent
        Owning widget.

    Signals
    -------
    optimization_finished(object)
        The optimiser's :class:`advisor.planning.optimize.OptimizationResult`,
        shown (also when it was cancelled: then its ``cancelled`` is True).
    save_requested()
        The user asked to store the recommended design; the tab stores it and
        reports with :meth:`show_status`.
    """

    optimization_finished = Signal(object)
    save_requested = Signal()

    def __init__(self, state: ScenarioState, parent: QWidget | None = None):
        super().__init__("Optimiser: the cheapest design that reaches the target", parent)
        self._state = state
        self._result: OptimizationResult | None = None
        self._searched: Scenario | None = None
        self._current: Evaluation | None = None
        self._outcome = ""
        """How the search shown ended, for the progress bar ("Done", …) while its result is current."""
        self._runner = LatestJobRunner(optimize, self, pool=dedicated_pool(*OPTIMIZER_POOL))
        self._runner.result_ready.connect(self._on_runner_result_ready)
        self._runner.failed.connect(self._on_runner_failed)
        self._runner.cancelled.connect(self._on_runner_cancelled)
        self._runner.progress_changed.connect(self._on_runner_progress_changed)
        self._runner.busy.connect(self._on_runner_busy)
        self._build()
        self.reset_constraints()
        # A result is of the scenario searched: another one opened takes it away (saving it would
        # store the other scenario's design under the new one's name).
        connect_to_widget(state.loaded, self._on_state_loaded, self)
        # An edit of the numbers makes the result one of another design: it says so (a rename does not).
        connect_to_widget(state.changed, self._on_state_changed, self)

    def _build(self) -> None:
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
        # Scrolling the tab past the constraints must not change them under the pointer.
        for spin in (self._budget_spin, self._deadline_spin, self._available_spin, self._max_raters_spin):
            guard_wheel(spin)
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

        self._run_button = QPushButton("Find the cheapest design")
        self._run_button.clicked.connect(self._on_run_button_clicked)
        self._cancel_button = QPushButton("Cancel")
        self._cancel_button.setEnabled(False)
        self._cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self._progress = QProgressBar()
        self._progress.setRange(0, 1)
        self._progress.setValue(0)
        self._progress.setFormat("")
        run_row = QHBoxLayout()
        run_row.addWidget(self._run_button)
        run_row.addWidget(self._progress, 1)
        run_row.addWidget(self._cancel_button)

        self._pareto = ParetoPlotWidget()
        self._pareto.setMinimumHeight(220)
        # Wrapping labels that report their height for their width: a plain word-wrapped QLabel got
        # one line's height, and its other lines were drawn over the plot's axis title.
        self._stale_label = WrappingLabel(STALE_TEXT)
        self._stale_label.setStyleSheet(f"color: {UNDECIDED_COLOUR}; font-weight: bold")
        self._stale_label.setVisible(False)
        self._status_label = WrappingLabel()
        self._status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._save_button = QPushButton("Save the recommended design")
        self._save_button.setToolTip("Store the recommended design as a new scenario")
        self._save_button.setEnabled(False)
        self._save_button.clicked.connect(self._on_save_button_clicked)
        save_row = QHBoxLayout()
        save_row.addStretch(1)
        save_row.addWidget(self._save_button)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(run_row)
        layout.addWidget(self._pareto, 1)
        layout.addWidget(self._stale_label)
        layout.addWidget(self._status_label)
        layout.addLayout(save_row)

    # ------------------------------------------------------------ public API
    @property
    def result(self) -> OptimizationResult | None:
        """The last result shown (None before a run, and while one runs)."""
        return self._result

    @property
    def is_running(self) -> bool:
        return self._runner.is_busy

    @property
    def run_button(self) -> QPushButton:
        return self._run_button

    @property
    def cancel_button(self) -> QPushButton:
        return self._cancel_button

    @property
    def save_button(self) -> QPushButton:
        return self._save_button

    @property
    def progress_bar(self) -> QProgressBar:
        return self._progress

    @property
    def stale_label(self) -> QLabel:
        """Shown while the result is of numbers other than the scenario's (:data:`STALE_TEXT`)."""
        return self._stale_label

    def is_stale(self) -> bool:
        """Whether a result is shown and the scenario's numbers have changed since its search started."""
        return (self._result is not None and self._searched is not None
                and not self._state.scenario.same_numbers(self._searched))

    @property
    def budget_spin(self) -> QDoubleSpinBox:
        """The budget cap, in the scenario's currency (0: no cap)."""
        return self._budget_spin

    @property
    def max_raters_spin(self) -> QSpinBox:
        return self._max_raters_spin

    @property
    def pareto(self) -> ParetoPlotWidget:
        return self._pareto

    @property
    def format_checks(self) -> dict[tuple[str, str], QCheckBox]:
        """The check box of each (question, format label) the optimiser may choose."""
        return dict(self._format_checks)

    def constraints(self) -> dict[str, Any]:
        """The optimiser's keyword arguments from the constraints form."""
        return {
            "budget_cap": self._budget_spin.value() or None,
            "deadline_hours": self._deadline_spin.value() or None,
            "raters_available": self._available_spin.value() or None,
            "allowed_formats": self._allowed_formats(),
            "max_raters": self._max_raters_spin.value(),
        }

    def start(self) -> None:
        """Run the optimiser on the current scenario with the form's constraints."""
        if self._runner.is_busy:
            return
        constraints = self.constraints()
        empty = [name for name, formats in constraints["allowed_formats"].items() if not formats]
        if empty:
            self.show_status(f"Allow at least one format for {', '.join(map(repr, empty))}.", error=True)
            return
        self._result = None
        self._searched = self._state.scenario
        self._stale_label.setVisible(False)
        self._save_button.setEnabled(False)
        self._pareto.clear("Searching…")
        self.show_status("Searching designs…")
        self._progress.setRange(0, 0)
        self._progress.setFormat("")
        self._runner.submit_now(self._state.scenario, **constraints)

    def cancel(self) -> None:
        """Ask a running search to stop; it returns what it has found so far."""
        if self._runner.is_busy:
            self._runner.cancel()
            self._status_label.setText("Cancelling…")

    def show_status(self, text: str, *, error: bool = False) -> None:
        """The line below the plot: the recommendation, or what became of a save."""
        self._status_label.setStyleSheet(ERROR_STYLE if error else "")
        self._status_label.setText(text)

    def set_current_evaluation(self, evaluation: Evaluation | None) -> None:
        """The evaluation of the design being edited: its square on the frontier shown, moved there when
        it is of the scenario open (after an edit, the frontier is marked out of date and the square shows
        where the edited design stands against it)."""
        self._current = evaluation
        if self._result is not None and evaluation is not None and evaluation.scenario == self._state.scenario:
            self._draw_frontier()

    def reset_constraints(self) -> None:
        """Fill the constraints from the scenario (after another scenario is opened)."""
        scenario = self._state.scenario
        campaign = scenario.campaign
        self._budget_spin.setSuffix(f" {campaign.currency}")
        self._budget_spin.setValue(campaign.budget_cap or 0.0)
        self._deadline_spin.setValue(campaign.deadline_hours or 0.0)
        self._available_spin.setValue(campaign.raters_available or 0)
        self._max_raters_spin.setValue(max(DEFAULT_MAX_RATERS, scenario.raters.per_item))
        self.update_format_choices(force=True)

    def update_format_choices(self, *, force: bool = False) -> None:
        """One row of format boxes per question; kept as ticked while the questions and formats stay."""
        scenario = self._state.scenario
        options = [(q.name, [f.label() for f in default_formats(q.format)]) for q in scenario.questions]
        signature = tuple((name, tuple(labels)) for name, labels in options)
        if signature != self._formats_signature or force:
            self._formats_signature = signature
            self._fill_formats_grid(options)
        self._update_controls()

    # ------------------------------------------------------------ refreshers
    def _fill_formats_grid(self, options: list[tuple[str, list[str]]]) -> None:
        while self._formats_grid.count():
            item = self._formats_grid.takeAt(0)
            if item.widget() is not None:
                item.widget().hide()
                item.widget().deleteLater()
        self._format_checks = {}
        for row, (name, labels) in enumerate(options):
            title = QLabel(name if len(name) <= QUESTION_NAME_CHARS else name[:QUESTION_NAME_CHARS - 1] + "…")
            title.setToolTip(name)
            self._formats_grid.addWidget(title, row, 0)
            for column, label in enumerate(labels, start=1):
                check = QCheckBox(label)
                check.setChecked(True)
                check.setToolTip(f"Let the optimiser ask {name!r} as {label}")
                check.toggled.connect(self._on_format_check_toggled)
                self._format_checks[(name, label)] = check
                self._formats_grid.addWidget(check, row, column)
        # The column after the widest row takes the spare width; a column that took it for another
        # scenario gives it back (a stretch left on column 3 opened a gap after a 4-format row's 2nd box).
        last = len(max((labels for _, labels in options), key=len, default=[])) + 1
        for column in range(max(self._formats_grid.columnCount(), last + 1)):
            self._formats_grid.setColumnStretch(column, 1 if column == last else 0)

    def _allowed_formats(self) -> dict[str, list[str]]:
        allowed: dict[str, list[str]] = {q.name: [] for q in self._state.scenario.questions}
        for (name, label), check in self._format_checks.items():
            if check.isChecked() and name in allowed:
                allowed[name].append(label)
        return allowed

    def _update_controls(self) -> None:
        running = self._runner.is_busy
        every_question = all(self._allowed_formats().values())
        # Cancel first: a run started from the keyboard hands the run button's focus to it.
        self._cancel_button.setEnabled(running)
        set_enabled_keeping_place(self._run_button, not running and every_question)
        for widget in (self._budget_spin, self._deadline_spin, self._available_spin, self._max_raters_spin,
                       *self._format_checks.values()):
            widget.setEnabled(not running)

    def _draw_frontier(self) -> list:
        """The result's frontier, with the square of the open scenario's design when its evaluation is
        at hand. The target and currency are those of the scenario searched. Returns the designs drawn
        (:func:`frontier_with_recommended`)."""
        result, searched = self._result, self._searched
        frontier, recommended_index = frontier_with_recommended(result)
        current = None
        if self._current is not None and self._current.scenario == self._state.scenario:
            current = (self._current.cost, self._current.achievable)
        # The lines join the frontier's designs; a recommended design that is not one of them (refined
        # below the search's time grid, or dominated by a cheaper one) is its star and markers only.
        inserted = recommended_index if len(frontier) > len(result.frontier) else None
        if not frontier and result.cancelled:
            self._pareto.clear("Cancelled before any design on the frontier was evaluated.")
        elif not frontier:
            self._pareto.clear(NO_DESIGN_NOTE)
        else:
            self._pareto.set_frontier([p.cost for p in frontier], [p.floor for p in frontier],
                                      achievable=[p.achievable for p in frontier],
                                      target=searched.target.target_risk, currency=searched.campaign.currency,
                                      recommended=recommended_index, current=current, off_line=inserted)
        return frontier

    def _show_result(self, result: OptimizationResult) -> None:
        self._result = result
        frontier = self._draw_frontier()
        if result.cancelled:
            self._outcome = "Cancelled: partial result"
        elif result.recommended is None:
            # Not "Done" beside a red "no design": the search finished without an answer.
            self._outcome = NONE_MEETS_OUTCOME if frontier else NO_DESIGN_OUTCOME
        else:
            self._outcome = "Done"
        show_job_outcome(self._progress, self._outcome, delivered=bool(frontier) or result.recommended is not None)
        prefix = "Cancelled; the best found so far: " if result.cancelled else ""
        if result.recommended is not None:
            self.show_status(f"{prefix}Recommended: {design_text(result.recommended, result.recommended_evaluation)}")
        else:
            self.show_status(f"{prefix}{result.message}", error=True)
        self._save_button.setEnabled(result.recommended is not None)
        # Edited while it ran: the result is already one of the design before the edits.
        self._show_staleness()
        self.optimization_finished.emit(result)

    def _show_staleness(self) -> None:
        stale = self.is_stale()
        self._stale_label.setVisible(stale)
        if self._result is not None:
            self._progress.setFormat(STALE_OUTCOME if stale else self._outcome)

    # ------------------------------------------------------------ handlers
    def _on_run_button_clicked(self) -> None:
        self.start()

    def _on_cancel_button_clicked(self) -> None:
        self.cancel()

    def _on_save_button_clicked(self) -> None:
        self.save_requested.emit()

    def _on_format_check_toggled(self, _checked: bool) -> None:
        self._update_controls()

    def _on_runner_busy(self, _busy: bool) -> None:
        self._update_controls()

    def _on_runner_progress_changed(self, done: int, total: int) -> None:
        show_job_progress(self._progress, int(done), int(total))
        # The total is the designs to screen plus the most exact checks there can be (the search
        # stops checking once it has its answer), so it is a bound, and not all of it is designs.
        self._progress.setFormat(PROGRESS_FORMAT)

    def _on_runner_result_ready(self, result: OptimizationResult) -> None:
        self._show_result(result)

    def _on_runner_cancelled(self) -> None:
        show_job_outcome(self._progress, "Cancelled")
        self._pareto.clear("Cancelled.")
        self.show_status("Cancelled.")

    def _on_state_changed(self, _scenario: Scenario) -> None:
        self._show_staleness()

    def _on_state_loaded(self, scenario: Scenario) -> None:
        # The same numbers opened again (the open scenario reloaded after a deletion) keep the search.
        if self._searched is None or not scenario.same_numbers(self._searched):
            self.forget()

    def forget(self) -> None:
        """Drop the result shown, and any search still running: they are of another scenario."""
        self._runner.discard()
        self._result = None
        self._searched = None
        self._stale_label.setVisible(False)
        self._save_button.setEnabled(False)
        self._pareto.clear(NOT_RUN_MESSAGE)
        self.show_status("")
        show_job_outcome(self._progress, "")
        self._update_controls()

    def _on_runner_failed(self, error: BaseException) -> None:
        show_job_outcome(self._progress, "Failed")
        self._pareto.clear("No result.")
        self.show_status(f"The optimiser stopped: {error}", error=True)
