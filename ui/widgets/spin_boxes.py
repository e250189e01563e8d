"""Number inputs that show values the way people write them.

Qt's spin boxes print every decimal they allow ("0.1000"); these print the
shortest form of the value ("0.1"), accept both "1e6" and "1000000", and use
the C locale so a decimal point is always a point (scenario files and the
method's formulas use points).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QValidator
from PySide6.QtWidgets import QAbstractScrollArea, QDoubleSpinBox, QWidget

REFUSED_FRAME_COLOUR = "#c62828"
"""The frame around a refused field: a box whose Qt property ``invalid`` is true draws it."""

MINUS_SIGNS = "\u2212\u2012\u2013\uFE63\uFF0D"
"""Dashes people type or paste for a minus sign ("−3"): read as "-"."""

KEPT_DECIMALS = 10
"""Decimals a box of real numbers keeps and shows (trailing zeros dropped): what is typed, or stored by
a file or a calibration, is what the box shows ("250.5" words per minute showed "251", a correlation of
0.9999 showed "1" beside its range [0, 1))."""

SIGNIFICANT_DIGITS = 15
"""Most significant digits a number is written with: a double holds 15 to 17, so more would show
its binary noise (2,500,000.3 with ten decimals is "2500000.2999999998")."""


def compact_number(value: float, decimals: int) -> str:
    """``value`` rounded to ``decimals`` places, without trailing zeros.

    Whole values of a million or more, and any value with more digits than a double holds, are
    written in scientific notation with up to six significant digits, which stays readable in a
    narrow field (a refused 1e300 was written with its 301 digits, and widened the form).
    """
    if abs(value) >= 1e6 and decimals == 0 or abs(value) >= 10.0 ** SIGNIFICANT_DIGITS:
        text = f"{value:.6g}"
        return text if "e" in text else str(int(round(value)))
    if value:
        # No more decimals than the digits a double holds leave after the integer part.
        decimals = min(decimals, max(0, SIGNIFICANT_DIGITS - (math.floor(math.log10(abs(value))) + 1)))
    text = f"{value:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class CompactDoubleSpinBox(QDoubleSpinBox):
    """A :class:`QDoubleSpinBox` that prints ``0.1`` rather than ``0.1000``.

    Parameters
    ----------
    minimum, maximum
        The range the box lets the user type (inclusive).
    decimals
        The field's usual precision, in digits after the point: it sets the default step. 0 makes a
        whole-number box (see ``whole``).
    step
        Arrow and wheel step; ``None`` picks 1 for whole numbers, else one unit of the
        ``min(decimals, 2)``-th decimal.
    suffix
        Unit shown after the number, e.g. ``" s"``.
    whole
        Whole numbers only: a typed fraction is refused (:attr:`not_whole`). By default, when
        ``decimals`` is 0. Other boxes keep :data:`KEPT_DECIMALS` decimals, whatever ``decimals``.
    """

    out_of_range = Signal(float)
    """A number outside the range was typed and Enter pressed or the focus
    left: the box shows its value again and emits the typed number, so the
    owner can say why it was refused (Qt alone would silently put the
    minimum in its place)."""

    not_whole = Signal(float)
    """A number with a fraction was typed in a whole-number box and Enter pressed or the focus left:
    the box shows its value again and emits the typed number (Qt alone would round it, and an owner
    reading ``int(value())`` cut 2.9 raters to 2)."""

    malformed = Signal(str)
    """Text that is not a number (letters, a lone "-", nothing at all) was
    left in the box on Enter or focus loss: the box shows its value again and
    emits the text. Qt alone would store the minimum in its place."""

    def __init__(self, minimum: float = 0.0, maximum: float = 1e12, decimals: int = 3,
                 step: float | None = None, suffix: str = "", parent: QWidget | None = None,
                 whole: bool | None = None):
        super().__init__(parent)
        # Before anything that may validate text (a locale change re-reads it).
        self.whole = decimals == 0 if whole is None else whole
        self.setLocale(QLocale.c())
        self.setDecimals(0 if self.whole else KEPT_DECIMALS)
        self.setRange(minimum, maximum)
        self.setSingleStep(step if step is not None else (1.0 if decimals == 0 else 10.0 ** -min(decimals, 2)))
        self.setSuffix(suffix)
        # Commit on Enter, focus loss or an arrow step, not on every keystroke:
        # typing "0.15" must not evaluate (and record undo steps for) 0, 0.1, 0.15.
        self.setKeyboardTracking(False)
        self.setAccelerated(True)
        self.setCorrectionMode(QDoubleSpinBox.CorrectionMode.CorrectToNearestValue)
        # Table-cell editors leave out-of-range entries to their delegate (which
        # reads typed_out_of_range()); other boxes refuse them on Enter/focus-out.
        self.refuses_out_of_range = True
        # What the user last typed when out of range (a delegate fixes the text
        # up before committing, so it reads this instead of the text).
        self.last_typed_out_of_range: float | None = None
        # The same for text that is no number at all ("abc", "-"), else None.
        self.last_typed_malformed: str | None = None
        self.lineEdit().textEdited.connect(self._on_line_edit_text_edited)
        # The wheel changes the value only once the box has focus (a click or
        # Tab): scrolling the form over it must not edit it.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        guard_wheel(self)

    def textFromValue(self, value: float) -> str:  # noqa: N802 - Qt's name
        return compact_number(value, self.decimals())

    def valueFromText(self, text: str) -> float:  # noqa: N802 - Qt's name
        number = _parse(self._strip(text))
        return self.minimum() if number is None else number

    def validate(self, text: str, position: int):  # noqa: D401 - Qt's name
        # Nothing typed is dropped silently: text that is not (yet) a number
        # in range stays visible as "intermediate", and Enter or focus loss
        # refuses it with a signal the owner turns into a message.
        body = self._strip(text)
        if body == self.specialValueText() and body:
            return QValidator.State.Acceptable, text, position
        number = _parse(body)
        if number is None or number < self.minimum() or number > self.maximum() or self._fraction(number):
            return QValidator.State.Intermediate, text, position
        return QValidator.State.Acceptable, text, position

    def _fraction(self, number: float) -> bool:
        return self.whole and number != math.floor(number)

    def typed_fraction(self) -> float | None:
        """The number typed in a whole-number box when it has a fraction (and is in range), else None."""
        body = self._strip(self.lineEdit().displayText())
        number = _parse(body)
        if number is not None and self._fraction(number) and self.minimum() <= number <= self.maximum():
            return number
        return None

    def malformed_text(self) -> str | None:
        """The typed text when it is not a number (nor the special value), else None."""
        body = self._strip(self.lineEdit().displayText())
        if self.specialValueText() and body == self.specialValueText():
            return None
        return body if _parse(body) is None else None

    def typed_out_of_range(self) -> float | None:
        """The number typed in the box when it lies outside the range, else None."""
        body = self._strip(self.lineEdit().displayText())
        if self.specialValueText() and body == self.specialValueText():
            return None
        number = _parse(body)
        if number is not None and (number < self.minimum() or number > self.maximum()):
            return number
        return None

    def _on_line_edit_text_edited(self, _text: str) -> None:
        self.last_typed_out_of_range = self.typed_out_of_range()
        self.last_typed_malformed = self.malformed_text()

    def reject_out_of_range(self) -> bool:
        """Refuse an out-of-range, fractional (in a whole-number box) or
        malformed entry (see :attr:`out_of_range`, :attr:`not_whole` and
        :attr:`malformed`): the box shows its value again. True when there was
        one."""
        number = self.typed_out_of_range()
        fraction = self.typed_fraction() if number is None else None
        text = None if number is not None or fraction is not None else self.malformed_text()
        if number is None and fraction is None and text is None:
            return False
        self.lineEdit().setText(self.prefix() + self.textFromValue(self.value()) + self.suffix())
        self.last_typed_out_of_range = self.last_typed_malformed = None
        if number is not None:
            self.out_of_range.emit(number)
        elif fraction is not None:
            self.not_whole.emit(fraction)
        else:
            self.malformed.emit(text)
        return True

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.refuses_out_of_range:
                self.reject_out_of_range()
        super().keyPressEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.refuses_out_of_range:
            self.reject_out_of_range()
        super().focusOutEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self.property("invalid"):
            # A style sheet's border on a spin box would replace its native arrows, and one on its
            # text field is not drawn (the field has no frame of its own): the frame goes over the box.
            painter = QPainter(self)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QColor(REFUSED_FRAME_COLOUR))
            painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 2.0, 2.0)
            painter.end()

    def _strip(self, text: str) -> str:
        body = text
        if self.prefix() and body.startswith(self.prefix()):
            body = body[len(self.prefix()):]
        if self.suffix() and body.endswith(self.suffix()):
            body = body[: -len(self.suffix())]
        return body.strip()


def _parse(text: str) -> float | None:
    cleaned = text.replace(" ", "").replace("\u00a0", "")
    for sign in MINUS_SIGNS:
        cleaned = cleaned.replace(sign, "-")
    try:
        number = float(cleaned)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


class _WheelGuard(QObject):
    """Passes wheel events over an unfocused input on to the scrolling form
    that holds it, so that only a focused input changes its value."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget) or watched.hasFocus():
            return False
        hand_wheel_to_form(watched.parentWidget(), event)
        return True


def hand_wheel_to_form(start: QWidget | None, event: QEvent) -> None:
    """Give a wheel ``event`` to the scroll bar of the first scrolling area that holds ``start``
    (itself included): the form's, for an input or a table inside it. Without one, the event is
    ignored, and Qt offers a spontaneous event to the parents."""
    area = start
    while area is not None and not isinstance(area, QAbstractScrollArea):
        area = area.parentWidget()
    if area is None:
        event.ignore()
        return
    # Handed to the form's scroll bar directly: Qt does not propagate a
    # wheel event that was sent rather than coming from the window system.
    bar = area.verticalScrollBar()
    if event.angleDelta().y() == 0 and area.horizontalScrollBar().isVisible():
        bar = area.horizontalScrollBar()
    QCoreApplication.sendEvent(bar, event)
    event.accept()


_WHEEL_GUARD: _WheelGuard | None = None


def guard_wheel(widget: QWidget) -> None:
    """Let the mouse wheel change ``widget`` (a spin box or combo box) only
    while it has focus; otherwise the wheel scrolls what contains it.

    Also gives the widget a click-or-Tab focus policy, so that the wheel
    itself does not hand it the focus.
    """
    global _WHEEL_GUARD
    if _WHEEL_GUARD is None:
        _WHEEL_GUARD = _WheelGuard()
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_WHEEL_GUARD)
