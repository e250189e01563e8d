"""The check of a calibrated model against what its pilot measured (:mod:`advisor.pilot.model_check`).

References independent of the check: the toy pilot's pooled kernel counted by hand from its 25 rows,
the fitted rater population's own pooled kernel (:meth:`models.rater_population.RaterPopulation.
single_rater_kernel`, not the scenario's channel), and a pilot simulated from known parameters.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest

from advisor.pilot.calibration import apply_to_scenario, calibration_summary_options
from advisor.pilot.model_check import AIC_ITEMS_PER_PARAMETER, check_calibration
from advisor.pilot.reading import read_pilot
from advisor.pilot.simulation import simulate_pilot
from advisor.pilot.summary import summarize
from advisor.scenario.schema import scenario_from_dict
from models.capacity import blahut_arimoto
from models.rater_population import RaterPopulation

ROOT = Path(__file__).resolve().parents[2]
PILOTS = ROOT.parent / "shared" / "data" / "pilots"
TOY = PILOTS / "ipeirotis_adultcontent_toy.csv"
EXAMPLE = ROOT / "resources" / "scenarios" / "personal_attack_adaptive_overlap.json"
BITS = 1 / math.log(2)


def _example():
    return scenario_from_dict(json.loads(EXAMPLE.read_text(encoding="utf-8")))


def _calibrate(scenario, dataset, **options):
    question = scenario.questions[0]
    summary = summarize(dataset, **calibration_summary_options(scenario, question, pilot_names_contexts=False),
                        **options)
    return summary, apply_to_scenario(scenario, summary, question=question.name, source="pilot")


@pytest.fixture(scope="module")
def toy():
    """The audit's case: the example scenario calibrated from the 5-item toy pilot as the window and
    ``pilot apply`` do (1,000 resamples, rater types chosen by AIC)."""
    scenario = _example()
    summary, calibrated = _calibrate(scenario, read_pilot(TOY), n_boot=1000, rater_types="auto")
    return summary, calibrated


def test_the_toy_pilot_is_measured_as_counted_by_hand(toy):
    summary, _ = toy
    # porn items (2 x 5 labels): 8 right; notporn items (3 x 5): 8 right.
    kernel = np.array([[8 / 10, 2 / 10], [7 / 15, 8 / 15]])
    assert np.allclose(summary.pooled_kernel, kernel)
    assert summary.capacity_nats == pytest.approx(blahut_arimoto(kernel).nats, abs=1e-7)


def test_the_toy_pilot_warns_that_the_model_gives_more_than_it_measured(toy):
    summary, calibrated = toy
    check = check_calibration(summary, calibrated)
    # The fitted population's own pooled kernel (a rater of unknown type), from its parameters.
    fitted = summary.population["population"]
    population = RaterPopulation.create(
        fitted["kind"], fitted["prior"], fitted["dprime"], bias=fitted["bias"], type_weights=fitted["type_weights"],
        difficulty_weights=fitted["difficulty_weights"], difficulty_multipliers=fitted["difficulty_multipliers"],
        slip=fitted["slip"], span=fitted["span"], normalise=False)
    assert check.model_pooled_nats == pytest.approx(blahut_arimoto(population.single_rater_kernel()).nats, abs=1e-6)
    assert check.rater_types == 2 and check.parameters == 6 and check.items == 5
    low, high = summary.capacity_ci
    assert check.model_pooled_nats > high and check.model_nats > check.model_pooled_nats
    text = "\n".join(check.warnings)
    assert (f"The calibrated model gives {check.model_nats * BITS:.3f} bits per rater, above the "
            f"{low * BITS:.3f}–{high * BITS:.3f} bits the pilot measured (95 %)") in text
    assert "0.447 bits per rater, above the 0.000–0.125 bits" in text  # the audit's numbers
    assert f"carries {check.model_pooled_nats * BITS:.3f} bits, still outside it" in text
    assert "reaches 0: it cannot tell its raters from guessing" in text
    assert "The pilot's 5 items are too few to trust the fitted rater model's 6 parameters" in text


def test_the_size_warning_starts_below_forty_items_per_parameter(toy):
    summary, calibrated = toy
    enough = AIC_ITEMS_PER_PARAMETER * 6
    for items, warned in ((enough - 1, True), (enough, False)):
        check = check_calibration(dataclasses.replace(summary, items=items, labels=5 * items), calibrated)
        assert any("too few to trust" in warning for warning in check.warnings) is warned


def test_a_summary_without_resamples_has_no_interval_to_compare(toy):
    summary, calibrated = toy
    check = check_calibration(dataclasses.replace(summary, bootstrap_resamples=0), calibrated)
    assert check.interval is None
    assert any("without bootstrap resamples, so it has no interval" in warning for warning in check.warnings)
    assert not any("the pilot measured (95 %)" in warning for warning in check.warnings)


def test_a_pilot_simulated_from_known_raters_with_enough_items_gives_no_warning():
    truth = scenario_from_dict({
        "name": "known raters",
        "questions": [{"name": "q", "format": {"kind": "binary"}, "slip_rate": 0.02, "bias": 0.3}],
        "raters": {"per_item": 3, "correlation": 0.0, "discriminability": 1.6, "accrual_rate": 0.15, "base_time": 1.5,
                   "difficulty_classes": [{"weight": 0.7, "multiplier": 1.3}, {"weight": 0.3, "multiplier": 0.3}]},
        "campaign": {"seconds_per_item": 30.0},
    })
    pilot = simulate_pilot(truth, items=3000, seed=5, time_spread=0.0)
    start = truth.with_changes({"raters.discriminability": 1.0, "raters.difficulty_classes": [], "questions.0.bias": 0.0})
    summary, calibrated = _calibrate(start, pilot, n_boot=200, seed=1)
    check = check_calibration(summary, calibrated)
    assert check.warnings == ()
    low, high = check.interval
    assert low <= check.model_pooled_nats <= high


def test_a_model_whose_unknown_type_label_is_inside_the_interval_is_not_warned_about():
    """RTE's three rater types give 0.273 bits per typed rater, above the measured 0.145–0.177, but a label
    of a rater of unknown type, what the pilot measures, carries 0.164: inside. The window showed that in
    red as a warning although the model reproduces the pilot; the typed number alone must not warn."""
    from dataclasses import replace

    from advisor.pilot.model_check import ModelCheck, _warnings

    rte = ModelCheck(question="entailment", model_nats=0.273 / BITS, model_pilot_nats=0.273 / BITS,
                     model_pooled_nats=0.164 / BITS, at_pilot_times=False, rater_types=3, measured_nats=0.162 / BITS,
                     interval=(0.145 / BITS, 0.177 / BITS), level=0.95, items=800, labels=8000, parameters=9)
    assert _warnings(rte, "bits") == []
    # The same numbers with one rater type, or with the pooled label outside too, are warned about.
    assert any("above the 0.145–0.177 bits" in text for text in _warnings(replace(rte, rater_types=1), "bits"))
    outside = _warnings(replace(rte, model_pooled_nats=0.2 / BITS), "bits")
    assert len(outside) == 1 and "still outside it" in outside[0]
