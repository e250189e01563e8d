"""The validation protocol (the method §9): its empirical pieces, its machinery and the real pilots.

Independent references: brute-force enumeration of label subsets and tie-breaks, Snow et al.'s
published majority-vote accuracy on RTE (0.897 with ties split at random), the shared data
README's first-label figure (0.902), the coverage of the information interval on pilots simulated
from known populations, and an oracle calibrator (the true population) on simulated data.

The real-pilot acceptance tests run the full protocol (10 splits, 3-rater pilots, seed 0, every
r) with the posterior calibrator; they are marked ``slow``. Targets the model does not reach are
strict ``xfail`` tests that state the measured value, so that an improvement shows up as XPASS.
"""

from __future__ import annotations

import csv
import itertools
import math
from pathlib import Path

import numpy as np
import pytest

from models.aggregation import Annotations, majority_vote
from models.rater_population import RaterPopulation, simulate_annotations
from models.validation import (
    calibrate_population,
    expected_majority,
    hypergeometric_histograms,
    information_interval,
    validate,
)

PILOTS = Path(__file__).parents[2].parent / "shared" / "data" / "pilots"
SNOW_RTE_MAJORITY = 0.897  # Snow et al. (2008), RTE, 10 labels, ties split at random


def read_pilot(name: str) -> dict:
    """Codes with classes sorted by name (plain csv: no advisor code)."""
    with open(PILOTS / name, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    classes = sorted({row["label"] for row in rows} | {row["gold"] for row in rows if row["gold"]})
    code = {name: i for i, name in enumerate(classes)}
    items: dict[str, int] = {}
    raters: dict[str, int] = {}
    item_codes = np.array([items.setdefault(row["item"], len(items)) for row in rows])
    rater_codes = np.array([raters.setdefault(row["rater"], len(raters)) for row in rows])
    labels = np.array([code[row["label"]] for row in rows])
    gold = np.full(len(items), -1)
    for row, item in zip(rows, item_codes):
        gold[item] = code[row["gold"]]
    return {"items": item_codes, "raters": rater_codes, "labels": labels, "gold": gold, "k": len(classes)}


def _votes(data: dict) -> np.ndarray:
    votes = np.zeros((data["gold"].size, data["k"]), dtype=np.int64)
    np.add.at(votes, (data["items"], data["labels"]), 1)
    return votes


# ---------------------------------------------------------- empirical pieces
def test_hypergeometric_histograms_match_enumerated_subsets():
    labels = [0, 0, 1, 2, 2, 2]
    votes = np.array([[2, 1, 3]])
    for r in (1, 2, 4):
        distribution = hypergeometric_histograms(votes, r)[0]
        counts: dict[tuple, int] = {}
        for subset in itertools.combinations(range(len(labels)), r):
            histogram = tuple(np.bincount([labels[i] for i in subset], minlength=3))
            counts[histogram] = counts.get(histogram, 0) + 1
        total = sum(counts.values())
        from models.panel import compositions

        for column, row in enumerate(compositions(r, 3)):
            assert distribution[column] == pytest.approx(counts.get(tuple(row), 0) / total, abs=1e-14)


def test_expected_majority_is_the_average_over_subsets_and_tie_breaks():
    labels = [[0, 0, 1, 1, 2], [1, 1, 1, 0], [2, 0, 1, 2]]
    gold = np.array([0, 1, 2])
    votes = np.array([np.bincount(item, minlength=3) for item in labels])
    for r in (2, 3, 4):
        scores = []
        for item, truth in zip(labels, gold):
            values = []
            for subset in itertools.combinations(item, r):
                counts = np.bincount(subset, minlength=3)
                winners = np.flatnonzero(counts == counts.max())
                values.append(float(truth in winners) / winners.size)
            scores.append(np.mean(values))
        assert expected_majority(votes, gold, r) == pytest.approx(np.mean(scores), abs=1e-14)


def test_snow_et_al_rte_majority_vote_with_ties_split_at_random():
    data = read_pilot("snow2008_rte.csv")
    votes = _votes(data)
    exact = expected_majority(votes, data["gold"], 10)
    assert round(exact, 3) == SNOW_RTE_MAJORITY
    # Monte Carlo over fair tie-breaks agrees with the expectation.
    rng = np.random.default_rng(0)
    tied = votes[:, 0] == votes[:, 1]
    draws = rng.integers(0, 2, size=(2000, int(tied.sum())))
    decided = np.mean(np.argmax(votes[~tied], axis=1) == data["gold"][~tied]) * (~tied).mean()
    simulated = decided + (draws == data["gold"][tied]).mean(axis=1) * tied.mean()
    assert simulated.mean() == pytest.approx(exact, abs=3 * simulated.std() / math.sqrt(simulated.size) + 1e-12)
    # Ties broken by the first label seen: the shared README's 0.902.
    annotations = Annotations.from_arrays(data["items"], data["raters"], data["labels"], n_classes=2)
    assert round(majority_vote(annotations).accuracy_against(data["gold"]), 3) == 0.902


@pytest.mark.parametrize(
    "population, items, per_item, raters",
    [
        (RaterPopulation.create("binary", [0.5, 0.5], [1.3], bias=-0.2, difficulty_weights=[0.85, 0.15],
                                difficulty_multipliers=[1.2, -0.1]), 400, 10, 3),
        (RaterPopulation.create("binary", [0.55, 0.45], [1.4], bias=0.7, difficulty_weights=[0.5, 0.4, 0.1],
                                difficulty_multipliers=[1.8, 0.5, -1.4], slip=0.1), 54, 39, 20),
    ],
)
def test_jackknife_information_interval_covers_the_true_information(population, items, per_item, raters):
    """Nominal 95 %; required at least 85 % over 100 simulated halves (the second case has 21
    histograms for 54 items, where plug-in mutual information is badly biased)."""
    truth = population.predict(raters).information_nats
    rng = np.random.default_rng(2)
    covered = []
    for _ in range(100):
        item_codes, _, labels, gold = simulate_annotations(population, items, per_item, rng)
        votes = np.zeros((items, 2), dtype=np.int64)
        np.add.at(votes, (item_codes, labels), 1)
        _, _, low, high = information_interval(hypergeometric_histograms(votes, raters), gold, 2)
        covered.append(low <= truth <= high)
    assert np.mean(covered) >= 0.85


def test_protocol_with_an_oracle_calibrator_on_simulated_data():
    """A calibrator that returns the true population: its errors are half B's sampling noise."""
    truth = RaterPopulation.create("binary", [0.4, 0.6], [1.5], bias=0.3, difficulty_weights=[0.8, 0.2],
                                   difficulty_multipliers=[1.2, 0.2])
    items, raters, labels, gold = simulate_annotations(truth, 600, 6, np.random.default_rng(4), raters_per_type=30)
    result = validate(items, raters, labels, gold, kind="binary", calibrators={"oracle": lambda *_: truth},
                      raters_per_item=[1, 3, 6], splits=10, seed=1)
    oracle = result.models["oracle"]
    assert oracle.mean_abs_error_majority <= 0.01
    assert oracle.information_ci_coverage >= 0.8
    assert oracle.floor_at_or_below_dawid_skene >= 0.9
    row = oracle.to_dict()["rows"][0]
    assert set(row) >= {"r", "empirical_majority", "predicted_majority", "empirical_dawid_skene", "predicted_map",
                        "empirical_information_bits", "information_ci_bits", "predicted_information_bits", "floor"}
    assert not row["dawid_skene_identifiable"]  # one label per item: majority vote stands in


def test_splits_do_not_depend_on_what_else_draws_random_numbers():
    truth = RaterPopulation.create("binary", [0.5, 0.5], [1.5])
    items, raters, labels, gold = simulate_annotations(truth, 60, 4, np.random.default_rng(0))
    with_ds = validate(items, raters, labels, gold, kind="binary", calibrators={"oracle": lambda *_: truth}, splits=3)
    without = validate(items, raters, labels, gold, kind="binary", calibrators={"oracle": lambda *_: truth}, splits=3,
                       dawid_skene_runs=False)
    assert np.array_equal(with_ds.empirical_majority, without.empirical_majority)


# -------------------------------------------------------------- real pilots
ACCEPTANCE = {"mean": 0.015, "max": 0.03, "coverage": 0.80, "floor": 0.90}


@pytest.fixture(scope="module")
def real():
    cache: dict = {}

    def run(name: str, kind: str):
        if name not in cache:
            data = read_pilot(name)
            cache[name] = validate(data["items"], data["raters"], data["labels"], data["gold"], kind=kind,
                                   calibrators={"population": calibrate_population}, splits=10, seed=0).models["population"]
        return cache[name]

    return run


@pytest.mark.slow
@pytest.mark.parametrize("name, kind", [("snow2008_rte.csv", "binary"), ("snow2008_wsd.csv", "nominal"),
                                        ("welinder2010_bluebirds.csv", "binary")])
def test_real_pilots_majority_vote_within_the_targets(real, name, kind):
    model = real(name, kind)
    assert model.mean_abs_error_majority <= ACCEPTANCE["mean"]
    assert model.max_abs_error_majority <= ACCEPTANCE["max"]


@pytest.mark.slow
@pytest.mark.parametrize("name, kind", [("snow2008_wsd.csv", "nominal"), ("welinder2010_bluebirds.csv", "binary")])
def test_real_pilots_information_coverage_reaches_the_target(real, name, kind):
    # WSD sits exactly at the target with seed 0 (80 %) and ranges 56-100 % over seeds 0-4.
    assert real(name, kind).information_ci_coverage >= ACCEPTANCE["coverage"]


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="measured 67 % of splits x r (50-69 % over seeds 0-4); the prediction's own "
                   "credible interval contains the empirical value in 96 % (docs/validation.md)")
def test_real_pilots_rte_information_coverage_target_not_reached(real):
    assert real("snow2008_rte.csv", "binary").information_ci_coverage >= ACCEPTANCE["coverage"]


@pytest.mark.slow
@pytest.mark.parametrize("name, kind", [("snow2008_rte.csv", "binary"), ("welinder2010_bluebirds.csv", "binary")])
def test_real_pilots_floor_at_or_below_the_realised_dawid_skene_error(real, name, kind):
    assert real(name, kind).floor_at_or_below_dawid_skene >= ACCEPTANCE["floor"]


@pytest.mark.slow
@pytest.mark.xfail(strict=True, reason="measured 66 %: on half B (89 items) Dawid-Skene's realised error is often "
                   "exactly 0, below any positive floor")
def test_real_pilots_wsd_floor_target_not_reached(real):
    assert real("snow2008_wsd.csv", "nominal").floor_at_or_below_dawid_skene >= ACCEPTANCE["floor"]


@pytest.mark.slow
def test_real_pilots_wsd_realised_errors_are_consistent_with_the_floor(real):
    assert real("snow2008_wsd.csv", "nominal").floor_consistent_with_dawid_skene >= ACCEPTANCE["floor"]
