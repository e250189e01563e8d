"""The editor's controls of the method §9 (bias, option biases, prior, the difficulty classes, the rater
types) and of the scale format, used as a user does: each control is found under its centre with
``QApplication.widgetAt``, clicked with a real mouse event and typed into with real key events; the
results' capacity breakdown then names each question's rater model."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QScrollArea, QWidget

from advisor.scenario.schema import scenario_from_dict
from ui.panels.editor import QUESTION_RATERS, ScenarioEditorWidget


@pytest.fixture
def scenario():
    return scenario_from_dict({"name": "rater fields", "questions": [
        {"name": "spam", "format": {"kind": "binary"}},
        {"name": "topic", "format": {"kind": "categorical", "k": 3}},
    ]})


@pytest.fixture
def editor(show_widget, state):
    return show_widget(ScenarioEditorWidget(state), (1100, 1000), activate=True)


def _visible(qtbot, widget: QWidget) -> None:
    """Scroll the editor to ``widget`` once the form has settled: a table that gained or lost a row
    moves what lies below it over more than one turn of the event loop (its box, then the scroll
    area's content)."""
    area = widget.parent()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parent()
    positions = []

    def settled() -> bool:
        area.ensureWidgetVisible(widget, 0, 0)
        positions.append(widget.mapToGlobal(QPoint(0, 0)))
        return len(positions) > 1 and positions[-1] == positions[-2]

    qtbot.waitUntil(settled, timeout=2000)


def _column(view, key: str) -> int:
    return next(i for i, column in enumerate(view.model().columns) if column.key == key)


def _type_into_cell(qtbot, qapp, view, row: int, key: str, text: str) -> None:
    """Click the cell where Qt says it is, open its editor with F2, type ``text`` with key events and
    press Enter."""
    column = _column(view, key)
    index = view.model().index(row, column)
    view.scrollTo(index)
    _visible(qtbot, view)
    rect = view.visualRect(index)
    centre = view.viewport().mapToGlobal(rect.center())
    hit = QApplication.widgetAt(centre)
    assert hit is view.viewport(), f"cell {key!r} is covered by {type(hit).__name__}"
    qtbot.mouseClick(hit, Qt.MouseButton.LeftButton, pos=hit.mapFromGlobal(centre))
    assert view.currentIndex() == index
    qtbot.keyClick(view, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: view.state() == QAbstractItemView.State.EditingState, timeout=2000)
    focus = QApplication.focusWidget()
    target = focus.lineEdit() if hasattr(focus, "lineEdit") and focus.lineEdit() is not None else focus
    qtbot.keyClick(target, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(target, Qt.Key.Key_Backspace)
    qtbot.keyClicks(target, text)
    qtbot.keyClick(target, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=2000)


def _click(qtbot, qapp, button) -> None:
    _visible(qtbot, button)
    centre = button.mapToGlobal(button.rect().center())
    hit = QApplication.widgetAt(centre)
    assert hit is button, f"{button.objectName()} is covered by {type(hit).__name__}"
    qtbot.mouseClick(hit, Qt.MouseButton.LeftButton, pos=hit.mapFromGlobal(centre))


def test_bias_option_bias_and_prior_cells_take_typed_numbers(qtbot, qapp, editor, state):
    view = editor.mixture_table(QUESTION_RATERS)
    _type_into_cell(qtbot, qapp, view, 0, "bias", "0.35")
    assert state.scenario.questions[0].bias == pytest.approx(0.35)
    _type_into_cell(qtbot, qapp, view, 0, "prior", "0.2, 0.8")
    assert state.scenario.questions[0].prior == pytest.approx((0.2, 0.8))
    _type_into_cell(qtbot, qapp, view, 1, "option_bias", "0 0.5 -0.25")
    assert state.scenario.questions[1].option_bias == pytest.approx((0.0, 0.5, -0.25))
    model = view.model()
    # A binary question has no option biases, a categorical one no criterion.
    assert not model.flags(model.index(0, _column(view, "option_bias"))) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(1, _column(view, "bias"))) & Qt.ItemFlag.ItemIsEditable
    assert model.data(model.index(1, _column(view, "option_bias"))) == "0, 0.5, -0.25"
    # Two option biases for three options are refused, with the schema's reason beside the table.
    _type_into_cell(qtbot, qapp, view, 1, "option_bias", "0.1, 0.2")
    assert state.scenario.questions[1].option_bias == pytest.approx((0.0, 0.5, -0.25))
    assert "one value per option (3)" in editor.error_text(QUESTION_RATERS)
    # Emptying the prior makes it uniform again.
    _type_into_cell(qtbot, qapp, view, 0, "prior", "")
    assert state.scenario.questions[0].prior is None
    assert model.data(model.index(0, _column(view, "prior"))) == "uniform"


def test_a_scale_question_takes_its_range_and_step(qtbot, qapp, editor, state, edit_cell):
    view = editor.questions_table
    edit_cell(view, 0, _column(view, "format.kind"), "scale")
    fmt = state.scenario.questions[0].format
    assert fmt.kind == "scale" and (fmt.minimum, fmt.maximum, fmt.step, fmt.k) == (0, 100, 10, 11)
    _type_into_cell(qtbot, qapp, view, 0, "format.step", "1")
    assert state.scenario.questions[0].format.k == 101
    _type_into_cell(qtbot, qapp, view, 0, "format.minimum", "50")
    assert state.scenario.questions[0].format.k == 51
    model = view.model()
    assert not model.flags(model.index(0, _column(view, "format.k"))) & Qt.ItemFlag.ItemIsEditable
    raters = editor.mixture_table(QUESTION_RATERS).model()
    assert raters.flags(raters.index(0, _column(editor.mixture_table(QUESTION_RATERS), "bias"))) & Qt.ItemFlag.ItemIsEditable
    # A step that does not divide the range is refused.
    _type_into_cell(qtbot, qapp, view, 0, "format.step", "7")
    assert state.scenario.questions[0].format.step == 1
    assert "whole steps" in editor.error_text("questions")


def test_switching_away_from_categorical_clears_its_option_biases(qtbot, qapp, editor, state, edit_cell):
    view = editor.questions_table
    _type_into_cell(qtbot, qapp, editor.mixture_table(QUESTION_RATERS), 1, "option_bias", "0, 0.5, 0")
    edit_cell(view, 1, _column(view, "format.kind"), "ordinal")
    question = state.scenario.questions[1]
    assert question.format.kind == "ordinal" and question.option_bias is None


@pytest.mark.parametrize("group, noun, columns", [
    ("raters.difficulty_classes", "class", {"weight": "0.3", "multiplier": "0.2"}),
    ("raters.rater_types", "type", {"weight": "0.4", "dprime_multiplier": "0.5", "bias": "0.6"}),
])
def test_the_raters_mixtures_are_added_edited_and_removed(qtbot, qapp, editor, state, group, noun, columns):
    add = editor.findChild(QWidget, f"{group}:add")
    remove = editor.findChild(QWidget, f"{group}:remove")
    view = editor.mixture_table(group)
    assert not remove.isEnabled()
    for count in (1, 2):
        _click(qtbot, qapp, add)
        assert len(getattr(state.scenario.raters, group.split(".")[1])) == count
    for key, text in columns.items():
        _type_into_cell(qtbot, qapp, view, 1, key, text)
    entry = getattr(state.scenario.raters, group.split(".")[1])[1]
    for key, text in columns.items():
        assert getattr(entry, key) == pytest.approx(float(text))
    _click(qtbot, qapp, add)
    assert not add.isEnabled()  # at most three
    # A weight of 0 is refused with the schema's message beside the table.
    _type_into_cell(qtbot, qapp, view, 0, "weight", "0")
    assert "must be more than 0" in editor.error_text(group)
    view.selectRow(2)
    _click(qtbot, qapp, remove)
    assert len(getattr(state.scenario.raters, group.split(".")[1])) == 2 and add.isEnabled()
    editor.undo_stack.undo()
    assert len(getattr(state.scenario.raters, group.split(".")[1])) == 3


def test_an_empty_mixture_table_is_as_short_as_an_emptied_one(qtbot, qapp, editor, state):
    # The rater types, empty from the start, were a blank box of about 190 px; the difficulty
    # classes, emptied by Add then Remove, about 55 px.
    types = editor.mixture_table("raters.rater_types")
    classes = editor.mixture_table("raters.difficulty_classes")
    assert types.model().rowCount() == 0
    _click(qtbot, qapp, editor.findChild(QWidget, "raters.difficulty_classes:add"))
    classes.selectRow(0)
    _click(qtbot, qapp, editor.findChild(QWidget, "raters.difficulty_classes:remove"))
    assert classes.model().rowCount() == 0 and not state.scenario.raters.difficulty_classes
    assert types.height() == classes.height() < 2 * types.horizontalHeader().height() + 40


def test_the_capacity_breakdown_names_each_questions_rater_model(qtbot, show_widget, state):
    from ui.panels.results import BREAKDOWN_COLUMNS, ResultsWidget

    state.replace(state.scenario.with_changes({
        "questions.0.bias": 0.4, "questions.0.prior": [0.3, 0.7],
        "raters.difficulty_classes": [{"weight": 0.7, "multiplier": 1.3}, {"weight": 0.3, "multiplier": 0.3}],
    }))
    results = show_widget(ResultsWidget(state), (1100, 800))
    qtbot.waitUntil(lambda: results.evaluation is not None and results.evaluation.scenario == state.scenario,
                    timeout=20_000)
    results.tabs.setCurrentIndex(1)  # the breakdown is drawn when its tab is opened
    table = results._table
    column = BREAKDOWN_COLUMNS.index("Raters")
    texts = {table.item(row, 1).text(): table.item(row, column).text() for row in range(table.rowCount())}
    assert texts["spam"] == "c +0.40 · 2 difficulty classes · prior 0.30/0.70"
    assert texts["topic"] == "2 difficulty classes"
