"""Tables the user reads but does not edit, and their cells."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem


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


def wrapped_tooltip(text: str) -> str:
    """``text`` as a tooltip that wraps: Qt shows a plain-text tooltip on one line however long (a
    lever's explanation ran 1,500 px wide, past a 1280-px screen), and wraps rich text."""
    return f"<qt>{html.escape(text)}</qt>" if text else ""


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
