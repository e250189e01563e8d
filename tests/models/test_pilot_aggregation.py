"""Majority vote and Dawid–Skene on the shared pilots (real crowd labels with gold) and on synthetic data.

Reference values: the shared data README (majority vote with ties broken by the first label seen:
RTE 0.902, WSD 0.994, bluebirds 0.759) and crowd-kit 1.4's ``DawidSkene`` on RTE, 0.9275 (measured
by bench/pilot.py; crowd-kit is a bench-only dependency, so it is not imported here).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.aggregation import Annotations, dawid_skene, majority_vote, one_coin_dawid_skene
from models.errors import InvalidArgumentError

PILOTS = Path(__file__).parents[2].parent / "shared" / "data" / "pilots"
CROWD_KIT_DS_RTE = 0.9275


def load_pilot(file_name: str) -> tuple[Annotations, np.ndarray, dict[str, int], dict[str, int]]:
    """Codes in file order; gold per item (-1 unknown). Plain csv, so the test needs no advisor code."""
    with open(PILOTS / file_name, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    items: dict[str, int] = {}
    raters: dict[str, int] = {}
    classes: dict[str, int] = {}
    for row in rows:
        classes.setdefault(row["label"], len(classes))
    for row in rows:
        if row["gold"]:
            classes.setdefault(row["gold"], len(classes))
    item_codes = [items.setdefault(r["item"], len(items)) for r in rows]
    rater_codes = [raters.setdefault(r["rater"], len(raters)) for r in rows]
    label_codes = [classes[r["label"]] for r in rows]
    gold = np.full(len(items), -1, dtype=np.int64)
    for row, item in zip(rows, item_codes):
        if row["gold"]:
            gold[item] = classes[row["gold"]]
    data = Annotations.from_arrays(item_codes, rater_codes, label_codes, n_classes=len(classes))
    return data, gold, raters, classes


@pytest.fixture(scope="module")
def rte():
    return load_pilot("snow2008_rte.csv")


@pytest.fixture(scope="module")
def bluebirds():
    return load_pilot("welinder2010_bluebirds.csv")


# ------------------------------------------------------------- shared pilots
def test_majority_vote_reproduces_the_readme_reference_accuracies():
    expected = {"snow2008_rte.csv": 0.902, "snow2008_wsd.csv": 0.994, "welinder2010_bluebirds.csv": 0.759}
    for file_name, reference in expected.items():
        data, gold, _, _ = load_pilot(file_name)
        assert majority_vote(data).accuracy_against(gold) == pytest.approx(reference, abs=6e-4), file_name


def test_dawid_skene_on_rte_matches_crowd_kit_and_beats_majority_vote(rte):
    data, gold, _, _ = rte
    ds = dawid_skene(data)
    assert ds.converged
    assert ds.accuracy_against(gold) >= CROWD_KIT_DS_RTE
    assert ds.accuracy_against(gold) > majority_vote(data).accuracy_against(gold)


def test_dawid_skene_beats_majority_vote_on_bluebirds(bluebirds):
    data, gold, _, _ = bluebirds
    assert dawid_skene(data).accuracy_against(gold) > majority_vote(data).accuracy_against(gold) + 0.1


def test_dawid_skene_keeps_wsd_at_its_ceiling():
    data, gold, _, _ = load_pilot("snow2008_wsd.csv")
    assert dawid_skene(data).accuracy_against(gold) >= majority_vote(data).accuracy_against(gold)


def test_one_coin_beats_majority_vote_on_rte(rte):
    data, gold, _, _ = rte
    assert one_coin_dawid_skene(data).accuracy_against(gold) > majority_vote(data).accuracy_against(gold)


def test_em_objective_never_decreases(rte, bluebirds):
    for data, _, _, _ in (rte, bluebirds):
        for method in (dawid_skene, one_coin_dawid_skene):
            history = np.array(method(data).history)
            assert history.size >= 2
            assert np.all(np.diff(history) >= -1e-8 * np.abs(history[1:]))


def test_adult_content_toy_recovers_the_documented_truth_and_workers():
    """Get-Another-Label's AdultContent README: url1, url3, url5 notporn; url2, url4 porn; worker1 always
    says porn; worker5 always answers wrong; workers 3 and 4 are perfect."""
    data, _, raters, classes = load_pilot("ipeirotis_adultcontent_toy.csv")
    ds = dawid_skene(data)
    truth = [classes[name] for name in ("notporn", "porn", "notporn", "porn", "notporn")]
    assert ds.labels.tolist() == truth
    accuracy = ds.rater_accuracy()
    assert accuracy[raters["worker5"]] < 0.05
    assert accuracy[raters["worker3"]] > 0.95 and accuracy[raters["worker4"]] > 0.95
    lazy = ds.confusion[raters["worker1"]]
    assert np.abs(lazy[0] - lazy[1]).sum() / 2 < 0.05


def test_gold_items_are_clamped():
    data, _, _, classes = load_pilot("ipeirotis_adultcontent_toy.csv")
    # Get-Another-Label's own gold file: url1 notporn, url2 porn.
    gold = np.array([classes["notporn"], classes["porn"], -1, -1, -1])
    ds = dawid_skene(data, gold=gold)
    assert ds.posteriors[0, classes["notporn"]] == 1.0
    assert ds.posteriors[1, classes["porn"]] == 1.0
    assert ds.labels[2:].tolist() == [classes["notporn"], classes["porn"], classes["notporn"]]
    # Clamping a wrong gold answer moves the item, whatever its votes say.
    wrong = np.array([classes["porn"], -1, -1, -1, -1])
    assert dawid_skene(data, gold=wrong).labels[0] == classes["porn"]


# ---------------------------------------------------------------- synthetic
def _simulate_ds(seed: int, n_items: int = 3000, n_raters: int = 25, per_item: int = 5, k: int = 3):
    rng = np.random.default_rng(seed)
    priors = np.array([0.5, 0.3, 0.2])[:k]
    priors = priors / priors.sum()
    confusion = np.empty((n_raters, k, k))
    for rater in range(n_raters):
        accuracy = rng.uniform(0.55, 0.95)
        rows = rng.dirichlet(np.ones(k - 1), size=k) * (1 - accuracy)
        for c in range(k):
            confusion[rater, c] = np.insert(rows[c], c, accuracy)
    truth = rng.choice(k, size=n_items, p=priors)
    items = np.repeat(np.arange(n_items), per_item)
    raters = np.concatenate([rng.choice(n_raters, size=per_item, replace=False) for _ in range(n_items)])
    cumulative = np.cumsum(confusion[raters, truth[items]], axis=1)
    labels = (rng.random(items.size)[:, None] > cumulative).sum(axis=1)
    data = Annotations.from_arrays(items, raters, np.minimum(labels, k - 1), n_classes=k)
    return data, truth, confusion, priors


def test_dawid_skene_recovers_simulated_confusion_matrices_and_priors():
    data, truth, confusion, priors = _simulate_ds(seed=7)
    ds = dawid_skene(data)
    assert ds.converged
    assert np.max(np.abs(ds.class_priors - priors)) < 0.03
    # About 600 labels per rater: each confusion row is estimated to within a few hundredths.
    assert np.median(np.abs(ds.confusion - confusion)) < 0.03
    assert ds.accuracy_against(truth) > majority_vote(data).accuracy_against(truth)


def test_one_coin_recovers_symmetric_rater_accuracies():
    rng = np.random.default_rng(3)
    n_items, n_raters, per_item, k = 4000, 20, 4, 4
    accuracy = rng.uniform(0.4, 0.9, size=n_raters)
    truth = rng.integers(0, k, size=n_items)
    items = np.repeat(np.arange(n_items), per_item)
    raters = np.concatenate([rng.choice(n_raters, size=per_item, replace=False) for _ in range(n_items)])
    correct = rng.random(items.size) < accuracy[raters]
    wrong = (truth[items] + rng.integers(1, k, size=items.size)) % k
    labels = np.where(correct, truth[items], wrong)
    result = one_coin_dawid_skene(Annotations.from_arrays(items, raters, labels, n_classes=k))
    assert np.max(np.abs(np.diagonal(result.confusion, axis1=1, axis2=2)[:, 0] - accuracy)) < 0.05


def test_results_are_probability_tables(rte):
    data, _, _, _ = rte
    for result in (majority_vote(data), dawid_skene(data), one_coin_dawid_skene(data)):
        assert np.allclose(result.posteriors.sum(axis=1), 1.0)
        assert np.allclose(result.confusion.sum(axis=2), 1.0)
        assert result.class_priors.sum() == pytest.approx(1.0)
        assert result.posteriors.shape == (data.n_items, data.n_classes)
        assert not result.posteriors.flags.writeable


def test_iteration_cap_reports_no_convergence(rte):
    data, _, _, _ = rte
    result = dawid_skene(data, max_iter=1)
    assert result.iterations == 1 and not result.converged


def test_majority_vote_breaks_ties_by_the_first_label_seen_for_the_item():
    # item 0: votes b, a, a, b -> tie, b came first; item 1: a, b -> a; item 2: c, b, b -> b.
    items = [0, 0, 0, 0, 1, 1, 2, 2, 2]
    labels = [1, 0, 0, 1, 0, 1, 2, 1, 1]
    raters = [0, 1, 2, 3, 0, 1, 0, 1, 2]
    result = majority_vote(Annotations.from_arrays(items, raters, labels, n_classes=3))
    assert result.labels.tolist() == [1, 0, 1]
    assert result.posteriors[0].tolist() == [0.5, 0.5, 0.0]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_dawid_skene_does_not_depend_on_label_order_or_class_names(seed):
    data, _, _, _ = _simulate_ds(seed, n_items=300, n_raters=8, per_item=3)
    rng = np.random.default_rng(seed)
    order = rng.permutation(data.n_labels)
    rename = rng.permutation(data.n_classes)
    shuffled = Annotations.from_arrays(data.items[order], data.raters[order], rename[data.labels[order]], n_classes=data.n_classes)
    original = dawid_skene(data, tol=1e-10)
    other = dawid_skene(shuffled, tol=1e-10)
    assert np.allclose(other.posteriors[:, rename], original.posteriors, atol=1e-5)


def test_annotations_validate_their_arguments():
    with pytest.raises(InvalidArgumentError, match="equal lengths"):
        Annotations.from_arrays([0, 1], [0, 1], [0])
    with pytest.raises(InvalidArgumentError, match="raters must hold codes >= 0"):
        Annotations.from_arrays([0, 1], [0, -1], [0, 1])
    with pytest.raises(InvalidArgumentError, match="item 1 has none"):
        Annotations.from_arrays([0, 2], [0, 1], [0, 1])
    with pytest.raises(InvalidArgumentError, match="n_classes must be an integer >= 2"):
        Annotations.from_arrays([0, 1], [0, 1], [0, 1], n_classes=1)
    with pytest.raises(InvalidArgumentError, match="integer codes"):
        Annotations.from_arrays([0.5, 1.0], [0, 1], [0, 1])
    data = Annotations.from_arrays([0, 1], [0, 1], [0, 1])
    with pytest.raises(InvalidArgumentError, match="tol must be"):
        dawid_skene(data, tol=0)
    with pytest.raises(InvalidArgumentError, match="gold must hold class codes"):
        dawid_skene(data, gold=np.array([0, 5]))
    with pytest.raises(InvalidArgumentError, match="data must be an Annotations"):
        majority_vote([0, 1])
