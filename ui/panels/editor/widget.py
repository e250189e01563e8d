"""The scenario editor: every input of the method, with units, ranges and help.

Data flows one way (``docs/ARCHITECTURE.md``): a widget edit becomes a dotted
path change, validated against the schema; a valid one is pushed as one undo
command that replaces the scenario in the :class:`~advisor.scenario.state.ScenarioState`;
the state's ``changed`` signal then refreshes every widget (with their signals
blocked, so a refresh never echoes back as an edit). An invalid value is shown
next to its field with the schema's message and never reaches the state.

Its tables are :mod:`ui.panels.editor.tables`. Run ``python -m ui.panels.editor`` to open the
editor alone on an example scenario.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from advisor.errors import ScenarioValidationError
from advisor.evaluation.guardrails import design_findings
from advisor.scenario.fields import bounds_of, count_range_text, field_help, length_text
from advisor.scenario.form_text import (
    log2_m_from_text,
    m_text,
    not_a_number_message,
    not_whole_message,
    out_of_range_message,
    rejection_message,
)
from advisor.scenario.schema import (
    CEILING_FORMS,
    MAX_DIFFICULTY_CLASSES,
    MAX_RATERS,
    OVERLAP_MODES,
    STOP_RULES,
    MAX_RATER_TYPES,
    Context,
    DifficultyClass,
    Question,
    RaterType,
    ResponseFormat,
    Scenario,
    get_path,
)
from advisor.scenario.state import ScenarioState
from ui.core.bindings import connect_to_widget
from ui.core.focus import set_enabled_keeping_place
from ui.widgets.collapsible import CollapsibleSectionWidget
from ui.core.settings import display_settings
from ui.core.timers import single_shot_timer
from ui.widgets.labels import WrappingLabel
from ui.widgets.spin_boxes import REFUSED_FRAME_COLOUR, CompactDoubleSpinBox, compact_number, guard_wheel
from ui.core.undo import ScenarioEditCommand
from ui.panels.editor.tables import (
    _CONTEXT_COLUMNS,
    _DIFFICULTY_COLUMNS,
    _QUESTION_COLUMNS,
    _QUESTION_RATER_COLUMNS,
    _RATER_TYPE_COLUMNS,
    ERROR_COLOUR,
    _Column,
    _RowsModel,
    _RowsTableView,
)

INVALID_STYLE = ("*[invalid=\"true\"] { border: 1px solid " + REFUSED_FRAME_COLOUR
                 + "; border-radius: 2px; background: #fff5f5; }")
"""The red frame and tint of a refused field (a spin box's text field takes the tint, the box draws
the frame). It is set on that field alone while it is refused: a style sheet on the whole editor
would style each of its hundreds of widgets through Qt's style-sheet style, which makes building
the window slower (docs/performance.md, "A style sheet on the whole editor")."""
WARNING_COLOUR = "#8a5a00"
HINT_COLOUR = "#6b6b6b"
NOTES_COMMIT_MS = 600
"""Typing in the notes is committed after this quiet time (ms), as one undo step."""
HINTS_BESIDE_MIN_WIDTH = 600
"""Below this editor width (px) the unit-and-range hints go under their
inputs: squeezed beside them they wrap to three or four lines."""
QUESTION_RATERS = "questions:raters"
"""Key of the raters' table of the questions' bias, option biases and prior (its messages, its view)."""


def _hint_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet(f"color: {HINT_COLOUR};")
    # Wrapping lets a narrow editor pane fit without a horizontal scroll bar.
    label.setWordWrap(True)
    return label


def _error_label(colour: str = ERROR_COLOUR) -> QLabel:
    label = QLabel()
    label.setStyleSheet(f"color: {colour};")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def _shown_text(label: QLabel) -> str:
    """A message label's text while it shows, else ``""``."""
    return label.text() if not label.isHidden() else ""


def _warning_label() -> WrappingLabel:
    """The line of design findings under a field: hidden until one applies, then as tall as the
    longest it has shown (see :meth:`ScenarioEditorWidget._update_warnings`)."""
    label = WrappingLabel()
    label.setStyleSheet(f"color: {WARNING_COLOUR};")
    label.setVisible(False)
    return label


class _FieldKeysFilter(QObject):
    """Keys that every input of the editor shares, whatever widget has focus.

    * Ctrl+Z and Ctrl+Shift+Z (or Ctrl+Y) are the scenario's undo and redo, not
      the line edit's own: a field first drops what is typed and not yet
      committed (the field shows the scenario's value again), otherwise the
      last scenario edit is undone.
    * Ctrl+Tab in the notes inserts a tab (Tab moves to the next field).
    * Escape drops what is typed and not yet committed, as in a table's cell (the next Tab or click
      committed it); with nothing typed it goes on to the window (a dialog's Cancel).
    """

    def __init__(self, editor: "ScenarioEditorWidget"):
        super().__init__(editor)
        self._editor = editor

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind not in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            return False
        action = _key_action(event)
        if action is None:
            return False
        if action == "escape":
            if not self._editor.drop_typing(QApplication.focusWidget(), only_ask=True):
                return False
            if kind == QEvent.Type.KeyPress:
                self._editor.drop_typing(QApplication.focusWidget())
            event.accept()
            return True
        if kind == QEvent.Type.ShortcutOverride:
            # Accepted: the key comes to this field as a key press, so neither the
            # line edit's own undo nor a window shortcut acts on it.
            event.accept()
            return True
        if action == "tab":
            if isinstance(watched, QPlainTextEdit):
                watched.insertPlainText("\t")
                return True
            return False
        self._editor.undo_or_redo_from_field(action)
        return True


def _key_action(event) -> str | None:
    """``"undo"``, ``"redo"``, ``"tab"`` (Ctrl+Tab), ``"escape"`` or None for a key event."""
    if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
        return "escape"
    if event.matches(QKeySequence.StandardKey.Undo):
        return "undo"
    if event.matches(QKeySequence.StandardKey.Redo) or (
            event.key() == Qt.Key.Key_Y and event.modifiers() == Qt.KeyboardModifier.ControlModifier):
        return "redo"
    if event.key() == Qt.Key.Key_Tab and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
        return "tab"
    return None


def _mark_invalid(widget: QWidget, invalid: bool) -> None:
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    # A spin box with a styled border loses its native arrows: its text field takes the tint, and
    # the box draws the red frame itself (CompactDoubleSpinBox.paintEvent).
    styled = widget.lineEdit() if isinstance(widget, QAbstractSpinBox) else widget
    styled.setProperty("invalid", invalid)
    # Setting the style sheet re-polishes the field; the selector keeps the rule off the widgets
    # inside it (a combo box's list), which do not carry the property.
    styled.setStyleSheet(INVALID_STYLE if invalid else "")
    widget.update()


# ---------------------------------------------------------------- the editor
class ScenarioEditorWidget(QWidget):
    """Edit a :class:`~advisor.scenario.state.ScenarioState`, with undo.

    Parameters
    ----------
    state
        The scenario being edited (the only source of truth).
    undo_stack
        Where edits are recorded; a new stack when omitted. The main window
        passes its own so that Edit → Undo and Ctrl+Z reach it.
    parent
        Parent widget.

    Signals
    -------
    edit_rejected(str, str)
        An edit was invalid: (dotted path, message). Nothing was changed.
    refused_value_shown(bool)
        True when the form starts to show a refused value in place of the scenario's (a red cell,
        an emptied name), False when it shows none again (see :meth:`refused_value`).
    """

    edit_rejected = Signal(str, str)
    refused_value_shown = Signal(bool)

    def __init__(self, state: ScenarioState, undo_stack: QUndoStack | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._state = state
        self._undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self._fields: dict[str, QWidget] = {}
        self._hints: dict[str, QLabel] = {}
        # Where each field's hint can go: (grid, row of the field); see _place_hints.
        self._hint_places: dict[str, tuple[QGridLayout, int]] = {}
        self._hints_beside = True
        self._error_labels: dict[str, QLabel] = {}
        self._warning_labels: dict[str, QLabel] = {}
        self._refreshers: list[Callable[[Scenario], None]] = []
        self._key_filter = _FieldKeysFilter(self)
        self._mixture_views: dict[str, QTableView] = {}
        self._units = display_settings()
        self._notes_timer = single_shot_timer(self, NOTES_COMMIT_MS, self._on_notes_timer_timeout)
        self._shows_refused_value = False
        # The scenario the fields show (None until the first refresh, and again when another is opened).
        self._shown_scenario: Scenario | None = None
        self._build()
        for view in self._row_views().values():
            view.model().dataChanged.connect(self._update_refused_value_shown)
            view.model().modelReset.connect(self._update_refused_value_shown)
        for widget in self._all_inputs() + [self._contexts_view, self._questions_view, *self._mixture_views.values()]:
            widget.installEventFilter(self._key_filter)
            if isinstance(widget, QAbstractSpinBox):
                widget.lineEdit().installEventFilter(self._key_filter)
        connect_to_widget(state.loaded, self._on_state_loaded, self)
        connect_to_widget(state.changed, self._on_state_changed, self)
        # A Qt signal: the connection ends with this widget (a slot of a QObject).
        QApplication.instance().focusChanged.connect(self._on_application_focus_changed)
        self._units.unit_changed.connect(self._on_units_unit_changed)
        self._update_widgets(state.scenario)

    # ------------------------------------------------------------ public API
    @property
    def state(self) -> ScenarioState:
        return self._state

    @property
    def undo_stack(self) -> QUndoStack:
        return self._undo_stack

    @property
    def contexts_table(self) -> QTableView:
        return self._contexts_view

    @property
    def questions_table(self) -> QTableView:
        return self._questions_view

    def mixture_table(self, group: str) -> QTableView:
        """The raters' table of ``"raters.difficulty_classes"``, ``"raters.rater_types"`` or
        :data:`QUESTION_RATERS` (each question's bias, option biases and prior)."""
        return self._mixture_views[group]

    def field_widget(self, path: str) -> QWidget:
        """The input widget of a scalar field (``"raters.per_item"``)."""
        return self._fields[path]

    def field_paths(self) -> list[str]:
        """Every scalar field's key, in the order of the form: dotted paths of
        the scenario (``"raters.per_item"``) and the parts of a compound field
        (``"target.log2_m:mode"``, ``"campaign.budget_cap:enabled"``)."""
        return list(self._fields)

    def error_text(self, path: str) -> str:
        """The message shown next to a field or table (``"contexts"``,
        ``"questions"``), or ``""`` when it is valid."""
        return _shown_text(self._error_labels[path])

    def warning_text(self, path: str) -> str:
        """The design finding shown under a field or table, or ``""`` when there is none."""
        return _shown_text(self._warning_labels[path])

    @property
    def shows_refused_value(self) -> bool:
        """True while a field or cell shows a value the scenario refused, in place of its own: an
        edit that is not in the scenario, and that a save would lose (see :meth:`refused_value`)."""
        return self._shows_refused_value

    def refused_value(self) -> str:
        """What is wrong with the first refused value the form shows, naming its field and the
        allowed range; ``""`` when it shows none.

        A number box shows the scenario's value again when it refuses one (only its message stays),
        so a refused value shown is a table's red cell or the text of a name, tags, notes, currency
        or target M field.
        """
        key = self._refused_key()
        if key is None:
            return ""
        view = self._row_views().get(key)
        if view is not None:
            row, column, message = view.model().first_refused()
            allowed = view.model().help_of(column).range_text
        else:
            message, allowed = self.error_text(key), field_help(key).range_text
            label = field_help(key).label
            if label not in message:
                message = f"{label}: {message}"
        return f"{message} (allowed: {allowed})" if allowed and allowed not in message else message

    def focus_refused_value(self) -> None:
        """Scroll to the first refused value the form shows and give it the keyboard: its cell is
        made current (typing replaces it), a field's text is selected."""
        key = self._refused_key()
        if key is None:
            return
        view = self._row_views().get(key)
        if view is not None:
            row, column, _message = view.model().first_refused()
            index = view.model().index(row, column)
            view.setCurrentIndex(index)
            view.scrollTo(index)
            widget: QWidget = view
        else:
            widget = self._input_of(key)
        self._scroll.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        edit = widget.lineEdit() if isinstance(widget, QComboBox) and widget.isEditable() else widget
        if isinstance(edit, QLineEdit):
            edit.selectAll()

    def undo_or_redo_from_field(self, action: str) -> None:
        """Ctrl+Z (``"undo"``) or Ctrl+Shift+Z (``"redo"``) pressed in a field.

        What is typed in the focused field and not yet committed is dropped
        first (the field shows the scenario's value again); an undo stops
        there. Otherwise the scenario's last edit is undone (or redone), as by
        Edit ▸ Undo.
        """
        dropped = self.drop_typing(QApplication.focusWidget())
        if action == "undo" and dropped:
            return
        if action == "undo":
            self._undo_stack.undo()
        else:
            self._undo_stack.redo()

    def commit_pending(self) -> None:
        """Commit what is typed but not yet committed (the field being typed
        in, a table cell being edited, notes waiting for their pause), e.g.
        before a save: Ctrl+S does not move the focus, so the field would not
        commit by itself."""
        focus = QApplication.focusWidget()
        if focus is not None and self.isAncestorOf(focus):
            spin = focus if isinstance(focus, QAbstractSpinBox) else focus.parentWidget()
            if isinstance(spin, CompactDoubleSpinBox) and spin.reject_out_of_range():
                pass
            elif isinstance(spin, QAbstractSpinBox):
                spin.interpretText()
            elif isinstance(focus, QLineEdit):
                focus.editingFinished.emit()
                focus.setModified(False)
        for view in (self._contexts_view, self._questions_view, *self._mixture_views.values()):
            editor = view.focusWidget()
            if view.state() == QAbstractItemView.State.EditingState and editor is not None:
                view.commitData(editor)
        if self._notes_timer.isActive():
            self._notes_timer.stop()
            self._on_notes_timer_timeout()

    def commit(self, changes: dict[str, Any], *, text: str, merge_key: str = "", error_key: str | None = None) -> str | None:
        """Validate ``changes`` and, when valid, record them as one undo step.

        Parameters
        ----------
        changes
            Dotted-path changes, as for :meth:`Scenario.with_changes`.
        text
            The undo step's description.
        merge_key
            Consecutive steps with the same key merge (see
            :class:`~ui.core.undo.ScenarioEditCommand`).
        error_key
            Where to show a rejection: a field path or ``"contexts"`` /
            ``"questions"``; by default the first changed path.

        Returns
        -------
        str or None
            None when the change was applied (or changed nothing), else the
            message shown beside the field.
        """
        key = error_key or next(iter(changes), "")
        before = self._state.scenario
        try:
            after = before.with_changes(changes)
        except ScenarioValidationError as error:
            message = rejection_message(error, changes, before)
            self._refuse(key, message)
            return message
        self._show_error(key, "")
        if after != before:
            self._undo_stack.push(ScenarioEditCommand(self._state, before, after, text, merge_key))
        return None

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        scroll = QScrollArea(self)
        self._scroll = scroll
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget()
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(content)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(10)
        layout.addWidget(self._build_identity())
        layout.addWidget(self._build_target())
        layout.addWidget(self._build_rows("contexts", "Contexts (strata of items)", _CONTEXT_COLUMNS))
        layout.addWidget(self._build_rows("questions", "Questions (one per judgment a rater makes)", _QUESTION_COLUMNS))
        layout.addWidget(self._build_raters())
        layout.addWidget(self._build_overlap())
        layout.addWidget(self._build_campaign())
        layout.addWidget(self._build_gold())
        layout.addWidget(self._build_bounds())
        layout.addStretch(1)

    def _group(self, title: str) -> tuple[QGroupBox, QGridLayout]:
        box = QGroupBox(title)
        grid = QGridLayout(box)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(4)
        # Inputs keep a comfortable width; spare room goes after the hints.
        grid.setColumnStretch(2, 1)
        return box, grid

    def _add_row(self, grid: QGridLayout, path: str, widget: QWidget, hint: str | None = None,
                 label: QWidget | None = None, wide: bool = False) -> QLabel:
        """Label, input and unit/range hint on one row; the error message below.

        ``wide`` inputs (names, notes) span the hint column. Returns the hint
        label (unit and range), which some fields update."""
        help_ = field_help(path)
        row = grid.rowCount()
        caption = label or QLabel(help_.label)
        if isinstance(caption, QLabel):
            # A long label ("Target complexity log₂ M") takes two lines in a narrow editor.
            caption.setWordWrap(True)
        caption.setToolTip(help_.tooltip())
        widget.setToolTip(help_.tooltip())
        # Screen readers and scripted checks find a field by its label and path.
        widget.setAccessibleName(help_.label)
        widget.setObjectName(path)
        grid.addWidget(caption, row, 0)
        if hint is None:
            hint = help_.hint()
        hint_label = _hint_label(hint)
        hint_label.setToolTip(help_.tooltip())
        if wide:
            # The input spans the hint's column, so the hint is left out of the
            # grid: an (empty) label in that cell would lie over the input and
            # take its mouse clicks.
            grid.addWidget(widget, row, 1, 1, 2)
        else:
            widget.setMinimumWidth(max(widget.minimumWidth(), 130))
            widget.setMaximumWidth(max(widget.maximumWidth() if widget.maximumWidth() < 16_000_000 else 0, 250))
            grid.addWidget(widget, row, 1)
            grid.addWidget(hint_label, row, 2)
            self._hint_places[path] = (grid, row)
        # Row + 1 is for the hint when it goes under the input (a narrow editor).
        error = _error_label()
        grid.addWidget(error, row + 2, 1, 1, 2)
        warning = _warning_label()
        grid.addWidget(warning, row + 3, 1, 1, 2)
        self._fields[path] = widget
        self._error_labels[path] = error
        self._warning_labels[path] = warning
        self._hints[path] = hint_label
        return hint_label

    def _double(self, path: str, decimals: int, *, suffix: str = "", step: float | None = None,
                display: tuple[Callable[[float], float], Callable[[float], float]] | None = None,
                maximum: float | None = None) -> CompactDoubleSpinBox:
        """A spin box bound to a float field; ``display`` = (to shown, from shown)."""
        low, high = bounds_of(path)
        top = maximum if maximum is not None else (high if high is not None else 1e12)
        # A real number whatever its usual precision (the reading speed's is whole words per minute):
        # the box keeps and shows what is stored.
        box = CompactDoubleSpinBox(low or 0.0, top, decimals, step=step, suffix=suffix, whole=False)
        box.setMinimumWidth(110)
        to_shown, from_shown = display or ((lambda v: v), (lambda v: v))

        def refresh(scenario: Scenario) -> None:
            box.setValue(to_shown(float(get_path(scenario, path))))

        box.valueChanged.connect(lambda value: self._commit_box(
            box, {path: from_shown(value)}, f"Edit {field_help(path).label}", path, refresh))
        box.out_of_range.connect(lambda number: self._reject_typed(path, box, number))
        box.malformed.connect(lambda text: self._reject_text(path, box, text))
        self._refreshers.append(refresh)
        return box

    @staticmethod
    def _allowed(path: str, box: CompactDoubleSpinBox) -> str:
        return field_help(path).range_text or f"[{compact_number(box.minimum(), box.decimals())}, " \
            f"{compact_number(box.maximum(), box.decimals())}]"

    def _reject_typed(self, path: str, box: CompactDoubleSpinBox, number: float) -> None:
        """A number outside the field's range was typed: say so, change nothing."""
        self._refuse(path, out_of_range_message(path, compact_number(number, 6), self._allowed(path, box)))

    def _reject_fraction(self, path: str, number: float) -> None:
        """A number with a fraction was typed in a whole-number field: say so, change nothing."""
        self._refuse(path, not_whole_message(path, compact_number(number, 6)))

    def _reject_text(self, path: str, box: CompactDoubleSpinBox, text: str) -> None:
        """Text that is no number was typed: say so, change nothing."""
        self._refuse(path, not_a_number_message(path, text, self._allowed(path, box)))

    def _refuse(self, path: str, message: str) -> None:
        self._show_error(path, message)
        self.edit_rejected.emit(path, message)

    def _integer(self, path: str, *, maximum: int | None = None) -> CompactDoubleSpinBox:
        """A whole-number field that refuses (and explains) an out-of-range entry
        instead of letting Qt clip the keystrokes ("500" in [1, 100] would be 50)."""
        low, high = bounds_of(path)
        box = CompactDoubleSpinBox(float(low or 0), float(maximum if maximum is not None else (high or 2**31 - 1)), 0)
        box.setMinimumWidth(110)
        box.not_whole.connect(lambda number: self._reject_fraction(path, number))
        box.out_of_range.connect(lambda number: self._reject_typed(path, box, number))
        box.malformed.connect(lambda text: self._reject_text(path, box, text))
        def refresh(scenario: Scenario) -> None:
            box.setValue(int(get_path(scenario, path)))

        box.valueChanged.connect(lambda value: self._commit_box(
            box, {path: int(value)}, f"Edit {field_help(path).label}", path, refresh))
        self._refreshers.append(refresh)
        return box

    def _commit_box(self, box: CompactDoubleSpinBox, changes: dict[str, Any], text: str, path: str,
                    refresh: Callable[[Scenario], None]) -> None:
        """Commit a spin box's value; a value the scenario refuses is said beside the field and the
        box shows the scenario's value again (it kept the refused one, and its arrows then stepped
        from it: a refused 0 s for the time per item, then ▲, committed 5 s)."""
        if self.commit(changes, text=text, merge_key=path) is not None:
            with QSignalBlocker(box):
                refresh(self._state.scenario)

    def _optional_double(self, grid: QGridLayout, path: str, decimals: int, default: float, *, suffix: str = "",
                         integer: bool = False) -> None:
        """A checkbox that switches an optional field on, and its spin box."""
        help_ = field_help(path)
        check = QCheckBox(help_.label)
        low, high = bounds_of(path)
        box = CompactDoubleSpinBox(low or 0.0, high if high is not None else 1e12, decimals, suffix=suffix, whole=integer)
        box.setMinimumWidth(110)
        box.not_whole.connect(lambda number: self._reject_fraction(path, number))
        box.out_of_range.connect(lambda number: self._reject_typed(path, box, number))
        box.malformed.connect(lambda text: self._reject_text(path, box, text))

        def value_of() -> float | int:
            return int(box.value()) if integer else box.value()

        def on_toggled(checked: bool) -> None:
            box.setEnabled(checked)
            self.commit({path: value_of() if checked else None},
                        text=f"{'Set' if checked else 'Clear'} {help_.label}", merge_key="")

        def on_value_changed(_value: float) -> None:
            if check.isChecked():
                self._commit_box(box, {path: value_of()}, f"Edit {help_.label}", path, refresh)

        def refresh(scenario: Scenario) -> None:
            value = get_path(scenario, path)
            check.setChecked(value is not None)
            box.setEnabled(value is not None)
            box.setValue(default if value is None else float(value))

        check.toggled.connect(on_toggled)
        box.valueChanged.connect(on_value_changed)
        self._refreshers.append(refresh)
        self._add_row(grid, path, box, label=check)
        self._fields[f"{path}:enabled"] = check
        check.setObjectName(f"{path}:enabled")

    def _build_identity(self) -> QGroupBox:
        box, grid = self._group("Scenario")
        name = QLineEdit()
        name.editingFinished.connect(lambda: self._commit_line(name, {"name": name.text()}, "Rename scenario", "name"))
        self._refreshers.append(lambda s: _set_text(name, s.name))
        self._add_row(grid, "name", name, hint="", wide=True)
        tags = QLineEdit()
        tags.setPlaceholderText("comma-separated, e.g. pilot, medical")
        tags.editingFinished.connect(
            lambda: self._commit_line(tags, {"tags": [t.strip() for t in tags.text().split(",") if t.strip()]},
                                      "Edit tags", "tags")
        )
        self._refreshers.append(lambda s: _set_text(tags, ", ".join(s.tags)))
        self._add_row(grid, "tags", tags, hint="", wide=True)
        notes = QPlainTextEdit()
        notes.setPlaceholderText("Where the numbers come from, assumptions, decisions…")
        notes.setFixedHeight(56)
        # Tab moves on to the next field (Ctrl+Tab inserts a tab, see _FieldKeysFilter).
        notes.setTabChangesFocus(True)
        notes.textChanged.connect(self._notes_timer.start)

        def refresh_notes(scenario: Scenario) -> None:
            # Notes still waiting for their pause are the user's, not stale.
            if notes.toPlainText() != scenario.notes and not self._notes_timer.isActive():
                notes.setPlainText(scenario.notes)

        self._refreshers.append(refresh_notes)
        self._add_row(grid, "notes", notes, hint="", wide=True)
        return box

    def _commit_line(self, edit: QLineEdit, changes: dict[str, Any], text: str, merge_key: str) -> None:
        if self.commit(changes, text=text, merge_key=merge_key) is None:
            # Committed: the text is the scenario's now, so a refresh (undo) may replace it.
            edit.setModified(False)

    def _build_target(self) -> QGroupBox:
        box, grid = self._group("Target")
        # log2 M in bits, or M itself (which can be astronomically large, hence text).
        mode = QComboBox()
        mode.addItem("log₂ M", "bits")
        mode.addItem("M", "count")
        mode.setToolTip("Enter the target complexity in bits (log₂ M) or as the number of hypotheses M")
        guard_wheel(mode)
        bits = CompactDoubleSpinBox(0.0, bounds_of("target.log2_m")[1] or 1e4, 3, step=1.0, suffix=" bits")
        bits.out_of_range.connect(lambda number: self._reject_typed("target.log2_m", bits, number))
        bits.malformed.connect(lambda text: self._reject_text("target.log2_m", bits, text))
        bits.setMinimumWidth(110)
        count = QLineEdit()
        count.setPlaceholderText("e.g. 256, 1e6 or 2^20")
        holder = QWidget()
        holder_layout = QHBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(mode)
        holder_layout.addWidget(bits, 1)
        holder_layout.addWidget(count, 1)
        count.setVisible(False)
        equivalent = _hint_label("")
        self._fields["target.log2_m:mode"] = mode
        self._fields["target.log2_m:count"] = count
        for key, part, name in (("target.log2_m:mode", mode, "Target complexity unit"),
                                ("target.log2_m:count", count, "Target complexity M"),
                                ("target.log2_m:bits", bits, field_help("target.log2_m").label)):
            part.setObjectName(key)
            part.setAccessibleName(name)

        def refresh(scenario: Scenario) -> None:
            log2_m = scenario.target.log2_m
            bits.setValue(log2_m)
            _set_text(count, m_text(log2_m))
            equivalent.setText(f"M = {m_text(log2_m)}" if mode.currentData() == "bits" else f"= {log2_m:g} bits")

        def on_mode_changed(_index: int) -> None:
            counting = mode.currentData() == "count"
            bits.setVisible(not counting)
            count.setVisible(counting)
            help_ = field_help("target.log2_m")
            self._hints["target.log2_m"].setText(
                f"hypotheses, {count_range_text('target.log2_m')}" if counting else help_.hint())
            self._show_error("target.log2_m", "")
            refresh(self._state.scenario)

        def on_count_edited() -> None:
            log2_m = log2_m_from_text(count.text())
            if isinstance(log2_m, str):
                self._show_error("target.log2_m", log2_m)
                return
            self.commit({"target.log2_m": log2_m}, text="Edit target complexity", merge_key="target.log2_m")

        mode.currentIndexChanged.connect(on_mode_changed)
        bits.valueChanged.connect(
            lambda value: self.commit({"target.log2_m": value}, text="Edit target complexity", merge_key="target.log2_m")
        )
        count.editingFinished.connect(on_count_edited)
        self._refreshers.append(refresh)
        holder.setMaximumWidth(300)
        # Room for "log₂ M" and "1.5 bits" in full when the editor is narrow.
        mode.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        bits.setMinimumWidth(90)
        holder.setMinimumWidth(mode.sizeHint().width() + bits.minimumWidth() + holder_layout.spacing())
        self._add_row(grid, "target.log2_m", holder)
        self._fields["target.log2_m:bits"] = bits
        grid.addWidget(equivalent, grid.rowCount(), 1, 1, 2)
        self._add_row(grid, "target.separation", self._double("target.separation", 3, step=0.05))
        self._add_row(grid, "target.target_risk", self._double("target.target_risk", 4, step=0.01))
        return box

    def _build_rows(self, group: str, title: str, columns: list[_Column]) -> QGroupBox:
        box = QGroupBox(title)
        layout = QVBoxLayout(box)
        model = _RowsModel(group, columns, self._commit_cell(group), self)
        view = _RowsTableView(model, box, self._key_filter)
        layout.addWidget(view)
        self._add_messages(layout, group)
        buttons = QHBoxLayout()
        noun = "context" if group == "contexts" else "question"
        add = QPushButton(f"Add {noun}")
        remove = QPushButton(f"Remove {noun}")
        add.setToolTip(f"Add a {noun} with default values")
        remove.setToolTip(f"Remove the selected {noun} (at least one must remain)")
        add.clicked.connect(lambda: self._add_part(group))
        remove.clicked.connect(lambda: self._remove_part(group, view))
        hint = _hint_label("Double-click a cell to edit")
        hint.setToolTip("Double-click a cell (or select it and type) to edit; hover a column header for "
                        "its meaning, unit and range. Greyed cells do not apply to that format.")
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        buttons.addWidget(hint)
        layout.addLayout(buttons)
        if group == "contexts":
            self._contexts_view = view
            self._refreshers.append(lambda s: model.set_rows(s.contexts))
        else:
            self._questions_view = view
            self._refreshers.append(lambda s: model.set_rows(s.questions))
        self._refreshers.append(lambda s: set_enabled_keeping_place(remove, len(getattr(s, group)) > 1))
        return box

    def _build_raters(self) -> QGroupBox:
        box, grid = self._group("Raters")
        self._add_row(grid, "raters.per_item", self._integer("raters.per_item"))
        self._add_row(grid, "raters.correlation", self._double("raters.correlation", 3, step=0.05))
        self._add_row(grid, "raters.discriminability", self._double("raters.discriminability", 3, step=0.1))
        self._add_row(grid, "raters.accrual_rate", self._double("raters.accrual_rate", 4, suffix=" /s", step=0.01))
        self._add_row(grid, "raters.base_time", self._double("raters.base_time", 2, suffix=" s", step=0.5))
        self._add_row(grid, "raters.reading_wpm", self._double("raters.reading_wpm", 0, step=10))
        self._build_small_table(grid, "questions", QUESTION_RATERS, _QUESTION_RATER_COLUMNS,
                                "Bias and prior per question",
                                field_help("questions.*.bias").tooltip() + field_help("questions.*.prior").tooltip())
        self._build_mixture(grid, "raters.difficulty_classes", _DIFFICULTY_COLUMNS, "class", MAX_DIFFICULTY_CLASSES,
                            DifficultyClass(weight=1.0, multiplier=1.0))
        self._build_mixture(grid, "raters.rater_types", _RATER_TYPE_COLUMNS, "type", MAX_RATER_TYPES,
                            RaterType(weight=1.0))
        return box

    def _add_messages(self, layout: QVBoxLayout, key: str) -> None:
        """The error line (a refused edit) and the warning line (a design finding) of a table."""
        error = _error_label()
        layout.addWidget(error)
        self._error_labels[key] = error
        warning = _warning_label()
        layout.addWidget(warning)
        self._warning_labels[key] = warning

    def _build_small_table(self, grid: QGridLayout, group: str, key: str, columns: list[_Column],
                           caption: str, tooltip: str) -> tuple[_RowsModel, QTableView, QVBoxLayout]:
        """A captioned table of the rows at ``group`` below the raters' fields, with its error and
        warning lines (shown under ``key``); returns its model, view and layout."""
        holder = QWidget()
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(0, 6, 0, 0)
        label = QLabel(caption)
        label.setToolTip(tooltip)
        layout.addWidget(label)
        model = _RowsModel(group, columns, self._commit_cell(key), self)
        view = _RowsTableView(model, holder, self._key_filter)
        view.setObjectName(key)
        view.setAccessibleName(caption)
        view.setToolTip(tooltip)
        layout.addWidget(view)
        self._add_messages(layout, key)
        self._refreshers.append(lambda s: model.set_rows(get_path(s, group)))
        grid.addWidget(holder, grid.rowCount(), 0, 1, 3)
        self._mixture_views[key] = view
        return model, view, layout

    def _build_mixture(self, grid: QGridLayout, group: str, columns: list[_Column], noun: str, limit: int,
                       new: DifficultyClass | RaterType) -> None:
        """A small table of one of the raters' mixtures (difficulty classes, rater types) with
        buttons to add a row (up to ``limit``) and to remove the selected one."""
        help_ = field_help(group)
        _, view, layout = self._build_small_table(grid, group, group, columns, help_.label, help_.tooltip())
        buttons = QHBoxLayout()
        add = QPushButton(f"Add {noun}")
        remove = QPushButton(f"Remove {noun}")
        add.setObjectName(f"{group}:add")
        remove.setObjectName(f"{group}:remove")
        add.setToolTip(f"Add a {noun} (at most {limit}); none means one {noun} of the defaults")
        remove.setToolTip(f"Remove the selected {noun}")

        def rows(scenario: Scenario) -> list[dict[str, Any]]:
            return [part.model_dump(mode="json") for part in get_path(scenario, group)]

        def on_add() -> None:
            data = rows(self._state.scenario)
            if self.commit({group: data + [new.model_dump(mode="json")]}, text=f"Add {noun}", error_key=group) is None:
                view.selectRow(len(data))

        def on_remove() -> None:
            data = rows(self._state.scenario)
            selected = view.selectionModel().selectedRows() if view.selectionModel() else []
            row = selected[0].row() if selected else len(data) - 1
            if 0 <= row < len(data):
                data.pop(row)
                self.commit({group: data}, text=f"Remove {noun} {row + 1}", error_key=group)

        add.clicked.connect(on_add)
        remove.clicked.connect(on_remove)
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self._refreshers.append(lambda s: add.setEnabled(len(get_path(s, group)) < limit))
        self._refreshers.append(lambda s: set_enabled_keeping_place(remove, len(get_path(s, group)) > 0))

    def _build_campaign(self) -> QGroupBox:
        box, grid = self._group("Campaign and cost")
        items = self._integer("campaign.items")
        items.setSingleStep(1000)
        self._add_row(grid, "campaign.items", items)
        self._add_row(grid, "campaign.seconds_per_item", self._double("campaign.seconds_per_item", 2, suffix=" s", step=5))
        self._add_row(grid, "campaign.wage_per_hour", self._double("campaign.wage_per_hour", 2, step=1))
        self._add_row(grid, "campaign.platform_fee", self._double("campaign.platform_fee", 3, step=0.05))
        currency = QComboBox()
        currency.setEditable(True)
        currency.addItems(["USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD", "INR", "CNY"])
        currency.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        guard_wheel(currency)
        currency.lineEdit().editingFinished.connect(
            lambda: self.commit({"campaign.currency": currency.currentText().strip().upper()},
                                text="Edit currency", merge_key="campaign.currency")
        )
        currency.activated.connect(
            lambda _i: self.commit({"campaign.currency": currency.currentText().strip().upper()},
                                   text="Edit currency", merge_key="campaign.currency")
        )
        self._refreshers.append(lambda s: currency.setCurrentText(s.campaign.currency))
        self._add_row(grid, "campaign.currency", currency, hint=length_text("campaign.currency"))
        self._optional_double(grid, "campaign.budget_cap", 2, 10_000.0)
        self._optional_double(grid, "campaign.deadline_hours", 1, 168.0, suffix=" h")
        self._optional_double(grid, "campaign.raters_available", 0, 10.0, integer=True)
        self._refreshers.append(lambda s: self._update_money_hints(s))
        return box

    def _build_bounds(self) -> QGroupBox:
        box, grid = self._group("Bounds")
        form = QComboBox()
        for name in CEILING_FORMS:
            form.addItem(name, name)
        guard_wheel(form)
        form.currentIndexChanged.connect(
            lambda _i: self.commit({"bounds.ceiling_form": form.currentData()}, text="Edit ceiling form",
                                   merge_key="bounds.ceiling_form")
        )
        self._refreshers.append(lambda s: form.setCurrentIndex(form.findData(s.bounds.ceiling_form)))
        self._add_row(grid, "bounds.ceiling_form", form, hint="")
        self._add_row(grid, "bounds.observed_risk", self._double("bounds.observed_risk", 4, step=0.01))
        self._add_row(grid, "bounds.delta", self._double("bounds.delta", 4, step=0.01))
        self._add_row(grid, "bounds.eta", self._double("bounds.eta", 4, step=0.01))
        self._add_row(grid, "bounds.catoni_lambda", self._double("bounds.catoni_lambda", 3, step=0.1))

        def enable_form_terms(scenario: Scenario) -> None:
            high_probability = scenario.bounds.ceiling_form != "expectation"
            for path in ("bounds.delta", "bounds.eta"):
                self._fields[path].setEnabled(high_probability)
            self._fields["bounds.catoni_lambda"].setEnabled(scenario.bounds.ceiling_form == "catoni")

        self._refreshers.append(enable_form_terms)
        advanced = CollapsibleSectionWidget("Advanced terms of the ceiling")
        advanced_grid = QGridLayout(advanced.body)
        advanced_grid.setContentsMargins(0, 0, 0, 0)
        advanced_grid.setColumnStretch(1, 1)
        for path in ("bounds.residual_nats", "bounds.context_nats"):
            spin = self._double(path, 4, step=0.1, display=(self._units.convert, self._units.to_nats))
            self._add_row(advanced_grid, path, spin, hint="")
        grid.addWidget(advanced, grid.rowCount(), 0, 1, 3)
        self._update_unit_hints()
        return box

    def _choice(self, path: str, choices: tuple[str, ...], changes: Callable[[str], dict[str, Any]] | None = None,
                ) -> QComboBox:
        """A combo box bound to a field with a fixed set of values; ``changes(value)`` gives the edit
        (default: the field alone)."""
        combo = QComboBox()
        for name in choices:
            combo.addItem(name, name)
        guard_wheel(combo)
        label = field_help(path).label
        combo.currentIndexChanged.connect(
            lambda _i: self.commit((changes or (lambda value: {path: value}))(combo.currentData()),
                                   text=f"Edit {label}", merge_key=path)
        )
        self._refreshers.append(lambda s: combo.setCurrentIndex(combo.findData(get_path(s, path))))
        return combo

    def _build_overlap(self) -> QGroupBox:
        box, grid = self._group("Raters per item: overlap design")

        def mode_changes(mode: str) -> dict[str, Any]:
            scenario = self._state.scenario
            changes: dict[str, Any] = {"overlap.mode": mode}
            # Adaptive overlap needs room above the first raters: give it one more when there is none.
            if mode == "adaptive" and scenario.overlap.max_raters <= scenario.raters.per_item:
                changes["overlap.max_raters"] = min(MAX_RATERS, scenario.raters.per_item + 1)
            return changes

        self._add_row(grid, "overlap.mode", self._choice("overlap.mode", OVERLAP_MODES, mode_changes), hint="")
        self._add_row(grid, "overlap.max_raters", self._integer("overlap.max_raters"))
        self._add_row(grid, "overlap.stop_rule", self._choice("overlap.stop_rule", STOP_RULES), hint="")
        self._add_row(grid, "overlap.stop_threshold", self._double("overlap.stop_threshold", 3, step=0.05))
        self._add_row(grid, "overlap.extra_share", self._double("overlap.extra_share", 3, step=0.05))
        self._add_row(grid, "overlap.extra_raters", self._integer("overlap.extra_raters"))

        def enable(scenario: Scenario) -> None:
            mode = scenario.overlap.mode
            for path in ("overlap.max_raters", "overlap.stop_rule", "overlap.stop_threshold"):
                self._fields[path].setEnabled(mode == "adaptive")
            for path in ("overlap.extra_share", "overlap.extra_raters"):
                self._fields[path].setEnabled(mode == "partial")

        self._refreshers.append(enable)
        return box

    def _build_gold(self) -> QGroupBox:
        box, grid = self._group("Gold questions")
        self._add_row(grid, "gold.share", self._double("gold.share", 3, step=0.01))
        self._add_row(grid, "gold.authoring_cost", self._double("gold.authoring_cost", 2, step=0.5))
        self._optional_double(grid, "gold.pool_size", 0, 20.0, integer=True)
        self._add_row(grid, "gold.false_flag_rate", self._double("gold.false_flag_rate", 3, step=0.01))

        def refresh(scenario: Scenario) -> None:
            help_ = field_help("gold.authoring_cost")
            self._hints["gold.authoring_cost"].setText(help_.hint(unit=f"{scenario.campaign.currency} {help_.unit}"))
            for path in ("gold.authoring_cost", "gold.pool_size", "gold.pool_size:enabled", "gold.false_flag_rate"):
                self._fields[path].setEnabled(scenario.gold.share > 0.0 and (
                    path != "gold.pool_size" or scenario.gold.pool_size is not None))

        self._refreshers.append(refresh)
        return box

    # ------------------------------------------------------------ refreshing
    def _update_widgets(self, scenario: Scenario) -> None:
        # A field showing text it refused (a name emptied, a currency mistyped) keeps it through an edit
        # elsewhere while the scenario's own value there is unchanged, as a table's red cell does: the
        # refresh would put the old value back unseen, and the typed text would be lost.
        before, views = self._shown_scenario, self._row_views()
        kept = {} if before is None else {
            path: _input_text(self._input_of(path)) for path, label in self._error_labels.items()
            if path not in views and not label.isHidden()
            and not isinstance(self._input_of(path), QAbstractSpinBox)
            and get_path(before, _value_path(path)) == get_path(scenario, _value_path(path))}
        blockers = [QSignalBlocker(widget) for widget in self._all_inputs()]
        try:
            for refresh in self._refreshers:
                refresh(scenario)
            for path, text in kept.items():
                _set_input_text(self._input_of(path), text)
        finally:
            del blockers
        self._shown_scenario = scenario
        for path in list(self._error_labels):
            if path not in kept:
                self._show_error(path, "")
        self._update_warnings(scenario)

    def _all_inputs(self) -> list[QWidget]:
        widgets = list(self._fields.values())
        widgets += [w.lineEdit() for w in widgets if isinstance(w, QComboBox) and w.isEditable()]
        widgets += self.findChildren(QPlainTextEdit)
        widgets += self.findChildren(CompactDoubleSpinBox)
        return widgets

    def _place_hints(self, beside: bool) -> None:
        """Hints beside their inputs (a wide editor) or under them (a narrow one)."""
        for path, (grid, row) in self._hint_places.items():
            hint = self._hints[path]
            grid.removeWidget(hint)
            if beside:
                grid.addWidget(hint, row, 2)
            else:
                grid.addWidget(hint, row + 1, 1, 1, 2)
            # An empty hint under its input would still take a row's spacing.
            hint.setVisible(beside or bool(hint.text()))
        self._hints_beside = beside

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        beside = self.width() >= HINTS_BESIDE_MIN_WIDTH
        if beside != self._hints_beside:
            self._place_hints(beside)

    @property
    def hints_beside(self) -> bool:
        """True when the unit-and-range hints are beside their inputs, False when under them."""
        return self._hints_beside

    def _update_money_hints(self, scenario: Scenario) -> None:
        currency = scenario.campaign.currency
        for path in ("campaign.wage_per_hour", "campaign.budget_cap"):
            help_ = field_help(path)
            self._hints[path].setText(help_.hint(unit=f"{currency} {help_.unit}".strip()))

    def _update_unit_hints(self) -> None:
        for path in ("bounds.residual_nats", "bounds.context_nats"):
            self._hints[path].setText(field_help(path).hint(unit=self._units.unit))

    def _show_error(self, key: str, message: str) -> None:
        label = self._error_labels.get(key)
        if label is None:
            return
        toggled = label.isHidden() == bool(message)
        label.setText(message)
        label.setVisible(bool(message))
        if key in self._fields:
            _mark_invalid(self._input_of(key), bool(message))
        if toggled:
            self._update_refused_value_shown()

    def _input_of(self, path: str) -> QWidget:
        """The widget a field's value is typed or chosen in (the target complexity's: in bits or as M)."""
        if path == "target.log2_m":
            counting = self._fields["target.log2_m:mode"].currentData() == "count"
            return self._fields["target.log2_m:count" if counting else "target.log2_m:bits"]
        return self._fields[path]

    def _row_views(self) -> dict[str, QTableView]:
        """The tables, by the key of their messages."""
        return {"contexts": self._contexts_view, "questions": self._questions_view, **self._mixture_views}

    def _refused_key(self) -> str | None:
        """The key of the first field or table, in the form's order, that shows a refused value."""
        views = self._row_views()
        for key, label in self._error_labels.items():
            if key in views:
                if views[key].model().first_refused() is not None:
                    return key
            elif not label.isHidden() and not isinstance(self._input_of(key), QAbstractSpinBox):
                # A number box put the scenario's value back; other inputs keep what was refused.
                return key
        return None

    def _update_refused_value_shown(self, *_: Any) -> None:
        shown = self._refused_key() is not None
        if shown != self._shows_refused_value:
            self._shows_refused_value = shown
            self.refused_value_shown.emit(shown)

    def drop_typing(self, focus: QWidget | None, *, only_ask: bool = False) -> bool:
        """Put the scenario's value back into the focused field when it holds
        typing not yet committed. True when there was such typing (with
        ``only_ask``, say so and change nothing)."""
        if focus is None or not self.isAncestorOf(focus):
            return False
        notes = self._fields["notes"]
        if focus is notes:
            if not self._notes_timer.isActive() or only_ask:
                return self._notes_timer.isActive()
            self._notes_timer.stop()
            with QSignalBlocker(notes):
                notes.setPlainText(self._state.scenario.notes)
            return True
        spin = focus if isinstance(focus, QAbstractSpinBox) else focus.parentWidget()
        if isinstance(spin, CompactDoubleSpinBox):
            shown = spin.prefix() + spin.textFromValue(spin.value()) + spin.suffix()
            if spin.lineEdit().text() == shown or only_ask:
                return spin.lineEdit().text() != shown
            spin.lineEdit().setText(shown)
            for path, widget in self._fields.items():
                if widget is spin:
                    self._show_error(path, "")
            return True
        edit = focus.lineEdit() if isinstance(focus, QComboBox) and focus.isEditable() else focus
        if isinstance(edit, QLineEdit):
            if only_ask:
                return edit.isModified()
            typed = edit.text()
            edit.setModified(False)
            self._update_widgets(self._state.scenario)
            return edit.text() != typed
        return False

    def _update_warnings(self, scenario: Scenario) -> None:
        shown: dict[str, list[str]] = {}
        for finding in design_findings(scenario):
            for path in finding.paths:
                if path in self._warning_labels:
                    shown.setdefault(path, []).append(finding.message)
                    break
        for path, label in self._warning_labels.items():
            text = "\n".join(shown.get(path, ()))
            if text:
                # Once a finding has shown under a field, its line keeps its place (as tall as the
                # longest finding it has shown) when the finding goes, until the focus moves on by the
                # keyboard or the pointer leaves the form (_give_back_warning_space): an edit that crosses the finding's threshold back
                # and forth (a time per item stepped around the reading time) would otherwise move
                # the whole form each time.
                policy = label.sizePolicy()
                if not policy.retainSizeWhenHidden():
                    policy.setRetainSizeWhenHidden(True)
                    label.setSizePolicy(policy)
                label.setText(text)
            label.setVisible(bool(text))

    # ------------------------------------------------------------ handlers
    def _on_state_loaded(self, _scenario: Scenario) -> None:
        # Values refused in the scenario left behind are not this one's (a refused value otherwise
        # stays in its cell through edits elsewhere, and a scenario with the same rows would show it).
        for view in self._row_views().values():
            view.model().forget_refused()
        self._shown_scenario = None  # and a field's refused text is not kept into it

    def _on_state_changed(self, scenario: Scenario) -> None:
        self._update_widgets(scenario)

    def _on_application_focus_changed(self, _old: QWidget | None, _new: QWidget | None) -> None:
        # The field edited around a finding's threshold is left by the keyboard: the space of a
        # finding that has gone is given back (it stayed, up to 160 px between "Time per item T" and
        # "Wage", for good). Not on a click: the form would move between the two clicks of a
        # double-click on a table's cell, and the second would land elsewhere.
        if QApplication.mouseButtons() == Qt.MouseButton.NoButton:
            self._give_back_warning_space()

    def leaveEvent(self, event) -> None:  # noqa: N802 - Qt override
        # The pointer has left the form: a layout change now moves nothing under it.
        self._give_back_warning_space()
        super().leaveEvent(event)

    def _give_back_warning_space(self) -> None:
        for label in self._warning_labels.values():
            policy = label.sizePolicy()
            if label.isHidden() and policy.retainSizeWhenHidden():
                policy.setRetainSizeWhenHidden(False)
                label.setSizePolicy(policy)

    def _on_units_unit_changed(self, _unit: str) -> None:
        self._update_unit_hints()
        self._update_widgets(self._state.scenario)

    def _on_notes_timer_timeout(self) -> None:
        notes = self._fields["notes"]
        self.commit({"notes": notes.toPlainText()}, text="Edit notes", merge_key="notes")

    def _commit_cell(self, group: str) -> Callable[..., str | None]:
        """Commit a table cell's edit, its message shown under the table ``group`` names."""
        def commit(changes: dict[str, Any], *, text: str, merge_key: str) -> str | None:
            return self.commit(changes, text=text, merge_key=merge_key, error_key=group)

        return commit

    def _add_part(self, group: str) -> None:
        scenario = self._state.scenario
        parts = list(getattr(scenario, group))
        noun = "context" if group == "contexts" else "question"
        names = {part.name for part in parts}
        number = len(parts) + 1
        while f"{noun} {number}" in names:
            number += 1
        if group == "contexts":
            new: Any = Context(name=f"{noun} {number}")
        else:
            shares = [q.time_share for q in parts]
            # Keep the shares' kind consistent: automatic when the others are.
            share = None if any(s is None for s in shares) else round(1.0 / (len(parts) + 1), 3)
            new = Question(name=f"{noun} {number}", format=ResponseFormat(kind="ordinal", k=5), time_share=share)
        data = [part.model_dump(mode="json") for part in parts] + [new.model_dump(mode="json")]
        if self.commit({group: data}, text=f"Add {noun}", error_key=group) is None:
            view = self._contexts_view if group == "contexts" else self._questions_view
            # The new row's name is what the user types next: its editor opens, the default name
            # selected (the focus stayed on the button, and a Tab then typed into the next table).
            name = view.model().index(len(data) - 1, 0)
            view.horizontalScrollBar().setValue(0)
            view.setCurrentIndex(name)
            view.setFocus(Qt.FocusReason.OtherFocusReason)
            view.edit(name)

    def _remove_part(self, group: str, view: QTableView) -> None:
        parts = list(getattr(self._state.scenario, group))
        rows = view.selectionModel().selectedRows() if view.selectionModel() else []
        row = rows[0].row() if rows else len(parts) - 1
        if len(parts) <= 1 or not 0 <= row < len(parts):
            return
        removed = parts.pop(row)
        noun = "context" if group == "contexts" else "question"
        self.commit({group: [part.model_dump(mode="json") for part in parts]},
                    text=f"Remove {noun} {removed.name!r}", error_key=group)


# ---------------------------------------------------------------- helpers
def _value_path(path: str) -> str:
    """The scenario path a field's value is read from (a field key may carry a ``:variant``)."""
    return path.split(":", 1)[0]


def _input_text(widget: QWidget) -> str:
    """The text a line, editable combo or plain-text input shows."""
    if isinstance(widget, QPlainTextEdit):
        return widget.toPlainText()
    if isinstance(widget, QComboBox):
        return widget.currentText()
    return widget.text()


def _set_input_text(widget: QWidget, text: str) -> None:
    if isinstance(widget, QPlainTextEdit):
        widget.setPlainText(text)
    elif isinstance(widget, QComboBox):
        widget.setCurrentText(text)
    else:
        widget.setText(text)


def _set_text(edit: QLineEdit, text: str) -> None:
    # Text the user is typing (focused, modified, not yet committed) is left
    # alone when another field's edit refreshes the form.
    if edit.text() != text and not (edit.hasFocus() and edit.isModified()):
        edit.setText(text)
        # The start of a long name is what identifies it, not its end.
        edit.setCursorPosition(0)
