"""The scenario library: every stored scenario, searchable and sortable, with
its history.

The widget is a view of the :class:`~advisor.storage.store.ScenarioStore`: it creates,
duplicates, renames, deletes (softly, with undo), imports and exports stored
scenarios and restores old revisions, and tells its owner through signals so
the main window can open a scenario or reload the one being edited. It never
edits the scenario open in the editor.

Run ``python -m ui.panels.library`` to open it alone on a temporary database seeded
with the examples.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QSortFilterProxyModel,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QFont, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from advisor.errors import AdvisorError
from advisor.scenario.creation import blank_scenario, copy_name, free_name
from advisor.scenario.schema import Scenario, example_scenarios, load_scenario_file, save_scenario_file
from advisor.storage.store import ScenarioStore, ScenarioSummary, StoredScenario
from advisor.units import clip
from ui.core.file_dialogs import open_file_names, save_file_name
from ui.widgets.splitters import two_pane_splitter
from ui.widgets.tables import EndKeepingDelegate

LIST_LIMIT = 10_000
"""Scenarios listed at once; the store's page limit (a library is far smaller)."""

COLUMNS = ("Name", "Tags", "Updated")
"""The revision is in the history pane and the tooltip; the dock stays narrow."""

TAGS_COLUMN_MIN_WIDTH = 340
"""Below this library width (px) the Tags column is hidden, so that names get
the room (tags stay in the tooltip, the tag filter and the search)."""


HISTORY_TITLE_CHARS = 60
"""Longest scenario name the history's title shows whole (the whole name is its tooltip)."""
NAME_DIALOG_WIDTH = 520
"""Width of the dialogs that ask for a scenario name, px: room for a long name
(names have up to 200 characters) without scrolling inside the field."""


def ask_name(parent: QWidget, title: str, label: str, text: str) -> str | None:
    """Ask for a scenario name in a dialog wide enough to read it; None if cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(text)
    dialog.setMinimumWidth(NAME_DIALOG_WIDTH)
    dialog.resize(max(NAME_DIALOG_WIDTH, dialog.fontMetrics().horizontalAdvance(text) + 80), dialog.sizeHint().height())
    if not dialog.exec():
        return None
    return dialog.textValue()


def _local(moment: datetime) -> datetime:
    # SQLite hands back naive UTC times; PostgreSQL aware ones.
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    return aware.astimezone()


def format_time(moment: datetime) -> str:
    """A stored time in local time, e.g. ``"2025-03-14 09:26"``."""
    return _local(moment).strftime("%Y-%m-%d %H:%M")


def format_time_short(moment: datetime, now: datetime | None = None) -> str:
    """A compact local time for narrow columns: ``"14:05"`` today,
    ``"14 Mar"`` this year, ``"2024-03-14"`` before."""
    local = _local(moment)
    now = (now or datetime.now(timezone.utc)).astimezone()
    if local.date() == now.date():
        return local.strftime("%H:%M")
    if local.year == now.year:
        return f"{local.day} {local.strftime('%b')}"
    return local.strftime("%Y-%m-%d")


class _SummaryModel(QAbstractTableModel):
    """Stored scenarios as rows (one :class:`ScenarioSummary` each)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[ScenarioSummary] = []
        self.current_id: int | None = None
        """The scenario open in the editor, shown in bold."""

    def set_rows(self, rows: list[ScenarioSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def summary(self, row: int) -> ScenarioSummary:
        return self._rows[row]

    def row_of(self, stored_id: int) -> int | None:
        for row, summary in enumerate(self._rows):
            if summary.id == stored_id:
                return row
        return None

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        summary = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (summary.name, ", ".join(summary.tags), format_time_short(summary.updated))[column]
        if role == Qt.ItemDataRole.UserRole:
            # Sort keys: names without case, numbers as numbers, times as times.
            return (summary.name.lower(), ", ".join(summary.tags).lower(), _local(summary.updated).timestamp())[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = f"<b>{summary.name}</b>"
            if summary.notes_excerpt:
                tip += f"<br>{summary.notes_excerpt}"
            if summary.tags:
                tip += f"<br>tags: {', '.join(summary.tags)}"
            return tip + (f"<br>revision {summary.revision}, created {format_time(summary.created)},"
                          f" updated {format_time(summary.updated)}")
        if role == Qt.ItemDataRole.FontRole and summary.id == self.current_id:
            font = QFont()
            font.setBold(True)
            return font
        return None


class _LibraryFilterModel(QSortFilterProxyModel):
    """Filters by free text (name, tags, notes) and by one tag."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._text = ""
        self._tag: str | None = None
        self._found: dict[str, frozenset[int]] = {}
        self.setSortRole(Qt.ItemDataRole.UserRole)
        self.setDynamicSortFilter(True)

    def set_filter(self, text: str, tag: str | None, found: dict[str, frozenset[int]] | None = None) -> None:
        """Show the rows with ``tag`` (None: any) whose name, tags or notes hold every word of
        ``text``; ``found`` maps a word to the scenarios the store finds it in (in the whole notes,
        of which a row holds only the start)."""
        self.beginFilterChange()
        self._text = text.strip().lower()
        self._tag = tag
        self._found = found or {}
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent) -> bool:  # noqa: N802
        summary = self.sourceModel().summary(source_row)
        if self._tag is not None and self._tag not in summary.tags:
            return False
        if not self._text:
            return True
        haystack = " ".join((summary.name, " ".join(summary.tags), summary.notes_excerpt)).lower()
        return all(word in haystack or summary.id in self._found.get(word, ()) for word in self._text.split())


class DeleteScenarioCommand(QUndoCommand):
    """Soft-delete a stored scenario; undo brings it back."""

    def __init__(self, library: "ScenarioLibraryWidget", stored_id: int, name: str):
        super().__init__(f"delete {name!r}")
        self._library = library
        self._stored_id = stored_id

    def redo(self) -> None:
        self._library._apply_delete(self._stored_id)

    def undo(self) -> None:
        self._library._apply_undelete(self._stored_id)


class ScenarioLibraryWidget(QWidget):
    """Browse and manage the stored scenarios.

    Parameters
    ----------
    store
        The scenario store.
    parent
        Parent widget.

    The list's selection is the scenario open in the editor (see
    :meth:`set_current`): selecting another row asks to open it, and the
    history always shows the open scenario. A filter that hides it leaves no
    row selected rather than selecting another one.

    Signals
    -------
    open_requested(int)
        The user asked to open this stored scenario (selecting its row,
        double-click, Enter, Open, Return in the search box).
    new_blank_requested()
        The user asked for a new blank scenario (New): the owner decides when
        it is stored (:meth:`create_blank` stores one at once).
    scenario_created(int)
        A scenario was created here (new, duplicate, import).
    stored_changed(int)
        A stored scenario got a new revision here (rename, restore).
    scenario_deleted(int), scenario_undeleted(int)
        A scenario was deleted, or its deletion undone.

    Attributes
    ----------
    before_restore
        Called with the stored id before one of its revisions is restored; False cancels the
        restore. The owner asks there about unsaved edits of that scenario, which a restore would
        otherwise leave on top of a revision that is no longer the newest.
    """

    open_requested = Signal(int)
    new_blank_requested = Signal()
    scenario_created = Signal(int)
    stored_changed = Signal(int)
    scenario_deleted = Signal(int)
    scenario_undeleted = Signal(int)

    def __init__(self, store: ScenarioStore, parent: QWidget | None = None):
        super().__init__(parent)
        self._store = store
        self._found: dict[str, frozenset[int]] = {}  # search word -> the scenarios whose notes hold it
        self._undo_stack = QUndoStack(self)
        # True while the widget itself moves the selection (filtering, refresh,
        # set_current): only the user's selections ask to open a scenario.
        self._syncing = False
        self.before_restore: Callable[[int], bool] = lambda _stored_id: True
        self._build()
        self.refresh()

    # ------------------------------------------------------------ public API
    @property
    def undo_stack(self) -> QUndoStack:
        """Deletions, undoable (the main window adds it to its undo group)."""
        return self._undo_stack

    @property
    def table(self) -> QTableView:
        return self._view

    @property
    def search_field(self) -> QLineEdit:
        return self._search

    @property
    def history_table(self) -> QTableWidget:
        return self._history

    def visible_names(self) -> list[str]:
        """Names in the list as shown (filtered and sorted), top to bottom."""
        return [self._proxy.index(row, 0).data() for row in range(self._proxy.rowCount())]

    def selected_id(self) -> int | None:
        """The stored id of the selected scenario, or None."""
        rows = self._view.selectionModel().selectedRows()
        if not rows:
            return None
        return self._model.summary(self._proxy.mapToSource(rows[0]).row()).id

    def current_id(self) -> int | None:
        """The scenario open in the editor (see :meth:`set_current`)."""
        return self._model.current_id

    def select(self, stored_id: int) -> None:
        """Select a scenario in the list (clearing the filter if it hides it)."""
        row = self._model.row_of(stored_id)
        if row is None:
            return
        index = self._proxy.mapFromSource(self._model.index(row, 0))
        if not index.isValid():
            with self._quietly():
                self._search.clear()
                self._tag.setCurrentIndex(0)
            index = self._proxy.mapFromSource(self._model.index(row, 0))
        with self._quietly():
            self._view.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
        self._view.scrollTo(index)
        self._on_selection_changed()

    def set_current(self, stored_id: int | None) -> None:
        """Mark the scenario open in the editor (shown in bold), select it and
        show its history; None (a scenario not stored) clears the selection."""
        self._model.current_id = stored_id
        if stored_id is not None:
            self.select(stored_id)
        else:
            with self._quietly():
                self._view.selectionModel().clearSelection()
            self._on_selection_changed()
        self._view.viewport().update()

    def refresh(self) -> None:
        """Reload the list and the tags from the store, keeping the selection."""
        selected = self.selected_id()
        try:
            rows = self._store.list(limit=LIST_LIMIT)
            tags = self._store.tags()
        except AdvisorError as error:
            self._warn("The library cannot be read", error)
            return
        with self._quietly():
            self._model.set_rows(rows)
            self._found = {}  # the store's answers are of the rows read before
            self._update_tags(tags)  # filters the rows and counts them
        keep = self._model.current_id if self._model.current_id is not None else selected
        if keep is not None and self._model.row_of(keep) is not None:
            self.select(keep)
        self._update_history()

    def free_name(self, base: str) -> str:
        """``base``, or ``base (2)``, ``(3)``… when a stored scenario has that name."""
        return self._unique_name(base)

    def create_blank(self) -> int | None:
        """Store a new blank scenario; returns its id (None on failure)."""
        return self._create(blank_scenario(self._unique_name("Untitled scenario")), "created blank")

    def create_from_example(self, example: Scenario) -> int | None:
        """Store a copy of an example under a free name; returns its id."""
        return self._create(example.with_changes({"name": self._unique_name(example.name)}),
                            f"created from the example {example.name!r}")

    def create_from(self, scenario: Scenario, summary: str) -> int | None:
        """Store ``scenario`` (renamed if its name is taken); returns its id."""
        return self._create(scenario.with_changes({"name": self._unique_name(scenario.name)}), summary)

    def import_files(self, paths: list[str | Path]) -> list[int]:
        """Import scenario JSON files; returns the new ids. Problems are shown
        in one message that names each file."""
        created, problems = [], []
        for path in paths:
            try:
                scenario = load_scenario_file(path)
            except AdvisorError as error:
                problems.append(str(error) + _interface_config_hint(path))
                continue
            stored_id = self._create(scenario.with_changes({"name": self._unique_name(scenario.name)}),
                                     f"imported from {Path(path).name}", quiet=True, problems=problems)
            if stored_id is not None:
                created.append(stored_id)
        if problems:
            QMessageBox.warning(self, "Import", "Some files were not imported:\n\n" + "\n".join(problems))
        return created

    def export_selected(self, path: str | Path) -> bool:
        """Write the selected scenario as JSON to ``path``."""
        stored_id = self.selected_id()
        if stored_id is None:
            return False
        try:
            save_scenario_file(self._store.get(stored_id).scenario, path,
                               database_path=getattr(self._store, "database_path", None))
        except (AdvisorError, OSError) as error:
            self._warn("Export failed", error)
            return False
        return True

    def duplicate_selected(self) -> int | None:
        stored_id = self.selected_id()
        if stored_id is None:
            return None
        try:
            stored = self._store.get(stored_id)
        except AdvisorError as error:
            self._warn("Duplicate failed", error)
            return None
        return self._create(stored.scenario.with_changes({"name": self._unique_name(copy_name(stored.name))}),
                            f"duplicated from {stored.name!r}")

    def rename_selected(self, new_name: str | None = None) -> bool:
        """Rename the selected scenario (asks for the name when not given)."""
        stored_id = self.selected_id()
        if stored_id is None:
            return False
        old = self._model.summary(self._model.row_of(stored_id)).name
        if new_name is None:
            new_name = ask_name(self, "Rename scenario", "New name:", old)
            if new_name is None:
                return False
        new_name = new_name.strip()
        if not new_name or new_name == old:
            return False
        if not self._change_store("Rename failed", lambda: self._store.rename(stored_id, new_name)):
            return False
        self.stored_changed.emit(stored_id)
        return True

    def delete_selected(self) -> bool:
        """Delete the selected scenario (undoable from the undo stack)."""
        stored_id = self.selected_id()
        if stored_id is None:
            return False
        name = self._model.summary(self._model.row_of(stored_id)).name
        self._undo_stack.push(DeleteScenarioCommand(self, stored_id, name))
        return True

    def restore_revision(self, revision: int) -> bool:
        """Make an old revision of the scenario in the history its newest."""
        stored_id = self._history_id()
        if stored_id is None or not self.before_restore(stored_id):
            return False
        restored: list[StoredScenario] = []
        if not self._change_store("Restore failed", lambda: restored.append(self._store.restore(stored_id, revision))):
            return False
        if not restored[0].wrote_revision:
            current = restored[0]
            try:
                old_name = self._store.get_revision(stored_id, revision).name
            except AdvisorError:
                old_name = current.scenario.name
            if old_name != current.scenario.name:
                # A restore keeps the name, so a revision that differs only by its name changes nothing.
                text = (f"Revision {revision} holds the same design as the current one; only its name differs, "
                        f"and a restore keeps the current name “{current.scenario.name}”. Use Rename… to change "
                        "the name.")
            else:
                text = (f"Revision {revision} has the same content as the current revision {current.revision}; "
                        "nothing to restore.")
            QMessageBox.information(self, "Restore revision", text)
            return False
        self.stored_changed.emit(stored_id)
        return True

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self._model = _SummaryModel(self)
        self._proxy = _LibraryFilterModel(self)
        self._proxy.setSourceModel(self._model)

        self._search = QLineEdit()
        self._search.setPlaceholderText("Search names, tags, notes…")
        self._search.setClearButtonEnabled(True)
        self._search.textChanged.connect(self._on_filter_changed)
        self._search.installEventFilter(self)
        self._tag = QComboBox()
        self._tag.setToolTip("Show only scenarios with this tag")
        self._tag.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._tag.setMinimumContentsLength(8)
        self._tag.currentIndexChanged.connect(self._on_filter_changed)
        filters = QHBoxLayout()
        filters.addWidget(self._search, 3)
        filters.addWidget(self._tag, 2)

        self._view = QTableView()
        self._view.setModel(self._proxy)
        self._view.setSortingEnabled(True)
        self._view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self._view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._view.setAlternatingRowColors(True)
        # Two lines a row: long names ("Search relevance, 4-point scale, 3
        # assessors") stay readable in a narrow dock; a fixed height keeps a
        # long list cheap to lay out.
        self._view.setWordWrap(True)
        self._view.setTextElideMode(Qt.TextElideMode.ElideRight)
        # A name too long for its two lines keeps its end ("— optimised", "copy").
        self._name_delegate = EndKeepingDelegate(self._view)
        self._view.setItemDelegateForColumn(0, self._name_delegate)
        self._view.verticalHeader().setVisible(False)
        self._view.verticalHeader().setDefaultSectionSize(2 * self._view.fontMetrics().lineSpacing() + 8)
        header = self._view.horizontalHeader()
        # The name gets the room; tags are elided (the tooltip lists them all).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 90)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(36)
        self._view.doubleClicked.connect(self._on_view_double_clicked)
        self._view.activated.connect(self._on_view_double_clicked)
        self._view.selectionModel().selectionChanged.connect(self._on_selection_changed)

        new_button = QToolButton()
        new_button.setText("New")
        new_button.setToolTip("New blank scenario, or a copy of an example")
        new_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        new_menu = QMenu(new_button)
        new_menu.addAction("Blank scenario", self.new_blank_requested.emit)
        examples = new_menu.addMenu("From example")
        for example in example_scenarios():
            examples.addAction(example.name, lambda e=example: self.create_from_example(e))
        new_button.setMenu(new_menu)
        new_button.clicked.connect(self.new_blank_requested.emit)

        self._open_button = QPushButton("Open")
        self._open_button.setToolTip("Open the selected scenario in the editor (double-click)")
        self._open_button.clicked.connect(lambda: self._on_view_double_clicked(self._view.currentIndex()))
        self._duplicate_button = QPushButton("Duplicate")
        self._duplicate_button.clicked.connect(self.duplicate_selected)
        self._rename_button = QPushButton("Rename…")
        self._rename_button.clicked.connect(lambda: self.rename_selected())
        self._delete_button = QPushButton("Delete")
        self._delete_button.setToolTip("Delete the selected scenario (Undo delete brings it back)")
        self._delete_button.clicked.connect(self.delete_selected)
        self._undo_button = QPushButton("Undo delete")
        self._undo_button.setEnabled(False)
        self._undo_button.clicked.connect(self._undo_stack.undo)
        self._undo_stack.canUndoChanged.connect(self._undo_button.setEnabled)
        self._undo_stack.undoTextChanged.connect(
            lambda text: self._undo_button.setToolTip(f"Undo {text}" if text else "Nothing to undo")
        )
        import_button = QPushButton("Import…")
        import_button.setToolTip("Import scenario JSON files")
        import_button.clicked.connect(self._on_import_clicked)
        self._export_button = QPushButton("Export…")
        self._export_button.setToolTip("Export the selected scenario as JSON")
        self._export_button.clicked.connect(self._on_export_clicked)

        # Three buttons a row keep the library dock narrow (about 300 px).
        buttons = QGridLayout()
        buttons.setHorizontalSpacing(4)
        buttons.setVerticalSpacing(4)
        for index, widget in enumerate((new_button, self._open_button, self._duplicate_button, self._rename_button,
                                        self._delete_button, self._undo_button, import_button,
                                        self._export_button)):
            buttons.addWidget(widget, index // 3, index % 3)
        new_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        delete_action = QAction("Delete scenario", self)
        delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        delete_action.triggered.connect(self.delete_selected)
        self._view.addAction(delete_action)
        # F2 renames (an item view takes F2 as its own edit key before any shortcut sees it).
        self._view.installEventFilter(self)
        self._rename_button.setToolTip("Rename the selected scenario (F2)")

        self._count = QLabel()
        self._count.setStyleSheet("color: #607d8b;")

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addLayout(filters)
        top_layout.addWidget(self._view, 1)
        top_layout.addWidget(self._count)
        top_layout.addLayout(buttons)

        self._history_title = QLabel("History")
        self._history_title.setStyleSheet("font-weight: 600;")
        self._history_title.setWordWrap(True)
        self._history = QTableWidget(0, 3)
        self._history.setHorizontalHeaderLabels(("Rev.", "Saved", "Change"))
        self._history.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._history.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._history.verticalHeader().setVisible(False)
        self._history.setWordWrap(False)
        history_header = self._history.horizontalHeader()
        history_header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        history_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        history_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self._restore_button = QPushButton("Restore this revision")
        self._restore_button.setToolTip("Save the selected revision's content as the newest revision")
        self._restore_button.setEnabled(False)
        self._restore_button.clicked.connect(self._on_restore_clicked)
        self._history.itemSelectionChanged.connect(self._update_restore_button)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self._history_title)
        bottom_layout.addWidget(self._history, 1)
        restore_row = QHBoxLayout()
        restore_row.addStretch(1)
        restore_row.addWidget(self._restore_button)
        bottom_layout.addLayout(restore_row)

        splitter = two_pane_splitter(Qt.Orientation.Vertical, top, bottom, stretch=(3, 2))
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(splitter)
        self._update_buttons()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._view.setColumnHidden(1, self.width() < TAGS_COLUMN_MIN_WIDTH)

    # ------------------------------------------------------------ refreshing
    def _update_tags(self, tags: list[str]) -> None:
        current = self._tag.currentData()
        self._tag.blockSignals(True)
        self._tag.clear()
        self._tag.addItem("All tags", None)
        for tag in tags:
            self._tag.addItem(tag, tag)
        index = self._tag.findData(current) if current is not None else 0
        self._tag.setCurrentIndex(max(index, 0))
        self._tag.blockSignals(False)
        self._apply_filter()

    def _apply_filter(self) -> None:
        """The search box's words and the tag: a word is looked for in the whole notes too (the
        store's search, ids only), since a row holds only their first 160 characters. Should the
        database refuse, the words are looked for in the rows alone and the count says so."""
        text = self._search.text()
        failure = ""
        # Each word is asked once until the list is read again (a keystroke adds one word at most).
        for word in set(text.strip().lower().split()) - set(self._found):
            try:
                self._found[word] = self._store.ids_matching(word)
            except AdvisorError as error:
                failure = f"; the notes past their start were not searched: {error}"
                break
        self._proxy.set_filter(text, self._tag.currentData(), {} if failure else self._found)
        count, shown = self._model.rowCount(), self._proxy.rowCount()
        # Filtered, the count says how many of them the list shows (it said "12 scenarios" beside two rows).
        of = f"{shown} of " if shown != count else ""
        self._count.setText(f"{of}{count} scenario{'s' if count != 1 else ''}{failure}")

    def _update_history(self) -> None:
        # The history is of the open scenario when there is one (even if a
        # filter hides its row), else of the selected row.
        stored_id = self._history_id()
        self._history.setRowCount(0)
        if stored_id is None:
            self._history_title.setText("History")
            self._update_restore_button()
            return
        summary = self._model.summary(self._model.row_of(stored_id))
        # A long name (up to 200 characters) is cut: six wrapped lines squeezed the history table.
        self._history_title.setText(f"History of “{clip(summary.name, HISTORY_TITLE_CHARS)}”")
        self._history_title.setToolTip(summary.name)
        try:
            revisions = self._store.history(stored_id)
        except AdvisorError as error:
            self._history_title.setText(f"History unavailable: {error}")
            return
        newest_first = list(reversed(revisions))
        self._history.setRowCount(len(newest_first))
        for row, info in enumerate(newest_first):
            current = info.revision == summary.revision
            cells = (str(info.revision) + (" (current)" if current else ""), format_time(info.created), info.summary)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, info.revision)
                item.setToolTip(info.summary)
                self._history.setItem(row, column, item)
        self._update_restore_button()

    def _update_restore_button(self) -> None:
        items = self._history.selectedItems()
        stored_id = self._history_id()
        enabled = False
        if items and stored_id is not None:
            revision = items[0].data(Qt.ItemDataRole.UserRole)
            enabled = revision != self._model.summary(self._model.row_of(stored_id)).revision
        self._restore_button.setEnabled(enabled)

    def _update_buttons(self) -> None:
        has_selection = self.selected_id() is not None
        for button in (self._open_button, self._duplicate_button, self._rename_button, self._delete_button,
                       self._export_button):
            button.setEnabled(has_selection)

    # ------------------------------------------------------------ handlers
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._view and event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_F2:
            self.rename_selected()
            return True
        if watched is self._search and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key == Qt.Key.Key_Down and self._proxy.rowCount():
                self._view.setFocus()
                if not self._view.selectionModel().selectedRows():
                    self._view.setCurrentIndex(self._proxy.index(0, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._proxy.rowCount():
                rows = self._view.selectionModel().selectedRows()
                index = rows[0] if rows else self._proxy.index(0, 0)
                self._view.setFocus()
                self._on_view_double_clicked(index)
                return True
        return super().eventFilter(watched, event)

    def _on_filter_changed(self, *_: Any) -> None:
        with self._quietly():
            self._apply_filter()
            current = self._model.current_id
            row = self._model.row_of(current) if current is not None else None
            index = self._proxy.mapFromSource(self._model.index(row, 0)) if row is not None else QModelIndex()
            if index.isValid():
                self._view.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
            elif current is not None:
                # The open scenario is filtered out: select nothing rather than another scenario.
                self._view.selectionModel().clear()
        self._on_selection_changed()

    def _on_selection_changed(self, *_: Any) -> None:
        self._update_buttons()
        self._update_history()
        if self._syncing:
            return
        selected = self.selected_id()
        if selected is not None and self._model.current_id is not None and selected != self._model.current_id:
            # Selecting a row opens it: the list, the editor and the history show one scenario.
            self.open_requested.emit(selected)

    def _on_view_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self._model.summary(self._proxy.mapToSource(index).row()).id)

    def _on_import_clicked(self) -> None:
        paths = open_file_names(self, "Import scenarios", "", "Scenario JSON (*.json);;All files (*)")
        if paths:
            created = self.import_files(paths)
            if created:
                self.select(created[-1])

    def _on_export_clicked(self) -> None:
        stored_id = self.selected_id()
        if stored_id is None:
            return
        name = self._model.summary(self._model.row_of(stored_id)).name
        suggested = "".join(c if c.isalnum() or c in "-_ " else "_" for c in name).strip() or "scenario"
        path = save_file_name(self, "Export scenario", f"{suggested}.json", "Scenario JSON (*.json)")
        if path:
            self.export_selected(path)

    def _on_restore_clicked(self) -> None:
        items = self._history.selectedItems()
        if items:
            self.restore_revision(int(items[0].data(Qt.ItemDataRole.UserRole)))

    # ------------------------------------------------------------ internals
    def _history_id(self) -> int | None:
        current = self._model.current_id
        return current if current is not None and self._model.row_of(current) is not None else self.selected_id()

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """A context in which selection changes are the widget's own (no open request)."""
        previous, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = previous

    def _unique_name(self, base: str) -> str:
        try:
            taken = [summary.name for summary in self._store.list(limit=LIST_LIMIT)]
        except AdvisorError:
            taken = []
        return free_name(base, taken)

    def _create(self, scenario: Scenario, summary: str, *, quiet: bool = False,
                problems: list[str] | None = None) -> int | None:
        try:
            stored = self._store.create(scenario, summary=summary)
        except AdvisorError as error:
            if quiet and problems is not None:
                problems.append(f"{scenario.name}: {error}")
            else:
                self._warn("The scenario cannot be stored", error)
            return None
        self.refresh()
        self.select(stored.id)
        self.scenario_created.emit(stored.id)
        return stored.id

    def _apply_delete(self, stored_id: int) -> None:
        if self._change_store("Delete failed", lambda: self._store.delete(stored_id)):
            self.scenario_deleted.emit(stored_id)

    def _apply_undelete(self, stored_id: int) -> None:
        if self._change_store("Undo delete failed", lambda: self._store.undelete(stored_id)):
            self.select(stored_id)
            self.scenario_undeleted.emit(stored_id)

    def _change_store(self, failure_title: str, change: Callable[[], object]) -> bool:
        """Make one change in the store, then reload the list; a change the
        store refuses is shown in a message titled ``failure_title``.
        Returns whether the change was made."""
        try:
            change()
        except AdvisorError as error:
            self._warn(failure_title, error)
            return False
        self.refresh()
        return True

    def _warn(self, title: str, error: Exception) -> None:
        QMessageBox.warning(self, title, str(error))



INTERFACE_CONFIG_HINT = ("\n  It is markup, as a Label Studio labeling config is: File › New scenario from interface "
                         "config… makes a scenario of one.")
"""Said of a file Import… refused that starts with '<' (scenarios are JSON; interface configs have their own import)."""


def _interface_config_hint(path: str | Path) -> str:
    """:data:`INTERFACE_CONFIG_HINT` when the file's text starts with '<', else ``""`` (only its first
    kilobytes are read: the first character decides)."""
    try:
        with open(path, "rb") as handle:
            start = handle.read(4096)
    except OSError:
        return ""
    return INTERFACE_CONFIG_HINT if start.decode("utf-8", "replace").lstrip("\ufeff \t\r\n").startswith("<") else ""

if __name__ == "__main__":
    from ui.core.preview import preview_app, preview_store, run_preview

    preview_app()
    widget = ScenarioLibraryWidget(preview_store())
    widget.open_requested.connect(lambda stored_id: widget.setWindowTitle(f"Open requested: {stored_id}"))
    widget.new_blank_requested.connect(widget.create_blank)
    run_preview(widget, title="Scenario library", size=(520, 760))
