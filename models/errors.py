"""Exception types of the modeling layer and the argument checks that raise them.

Every public function of :mod:`models` validates its arguments with the helpers below, so that a bad
value is reported once, at the boundary, with a message that names the argument, the value received
and the allowed range (e.g. ``"raters must be an integer >= 1, got 0"``). ``advisor/`` shows the message
next to the offending field, so it is written for a person, not a stack trace.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable

import numpy as np

__all__ = [
    "ModelError",
    "InvalidArgumentError",
    "check_real",
    "check_integer",
    "check_choice",
    "check_probability",
    "interval_text",
]


class ModelError(Exception):
    """Base class of every error raised on purpose by :mod:`models`."""


class InvalidArgumentError(ModelError, ValueError):
    """An argument is outside its documented domain (type, range, shape or choice)."""


def interval_text(low: float | None, high: float | None, low_open: bool, high_open: bool, *,
                  number: Callable[[float], str] = "{:g}".format, at_least: str = ">=", at_most: str = "<=") -> str:
    """An interval as a reader sees it: ``>= 0``, ``< 5`` or ``(0, 1]``; ``""`` when unbounded.

    ``number`` writes an end; ``at_least`` and ``at_most`` are the signs of a closed lower or upper
    end alone (the error messages here write ``>=``). ``advisor.scenario.fields.range_text`` writes
    the window's field ranges with this function, with ``≥`` and ``≤``.
    """
    if low is None and high is None:
        return ""
    if high is None:
        return f"{'>' if low_open else at_least} {number(low)}"
    if low is None:
        return f"{'<' if high_open else at_most} {number(high)}"
    return f"{'(' if low_open else '['}{number(low)}, {number(high)}{')' if high_open else ']'}"


def _describe_interval(
    low: float | None, high: float | None, low_open: bool, high_open: bool
) -> str:
    text = interval_text(low, high, low_open, high_open)
    if not text:
        return "a finite real number"
    if low is None or high is None:
        return f"a finite real number {text}"
    return f"a real number in {text}"


def check_real(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a float after checking it is finite and inside the interval.

    Parameters
    ----------
    name : str
        Argument name used in the error message.
    value : object
        Candidate value; ints, floats and NumPy real scalars are accepted, booleans are not (a
        ``True`` where a rate is expected is almost always a wiring mistake).
    low, high : float or None
        Interval ends; None means unbounded on that side.
    low_open, high_open : bool
        Whether the corresponding end is excluded.

    Raises
    ------
    InvalidArgumentError
        If the value is not a finite real number inside the interval.
    """
    # The message is built only on failure: the numerics call this in their inner loops.
    if type(value) is float:  # the common case, without the ABC checks below
        number = value
    elif isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidArgumentError(f"{name} must be {_describe_interval(low, high, low_open, high_open)}, "
                                   f"got {value!r}")
    else:
        number = float(value)
    if (not math.isfinite(number)
            or (low is not None and (number < low or (low_open and number == low)))
            or (high is not None and (number > high or (high_open and number == high)))):
        raise InvalidArgumentError(f"{name} must be {_describe_interval(low, high, low_open, high_open)}, "
                                   f"got {value!r}")
    return number


def check_probability(name: str, value: object) -> float:
    """Return ``value`` as a float after checking it lies in [0, 1]."""
    return check_real(name, value, low=0.0, high=1.0)


def check_integer(
    name: str, value: object, *, low: int | None = None, high: int | None = None
) -> int:
    """Return ``value`` as an int after checking it is an integer inside [low, high].

    Integral floats such as ``3.0`` are accepted because spin boxes and JSON hand them over; ``2.5``
    and booleans are rejected.

    Raises
    ------
    InvalidArgumentError
        If the value is not an integer inside the interval.
    """
    if low is not None and high is not None:
        allowed = f"an integer in [{low}, {high}]"
    elif low is not None:
        allowed = f"an integer >= {low}"
    elif high is not None:
        allowed = f"an integer <= {high}"
    else:
        allowed = "an integer"
    if isinstance(value, (bool, np.bool_)):
        raise InvalidArgumentError(f"{name} must be {allowed}, got {value!r}")
    if isinstance(value, numbers.Integral):
        number = int(value)
    elif isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer():
        number = int(float(value))
    else:
        raise InvalidArgumentError(f"{name} must be {allowed}, got {value!r}")
    if (low is not None and number < low) or (high is not None and number > high):
        raise InvalidArgumentError(f"{name} must be {allowed}, got {value!r}")
    return number


def check_choice(name: str, value: object, choices: Iterable[str]) -> str:
    """Return ``value`` after checking it is one of ``choices``.

    Raises
    ------
    InvalidArgumentError
        If the value is not one of the allowed strings.
    """
    options = tuple(choices)
    if not isinstance(value, str) or value not in options:
        listed = ", ".join(repr(option) for option in options)
        raise InvalidArgumentError(f"{name} must be one of {listed}, got {value!r}")
    return value
