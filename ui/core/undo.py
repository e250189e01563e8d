"""Undo and redo of scenario edits.

Every committed edit becomes one :class:`ScenarioEditCommand` on a
:class:`~PySide6.QtGui.QUndoStack`. Scenarios are immutable, so a command just
remembers the scenario before and after and swaps them in the
:class:`~advisor.scenario.state.ScenarioState`; undo therefore restores every field at
once, in one ``changed`` emission (one recomputation).
"""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from advisor.scenario.schema import Scenario
from advisor.scenario.state import ScenarioState

EDIT_COMMAND_ID = 0x5CE1
"""Qt merges consecutive commands with the same id (see ``mergeWith``)."""


class ScenarioEditCommand(QUndoCommand):
    """Replace the state's scenario; undo puts the previous one back.

    Parameters
    ----------
    state
        The edited state.
    before, after
        The scenario before and after the edit.
    text
        What the Edit menu shows ("Undo <text>").
    merge_key
        Consecutive commands with the same non-empty key merge into one (so
        holding a spin box arrow or typing in a field is one undo step). Use the
        field's dotted path; structural edits (add or remove a row) pass ``""``.
    """

    def __init__(self, state: ScenarioState, before: Scenario, after: Scenario, text: str, merge_key: str = ""):
        super().__init__(text)
        self._state = state
        self._before = before
        self._after = after
        self._merge_key = merge_key

    @property
    def merge_key(self) -> str:
        return self._merge_key

    def id(self) -> int:  # noqa: A003 - Qt's name
        return EDIT_COMMAND_ID if self._merge_key else -1

    def mergeWith(self, other: QUndoCommand) -> bool:  # noqa: N802 - Qt's name
        if not isinstance(other, ScenarioEditCommand) or other._merge_key != self._merge_key:
            return False
        # The merged command must start where this one started, so it must
        # also be the command that produced the other's starting point.
        if other._before != self._after:
            return False
        self._after = other._after
        self.setObsolete(self._after == self._before)
        return True

    def carry_rename(self, old_name: str, new_name: str) -> None:
        """The scenario was renamed in the store under this command: its before and after take the
        new name where they had the old one (undoing it then leaves the name as it is)."""
        if self._before.name == old_name:
            self._before = self._before.with_changes({"name": new_name})
        if self._after.name == old_name:
            self._after = self._after.with_changes({"name": new_name})

    def redo(self) -> None:
        self._state.replace(self._after)

    def undo(self) -> None:
        self._state.replace(self._before)
