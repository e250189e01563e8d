"""Live results: headline numbers, where the capacity goes, and the risk
interval against each design variable.

The widget listens to the scenario state, hands each change to a
:class:`~ui.core.workers.DebouncedEvaluator` (one-frame debounce, evaluation in the
thread pool, stale results dropped) and redraws when the newest evaluation
arrives. The window never waits for a computation: while one runs, the old
numbers stay visible and a "recomputing" indicator shows.

Run ``python -m ui.panels.results`` to open it alone on an example scenario.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QLayout,
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QStyle,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from advisor.scenario.state import ScenarioState
from advisor.units import count_text, money
from ui.core.bindings import connect_to_widget
from ui.widgets.capacity_chart import CapacityBreakdownWidget, breakdown_legend_label
from ui.widgets.cards import HeadlineCardWidget
from ui.widgets.labels import SECONDARY_TEXT_COLOUR, WrappingLabel
from ui.widgets.plots import CURVE_ORDER, RiskCurvePlotWidget, risk_legend_label
from ui.widgets.scrolling import vertical_scroll_area
from ui.widgets.splitters import two_pane_splitter
from ui.widgets.tables import table_item
from ui.core.settings import display_settings
from ui.core.timers import single_shot_timer
from ui.core.workers import DebouncedEvaluator

if TYPE_CHECKING:
    from advisor.evaluation.results import Evaluation
    from advisor.scenario.schema import Scenario

BUSY_SHOW_DELAY_MS = 150
"""The "recomputing" indicator appears only for computations longer than this,
so quick ones do not make it flicker."""

NO_WARNINGS_TEXT = "No warnings for this design."
"""The warnings list's line when an edit has cleared the warnings this scenario showed."""

BREAKDOWN_COLUMNS = (
    "Context", "Question", "Format", "Share", "Time (s)", "d′", "Cognitive", "Articul.",
    "min (paper)", "Cascade", "r raters", "Label acc.", "Binds at", "Raters",
)


BREAKDOWN_TIPS = (
    "Stratum of items", "Question", "Response format", "Share of the judgment time spent on this question",
    "Seconds of judgment on this question, after reading", "Discriminability reached in that time",
    "Cognitive capacity of one rater (the judgment)", "Articulation capacity (what the interface can carry)",
    "The paper's min(cognitive, articulation), one rater", "Exact capacity of the cascade, one rater",
    "Exact capacity of the panel of r raters (vote counts)",
    "Chance that the MAP decoder of the r raters' votes names the true answer, at the question's prior "
    "(≥: computed on fewer raters, an achievable lower bound; — for free text)",
    "Which stage limits the capacity",
    "The raters as they are for this question (bias c or option biases, item difficulty classes, rater types, "
    "prior); empty: one unbiased rater type, equally hard items, uniform prior",
)
VERDICT_STATUS = {"meets": "good", "cannot": "bad", "undecided": "warn"}


class ResultsWidget(QWidget):
    """Headline cards, the capacity breakdown and the risk curves of a state.

    Parameters
    ----------
    state
        The scenario being edited; every change is re-evaluated.
    parent
        Parent widget.
    evaluator
        The evaluator to use (tests pass one with a slow ``evaluate_fn``); a
        new :class:`~ui.core.workers.DebouncedEvaluator` by default.

    Signals
    -------
    headline_updated(object)
        The cards, the capacity chart and the table show this evaluation
        without curves; the plots still show the previous curves.
    updated(object)
        Cards, charts and plots now show this
        :class:`~advisor.evaluation.results.Evaluation`.
    """

    headline_updated = Signal(object)
    updated = Signal(object)

    def __init__(self, state: ScenarioState, parent: QWidget | None = None, *,
                 evaluator: DebouncedEvaluator | None = None):
        super().__init__(parent)
        self._state = state
        self._units = display_settings()
        self._evaluator = evaluator or DebouncedEvaluator(self)
        if self._evaluator.parent() is None:
            self._evaluator.setParent(self)
        self._evaluation: Evaluation | None = None
        self._headline_shown: Evaluation | None = None  # what the cards show (the curves may lag)
        self._breakdown_pending: Evaluation | None = None  # not yet drawn: its tab is hidden
        self._build()
        self._evaluator.headline_ready.connect(self._on_evaluator_headline_ready)
        self._evaluator.result_ready.connect(self._on_evaluator_result_ready)
        self._evaluator.failed.connect(self._on_evaluator_failed)
        self._evaluator.busy.connect(self._on_evaluator_busy)
        self._units.unit_changed.connect(self._on_units_unit_changed)
        connect_to_widget(state.changed, self._on_state_changed, self)
        connect_to_widget(state.loaded, self._on_state_loaded, self)
        self._warnings_kept = False  # whether the list stays when there are none (see _update_warnings)
        self._submitted: Scenario | None = state.scenario
        self._evaluator.evaluate_now(state.scenario)

    # ------------------------------------------------------------ public API
    @property
    def evaluator(self) -> DebouncedEvaluator:
        return self._evaluator

    @property
    def evaluation(self) -> Evaluation | None:
        """The evaluation shown (None until the first one arrives)."""
        return self._evaluation

    @property
    def breakdown_chart(self) -> CapacityBreakdownWidget:
        return self._chart

    @property
    def tabs(self) -> QTabWidget:
        return self._tabs

    def card(self, name: str) -> HeadlineCardWidget:
        """A headline card: ``"capacity"``, ``"floor"``, ``"achievable"``, ``"items"`` or ``"cost"``."""
        return self._cards[name]

    def curve_plot(self, name: str) -> RiskCurvePlotWidget:
        """The plot of one curve: ``"items"``, ``"log2_m"``, ``"raters"``, ``"seconds"``."""
        return self._plots[name]

    def is_busy_shown(self) -> bool:
        """True while the "recomputing" indicator is shown."""
        return not self._busy.isHidden()

    def headline_text(self) -> str:
        """The header line: the scenario's name and its verdict (rich text)."""
        return html.unescape(self._headline.text())

    def error_text(self) -> str:
        """Why the newest scenario could not be evaluated ("" when it could)."""
        return self._error.text() if not self._error.isHidden() else ""

    def warnings(self) -> list[str]:
        """The warnings shown (not the line saying there are none)."""
        items = (self._warnings.item(i) for i in range(self._warnings.count()))
        return [item.text() for item in items if item.data(Qt.ItemDataRole.UserRole) != NO_WARNINGS_TEXT]

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        # The cards re-flow into two rows on a narrow pane (resizeEvent), so the widget's minimum is
        # minimumSizeHint's, not that of the one-row layout.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)

        # Two lines are reserved: a verdict that wraps for some values and not for others would move
        # everything below on such edits, and the plots would repaint from scratch each time.
        self._headline = WrappingLabel("Evaluating…", min_lines=2)
        self._headline.setTextFormat(Qt.TextFormat.RichText)
        self._headline.setStyleSheet("font-weight: 600; font-size: 10.5pt;")
        layout.addWidget(self._headline)
        # The "recomputing" sign sits in the corner of the plots' tab bar (built below), where
        # showing and hiding it moves nothing: beside the headline it took the verdict's width.
        self._busy = QWidget()
        busy_layout = QHBoxLayout(self._busy)
        busy_layout.setContentsMargins(0, 0, 4, 0)
        busy_bar = QProgressBar()
        busy_bar.setRange(0, 0)
        busy_bar.setFixedSize(70, 10)
        busy_bar.setTextVisible(False)
        busy_label = QLabel("recomputing…")
        busy_label.setStyleSheet("color: #607d8b;")
        busy_layout.addWidget(busy_bar)
        busy_layout.addWidget(busy_label)
        self._busy.setVisible(False)
        self._busy_timer = single_shot_timer(self, BUSY_SHOW_DELAY_MS,
                                             lambda: self._busy.setVisible(self._evaluator.is_busy))

        self._error = QLabel()
        self._error.setWordWrap(True)
        self._error.setStyleSheet("color: #b71c1c; background: #fdecea; padding: 4px; border-radius: 3px;")
        self._error.setVisible(False)
        layout.addWidget(self._error)

        cards = QGridLayout()
        cards.setSpacing(6)
        self._cards = {
            "capacity": HeadlineCardWidget(
                "Capacity per item", "C̄: information the labels carry about the target, per item: the context-weighted "
                "capacity of the whole rater panel (exact vote-count channel)."),
            "floor": HeadlineCardWidget(
                "Risk floor", "Fano lower bound on risk (exact form): no number of items of this design gets below it "
                "(with this capacity per item and target complexity)."),
            "achievable": HeadlineCardWidget(
                "Achievable risk", "What this design achieves per item: the error of a decoder that knows the raters "
                "(MAP decoding of the vote histograms through an explicit codebook for the log₂ M target), times Δ. "
                "Never below the floor; \"meets the target\" needs it at or below ε."),
            "items": HeadlineCardWidget(
                "Items needed", "Items a value model of log₂ M_g bits needs: at least (Fano, no learner needs fewer), "
                "about (normal approximation), at most (Gallager's random-coding bound: enough)."),
            "cost": HeadlineCardWidget("Cost", "m · r · T/3600 · wage · (1 + fee)"),
        }
        self._card_grid = cards
        self._card_columns = 0
        self._arrange_cards(len(self._cards))
        layout.addLayout(cards)

        self._warnings = QListWidget()
        self._warnings.setWordWrap(True)
        self._warnings.setMaximumHeight(96)
        # Two lines (most warnings' length at the pane's narrowest; 6 px for the items' margins)
        # where the window is short: a scroll area's own minimum, about 70 px, made a 1280 × 800
        # window 12 px too tall to fit whenever a warning showed.
        self._warnings.setMinimumHeight(2 * self._warnings.fontMetrics().lineSpacing()
                                        + 2 * self._warnings.frameWidth() + 6)
        self._warnings.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # By pixel: a warning taller than a short list is scrolled through, not cut with no scroll bar.
        self._warnings.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._warnings.setStyleSheet("QListWidget { background: #fffaf0; border: 1px solid #ffe0b2; }")
        self._warnings.setVisible(False)
        layout.addWidget(self._warnings)

        self._tabs = QTabWidget()
        self._tabs.setDocumentMode(True)
        self._tabs.setCornerWidget(self._busy, Qt.Corner.TopRightCorner)
        curves = QWidget()
        grid = QGridLayout(curves)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        self._plots = {name: RiskCurvePlotWidget(name) for name in CURVE_ORDER}
        for index, plot in enumerate(self._plots.values()):
            grid.addWidget(plot, index // 2, index % 2)
        grid.setRowStretch(0, 1)
        grid.setRowStretch(1, 1)
        # In a pane too short for the legend (it wraps as the pane narrows), a warning and two rows
        # of plots at their least height, the plots scroll instead of being laid over each other
        # with their axis labels cut (a 1280 × 800 window with a warning lacked 7 px). The legend
        # stays above the scroll area: a word-wrapped label inside would size the plots by their
        # preferred heights (a scroll area sizes such a widget by its height for the width).
        scroll = vertical_scroll_area(curves)
        bar = scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        scroll.setMinimumWidth(curves.minimumSizeHint().width() + bar)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 4, 0, 0)
        page_layout.setSpacing(6)
        page_layout.addWidget(risk_legend_label())
        page_layout.addWidget(scroll, 1)
        self._tabs.addTab(page, "Risk interval")

        self._chart = CapacityBreakdownWidget()
        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 4, 0, 0)
        chart_layout.addWidget(breakdown_legend_label())
        chart_layout.addWidget(self._chart, 1)
        self._table = QTableWidget(0, len(BREAKDOWN_COLUMNS))
        self._table.setHorizontalHeaderLabels(BREAKDOWN_COLUMNS)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setAlternatingRowColors(True)
        self._table.verticalHeader().setVisible(False)
        self._table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._table.horizontalHeader().setStretchLastSection(True)
        breakdown = two_pane_splitter(Qt.Orientation.Vertical, chart_box, self._table, stretch=(3, 2))
        self._breakdown_tab = self._tabs.addTab(breakdown, "Capacity breakdown")
        self._tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._breakdown_splitter = breakdown
        layout.addWidget(self._tabs, 1)

    def _arrange_cards(self, columns: int) -> None:
        """Lay the headline cards out in ``columns`` columns (one row when they all fit)."""
        if columns == self._card_columns:
            return
        self._card_columns = columns
        grid = self._card_grid
        for card in self._cards.values():
            grid.removeWidget(card)
        for column in range(len(self._cards)):
            grid.setColumnStretch(column, 1 if column < columns else 0)
        for index, card in enumerate(self._cards.values()):
            grid.addWidget(card, index // columns, index % columns)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        # On a narrow pane the five cards take two rows instead of widening the window.
        needed = sum(card.minimumSizeHint().width() for card in self._cards.values()) + 6 * len(self._cards) + 12
        self._arrange_cards(len(self._cards) if event.size().width() >= needed else 3)
        super().resizeEvent(event)

    def minimumSizeHint(self):  # noqa: N802 - Qt override
        hint = super().minimumSizeHint()
        widest = max(card.minimumSizeHint().width() for card in self._cards.values())
        hint.setWidth(max(self._tabs.minimumSizeHint().width(), 3 * widest + 30) + 12)
        return hint

    def sizeHint(self):  # noqa: N802 - Qt override
        hint = super().sizeHint()
        hint.setWidth(max(hint.width(), self.minimumSizeHint().width()))
        return hint

    # ------------------------------------------------------------ refreshing
    def _update_all(self) -> None:
        evaluation = self._evaluation
        if evaluation is None:
            return
        shown = self._headline_shown
        if shown is None or shown.scenario is None or not shown.scenario.same_numbers(evaluation.scenario):
            self._show_headline(evaluation)
        # else: the cards, warnings and breakdown already show this scenario's numbers (its headline
        # came first and the headline never depends on the curves); only the plots are new.
        for name, plot in self._plots.items():
            curve = evaluation.curves.get(name)
            if curve is not None:
                plot.set_curve(curve)
        self.updated.emit(evaluation)

    def _show_headline(self, evaluation: Evaluation) -> None:
        """Cards, warnings and the capacity breakdown (at once when its tab shows, else when it is opened)."""
        self._headline_shown = evaluation
        self._update_cards(evaluation)
        self._update_warnings(evaluation)
        self._breakdown_pending = evaluation
        if self._tabs.currentIndex() == self._breakdown_tab:
            self._update_breakdown()

    def _update_breakdown(self) -> None:
        evaluation, self._breakdown_pending = self._breakdown_pending, None
        if evaluation is not None:
            self._chart.set_evaluation(evaluation)
            self._update_table(evaluation)

    def _update_cards(self, e: Evaluation) -> None:
        units = self._units
        target = e.target_risk
        needed = units.convert(e.capacity_needed_nats)
        if e.capacity_gap_nats > 0:
            detail = f"needs {needed:.2f} for ε = {target:g}: short by {units.convert(e.capacity_gap_nats):.2f}"
        else:
            detail = f"needs {needed:.2f} for ε = {target:g}: {units.convert(-e.capacity_gap_nats):.2f} to spare"
        self._cards["capacity"].set_value(f"{units.convert(e.capacity_nats):.2f} {units.unit}", detail,
                                          "good" if e.floor_meets_target else "bad")
        self._cards["floor"].set_value(
            f"{e.floor:.3f}",
            f"Fano, exact; paper form {e.floor_paper:.3f}",
            "good" if e.floor_meets_target else "bad",
        )
        # Free text alone has no answers a codebook decodes: no label error to quote.
        labels = f"label error {e.label_error:.3f}" if e.codebook_sizes else "no answers to decode"
        self._cards["achievable"].set_value(
            f"{e.achievable:.3f}", f"{labels}; ceiling {e.ceiling:.3f} ({e.ceiling_form})",
            "good" if e.achievable <= target else ("bad" if e.floor > target else "warn"),
        )
        needed = e.items_needed
        if needed.at_least is None:
            # A short value: "none suffice" in the card's large type widened the results by 51 px,
            # and the splitter took them from the editor under the user's cursor.
            self._cards["items"].set_value(
                "none", f"no number of items suffices: no information for a {e.model_bits:g}-bit model", "bad")
        else:
            status = ("good" if needed.at_most is not None and e.items >= needed.at_most else
                      "bad" if e.items < needed.at_least else "warn")
            at_most = "—" if needed.at_most is None else count_text(needed.at_most)
            self._cards["items"].set_value(
                f"≈ {count_text(needed.estimate)}" if needed.estimate is not None else f"≥ {count_text(needed.at_least)}",
                f"{count_text(needed.at_least)} to {at_most} ({e.model_bits:g}-bit model); campaign {count_text(e.items)}",
                status)
        scenario = self._state.scenario
        cap = scenario.campaign.budget_cap
        cost_status = "neutral" if cap is None else ("good" if e.cost <= cap else "bad")
        cap_text = "" if cap is None else f"; cap {money(cap, e.currency)}"
        # An overlap design pays for its expected raters; gold items for their labels and authoring.
        if e.overlap is not None:
            cap_text += f"; {e.overlap.expected_raters:.2f} raters/item on average"
        if e.gold is not None:
            cap_text += f"; gold {money(e.gold.cost, e.currency)}"
        self._cards["cost"].set_value(money(e.cost, e.currency), f"{count_text(e.rater_hours)} rater-hours{cap_text}",
                                      cost_status)
        self._update_headline(e)

    def _update_headline(self, e: Evaluation) -> None:
        colour = {"meets": "#1b5e20", "cannot": "#b71c1c", "undecided": "#8d5a00"}[e.verdict]
        # The name is the open scenario's: a rename recomputes nothing (Scenario.same_numbers).
        self._headline.setText(f"{html.escape(self._state.scenario.name)} — <span style='color:{colour}'>"
                               f"{html.escape(e.verdict_text)}</span>")
        self._headline.setToolTip(e.verdict_text)

    def _update_warnings(self, evaluation: Evaluation) -> None:
        self._warnings.clear()
        for text in evaluation.warnings:
            item = QListWidgetItem(f"⚠ {text}")
            item.setToolTip(text)
            self._warnings.addItem(item)
        # Once warnings have shown for this scenario, the list stays when an edit clears them and
        # says so: an edit that crosses a warning's threshold back and forth (a rater more, a rater
        # less) would otherwise move the plots up and down, and each move lays out and redraws all
        # four of them (about 40 ms an edit).
        self._warnings_kept = self._warnings_kept or bool(evaluation.warnings)
        if self._warnings_kept and not evaluation.warnings:
            item = QListWidgetItem(NO_WARNINGS_TEXT)
            item.setForeground(QColor(SECONDARY_TEXT_COLOUR))
            item.setData(Qt.ItemDataRole.UserRole, NO_WARNINGS_TEXT)
            self._warnings.addItem(item)
        self._warnings.setVisible(self._warnings_kept)

    def _update_table(self, evaluation: Evaluation) -> None:
        convert = self._units.convert
        rows = [(ctx, q) for ctx in evaluation.contexts for q in ctx.questions]
        self._table.setRowCount(len(rows))
        unit = self._units.unit
        headers = list(BREAKDOWN_COLUMNS)
        for index in range(6, 11):
            headers[index] = f"{BREAKDOWN_COLUMNS[index]}\n({unit})"
        self._table.setHorizontalHeaderLabels(headers)
        for column, tip in enumerate(BREAKDOWN_TIPS):
            self._table.horizontalHeaderItem(column).setToolTip(tip)
        for row, (ctx, q) in enumerate(rows):
            values = (
                ctx.name, q.name, q.format, f"{q.time_share:.2f}", f"{q.judgment_seconds:.1f}", f"{q.dprime:.2f}",
                f"{convert(q.cognitive_nats):.3f}", f"{convert(q.articulation_nats):.3f}",
                f"{convert(q.paper_nats):.3f}", f"{convert(q.cascade_nats):.3f}",
                f"{convert(q.panel_nats):.3f}" + ("" if q.panel_exact else " (bound)"),
                "—" if q.label_accuracy is None else
                ("" if q.label_accuracy_exact else "≥ ") + f"{q.label_accuracy:.3f}",
                q.binding_stage + (" · saturated" if q.saturated else ""),
                q.rater_model,
            )
            for column, value in enumerate(values):
                self._table.setItem(row, column, table_item(value, right=3 <= column <= 11))

    # ------------------------------------------------------------ handlers
    def _on_state_changed(self, scenario) -> None:
        if self._submitted is not None and self._submitted.same_numbers(scenario):
            # A new name, notes or tags: nothing to recompute, only the title to show.
            if self._evaluation is not None:
                self._update_headline(self._evaluation)
            return
        self._submitted = scenario
        self._evaluator.submit(scenario)

    def _on_state_loaded(self, scenario: Scenario) -> None:
        # Another scenario opened: its warnings take no place until it has some. One with the same
        # numbers is not evaluated again, so its list is set here.
        self._warnings_kept = False
        for plot in self._plots.values():
            plot.forget_zoom()
        shown = self._headline_shown
        if shown is not None and shown.scenario is not None and shown.scenario.same_numbers(scenario):
            self._update_warnings(shown)

    def _on_evaluator_headline_ready(self, headline: Evaluation) -> None:
        # The cards, the capacity chart and the table now; the plots when the curves come.
        self._error.setVisible(False)
        self._show_headline(headline)
        self.headline_updated.emit(headline)

    def _on_evaluator_result_ready(self, evaluation: Evaluation) -> None:
        self._evaluation = evaluation
        self._error.setVisible(False)
        self._update_all()

    def _on_evaluator_failed(self, message: str) -> None:
        self._error.setText(f"This scenario cannot be evaluated: {message}")
        self._error.setVisible(True)

    def _on_evaluator_busy(self, busy: bool) -> None:
        if busy:
            self._busy_timer.start()
        else:
            self._busy_timer.stop()
            self._busy.setVisible(False)

    def _on_tabs_current_changed(self, index: int) -> None:
        if index == self._breakdown_tab:
            self._update_breakdown()

    def _on_units_unit_changed(self, _unit: str) -> None:
        if self._headline_shown is not None:
            self._update_cards(self._headline_shown)
            self._breakdown_pending = self._headline_shown
            if self._tabs.currentIndex() == self._breakdown_tab:
                self._update_breakdown()


if __name__ == "__main__":
    from ui.core.preview import preview_widget

    preview_widget(lambda state: ResultsWidget(state), title="Results", size=(1000, 820))
