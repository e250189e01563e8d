"""Fixtures of the GUI tests: every test gets its own database, config and data
folders, so no test sees another's settings, drafts or scenarios, and none
touches the user's files.

The offscreen platform is set by ``tests/conftest.py`` before any Qt import.
"""

from __future__ import annotations

import json
import os
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
    yield create_application(argv)


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
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)
    qapp.processEvents()


@pytest.fixture
def store(isolated_app_paths):
    """A fresh store on the test's database, seeded with the examples."""
    from advisor.storage.store import ScenarioStore

    opened = ScenarioStore.open(os.environ["ANNOTATION_ADVISOR_DB"])
    yield opened
    opened.close()


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
