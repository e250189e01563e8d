"""``pilot apply`` with the method §9's rater population: recovery of known parameters through the
app's path (a CSV file → read_pilot → summarize → apply_to_scenario → the scenario's fields).

Pilots are drawn by :func:`models.rater_population.simulate_annotations` (labels one by one, a
different code path from the fit) from populations with known bias, difficulty classes, rater
types, prior and slip. Tolerances are stated per parameter, at these pilot sizes (2,000 items, 5
labels each). The prior and the class shares are sharp; the slip trades off against d′ and the
criterion along a ridge of nearly equal likelihood (a slip of 0.03 with c 0.5 and d′ 1.6 fits a
pilot drawn with no slip, c 0.4 and d′ 1.41), so those carry wider tolerances, and what the
calibrated scenario predicts (its MAP accuracy) is checked against the truth's exact prediction.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from advisor.pilot.calibration import apply_to_scenario
from advisor.pilot.reading import read_pilot
from advisor.pilot.summary import summarize
from advisor.scenario.schema import scenario_from_dict
from advisor.evaluation.evaluate import evaluate
from models.rater_population import RaterPopulation, simulate_annotations

SECONDS, ACCRUAL, BASE = 30.0, 0.15, 1.5


def _pilot(tmp_path: Path, population: RaterPopulation, seed: int, items: int = 2000, raters: int = 5) -> Path:
    rng = np.random.default_rng(seed)
    item, rater, label, gold = simulate_annotations(population, items, raters, rng, raters_per_type=30)
    path = tmp_path / f"pilot_{seed}.csv"
    # Numeric labels keep the classes in their numeric order (the question's answers in order).
    path.write_text("item,rater,label,gold\n" + "".join(
        f"i{a},w{b},{c},{gold[a]}\n" for a, b, c in zip(item, rater, label)), encoding="utf-8")
    return path


def _start(fmt: dict) -> object:
    return scenario_from_dict({
        "name": "to calibrate", "questions": [{"name": "q", "format": fmt}],
        "raters": {"per_item": 3, "discriminability": 1.0, "correlation": 0.3, "accrual_rate": ACCRUAL,
                   "base_time": BASE},
        "campaign": {"seconds_per_item": SECONDS},
    })


def _dprime_bought(scenario) -> float:
    """d′ the calibrated scenario's raters reach on its one question (the method §3)."""
    effort = max(1.0, math.log2(scenario.questions[0].format.k))
    return scenario.raters.discriminability * -math.expm1(-ACCRUAL * (SECONDS / effort - BASE))


BINARY = RaterPopulation.create("binary", [0.3, 0.7], [2.0], bias=0.4, difficulty_weights=[0.7, 0.3],
                                difficulty_multipliers=[1.3, 0.3])


@pytest.mark.parametrize("seed", range(20))
def test_a_binary_pilot_gives_back_its_bias_prior_difficulty_and_dprime(tmp_path, seed):
    summary = summarize(read_pilot(_pilot(tmp_path, BINARY, seed)), n_boot=0, slip_rate=0.02)
    calibrated = apply_to_scenario(_start({"kind": "binary"}), summary, source="simulated")
    question, raters = calibrated.questions[0], calibrated.raters
    assert question.bias == pytest.approx(0.4, abs=0.15)
    assert question.prior == pytest.approx((0.3, 0.7), abs=0.04)
    assert question.slip_rate <= 0.05
    assert raters.correlation == 0.0 and raters.rater_types == ()
    classes = sorted(raters.difficulty_mixture, key=lambda c: -c[1])[:2]
    assert [w for w, _ in classes] == pytest.approx([0.7, 0.3], abs=0.12)
    assert [a for _, a in classes] == pytest.approx([1.3, 0.3], abs=0.2)
    # The yes/no d′ of 2.0 is the method §3's forced-choice d′ 2 / √2.
    assert _dprime_bought(calibrated) == pytest.approx(2.0 / math.sqrt(2.0), rel=0.15)
    predicted = evaluate(calibrated, curves=False).contexts[0].questions[0].label_accuracy
    assert predicted == pytest.approx(BINARY.predict(3).map_accuracy, abs=0.015)
    record = calibrated.provenance[-1]
    assert record.method.startswith("pilot: rater population")
    assert set(record.fields) >= {"questions.0.bias", "questions.0.prior", "questions.0.slip_rate",
                                  "raters.difficulty_classes", "raters.rater_types", "raters.correlation",
                                  "raters.discriminability"}


@pytest.mark.parametrize("seed", range(3))
def test_an_ordinal_pilot_gives_back_its_thresholds_shift_slip_and_classes(tmp_path, seed):
    truth = RaterPopulation.create("ordinal", [0.1, 0.2, 0.3, 0.25, 0.15], [1.5], bias=0.3,
                                   difficulty_weights=[0.6, 0.4], difficulty_multipliers=[1.4, 0.4], slip=0.03)
    summary = summarize(read_pilot(_pilot(tmp_path, truth, seed)), scale="ordinal", n_boot=0, slip_rate=0.02)
    calibrated = apply_to_scenario(_start({"kind": "ordinal", "k": 5}), summary)
    question = calibrated.questions[0]
    assert question.bias == pytest.approx(0.3, abs=0.1)
    assert question.prior == pytest.approx((0.1, 0.2, 0.3, 0.25, 0.15), abs=0.03)
    assert question.slip_rate == pytest.approx(0.03, abs=0.04)
    classes = sorted(calibrated.raters.difficulty_mixture, key=lambda c: -c[1])
    assert [w for w, _ in classes] == pytest.approx([0.6, 0.4], abs=0.08)
    assert [a for _, a in classes] == pytest.approx([1.4, 0.4], abs=0.15)
    assert _dprime_bought(calibrated) == pytest.approx(1.5, rel=0.1)


@pytest.mark.parametrize("seed", range(3))
def test_a_categorical_pilot_gives_back_its_option_biases(tmp_path, seed):
    truth = RaterPopulation.create("nominal", [0.5, 0.3, 0.2], [2.0], bias=[0.0, 0.5, -0.4],
                                   difficulty_weights=[0.7, 0.3], difficulty_multipliers=[1.3, 0.3], slip=0.02)
    summary = summarize(read_pilot(_pilot(tmp_path, truth, seed)), n_boot=0, slip_rate=0.02)
    calibrated = apply_to_scenario(_start({"kind": "categorical", "k": 3}), summary)
    question = calibrated.questions[0]
    assert question.option_bias == pytest.approx((0.0, 0.5, -0.4), abs=0.15)
    assert question.prior == pytest.approx((0.5, 0.3, 0.2), abs=0.03)
    assert _dprime_bought(calibrated) == pytest.approx(2.0, rel=0.08)


@pytest.mark.parametrize("seed", range(2))
def test_a_mixed_pool_gives_back_its_rater_types(tmp_path, seed):
    truth = RaterPopulation.create("binary", [0.4, 0.6], [2.6, 0.8], bias=[[0.2], [0.9]], type_weights=[0.6, 0.4],
                                   difficulty_weights=[0.75, 0.25], difficulty_multipliers=[1.2, 0.4])
    summary = summarize(read_pilot(_pilot(tmp_path, truth, seed)), n_boot=0, slip_rate=0.02, rater_types=2)
    calibrated = apply_to_scenario(_start({"kind": "binary"}), summary)
    mean_dprime, mean_criterion = 0.6 * 2.6 + 0.4 * 0.8, 0.6 * 0.2 + 0.4 * 0.9
    types = calibrated.raters.type_mixture
    assert [v for v, _, _ in types] == pytest.approx([0.6, 0.4], abs=0.05)
    assert [m for _, m, _ in types] == pytest.approx([2.6 / mean_dprime, 0.8 / mean_dprime], abs=0.15)
    assert [s for _, _, s in types] == pytest.approx([0.2 - mean_criterion, 0.9 - mean_criterion], abs=0.2)
    assert calibrated.questions[0].bias == pytest.approx(mean_criterion, abs=0.12)
    assert _dprime_bought(calibrated) == pytest.approx(mean_dprime / math.sqrt(2.0), rel=0.1)


def test_a_pilot_without_errors_is_fitted_not_refused(tmp_path):
    # Every label right: the first release's inversion refused such a pilot ("cannot be inverted").
    truth = RaterPopulation.create("binary", [0.5, 0.5], [12.0])
    summary = summarize(read_pilot(_pilot(tmp_path, truth, 0, items=300, raters=3)), n_boot=0, slip_rate=0.02)
    assert summary.single_rater_accuracy == 1.0
    with pytest.raises(ValueError, match="cannot be inverted"):
        apply_to_scenario(_start({"kind": "binary"}), summary, model="symmetric")
    calibrated = apply_to_scenario(_start({"kind": "binary"}), summary)
    assert calibrated.questions[0].slip_rate == 0.0
    assert evaluate(calibrated, curves=False).contexts[0].questions[0].label_accuracy > 0.999


def test_a_pilot_of_mostly_easy_items_is_fitted_not_refused():
    # The X-ray example's simulated pilot (3,000 items, seed 2): most items are never got wrong, so
    # their class's d' ends at the search's bound and, scaled by the difficulty classes' mean, passed
    # 50; the population fit was refused and `pilot apply` fell back to the symmetric model unsaid.
    from advisor.pilot.simulation import simulate_pilot
    from advisor.scenario.schema import example_scenarios

    xray = next(s for s in example_scenarios() if s.name.startswith("Chest X-ray"))
    from advisor.pilot.scenario_quantities import scenario_contexts

    question = xray.questions[0]
    # As `pilot apply` summarises it: the question's slip and span, its contexts, rater types by AIC.
    summary = summarize(simulate_pilot(xray, items=3000, seed=2), n_boot=0, slip_rate=question.slip_rate,
                        span=question.span, contexts=scenario_contexts(xray), rater_types="auto")
    assert summary.population is not None
    assert not any("no rater population" in note for note in summary.notes)
    calibrated = apply_to_scenario(xray, summary)
    assert calibrated.raters.difficulty_classes and calibrated.raters.discriminability <= 50
    assert math.isfinite(evaluate(calibrated, curves=False).achievable)


def test_normalising_the_difficulty_multipliers_keeps_every_product_of_dprime_and_multiplier():
    # What the kernels use is d′ · a_h. Normalising a to a mean of 1 moves its scale into d′; where
    # d′ would pass 50 only part of it moves. Clipping d′ at 50 after the full move shrank the
    # products (72 → 55, 4.7 → 3.6) and raised the hard class's error from 0.9 % to 3.7 %.
    for d, a in (([12.0, 0.71, 0.48], [6.0, 1.0, 0.39]), ([1.2, 0.5], [2.0, 0.5, 0.25])):
        raw = np.outer(d, a)
        weights = [0.9, 0.05, 0.05][:len(a)]
        weights = np.array(weights) / sum(weights)
        population = RaterPopulation.create("binary", [0.5, 0.5], d, difficulty_weights=weights,
                                            difficulty_multipliers=a)
        kept = np.outer(population.dprime, population.difficulty_multipliers)
        np.testing.assert_allclose(kept, raw, rtol=1e-12)
        assert population.dprime.max() <= 50
        mean = float(weights @ np.array(a))
        if max(d) * mean <= 50:
            assert float(population.difficulty_weights @ population.difficulty_multipliers) == pytest.approx(1.0)


def test_the_calibrated_scenario_predicts_the_pilots_own_majority_and_map_accuracy(tmp_path):
    # The app's evaluation of the calibrated scenario, at the pilot's raters per item, against the
    # truth's exact prediction (the §9 model the pilot was drawn from).
    summary = summarize(read_pilot(_pilot(tmp_path, BINARY, 7)), n_boot=0, slip_rate=0.02)
    calibrated = apply_to_scenario(_start({"kind": "binary"}), summary)
    for raters in (1, 3, 7):
        scenario = calibrated.with_changes({"raters.per_item": raters})
        accuracy = evaluate(scenario, curves=False).contexts[0].questions[0].label_accuracy
        assert accuracy == pytest.approx(BINARY.predict(raters).map_accuracy, abs=0.015)


@pytest.mark.parametrize("seed", range(2))
def test_pilot_simulate_then_apply_round_trips_a_scenarios_rater_model(seed):
    # simulate_pilot draws with the scenario's bias, classes, types and prior; the calibration of a
    # plain scenario from that pilot gives them back (one time per item: d′ varies by class alone).
    from advisor.pilot.simulation import simulate_pilot

    truth = scenario_from_dict({
        "name": "truth", "questions": [{"name": "q", "format": {"kind": "binary"}, "bias": 0.4, "prior": [0.3, 0.7],
                                        "slip_rate": 0.0}],
        "raters": {"per_item": 5, "correlation": 0.0, "discriminability": 2.0,
                   "difficulty_classes": [{"weight": 0.7, "multiplier": 1.3}, {"weight": 0.3, "multiplier": 0.3}],
                   "rater_types": [{"weight": 0.6, "dprime_multiplier": 1.3, "bias": -0.2},
                                   {"weight": 0.4, "dprime_multiplier": 0.55, "bias": 0.3}]},
        "campaign": {"seconds_per_item": SECONDS},
    })
    start = truth.with_changes({"questions.0.bias": 0.0, "questions.0.prior": None, "raters.discriminability": 1.0,
                                "raters.difficulty_classes": [], "raters.rater_types": []})
    pilot = simulate_pilot(truth, items=2000, seed=seed, time_spread=0.0)
    calibrated = apply_to_scenario(start, summarize(pilot, n_boot=0, slip_rate=0.0, rater_types=2))
    question, raters = calibrated.questions[0], calibrated.raters
    assert question.bias == pytest.approx(0.4, abs=0.1)
    assert question.prior == pytest.approx((0.3, 0.7), abs=0.04)
    assert raters.discriminability == pytest.approx(2.0, rel=0.12)
    classes = np.array(sorted(raters.difficulty_mixture, key=lambda c: -c[1]))
    assert classes.ravel() == pytest.approx([0.7, 1.3, 0.3, 0.3], abs=0.1)
    assert np.ravel(raters.type_mixture) == pytest.approx([0.6, 1.3, -0.2, 0.4, 0.55, 0.3], abs=0.15)
