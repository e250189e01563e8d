"""The QApplication shared by the app, the widget previews, the screenshot script and the benchmarks.

:func:`create_application` sets the names, style and plot defaults once, so that
``annotation-advisor``, ``python -m ui.<package>.<module>`` and the scripts all
look the same. It knows nothing of the windows built on it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication

import pyqtgraph as pg

from ui.core.settings import APP_NAME, ORGANIZATION
from ui.core.workers import shutdown_workers

APP_VERSION = "0.1.0"


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The QApplication, created once, with the app's names, style and plot defaults.

    The names feed QSettings and the window titles; the Fusion style looks the
    same on every platform (and in the screenshots); pyqtgraph draws on white
    with antialiasing, which reads better in reports and on projectors.
    """
    app = QApplication.instance()
    if app is None:
        QCoreApplication.setApplicationName(APP_NAME)
        QCoreApplication.setOrganizationName(ORGANIZATION)
        QCoreApplication.setApplicationVersion(APP_VERSION)
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
        app.setStyle("Fusion")
        font = app.font()
        if font.pointSizeF() < 9.5:
            font.setPointSizeF(9.5)
            app.setFont(font)
        # Numbers are typed and shown with a decimal point everywhere (the
        # scenario files and the formulas use points).
        QLocale.setDefault(QLocale.c())
        # No worker may outlive the objects it reports to.
        app.aboutToQuit.connect(shutdown_workers)
    else:
        app.setApplicationName(APP_NAME)
        app.setOrganizationName(ORGANIZATION)
    pg.setConfigOptions(antialias=True, background="w", foreground="#333333")
    return app  # type: ignore[return-value]
