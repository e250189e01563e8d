"""A pane that scrolls up and down when the window is too short for it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def vertical_scroll_area(content: QWidget) -> QScrollArea:
    """``content`` in a frameless scroll area that resizes it to its width and scrolls only
    vertically: a column hidden behind a horizontal scroll bar is easy to miss, and the caller sets
    the least width that keeps every column in view."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(content)
    return scroll
