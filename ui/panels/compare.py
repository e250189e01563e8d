"""Compare saved scenarios: inputs and results side by side, differences
highlighted, their risk curves overlaid.

Checking scenarios in the list evaluates them in the thread pool (a
generation counter drops the results of an older selection); the table and the
four overlay plots update when all are done.

Run ``python -m ui.panels.compare`` to open it alone on a temporary database seeded
with the examples (the first three are checked).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from advisor.errors import AdvisorError
from advisor.scenario.schema import Scenario
from advisor.storage.store import ScenarioStore
from advisor.scenario.fields import field_help
from advisor.units import money
from ui.widgets.plots import CURVE_ORDER, CurveOverlayPlotWidget, overlay_legend_label, series_colour
from ui.core.settings import display_settings
from ui.core.workers import WorkerHandle, run_in_pool

if TYPE_CHECKING:
    from advisor.evaluation.evaluate import Evaluation

SELECTION_DELAY_MS = 150
"""Checking several boxes in a row starts one evaluation, not one per click."""
DIFFERENCE_BRUSH = QColor("#fff3cd")
SECTION_BRUSH = QColor("#eceff1")
LIST_LIMIT = 10_000


@dataclass(frozen=True)
class ComparedScenario:
    """One column of the comparison."""

    stored_id: int
    name: str
    scenario: Scenario
    evaluation: Evaluation


def _evaluate_all(items: Sequence[tuple[int, str, Scenario]]) -> list[ComparedScenario]:
    from advisor.evaluation.evaluate import evaluate

    return [ComparedScenario(stored_id, name, scenario, evaluate(scenario)) for stored_id, name, scenario in items]


def _header_text(name: str) -> str:
    short = textwrap.shorten(name, 84, placeholder="…")
    return "\n".join(textwrap.wrap(short, 28, break_on_hyphens=False))


def _text(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) >= 1e6 else f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_text(v) for v in value) or "—"
    return str(value)


def _label(path: str) -> str:
    try:
        return field_help(path).label
    except KeyError:
        return path.rsplit(".", 1)[-1].replace("_", " ")


def input_rows(scenarios: Sequence[Scenario]) -> list[tuple[str, str, list[str]]]:
    """The inputs of several scenarios aligned by meaning.

    Scalars are aligned by field; contexts and questions by name (a question
    missing from a scenario shows "—").

    Returns
    -------
    list of (group, label, values)
        One row per field, one value (as text) per scenario.
    """
    rows: list[tuple[str, str, list[str]]] = [("Scenario", "Tags", [_text(s.tags) for s in scenarios])]
    for group, title in (("target", "Target"), ("raters", "Raters"), ("campaign", "Campaign"), ("bounds", "Bounds")):
        keys = list(type(getattr(scenarios[0], group)).model_fields)
        for key in keys:
            rows.append((title, _label(f"{group}.{key}"), [_text(getattr(getattr(s, group), key)) for s in scenarios]))
    for group, title in (("contexts", "Context"), ("questions", "Question")):
        names: list[str] = []
        for scenario in scenarios:
            for part in getattr(scenario, group):
                if part.name not in names:
                    names.append(part.name)
        for name in names:
            parts = [next((p for p in getattr(s, group) if p.name == name), None) for s in scenarios]
            present = next(p for p in parts if p is not None)
            for key in type(present).model_fields:
                if key == "name":
                    continue
                values = []
                for part in parts:
                    if part is None:
                        values.append("—")
                    elif key == "format":
                        values.append(part.format.label())
                    elif key == "time_share" and part.time_share is None:
                        values.append("auto")
                    else:
                        values.append(_text(getattr(part, key)))
                rows.append((f"{title} “{name}”", _label(f"{group}.*.{key}"), values))
    return rows


def _items_text(evaluation: Evaluation) -> str:
    needed = evaluation.items_needed
    if needed.at_least is None:
        return "none suffice"
    at_most = "—" if needed.at_most is None else f"{needed.at_most:,}"
    estimate = "—" if needed.estimate is None else f"{needed.estimate:,}"
    return f"{needed.at_least:,} · ≈{estimate} · {at_most}"


def result_rows(evaluations: Sequence[Evaluation], unit: str) -> list[tuple[str, str, list[str]]]:
    """The headline results of several evaluations, information in ``unit``."""
    from advisor.evaluation.evaluate import VERDICT_WORDS

    convert = display_settings().convert
    rows = [
        ("Results", f"Capacity C̄ ({unit}/item)", [f"{convert(e.capacity_nats):.3f}" for e in evaluations]),
        ("Results", f"Capacity needed ({unit}/item)", [f"{convert(e.capacity_needed_nats):.3f}" for e in evaluations]),
        ("Results", "Risk floor (exact)", [f"{e.floor:.4f}" for e in evaluations]),
        ("Results", "Risk floor (paper)", [f"{e.floor_paper:.4f}" for e in evaluations]),
        ("Results", "Achievable risk", [f"{e.achievable:.4f}" for e in evaluations]),
        ("Results", "Label error per item", [f"{e.label_error:.4f}" for e in evaluations]),
        ("Results", "Items needed (value model)", [_items_text(e) for e in evaluations]),
        ("Results", "Risk ceiling", [f"{e.ceiling:.4f} ({e.ceiling_form})" for e in evaluations]),
        ("Results", "Cost", [money(e.cost, e.currency) for e in evaluations]),
        ("Results", "Rater-hours", [f"{e.rater_hours:,.0f}" for e in evaluations]),
        ("Results", "Verdict", [VERDICT_WORDS[e.verdict] for e in evaluations]),
    ]
    return rows


class CompareWidget(QWidget):
    """Pick two or more stored scenarios and compare them.

    Parameters
    ----------
    store
        The scenario store.
    parent
        Parent widget.

    Signals
    -------
    comparison_ready()
        The table and plots show the checked scenarios.
    """

    comparison_ready = Signal()

    def __init__(self, store: ScenarioStore, parent: QWidget | None = None):
        super().__init__(parent)
        self._store = store
        self._units = display_settings()
        self._generation = 0
        self._handle: WorkerHandle | None = None
        self._compared: list[ComparedScenario] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SELECTION_DELAY_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._build()
        self._units.unit_changed.connect(self._on_units_unit_changed)
        self.refresh()

    # ------------------------------------------------------------ public API
    @property
    def table(self) -> QTableWidget:
        return self._table

    @property
    def compared(self) -> list[ComparedScenario]:
        """The scenarios shown, in column order."""
        return list(self._compared)

    def plot(self, name: str) -> CurveOverlayPlotWidget:
        """The overlay plot of one curve (``"items"``, ``"log2_m"``, ``"raters"``, ``"seconds"``)."""
        return self._plots[name]

    def refresh(self) -> None:
        """Reload the list of stored scenarios, keeping the checks."""
        checked = set(self.checked_ids())
        try:
            summaries = self._store.list(order_by="name", descending=False, limit=LIST_LIMIT)
        except AdvisorError as error:
            self._status.setText(f"The library cannot be read: {error}")
            return
        self._list.blockSignals(True)
        self._list.clear()
        for summary in summaries:
            item = QListWidgetItem(summary.name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if summary.id in checked else Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, summary.id)
            item.setToolTip(summary.notes_excerpt or summary.name)
            self._list.addItem(item)
        self._list.blockSignals(False)
        self._timer.start()

    def checked_ids(self) -> list[int]:
        return [
            int(self._list.item(row).data(Qt.ItemDataRole.UserRole))
            for row in range(self._list.count())
            if self._list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def set_checked(self, stored_ids: Sequence[int]) -> None:
        """Check exactly these scenarios (and compare them)."""
        wanted = set(stored_ids)
        self._list.blockSignals(True)
        for row in range(self._list.count()):
            item = self._list.item(row)
            state = Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted else Qt.CheckState.Unchecked
            item.setCheckState(state)
        self._list.blockSignals(False)
        self._timer.start()

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self._list = QListWidget()
        self._list.setMinimumWidth(220)
        self._list.setWordWrap(True)
        self._list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self._list.itemChanged.connect(lambda _item: self._timer.start())
        refresh = QPushButton("Reload list")
        refresh.clicked.connect(self.refresh)
        clear = QPushButton("Uncheck all")
        clear.clicked.connect(lambda: self.set_checked([]))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Scenarios to compare")
        title.setStyleSheet("font-weight: 600;")
        left_layout.addWidget(title)
        left_layout.addWidget(self._list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(refresh)
        buttons.addWidget(clear)
        left_layout.addLayout(buttons)

        self._status = QLabel("Check two or more scenarios.")
        self._status.setStyleSheet("color: #546e7a;")
        self._only_differences = QCheckBox("Only rows that differ")
        self._only_differences.toggled.connect(lambda _checked: self._update_table())
        self._table = QTableWidget(0, 0)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self._table.setWordWrap(False)
        self._table.verticalHeader().setDefaultSectionSize(22)
        self._table.verticalHeader().setVisible(False)
        self._table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table_box = QWidget()
        table_layout = QVBoxLayout(table_box)
        table_layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(self._status, 1)
        header.addWidget(self._only_differences)
        table_layout.addLayout(header)
        table_layout.addWidget(self._table, 1)

        plots = QWidget()
        grid = QGridLayout(plots)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(6)
        self._legend = QLabel()
        self._legend.setWordWrap(True)
        grid.addWidget(self._legend, 0, 0, 1, 2)
        self._plots = {name: CurveOverlayPlotWidget(name) for name in CURVE_ORDER}
        for index, plot in enumerate(self._plots.values()):
            grid.addWidget(plot, 1 + index // 2, index % 2)
        grid.setRowStretch(1, 1)
        grid.setRowStretch(2, 1)

        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(table_box)
        right.addWidget(plots)
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 1)
        right.setSizes([400, 520])
        right.setChildrenCollapsible(False)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 1000])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

    # ------------------------------------------------------------ refreshing
    def _update_table(self) -> None:
        compared = self._compared
        self._table.clear()
        self._table.clearSpans()
        if not compared:
            self._table.setRowCount(0)
            self._table.setColumnCount(0)
            self._legend.setText("")
            return
        scenarios = [c.scenario for c in compared]
        rows = result_rows([c.evaluation for c in compared], self._units.unit) + input_rows(scenarios)
        if self._only_differences.isChecked():
            rows = [row for row in rows if len(set(row[2])) > 1]
        # A bold section row starts each group (Results, Target, a question …).
        layout: list[tuple[str, str, list[str]] | str] = []
        previous = None
        for group, label, values in rows:
            if group != previous:
                layout.append(group)
                previous = group
            layout.append((group, label, values))
        self._table.setColumnCount(1 + len(compared))
        self._table.setRowCount(len(layout))
        # Long names wrap onto up to three header lines instead of being cut.
        self._table.setHorizontalHeaderLabels(["Field"] + [_header_text(c.name) for c in compared])
        for column, item in enumerate(compared, start=1):
            header = self._table.horizontalHeaderItem(column)
            header.setForeground(QBrush(QColor(series_colour(column - 1))))
            header.setToolTip(item.name)
            font = header.font()
            font.setBold(True)
            header.setFont(font)
        bold = QFont()
        bold.setBold(True)
        for row, entry in enumerate(layout):
            if isinstance(entry, str):
                cell = QTableWidgetItem(entry)
                cell.setFont(bold)
                cell.setBackground(QBrush(SECTION_BRUSH))
                self._table.setItem(row, 0, cell)
                self._table.setSpan(row, 0, 1, 1 + len(compared))
                continue
            _, label, values = entry
            differs = len(set(values)) > 1
            for column, text in enumerate([label, *values]):
                cell = QTableWidgetItem(text)
                if differs:
                    cell.setBackground(QBrush(DIFFERENCE_BRUSH))
                    cell.setToolTip("differs between the scenarios")
                    if column > 0:
                        cell.setFont(bold)
                self._table.setItem(row, column, cell)
        self._table.resizeColumnToContents(0)
        self._table.setColumnWidth(0, min(max(self._table.columnWidth(0), 160), 260))
        for column in range(1, self._table.columnCount()):
            self._table.setColumnWidth(column, 210)
        self._legend.setText(overlay_legend_label([c.name for c in compared]))

    def _update_plots(self) -> None:
        names = [c.name for c in self._compared]
        for name, plot in self._plots.items():
            plot.set_curves(names, [c.evaluation.curves[name] for c in self._compared if name in c.evaluation.curves])

    def differing_labels(self) -> list[str]:
        """Labels of the rows whose values differ (highlighted), in table order."""
        labels = []
        for row in range(self._table.rowCount()):
            cell = self._table.item(row, 0)
            if cell is not None and cell.background().color() == DIFFERENCE_BRUSH:
                labels.append(cell.text())
        return labels

    # ------------------------------------------------------------ handlers
    def _on_timer_timeout(self) -> None:
        ids = self.checked_ids()
        self._generation += 1
        generation = self._generation
        if len(ids) < 2:
            self._compared = []
            self._status.setText("Check two or more scenarios to compare them.")
            self._update_table()
            self._update_plots()
            self.comparison_ready.emit()
            return
        try:
            items = [(i, stored.name, stored.scenario) for i in ids for stored in [self._store.get(i)]]
        except AdvisorError as error:
            self._status.setText(f"Cannot read a scenario: {error}")
            return
        self._status.setText(f"Evaluating {len(items)} scenarios…")
        self._handle = run_in_pool(
            _evaluate_all, items,
            on_result=lambda result: self._on_worker_result(generation, result),
            on_error=lambda error: self._on_worker_error(generation, error),
            context=self,
        )

    def _on_worker_result(self, generation: int, compared: list[ComparedScenario]) -> None:
        if generation != self._generation:
            return
        self._compared = compared
        self._update_table()
        self._status.setText(f"{len(compared)} scenarios; {len(self.differing_labels())} rows differ (highlighted).")
        self._update_plots()
        self.comparison_ready.emit()

    def _on_worker_error(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self._status.setText(f"Evaluation failed: {error}")

    def _on_units_unit_changed(self, _unit: str) -> None:
        self._update_table()


if __name__ == "__main__":
    from ui.core.preview import preview_app, preview_store, run_preview

    preview_app()
    compare_store = preview_store()
    widget = CompareWidget(compare_store)
    widget.set_checked([s.id for s in compare_store.list(order_by="name", descending=False)][:3])
    run_preview(widget, title="Compare scenarios", size=(1300, 860))
