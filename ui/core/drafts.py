"""Autosaved drafts, so that a crash loses no edits.

A :class:`DraftKeeper` watches the scenario state. A few seconds after the last
edit (when the user pauses), it writes the unsaved scenario to a JSON draft in
the data folder (:mod:`advisor.scenario.drafts`); saving or discarding the
changes deletes the draft. A draft that is still there when the app starts was
left by a crash (or a killed process):
:func:`advisor.scenario.drafts.find_drafts` lists them and the main window
offers to recover the newest.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject

from advisor.scenario.drafts import draft_path, write_draft
from advisor.scenario.schema import Scenario
from advisor.scenario.state import ScenarioState
from ui.core.bindings import connect_to_widget
from ui.core.timers import single_shot_timer

IDLE_MS = 3000
"""Quiet time after an edit before the draft is written, in ms."""


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
        self._timer = single_shot_timer(self, idle_ms, self.flush)
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
