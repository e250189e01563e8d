"""Limits on the files the app reads, checked before they are parsed.

A scenario file, an interface config or any other JSON the user hands in may be
wrong or hostile: very large, nested thousands of levels deep (which makes a
recursive parser raise :class:`RecursionError`), full of multi-megabyte strings,
or holding numbers that are not numbers (JSON's non-standard ``NaN``,
``Infinity``, ``-Infinity``, or ``1e400``, which overflows to infinity). This
module reads such input with stated bounds and refuses what exceeds them with
one line that names the field, the limit and what to do, quoting at most
:data:`QUOTE_CHARS` characters of the input.

:func:`load_json` is the bounded JSON reader: size first, then nesting depth
by a scan that does not recurse, then :func:`json.loads` with hooks that turn
non-finite and overlong numbers into refusals, then one iterative walk over
the result for string lengths and container sizes. :func:`non_finite_fields`
finds non-finite numbers in validated pydantic models (a string ``"inf"`` is a
valid float to pydantic).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from advisor.errors import ImportFormatError, InputLimitError

__all__ = [
    "CONFIG_LIMITS",
    "JsonLimits",
    "MAX_CONTEXTS",
    "MAX_QUESTIONS",
    "QUOTE_CHARS",
    "SCENARIO_LIMITS",
    "check_scenario_counts",
    "json_name",
    "load_json",
    "non_finite_fields",
    "non_finite_message",
    "quote",
    "read_text_file",
]

QUOTE_CHARS = 80
"""Most characters of the input an error message quotes."""

MAX_QUESTIONS = 50
"""Most questions a scenario holds (the schema's own limit)."""

MAX_CONTEXTS = 50
"""Most contexts a scenario holds (the schema's own limit)."""


@dataclass(frozen=True)
class JsonLimits:
    """Bounds on one JSON document.

    Attributes
    ----------
    max_bytes
        Largest document, bytes of UTF-8 (characters for text already decoded).
    max_depth
        Deepest nesting of arrays and objects (``[]`` is depth 1). Far below
        Python's recursion limit, so neither the parser nor any later walk
        can overflow the stack.
    max_string_chars
        Longest string, keys included, characters.
    max_items
        Most entries in one array or object.
    max_number_chars
        Longest number as written, characters: a float has 17 significant
        digits, and integer conversion of thousands of digits is slow (Python
        refuses more than 4300).
    what
        What the document is, for messages (``"a scenario file"``).
    """

    max_bytes: int
    max_depth: int
    max_string_chars: int
    max_items: int
    max_number_chars: int = 100
    what: str = "a JSON file"


SCENARIO_LIMITS = JsonLimits(
    max_bytes=2_000_000, max_depth=12, max_string_chars=100_000, max_items=10_000, what="a scenario file",
)
"""Scenario files: the six examples are 2–4 kB and 4 levels deep; notes hold at
most 20 000 characters, a scenario at most 50 questions and 50 contexts."""

CONFIG_LIMITS = JsonLimits(
    max_bytes=5_000_000, max_depth=64, max_string_chars=1_000_000, max_items=100_000, what="an interface config",
)
"""Interface configs (Argilla settings, SageMaker labeling-job requests): a
few kilobytes and under ten levels in practice; a SageMaker UI template is one
string of up to a few hundred kilobytes."""


def quote(value: Any, limit: int = QUOTE_CHARS) -> str:
    """``repr(value)`` cut to ``limit`` characters, saying how long the original was."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**limit:
        # repr of a huge integer is slow, and refused past 4300 digits.
        return f"an integer of about {int(value.bit_length() * math.log10(2)) + 1:,} digits"
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"a {type(value).__name__}"
    if len(text) <= limit:
        return text
    size = f"{len(value):,} characters" if isinstance(value, str) else f"{len(text):,} characters as written"
    return f"{text[: limit - 1]}… ({size})"


def quote_list(values: Sequence[Any], limit: int = 40, most: int = 20) -> str:
    """Values for a message, each :func:`quote`-d to ``limit`` characters and at most ``most`` of them
    (then "and N more"), so long or many names (a pilot's questions, say) keep it one short line."""
    listed = ", ".join(quote(value, limit) for value in values[:most])
    return listed + (f" and {len(values) - most:,} more" if len(values) > most else "")


class _NotFinite:
    """Stands in for a number that is not finite while the document is parsed, until its path is known."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


class _TooLong:
    """Stands in for a number with more than ``max_number_chars`` characters."""

    __slots__ = ("chars",)

    def __init__(self, chars: int):
        self.chars = chars


def non_finite_message(field: str, written: str, *, optional: bool = True) -> str:
    """The one-line refusal of a number that is not finite, by the name it was written with."""
    name = field or "value"
    alternative = " or leave it empty" if optional else ""
    return f"{name}: {written} is not a number; give a finite value{alternative}"


def _describe_non_finite(text: str) -> str:
    if text in ("NaN", "Infinity", "-Infinity"):
        return text
    return f"{quote(text, 40)[1:-1]} (too large: it is {'-' if text.lstrip().startswith('-') else ''}Infinity as a number)"


# Removes backslash escapes first (so an escaped quote cannot end a string), then whole strings.
_ESCAPES = re.compile(r"\\.", re.DOTALL)
_STRINGS = re.compile(r'"[^"]*"')
_BRACKETS = re.compile(r"[\[\]{}]")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _max_depth(text: str) -> int:
    """Deepest nesting of ``[`` and ``{`` outside strings, without recursion (linear in the text)."""
    bare = _STRINGS.sub("", _ESCAPES.sub("", text))
    steps = (_DEPTH_STEP[bracket] for bracket in _BRACKETS.findall(bare))
    return max(itertools.accumulate(steps), default=0)


def _path(parts: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in parts)


def load_json(text: str | bytes, *, source: str, limits: JsonLimits = SCENARIO_LIMITS) -> Any:
    """Parse JSON within ``limits``.

    Parameters
    ----------
    text
        The document (bytes are decoded as UTF-8, with or without BOM).
    source
        Where it came from (a file name), for messages; ``""`` for none.
    limits
        See :class:`JsonLimits`.

    Returns
    -------
    Any
        The parsed value; every number in it is finite.

    Raises
    ------
    InputLimitError
        For a document over a limit or a number that is not finite
        (``NaN``, ``Infinity``, ``-Infinity``, ``1e400``); the message names
        the field path and the limit.
    ImportFormatError
        For text that is not UTF-8 or not JSON (with line and column).
    """
    prefix = f"{source}: " if source else ""
    size = len(text)
    if size > limits.max_bytes:
        unit = "bytes" if isinstance(text, (bytes, bytearray)) else "characters"
        raise InputLimitError(f"{prefix}{size:,} {unit} is too large for {limits.what} (at most {limits.max_bytes:,})")
    if isinstance(text, (bytes, bytearray)):
        try:
            text = bytes(text).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ImportFormatError(f"{prefix}not UTF-8 text (byte {error.start})") from None
    depth = _max_depth(text)
    if depth > limits.max_depth:
        raise InputLimitError(
            f"{prefix}arrays and objects are nested {depth:,} levels deep; {limits.what} may nest at most "
            f"{limits.max_depth} levels"
        )

    def parse_number(written: str, convert: Any) -> Any:
        if len(written) > limits.max_number_chars:
            return _TooLong(len(written))
        value = convert(written)
        return value if math.isfinite(value) else _NotFinite(written)

    try:
        data = json.loads(
            text,
            parse_constant=_NotFinite,
            parse_float=lambda written: parse_number(written, float),
            parse_int=lambda written: parse_number(written, int),
        )
    except json.JSONDecodeError as error:
        # A file of markup read as JSON (a Label Studio config given as an Argilla dataset) fails at its
        # first character: say what it looks like rather than only where the JSON broke.
        looks_like = " (it starts with '<': it looks like XML, e.g. a Label Studio config)" \
            if text.lstrip().startswith("<") else ""
        raise ImportFormatError(f"{prefix}not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
                                f"{looks_like}") from None
    except RecursionError:  # the depth scan makes this unreachable; kept so no traceback can escape
        raise InputLimitError(f"{prefix}nested too deeply for {limits.what}") from None
    _check_values(data, prefix, limits)
    return data


def _check_values(data: Any, prefix: str, limits: JsonLimits) -> None:
    """One iterative walk: string lengths, container sizes, and the stand-ins for bad numbers."""
    pending: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while pending:
        value, parts = pending.pop()
        field = _path(parts)
        where = f"{prefix}{field or 'the document'}"
        if isinstance(value, _NotFinite):
            raise InputLimitError(prefix + non_finite_message(field, _describe_non_finite(value.text)), field)
        if isinstance(value, _TooLong):
            raise InputLimitError(
                f"{where}: a number written with {value.chars:,} characters; at most {limits.max_number_chars} are read",
                field,
            )
        if isinstance(value, str):
            if len(value) > limits.max_string_chars:
                raise InputLimitError(
                    f"{where}: a text of {len(value):,} characters ({quote(value, 40)}); at most "
                    f"{limits.max_string_chars:,} are allowed in {limits.what}",
                    field,
                )
        elif isinstance(value, (list, dict)):
            if len(value) > limits.max_items:
                noun = "entries" if isinstance(value, list) else "keys"
                raise InputLimitError(
                    f"{where}: {len(value):,} {noun}; at most {limits.max_items:,} are allowed in {limits.what}", field
                )
            if isinstance(value, list):
                pending.extend((item, parts + (index,)) for index, item in enumerate(value))
            else:
                for key, item in value.items():
                    if len(key) > limits.max_string_chars:
                        raise InputLimitError(f"{where}: a key of {len(key):,} characters ({quote(key, 40)})", field)
                    pending.append((item, parts + (key,)))


def read_text_file(path: str | os.PathLike[str], *, limits: JsonLimits) -> str:
    """A file's UTF-8 text, refused before reading when it is too large or not a regular file.

    Raises
    ------
    InputLimitError
        For a file over ``limits.max_bytes``.
    ImportFormatError
        For a missing file, a folder, a FIFO or device (never opened: reading
        one would wait forever), an unreadable file, or text that is not UTF-8.
    """
    path = Path(path)
    try:
        info = path.stat()
    except OSError as error:
        raise ImportFormatError(f"{path}: cannot read ({error.strerror or 'no such file'})") from None
    if not path.is_file():
        raise ImportFormatError(f"{path}: not a regular file")
    if info.st_size > limits.max_bytes:
        raise InputLimitError(
            f"{path}: {info.st_size:,} bytes is too large for {limits.what} (at most {limits.max_bytes:,} bytes)"
        )
    try:
        with open(path, "rb") as handle:
            # At most one byte more than allowed: a file that grew since stat is still refused.
            content = handle.read(limits.max_bytes + 1)
    except OSError as error:
        raise ImportFormatError(f"{path}: cannot read ({error.strerror})") from None
    if len(content) > limits.max_bytes:
        raise InputLimitError(f"{path}: too large for {limits.what} (at most {limits.max_bytes:,} bytes)")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFormatError(f"{path}: not UTF-8 text (byte {error.start})") from None


def check_scenario_counts(data: Any) -> None:
    """Refuse more questions or contexts than a scenario holds, before the schema checks each one.

    Raises
    ------
    InputLimitError
        Naming the count and the limit.
    """
    if not isinstance(data, dict):
        return
    for key, limit in (("questions", MAX_QUESTIONS), ("contexts", MAX_CONTEXTS)):
        entries = data.get(key)
        if isinstance(entries, list) and len(entries) > limit:
            raise InputLimitError(f"{key}: {len(entries):,} {key}; a scenario holds at most {limit}", key)


def non_finite_fields(model: BaseModel) -> list[tuple[str, float, bool]]:
    """Every float field of a pydantic model (nested models and tuples included) that is not finite.

    Returns
    -------
    list of (path, value, optional)
        The dotted path (``"campaign.budget_cap"``), the value and whether the
        field may be left empty (its default is None).
    """
    found: list[tuple[str, float, bool]] = []
    pending: list[tuple[Any, tuple[Any, ...], bool]] = [(model, (), False)]
    while pending:
        value, parts, optional = pending.pop()
        if isinstance(value, BaseModel):
            for name, info in type(value).model_fields.items():
                pending.append((getattr(value, name), parts + (name,), info.default is None))
        elif isinstance(value, (tuple, list)):
            pending.extend((item, parts + (index,), False) for index, item in enumerate(value))
        elif isinstance(value, float) and not math.isfinite(value):
            found.append((_path(parts), value, optional))
    return sorted(found)


def json_name(value: float) -> str:
    """``NaN``, ``Infinity`` or ``-Infinity``: how JSON-like text writes a non-finite float."""
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"
