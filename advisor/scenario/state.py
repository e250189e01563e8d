"""The evented scenario state: the single source of truth behind the editor.

Widgets write dotted-path changes into a :class:`ScenarioState`; it validates
them into a new immutable :class:`~advisor.scenario.schema.Scenario` and emits
``changed`` only when the content really changed. :meth:`ScenarioState.update`
applies many changes at once with one emission, so loading a scenario, undo
and reset trigger one recomputation (the pattern of glue's
``update_from_dict`` and napari's ``EventedModel.update``). The class is Qt-free
(psygnal signals), so it is tested without a display.
"""

from __future__ import annotations

from typing import Any

from psygnal import Signal

from advisor.scenario.schema import Scenario, get_path


class ScenarioState:
    """A scenario being edited, with its storage identity and dirty flag.

    Signals
    -------
    changed(Scenario)
        The content changed (after an edit, an update, a load or undo).
    dirty_changed(bool)
        The unsaved-changes flag flipped.
    identity_changed(object, object)
        A different stored scenario (stored id, revision) is now being edited,
        or the same one was saved as a new revision.
    loaded(Scenario)
        Another scenario is now being edited (:meth:`load`; before its ``changed``),
        stored or not: unlike ``identity_changed``, never for a save.
    """

    changed = Signal(object)
    dirty_changed = Signal(bool)
    identity_changed = Signal(object, object)
    loaded = Signal(object)

    def __init__(self, scenario: Scenario, *, stored_id: int | None = None, revision: int | None = None):
        self._scenario = scenario
        self._stored_id = stored_id
        self._revision = revision
        self._saved_hash = scenario.content_hash() if stored_id is not None else None
        self._dirty = stored_id is None

    # ---------------------------------------------------------------- reading
    @property
    def scenario(self) -> Scenario:
        """The current, always valid, scenario."""
        return self._scenario

    @property
    def stored_id(self) -> int | None:
        return self._stored_id

    @property
    def revision(self) -> int | None:
        """The stored revision this edit is based on (None if never saved)."""
        return self._revision

    @property
    def dirty(self) -> bool:
        """True when the content differs from the stored revision."""
        return self._dirty

    def get(self, path: str) -> Any:
        """The value at a dotted path (``"raters.per_item"``)."""
        return get_path(self._scenario.to_dict(), path)

    # ---------------------------------------------------------------- writing
    def set(self, path: str, value: Any) -> bool:
        """Change one field; see :meth:`update`."""
        return self.update({path: value})

    def update(self, changes: dict[str, Any]) -> bool:
        """Apply several dotted-path changes with one validation and one signal.

        Returns
        -------
        bool
            True when the content changed.

        Raises
        ------
        advisor.errors.ScenarioValidationError
            When the result would be invalid; the state is left unchanged.
        """
        if not changes:
            return False
        return self.replace(self._scenario.with_changes(changes))

    def replace(self, scenario: Scenario) -> bool:
        """Make ``scenario`` the current content (same storage identity)."""
        if scenario == self._scenario:
            return False
        self._scenario = scenario
        self.changed.emit(scenario)
        self._refresh_dirty()
        return True

    def load(self, scenario: Scenario, *, stored_id: int | None = None, revision: int | None = None) -> None:
        """Start editing another scenario (one ``changed`` emission)."""
        self._stored_id, self._revision = stored_id, revision
        self._saved_hash = scenario.content_hash() if stored_id is not None else None
        self.identity_changed.emit(stored_id, revision)
        self._scenario = scenario
        self.loaded.emit(scenario)
        self.changed.emit(scenario)
        self._refresh_dirty()

    def mark_saved(self, stored_id: int, revision: int) -> None:
        """Record that the current content is stored as ``revision``."""
        self._stored_id, self._revision = stored_id, revision
        self._saved_hash = self._scenario.content_hash()
        self.identity_changed.emit(stored_id, revision)
        self._refresh_dirty()

    def rebase(self, stored: Scenario, revision: int, scenario: Scenario) -> None:
        """Continue the edits on top of a newer stored revision.

        Parameters
        ----------
        stored
            The stored scenario's content at ``revision``.
        revision
            The revision the edits now start from (same storage identity).
        scenario
            The edits on top of it; the state is dirty while they differ from ``stored``.
        """
        self._revision = revision
        self._saved_hash = stored.content_hash()
        if not self.replace(scenario):
            self._refresh_dirty()
        # After the content, so that a listener reads the new revision beside its scenario.
        self.identity_changed.emit(self._stored_id, revision)

    def _refresh_dirty(self) -> None:
        dirty = self._saved_hash != self._scenario.content_hash()
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirty_changed.emit(dirty)
