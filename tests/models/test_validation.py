"""The validation protocol (the method §9): its empirical pieces, its machinery and the real pilots.

Independent references: brute-force enumeration of label subsets and tie-breaks, Snow et al.'s
published majority-vote accuracy on RTE (0.897 with ties split at random), the shared data
README's first-label figure (0.902), the coverage of the information interval on pilots simulated
from known populations, and an oracle calibrator (the true population) on simulated data.

The real-pilot acceptance tests run the full protocol (10 splits, 3-rater pilots, every r) with
the posterior calibrator, with seed 0 and with seeds 0-4; they are marked ``slow``, and those over
seeds 0-4 also ``seeds``: they run with ``--all-seeds`` (``make validate``), not in ``make test``. Targets the
model does not reach are strict ``xfail`` tests that state the measured value and its cause, so
that an improvement shows up as XPASS.
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


def test_agreement_and_the_positive_floor_ceiling_follow_their_definitions():
    """Recomputed from the per-split arrays: the two-sample agreement with both halves' standard
    errors, and the share of splits × r where Dawid–Skene made at least one error."""
    truth = RaterPopulation.create("binary", [0.4, 0.6], [2.2], bias=0.2, difficulty_weights=[0.7, 0.3],
                                   difficulty_multipliers=[1.3, 0.3])
    items, raters, labels, gold = simulate_annotations(truth, 60, 6, np.random.default_rng(5), raters_per_type=12)
    result = validate(items, raters, labels, gold, kind="binary", calibrators={"population": calibrate_population},
                      raters_per_item=[1, 2, 4, 6], splits=3, seed=2)
    model = result.models["population"]
    z = 1.959963984540054
    empirical = result.empirical_information_nats
    se_b = np.maximum(result.information_high_nats - empirical, empirical - result.information_low_nats) / z
    se_pred = (model.predicted_information_high_nats - model.predicted_information_low_nats) / (2 * z)
    agree = np.abs(model.predicted_information_nats - empirical) <= z * np.hypot(se_b, se_pred)
    assert model.information_agreement == pytest.approx(agree.mean())
    # A wider margin than the empirical interval alone: never less than the literal coverage.
    assert model.information_agreement >= model.information_ci_coverage
    errors = np.rint((1.0 - result.empirical_dawid_skene) * result.half_b_items * 2) / 2  # ties count halves
    assert model.positive_floor_ceiling == pytest.approx((errors > 0).mean())
    assert model.floor_at_or_below_dawid_skene <= model.positive_floor_ceiling + (model.floor <= 1e-12).mean()
    rows = model.to_dict()["rows"]
    assert [row["positive_floor_ceiling"] for row in rows] == pytest.approx((errors > 0).mean(axis=0))
    majority_error = 1.0 - result.empirical_majority
    assert model.floor_at_or_below_majority == pytest.approx((model.floor <= majority_error + 1e-12).mean())
    # A point model has no prediction interval: no agreement share.
    assert validate(items, raters, labels, gold, kind="binary", calibrators={"oracle": lambda *_: truth},
                    splits=2).models["oracle"].information_agreement is None


def test_the_docs_writer_keeps_a_marked_block_where_it_was(monkeypatch):
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_validate", Path(__file__).parents[2] / "bench" / "validate.py")
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bench)  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    block = f"{bench.BLOCK_START}\n## Compromise\n\nkept *as is* | 1 |\n{bench.BLOCK_END}"
    previous = f"# T\n\n## A\n\nold a\n\n{block}\n\n## B\n\nold b\n\n## Reproduce\n\nx\n"
    fresh = "# T\n\n## A\n\nnew a\n\n## B\n\nnew b\n\n## Reproduce\n\nx\n"
    kept = bench.keep_marked_block(previous, fresh)
    assert kept.count(block) == 1 and "new a" in kept and "old a" not in kept
    assert kept.index("new a") < kept.index(block) < kept.index("## B")
    # Its section gone: before Reproduce. Already there: replaced, not doubled. None: unchanged.
    gone = bench.keep_marked_block(previous, fresh.replace("## A", "## C"))
    assert gone.index("new b") < gone.index(block) < gone.index("## Reproduce")
    assert bench.keep_marked_block(previous, kept) == kept
    assert bench.keep_marked_block("# T\n", fresh) == fresh


def test_splits_do_not_depend_on_what_else_draws_random_numbers():
    truth = RaterPopulation.create("binary", [0.5, 0.5], [1.5])
    items, raters, labels, gold = simulate_annotations(truth, 60, 4, np.random.default_rng(0))
    with_ds = validate(items, raters, labels, gold, kind="binary", calibrators={"oracle": lambda *_: truth}, splits=3)
    without = validate(items, raters, labels, gold, kind="binary", calibrators={"oracle": lambda *_: truth}, splits=3,
                       dawid_skene_runs=False)
    assert np.array_equal(with_ds.empirical_majority, without.empirical_majority)


# -------------------------------------------------------------- real pilots
ACCEPTANCE = {"mean": 0.015, "max": 0.03, "coverage": 0.80, "floor": 0.90}
PASSES = {
    "mean": lambda model: model.mean_abs_error_majority <= ACCEPTANCE["mean"],
    "max": lambda model: model.max_abs_error_majority <= ACCEPTANCE["max"],
    "coverage": lambda model: model.information_ci_coverage >= ACCEPTANCE["coverage"],
    "floor": lambda model: model.floor_at_or_below_dawid_skene >= ACCEPTANCE["floor"],
}
SETS = {"rte": ("snow2008_rte.csv", "binary"), "wsd": ("snow2008_wsd.csv", "nominal"),
        "bluebirds": ("welinder2010_bluebirds.csv", "binary")}
SEEDS = (0, 1, 2, 3, 4)
# Targets not reached, with the measured values and their causes (docs/validation.md, "Not
# reached, and why"). Strict: a run that reaches one shows up as XPASS.
NOT_REACHED_SEED_0 = {
    ("rte", "coverage"): "69 %: the 3-rater pilot's prediction has 1.6 times half B's standard error, so an "
                         "unbiased prediction lands in half B's interval about 70 % of the time",
    ("wsd", "floor"): "66 %: Dawid-Skene makes no error at all on half B in 33 % of splits x r, below any "
                      "positive floor",
}
NOT_REACHED_SEEDS = {
    ("rte", "mean"): "seed 1: 1.71 points; the exchangeable pool misses RTE's fixed panels of chance-level "
                     "raters (-2.3 points at r = 10 computed from the raters themselves)",
    ("rte", "coverage"): "45-69 % over seeds 0-4 (prediction 1.6 times half B's standard error)",
    ("rte", "floor"): "seed 4: 88 %; Dawid-Skene knows who gave each label, the histogram floor does not bound it",
    ("wsd", "coverage"): "seed 2: 56 % (seed 0 at the threshold, 80 %)",
    ("wsd", "floor"): "62-83 % over seeds 0-4: Dawid-Skene often makes no error on 89 items",
    ("bluebirds", "mean"): "seeds 1 and 3: 2.79 and 2.22 points; the half-A reference alone errs 2.0-2.6 points",
    ("bluebirds", "max"): "seeds 1 and 3: 3.63 and 3.71 points (108 items: noise of two halves of 54)",
    ("bluebirds", "coverage"): "65-76 % with seeds 1-4 (prediction 1.7 times half B's standard error)",
    ("bluebirds", "floor"): "seed 2: 85 %; Dawid-Skene beats majority vote by knowing each rater's bias",
}


def _cases(not_reached: dict) -> list:
    cases = []
    for data_set in SETS:
        for check in PASSES:
            reason = not_reached.get((data_set, check))
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            cases.append(pytest.param(data_set, check, marks=marks, id=f"{data_set}-{check}"))
    return cases


@pytest.fixture(scope="module")
def real():
    cache: dict = {}

    def run(data_set: str, seed: int = 0):
        if (data_set, seed) not in cache:
            name, kind = SETS[data_set]
            data = read_pilot(name)
            cache[data_set, seed] = validate(data["items"], data["raters"], data["labels"], data["gold"], kind=kind,
                                             calibrators={"population": calibrate_population}, splits=10,
                                             seed=seed).models["population"]
        return cache[data_set, seed]

    return run


@pytest.mark.slow
@pytest.mark.parametrize("data_set, check", _cases(NOT_REACHED_SEED_0))
def test_real_pilots_reach_the_targets_with_seed_0(real, data_set, check):
    """The protocol as stated: 10 splits, 3-rater pilots, seed 0."""
    assert PASSES[check](real(data_set))


@pytest.mark.slow
@pytest.mark.seeds
@pytest.mark.parametrize("data_set, check", _cases(NOT_REACHED_SEEDS))
def test_real_pilots_reach_the_targets_with_every_seed(real, data_set, check):
    """The same for other splits and pilots (seeds 0-4)."""
    failing = [seed for seed in SEEDS if not PASSES[check](real(data_set, seed))]
    assert not failing, f"fails with seeds {failing}"


@pytest.mark.slow
def test_real_pilots_floor_misses_are_resolution_or_rater_identity(real):
    """Where the floor sits above Dawid-Skene's realised error, the count is still consistent with
    it (binomial check), and where it passes at most where Dawid-Skene erred at all."""
    for data_set in SETS:
        model = real(data_set)
        assert model.floor_consistent_with_dawid_skene >= ACCEPTANCE["floor"]
        assert model.floor_at_or_below_dawid_skene <= model.positive_floor_ceiling + 1e-12
