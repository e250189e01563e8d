"""Dialogs open fitted to the screen the first time and where they were left afterwards.

The first size is :func:`ui.core.settings.fitted_size` of the dialog's preferred size on the
screen's free area; after a dialog closes (Cancel or Close: ``finished``), the next one of its kind
opens with the size and place the user left it at (``ui.ini`` in the test's own config folder).
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication

from advisor.scenario.schema import Question, ResponseFormat, Scenario
from ui.core.settings import fitted_size


def test_the_first_size_fits_the_screen():
    preferred, smallest = QSize(1440, 900), QSize(1000, 760)
    # A large screen: the preferred size; a laptop's 1366 × 728 free: nine tenths of the width and
    # the smallest height (the window manager fits it to the screen); a small screen: the smallest.
    assert fitted_size(preferred, smallest, QSize(1920, 1040)) == preferred
    assert fitted_size(preferred, smallest, QSize(1366, 728)) == QSize(int(0.9 * 1366), 760)
    assert fitted_size(preferred, smallest, QSize(800, 600)) == smallest


def _pilot_wizard(store):
    from ui.dialogs.pilot_wizard import PilotWizard

    return PilotWizard(store, Scenario(name="s", questions=(Question(name="q", format=ResponseFormat(kind="binary")),)))


def _report_dialog(store):
    from ui.dialogs.report_dialog import ReportExportDialog

    return ReportExportDialog(store, [])


def _interface_import(_store):
    from ui.dialogs.interface_import import InterfaceImportDialog

    return InterfaceImportDialog()


def _method_dialog(_store):
    from ui.dialogs.help_dialogs import MethodDialog

    return MethodDialog()


@pytest.mark.parametrize("make, first_size", [
    (_pilot_wizard, QSize(1440, 900)),
    (_report_dialog, QSize(820, 600)),
    (_interface_import, QSize(820, 640)),
    (_method_dialog, QSize(820, 760)),
], ids=["pilot wizard", "report", "interface import", "method"])
def test_a_dialog_reopens_with_the_size_and_place_it_was_left_at(qtbot, show_widget, empty_store, make, first_size):
    screen = QGuiApplication.primaryScreen().availableGeometry()
    first = show_widget(make(empty_store))
    assert first.size() == first_size  # nothing remembered yet: its first size on a 1920 × 1200 screen
    first.resize(1234, 777)
    first.move(screen.left() + 150, screen.top() + 90)
    qtbot.waitUntil(lambda: first.size() == QSize(1234, 777))
    place = first.pos()
    first.reject()  # Cancel or Close
    second = show_widget(make(empty_store))
    assert second.size() == QSize(1234, 777)
    assert second.pos() == place
