"""Text the scenario form reads and writes: M typed as a number of hypotheses, and the
one-line messages beside a field that say why a typed value or an edit was refused.

Fields are named by their labels (:mod:`advisor.scenario.fields`), so a message
reads like the form it appears in.
"""

from __future__ import annotations

import math
from collections.abc import Collection

from advisor.errors import ScenarioValidationError
from advisor.scenario.fields import field_help

WHOLE_SCENARIO_PATHS = ("", "bounds", "scenario", "questions", "contexts")
"""Problem paths that name no single field: their messages stand without a label."""


def field_label(path: str) -> str:
    """The form's label of a dotted path (list indices as numbers or ``*``), or the path itself
    for a field the form does not present."""
    try:
        return field_help(path).label
    except KeyError:
        return path


def rejection_message(error: ScenarioValidationError, changed: Collection[str]) -> str:
    """Why an edit was refused: one line per problem, without repeats.

    Parameters
    ----------
    error
        What validating the edited scenario raised.
    changed
        The dotted paths the edit changed; their problems need no label (the
        message shows beside them), any other field's problem is prefixed with
        its label.
    """
    lines = []
    for path, message in error.problems or [("", str(error))]:
        if path in changed or path in WHOLE_SCENARIO_PATHS:
            lines.append(message)
        else:
            lines.append(f"{field_label(path)}: {message}")
    return "\n".join(dict.fromkeys(lines))


def not_a_number_message(path: str, text: str, allowed: str) -> str:
    """Why a typed text that is no number was refused (one sentence).

    Parameters
    ----------
    path
        The field's dotted path.
    text
        What was typed (``""`` when the field was emptied).
    allowed
        The field's range as the form shows it, e.g. ``"[0, 1)"``.
    """
    label = field_help(path).label
    if not text:
        return f"Enter a number: {label} must be in {allowed}."
    return f"{text!r} is not a number: {label} must be a number in {allowed}."


def out_of_range_message(path: str, number: str, allowed: str) -> str:
    """Why a typed number outside the field's range was refused (one sentence).

    Parameters
    ----------
    path
        The field's dotted path.
    number
        The number as typed, written as the form writes numbers.
    allowed
        The field's range as the form shows it, e.g. ``"[1, 100]"``.
    """
    return f"{number} is out of range: {field_help(path).label} must be in {allowed}."


def not_whole_message(path: str, number: str) -> str:
    """Why a typed number with a fraction was refused by a whole-number field: one sentence, its
    arguments as :func:`out_of_range_message`'s."""
    return f"{number} is not a whole number: {field_help(path).label} counts whole units."


def m_text(log2_m: float) -> str:
    """M, the number of hypotheses, for display: exact when it is a modest whole number, else ``2^x``.

    Parameters
    ----------
    log2_m
        Target complexity, bits (> 0).
    """
    if log2_m <= 40:
        m = 2.0 ** log2_m
        if abs(m - round(m)) < 1e-6 * m:
            return f"{int(round(m))}"
        return f"{m:.6g}"
    return f"2^{log2_m:g}"


def log2_m_from_text(text: str) -> float | str:
    """log₂ of a typed M (``"256"``, ``"1e6"``, ``"2^20"``, ``"2**20"``), or why it cannot be read.

    Parameters
    ----------
    text
        What was typed; spaces are ignored.

    Returns
    -------
    float or str
        The target complexity in bits (> 0), or a one-line message naming the
        text and what is allowed (M must be a number above 1).
    """
    cleaned = text.strip().replace(" ", "").replace("**", "^")
    try:
        if "^" in cleaned:
            base, exponent = cleaned.split("^", 1)
            log2_m = float(exponent) * math.log2(float(base))
        else:
            m = float(cleaned)
            if not math.isfinite(m):
                raise ValueError
            if m <= 1:
                return f"M must be more than 1 (one hypothesis needs no information), got {text.strip()}"
            log2_m = math.log2(m)
    except (ValueError, OverflowError):
        return f"M must be a number such as 256, 1e6 or 2^20, got {text.strip()!r}"
    if not math.isfinite(log2_m) or log2_m <= 0:
        return f"M must be more than 1, got {text.strip()}"
    return log2_m
