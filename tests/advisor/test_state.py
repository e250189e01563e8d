"""The evented scenario state: one signal per real change, batched updates."""

from __future__ import annotations

import pytest

from advisor.errors import ScenarioValidationError
from advisor.scenario.schema import Scenario
from advisor.scenario.state import ScenarioState


@pytest.fixture
def scenario() -> Scenario:
    return Scenario(name="s", questions=[{"name": "q", "format": {"kind": "categorical", "k": 4}}])


def test_emits_only_on_real_change(scenario):
    state = ScenarioState(scenario, stored_id=1, revision=1)
    seen = []
    state.changed.connect(seen.append)
    assert state.set("raters.per_item", 3) is False  # the default already
    assert seen == []
    assert state.set("raters.per_item", 5) is True
    assert len(seen) == 1 and seen[0].raters.per_item == 5
    assert state.get("raters.per_item") == 5


def test_update_is_batched(scenario):
    state = ScenarioState(scenario)
    seen = []
    state.changed.connect(seen.append)
    state.update({"raters.per_item": 4, "campaign.items": 123, "questions.0.format.k": 6})
    assert len(seen) == 1
    assert (seen[0].raters.per_item, seen[0].campaign.items, seen[0].questions[0].format.k) == (4, 123, 6)


def test_invalid_change_leaves_state_untouched(scenario):
    state = ScenarioState(scenario)
    seen = []
    state.changed.connect(seen.append)
    with pytest.raises(ScenarioValidationError) as caught:
        state.update({"raters.per_item": 2, "raters.correlation": 1.5})
    assert ("raters.correlation" in [field for field, _ in caught.value.problems])
    assert "1.5" in str(caught.value)
    assert state.scenario == scenario and seen == []


def test_dirty_flag_follows_content(scenario):
    state = ScenarioState(scenario, stored_id=7, revision=2)
    flags = []
    state.dirty_changed.connect(flags.append)
    assert not state.dirty
    state.set("campaign.items", 99)
    assert state.dirty and flags == [True]
    state.set("campaign.items", scenario.campaign.items)
    assert not state.dirty and flags == [True, False]
    state.set("campaign.items", 50)
    state.mark_saved(7, 3)
    assert not state.dirty and state.revision == 3


def test_load_switches_identity_with_one_change(scenario):
    state = ScenarioState(scenario)
    assert state.dirty  # never saved
    changes, identities = [], []
    state.changed.connect(changes.append)
    state.identity_changed.connect(lambda i, r: identities.append((i, r)))
    other = scenario.with_changes({"name": "other"})
    state.load(other, stored_id=3, revision=9)
    assert len(changes) == 1 and identities == [(3, 9)] and not state.dirty


def test_loaded_comes_before_changed_on_a_load_and_never_on_a_save(scenario):
    state = ScenarioState(scenario, stored_id=1, revision=1)
    order = []
    state.loaded.connect(lambda s: order.append(("loaded", s.name)))
    state.changed.connect(lambda s: order.append(("changed", s.name)))
    other = scenario.with_changes({"name": "other"})
    state.load(other)  # unsaved
    state.load(other.with_changes({"name": "third"}))  # unsaved again
    assert order == [("loaded", "other"), ("changed", "other"), ("loaded", "third"), ("changed", "third")]
    order.clear()
    state.mark_saved(7, 1)
    state.set("name", "renamed")
    assert order == [("changed", "renamed")]
