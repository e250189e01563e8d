"""Hand files to the desktop: open a written report or export in the user's default application."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QUrl
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
