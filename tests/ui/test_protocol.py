"""The export protocol lists the store's entries and checks the files."""

from __future__ import annotations

import hashlib

from ui.panels.protocol import COLUMNS, ProtocolWidget


def _record(store, path, content: bytes, fmt: str = "html"):
    path.write_bytes(content)
    store.record_export(what="report", scenario_names=["a", "b"], fmt=fmt, path=str(path),
                        sha256=hashlib.sha256(content).hexdigest(), detail={"sections": ["verdict"]})


def test_lists_entries_newest_first_and_checks_the_files(qtbot, empty_store, tmp_path):
    _record(empty_store, tmp_path / "first.html", b"one")
    _record(empty_store, tmp_path / "second.pdf", b"two", fmt="pdf")
    _record(empty_store, tmp_path / "third.csv", b"three", fmt="csv")
    (tmp_path / "second.pdf").write_bytes(b"edited")
    (tmp_path / "third.csv").unlink()

    widget = ProtocolWidget(empty_store)
    qtbot.addWidget(widget)
    table = widget._table
    assert table.rowCount() == 3
    assert table.item(0, COLUMNS.index("Where")).text().endswith("third.csv")
    assert table.item(0, COLUMNS.index("Format")).text() == "CSV"
    assert table.item(0, COLUMNS.index("Scenarios")).text() == "a, b"
    assert table.item(2, COLUMNS.index("SHA-256")).toolTip() == hashlib.sha256(b"one").hexdigest()
    qtbot.waitUntil(lambda: widget.file_state(0) != "checking", timeout=5000)
    assert [widget.file_state(row) for row in range(3)] == ["missing", "changed", "same"]


def test_refresh_shows_new_entries_and_open_file_hands_over_the_path(qtbot, empty_store, tmp_path):
    widget = ProtocolWidget(empty_store)
    qtbot.addWidget(widget)
    assert widget._table.rowCount() == 0
    assert "No exports yet" in widget._status_label.text()
    assert not widget._open_button.isEnabled()

    _record(empty_store, tmp_path / "report.md", b"# report", fmt="md")
    widget._refresh_button.click()
    assert widget._table.rowCount() == 1
    widget.select_row(0)
    assert widget._open_button.isEnabled()
    with qtbot.waitSignal(widget.file_opened) as blocker:
        widget._open_button.click()
    assert blocker.args == [str(tmp_path / "report.md")]


def test_open_file_of_a_deleted_export_says_so(qtbot, empty_store, tmp_path):
    _record(empty_store, tmp_path / "gone.json", b"{}", fmt="json")
    (tmp_path / "gone.json").unlink()
    widget = ProtocolWidget(empty_store)
    qtbot.addWidget(widget)
    widget.select_row(0)
    assert widget.open_selected() is None
    assert "no such file" in widget._status_label.text()


def test_the_preview_opens(qtbot, tmp_path):
    from ui.panels.protocol import preview_protocol

    widget = preview_protocol(tmp_path)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.file_state(0) != "checking", timeout=5000)
    assert [widget.file_state(row) for row in range(3)] == ["missing", "changed", "same"]
    assert not widget.grab().isNull()
    widget._store.close()
