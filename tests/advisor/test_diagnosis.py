"""Diagnosis: the "labels alone cannot reach the target" advice appears exactly
when the floor exceeds the target, with the bits still missing; the plateau,
the binding stages and the warnings are reported with their numbers."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from advisor.evaluation.diagnosis import LABELS_ALONE_ADVICE, diagnose
from advisor.units import bits_text, money
from advisor.evaluation.evaluate import evaluate
from advisor.scenario.schema import Bounds, Campaign, Context, Question, Raters, ResponseFormat, Scenario, Target, example_scenarios

LN2 = math.log(2.0)
PHRASE = "labels alone cannot reach the target"


def scenario_with(log2_m: float, target_risk: float, **bounds) -> Scenario:
    return Scenario(
        name="diagnosis test",
        target=Target(log2_m=log2_m, target_risk=target_risk),
        contexts=(Context(name="easy", weight=2.0), Context(name="hard", difficulty=0.5, reading_words=120)),
        questions=(Question(name="grade", format=ResponseFormat(kind="ordinal", k=4)),),
        raters=Raters(per_item=2, correlation=0.1),
        campaign=Campaign(items=3_000, seconds_per_item=25.0),
        bounds=Bounds(**bounds),
    )


def all_text(diagnosis) -> str:
    parts = [diagnosis.verdict, *diagnosis.findings, *diagnosis.warnings, *(c.meaning for c in diagnosis.contexts)]
    return " ".join(parts).lower()


def assert_advice_exactly_when_floor_exceeds_target(scenario: Scenario) -> None:
    evaluation = evaluate(scenario, curves=False)
    diagnosis = diagnose(scenario, evaluation)
    above = evaluation.floor > scenario.target.target_risk
    assert diagnosis.labels_cannot_reach_target is above
    assert (PHRASE in all_text(diagnosis)) is above
    assert (PHRASE in diagnosis.verdict.lower()) is above


@settings(max_examples=25, deadline=None)
@given(log2_m=st.floats(0.5, 12.0), target_risk=st.floats(0.01, 0.6))
def test_advice_appears_exactly_when_the_floor_exceeds_the_target(log2_m, target_risk):
    assert_advice_exactly_when_floor_exceeds_target(scenario_with(log2_m, target_risk))


def test_advice_at_the_boundary():
    # The floor does not depend on the target risk: put the target exactly on
    # it (not above: no advice), then a hair below it (above: advice).
    floor = evaluate(scenario_with(6.0, 0.5), curves=False).floor
    assert 0.0 < floor < 1.0
    on = scenario_with(6.0, floor)
    below = scenario_with(6.0, floor * (1 - 1e-9))
    assert evaluate(on, curves=False).floor == floor
    assert_advice_exactly_when_floor_exceeds_target(on)
    assert_advice_exactly_when_floor_exceeds_target(below)
    assert PHRASE not in all_text(diagnose(on, evaluate(on, curves=False)))
    assert PHRASE in all_text(diagnose(below, evaluate(below, curves=False)))


@pytest.mark.parametrize("scenario", example_scenarios(), ids=lambda s: s.name)
def test_examples_follow_the_rule(scenario):
    assert_advice_exactly_when_floor_exceeds_target(scenario)
    diagnosis = diagnose(scenario, evaluate(scenario, curves=False))
    json.dumps(diagnosis.to_dict(), allow_nan=False)


def test_missing_bits_are_the_capacity_gap():
    scenario = scenario_with(10.0, 0.05)
    evaluation = evaluate(scenario, curves=False)
    diagnosis = diagnose(scenario, evaluation)
    assert evaluation.floor > 0.05
    assert diagnosis.missing_bits_per_item == pytest.approx(evaluation.capacity_gap_nats / LN2)
    assert diagnosis.missing_bits_per_item > 1.0
    assert f"{diagnosis.missing_bits_per_item:.2f} bits per item are still missing" in diagnosis.findings[0]
    assert f"{evaluation.floor:.3f}" in diagnosis.findings[0]
    assert diagnosis.capacity_gap_nats == evaluation.capacity_gap_nats


def test_a_reachable_target_has_no_missing_bits():
    scenario = scenario_with(1.0, 0.4)
    evaluation = evaluate(scenario, curves=False)
    diagnosis = diagnose(scenario, evaluation)
    assert evaluation.floor <= 0.4
    assert diagnosis.missing_bits_per_item == 0.0
    assert "bits to spare" in diagnosis.findings[0]


@pytest.mark.parametrize("target_risk", [0.02, 0.2, 0.6, 0.95 * 0.999])
def test_the_verdict_is_said_with_both_numbers_and_is_true_of_the_design(target_risk):
    scenario = scenario_with(1.0, target_risk, ceiling_form="kl")
    evaluation = evaluate(scenario, curves=False)
    diagnosis = diagnose(scenario, evaluation)
    assert diagnosis.decision == evaluation.verdict
    assert diagnosis.achievable == evaluation.achievable
    assert evaluation.verdict_text in diagnosis.findings
    assert evaluation.verdict_text in diagnosis.verdict
    assert f"{evaluation.achievable:.3f}" in " ".join(diagnosis.findings)
    needed = evaluation.items_needed
    if needed.at_least is not None:
        assert f"at least {needed.at_least:,} items" in " ".join(diagnosis.findings)
    # "Meets" is said only of a design whose achievable side meets the target (method §8.4).
    said_meets = diagnosis.verdict.count("Meets the target") > 0
    assert said_meets == (evaluation.achievable <= target_risk and evaluation.floor <= target_risk
                          and needed.at_most is not None and scenario.campaign.items >= needed.at_most)
    said_cannot = "Cannot meet the target" in diagnosis.verdict
    assert said_cannot == (evaluation.floor > target_risk or needed.at_least is None
                           or scenario.campaign.items < needed.at_least)


def test_binding_stages_and_warnings_come_from_the_evaluation():
    scenario = scenario_with(3.0, 0.2, observed_risk=0.0)
    evaluation = evaluate(scenario, curves=False)
    diagnosis = diagnose(scenario, evaluation)
    assert [c.name for c in diagnosis.contexts] == ["easy", "hard"]
    assert [c.binding_stage for c in diagnosis.contexts] == [c.binding_stage for c in evaluation.contexts]
    assert all(c.meaning for c in diagnosis.contexts)
    assert diagnosis.warnings == evaluation.warnings
    for context in evaluation.contexts:
        assert any(f"In {context.name!r} the {context.binding_stage} stage binds" in f for f in diagnosis.findings)


def test_saturation_is_said_in_the_verdict():
    # An observed risk below the floor: the excess fit is to channel regularities.
    scenario = scenario_with(8.0, 0.2)
    floor = evaluate(scenario, curves=False).floor
    fitted = scenario.with_changes({"bounds.observed_risk": floor / 2})
    evaluation = evaluate(fitted, curves=False)
    diagnosis = diagnose(fitted, evaluation)
    assert any(w.startswith("Saturation") for w in diagnosis.warnings)
    assert "rater artifacts" in diagnosis.verdict


def test_words_for_numbers():
    assert money(1240.4, "USD") == "$1,240"
    assert money(12.5, "EUR") == "€12.50"
    assert money(-300, "USD") == "-$300"
    assert money(1500, "CHF") == "1,500 CHF"
    assert bits_text(0.21 * LN2) == "0.21"
    assert bits_text(0.0012 * LN2) == "0.0012"
    assert bits_text(0.0) == "0.00"
    assert LABELS_ALONE_ADVICE.lower() == PHRASE


def test_counts_that_do_not_exist_are_said_in_words():
    """The real Label Studio chat RLHF config as imported (free-text comments take the judgment
    time): a 1000-bit value model needs at least some items, but Gallager's bound never certifies
    any number. The verdict and the findings say so in words, with the numbers that exist and no
    "the no finite number of that suffice"."""
    from advisor.importers import import_interface
    from tests.conftest import SHARED

    scenario = import_interface(SHARED / "data" / "interfaces" / "label-studio" / "chat_rlhf.xml").scenario
    evaluation = evaluate(scenario)
    needed = evaluation.items_needed
    assert evaluation.verdict == "undecided" and needed.at_least is not None and needed.at_most is None
    text = " ".join([evaluation.verdict_text, *diagnose(scenario, evaluation).findings])
    assert "no finite number of" not in text and "the no " not in text
    assert f"{evaluation.items:,} items, at least the {needed.at_least:,} a " in evaluation.verdict_text
    assert "no number of items is sure to suffice" in evaluation.verdict_text
    assert f"needs at least {needed.at_least:,} items (Fano)" in text and "Gallager's bound never gets there" in text


@pytest.mark.parametrize("target_risk, items, case", [(0.2, 3000, "cannot"), (0.4, 3000, "short"),
                                                      (0.5, 3000, "reaches"), (0.5, 5, "too few items")])
def test_the_headline_says_whether_the_design_reaches_the_target_as_its_numbers_do(target_risk, items, case):
    # "The interface carries enough information for the target" stood beside an achievable risk of
    # 0.996: it spoke of the floor only. The headline now says of the design what its numbers say
    # (this design: floor 0.292, achievable 0.482), the items the value model needs included.
    scenario = scenario_with(log2_m=2.0, target_risk=target_risk).with_changes({"campaign.items": items})
    evaluation = evaluate(scenario, curves=False)
    verdict = diagnose(scenario, evaluation).verdict
    found = ("cannot" if evaluation.floor > target_risk else
             "reaches" if evaluation.verdict == "meets" else
             "too few items" if evaluation.achievable <= target_risk else "short")
    assert found == case
    if case == "cannot":
        assert verdict.startswith(LABELS_ALONE_ADVICE)
    elif case == "reaches":
        assert "this design reaches it" in verdict and "does not reach" not in verdict
    elif case == "too few items":
        assert "this design reaches it" not in verdict and "are not sure to teach the value model enough" in verdict
        assert evaluation.verdict_text in verdict
    else:
        assert "this design does not reach it" in verdict and f"{evaluation.achievable:.3f}" in verdict
        assert "carries enough information" not in verdict


def test_questions_the_time_split_starves_are_named_as_what_keeps_the_design_from_the_target():
    # Label Studio's chat RLHF template (real config, ../shared/data/interfaces): its two comment
    # boxes took all 30 s per item, its five rating questions were guesses (achievable 0.996), and
    # the headline said the interface carries enough information and named the raters' pooling.
    from advisor.importers import import_interface
    from tests.conftest import SHARED

    scenario = import_interface(SHARED / "data" / "interfaces" / "label-studio" / "chat_rlhf.xml").scenario
    evaluation = evaluate(scenario, curves=False)
    assert evaluation.floor <= evaluation.target_risk < evaluation.achievable
    starved = [q.name for q in evaluation.contexts[0].questions if q.time_share == 0]
    assert "rating" in starved
    verdict = diagnose(scenario, evaluation).verdict
    assert "this design does not reach it" in verdict and "carries enough information" not in verdict
    assert "What keeps it from the target: the automatic time split gives 'rating'" in verdict
    assert all(repr(name) in verdict for name in starved)


def test_a_verdict_that_meets_says_the_items_reach_what_suffices():
    # "… 6,000 items are at least the 665 a model needs at most" read as a riddle. The sentence is
    # checked on a design whose evaluation meets the target, against that evaluation's numbers.
    scenario = next(s for s in example_scenarios() if "Search relevance" in s.name).with_changes(
        {"raters.per_item": 7})
    evaluation = evaluate(scenario, curves=False)
    needed = evaluation.items_needed
    assert evaluation.verdict == "meets"
    assert evaluation.achievable <= evaluation.target_risk and evaluation.items >= needed.at_most
    assert evaluation.verdict_text == (
        f"Meets the target: the achievable risk {evaluation.achievable:.3f} ≤ {evaluation.target_risk:g}, and the "
        f"{evaluation.items:,} items reach the {needed.at_most:,} that suffice for a "
        f"{evaluation.model_bits:g}-bit value model.")
