"""The desktop application: the QApplication and its main window.

:func:`run_app` is what ``annotation-advisor`` (``ui.launcher``) calls without
arguments; :func:`create_application` is shared with the widget previews
(``python -m ui.<module>``), the screenshot script and the benchmarks, so they
all look the same.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication, QMessageBox

import pyqtgraph as pg

from ui.settings import APP_NAME, ORGANIZATION
from ui.workers import shutdown_workers

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


def run_app(database: str | None = None) -> int:
    """Open the main window on a scenario database and run until it closes.

    Parameters
    ----------
    database
        An SQLAlchemy URL or a file path; None for ``ANNOTATION_ADVISOR_DB`` or
        the default database in the user data folder.

    Returns
    -------
    int
        The exit status: 0 after a normal close, 2 when the database cannot be
        opened (the reason is shown in a message box).
    """
    app = create_application()
    from advisor.errors import AdvisorError
    from advisor.store import ScenarioStore
    from ui.main_window import MainWindow

    try:
        store = ScenarioStore.open(database)
    except AdvisorError as error:
        QMessageBox.critical(None, APP_NAME, f"The scenario database cannot be opened:\n\n{error}")
        return 2
    window = MainWindow(store)
    window.show()
    return app.exec()
