"""Compare saved scenarios: inputs and results side by side, differences
highlighted, their risk curves overlaid.

Checking scenarios in the list evaluates them off the GUI thread (a
:class:`~ui.core.workers.LatestJobRunner`: the newest selection wins); the table
and the four overlay plots update when all are done. A scenario shown already
is not evaluated again unless its numbers changed: a new name, tags or notes
(:meth:`~advisor.scenario.schema.Scenario.same_numbers`) only relabel it.

Run ``python -m ui.panels.compare`` to open it alone on a temporary database seeded
with the examples (the first three are checked).
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
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
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from advisor.errors import AdvisorError
from advisor.progress import ProgressCallback, keeps_going, require
from advisor.scenario.comparison import input_rows, partial_groups
from advisor.scenario.schema import Scenario
from advisor.storage.store import ScenarioStore
from advisor.units import counted, money
from ui.widgets.labels import SECONDARY_TEXT_COLOUR, WrappingLabel
from ui.widgets.plots import CURVE_ORDER, CurveOverlayPlotWidget, overlay_legend_label, series_colour
from ui.widgets.splitters import two_pane_splitter
from ui.widgets.tables import FrozenFirstColumn
from ui.core.settings import display_settings
from ui.core.workers import LatestJobRunner

if TYPE_CHECKING:
    from advisor.evaluation.results import Evaluation

SELECTION_DELAY_MS = 150
"""Checking several boxes in a row starts one evaluation, not one per click."""
DIFFERENCE_BRUSH = QColor("#fff3cd")
SECTION_BRUSH = QColor("#eceff1")
LIST_LIMIT = 10_000
FIELD_COLUMN_WIDTHS = (160, 260)
"""Least and most width of the field names' column (px)."""
VALUE_COLUMN_WIDTHS = (160, 480)
"""Least and most width of a scenario's column (px): wide enough for the verdict and a tag list in
full; a longer text (notes) is cut at the most and shown whole in its tooltip."""


@dataclass(frozen=True)
class ComparedScenario:
    """One column of the comparison."""

    stored_id: int
    name: str
    scenario: Scenario
    evaluation: Evaluation


def evaluate_compared(items: Sequence[tuple[int, str, Scenario]], known: Mapping[int, Evaluation], *,
                      progress: ProgressCallback | None = None) -> list[ComparedScenario]:
    """The columns of a comparison (for a worker thread).

    Parameters
    ----------
    items
        ``(stored id, name, scenario)`` of each scenario, in column order.
    known
        Evaluations at hand by stored id (of scenarios with the same numbers):
        these scenarios are not evaluated again.
    progress
        ``progress(done, total)`` over the scenarios (:mod:`advisor.progress`).

    Raises
    ------
    advisor.errors.Cancelled
        When ``progress`` returned False: a partial comparison is of no use.
    """
    from advisor.evaluation.evaluate import evaluate

    compared = []
    for done, (stored_id, name, scenario) in enumerate(items):
        require(keeps_going(progress, done, len(items)))
        evaluation = known[stored_id] if stored_id in known else evaluate(scenario)
        compared.append(ComparedScenario(stored_id, name, scenario, evaluation))
    return compared


SAVED_REVISION_NOTE = "(saved revision)"
"""Under the name of a compared scenario that is open with edits not saved."""


def _header_text(name: str) -> str:
    short = textwrap.shorten(name, 84, placeholder="…")
    return "\n".join(textwrap.wrap(short, 28, break_on_hyphens=False))


def _items_text(evaluation: Evaluation) -> str:
    needed = evaluation.items_needed
    if needed.at_least is None:
        return "none suffices"
    at_most = "—" if needed.at_most is None else f"{needed.at_most:,}"
    # "≈—" read as an approximate dash: a count that does not exist is the dash alone.
    estimate = "—" if needed.estimate is None else f"≈{needed.estimate:,}"
    return f"{needed.at_least:,} · {estimate} · {at_most}"


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
        self._compared: list[ComparedScenario] = []
        self._differing_groups: list[str] = []  # the group of each row that differs, for the count
        self._columns: tuple[int, ...] = ()  # the stored ids of the table's value columns
        self._edited_id: int | None = None  # the open scenario, while it has edits not saved
        # Each compared scenario keeps its colour while others come and go (by stored id).
        self._colour_of: dict[int, int] = {}
        self._runner = LatestJobRunner(evaluate_compared, self, debounce_ms=SELECTION_DELAY_MS)
        self._runner.result_ready.connect(self._on_runner_result_ready)
        self._runner.failed.connect(self._on_runner_failed)
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

    @property
    def plots_hint(self) -> QLabel:
        """What the plots' place says while fewer than two scenarios are compared."""
        return self._plots_hint

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
        self._update_comparison()

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
        self._update_comparison()

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self._list = QListWidget()
        self._list.setMinimumWidth(220)
        self._list.setWordWrap(True)
        self._list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._list.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self._list.itemChanged.connect(self._on_list_item_changed)
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

        # Wrapped: "2 scenarios; 21 rows differ, and 28 rows of questions or contexts not in every
        # scenario (highlighted)" on one line made the window's least width 1,335 px.
        self._status = WrappingLabel("Check two or more scenarios.")
        self._status.setStyleSheet(f"color: {SECONDARY_TEXT_COLOUR};")
        self._only_differences = QCheckBox("Only rows that differ")
        self._only_differences.toggled.connect(lambda _checked: self._update_table())
        self._table = QTableWidget(0, 0)
        self._table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self._table.setWordWrap(False)
        self._table.verticalHeader().setDefaultSectionSize(22)
        self._table.verticalHeader().setVisible(False)
        self._table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # With several scenarios the table scrolls sideways; the fields' names stay in view.
        self._frozen = FrozenFirstColumn(self._table)
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

        # Until two scenarios are compared the plots' place says how to fill it (empty axes from 0
        # to 1 would show nothing and look like a failed comparison).
        self._plots_hint = QLabel("Check two or more scenarios on the left: their curves (risk against items, "
                                  "target complexity, raters and time per item) are overlaid here, one colour each.")
        self._plots_hint.setWordWrap(True)
        self._plots_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._plots_hint.setStyleSheet(f"color: {SECONDARY_TEXT_COLOUR}; padding: 24px;")
        self._plots_stack = QStackedWidget()
        self._plots_stack.addWidget(self._plots_hint)
        self._plots_stack.addWidget(plots)

        right = two_pane_splitter(Qt.Orientation.Vertical, table_box, self._plots_stack, stretch=(1, 1),
                                  sizes=(400, 520))
        splitter = two_pane_splitter(Qt.Orientation.Horizontal, left, right, stretch=(0, 1), sizes=(260, 1000))
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
            self._differing_groups = []
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
        self._differing_groups = []
        # Long names wrap onto up to three header lines instead of being cut.
        self._table.setHorizontalHeaderLabels(["Field"] + [_header_text(c.name) for c in compared])
        for column, item in enumerate(compared, start=1):
            header = self._table.horizontalHeaderItem(column)
            header.setForeground(QBrush(QColor(series_colour(self._colour_of[item.stored_id]))))
            header.setToolTip(item.name)
            if item.stored_id == self._edited_id:
                # The library's copy: the open design's edits are not in it until they are saved.
                header.setText(header.text() + "\n" + SAVED_REVISION_NOTE)
                header.setToolTip(f"{item.name}\nThe saved revision: the open design has edits not saved yet, "
                                  "which this column does not show.")
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
            if differs:
                self._differing_groups.append(entry[0])
            for column, text in enumerate([label, *values]):
                cell = QTableWidgetItem(text)
                # The whole text, also where a narrow column cuts it.
                cell.setToolTip(f"{text}\n(differs between the scenarios)" if differs else text)
                if differs:
                    cell.setBackground(QBrush(DIFFERENCE_BRUSH))
                    if column > 0:
                        cell.setFont(bold)
                self._table.setItem(row, column, cell)
        self._fit_columns()
        # Other scenarios start at the fields' column (an offset kept from a wider table reopened it
        # on values without their labels); the same ones, rebuilt after a save elsewhere, a unit
        # switch or the differences filter, stay where the user scrolled.
        columns = tuple(c.stored_id for c in compared)
        if columns != self._columns:
            self._columns = columns
            self._table.horizontalScrollBar().setValue(0)
        self._frozen.refresh()
        self._legend.setText(overlay_legend_label([c.name for c in compared], self._colours()))

    def set_edited(self, stored_id: int | None) -> None:
        """Mark the column of ``stored_id`` (the open scenario while it has unsaved edits; None: no
        such scenario) as the saved revision: Compare reads the library, not the editor."""
        if stored_id != self._edited_id:
            self._edited_id = stored_id
            if self._compared:
                self._update_table()

    def _fit_columns(self) -> None:
        """Each column as wide as its longest text within its limits (``FIELD_COLUMN_WIDTHS``,
        ``VALUE_COLUMN_WIDTHS``), so a verdict or a list of tags is read whole rather than cut;
        with many scenarios the table scrolls sideways instead of cutting every column."""
        for column in range(self._table.columnCount()):
            low, high = FIELD_COLUMN_WIDTHS if column == 0 else VALUE_COLUMN_WIDTHS
            self._table.resizeColumnToContents(column)
            self._table.setColumnWidth(column, min(max(self._table.columnWidth(column), low), high))

    def _update_plots(self) -> None:
        names = [c.name for c in self._compared]
        self._plots_stack.setCurrentIndex(1 if names else 0)
        for name, plot in self._plots.items():
            drawn = [c for c in self._compared if name in c.evaluation.curves]
            plot.set_curves([c.name for c in drawn], [c.evaluation.curves[name] for c in drawn],
                            [self._colour_of[c.stored_id] for c in drawn])

    def differing_labels(self) -> list[str]:
        """Labels of the rows whose values differ (highlighted), in table order."""
        labels = []
        for row in range(self._table.rowCount()):
            cell = self._table.item(row, 0)
            if cell is not None and cell.background().color() == DIFFERENCE_BRUSH:
                labels.append(cell.text())
        return labels

    def _differences_text(self) -> str:
        """How many rows differ, with the rows of a question or context that not every scenario has
        counted apart: each of those differs by being absent, and they made "107 rows differ"."""
        partial = partial_groups([c.scenario for c in self._compared])
        absent = sum(group in partial for group in self._differing_groups)
        differing = len(self._differing_groups) - absent
        text = f"{counted(differing, 'row')} {'differs' if differing == 1 else 'differ'}"
        if absent:
            text += f", and {counted(absent, 'row')} of questions or contexts not in every scenario"
        return text

    def _update_comparison(self) -> None:
        """Compare the checked scenarios: at once when their numbers are known, else after a job."""
        ids = self.checked_ids()
        if len(ids) < 2:
            self._runner.discard()
            self._show([], "Check two or more scenarios to compare them.")
            return
        try:
            items = [(i, stored.name, stored.scenario) for i in ids for stored in [self._store.get(i)]]
        except AdvisorError as error:
            self._runner.discard()
            self._status.setText(f"Cannot read a scenario: {error}")
            return
        shown = {c.stored_id: c for c in self._compared}
        known = {stored_id: shown[stored_id].evaluation for stored_id, _, scenario in items
                 if stored_id in shown and shown[stored_id].scenario.same_numbers(scenario)}
        if len(known) == len(items):
            # Renamed, retagged or reordered: nothing to evaluate, only the labels to show.
            self._runner.discard()
            self._show([ComparedScenario(i, name, scenario, known[i]) for i, name, scenario in items])
            return
        self._status.setText(f"Evaluating {len(items) - len(known)} scenario(s)…")
        self._runner.submit(items, known)

    def _colours(self) -> list[int]:
        """The colour index of each compared scenario, in column order."""
        return [self._colour_of[c.stored_id] for c in self._compared]

    def _show(self, compared: list[ComparedScenario], status: str | None = None) -> None:
        # A scenario no longer compared frees its colour; a new one takes the first free colour.
        shown = {c.stored_id for c in compared}
        self._colour_of = {i: colour for i, colour in self._colour_of.items() if i in shown}
        for item in compared:
            if item.stored_id not in self._colour_of:
                taken = set(self._colour_of.values())
                self._colour_of[item.stored_id] = next(n for n in range(len(taken) + 1) if n not in taken)
        self._compared = compared
        self._update_table()
        if status is None:
            status = f"{len(compared)} scenarios; {self._differences_text()} (highlighted)."
        self._status.setText(status)
        self._update_plots()
        self.comparison_ready.emit()

    # ------------------------------------------------------------ handlers
    def _on_list_item_changed(self, _item: QListWidgetItem) -> None:
        self._update_comparison()

    def _on_runner_result_ready(self, compared: list[ComparedScenario]) -> None:
        self._show(compared)

    def _on_runner_failed(self, error: BaseException) -> None:
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
