"""Headline cards: one number in large type, a line of context below, and a
colour that says at a glance whether it meets the target."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ui.widgets.labels import SECONDARY_TEXT_COLOUR, WrappingLabel

STATUS_COLOURS = {
    # status: (accent, background, description for screen readers and tooltips)
    "good": ("#2e7d32", "#edf7ee", "meets the target"),
    "warn": ("#ef6c00", "#fff4e5", "meets it only with more items"),
    "bad": ("#c62828", "#fdecea", "misses the target"),
    "neutral": (SECONDARY_TEXT_COLOUR, "#f3f5f6", ""),
}


DETAIL_LINES = 3
"""Lines of detail text a card reserves (its height does not follow the text below this)."""


class HeadlineCardWidget(QFrame):
    """A titled number with a status colour.

    Parameters
    ----------
    title
        Small caption above the number (e.g. "Risk floor").
    tooltip
        What the number is and how it is computed.
    """

    def __init__(self, title: str, tooltip: str = "", parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        self.setToolTip(tooltip)
        self._title = QLabel(title)
        self._value = QLabel("…")
        # Three lines are reserved for the detail whether it needs one or three: a detail that wraps
        # for some values and not for others would change the cards' height on such edits, and
        # with it the height of the plots below, which then repaint from scratch.
        self._detail = WrappingLabel("", min_lines=DETAIL_LINES)
        self._title.setStyleSheet("color: #455a64; font-size: 9pt; font-weight: 600;")
        self._value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._detail.setStyleSheet("color: #455a64; font-size: 8.5pt;")
        self._detail.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(1)
        layout.addWidget(self._title)
        layout.addWidget(self._value)
        layout.addWidget(self._detail)
        self._status = ""
        self.set_status("neutral")

    @property
    def status(self) -> str:
        """``"good"``, ``"warn"``, ``"bad"`` or ``"neutral"``."""
        return self._status

    @property
    def value_text(self) -> str:
        return self._value.text()

    @property
    def detail_text(self) -> str:
        return self._detail.text()

    def set_value(self, value: str, detail: str = "", status: str = "neutral") -> None:
        """Show ``value`` (large), ``detail`` (small) and the status colour."""
        self._value.setText(value)
        self._detail.setText(detail)
        self.set_status(status)

    def set_status(self, status: str) -> None:
        if status not in STATUS_COLOURS:
            raise ValueError(f"status must be one of {', '.join(STATUS_COLOURS)}, got {status!r}")
        if status == self._status:
            return
        self._status = status
        accent, background, meaning = STATUS_COLOURS[status]
        self.setStyleSheet(
            f"QFrame#card {{ background: {background}; border: 1px solid {accent}55;"
            f" border-left: 5px solid {accent}; border-radius: 4px; }}"
        )
        self._value.setStyleSheet(f"color: {accent}; font-size: 15pt; font-weight: 600;")
        self.setAccessibleDescription(meaning)
