"""File → Export report: choose the format, the scenarios and the sections,
write the report in a worker thread with progress, record it in the protocol,
and open it.

Building a report runs the evaluation, the levers and the optimiser for every
chosen scenario, which can take seconds, so the export runs in the thread pool;
Cancel stops it between steps. What is built and how it is rendered is
:func:`advisor.report.export_report`; this dialog only collects the choices.

Run ``python -m ui.dialogs.report_dialog`` to open it on a temporary database seeded
with the example scenarios.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from advisor.errors import AdvisorError, OutputPathError
from advisor.files.output_paths import check_output_path
from advisor.report import FORMATS, SECTION_KEYS, SECTION_TITLES, ExportRecordInfo, export_report
from ui.core.file_dialogs import save_file_name
from ui.core.desktop import documents_folder, open_in_desktop
from ui.core.settings import display_settings, remember_geometry, ui_settings
from ui.core.workers import WorkerHandle, run_in_pool
from ui.widgets.job_progress import show_job_outcome, show_job_progress

FORMAT_LABELS = {
    "html": "HTML — one self-contained page with embedded plots",
    "pdf": "PDF — A4, paginated",
    "md": "Markdown — with the plots as PNG files beside it",
    "json": "JSON — every number, machine-readable",
    "csv": "CSV — the comparison table",
}
FORMAT_FILTERS = {
    "html": "HTML (*.html *.htm)",
    "pdf": "PDF (*.pdf)",
    "md": "Markdown (*.md)",
    "json": "JSON (*.json)",
    "csv": "CSV (*.csv)",
}
SUFFIXES = {"html": ".html", "pdf": ".pdf", "md": ".md", "json": ".json", "csv": ".csv"}
MAX_LISTED = 10_000
ERROR_STYLE = "color: #b00020"


def report_file_name(names: list[str], fmt: str) -> str:
    """A file name for a report on ``names``: ``chest-x-ray-screening-report.pdf``."""
    stem = re.sub(r"[^a-z0-9]+", "-", names[0].lower()).strip("-")[:60] if names else ""
    stem = stem or "annotation-design"
    if len(names) > 1:
        stem += f"-and-{len(names) - 1}-more"
    return f"{stem}-report{SUFFIXES[fmt]}"


def export_stored(store, names: list[str], fmt: str, path: str, sections: list[str], unit: str, *,
                  progress) -> ExportRecordInfo:
    """Load stored scenarios and export their report (for a worker thread).

    ``progress(done, total)`` as in :mod:`advisor.progress`: when it returns
    False the export stops with :class:`advisor.errors.Cancelled` and writes nothing.
    """
    scenarios = [store.get(name).scenario for name in names]
    return export_report(scenarios, fmt, path, store=store, sections=sections, progress=progress, unit=unit)


class ReportExportDialog(QDialog):
    """Export a report of stored scenarios.

    Parameters
    ----------
    store
        An :class:`advisor.storage.store.ScenarioStore`: the scenarios to choose from,
        and where the protocol entry is recorded.
    preselected_names
        Scenarios ticked when the dialog opens (e.g. the one being edited).
    parent
        Owning widget.

    Signals
    -------
    exported(object)
        The :class:`advisor.report.ExportRecordInfo` of a written report.
    """

    exported = Signal(object)

    def __init__(self, store, preselected_names: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Export report")
        self._store = store
        self._job: WorkerHandle | None = None
        self._last: ExportRecordInfo | None = None
        self._path_chosen = False
        self._confirmed_path: Path | None = None  # a file the save dialog asked to replace
        self._folder = ""  # the folder of the last report written (_restore_choices)

        self._format_combo = QComboBox()
        for fmt in FORMATS:
            self._format_combo.addItem(FORMAT_LABELS.get(fmt, fmt), fmt)
        self._format_combo.currentIndexChanged.connect(self._on_format_combo_changed)

        self._filter_edit = QLineEdit()
        self._filter_edit.setPlaceholderText("Filter scenarios by name…")
        self._filter_edit.setClearButtonEnabled(True)
        self._filter_edit.textChanged.connect(self._on_filter_edit_changed)
        # Enter in the filter goes on to the list it filtered, rather than pressing a button.
        self._filter_edit.installEventFilter(self)
        self._scenario_list = QListWidget()
        self._scenario_list.setToolTip("Tick one scenario for its report, or several to compare them")
        # Long names wrap rather than scroll sideways: two names that differ only at their ends read
        # the same in a list cut at its width.
        self._scenario_list.setWordWrap(True)
        self._scenario_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scenario_list.itemChanged.connect(self._on_scenario_list_item_changed)
        self._scenario_count_label = QLabel()
        scenarios_box = QGroupBox("Scenarios")
        scenarios_layout = QVBoxLayout(scenarios_box)
        scenarios_layout.addWidget(self._filter_edit)
        scenarios_layout.addWidget(self._scenario_list, 1)
        scenarios_layout.addWidget(self._scenario_count_label)

        self._section_checks: dict[str, QCheckBox] = {}
        sections_box = QGroupBox("Sections")
        sections_layout = QVBoxLayout(sections_box)
        for key in SECTION_KEYS:
            check = QCheckBox(SECTION_TITLES.get(key, key))
            check.setChecked(True)
            check.toggled.connect(self._on_section_check_toggled)
            self._section_checks[key] = check
            sections_layout.addWidget(check)
        self._section_checks["comparison"].setToolTip("Needs two or more scenarios")
        self._section_checks["frontier"].setToolTip("Runs the optimiser for each scenario: the slowest step")
        sections_layout.addStretch(1)

        self._path_edit = QLineEdit()
        self._path_edit.setToolTip("Where the report is written; an existing file is replaced")
        self._path_edit.textEdited.connect(self._on_path_edit_edited)
        self._path_button = QPushButton("Choose…")
        # Never the button Enter presses: Enter in a field exports (the dialog's default button).
        self._path_button.setAutoDefault(False)
        self._path_button.clicked.connect(self._on_path_button_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self._path_edit, 1)
        path_row.addWidget(self._path_button)
        self._open_check = QCheckBox("Open the report when it is written")
        self._open_check.setChecked(True)

        form = QFormLayout()
        form.addRow("Format:", self._format_combo)
        form.addRow("Save as:", path_row)
        form.addRow("", self._open_check)

        self._progress_bar = QProgressBar()
        self._progress_bar.setRange(0, 1)
        self._progress_bar.setValue(0)
        self._progress_bar.setTextVisible(True)
        self._progress_bar.setFormat("")
        self._progress_bar.setVisible(False)  # shown from the first export on
        self._status_label = QLabel()
        self._status_label.setWordWrap(True)
        self._status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._buttons = QDialogButtonBox()
        self._export_button = self._buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self._cancel_button = self._buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self._close_button = self._buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self._export_button.clicked.connect(self._on_export_button_clicked)
        self._cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self._close_button.clicked.connect(self.reject)

        choices = QGridLayout()
        choices.addWidget(scenarios_box, 0, 0)
        choices.addWidget(sections_box, 0, 1)
        choices.setColumnStretch(0, 3)
        choices.setColumnStretch(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(choices, 1)
        layout.addWidget(self._progress_bar)
        layout.addWidget(self._status_label)
        layout.addWidget(self._buttons)
        # Made the default once inside the dialog: a button not yet in its dialog cannot become the
        # dialog's default, and the button that first had the focus (Choose…) took the part.
        self._export_button.setDefault(True)
        remember_geometry(self, "report_dialog", QSize(820, 600))

        self._restore_choices()
        self._update_scenario_list(set(preselected_names))
        self._update_default_path()
        self._update_controls()

    # The format, folder and "open when written" of the last report written, for the next export.
    _SETTINGS = {"format": "report_dialog/format", "folder": "report_dialog/folder", "open": "report_dialog/open"}

    def _restore_choices(self) -> None:
        settings = ui_settings()
        index = self._format_combo.findData(settings.value(self._SETTINGS["format"], "", str))
        if index >= 0:
            self._format_combo.blockSignals(True)
            self._format_combo.setCurrentIndex(index)
            self._format_combo.blockSignals(False)
        self._open_check.setChecked(settings.value(self._SETTINGS["open"], "true", str) != "false")
        self._folder = settings.value(self._SETTINGS["folder"], "", str)

    def _remember_choices(self, written: Path) -> None:
        settings = ui_settings()
        settings.setValue(self._SETTINGS["format"], self.format())
        self._folder = str(written.parent)
        settings.setValue(self._SETTINGS["folder"], self._folder)
        settings.setValue(self._SETTINGS["open"], "true" if self._open_check.isChecked() else "false")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (watched is self._filter_edit and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)):
            self._focus_first_shown_scenario()
            return True
        return super().eventFilter(watched, event)

    def _focus_first_shown_scenario(self) -> None:
        """The focus to the scenario list, on its first row the filter shows (Space ticks it)."""
        shown = next((self._scenario_list.item(i) for i in range(self._scenario_list.count())
                      if not self._scenario_list.item(i).isHidden()), None)
        if shown is not None:
            self._scenario_list.setCurrentItem(shown)
        self._scenario_list.setFocus(Qt.FocusReason.OtherFocusReason)

    # ------------------------------------------------------------ public API
    def selected_names(self) -> list[str]:
        """The ticked scenarios, in list order."""
        items = (self._scenario_list.item(i) for i in range(self._scenario_list.count()))
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    def selected_sections(self) -> list[str]:
        """The ticked sections that apply to the ticked scenarios."""
        return [key for key, check in self._section_checks.items() if check.isChecked() and check.isEnabled()]

    def format(self) -> str:
        """The chosen format, one of :data:`advisor.report.FORMATS`."""
        return self._format_combo.currentData()

    def set_format(self, fmt: str) -> None:
        """Choose a format (the file suffix follows)."""
        index = self._format_combo.findData(fmt)
        if index < 0:
            raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
        self._format_combo.setCurrentIndex(index)

    def set_output_path(self, path: str | Path) -> None:
        """Write the report to ``path`` (as if chosen in the file dialog)."""
        self._path_chosen = True
        self._path_edit.setText(str(path))
        self._update_controls()

    def output_path(self) -> str:
        return self._path_edit.text().strip()

    def set_section(self, key: str, checked: bool) -> None:
        """Tick or untick one section."""
        self._section_checks[key].setChecked(checked)

    @property
    def is_exporting(self) -> bool:
        return self._job is not None

    @property
    def last_export(self) -> ExportRecordInfo | None:
        """What the last successful export wrote."""
        return self._last

    def export(self) -> None:
        """Start writing the report (in a worker); see the ``exported`` signal."""
        names, sections, path = self.selected_names(), self.selected_sections(), self.output_path()
        problem = self._problem(names, sections, path)
        if problem:
            self._show_status(problem, error=True)
            return
        if not self._may_replace(path):
            self._show_status(f"Not written: {Path(path).name} is kept. Choose another name to write the report.")
            self._path_edit.setFocus()
            return
        fmt = self.format()
        self._progress_bar.setVisible(True)
        self._progress_bar.setRange(0, 0)
        self._progress_bar.setFormat("Building the report…")
        self._show_status(f"Writing {Path(path).name}…")
        job = partial(export_stored, self._store, names, fmt, path, sections, display_settings().unit)
        self._job = run_in_pool(job, on_result=self._on_job_result, on_error=self._on_job_error,
                                on_progress=self._on_job_progress, on_cancelled=self._on_job_cancelled)
        self._update_controls()

    def _may_replace(self, path: str) -> bool:
        """Whether a report may be written at ``path``: yes where no file is, or where the save dialog
        already asked about this file, else the user is asked (the default answer keeps the file)."""
        target = Path(path).expanduser()
        if not target.is_file() or self._confirmed_path == target:
            return True
        answer = QMessageBox.question(
            self, "Replace the file?", f"{target} exists. Replace it with this report?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def cancel_export(self) -> None:
        """Stop a running export (the file is not written)."""
        if self._job is not None:
            self._job.cancel()

    def reject(self) -> None:  # noqa: D102 - QDialog.reject, stopping the export first
        self.cancel_export()
        super().reject()

    # -------------------------------------------------------------- handlers
    def _on_format_combo_changed(self, _index: int) -> None:
        path = self.output_path()
        if path:
            # Keep the chosen folder and name; only the suffix follows the format.
            self._path_edit.setText(str(Path(path).with_suffix(SUFFIXES[self.format()])))
        self._update_controls()

    def _on_filter_edit_changed(self, text: str) -> None:
        needle = text.strip().lower()
        for index in range(self._scenario_list.count()):
            item = self._scenario_list.item(index)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def _on_scenario_list_item_changed(self, _item: QListWidgetItem) -> None:
        if not self._path_chosen:
            self._update_default_path()
        self._update_controls()

    def _on_section_check_toggled(self, _checked: bool) -> None:
        self._update_controls()

    def _on_path_edit_edited(self, _text: str) -> None:
        self._path_chosen = True
        self._update_controls()

    def _on_path_button_clicked(self) -> None:
        fmt = self.format()
        start = self.output_path() or str(self._start_folder() / report_file_name(self.selected_names(), fmt))
        path = save_file_name(self, "Save report as", start, FORMAT_FILTERS[fmt])
        if path:
            if not Path(path).suffix:
                path += SUFFIXES[fmt]
            else:
                # The save dialog asked already whether to replace a file of that name.
                self._confirmed_path = Path(path).expanduser()
            self.set_output_path(path)

    def _on_export_button_clicked(self) -> None:
        self.export()

    def _on_cancel_button_clicked(self) -> None:
        self.cancel_export()

    def _on_job_progress(self, done: int, total: int) -> None:
        show_job_progress(self._progress_bar, done, total)
        self._progress_bar.setFormat("Step %v of %m")

    def _on_job_result(self, info: ExportRecordInfo) -> None:
        self._job = None
        self._last = info
        show_job_outcome(self._progress_bar, "Done", delivered=True)
        recorded = " and recorded in the export protocol" if info.record_id is not None else ""
        self._show_status(f"Wrote {info.path} ({info.size_bytes:,} bytes, SHA-256 {info.sha256[:12]}…){recorded}.")
        self._remember_choices(Path(info.path))
        self._update_controls()
        if self._open_check.isChecked():
            open_in_desktop(info.path)
        self.exported.emit(info)

    def _on_job_error(self, error: BaseException) -> None:
        self._job = None
        show_job_outcome(self._progress_bar, "Failed")
        self._show_status(f"Cannot export: {error}", error=True)
        self._update_controls()

    def _on_job_cancelled(self, _value: object) -> None:
        self._job = None
        show_job_outcome(self._progress_bar, "Cancelled")
        self._show_status("Export cancelled; nothing was written.")
        self._update_controls()

    # ------------------------------------------------------------ refreshers
    def _update_scenario_list(self, preselected: set[str]) -> None:
        try:
            summaries = self._store.list(order_by="name", descending=False, limit=MAX_LISTED)
        except AdvisorError as error:
            self._show_status(f"Cannot list the stored scenarios: {error}", error=True)
            summaries = []
        self._scenario_list.blockSignals(True)
        self._scenario_list.clear()
        for summary in summaries:
            item = QListWidgetItem(summary.name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked if summary.name in preselected else Qt.CheckState.Unchecked)
            item.setToolTip(summary.name + ("\nTags: " + ", ".join(summary.tags) if summary.tags else ""))
            self._scenario_list.addItem(item)
        self._scenario_list.blockSignals(False)
        missing = sorted(preselected - {s.name for s in summaries})
        if missing:
            self._show_status("Not stored (save them first to include them): " + ", ".join(missing), error=True)

    def _start_folder(self) -> Path:
        """The folder of the last report written, while it exists; else the documents folder.
        (The settings file is read once, when the dialog opens: this runs at every tick and format.)"""
        return Path(self._folder) if self._folder and Path(self._folder).is_dir() else documents_folder()

    def _update_default_path(self) -> None:
        self._path_edit.setText(str(self._start_folder() / report_file_name(self.selected_names(), self.format())))

    def _update_controls(self) -> None:
        names = self.selected_names()
        busy = self._job is not None
        several = len(names) > 1
        csv_only_comparison = self.format() == "csv"
        self._scenario_count_label.setText(
            f"{len(names)} of {self._scenario_list.count()} ticked"
            + (" — the report compares them" if several else "")
            + (" (CSV holds the comparison table only)" if csv_only_comparison else "")
        )
        comparison = self._section_checks["comparison"]
        comparison.setText(SECTION_TITLES.get("comparison", "comparison")
                           + ("" if several else " (tick two or more scenarios)"))
        for widget in (self._format_combo, self._scenario_list, self._filter_edit, self._path_edit, self._path_button,
                       *self._section_checks.values()):
            widget.setEnabled(not busy and (widget is not self._section_checks["comparison"] or several))
        self._export_button.setEnabled(not busy and not self._problem(names, self.selected_sections(), self.output_path()))
        self._cancel_button.setEnabled(busy)

    def _problem(self, names: list[str], sections: list[str], path: str) -> str:
        if not names:
            return "Tick at least one scenario."
        if not sections:
            return "Tick at least one section."
        if not path:
            return "Choose where to save the report."
        folder = Path(path).expanduser().parent
        if not folder.is_dir():
            return f"The folder {folder} does not exist."
        try:
            # The open database, its sidecars and backups, links, pipes and devices are never replaced.
            check_output_path(path, database_path=getattr(self._store, "database_path", None))
        except OutputPathError as error:
            return f"Cannot save there: {error}"
        return ""

    def _show_status(self, text: str, *, error: bool = False) -> None:
        self._status_label.setStyleSheet(ERROR_STYLE if error else "")
        self._status_label.setText(text)


def preview_report_dialog(folder: Path) -> ReportExportDialog:
    """The dialog on a new database in ``folder`` seeded with the example
    scenarios, the first one ticked and the report going into ``folder``."""
    from advisor.storage.store import ScenarioStore

    store = ScenarioStore.open(folder / "report.sqlite")
    names = [summary.name for summary in store.list(order_by="name", descending=False, limit=1)]
    dialog = ReportExportDialog(store, names)
    dialog.set_output_path(folder / report_file_name(names, dialog.format()))
    return dialog


def main() -> None:
    """Open the dialog on a temporary database seeded with the example scenarios."""
    from ui.core.preview import preview_in_folder

    preview_in_folder(preview_report_dialog, title="Export report", size=(820, 600))


if __name__ == "__main__":
    main()
