"""Text the scenario form reads and writes: M typed as a number of hypotheses, and the
one-line messages beside a field that say why a typed value or an edit was refused.

Fields are named by their labels (:mod:`advisor.scenario.fields`), so a message
reads like the form it appears in.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from typing import Any

from advisor.errors import ScenarioValidationError
from advisor.scenario.fields import field_help
from advisor.units import clip

WHOLE_SCENARIO_PATHS = ("", "bounds", "scenario", "questions", "contexts")
"""Problem paths that name no single field: their messages stand without a label."""

ROW_NOUNS = {"contexts": "context", "questions": "question",
             "raters.difficulty_classes": "difficulty class", "raters.rater_types": "rater type"}
"""What one row of each of the scenario's lists is called in a message."""

ECHO_CHARS = 40
"""Most characters of a refused value, or of a row's name, that a message repeats: a whole long
name would be one unbreakable token that widens the form it is shown in."""

_ROW_FIELD_LABELS = {"name": "Name", "k": "k", "max_chars": "Max chars"}
"""Labels of a row's fields where the table's column header does not fit a sentence (the name
column is headed "Context"; the k column "k / chars")."""

_SCHEMA_WORDING = [
    # pydantic's own words, then what this application says instead.
    (re.compile(r"^String should have at least 1 characters?$"), "must not be empty"),
    (re.compile(r"^String should have at most (\d+) characters?$"), r"must have at most \1 characters"),
    (re.compile(r"^Input should be a valid number.*$"), "must be a number"),
    (re.compile(r"^Input should be a valid integer.*$"), "must be a whole number"),
    (re.compile(r"^(?:Tuple|List) should have at least (\d+) items?.*$"), r"must have at least \1 entries"),
    (re.compile(r"^(?:Tuple|List) should have at most (\d+) items?.*$"), r"must have at most \1 entries"),
]


def field_label(path: str) -> str:
    """The form's label of a dotted path (list indices as numbers or ``*``), or the path itself
    for a field the form does not present."""
    try:
        return field_help(path).label
    except KeyError:
        return path


def rejection_message(error: ScenarioValidationError, changed: Collection[str], scenario: Any = None) -> str:
    """Why an edit was refused: one line per problem, without repeats.

    Parameters
    ----------
    error
        What validating the edited scenario raised.
    changed
        The dotted paths the edit changed; their problems need no label (the
        message shows beside them), any other field's problem is prefixed with
        its label. A problem in a row of a list (a table's cell) names the
        column and the row.
    scenario
        The scenario before the edit: rows are named by their names in it
        (without it, or for rows without a name, by their numbers).
    """
    problems = error.problems or [("", str(error))]
    lines = []
    for path, message in problems:
        if _echoes_a_row_problem(path, message, problems):
            continue
        if _row_of(path) is not None:
            lines.append(_row_message(path, message, scenario))
        elif path in changed or path in WHOLE_SCENARIO_PATHS:
            lines.append(_whole_list_message(message))
        else:
            label = _known_label(path)
            lines.append(f"{label}: {_plain_message(message)}" if label else _plain_message(message))
    return "\n".join(dict.fromkeys(lines))


def _known_label(path: str) -> str | None:
    try:
        return field_help(path).label
    except KeyError:
        return None


def _row_of(path: str) -> tuple[str, int, list[str]] | None:
    """``(list path, row index, field path below the row)`` of a problem in a list's row, else None."""
    parts = path.split(".")
    for position, part in enumerate(parts):
        if part.isdigit():
            return (".".join(parts[:position]), int(part), parts[position + 1:]) if position else None
    return None


def _echoes_a_row_problem(path: str, message: str, problems: list[tuple[str, str]]) -> bool:
    """Whether a list's "too short" is only pydantic's echo of a refused row of that list (the
    list loses the row it could not read, then counts its rows)."""
    return ("at least 1 item" in message and path in ROW_NOUNS
            and any(other.startswith(path + ".") for other, _ in problems))


def _row_name(scenario: Any, group: str, index: int) -> str | None:
    """The name of row ``index`` of the list at dotted ``group`` in ``scenario``, if it has one."""
    rows = scenario
    for key in group.split("."):
        rows = getattr(rows, key, None)
    try:
        return getattr(rows[index], "name", None)
    except (TypeError, IndexError):
        return None


def _row_message(path: str, message: str, scenario: Any) -> str:
    """A problem of a table's cell as a sentence that names the column and the row:
    "Weight of context 'passages' must be more than 0; got -1"."""
    group, index, field = _row_of(path)
    while field and field[-1].isdigit():
        field = field[:-1]  # an entry of a list cell (a prior's share) is the cell's problem
    noun = ROW_NOUNS.get(group, group.rsplit(".", 1)[-1])
    message = _form_words(message)
    words = message.split(" ", 1)
    if len(words) == 2 and (field == [] or field == ["format"]) and _row_field_label(group, field + [words[0]]):
        # A check of the whole row names its field first, as the schema spells it
        # ("prior must have one share per answer (4), got 2").
        field, message = field + [words[0]], words[1]
    kind = re.match(r"for (\w+) (must .*)$", message)
    if kind:
        # "k for ordinal must be an integer from 2 to 50": the format describes the row.
        noun, message = f"{kind.group(1).replace('_', ' ')} {noun}", kind.group(2)
    name = _row_name(scenario, group, index)
    row = f"{noun} {clip(name, ECHO_CHARS)!r}" if name else f"{noun} {index + 1}"
    label = _row_field_label(group, field) or (" ".join(field).replace("_", " ").capitalize() or "Row")
    joiner = " " if message.startswith(("must ", "applies ")) else ": "
    return f"{label} of {row}{joiner}{_short_echo(message)}"


def _row_field_label(group: str, field: list[str]) -> str | None:
    """The label of a field of a list's rows, as a sentence names it; None for no such field."""
    if field and field[-1] in _ROW_FIELD_LABELS:
        return _ROW_FIELD_LABELS[field[-1]]
    return _known_label(".".join([group, "*", *field])) if field else None


def _whole_list_message(message: str) -> str:
    """A problem of a whole list or of the scenario, in the form's words."""
    repeated = re.match(r"^(\w+?)s names must be unique, repeated: (.*)$", message)
    if repeated:
        # The schema lists the repeated names joined by ", ": each is quoted on its own.
        names = ", ".join(repr(clip(name, ECHO_CHARS)) for name in repeated.group(2).split(", "))
        return f"{repeated.group(1).capitalize()} names must be unique; repeated: {names}"
    return _plain_message(message)


def _plain_message(message: str) -> str:
    """``message`` in the form's words, with a short echo of the refused value."""
    return _short_echo(_form_words(message))


def _form_words(message: str) -> str:
    """``message`` without pydantic's wording ("String should have at least 1 character" is
    "must not be empty")."""
    head, got = message.rsplit(", got ", 1) if ", got " in message else (message, None)
    for pattern, wording in _SCHEMA_WORDING:
        if pattern.match(head):
            head = pattern.sub(wording, head)
            break
    return head if got is None or got == "''" else f"{head}, got {got}"


def _short_echo(message: str) -> str:
    """"must be more than 0; got -1" for "must be more than 0, got -1.0": whole numbers without
    ".0", long text clipped to :data:`ECHO_CHARS`."""
    if not message.startswith("must ") or ", got " not in message:
        return message
    head, got = message.rsplit(", got ", 1)
    try:
        number = float(got)
    except ValueError:
        sized = re.match(r"^(.*)( \([\d,]+ characters\))$", got, re.DOTALL)
        echo = clip(sized.group(1), ECHO_CHARS) + sized.group(2) if sized else clip(got, ECHO_CHARS)
    else:
        echo = str(int(number)) if number.is_integer() and abs(number) < 1e15 else clip(got, ECHO_CHARS)
    return f"{head}; got {echo}"


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
