"""How the storage modules word what went wrong: one line each, the driver's own words
without the SQL, and the closest names when something looked up is not stored.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError


def one_line(text: object) -> str:
    """``text`` as a string with every run of white space (newlines included) made one space."""
    return " ".join(str(text).split())


def describe_database_error(error: SQLAlchemyError) -> str:
    """The driver's own message on one line, without the SQL statement."""
    original = getattr(error, "orig", None)
    return one_line(original if original is not None else error)


def not_found_message(kind: str, reference: str, names: Sequence[str], listing: str | None = None) -> str:
    """The message for a name nothing stored carries, with up to 3 close or containing names.

    Parameters
    ----------
    kind
        What was looked up, e.g. ``"scenario"`` or ``"pilot dataset"``.
    reference
        The name asked for.
    names
        The names that are stored.
    listing
        The command that lists them with their ids (None: there is none).
    """
    shown = f"; '{listing}' shows them" if listing else ""
    if reference.isascii() and reference.isdigit():
        # A number is read as an id as well as a name: neither was found.
        return f"no stored {kind} has id {reference} or is named {reference!r} ({len(names)} stored{shown})"
    lowered = {name.lower(): name for name in names}
    close = difflib.get_close_matches(reference.lower(), list(lowered), n=3, cutoff=0.5)
    containing = [name for name in names if reference.lower() in name.lower()]
    suggestions = list(dict.fromkeys([lowered[c] for c in close] + containing))[:3]
    if suggestions:
        return f"no stored {kind} named {reference!r}; did you mean {', '.join(map(repr, suggestions))}?"
    return f"no stored {kind} named {reference!r} ({len(names)} stored{shown})"
