"""Units, money and counts as the window, the command line and the reports write them.

Information is computed in nats everywhere (``models`` works in natural
logarithms) and shown in bits unless the user chose nats; money is written the
way people write it (``$1,240``, ``€86.40``, ``1,240 CHF``); counts have
thousands separators. Every sentence, table cell and card that shows one of
these goes through this module, so the three front ends agree to the digit.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext
from typing import Literal

LN2 = math.log(2.0)
"""Nats per bit: ``bits = nats / LN2``. The same number as ``models.info.LN2``, written here too
because the command line imports this module for every command and loads the numerics only for
the commands that compute (``tests/advisor/test_lazy_exports.py``)."""

InfoUnit = Literal["bits", "nats"]
"""The unit information is shown in."""

INFO_UNITS: tuple[InfoUnit, ...] = ("bits", "nats")

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "CNY": "¥"}
"""Currencies written with a symbol before the amount; any other code follows it (``1,240 CHF``)."""

WHOLE_UNITS_FROM = 100.0
"""Amounts of money at least this large (in absolute value) are rounded to whole units, smaller ones to cents."""

MINUS = "−"
"""The typographic minus sign: a hyphen is easily missed in a column of numbers and breaks lines."""


# -------------------------------------------------------------- information
def nats_to_bits(nats: float) -> float:
    """Information in bits, from nats."""
    return nats / LN2


def bits_to_nats(bits: float) -> float:
    """Information in nats, from bits."""
    return bits * LN2


def info_in(nats: float, unit: InfoUnit) -> float:
    """An amount of information given in nats, expressed in ``unit``."""
    if unit not in INFO_UNITS:
        raise ValueError(f"unit must be bits or nats, got {unit!r}")
    return nats / LN2 if unit == "bits" else nats


def info_from(value: float, unit: InfoUnit) -> float:
    """The inverse of :func:`info_in`: a value in ``unit``, in nats."""
    if unit not in INFO_UNITS:
        raise ValueError(f"unit must be bits or nats, got {unit!r}")
    return value * LN2 if unit == "bits" else value


def info_text(nats: float, unit: InfoUnit = "bits", digits: int = 3) -> str:
    """Information as a fixed-point number in ``unit``, e.g. ``"3.210"`` (no unit name)."""
    return f"{info_in(nats, unit):.{digits}f}"


def bits_text(nats: float) -> str:
    """Nats as bits for a sentence: two decimals, or two significant digits below 0.01 bit."""
    bits = nats / LN2
    if bits == 0 or abs(bits) >= 0.01:
        return f"{bits:.2f}"
    return f"{bits:.2g}"


# -------------------------------------------------------------------- money
def money(amount: float, currency: str) -> str:
    """An amount of money, e.g. ``"$1,240"``, ``"$86.40"``, ``"-€12.50"`` or ``"1,240 CHF"``.

    Parameters
    ----------
    amount
        The amount in ``currency``; amounts of :data:`WHOLE_UNITS_FROM` or more
        are rounded to whole units, smaller ones to cents.
    currency
        An ISO 4217 code (any case); codes in :data:`CURRENCY_SYMBOLS` are
        written as the symbol before the amount, others after it.
    """
    text = amount_text(amount)
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    if symbol is None:
        return f"{text} {currency}"
    return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"


_MONEY_DIGITS = 330
"""Significant digits of the money arithmetic: a float's whole part and its cents."""


def _rounded_amount(amount: float) -> Decimal:
    """``amount`` rounded as people round money: to the cent first (a sum such as 12,937.4999…98
    is 12,937.50), then to whole units from :data:`WHOLE_UNITS_FROM` on, halves away from zero
    (12,937.50 → 12,938 and −4,312.50 → −4,313, where Python's own rounding goes to even)."""
    # Enough digits for any float's cents (1.7e308 has 309 before the point): the default 28
    # refuse amounts from 1e26 on.
    with localcontext(Context(prec=_MONEY_DIGITS)):
        cents = Decimal(repr(float(amount))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        if cents == 0:
            return abs(cents)  # no "-0.00"
        return cents.quantize(Decimal("1"), rounding=ROUND_HALF_UP) if abs(cents) >= WHOLE_UNITS_FROM else cents


def amount_text(amount: float) -> str:
    """An amount of money without its currency (for a column whose header names it): ``"1,240"``,
    ``"86.40"``; ``"∞"`` for an amount without bound."""
    if not math.isfinite(amount):
        return "∞" if amount > 0 else ("-∞" if amount < 0 else "n/a")
    return f"{_rounded_amount(amount):,}"


def signed_amount_text(change: float) -> str:
    """A change of money without its currency, signed with a typographic minus: ``"+1,240"``, ``"−86.40"``, ``"0"``."""
    if not math.isfinite(change):
        return "+∞" if change > 0 else (MINUS + "∞" if change < 0 else "n/a")
    rounded = _rounded_amount(change)
    if rounded == 0:
        return "0"
    return f"{rounded:+,}".replace("-", MINUS)


def signed_text(value: float, digits: int) -> str:
    """``value`` with its sign and ``digits`` decimals, a typographic minus, and no sign where it
    rounds to zero (``"+0.125"``, ``"−0.125"``, ``"0.0"``, never ``"-0.0"``)."""
    text = f"{value:+.{digits}f}"
    if float(text) == 0:
        return f"{0:.{digits}f}"
    return text.replace("-", MINUS)


# ------------------------------------------------------------------- counts
def count_text(value: float | None, none: str = "none") -> str:
    """A count with thousands separators, rounded to a whole number: ``"12,400"``; ``none`` for None."""
    return none if value is None else f"{value:,.0f}"


def counted(value: int, noun: str) -> str:
    """A whole count and its noun, plural unless one: ``"1 rater"``, ``"3 raters"``, ``"1,500 items"``."""
    return f"{value:,} {noun}{'' if value == 1 else 's'}"


def signed_count_text(value: int) -> str:
    """A change of a count with thousands separators and its sign: ``"+1,240"``, ``"−86"``, ``"0"``."""
    return "0" if value == 0 else f"{value:+,}".replace("-", MINUS)


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def range_end_text(value: float, *, separator: str = ",") -> str:
    """A range's end as people write it, in the form hints and in the refusals alike: ``10¹²``,
    ``2·10⁶`` (a million or more with one significant digit), ``10,000`` (thousands grouped from ten
    thousand, by ``separator``: a space inside an interval, where a comma separates the ends),
    ``1000``, ``0.5``; a negative end with the typographic minus (``−10⁹``)."""
    if value < 0:
        return MINUS + range_end_text(-value, separator=separator)
    if value >= 1e6 and float(f"{value:.0e}") == value:
        mantissa, exponent = f"{value:.0e}".split("e")
        power = str(int(exponent)).translate(_SUPERSCRIPTS)
        return f"10{power}" if mantissa == "1" else f"{mantissa}·10{power}"
    if float(value).is_integer() and value < 1e16:
        return f"{int(value):,}".replace(",", separator) if value >= 10_000 else str(int(value))
    return f"{value:g}"


def and_join(items: list[str]) -> str:
    """Words in a sentence: ``"a"``, ``"a and b"``, ``"a, b and c"`` (``items`` not empty)."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def clip(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, an ellipsis ending what was cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def with_minus(text: str) -> str:
    """``text`` with a leading hyphen replaced by the typographic minus."""
    return MINUS + text[1:] if text.startswith("-") else text


def field_value_text(value: object) -> str:
    """A scenario field's value in a table cell (what a calibration changed): numbers to 4
    significant digits, lists compactly (``[0.3, 0.7]``; ``none`` when empty), entries of a list of
    models (difficulty classes, rater types) as their numbers in parentheses, nothing as "—"."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict):
        return "(" + ", ".join(field_value_text(v) for v in value.values()) + ")"
    if isinstance(value, (tuple, list)):
        return "[" + ", ".join(field_value_text(v) for v in value) + "]" if value else "none"
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        return field_value_text(dump())
    return str(value)
