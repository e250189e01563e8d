"""The main window: library, editor and live results, recommendations and
comparison, with the menus that tie them together (and the dialogs for
reports, interface configs, pilots and the export protocol).

One :class:`~advisor.scenario.state.ScenarioState` is the scenario being edited. The
editor writes into it (with undo), the results and recommendations read from
it, and this window moves it between the store and the editor: open, save
(with the stale-revision conflict resolved by the user), save as, import and
export. Unsaved edits are marked in the title, autosaved as a draft while the
user pauses, offered back after a crash, and never dropped without asking.

Run ``python -m ui.main_window`` to open the window on a temporary database
seeded with the examples.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from advisor.errors import AdvisorError, ScenarioNotFoundError, StaleRevisionError
from advisor.scenario.creation import blank_scenario, copy_name
from advisor.scenario.drafts import Draft, find_drafts
from advisor.scenario.schema import Scenario, example_scenarios, save_scenario_file
from advisor.scenario.state import ScenarioState
from advisor.storage.store import ScenarioStore, StoredScenario
from ui.core.file_dialogs import open_file_name, save_file_name
from ui.core.application import freeze_start_up_objects
from ui.core.bindings import connect_to_widget
from ui.panels.compare import CompareWidget
from ui.core.drafts import DraftKeeper
from ui.panels.editor import ScenarioEditorWidget
from ui.dialogs.help_dialogs import AboutDialog, MethodDialog
from ui.panels.library import ScenarioLibraryWidget, ask_name, format_time
from ui.panels.results import ResultsWidget
from ui.core.settings import APP_NAME, data_dir, display_settings, ui_settings
from ui.core.undo import ScenarioEditCommand
from ui.widgets.labels import SECONDARY_TEXT_COLOUR
from ui.widgets.splitters import two_pane_splitter

if TYPE_CHECKING:
    from ui.panels.compromise import CompromiseWidget
    from ui.panels.recommendations import RecommendationsWidget
    from ui.panels.xy_plot import XYPlotWidget

SETTINGS_GROUP = "main_window"
EDITOR_MIN_WIDTH = 360
"""Narrowest editor pane, px: with the library dock and the results it keeps
the window usable on a 1280-pixel-wide screen (the hints go under the inputs)."""
EDITOR_WIDTH = 540
"""The editor's width in a window up to 1350 px wide, px: its tables' columns in view."""
EDITOR_SHARE = 0.4
"""The editor's share of a wider window's width, until the user moves the handle beside it: at
1920 px its 768 px put the range hints beside the inputs and every column of its tables in view
(at 540 px the hints stood under the inputs and four examples' questions tables scrolled sideways,
while all the width beyond went to the plots)."""
DESIGN_TAB, RECOMMENDATIONS_TAB, COMPARE_TAB = 0, 1, 2
FIRST_SIZE = (1560, 940)
"""The window's size at its first start, px, on a screen with room for it and its frame."""
FRAME_ROOM = (16, 48)
"""Room left on the screen for the window manager's frame and title bar, px (width, height)."""


def first_window_size(available_width: int, available_height: int) -> tuple[int, int, bool]:
    """The window's size at its first start on a screen whose free area is ``available_width`` ×
    ``available_height`` px (the desktop less panels), and whether to open maximised.

    :data:`FIRST_SIZE` where it fits with :data:`FRAME_ROOM` to spare; else the free area less the frame's
    room, maximised (on a 1280 × 800 screen the 1560 × 940 window ran past its right and bottom edges,
    with the cards and the second column of plots out of sight)."""
    width, height = FIRST_SIZE
    room_width, room_height = available_width - FRAME_ROOM[0], available_height - FRAME_ROOM[1]
    if width <= room_width and height <= room_height:
        return width, height, False
    return max(1, min(width, room_width)), max(1, min(height, room_height)), True
# The recommendations tab and the dialogs of reports, interface configs,
# pilots and the export protocol are imported when first opened: they load
# scipy's optimisers, matplotlib, reportlab and the pilot statistics, which
# the window's first paint does not need.


def ask_stale_resolution(parent: QWidget, error: StaleRevisionError) -> str:
    """Ask what to do when the stored scenario moved on since this edit began.

    Returns
    -------
    str
        ``"reload"`` (drop these edits, load the stored revision),
        ``"save_as_new"`` (keep both: store these edits as a new scenario) or
        ``"cancel"``.
    """
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("The scenario was changed elsewhere")
    box.setText(f"“{error.name}” was saved elsewhere (now revision {error.current_revision}) after you "
                f"started editing revision {error.base_revision}.")
    box.setInformativeText("Reload the stored revision (your edits here are dropped), or save your edits "
                           "as a new scenario so that both versions are kept.")
    reload_button = box.addButton("Reload stored", QMessageBox.ButtonRole.DestructiveRole)
    save_as_button = box.addButton("Save as new…", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(save_as_button)
    box.exec()
    clicked = box.clickedButton()
    if clicked is reload_button:
        return "reload"
    if clicked is save_as_button:
        return "save_as_new"
    return "cancel"


class MainWindow(QMainWindow):
    """The application window.

    Parameters
    ----------
    store
        The scenario store.
    parent
        Parent widget (None for a top-level window).
    scenario_id
        Open this stored scenario; by default the one open when the app last
        closed, else the most recently updated.
    recover_drafts
        Offer to recover autosaved drafts once the event loop runs.
    """

    def __init__(self, store: ScenarioStore, parent: QWidget | None = None, *, scenario_id: int | None = None,
                 recover_drafts: bool = True):
        super().__init__(parent)
        self._store = store
        self._units = display_settings()
        self._creating = False
        self._method_dialog: MethodDialog | None = None
        self._protocol_dock: QDockWidget | None = None
        self._xy_plot_dock: QDockWidget | None = None
        self._compromise_dock: QDockWidget | None = None
        # A new blank scenario is stored at its first edit; until then it is this one.
        self._pristine_blank: Scenario | None = None
        stored = self._initial_scenario(scenario_id)
        if stored is None:
            self._pristine_blank = blank_scenario("Untitled scenario")
            self._state = ScenarioState(self._pristine_blank)
        else:
            self._state = ScenarioState(stored.scenario, stored_id=stored.id, revision=stored.revision)
        self._undo_group = QUndoGroup(self)
        self._editor_stack = QUndoStack(self)
        self._undo_group.addStack(self._editor_stack)
        self._undo_group.setActiveStack(self._editor_stack)
        self._drafts = DraftKeeper(self._state, data_dir() / "drafts", parent=self)
        self._build()
        self._build_menus()
        self._restore_layout()
        # Once the first evaluation with curves is on screen, what start-up made is exempt from the
        # garbage collector's full passes (a 140 ms stop of the window every few dozen edits otherwise).
        self._results.updated.connect(self._on_results_first_update)
        connect_to_widget(self._state.changed, self._on_state_changed, self)
        connect_to_widget(self._state.dirty_changed, self._on_state_dirty_changed, self)
        connect_to_widget(self._state.identity_changed, self._on_state_identity_changed, self)
        self._editor.refused_value_shown.connect(self._on_editor_refused_value_shown)
        QApplication.instance().focusChanged.connect(self._on_app_focus_changed)
        self._units.unit_changed.connect(self._on_units_unit_changed)
        self._update_title()
        self._library.set_current(self._state.stored_id)
        if recover_drafts:
            QTimer.singleShot(0, self.offer_draft_recovery)

    # ------------------------------------------------------------ public API
    @property
    def state(self) -> ScenarioState:
        return self._state

    @property
    def store(self) -> ScenarioStore:
        return self._store

    @property
    def editor(self) -> ScenarioEditorWidget:
        return self._editor

    @property
    def results(self) -> ResultsWidget:
        return self._results

    @property
    def library(self) -> ScenarioLibraryWidget:
        return self._library

    @property
    def compare(self) -> CompareWidget:
        """The Compare tab's widget (built on first use)."""
        return self._ensure_tab(COMPARE_TAB)

    @property
    def recommendations(self) -> RecommendationsWidget:
        """The Recommendations tab's widget (built on first use)."""
        return self._ensure_tab(RECOMMENDATIONS_TAB)

    @property
    def xy_plot(self) -> XYPlotWidget:
        """The X–Y plot panel (built and shown on first use)."""
        return self._xy_plot_panel().widget()

    @property
    def compromise(self) -> CompromiseWidget:
        """The compromise panel: a fixed budget split between raters and items (built on first use)."""
        return self._compromise_panel().widget()

    @property
    def tabs(self) -> QTabWidget:
        return self._tabs

    @property
    def undo_stack(self) -> QUndoStack:
        """The editor's undo stack (Edit → Undo when the editor has focus)."""
        return self._editor_stack

    @property
    def drafts(self) -> DraftKeeper:
        return self._drafts

    def action(self, name: str) -> QAction:
        """A menu action by name: ``new``, ``open``, ``save``, ``save_as``,
        ``export_json``, ``undo``, ``redo``, ``units``, ``method``, ``about``, …"""
        return self._actions[name]

    def open_scenario(self, stored_id: int, *, ask: bool = True) -> bool:
        """Edit a stored scenario, asking first about unsaved changes.

        Returns
        -------
        bool
            True when it is now open.
        """
        if stored_id == self._state.stored_id and not self._state.dirty:
            self._library.set_current(stored_id)
            return True
        if ask and not self.maybe_keep_changes():
            return False
        try:
            stored = self._store.get(stored_id)
        except AdvisorError as error:
            QMessageBox.warning(self, "Open scenario", str(error))
            return False
        self._load(stored)
        return True

    def maybe_keep_changes(self) -> bool:
        """Ask whether to save unsaved changes. True means "go ahead" (they
        were saved or discarded), False "stay" (cancelled, or the save failed).

        A refused value the editor still shows (a red cell) is an unsaved change too: it is asked
        about, and Save stays on it (see :meth:`save`)."""
        self._editor.commit_pending()
        refused = self._editor.refused_value()
        if not refused and (not self._state.dirty or self._is_pristine_blank()):
            return True
        # Save stops at a refused value (see save): the question says so rather than promise the rest.
        not_valid = (f"\n\nNot valid, so Save stops at it until an allowed value replaces it (Discard drops "
                     f"it with the other edits): {refused}") if refused else ""
        answer = QMessageBox.question(
            self, "Unsaved changes",
            f"“{self._state.scenario.name}” has unsaved changes. Save them before going on?{not_valid}",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self._drafts.discard()
            return True
        return False

    def save(self) -> bool:
        """Save the edits as a new revision. Returns True when they are stored.

        Nothing is saved while the editor shows a value it refused: the save would store the
        scenario's value in its place, unseen. The message names the field and its range, and the
        value gets the keyboard."""
        if self._state.stored_id is None or self._state.revision is None:
            return self.save_as()  # which checks for a refused value itself
        if self._refused_value_blocks_saving():
            return False
        try:
            stored = self._store.save(self._state.scenario, stored_id=self._state.stored_id,
                                      base_revision=self._state.revision)
        except StaleRevisionError as error:
            choice = ask_stale_resolution(self, error)
            if choice == "reload":
                self._drafts.discard()
                return self.open_scenario(self._state.stored_id, ask=False)
            if choice == "save_as_new":
                return self.save_as(copy_name(self._state.scenario.name, " (my edits)"))
            return False
        except ScenarioNotFoundError:
            # Deleted meanwhile (here or elsewhere): store the edits anew.
            return self.save_as(self._state.scenario.name)
        except AdvisorError as error:
            QMessageBox.warning(self, "Save failed", str(error))
            return False
        self._state.mark_saved(stored.id, stored.revision)
        self._after_store_write(stored.id)
        self.statusBar().showMessage(f"Saved “{stored.name}” as revision {stored.revision}", 5000)
        return True

    def _refused_value_blocks_saving(self) -> bool:
        """Whether the editor shows a value it refused (after committing what is typed): then nothing is
        saved, since the scenario's own value would be stored in its place, unseen. The message names the
        field and its range, and the value gets the keyboard."""
        self._editor.commit_pending()
        refused = self._editor.refused_value()
        if not refused:
            return False
        QMessageBox.warning(self, "Not saved",
                            f"“{self._state.scenario.name}” is not saved: {refused.rstrip('.')}.\n\n"
                            "Enter an allowed value there first; it is selected.")
        self._editor.focus_refused_value()
        return True

    def save_as(self, name: str | None = None) -> bool:
        """Store the edits as a new scenario (asks for a name when not given); nothing while the editor
        shows a value it refused, as :meth:`save`."""
        if self._refused_value_blocks_saving():
            return False
        if name is None:
            name = ask_name(self, "Save as new scenario", "Name:", copy_name(self._state.scenario.name, " (copy)"))
            if name is None:
                return False
        try:
            scenario = self._state.scenario.with_changes({"name": name})
            stored = self._store.create(scenario, summary="saved as a new scenario")
        except AdvisorError as error:
            QMessageBox.warning(self, "Save as failed", str(error))
            return False
        self._drafts.discard()
        self._load(stored)
        self._after_store_write(stored.id)
        self.statusBar().showMessage(f"Saved as “{stored.name}”", 5000)
        return True

    def offer_draft_recovery(self) -> bool:
        """Offer the newest autosaved draft left by a crash. Returns True when
        one was recovered."""
        for draft in find_drafts(self._drafts.directory):
            stored = self._stored_or_none(draft.stored_id)
            if stored is not None and (draft.scenario == stored.scenario or not draft.newer_than(stored.updated)):
                draft.path.unlink(missing_ok=True)
                continue
            answer = QMessageBox.question(
                self, "Recover unsaved changes?",
                f"Unsaved changes to “{draft.scenario.name}”, autosaved {format_time(draft.saved_at)}, were found "
                "(the app did not close normally). Recover them?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Discard,
                QMessageBox.StandardButton.Yes,
            )
            if answer != QMessageBox.StandardButton.Yes:
                draft.path.unlink(missing_ok=True)
                continue
            self._recover(draft, stored)
            return True
        return False

    # ------------------------------------------------------------ building
    def _initial_scenario(self, scenario_id: int | None) -> StoredScenario | None:
        candidates: list[int] = []
        if scenario_id is not None:
            candidates.append(scenario_id)
        last = ui_settings().value(f"{SETTINGS_GROUP}/last_scenario_id")
        if last is not None and str(last).isdigit():
            candidates.append(int(last))
        for stored_id in candidates:
            stored = self._stored_or_none(stored_id)
            if stored is not None:
                return stored
        newest = self._store.list(limit=1)
        if newest:
            return self._store.get(newest[0].id)
        return None  # an empty library: a blank scenario, stored at its first edit

    def _build(self) -> None:
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks)
        self._editor = ScenarioEditorWidget(self._state, self._editor_stack)
        self._editor.setMinimumWidth(EDITOR_MIN_WIDTH)
        self._results = ResultsWidget(self._state)
        # The form keeps its width when the window changes size (its tables'
        # columns stay in view); the plots take or give the difference. Until
        # the user moves the handle the form's width follows the window's
        # (_fit_design_to_window).
        self._design = two_pane_splitter(Qt.Orientation.Horizontal, self._editor, self._results, stretch=(0, 1))
        self._design.setObjectName("design_splitter")
        self._design_fits_window = False
        self._design.splitterMoved.connect(self._on_design_splitter_moved)

        # The tabs behind Design are built when first shown: their plots and
        # the optimiser's modules would otherwise delay the first paint.
        self._tab_widgets: dict[int, QWidget] = {}
        self._tabs = QTabWidget()
        self._tabs.setDocumentMode(True)
        self._tabs.addTab(self._design, "Design")
        for title in ("Recommendations", "Compare"):
            holder = QWidget()
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self._tabs.addTab(holder, title)
        self._tabs.currentChanged.connect(self._on_tabs_current_changed)
        self.setCentralWidget(self._tabs)

        self._library = ScenarioLibraryWidget(self._store)
        self._undo_group.addStack(self._library.undo_stack)
        self._library.open_requested.connect(self._on_library_open_requested)
        self._library.new_blank_requested.connect(self._on_new_triggered)
        self._library.scenario_created.connect(self._on_library_scenario_created)
        self._library.stored_changed.connect(self._on_library_stored_changed)
        self._library.scenario_deleted.connect(self._on_library_scenario_deleted)
        self._library.scenario_undeleted.connect(self._on_library_scenario_undeleted)
        self._library.before_restore = self._keep_changes_before_restore
        self._library_dock = QDockWidget("Library", self)
        self._library_dock.setObjectName("library_dock")
        self._library_dock.setWidget(self._library)
        self._library_dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                                       | QDockWidget.DockWidgetFeature.DockWidgetClosable
                                       | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self._library_dock)

        self._revision_label = QLabel()
        self._revision_label.setStyleSheet(f"color: {SECONDARY_TEXT_COLOUR}; padding: 0 6px;")
        self._unit_label = QLabel()
        self._unit_label.setStyleSheet(f"color: {SECONDARY_TEXT_COLOUR}; padding: 0 6px;")
        self.statusBar().addPermanentWidget(self._revision_label)
        self.statusBar().addPermanentWidget(self._unit_label)

    def _build_menus(self) -> None:
        self._actions: dict[str, QAction] = {}

        def add(menu, name: str, text: str, slot, shortcut=None, tip: str = "") -> QAction:
            action = QAction(text, self)
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            if tip:
                action.setStatusTip(tip)
                action.setToolTip(tip)
            action.triggered.connect(slot)
            menu.addAction(action)
            self._actions[name] = action
            return action

        file_menu = self.menuBar().addMenu("&File")
        add(file_menu, "new", "&New blank scenario", self._on_new_triggered, QKeySequence.StandardKey.New,
            "Create a scenario with default values")
        examples = file_menu.addMenu("New from &example")
        for example in example_scenarios():
            examples.addAction(example.name, lambda e=example: self._create_and_open(
                lambda: self._library.create_from_example(e)))
        add(file_menu, "new_from_interface", "New scenario from &interface config…", self._on_new_from_interface,
            tip="Map a labeling interface's config (Label Studio, Argilla, SageMaker Ground Truth) to a scenario")
        file_menu.addSeparator()
        add(file_menu, "open", "&Open / import JSON…", self._on_open_triggered, QKeySequence.StandardKey.Open,
            "Import a scenario JSON file into the library and open it")
        add(file_menu, "save", "&Save", self.save, QKeySequence.StandardKey.Save, "Save the edits as a new revision")
        add(file_menu, "save_as", "Save &as…", lambda: self.save_as(), QKeySequence("Ctrl+Shift+S"),
            "Store the edits as a new scenario")
        add(file_menu, "export_json", "&Export JSON…", self._on_export_json_triggered,
            tip="Write the scenario being edited to a JSON file")
        add(file_menu, "export_report", "Export &report…", self._on_export_report_triggered, QKeySequence("Ctrl+E"),
            "Write a report (HTML, Markdown, PDF, JSON, CSV) of stored scenarios")
        file_menu.addSeparator()
        add(file_menu, "quit", "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit_menu = self.menuBar().addMenu("&Edit")
        undo = self._undo_group.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self._undo_group.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence.StandardKey.Redo, QKeySequence("Ctrl+Y")])
        edit_menu.addAction(undo)
        edit_menu.addAction(redo)
        self._actions["undo"], self._actions["redo"] = undo, redo
        edit_menu.addSeparator()
        add(edit_menu, "find", "&Find in library", self._on_find_triggered, QKeySequence.StandardKey.Find)

        view_menu = self.menuBar().addMenu("&View")
        units = add(view_menu, "units", "Show information in &nats (not bits)", self._on_units_action_toggled,
                    QKeySequence("Ctrl+B"), "Switch every capacity between bits and nats")
        units.setCheckable(True)
        units.setChecked(self._units.unit == "nats")
        units.triggered.disconnect()
        units.toggled.connect(self._on_units_action_toggled)
        view_menu.addSeparator()
        library_action = self._library_dock.toggleViewAction()
        library_action.setShortcut(QKeySequence("Ctrl+L"))
        view_menu.addAction(library_action)
        self._actions["library"] = library_action
        add(view_menu, "protocol", "Export &protocol", self._on_protocol_triggered,
            tip="Every report and export written, with file checks")
        add(view_menu, "xy_plot", "&X–Y plot for a range of values…", self._on_xy_plot_triggered,
            QKeySequence("Ctrl+4"),
            "Sweep one design value and plot floor, achievable risk, ceiling, items needed and cost against it")
        add(view_menu, "compromise", "&Compromise: raters per item or items…", self._on_compromise_triggered,
            QKeySequence("Ctrl+5"), "Split a fixed budget between raters per item and items, every way, and plot it")
        view_menu.addSeparator()
        for index, name in enumerate(("Design", "Recommendations", "Compare")):
            add(view_menu, f"tab_{name.lower()}", f"&{name}", lambda _=False, i=index: self._tabs.setCurrentIndex(i),
                QKeySequence(f"Ctrl+{index + 1}"))

        tools_menu = self.menuBar().addMenu("&Tools")
        add(tools_menu, "pilot", "&Calibrate from pilot…", self._on_pilot_triggered,
            tip="Estimate rater parameters from pilot labels and apply them to this scenario")

        help_menu = self.menuBar().addMenu("&Help")
        add(help_menu, "method", "&Method", self._on_method_triggered, QKeySequence.StandardKey.HelpContents,
            "The formulas behind every number")
        add(help_menu, "about", "&About", self._on_about_triggered)

    # ------------------------------------------------------------ layout memory
    def _restore_layout(self) -> None:
        settings = ui_settings()
        settings.beginGroup(SETTINGS_GROUP)
        geometry = settings.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            screen = (self.screen() or QApplication.primaryScreen()).availableGeometry()
            width, height, maximised = first_window_size(screen.width(), screen.height())
            self.resize(width, height)
            if maximised:
                # Shown maximised (show() keeps the state set before it); unmaximised, it keeps the size above.
                self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)
        state = settings.value("state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        # Splitters are restored once the window has its final size (see
        # showEvent): restored earlier, a resize redistributes their sizes.
        self._splitter_states = {key: settings.value(key) for key in
                                 ("design_splitter", "library_splitter", "compare_splitter")}
        # Whether the form still followed the window's width when the window closed.
        self._design_fitted_on_close = settings.value("design_fits_window", False, type=bool)
        tab = settings.value("tab")
        if tab is not None and str(tab).isdigit() and int(tab) < self._tabs.count():
            self._tabs.setCurrentIndex(int(tab))
        settings.endGroup()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        old, new = event.oldSize().width(), event.size().width()
        if 0 < new < old and not self._library_dock.isFloating() and self._library_dock.isVisible():
            # A narrower window takes from the library first, down to a fifth of
            # the window (at least 240 px): the form's tables and the plots
            # need the width more than the scenario names do.
            fifth = max(240, new // 5)
            if self._library_dock.width() > fifth:
                self.resizeDocks([self._library_dock], [fifth], Qt.Orientation.Horizontal)
        if new != old and self._design_fits_window:
            self._fit_design_to_window()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._splitter_states is not None:
            # After this event the window's layout takes its final size.
            QTimer.singleShot(0, self._restore_splitters)

    def _restore_splitters(self) -> None:
        if self._splitter_states is None:
            return
        states, self._splitter_states = self._splitter_states, None
        splitters = {"design_splitter": self._design, "library_splitter": self._library.splitter}
        if COMPARE_TAB in self._tab_widgets:
            splitters["compare_splitter"] = self._tab_widgets[COMPARE_TAB].splitter
        else:
            self._compare_splitter_state = states.get("compare_splitter")
        for key, splitter in splitters.items():
            value = states.get(key)
            if isinstance(value, QByteArray) and not value.isEmpty():
                splitter.restoreState(value)
                if key == "design_splitter":
                    # A handle the user never moved: the form goes on following the window.
                    self._design_fits_window = self._design_fitted_on_close
            elif key == "design_splitter":
                # First run: a library of a fifth of the window (240 to 420 px), the
                # editor its share of the window, the rest for the results.
                self.resizeDocks([self._library_dock], [max(240, min(420, self.width() // 5))],
                                 Qt.Orientation.Horizontal)
                self._fit_design_to_window()

    def _fit_design_to_window(self) -> None:
        """Give the editor :data:`EDITOR_SHARE` of the window's width, at least :data:`EDITOR_WIDTH`
        (the results take the rest), and keep doing so as the window changes size until the user
        moves the handle."""
        width = max(EDITOR_WIDTH, round(EDITOR_SHARE * self.width()))
        self._design.setSizes([width, max(sum(self._design.sizes()) - width, 600)])
        self._design_fits_window = True

    def _on_design_splitter_moved(self, _position: int, _index: int) -> None:
        self._design_fits_window = False

    def save_layout(self) -> None:
        """Remember the window geometry, docks, splitters, tab and scenario."""
        settings = ui_settings()
        settings.beginGroup(SETTINGS_GROUP)
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("state", self.saveState())
        settings.setValue("design_splitter", self._design.saveState())
        settings.setValue("design_fits_window", self._design_fits_window)
        settings.setValue("library_splitter", self._library.splitter.saveState())
        if COMPARE_TAB in self._tab_widgets:
            settings.setValue("compare_splitter", self._tab_widgets[COMPARE_TAB].splitter.saveState())
        settings.setValue("tab", self._tabs.currentIndex())
        if self._state.stored_id is not None:
            settings.setValue("last_scenario_id", self._state.stored_id)
        settings.endGroup()
        settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if not self.maybe_keep_changes():
            event.ignore()
            return
        self.save_layout()
        if not self._state.dirty:
            self._drafts.discard()
        event.accept()

    # ------------------------------------------------------------ refreshing
    def _update_title(self) -> None:
        # A refused value the editor shows is an edit not saved, as the scenario's own are.
        unsaved = self._state.dirty or self._editor.shows_refused_value
        self.setWindowTitle(f"{self._state.scenario.name}[*] — {APP_NAME}")
        self.setWindowModified(unsaved)
        if self._state.stored_id is None:
            text = "not stored yet"
        else:
            text = f"revision {self._state.revision}" + (" + unsaved edits" if unsaved else "")
        self._revision_label.setText(text)
        self._unit_label.setText(f"information in {self._units.unit} (Ctrl+B)")

    # ------------------------------------------------------------ internals
    def _stored_or_none(self, stored_id: int | None) -> StoredScenario | None:
        if stored_id is None:
            return None
        try:
            return self._store.get(int(stored_id))
        except AdvisorError:
            return None

    def _load(self, stored: StoredScenario) -> None:
        self._pristine_blank = None
        self._state.load(stored.scenario, stored_id=stored.id, revision=stored.revision)
        # Commands refer to the scenario they edited: undo must not cross into another.
        self._editor_stack.clear()
        self._library.set_current(stored.id)
        settings = ui_settings()
        settings.setValue(f"{SETTINGS_GROUP}/last_scenario_id", stored.id)

    def _recover(self, draft: Draft, stored: StoredScenario | None) -> None:
        if stored is not None:
            base = draft.base_revision if draft.base_revision is not None else stored.revision
            base_scenario = stored.scenario
            if base != stored.revision:
                try:
                    base_scenario = self._store.get_revision(stored.id, base)
                except AdvisorError:
                    base, base_scenario = stored.revision, stored.scenario
            self._state.load(base_scenario, stored_id=stored.id, revision=base)
            self._editor_stack.clear()
            self._library.set_current(stored.id)
            self._editor_stack.push(ScenarioEditCommand(self._state, base_scenario, draft.scenario,
                                                        "Recover autosaved draft"))
        else:
            self._state.load(draft.scenario)
            self._editor_stack.clear()
        if draft.path.exists() and draft.path != self._drafts.flush():
            draft.path.unlink(missing_ok=True)
        self.statusBar().showMessage(f"Recovered the autosaved edits of “{draft.scenario.name}”", 8000)

    def _ensure_tab(self, index: int) -> QWidget:
        """The widget of a lazily built tab, building it on first use."""
        if index in self._tab_widgets:
            return self._tab_widgets[index]
        if index == RECOMMENDATIONS_TAB:
            from ui.panels.recommendations import RecommendationsWidget

            widget: QWidget = RecommendationsWidget(self._state, self._store, evaluation=self._results.evaluation)
            widget.scenario_created.connect(self._on_recommendations_scenario_created)
            # The analysis reuses the live results' evaluation of the same scenario rather than evaluate it again.
            self._results.headline_updated.connect(widget.use_evaluation)
            self._results.updated.connect(widget.use_evaluation)
        elif index == COMPARE_TAB:
            widget = CompareWidget(self._store)
            widget.set_edited(self._state.stored_id if self._state.dirty else None)
            state = getattr(self, "_compare_splitter_state", None)
            if isinstance(state, QByteArray) and not state.isEmpty():
                widget.splitter.restoreState(state)
        else:
            return self._tabs.widget(index)
        self._tab_widgets[index] = widget
        self._tabs.widget(index).layout().addWidget(widget)
        return widget

    def _refresh_compare(self) -> None:
        if COMPARE_TAB in self._tab_widgets:
            self._tab_widgets[COMPARE_TAB].refresh()

    def _after_store_write(self, stored_id: int) -> None:
        self._library.refresh()
        self._library.set_current(stored_id)
        self._refresh_compare()

    def _create_and_open(self, create) -> None:
        """Ask about unsaved changes, then create a scenario and open it."""
        if not self.maybe_keep_changes():
            return
        self._creating = True
        try:
            stored_id = create()
        finally:
            self._creating = False
        if stored_id is not None:
            self.open_scenario(stored_id, ask=False)
            self._refresh_compare()

    # ------------------------------------------------------------ handlers
    def _on_tabs_current_changed(self, index: int) -> None:
        self._ensure_tab(index)

    def _on_results_first_update(self, _evaluation) -> None:
        self._results.updated.disconnect(self._on_results_first_update)
        freeze_start_up_objects()

    def _on_state_changed(self, scenario: Scenario) -> None:
        if self._pristine_blank is not None and self._state.stored_id is None and scenario != self._pristine_blank:
            self._store_first_edit(scenario)
        self._update_title()

    def _on_state_dirty_changed(self, _dirty: bool) -> None:
        self._update_title()
        self._mark_edited_in_compare()

    def _on_editor_refused_value_shown(self, _shown: bool) -> None:
        self._update_title()

    def _on_state_identity_changed(self, _stored_id, _revision) -> None:
        self._update_title()
        self._mark_edited_in_compare()

    def _mark_edited_in_compare(self) -> None:
        """Compare shows the library's revisions: the open scenario's column says so while it has edits."""
        if COMPARE_TAB in self._tab_widgets:
            self._tab_widgets[COMPARE_TAB].set_edited(self._state.stored_id if self._state.dirty else None)

    def _on_units_unit_changed(self, unit: str) -> None:
        action = self._actions["units"]
        action.blockSignals(True)
        action.setChecked(unit == "nats")
        action.blockSignals(False)
        self._update_title()

    def _on_units_action_toggled(self, checked: bool) -> None:
        self._units.set_unit("nats" if checked else "bits")

    def _on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        # Edit → Undo follows the focus: library deletions or scenario edits.
        if new is None:
            return
        if self._library.isAncestorOf(new):
            self._undo_group.setActiveStack(self._library.undo_stack)
        elif self.isAncestorOf(new):
            self._undo_group.setActiveStack(self._editor_stack)

    def _on_library_open_requested(self, stored_id: int) -> None:
        if not self.open_scenario(stored_id):
            # Stayed (cancelled): the list goes back to the scenario in the editor.
            self._library.set_current(self._state.stored_id)

    def _on_library_scenario_created(self, stored_id: int) -> None:
        self._refresh_compare()
        if not self._creating:
            self.open_scenario(stored_id)

    def _on_library_stored_changed(self, stored_id: int) -> None:
        """The library stored a new revision (a rename, a restore): the editor follows it. Unsaved
        edits are kept on top of a rename; other changes are combined when they are saved."""
        self._refresh_compare()
        if stored_id != self._state.stored_id:
            return
        stored = self._stored_or_none(stored_id)
        if stored is None or stored.revision == self._state.revision:
            return
        base = None
        try:
            base = self._store.get_revision(stored_id, self._state.revision)
        except AdvisorError:
            pass
        new_name = stored.scenario.name
        renamed_only = (base is not None and base.name != new_name
                        and stored.scenario == base.with_changes({"name": new_name}))
        # A rename is carried into the editor, keeping its undo steps and the plots as they are;
        # edits that renamed it too are combined at the save, which asks (as for any change elsewhere).
        if renamed_only and self._state.scenario.name == base.name:
            self._state.rebase(stored.scenario, stored.revision, self._state.scenario.with_changes({"name": new_name}))
            # The undo steps hold whole scenarios: undoing one must not bring the old name back.
            for index in range(self._editor_stack.count()):
                command = self._editor_stack.command(index)
                if isinstance(command, ScenarioEditCommand):
                    command.carry_rename(base.name, new_name)
            kept = "; the unsaved edits are kept" if self._state.dirty else ""
            self.statusBar().showMessage(f"Renamed “{new_name}”{kept}", 8000)
            return
        if not self._state.dirty:
            self._load(stored)
            return
        self.statusBar().showMessage("The stored scenario changed; saving will ask how to combine the edits", 8000)

    def _keep_changes_before_restore(self, stored_id: int) -> bool:
        """Before the library restores a revision of the open scenario, ask about its unsaved edits
        as opening another scenario does. Discarded, the editor goes back to the stored revision,
        so that it follows the restored one as the newest (the edits stayed on top of the revision
        before it, and the next save was taken for a change made elsewhere)."""
        if stored_id != self._state.stored_id:
            return True
        if not self.maybe_keep_changes():
            return False
        if self._state.dirty or self._editor.shows_refused_value:
            stored = self._stored_or_none(stored_id)
            if stored is None:
                return False
            self._load(stored)
        return True

    def _on_library_scenario_deleted(self, stored_id: int) -> None:
        self._refresh_compare()
        if stored_id == self._state.stored_id:
            # Keep the content on screen as a scenario that is not stored.
            self._state.load(self._state.scenario)
            self._editor_stack.clear()
            self.statusBar().showMessage("Deleted from the library; Save stores it again", 8000)

    def _on_library_scenario_undeleted(self, stored_id: int) -> None:
        self._refresh_compare()
        if self._state.stored_id is not None:
            return
        stored = self._stored_or_none(stored_id)
        if stored is not None and stored.scenario == self._state.scenario:
            self._load(stored)
            # The deletion's message ("Save stores it again") no longer holds.
            self.statusBar().showMessage(f"“{stored.scenario.name}” is back in the library", 8000)

    def _on_new_triggered(self) -> None:
        """A blank scenario in the editor; stored when first edited (see _store_first_edit)."""
        if not self.maybe_keep_changes():
            return
        self._drafts.discard()
        self._pristine_blank = blank_scenario(self._library.free_name("Untitled scenario"))
        self._state.load(self._pristine_blank)
        self._drafts.discard()  # an untouched blank is nothing to recover
        self._editor_stack.clear()
        self._library.set_current(None)
        self.statusBar().showMessage("New blank scenario: it is stored when you first change it", 8000)

    def _is_pristine_blank(self) -> bool:
        return self._state.stored_id is None and self._state.scenario == self._pristine_blank

    def _store_first_edit(self, scenario: Scenario) -> None:
        try:
            stored = self._store.create(scenario, summary="created blank")
        except AdvisorError as error:
            # E.g. renamed to a taken name: it stays unstored and is tried again at the next edit.
            self.statusBar().showMessage(f"Not stored yet: {error}", 8000)
            return
        self._pristine_blank = None
        self._state.mark_saved(stored.id, stored.revision)
        self._after_store_write(stored.id)

    def _on_new_from_interface(self) -> None:
        from ui.dialogs.interface_import import InterfaceImportDialog

        dialog = InterfaceImportDialog(self)
        if dialog.exec() and (scenario := dialog.scenario()) is not None:
            self._create_and_open(lambda: self._library.create_from(scenario, "imported from an interface config"))

    def _on_open_triggered(self) -> None:
        path = open_file_name(self, "Open or import a scenario", "", "Scenario JSON (*.json);;All files (*)")
        if not path:
            return
        if not self.maybe_keep_changes():
            return
        self._creating = True
        try:
            created = self._library.import_files([path])
        finally:
            self._creating = False
        if created:
            self.open_scenario(created[-1], ask=False)

    def _on_export_json_triggered(self) -> None:
        name = self._state.scenario.name
        suggested = "".join(c if c.isalnum() or c in "-_ " else "_" for c in name).strip() or "scenario"
        path = save_file_name(self, "Export scenario JSON", f"{suggested}.json", "Scenario JSON (*.json)")
        if not path:
            return
        try:
            save_scenario_file(self._state.scenario, path, database_path=getattr(self._store, "database_path", None))
        except OSError as error:
            QMessageBox.warning(self, "Export failed", f"{path}: {error.strerror or error}")
            return
        self.statusBar().showMessage(f"Exported to {Path(path).name}", 5000)

    def _on_export_report_triggered(self) -> None:
        from ui.dialogs.report_dialog import ReportExportDialog

        stored = self._stored_or_none(self._state.stored_id)
        names = [stored.name] if stored is not None else []
        if self._state.dirty:
            self.statusBar().showMessage("The report uses the stored revision; save to include unsaved edits", 8000)
        ReportExportDialog(self._store, names, self).exec()

    def _on_recommendations_scenario_created(self, stored_id: int) -> None:
        self._library.refresh()
        self._refresh_compare()
        stored = self._stored_or_none(stored_id)
        if stored is not None:
            self._record_applied(stored)
            self.statusBar().showMessage(f"Created “{stored.name}”; open it from the library", 8000)

    def _record_applied(self, stored: StoredScenario) -> None:
        """Record a lever applied (or an optimised design stored) in the protocol."""
        from advisor.storage.protocol import record_analysis

        history = self._store.history(stored.id)
        summary = history[0].summary if history else ""
        source = self._state.scenario
        result = {"created": {"id": stored.id, "name": stored.name, "revision": stored.revision,
                              "content_sha256": stored.scenario.content_hash()}, "applied": summary}
        what = ("lever" if summary.startswith("lever applied") else "optimize" if "optimiser" in summary
                else "recommended design")
        try:
            record_analysis(self._store, what=what, scenario_names=[source.name, stored.name], result=result,
                            detail={"command": "app", "sources": [{
                                "stored_id": self._state.stored_id, "revision": self._state.revision,
                                "content_sha256": source.content_hash(), "unsaved_edits": self._state.dirty}]})
        except (AdvisorError, ValueError) as error:
            self.statusBar().showMessage(f"Could not record the analysis in the protocol: {error}", 8000)

    def _on_find_triggered(self) -> None:
        self._library_dock.show()
        self._library.search_field.setFocus()
        self._library.search_field.selectAll()

    def _on_protocol_triggered(self) -> None:
        if self._protocol_dock is None:
            from ui.panels.protocol import ProtocolWidget

            dock = QDockWidget("Export protocol", self)
            dock.setObjectName("protocol_dock")
            dock.setWidget(ProtocolWidget(self._store, dock))
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self._protocol_dock = dock
        self._protocol_dock.show()
        self._protocol_dock.raise_()

    def _xy_plot_panel(self) -> QDockWidget:
        if self._xy_plot_dock is None:
            from ui.panels.xy_plot import XYPlotWidget

            dock = QDockWidget("X–Y plot for a range of values", self)
            dock.setObjectName("xy_plot_dock")
            # A clicked point is an edit of the open design, on the editor's undo stack.
            dock.setWidget(XYPlotWidget(self._state, self._editor_stack, self._store, dock))
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            # Floating, the panel gets room of its own; the window's shortcuts (Ctrl+Z) still reach it.
            frame = self.frameGeometry()
            # Up to 1020 px high (a 1080-px screen's height less a margin): there the controls, three
            # plots of readable height and the table fit without scrolling.
            self._float_on_screen(dock, (40, 30), (min(1200, max(900, frame.width() - 80)),
                                                   min(1020, max(640, frame.height() - 60))))
            self._xy_plot_dock = dock
        return self._xy_plot_dock

    def _on_xy_plot_triggered(self) -> None:
        dock = self._xy_plot_panel()
        dock.show()
        dock.raise_()
        dock.activateWindow()

    def _compromise_panel(self) -> QDockWidget:
        if self._compromise_dock is None:
            from ui.panels.compromise import CompromiseWidget

            dock = QDockWidget("Compromise at a fixed budget: raters per item or items", self)
            dock.setObjectName("compromise_dock")
            # A chosen split is an edit of the open design, on the editor's undo stack.
            dock.setWidget(CompromiseWidget(self._state, self._editor_stack, dock))
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            self._float_on_screen(dock, (60, 40), (1100, 780))
            self._compromise_dock = dock
        return self._compromise_dock

    def _float_on_screen(self, dock: QDockWidget, offset: tuple[int, int], wanted: tuple[int, int]) -> None:
        """Float ``dock`` ``offset`` (px) right of and below the window's top-left corner, ``wanted``
        (width, height, px) in size or less: all of it, its title bar included, on the screen (the
        compromise panel, 780 px high 40 px below a window at the top of a 800-px screen, ran past
        its bottom)."""
        dock.setFloating(True)
        frame = self.frameGeometry()
        screen = (self.screen() or QApplication.primaryScreen()).availableGeometry()
        x = max(screen.x(), frame.x() + offset[0])
        y = max(screen.y(), frame.y() + offset[1])
        # The window manager's title bar is above the dock's own geometry; room is left for it.
        title = self.style().pixelMetric(self.style().PixelMetric.PM_TitleBarHeight) + 8
        width = max(200, min(wanted[0], screen.right() + 1 - x - 20))
        height = max(200, min(wanted[1], screen.bottom() + 1 - y - title - 10))
        dock.resize(width, height)
        # A window low or far right on the screen leaves less than the panel's least size (its size is
        # now at least that): the panel moves up or left instead of running past the edge.
        least = dock.minimumSizeHint()
        x = max(screen.x(), min(x, screen.right() + 1 - max(width, least.width()) - 20))
        y = max(screen.y(), min(y, screen.bottom() + 1 - max(height, least.height()) - title - 10))
        dock.move(x, y)

    def _on_compromise_triggered(self) -> None:
        dock = self._compromise_panel()
        dock.show()
        dock.raise_()
        dock.activateWindow()

    def _on_pilot_triggered(self) -> None:
        from ui.dialogs.pilot_wizard import PilotWizard

        self._editor.commit_pending()
        wizard = PilotWizard(self._store, self._state.scenario, self)
        if not wizard.exec() or (calibrated := wizard.calibrated_scenario()) is None:
            return
        if wizard.in_place():
            before = self._state.scenario
            if calibrated != before:
                self._editor_stack.push(ScenarioEditCommand(self._state, before, calibrated, "Calibrate from pilot"))
                self.statusBar().showMessage("Calibrated from the pilot (Undo reverts it)", 8000)
            return
        # The copy is stored as a new scenario and opened; the original keeps its content.
        copy = calibrated.with_changes({"name": copy_name(calibrated.name, " (calibrated)")})
        self._create_and_open(lambda: self._library.create_from(copy, "calibrated copy from a pilot"))
        self.statusBar().showMessage(f"Stored the calibrated copy; “{self._state.scenario.name}” is open", 8000)

    def _on_method_triggered(self) -> None:
        if self._method_dialog is None:
            self._method_dialog = MethodDialog(self)
        if self._method_dialog.isVisible():
            self._method_dialog.raise_()
            self._method_dialog.activateWindow()
        else:
            self._method_dialog.show()

    def _on_about_triggered(self) -> None:
        AboutDialog(self._store.url, self).exec()


if __name__ == "__main__":
    from ui.core.preview import preview_app, preview_store, run_preview

    preview_app()
    run_preview(MainWindow(preview_store()), title="Main window", size=(1560, 940))
