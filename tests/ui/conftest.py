"""Fixtures of the GUI tests: every test gets its own database, config and data
folders, so no test sees another's settings, drafts or scenarios, and none
touches the user's files.

The offscreen platform is set by ``tests/conftest.py`` before any Qt import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

OFFSCREEN_LIMITATIONS = r"^This plugin does not support (propagateSizeHints|raise)\(\)$"
"""Qt's offscreen platform plugin (the one the tests run on) logs these
warnings whenever a top-level window with a layout is shown or raised: it has
no window system to pass size hints to or to stack windows in. They say
nothing about our code, so they are the only Qt warnings the GUI tests ignore."""


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_LIMITATIONS))


OFFSCREEN_SCREEN = {"name": "offscreen-desktop", "x": 0, "y": 0, "width": 1920, "height": 1200,
                    "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
"""A desktop-sized virtual screen: the offscreen plugin's default (800 × 800)
is smaller than the main window, and Qt clamps restored geometry to it."""


TEST_DOUBLE_CLICK_MS = 120
"""The test application's double-click interval, ms (Qt's default is 400; see :func:`qapp`)."""


@pytest.fixture(scope="session")
def qapp(tmp_path_factory):
    """The QApplication configured as the real app (names, style, plot
    defaults), on a desktop-sized screen when running offscreen."""
    from ui.core.application import create_application

    argv = ["annotation-advisor-tests"]
    if os.environ.get("QT_QPA_PLATFORM", "").startswith("offscreen"):
        config = tmp_path_factory.mktemp("qpa") / "offscreen.json"
        config.write_text(json.dumps({"screens": [OFFSCREEN_SCREEN]}), encoding="utf-8")
        argv += ["-platform", f"offscreen:configfile={config}"]
    app = create_application(argv)
    # A click on a cell of the selected row opens its editor after the double-click interval
    # (Qt's SelectedClicked trigger; F2 meanwhile is ignored): 400 ms a cell typed into. The tests
    # type into a few dozen cells; a user's clicks are slower than this shorter interval anyway.
    app.styleHints().setMouseDoubleClickInterval(TEST_DOUBLE_CLICK_MS)
    yield app


@pytest.fixture(autouse=True)
def isolated_app_paths(tmp_path, monkeypatch):
    """Point the database, config and data folders into the test's tmp_path."""
    config = tmp_path / "config"
    data = tmp_path / "data"
    monkeypatch.setenv("ANNOTATION_ADVISOR_DB", f"sqlite:///{tmp_path / 'scenarios.sqlite'}")
    monkeypatch.setenv("ANNOTATION_ADVISOR_CONFIG_DIR", str(config))
    monkeypatch.setenv("ANNOTATION_ADVISOR_DATA_DIR", str(data))
    return tmp_path


@pytest.fixture(autouse=True)
def _display_unit_in_bits(qapp, isolated_app_paths):
    """Every test starts in bits (the display unit is one app-wide object)."""
    from ui.core.settings import display_settings

    display_settings().set_unit("bits")
    yield
    display_settings().set_unit("bits")


@pytest.fixture(autouse=True)
def _pool_drained(qapp):
    """Let running workers finish before the next test, so that no result of
    one test arrives in the next."""
    yield
    from ui.core.workers import wait_for_jobs

    wait_for_jobs(30_000)
    qapp.processEvents()


@pytest.fixture
def store(isolated_app_paths, new_database_file):
    """A fresh store on the test's database, seeded with the examples."""
    from advisor.storage.store import ScenarioStore

    new_database_file(isolated_app_paths / "scenarios.sqlite")
    opened = ScenarioStore.open(os.environ["ANNOTATION_ADVISOR_DB"])
    yield opened
    opened.close()


@pytest.fixture
def empty_store(tmp_path, new_database_file):
    """A store with no scenarios on its own database file (for widgets that
    create scenarios or pilots and count them)."""
    from advisor.storage.store import ScenarioStore

    opened = ScenarioStore.open(new_database_file(tmp_path / "empty.sqlite", seed=False), seed=False)
    yield opened
    opened.close()


@pytest.fixture
def scenario():
    """An example with two contexts and one question (ordinal, with automatic
    time shares), so the editor's tables have rows to edit. A module that
    needs another scenario overrides this fixture; :func:`state` follows."""
    from advisor.scenario.schema import example_scenarios

    return next(s for s in example_scenarios() if len(s.contexts) > 1 and len(s.questions) == 1)


@pytest.fixture
def state(scenario):
    """The editor's state of :func:`scenario`, as if opened from the store (id 1, revision 1)."""
    from advisor.scenario.state import ScenarioState

    return ScenarioState(scenario, stored_id=1, revision=1)


@pytest.fixture
def show_widget(qtbot):
    """Show a widget as a user meets it: closed by qtbot after the test,
    resized to ``size`` (width, height in pixels) when given, exposed on the
    screen, and the active window when ``activate`` (a test that clicks or
    types into it). Returns the widget."""

    def show(widget, size: tuple[int, int] | None = None, *, activate: bool = False):
        qtbot.addWidget(widget)
        if size is not None:
            widget.resize(*size)
        widget.show()
        qtbot.waitExposed(widget)
        if activate:
            widget.activateWindow()
        return widget

    return show


@pytest.fixture
def open_panel_window(qtbot, show_widget, store):
    """``open(key, attribute, size)``: the main window at ``size`` (width, height in pixels; 1280 × 800
    unless given) with a floating panel opened by Ctrl+``key`` (real key events), the panel's
    window active."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from ui.main_window import MainWindow

    def open_(key, attribute: str, size: tuple[int, int] = (1280, 800)):
        window = show_widget(MainWindow(store, recover_drafts=False), size)
        qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: getattr(window, attribute).isVisible(), timeout=5000)
        panel_window = getattr(window, attribute).window()
        panel_window.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is panel_window, timeout=5000)
        return window

    return open_


def type_over(qtbot, widget, text: str) -> None:
    """Replace a field's text the way a user does: focus it, Ctrl+A, type."""
    from PySide6.QtCore import Qt

    widget.setFocus()
    qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(widget, text)


def turn_wheel(view, point, modifiers) -> bool:
    """One notch of the wheel (towards the user) at ``point`` (a QPoint) of ``view``'s viewport, with
    ``modifiers`` held; whether the widget under it accepted the event.

    Offscreen, an event sent to a widget is not handed on to its parents (only the window system's
    are): a test of what the parents do with an ignored event sends it to them itself."""
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    viewport = view.viewport()
    event = QWheelEvent(QPointF(point), QPointF(viewport.mapToGlobal(point)), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, modifiers, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, event)
    return event.isAccepted()


@pytest.fixture
def edit_cell(qtbot):
    """Edit a table cell the way a user does: open its editor, type, Enter."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractItemView, QComboBox, QSpinBox

    from ui.widgets.spin_boxes import CompactDoubleSpinBox

    def edit(view, row, column, value):
        index = view.model().index(row, column)
        view.setCurrentIndex(index)
        view.edit(index)
        qtbot.waitUntil(lambda: view.focusWidget() is not None and view.focusWidget() is not view, timeout=2000)
        editor = view.focusWidget()
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(editor.findData(value))
        elif isinstance(editor, (QSpinBox, CompactDoubleSpinBox)):
            editor.lineEdit().selectAll()
            qtbot.keyClicks(editor.lineEdit(), str(value))
        else:
            editor.selectAll()
            qtbot.keyClicks(editor, str(value))
        qtbot.keyClick(editor, Qt.Key.Key_Return)
        # The delegate commits and closes the editor in a queued call.
        qtbot.waitUntil(lambda: view.state() != QAbstractItemView.State.EditingState, timeout=2000)

    return edit


REPO = Path(__file__).resolve().parents[2]
PREVIEW_TITLES = {
    "ui.panels.library": "Scenario library", "ui.panels.editor": "Scenario editor", "ui.panels.results": "Results",
    "ui.panels.compare": "Compare scenarios", "ui.panels.xy_plot": "X–Y plot", "ui.panels.protocol": "Export protocol",
    "ui.panels.recommendations": "Recommendations", "ui.panels.compromise": "Compromise at a fixed budget",
    "ui.dialogs.interface_import": "New scenario from interface config",
    "ui.dialogs.pilot_wizard": "Calibrate from a pilot", "ui.dialogs.report_dialog": "Export report",
    "ui.main_window": "Main window",
}
"""The window title each preview paints, by module."""
PREVIEW_MODULES = tuple(PREVIEW_TITLES)
"""Every module whose ``python -m`` opens a preview."""


def _preview_environment(folder: Path) -> dict[str, str]:
    """The environment of a preview process: offscreen, quitting on the first
    paint, its config and data in ``folder``; each preview makes its own
    database."""
    from ui.core.preview import QUIT_ENV, QUIT_ON_PAINT_ENV

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ANNOTATION_ADVISOR_CONFIG_DIR=str(folder / "config"),
               ANNOTATION_ADVISOR_DATA_DIR=str(folder / "data"))
    env[QUIT_ON_PAINT_ENV] = "1"
    env.pop(QUIT_ENV, None)
    env.pop("ANNOTATION_ADVISOR_DB", None)
    return env


def _sections(text: str, start: str, end: str) -> dict[str, str]:
    """The text between ``start MODULE`` and ``end MODULE ...`` lines, by module."""
    found: dict[str, str] = {}
    module, lines = None, []
    for line in text.splitlines():
        if line.startswith(start):
            module, lines = line[len(start):].strip(), []
        elif module is not None and line.startswith(f"{end} {module} "):
            found[module] = "\n".join(lines + [line])
            module = None
        elif module is not None:
            lines.append(line)
    if module is not None:
        found[module] = "\n".join(lines)
    return found


@pytest.fixture
def preview_environment(tmp_path):
    """The environment of a preview process (offscreen, quitting on the first
    paint, config and data in the test's tmp_path, its own database)."""
    return _preview_environment(tmp_path)


@pytest.fixture(scope="session")
def preview_runs(tmp_path_factory):
    """Every preview of :data:`PREVIEW_MODULES` opened in turn by one
    ``python -m ui.core.preview`` process, quitting on its first paint: the
    process and its output on standard output and standard error, by module."""
    from ui.core.preview import EXIT_MARKER, RUN_MARKER

    env = _preview_environment(tmp_path_factory.mktemp("previews"))
    completed = subprocess.run([sys.executable, "-m", "ui.core.preview", *PREVIEW_MODULES], cwd=REPO, env=env,
                               capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL, check=False)
    return (completed, _sections(completed.stdout, RUN_MARKER, EXIT_MARKER),
            _sections(completed.stderr, RUN_MARKER, EXIT_MARKER))


@pytest.fixture
def preview_opens_and_closes(preview_runs):
    """Check that ``python -m MODULE`` (one of :data:`PREVIEW_MODULES`, run by
    :func:`preview_runs`) painted its preview, exited with status 0 and wrote
    no error."""
    from ui.core.preview import EXIT_MARKER, PAINTED_MARKER

    completed, stdouts, stderrs = preview_runs

    def check(module: str) -> None:
        assert module in PREVIEW_MODULES
        assert module in stdouts and module in stderrs, completed.stderr
        stdout, stderr = stdouts[module], stderrs[module]
        assert stdout.endswith(f"{EXIT_MARKER} {module} 0"), stderr
        assert f"{PAINTED_MARKER} {PREVIEW_TITLES[module]}" in stdout, stdout
        assert "Traceback" not in stderr, stderr
        assert "Error" not in stderr, stderr

    return check
