"""The example scenarios shipped in ``resources/scenarios``: each loads, says
where its numbers come from, is realistic, and survives the database intact."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from advisor.scenario.schema import Scenario, examples_dir, load_scenario_file, scenario_from_json
from advisor.storage.store import ScenarioStore

EXAMPLE_FILES = sorted(examples_dir().glob("*.json"))
EXAMPLES = {path.stem: load_scenario_file(path) for path in EXAMPLE_FILES}


def test_there_are_at_least_six_examples_with_distinct_names():
    assert len(EXAMPLES) >= 6
    names = [s.name for s in EXAMPLES.values()]
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_each_example_cites_where_its_numbers_come_from(path: Path):
    scenario = EXAMPLES[path.stem]
    assert re.search(r"\((?:[A-Z][^()]*?)?(?:19|20)\d\d\b", scenario.notes), "notes cite a source with its year"
    assert len(scenario.notes) >= 150 and scenario.tags


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_each_example_is_a_realistic_campaign(path: Path):
    scenario = EXAMPLES[path.stem]
    campaign, raters = scenario.campaign, scenario.raters
    assert 10 <= campaign.wage_per_hour <= 100 and campaign.currency == "USD"
    assert 0 <= campaign.platform_fee <= 0.3
    assert 1_000 <= campaign.items <= 200_000
    for context in scenario.contexts:
        reading_seconds = 60 * context.reading_words / raters.reading_wpm
        judging_seconds = campaign.seconds_per_item - reading_seconds
        assert judging_seconds >= 5, f"{context.name}: reading leaves {judging_seconds:.0f} s to judge"


def _formats(scenario: Scenario) -> list[tuple[str, int | None]]:
    return [(q.format.kind, q.format.k) for q in scenario.questions]


@pytest.mark.parametrize(
    ("stem", "check"),
    [
        ("rlhf_pairwise_preference", lambda s: _formats(s) == [("pairwise", 3)]),
        ("chatbot_rubric_likert", lambda s: _formats(s) == [("ordinal", 7)] * 3),
        ("content_moderation_multilabel", lambda s: _formats(s)[0][0] == "multi_select"),
        ("search_relevance_trec", lambda s: _formats(s) == [("ordinal", 4)] and s.raters.per_item == 3),
        ("llm_response_ranking", lambda s: _formats(s) == [("ranking", 4)]),
        (
            "medical_xray_binary",
            lambda s: _formats(s) == [("binary", 2)]
            and len(s.contexts) == 2
            and s.contexts[0].difficulty != s.contexts[1].difficulty,
        ),
    ],
)
def test_the_required_kinds_of_example_are_there(stem, check):
    assert check(EXAMPLES[stem])


def _assert_written_values_kept(written: Any, exported: Any, path: str = "") -> None:
    """Every value the example's author wrote comes back unchanged."""
    if isinstance(written, dict):
        for key, value in written.items():
            assert key in exported, f"{path}{key} was lost"
            _assert_written_values_kept(value, exported[key], f"{path}{key}.")
    elif isinstance(written, list):
        assert len(written) == len(exported), f"{path} changed length"
        for index, (value, back) in enumerate(zip(written, exported)):
            _assert_written_values_kept(value, back, f"{path}{index}.")
    else:
        assert written == exported, f"{path}: {written!r} became {exported!r}"


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.stem)
def test_json_to_database_to_json_is_identical(path: Path):
    written = json.loads(path.read_text(encoding="utf-8"))
    scenario = EXAMPLES[path.stem]
    with ScenarioStore.open("sqlite://", seed=False) as store:
        stored = store.create(scenario)
        exported_text = store.get(stored.id).scenario.to_json()
    assert exported_text == scenario.to_json()
    _assert_written_values_kept(written, json.loads(exported_text))
    assert scenario_from_json(exported_text) == scenario


def test_a_new_database_is_seeded_with_exactly_the_examples(tmp_path):
    with ScenarioStore.open(tmp_path / "seeded.sqlite") as store:
        stored = {s.name: store.get(s.id).scenario for s in store.list()}
    assert stored == {s.name: s for s in EXAMPLES.values()}
