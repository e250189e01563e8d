"""Colours and read-only tables shared by the Recommendations tab's panels."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem

GAIN_COLOUR = "#1b7f3b"
"""A change for the better (a lower risk), a design that meets the target."""
LOSS_COLOUR = "#b00020"
"""A change for the worse, a design that cannot meet the target."""
UNDECIDED_COLOUR = "#8d5a00"
"""A verdict the bounds cannot decide."""
MUTED_COLOUR = "#808080"
"""What does not apply, and status lines."""
ERROR_STYLE = "color: #b00020"
"""The style sheet of a status line that reports an error."""


def table_item(text: str, *, right: bool = False, tooltip: str = "", colour: str | None = None) -> QTableWidgetItem:
    """A cell: right-aligned for numbers, with a tooltip and a text colour when given."""
    item = QTableWidgetItem(text)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tooltip:
        item.setToolTip(tooltip)
    if colour:
        item.setForeground(QBrush(QColor(colour)))
    return item


def read_only_table(columns: tuple[str, ...] | list[str]) -> QTableWidget:
    """A table of whole rows, one selectable at a time, that the user reads but does not edit."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    return table
