"""Disabling the control that has the keyboard focus without moving the page under the user."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget


def set_enabled_keeping_place(widget: QWidget, enabled: bool) -> None:
    """Enable or disable ``widget``; a disabled widget that had the keyboard focus hands it back first.

    Qt gives a disabled widget's focus to the next widget of the tab chain, and a scroll area then
    scrolls that widget into view: pressing "Save the recommended design" moved the page up by the
    height of the controls below it, and pressing "Remove question" on the last but one question put
    the focus in "Raters per item r", where the mouse wheel then changed the raters. The focus goes to
    the nearest enabled widget before ``widget`` in the tab chain instead (the button beside it, the
    table above it), without scrolling.

    Parameters
    ----------
    widget
        The control to enable or disable.
    enabled
        Its new state.
    """
    if not enabled and widget.hasFocus():
        earlier = widget.previousInFocusChain()
        while earlier is not None and earlier is not widget:
            if (earlier.isEnabled() and earlier.isVisibleTo(widget.window())
                    and earlier.focusPolicy() & Qt.FocusPolicy.TabFocus and earlier.window() is widget.window()):
                earlier.setFocus(Qt.FocusReason.OtherFocusReason)
                break
            earlier = earlier.previousInFocusChain()
    widget.setEnabled(enabled)
