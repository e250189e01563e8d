"""evaluate(): the numbers equal the models/ functions called directly."""

from __future__ import annotations

import math

import numpy as np
import pytest

import models
from advisor.evaluation.channel_inputs import channel_inputs
from advisor.evaluation.evaluate import campaign_cost, evaluate, required_capacity, time_shares
from advisor.scenario.schema import Scenario, example_scenarios
from models.timing import judgment_seconds

EXAMPLES = example_scenarios()


def _two_question_scenario(**changes) -> Scenario:
    base = Scenario(
        name="two questions",
        contexts=[
            {"name": "easy", "weight": 3, "difficulty": 1.2, "reading_words": 60},
            {"name": "hard", "weight": 1, "difficulty": 0.6, "reading_words": 200},
        ],
        questions=[
            {"name": "helpful", "format": {"kind": "ordinal", "k": 5}, "time_share": 2},
            {"name": "safe", "format": {"kind": "binary"}, "time_share": 1},
        ],
        raters={"per_item": 3, "correlation": 0.2},
        campaign={"items": 5000, "seconds_per_item": 45},
    )
    return base.with_changes(changes) if changes else base


def test_examples_exist():
    assert len(EXAMPLES) >= 6


@pytest.mark.parametrize("scenario", EXAMPLES, ids=lambda s: s.name)
def test_every_example_is_finite_and_bounded(scenario):
    result = evaluate(scenario)
    for value in (result.capacity_nats, result.floor, result.floor_paper, result.ceiling, result.ceiling_plateau,
                  result.capacity_needed_nats, result.cost, result.rater_hours):
        assert math.isfinite(value)
    for bound in (result.floor, result.floor_paper, result.ceiling, result.ceiling_plateau):
        assert 0.0 <= bound <= 1.0
    assert result.floor >= result.floor_paper - 1e-12
    for curve in result.curves.values():
        assert len(curve.x) == len(curve.floor) == len(curve.ceiling) > 5
        assert all(0.0 <= v <= 1.0 for v in curve.floor + curve.ceiling + curve.floor_paper)
        assert all(math.isfinite(v) for v in curve.x + curve.capacity_nats)


# Overlap designs' channels are mixtures of these panels, checked against models.overlap in
# tests/advisor/test_designs.py.
@pytest.mark.parametrize("scenario", [s for s in EXAMPLES if s.overlap.mode == "fixed"], ids=lambda s: s.name)
def test_example_matches_models_called_directly(scenario):
    result = evaluate(scenario, curves=False)
    shares = time_shares(scenario)
    raters = scenario.raters
    capacity = upper = 0.0
    for context, weight, ctx_result in zip(scenario.contexts, scenario.context_weights, result.contexts):
        item = item_upper = 0.0
        for question, share, q_result in zip(scenario.questions, shares, ctx_result.questions):
            seconds = judgment_seconds(scenario.campaign.seconds_per_item, share, context.reading_words,
                                       raters.reading_wpm)
            channel = channel_inputs(scenario, question, context, seconds).channel(raters.per_item)
            assert q_result.panel_nats == pytest.approx(channel.panel_nats, rel=1e-12, abs=1e-12)
            assert q_result.cascade_nats <= min(q_result.cognitive_nats, q_result.articulation_nats) + 1e-9
            item += channel.panel_nats
            item_upper += channel.panel_upper_nats
            # The certified upper end never lies below the reported capacity, and only by the
            # Blahut-Arimoto gap above it (1e-9 nats) for an exact panel.
            assert channel.panel_nats <= channel.panel_upper_nats <= channel.panel_nats + (1e-8 if channel.panel_exact else 0)
        assert ctx_result.panel_nats == pytest.approx(item, rel=1e-12)
        capacity += weight * item
        upper += weight * item_upper
    assert result.capacity_nats == pytest.approx(capacity, rel=1e-12)
    target, b = scenario.target, scenario.bounds
    # Floors use the certified upper end of C̄ (method §8.5), the ceiling the predicted risk
    # Δ·P_ach when no observed risk is entered and the information cap ln M_g (method §8.3).
    assert result.floor == pytest.approx(models.fano_floor(upper, target.log2_m, separation=target.separation))
    assert result.floor_paper == pytest.approx(
        models.fano_floor(upper, target.log2_m, separation=target.separation, form="paper"))
    risk = b.observed_risk if b.observed_risk > 0 else result.achievable
    assert result.ceiling == pytest.approx(models.ceiling(
        risk, upper, scenario.campaign.items, form=b.ceiling_form, delta=b.delta, eta=b.eta,
        residual_nats=b.residual_nats, context_nats=b.context_nats, catoni_lambda=b.catoni_lambda,
        information_cap_nats=target.model_bits * math.log(2)))
    assert result.floor <= result.achievable <= 1.0
    assert result.floor <= result.ceiling


def test_cost_is_the_closed_form():
    scenario = _two_question_scenario(**{"campaign.wage_per_hour": 20.0, "campaign.platform_fee": 0.25})
    result = evaluate(scenario, curves=False)
    expected_hours = 5000 * 3 * 45 / 3600
    assert result.rater_hours == pytest.approx(expected_hours)
    assert result.cost == pytest.approx(expected_hours * 20.0 * 1.25)
    assert campaign_cost(scenario, raters=4)[1] == pytest.approx(5000 * 4 * 45 / 3600)


def test_fixed_shares_are_normalised_and_weights_too():
    scenario = _two_question_scenario()
    assert time_shares(scenario) == pytest.approx((2 / 3, 1 / 3))
    assert scenario.context_weights == pytest.approx((0.75, 0.25))
    result = evaluate(scenario, curves=False)
    assert result.contexts[0].weight == pytest.approx(0.75)
    # Reading 200 words at 238 wpm leaves 45 - 50.4 < 0 seconds: no time to judge, no information.
    hard = result.contexts[1]
    assert hard.judgment_seconds == 0.0
    assert hard.panel_nats == pytest.approx(0.0, abs=1e-9)


def test_automatic_shares_are_no_worse_than_fixed_splits():
    automatic = _two_question_scenario(**{"questions.0.time_share": None, "questions.1.time_share": None})
    best = evaluate(automatic, curves=False).capacity_nats
    assert sum(time_shares(automatic)) == pytest.approx(1.0)
    for split in np.linspace(0.05, 0.95, 7):
        fixed = automatic.with_changes({"questions.0.time_share": float(split), "questions.1.time_share": float(1 - split)})
        # the allocation is exact on a grid of 1/40 of the time; allow that resolution
        assert best >= evaluate(fixed, curves=False).capacity_nats - 0.02


def test_required_capacity_meets_the_target_exactly():
    scenario = _two_question_scenario(**{"target.log2_m": 6.0, "target.target_risk": 0.2})
    needed = required_capacity(scenario)
    assert models.fano_floor(needed, 6.0) == pytest.approx(0.2, abs=1e-6)
    assert evaluate(scenario, curves=False).capacity_gap_nats == pytest.approx(
        needed - evaluate(scenario, curves=False).capacity_nats)


def test_labels_cannot_reach_target_flag_follows_the_floor():
    for log2_m in (1.0, 4.0, 16.0, 64.0):
        result = evaluate(_two_question_scenario(**{"target.log2_m": log2_m}), curves=False)
        assert result.labels_cannot_reach_target == (result.floor > result.target_risk)


def test_saturation_warning_when_observed_risk_is_below_the_floor():
    scenario = _two_question_scenario(**{"target.log2_m": 40.0, "bounds.observed_risk": 0.01})
    result = evaluate(scenario, curves=False)
    assert result.floor > 0.01
    assert any(w.startswith("Saturation") for w in result.warnings)
    calm = evaluate(scenario.with_changes({"bounds.observed_risk": 0.99 * result.floor}), curves=False)
    assert any(w.startswith("Saturation") for w in calm.warnings)
    above = evaluate(scenario.with_changes({"bounds.observed_risk": min(0.99, result.floor + 0.01)}), curves=False)
    assert not any(w.startswith("Saturation") for w in above.warnings)


def test_curves_pass_through_the_scenario_point():
    scenario = _two_question_scenario()
    result = evaluate(scenario)
    raters = result.curves["raters"]
    index = raters.x.index(3.0)
    assert raters.capacity_nats[index] == pytest.approx(result.capacity_nats)
    assert raters.floor[index] == pytest.approx(result.floor)
    seconds = result.curves["seconds"]
    assert seconds.capacity_nats[seconds.x.index(45.0)] == pytest.approx(result.capacity_nats)
    # more raters never lower capacity; the floor is flat in m
    assert all(b >= a - 1e-9 for a, b in zip(raters.capacity_nats, raters.capacity_nats[1:]))
    assert len(set(result.curves["items"].floor)) == 1


@pytest.mark.parametrize("scenario", example_scenarios(), ids=lambda s: s.name)
def test_every_curve_holds_the_design_itself_with_its_headline_numbers(scenario):
    # The curves over items and target complexity used to step over the scenario's own m and log2 M
    # (a grid of 61 log- or evenly spaced points): a report read the X-ray example's achievable
    # risk at log2 M = 1.017 (0.350) for its own 1 bit (0.025).
    result = evaluate(scenario)
    for curve in result.curves.values():
        own = list(curve.x).index(curve.current)
        assert curve.floor[own] == result.floor
        assert curve.achievable[own] == result.achievable
        assert curve.ceiling[own] == result.ceiling


def test_a_target_below_the_complexity_grid_joins_its_curve():
    # The grid over log2 M starts at 0.5 bits; a 0.3-bit target was left out of it.
    scenario = _two_question_scenario().with_changes({"target.log2_m": 0.3})
    result = evaluate(scenario)
    curve = result.curves["log2_m"]
    assert curve.x[0] == 0.3 and not curve.budget_limited
    assert (curve.floor[0], curve.achievable[0], curve.ceiling[0]) == (result.floor, result.achievable, result.ceiling)


def test_to_dict_bits_twins_and_json_ready():
    import json

    result = evaluate(_two_question_scenario())
    data = result.to_dict(unit="bits")
    assert data["capacity_bits"] == pytest.approx(result.capacity_nats / math.log(2))
    assert data["contexts"][0]["questions"][0]["panel_bits"] == pytest.approx(
        result.contexts[0].questions[0].panel_nats / math.log(2))
    json.dumps(data, allow_nan=False)
    with pytest.raises(ValueError, match="unit"):
        result.to_dict(unit="shannons")


@pytest.mark.parametrize("seconds", [0.7, 4.0, 30.0, 31.7, 600.0])
def test_the_seconds_curve_sits_on_fixed_positions(seconds):
    from advisor.evaluation.evaluate import seconds_curve_grid

    grid = seconds_curve_grid(seconds)
    assert grid == sorted(grid) and seconds in grid
    low, high = max(seconds / 8.0, 0.5), seconds * 8.0
    others = [x for x in grid if x != seconds]
    # Every other point is 10^(j/14) s for an integer j, inside [T/8, 8T], none missing.
    exponents = [14.0 * math.log10(x) for x in others]
    assert all(abs(e - round(e)) < 1e-6 for e in exponents)
    assert all(low - 1e-9 <= x <= high + 1e-9 for x in others)
    assert [round(e) for e in exponents] == list(range(round(exponents[0]), round(exponents[-1]) + 1))
    assert 14.0 * math.log10(others[0] / low) < 1.0 and 14.0 * math.log10(high / others[-1]) < 1.0
    # A small edit of T keeps every point but T itself: the models' caches hold them.
    moved = seconds_curve_grid(seconds * 1.013)
    assert len(set(others) & set(moved)) >= len(others) - 1


def test_the_headline_handed_over_first_is_the_evaluation_without_curves():
    scenario = example_scenarios()[0].with_changes({"campaign.seconds_per_item": 41.3})
    handed: list = []
    full = evaluate(scenario, on_headline=handed.append)
    assert len(handed) == 1 and handed[0].curves == {}
    assert handed[0].to_dict() == evaluate(scenario, curves=False).to_dict()
    # The verdict the cards show is true of this design (the method §8.4), its numbers checked again.
    headline, target, items = handed[0], scenario.target.target_risk, scenario.campaign.items
    needed = headline.items_needed
    ruled_out = headline.floor > target or needed.at_least is None or items < needed.at_least
    achieved = headline.achievable <= target and needed.at_most is not None and items >= needed.at_most
    assert headline.verdict == ("cannot" if ruled_out else "meets" if achieved else "undecided")
    # The full evaluation is the headline with its curves.
    assert set(full.curves) == {"items", "log2_m", "raters", "seconds"}
    assert full.to_dict(include_curves=False) == handed[0].to_dict(include_curves=False)


def test_an_exception_of_the_headline_hook_ends_the_evaluation_before_the_curves(monkeypatch):
    import advisor.evaluation.evaluate as module

    class Stop(Exception):
        pass

    def stop(_evaluation):
        raise Stop

    started = []
    curves = module._curves
    monkeypatch.setattr(module, "_curves", lambda *args: started.append(1) or curves(*args))
    scenario = example_scenarios()[0].with_changes({"campaign.seconds_per_item": 43.7})
    with pytest.raises(Stop):
        evaluate(scenario, on_headline=stop)
    assert started == []
    assert evaluate(scenario).curves and started == [1]


def test_a_floor_above_the_target_is_said_to_be_flat_in_the_items_not_in_the_raters():
    """The sentence said "no number of labels crosses it" beside a plot whose floor falls with more
    raters per item (more labels): it is more items of this design that cannot cross it."""
    xray = next(s for s in example_scenarios() if s.name.startswith("Chest X-ray"))
    design = xray.with_changes({"raters.per_item": 1})
    base = evaluate(design, curves=False)
    design = design.with_changes({"target.target_risk": round(base.floor / 2, 4)})
    base = evaluate(design, curves=False)
    assert base.verdict == "cannot" and base.floor > design.target.target_risk
    assert "no number of items crosses it; more capacity per item can lower it" in base.verdict_text
    more_items = evaluate(design.with_changes({"campaign.items": design.campaign.items * 100}), curves=False)
    assert more_items.floor == pytest.approx(base.floor, rel=1e-12)
    more_raters = evaluate(design.with_changes({"raters.per_item": 3}), curves=False)
    assert more_raters.floor < base.floor


def _split_warnings(evaluation) -> list[str]:
    return [w for w in evaluation.warnings if w.startswith("The automatic time split gives ")]


def test_the_starved_question_warning_names_what_the_split_gave_nothing():
    from advisor.scenario.schema import Campaign, Question, ResponseFormat

    comment = Question(name="comment", format=ResponseFormat(kind="free_text", max_chars=500))
    rating = Question(name="rating", format=ResponseFormat(kind="ordinal", k=5))
    flag = Question(name="flag", format=ResponseFormat(kind="binary"))
    two = evaluate(Scenario(name="x", questions=(comment, rating, flag), campaign=Campaign(seconds_per_item=10)),
                   curves=False)
    shares = {q.name: q.time_share for q in two.contexts[0].questions}
    assert shares == {"comment": 1.0, "rating": 0.0, "flag": 0.0}
    assert len(_split_warnings(two)) == 1 and "'rating' and 'flag' no time" in _split_warnings(two)[0]
    # One starved question: its share, not theirs (the fixed share keeps 'flag' in).
    one = evaluate(Scenario(name="x", questions=(comment, rating, flag.model_copy(update={"time_share": 0.2})),
                            campaign=Campaign(seconds_per_item=10)), curves=False)
    [text] = _split_warnings(one)
    assert "'rating' no time" in text and "Fix its time share" in text and "drop it." in text


def test_no_question_is_said_to_be_starved_when_none_carries_anything():
    """At 10 s with a fixed share eating half, no question carries information; the split gave all
    to one question by tie, and the warning blamed "other questions carry more information"."""
    chatbot = next(s for s in example_scenarios() if s.name.startswith("Chatbot"))
    design = chatbot.with_changes({"questions.0.time_share": None, "questions.1.time_share": None,
                                   "questions.2.time_share": 0.5, "campaign.seconds_per_item": 10})
    evaluation = evaluate(design, curves=False)
    assert evaluation.capacity_nats < 1e-12
    assert _split_warnings(evaluation) == []


def test_a_partial_overlap_says_which_questions_achievable_risk_ignores_the_extra_raters():
    """The search relevance example (ordinal) with a share of items given 4 more raters: capacity
    and floor improve, the achievable risk stays exactly the 3-rater one, and nothing said why."""
    search = next(s for s in example_scenarios() if s.name.startswith("Search relevance"))
    base = evaluate(search, curves=False)
    partial = evaluate(search.with_changes({"overlap.mode": "partial", "overlap.extra_raters": 4,
                                            "overlap.extra_share": 0.25}), curves=False)
    assert partial.floor < base.floor and partial.achievable == pytest.approx(base.achievable, abs=1e-12)
    [text] = [w for w in partial.warnings if w.startswith("Partial overlap: ")]
    assert "'relevance'" in text and "smallest panel" in text
    assert not any("overlap:" in w for w in base.warnings)
