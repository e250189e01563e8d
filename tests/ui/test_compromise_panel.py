"""The compromise panel in the main window: opened with Ctrl+5, every control where it is drawn, the
budget typed with real keys, a run in the background whose table and plot are what
advisor.planning.compromise computes (best split marked, items on the right axis), the best split set
in the design with the keyboard (Ctrl+Z undoes it), a budget that buys no item refused, and Cancel."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from advisor.evaluation.evaluate import VERDICT_WORDS
from advisor.planning.compromise import compromise, default_budget
from tests.ui.conftest import type_over


@pytest.fixture
def window(open_panel_window):
    return open_panel_window(Qt.Key.Key_5, "compromise")


def _run(qtbot, panel):
    with qtbot.waitSignal(panel.finished, timeout=120_000) as blocker:
        qtbot.keyClick(panel._run_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    return blocker.args[0]


def _table(panel) -> list[list]:
    model = panel.table.model()
    return [[model.index(r, c).data(Qt.ItemDataRole.UserRole) for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def test_every_input_is_where_it_is_drawn_and_has_a_tooltip(window):
    panel = window.compromise
    for widget in panel.inputs():
        assert widget.isVisible(), type(widget).__name__
        assert widget.toolTip(), f"{type(widget).__name__} has no tooltip"
        assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        hit = QApplication.widgetAt(widget.mapToGlobal(widget.rect().center()))
        assert hit is widget or widget.isAncestorOf(hit), (type(widget).__name__, type(hit).__name__)
    # The defaults: the design's budget cap, else its cost; max(10, 2 r) raters.
    scenario = window.state.scenario
    assert float(panel._budget_edit.text()) == pytest.approx(default_budget(scenario), abs=0.005)
    assert panel._max_raters_spin.value() == max(10, 2 * scenario.raters.per_item)


def test_a_typed_budget_runs_the_analysis_shown_in_the_table_and_the_plot(qtbot, window):
    panel = window.compromise
    scenario = window.state.scenario
    type_over(qtbot, panel._budget_edit, "2500")
    type_over(qtbot, panel._max_raters_spin.lineEdit(), "6")
    result = _run(qtbot, panel)
    expected = compromise(scenario, 2500.0, max_raters=6)
    assert result == expected and panel.result == expected
    rows = _table(panel)
    assert [cells[0] for cells in rows] == [row.raters for row in expected.rows] == [1, 2, 3, 4, 5, 6]
    for index, (cells, row) in enumerate(zip(rows, expected.rows)):
        assert cells[1] == row.items and cells[6] == row.label_error and cells[3] == row.achievable
        assert cells[9] == row.items_needed.to_dict() and cells[4] == row.verdict
        # Shown in the words of the cards and the comparison ("not ruled out, not guaranteed").
        assert panel.table.model().index(index, 4).data() == VERDICT_WORDS[row.verdict]
    # The verdict and the rank are whole in the panel's viewport without scrolling sideways (they were
    # the last columns, cut to "c" and "n" at the panel's default width).
    table = panel.table
    for column in (4, 5):
        assert 0 <= table.columnViewportPosition(column)
        assert table.columnViewportPosition(column) + table.columnWidth(column) <= table.viewport().width()
    assert [cells[5] for cells in rows].index(True) == expected.best
    assert panel.table.model().index(expected.best, 5).data() == "★ best"
    assert panel.table.model().headerData(2, Qt.Orientation.Horizontal) == f"cost ({scenario.campaign.currency})"
    # The plot: the risks against r, the items bought as bars on the right axis, the best split marked.
    xs, ys = panel.curve("achievable").getData()
    assert list(xs) == [1, 2, 3, 4, 5, 6] and list(ys) == [row.achievable for row in expected.rows]
    assert list(panel.curve("label_error").getData()[1]) == [row.label_error for row in expected.rows]
    bars = panel.curve("items").opts
    assert list(bars["x"]) == [1, 2, 3, 4, 5, 6] and list(bars["height"]) == [row.items for row in expected.rows]
    assert panel.curve("items").getViewBox() is panel.items_view()
    low, high = panel.items_view().viewRange()[1]
    assert low <= 0 and high >= expected.rows[0].items
    spots = panel.curve("best").points()
    assert len(spots) == 1
    assert (spots[0].pos().x(), spots[0].pos().y()) == (expected.best_row.raters, expected.best_row.achievable)
    assert panel.message.startswith(expected.message)


def test_the_best_split_is_set_with_the_keyboard_and_ctrl_z_undoes_it(qtbot, window):
    panel = window.compromise
    before = window.state.scenario
    type_over(qtbot, panel._budget_edit, "3000")
    result = _run(qtbot, panel)
    best = result.best_row
    assert panel._apply_button.isEnabled()
    panel._apply_button.setFocus()
    qtbot.keyClick(panel._apply_button, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.state.scenario != before, timeout=3000)
    assert window.state.scenario == before.with_changes(
        {"raters.per_item": best.raters, "campaign.items": best.items})
    assert window.undo_stack.count() == 1
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.state.scenario == before


def test_a_budget_that_buys_no_item_is_refused_in_the_panel(qtbot, window):
    panel = window.compromise
    type_over(qtbot, panel._budget_edit, "0.01")
    assert _run(qtbot, panel) is None
    assert "buys no item: one item with one rater costs" in panel.message
    assert panel.result is None and panel.table.model().rowCount() == 0
    qtbot.waitUntil(lambda: panel._run_button.isEnabled(), timeout=5000)


def test_cancel_shows_the_splits_done(qtbot, window, store):
    # The slowest example (three 7-point questions: about 2 s for 100 splits), so Cancel comes mid-run.
    rubric = next(s for s in store.list(order_by="name", descending=False) if s.name.startswith("Chatbot rubric"))
    assert window.open_scenario(rubric.id, ask=False)
    panel = window.compromise
    type_over(qtbot, panel._max_raters_spin.lineEdit(), "100")
    type_over(qtbot, panel._budget_edit, "500000")
    with qtbot.waitSignal(panel.finished, timeout=120_000) as blocker:
        handle = panel.run()
        qtbot.keyClick(panel._cancel_button, Qt.Key.Key_Space)
    assert handle.is_cancelled
    result = blocker.args[0]
    assert result.cancelled and len(result.rows) < 100
    assert panel.table.model().rowCount() == len(result.rows)
    assert "Cancelled" in panel.message
    qtbot.waitUntil(lambda: panel._run_button.isEnabled(), timeout=5000)


def test_the_default_budget_buys_the_design_and_a_typed_max_raters_stays(qtbot, window):
    """The default budget was the design's cost cut to the cent (73,333.33 for $73,333.333), one
    item short of the design's own split; and setting the best split reset a typed max raters
    (10 → 20) because the design's raters changed."""
    from advisor.planning.compromise import cost_per_item

    panel = window.compromise
    opened = window.state.scenario
    window.state.update({"campaign.seconds_per_item": 121.0})  # a cost with fractions of a cent
    scenario = window.state.scenario
    cost = default_budget(scenario)
    assert round(cost * 100) != cost * 100
    budget = float(panel._budget_edit.text())
    assert cost <= budget < cost + 0.01
    per_item = cost_per_item(scenario, scenario.raters.per_item)
    assert int(budget // per_item) >= scenario.campaign.items
    panel._max_raters_spin.setFocus()
    type_over(qtbot, panel._max_raters_spin.lineEdit(), "7")
    assert panel._max_raters_spin.value() == 7
    window.state.update({"raters.per_item": scenario.raters.per_item + 5})
    assert panel._max_raters_spin.value() == 7
    window.state.replace(opened)  # nothing left unsaved for the window's close


def test_money_fields_name_the_currency_and_the_wheel_leaves_unfocused_fields_alone(qtbot, window):
    # "budget 55000.00" and "cost per item 0" named no currency; the wheel over the unfocused max
    # raters or objective changed them while the user scrolled.
    from PySide6.QtWidgets import QLabel

    panel = window.compromise
    currency = window.state.scenario.campaign.currency
    labels = {label.buddy(): label.text() for label in panel.findChildren(QLabel) if label.buddy() is not None}
    assert labels[panel._budget_edit] == f"budget ({currency})"
    assert labels[panel._item_cost_edit] == f"cost per item ({currency})"
    for field in (panel._max_raters_spin, panel._objective_combo):
        assert not field.hasFocus()
        before = field.value() if hasattr(field, "value") else field.currentIndex()
        centre = field.rect().center()
        wheel = QWheelEvent(QPointF(centre), QPointF(field.mapToGlobal(centre)), QPoint(0, 0), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(field, wheel)
        assert (field.value() if hasattr(field, "value") else field.currentIndex()) == before


@pytest.mark.parametrize("where", [(0, 480), (700, 1000)], ids=["low", "at the bottom right"])
@pytest.mark.parametrize("key, attribute", [(Qt.Key.Key_5, "compromise"), (Qt.Key.Key_4, "xy_plot")])
def test_a_floating_panel_opens_wholly_on_the_screen_below_a_low_window(qtbot, show_widget, store, key, attribute,
                                                                         where):
    # 780 px high, 40 px below a window at the top of a 800-px screen, the compromise panel ran past
    # the screen's bottom (its buttons out of reach).
    from ui.main_window import MainWindow

    window = show_widget(MainWindow(store, recover_drafts=False), (1280, 700))
    window.move(*where)
    qtbot.waitUntil(lambda: window.frameGeometry().y() >= where[1] - 80, timeout=5000)
    qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: getattr(window, attribute).isVisible(), timeout=5000)
    panel = getattr(window, attribute).window()
    screen = window.screen().availableGeometry()
    title = window.style().pixelMetric(window.style().PixelMetric.PM_TitleBarHeight)
    assert screen.contains(panel.geometry()) and panel.geometry().bottom() + title <= screen.bottom()
    assert panel.height() >= 200


def test_the_best_splits_label_is_not_struck_through_by_the_target_line(qtbot, window):
    # The best split meets the target, so it lies just below the line; its label above the star
    # had the dashed line through it.
    import dataclasses

    panel = window.compromise
    type_over(qtbot, panel._budget_edit, "2500")
    result = _run(qtbot, panel)
    best = result.best_row
    assert best is not None
    view = panel._plot_widget.getPlotItem().getViewBox()
    # A target line through the middle of where the label stood above the star, and one far above.
    panel._show(result)
    QApplication.processEvents()
    star_y = view.mapViewToScene(QPointF(best.raters, best.achievable)).y()
    through = view.mapSceneToView(QPointF(0.0, star_y - 0.9 * panel._best_label.boundingRect().height())).y()
    for target in (through, min(0.99, best.achievable + 0.5)):
        panel._show(dataclasses.replace(result, target_risk=target))
        QApplication.processEvents()
        line_y = view.mapViewToScene(QPointF(best.raters, target)).y()
        label = panel._best_label.sceneBoundingRect()
        assert not label.top() <= line_y <= label.bottom(), (target, label, line_y)
        assert panel._best_label.isVisible()
    # A best split at the axis's foot, just under the line: no room below the star, so beside it.
    rows = list(result.rows)
    rows[result.best] = dataclasses.replace(best, achievable=0.002)
    panel._show(dataclasses.replace(result, rows=tuple(rows), target_risk=0.004))
    QApplication.processEvents()
    label = panel._best_label.sceneBoundingRect()
    line_y = view.mapViewToScene(QPointF(best.raters, 0.004)).y()
    assert not label.top() <= line_y <= label.bottom()
    assert view.sceneBoundingRect().contains(label)


def test_before_a_run_the_plot_says_what_it_will_show_and_draws_no_empty_frame(qtbot, window):
    """Before a run the plot was an empty frame: a legend of three curves not drawn, and an axis of "raters
    per item" running 0.1 to 0.9. It says what a run draws instead, and the frame comes with the result."""
    from ui.panels.compromise import NOT_RUN_PLOT_TEXT

    panel = window.compromise
    plot = panel.plot_widget.getPlotItem()
    assert panel.plot_message == NOT_RUN_PLOT_TEXT
    assert not any(plot.getAxis(name).isVisible() for name in ("left", "bottom", "right"))
    assert not plot.legend.isVisible()
    # The message is drawn in the plot's middle, inside the visible frame.
    text = panel._empty_text
    centre = panel.plot_widget.mapFromScene(text.sceneBoundingRect().center())
    assert panel.plot_widget.rect().contains(centre)
    assert abs(centre.x() - panel.plot_widget.width() / 2) < panel.plot_widget.width() / 10
    type_over(qtbot, panel._budget_edit, "2500")
    type_over(qtbot, panel._max_raters_spin.lineEdit(), "4")
    _run(qtbot, panel)
    assert panel.plot_message == ""
    assert all(plot.getAxis(name).isVisible() for name in ("left", "bottom", "right")) and plot.legend.isVisible()
    assert plot.getViewBox().viewRange()[0][1] >= 4
    target = window.state.scenario.target.target_risk
    assert panel._target_line.label.toPlainText() == f"target ε = {target:g}"
