"""Drafts: an unsaved scenario written to a file, so that a crash loses no edits.

The window autosaves the scenario being edited as a draft when the user
pauses (:class:`ui.core.drafts.DraftKeeper`); a draft still there when the app
starts was left by a crash, and :func:`find_drafts` lists them. A draft file
holds::

    {"format": "annotation-advisor-draft", "version": 1,
     "stored_id": 3, "base_revision": 5, "saved_at": "2025-03-14T09:26:53+00:00",
     "scenario": {...scenario JSON...}}
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from advisor.errors import AdvisorError
from advisor.scenario.schema import Scenario, scenario_from_dict
from advisor.scenario.state import ScenarioState

DRAFT_FORMAT = "annotation-advisor-draft"
DRAFT_VERSION = 1


@dataclass(frozen=True)
class Draft:
    """An autosaved, unsaved scenario found on disk."""

    path: Path
    stored_id: int | None
    base_revision: int | None
    saved_at: datetime
    scenario: Scenario

    def newer_than(self, moment: datetime) -> bool:
        """True when the draft was written after ``moment`` (naive = UTC)."""
        aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
        return self.saved_at > aware


def draft_path(directory: Path, stored_id: int | None) -> Path:
    """Where the draft of one stored scenario (or of a new one) lives."""
    return directory / f"draft-{stored_id if stored_id is not None else 'new'}.json"


def write_draft(directory: Path, state: ScenarioState) -> Path:
    """Write the state's scenario as a draft (atomically) and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = draft_path(directory, state.stored_id)
    data = {
        "format": DRAFT_FORMAT,
        "version": DRAFT_VERSION,
        "stored_id": state.stored_id,
        "base_revision": state.revision,
        "saved_at": datetime.now(timezone.utc).isoformat(),
        "scenario": state.scenario.to_dict(),
    }
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(temporary, path)
    return path


def read_draft(path: Path) -> Draft | None:
    """The draft in ``path``, or None when it is not a readable draft."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != DRAFT_FORMAT:
            return None
        return Draft(
            path=path,
            stored_id=data.get("stored_id"),
            base_revision=data.get("base_revision"),
            saved_at=datetime.fromisoformat(data["saved_at"]),
            scenario=scenario_from_dict(data["scenario"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AdvisorError):
        return None


def find_drafts(directory: Path) -> list[Draft]:
    """Readable drafts in ``directory``, newest first."""
    if not directory.is_dir():
        return []
    drafts = [draft for path in directory.glob("draft-*.json") if (draft := read_draft(path)) is not None]
    return sorted(drafts, key=lambda draft: draft.saved_at, reverse=True)
