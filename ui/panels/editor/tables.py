"""The scenario editor's tables: contexts, questions, the raters per question, difficulty classes
and rater types, each a list of the scenario edited in place.

A :class:`_RowsModel` holds one list (its columns are :class:`_Column` s whose headers read the
field table of :mod:`advisor.scenario.fields`), a :class:`_CellDelegate` gives each cell the
editor its kind needs, and a :class:`_RowsTableView` sizes itself to its rows. Edits go through the
editor's ``commit``, like every other field's (:mod:`ui.panels.editor.widget`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QSizePolicy,
    QStyledItemDelegate,
    QTableView,
)

from advisor.scenario.fields import FieldHelp, bounds_of, field_help
from advisor.scenario.formats import (
    switched_format,
    uses_bias,
    uses_free_text_fields,
    uses_option_bias,
    uses_prior,
    uses_scale_range,
    uses_span,
)
from advisor.scenario.schema import FORMAT_K_LIMITS, FORMAT_KINDS, MAX_FREE_TEXT_CHARS, ResponseFormat
from ui.widgets.spin_boxes import CompactDoubleSpinBox, compact_number, guard_wheel, hand_wheel_to_form
from ui.widgets.tables import FrozenFirstColumn

ERROR_COLOUR = "#c62828"
"""Colour of a refused value and of its message."""
REFUSED_TEXT_COLOUR = "#ffffff"
"""Text of a refused cell while its row is selected: on the error colour, which stands in for the
selection's, so that the refusal shows whichever row is selected."""
NAME_COLUMN_MIN_WIDTH = 80
"""Narrowest the name column gets when it gives its room to the number columns, pixels."""
SIDEWAYS_PIXELS_PER_NOTCH = 60
"""How far one notch of a sideways (or Shift +) wheel turn scrolls a table, pixels: about one column."""
K_BOX_RANGE = (min(low for low, _ in FORMAT_K_LIMITS.values()), max(high for _, high in FORMAT_K_LIMITS.values()))
"""Range of a k cell's box: every format's k; the schema says why a k does not fit its format."""


@dataclass(frozen=True)
class _Column:
    """One column of a contexts or questions table.

    ``key`` is the path below the row (``"weight"``, ``"format.k"``); ``kind``
    chooses the cell editor: ``text``, ``float``, ``int``, ``format`` (combo),
    ``share`` (number or automatic), ``k`` (k or max chars by format), ``list``
    (comma-separated numbers, empty for none). The
    header is the field's label over its unit and range (:mod:`advisor.scenario.fields`);
    ``unit_in_label`` leaves out a unit the label already states ("Chars/s").
    """

    key: str
    kind: str
    decimals: int = 3
    applies: Callable[[Any], bool] = lambda part: True
    unit_in_label: bool = False

    def header(self, help_: FieldHelp) -> str:
        hint = help_.hint(unit="" if self.unit_in_label else None)
        if self.kind == "share":
            # An empty time share is allocated by water-filling.
            hint = f"auto or {hint}"
        return f"{help_.label}\n{hint}" if hint else help_.label



def _cell_value(rows: tuple[Any, ...], columns: list[_Column], row: int, column: int) -> Any:
    """The scenario's value in one cell of ``rows`` (a free-text question's "k" column is its characters)."""
    part = rows[row]
    value: Any = part
    for name in columns[column].key.split("."):
        value = getattr(value, name)
    if columns[column].kind == "k" and part.format.kind == "free_text":
        return part.format.max_chars
    return value

class _RowsModel(QAbstractTableModel):
    """Rows of one list of the scenario (contexts or questions).

    Edits go through ``commit(changes, text, merge_key) -> message | None``;
    a rejected value stays visible in its cell, in red, with the message as
    its tooltip, until the state changes.
    """

    def __init__(self, group: str, columns: list[_Column], commit: Callable[..., str | None], parent=None):
        super().__init__(parent)
        self._group = group
        self._columns = columns
        self._commit = commit
        self._rows: tuple[Any, ...] = ()
        # False until the first rows arrive: an empty list is news then, and its reset lets the
        # view size itself to no rows.
        self._filled = False
        self._rejected: dict[tuple[int, int], tuple[str, str]] = {}

    @property
    def columns(self) -> list[_Column]:
        return self._columns

    def set_rows(self, rows: tuple[Any, ...]) -> None:
        if self._filled and rows == self._rows:
            # An edit elsewhere in the scenario: the cells show these rows already (a refused value
            # stays, see below), and repainting and re-measuring every column would cost the edit a
            # few milliseconds for nothing.
            return
        # A refused value stays in its cell while the cell's own value is the one it was refused
        # against: an edit elsewhere in the table must not take it away unseen (Save would then store
        # the old value under the user's eyes). A new value there, or other rows, drop it.
        same_rows = self._filled and len(rows) == len(self._rows)
        self._rejected = {cell: refused for cell, refused in self._rejected.items()
                          if same_rows and _cell_value(rows, self._columns, *cell) == self.raw_value(*cell)}
        if not self._filled or len(rows) != len(self._rows):
            self._filled = True
            self.beginResetModel()
            self._rows = rows
            self.endResetModel()
        else:
            self._rows = rows
            if rows:
                # dataChanged (not a reset) keeps the selection and current cell.
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self._columns) - 1))

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._columns)

    def path(self, row: int, column: int) -> str:
        return f"{self._group}.{row}.{self._columns[column].key}"

    def help_path(self, column: int) -> str:
        return f"{self._group}.*.{self._columns[column].key}"

    def help_of(self, column: int) -> FieldHelp:
        return field_help(self.help_path(column))

    def raw_value(self, row: int, column: int) -> Any:
        return _cell_value(self._rows, self._columns, row, column)

    def applies(self, row: int, column: int) -> bool:
        return self._columns[column].applies(self._rows[row])

    def forget_refused(self) -> None:
        """Drop the refused values shown (another scenario is opened: they were typed into this one)."""
        if self._rejected:
            self._rejected = {}
            if self._rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self._columns) - 1))

    def refused(self, row: int, column: int) -> bool:
        """Whether the cell shows a value that was refused (in red, its reason as the tooltip)."""
        return (row, column) in self._rejected

    def first_refused(self) -> tuple[int, int, str] | None:
        """The top-left cell that shows a refused value: (row, column, the reason), or None."""
        if not self._rejected:
            return None
        row, column = min(self._rejected)
        return row, column, self._rejected[(row, column)][1]

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header(self.help_of(section))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.help_of(section).tooltip()
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if not self.applies(index.row(), index.column()):
            return Qt.ItemFlag.ItemIsSelectable
        if self._columns[index.column()].kind == "label":
            return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        return Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        rejected = self._rejected.get((row, column))
        spec = self._columns[column]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if rejected is not None and role == Qt.ItemDataRole.DisplayRole:
                return rejected[0]
            if not self.applies(row, column):
                return "—" if role == Qt.ItemDataRole.DisplayRole else None
            value = self.raw_value(row, column)
            if spec.kind == "list":
                text = ", ".join(compact_number(v, spec.decimals) for v in value or ())
                empty = "uniform" if spec.key == "prior" else "none"
                return text if text or role == Qt.ItemDataRole.EditRole else empty
            if role == Qt.ItemDataRole.EditRole:
                return value
            if spec.kind == "share" and value is None:
                return "auto"
            if spec.kind == "format":
                return str(value).replace("_", " ")
            if isinstance(value, float):
                return compact_number(value, spec.decimals)
            return str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if rejected is not None:
                return rejected[1]
            if spec.kind in ("text", "label"):
                # A long name is cut short in its column: the tooltip reads it whole.
                return f"<p>{escape(str(self.raw_value(row, column)))}</p>{self.help_of(column).tooltip()}"
            return self.help_of(column).tooltip()
        if role == Qt.ItemDataRole.BackgroundRole and rejected is not None:
            return QColor("#ffebee")
        if role == Qt.ItemDataRole.ForegroundRole and rejected is not None:
            return QColor(ERROR_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole and spec.kind not in ("text", "format", "label"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row, column = index.row(), index.column()
        changes = self._changes_for(row, column, value)
        label = f"{self.help_of(column).label} of {getattr(self._rows[row], 'name', f'row {row + 1}')!r}"
        message = self._commit(changes, text=f"Edit {label}", merge_key=self.path(row, column))
        if message is None:
            if self._rejected.pop((row, column), None) is not None:
                # The value it refused before is gone, also when this one changed nothing.
                self.dataChanged.emit(index, index)
            return True
        shown = "" if value is None else (compact_number(value, 6) if isinstance(value, float) else str(value))
        self._rejected[(row, column)] = (shown, message)
        self.dataChanged.emit(index, index)
        return False

    def _changes_for(self, row: int, column: int, value: Any) -> dict[str, Any]:
        spec = self._columns[column]
        base = f"{self._group}.{row}"
        if spec.kind == "format":
            current = self._rows[row].format
            switched = switched_format(current, str(value))
            if switched is current:
                return {}
            return {f"{base}.format": switched.model_dump(), **self._stale_option_bias(row, switched)}
        if spec.kind == "k" and self._rows[row].format.kind == "free_text":
            return {f"{base}.format.max_chars": value}
        if spec.kind == "k":
            return {f"{base}.format.k": value, **self._stale_option_bias(row, None)}
        if spec.kind == "text":
            return {f"{base}.{spec.key}": str(value).strip()}
        if spec.kind == "list":
            return {f"{base}.{spec.key}": _numbers_from_text(str(value))}
        return {f"{base}.{spec.key}": value}

    def _stale_option_bias(self, row: int, response: ResponseFormat | None) -> dict[str, Any]:
        """Option biases belong to a categorical question's options: a format or k change clears them."""
        part = self._rows[row]
        if getattr(part, "option_bias", None) is None:
            return {}
        if response is not None and response.kind == "categorical" and response.k == part.format.k:
            return {}
        return {f"{self._group}.{row}.option_bias": None}


class _CellDelegate(QStyledItemDelegate):
    """Editors for table cells: combos for formats, spin boxes with the
    schema's range for numbers, "auto" for an automatic time share.

    ``key_filter`` (the editor's shared keys: undo, redo) is installed on
    every cell editor."""

    def __init__(self, parent=None, key_filter: QObject | None = None):
        super().__init__(parent)
        self._key_filter = key_filter

    def createEditor(self, parent, option, index):  # noqa: N802
        editor = self._create_editor(parent, option, index)
        if editor is not None and self._key_filter is not None:
            editor.installEventFilter(self._key_filter)
        return editor

    def _create_editor(self, parent, option, index):
        model: _RowsModel = index.model()
        spec = model.columns[index.column()]
        if spec.kind == "format":
            combo = QComboBox(parent)
            for kind in FORMAT_KINDS:
                combo.addItem(kind.replace("_", " "), kind)
            combo.setToolTip(field_help("questions.*.format.kind").tooltip())
            guard_wheel(combo)
            return combo
        if spec.kind in ("int", "k"):
            if spec.kind == "k":
                part = model._rows[index.row()]
                low, high = (1, MAX_FREE_TEXT_CHARS) if part.format.kind == "free_text" else K_BOX_RANGE
            else:
                low_f, high_f = bounds_of(model.help_path(index.column()))
                low, high = int(low_f or 0), int(high_f or 1_000_000)
            # Whole numbers out of range or mistyped reach the model, which says
            # why it refuses them (a QSpinBox would clip or drop the keystrokes). The box is not a
            # whole-number box, so that a fraction reaches the model too (the model says why).
            box = CompactDoubleSpinBox(float(low), float(high), 0, step=1.0, parent=parent, whole=False)
            box.refuses_out_of_range = False
            box.setProperty("whole", True)
            return box
        if spec.kind in ("float", "share"):
            low_f, high_f = bounds_of(model.help_path(index.column()))
            box = CompactDoubleSpinBox(low_f or 0.0, high_f if high_f is not None else 1e12, spec.decimals, parent=parent)
            box.refuses_out_of_range = False  # setModelData passes it to the model, which says why
            if spec.kind == "share":
                # The minimum stands for "automatic" (water-filling).
                box.setRange(0.0, high_f or 1e6)
                box.setSpecialValueText("auto")
                box.setSingleStep(0.05)
            return box
        return super().createEditor(parent, option, index)

    def initStyleOption(self, option, index):  # noqa: N802
        super().initStyleOption(option, index)
        if index.model().refused(index.row(), index.column()):
            # A selected cell is painted in the selection's colours, not its own: the refused one
            # takes the error colour as its selection colour, so its red shows on a selected row.
            option.palette.setColor(QPalette.ColorRole.Highlight, QColor(ERROR_COLOUR))
            option.palette.setColor(QPalette.ColorRole.HighlightedText, QColor(REFUSED_TEXT_COLOUR))

    def updateEditorGeometry(self, editor, option, index):  # noqa: N802
        super().updateEditorGeometry(editor, option, index)
        if isinstance(editor, QComboBox):
            # A column as narrow as its values would cut the list's names ("rank" for ranking):
            # the open box takes the width its longest entry needs.
            rect = editor.geometry()
            rect.setWidth(max(rect.width(), editor.sizeHint().width()))
            editor.setGeometry(rect)

    def setEditorData(self, editor, index):  # noqa: N802
        value = index.model().data(index, Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, CompactDoubleSpinBox):
            editor.setValue(editor.minimum() if value is None else value)
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):  # noqa: N802
        spec = model.columns[index.column()]
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData())
        elif isinstance(editor, CompactDoubleSpinBox) and (typed := editor.last_typed_out_of_range) is not None:
            # Out of the box's range: the model rejects it with the reason in the cell
            # (Qt would put the minimum, or "auto", in its place).
            model.setData(index, typed)
        elif isinstance(editor, CompactDoubleSpinBox) and (text := editor.last_typed_malformed) is not None and (
                text or spec.kind != "share"):
            # Not a number: the schema's message goes in the cell. An emptied
            # time share means "automatic".
            model.setData(index, text)
        elif isinstance(editor, CompactDoubleSpinBox):
            editor.interpretText()
            value = editor.value()
            if editor.property("whole"):
                # A fraction reaches the model as typed, which refuses it with the reason in the cell.
                model.setData(index, int(value) if value.is_integer() else value)
            else:
                model.setData(index, None if spec.kind == "share" and value == editor.minimum() else value)
        else:
            super().setModelData(editor, model, index)


_CONTEXT_COLUMNS = [
    _Column("name", "text"),
    _Column("weight", "float", 4),
    _Column("difficulty", "float", 3),
    _Column("reading_words", "float", 0),
]

_QUESTION_COLUMNS = [
    _Column("name", "text"),
    _Column("format.kind", "format"),
    # A scale's levels follow from its range and step.
    _Column("format.k", "k", applies=lambda q: q.format.kind not in ("binary", "scale")),
    _Column("time_share", "share", 3),
    _Column("slip_rate", "float", 4),
    _Column("span", "float", 2, applies=lambda q: uses_span(q.format)),
    _Column("aspects", "int", applies=lambda q: uses_free_text_fields(q.format)),
    _Column("bits_per_char", "float", 2, applies=lambda q: uses_free_text_fields(q.format), unit_in_label=True),
    _Column("chars_per_second", "float", 2, applies=lambda q: uses_free_text_fields(q.format), unit_in_label=True),
    _Column("format.minimum", "float", 3, applies=lambda q: uses_scale_range(q.format)),
    _Column("format.maximum", "float", 3, applies=lambda q: uses_scale_range(q.format)),
    _Column("format.step", "float", 3, applies=lambda q: uses_scale_range(q.format)),
]

_QUESTION_RATER_COLUMNS = [
    _Column("name", "label"),
    _Column("bias", "float", 3, applies=lambda q: uses_bias(q.format)),
    _Column("option_bias", "list", 3, applies=lambda q: uses_option_bias(q.format)),
    _Column("prior", "list", 3, applies=lambda q: uses_prior(q.format)),
]
"""The questions' rater model (the method §9), in the raters' group: the questions table keeps
the format's columns."""

_DIFFICULTY_COLUMNS = [
    _Column("weight", "float", 3),
    _Column("multiplier", "float", 3),
]

_RATER_TYPE_COLUMNS = [
    _Column("weight", "float", 3),
    _Column("dprime_multiplier", "float", 3),
    _Column("bias", "float", 3),
]


class _RowsTableView(QTableView):
    """A compact table that grows with its rows instead of scrolling inside the
    scrolling editor (nested scroll areas are awkward to use)."""

    def __init__(self, model: _RowsModel, parent=None, key_filter: QObject | None = None):
        super().__init__(parent)
        self.setModel(model)
        self.setItemDelegate(_CellDelegate(self, key_filter))
        # Tab leaves the table for the next field (arrows move between cells);
        # with Tab moving between cells, the form's tab chain would end here.
        self.setTabKeyNavigation(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setAlternatingRowColors(True)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.horizontalScrollBar().installEventFilter(self)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setHighlightSections(False)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(26)
        self.verticalHeader().setVisible(False)
        model.modelReset.connect(self._update_height)
        model.dataChanged.connect(lambda *_: self.resizeColumnsToContents())
        # A table wider than the form (questions of several formats) scrolls sideways: its names stay.
        # Made last, so that it copies the header's settings made above.
        if model.columns and model.columns[0].kind in ("text", "label"):
            self._frozen_names = FrozenFirstColumn(self, editable=True)

    def wheelEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """The wheel scrolls the form, not the table: the table is as tall as its rows. A sideways
        turn (a tilted wheel, a touchpad) or Shift + wheel scrolls the table sideways."""
        if not self._turn_sideways(event):
            event.ignore()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        # The table's own sideways scroll bar took every turn of the wheel that came while it was
        # under the pointer and scrolled the table to its end: scrolling down the form stopped at
        # each table wider than the form. A turn there scrolls the form as everywhere else.
        if watched is self.horizontalScrollBar() and event.type() == QEvent.Type.Wheel:
            if not self._turn_sideways(event):
                hand_wheel_to_form(self.parentWidget(), event)
            return True
        return super().eventFilter(watched, event)

    def _turn_sideways(self, event) -> bool:
        """Scroll sideways for a sideways or Shift + wheel turn (then True)."""
        delta = event.angleDelta()
        sideways = abs(delta.x()) > abs(delta.y())
        if not sideways and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            return False
        bar = self.horizontalScrollBar()
        bar.setValue(bar.value() - round((delta.x() if sideways else delta.y()) / 120 * SIDEWAYS_PIXELS_PER_NOTCH))
        event.accept()
        return True

    def _update_height(self) -> None:
        self.resizeColumnsToContents()
        rows = self.model().rowCount()
        height = self.horizontalHeader().sizeHint().height() + rows * self.verticalHeader().defaultSectionSize()
        # Room for the horizontal scroll bar is always kept: whether it shows
        # depends on the pane's width, which changes after this runs.
        scroll = self.style().pixelMetric(self.style().PixelMetric.PM_ScrollBarExtent)
        self.setFixedHeight(height + 2 * self.frameWidth() + scroll + 2)

    def resizeColumnsToContents(self) -> None:  # noqa: N802
        model = self.model()
        rows = model.rowCount()
        # A column no row uses (the free-text columns of a table of Likert
        # questions) is hidden: it only pushes the used ones behind a scroll
        # bar. It shows again once a row's format uses it.
        for column in range(model.columnCount()):
            unused = rows > 0 and not any(model.applies(row, column) for row in range(rows))
            self.setColumnHidden(column, unused)
        super().resizeColumnsToContents()
        for column in range(model.columnCount()):
            self.setColumnWidth(column, max(self.columnWidth(column), 56))
        self.horizontalHeader().setStretchLastSection(False)
        self._fit_name_column()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_name_column()

    def _fit_name_column(self) -> None:
        """The name column takes what the other columns leave, so the table fills its box and a
        long name never pushes the numbers out of view (it is cut short, whole in its tooltip)."""
        model = self.model()
        name = next((c for c, spec in enumerate(model.columns) if spec.kind in ("text", "label")), None)
        if name is None:
            return
        others = sum(self.columnWidth(c) for c in range(model.columnCount()) if c != name and not self.isColumnHidden(c))
        self.setColumnWidth(name, max(NAME_COLUMN_MIN_WIDTH, self.viewport().width() - others))


def _numbers_from_text(text: str) -> list[float | str] | None:
    """Comma- or space-separated numbers typed in a list cell (a prior, option biases); None for
    an empty cell. What is no number is passed on as it was typed, for the schema to refuse with
    its message."""
    parts = [part for part in text.replace(";", ",").replace(",", " ").split() if part]
    if not parts:
        return None
    values: list[float | str] = []
    for part in parts:
        try:
            values.append(float(part))
        except ValueError:
            values.append(part)
    return values
