"""The main window moves the edited scenario between the store and the editor:
save and restart, unsaved-changes prompts, stale-save conflicts, drafts,
the unit switch, help, and the remembered layout."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QTableView

import ui.main_window as main_window_module
from advisor.storage.store import ScenarioStore
from ui.main_window import MainWindow
from ui.core.settings import display_settings


class Answers:
    """Stands in for QMessageBox.question: records the questions, answers in turn."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, parent, title, text, *args, **kwargs):
        self.asked.append(text)
        return self.answers.pop(0) if self.answers else QMessageBox.StandardButton.Discard


@pytest.fixture
def answers(monkeypatch):
    """Every question is answered "Discard" unless a test queues answers."""
    stub = Answers()
    monkeypatch.setattr(QMessageBox, "question", stub)
    return stub


@pytest.fixture
def window(show_widget, store, answers):
    return show_widget(MainWindow(store, recover_drafts=False))


def _reopen(show_widget, url: str, **kwargs) -> MainWindow:
    return show_widget(MainWindow(ScenarioStore.open(url), recover_drafts=False, **kwargs))


def test_save_then_restart_brings_the_same_scenario_back(show_widget, window, store):
    raters = window.state.scenario.raters.per_item + 2
    window.editor.field_widget("raters.per_item").setValue(raters)
    assert window.isWindowModified() and "[*]" in window.windowTitle()
    window.action("save").trigger()
    assert not window.isWindowModified()
    saved_id, saved = window.state.stored_id, window.state.scenario
    assert store.get(saved_id).scenario == saved and store.get(saved_id).revision == 2
    url = store.url
    assert window.close()
    store.close()
    again = _reopen(show_widget, url)
    assert again.state.stored_id == saved_id
    assert again.state.scenario == saved and again.state.scenario.raters.per_item == raters
    assert not again.state.dirty


def test_invalid_input_saves_nothing(window, store):
    stored_id = window.state.stored_id
    revision = store.get(stored_id).revision
    window.editor.field_widget("raters.correlation").setValue(1.0)
    assert "less than 1" in window.editor.error_text("raters.correlation")
    assert not window.state.dirty
    window.action("save").trigger()
    assert store.get(stored_id).revision == revision
    assert store.history(stored_id)[-1].revision == revision


def test_closing_with_unsaved_changes_prompts(qtbot, window, store, answers):
    stored_id = window.state.stored_id
    window.editor.field_widget("raters.per_item").setValue(window.state.scenario.raters.per_item + 1)
    answers.answers = [QMessageBox.StandardButton.Cancel]
    assert not window.close()
    assert window.isVisible() and len(answers.asked) == 1 and "unsaved changes" in answers.asked[0]
    answers.answers = [QMessageBox.StandardButton.Save]
    assert window.close()
    assert store.get(stored_id).scenario == window.state.scenario
    assert store.get(stored_id).revision == 2


def test_discarding_on_close_keeps_the_stored_revision(window, store, answers):
    stored_id = window.state.stored_id
    before = store.get(stored_id)
    window.editor.field_widget("raters.per_item").setValue(before.scenario.raters.per_item + 1)
    answers.answers = [QMessageBox.StandardButton.Discard]
    assert window.close()
    assert store.get(stored_id).revision == before.revision and store.get(stored_id).scenario == before.scenario


def test_switching_scenarios_prompts_and_cancel_stays(window, store, answers):
    current = window.state.stored_id
    other = next(s.id for s in store.list() if s.id != current)
    window.editor.field_widget("raters.per_item").setValue(window.state.scenario.raters.per_item + 1)
    answers.answers = [QMessageBox.StandardButton.Cancel]
    assert not window.open_scenario(other)
    assert window.state.stored_id == current and window.state.dirty
    answers.answers = [QMessageBox.StandardButton.Discard]
    assert window.open_scenario(other)
    assert window.state.stored_id == other and not window.state.dirty
    assert window.undo_stack.count() == 0


def test_stale_save_offers_save_as_new(window, store, monkeypatch):
    stored_id = window.state.stored_id
    stored = store.get(stored_id)
    store.save(stored.scenario.with_changes({"notes": "saved by someone else"}), stored_id=stored_id,
               base_revision=stored.revision)
    window.editor.field_widget("raters.per_item").setValue(stored.scenario.raters.per_item + 1)
    asked = []
    monkeypatch.setattr(main_window_module, "ask_stale_resolution",
                        lambda parent, error: asked.append(error) or "save_as_new")
    assert window.save()
    assert asked and asked[0].base_revision == 1 and asked[0].current_revision == 2
    assert window.state.stored_id != stored_id and not window.state.dirty
    assert window.state.scenario.name == f"{stored.name} (my edits)"
    assert store.get(stored_id).scenario.notes == "saved by someone else"


def test_stale_save_reload_takes_the_stored_revision(window, store, monkeypatch):
    stored_id = window.state.stored_id
    stored = store.get(stored_id)
    elsewhere = stored.scenario.with_changes({"notes": "saved by someone else"})
    store.save(elsewhere, stored_id=stored_id, base_revision=stored.revision)
    window.editor.field_widget("raters.per_item").setValue(stored.scenario.raters.per_item + 1)
    monkeypatch.setattr(main_window_module, "ask_stale_resolution", lambda parent, error: "reload")
    window.save()
    assert window.state.scenario == elsewhere and window.state.revision == 2 and not window.state.dirty


def test_draft_survives_a_crash_and_is_recovered(show_widget, window, store, answers):
    stored_id = window.state.stored_id
    raters = window.state.scenario.raters.per_item + 3
    window.editor.field_widget("raters.per_item").setValue(raters)
    assert window.drafts.pending
    path = window.drafts.flush()
    assert path is not None and path.exists()
    # A crash: the window never closes, the edits were never saved.
    assert store.get(stored_id).scenario.raters.per_item != raters
    url = store.url
    answers.answers = [QMessageBox.StandardButton.Yes]
    again = _reopen(show_widget, url, scenario_id=stored_id)
    assert again.offer_draft_recovery()
    assert "autosaved" in answers.asked[-1]
    assert again.state.stored_id == stored_id and again.state.dirty
    assert again.state.scenario.raters.per_item == raters
    again.undo_stack.undo()
    assert not again.state.dirty


def test_draft_is_deleted_after_saving(window):
    window.editor.field_widget("raters.per_item").setValue(window.state.scenario.raters.per_item + 1)
    path = window.drafts.flush()
    assert path.exists()
    window.save()
    assert not path.exists()


def test_new_stores_nothing_until_the_first_edit(qtbot, window, store, answers):
    count = len(store.list())
    window.action("new").trigger()
    assert len(store.list()) == count and window.state.stored_id is None
    assert window.state.scenario.name == "Untitled scenario"
    assert window.library.selected_id() is None
    # Switching away from an untouched blank asks nothing and stores nothing.
    other = store.list()[0].id
    assert window.open_scenario(other) and answers.asked == [] and len(store.list()) == count
    window.library.new_blank_requested.emit()  # the library's New button
    assert window.state.stored_id is None and len(store.list()) == count
    window.editor.field_widget("raters.per_item").setValue(window.state.scenario.raters.per_item + 1)
    assert len(store.list()) == count + 1
    stored = store.get(window.state.stored_id)
    assert stored.scenario == window.state.scenario and len(store.history(stored.id)) == 1
    assert not window.state.dirty and window.library.selected_id() == stored.id


def test_deleting_the_open_scenario_keeps_it_on_screen(window, store):
    stored_id = window.state.stored_id
    window.library.select(stored_id)
    window.library.delete_selected()
    assert window.state.stored_id is None and window.state.dirty
    window.library.undo_stack.undo()
    assert window.state.stored_id == stored_id and not window.state.dirty


def test_units_action_switches_bits_and_nats(window):
    action = window.action("units")
    assert display_settings().unit == "bits" and not action.isChecked()
    action.trigger()
    assert display_settings().unit == "nats" and action.isChecked()
    display_settings().set_unit("bits")
    assert not action.isChecked()


def test_help_method_and_about(qtbot, window, monkeypatch):
    window.action("method").trigger()
    dialog = window.findChild(main_window_module.MethodDialog)
    assert dialog is not None and dialog.isVisible()
    assert "method" in dialog.browser.toPlainText().lower()
    shown = []
    monkeypatch.setattr(main_window_module.AboutDialog, "exec", lambda self: shown.append(self.label.text()))
    window.action("about").trigger()
    for name in ("Python", "Qt", "PySide6", "pyqtgraph", "numpy", "scipy"):
        assert name in shown[0]


def test_window_layout_is_remembered(qtbot, show_widget, window, store):
    window.resize(1500, 900)
    QApplication.processEvents()  # the resize and its relayout, before the splitter is set
    sizes = [700, 800]
    window._design.setSizes(sizes)
    sizes = window._design.sizes()
    window.tabs.setCurrentIndex(1)
    assert window.close()
    again = _reopen(show_widget, store.url)
    assert (again.width(), again.height()) == (1500, 900)
    assert again.tabs.currentIndex() == 1
    again.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: again._design.sizes() == sizes, timeout=2000)


def _settled(qtbot, window) -> None:
    """Wait until the window has laid its splitters out (one turn after it was shown)."""
    qtbot.waitUntil(lambda: window._splitter_states is None, timeout=2000)
    QApplication.processEvents()
    QApplication.processEvents()  # and what the relayout queued (the panes' re-flow)


def _sideways_tables(editor) -> list[str]:
    """The editor's shown tables that scroll sideways (a column partly out of view)."""
    return [table.objectName() or "questions" for table in editor.findChildren(QTableView)
            if table.isVisible() and table.horizontalScrollBar().maximum() > 0]


def _drag_design_handle(qtbot, window, dx: int) -> None:
    """Drag the handle between the editor and the results ``dx`` pixels with the mouse."""
    handle = window._design.handle(1)
    start = handle.mapToGlobal(handle.rect().center())
    assert QApplication.widgetAt(start) is handle
    qtbot.mousePress(handle, Qt.MouseButton.LeftButton, pos=handle.mapFromGlobal(start))
    # In steps, each at a point of the screen: the handle moves under the pointer.
    for step in (dx // 2, dx):
        qtbot.mouseMove(handle, handle.mapFromGlobal(start + QPoint(step, 0)))
    qtbot.mouseRelease(handle, Qt.MouseButton.LeftButton, pos=handle.mapFromGlobal(start + QPoint(dx, 0)))


@pytest.mark.parametrize("first_size", [(1920, 1080), (1560, 940)])
def test_a_full_hd_window_gives_the_editor_two_fifths_of_its_width(qtbot, show_widget, store, answers, first_size):
    """At 1920 × 1080 the editor stayed 540 px wide, first shown there or widened to it: its range
    hints under the inputs, the pairwise example's questions table scrolling sideways, all the
    width beyond going to the plots. Until the user moves the handle the editor takes two fifths
    of the window, also after a restart; at 1280 px it keeps the width it had."""
    window = show_widget(MainWindow(store, recover_drafts=False), first_size)
    _settled(qtbot, window)
    stored = {item.name: item.id for item in store.list(limit=100)}
    assert window.open_scenario(stored["RLHF pairwise preference with tie"], ask=False)
    window.resize(1280, 800)
    QApplication.processEvents()
    assert window.editor.width() >= 520  # what it had at 1280 px before
    window.resize(1920, 1080)
    QApplication.processEvents()
    QApplication.processEvents()
    editor = window.editor
    assert editor.width() >= 0.4 * 1920 - 2, editor.width()
    assert editor.hints_beside
    assert _sideways_tables(editor) == []
    assert not window.state.dirty
    assert window.close()
    again = _reopen(show_widget, store.url)
    _settled(qtbot, again)
    assert again.editor.width() >= 0.4 * 1920 - 2
    again.resize(1600, 1000)
    QApplication.processEvents()
    assert abs(again.editor.width() - 0.4 * 1600) <= 2


def test_an_editor_width_the_user_chose_is_kept_and_remembered(qtbot, show_widget, store, answers):
    """The editor follows the window's width only until the user drags the handle beside it."""
    window = show_widget(MainWindow(store, recover_drafts=False), (1920, 1080))
    _settled(qtbot, window)
    _drag_design_handle(qtbot, window, -120)
    chosen = window.editor.width()
    assert abs(chosen - (0.4 * 1920 - 120)) <= 4, chosen
    window.resize(1700, 1000)
    QApplication.processEvents()
    assert window.editor.width() == chosen
    sizes = window._design.sizes()
    assert window.close()
    again = _reopen(show_widget, store.url)
    assert (again.width(), again.height()) == (1700, 1000)
    qtbot.waitUntil(lambda: again._design.sizes() == sizes, timeout=2000)
    again.resize(1920, 1080)
    QApplication.processEvents()
    assert again.editor.width() == chosen


def test_edit_undo_follows_the_focus(qtbot, window, store):
    window.editor.field_widget("raters.per_item").setValue(window.state.scenario.raters.per_item + 1)
    window.activateWindow()
    window.editor.field_widget("raters.per_item").setFocus()
    qtbot.waitUntil(lambda: window.action("undo").isEnabled())
    window.action("undo").trigger()
    assert not window.state.dirty


def test_tabs_and_part_dialogs_are_wired(qtbot, window, store, monkeypatch):
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["Design", "Recommendations", "Compare"]
    from ui.panels.protocol import ProtocolWidget
    from ui.panels.recommendations import RecommendationsWidget
    from ui.dialogs.report_dialog import ReportExportDialog

    opened = []
    monkeypatch.setattr(ReportExportDialog, "exec", lambda self: opened.append(self.windowTitle()) or 0)
    window.action("export_report").trigger()
    assert len(opened) == 1
    window.action("protocol").trigger()
    assert window.findChild(ProtocolWidget) is not None
    assert window.findChild(RecommendationsWidget) is None  # built when first shown
    window.tabs.setCurrentIndex(1)
    assert window.findChild(RecommendationsWidget) is window.recommendations


def test_a_scenario_created_by_the_recommendations_appears_in_the_library(window, store):
    stored = store.create(window.state.scenario.with_changes({"name": "Recommended design"}))
    window.recommendations.scenario_created.emit(stored.id)
    assert "Recommended design" in window.library.visible_names()
    assert "Recommended design" in window.statusBar().currentMessage()


def test_run_app_opens_the_main_window(qtbot, store, monkeypatch, answers):
    from PySide6.QtWidgets import QApplication

    import ui.app

    shown = []

    def fake_exec():
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        shown.extend(windows)
        for window in windows:
            qtbot.addWidget(window)
        return 0

    monkeypatch.setattr(QApplication, "exec", staticmethod(fake_exec))
    assert ui.app.run_app(store.url) == 0
    assert len(shown) == 1 and shown[0].store.url == store.url


def test_run_app_reports_a_database_it_cannot_open(tmp_path, monkeypatch):
    import ui.app

    not_a_database = tmp_path / "notes.sqlite"
    not_a_database.write_text("these are notes, not a database", encoding="utf-8")
    messages = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: messages.append(text))
    assert ui.app.run_app(str(not_a_database)) == 2
    assert messages and "cannot be opened" in messages[0]


def test_save_commits_what_is_still_being_typed(qtbot, window, store):
    notes = window.editor.field_widget("notes")
    notes.setPlainText("typed just before Ctrl+S")
    name = window.editor.field_widget("name")
    window.activateWindow()
    name.setFocus()
    qtbot.waitUntil(name.hasFocus, timeout=2000)
    name.selectAll()
    qtbot.keyClicks(name, "A name still being typed")
    window.action("save").trigger()
    stored = store.get(window.state.stored_id)
    assert stored.scenario.notes == "typed just before Ctrl+S"
    assert stored.name == "A name still being typed" and not window.state.dirty


def test_a_lever_applied_in_the_app_is_recorded_in_the_protocol(qtbot, window, store):
    """Applying a lever stores a scenario and records the analysis (not only report exports)."""
    window.tabs.setCurrentIndex(1)
    widget = window.recommendations
    qtbot.waitUntil(lambda: widget.recommendations is not None, timeout=60_000)
    lever = next(i for i, lever in enumerate(widget.recommendations.levers) if lever.scenario is not None)
    widget.levers_panel.table.selectRow(lever)
    stored_id = widget.apply_selected_lever()
    assert stored_id is not None
    [entry] = store.list_exports()
    created = store.get(stored_id)
    assert entry.what == "lever" and entry.path == ""
    assert entry.scenario_names == (window.state.scenario.name, created.name)
    assert entry.detail["result"]["created"]["content_sha256"] == created.scenario.content_hash()
    assert entry.detail["result"]["applied"].startswith("lever applied: ")


def _fake_wizard(monkeypatch, calibrated_of, *, in_place: bool):
    import ui.dialogs.pilot_wizard

    class FakeWizard:
        def __init__(self, store, scenario, parent=None):
            self._calibrated = calibrated_of(scenario)

        def exec(self):
            return 1

        def calibrated_scenario(self):
            return self._calibrated

        def in_place(self):
            return in_place

    monkeypatch.setattr(ui.dialogs.pilot_wizard, "PilotWizard", FakeWizard)


def test_pilot_calibration_makes_a_copy_and_leaves_the_original(window, store, monkeypatch):
    original_id, original = window.state.stored_id, window.state.scenario
    stored_before = store.get(original_id)
    _fake_wizard(monkeypatch, lambda s: s.with_changes({"raters.correlation": 0.42}), in_place=False)
    window.action("pilot").trigger()
    assert window.state.stored_id != original_id
    assert window.state.scenario.raters.correlation == 0.42
    assert window.state.scenario.name == f"{original.name} (calibrated)"
    assert store.get(original_id).revision == stored_before.revision
    assert store.get(original_id).scenario == original


def test_pilot_calibration_in_place_is_one_undoable_edit(window, store, monkeypatch):
    original_id, original = window.state.stored_id, window.state.scenario
    _fake_wizard(monkeypatch, lambda s: s.with_changes({"raters.correlation": 0.42}), in_place=True)
    window.action("pilot").trigger()
    assert window.state.stored_id == original_id and window.state.scenario.raters.correlation == 0.42
    window.undo_stack.undo()
    assert window.state.scenario == original


def test_library_filter_never_shows_another_scenario_than_the_editor(qtbot, window, store, answers):
    library = window.library
    open_id, open_name = window.state.stored_id, window.state.scenario.name
    other = next(s for s in store.list() if s.id != open_id)
    library.search_field.setText(other.name)
    assert library.visible_names() == [other.name]
    # The open scenario is filtered out: nothing is selected, the history stays the open one's.
    assert library.selected_id() is None and window.state.stored_id == open_id
    assert open_name in library._history_title.text()
    library.search_field.setText(open_name)
    assert library.selected_id() == open_id == window.state.stored_id


def test_selecting_a_row_opens_it_and_cancel_puts_the_selection_back(qtbot, window, store, answers):
    from PySide6.QtWidgets import QMessageBox

    library = window.library
    first = window.state.stored_id
    other = next(s for s in store.list() if s.id != first)
    library.select(other.id)  # as the widget itself does: no open request
    library.set_current(first)
    row = next(r for r in range(library.table.model().rowCount())
               if library.table.model().index(r, 0).data() == other.name)
    qtbot.mouseClick(library.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=library.table.visualRect(library.table.model().index(row, 0)).center())
    assert window.state.stored_id == other.id and library.selected_id() == other.id
    assert other.name in library._history_title.text()
    window.editor.field_widget("raters.per_item").setValue(window.state.scenario.raters.per_item + 1)
    answers.answers.append(QMessageBox.StandardButton.Cancel)
    back = next(r for r in range(library.table.model().rowCount())
                if library.table.model().index(r, 0).data() != other.name)
    qtbot.mouseClick(library.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=library.table.visualRect(library.table.model().index(back, 0)).center())
    assert window.state.stored_id == other.id and library.selected_id() == other.id and window.state.dirty


def test_down_and_return_in_the_search_box_reach_the_list(qtbot, window, store, answers):
    library = window.library
    other = next(s for s in store.list() if s.id != window.state.stored_id)
    qtbot.mouseClick(library.search_field, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(library.search_field, other.name)
    qtbot.keyClick(library.search_field, Qt.Key.Key_Return)
    assert window.state.stored_id == other.id and library.table.hasFocus()
    library.search_field.setFocus()
    library.search_field.clear()
    qtbot.keyClick(library.search_field, Qt.Key.Key_Down)
    assert library.table.hasFocus() and library.selected_id() == window.state.stored_id


def test_the_save_as_dialog_is_wide_enough_for_a_name(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    seen = []

    def fake_exec(dialog):
        seen.append((dialog.width(), dialog.textValue()))
        return 0

    monkeypatch.setattr(QInputDialog, "exec", fake_exec)
    assert not window.save_as()
    [(width, text)] = seen
    assert width >= 480 and text == f"{window.state.scenario.name} (copy)"
    assert width >= window.fontMetrics().horizontalAdvance(text)


def test_the_recommendations_analyse_with_the_live_results_evaluation(qtbot, window, monkeypatch):
    """The Recommendations tab reuses the evaluation the results made of the same scenario: an edit
    evaluates the scenario once, not once per tab."""
    import advisor.planning.analysis as analysis_module
    from ui.main_window import DESIGN_TAB, RECOMMENDATIONS_TAB

    evaluated_again = []
    real_evaluate = analysis_module.evaluate
    monkeypatch.setattr(analysis_module, "evaluate",
                        lambda scenario, **kwargs: evaluated_again.append(scenario) or real_evaluate(scenario, **kwargs))
    results = window.results
    qtbot.waitUntil(lambda: results.evaluation is not None and results.evaluation.scenario == window.state.scenario,
                    timeout=60_000)
    window.tabs.setCurrentIndex(RECOMMENDATIONS_TAB)
    recommendations = window.recommendations
    qtbot.waitUntil(lambda: recommendations.recommendations is not None, timeout=60_000)
    assert evaluated_again == []
    assert recommendations.recommendations.evaluation is results.evaluation
    # Edited with the design on top: the results evaluate the edit, the tab catches up with their evaluation.
    window.tabs.setCurrentIndex(DESIGN_TAB)
    window.state.set("raters.per_item", window.state.scenario.raters.per_item + 1)
    qtbot.waitUntil(lambda: results.evaluation.scenario == window.state.scenario and not results.evaluator.is_busy,
                    timeout=60_000)
    window.tabs.setCurrentIndex(RECOMMENDATIONS_TAB)
    qtbot.waitUntil(lambda: recommendations.recommendations.scenario == window.state.scenario, timeout=60_000)
    assert evaluated_again == []
    assert recommendations.recommendations.evaluation is results.evaluation


def test_what_start_up_made_is_frozen_once_the_first_result_shows(qtbot, show_widget, store, answers, monkeypatch):
    """The collector's full passes skip the objects alive at the first shown result (the window
    among them), and only those: objects made later are collected as usual."""
    import gc

    import ui.core.application as application

    # As in a process whose first window this is (an earlier test may have frozen what it had made;
    # freezing again moves what is tracked now).
    monkeypatch.setattr(application, "_start_up_frozen", False)
    window = MainWindow(store, recover_drafts=False)
    assert gc.is_tracked(window) and any(o is window for o in gc.get_objects())
    with qtbot.waitSignal(window.results.updated, timeout=30_000):
        show_widget(window)
    assert not any(o is window for o in gc.get_objects())  # frozen: no longer in any generation

    later = [object()]  # a container the collector tracks, made after the freeze
    spin = window.editor.field_widget("raters.per_item")
    with qtbot.waitSignal(window.results.updated, timeout=30_000):
        spin.setValue(spin.value() + 1)
    assert any(o is later for o in gc.get_objects())  # the second result froze nothing more
    assert application.freeze_start_up_objects() is False


def test_a_1280_by_800_window_with_a_warning_fits_and_no_plot_lies_over_another(qtbot, show_widget, store, answers):
    """The X-ray example shows a warning: the window still takes 1280 × 800 (the warnings' list
    shrinks to two lines), and the plots keep their least height and scroll rather than overlap
    with their axis labels cut."""
    from PySide6.QtCore import QPoint

    from ui.widgets.plots import PLOT_MIN_HEIGHT

    window = show_widget(MainWindow(store, recover_drafts=False), (1280, 800))
    stored = {item.name: item.id for item in store.list(limit=100)}
    assert window.open_scenario(stored["Chest X-ray screening, normal vs abnormal"], ask=False)
    results = window.results
    qtbot.waitUntil(lambda: results.evaluation is not None and results.warnings()
                    and results.evaluation.scenario.name.startswith("Chest X-ray"), timeout=30_000)
    QApplication.processEvents()
    assert window.minimumSizeHint().height() <= 800
    assert (window.width(), window.height()) == (1280, 800)
    boxes = {name: (plot.mapTo(window, QPoint(0, 0)).y(), plot.height()) for name, plot in results._plots.items()}
    assert all(height >= PLOT_MIN_HEIGHT for _, height in boxes.values())
    for upper, lower in (("items", "raters"), ("log2_m", "seconds")):
        assert boxes[upper][0] + boxes[upper][1] <= boxes[lower][0]


def test_a_rename_in_the_library_reaches_the_open_scenario_and_its_next_save(window, store, answers):
    """The editor stayed on the old name and revision, and the next save reported that the scenario
    "was saved elsewhere" (the audit of the library): the window's own rename was a conflict."""
    opened = window.state.stored_id
    window.editor.field_widget("raters.per_item").setValue(window.state.scenario.raters.per_item + 2)
    assert window.save()
    steps = window.undo_stack.count()
    window.library.set_current(opened)
    assert window.library.rename_selected("Renamed in the library")
    assert window.state.scenario.name == "Renamed in the library" and not window.isWindowModified()
    assert window.undo_stack.count() == steps > 0  # a rename keeps the editor's undo steps
    assert window.state.revision == store.get(opened).revision
    raters = window.state.scenario.raters.per_item + 1
    window.editor.field_widget("raters.per_item").setValue(raters)
    assert window.save() and answers.asked == []
    stored = store.get(opened)
    assert (stored.scenario.name, stored.scenario.raters.per_item) == ("Renamed in the library", raters)


def test_unsaved_edits_are_kept_on_top_of_a_rename(window, store, answers):
    opened = window.state.stored_id
    raters = window.state.scenario.raters.per_item + 1
    window.editor.field_widget("raters.per_item").setValue(raters)
    assert window.isWindowModified()
    window.library.set_current(opened)
    assert window.library.rename_selected("Renamed while edited")
    assert window.state.scenario.name == "Renamed while edited"
    assert window.state.scenario.raters.per_item == raters and window.isWindowModified()
    # The edit can still be undone, and undoing it keeps the new name.
    assert window.undo_stack.canUndo()
    window.undo_stack.undo()
    assert window.state.scenario.name == "Renamed while edited"
    assert window.state.scenario.raters.per_item == raters - 1 and not window.isWindowModified()
    window.undo_stack.redo()
    assert window.save() and answers.asked == []
    stored = store.get(opened)
    assert (stored.scenario.name, stored.scenario.raters.per_item) == ("Renamed while edited", raters)


def test_a_rename_in_the_library_while_the_edits_renamed_it_too_is_combined_at_the_save(window, store, monkeypatch):
    """The edits' name won silently and the save overwrote the library's rename."""
    opened = window.state.stored_id
    name = window.editor.field_widget("name")
    name.setText("Name in the edits")
    name.editingFinished.emit()
    assert window.state.scenario.name == "Name in the edits"
    window.library.set_current(opened)
    assert window.library.rename_selected("Name in the library")
    assert window.state.scenario.name == "Name in the edits"
    assert "saving will ask how to combine" in window.statusBar().currentMessage()


def test_undoing_the_delete_of_the_open_scenario_replaces_the_deletion_message(window, store, answers):
    """"Deleted from the library; Save stores it again" stayed beside the scenario the undo had
    brought back."""
    opened = window.state.stored_id
    window.library.set_current(opened)
    window.library.select(opened)
    assert window.library.delete_selected()
    assert "Save stores it again" in window.statusBar().currentMessage()
    window.library.undo_stack.undo()
    assert window.state.stored_id == opened and not window.isWindowModified()
    assert "is back in the library" in window.statusBar().currentMessage()


def test_the_interface_import_names_the_tools_it_reads(window):
    """The menu's tip offered Prodigy, which no importer reads, and left out Argilla and SageMaker."""
    from advisor.importers import FORMATS

    tip = window.action("new_from_interface").statusTip() or window.action("new_from_interface").toolTip()
    names = {"label-studio": "Label Studio", "argilla": "Argilla", "sagemaker": "SageMaker"}
    assert set(names) == set(FORMATS)
    assert all(name in tip for name in names.values()) and "Prodigy" not in tip


@pytest.mark.parametrize(("free", "expected"), [
    ((1920, 1050), (1560, 940, False)),
    ((1280, 770), (1264, 722, True)),      # a 1280 × 800 screen less a 30 px panel
    ((1366, 728), (1350, 680, True)),      # a 1366 × 768 laptop less a 40 px panel
    ((1600, 900), (1560, 852, True)),      # wide enough, too short for 940 and the title bar
])
def test_the_first_size_fits_the_free_area_of_the_screen(free, expected):
    """On a 1280 × 800 screen the first start opened a 1560 × 940 window past its right and bottom edges."""
    from ui.main_window import FRAME_ROOM, FIRST_SIZE, first_window_size

    width, height, maximised = first_window_size(*free)
    assert (width, height, maximised) == expected
    # The window and its frame fit the free area, and never exceed the first size.
    assert width + FRAME_ROOM[0] <= free[0] and height + FRAME_ROOM[1] <= free[1]
    assert width <= FIRST_SIZE[0] and height <= FIRST_SIZE[1]
    assert maximised == ((width, height) != FIRST_SIZE)


def test_a_first_start_on_a_screen_smaller_than_the_window_opens_maximised_within_it(qtbot, store, answers,
                                                                                        monkeypatch):
    """Without a remembered geometry the window took 1560 × 940 whatever the screen: here the first size is
    made larger than the test's screen, and the window must open maximised, inside the screen's free area."""
    import ui.main_window as main_window

    screen = QApplication.primaryScreen().availableGeometry()
    monkeypatch.setattr(main_window, "FIRST_SIZE", (screen.width() + 300, screen.height() + 200))
    window = MainWindow(store, recover_drafts=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.isMaximized()
    assert screen.contains(window.geometry()), (window.geometry(), screen)
    window.showNormal()
    assert window.width() <= screen.width() and window.height() <= screen.height()


def test_a_first_start_on_a_large_screen_keeps_the_first_size(qtbot, store, answers):
    from ui.main_window import FIRST_SIZE

    window = MainWindow(store, recover_drafts=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert not window.isMaximized() and (window.width(), window.height()) == FIRST_SIZE


class Warnings:
    """Stands in for QMessageBox.warning: records (title, text)."""

    def __init__(self):
        self.shown: list[tuple[str, str]] = []

    def __call__(self, parent, title, text, *args, **kwargs):
        self.shown.append((title, text))
        return QMessageBox.StandardButton.Ok


def _click_at(qtbot, widget, pos: QPoint) -> None:
    """A left click at ``pos`` of ``widget``, which must be what the user sees there."""
    assert QApplication.widgetAt(widget.mapToGlobal(pos)) is widget
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=pos)


def _in_view(window, widget) -> None:
    """Scroll the editor's form to ``widget``, as the user does before clicking it."""
    from PySide6.QtWidgets import QScrollArea

    window.editor.findChild(QScrollArea).ensureWidgetVisible(widget)


def _type_in_cell(qtbot, view, row: int, column: int, text: str) -> None:
    """Click a cell, type ``text`` over its value and press Return (real events)."""
    from PySide6.QtWidgets import QAbstractItemView

    index = view.model().index(row, column)
    _click_at(qtbot, view.viewport(), view.visualRect(index).center())
    # The first key opens the cell's editor, which takes the keyboard.
    qtbot.keyClicks(view, text[0])
    editor = QApplication.focusWidget()
    assert editor is not view and view.isAncestorOf(editor)
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=2000)


def _library_row(library, stored_id: int):
    model = library.table.model()
    name = next(s.name for s in library._store.list() if s.id == stored_id)
    return next(model.index(r, 0) for r in range(model.rowCount()) if model.index(r, 0).data() == name)


def test_a_refused_cell_is_an_unsaved_edit_that_neither_save_nor_opening_another_drops(
        qtbot, window, store, answers, monkeypatch):
    warnings = Warnings()
    monkeypatch.setattr(QMessageBox, "warning", warnings)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    stored_id, revision = window.state.stored_id, store.get(window.state.stored_id).revision
    slip = window.state.scenario.questions[0].slip_rate
    view = window.editor.questions_table
    column = [spec.key for spec in view.model().columns].index("slip_rate")
    _in_view(window, view)
    _type_in_cell(qtbot, view, 0, column, "0.9")
    assert view.model().index(0, column).data() == "0.9" and window.state.scenario.questions[0].slip_rate == slip
    # The red 0.9 is an edit not saved: the title says so.
    assert window.isWindowModified()

    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    # Nothing stored; the message names the field and its range, and the cell has the keyboard.
    assert store.get(stored_id).revision == revision
    assert len(warnings.shown) == 1
    assert "Slip rate" in warnings.shown[0][1] and "0.9" in warnings.shown[0][1] and "[0, 0.5)" in warnings.shown[0][1]
    assert view.hasFocus() and view.currentIndex() == view.model().index(0, column)
    assert view.model().index(0, column).data() == "0.9" and window.isWindowModified()
    # Save as (Ctrl+Shift+S) stores no new scenario either, and says the same (a name, were it asked for,
    # is given at once: the dialog would wait for a user).
    monkeypatch.setattr("ui.main_window.ask_name", lambda *args, **kwargs: "Refused copy")
    scenarios = len(store.list(limit=100))
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert len(store.list(limit=100)) == scenarios and len(warnings.shown) == 2
    assert warnings.shown[1][1] == warnings.shown[0][1] and view.hasFocus()

    # Opening another scenario asks, as for any unsaved edit; Cancel stays on the red value.
    other = next(s.id for s in store.list() if s.id != stored_id)
    answers.answers = [QMessageBox.StandardButton.Cancel]
    library = window.library
    _click_at(qtbot, library.table.viewport(), library.table.visualRect(_library_row(library, other)).center())
    assert len(answers.asked) == 1 and "unsaved changes" in answers.asked[0] and "Slip rate" in answers.asked[0]
    assert "Save stops at it" in answers.asked[0]  # as it does: the question promises nothing else
    assert window.state.stored_id == stored_id and view.model().index(0, column).data() == "0.9"
    answers.answers = [QMessageBox.StandardButton.Discard]
    _click_at(qtbot, library.table.viewport(), library.table.visualRect(_library_row(library, other)).center())
    assert window.state.stored_id == other and not window.isWindowModified()


def _empty_the_name(qtbot, window):
    """Click the Name field, select all, delete and press Return (real events); the field."""
    name = window.editor.field_widget("name")
    _in_view(window, name)
    _click_at(qtbot, name, name.rect().center())
    qtbot.keyClick(name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(name, Qt.Key.Key_Delete)
    qtbot.keyClick(name, Qt.Key.Key_Return)
    return name


def test_an_emptied_name_is_an_unsaved_edit_that_save_refuses_and_selects(qtbot, window, store, monkeypatch):
    warnings = Warnings()
    monkeypatch.setattr(QMessageBox, "warning", warnings)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    stored_id, revision = window.state.stored_id, store.get(window.state.stored_id).revision
    name = _empty_the_name(qtbot, window)
    assert window.editor.error_text("name") and window.isWindowModified()
    window.editor.field_widget("tags").setFocus()
    qtbot.keyClick(window.editor.field_widget("tags"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert store.get(stored_id).revision == revision and len(warnings.shown) == 1
    assert "Name" in warnings.shown[0][1] and "empty" in warnings.shown[0][1]
    assert name.hasFocus() and name.text() == "" and window.isWindowModified()


def _type_in_field(qtbot, window, path: str, text: str) -> None:
    """Click a field of the editor, type ``text`` over its value and press Return (real events)."""
    box = window.editor.field_widget(path)
    _in_view(window, box)
    line = box.lineEdit()
    _click_at(qtbot, line, line.rect().center())
    qtbot.keyClick(line, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def _restore_by_clicks(qtbot, window, revision: int) -> None:
    """Pick ``revision`` in the library's history and click "Restore this revision"."""
    from PySide6.QtWidgets import QPushButton

    history = window.library.history_table
    row = next(r for r in range(history.rowCount())
               if history.item(r, 0).data(Qt.ItemDataRole.UserRole) == revision)
    _click_at(qtbot, history.viewport(), history.visualItemRect(history.item(row, 1)).center())
    button = next(b for b in window.library.findChildren(QPushButton) if b.text() == "Restore this revision")
    assert button.isEnabled()
    _click_at(qtbot, button, button.rect().center())


@pytest.mark.parametrize("answer", ["discard", "save", "cancel"])
def test_restoring_a_revision_with_unsaved_edits_asks_first_and_the_next_save_is_no_conflict(
        qtbot, window, store, answers, monkeypatch, answer):
    conflicts = []
    monkeypatch.setattr(main_window_module, "ask_stale_resolution",
                        lambda parent, error: conflicts.append(error) or "cancel")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    stored_id = window.state.stored_id
    first = store.get(stored_id)
    _type_in_field(qtbot, window, "raters.per_item", str(first.scenario.raters.per_item + 1))
    window.action("save").trigger()
    assert store.get(stored_id).revision == first.revision + 1
    _type_in_field(qtbot, window, "target.target_risk", "0.2")
    assert window.state.dirty and window.state.scenario.target.target_risk == 0.2
    answers.answers = [{"discard": QMessageBox.StandardButton.Discard, "save": QMessageBox.StandardButton.Save,
                        "cancel": QMessageBox.StandardButton.Cancel}[answer]]
    _restore_by_clicks(qtbot, window, first.revision)
    assert len(answers.asked) == 1 and "unsaved changes" in answers.asked[0]
    newest = store.get(stored_id)
    if answer == "cancel":
        assert newest.revision == first.revision + 1
        assert window.state.dirty and window.state.scenario.target.target_risk == 0.2
        return
    # Saved first (one more revision) or dropped; then the restored revision is the newest, and the editor's.
    assert newest.revision == first.revision + (3 if answer == "save" else 2)
    assert newest.scenario == first.scenario
    if answer == "save":
        assert store.get_revision(stored_id, newest.revision - 1).target.target_risk == 0.2
    assert window.state.revision == newest.revision and window.state.scenario == first.scenario
    assert not window.state.dirty and not window.isWindowModified()
    assert window.library.history_table.item(0, 0).text() == f"{newest.revision} (current)"
    _type_in_field(qtbot, window, "target.target_risk", "0.3")
    qtbot.keyClick(window.editor.field_widget("target.target_risk").lineEdit(), Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)
    assert not conflicts and store.get(stored_id).revision == newest.revision + 1
    assert store.get(stored_id).scenario.target.target_risk == 0.3


def test_a_refused_cell_stays_through_an_edit_elsewhere_and_save_still_refuses(qtbot, window, store, answers,
                                                                               monkeypatch):
    """After a refused 0.9 in a slip-rate cell, any valid edit elsewhere (here target ε) put the old 0.01
    back in the cell unseen, and Ctrl+S stored it. The red value stays until an allowed one replaces it,
    and a duplicate opened in its place (the same rows) does not inherit it."""
    from PySide6.QtWidgets import QAbstractItemView

    warnings = Warnings()
    monkeypatch.setattr(QMessageBox, "warning", warnings)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    stored_id, revision = window.state.stored_id, store.get(window.state.stored_id).revision
    view = window.editor.questions_table
    column = [spec.key for spec in view.model().columns].index("slip_rate")
    _in_view(window, view)
    _type_in_cell(qtbot, view, 0, column, "0.9")
    _type_in_field(qtbot, window, "target.target_risk", "0.2")
    assert window.state.scenario.target.target_risk == 0.2
    assert view.model().index(0, column).data() == "0.9" and view.model().refused(0, column)
    assert window.isWindowModified() and "Slip rate" in window.editor.refused_value()
    qtbot.keyClick(view, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert store.get(stored_id).revision == revision and len(warnings.shown) == 1
    # An allowed value typed over it replaces it (the refusal gave the cell the keyboard).
    assert view.hasFocus() and view.currentIndex() == view.model().index(0, column)
    qtbot.keyClicks(view, "0")
    editor = QApplication.focusWidget()
    assert editor is not view and view.isAncestorOf(editor)
    qtbot.keyClicks(editor, ".03")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=2000)
    assert not view.model().refused(0, column) and window.state.scenario.questions[0].slip_rate == 0.03
    # Refused again, then another scenario with the same rows opened (Discard): its cells are its own.
    _in_view(window, view)
    qtbot.keyClicks(view, "0")
    editor = QApplication.focusWidget()
    qtbot.keyClicks(editor, ".9")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=2000)
    assert view.model().refused(0, column)
    twin = store.create(store.get(stored_id).scenario.with_changes({"name": "Twin"}), summary="a twin")
    answers.answers = [QMessageBox.StandardButton.Discard]
    assert window.open_scenario(twin.id)
    assert window.state.stored_id == twin.id and not view.model().refused(0, column)
    assert not window.editor.refused_value() and not window.isWindowModified()


def test_a_refused_name_stays_through_an_edit_elsewhere_and_save_still_refuses(qtbot, window, store, monkeypatch):
    """An emptied name was refused, then an edit of target ε put the old name back into the field unseen:
    the typed text was gone. It stays, with its message, until an allowed name replaces it."""
    warnings = Warnings()
    monkeypatch.setattr(QMessageBox, "warning", warnings)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    stored_id, revision = window.state.stored_id, store.get(window.state.stored_id).revision
    old_name = window.state.scenario.name
    name = _empty_the_name(qtbot, window)
    assert window.editor.error_text("name")
    _type_in_field(qtbot, window, "target.target_risk", "0.2")
    assert window.state.scenario.target.target_risk == 0.2 and window.state.scenario.name == old_name
    assert name.text() == "" and window.editor.error_text("name") and window.isWindowModified()
    qtbot.keyClick(window.editor.field_widget("tags"), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert store.get(stored_id).revision == revision and len(warnings.shown) == 1 and name.hasFocus()
    # An allowed name replaces it; the next edit elsewhere leaves the field as the scenario has it.
    qtbot.keyClicks(name, "Renamed")
    qtbot.keyClick(name, Qt.Key.Key_Return)
    assert window.state.scenario.name == "Renamed" and not window.editor.error_text("name")
    _type_in_field(qtbot, window, "target.target_risk", "0.15")
    assert name.text() == "Renamed"
