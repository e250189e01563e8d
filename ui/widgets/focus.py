"""The keyboard order of a panel's controls."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def tab_through(widgets: Sequence[QWidget]) -> None:
    """Let Tab visit ``widgets`` in this order, each taking focus by Tab and by click."""
    previous = None
    for widget in widgets:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        if previous is not None:
            QWidget.setTabOrder(previous, widget)
        previous = widget
