"""The time allocation panel: the water-filled shares of the judgment time beside the current ones.

Shows an :class:`advisor.evaluation.allocation.TimeAllocation`
(:func:`advisor.evaluation.allocation.optimal_time_allocation`), computed by the tab.
"""

from __future__ import annotations

from PySide6.QtWidgets import QGroupBox, QHeaderView, QLabel, QTableWidget, QVBoxLayout, QWidget

from advisor.evaluation.allocation import TimeAllocation
from advisor.units import and_join
from ui.core.settings import display_settings
from ui.panels.recommendations.appearance import GAIN_COLOUR
from ui.widgets.tables import read_only_table, table_item

ALLOCATION_COLUMNS = ("Question", "Share now", "Optimal share", "Seconds at optimum")
MOVED_SHARE = 0.005
"""A share that moves by at least this much (half a percent) is highlighted."""
GAIN_EPSILON_NATS = 1e-9
"""A capacity gain below this is none: the current split is already optimal."""
MOST_ROWS_SHOWN = 6
"""The table is as tall as its rows up to this many; the optimiser's plot gets the rest."""


class TimeAllocationWidget(QGroupBox):
    """The current and the optimal share of each question, and what the optimum gains.

    Parameters
    ----------
    parent
        Owning widget.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Time allocation across questions (water-filling)", parent)
        self._shown: tuple[TimeAllocation, float] | None = None
        self._table = read_only_table(ALLOCATION_COLUMNS)
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        # Tab leaves the table (the arrows move within it), as everywhere in the tab.
        self._table.setTabKeyNavigation(False)
        self._summary_label = QLabel()
        self._summary_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self._table)
        layout.addWidget(self._summary_label)
        display_settings().unit_changed.connect(self._on_units_unit_changed)

    # ------------------------------------------------------------ public API
    @property
    def table(self) -> QTableWidget:
        return self._table

    def summary_text(self) -> str:
        """The sentence below the table: what the optimal split gains."""
        return self._summary_label.text()

    def show_allocation(self, allocation: TimeAllocation, seconds_per_item: float) -> None:
        """Show ``allocation`` of ``seconds_per_item`` (s, > 0) of judgment time per item."""
        self._shown = (allocation, seconds_per_item)
        self._update()

    # ------------------------------------------------------------ refreshers
    def _update(self) -> None:
        assert self._shown is not None
        allocation, seconds = self._shown
        units = display_settings()
        rows = list(allocation.shares)
        table = self._table
        table.setRowCount(len(rows))
        for row, name in enumerate(rows):
            optimal, current = allocation.shares[name], allocation.current_shares.get(name, 0.0)
            colour = GAIN_COLOUR if abs(optimal - current) >= MOVED_SHARE else None
            table.setItem(row, 0, table_item(name))
            table.setItem(row, 1, table_item(f"{100 * current:.0f} %", right=True))
            table.setItem(row, 2, table_item(f"{100 * optimal:.0f} %", right=True, colour=colour))
            table.setItem(row, 3, table_item(f"{optimal * seconds:.1f} s", right=True,
                                             tooltip="Share of the time per item, before reading time"))
        table.setFixedHeight(table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
                             + min(max(len(rows), 1), MOST_ROWS_SHOWN) * table.verticalHeader().defaultSectionSize())
        capacity = units.format_info(allocation.capacity_nats, 3, per_item=True)
        if len(rows) == 1:
            text = "One question: it gets all of the judgment time."
        elif allocation.gain_nats > GAIN_EPSILON_NATS:
            text = (f"Water-filled shares carry {capacity}, "
                    f"{units.format_info(allocation.gain_nats, 3)} more than the current split.")
        else:
            text = f"The current split already carries the most, to the grid's resolution ({capacity})."
        # Water-filling maximises the information per item, not the achievable risk: a question it
        # leaves without time is answered by guesses, which "already optimal" beside an achievable
        # risk of 0.996 did not say.
        idle = [name for name, share in allocation.shares.items() if share == 0.0]
        if idle and len(rows) > 1:
            one = len(idle) == 1
            text += (f" It maximises information per item, not the achievable risk, and leaves "
                     f"{and_join([repr(name) for name in idle])} without time: {'its' if one else 'their'} "
                     f"answers would be guesses.")
        self._summary_label.setText(text)

    # ------------------------------------------------------------ handlers
    def _on_units_unit_changed(self, _unit: str) -> None:
        if self._shown is not None:
            self._update()
