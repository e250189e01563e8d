"""The scenario editor writes valid edits into the state (with undo) and shows
invalid ones next to their field without applying them."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton

from advisor.scenario.form_text import log2_m_from_text as _parse_m
from ui.panels.editor import ScenarioEditorWidget


@pytest.fixture
def editor(show_widget, state):
    return show_widget(ScenarioEditorWidget(state), (760, 1000))


@pytest.fixture
def active_editor(qtbot, show_widget, state):
    """The editor as the active window, for tests that type with real key events."""
    made = show_widget(ScenarioEditorWidget(state), (760, 1000), activate=True)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is made, timeout=5000)
    return made


def _retype(box, text: str) -> None:
    """Focus ``box``, select what it shows and type ``text`` over it (real key events)."""
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, text)


def test_spin_box_edit_updates_the_state(qtbot, editor, state):
    changes = []
    state.changed.connect(changes.append)
    raters = state.scenario.raters.per_item + 2
    seconds = state.scenario.campaign.seconds_per_item + 7.5
    editor.field_widget("raters.per_item").setValue(raters)
    assert state.scenario.raters.per_item == raters
    editor.field_widget("campaign.seconds_per_item").setValue(seconds)
    assert state.scenario.campaign.seconds_per_item == seconds
    assert len(changes) == 2 and state.dirty


def test_combo_edit_updates_the_state_and_enables_its_terms(editor, state):
    combo = editor.field_widget("bounds.ceiling_form")
    assert not editor.field_widget("bounds.catoni_lambda").isEnabled()
    combo.setCurrentIndex(combo.findData("catoni"))
    assert state.scenario.bounds.ceiling_form == "catoni"
    assert editor.field_widget("bounds.catoni_lambda").isEnabled()
    assert editor.field_widget("bounds.delta").isEnabled()


def test_checkbox_switches_an_optional_field(qtbot, editor, state):
    check = editor.field_widget("campaign.budget_cap:enabled")
    spin = editor.field_widget("campaign.budget_cap")
    assert state.scenario.campaign.budget_cap is None and not spin.isEnabled()
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(6, check.height() // 2))
    assert check.isChecked() and spin.isEnabled()
    assert state.scenario.campaign.budget_cap == pytest.approx(spin.value())
    spin.setValue(2500)
    assert state.scenario.campaign.budget_cap == 2500
    check.setChecked(False)
    assert state.scenario.campaign.budget_cap is None


def test_table_cell_edit_updates_the_state(qtbot, editor, state, edit_cell):
    view = editor.contexts_table
    edit_cell(view, 0, 3, 150)
    assert state.scenario.contexts[0].reading_words == 150
    # A real number with a fraction (the user pass found the cell's box failing to validate it).
    edit_cell(view, 0, 1, 2.5)
    assert state.scenario.contexts[0].weight == 2.5
    edit_cell(view, 1, 0, "long documents")
    assert state.scenario.contexts[1].name == "long documents"


def test_the_format_box_is_as_wide_as_its_longest_format(qtbot, editor):
    # The column is as narrow as the formats it shows ("ordinal"): the open box cut "ranking" to
    # "rank" and "multi select" to "multi".
    from PySide6.QtWidgets import QComboBox

    view = editor.questions_table
    index = view.model().index(0, 1)
    view.setCurrentIndex(index)
    view.edit(index)
    qtbot.waitUntil(lambda: isinstance(view.focusWidget(), QComboBox), timeout=2000)
    box = view.focusWidget()
    longest = max((box.itemText(i) for i in range(box.count())), key=box.fontMetrics().horizontalAdvance)
    assert box.width() >= box.sizeHint().width() > box.fontMetrics().horizontalAdvance(longest)
    assert view.columnWidth(1) < box.width()  # the column stays as it was


def test_format_combo_in_the_questions_table(qtbot, editor, state, edit_cell):
    view = editor.questions_table
    edit_cell(view, 0, 1, "free_text")
    question = state.scenario.questions[0]
    assert question.format.kind == "free_text" and question.format.max_chars == 500
    model = view.model()
    assert not (model.flags(model.index(0, 5)) & Qt.ItemFlag.ItemIsEditable)  # span: not for free text
    assert model.flags(model.index(0, 6)) & Qt.ItemFlag.ItemIsEditable  # aspects: free text only
    edit_cell(view, 0, 1, "ranking")
    assert state.scenario.questions[0].format.kind == "ranking"
    assert 2 <= state.scenario.questions[0].format.k <= 10


def test_invalid_value_is_shown_and_not_applied(qtbot, editor, state):
    before = state.scenario
    editor.field_widget("bounds.delta").setValue(0.6)
    stack_size = editor.undo_stack.count()
    seen = []
    state.changed.connect(seen.append)
    editor.field_widget("bounds.eta").setValue(0.5)
    message = editor.error_text("bounds.eta")
    assert "delta + eta must be below 1" in message
    assert editor.field_widget("bounds.eta").property("invalid") is True
    assert seen == [] and state.scenario.bounds.eta == before.bounds.eta
    assert editor.undo_stack.count() == stack_size
    editor.field_widget("bounds.eta").setValue(0.3)
    assert editor.error_text("bounds.eta") == ""
    assert not editor.field_widget("bounds.eta").property("invalid")
    assert state.scenario.bounds.eta == 0.3


def _frame_red_pixels(widget) -> int:
    """Pixels of ``widget`` drawn in the refused field's frame colour (#c62828, within a little)."""
    return _red_pixels(widget.grab().toImage())


def _red_pixels(image) -> int:
    """Pixels of ``image`` in the refusal's colour (#c62828, within a little)."""
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if abs(colour.red() - 0xC6) < 24 and colour.green() < 0x50 and colour.blue() < 0x50:
                count += 1
    return count


def test_a_refused_field_alone_is_framed_in_red(editor):
    # The box draws the frame over itself (a style sheet's border would take its arrows away);
    # its neighbours and the editor's other fields keep their own look.
    eta, delta = editor.field_widget("bounds.eta"), editor.field_widget("bounds.delta")
    assert _frame_red_pixels(eta) == 0 and _frame_red_pixels(delta) == 0
    delta.setValue(0.6)
    eta.setValue(0.5)
    assert eta.property("invalid") is True
    assert _frame_red_pixels(eta) >= 2 * eta.width()  # at least its top and bottom edges
    assert _frame_red_pixels(delta) == 0
    assert _frame_red_pixels(editor.field_widget("raters.per_item")) == 0
    eta.setValue(0.3)
    assert _frame_red_pixels(eta) == 0


def test_excluded_end_point_names_the_range(editor, state):
    editor.field_widget("raters.correlation").setValue(1.0)
    assert "less than 1" in editor.error_text("raters.correlation")
    assert state.scenario.raters.correlation != 1.0


def test_typed_out_of_range_number_is_refused_with_a_message(qtbot, editor, state):
    """Typing 1.5 in a [0, 1) field and pressing Enter must neither save the
    spin box's minimum (Qt's own correction) nor stay silent."""
    before = state.scenario
    stack_size = editor.undo_stack.count()
    box = editor.field_widget("raters.correlation")
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "1.5")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert state.scenario is before and editor.undo_stack.count() == stack_size
    assert "1.5 is out of range" in editor.error_text("raters.correlation")
    assert box.property("invalid") is True
    assert box.value() == before.raters.correlation
    box.setValue(0.3)
    assert editor.error_text("raters.correlation") == "" and state.scenario.raters.correlation == 0.3


def test_typed_whole_number_out_of_range_is_refused_not_clipped(qtbot, editor, state):
    """"500" raters in a [1, 100] field is refused with a message, not kept as 50."""
    before = state.scenario
    box = editor.field_widget("raters.per_item")
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "500")
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert state.scenario is before
    assert "500 is out of range" in editor.error_text("raters.per_item")
    box.setValue(7)
    assert state.scenario.raters.per_item == 7 and editor.error_text("raters.per_item") == ""


def test_typed_out_of_range_table_cell_is_refused_with_a_message(editor, state, edit_cell):
    before = state.scenario
    view = editor.contexts_table
    index = view.model().index(0, 2)  # difficulty, (0, 10]
    edit_cell(view, 0, 2, "25")
    assert state.scenario is before
    assert view.model().data(index) == "25" and editor.error_text("contexts")


def test_invalid_table_cell_is_marked_with_the_message(qtbot, editor, state, edit_cell):
    first = state.scenario.contexts[0].name
    before = state.scenario
    edit_cell(editor.contexts_table, 1, 0, first)
    assert "names must be unique" in editor.error_text("contexts")
    model = editor.contexts_table.model()
    index = model.index(1, 0)
    assert model.data(index) == first
    assert "unique" in model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert state.scenario is before


def test_a_refused_cell_names_its_column_and_row_and_stays_red_while_selected(qtbot, editor, state, edit_cell):
    # The message read "must be more than 0, got -1.0"; the red of the refused cell was painted
    # over by the selection of its row.
    view = editor.contexts_table
    model = view.model()
    name = state.scenario.contexts[0].name
    before = state.scenario
    edit_cell(view, 0, 1, "-1")  # weight, (0, 10⁶]
    assert state.scenario is before
    assert editor.error_text("contexts") == f"Weight of context {name!r} must be more than 0; got -1"
    assert model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole) == editor.error_text("contexts")
    assert view.selectionModel().isRowSelected(0)
    rect = view.visualRect(model.index(0, 1))
    assert _red_pixels(view.viewport().grab(rect).toImage()) >= rect.width() * rect.height() // 2


def test_a_fraction_in_a_whole_number_cell_is_refused_not_rounded(qtbot, editor, state, edit_cell):
    # k 6.5 was saved as 6.
    view = editor.questions_table
    model = view.model()
    edit_cell(view, 0, 1, "ordinal")
    before = state.scenario
    name = before.questions[0].name
    edit_cell(view, 0, 2, "6.5")  # k
    assert state.scenario is before
    assert editor.error_text("questions") == f"k of question {name!r} must be a whole number; got 6.5"
    assert model.data(model.index(0, 2)) == "6.5"
    edit_cell(view, 0, 2, "6")
    assert state.scenario.questions[0].format.k == 6 and editor.error_text("questions") == ""


def test_target_complexity_as_m(qtbot, editor, state):
    mode = editor.field_widget("target.log2_m:mode")
    mode.setCurrentIndex(mode.findData("count"))
    count = editor.field_widget("target.log2_m:count")
    assert count.isVisible()
    count.setText("1024")
    count.editingFinished.emit()
    assert state.scenario.target.log2_m == pytest.approx(10.0)
    count.setText("one")
    count.editingFinished.emit()
    assert "M must be a number" in editor.error_text("target.log2_m")
    assert state.scenario.target.log2_m == pytest.approx(10.0)


def test_parse_m():
    assert _parse_m("2^20") == pytest.approx(20.0)
    assert _parse_m("1e6") == pytest.approx(19.931568569324174)
    assert "more than 1" in _parse_m("1")


def test_undo_and_redo(editor, state):
    original = state.scenario
    editor.field_widget("raters.per_item").setValue(original.raters.per_item + 3)
    editor.field_widget("target.target_risk").setValue(0.37)
    stack = editor.undo_stack
    assert stack.count() == 2
    stack.undo()
    assert state.scenario.target.target_risk == original.target.target_risk
    assert state.scenario.raters.per_item == original.raters.per_item + 3
    assert editor.field_widget("target.target_risk").value() == pytest.approx(original.target.target_risk)
    stack.undo()
    assert state.scenario == original and not state.dirty
    stack.redo()
    stack.redo()
    assert state.scenario.raters.per_item == original.raters.per_item + 3
    assert state.scenario.target.target_risk == 0.37


def test_consecutive_edits_of_one_field_merge(editor, state):
    spin = editor.field_widget("raters.per_item")
    base = state.scenario.raters.per_item
    for step in (1, 2, 3, 4):
        spin.setValue(base + step)
    assert editor.undo_stack.count() == 1
    editor.undo_stack.undo()
    assert state.scenario.raters.per_item == base
    spin.setValue(base + 1)
    correlation = editor.field_widget("raters.correlation")
    correlation.setValue(correlation.value() + 0.05)
    spin.setValue(base + 2)
    assert editor.undo_stack.count() == 3


def test_add_and_remove_rows_are_undoable(qtbot, editor, state):
    count = len(state.scenario.questions)
    buttons = {button.text(): button for button in editor.findChildren(QPushButton)}
    qtbot.mouseClick(buttons["Add question"], Qt.MouseButton.LeftButton)
    assert len(state.scenario.questions) == count + 1
    assert state.scenario.questions[-1].name == f"question {count + 1}"
    assert buttons["Remove question"].isEnabled()
    qtbot.mouseClick(buttons["Remove question"], Qt.MouseButton.LeftButton)
    assert len(state.scenario.questions) == count
    editor.undo_stack.undo()
    assert len(state.scenario.questions) == count + 1
    assert buttons["Remove context"].isEnabled() == (len(state.scenario.contexts) > 1)


def test_removing_down_to_one_question_leaves_the_focus_beside_the_button(qtbot, active_editor, state):
    """The Remove button disables itself at one question left; the focus it had went to the next
    control of the tab chain, "Raters per item r", where the mouse wheel then changed the raters."""
    editor = active_editor
    buttons = {button.text(): button for button in editor.findChildren(QPushButton)}
    while len(state.scenario.questions) < 2:
        qtbot.mouseClick(buttons["Add question"], Qt.MouseButton.LeftButton)
    remove = buttons["Remove question"]
    editor.questions_table.selectRow(1)
    remove.setFocus()
    assert remove.hasFocus()
    assert QApplication.widgetAt(remove.mapToGlobal(remove.rect().center())) is remove
    QTest.keyClick(remove, Qt.Key.Key_Space)
    assert len(state.scenario.questions) == 1 and not remove.isEnabled()
    assert QApplication.focusWidget() is buttons["Add question"]
    raters = editor.field_widget("raters.per_item")
    before = state.scenario.raters.per_item
    QApplication.sendEvent(raters, QWheelEvent(QPointF(10, 10), QPointF(raters.mapToGlobal(QPoint(10, 10))),
                                               QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
                                               Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False))
    assert state.scenario.raters.per_item == before
    editor.undo_stack.setClean()


def test_a_value_the_scenario_refuses_leaves_the_box_at_the_scenarios_value(active_editor, state):
    """0 s is inside the box's range but not a valid time per item: refused with a message, the box
    kept showing 0 s and its arrow then stepped from there (▲ committed 5 s)."""
    editor = active_editor
    box = editor.field_widget("campaign.seconds_per_item")
    seconds = state.scenario.campaign.seconds_per_item
    _retype(box, "0")
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert "more than 0" in editor.error_text("campaign.seconds_per_item")
    assert state.scenario.campaign.seconds_per_item == seconds
    assert box.value() == seconds and box.lineEdit().text() == box.textFromValue(seconds) + box.suffix()
    QTest.keyClick(box, Qt.Key.Key_Up)
    assert state.scenario.campaign.seconds_per_item == pytest.approx(seconds + box.singleStep())
    editor.undo_stack.undo()
    editor.undo_stack.setClean()


@pytest.mark.parametrize("path, typed, key", [("raters.per_item", "2.5", Qt.Key.Key_Return),
                                               ("raters.per_item", "2.9", Qt.Key.Key_Tab),
                                               ("campaign.items", "7777.5", Qt.Key.Key_Return)])
def test_a_fraction_in_a_whole_number_field_is_refused_with_its_reason(active_editor, state, path, typed, key):
    """2.5 raters were stored as 2 and 2.9 as 2, with no word (the box kept the fraction and the
    editor cut it with int()); 7777.5 items were rounded to 7778."""
    from advisor.scenario.fields import field_help
    from advisor.scenario.schema import get_path

    editor = active_editor
    box = editor.field_widget(path)
    before = get_path(state.scenario, path)
    _retype(box, typed)
    QTest.keyClick(box, key)
    assert get_path(state.scenario, path) == before
    assert editor.error_text(path) == f"{typed} is not a whole number: {field_help(path).label} counts whole units."
    assert box.value() == before
    assert editor.undo_stack.isClean()


def test_real_number_fields_show_what_is_stored_and_keep_what_is_typed(active_editor, state):
    """A reading speed of 250.5 words per minute showed "251", a correlation of 0.9999 showed "1"
    beside its range [0, 1): the boxes rounded to their usual precision what they showed."""
    editor = active_editor
    state.update({"raters.reading_wpm": 250.5, "raters.correlation": 0.9999})
    assert editor.field_widget("raters.reading_wpm").lineEdit().text() == "250.5"
    assert editor.field_widget("raters.correlation").lineEdit().text() == "0.9999"
    box = editor.field_widget("raters.discriminability")
    _retype(box, "1.23456")
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert state.scenario.raters.discriminability == 1.23456 and box.lineEdit().text() == "1.23456"
    editor.undo_stack.setClean()


def test_escape_drops_what_is_typed_in_a_field_and_goes_on_when_nothing_is(active_editor, state):
    """Escape left the typing in place and the next Tab committed it; tables' cells already drop it."""
    editor = active_editor
    box = editor.field_widget("target.separation")
    separation = state.scenario.target.separation
    _retype(box, "0.5")
    QTest.keyClick(box, Qt.Key.Key_Escape)
    assert box.lineEdit().text() == box.textFromValue(separation)
    QTest.keyClick(box, Qt.Key.Key_Tab)
    assert state.scenario.target.separation == separation
    name = editor.field_widget("name")
    name.setFocus()
    QTest.keyClicks(name, " draft")
    QTest.keyClick(name, Qt.Key.Key_Escape)
    assert name.text() == state.scenario.name
    # Nothing typed: the field lets Escape go on (to a dialog's Cancel, say).
    passed = []

    class Watcher(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Escape:
                passed.append(watched)
            return False

    watcher = Watcher()
    editor.installEventFilter(watcher)
    QTest.keyClick(name, Qt.Key.Key_Escape)
    editor.removeEventFilter(watcher)
    assert passed == [editor]
    assert editor.undo_stack.isClean()


def test_the_target_hint_follows_the_entry_in_bits_or_as_m(editor):
    """In "M" mode the hint went on saying "bits, (0, 10 000]" beside a box that takes a count."""
    mode = editor.field_widget("target.log2_m:mode")
    hint = editor._hints["target.log2_m"]
    assert hint.text() == "bits, (0, 10 000]"
    mode.setCurrentIndex(mode.findData("count"))
    assert hint.text() == "hypotheses, (1, 2^10 000]"
    mode.setCurrentIndex(mode.findData("bits"))
    assert hint.text() == "bits, (0, 10 000]"


def test_outside_changes_refresh_without_echo(editor, state):
    pushed = editor.undo_stack.count()
    state.update({"raters.per_item": 9, "campaign.items": 1234, "notes": "from elsewhere"})
    assert editor.field_widget("raters.per_item").value() == 9
    assert editor.field_widget("campaign.items").value() == 1234
    assert editor.field_widget("notes").toPlainText() == "from elsewhere"
    assert editor.undo_stack.count() == pushed


def test_every_field_has_a_tooltip_with_unit_and_range(editor):
    tip = editor.field_widget("campaign.seconds_per_item").toolTip()
    assert "unit: s" in tip and "(0, 86 400]" in tip and "Time budget" in tip
    header_tip = editor.questions_table.model().headerData(4, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert "[0, 0.5)" in header_tip and "mis-click" in header_tip


def test_headers_and_hints_are_the_field_tables(editor, state):
    from advisor.scenario.fields import field_help

    for table in (editor.contexts_table, editor.questions_table):
        model = table.model()
        for column in range(model.columnCount()):
            help_ = field_help(model.help_path(column))
            header = model.headerData(column, Qt.Orientation.Horizontal)
            assert header.splitlines()[0] == help_.label
            assert help_.range_text in header
    for path in ("raters.base_time", "campaign.seconds_per_item", "target.log2_m", "raters.per_item"):
        assert editor._hints[path].text() == field_help(path).hint()
    currency = state.scenario.campaign.currency
    assert editor._hints["campaign.wage_per_hour"].text() == f"{currency} per hour, {field_help('campaign.wage_per_hour').range_text}"
    assert editor._hints["campaign.currency"].text() == "1–8 characters"


def test_units_switch_converts_the_information_fields(editor, state):
    from ui.core.settings import display_settings

    state.set("bounds.residual_nats", 0.6931471805599453)
    spin = editor.field_widget("bounds.residual_nats")
    assert spin.value() == pytest.approx(1.0, abs=1e-3)
    display_settings().set_unit("nats")
    assert spin.value() == pytest.approx(0.6931, abs=1e-3)


def test_a_finding_that_comes_and_goes_does_not_move_the_form(qtbot, show_widget):
    """Stepping the time per item back and forth across the reading time shows and hides the
    finding under it and changes its length; once the longest has shown, its line keeps that place,
    so the fields below stay put."""
    from advisor.scenario.schema import example_scenarios
    from advisor.scenario.state import ScenarioState

    scenario = next(s for s in example_scenarios() if s.name.startswith("RLHF"))
    state = ScenarioState(scenario, stored_id=1, revision=1)
    editor = show_widget(ScenarioEditorWidget(state), (760, 1000))
    seconds = editor.field_widget("campaign.seconds_per_item")
    below = editor.field_widget("campaign.wage_per_hour")
    t = scenario.campaign.seconds_per_item
    # At the example's own time per item reading leaves a sixth of it to judge: the finding shows
    # (one context); at 0.74 T it shows for both contexts, two lines more.
    assert "reading" in editor.warning_text("campaign.seconds_per_item")

    def settle() -> None:
        for _ in range(3):  # the finding, then the layout it may ask for
            QApplication.processEvents()

    seconds.setValue(t * 0.74)
    settle()
    assert editor.warning_text("campaign.seconds_per_item").count("Context") == 2
    shown_at = below.mapTo(editor, below.rect().topLeft())
    for factor in (1.2, 1.0, 1.3, 0.8, 0.74, 1.2):
        seconds.setValue(t * factor)
        settle()
        assert (editor.warning_text("campaign.seconds_per_item") != "") == (factor <= 1.0)
        assert below.mapTo(editor, below.rect().topLeft()) == shown_at
    # A click elsewhere keeps the space (the form moved between the clicks of a double-click);
    # the focus moving on by the keyboard gives it back (it stayed for good).
    editor.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=5000)
    QTest.mouseClick(below, Qt.MouseButton.LeftButton)
    settle()
    assert below.hasFocus() and below.mapTo(editor, below.rect().topLeft()) == shown_at
    QTest.keyClick(below, Qt.Key.Key_Tab)
    settle()
    assert below.mapTo(editor, below.rect().topLeft()).y() < shown_at.y() - 20


def _with_mixed_formats():
    """The chatbot rubric's Likert questions with a 0-100 slider and a comment box beside them."""
    from advisor.scenario.schema import example_scenarios, scenario_from_dict

    data = next(s for s in example_scenarios() if "Likert" in s.name).to_dict()
    for question in data["questions"]:
        question["time_share"] = None
    data["questions"] += [{"name": "overall slider", "format": {"kind": "scale", "minimum": 0, "maximum": 100, "step": 1}},
                          {"name": "comment", "format": {"kind": "free_text", "max_chars": 200}}]
    return scenario_from_dict(data)


def test_the_question_names_stay_in_view_while_the_table_scrolls_sideways_and_can_be_edited_there(
        qtbot, show_widget):
    # Questions of a Likert, a slider and a comment format use every column: at the editor's width
    # the table scrolls sideways, and the names scrolled out of view with the rest.
    from advisor.scenario.state import ScenarioState
    from ui.widgets.tables import FrozenFirstColumn

    state = ScenarioState(_with_mixed_formats(), stored_id=1, revision=1)
    editor = show_widget(ScenarioEditorWidget(state), (520, 1000), activate=True)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor, timeout=5000)
    view = editor.questions_table
    bar = view.horizontalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    frozen = view.findChild(FrozenFirstColumn)
    assert frozen is not None and frozen.isVisible()
    # Its header looks as the table's: not in bold while a row is selected, centred.
    assert frozen.horizontalHeader().highlightSections() == view.horizontalHeader().highlightSections() is False
    assert frozen.horizontalHeader().defaultAlignment() == view.horizontalHeader().defaultAlignment()
    row = 1
    name = state.scenario.questions[row].name
    centre = frozen.visualRect(frozen.model().index(row, 0)).center()
    # What the mouse meets at the name's place is the kept column, showing that question's name.
    assert QApplication.widgetAt(frozen.viewport().mapToGlobal(centre)) is frozen.viewport()
    # It draws the names' column, as wide as the table's, and nothing else.
    assert not frozen.isColumnHidden(0) and frozen.columnWidth(0) == view.columnWidth(0) > 0
    assert all(frozen.isColumnHidden(c) for c in range(1, view.model().columnCount()))
    QTest.mouseClick(frozen.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert view.currentIndex().row() == row and view.hasFocus()
    assert view.selectionModel().isRowSelected(row)
    QTest.mouseDClick(frozen.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.waitUntil(lambda: view.state() == view.State.EditingState, timeout=2000)
    assert bar.value() == 0 and not frozen.isVisible()
    qtbot.waitUntil(lambda: view.focusWidget() not in (None, view), timeout=2000)
    cell_editor = view.focusWidget()
    assert cell_editor.text() == name
    cell_editor.selectAll()
    QTest.keyClicks(cell_editor, "overall score")
    QTest.keyClick(cell_editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState, timeout=2000)  # a queued commit
    assert state.scenario.questions[row].name == "overall score"


def test_the_wheel_over_a_wide_table_scrolls_the_form_and_shift_wheel_scrolls_the_table(show_widget):
    # Scrolling down the form stopped at the questions table once it came under the pointer: the
    # table took the turns and scrolled sideways to its end.
    from advisor.scenario.state import ScenarioState
    from tests.ui.conftest import turn_wheel

    state = ScenarioState(_with_mixed_formats(), stored_id=1, revision=1)
    editor = show_widget(ScenarioEditorWidget(state), (520, 600))
    view = editor.questions_table
    bar = view.horizontalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    centre = view.viewport().rect().center()
    assert not turn_wheel(view, centre, Qt.KeyboardModifier.NoModifier)  # left to the form
    assert bar.value() == 0
    assert turn_wheel(view, centre, Qt.KeyboardModifier.ShiftModifier)
    assert bar.value() > 0
    # Over the table's own sideways scroll bar (where the form's scrolling got stuck), the turn
    # scrolls the form.
    form_bar = next(area for area in _scroll_areas_holding(view)).verticalScrollBar()
    assert form_bar.maximum() > 0
    form_bar.setValue(0)
    sideways = bar.value()
    on_bar = bar.rect().center()
    turn = QWheelEvent(QPointF(on_bar), QPointF(bar.mapToGlobal(on_bar)), QPoint(0, 0), QPoint(0, -120),
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(bar, turn)
    assert bar.value() == sideways and form_bar.value() > 0


def _scroll_areas_holding(widget):
    from PySide6.QtWidgets import QAbstractScrollArea

    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            yield parent
        parent = parent.parentWidget()


@pytest.mark.parametrize("group", ["contexts", "questions"])
def test_a_row_added_by_its_button_takes_the_name_typed_next(qtbot, active_editor, state, group):
    """After "Add context" typing went nowhere (the button kept the focus), and a Tab then led into
    the questions table, where typing renamed a question."""
    from PySide6.QtWidgets import QAbstractItemView, QScrollArea

    editor = active_editor
    noun = group[:-1]
    before = [part.name for part in getattr(state.scenario, group)]
    others = [part.name for part in getattr(state.scenario, "questions" if group == "contexts" else "contexts")]
    add = next(button for button in editor.findChildren(QPushButton) if button.text() == f"Add {noun}")
    editor.findChild(QScrollArea).ensureWidgetVisible(add)
    assert QApplication.widgetAt(add.mapToGlobal(add.rect().center())) is add
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    view = editor.contexts_table if group == "contexts" else editor.questions_table
    assert view.currentIndex() == view.model().index(len(before), 0)
    QTest.keyClicks(QApplication.focusWidget(), "long documents")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=2000)
    assert [part.name for part in getattr(state.scenario, group)] == before + ["long documents"]
    assert [part.name for part in getattr(state.scenario, "questions" if group == "contexts" else "contexts")] == others
    assert view.hasFocus()


def test_a_huge_refused_number_is_written_compactly_and_never_widens_the_form(qtbot, active_editor, state):
    """1e300 typed into Target risk ε or a context's Weight was written with its 301 digits, in the
    message and in the cell: the form widened, with a sideways scroll bar, its columns out of view."""
    import re

    from PySide6.QtWidgets import QAbstractItemView, QScrollArea

    editor = active_editor
    form = editor.findChild(QScrollArea)
    risk = editor.field_widget("target.target_risk")
    form.ensureWidgetVisible(risk)
    line = risk.lineEdit()
    assert QApplication.widgetAt(line.mapToGlobal(line.rect().center())) is line
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton)
    QTest.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(line, "1e300")
    QTest.keyClick(line, Qt.Key.Key_Return)
    message = editor.error_text("target.target_risk")
    assert "1e+300" in message and not re.search(r"\d{16}", message)

    view = editor.contexts_table
    column = [spec.key for spec in view.model().columns].index("weight")
    index = view.model().index(0, column)
    form.ensureWidgetVisible(view)
    centre = view.visualRect(index).center()
    assert QApplication.widgetAt(view.viewport().mapToGlobal(centre)) is view.viewport()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    QTest.keyClicks(view, "1")
    QTest.keyClicks(QApplication.focusWidget(), "e300")
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=2000)
    assert index.data() == "1e+300" and state.scenario.contexts[0].weight != 1e300
    assert "1e+300" in editor.error_text("contexts")
    QApplication.processEvents()
    assert form.widget().minimumSizeHint().width() <= form.viewport().width()
    assert not form.horizontalScrollBar().isVisible()
