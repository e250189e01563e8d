"""Raters as they are (the method §9): kernels, exact panel predictions, EM and the posterior.

Independent references: the first release's kernels and panel (:mod:`models.kernels`,
:func:`models.panel.count_kernel`), Monte Carlo simulation of the same model (a different code
path: labels are drawn one by one and decoded), the closed-form binomial majority of Sheng,
Provost & Ipeirotis (KDD 2008) and parameter recovery from pilots simulated with known values.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from models.aggregation import Annotations
from models.errors import InvalidArgumentError
from models.kernels import nominal_kernel, nominal_slip_kernel, ordinal_kernel, ordinal_slip_kernel
from models.panel import compositions, count_kernel
from models.rater_population import (
    RaterPopulation,
    fit_rater_population,
    latent_class_panel,
    panel_predictions,
    response_kernel,
    simulate_annotations,
)
from models.rater_posterior import posterior_population

# A population with everything switched on: bias, a misleading difficulty class, slips, a prior.
BIASED = RaterPopulation.create(
    "binary", [0.35, 0.65], [1.4], bias=0.5, difficulty_weights=[0.6, 0.3, 0.1],
    difficulty_multipliers=[1.6, 0.6, -0.8], slip=0.03,
)
NOMINAL = RaterPopulation.create(
    "nominal", [0.5, 0.3, 0.2], [1.8], bias=[0.0, 0.4, -0.3], difficulty_weights=[0.8, 0.2],
    difficulty_multipliers=[1.2, 0.2], slip=0.02,
)
MIXED_POOL = RaterPopulation.create(
    "binary", [0.5, 0.5], [2.5, 0.4], bias=[[0.0], [0.8]], type_weights=[0.6, 0.4],
    difficulty_weights=[0.8, 0.2], difficulty_multipliers=[1.2, 0.2],
)


def _votes(items: np.ndarray, labels: np.ndarray, n_items: int, k: int) -> np.ndarray:
    votes = np.zeros((n_items, k), dtype=np.int64)
    np.add.at(votes, (items, labels), 1)
    return votes


# ------------------------------------------------------------------ kernels
def test_unbiased_kernels_are_the_first_release_kernels():
    for d, k, slip in ((0.7, 3, 0.0), (2.2, 5, 0.04)):
        expected = nominal_kernel(d, k) @ nominal_slip_kernel(k, slip)
        assert np.allclose(response_kernel("nominal", k, d, 0.0, slip), expected, atol=1e-12)
    expected = ordinal_kernel(1.1, 5, span=3.0) @ ordinal_slip_kernel(5, 0.05)
    assert np.allclose(response_kernel("ordinal", 5, 1.1, 0.0, 0.05), expected, atol=1e-12)


@pytest.mark.parametrize("k", [2, 3])
def test_biased_forced_choice_of_two_or_three_is_the_defining_integral(k):
    # P(y | x) = E_u[Π_{y' ≠ y} Φ(u + μ_y − μ_y')], μ_y = d 1[y = x] + b_y (the method §9), by adaptive
    # quadrature over u; the kernel computes it in closed form (Owen's T for two rivals).
    from scipy import integrate

    cases = [(0.0, np.zeros(k)), (1.3, np.zeros(k)), (2.5, np.array([0.0, 0.8, -1.1][:k])),
             (9.0, np.array([0.0, -2.0, 1.5][:k])), (0.4, np.array([0.0, 3.0, 3.0][:k]))]
    for d, bias in cases:
        kernel = response_kernel("nominal", k, d, bias, 0.0)
        for x in range(k):
            means = d * (np.arange(k) == x) + bias
            for y in range(k):
                rivals = [r for r in range(k) if r != y]

                def integrand(u, y=y, rivals=rivals, means=means):
                    return stats.norm.pdf(u) * np.prod([special.ndtr(u + means[y] - means[r]) for r in rivals])

                expected = integrate.quad(integrand, -np.inf, np.inf, epsabs=1e-14, epsrel=1e-12)[0]
                assert kernel[x, y] == pytest.approx(expected, abs=1e-12)


def test_binary_bias_is_the_yes_no_criterion():
    d, c = 1.3, 0.4
    kernel = response_kernel("binary", 2, d, c)
    assert kernel[1, 1] == pytest.approx(special.ndtr(d / 2 - c), abs=1e-15)
    assert kernel[0, 1] == pytest.approx(special.ndtr(-d / 2 - c), abs=1e-15)
    # A conservative rater (c > 0) says "no" more often under both truths.
    unbiased = response_kernel("binary", 2, d, 0.0)
    assert kernel[0, 0] > unbiased[0, 0] and kernel[1, 0] > unbiased[1, 0]


def test_ordinal_bias_shifts_mass_to_lower_levels_and_nominal_bias_to_favoured_options():
    lowered = response_kernel("ordinal", 5, 1.5, 0.5)
    plain = response_kernel("ordinal", 5, 1.5, 0.0)
    assert np.all(lowered @ np.arange(5) < plain @ np.arange(5))
    favoured = response_kernel("nominal", 3, 1.0, [0.0, 0.8, 0.0])
    assert np.all(favoured[:, 1] > response_kernel("nominal", 3, 1.0, 0.0)[:, 1])
    for kernel in (lowered, favoured):
        assert np.allclose(kernel.sum(axis=1), 1.0)


def test_herding_is_a_latent_class_panel_with_input_dependent_weights():
    kernel = response_kernel("nominal", 3, 1.2, [0.0, 0.3, -0.2], 0.02)
    rho, raters, k = 0.3, 4, 3
    # Class 0: independent raters (weight 1 − ρ); class 1 + y: every rater copies y (weight ρ K[x, y]).
    kernels = np.concatenate((kernel[None], np.repeat(np.eye(k)[:, None, :], k, axis=1)))
    weights = np.vstack((np.full(k, 1 - rho), rho * kernel.T))
    panel = latent_class_panel(weights, kernels, raters)
    assert np.allclose(panel, count_kernel(kernel, raters, correlation=rho), atol=1e-13)
    herding = RaterPopulation.create("nominal", [1 / 3] * 3, [1.2], bias=[0.0, 0.3, -0.2], slip=0.02, herding=rho)
    assert np.allclose(herding.panel(raters), count_kernel(herding.single_rater_kernel(), raters, correlation=rho), atol=1e-13)


# ---------------------------------------------------------- exact predictions
def test_sheng_provost_ipeirotis_majority_of_independent_raters():
    published = {0.6: (0.648, 0.683, 0.753), 0.7: (0.784, 0.837, 0.922), 0.8: (0.896, 0.942, 0.988)}
    for p, values in published.items():
        raters = RaterPopulation.create("binary", [0.5, 0.5], [2 * special.ndtri(p)])
        for r, value in zip((3, 5, 11), values):
            assert round(raters.predict(r).majority, 3) == value
            assert raters.predict(r).majority == pytest.approx(stats.binom.sf(r // 2, r, p), abs=1e-12)


@pytest.mark.parametrize("population, raters", [(BIASED, 4), (BIASED, 7), (NOMINAL, 4)])
def test_exact_predictions_agree_with_simulation_of_the_same_model(population, raters):
    rng = np.random.default_rng(11)
    n = 60_000
    items, _, labels, gold = simulate_annotations(population, n, raters, rng)
    votes = _votes(items, labels, n, population.k)
    exact = population.predict(raters)
    # Majority vote with ties broken by a fair random draw.
    tops = votes == votes.max(axis=1, keepdims=True)
    winners = np.array([rng.choice(np.flatnonzero(row)) for row in tops])
    # MAP decoding of each simulated histogram with the model's posterior.
    table = compositions(raters, population.k)
    index = {tuple(row): i for i, row in enumerate(table)}
    columns = np.array([index[tuple(row)] for row in votes])
    decisions = np.argmax(population.prior[:, None] * population.panel(raters), axis=0)[columns]
    for simulated, predicted in ((winners == gold, exact.majority), (decisions == gold, exact.map_accuracy)):
        error = math.sqrt(predicted * (1 - predicted) / n)
        assert abs(simulated.mean() - predicted) <= 4 * error
    # Plug-in information of the simulated (gold, histogram) table: its bias, about
    # (cells − rows − columns + 1) / 2n, is far below the tolerance at this sample size.
    joint = np.zeros((population.k, table.shape[0]))
    np.add.at(joint, (gold, columns), 1.0 / n)
    outer = joint.sum(axis=1, keepdims=True) * joint.sum(axis=0, keepdims=True)
    plug_in = float(special.xlogy(joint, np.where(joint > 0, joint / np.where(outer > 0, outer, 1), 1)).sum())
    assert plug_in == pytest.approx(exact.information_nats, abs=0.01)
    assert exact.floor <= 1 - exact.map_accuracy + 1e-12


def test_typed_decoder_knows_more_and_agrees_with_simulation():
    prediction = MIXED_POOL.predict(5)
    assert prediction.typed_information_nats >= prediction.information_nats - 1e-12
    assert prediction.typed_map_accuracy >= prediction.map_accuracy - 1e-12
    rng = np.random.default_rng(5)
    n, raters = 40_000, 5
    items, rater_codes, labels, gold = simulate_annotations(MIXED_POOL, n, raters, rng, raters_per_type=10)
    types = rater_codes // 10
    cells = np.zeros((n, 4), dtype=np.int64)
    np.add.at(cells, (items, types * 2 + labels), 1)
    table = compositions(raters, 4)
    index = {tuple(row): i for i, row in enumerate(table)}
    columns = np.array([index[tuple(row)] for row in cells])
    decisions = np.argmax(MIXED_POOL.prior[:, None] * MIXED_POOL.typed_panel(raters), axis=0)[columns]
    accuracy = float(np.mean(decisions == gold))
    error = math.sqrt(prediction.typed_map_accuracy * (1 - prediction.typed_map_accuracy) / n)
    assert abs(accuracy - prediction.typed_map_accuracy) <= 4 * error


def test_majority_saturates_below_one_when_items_mislead():
    # The misleading tenth of the items is decided wrongly by any number of raters.
    values = [BIASED.predict(r).majority for r in (1, 5, 25, 75)]
    assert values[0] < values[1] < values[2]
    assert values[-1] < 0.93
    assert values[-1] == pytest.approx(values[-2], abs=0.02)


def test_prior_aware_floor_uses_the_prior_entropy():
    prediction = panel_predictions([0.2, 0.8], count_kernel(response_kernel("binary", 2, 1.0), 3), 3)
    assert prediction.prior_entropy_nats == pytest.approx(-(0.2 * math.log(0.2) + 0.8 * math.log(0.8)))
    assert prediction.floor <= 0.2  # never above the error of always answering the majority class
    assert prediction.floor <= 1 - prediction.map_accuracy + 1e-12


# ---------------------------------------------------------------- EM fits
def test_em_recovers_bias_difficulty_mixture_and_prior_over_20_seeds():
    """Tolerances are about four standard deviations of the estimates over seeds (3000 items, 5
    labels each): criterion ±0.1, d′ ±0.15, class weight ±0.2, multipliers ±0.2 and ±0.45, prior ±0.03."""
    truth = RaterPopulation.create("binary", [0.3, 0.7], [1.6], bias=0.4, difficulty_weights=[0.75, 0.25],
                                   difficulty_multipliers=[1.25, 0.25])
    for seed in range(20):
        items, raters, labels, gold = simulate_annotations(truth, 3000, 5, np.random.default_rng(seed))
        fit = fit_rater_population(Annotations.from_arrays(items, raters, labels, n_classes=2), kind="binary",
                                   gold=gold, difficulty="discrete", slip=0.0)
        found = fit.population
        assert found.bias[0, 0] == pytest.approx(0.4, abs=0.1)
        assert found.dprime[0] == pytest.approx(1.6, abs=0.15)
        assert found.difficulty_weights[0] == pytest.approx(0.75, abs=0.2)
        assert found.difficulty_multipliers[0] == pytest.approx(1.25, abs=0.2)
        assert found.difficulty_multipliers[1] == pytest.approx(0.25, abs=0.45)
        assert found.prior[0] == pytest.approx(0.3, abs=0.03)


def test_an_accurate_pilot_is_fitted_not_refused_and_slip_is_fitted():
    truth = RaterPopulation.create("nominal", [0.6, 0.4 - 1e-3, 1e-3], [6.0], slip=0.015)
    items, raters, labels, gold = simulate_annotations(truth, 2000, 3, np.random.default_rng(3))
    data = Annotations.from_arrays(items, raters, labels, n_classes=3)
    fit = fit_rater_population(data, kind="nominal", gold=gold, difficulty="none")
    observed = float(np.mean(labels == gold[items]))
    assert observed > 0.98
    assert fit.population.slip == pytest.approx(0.015, abs=0.01)
    assert fit.population.predict(1).majority == pytest.approx(observed, abs=0.005)
    perfect = fit_rater_population(Annotations.from_arrays(items, raters, gold[items], n_classes=3), kind="nominal",
                                   gold=gold, difficulty="none")
    assert perfect.population.predict(1).majority > 0.999


def test_fit_without_gold_uses_dawid_skene_and_rater_types_separate_good_from_poor():
    truth = RaterPopulation.create("binary", [0.5, 0.5], [3.0, 0.5], bias=[[0.0], [0.0]], type_weights=[0.5, 0.5])
    items, raters, labels, gold = simulate_annotations(truth, 3000, 5, np.random.default_rng(8), raters_per_type=8)
    data = Annotations.from_arrays(items, raters, labels, n_classes=2)
    fit = fit_rater_population(data, kind="binary", rater_types=2, difficulty="none")
    assert fit.truth_source == "dawid_skene"
    assert fit.population.dprime[0] == pytest.approx(3.0, abs=0.4)
    assert fit.population.dprime[1] == pytest.approx(0.5, abs=0.3)
    assert np.all(fit.rater_type[:8] == 0) and np.all(fit.rater_type[8:16] == 1)


def test_arguments_are_checked():
    with pytest.raises(InvalidArgumentError, match="k must be 2"):
        response_kernel("binary", 3, 1.0)
    with pytest.raises(InvalidArgumentError, match="kind"):
        response_kernel("free_text", 2, 1.0)
    with pytest.raises(InvalidArgumentError, match="prior"):
        RaterPopulation.create("binary", [0.5, 0.6], [1.0])
    with pytest.raises(InvalidArgumentError, match="class_weights"):
        latent_class_panel([0.5, 0.6], np.tile(np.eye(2), (2, 1, 1)), 3)


# -------------------------------------------------------------- posterior
def test_posterior_predictive_recovers_a_known_population_from_a_large_pilot():
    truth = RaterPopulation.create("binary", [0.4, 0.6], [1.5], bias=0.3, difficulty_weights=[1.0],
                                   difficulty_multipliers=[1.0])
    items, raters, labels, gold = simulate_annotations(truth, 3000, 3, np.random.default_rng(21))
    posterior = posterior_population(Annotations.from_arrays(items, raters, labels, n_classes=2), kind="binary",
                                     gold=gold, seed=1)
    for r in (1, 9):
        prediction = posterior.predict(r)
        expected = truth.predict(r)
        low, high = prediction.majority_interval
        assert low - 0.005 <= expected.majority <= high + 0.005
        assert prediction.majority == pytest.approx(expected.majority, abs=0.02)
        assert prediction.floor <= prediction.point_floor + 1e-12
    for observed, predicted in zip(posterior.pilot_check["observed"], posterior.pilot_check["predicted"]):
        assert predicted == pytest.approx(observed, abs=0.01)


@pytest.mark.parametrize("batch", [(), (4,), (2, 3)])
@pytest.mark.parametrize("patterns, classes, types, answers", [(30, 9, 1, 2), (50, 3, 3, 3), (7, 1, 2, 5)])
def test_pattern_log_likelihoods_are_the_einsum_contraction(batch, patterns, classes, types, answers):
    from models.rater_population import pattern_log_likelihoods

    rng = np.random.default_rng(patterns * classes + len(batch))
    counts = rng.integers(0, 5, (patterns, types, answers)).astype(float)
    log_kernels = np.log(rng.random(batch + (classes, types, answers, answers)))
    reference = np.einsum("pty,...htxy->...pxh", counts, log_kernels)
    found = pattern_log_likelihoods(counts, log_kernels)
    assert found.shape == reference.shape == batch + (patterns, answers, classes)
    np.testing.assert_allclose(found, reference, rtol=1e-13, atol=1e-12)
