"""Autosaved drafts: written after a pause in editing, removed once the edits
are saved or undone, found again after a crash."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from advisor.scenario.schema import example_scenarios
from advisor.scenario.state import ScenarioState
from advisor.scenario.drafts import draft_path, find_drafts, read_draft
from ui.core.drafts import DraftKeeper


def _state():
    return ScenarioState(example_scenarios()[0], stored_id=4, revision=2)


def test_draft_is_written_after_a_pause(qtbot, tmp_path):
    state = _state()
    keeper = DraftKeeper(state, tmp_path, idle_ms=50)
    path = draft_path(tmp_path, 4)
    state.set("raters.per_item", state.scenario.raters.per_item + 1)
    assert keeper.pending and not path.exists()
    qtbot.waitUntil(path.exists, timeout=3000)
    draft = read_draft(path)
    assert draft.scenario == state.scenario
    assert (draft.stored_id, draft.base_revision) == (4, 2)


def test_draft_is_removed_when_the_edits_are_saved_or_undone(qtbot, tmp_path):
    state = _state()
    keeper = DraftKeeper(state, tmp_path, idle_ms=10_000)
    original = state.scenario
    state.set("raters.per_item", original.raters.per_item + 1)
    path = keeper.flush()
    assert path.exists()
    state.replace(original)  # back to the stored content: nothing to recover
    assert not path.exists()
    state.set("raters.per_item", original.raters.per_item + 2)
    path = keeper.flush()
    state.mark_saved(4, 3)
    assert not path.exists()
    assert keeper.flush() is None  # nothing unsaved


def test_find_drafts_skips_foreign_files_and_sorts_newest_first(qtbot, tmp_path):
    first, second = _state(), ScenarioState(example_scenarios()[1], stored_id=5, revision=1)
    for state in (first, second):
        DraftKeeper(state, tmp_path)
        state.set("raters.per_item", state.scenario.raters.per_item + 1)
    older = DraftKeeper(first, tmp_path).flush()
    DraftKeeper(second, tmp_path).flush()
    # The first draft an hour older (two flushes may share a clock tick): the order is by saved_at.
    data = json.loads(older.read_text(encoding="utf-8"))
    data["saved_at"] = (datetime.fromisoformat(data["saved_at"]) - timedelta(hours=1)).isoformat()
    older.write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "draft-9.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "draft-10.json").write_text('{"format": "something else"}', encoding="utf-8")
    drafts = find_drafts(tmp_path)
    assert [d.stored_id for d in drafts] == [5, 4]
    assert find_drafts(tmp_path / "missing") == []
