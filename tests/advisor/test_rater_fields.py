"""The method §9's rater fields and the scale format in a scenario: schema, adapter and evaluation.

References: the evaluation of the same scenario without the fields (the defaults must give the
same numbers to the last bit), :mod:`models.rater_population` (its typed panel and predictions) with
the d′ the evaluation reports, and ordinal(k) for a scale of k levels.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from advisor.errors import ScenarioValidationError
from advisor.evaluation.channel_inputs import rater_model
from advisor.evaluation.evaluate import evaluate
from advisor.scenario.schema import scenario_from_dict
from models.bounds import fano_floor_prior
from models.capacity import blahut_arimoto
from models.rater_population import RaterPopulation


def _scenario(question: dict, raters: dict | None = None, **extra) -> object:
    return scenario_from_dict({
        "name": "rater fields", "questions": [{"name": "q", **question}],
        "raters": {"per_item": 5, "correlation": 0.0, **(raters or {})},
        "campaign": {"seconds_per_item": 20.0}, **extra,
    })


def _numbers(evaluation) -> dict:
    data = evaluation.to_dict()
    for key in ("content_hash", "scenario_name"):
        data.pop(key)
    return data


# -------------------------------------------------------------- the defaults
@pytest.mark.parametrize("question", [
    {"format": {"kind": "binary"}},
    {"format": {"kind": "categorical", "k": 3}, "option_bias": [0.0, 0.0, 0.0]},
    {"format": {"kind": "ordinal", "k": 5}, "prior": [0.1, 0.2, 0.4, 0.2, 0.1]},
    {"format": {"kind": "multi_select", "k": 3}},
    {"format": {"kind": "ranking", "k": 3}},
])
def test_default_rater_fields_give_the_numbers_of_a_scenario_without_them(question):
    plain = _scenario(question, {"correlation": 0.1})
    explicit = _scenario({**question, "bias": 0.0}, {
        "correlation": 0.1, "difficulty_classes": [{"weight": 2.0, "multiplier": 1.0}],
        "rater_types": [{"weight": 1.0, "dprime_multiplier": 1.0, "bias": 0.0}]})
    assert rater_model(explicit, explicit.questions[0]) is None
    assert _numbers(evaluate(explicit)) == _numbers(evaluate(plain))


# -------------------------------------------------- against rater_population
POOL = {"difficulty_classes": [{"weight": 0.6, "multiplier": 1.4}, {"weight": 0.3, "multiplier": 0.5},
                               {"weight": 0.1, "multiplier": -0.5}],
        "rater_types": [{"weight": 0.7, "dprime_multiplier": 1.1}, {"weight": 0.3, "dprime_multiplier": 0.4, "bias": 0.6}]}


@pytest.mark.parametrize("kind, k, prior", [("binary", 2, [0.25, 0.75]), ("ordinal", 4, [0.1, 0.2, 0.3, 0.4]),
                                            ("scale", 3, None)])
def test_capacity_accuracy_and_floor_are_the_rater_populations(kind, k, prior):
    fmt = {"kind": kind} if kind == "binary" else {"kind": kind, "k": k}
    if kind == "scale":
        fmt = {"kind": "scale", "minimum": 1, "maximum": 3}
    question = {"format": fmt, "bias": 0.4, "slip_rate": 0.03, **({"prior": prior} if prior else {})}
    scenario = _scenario(question, POOL, target={"log2_m": 1.0})
    evaluation = evaluate(scenario, curves=False)
    result = evaluation.contexts[0].questions[0]
    assert not result.budget_limited and result.panel_exact and result.label_accuracy_exact
    assert "2 rater types" in result.rater_model and "3 difficulty classes" in result.rater_model
    d = result.dprime * (math.sqrt(2.0) if kind == "binary" else 1.0)
    law = np.full(k, 1.0 / k) if prior is None else np.asarray(prior)
    population = RaterPopulation.create(
        "binary" if kind == "binary" else "ordinal", law, [1.1 * d, 0.4 * d], bias=[[0.4], [1.0]],
        type_weights=[0.7, 0.3], difficulty_weights=[0.6, 0.3, 0.1], difficulty_multipliers=[1.4, 0.5, -0.5],
        slip=0.03, normalise=False,
    )
    raters = scenario.raters.per_item
    typed = population.typed_panel(raters)
    assert result.panel_nats == pytest.approx(blahut_arimoto(typed, tol=1e-11).nats, abs=1e-8)
    predicted = population.predict(raters)
    assert result.label_accuracy == pytest.approx(predicted.typed_map_accuracy, abs=1e-12)
    floor = fano_floor_prior(predicted.prior_entropy_nats, predicted.typed_information_nats, math.log(k))
    assert evaluation.label_floor == pytest.approx(floor, abs=1e-12)
    assert evaluation.label_floor <= evaluation.label_error + 1e-12


def test_a_criterion_costs_capacity_and_mirrors_itself():
    # Swapping both the answers and the truths of a yes/no question maps c to −c.
    def capacity(bias: float, raters: int) -> float:
        return evaluate(_scenario({"format": {"kind": "binary"}, "bias": bias}, {"per_item": raters}),
                        curves=False).capacity_nats

    for raters in (1, 5):
        assert capacity(0.0, raters) > capacity(0.8, raters) > capacity(1.6, raters) > 0
        assert capacity(0.8, raters) == pytest.approx(capacity(-0.8, raters), abs=1e-9)


def test_difficulty_classes_replace_herding_in_the_panel():
    herded = evaluate(_scenario({"format": {"kind": "binary"}}, {"correlation": 0.3}), curves=False)
    classes = evaluate(_scenario({"format": {"kind": "binary"}}, {
        "difficulty_classes": [{"weight": 0.7, "multiplier": 1.43}, {"weight": 0.3, "multiplier": 0.0}]}), curves=False)
    independent = evaluate(_scenario({"format": {"kind": "binary"}}), curves=False)
    for evaluation in (herded, classes):
        assert evaluation.capacity_nats < independent.capacity_nats


def test_ranking_and_free_text_keep_one_class_and_say_so():
    scenario = _scenario({"format": {"kind": "ranking", "k": 3}}, POOL)
    evaluation = evaluate(scenario, curves=False)
    plain = evaluate(_scenario({"format": {"kind": "ranking", "k": 3}}), curves=False)
    assert evaluation.capacity_nats == plain.capacity_nats
    assert any("difficulty classes and rater types apply" in w for w in evaluation.warnings)


# -------------------------------------------------------------------- scale
def test_a_scale_evaluates_as_the_ordinal_scale_of_its_levels():
    scale = _scenario({"format": {"kind": "scale", "minimum": 0, "maximum": 10, "step": 1}})
    ordinal = _scenario({"format": {"kind": "ordinal", "k": 11}})
    assert scale.questions[0].format.k == 11 and scale.questions[0].format.label() == "scale(0–10 step 1)"
    a, b = _numbers(evaluate(scale)), _numbers(evaluate(ordinal))
    for data in (a, b):
        for context in data["contexts"]:
            for question in context["questions"]:
                question.pop("format"), question.pop("kind")
    assert a == b


@pytest.mark.parametrize("fmt, message", [
    ({"kind": "scale", "minimum": 0}, "needs minimum and maximum"),
    ({"kind": "scale", "minimum": 5, "maximum": 5}, "above its minimum"),
    ({"kind": "scale", "minimum": 0, "maximum": 1, "step": 0.3}, "whole steps"),
    ({"kind": "scale", "minimum": 0, "maximum": 200}, "201 levels"),
    ({"kind": "ordinal", "k": 5, "step": 1}, "apply to scale only"),
])
def test_a_scale_needs_a_range_of_2_to_101_levels(fmt, message):
    with pytest.raises(ScenarioValidationError, match=message):
        _scenario({"format": fmt})


def test_a_scales_levels_follow_its_range_when_edited():
    scenario = _scenario({"format": {"kind": "scale", "minimum": 0, "maximum": 100, "step": 1}})
    assert scenario.questions[0].format.k == 101
    assert scenario.with_changes({"questions.0.format.step": 5}).questions[0].format.k == 21
    assert scenario.with_changes({"questions.0.format.minimum": 50}).questions[0].format.k == 51


# ------------------------------------------------------------------- schema
@pytest.mark.parametrize("question, raters, message", [
    ({"format": {"kind": "categorical", "k": 3}, "option_bias": [0.1, 0.2]}, {}, "one value per option"),
    ({"format": {"kind": "binary"}, "option_bias": [0.1, 0.2]}, {}, "categorical questions"),
    ({"format": {"kind": "binary"}, "bias": 6}, {}, "must be at most 5, got 6"),
    ({"format": {"kind": "binary"}}, {"difficulty_classes": [{"weight": 1, "multiplier": 1}] * 4}, "at most 3"),
    ({"format": {"kind": "binary"}}, {"rater_types": [{"weight": 0, "dprime_multiplier": 1}]}, "must be more than 0, got 0"),
])
def test_rater_fields_are_validated_with_a_message(question, raters, message):
    with pytest.raises(ScenarioValidationError, match=message):
        _scenario(question, raters)


def test_rater_fields_round_trip_through_json():
    scenario = _scenario({"format": {"kind": "categorical", "k": 3}, "option_bias": [0.0, 0.5, -0.2]}, POOL)
    assert scenario_from_dict(scenario.to_dict()) == scenario
    model = rater_model(scenario, scenario.questions[0])
    assert model.option_bias == (0.0, 0.5, -0.2) and model.criterion == 0.0
    assert [w for w, _ in model.difficulty] == pytest.approx([0.6, 0.3, 0.1])
    assert model.types[1] == pytest.approx((0.3, 0.4, 0.6))


# ---------------------------------------------------------------- optimiser
def test_the_optimiser_screens_designs_with_the_rater_model():
    from advisor.planning.optimize import SCREEN_MARGIN_NATS, _limits, _Search, format_options

    scenario = scenario_from_dict({
        "name": "biased pool", "target": {"log2_m": 1.0, "target_risk": 0.2},
        "questions": [{"name": "q", "format": {"kind": "binary"}, "bias": 0.8, "prior": [0.3, 0.7]}],
        "raters": {"per_item": 3, "correlation": 0.0, "difficulty_classes": [
            {"weight": 0.8, "multiplier": 1.2}, {"weight": 0.2, "multiplier": 0.2}]},
        "campaign": {"items": 2000, "seconds_per_item": 20.0},
    })
    options = format_options(scenario, [["binary", "ordinal(5)"]])
    search = _Search(scenario, options, _limits(scenario, None, None, None, 6), True, None)
    for combo in ((0,), (1,)):
        for raters in (1, 5):
            screened = search.screen(combo, raters)
            for index in (4, len(search.times) // 2, len(search.times) - 2):
                design, _ = search.design(combo, raters, index, "check")
                assert rater_model(design, design.questions[0]) is not None
                # The interpolated tables are the rater model's channels (the unbiased one-class
                # panel carries far more at these designs).
                exact = evaluate(design, curves=False).capacity_nats
                assert exact == pytest.approx(screened[index], abs=SCREEN_MARGIN_NATS / 2)


def test_format_levers_of_a_calibrated_question_drop_the_prior_and_biases_that_no_longer_fit():
    from advisor.planning.levers import rank_levers

    scenario = _scenario({"format": {"kind": "categorical", "k": 3}, "prior": [0.5, 0.3, 0.2],
                          "option_bias": [0.0, 0.4, -0.2]}, {"per_item": 3})
    levers = {lever.key: lever for lever in rank_levers(scenario) if lever.applicable}
    wider = levers["format:q:categorical(4)"].scenario.questions[0]
    assert wider.format.k == 4 and wider.prior is None and wider.option_bias is None
    kept = levers["raters+1"].scenario.questions[0]
    assert kept.prior == pytest.approx((0.5, 0.3, 0.2)) and kept.option_bias == pytest.approx((0.0, 0.4, -0.2))
