"""Levers: each lever's numbers are those of the modified scenario, evaluated directly."""

from __future__ import annotations

import math

import pytest

from advisor.units import money
from advisor.evaluation.evaluate import VERDICT_WORDS, evaluate
from advisor.planning.levers import LeverResult, lever_keys, rank, rank_levers
from advisor.scenario.schema import Campaign, Context, Question, Raters, ResponseFormat, Scenario, Target, example_scenarios

LN2 = math.log(2.0)


def two_question_scenario(**raters) -> Scenario:
    """Two fixed-share questions, two contexts that read: every lever applies."""
    return Scenario(
        name="levers test",
        target=Target(log2_m=3.0, target_risk=0.2),
        contexts=(
            Context(name="short", weight=0.7, reading_words=60),
            Context(name="long", weight=0.3, difficulty=0.8, reading_words=200),
        ),
        questions=(
            Question(name="quality", format=ResponseFormat(kind="binary"), time_share=0.6),
            Question(name="preference", format=ResponseFormat(kind="pairwise", k=2), time_share=0.4),
        ),
        raters=Raters(**({"per_item": 3, "correlation": 0.2} | raters)),
        campaign=Campaign(items=2_000, seconds_per_item=40.0, wage_per_hour=18.0, platform_fee=0.2),
    )


def one_question_scenario() -> Scenario:
    """One question, one rater, no reading, uncorrelated raters: several levers do not apply."""
    return Scenario(
        name="single",
        target=Target(log2_m=1.0, target_risk=0.2),
        questions=(Question(name="label", format=ResponseFormat(kind="ordinal", k=5), time_share=1.0),),
        raters=Raters(per_item=1, correlation=0.0),
        campaign=Campaign(items=1_000, seconds_per_item=20.0),
    )


@pytest.fixture(scope="module")
def ranked() -> tuple[Scenario, list[LeverResult]]:
    scenario = two_question_scenario()
    return scenario, rank_levers(scenario)


def test_every_lever_equals_evaluating_its_scenario_directly(ranked):
    scenario, levers = ranked
    base = evaluate(scenario, curves=False)
    applicable = [lever for lever in levers if lever.applicable]
    assert len(applicable) >= 12
    for lever in applicable:
        direct = evaluate(lever.scenario, curves=False)
        assert lever.delta_capacity_nats == pytest.approx(direct.capacity_nats - base.capacity_nats, abs=1e-12), lever.key
        assert lever.delta_floor == pytest.approx(direct.floor - base.floor, abs=1e-12), lever.key
        assert lever.delta_ceiling == pytest.approx(direct.ceiling - base.ceiling, abs=1e-12), lever.key
        assert lever.delta_cost == pytest.approx(direct.cost - base.cost, abs=1e-9), lever.key
        assert lever.evaluation.capacity_nats == pytest.approx(direct.capacity_nats, abs=1e-12)
        if lever.delta_cost > 0:
            assert lever.capacity_per_cost == pytest.approx(lever.delta_capacity_nats / lever.delta_cost)
        else:
            assert lever.capacity_per_cost is None


def test_each_lever_changes_what_it_says(ranked):
    scenario, levers = ranked
    by_key = {lever.key: lever for lever in levers}
    assert by_key["raters+1"].scenario.raters.per_item == 4
    assert by_key["raters-1"].scenario.raters.per_item == 2
    assert by_key["seconds+25%"].scenario.campaign.seconds_per_item == pytest.approx(50.0)
    assert by_key["seconds-25%"].scenario.campaign.seconds_per_item == pytest.approx(30.0)
    assert by_key["training"].scenario.raters.discriminability == pytest.approx(2.2)
    assert by_key["diverse-pool"].scenario.raters.correlation == pytest.approx(0.1)
    assert by_key["narrower-target"].scenario.target.log2_m == pytest.approx(2.0)
    assert [c.reading_words for c in by_key["shorter-reading"].scenario.contexts] == pytest.approx([45.0, 150.0])
    assert by_key["format:quality:ordinal(5)"].scenario.questions[0].format == ResponseFormat(kind="ordinal", k=5)
    assert by_key["format:preference:pairwise(3)"].scenario.questions[1].format == ResponseFormat(kind="pairwise", k=3)
    assert by_key["format:preference:pairwise(4)"].scenario.questions[1].format == ResponseFormat(kind="pairwise", k=4)
    assert by_key["water-fill"].scenario.fixed_time_shares is False
    assert by_key["drop:quality"].scenario.questions[0].name == "preference"
    # The split: the same format asked twice, half of the fixed share each.
    split = by_key["split:quality"].scenario.questions
    assert [q.format for q in split[:2]] == [ResponseFormat(kind="binary")] * 2
    assert [q.time_share for q in split] == pytest.approx([0.3, 0.3, 0.4])
    # Changing only the cost-free parts leaves the cost alone; time and raters move it.
    for key in ("training", "diverse-pool", "narrower-target", "shorter-reading", "water-fill", "split:quality"):
        assert by_key[key].delta_cost == 0.0
    assert by_key["raters+1"].delta_cost == pytest.approx(evaluate(scenario, curves=False).cost / 3)


def test_no_two_levers_make_the_same_scenario(ranked):
    _, levers = ranked
    hashes = [lever.scenario.content_hash() for lever in levers if lever.applicable]
    assert len(hashes) == len(set(hashes))


def test_ranking_puts_free_gains_first_then_gain_per_cost_then_losses(ranked):
    scenario, levers = ranked
    base_achievable = evaluate(scenario, curves=False).achievable

    # The gain is the fall of the achievable risk (method §8.4); the fall of the items the value
    # model needs breaks ties.
    def items(lever: LeverResult) -> float:
        return 0.0 if lever.delta_items_needed is None else -lever.delta_items_needed

    def group(lever: LeverResult) -> int:
        if not lever.applicable:
            return 4
        if lever.gain > 1e-9 or (abs(lever.gain) <= 1e-9 and items(lever) > 0):
            return 0 if lever.delta_cost <= 0 else 1
        return 2 if lever.gain >= -1e-9 and items(lever) >= 0 else 3

    groups = [group(lever) for lever in levers]
    assert groups == sorted(groups)
    free = [(lever.gain, items(lever)) for lever in levers if group(lever) == 0]
    assert free == sorted(free, reverse=True)
    paid = [(lever.gain / lever.delta_cost, items(lever) / lever.delta_cost) for lever in levers if group(lever) == 1]
    assert paid == sorted(paid, reverse=True)
    losses = [(lever.gain, items(lever)) for lever in levers if group(lever) == 3]
    assert losses == sorted(losses, reverse=True)
    for lever in levers:
        if lever.applicable:
            assert lever.delta_achievable == lever.evaluation.achievable - base_achievable
    # More raters and more time cost money and gain information here.
    assert group(next(lever for lever in levers if lever.key == "raters+1")) == 1
    assert group(next(lever for lever in levers if lever.key == "raters-1")) == 3
    assert rank(list(reversed(levers))) == levers


def test_explanations_say_the_numbers(ranked):
    scenario, levers = ranked
    base = evaluate(scenario, curves=False)
    by_key = {lever.key: lever for lever in levers}
    more = by_key["raters+1"]
    # A 4th binary rater adds information but not accuracy: with an even panel the tie at 2-2 is
    # no better decided than by 3 raters (MAP accuracy of r = 3 and r = 4 agree).
    assert more.explanation.startswith("A 4th rater per item leaves the achievable risk at ")
    assert f"adds {more.delta_capacity_nats / LN2:.2f} bits per item for {money(more.delta_cost, 'USD')}" in more.explanation
    assert f"floor {base.floor:.3f} → {more.evaluation.floor:.3f}" in more.explanation
    assert f"verdict: {VERDICT_WORDS[more.evaluation.verdict]}" in more.explanation
    fewer = by_key["raters-1"]
    assert f"loses {-fewer.delta_capacity_nats / LN2:.2f} bits per item and saves" in fewer.explanation
    narrower = by_key["narrower-target"]
    assert "lowers the capacity needed by" in narrower.explanation and "at no cost" in narrower.explanation
    assert narrower.delta_capacity_nats == pytest.approx(0.0, abs=1e-12)
    assert narrower.gain_nats > 0 and narrower.delta_floor < 0
    assert "not priced" in by_key["training"].explanation
    for lever in levers:
        assert lever.explanation.endswith(".") and lever.explanation.count(". ") == 0, lever.explanation


def test_a_small_change_of_the_achievable_risk_is_written_with_digits_that_show_it():
    from advisor.planning.levers import _distinct_texts

    assert _distinct_texts(0.3, 0.2) == ("0.300", "0.200")
    assert _distinct_texts(0.02471, 0.02468) == ("0.02471", "0.02468")  # not "0.025 → 0.025"
    assert _distinct_texts(0.5, 0.5 + 1e-9) == ("0.500000", "0.500000")  # the caller then says "leaves"


def test_levers_that_do_not_apply_say_why():
    scenario = one_question_scenario()
    levers = rank_levers(scenario)
    by_key = {lever.key: lever for lever in levers}
    expected = {
        "raters-1": "only one rater",
        "drop:label": "only question",
        "water-fill": "only one question",
        "shorter-reading": "no context has reading",
        "diverse-pool": "uncorrelated",
        "narrower-target": "leaves nothing",
    }
    for key, words in expected.items():
        lever = by_key[key]
        assert not lever.applicable and words in lever.reason and lever.scenario is None
        assert lever.delta_capacity_nats == 0.0 and lever.capacity_per_cost is None
    assert all(not lever.applicable for lever in levers[-len(expected):])
    assert set(lever_keys(scenario)) == set(by_key)


def test_water_filling_already_automatic_does_not_apply():
    scenario = two_question_scenario().with_changes({"questions.0.time_share": None, "questions.1.time_share": None})
    keys = [key for key in lever_keys(scenario) if key == "water-fill"]
    assert keys == ["water-fill"]
    from advisor.planning.levers import _proposals

    water = next(p for p in _proposals(scenario) if p.key == "water-fill")
    assert water.changes is None and "already water-filled" in water.reason


def test_k_levers_respect_the_format_limits():
    scenario = Scenario(
        name="limits",
        questions=(Question(name="rank", format=ResponseFormat(kind="ranking", k=10)),
                   Question(name="pick", format=ResponseFormat(kind="multi_select", k=1))),
    )
    from advisor.planning.levers import _proposals

    proposals = {p.key: p for p in _proposals(scenario)}
    assert proposals["format:rank:k+1"].changes is None and "most levels" in proposals["format:rank:k+1"].reason
    assert proposals["format:pick:k-1"].changes is None and "fewest levels" in proposals["format:pick:k-1"].reason
    assert "format:rank:ranking(9)" in proposals and "format:pick:multi_select(2)" in proposals


def test_progress_can_stop_the_work():
    scenario = two_question_scenario()
    calls = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return done < 3

    levers = rank_levers(scenario, progress=progress)
    assert len(levers) == 3 and calls[-1][0] == 3
    assert calls[0][1] == len(lever_keys(scenario))


@pytest.mark.parametrize("scenario", example_scenarios(), ids=lambda s: s.name)
def test_examples_rank_without_error_and_to_dict_is_json_ready(scenario):
    import json

    levers = rank_levers(scenario)
    assert levers and any(lever.applicable for lever in levers)
    for lever in levers:
        json.dumps(lever.to_dict(), allow_nan=False)


def test_splitting_a_comment_box_is_evaluated():
    """The real chat RLHF config has two free-text comment boxes. Splitting one into two answers
    about the same part asked for the joint vote-histogram kernel of an alphabet free text does not
    have (a division by zero that stopped `recommend`). Every lever now evaluates; on this config
    the split adds information, and at most what the comment box carried (two answers given the
    truth carry at most the sum of what each carries; a split can also lose, where time is short)."""
    from advisor.importers import import_interface
    from tests.conftest import SHARED

    scenario = import_interface(SHARED / "data" / "interfaces" / "label-studio" / "chat_rlhf.xml").scenario
    base = evaluate(scenario, curves=False)
    levers = {lever.key: lever for lever in rank_levers(scenario, base)}
    split = levers["split:conversation_comment"]
    assert split.applicable and math.isfinite(split.delta_capacity_nats)
    single = next(q for q in base.contexts[0].questions if q.name == "conversation_comment").panel_nats
    assert 0.0 <= split.delta_capacity_nats <= single + 1e-9


def test_a_paid_lever_whose_risk_does_not_move_lowers_nothing_per_money():
    # The X-ray example's 4th rater changes the achievable risk by 2e-16 (rounding): it was shown as
    # lowering 5.15e-17 of risk per 1,000 USD.
    from advisor.planning.levers import SAME_RISK, per_money_text
    from advisor.scenario.schema import example_scenarios

    xray = next(s for s in example_scenarios() if s.name.startswith("Chest X-ray"))
    by_key = {lever.key: lever for lever in rank_levers(xray)}
    more = by_key["raters+1"]
    assert more.delta_cost > 0 and abs(more.delta_achievable) <= SAME_RISK
    assert per_money_text(more) == "0"
    # So does the number the JSON writes: it was 5.1e-20 (and −0.0 where the risk moved by 0).
    assert more.achievable_per_cost == 0.0 and math.copysign(1.0, more.achievable_per_cost) == 1.0
    assert more.to_dict()["achievable_per_cost"] == 0.0
    longer = by_key["seconds+25%"]  # a real, small fall: 1e-5 for 3,234 USD
    assert longer.delta_achievable < -SAME_RISK and per_money_text(longer) == f"{longer.achievable_per_cost * 1000:.3g}"
