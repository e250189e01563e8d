"""The app's save paths refuse the open database, symbolic links and pipes, like ``-o``."""

from __future__ import annotations

import hashlib
import os
import stat

from PySide6.QtWidgets import QMessageBox

from ui.panels.library import ScenarioLibraryWidget
from ui.dialogs.report_dialog import ReportExportDialog


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _export_report_to(qtbot, store, path) -> ReportExportDialog:
    """The report dialog on the first stored scenario (by name), after asking it to export to ``path``."""
    name = store.list(order_by="name", descending=False)[0].name
    dialog = ReportExportDialog(store, [name])
    qtbot.addWidget(dialog)
    dialog.set_output_path(str(path))
    dialog.export()
    return dialog


def test_the_report_dialog_refuses_the_open_database(qtbot, store):
    database = store.database_path
    before = _digest(database)
    dialog = _export_report_to(qtbot, store, database)
    assert not dialog.is_exporting
    assert "open database" in dialog._status_label.text()
    assert _digest(database) == before


def test_the_report_dialog_refuses_a_fifo(qtbot, store, tmp_path):
    fifo = tmp_path / "report.html"
    os.mkfifo(fifo)
    dialog = _export_report_to(qtbot, store, fifo)
    assert not dialog.is_exporting
    assert "named pipe" in dialog._status_label.text()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_the_library_export_refuses_the_database_and_a_symlink(qtbot, store, tmp_path, monkeypatch):
    widget = ScenarioLibraryWidget(store)
    qtbot.addWidget(widget)
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))
    widget.select(store.list()[0].id)
    database = store.database_path
    before = _digest(database)
    assert not widget.export_selected(database)
    assert _digest(database) == before
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "target.json")
    assert not widget.export_selected(link)
    assert link.is_symlink() and not (tmp_path / "target.json").exists()
    assert len(shown) == 2 and "open database" in shown[0] and "symbolic link" in shown[1]
    assert widget.export_selected(tmp_path / "fine.json")
