"""New scenarios: the blank one a user starts from, and names no stored scenario has yet.

The library, the main window and the Recommendations tab all make new scenarios;
what a new scenario holds and how its name is kept free of the stored ones is
decided here, once, without a window.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from advisor.errors import ScenarioValidationError
from advisor.scenario.schema import Question, ResponseFormat, Scenario

MAX_NAME_LENGTH = next(rule.max_length for rule in Scenario.model_fields["name"].metadata if hasattr(rule, "max_length"))
"""Longest scenario name (characters), as the schema allows."""
UNTITLED_NAME = "Untitled scenario"
"""The name a blank (or nameless) scenario gets."""
NUMBERED_BASE_LENGTH = 190
"""A base name is cut to this length before " (n)" is added, so the result stays a valid name."""


def blank_scenario(name: str) -> Scenario:
    """A new scenario with the schema's defaults and one 5-point ordinal question."""
    return Scenario(name=name, questions=(Question(name="rating", format=ResponseFormat(kind="ordinal", k=5)),))


def free_name(base: str, taken: Iterable[str]) -> str:
    """``base``, or ``base (2)``, ``(3)``… when a name in ``taken`` is already that.

    Parameters
    ----------
    base
        The wanted name; stripped and cut to :data:`NUMBERED_BASE_LENGTH`
        characters; blank gives :data:`UNTITLED_NAME`.
    taken
        The names in use; compared without regard to case, as the store does.
    """
    used = {name.lower() for name in taken}
    base = base.strip()[:NUMBERED_BASE_LENGTH] or UNTITLED_NAME
    if base.lower() not in used:
        return base
    number = 2
    while f"{base} ({number})".lower() in used:
        number += 1
    return f"{base} ({number})"


COPY_SUFFIX = " copy"
"""What a duplicate's name ends with (before any " (n)" that makes it free)."""


def copy_name(name: str, suffix: str = COPY_SUFFIX) -> str:
    """A name made from another one and a suffix (a duplicate's " copy", a calibrated copy's
    " (calibrated)"), the original cut so that the suffix survives :func:`free_name`'s cut and the
    schema's limit (a 198-character name's copy lost its "copy").

    Parameters
    ----------
    name
        The original name.
    suffix
        What the new name ends with, fewer than :data:`NUMBERED_BASE_LENGTH` characters.

    Returns
    -------
    str
        At most :data:`NUMBERED_BASE_LENGTH` characters, ending with ``suffix``.
    """
    return name.strip()[: NUMBERED_BASE_LENGTH - len(suffix)].rstrip() + suffix


class _CreatingStore(Protocol):
    def create(self, scenario: Scenario, *, summary: str = ...) -> Any: ...


def create_with_free_name(store: _CreatingStore, scenario: Scenario, *, summary: str) -> Any:
    """Store ``scenario`` as a new scenario, adding " (2)", " (3)"… to a taken name.

    Unlike :func:`free_name` this asks the store itself, so a name taken in the
    meantime (another window, another process) is skipped too.

    Parameters
    ----------
    store
        An :class:`advisor.storage.store.ScenarioStore` (anything with its ``create``).
    scenario
        The scenario; its name is cut to :data:`MAX_NAME_LENGTH` characters.
    summary
        The history entry of its first revision.

    Returns
    -------
    advisor.storage.store.StoredScenario

    Raises
    ------
    ScenarioValidationError
        When the scenario is refused for another reason than its name, or no
        free name is found in 999 attempts.
    """
    base = scenario.name[:MAX_NAME_LENGTH]
    for attempt in range(1, 1000):
        name = base if attempt == 1 else f"{base[: MAX_NAME_LENGTH - 6]} ({attempt})"
        candidate = scenario if name == scenario.name else scenario.with_changes({"name": name})
        try:
            return store.create(candidate, summary=summary)
        except ScenarioValidationError as error:
            if not any(field == "name" for field, _ in error.problems):
                raise
    raise ScenarioValidationError(f"name: no free name found for {base!r}", [("name", "taken")])
