"""Word-wrapped labels whose height does not jump between edits.

A ``QLabel`` with word wrap is as tall as its text needs at its width. When a
text changes length with the numbers it shows — the results pane's verdict,
three lines for some values and four for others — everything below it moves by
a line on such edits, and the plots there repaint from scratch (axes, grid,
text): a third of an edit's time. :class:`WrappingLabel` keeps, per width, the
tallest height it has needed, at least ``min_lines`` lines: a longer text makes
it taller, a shorter one leaves it as it is; a new width (a resized window)
finds its own height.

It tells its layout a height for each width, as a ``QLabel`` does, and may be
squeezed to ``min_lines`` lines on a screen too small for everything.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


SECONDARY_TEXT_COLOUR = "#546e7a"
"""Colour of secondary text: status lines, hints in an empty place, the neutral card."""

TALLEST_WIDTHS_KEPT = 32
"""Widths at which a label remembers its tallest text (a layout tries a few per pass)."""


class WrappingLabel(QLabel):
    """A word-wrapped label of stable height.

    Parameters
    ----------
    text
        Plain or rich text.
    min_lines
        Lines of height reserved even when the text needs fewer (≥ 1): a text that wraps for some
        values and not for others then keeps the layout still.
    parent
        Parent widget.
    """

    def __init__(self, text: str = "", min_lines: int = 1, parent: QWidget | None = None):
        super().__init__(text, parent)
        if min_lines < 1:
            raise ValueError(f"min_lines must be at least 1, got {min_lines}")
        self._min_lines = min_lines
        self._tallest: dict[int, int] = {}  # width → the tallest height shown at that width
        self._laid_out = False  # until its layout gives it a width, it wraps at its preferred width
        self.setWordWrap(True)
        # Its wrapped text's height when there is room; rather ``min_lines`` lines than a window
        # pushed past the screen.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        return self._height_at(width)

    def _reserved_height(self) -> int:
        margins = self.contentsMargins()
        return self._min_lines * self.fontMetrics().lineSpacing() + margins.top() + margins.bottom()

    def _height_at(self, width: int) -> int:
        reserved = self._reserved_height()
        needed = max(reserved, super().heightForWidth(max(width, 1)))
        if len(self._tallest) > TALLEST_WIDTHS_KEPT:
            self._tallest.clear()  # the window was resized through many widths: start over
        needed = max(needed, self._tallest.get(width, 0))
        self._tallest[width] = needed
        return needed

    def _wrap_width(self) -> int:
        return self.width() if self._laid_out else super().sizeHint().width()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().sizeHint().width(), self._height_at(self._wrap_width()))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().minimumSizeHint().width(), self._reserved_height())

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        # Heights measured in another font (before a style sheet applied) no longer hold.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._tallest.clear()
        super().changeEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._laid_out = True
        # A new width may need another number of lines: only then does the layout hear of it.
        if event.size().width() != event.oldSize().width() and self._height_at(event.size().width()) != self.height():
            self.updateGeometry()


class _HeightAtWidthFloor(QObject):
    """Keeps a widget at least as tall as its layout needs at the widget's width (see
    :func:`keep_wrapped_text_in_view`)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.Resize, QEvent.Type.LayoutRequest) and isinstance(watched, QWidget):
            layout = watched.layout()
            if layout is not None and layout.hasHeightForWidth():
                needed = layout.totalMinimumHeightForWidth(watched.width())
                if needed > 0 and needed != watched.minimumHeight():
                    watched.setMinimumHeight(needed)
        return False


def keep_wrapped_text_in_view(widget: QWidget) -> None:
    """Make ``widget`` (a group holding word-wrapped labels) ask for the height its wrapped text
    needs at its width, so that a scrolling page grows rather than squeezing it.

    A splitter and a scroll area size their children by minimum size alone, which Qt computes for
    a wrapped label at a width of its own choosing; at a narrower width the text needs more lines
    than it was given, and the layout laid the optimiser's message over its plot's axis title.
    """
    floor = _HeightAtWidthFloor(widget)
    widget.installEventFilter(floor)
