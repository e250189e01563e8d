"""Hand files to the desktop: open a written report or export in the user's default application."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices

NO_OPEN_ENV = "ANNOTATION_ADVISOR_NO_OPEN"
"""Set (to anything) to keep the app from launching viewers, e.g. in tests."""


def open_in_desktop(path: str | Path) -> bool:
    """Hand a file to the desktop's default application.

    Returns False without doing anything when ``ANNOTATION_ADVISOR_NO_OPEN``
    is set (tests must not launch viewers).
    """
    if os.environ.get(NO_OPEN_ENV):
        return False
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(path).resolve())))


def documents_folder() -> Path:
    """The user's documents folder (home when the platform has none): where a file dialog for
    something the user writes starts, rather than the program's working folder."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(location) if location else Path.home()
    return folder if folder.is_dir() else Path.home()
