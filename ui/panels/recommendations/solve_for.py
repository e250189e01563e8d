"""The solve-for panel: the raters, seconds, items, target complexity or budget that just meets the target.

Computes :func:`advisor.planning.solve.solve` for the unknown chosen, with
everything else held at the scenario's values, in a
:class:`~ui.core.workers.LatestJobRunner` of its own: a newer scenario or
unknown supersedes the running search.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from advisor.planning.solve import BEST_RISK_TOLERANCE, UNKNOWNS, SolveResult, seconds_text, solve
from advisor.scenario.schema import Scenario
from advisor.units import money
from ui.core.workers import LatestJobRunner, dedicated_pool
from ui.panels.recommendations.appearance import ERROR_STYLE, GAIN_COLOUR, LOSS_COLOUR, MUTED_COLOUR
from ui.widgets.spin_boxes import guard_wheel

UNKNOWN_LABELS = {
    "raters": "raters per item",
    "seconds": "seconds per item",
    "items": "labelled items",
    "log2_m": "target complexity log2 M",
    "budget": "budget",
}
SEARCH_POOL = ("recommendations", 2)
"""The dedicated pool (name, threads) of the tab's searches: solving for raters
when none suffices evaluates panels of up to 100 raters and cannot be
interrupted, so it must not hold up the live results in the global pool."""
VALUE_FONT_SCALE = 1.35
"""The answer is printed this much larger than the panel's text."""


def solve_value_text(unknown: str, value: float | int | None, currency: str, rounding: str = "nearest") -> str:
    """A value of ``unknown`` (one of :data:`advisor.planning.solve.UNKNOWNS`) in words and units.

    ``rounding`` is :func:`advisor.planning.solve.seconds_text`'s, for a time per item: ``"up"`` for a
    time that suffices, as the solve's message writes it.
    """
    if value is None:
        return "—"
    if unknown == "raters":
        return f"{int(value)} rater{'s' if int(value) != 1 else ''} per item"
    if unknown == "seconds":
        return seconds_text(float(value), rounding)
    if unknown == "items":
        return f"{int(value):,} items"
    if unknown == "log2_m":
        return f"{value:.2f} bits"
    return money(float(value), currency)


def unreachable_text(result: SolveResult, currency: str) -> str:
    """The answer's short line when no value meets the target: what the value shown attains, not a "best".

    The value is the least within :data:`advisor.planning.solve.BEST_RISK_TOLERANCE` of the lowest risk
    the range allows (more buys less); for items, whose number does not change the achievable risk, the
    fewest the floor allows."""
    if result.unknown == "items":
        if _risk_within_target(result):
            # The risk per item meets the target: it is the value model no number of items teaches.
            return "unreachable — no number of items is sure to teach the value model"
        return f"unreachable — risk {result.best_risk:.4f} whatever the items"
    if result.best_value is None:
        return "unreachable" if result.scenario is None else f"unreachable — risk {result.best_risk:.4f}"
    value = solve_value_text(result.unknown, result.best_value, currency, "up")
    return f"unreachable — {value}: risk {result.best_risk:.4f}, near the lowest"


def _risk_within_target(result: SolveResult) -> bool:
    """Whether an unreachable result's achievable risk is within its scenario's target (then what
    misses it is the value model's learning, not the risk per item)."""
    return result.scenario is not None and result.best_risk <= result.scenario.target.target_risk


def current_value(scenario: Scenario, unknown: str) -> float | int | None:
    """The scenario's own value of ``unknown`` (None: no budget cap)."""
    if unknown == "raters":
        return scenario.raters.per_item
    if unknown == "seconds":
        return scenario.campaign.seconds_per_item
    if unknown == "items":
        return scenario.campaign.items
    if unknown == "log2_m":
        return scenario.target.log2_m
    return scenario.campaign.budget_cap


class SolveForWidget(QGroupBox):
    """Choose an unknown; read the value that just meets the target.

    Parameters
    ----------
    scenario
        The scenario to solve (follow it with :meth:`set_scenario`).
    parent
        Owning widget.
    debounce_ms
        Quiet time after :meth:`set_scenario` before solving, in ms (≥ 0).

    Signals
    -------
    solve_ready(object)
        The :class:`advisor.planning.solve.SolveResult` now shown.
    """

    solve_ready = Signal(object)

    def __init__(self, scenario: Scenario, parent: QWidget | None = None, *, debounce_ms: int = 0):
        super().__init__("Solve for one unknown", parent)
        self._scenario = scenario
        self._result: SolveResult | None = None
        self._runner = LatestJobRunner(solve, self, debounce_ms=debounce_ms, pool=dedicated_pool(*SEARCH_POOL))
        self._runner.result_ready.connect(self._on_runner_result_ready)
        self._runner.failed.connect(self._on_runner_failed)
        self._build()

    def _build(self) -> None:
        self._combo = QComboBox()
        for unknown in UNKNOWNS:
            self._combo.addItem(UNKNOWN_LABELS.get(unknown, unknown), unknown)
        self._combo.setToolTip("Everything else is held at the scenario's values. The answer has two sides: "
                               "the value the floor does not rule out (at least), and the value whose "
                               "evaluation meets the target (suffices)")
        self._combo.currentIndexChanged.connect(self._on_combo_current_index_changed)
        # Scrolling the tab past the combo must not switch the unknown under the pointer.
        guard_wheel(self._combo)
        self._value_label = QLabel("—")
        font = self._value_label.font()
        font.setPointSizeF(font.pointSizeF() * VALUE_FONT_SCALE)
        font.setBold(True)
        self._value_label.setFont(font)
        self._value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._current_label = QLabel()
        self._current_label.setStyleSheet(f"color: {MUTED_COLOUR}")
        self._message_label = QLabel()
        self._message_label.setWordWrap(True)
        self._message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(QLabel("Solve for:"))
        top.addWidget(self._combo, 1)
        value_row = QHBoxLayout()
        value_row.addWidget(self._value_label)
        value_row.addStretch(1)
        value_row.addWidget(self._current_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(value_row)
        layout.addWidget(self._message_label)

    # ------------------------------------------------------------ public API
    @property
    def result(self) -> SolveResult | None:
        """The result shown (None before the first one)."""
        return self._result

    @property
    def is_busy(self) -> bool:
        """True while a search waits or runs."""
        return self._runner.is_busy

    @property
    def unknown(self) -> str:
        return self._combo.currentData()

    @property
    def value_label(self) -> QLabel:
        """The answer: the value that just meets the target, or "unreachable" and the best."""
        return self._value_label

    @property
    def message_label(self) -> QLabel:
        """The answer in a sentence, both thresholds included."""
        return self._message_label

    @property
    def current_label(self) -> QLabel:
        """The scenario's own value of the unknown."""
        return self._current_label

    def set_scenario(self, scenario: Scenario, *, now: bool = False) -> None:
        """Solve ``scenario`` after the quiet time (at once with ``now``)."""
        self._scenario = scenario
        self._start(now=now)

    def set_unknown(self, unknown: str) -> None:
        """Solve for ``unknown`` (one of :data:`advisor.planning.solve.UNKNOWNS`), at once."""
        index = self._combo.findData(unknown)
        if index < 0:
            raise ValueError(f"unknown must be one of {', '.join(UNKNOWNS)}, got {unknown!r}")
        if index == self._combo.currentIndex():
            self._start(now=True)
        else:
            self._combo.setCurrentIndex(index)

    # ------------------------------------------------------------ refreshers
    def _start(self, *, now: bool) -> None:
        unknown = self.unknown
        self._value_label.setText("…")
        self._message_label.setStyleSheet("")
        self._message_label.setText(f"Solving for the {UNKNOWN_LABELS.get(unknown, unknown)}…")
        self._update_current()
        if now:
            self._runner.submit_now(self._scenario, unknown)
        else:
            self._runner.submit(self._scenario, unknown)

    def _update_current(self) -> None:
        unknown, scenario = self.unknown, self._scenario
        current = current_value(scenario, unknown)
        if unknown == "budget" and current is None:
            self._current_label.setText("no budget cap set")
        else:
            self._current_label.setText(f"now {solve_value_text(unknown, current, scenario.campaign.currency)}")

    def _update_result(self) -> None:
        result = self._result
        assert result is not None
        currency = self._scenario.campaign.currency
        # The value label stays short; the floor's threshold is in the message below it.
        if result.reachable:
            self._value_label.setStyleSheet(f"color: {GAIN_COLOUR}")
            self._value_label.setText(solve_value_text(result.unknown, result.value, currency, "up"))
            self._value_label.setToolTip("")
        else:
            self._value_label.setStyleSheet(f"color: {LOSS_COLOUR}")
            self._value_label.setText(unreachable_text(result, currency))
            self._value_label.setToolTip(
                "No number of items meets the target: the achievable risk per item is within it, but no number "
                "of items is sure to bring the value model's error there (Gallager's bound never gets there)"
                if result.unknown == "items" and _risk_within_target(result) else
                "No number of items meets the target: the achievable risk does not depend on them (the line "
                "below says the fewest the floor allows)" if result.unknown == "items" else
                f"No value in the range meets the target. Shown: the least value whose achievable risk is within "
                f"{BEST_RISK_TOLERANCE:g} of the lowest the range allows; more buys less than that")
        self._message_label.setStyleSheet("")
        self._message_label.setText(result.message)

    # ------------------------------------------------------------ handlers
    def _on_combo_current_index_changed(self, _index: int) -> None:
        self._start(now=True)

    def _on_runner_result_ready(self, result: SolveResult) -> None:
        self._result = result
        self._update_result()
        self.solve_ready.emit(result)

    def _on_runner_failed(self, error: BaseException) -> None:
        self._value_label.setText("—")
        self._message_label.setStyleSheet(ERROR_STYLE)
        self._message_label.setText(f"Cannot solve: {error}")
