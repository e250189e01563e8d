"""How well the calibrated rater model predicts the pilot itself: the validation of
``annotation-advisor pilot validate`` in the pilot wizard.

:class:`PilotValidationWidget` runs :func:`advisor.pilot.validation.validate_pilot` in a worker
(half-splits of the items, a small pilot on one half, the model calibrated on it, its predictions
for r = 1 … R raters checked on the other half) with progress and a Stop button, and shows what
``pilot validate --json`` prints: one table row per r (majority vote measured and predicted,
Dawid–Skene, the information of the r-vote histogram with its 95 % interval, the floor) and the
error summary, beside two plots against r — majority-vote accuracy (measured, with the range over
the splits as error bars; predicted; the symmetric baseline's prediction) and information (measured,
with its 95 % interval as error bars; predicted, with its 95 % credible band).

The numbers are :mod:`advisor.pilot.validation`'s; this module only shows them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from advisor.errors import AdvisorError
from advisor.pilot.dataset import PilotDataset
from advisor.pilot.validation import MAX_SPLITS, MODEL_NAMES, PilotValidation, validate_pilot
from advisor.units import bits_to_nats, signed_text
from ui.core.settings import display_settings
from ui.core.workers import LatestJobRunner, dedicated_pool
from ui.widgets.job_progress import show_job_outcome, show_job_progress
from ui.widgets.plots import ACHIEVABLE_COLOUR, CEILING_COLOUR, CURRENT_COLOUR, style_plot
from ui.widgets.splitters import two_pane_splitter
from ui.widgets.tables import read_only_table, table_item

COLUMNS = ("r", "MV", "MV pred.", "err (pts)", "DS", "MAP pred.", "I", "95 % interval", "I pred.", "floor")
"""The table's columns: ``pilot validate``'s rows (information in the display unit)."""
COLUMN_TIPS = (
    "Raters per item",
    "Majority-vote accuracy measured on half B (exact over the r-subsets of each item's labels, ties split)",
    "Majority-vote accuracy predicted from the pilot on half A",
    "Predicted minus measured majority-vote accuracy, in accuracy points",
    "Dawid–Skene accuracy on half B (* one label per item: majority vote, as Dawid–Skene cannot be identified)",
    "Predicted accuracy of the best decoder of the vote histogram (MAP)",
    "Information of the r-vote histogram about gold, measured on half B (jackknife bias-corrected)",
    "Mean over the splits of the measured information's 95 % interval (jackknife over items)",
    "Predicted information (red: outside the mean measured interval)",
    "Predicted floor on the error of any decoder of the vote histogram (the credible floor)",
)
MODELS = ("population", "baseline")
"""The method §9's calibration (shown) and the symmetric baseline's (its majority vote, dashed)."""
BASELINE_NAME = MODEL_NAMES["baseline"]
"""The calibration the method §9 replaced (pooled accuracy, symmetric kernel, ρ), named as the
command line's ``pilot validate`` names it."""
OUTSIDE_COLOUR = "#b00020"
"""A predicted information outside the mean measured interval, and error messages."""
ERROR_STYLE = f"color: {OUTSIDE_COLOUR}"
MEASURED_COLOUR = "#212121"
BAND_COLOUR = (*QColor(ACHIEVABLE_COLOUR).getRgb()[:3], 45)
"""The predicted information's credible band: its line's colour, faint (it was the other plot's blue)."""


def _legend_label(entries: list[tuple[str, str, str]]) -> QLabel:
    """A wrapping one-line legend of ``(colour, glyph, text)`` entries, for above a plot."""
    parts = [f"<span style='color:{colour}; font-weight:700'>{glyph}</span>&nbsp;{text}"
             for colour, glyph, text in entries]
    label = QLabel("&nbsp;&nbsp;&nbsp;".join(parts))
    label.setWordWrap(True)
    label.setStyleSheet("color: #333333;")
    return label



def _shown(units, value_bits: float) -> float:
    """An amount of information the validation gives in bits, in the display unit (bits or nats)."""
    return units.convert(bits_to_nats(value_bits))


def majority_ranges(result: PilotValidation) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest measured majority-vote accuracy over the splits, per r."""
    values = result.validation.empirical_majority
    return values.min(axis=0), values.max(axis=0)


class PilotValidationWidget(QWidget):
    """Validate the calibrated model on a pilot with gold, in the background.

    Signals
    -------
    finished(object)
        The :class:`~advisor.pilot.validation.PilotValidation` of a completed run.
    """

    finished = Signal(object)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._dataset: PilotDataset | None = None
        self._question: str | None = None
        self._scale = "nominal"
        self._result: PilotValidation | None = None
        # Its own pool: a split's fit polls the Stop button only between splits, and must not
        # hold up the window's other computations meanwhile.
        self._runner = LatestJobRunner(validate_pilot, self, pool=dedicated_pool("pilot validation"))
        self._runner.result_ready.connect(self._on_runner_result_ready)
        self._runner.failed.connect(self._on_runner_failed)
        self._runner.cancelled.connect(self._on_runner_cancelled)
        self._runner.progress_changed.connect(self._on_runner_progress_changed)
        self._runner.busy.connect(self._on_runner_busy)

        self._splits_spin = self._spin(1, MAX_SPLITS, 10, " splits",
                                       f"Random half-splits of the items (1 to {MAX_SPLITS}); each fits the model once")
        self._pilot_spin = self._spin(1, 50, 3, " labels per item",
                                      "Labels per item of the pilot drawn on half A; every item needs more than this")
        self._seed_spin = self._spin(0, 1_000_000, 0, "", "Seed of the splits and pilots: the same seed, the same numbers")
        self._seed_spin.setPrefix("seed ")
        # Enter in a setting takes the value and validates, as the Validate button does; a spin box
        # passes Enter on, and in the pilot wizard it would otherwise press Next and leave the page.
        for spin in (self._splits_spin, self._pilot_spin, self._seed_spin):
            spin.installEventFilter(self)
        self._run_button = QPushButton("Validate")
        self._run_button.setToolTip("Calibrate on a pilot of half the items and check the predictions on the other half")
        self._run_button.clicked.connect(self._on_run_button_clicked)
        self._stop_button = QPushButton("Stop")
        self._stop_button.setToolTip("Stop the validation (after the split being fitted)")
        self._stop_button.clicked.connect(self._on_stop_button_clicked)
        self._stop_button.setEnabled(False)
        self._progress_bar = QProgressBar()
        self._progress_bar.setFormat("Split %v of %m")
        self._progress_bar.setRange(0, 1)
        self._progress_bar.setValue(0)
        controls = QHBoxLayout()
        for widget in (self._splits_spin, self._pilot_spin, self._seed_spin, self._run_button, self._stop_button):
            controls.addWidget(widget)
        controls.addWidget(self._progress_bar, 1)

        self._status_label = QLabel("Choose a pilot with gold labels.")
        self._status_label.setWordWrap(True)
        self._summary_label = QLabel()
        self._summary_label.setWordWrap(True)
        self._summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self._table = read_only_table(list(COLUMNS))
        self._table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column, tip in enumerate(COLUMN_TIPS):
            self._table.horizontalHeaderItem(column).setToolTip(tip)

        self._majority_plot = pg.PlotWidget(enableMenu=False)
        self._information_plot = pg.PlotWidget(enableMenu=False)
        self._build_plots()
        plots = QWidget()
        plots_layout = QVBoxLayout(plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        # One line of legend above each plot: a legend inside plots this small covers the points.
        plots_layout.addWidget(_legend_label([(MEASURED_COLOUR, "●", "measured (range over splits)"),
                                              (CEILING_COLOUR, "━━", "predicted"),
                                              (CURRENT_COLOUR, "╌╌", BASELINE_NAME)]))
        plots_layout.addWidget(self._majority_plot, 1)
        plots_layout.addWidget(_legend_label([(MEASURED_COLOUR, "●", "measured (95 % interval)"),
                                              (ACHIEVABLE_COLOUR, "━━", "predicted (95 % credible band)")]))
        plots_layout.addWidget(self._information_plot, 1)
        splitter = two_pane_splitter(Qt.Orientation.Horizontal, self._table, plots, stretch=(3, 2), sizes=(560, 380))

        layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self._status_label)
        layout.addWidget(self._summary_label)
        layout.addWidget(splitter, 1)
        display_settings().unit_changed.connect(self._on_units_unit_changed)
        self._update_controls()

    # ------------------------------------------------------------------ API
    @property
    def result(self) -> PilotValidation | None:
        """The last completed validation (None before one, or after the pilot changed)."""
        return self._result

    @property
    def is_running(self) -> bool:
        """True while a validation runs."""
        return self._runner.is_busy

    def set_pilot(self, dataset: PilotDataset | None, *, question: str | None = None, scale: str = "nominal") -> None:
        """Validate ``dataset`` (its ``question``, on the ``scale`` it is calibrated on) when asked;
        a running validation of another pilot stops and the old results go."""
        if dataset is self._dataset and question == self._question and scale == self._scale:
            return
        # The old pilot's run, if any, is stopped and its outcome never shown.
        self._runner.discard()
        self._dataset, self._question, self._scale = dataset, question, scale
        self._show_result(None)
        show_job_outcome(self._progress_bar, "", delivered=False)
        if dataset is None:
            self._status_label.setText("Choose a pilot with gold labels.")
        elif not dataset.for_question(question).has_gold:
            self._status_label.setText("This pilot has no gold labels: there is nothing to check predictions against.")
        else:
            self._status_label.setText("Validate to calibrate the model on a pilot of half the items and check its "
                                       "predictions on the other half.")
        self._status_label.setStyleSheet("")
        self._update_controls()

    def run(self) -> None:
        """Start a validation with the settings shown (the newest request wins)."""
        if self._dataset is None:
            return
        self._show_result(None)
        self._status_label.setStyleSheet("")
        self._status_label.setText("Validating…")
        self._progress_bar.setRange(0, 0)
        self._progress_bar.setFormat("Split %v of %m")
        self._runner.submit_now(self._dataset, question=self._question, splits=self._splits_spin.value(),
                                pilot_raters=self._pilot_spin.value(), seed=self._seed_spin.value(),
                                scale=self._scale, models=MODELS)
        self._update_controls()

    def cancel(self) -> None:
        """Ask the running validation to stop."""
        self._runner.cancel()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and watched in (self._splits_spin, self._pilot_spin, self._seed_spin)):
            watched.interpretText()
            if self._run_button.isEnabled():
                self.run()
            return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------- handlers
    def _on_run_button_clicked(self) -> None:
        self.run()

    def _on_stop_button_clicked(self) -> None:
        self.cancel()

    def _on_runner_busy(self, _busy: bool) -> None:
        self._update_controls()

    def _on_runner_progress_changed(self, done: int, total: int) -> None:
        show_job_progress(self._progress_bar, done, total)

    def _on_runner_result_ready(self, result: PilotValidation) -> None:
        show_job_outcome(self._progress_bar, "Done", delivered=True)
        protocol = result.validation
        self._status_label.setText(
            f"{protocol.splits} half-splits of {protocol.items:,} items with gold: {protocol.pilot_labels}-label pilots "
            f"on {protocol.items - protocol.half_b_items:,} items, predictions checked on {protocol.half_b_items:,} "
            f"({result.kind}; classes {', '.join(result.classes)}).")
        self._show_result(result)
        self._update_controls()
        self.finished.emit(result)

    def _on_runner_failed(self, error: BaseException) -> None:
        show_job_outcome(self._progress_bar, "Failed")
        self._status_label.setStyleSheet(ERROR_STYLE)
        self._status_label.setText(f"Cannot validate: {error}" if isinstance(error, AdvisorError)
                                   else f"Cannot validate: {type(error).__name__}: {error}")
        self._update_controls()

    def _on_runner_cancelled(self) -> None:
        show_job_outcome(self._progress_bar, "Stopped")
        self._status_label.setText("Stopped. Validate to start again.")
        self._update_controls()

    def _on_units_unit_changed(self, _unit: str) -> None:
        if self._result is not None:
            self._show_result(self._result)

    # ------------------------------------------------------------ refreshers
    @staticmethod
    def _spin(low: int, high: int, value: int, suffix: str, tooltip: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        spin.setToolTip(tooltip)
        spin.setKeyboardTracking(False)
        return spin

    def _update_controls(self) -> None:
        running = self._runner.is_busy
        usable = self._dataset is not None and self._dataset.for_question(self._question).has_gold
        self._run_button.setEnabled(usable and not running)
        self._stop_button.setEnabled(running)
        for spin in (self._splits_spin, self._pilot_spin, self._seed_spin):
            spin.setEnabled(not running)

    def _build_plots(self) -> None:
        unit = display_settings().unit
        style_plot(self._majority_plot.getPlotItem(), title="Majority-vote accuracy", x_label="raters per item r",
                   y_label="accuracy")
        style_plot(self._information_plot.getPlotItem(), title="Information of the r votes", x_label="raters per item r",
                   y_label=unit)
        # Graphics items made once and updated with setData.
        plot = self._majority_plot.getPlotItem()
        self._mv_range = pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0), top=np.zeros(0), bottom=np.zeros(0),
                                         beam=0.25, pen=pg.mkPen(MEASURED_COLOUR, width=1))
        plot.addItem(self._mv_range)
        self._mv_measured = plot.plot([], [], pen=None, symbol="o", symbolSize=6, symbolBrush=MEASURED_COLOUR,
                                      symbolPen=None, name="measured (range over splits)")
        self._mv_predicted = plot.plot([], [], pen=pg.mkPen(CEILING_COLOUR, width=2.2), name="predicted")
        self._mv_baseline = plot.plot([], [], pen=pg.mkPen(CURRENT_COLOUR, width=1.4, style=Qt.PenStyle.DashLine),
                                      name=BASELINE_NAME)
        plot = self._information_plot.getPlotItem()
        # The band's edges are drawn faintly: a fill between curves follows the curves' paths.
        edge = pg.mkPen(BAND_COLOUR[:3] + (90,), width=1)
        self._info_low = plot.plot([], [], pen=edge)
        self._info_high = plot.plot([], [], pen=edge)
        self._info_band = pg.FillBetweenItem(self._info_low, self._info_high, brush=pg.mkBrush(*BAND_COLOUR))
        plot.addItem(self._info_band)
        self._info_interval = pg.ErrorBarItem(x=np.zeros(0), y=np.zeros(0), top=np.zeros(0), bottom=np.zeros(0),
                                              beam=0.25, pen=pg.mkPen(MEASURED_COLOUR, width=1))
        plot.addItem(self._info_interval)
        self._info_measured = plot.plot([], [], pen=None, symbol="o", symbolSize=6, symbolBrush=MEASURED_COLOUR,
                                        symbolPen=None, name="measured (95 % interval)")
        self._info_predicted = plot.plot([], [], pen=pg.mkPen(ACHIEVABLE_COLOUR, width=2.2),
                                         name="predicted (95 % credible band)")
        self._empty_ranges()

    def _empty_ranges(self) -> None:
        """Before a validation: axes a user can read (r from 1, accuracy and information from 0),
        not the ±0.5 an empty autoranging plot shows; the data's own range follows with the result."""
        for widget in (self._majority_plot, self._information_plot):
            widget.getPlotItem().setRange(xRange=(1.0, 10.0), yRange=(0.0, 1.0), padding=0.02)

    def _show_result(self, result: PilotValidation | None) -> None:
        self._result = result
        units = display_settings()
        self._information_plot.getPlotItem().getAxis("left").setLabel(units.unit, color="#333333",
                                                                       **{"font-size": "10pt"})
        if result is None:
            self._table.setRowCount(0)
            self._summary_label.clear()
            for item in (self._mv_measured, self._mv_predicted, self._mv_baseline, self._info_low, self._info_high,
                         self._info_measured, self._info_predicted):
                item.setData([], [])
            for bars in (self._mv_range, self._info_interval):
                bars.setData(x=np.zeros(0), y=np.zeros(0), top=np.zeros(0), bottom=np.zeros(0))
            self._empty_ranges()
            return
        for widget in (self._majority_plot, self._information_plot):
            widget.getPlotItem().enableAutoRange()
        data = result.to_dict()
        rows = data["rows"]
        self._fill_table(rows, units)
        self._summary_label.setText(self.summary_text(result))
        r = np.array([row["r"] for row in rows], dtype=float)
        measured = np.array([row["empirical_majority"] for row in rows])
        low, high = majority_ranges(result)
        self._mv_range.setData(x=r, y=measured, top=high - measured, bottom=measured - low)
        self._mv_measured.setData(r, measured)
        self._mv_predicted.setData(r, [row["predicted_majority"] for row in rows])
        baseline = result.validation.models.get("baseline")
        self._mv_baseline.setData(*((r, [row.predicted_majority for row in baseline.rows]) if baseline else ([], [])))
        def convert(value_bits: float) -> float:
            return _shown(units, value_bits)

        info = np.array([convert(row["empirical_information_bits"]) for row in rows])
        ci = np.array([[convert(v) for v in row["information_ci_bits"]] for row in rows])
        self._info_interval.setData(x=r, y=info, top=ci[:, 1] - info, bottom=info - ci[:, 0])
        self._info_measured.setData(r, info)
        self._info_predicted.setData(r, [convert(row["predicted_information_bits"]) for row in rows])
        bands = [row.get("predicted_information_interval_bits") for row in rows]
        if all(band is not None for band in bands):
            self._info_low.setData(r, [convert(band[0]) for band in bands])
            self._info_high.setData(r, [convert(band[1]) for band in bands])
        else:
            self._info_low.setData([], [])
            self._info_high.setData([], [])

    def _fill_table(self, rows: list[dict[str, Any]], units) -> None:
        self._table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            low, high = (_shown(units, v) for v in row["information_ci_bits"])
            inside = low <= _shown(units, row["predicted_information_bits"]) <= high
            cells = [
                table_item(str(row["r"]), right=True),
                table_item(f"{row['empirical_majority']:.3f}", right=True),
                table_item(f"{row['predicted_majority']:.3f}", right=True),
                table_item(signed_text(100 * (row['predicted_majority'] - row['empirical_majority']), 1), right=True),
                table_item(f"{row['empirical_dawid_skene']:.3f}" + ("" if row["dawid_skene_identifiable"] else "*"),
                           right=True, tooltip="" if row["dawid_skene_identifiable"] else
                           "One label per item: Dawid–Skene cannot be identified; majority vote is shown"),
                table_item(f"{row['predicted_map']:.3f}", right=True),
                table_item(f"{_shown(units, row['empirical_information_bits']):.3f}", right=True),
                table_item(f"[{low:.3f}, {high:.3f}]", right=True,
                           tooltip="Mean over the splits of the 95 % jackknife interval over items"),
                table_item(f"{_shown(units, row['predicted_information_bits']):.3f}", right=True,
                           tooltip=f"Inside the interval in {row['information_coverage']:.0%} of the splits",
                           colour=None if inside else OUTSIDE_COLOUR),
                table_item(f"{row['floor']:.4f}", right=True,
                           tooltip=f"At or below the realised Dawid–Skene error in {row['floor_below_dawid_skene']:.0%} "
                                   f"of the splits (Dawid–Skene erred at all in {row['positive_floor_ceiling']:.0%})"),
            ]
            for column, item in enumerate(cells):
                self._table.setItem(index, column, item)

    @staticmethod
    def summary_text(result: PilotValidation) -> str:
        """The error summary under the controls (the text ``pilot validate`` prints, in words)."""
        data = result.to_dict()
        lines = [f"Majority-vote accuracy: mean error {100 * data['mean_abs_error_majority']:.2f} points, largest "
                 f"{100 * data['max_abs_error_majority']:.2f} (over r, means over the splits)"]
        baseline = data["other_models"].get("baseline")
        if baseline is not None:
            lines[0] += (f"; the {BASELINE_NAME}: {100 * baseline['mean_abs_error_majority']:.2f} and "
                         f"{100 * baseline['max_abs_error_majority']:.2f}")
        information = (f"Predicted information inside the measured 95 % interval in "
                       f"{data['information_ci_coverage']:.0%} of splits × r")
        if data.get("information_agreement") is not None:
            information += f", within both halves' noise in {data['information_agreement']:.0%}"
        lines.append(information)
        lines.append(f"Floor at or below the realised Dawid–Skene error in {data['floor_at_or_below_dawid_skene']:.0%} "
                     f"of splits × r (Dawid–Skene erred at all in {data['positive_floor_ceiling']:.0%}), at or below "
                     f"majority vote's error in {data['floor_at_or_below_majority']:.0%}")
        text = ".\n".join(lines) + "."
        if any(not row["dawid_skene_identifiable"] for row in data["rows"]):
            text += "\n* One label per item: Dawid–Skene cannot be identified, majority vote is shown."
        return text
