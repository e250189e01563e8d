"""Calibrate a scenario from pilot annotations, in three pages.

1. **Pilot file**: a CSV or TSV of labels (item, rater, label and optional gold,
   seconds, question, context); a preview of the first rows, the columns found,
   and which scenario question the pilot measured.
2. **Summary**: majority vote, one-coin and full Dawid–Skene with their accuracy
   against gold, the agreement statistics, the capacity of the pooled
   single-rater kernel with its bootstrap interval, the rater correlation ρ, the
   speed–accuracy fit when the pilot has times, and each rater's confusion
   matrix as a heatmap. Computed in a worker thread with progress (the
   bootstrap is the slow part) and a Stop button. A second tab validates the
   calibrated model on the pilot itself, on demand
   (:class:`ui.widgets.pilot_validation.PilotValidationWidget`).
3. **Apply**: what the calibration changes in the scenario and what that does
   to capacity, floor and cost (before → after, evaluated on both), the model's
   capacity of the question beside the pilot's measured one, warnings where the
   calibrated model does not reproduce what the pilot measured or the pilot is
   too small to trust (:func:`advisor.pilot.model_check.check_calibration`), and
   where the numbers come from. The user picks one thing Finish does: store a calibrated
   copy as a new scenario (the default; the original is unchanged) or calibrate
   the open scenario in place (undoable); :meth:`PilotWizard.in_place` says
   which, :meth:`PilotWizard.calibrated_scenario` holds the result.

Reading, summarising and calibrating are :mod:`advisor.pilot`; this module only
shows them. Run ``python -m ui.dialogs.pilot_wizard`` to open it on the RTE pilot of
Snow et al. (2008) from the shared data.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QTableWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from advisor.errors import AdvisorError, ImportFormatError
from advisor.evaluation.guardrails import pilot_class_warnings
from advisor.pilot.calibration import apply_to_scenario, calibration_scale, calibration_summary_options
from advisor.pilot.dataset import PilotDataset
from advisor.pilot.model_check import ModelCheck, check_calibration
from advisor.pilot.reading import MAX_ROWS
from advisor.pilot.sources import read_pilot_file
from advisor.pilot.summary import TIE_TEXT, PilotSummary, summarize
from advisor.scenario.form_text import field_label
from advisor.scenario.schema import Scenario, get_path
from advisor.units import amount_text, counted, field_value_text
from ui.widgets.heatmap import ConfusionHeatmapWidget
from ui.widgets.job_progress import show_job_outcome, show_job_progress
from ui.widgets.pilot_validation import PilotValidationWidget
from ui.widgets.splitters import two_pane_splitter
from ui.widgets.tables import read_only_table, table_item
from ui.core.file_dialogs import open_file_name
from ui.core.settings import display_settings, remember_geometry
from ui.core.workers import WorkerHandle, run_in_pool

FILE_FILTER = "Pilot labels and tool exports (*.csv *.tsv *.txt *.json *.jsonl);;All files (*)"
PREVIEW_ROWS = 20
DEFAULT_RESAMPLES = 1000
METHOD_LABELS = {
    "majority_vote": "Majority vote",
    "one_coin": "One-coin Dawid–Skene",
    "dawid_skene": "Dawid–Skene",
}
AGREEMENT_LABELS = {
    "percent_agreement": "Percent agreement",
    "fleiss_kappa": "Fleiss κ",
    "krippendorff_alpha_nominal": "Krippendorff α (nominal)",
    "krippendorff_alpha_ordinal": "Krippendorff α (ordinal)",
}
FLAG_LABELS = {"ok": "ok", "lazy": "lazy or spammer", "malicious": "malicious", "few_labels": "too few labels to judge"}
FIELD_LABELS = {
    "raters.correlation": "Rater correlation ρ",
    "raters.discriminability": "Discriminability λ (asymptotic d′)",
    "raters.accrual_rate": "Accrual rate β (1/s)",
    "raters.base_time": "Base time δ₀ (s)",
}
POOLED = -1
"""Heatmap choice: the pooled kernel of all raters rather than one rater."""
ERROR_STYLE = "color: #b00020"


@dataclass(frozen=True)
class Calibration:
    """A calibrated scenario, the evaluations of the scenario before and after, and the check of
    the calibrated model against the pilot.

    ``before`` and ``after`` are :class:`advisor.evaluation.results.Evaluation` objects.
    """

    scenario: Scenario
    before: Any
    after: Any
    check: ModelCheck | None = None


def calibrate_and_evaluate(scenario: Scenario, summary: PilotSummary, *, question: str, source: str,
                           unit: str = "bits", dataset: PilotDataset | None = None) -> Calibration:
    """Calibrate ``scenario`` from the pilot, evaluate it before and after and check the calibrated
    model against what the pilot measured, its warnings in ``unit`` (for a worker)."""
    from advisor.evaluation.evaluate import evaluate

    calibrated = apply_to_scenario(scenario, summary, question=question, source=source)
    after = evaluate(calibrated, curves=False)
    check = check_calibration(summary, calibrated, question=question, dataset=dataset, evaluation=after, unit=unit)
    return Calibration(calibrated, evaluate(scenario, curves=False), after, check)


def question_single_rater_nats(evaluation: Any, question: str) -> float | None:
    """The model's one-rater capacity of ``question``, context-weighted, nats
    per item (what a pilot's pooled kernel measures); None if not found."""
    total, found = 0.0, False
    for context in evaluation.contexts:
        for result in context.questions:
            if result.name == question:
                total += context.weight * result.cascade_nats
                found = True
    return total if found else None


@dataclass(frozen=True)
class LoadedPilot:
    """A pilot file as read: its bytes (stored as imported) and the dataset."""

    path: Path
    content: bytes
    dataset: PilotDataset


RATER_TYPE_CHOICES = (("automatic (1 to 3, by AIC)", "auto"), ("1", 1), ("2", 2), ("3", 3))
"""The wizard's rater-type choices; the first (the default) is the command line's ``pilot apply``'s."""


def load_pilot_file(path: str | Path, *, progress=None) -> LoadedPilot:
    """Read a pilot file once, keeping its bytes for the database (a worker reports
    the large-pilot reader's steps to ``progress``; False cancels).

    Raises
    ------
    ImportFormatError
        When the file cannot be read or is malformed (with the line number).
    """
    path = Path(path)
    dataset = read_pilot_file(path, progress=progress)
    if dataset.n_labels > MAX_ROWS:
        # Summarised from the file; the database keeps pilots up to the standard reader's size.
        return LoadedPilot(path, b"", dataset)
    try:
        # A plain label CSV is kept as it came; a tool's export as the labels it gave.
        content = path.read_bytes() if dataset.report is not None and dataset.report.format == "csv" else dataset.to_csv_text().encode("utf-8")
    except OSError as error:
        raise ImportFormatError(f"{path}: cannot read ({error.strerror})") from None
    return LoadedPilot(path, content, dataset)


def summarize_pilot(dataset: PilotDataset, options: dict[str, Any], *, progress) -> PilotSummary:
    """:func:`advisor.pilot.summarize` for a worker thread: reports ``(done, total)``
    of the bootstrap to ``progress`` and stops when it returns False (:mod:`advisor.progress`)."""
    return summarize(dataset, progress=progress, **options)


def _number(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    return f"{value:.{digits}f}"


def _before_after_table(first_column: str) -> QTableWidget:
    """A read-only table of ``first_column``, which takes the width left, then
    "Before" and "After", as wide as their contents."""
    table = read_only_table([first_column, "Before", "After"])
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    return table


def _fill_table(table: QTableWidget, rows: list[list[str]], numeric_from: int | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, table_item(text, right=numeric_from is not None and c >= numeric_from))


# ====================================================================== page 1
class _FilePage(QWizardPage):
    def __init__(self, wizard: "PilotWizard"):
        super().__init__()
        self._wizard = wizard
        self._reading: WorkerHandle | None = None
        self.setTitle("Pilot file")
        self.setSubTitle("Labels from a pilot run: one row per label with item, rater and label columns; "
                         "gold, seconds, question and context are optional.")

        self._path_edit = QLineEdit()
        self._path_edit.setPlaceholderText("Choose a CSV or TSV file of pilot labels…")
        self._path_edit.returnPressed.connect(self._on_path_edit_return_pressed)
        self._browse_button = QPushButton("Browse…")
        self._browse_button.clicked.connect(self._on_browse_button_clicked)
        path_row = QHBoxLayout()
        path_row.addWidget(self._path_edit, 1)
        path_row.addWidget(self._browse_button)

        self._status_label = QLabel("No file chosen.")
        self._status_label.setWordWrap(True)
        # Reading a pilot of tens of millions of labels takes a minute: a bar and a way out.
        self._reading_bar = QProgressBar()
        self._reading_bar.setFormat("Reading: step %v of %m")
        self._cancel_button = QPushButton("Cancel")
        self._cancel_button.setToolTip("Stop reading the file")
        self._cancel_button.clicked.connect(self._on_cancel_button_clicked)
        reading_row = QHBoxLayout()
        reading_row.addWidget(self._reading_bar, 1)
        reading_row.addWidget(self._cancel_button)
        self._reading_bar.setVisible(False)
        self._cancel_button.setVisible(False)
        self._columns_label = QLabel()
        self._columns_label.setWordWrap(True)

        self._preview_table = read_only_table(["item", "rater", "label", "gold"])
        self._preview_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)

        self._pilot_question_combo = QComboBox()
        self._pilot_question_combo.setToolTip("The pilot has a question column: which question to summarise")
        self._scenario_question_combo = QComboBox()
        self._scenario_question_combo.setToolTip(
            "The scenario question the pilot measured. Binary and categorical questions are calibrated on the "
            "nominal scale, ordinal and pairwise ones on the ordinal scale; other formats cannot be calibrated.")
        self._gold_combo = QComboBox()
        self._gold_combo.addItem("Score the methods against gold", "evaluate")
        self._gold_combo.addItem("Clamp gold items in Dawid–Skene", "clamp")
        self._gold_combo.setToolTip("Evaluate: aggregation ignores gold and is scored against it. "
                                    "Clamp: gold items are fixed (semi-supervised); their accuracy is then not reported.")
        self._resamples_spin = QSpinBox()
        self._resamples_spin.setRange(0, 100_000)
        self._resamples_spin.setSingleStep(100)
        self._resamples_spin.setValue(DEFAULT_RESAMPLES)
        self._resamples_spin.setSuffix(" resamples")
        self._resamples_spin.setToolTip("Bootstrap resamples over items for the capacity interval (0 to 100000; "
                                        "seeded, so the interval is reproducible)")
        self._rater_types_combo = QComboBox()
        for text, value in RATER_TYPE_CHOICES:
            self._rater_types_combo.addItem(text, value)
        self._rater_types_combo.setToolTip(
            "Rater types of the fitted rater population: raters grouped by accuracy, each group with its own "
            "d′ and bias. Automatic lets AIC choose among 1 to 3 (as the command line's pilot apply); "
            "slower on large pilots.")
        options = QGroupBox("Summary options")
        self._options_form = QFormLayout(options)
        self._options_form.addRow("Pilot question:", self._pilot_question_combo)
        self._options_form.addRow("Scenario question:", self._scenario_question_combo)
        self._options_form.addRow("Gold answers:", self._gold_combo)
        self._options_form.addRow("Capacity interval:", self._resamples_spin)
        self._options_form.addRow("Rater types:", self._rater_types_combo)
        self._options_form.setRowVisible(self._pilot_question_combo, False)

        layout = QVBoxLayout(self)
        layout.addLayout(path_row)
        layout.addWidget(self._status_label)
        layout.addLayout(reading_row)
        layout.addWidget(self._columns_label)
        layout.addWidget(self._preview_table, 1)
        layout.addWidget(options)
        self._update_scenario_questions()

    # -------------------------------------------------------------- API
    def set_path(self, path: str | Path) -> None:
        self._path_edit.setText(str(path))
        self._start_reading()

    @property
    def is_reading(self) -> bool:
        return self._reading is not None

    def options(self) -> dict[str, Any]:
        """The summary's arguments: the choices on this page and, for a scenario question that can be
        calibrated, what calibrating it takes (its scale, slip rate, span and the scenario's contexts),
        as the command line's ``pilot apply`` summarises."""
        question = self._pilot_question_combo.currentData() if self._pilot_question_combo.count() else None
        options: dict[str, Any] = {
            "question": question,
            # A pilot whose question cannot be calibrated is still summarised (nominal).
            "scale": "nominal",
            "gold_use": self._gold_combo.currentData(),
            "n_boot": self._resamples_spin.value(),
            "rater_types": self._rater_types_combo.currentData(),
        }
        calibrated = next((q for q in self._wizard.scenario.questions if q.name == self.scenario_question()), None)
        if calibrated is not None and calibration_scale(calibrated.format.kind):
            loaded = self._wizard.loaded
            options.update(calibration_summary_options(
                self._wizard.scenario, calibrated,
                pilot_names_contexts=loaded is not None and loaded.dataset.contexts is not None))
        return options

    def scenario_question(self) -> str | None:
        index = self._scenario_question_combo.currentIndex()
        if index < 0 or not self._scenario_question_combo.model().item(index).isEnabled():
            return None
        return self._scenario_question_combo.currentData()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self._wizard.loaded is not None and self._reading is None

    # -------------------------------------------------------------- handlers
    def _on_browse_button_clicked(self) -> None:
        start = self._path_edit.text().strip() or str(Path.home())
        path = open_file_name(self, "Pilot labels", start, FILE_FILTER)
        if path:
            self.set_path(path)

    def _on_path_edit_return_pressed(self) -> None:
        self._start_reading()

    def _on_cancel_button_clicked(self) -> None:
        if self._reading is not None:
            self._reading.cancel()

    def _on_reading_progress(self, done: int, total: int) -> None:
        show_job_progress(self._reading_bar, done, total)

    def _on_reading_cancelled(self, _value: object) -> None:
        self._reading = None
        self._show_reading(False)
        self._status_label.setText("Reading cancelled.")
        self.completeChanged.emit()

    def _show_reading(self, reading: bool) -> None:
        self._reading_bar.setVisible(reading)
        self._cancel_button.setVisible(reading)
        if reading:
            self._reading_bar.setRange(0, 0)

    def _on_reading_result(self, loaded: LoadedPilot) -> None:
        self._reading = None
        self._show_reading(False)
        self._wizard.set_loaded(loaded)
        self._update_dataset()
        self.completeChanged.emit()

    def _on_reading_error(self, error: BaseException) -> None:
        self._reading = None
        self._show_reading(False)
        self._status_label.setStyleSheet(ERROR_STYLE)
        self._status_label.setText(f"Cannot read the pilot: {error}")
        self.completeChanged.emit()

    # -------------------------------------------------------------- refreshers
    def _start_reading(self) -> None:
        path = self._path_edit.text().strip()
        self._wizard.set_loaded(None)
        self._preview_table.setRowCount(0)
        self._columns_label.clear()
        self._status_label.setStyleSheet("")
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None
        if not path:
            self._status_label.setText("No file chosen.")
            self.completeChanged.emit()
            return
        self._status_label.setText(f"Reading {Path(path).name}…")
        # A pilot may have a million rows: reading it must not freeze the window.
        self._show_reading(True)
        self._reading = run_in_pool(load_pilot_file, path, on_result=self._on_reading_result,
                                    on_error=self._on_reading_error, on_progress=self._on_reading_progress,
                                    on_cancelled=self._on_reading_cancelled)
        self.completeChanged.emit()

    def _update_dataset(self) -> None:
        loaded = self._wizard.loaded
        assert loaded is not None
        dataset = loaded.dataset
        info = dataset.describe()
        delimiter = {",": "comma", "\t": "tab", ";": "semicolon", "|": "bar"}.get(info["delimiter"], repr(info["delimiter"]))
        classes = ", ".join(info["classes"][:12]) + (" …" if len(info["classes"]) > 12 else "")
        self._status_label.setText(
            f"{info['name']}: {info['labels']:,} labels on {info['items']:,} items by {info['raters']:,} raters; "
            f"{len(info['classes'])} classes ({classes}); {info['encoding']}, {delimiter}-separated."
        )
        found = ["item", "rater", "label"]
        found.append(f"gold ({info['gold_items']:,} items)" if info["gold_items"] else "no gold")
        found.append(f"seconds ({info['timed_labels']:,} labels)" if info["timed_labels"] else "no seconds")
        if info["questions"]:
            found.append(f"question ({len(info['questions'])})")
        if info["contexts"]:
            found.append(f"context ({len(info['contexts'])})")
        self._columns_label.setText("Columns found: " + ", ".join(found))
        rows = dataset.preview(PREVIEW_ROWS)
        columns = list(rows[0]) if rows else ["item", "rater", "label", "gold"]
        self._preview_table.setColumnCount(len(columns))
        self._preview_table.setHorizontalHeaderLabels(columns)
        _fill_table(self._preview_table, [[row[c] for c in columns] for row in rows])
        self._pilot_question_combo.clear()
        for name in dataset.question_names:
            self._pilot_question_combo.addItem(name, name)
        self._options_form.setRowVisible(self._pilot_question_combo, len(dataset.question_names) > 1)
        self._gold_combo.setEnabled(dataset.has_gold)

    def _update_scenario_questions(self) -> None:
        combo = self._scenario_question_combo
        combo.clear()
        first_enabled = -1
        for index, question in enumerate(self._wizard.scenario.questions):
            scale = calibration_scale(question.format.kind)
            text = f"{question.name} — {question.format.label()}"
            combo.addItem(text if scale else f"{text} (cannot be calibrated from a pilot)", question.name)
            if scale is None:
                combo.model().item(index).setEnabled(False)
            elif first_enabled < 0:
                first_enabled = index
        combo.setCurrentIndex(max(first_enabled, 0))


# ====================================================================== page 2
class _SummaryPage(QWizardPage):
    def __init__(self, wizard: "PilotWizard"):
        super().__init__()
        self._wizard = wizard
        self._job: WorkerHandle | None = None
        self._job_options: dict[str, Any] | None = None
        self.setTitle("Summary")
        self.setSubTitle("Aggregation, agreement and the capacity one rater's answer carries, from the pilot.")

        self._progress_bar = QProgressBar()
        self._progress_bar.setFormat("Step %v of %m")
        self._stop_button = QPushButton("Stop")
        self._stop_button.setToolTip("Stop the computation (Back and Next start it again)")
        self._stop_button.clicked.connect(self._on_stop_button_clicked)
        self._status_label = QLabel()
        self._status_label.setWordWrap(True)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self._progress_bar, 1)
        progress_row.addWidget(self._stop_button)

        self._methods_table = read_only_table(["Method", "Accuracy vs gold", "Iterations", "Converged"])
        self._methods_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in (1, 2, 3):
            self._methods_table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self._methods_table.setFixedHeight(self._methods_table.horizontalHeader().sizeHint().height()
                                           + 3 * self._methods_table.verticalHeader().defaultSectionSize() + 4)

        self._numbers_form = QFormLayout()
        self._numbers_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._value_labels: dict[str, QLabel] = {}
        for key, title in (
            ("capacity", "Capacity (one rater):"),
            ("accuracy", "Single-rater accuracy:"),
            ("rho", "Rater correlation ρ:"),
            *((key, f"{label}:") for key, label in AGREEMENT_LABELS.items()),
            ("ties", "Majority-vote ties:"),
            ("numeric", "Mean of r scores vs gold:"),
            ("speed", "Speed–accuracy fit:"),
            ("timing", "Rater time:"),
            ("flagged", "Flagged raters:"),
            ("import", "Read from the file:"),
            ("notes", "Notes:"),
        ):
            label = QLabel("—")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self._value_labels[key] = label
            self._numbers_form.addRow(title, label)

        numbers = QWidget()
        numbers_layout = QVBoxLayout(numbers)
        numbers_layout.setContentsMargins(0, 0, 0, 0)
        numbers_layout.addWidget(self._methods_table)
        numbers_layout.addLayout(self._numbers_form)
        numbers_layout.addStretch(1)

        self._rater_combo = QComboBox()
        self._rater_combo.setToolTip("The pooled kernel of all raters, or one rater's Dawid–Skene confusion matrix")
        self._rater_combo.currentIndexChanged.connect(self._on_rater_combo_changed)
        self._heatmap = ConfusionHeatmapWidget()
        self._heatmap.setMinimumSize(320, 280)
        heat = QWidget()
        heat_layout = QVBoxLayout(heat)
        heat_layout.setContentsMargins(0, 0, 0, 0)
        heat_layout.addWidget(self._rater_combo)
        heat_layout.addWidget(self._heatmap, 1)

        splitter = two_pane_splitter(Qt.Orientation.Horizontal, numbers, heat, stretch=(3, 2), sizes=(580, 400))

        # How well the calibrated model predicts this pilot (pilot validate), on demand.
        self.validation = PilotValidationWidget()
        self.tabs = QTabWidget()
        self.tabs.addTab(splitter, "Summary")
        self.tabs.addTab(self.validation, "Validate the model")

        layout = QVBoxLayout(self)
        layout.addLayout(progress_row)
        layout.addWidget(self._status_label)
        layout.addWidget(self.tabs, 1)
        display_settings().unit_changed.connect(self._on_units_unit_changed)

    # -------------------------------------------------------------- API
    @property
    def is_running(self) -> bool:
        return self._job is not None or self.validation.is_running

    def stop(self) -> None:
        self.validation.cancel()
        if self._job is not None:
            self._job.cancel()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        options = self._wizard.file_page.options()
        if self._wizard.summary is not None and options == self._job_options:
            return  # Back then Next with the same file and options: keep the result
        self._start(options)

    def cleanupPage(self) -> None:  # noqa: N802 - Qt override
        self.stop()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return self._wizard.summary is not None and self._job is None

    # -------------------------------------------------------------- handlers
    def _on_stop_button_clicked(self) -> None:
        self.stop()

    def _on_job_progress(self, done: int, total: int) -> None:
        show_job_progress(self._progress_bar, done, total)

    def _on_job_result(self, summary: PilotSummary) -> None:
        self._wizard.set_summary(summary)
        self._end_job("Done", f"{summary.labels:,} labels on {summary.items:,} items by {summary.raters:,} raters "
                              f"({summary.labels_per_item:.1f} per item), {summary.gold_items:,} with gold; "
                              f"{summary.scale} scale, kernel from {summary.kernel_source.replace('_', '–')}.",
                      delivered=True)
        self._update_summary()
        self.completeChanged.emit()

    def _on_job_error(self, error: BaseException) -> None:
        self._end_job("Failed", f"Cannot summarise the pilot: {error}", style=ERROR_STYLE)
        self.completeChanged.emit()

    def _on_job_cancelled(self, _value: object) -> None:
        self._end_job("Stopped", "Stopped. Go Back and Next to compute the summary again.")
        self.completeChanged.emit()

    def _on_rater_combo_changed(self, _index: int) -> None:
        self._update_heatmap()

    def _on_units_unit_changed(self, _unit: str) -> None:
        if self._wizard.summary is not None:
            self._update_summary()

    # -------------------------------------------------------------- refreshers
    def _end_job(self, outcome: str, status: str, *, delivered: bool = False, style: str = "") -> None:
        """The summary job is over: the bar says ``outcome`` (see
        :func:`show_job_outcome`), the status line ``status`` in ``style``."""
        self._job = None
        self._stop_button.setEnabled(False)
        show_job_outcome(self._progress_bar, outcome, delivered=delivered)
        self._status_label.setStyleSheet(style)
        self._status_label.setText(status)

    def _start(self, options: dict[str, Any]) -> None:
        self.stop()
        loaded = self._wizard.loaded
        assert loaded is not None
        self._wizard.set_summary(None)
        self._job_options = dict(options)
        self.validation.set_pilot(loaded.dataset, question=options["question"], scale=options["scale"])
        self._progress_bar.setRange(0, 0)  # busy until the first step (majority vote) reports
        self._progress_bar.setFormat("Step %v of %m")
        self._stop_button.setEnabled(True)
        self._status_label.setStyleSheet("")
        self._status_label.setText("Aggregating and bootstrapping the capacity…")
        for label in self._value_labels.values():
            label.setText("—")
        self._methods_table.setRowCount(0)
        self._rater_combo.clear()
        self._job = run_in_pool(summarize_pilot, loaded.dataset, dict(options), on_result=self._on_job_result,
                                on_error=self._on_job_error, on_progress=self._on_job_progress,
                                on_cancelled=self._on_job_cancelled)
        self.completeChanged.emit()

    def _update_summary(self) -> None:
        summary = self._wizard.summary
        assert summary is not None
        units = display_settings()
        rows = []
        for key, label in METHOD_LABELS.items():
            method = summary.methods.get(key)
            if method is None:
                continue
            if method.identifiable:
                rows.append([label, _number(method.accuracy_vs_gold, 4), str(method.iterations),
                             "yes" if method.converged else "no"])
            else:
                # Nothing was identified: its iterations and convergence mean nothing either.
                rows.append([label, "— (one label per item)", "—", "—"])
        _fill_table(self._methods_table, rows, numeric_from=1)
        low, high = summary.capacity_ci
        values = self._value_labels
        values["capacity"].setText(
            f"{units.format_info(summary.capacity_nats, 3, per_item=True)}, "
            f"{summary.capacity_level:.0%} interval {units.convert(low):.3f}–{units.convert(high):.3f} "
            f"({summary.bootstrap_resamples:,} bootstrap resamples over items)"
        )
        values["accuracy"].setText(_number(summary.single_rater_accuracy, 4))
        values["rho"].setText(
            f"{summary.rho:.3f} (unanimous items {summary.observed_unanimity:.3f} observed, "
            f"{summary.independent_unanimity:.3f} if raters were independent)"
        )
        for key in AGREEMENT_LABELS:
            values[key].setText(_number(summary.agreement.get(key), 3))
        values["ties"].setText(TIE_TEXT.get(summary.majority_vote_ties, summary.majority_vote_ties))
        values["numeric"].setText(
            ", ".join(f"r={row['r']}: {row['pearson']:.3f}" for row in summary.numeric_readout)
            if summary.numeric_readout else "not a numeric scale" if not summary.numeric else "no gold")
        speed = summary.speed_accuracy
        values["speed"].setText("no seconds in the pilot" if speed is None else _speed_text(speed))
        values["timing"].setText(_timing_text(summary.rater_timing))
        values["import"].setText(_import_text(summary.import_report))
        flagged = [f"{len(names)} {FLAG_LABELS.get(flag, flag)}" for flag, names in summary.flagged.items() if names]
        values["flagged"].setText(", ".join(flagged) if flagged else "none")
        values["flagged"].setToolTip("\n".join(f"{FLAG_LABELS.get(flag, flag)}: {', '.join(names)}"
                                               for flag, names in summary.flagged.items() if names))
        values["notes"].setText("\n".join(summary.notes) if summary.notes else "none")
        self._update_rater_combo()

    def _update_rater_combo(self) -> None:
        summary = self._wizard.summary
        assert summary is not None
        current = self._rater_combo.currentData()
        self._rater_combo.blockSignals(True)
        self._rater_combo.clear()
        self._rater_combo.addItem(f"All raters pooled (against {summary.kernel_source.replace('_', '–')})", POOLED)
        order = sorted(range(len(summary.rater_reports)), key=lambda i: -summary.rater_reports[i].labels)
        for index in order:
            report = summary.rater_reports[index]
            accuracy = f", {report.accuracy_vs_gold:.0%} right" if report.accuracy_vs_gold is not None else ""
            flag = "" if report.flag == "ok" else f", {FLAG_LABELS.get(report.flag, report.flag)}"
            name = report.name if len(report.name) <= 24 else report.name[:23] + "…"
            self._rater_combo.addItem(f"{name}: {report.labels} labels{accuracy}{flag}", index)
            self._rater_combo.setItemData(self._rater_combo.count() - 1,
                                          f"{report.name}: {report.labels} labels, balanced accuracy "
                                          f"{report.balanced_accuracy:.3f}, {FLAG_LABELS.get(report.flag, report.flag)}",
                                          Qt.ItemDataRole.ToolTipRole)
        self._rater_combo.setCurrentIndex(max(self._rater_combo.findData(current), 0))
        self._rater_combo.blockSignals(False)
        self._update_heatmap()

    def _update_heatmap(self) -> None:
        summary = self._wizard.summary
        if summary is None or self._rater_combo.count() == 0:
            return
        choice = self._rater_combo.currentData()
        if choice == POOLED:
            self._heatmap.set_matrix(summary.pooled_kernel, summary.classes, "Pooled single-rater kernel")
        else:
            report = summary.rater_reports[choice]
            self._heatmap.set_matrix(report.confusion, summary.classes, f"Rater {report.name} (Dawid–Skene)")


# ====================================================================== page 3
class _ApplyPage(QWizardPage):
    def __init__(self, wizard: "PilotWizard"):
        super().__init__()
        self._wizard = wizard
        self._job: WorkerHandle | None = None
        self._calibration: Calibration | None = None
        self.setTitle("Apply to the scenario")
        self.setFinalPage(True)

        self._copy_radio = QRadioButton("Store a calibrated copy as a new scenario (the original stays as it is)")
        self._in_place_radio = QRadioButton("Calibrate the open scenario in place (Edit ▸ Undo reverts it)")
        self._copy_radio.setChecked(True)
        self._mode_group = QButtonGroup(self)
        self._mode_group.addButton(self._copy_radio)
        self._mode_group.addButton(self._in_place_radio)
        self._copy_radio.toggled.connect(self._on_copy_radio_toggled)

        self._status_label = QLabel()
        self._status_label.setWordWrap(True)
        self._class_warning_label = QLabel()
        self._class_warning_label.setWordWrap(True)
        self._class_warning_label.setStyleSheet(ERROR_STYLE)
        self._class_warning_label.setVisible(False)
        self._model_warning_label = QLabel()
        self._model_warning_label.setWordWrap(True)
        self._model_warning_label.setStyleSheet(ERROR_STYLE)
        self._model_warning_label.setVisible(False)
        self._effect_table = _before_after_table("What the model gives")
        self._pilot_capacity_label = QLabel()
        self._pilot_capacity_label.setWordWrap(True)
        self._changes_table = _before_after_table("Field")
        self._provenance_text = QPlainTextEdit()
        self._provenance_text.setReadOnly(True)
        self._provenance_text.setPlaceholderText("Where the numbers come from")

        self._store_check = QCheckBox("Store the pilot dataset in the database as")
        self._store_check.setChecked(True)
        self._store_check.toggled.connect(self._on_store_check_toggled)
        self._store_name_edit = QLineEdit()
        self._store_name_edit.setToolTip("Unique name of the stored pilot dataset (1 to 200 characters)")
        self._store_name_edit.textChanged.connect(self._on_store_name_edit_changed)
        store_row = QHBoxLayout()
        store_row.addWidget(self._store_check)
        store_row.addWidget(self._store_name_edit, 1)
        self._store_error_label = QLabel()
        self._store_error_label.setStyleSheet(ERROR_STYLE)
        self._store_error_label.setWordWrap(True)

        # The page scrolls rather than squeeze: with the check's warnings on a 1280 × 800 screen its
        # least height passed the wizard's, and Qt laid the pilot's line over the table's last row.
        self._content = QWidget()
        layout = QVBoxLayout(self._content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._copy_radio)
        layout.addWidget(self._in_place_radio)
        layout.addWidget(self._status_label)
        layout.addWidget(self._class_warning_label)
        layout.addWidget(self._model_warning_label)
        layout.addWidget(self._changes_table)
        layout.addWidget(self._effect_table)
        layout.addWidget(self._pilot_capacity_label)
        layout.addWidget(QLabel("Provenance recorded in the scenario:"))
        layout.addWidget(self._provenance_text, 1)
        layout.addLayout(store_row)
        layout.addWidget(self._store_error_label)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self._content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    # -------------------------------------------------------------- API
    @property
    def is_running(self) -> bool:
        return self._job is not None

    @property
    def in_place(self) -> bool:
        return self._in_place_radio.isChecked()

    def set_in_place(self, in_place: bool) -> None:
        (self._in_place_radio if in_place else self._copy_radio).setChecked(True)

    def effect_rows(self) -> list[list[str]]:
        """The before → after table as shown (label, before, after)."""
        table = self._effect_table
        return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]

    def pilot_capacity_text(self) -> str:
        return self._pilot_capacity_label.text()

    def class_warning_text(self) -> str:
        return self._class_warning_label.text() if not self._class_warning_label.isHidden() else ""

    def model_warning_text(self) -> str:
        """The warnings of the check of the calibrated model against the pilot, as shown ("" when none)."""
        return self._model_warning_label.text() if not self._model_warning_label.isHidden() else ""

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self._wizard.set_calibrated(None)
        self._calibration = None
        self._update_mode()
        self._changes_table.setRowCount(0)
        self._effect_table.setRowCount(0)
        self._pilot_capacity_label.clear()
        self._model_warning_label.clear()
        self._model_warning_label.setVisible(False)
        self._provenance_text.clear()
        self._store_error_label.clear()
        loaded, summary = self._wizard.loaded, self._wizard.summary
        assert loaded is not None and summary is not None
        if not self._store_name_edit.text().strip() or self._store_name_edit.property("suggested"):
            self._store_name_edit.setText(self._wizard.suggested_pilot_name())
            self._store_name_edit.setProperty("suggested", True)
        # A pilot beyond the standard reader's size is summarised from its file, not stored.
        storable = bool(loaded.content)
        self._store_check.setEnabled(storable)
        if not storable:
            self._store_check.setChecked(False)
        question = self._wizard.file_page.scenario_question()
        if question is None:
            self._show_error("No question of this scenario can be calibrated from a pilot "
                             "(pilots calibrate binary, categorical, ordinal and pairwise questions).")
            return
        warnings = pilot_class_warnings(self._wizard.question(question), summary.classes)
        self._class_warning_label.setText("\n".join(warnings))
        self._class_warning_label.setVisible(bool(warnings))
        self._status_label.setStyleSheet("")
        self._status_label.setText(f"Calibrating question {question!r} and evaluating the scenario before and after…")
        calibrate = partial(calibrate_and_evaluate, question=question, source=str(loaded.path),
                            unit=display_settings().unit, dataset=loaded.dataset)
        self._job = run_in_pool(calibrate, self._wizard.scenario, summary, on_result=self._on_job_result,
                                on_error=self._on_job_error)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        if self._wizard.calibrated_scenario() is None or self._job is not None:
            return False
        return not self._store_check.isChecked() or 1 <= len(self._store_name_edit.text().strip()) <= 200

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        if not self._store_check.isChecked():
            return True
        try:
            self._wizard.store_pilot(self._store_name_edit.text().strip())
        except (AdvisorError, ValueError) as error:
            self._store_error_label.setText(f"Cannot store the pilot: {error}")
            return False
        return True

    # -------------------------------------------------------------- handlers
    def _on_job_result(self, calibration: Calibration) -> None:
        self._job = None
        self._calibration = calibration
        self._wizard.set_calibrated(calibration.scenario)
        self._update_changes()
        self._update_effect()
        self._update_model_warnings()
        self.completeChanged.emit()

    def _on_copy_radio_toggled(self, _checked: bool) -> None:
        self._update_mode()

    def _on_job_error(self, error: BaseException) -> None:
        self._job = None
        self._show_error(f"Cannot calibrate: {error}")

    def _on_store_check_toggled(self, checked: bool) -> None:
        self._store_name_edit.setEnabled(checked)
        self.completeChanged.emit()

    def _on_store_name_edit_changed(self, _text: str) -> None:
        self._store_name_edit.setProperty("suggested", False)
        self._store_error_label.clear()
        self.completeChanged.emit()

    # -------------------------------------------------------------- refreshers
    def _update_mode(self) -> None:
        name = self._wizard.scenario.name
        if self.in_place:
            self.setSubTitle(f"Finish calibrates “{name}” in place; Edit ▸ Undo reverts it.")
            self._wizard.setButtonText(QWizard.WizardButton.FinishButton, "Calibrate in place")
        else:
            self.setSubTitle(f"Finish stores a calibrated copy of “{name}” as a new scenario and opens it; "
                             "the original is unchanged.")
            self._wizard.setButtonText(QWizard.WizardButton.FinishButton, "Create calibrated copy")

    def _update_effect(self) -> None:
        calibration, summary = self._calibration, self._wizard.summary
        assert calibration is not None and summary is not None
        units = display_settings()
        before, after = calibration.before, calibration.after
        currency = getattr(after, "currency", "")
        rows = [
            [f"Capacity C̄ ({units.unit} per item)", f"{units.convert(before.capacity_nats):.3f}",
             f"{units.convert(after.capacity_nats):.3f}"],
            ["Risk floor (Fano)", f"{before.floor:.4f}", f"{after.floor:.4f}"],
        ]
        if hasattr(after, "achievable") and hasattr(before, "achievable"):
            rows.append(["Achievable risk", _achievable_text(before.achievable), _achievable_text(after.achievable)])
        rows.append([f"Cost ({currency})", amount_text(before.cost), amount_text(after.cost)])
        _fill_table(self._effect_table, rows, numeric_from=1)
        table = self._effect_table
        table.setFixedHeight(table.horizontalHeader().sizeHint().height()
                             + len(rows) * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth())
        question = self._wizard.file_page.scenario_question() or ""
        model = question_single_rater_nats(after, question)
        low, high = summary.capacity_ci
        model_text = "—" if model is None else f"{units.convert(model):.3f}"
        check = calibration.check
        pooled = ""
        if check is not None and check.rater_types > 1:
            # Different quantities: the model's rater comes with its type, the pilot's pooled label does not.
            pooled = (f" (a label of a rater of unknown type, what the pilot measures, "
                      f"{units.convert(check.model_pooled_nats):.3f} {units.unit})")
        # A summary without resamples has no interval: none is shown.
        interval = (f"{100 * summary.capacity_level:.0f} % interval {units.convert(low):.3f} to {units.convert(high):.3f}"
                    if summary.bootstrap_resamples > 0 else "no interval: no bootstrap resamples")
        self._pilot_capacity_label.setText(
            f"One rater on {question!r}: the calibrated model gives {model_text} {units.unit} per item{pooled}; the "
            f"pilot measured {units.convert(summary.capacity_nats):.3f} {units.unit} ({interval}).")

    def _update_model_warnings(self) -> None:
        check = self._calibration.check if self._calibration is not None else None
        warnings = list(check.warnings) if check is not None else []
        self._model_warning_label.setText("\n".join(f"⚠ {warning}" for warning in warnings))
        self._model_warning_label.setVisible(bool(warnings))

    def _show_error(self, message: str) -> None:
        self._status_label.setStyleSheet(ERROR_STYLE)
        self._status_label.setText(message)
        self.completeChanged.emit()

    def _update_changes(self) -> None:
        calibrated = self._wizard.calibrated_scenario()
        assert calibrated is not None
        record = calibrated.provenance[-1]
        before, after = self._wizard.scenario.to_dict(), calibrated.to_dict()
        # The fields the calibration changed; those it set to the value they had are counted apart.
        changed = [path for path in record.fields if get_path(before, path) != get_path(after, path)]
        kept = len(record.fields) - len(changed)
        rows = [[f"{FIELD_LABELS.get(path) or field_label(path)} — {path}", field_value_text(get_path(before, path)),
                 field_value_text(get_path(after, path))]
                for path in changed]
        _fill_table(self._changes_table, rows, numeric_from=1)
        # As tall as its rows: the provenance below gets the rest of the page.
        table = self._changes_table
        table.setFixedHeight(table.horizontalHeader().sizeHint().height()
                             + max(len(rows), 1) * table.verticalHeader().defaultSectionSize() + 2 * table.frameWidth())
        self._status_label.setStyleSheet("")
        unchanged = f" ({counted(kept, 'other field')} set to the value {'it' if kept == 1 else 'they'} had)" if kept else ""
        self._status_label.setText(f"{counted(len(rows), 'field')} changed by {record.method}{unchanged}; "
                                   "the evaluation of the scenario before and after is below.")
        self._provenance_text.setPlainText(f"Source: {record.source}\nMethod: {record.method}\n"
                                           + record.detail.replace("; ", "\n"))


# ====================================================================== wizard
#: The wizard's first size where the screen has room: the validation table shows all its columns
#: beside its two plots, and the summary's numbers beside its heat map.
PREFERRED_SIZE = QSize(1440, 900)

#: The size it had before it was fitted to the screen, kept as the least it opens at.
SMALLEST_SIZE = QSize(1000, 760)


class PilotWizard(QWizard):
    """Import a pilot, summarise it, and calibrate a scenario (a copy, or in place).

    Parameters
    ----------
    store
        An :class:`advisor.storage.store.ScenarioStore`; Finish stores the pilot
        dataset in it (``add_pilot``) unless the user unticks that.
    scenario
        The scenario to calibrate; the wizard itself never changes it: its
        caller stores :meth:`calibrated_scenario` as a copy, or replaces the
        open scenario with it when :meth:`in_place` is True.
    parent
        Owning widget.

    Signals
    -------
    pilot_stored(int)
        The id of the stored pilot dataset.
    """

    pilot_stored = Signal(int)

    def __init__(self, store, scenario: Scenario, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Calibrate “{scenario.name}” from a pilot")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self._store = store
        self._scenario = scenario
        self._loaded: LoadedPilot | None = None
        self._summary: PilotSummary | None = None
        self._calibrated: Scenario | None = None
        self._stored_pilot_id: int | None = None
        self.file_page = _FilePage(self)
        self.summary_page = _SummaryPage(self)
        self.apply_page = _ApplyPage(self)
        for page in (self.file_page, self.summary_page, self.apply_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Create calibrated copy")
        remember_geometry(self, "pilot_wizard", PREFERRED_SIZE, SMALLEST_SIZE)

    # ------------------------------------------------------------ public API
    @property
    def scenario(self) -> Scenario:
        """The scenario being calibrated (the wizard does not change it)."""
        return self._scenario

    def question(self, name: str):
        """The scenario's question called ``name``."""
        return next(q for q in self._scenario.questions if q.name == name)

    def in_place(self) -> bool:
        """True when the user chose to calibrate the open scenario in place,
        False (the default) for a calibrated copy stored as a new scenario."""
        return self.apply_page.in_place

    @property
    def loaded(self) -> LoadedPilot | None:
        """The pilot file as read (None until one was read)."""
        return self._loaded

    @property
    def summary(self) -> PilotSummary | None:
        """The summary of the pilot (None until computed)."""
        return self._summary

    def set_path(self, path: str | Path) -> None:
        """Read the pilot at ``path`` (in a worker; the first page completes when done)."""
        self.file_page.set_path(path)

    def calibrated_scenario(self) -> Scenario | None:
        """The calibrated scenario, with its provenance entry (named as the
        original: the caller names a copy)."""
        return self._calibrated

    def stored_pilot_id(self) -> int | None:
        """The id of the pilot dataset stored on Finish (None if not stored)."""
        return self._stored_pilot_id

    def is_busy(self) -> bool:
        """True while a worker reads, summarises or calibrates."""
        return self.file_page.is_reading or self.summary_page.is_running or self.apply_page.is_running

    def suggested_pilot_name(self) -> str:
        """A name for the stored pilot that no stored pilot has yet."""
        base = self._loaded.path.stem if self._loaded is not None else "pilot"
        taken = {pilot.name for pilot in self._store.list_pilots()}
        name, suffix = base, 2
        while name in taken:
            name, suffix = f"{base} ({suffix})", suffix + 1
        return name

    def store_pilot(self, name: str) -> int:
        """Store the pilot file and its summary under ``name``; returns the id."""
        assert self._loaded is not None and self._summary is not None
        pilot_id = self._store.add_pilot(name, source=str(self._loaded.path), content=self._loaded.content,
                                         summary=self._summary.to_dict())
        self._stored_pilot_id = pilot_id
        self.pilot_stored.emit(pilot_id)
        return pilot_id

    def reject(self) -> None:  # noqa: D102 - QWizard.reject, stopping the workers first
        self.summary_page.stop()
        super().reject()

    # ------------------------------------------------- shared page state
    def set_loaded(self, loaded: LoadedPilot | None) -> None:
        self._loaded = loaded
        self._summary = None
        self._calibrated = None

    def set_summary(self, summary: PilotSummary | None) -> None:
        self._summary = summary
        self._calibrated = None

    def set_calibrated(self, scenario: Scenario | None) -> None:
        self._calibrated = scenario


def _interval_text(speed: Any, key: str) -> str:
    if not speed.intervals:
        return ""
    low, high = speed.intervals[key]
    return f" [{low:.3g}, {high:.3g}]"


def _speed_text(speed: Any) -> str:
    """λ, β, δ₀ with their profile-likelihood intervals, in pilot seconds."""
    return (f"λ {speed.discriminability:.3g}{_interval_text(speed, 'discriminability')}, "
            f"β {speed.accrual_rate:.3g}/s{_interval_text(speed, 'accrual_rate')}, "
            f"δ₀ {speed.base_time:.3g} s{_interval_text(speed, 'base_time')} "
            f"({speed.labels:,} timed labels, truth from {speed.truth.replace('_', '–')}"
            + (f"; {speed.level:.0%} profile-likelihood intervals" if speed.intervals else "")
            + (f"; {len(speed.raters)} raters' own β" if speed.raters else "") + ")")


def _timing_text(timing: Any) -> str:
    if timing is None:
        return "no seconds or timestamps in the pilot"
    parts = []
    if math.isfinite(timing.median_seconds):
        parts.append(f"median rater {timing.median_seconds:.3g} s per label; "
                     + (f"{len(timing.fast)} too fast (under {timing.fast_threshold:.3g} s)" if timing.fast else "none too fast"))
    if timing.drift is not None:
        low, high = timing.drift.slope_interval
        parts.append(f"drift over a rater's sequence {timing.drift.slope:+.2f} log-odds ({low:+.2f} to {high:+.2f})")
    return "; ".join(parts) or "—"


def _import_text(report: dict[str, Any] | None) -> str:
    if not report:
        return "—"
    parts = [f"{report['labels']:,} raters' labels ({report['format'].replace('_', ' ')})"]
    if report.get("cancelled"):
        parts.append(f"{report['cancelled']:,} cancelled left out")
    if report.get("ground_truth"):
        parts.append(f"{report['ground_truth']:,} ground-truth annotations read as gold")
    parts.extend(f"{count:,} {reason} left out" for reason, count in (report.get("skipped") or {}).items())
    return "; ".join(parts) + "".join(f"\n{warning}" for warning in report.get("warnings") or [])


def _achievable_text(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, (int, float)) else str(value)


def _preview_scenario() -> Scenario:
    from advisor.scenario.schema import example_scenarios

    for scenario in example_scenarios():
        if any(calibration_scale(q.format.kind) == "nominal" for q in scenario.questions):
            return scenario
    from ui.core.preview import preview_scenario

    return preview_scenario()


def preview_pilot_wizard(folder: Path) -> PilotWizard:
    """The wizard on a new database in ``folder``, reading the RTE pilot of
    Snow et al. (2008) for a binary example scenario."""
    from advisor.storage.store import ScenarioStore

    store = ScenarioStore.open(folder / "pilot.sqlite", seed=False)
    wizard = PilotWizard(store, _preview_scenario())
    pilot = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "pilots" / "snow2008_rte.csv"
    if pilot.is_file():
        wizard.set_path(pilot)
    return wizard


def main() -> None:
    """Open the wizard on the RTE pilot and a binary example scenario."""
    from ui.core.preview import preview_in_folder

    def make(folder: Path) -> PilotWizard:
        wizard = preview_pilot_wizard(folder)
        wizard.accepted.connect(lambda: print(wizard.calibrated_scenario().to_json()))
        return wizard

    preview_in_folder(make, title="Calibrate from a pilot", size=(1000, 720))


if __name__ == "__main__":
    main()
