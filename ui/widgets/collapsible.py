"""A titled section that folds away: advanced settings stay out of the way
until asked for, without a separate dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QSizePolicy, QToolButton, QVBoxLayout, QWidget


class CollapsibleSectionWidget(QWidget):
    """A header button with an arrow and a body shown only when expanded.

    Parameters
    ----------
    title
        Text of the header.
    expanded
        Whether the body starts visible.

    Signals
    -------
    toggled(bool)
        The section was expanded (True) or collapsed (False).
    """

    toggled = Signal(bool)

    def __init__(self, title: str, *, expanded: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self._button = QToolButton(self)
        self._button.setText(title)
        self._button.setCheckable(True)
        self._button.setChecked(expanded)
        self._button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._button.setAutoRaise(True)
        self._button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._button.setStyleSheet("QToolButton { font-weight: 600; border: none; text-align: left; }")
        self._body = QWidget(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self._button)
        layout.addWidget(self._body)
        self._button.toggled.connect(self._on_button_toggled)
        self._update_arrow(expanded)

    @property
    def body(self) -> QWidget:
        """Put the section's widgets into this widget (give it a layout)."""
        return self._body

    @property
    def is_expanded(self) -> bool:
        return self._button.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        self._button.setChecked(expanded)

    def _on_button_toggled(self, expanded: bool) -> None:
        self._update_arrow(expanded)
        self.toggled.emit(expanded)

    def _update_arrow(self, expanded: bool) -> None:
        self._button.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self._body.setVisible(expanded)
