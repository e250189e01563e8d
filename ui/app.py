"""The desktop application: the main window on a scenario database.

:func:`run_app` is what ``annotation-advisor`` (``ui.launcher``) calls without
arguments. The QApplication itself comes from :mod:`ui.core.application`,
shared with the widget previews, the screenshot script and the benchmarks.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from ui.core.application import create_application
from ui.core.settings import APP_NAME


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
    from advisor.storage.store import ScenarioStore
    from ui.main_window import MainWindow

    try:
        store = ScenarioStore.open(database)
    except AdvisorError as error:
        QMessageBox.critical(None, APP_NAME, f"The scenario database cannot be opened:\n\n{error}")
        return 2
    window = MainWindow(store)
    window.show()
    return app.exec()
