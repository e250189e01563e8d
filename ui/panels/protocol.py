"""The export protocol: every report and data export the app wrote, like
G*Power's protocol of analyses.

Each entry says what was exported, when, for which scenarios, in which format,
where it went and the SHA-256 of the file as written. The widget also checks
each file on disk against that hash (in a worker thread: reports can be large),
so a user sees at once whether a report was moved, deleted or edited since.

Run ``python -m ui.panels.protocol`` to open it on a temporary database with a few
example entries.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from advisor.errors import AdvisorError
from advisor.files.integrity import file_states
from ui.core.desktop import open_in_desktop
from ui.core.workers import WorkerHandle, run_in_pool
from ui.widgets.tables import read_only_table, table_item

"""When set, files are not handed to the desktop's default application (tests)."""

COLUMNS = ("When", "What", "Scenarios", "Format", "Where", "SHA-256", "File")
FILE_STATES = {
    "same": ("unchanged", "The file on disk has the SHA-256 recorded at export", None),
    "changed": ("changed", "The file on disk differs from the one exported (edited or overwritten)", "#b26a00"),
    "missing": ("missing", "No file at this path any more (moved or deleted)", "#b00020"),
    "checking": ("checking…", "Comparing the file on disk with the recorded SHA-256", None),
    "none": ("no file", "An analysis (solve, optimisation, lever): its result is kept in the entry", None),
}
"""How the table shows each of :data:`advisor.files.integrity.STATES` (and a check still running):
text, tooltip and colour."""


class ProtocolWidget(QWidget):
    """The list of exports recorded in the store, newest first.

    Parameters
    ----------
    store
        An :class:`advisor.storage.store.ScenarioStore` (``list_exports``).
    parent
        Owning widget.

    Signals
    -------
    file_opened(str)
        The path of a file handed to the desktop (or that would have been,
        when ``ANNOTATION_ADVISOR_NO_OPEN`` is set).
    """

    file_opened = Signal(str)

    def __init__(self, store, parent: QWidget | None = None):
        super().__init__(parent)
        self._store = store
        self._records = []
        self._check: WorkerHandle | None = None
        self._shown_before = False

        self._table = read_only_table(COLUMNS)
        header = self._table.horizontalHeader()
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMNS.index("Where"), QHeaderView.ResizeMode.Stretch)
        self._table.itemSelectionChanged.connect(self._on_table_selection_changed)
        self._table.itemDoubleClicked.connect(self._on_table_double_clicked)

        self._status_label = QLabel()
        self._refresh_button = QPushButton("Refresh")
        self._refresh_button.setToolTip("Read the protocol again and re-check the files")
        self._refresh_button.clicked.connect(self.refresh)
        self._open_button = QPushButton("Open file")
        self._open_button.setToolTip("Open the selected export with the desktop's default application")
        self._open_button.setEnabled(False)
        self._open_button.clicked.connect(self._on_open_button_clicked)

        buttons = QHBoxLayout()
        buttons.addWidget(self._status_label, 1)
        buttons.addWidget(self._refresh_button)
        buttons.addWidget(self._open_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self._table, 1)
        layout.addLayout(buttons)
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt override
        # A dock hidden during an export shows the new entry when it comes back.
        if self._shown_before:
            self.refresh()
        self._shown_before = True
        super().showEvent(event)

    # ------------------------------------------------------------ public API
    @property
    def records(self) -> list:
        """The protocol entries shown (:class:`advisor.storage.store.ExportRecord`), newest first."""
        return list(self._records)

    def refresh(self) -> None:
        """Read the protocol from the store and start checking the files."""
        try:
            self._records = self._store.list_exports()
        except AdvisorError as error:
            self._records = []
            self._status_label.setText(f"Cannot read the protocol: {error}")
            self._update_table()
            return
        self._update_table()
        count = len(self._records)
        self._status_label.setText(f"{count} export{'s' if count != 1 else ''} recorded" if count else
                                   "No exports yet: File → Export report… records one here.")
        if self._check is not None:
            self._check.cancel()
        if self._records:
            entries = [(record.path, record.sha256) for record in self._records]
            self._check = run_in_pool(file_states, entries, on_result=self._on_check_result)

    def select_row(self, row: int) -> None:
        """Select one entry (0 = newest)."""
        self._table.selectRow(row)

    def open_selected(self) -> str | None:
        """Open the selected export's file; returns its path, or None."""
        rows = self._table.selectionModel().selectedRows()
        if not rows:
            return None
        path = self._records[rows[0].row()].path
        if not Path(path).is_file():
            self._status_label.setText(f"{path}: no such file (moved or deleted since the export)")
            return None
        open_in_desktop(path)
        self.file_opened.emit(path)
        return path

    def file_state(self, row: int) -> str:
        """What the file check says about one entry (see :data:`FILE_STATES`)."""
        return self._table.item(row, COLUMNS.index("File")).data(Qt.ItemDataRole.UserRole)

    # -------------------------------------------------------------- handlers
    def _on_check_result(self, states: list[str]) -> None:
        if len(states) != len(self._records):
            return  # the protocol was re-read while the check ran; a newer check follows
        for row, state in enumerate(states):
            self._set_file_state(row, state)

    def _on_table_selection_changed(self) -> None:
        self._open_button.setEnabled(bool(self._table.selectionModel().selectedRows()))

    def _on_table_double_clicked(self, _item: QTableWidgetItem) -> None:
        self.open_selected()

    def _on_open_button_clicked(self) -> None:
        self.open_selected()

    # ------------------------------------------------------------ refreshers
    def _update_table(self) -> None:
        self._table.setRowCount(len(self._records))
        for row, record in enumerate(self._records):
            when = record.created.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            names = ", ".join(record.scenario_names)
            cells = (when, record.what, names, record.fmt.upper(), record.path, record.sha256[:12] + "…", "")
            for column, text in enumerate(cells):
                self._table.setItem(row, column, table_item(text))
            self._table.item(row, COLUMNS.index("Scenarios")).setToolTip(names)
            self._table.item(row, COLUMNS.index("Where")).setToolTip(record.path)
            self._table.item(row, COLUMNS.index("SHA-256")).setToolTip(record.sha256)
            self._set_file_state(row, "checking")
        self._on_table_selection_changed()

    def _set_file_state(self, row: int, state: str) -> None:
        text, tooltip, colour = FILE_STATES[state]
        item = self._table.item(row, COLUMNS.index("File"))
        item.setText(text)
        item.setToolTip(tooltip)
        item.setData(Qt.ItemDataRole.UserRole, state)
        if colour is not None:
            item.setForeground(QBrush(QColor(colour)))


def preview_protocol(folder: Path) -> ProtocolWidget:
    """The widget on a new database in ``folder`` with three example exports:
    one unchanged, one edited afterwards, one deleted."""
    import hashlib

    from advisor.storage.store import ScenarioStore

    store = ScenarioStore.open(folder / "protocol.sqlite", seed=False)
    for index, fmt in enumerate(("html", "pdf", "csv")):
        path = folder / f"report-{index}.{fmt}"
        content = f"example export {index}\n".encode()
        path.write_bytes(content)
        if index == 1:
            path.write_bytes(content + b"edited afterwards\n")
        store.record_export(what="report", scenario_names=["RLHF pairwise preference with tie"], fmt=fmt,
                            path=str(path), sha256=hashlib.sha256(content).hexdigest(), detail={})
    (folder / "report-2.csv").unlink()
    widget = ProtocolWidget(store)
    widget.setWindowTitle("Export protocol")
    widget.resize(1100, 360)
    return widget


def main() -> None:
    """Open the protocol on a temporary database with three example exports."""
    from ui.core.preview import preview_in_folder

    preview_in_folder(preview_protocol, title="Export protocol", size=(1100, 360))


if __name__ == "__main__":
    main()
