"""The report export dialog writes every format and records each export."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from advisor.report import FORMATS
from advisor.storage.store import ScenarioStore
from ui.dialogs.report_dialog import ReportExportDialog, report_file_name


@pytest.fixture
def store(new_database_file, tmp_path):
    opened = ScenarioStore.open(new_database_file(tmp_path / "store.sqlite"), seed=False)
    yield opened
    opened.close()


def _names(store):
    return [s.name for s in store.list(order_by="name", descending=False)]


def _export(qtbot, dialog, timeout=120_000):
    with qtbot.waitSignal(dialog.exported, timeout=timeout) as blocker:
        dialog._export_button.click()
    return blocker.args[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_written_and_recorded(qtbot, store, tmp_path, fmt, monkeypatch):
    opened = []
    monkeypatch.setattr("ui.dialogs.report_dialog.open_in_desktop", opened.append)
    name = _names(store)[0]
    dialog = ReportExportDialog(store, [name])
    qtbot.addWidget(dialog)
    assert dialog.selected_names() == [name]
    dialog.set_format(fmt)
    # The optimiser's frontier is the slowest section; the others cover every renderer.
    dialog.set_section("frontier", False)
    target = tmp_path / report_file_name([name], fmt)
    dialog.set_output_path(target)
    info = _export(qtbot, dialog)
    assert info.path == target and target.is_file() and target.stat().st_size > 0
    assert info.sha256 == hashlib.sha256(target.read_bytes()).hexdigest()
    entries = store.list_exports()
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.fmt, entry.path, entry.sha256, entry.scenario_names) == (fmt, str(target), info.sha256, (name,))
    assert "frontier" not in entry.detail["sections"]
    assert opened == [target]
    assert "recorded in the export protocol" in dialog._status_label.text()
    if fmt == "json":
        assert json.loads(target.read_text())
    if fmt == "pdf":
        assert target.read_bytes().startswith(b"%PDF")


def test_the_next_export_starts_with_the_last_reports_format_folder_and_opening(qtbot, store, tmp_path, monkeypatch):
    """Every export started over at HTML, the documents folder and "open when written"."""
    monkeypatch.setattr("ui.dialogs.report_dialog.open_in_desktop", lambda path: None)
    name = _names(store)[0]
    first = ReportExportDialog(store, [name])
    qtbot.addWidget(first)
    assert first.format() == "html" and first._open_check.isChecked()
    first.set_format("md")
    first.set_section("frontier", False)
    first._open_check.setChecked(False)
    folder = tmp_path / "reports"
    folder.mkdir()
    first.set_output_path(folder / report_file_name([name], "md"))
    _export(qtbot, first)
    again = ReportExportDialog(store, [name])
    qtbot.addWidget(again)
    assert again.format() == "md" and not again._open_check.isChecked()
    assert Path(again.output_path()).parent == folder and again.output_path().endswith(".md")
    # Browse with the path field emptied by hand starts there too (it started in the documents folder).
    chooser = []
    monkeypatch.setattr("ui.dialogs.report_dialog.save_file_name", lambda *args, **kwargs: chooser.append(args) or "")
    again.set_output_path("")
    again._path_button.click()
    assert Path(chooser[0][2]).parent == folder
    # A folder since removed falls back to the documents folder.
    shutil.rmtree(folder)
    third = ReportExportDialog(store, [name])
    qtbot.addWidget(third)
    assert Path(third.output_path()).parent != folder


def test_the_opening_is_skipped_when_the_environment_says_so(qtbot, store, tmp_path, monkeypatch):
    launched = []
    monkeypatch.setenv("ANNOTATION_ADVISOR_NO_OPEN", "1")
    monkeypatch.setattr("ui.core.desktop.QDesktopServices.openUrl", launched.append)
    dialog = ReportExportDialog(store, _names(store)[:1])
    qtbot.addWidget(dialog)
    dialog.set_format("md")
    for key in ("plots", "recommendations", "frontier", "method"):
        dialog.set_section(key, False)
    dialog.set_output_path(tmp_path / "r.md")
    _export(qtbot, dialog)
    assert launched == []


def test_two_scenarios_make_a_comparison(qtbot, store, tmp_path):
    names = _names(store)[:2]
    dialog = ReportExportDialog(store, names)
    qtbot.addWidget(dialog)
    assert dialog._section_checks["comparison"].isEnabled()
    dialog.set_format("csv")
    dialog.set_output_path(tmp_path / "compare.csv")
    dialog.set_section("frontier", False)
    info = _export(qtbot, dialog)
    assert info.scenario_names == tuple(names)
    text = (tmp_path / "compare.csv").read_text(encoding="utf-8-sig")
    assert all(name in text for name in names)


def test_comparison_needs_two_scenarios_and_nothing_ticked_blocks_export(qtbot, store, tmp_path):
    dialog = ReportExportDialog(store, [])
    qtbot.addWidget(dialog)
    assert not dialog._export_button.isEnabled()
    dialog._scenario_list.item(0).setCheckState(dialog._scenario_list.item(0).checkState().Checked)
    assert dialog._export_button.isEnabled()
    assert not dialog._section_checks["comparison"].isEnabled()
    assert "comparison" not in dialog.selected_sections()
    for key in dialog._section_checks:
        dialog.set_section(key, False)
    assert not dialog._export_button.isEnabled()


def test_the_suffix_follows_the_format(qtbot, store, tmp_path):
    dialog = ReportExportDialog(store, _names(store)[:1])
    qtbot.addWidget(dialog)
    dialog.set_output_path(tmp_path / "design.html")
    dialog.set_format("pdf")
    assert dialog.output_path() == str(tmp_path / "design.pdf")


def test_a_missing_folder_is_refused(qtbot, store, tmp_path):
    dialog = ReportExportDialog(store, _names(store)[:1])
    qtbot.addWidget(dialog)
    dialog.set_output_path(tmp_path / "nowhere" / "r.html")
    assert not dialog._export_button.isEnabled()
    dialog.export()
    assert "does not exist" in dialog._status_label.text()
    assert store.list_exports() == []


def test_cancel_stops_the_export_and_writes_nothing(qtbot, store, tmp_path):
    names = _names(store)
    dialog = ReportExportDialog(store, names)
    qtbot.addWidget(dialog)
    dialog.set_output_path(tmp_path / "all.html")
    dialog._export_button.click()
    assert dialog.is_exporting and dialog._cancel_button.isEnabled()
    dialog._cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.is_exporting, timeout=120_000)
    assert "cancelled" in dialog._status_label.text()
    assert not (tmp_path / "all.html").exists()
    assert store.list_exports() == []


def test_the_preview_opens(qtbot, tmp_path):
    from ui.dialogs.report_dialog import preview_report_dialog

    dialog = preview_report_dialog(tmp_path)
    qtbot.addWidget(dialog)
    assert len(dialog.selected_names()) == 1
    assert dialog._export_button.isEnabled()
    assert not dialog.grab().isNull()
    dialog._store.close()


def test_enter_in_the_filter_goes_to_the_list_and_enter_in_the_path_exports(qtbot, show_widget, store, tmp_path,
                                                                           monkeypatch):
    # Before, Enter in the filter pressed Choose… (the first button to hold the focus had become the
    # dialog's default) and opened a file chooser. Real clicks at each field's centre (which must be
    # that field) and real key events.
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    chooser_opened = []
    monkeypatch.setattr("ui.dialogs.report_dialog.save_file_name", lambda *args, **kwargs: chooser_opened.append(args) or "")
    monkeypatch.setattr("ui.dialogs.report_dialog.open_in_desktop", lambda path: None)
    names = _names(store)
    dialog = show_widget(ReportExportDialog(store, [names[-1]]), activate=True)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)

    def click(widget):
        centre = widget.mapToGlobal(widget.rect().center())
        hit = QApplication.widgetAt(centre)
        assert hit is widget or widget.isAncestorOf(hit), f"{type(hit).__name__} lies over the field"
        QTest.mouseClick(hit, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, hit.mapFromGlobal(centre))
        assert QApplication.focusWidget() is widget

    click(dialog._filter_edit)
    QTest.keyClicks(dialog._filter_edit, "chat")
    QTest.keyClick(dialog._filter_edit, Qt.Key.Key_Return)
    assert not chooser_opened and dialog._job is None
    assert QApplication.focusWidget() is dialog._scenario_list
    chatbot = next(name for name in names if name.lower().startswith("chat"))
    assert dialog._scenario_list.currentItem().text() == chatbot
    QTest.keyClick(dialog._scenario_list, Qt.Key.Key_Space)  # ticks it
    assert set(dialog.selected_names()) == {chatbot, names[-1]}

    # Enter in the path field exports (the comparison of the two ticked scenarios), no chooser.
    dialog._format_combo.setCurrentIndex(dialog._format_combo.findData("md"))
    target = tmp_path / "two.md"
    click(dialog._path_edit)
    QTest.keyClick(dialog._path_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(dialog._path_edit, str(target))
    with qtbot.waitSignal(dialog.exported, timeout=120_000) as blocker:
        QTest.keyClick(dialog._path_edit, Qt.Key.Key_Return)
    assert not chooser_opened
    assert blocker.args[0].path == target and target.stat().st_size > 0


def test_a_report_over_an_existing_file_is_written_only_when_the_user_says_replace(qtbot, store, tmp_path, monkeypatch):
    # Export wrote over a file of the same name without a word.
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr("ui.dialogs.report_dialog.open_in_desktop", lambda path: None)
    asked: list[str] = []
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda parent, title, text, *rest: (asked.append(text), answers.pop(0))[1])
    name = _names(store)[0]
    dialog = ReportExportDialog(store, [name])
    qtbot.addWidget(dialog)
    dialog.set_format("md")
    dialog.set_section("frontier", False)
    target = tmp_path / "kept.md"
    target.write_text("the user's own notes", encoding="utf-8")
    dialog.set_output_path(target)
    exported: list[object] = []
    dialog.exported.connect(exported.append)
    qtbot.mouseClick(dialog._export_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and str(target) in asked[0]
    assert target.read_text(encoding="utf-8") == "the user's own notes" and exported == []
    assert "kept" in dialog._status_label.text() and dialog.output_path() == str(target)
    info = _export(qtbot, dialog)  # asked again; this time the answer is Replace
    assert len(asked) == 2 and info.path == target and target.read_text(encoding="utf-8").startswith("#")
    # A name the save dialog returned was confirmed there: no second question.
    monkeypatch.setattr("ui.dialogs.report_dialog.save_file_name", lambda *args: str(target))
    qtbot.mouseClick(dialog._path_button, Qt.MouseButton.LeftButton)
    _export(qtbot, dialog)
    assert len(asked) == 2


def test_names_that_differ_only_at_their_end_are_both_read_whole_in_the_list(qtbot, show_widget, store):
    # Two names read "Search relevance, 4-point scale, 3 assessors — A…" in a list cut at its width.
    base = store.get(store.list(order_by="name", descending=False)[0].id).scenario
    long = base.name + " — a longer name that goes on past the list's width, variant "
    for suffix in ("one", "two"):
        store.create(base.with_changes({"name": long + suffix}))
    dialog = show_widget(ReportExportDialog(store, []), (820, 600))
    listing = dialog._scenario_list
    assert listing.horizontalScrollBar().maximum() == 0
    for suffix in ("one", "two"):
        item = listing.findItems(long + suffix, Qt.MatchFlag.MatchExactly)[0]
        rect = listing.visualItemRect(item)
        assert rect.width() <= listing.viewport().width()
        needed = listing.fontMetrics().boundingRect(rect.adjusted(24, 0, 0, 0), int(Qt.TextFlag.TextWordWrap), item.text())
        assert rect.height() >= needed.height()  # tall enough for the wrapped name
        assert long + suffix in item.toolTip()
