"""What the scenario store returns: frozen records, never ORM rows.

:class:`~advisor.storage.store.ScenarioStore` converts every row it reads into
one of these before its session ends, so nothing handed out can load from,
or write to, the database later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from advisor.scenario.schema import Scenario


@dataclass(frozen=True)
class ScenarioSummary:
    """One line of a scenario listing (no JSON is parsed to make it)."""

    id: int
    name: str
    tags: tuple[str, ...]
    notes_excerpt: str
    revision: int
    created: datetime
    updated: datetime
    deleted_at: datetime | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class StoredScenario:
    """A stored scenario at its current revision.

    ``wrote_revision`` is True when the call that returned it stored
    ``revision`` itself (a create, or a save or restore that changed the
    content), read in the transaction that wrote it; False when it only read
    the scenario or found nothing to change.
    """

    id: int
    name: str
    revision: int
    scenario: Scenario
    created: datetime
    updated: datetime
    tags: tuple[str, ...]
    wrote_revision: bool = False


@dataclass(frozen=True)
class RevisionInfo:
    """One entry of a scenario's history."""

    revision: int
    created: datetime
    content_hash: str
    summary: str


@dataclass(frozen=True)
class ExportRecord:
    """A protocol entry: one report or data export."""

    id: int
    created: datetime
    what: str
    scenario_names: tuple[str, ...]
    fmt: str
    path: str
    sha256: str
    detail: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredPilot:
    """A pilot dataset: the file as imported and its calibration summary."""

    id: int
    name: str
    source: str
    content: bytes
    summary: dict[str, Any]
    created: datetime
