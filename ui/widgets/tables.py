"""Tables the user reads but does not edit, and their cells."""

from __future__ import annotations

import html

import shiboken6

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QBrush, QColor, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
)


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


class FrozenFirstColumn(QTableView):
    """A table's first column kept in place while the table scrolls sideways: a second view of the
    same model, showing that column only, laid over the table's left edge (Qt's frozen-column
    example). It follows the table's rows, row heights, column width and vertical scrolling, and it
    shows only while the table is scrolled sideways (unscrolled, the table's own first column is in
    place). Made for tables without a vertical header (Compare's, whose first column names the rows).

    Parameters
    ----------
    table
        The table; the view is its child.
    editable
        The table is edited in place (the design editor's): the column shows the table's selection,
        a click selects the row in the table and gives it the keyboard, and a double-click scrolls
        the table back to its first column and edits that cell there (with the table's own editor).
    """

    def __init__(self, table: QTableView, *, editable: bool = False):
        super().__init__(table)
        self._table = table
        self._editable = editable
        self.setModel(table.model())
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        if editable:
            self.setSelectionBehavior(table.selectionBehavior())
            self.setSelectionMode(table.selectionMode())
            self.setSelectionModel(table.selectionModel())
        else:
            self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        # Its header looks as the table's (a shared selection would otherwise set it in bold).
        self.horizontalHeader().setHighlightSections(table.horizontalHeader().highlightSections())
        self.horizontalHeader().setDefaultAlignment(table.horizontalHeader().defaultAlignment())
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(table.verticalScrollMode())
        self.setWordWrap(table.wordWrap())
        self.setFrameShape(QFrame.Shape.NoFrame)
        # A thin line on its right edge tells it apart from the columns scrolling under it.
        self.setStyleSheet("QTableView { border-right: 1px solid #b0bec5; }")
        table.viewport().stackUnder(self)
        table.horizontalHeader().sectionResized.connect(self._on_table_column_resized)
        table.verticalHeader().sectionResized.connect(self._on_table_row_resized)
        table.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        self.verticalScrollBar().valueChanged.connect(table.verticalScrollBar().setValue)
        table.horizontalScrollBar().valueChanged.connect(self._on_table_scrolled_sideways)
        model = table.model()
        for signal in (model.modelReset, model.layoutChanged, model.rowsInserted, model.rowsRemoved,
                       model.columnsInserted, model.columnsRemoved):
            signal.connect(self.refresh)
        table.installEventFilter(self)
        self.refresh()

    def refresh(self) -> None:
        """Take the table's columns, rows and their sizes again (after it was rebuilt)."""
        if not shiboken6.isValid(self._table):
            return  # the model's signals while the table is being destroyed
        model = self._table.model()
        for column in range(model.columnCount()):
            self.setColumnHidden(column, column != 0)
        if model.columnCount():
            self.setColumnWidth(0, self._table.columnWidth(0))
        for row in range(model.rowCount()):
            self.setRowHeight(row, self._table.rowHeight(row))
        self._place()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if watched is self._table and event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def mousePressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().mousePressEvent(event)
        if self._editable:
            index = self.indexAt(event.position().toPoint())
            if index.isValid():
                self._table.setCurrentIndex(index)
            self._table.setFocus(Qt.FocusReason.MouseFocusReason)

    def mouseDoubleClickEvent(self, event) -> None:  # noqa: N802 - Qt's name
        index = self.indexAt(event.position().toPoint())
        if not self._editable or not index.isValid():
            super().mouseDoubleClickEvent(event)
            return
        # The cell is edited where the table draws it: scrolled back, this column hides.
        self._table.horizontalScrollBar().setValue(0)
        self._table.setCurrentIndex(index)
        self._table.edit(index)

    def _place(self) -> None:
        table = self._table
        frame = table.frameWidth()
        width = table.columnWidth(0) if table.model().columnCount() else 0
        # Its header as tall as the table's (long scenario names take up to three lines there).
        self.horizontalHeader().setFixedHeight(table.horizontalHeader().height())
        self.setGeometry(frame, frame, width, table.viewport().height() + table.horizontalHeader().height())
        self.verticalScrollBar().setValue(table.verticalScrollBar().value())
        self.setVisible(width > 0 and table.horizontalScrollBar().value() > 0)

    def _on_table_column_resized(self, column: int, _old: int, new: int) -> None:
        if column == 0:
            self.setColumnWidth(0, new)
            self._place()

    def _on_table_row_resized(self, row: int, _old: int, new: int) -> None:
        self.setRowHeight(row, new)

    def _on_table_scrolled_sideways(self, _value: int) -> None:
        self._place()


class EndKeepingDelegate(QStyledItemDelegate):
    """Cells whose text, when it does not fit in the cell's wrapped lines, is cut in the middle,
    so that its end stays: "Search relevance, 4-point… 3 assessors — optimised". Qt cuts a wrapped
    text at the end of its last line, which hid the suffixes that tell derived scenarios apart
    ("— optimised", "copy", "(2)") from the scenario they came from."""

    TAIL_SHARE = 0.45
    """Share of the characters kept that come from the end of the text."""

    def __init__(self, parent=None):
        super().__init__(parent)
        # Each paint (a hover, a selection) asks again: the bisection runs once per text, font and size.
        self._fitted: dict[tuple[str, str, int, int], str] = {}

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:  # noqa: N802 - Qt's name
        super().initStyleOption(option, index)
        if option.text:
            key = (option.text, option.font.key(), option.rect.width() - 8, option.rect.height() - 2)
            if key not in self._fitted:
                if len(self._fitted) > 4096:
                    self._fitted.clear()
                self._fitted[key] = self.fitted_text(option.text, option.fontMetrics, key[2], key[3])
            option.text = self._fitted[key]

    @classmethod
    def fitted_text(cls, text: str, metrics: QFontMetrics, width: int, height: int) -> str:
        """``text`` as it fits, wrapped, in ``width`` × ``height`` pixels: whole, or its start and end
        around "…" (the most characters that fit, found by bisection). Wrapped lines are measured as
        drawn: two lines of a 15-pixel line spacing take 32 pixels, not 30."""
        if width <= 0 or cls._fits(text, metrics, width, height):
            return text
        low, high = 0, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            if cls._fits(cls._cut(text, middle), metrics, width, height):
                low = middle
            else:
                high = middle - 1
        return cls._cut(text, low)

    @classmethod
    def _cut(cls, text: str, kept: int) -> str:
        tail = int(round(kept * cls.TAIL_SHARE))
        return f"{text[:kept - tail].rstrip()}…{text[len(text) - tail:] if tail else ''}"

    @staticmethod
    def _fits(text: str, metrics: QFontMetrics, width: int, height: int) -> bool:
        bound = metrics.boundingRect(0, 0, width, 1_000_000, int(Qt.TextFlag.TextWordWrap), text)
        return bound.width() <= width and bound.height() <= height
