"""New scenarios: the blank one, and names that no stored scenario has."""

from __future__ import annotations

import pytest

from advisor.scenario.creation import (
    MAX_NAME_LENGTH,
    NUMBERED_BASE_LENGTH,
    UNTITLED_NAME,
    blank_scenario,
    copy_name,
    create_with_free_name,
    free_name,
)
from advisor.storage.store import ScenarioStore


def test_a_blank_scenario_has_the_defaults_and_one_ordinal_question():
    blank = blank_scenario("Fresh")
    assert blank.name == "Fresh" and [q.format.label() for q in blank.questions] == ["ordinal(5)"]


def test_a_free_name_is_numbered_past_the_taken_ones_whatever_their_case():
    assert free_name("Plan", []) == "Plan"
    assert free_name("  Plan ", ["plan", "PLAN (2)"]) == "Plan (3)"
    assert free_name("   ", []) == UNTITLED_NAME
    long = free_name("x" * 300, ["x" * NUMBERED_BASE_LENGTH])
    assert long == "x" * NUMBERED_BASE_LENGTH + " (2)" and len(long) <= MAX_NAME_LENGTH


def test_storing_under_a_free_name_asks_the_store(tmp_path):
    store = ScenarioStore.open(tmp_path / "creation.sqlite", seed=False)
    try:
        first = create_with_free_name(store, blank_scenario("Plan"), summary="created")
        second = create_with_free_name(store, blank_scenario("Plan"), summary="created")
        longest = create_with_free_name(store, blank_scenario("y" * MAX_NAME_LENGTH), summary="created")
        again = create_with_free_name(store, blank_scenario("y" * MAX_NAME_LENGTH), summary="created")
        assert (first.name, second.name) == ("Plan", "Plan (2)")
        assert longest.name == "y" * MAX_NAME_LENGTH and again.name.endswith(" (2)")
        assert len(again.name) <= MAX_NAME_LENGTH and store.count() == 4
    finally:
        store.close()


@pytest.mark.parametrize("suffix", [" copy", " (copy)", " (calibrated)", " (my edits)"])
def test_a_name_made_from_a_long_one_keeps_its_suffix_and_is_a_valid_name(suffix):
    """Save As, the calibrated copy and the kept edits cut "name + suffix" at 200 characters (or left
    it to the schema), losing the suffix of a long name."""
    long_name = ("A long campaign name " * 10)[:198]
    made = copy_name(long_name, suffix)
    assert made.endswith(suffix) and len(made) <= NUMBERED_BASE_LENGTH
    assert made.startswith(long_name[:150])
    assert free_name(made, [made]).startswith(made)  # numbered after the suffix, not instead of it
    assert blank_scenario(free_name(made, [made])).name.endswith(suffix + " (2)")
    assert copy_name("Short", suffix) == "Short" + suffix
