"""File → New scenario from interface config…: a labeling-interface config
(Label Studio XML, Argilla 2.x settings JSON, SageMaker Ground Truth
``HumanTaskConfig`` JSON) becomes a scenario, after a preview of the mapping.

The preview shows every question the importer mapped with its response format,
and every warning it raised (what it could not map and why, and which numbers
it assumed), so that nothing enters the scenario unseen. The mapping itself is
:func:`advisor.importers.import_interface`; this dialog only shows it.

Run ``python -m ui.dialogs.interface_import`` to open the dialog on a Label Studio
example.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from advisor.errors import AdvisorError
from advisor.importers import FORMATS, ImportResult, import_interface
from advisor.scenario.schema import Scenario
from ui.widgets.tables import table_item
from ui.core.file_dialogs import open_file_name
from ui.core.settings import remember_geometry

FORMAT_LABELS: dict[str, str] = {
    "auto": "Detect from the file",
    "label-studio": "Label Studio XML labeling config",
    "argilla": "Argilla 2.x dataset settings (JSON)",
    "sagemaker": "SageMaker Ground Truth HumanTaskConfig (JSON)",
}
FILE_FILTER = "Interface configs (*.xml *.json);;Label Studio XML (*.xml);;JSON (*.json);;All files (*)"
WARNING_KIND_LABELS = {
    "unsupported": "Not mapped",
    "default": "Assumed",
    "approximation": "Approximated",
    "ignored": "Ignored",
}


def _example_config() -> Path:
    """A real Label Studio config from the shared data, for the preview."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "data" / "interfaces" / "label-studio" / "chat_rlhf.xml"


class InterfaceImportDialog(QDialog):
    """Pick an interface config, preview its mapping, accept to get a scenario.

    Parameters
    ----------
    parent
        Owning widget.

    Signals
    -------
    preview_changed(bool)
        A new preview was built (True) or the file could not be mapped (False).

    Notes
    -----
    After :meth:`exec` returns ``Accepted``, :meth:`scenario` holds the mapped
    scenario (renamed as typed in the name field). Warnings stay available via
    :meth:`import_result`.
    """

    preview_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New scenario from interface config")
        self._result: ImportResult | None = None
        self._scenario: Scenario | None = None
        # (path, format) of the preview on screen; Create needs it to be the
        # current file, so nothing is created from a file whose warnings were not shown.
        self._previewed: tuple[str, str] | None = None

        self._path_edit = QLineEdit()
        self._path_edit.setPlaceholderText("Choose a Label Studio, Argilla or SageMaker config file…")
        self._path_edit.setToolTip("The config file; press Enter or Tab after typing a path to preview it")
        # Enter on a new path previews it and goes no further (the dialog's
        # default button would otherwise create the scenario at once).
        self._path_edit.installEventFilter(self)
        self._path_edit.textEdited.connect(self._on_path_edit_text_edited)
        self._browse_button = QPushButton("Browse…")
        self._browse_button.clicked.connect(self._on_browse_button_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self._path_edit, 1)
        path_row.addWidget(self._browse_button)

        self._format_combo = QComboBox()
        for key in ("auto", *FORMATS):
            self._format_combo.addItem(FORMAT_LABELS.get(key, key), key)
        self._format_combo.setToolTip("Detect: XML is Label Studio; JSON with HumanTaskConfig is SageMaker; "
                                      "JSON with a questions list is Argilla")
        self._format_combo.currentIndexChanged.connect(self._on_format_combo_changed)

        self._name_edit = QLineEdit()
        self._name_edit.setPlaceholderText("from the file name")
        self._name_edit.setToolTip("Name of the new scenario (1 to 200 characters)")
        self._name_edit.textChanged.connect(self._on_name_edit_changed)

        form = QFormLayout()
        form.addRow("Config file:", path_row)
        form.addRow("Format:", self._format_combo)
        form.addRow("Scenario name:", self._name_edit)

        self._status_label = QLabel("No file chosen.")
        self._status_label.setWordWrap(True)
        self._status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._questions_table = QTableWidget(0, 3)
        self._questions_table.setHorizontalHeaderLabels(["Question", "Format", "Answers"])
        self._questions_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._questions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._questions_table.verticalHeader().setVisible(False)
        header = self._questions_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        questions_box = QGroupBox("Questions")
        questions_layout = QVBoxLayout(questions_box)
        questions_layout.addWidget(self._questions_table)

        self._warnings_list = QListWidget()
        self._warnings_list.setWordWrap(True)
        self._warnings_list.setAlternatingRowColors(True)
        self._warnings_list.setSpacing(2)
        self._warnings_list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self._warnings_box = QGroupBox("Warnings")
        warnings_layout = QVBoxLayout(self._warnings_box)
        warnings_layout.addWidget(self._warnings_list)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(questions_box)
        splitter.addWidget(self._warnings_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        self._buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self._ok_button = self._buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok_button.setText("Create scenario")
        self._ok_button.setEnabled(False)
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self._status_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self._buttons)
        remember_geometry(self, "interface_import", QSize(820, 640))

    # ------------------------------------------------------------ public API
    def set_path(self, path: str | Path) -> None:
        """Preview the mapping of the config at ``path``."""
        self._path_edit.setText(str(path))
        self._update_preview()

    def set_format(self, fmt: str) -> None:
        """Choose ``"auto"`` or one of :data:`advisor.importers.FORMATS` (re-previews)."""
        index = self._format_combo.findData(fmt)
        if index < 0:
            raise ValueError(f"format must be auto or one of {', '.join(FORMATS)}, got {fmt!r}")
        self._format_combo.setCurrentIndex(index)

    def import_result(self) -> ImportResult | None:
        """The importer's result for the current file (None when it failed)."""
        return self._result

    def scenario(self) -> Scenario | None:
        """The mapped scenario, after the dialog was accepted (None before)."""
        return self._scenario

    def preview_is_current(self) -> bool:
        """True when the preview on screen is of the file and format chosen now."""
        return self._previewed == self._chosen()

    def accept(self) -> None:  # noqa: D102 - QDialog.accept, with the scenario built first
        if not self.preview_is_current():
            # The path changed since the preview: show the new preview and its warnings first.
            self._update_preview()
            return
        scenario = self._named_scenario()
        if scenario is None:
            return
        self._scenario = scenario
        super().accept()

    # -------------------------------------------------------------- handlers
    def _on_browse_button_clicked(self) -> None:
        start = self._path_edit.text().strip() or str(Path.home())
        path = open_file_name(self, "Interface config", start, FILE_FILTER)
        if path:
            self.set_path(path)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (watched is self._path_edit and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not self.preview_is_current()):
            self._update_preview()
            return True
        if (watched is self._path_edit and event.type() == QEvent.Type.FocusOut
                and event.reason() == Qt.FocusReason.TabFocusReason
                and self._path_edit.text().strip() and not self.preview_is_current()):
            # Tab out of a typed path previews it too (it said "No file chosen." until Enter); a click
            # elsewhere (Browse…, Cancel) does not, so a half-typed path is not reported as an error.
            self._update_preview()
        return super().eventFilter(watched, event)

    def _on_path_edit_text_edited(self, _text: str) -> None:
        self._update_ok_button()
        if not self.preview_is_current() and self._previewed is not None:
            self._status_label.setText("The path changed: press Enter to preview it (the preview below is of "
                                       f"{html.escape(self._previewed[0])}).")

    def _chosen(self) -> tuple[str, str]:
        return self._path_edit.text().strip(), str(self._format_combo.currentData())

    def _on_format_combo_changed(self, _index: int) -> None:
        if self._path_edit.text().strip():
            self._update_preview()

    def _on_name_edit_changed(self, _text: str) -> None:
        self._update_ok_button()

    # ------------------------------------------------------------ refreshers
    def _update_preview(self) -> None:
        path = self._path_edit.text().strip()
        self._previewed = self._chosen()
        self._result = None
        self._name_edit.setPlaceholderText("from the file name")
        self._questions_table.setRowCount(0)
        self._warnings_list.clear()
        if not path:
            self._status_label.setText("No file chosen.")
            self._update_ok_button()
            self.preview_changed.emit(False)
            return
        try:
            # Configs are at most a few megabytes (the importer caps them), so
            # mapping takes milliseconds and needs no worker thread.
            self._result = import_interface(path, format=self._format_combo.currentData())
        except AdvisorError as error:
            self._status_label.setText(f"<span style='color:#b00020'>Cannot import: {html.escape(str(error))}</span>")
            self._warnings_box.setTitle("Warnings")
            self._update_ok_button()
            self.preview_changed.emit(False)
            return
        result = self._result
        self._name_edit.setPlaceholderText(result.scenario.name)
        questions = result.scenario.questions
        self._status_label.setText(
            f"{FORMAT_LABELS.get(result.format, result.format)}: {len(questions)} "
            f"question{'s' if len(questions) != 1 else ''} mapped, {len(result.warnings)} "
            f"warning{'s' if len(result.warnings) != 1 else ''}."
        )
        self._update_questions_table()
        self._update_warnings_list()
        self._update_ok_button()
        self.preview_changed.emit(True)

    def _update_questions_table(self) -> None:
        assert self._result is not None
        questions = self._result.scenario.questions
        self._questions_table.setRowCount(len(questions))
        for row, question in enumerate(questions):
            answers = question.format.alternatives
            cells = (
                question.name,
                question.format.label(),
                f"{answers:,}" if answers else "open text",
            )
            for column, text in enumerate(cells):
                is_count = column == 2
                item = table_item(text, right=is_count, tooltip="Distinct answers one rater can give" if is_count else "")
                self._questions_table.setItem(row, column, item)

    def _update_warnings_list(self) -> None:
        assert self._result is not None
        warnings = self._result.warnings
        self._warnings_box.setTitle(f"Warnings ({len(warnings)})")
        for warning in warnings:
            where = f", line {warning.line}" if warning.line is not None else ""
            label = WARNING_KIND_LABELS.get(warning.kind, warning.kind)
            item = QListWidgetItem(f"{label} — {warning.subject}{where}\n{warning.message}")
            item.setData(Qt.ItemDataRole.UserRole, warning.kind)
            self._warnings_list.addItem(item)

    def _update_ok_button(self) -> None:
        name = self._name_edit.text().strip()
        self._ok_button.setEnabled(self._result is not None and len(name) <= 200 and self.preview_is_current())

    def _named_scenario(self) -> Scenario | None:
        if self._result is None:
            return None
        name = self._name_edit.text().strip()
        if not name or name == self._result.scenario.name:
            return self._result.scenario
        try:
            return self._result.scenario.with_changes({"name": name})
        except AdvisorError as error:
            self._status_label.setText(f"<span style='color:#b00020'>{html.escape(str(error))}</span>")
            return None


def preview_interface_import() -> InterfaceImportDialog:
    """The dialog showing the mapping of a shared Label Studio example."""
    dialog = InterfaceImportDialog()
    example = _example_config()
    if example.is_file():
        dialog.set_path(example)
    return dialog


def main() -> None:
    """Open the dialog on a shared Label Studio example; print the scenario JSON on accept."""
    from ui.core.preview import preview_app, run_preview

    preview_app()
    dialog = preview_interface_import()
    dialog.accepted.connect(lambda: print(dialog.scenario().to_json()))
    run_preview(dialog, title="New scenario from interface config", size=(820, 640))


if __name__ == "__main__":
    main()
