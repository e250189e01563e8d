"""Items a value model needs (method §8.2): Fano's converse, Gallager's bound, the estimate.

The bounds are checked against a simulated maximum-likelihood learner over random codebooks of
M_g ≤ 256 hypotheses and against their closed forms (the audit's worked example is checked in
tests/advisor/test_planner.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import models
from models.channel import rater_kernel
from models.decoding import RHO_GRID, gallager_terms, information_moments
from models.learning import items_needed_for_model, learning_error_curves, random_coding_exponent
from models.panel import count_kernel


def _terms(panels: list[np.ndarray], weights: list[float]):
    """E₀ over RHO_GRID, and the information mean/variance, of contexts with one panel each."""
    g = sum(w * gallager_terms(p) for w, p in zip(weights, panels))
    moments = [information_moments(p) for p in panels]
    mean = sum(w * m for w, (m, _) in zip(weights, moments))
    variance = sum(w * v for w, (_, v) in zip(weights, moments)) + sum(
        w * (m - mean) ** 2 for w, (m, _) in zip(weights, moments))
    return random_coding_exponent(g), mean, variance


def test_gallager_terms_are_closed_forms_at_the_ends():
    # g(0) = 1 for any channel (E₀(0) = 0) and E₀'(0) = I(p; K).
    panel = count_kernel(rater_kernel("ordinal", 4, 1.3), 2)
    g = gallager_terms(panel, rhos=[0.0, 1e-6])
    assert g[0] == pytest.approx(1.0, abs=1e-12)
    mean, _ = information_moments(panel)
    assert -math.log(g[1]) / 1e-6 == pytest.approx(mean, rel=1e-4)
    # ρ = 1: the Bhattacharyya form Σ_c (Σ_x p(x) √P(c|x))²
    expected = float(((np.full(4, 0.25) @ np.sqrt(panel)) ** 2).sum())
    assert gallager_terms(panel, rhos=[1.0])[0] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("bits", [8.0, 20.0, 1000.0])
def test_the_interval_is_ordered_and_each_end_is_its_formula(bits):
    panel = count_kernel(rater_kernel("binary", 2, 1.4, slip_rate=0.02), 3)
    exponent, mean, variance = _terms([panel], [1.0])
    capacity = models.panel_capacity(rater_kernel("binary", 2, 1.4, slip_rate=0.02), 3).nats
    needed = items_needed_for_model(capacity, exponent, RHO_GRID, mean, variance, bits, 0.1)
    assert needed.at_least <= needed.estimate <= needed.at_most
    log_m = bits * math.log(2)
    fano = models.capacity_needed(0.1, bits)
    assert needed.at_least == math.ceil(fano / capacity)
    log_m1 = log_m + math.log(-math.expm1(-log_m))
    gallager = min(math.ceil((rho * log_m1 + math.log(10)) / e0) for rho, e0 in zip(RHO_GRID, exponent))
    assert needed.at_most == gallager


def test_no_information_needs_no_finite_number_of_items():
    panel = np.full((2, 4), 0.25)
    exponent, mean, variance = _terms([panel], [1.0])
    needed = items_needed_for_model(0.0, exponent, RHO_GRID, mean, variance, 10.0, 0.1)
    assert needed.to_dict() == {"at_least": None, "estimate": None, "at_most": None}


def _simulate_ml_learner(panels, weights, hypotheses: int, items: int, trials: int, rng) -> int:
    """Random codebooks: each hypothesis labels each item with a uniform truth; each item's
    context is drawn from the weights (and known); the learner picks the most likely hypothesis
    from the panels' vote histograms. Returns the number of errors over ``trials`` codebooks."""
    log_panels = [np.log(np.clip(p, 1e-300, None)) for p in panels]
    inputs = panels[0].shape[0]
    errors = 0
    for _ in range(trials):
        contexts = rng.choice(len(weights), size=items, p=weights)
        code = rng.integers(0, inputs, size=(hypotheses, items))
        truth = 0
        outputs = np.array([rng.choice(panels[s].shape[1], p=panels[s][code[truth, i]]) for i, s in enumerate(contexts)])
        scores = np.zeros(hypotheses)
        for i, s in enumerate(contexts):
            scores += log_panels[s][code[:, i], outputs[i]]
        best = np.flatnonzero(scores == scores.max())
        errors += int(rng.choice(best) != truth)
    return errors


def test_a_simulated_ml_learner_lies_between_the_converse_and_gallager_at_every_m():
    rng = np.random.default_rng(17)
    kernel_easy = rater_kernel("binary", 2, 1.6, slip_rate=0.02)
    kernel_hard = rater_kernel("binary", 2, 0.7, slip_rate=0.02)
    panels = [count_kernel(kernel_easy, 3, correlation=0.1), count_kernel(kernel_hard, 3, correlation=0.1)]
    weights = [0.6, 0.4]
    exponent, mean, variance = _terms(panels, weights)
    capacity = sum(w * models.blahut_arimoto(p).nats for w, p in zip(weights, panels))
    bits = 6.0  # 64 hypotheses
    items = np.array([2, 4, 8, 12, 16, 24])
    converse, estimate, achievable = learning_error_curves(items, capacity, exponent, RHO_GRID, mean, variance, bits)
    assert np.all(converse <= estimate + 1e-12) and np.all(estimate <= achievable + 1e-12)
    trials = 1_500
    for m, low, high in zip(items, converse, achievable):
        errors = _simulate_ml_learner(panels, weights, 64, int(m), trials, rng)
        interval = stats.binomtest(errors, trials).proportion_ci(confidence_level=0.999)
        # Fano holds for every codebook; Gallager's bound for the average over random codebooks.
        assert interval.high >= low, (m, errors / trials, low)
        assert interval.low <= high, (m, errors / trials, high)


def test_learning_curves_fall_with_m():
    panel = count_kernel(rater_kernel("ordinal", 5, 1.0), 3)
    exponent, mean, variance = _terms([panel], [1.0])
    capacity = models.blahut_arimoto(panel).nats
    items = np.unique(np.round(np.logspace(0, 5, 40)).astype(int))
    curves = learning_error_curves(items, capacity, exponent, RHO_GRID, mean, variance, 100.0)
    for curve in curves:
        assert np.all(np.diff(curve) <= 1e-12) and curve[0] > curve[-1]
        assert np.all((0.0 <= curve) & (curve <= 1.0))
