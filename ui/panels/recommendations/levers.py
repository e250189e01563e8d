"""The levers panel: every small change of the scenario, ranked by what it does to the risk.

Shows the levers of an :class:`advisor.planning.analysis.Analysis`
(:func:`advisor.planning.levers.rank_levers`), each with its effect on the
achievable risk, the floor, the items needed and the cost; "Apply as a new
scenario" asks the tab to store the selected lever's scenario.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from advisor.evaluation.evaluate import VERDICT_WORDS
from advisor.planning.analysis import Analysis
from advisor.planning.levers import PER_MONEY_SCALE, SAME_RISK, LeverResult, per_money_text
from advisor.units import signed_amount_text, signed_count_text, signed_text
from ui.core.focus import set_enabled_keeping_place
from ui.core.settings import display_settings
from ui.panels.recommendations.appearance import ERROR_STYLE, GAIN_COLOUR, LOSS_COLOUR, MUTED_COLOUR
from ui.widgets.job_progress import show_job_progress
from ui.widgets.tables import read_only_table, table_item, wrapped_tooltip

LEVER_COLUMNS = ("#", "Lever", "Δachievable", "Δfloor", "Δitems", "Δcost", "per money", "Explanation")
LEVER_TITLE_WIDTH = (160, 360)
"""Narrowest and widest Lever column (px): the title gives way to the numbers."""
NOTHING_SELECTED = "No lever selected: select one to read what it does."
"""The explanation line while no lever is selected."""


def effect_text(lever: LeverResult) -> str:
    """The explanation without the title it starts with (the Lever column shows that)."""
    if not lever.applicable:
        return f"Does not apply: {lever.reason}"
    text = lever.explanation
    if text.startswith(lever.title):
        rest = text[len(lever.title):].strip()
        return rest[:1].upper() + rest[1:]
    return text


class LeversWidget(QGroupBox):
    """The ranked levers, the selected one's explanation, progress and "Apply".

    Parameters
    ----------
    parent
        Owning widget.

    Signals
    -------
    apply_requested()
        The user asked to store the selected lever's scenario (button or
        double click); the tab stores it and reports with :meth:`show_status`.
    """

    apply_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Levers, ranked", parent)
        self._analysis: Analysis | None = None
        self._selected_key: str | None = None
        """The selected lever's :attr:`~advisor.planning.levers.LeverResult.key`: a re-ranking keeps it selected."""
        self._applied = False
        """Whether the selected lever's scenario was stored since it was selected among the levers shown."""
        self._summary = ""
        """The status line's text when no "Apply" has anything to report: how many levers apply."""
        self._table = read_only_table(LEVER_COLUMNS)
        header = self._table.horizontalHeader()
        for column in range(len(LEVER_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(LEVER_COLUMNS.index("Explanation"), QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(LEVER_COLUMNS.index("Lever"), QHeaderView.ResizeMode.Interactive)
        header.resizeSection(LEVER_COLUMNS.index("Lever"), 300)
        # The lever's title gives way to the numbers: Δcost and per-money stay
        # in view, the full title is in the tooltip and the line below.
        self._table.viewport().installEventFilter(self)
        self._table.setTextElideMode(Qt.TextElideMode.ElideRight)
        # Tab leaves the table (the arrows move within it): stepping cell by cell took a hundred presses.
        self._table.setTabKeyNavigation(False)
        self._table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self._table.itemDoubleClicked.connect(self._on_table_double_clicked)
        self._detail_label = QLabel(NOTHING_SELECTED)
        self._detail_label.setWordWrap(True)
        self._detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._detail_label.setMinimumHeight(36)
        self._detail_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self._apply_button = QPushButton("Apply as a new scenario")
        self._apply_button.setToolTip("Store the scenario with this lever applied, next to this one")
        self._apply_button.setEnabled(False)
        self._apply_button.clicked.connect(self._on_apply_button_clicked)
        self._progress = QProgressBar()
        self._progress.setMaximumWidth(160)
        self._progress.setTextVisible(False)
        self._progress.setVisible(False)
        self._status_label = QLabel()
        self._status_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self._status_label, 1)
        buttons.addWidget(self._progress)
        buttons.addWidget(self._apply_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self._table, 1)
        layout.addWidget(self._detail_label)
        layout.addLayout(buttons)
        display_settings().unit_changed.connect(self._on_units_unit_changed)

    # ------------------------------------------------------------ public API
    @property
    def table(self) -> QTableWidget:
        return self._table

    @property
    def apply_button(self) -> QPushButton:
        return self._apply_button

    @property
    def detail_label(self) -> QLabel:
        """The selected lever's whole explanation."""
        return self._detail_label

    @property
    def status_label(self) -> QLabel:
        return self._status_label

    def show_levers(self, analysis: Analysis) -> None:
        """Show the ranked levers of ``analysis``, keeping the selected lever selected (wherever it ranks now)."""
        self._analysis = analysis
        # Other levers: the one just stored may be applied again (to the new scenario it is another one).
        self._applied = False
        self._progress.setVisible(False)
        self._update_table()

    def show_busy(self) -> None:
        """A busy bar until the first progress report."""
        self._progress.setRange(0, 0)
        self._progress.setVisible(True)

    def set_progress(self, done: int, total: int) -> None:
        show_job_progress(self._progress, done, total)

    def hide_progress(self) -> None:
        self._progress.setVisible(False)

    def show_status(self, text: str, *, error: bool = False) -> None:
        """Say what became of the last "Apply" (or why it failed)."""
        self._status_label.setStyleSheet(ERROR_STYLE if error else "")
        self._status_label.setText(text)

    def selected_lever(self) -> LeverResult | None:
        if self._analysis is None:
            return None
        rows = self._table.selectionModel().selectedRows()
        if not rows:
            return None
        row = rows[0].row()
        levers = self._analysis.levers or ()
        return levers[row] if 0 <= row < len(levers) else None

    def select_lever(self, row: int) -> None:
        """Select the lever in ``row`` of the ranked table."""
        self._table.selectRow(row)

    def can_apply(self) -> bool:
        """Whether "Apply" may store the selected lever's scenario: one is selected, it has a scenario,
        and it was not stored since it was selected among the levers shown."""
        lever = self.selected_lever()
        return lever is not None and lever.scenario is not None and not self._applied

    def mark_applied(self) -> None:
        """The selected lever's scenario was stored: "Apply" is off until the selection or the levers change
        (a second press stored a copy under "… (2)")."""
        self._applied = True
        set_enabled_keeping_place(self._apply_button, False)

    def width_needed(self) -> int:
        """Width (px) that shows every number column and 160 px of the lever's title."""
        header = self._table.horizontalHeader()
        lever, explanation = LEVER_COLUMNS.index("Lever"), LEVER_COLUMNS.index("Explanation")
        numbers = sum(max(header.sectionSize(c), header.sectionSizeHint(c))
                      for c in range(len(LEVER_COLUMNS)) if c not in (lever, explanation))
        scroll_bar = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        return numbers + LEVER_TITLE_WIDTH[0] + 60 + scroll_bar + 2 * self._table.frameWidth() + 32

    # ------------------------------------------------------------ refreshers
    def _update_table(self) -> None:
        assert self._analysis is not None
        units = display_settings()
        levers = self._analysis.levers or ()
        currency = self._analysis.evaluation.currency
        header = self._table.horizontalHeaderItem
        header(LEVER_COLUMNS.index("Δachievable")).setToolTip(
            "Change of the achievable risk (the error this design attains). Levers that cost nothing come first, by "
            "this change; then paid ones, by the risk lowered per money (the column so named); then those that change "
            "nothing or raise the risk")
        header(LEVER_COLUMNS.index("Δitems")).setToolTip(
            "Change of the items the value model needs (the estimate); breaks ties")
        header(LEVER_COLUMNS.index("Δcost")).setText(f"Δcost {currency}")
        per_money_header = header(LEVER_COLUMNS.index("per money"))
        # Spelled out on two lines: "risk/1k USD" did not say what per thousand.
        per_money_header.setText(f"risk lowered\nper {PER_MONEY_SCALE:,} {currency}")
        per_money_header.setToolTip(f"Achievable risk lowered per {PER_MONEY_SCALE:,} {currency} "
                                    "(levers that cost money only)")
        table = self._table
        QTimer.singleShot(0, self, self._fit_lever_column)
        # Refilled quietly, then the same lever selected again by its key: the selection followed the
        # row number, so a re-ranking silently put another lever (and its explanation) in its place.
        blocker = QSignalBlocker(table)
        table.clearSelection()
        table.setRowCount(len(levers))
        for row, lever in enumerate(levers):
            muted = None if lever.applicable else MUTED_COLOUR
            gain = lever.gain
            gain_colour = muted or (GAIN_COLOUR if gain > SAME_RISK else
                                    LOSS_COLOUR if gain < -SAME_RISK else None)
            capacity_tip = (f"ΔC̄ {units.format_info(lever.delta_capacity_nats, 3)} per item; verdict: "
                            f"{VERDICT_WORDS[lever.evaluation.verdict]}" if lever.evaluation is not None else "")
            items = ("—" if not lever.applicable or lever.delta_items_needed is None
                     else signed_count_text(lever.delta_items_needed))
            cells = [
                table_item(str(row + 1), right=True, colour=muted),
                table_item(lever.title, tooltip=lever.title, colour=muted),
                table_item(signed_text(lever.delta_achievable, 4) if lever.applicable else "—", right=True,
                           colour=gain_colour, tooltip=capacity_tip),
                table_item(signed_text(lever.delta_floor, 4) if lever.applicable else "—", right=True, colour=muted),
                table_item(items.replace("-", "−"), right=True, colour=muted),
                table_item(signed_amount_text(lever.delta_cost) if lever.applicable else "—", right=True,
                           colour=muted),
                table_item(per_money_text(lever), right=True, colour=muted),
                table_item(effect_text(lever), tooltip=wrapped_tooltip(lever.explanation), colour=muted),
            ]
            for column, item in enumerate(cells):
                item.setData(Qt.ItemDataRole.UserRole, row)
                table.setItem(row, column, item)
        row = next((row for row, lever in enumerate(levers) if lever.key == self._selected_key), None)
        if row is None:
            self._selected_key = None
        else:
            table.selectRow(row)
        blocker.unblock()
        lever_column = LEVER_COLUMNS.index("Lever")
        table.horizontalHeader().resizeSection(lever_column, min(table.sizeHintForColumn(lever_column) + 12, 300))
        self._show_selection()
        applicable = sum(lever.applicable for lever in levers)
        self._summary = f"{applicable} of {len(levers)} levers apply to this scenario."
        self.show_status(self._summary)

    def _show_selection(self) -> None:
        """The selected lever's explanation, and "Apply" on when it can store it."""
        lever = self.selected_lever()
        self._apply_button.setEnabled(self.can_apply())
        self._detail_label.setText(NOTHING_SELECTED if lever is None else lever.explanation)

    def _fit_lever_column(self) -> None:
        header = self._table.horizontalHeader()
        lever, explanation = LEVER_COLUMNS.index("Lever"), LEVER_COLUMNS.index("Explanation")
        others = sum(header.sectionSize(c) for c in range(len(LEVER_COLUMNS)) if c not in (lever, explanation))
        narrowest, widest = LEVER_TITLE_WIDTH
        header.resizeSection(lever, max(narrowest, min(widest, self._table.viewport().width() - others)))

    # ------------------------------------------------------------ handlers
    def eventFilter(self, watched: QObject, event) -> bool:  # noqa: N802 - Qt override
        if watched is self._table.viewport() and event.type() == event.Type.Resize:
            QTimer.singleShot(0, self, self._fit_lever_column)
        return super().eventFilter(watched, event)

    def _on_table_selection_changed(self) -> None:
        lever = self.selected_lever()
        key = None if lever is None else lever.key
        if key != self._selected_key:
            self._selected_key = key
            self._applied = False
            # "Stored … as a new scenario" was about the lever selected before.
            self.show_status(self._summary)
        self._show_selection()

    def _on_table_double_clicked(self, _item: QTableWidgetItem) -> None:
        self.apply_requested.emit()

    def _on_apply_button_clicked(self) -> None:
        self.apply_requested.emit()

    def _on_units_unit_changed(self, _unit: str) -> None:
        if self._analysis is not None:
            self._update_table()
