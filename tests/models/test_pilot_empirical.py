"""Empirical capacity with its bootstrap, ρ from excess unanimity, and the speed–accuracy fit."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from models import kernels
from models.aggregation import Annotations
from models.empirical import (
    AccuracyCurve,
    Cancelled,
    accuracy_curve,
    confusion_counts,
    empirical_capacity,
    excess_unanimity_correlation,
    kernel_from_counts,
)
from models.speed_accuracy import fit_speed_accuracy
from models.errors import InvalidArgumentError
from models.info import binary_entropy

PILOTS = Path(__file__).parents[2].parent / "shared" / "data" / "pilots"


def _rte_codes() -> tuple[Annotations, np.ndarray]:
    with open(PILOTS / "snow2008_rte.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    items: dict[str, int] = {}
    raters: dict[str, int] = {}
    classes = {"0": 0, "1": 1}
    item_codes = [items.setdefault(r["item"], len(items)) for r in rows]
    rater_codes = [raters.setdefault(r["rater"], len(raters)) for r in rows]
    gold = np.full(len(items), -1, dtype=np.int64)
    for row, item in zip(rows, item_codes):
        gold[item] = classes[row["gold"]]
    data = Annotations.from_arrays(item_codes, rater_codes, [classes[r["label"]] for r in rows], n_classes=2)
    return data, gold


def _binary_symmetric_pilot(seed: int, n_items: int, per_item: int, error: float, rho: float = 0.0):
    """Items with uniform gold; raters flip with probability ``error``; with probability ρ all copy one draw."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, size=n_items)
    flips = rng.random((n_items, per_item)) < error
    herded = rng.random(n_items) < rho
    flips[herded] = flips[herded, :1]
    labels = np.where(flips, 1 - truth[:, None], truth[:, None])
    items = np.repeat(np.arange(n_items), per_item)
    raters = np.tile(np.arange(per_item), n_items)
    return Annotations.from_arrays(items, raters, labels.ravel(), n_classes=2), truth


# ------------------------------------------------------------------ capacity
def test_rte_label_level_accuracy_matches_the_readme():
    data, gold = _rte_codes()
    counts = confusion_counts(data, gold)
    assert counts.sum() == data.n_labels
    assert np.trace(counts) / counts.sum() == pytest.approx(0.729, abs=5e-4)


def test_capacity_of_a_large_symmetric_pilot_is_the_bsc_capacity():
    data, truth = _binary_symmetric_pilot(seed=1, n_items=20_000, per_item=3, error=0.2)
    result = empirical_capacity(data, truth, n_boot=200, seed=5)
    exact = math.log(2) - binary_entropy(0.2)
    assert result.nats == pytest.approx(exact, abs=0.01)
    assert result.ci_low <= exact <= result.ci_high
    assert result.ci_high - result.ci_low < 0.03
    assert result.items_used == 20_000 and result.n_boot == 200


def test_posterior_truth_gives_the_same_kernel_as_gold_when_posteriors_are_one_hot():
    data, truth = _binary_symmetric_pilot(seed=2, n_items=500, per_item=3, error=0.1)
    one_hot = np.eye(2)[truth]
    assert np.allclose(confusion_counts(data, one_hot), confusion_counts(data, truth))


def test_bootstrap_is_seeded_and_reports_progress():
    data, truth = _binary_symmetric_pilot(seed=3, n_items=400, per_item=3, error=0.25)
    calls: list[tuple[int, int]] = []
    first = empirical_capacity(data, truth, n_boot=60, seed=11, progress=lambda done, total: calls.append((done, total)) is None)
    again = empirical_capacity(data, truth, n_boot=60, seed=11)
    other = empirical_capacity(data, truth, n_boot=60, seed=12)
    assert (first.ci_low, first.ci_high) == (again.ci_low, again.ci_high)
    assert (first.ci_low, first.ci_high) != (other.ci_low, other.ci_high)
    assert calls[-1] == (60, 60) and all(total == 60 for _, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_bootstrap_can_be_cancelled():
    data, truth = _binary_symmetric_pilot(seed=4, n_items=300, per_item=3, error=0.25)
    with pytest.raises(Cancelled, match="cancelled after 25 of 500"):
        empirical_capacity(data, truth, n_boot=500, progress=lambda done, total: False)


def test_no_bootstrap_gives_a_point_interval_and_unknown_gold_is_skipped():
    data, truth = _binary_symmetric_pilot(seed=5, n_items=300, per_item=3, error=0.1)
    partial = truth.copy()
    partial[:100] = -1
    result = empirical_capacity(data, partial, n_boot=0)
    assert result.ci_low == result.ci_high == result.nats
    assert result.items_used == 200
    with pytest.raises(InvalidArgumentError, match="no label has a known true class"):
        empirical_capacity(data, np.full(data.n_items, -1))


def test_kernel_from_counts_drops_classes_without_data():
    kernel, present = kernel_from_counts([[8, 2], [0, 0]])
    assert present.tolist() == [True, False]
    assert kernel.tolist() == [[0.8, 0.2]]
    with pytest.raises(InvalidArgumentError, match="all zero"):
        kernel_from_counts([[0, 0], [0, 0]])


# ------------------------------------------------------------- correlation
@pytest.mark.parametrize("rho", [0.0, 0.15, 0.4])
def test_correlation_is_recovered_from_excess_unanimity(rho):
    error = 0.2
    data, truth = _binary_symmetric_pilot(seed=6, n_items=20_000, per_item=4, error=error, rho=rho)
    kernel = np.array([[1 - error, error], [error, 1 - error]])
    estimate = excess_unanimity_correlation(data, np.eye(2)[truth], kernel[None], np.zeros(data.n_labels, dtype=np.int64))
    assert estimate.identifiable
    assert estimate.independent_unanimity == pytest.approx((1 - error) ** 4 + error**4)
    assert estimate.rho == pytest.approx(rho, abs=0.02)
    assert estimate.items_used == 20_000


def test_independent_unanimity_with_a_kernel_per_label_is_the_product_over_each_items_labels():
    """Labels with their own kernels (time bins), items with 1 to 5 labels, soft truth and items left
    out: the independent share is the mean over the items used of Σ_c w_c Σ_y Π_ℓ K_ℓ[c, y], here
    multiplied out label by label."""
    rng = np.random.default_rng(11)
    k, n_items, n_kernels = 3, 60, 4
    per_item = rng.integers(1, 6, n_items)
    items = np.repeat(np.arange(n_items), per_item)
    labels = rng.integers(0, k, items.size)
    data = Annotations.from_arrays(items, rng.integers(0, 7, items.size), labels, n_classes=k)
    table = rng.dirichlet(np.ones(k), size=(n_kernels, k))
    index = rng.integers(0, n_kernels, items.size)
    weights = rng.dirichlet(np.ones(k), size=n_items)
    weights[::9] = 0.0  # no truth: left out
    estimate = excess_unanimity_correlation(data, weights, table, index)

    used, independent, unanimous = [], [], []
    for item in range(n_items):
        mine = np.flatnonzero(items == item)
        if mine.size < 2 or weights[item].sum() == 0:
            continue
        used.append(item)
        share = 0.0
        for true_class in range(k):
            for answer in range(k):
                product = 1.0
                for label in mine:
                    product *= table[index[label], true_class, answer]
                share += weights[item, true_class] * product
        independent.append(share)
        unanimous.append(len(set(labels[mine])) == 1)
    assert estimate.items_used == len(used)
    assert estimate.independent_unanimity == pytest.approx(np.mean(independent), rel=1e-12)
    assert estimate.observed_unanimity == pytest.approx(np.mean(unanimous), rel=1e-12)


def test_correlation_is_clipped_at_zero_when_raters_disagree_more_than_chance():
    # Two raters who always disagree: no unanimous item at all.
    items = np.repeat(np.arange(50), 2)
    labels = np.tile([0, 1], 50)
    data = Annotations.from_arrays(items, np.tile([0, 1], 50), labels, n_classes=2)
    kernel = np.array([[0.5, 0.5], [0.5, 0.5]])
    estimate = excess_unanimity_correlation(data, np.tile([0.5, 0.5], (50, 1)), kernel[None], np.zeros(100, dtype=np.int64))
    assert estimate.rho == 0.0 and estimate.observed_unanimity == 0.0


def test_perfect_raters_leave_correlation_unidentifiable():
    data, truth = _binary_symmetric_pilot(seed=7, n_items=100, per_item=3, error=0.0)
    estimate = excess_unanimity_correlation(data, np.eye(2)[truth], np.eye(2)[None], np.zeros(data.n_labels, dtype=np.int64))
    assert not estimate.identifiable and estimate.rho == 0.0


def test_correlation_validates_its_kernels():
    data, truth = _binary_symmetric_pilot(seed=8, n_items=10, per_item=2, error=0.1)
    with pytest.raises(InvalidArgumentError, match="row-stochastic"):
        excess_unanimity_correlation(data, np.eye(2)[truth], np.ones((1, 2, 2)), np.zeros(data.n_labels, dtype=np.int64))
    with pytest.raises(InvalidArgumentError, match="kernel_index"):
        excess_unanimity_correlation(data, np.eye(2)[truth], np.eye(2)[None], np.ones(data.n_labels, dtype=np.int64))


# ----------------------------------------------------------- speed–accuracy
def _nominal_curve(k: int) -> AccuracyCurve:
    return accuracy_curve(lambda d: kernels.nominal_kernel(d, k), np.full(k, 1.0 / k))


def test_accuracy_curve_matches_percent_correct_and_inverts():
    curve = _nominal_curve(3)
    for d in (0.0, 0.7, 1.9, 3.3):
        assert float(curve(d)) == pytest.approx(kernels.percent_correct(d, 3), abs=1e-5)
        if d > 0:
            assert curve.inverse(kernels.percent_correct(d, 3)) == pytest.approx(d, abs=1e-3)
    assert curve.chance == pytest.approx(1 / 3)
    with pytest.raises(InvalidArgumentError, match="above chance"):
        curve.inverse(0.3)


def _regridded(curve: AccuracyCurve, grid: np.ndarray) -> AccuracyCurve:
    return AccuracyCurve(grid, np.interp(grid, curve.dprimes, curve.accuracy))


# The curve as made; an evenly spaced grid on which a computed segment index falls one short at some
# grid points and one over at others (0 to 6 in 600 steps: 11 and 113 of the points and their
# neighbours); an unevenly spaced grid (searched).
SPACINGS = {
    "as made": lambda curve: curve,
    "even, 0-6": lambda curve: _regridded(curve, np.linspace(0.0, 6.0, 601)),
    "uneven": lambda curve: _regridded(curve, curve.dprimes[-1] * (curve.dprimes / curve.dprimes[-1]) ** 1.5),
}


@pytest.mark.parametrize("spacing", SPACINGS)
def test_value_and_slope_are_numpys_interpolation_and_the_segment_slope(spacing):
    curve = SPACINGS[spacing](_nominal_curve(3))
    assert (curve._even_spacing is None) == (spacing == "uneven")
    rng = np.random.default_rng(5)
    # Random points, every grid point and its neighbouring doubles (where a computed segment index
    # is off by one before its correction), and the ends.
    knots = curve.dprimes
    d = np.concatenate([rng.uniform(-1.0, knots[-1] + 1.0, 20_000), knots, np.nextafter(knots, -np.inf),
                        np.nextafter(knots, np.inf), [0.0, knots[-1], -1e300, 1e300]])
    value, slope = curve.value_and_slope(d)
    assert np.array_equal(value, np.interp(d, curve.dprimes, curve.accuracy))
    # The slope by hand: the segment [x_j, x_(j+1)) holding d, 0 at and beyond the last point.
    j = np.clip(np.searchsorted(curve.dprimes, d, side="right") - 1, 0, curve.dprimes.size - 2)
    by_hand = (curve.accuracy[j + 1] - curve.accuracy[j]) / (curve.dprimes[j + 1] - curve.dprimes[j])
    assert np.array_equal(slope, np.where(d >= curve.dprimes[-1], 0.0, by_hand))


@pytest.mark.parametrize("factor", ["scale", "speed"])
def test_the_likelihood_with_multipliers_is_the_plain_one_at_moved_parameters(factor):
    # λ·m with m = 2 for every group is λ' = 2λ; β·s with s = 2 is β' = 2β: the likelihood with the
    # multipliers at x equals the plain one at x moved by log 2, and so does its gradient.
    from models.speed_accuracy import _Likelihood

    rng = np.random.default_rng(11)
    size = 400
    mean_time = rng.uniform(0.1, 30.0, size)
    trials = rng.integers(1, 5, size).astype(float)
    successes = np.floor(trials * rng.uniform(0.2, 1.0, size))
    ones, twos = np.ones(size), np.full(size, 2.0)
    curve = _nominal_curve(3)
    plain = _Likelihood(mean_time, trials, successes, ones, ones, curve)
    scaled = _Likelihood(mean_time, trials, successes, twos if factor == "scale" else ones,
                         twos if factor == "speed" else ones, curve)
    move = np.array([math.log(2.0), 0.0, 0.0] if factor == "scale" else [0.0, math.log(2.0), 0.0])
    # Rater speeds are set on a likelihood already made (fit_rater_speeds): the same as given at first.
    reassigned = _Likelihood(mean_time, trials, successes, ones, ones, curve)
    reassigned.speed = twos
    if factor == "speed":
        assert reassigned.value_and_gradient(move)[0] == scaled.value_and_gradient(move)[0]
    for x in ([0.3, -2.0, 1.5], [-0.5, -0.7, 0.0], [0.9, -3.5, 4.0]):
        x = np.array(x)
        value, gradient = scaled.value_and_gradient(x)
        plain_value, plain_gradient = plain.value_and_gradient(x + move)
        assert value == pytest.approx(plain_value, rel=1e-12)
        assert gradient == pytest.approx(plain_gradient, rel=1e-9, abs=1e-9)
        assert scaled.value(x) == pytest.approx(plain.value(x + move), rel=1e-12)
        # The gradient is the derivative of the value (central differences; the curve is piecewise
        # linear, so the step stays well inside a segment).
        step = 1e-6
        numeric = [(plain.value(x + move + step * e) - plain.value(x + move - step * e)) / (2 * step) for e in np.eye(3)]
        assert plain_gradient == pytest.approx(numeric, rel=1e-4, abs=1e-4)


@pytest.mark.parametrize("k, asymptote, rate, delay", [(2, 2.0, 0.2, 1.0), (4, 2.5, 0.1, 2.0)])
def test_speed_accuracy_parameters_are_recovered(k, asymptote, rate, delay):
    rng = np.random.default_rng(k)
    seconds = np.round(15.0 * rng.lognormal(-0.32, 0.8, size=30_000), 2)
    dprime = asymptote * -np.expm1(-rate * np.maximum(seconds - delay, 0.0))
    p_correct = np.array([kernels.percent_correct(float(d), k) for d in dprime])
    correct = rng.random(seconds.size) < p_correct
    fit = fit_speed_accuracy(seconds, correct, _nominal_curve(k))
    assert fit.converged and fit.standard_errors is not None
    for estimate, true, error in zip((fit.discriminability, fit.accrual_rate, fit.base_time), (asymptote, rate, delay), fit.standard_errors):
        assert abs(estimate - true) < 4 * error + 1e-3
    assert fit.discriminability == pytest.approx(asymptote, rel=0.05)
    assert fit.log_likelihood > fit.chance_log_likelihood


def test_per_label_difficulty_and_reading_time_enter_the_fit():
    rng = np.random.default_rng(9)
    n = 30_000
    context = rng.integers(0, 2, size=n)
    difficulty = np.array([1.3, 0.6])[context]
    reading = np.array([0.0, 8.0])[context]
    seconds = np.round(reading + 15.0 * rng.lognormal(-0.32, 0.8, size=n), 2)
    dprime = 2.0 * difficulty * -np.expm1(-0.2 * np.maximum(seconds - reading - 1.0, 0.0))
    correct = rng.random(n) < np.array([kernels.percent_correct(float(d), 2) for d in dprime])
    curve = _nominal_curve(2)
    fit = fit_speed_accuracy(seconds, correct, curve, multiplier=difficulty, offset=reading)
    for estimate, true, error in zip((fit.discriminability, fit.accrual_rate, fit.base_time), (2.0, 0.2, 1.0), fit.standard_errors):
        assert abs(estimate - true) < 4 * error + 1e-3
    pooled = fit_speed_accuracy(seconds, correct, curve)
    assert pooled.log_likelihood < fit.log_likelihood
    with pytest.raises(InvalidArgumentError, match="multiplier must be"):
        fit_speed_accuracy(seconds, correct, curve, multiplier=np.zeros(n))


def test_speed_accuracy_fit_refuses_unidentifiable_input():
    curve = _nominal_curve(2)
    with pytest.raises(InvalidArgumentError, match="barely vary"):
        fit_speed_accuracy(np.full(100, 12.0), np.ones(100, dtype=bool), curve)
    with pytest.raises(InvalidArgumentError, match="at least 30"):
        fit_speed_accuracy(np.arange(10.0), np.ones(10, dtype=bool), curve)
    with pytest.raises(InvalidArgumentError, match="boolean"):
        fit_speed_accuracy(np.arange(40.0), np.ones(40), curve)
    with pytest.raises(InvalidArgumentError, match="finite and >= 0"):
        fit_speed_accuracy(-np.arange(40.0), np.ones(40, dtype=bool), curve)


def test_resampling_gold_patterns_is_resampling_items(monkeypatch):
    """Beyond a million items the bootstrap draws (gold, votes) patterns multinomially; on RTE,
    forced onto that path, the point estimate is the same and the interval agrees with the item
    bootstrap within its Monte Carlo error."""
    from models import empirical

    data, gold = _rte_codes()
    plain = empirical_capacity(data, gold, n_boot=600, seed=3)
    monkeypatch.setattr(empirical, "_PATTERN_ITEMS", 10)
    patterned = empirical_capacity(data, gold, n_boot=600, seed=3)
    assert np.array_equal(patterned.counts, plain.counts) and patterned.nats == plain.nats
    assert patterned.items_used == plain.items_used == 800
    assert patterned.ci_low == pytest.approx(plain.ci_low, abs=0.012)
    assert patterned.ci_high == pytest.approx(plain.ci_high, abs=0.012)


class _NoisyQuadratic:
    """A negative log-likelihood ``½ Σ a_i (x_i − c_i)²`` whose every evaluation is off by up to
    ``noise`` (seeded), like a profile whose inner optimiser lands a little differently each time."""

    def __init__(self, curvature, centre, noise, seed):
        self.curvature, self.centre, self.noise = np.asarray(curvature), np.asarray(centre), noise
        self.rng = np.random.default_rng(seed)

    def value_and_gradient(self, x):
        offset = x - self.centre
        value = 0.5 * float(np.sum(self.curvature * offset**2)) + self.noise * float(self.rng.uniform())
        return value, self.curvature * offset


@pytest.mark.parametrize("seed", range(12))
def test_profile_intervals_of_a_noisy_profile_are_found_and_match_the_closed_form(seed):
    # The profile of a separable quadratic in x_i is ½ a_i (v − c_i)², so its interval is
    # c_i ± sqrt(χ²₁(0.95) / a_i). Each end is put just past a point the outward search visits
    # (the centre ± 0.05 · 2^j), where the search's value and a second evaluation of the same point
    # fall on either side of the threshold about half the time: the root search must still find it.
    from scipy import stats

    from models.speed_accuracy import _profile_intervals

    rng = np.random.default_rng(seed)
    half_widths = np.array([0.2, 0.4, 0.8]) * (1.0 + rng.uniform(0.5e-7, 2e-7, 3))
    chi2 = float(stats.chi2.ppf(0.95, 1))
    curvature = chi2 / half_widths**2
    centre = np.array([0.0, 0.0, 0.0])
    likelihood = _NoisyQuadratic(curvature, centre, noise=1e-6, seed=seed)
    bounds = [(-5.0, 5.0)] * 3
    intervals = _profile_intervals(likelihood, centre, 0.0, bounds, 0.95, 50)
    # Parameters 0 and 1 are reported on the natural scale (exp of the log), 2 as it is.
    found = [(math.log(low), math.log(high)) for low, high in intervals[:2]] + [intervals[2]]
    for (low, high), half in zip(found, half_widths):
        assert low == pytest.approx(-half, abs=1e-3)
        assert high == pytest.approx(half, abs=1e-3)
