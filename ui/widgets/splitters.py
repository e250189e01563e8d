"""Two panes split by a handle the user drags, neither of which can be
dragged away: a collapsed pane leaves only a thin handle that few users
find again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSplitter, QWidget


def two_pane_splitter(orientation: Qt.Orientation, first: QWidget, second: QWidget, *,
                      stretch: tuple[int, int], sizes: tuple[int, int] | None = None) -> QSplitter:
    """A splitter of ``first`` and ``second`` whose panes never collapse.

    Parameters
    ----------
    orientation
        ``Qt.Orientation.Horizontal``: ``first`` left of ``second``;
        ``Qt.Orientation.Vertical``: ``first`` above ``second``.
    first, second
        The two panes, in that order.
    stretch
        How the panes share a change of the splitter's size: Qt stretch
        factors (whole numbers ≥ 0), ``0`` keeps that pane's size.
    sizes
        The panes' first sizes along ``orientation`` in pixels (> 0), scaled
        to the room there is; default: from the panes' size hints.

    Returns
    -------
    QSplitter
        The splitter, without a parent.
    """
    splitter = QSplitter(orientation)
    splitter.addWidget(first)
    splitter.addWidget(second)
    splitter.setStretchFactor(0, stretch[0])
    splitter.setStretchFactor(1, stretch[1])
    if sizes is not None:
        splitter.setSizes(list(sizes))
    splitter.setChildrenCollapsible(False)
    return splitter
