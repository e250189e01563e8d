"""The editor's overlap and gold groups and the best-worst format, used the way a user does: each
control is found by hit-testing its centre (``QApplication.widgetAt``), clicked with a real mouse
event and edited with real key events."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from ui.panels.editor import ScenarioEditorWidget

POPUP_GRAB = r"^This plugin does not support (propagateSizeHints\(\)|raise\(\)|grabbing the keyboard)$"
"""A combo box's list grabs the keyboard, which the offscreen platform cannot (see test_input_behaviour)."""


@pytest.fixture
def editor(show_widget, state):
    return show_widget(ScenarioEditorWidget(state), (760, 900), activate=True)


def _visible(qapp, widget: QWidget) -> None:
    area = widget.parent()
    while area is not None and not isinstance(area, QScrollArea):
        area = area.parent()
    area.ensureWidgetVisible(widget, 0, 40)
    qapp.processEvents()


def _click_centre(qtbot, qapp, widget: QWidget) -> QWidget:
    """Click where a user would, at the widget's centre, on whatever lies there (it must be the widget)."""
    _visible(qapp, widget)
    centre = widget.mapToGlobal(widget.rect().center())
    hit = QApplication.widgetAt(centre)
    assert hit is not None and (hit is widget or widget.isAncestorOf(hit)), f"{widget.objectName()} is covered"
    qtbot.mouseClick(hit, Qt.MouseButton.LeftButton, pos=hit.mapFromGlobal(centre))
    return hit


def _type_into(qtbot, qapp, box, text: str) -> None:
    _click_centre(qtbot, qapp, box)
    focus = QApplication.focusWidget()
    assert focus is box or box.isAncestorOf(focus)
    qtbot.keyClick(focus, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(focus, text)
    qtbot.keyClick(focus, Qt.Key.Key_Return)


def _choose(qtbot, qapp, window, combo, value: str) -> None:
    """Open the combo with a click, move to ``value`` with the arrow keys and take it with Return."""
    _click_centre(qtbot, qapp, combo)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=2000)
    popup = QApplication.activePopupWidget()
    steps = combo.findData(value) - combo.currentIndex()
    for _ in range(abs(steps)):
        qtbot.keyClick(QApplication.focusWidget() or popup, Qt.Key.Key_Down if steps > 0 else Qt.Key.Key_Up)
    qtbot.keyClick(QApplication.focusWidget() or popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is None, timeout=2000)
    window.activateWindow()


@pytest.mark.qt_log_ignore(POPUP_GRAB)
def test_switching_to_adaptive_overlap_enables_its_fields_and_makes_room(qtbot, qapp, editor, state):
    state.replace(state.scenario.with_changes({"raters.per_item": 5}))
    mode = editor.field_widget("overlap.mode")
    assert not editor.field_widget("overlap.max_raters").isEnabled()
    _choose(qtbot, qapp, editor.window(), mode, "adaptive")
    scenario = state.scenario
    assert scenario.overlap.mode == "adaptive"
    # The default r_max (5) leaves no room above 5 first raters: the switch gives one more.
    assert scenario.overlap.max_raters == 6
    for path in ("overlap.max_raters", "overlap.stop_rule", "overlap.stop_threshold"):
        assert editor.field_widget(path).isEnabled(), path
    assert not editor.field_widget("overlap.extra_share").isEnabled()
    _type_into(qtbot, qapp, editor.field_widget("overlap.max_raters"), "8")
    assert state.scenario.overlap.max_raters == 8
    _type_into(qtbot, qapp, editor.field_widget("overlap.stop_threshold"), "0.75")
    assert state.scenario.overlap.stop_threshold == pytest.approx(0.75)
    editor.undo_stack.undo()
    assert state.scenario.overlap.stop_threshold == pytest.approx(0.6)


@pytest.mark.qt_log_ignore(POPUP_GRAB)
def test_partial_overlap_fields(qtbot, qapp, editor, state):
    _choose(qtbot, qapp, editor.window(), editor.field_widget("overlap.mode"), "partial")
    assert state.scenario.overlap.mode == "partial"
    assert editor.field_widget("overlap.extra_share").isEnabled()
    assert not editor.field_widget("overlap.max_raters").isEnabled()
    _type_into(qtbot, qapp, editor.field_widget("overlap.extra_share"), "0.25")
    _type_into(qtbot, qapp, editor.field_widget("overlap.extra_raters"), "4")
    assert state.scenario.overlap.extra_share == pytest.approx(0.25) and state.scenario.overlap.extra_raters == 4


def test_a_share_beyond_the_range_is_refused_with_the_schemas_message(qtbot, qapp, editor, state):
    before = state.scenario
    _type_into(qtbot, qapp, editor.field_widget("gold.share"), "0.7")
    assert state.scenario == before
    assert "[0, 0.5]" in editor.error_text("gold.share")


def test_gold_fields_follow_the_share(qtbot, qapp, editor, state):
    cost = editor.field_widget("gold.authoring_cost")
    assert not cost.isEnabled() and not editor.field_widget("gold.pool_size:enabled").isEnabled()
    _type_into(qtbot, qapp, editor.field_widget("gold.share"), "0.05")
    assert state.scenario.gold.share == pytest.approx(0.05)
    assert cost.isEnabled()
    _type_into(qtbot, qapp, cost, "0.4")
    assert state.scenario.gold.authoring_cost == pytest.approx(0.4)
    check = editor.field_widget("gold.pool_size:enabled")
    _visible(qapp, check)
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton, pos=QPoint(6, check.height() // 2))
    assert state.scenario.gold.pool_size is not None
    _type_into(qtbot, qapp, editor.field_widget("gold.pool_size"), "30")
    assert state.scenario.gold.pool_size == 30
    # The hint names the campaign's currency.
    assert state.scenario.campaign.currency in editor._hints["gold.authoring_cost"].text()


def test_best_worst_format_in_the_questions_table(qtbot, editor, state, edit_cell):
    view = editor.questions_table
    edit_cell(view, 0, 1, "best_worst")
    question = state.scenario.questions[0]
    assert question.format.kind == "best_worst" and question.format.k == 4
    model = view.model()
    assert model.flags(model.index(0, 5)) & Qt.ItemFlag.ItemIsEditable  # span applies to best-worst
    assert model.data(model.index(0, 1)) == "best worst"
    edit_cell(view, 0, 2, 6)
    assert state.scenario.questions[0].format.k == 4  # 6 items is beyond best-worst's 5: refused
    edit_cell(view, 0, 2, 5)
    assert state.scenario.questions[0].format.k == 5
