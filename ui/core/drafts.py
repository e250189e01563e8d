"""Autosaved drafts, so that a crash loses no edits.

A :class:`DraftKeeper` watches the scenario state. A few seconds after the last
edit (when the user pauses), it writes the unsaved scenario to a JSON draft in
the data folder; saving or discarding the changes deletes the draft. A draft
that is still there when the app starts was left by a crash (or a killed
process): :func:`find_drafts` lists them and the main window offers to
recover the newest.

A draft file holds::

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

from PySide6.QtCore import QObject, QTimer

from advisor.errors import AdvisorError
from advisor.scenario.schema import Scenario, scenario_from_dict
from advisor.scenario.state import ScenarioState
from ui.core.bindings import connect_to_widget

DRAFT_FORMAT = "annotation-advisor-draft"
DRAFT_VERSION = 1
IDLE_MS = 3000
"""Quiet time after an edit before the draft is written, in ms."""


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


class DraftKeeper(QObject):
    """Write a draft of the edited scenario when the user pauses.

    Parameters
    ----------
    state
        The scenario being edited.
    directory
        Folder of the drafts (the app's data folder).
    idle_ms
        Quiet time after the last edit before writing, in ms (≥ 0).
    parent
        Owning QObject.
    """

    def __init__(self, state: ScenarioState, directory: Path, *, idle_ms: int = IDLE_MS,
                 parent: QObject | None = None):
        super().__init__(parent)
        self._state = state
        self._directory = directory
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(idle_ms)
        self._timer.timeout.connect(self.flush)
        self._written: Path | None = None
        connect_to_widget(state.changed, self._on_state_changed, self)
        connect_to_widget(state.dirty_changed, self._on_state_dirty_changed, self)

    @property
    def directory(self) -> Path:
        return self._directory

    @property
    def pending(self) -> bool:
        """True while an edit waits to be written."""
        return self._timer.isActive()

    def flush(self) -> Path | None:
        """Write the draft now if there are unsaved changes; returns its path."""
        self._timer.stop()
        if not self._state.dirty:
            return None
        try:
            path = write_draft(self._directory, self._state)
        except OSError:
            # A full or read-only disk must not interrupt editing; the next
            # pause tries again.
            return None
        if self._written is not None and self._written != path:
            self._written.unlink(missing_ok=True)
        self._written = path
        return path

    def discard(self) -> None:
        """Delete the draft (after a save, or when the changes are discarded)."""
        self._timer.stop()
        for path in {self._written, draft_path(self._directory, self._state.stored_id)}:
            if path is not None:
                path.unlink(missing_ok=True)
        self._written = None

    def _on_state_changed(self, _scenario: Scenario) -> None:
        if self._state.dirty:
            self._timer.start()

    def _on_state_dirty_changed(self, dirty: bool) -> None:
        # The first edit emits ``changed`` before the dirty flag flips.
        if dirty:
            self._timer.start()
        else:
            self.discard()
