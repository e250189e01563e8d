"""The curves are computed in batches (every point's channels, then every point's decodings, in one
vectorised call each); each point must be exactly what the point computed alone, with empty caches,
gives, and the headline must not depend on which computed first."""

from __future__ import annotations

import importlib
import math
import pkgutil
from pathlib import Path

import pytest

import advisor.evaluation.evaluate as evaluation
import models
from advisor.evaluation.evaluate import evaluate
from advisor.scenario.schema import load_scenario_file

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "scenarios"


def clear_caches() -> None:
    evaluation._cached_channel.cache_clear()
    evaluation._cached_decoding.cache_clear()
    evaluation._cached_codebook.cache_clear()
    evaluation._codebook_error_of.cache_clear()
    for info in pkgutil.iter_modules(models.__path__):
        module = importlib.import_module(f"models.{info.name}")
        for value in vars(module).values():
            if not isinstance(value, type) and callable(getattr(value, "cache_clear", None)) \
                    and getattr(value, "__module__", "") == module.__name__:
                value.cache_clear()


@pytest.mark.parametrize("stem", ["chatbot_rubric_likert", "rlhf_pairwise_preference", "medical_xray_binary"])
def test_every_curve_point_equals_the_point_computed_alone(stem):
    scenario = load_scenario_file(EXAMPLES / f"{stem}.json")
    clear_caches()
    result = evaluate(scenario)
    shares = result.time_shares
    r, t = scenario.raters.per_item, scenario.campaign.seconds_per_item
    raters, seconds = result.curves["raters"], result.curves["seconds"]
    ratio = evaluation._stepped_ratio(
        evaluation._curve_ratio(scenario, [int(k) for k in raters.x if k != r], len(seconds.x) - 1))
    points = [(raters, i, evaluation._Design(int(x), t, channel_ratio=ratio, decoding_ratio=ratio))
              for i, x in enumerate(raters.x) if x != r]
    points += [(seconds, i, evaluation._Design(r, x, channel_ratio=ratio, decoding_ratio=ratio))
               for i, x in enumerate(seconds.x) if x != t]
    for curve, index, design in points[::3]:
        clear_caches()
        channels = evaluation._channels(scenario, shares, design)
        capacity = evaluation._mean_capacity(scenario, channels, upper=True, raters=design.raters, ratio=ratio)
        achievable = evaluation._achievable_at(scenario, channels, design.raters, ratio)
        assert curve.capacity_nats[index] == capacity
        assert curve.achievable[index] == achievable


def test_the_headline_is_the_same_computed_before_or_after_the_curves():
    scenario = load_scenario_file(EXAMPLES / "search_relevance_trec.json")
    changed = scenario.with_changes({"campaign.seconds_per_item": 97.0, "raters.per_item": 4})
    clear_caches()
    first = evaluate(changed, curves=False).to_dict(include_curves=False)
    clear_caches()
    # The curves of a neighbouring design compute, in one batch, points the headline then reuses.
    evaluate(scenario.with_changes({"raters.per_item": 4, "campaign.seconds_per_item": 97.0 * 1.01}))
    evaluate(scenario.with_changes({"campaign.seconds_per_item": 97.0}))
    assert evaluate(changed, curves=False).to_dict(include_curves=False) == first


def test_a_time_edit_that_adds_a_curve_point_finds_the_shared_points_cached(monkeypatch):
    """The curves' ratio of budget to work moves with the count of points on the time grid; its
    caps are stepped, so a nearby time whose grid gains or loses an end point computes no channel of
    a point the two grids share."""
    scenario = load_scenario_file(EXAMPLES / "chatbot_rubric_likert.json")
    r, t = scenario.raters.per_item, scenario.campaign.seconds_per_item
    grid = evaluation.seconds_curve_grid(t)
    moved_t = next(t * (1 + 0.004 * i) for i in range(1, 250)
                   if len(evaluation.seconds_curve_grid(t * (1 + 0.004 * i))) != len(grid))
    moved = scenario.with_changes({"campaign.seconds_per_item": moved_t})
    clear_caches()
    evaluate(scenario)

    def ratio_of(design, result):
        curves = result.curves
        return evaluation._curve_ratio(design, [int(k) for k in curves["raters"].x if k != r],
                                       len(curves["seconds"].x) - 1)

    computed: list[tuple] = []
    compute = evaluation._cached_channel._compute
    monkeypatch.setattr(evaluation._cached_channel, "_compute", lambda keys: computed.extend(keys) or compute(keys))
    result = evaluate(moved)
    first_ratio, moved_ratio = ratio_of(scenario, evaluate(scenario)), ratio_of(moved, result)
    assert first_ratio != moved_ratio  # the case: one point more or less moves the ratio
    ratio = evaluation._stepped_ratio(moved_ratio)
    assert ratio == evaluation._stepped_ratio(first_ratio)
    shared = sorted((set(grid) & set(evaluation.seconds_curve_grid(moved_t))) - {t, moved_t})
    assert len(shared) >= 10
    shared_keys = {evaluation._channel_key(moved, q, s, share, evaluation._Design(r, x, channel_ratio=ratio,
                                                                                   decoding_ratio=ratio))
                   for x in shared for s in range(len(moved.contexts))
                   for q, share in zip(moved.questions, result.time_shares)}
    assert computed and not shared_keys & set(computed)


def test_the_stepped_ratio_is_the_largest_quarter_octave_power_at_most_the_ratio():
    steps = [2.0 ** (j / 4) for j in range(-40, 41)]
    for ratio in (1e-6, 0.3, 0.999, 1.0, 1.1176, 1.1407, 1.18920711500272, 3.0, 1e6, *steps):
        stepped = evaluation._stepped_ratio(ratio)
        assert stepped in steps or stepped == pytest.approx(2.0 ** (round(4 * math.log2(stepped)) / 4), rel=1e-12)
        assert stepped <= ratio * (1 + 1e-9) and stepped * 2.0 ** 0.25 > ratio
    assert all(evaluation._stepped_ratio(step) == pytest.approx(step, rel=1e-12) for step in steps)
    assert evaluation._stepped_ratio(math.inf) == math.inf
