"""The Recommendations tab: the five panels on the scenario being edited.

Diagnosis, levers and time allocation come from one
:func:`advisor.planning.analysis.analyse` of the scenario, computed here in a
:class:`~ui.core.workers.LatestJobRunner` a short quiet time after an edit that
changes a number (a newer edit supersedes the running analysis); when the
results tab has already evaluated that very scenario, its evaluation is reused
(:meth:`RecommendationsWidget.use_evaluation`), so an edit evaluates it once.
Solve-for follows the same edits with a runner of its own; the optimiser runs
when asked. A hidden tab computes nothing and catches up when it is shown.
The tab also stores the scenarios its panels offer (an applied lever, the
optimiser's design).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from advisor.errors import AdvisorError
from advisor.evaluation.results import Evaluation
from advisor.planning.analysis import Analysis, analyse
from advisor.planning.optimize import OptimizationResult
from advisor.planning.solve import SolveResult
from advisor.progress import ProgressCallback
from advisor.scenario.creation import MAX_NAME_LENGTH, create_with_free_name
from advisor.scenario.schema import Scenario
from advisor.scenario.state import ScenarioState
from ui.core.bindings import connect_to_widget
from ui.core.focus import set_enabled_keeping_place
from ui.core.workers import LatestJobRunner, dedicated_pool
from ui.panels.recommendations.allocation import TimeAllocationWidget
from ui.panels.recommendations.diagnosis import DiagnosisWidget
from ui.panels.recommendations.levers import LeversWidget
from ui.panels.recommendations.optimizer import OptimizerWidget
from ui.panels.recommendations.solve_for import SEARCH_POOL, SolveForWidget
from ui.widgets.labels import keep_wrapped_text_in_view
from ui.widgets.scrolling import vertical_scroll_area
from ui.widgets.splitters import two_pane_splitter

DEBOUNCE_MS = 250
"""Quiet time after the last edit before recomputing, ms: the levers evaluate
the scenario a dozen times, so a spin box held down must not start each one."""
STACKED_LEVERS_HEIGHT = 640
"""Height of the diagnosis and the levers (px) when the searches are below them."""
STACKED_DIAGNOSIS_HEIGHT = 170
"""Of which the diagnosis (px)."""
BESIDE_SIZES = (900, 600)
"""Widths (px) of the levers and the searches side by side, before the splitter stretches them."""


class EvaluationAtHand:
    """The newest evaluation the results tab delivered, for the analysis job to reuse.

    The job reads it in its worker thread when it starts, after the quiet
    time, by which the results tab has usually evaluated the same scenario.
    Replacing the reference is atomic, and evaluations are immutable.
    """

    def __init__(self) -> None:
        self.evaluation: Evaluation | None = None

    def of(self, scenario: Scenario) -> Evaluation | None:
        """The evaluation at hand if it was computed from ``scenario``, else None."""
        evaluation = self.evaluation
        return evaluation if evaluation is not None and evaluation.scenario == scenario else None


def analyse_for_tab(scenario: Scenario, at_hand: EvaluationAtHand, *,
                    progress: ProgressCallback | None = None) -> Analysis:
    """Diagnosis, ranked levers and time allocation of ``scenario`` (for a worker thread).

    Reuses the evaluation ``at_hand`` when it is of ``scenario``; ``progress``
    as in :mod:`advisor.progress` (:class:`advisor.errors.Cancelled` when it
    returns False).
    """
    return analyse(scenario, allocation=True, evaluation=at_hand.of(scenario), progress=progress)


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
    evaluation
        An evaluation at hand (the results tab's), reused when it is of the
        scenario analysed; later ones come through :meth:`use_evaluation`.

    Signals
    -------
    scenario_created(int)
        The stored id of a scenario this widget created.
    recommendations_ready(object)
        The :class:`advisor.planning.analysis.Analysis` of the current scenario
        (diagnosis, levers, allocation), once shown.
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

    def __init__(self, state: ScenarioState, store, parent: QWidget | None = None, *,
                 evaluation: Evaluation | None = None):
        super().__init__(parent)
        self._state = state
        self._store = store
        self._recommendations: Analysis | None = None
        self._evaluation_at_hand = EvaluationAtHand()
        self._evaluation_at_hand.evaluation = evaluation
        self._stale = False
        self._requested: Scenario | None = None
        """The scenario of the newest recommendations asked for."""
        self._runner = LatestJobRunner(analyse_for_tab, self, debounce_ms=DEBOUNCE_MS,
                                       pool=dedicated_pool(*SEARCH_POOL))
        self._runner.result_ready.connect(self._on_runner_result_ready)
        self._runner.failed.connect(self._on_runner_failed)
        self._runner.progress_changed.connect(self._on_runner_progress_changed)

        self._diagnosis = DiagnosisWidget()
        self._levers = LeversWidget()
        self._levers.apply_requested.connect(self._on_levers_apply_requested)
        self._allocation = TimeAllocationWidget()
        self._solve = SolveForWidget(state.scenario, debounce_ms=DEBOUNCE_MS)
        self._solve.solve_ready.connect(self.solve_ready)
        self._optimizer = OptimizerWidget(state)
        self._optimizer.optimization_finished.connect(self.optimization_finished)
        self._optimizer.save_requested.connect(self._on_optimizer_save_requested)
        self._build()

        connect_to_widget(state.changed, self._on_state_changed, self)
        connect_to_widget(state.identity_changed, self._on_state_identity_changed, self)
        self._start(now=True)

    def _build(self) -> None:
        # Left: what limits the scenario and what to change (the levers table
        # needs the width for its numbers); right: the searches.
        left = two_pane_splitter(Qt.Orientation.Vertical, self._diagnosis, self._levers, stretch=(1, 3))

        right = QWidget()
        # The searches' column asks for the height its wrapped texts need at its width (the splitter
        # passes on its least height alone: the optimiser's message was laid over its plot).
        keep_wrapped_text_in_view(right)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self._solve)
        right_layout.addWidget(self._allocation)
        right_layout.addWidget(self._optimizer, 1)

        splitter = two_pane_splitter(Qt.Orientation.Horizontal, left, right, stretch=(3, 2), sizes=BESIDE_SIZES)
        self._splitter, self._searches = splitter, right
        # Too narrow for the levers' numbers beside the searches (a 1280-px
        # screen with the library open), the searches go below the levers and
        # the tab scrolls: a column hidden behind a scroll bar is easy to miss.
        scroll = vertical_scroll_area(splitter)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)

    # ------------------------------------------------------------ public API
    @property
    def recommendations(self) -> Analysis | None:
        """What the diagnosis, levers and allocation show (None while the first analysis runs)."""
        return self._recommendations

    @property
    def solve_result(self) -> SolveResult | None:
        return self._solve.result

    @property
    def optimization(self) -> OptimizationResult | None:
        """The last optimiser result shown (None before a run)."""
        return self._optimizer.result

    @property
    def diagnosis_panel(self) -> DiagnosisWidget:
        return self._diagnosis

    @property
    def levers_panel(self) -> LeversWidget:
        return self._levers

    @property
    def allocation_panel(self) -> TimeAllocationWidget:
        return self._allocation

    @property
    def solve_panel(self) -> SolveForWidget:
        return self._solve

    @property
    def optimizer_panel(self) -> OptimizerWidget:
        return self._optimizer

    @property
    def analyses_started(self) -> int:
        """How many analyses were asked for so far (an edit of a name or notes asks for none)."""
        return self._runner.generation

    def is_busy(self) -> bool:
        """True while any panel is computing (or waiting for its quiet time)."""
        return self._runner.is_busy or self._solve.is_busy or self._optimizer.is_running

    @property
    def is_optimizing(self) -> bool:
        return self._optimizer.is_running

    def use_evaluation(self, evaluation: Evaluation) -> None:
        """Reuse ``evaluation`` (the results tab's, of the scenario it was computed from) when analysing that scenario."""
        self._evaluation_at_hand.evaluation = evaluation

    def select_lever(self, row: int) -> None:
        """Select the lever in ``row`` of the ranked table."""
        self._levers.select_lever(row)

    def apply_selected_lever(self) -> int | None:
        """Store the selected lever's scenario as a new scenario; returns its id (None when nothing is
        stored: no lever with a scenario is selected, or it was stored since it was selected)."""
        lever = self._levers.selected_lever()
        # Once per lever selected: a second press or a double click stored a copy under "… (2)".
        if lever is None or lever.scenario is None or not self._levers.can_apply():
            return None
        base = self._recommendations.scenario.name if self._recommendations else lever.scenario.name
        named = lever.scenario.with_changes({"name": f"{base} — {lever.title}"[:MAX_NAME_LENGTH]})
        stored = self._store_new(named, f"lever applied: {lever.title}"[:200], self._levers.show_status)
        if stored is not None:
            self._levers.mark_applied()
        return stored

    def set_solve_unknown(self, unknown: str) -> None:
        """Solve for ``unknown`` (one of :data:`advisor.planning.solve.UNKNOWNS`)."""
        self._solve.set_unknown(unknown)

    def constraints(self) -> dict[str, Any]:
        """The optimiser's keyword arguments from the constraints form."""
        return self._optimizer.constraints()

    def start_optimizer(self) -> None:
        """Run the optimiser with the form's constraints (in a worker)."""
        self._optimizer.start()

    def cancel_optimizer(self) -> None:
        """Ask a running optimiser to stop; it returns what it has found so far."""
        self._optimizer.cancel()

    def save_recommended_design(self) -> int | None:
        """Store the optimiser's recommended design as a new scenario; returns its id."""
        result = self._optimizer.result
        if result is None or result.recommended is None:
            return None
        name = f"{self._state.scenario.name} — optimised"[:MAX_NAME_LENGTH]
        stored = self._store_new(result.recommended.with_changes({"name": name}), "recommended by the optimiser",
                                 self._optimizer.show_status)
        if stored is not None:
            # Stored once: a second press made "— optimised (2)", a copy of the same design.
            set_enabled_keeping_place(self._optimizer.save_button, False)
        return stored

    def stacked(self) -> bool:
        """Whether the searches are below the levers (a narrow tab) rather than beside them."""
        return self._splitter.orientation() == Qt.Orientation.Vertical

    # ------------------------------------------------------------ refreshers
    def _start(self, *, now: bool) -> None:
        """Analyse and solve the current scenario (after the quiet time unless ``now``)."""
        scenario = self._state.scenario
        self._requested = scenario
        self._diagnosis.set_status("Updating…")
        self._levers.show_busy()
        if now:
            self._runner.submit_now(scenario, self._evaluation_at_hand)
        else:
            self._runner.submit(scenario, self._evaluation_at_hand)
        self._solve.set_scenario(scenario, now=now)

    def _store_new(self, scenario: Scenario, summary: str, show_status) -> int | None:
        try:
            stored = create_with_free_name(self._store, scenario, summary=summary)
        except AdvisorError as error:
            show_status(f"Cannot store the scenario: {error}", error=True)
            return None
        show_status(f"Stored “{stored.name}” as a new scenario.")
        self.scenario_created.emit(stored.id)
        return stored.id

    def _fit_orientation(self) -> None:
        margins = self.layout().contentsMargins()
        width = self.width() - margins.left() - margins.right()
        beside = (self._levers.width_needed() + self._searches.minimumSizeHint().width()
                  + self._splitter.handleWidth())
        wanted = Qt.Orientation.Horizontal if width >= beside else Qt.Orientation.Vertical
        if self._splitter.orientation() == wanted:
            return
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
            self._splitter.setSizes(list(BESIDE_SIZES))

    # ------------------------------------------------------------ handlers
    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_orientation()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._stale:
            self._stale = False
            self._start(now=True)
        super().showEvent(event)

    def _on_state_changed(self, scenario: Scenario) -> None:
        if self._requested is not None and self._requested.same_numbers(scenario) and not self._stale:
            return  # a new name, notes or tags: the levers and searches stay as they are
        self._optimizer.update_format_choices()
        if self.window().isVisible() and not self.isVisible():
            # Another tab is on top: computing now would only compete with the
            # live results for the processor. Catch up when this tab is shown.
            self._stale = True
            self._diagnosis.set_status("Scenario changed: updating…")
            return
        self._start(now=False)

    def _on_state_identity_changed(self, _stored_id: object, _revision: object) -> None:
        self._optimizer.reset_constraints()

    def _on_runner_progress_changed(self, done: int, total: int) -> None:
        self._levers.set_progress(done, total)

    def _on_runner_result_ready(self, analysis: Analysis) -> None:
        self._recommendations = analysis
        self._diagnosis.show_diagnosis(analysis.diagnosis)
        self._levers.show_levers(analysis)
        self._allocation.show_allocation(analysis.allocation, analysis.scenario.campaign.seconds_per_item)
        self._optimizer.set_current_evaluation(analysis.evaluation)
        self.recommendations_ready.emit(analysis)

    def _on_runner_failed(self, error: BaseException) -> None:
        self._levers.hide_progress()
        self._diagnosis.show_error(str(error))

    def _on_levers_apply_requested(self) -> None:
        self.apply_selected_lever()

    def _on_optimizer_save_requested(self) -> None:
        self.save_recommended_design()


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
    from ui.core.preview import preview_in_folder

    preview_in_folder(preview_recommendations, title="Recommendations", size=(1500, 950))
