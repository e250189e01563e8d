"""Ranking channels: the Mallows product form against brute-force enumeration of S_n (the method §7)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import models


def inversions(order: tuple[int, ...]) -> int:
    return sum(1 for i, j in itertools.combinations(range(len(order)), 2) if order[i] > order[j])


def brute_force_entropy(n: int, phi: float) -> float:
    weights = np.array([phi ** inversions(order) for order in itertools.permutations(range(n))])
    probabilities = weights / weights.sum()
    positive = probabilities[probabilities > 0]
    return float(-(positive * np.log(positive)).sum())


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("phi", [0.0, 0.05, 0.3, 0.7, 0.99, 1.0])
def test_mallows_entropy_matches_enumeration(n, phi):
    assert models.mallows_entropy(n, phi) == pytest.approx(brute_force_entropy(n, phi), abs=1e-12)


def test_mallows_entropy_extremes():
    assert models.mallows_entropy(7, 0.0) == 0.0
    assert models.mallows_entropy(7, 1.0) == pytest.approx(math.log(math.factorial(7)), abs=1e-12)


def test_kendall_distance():
    assert models.kendall_distance((0, 1, 2), (0, 1, 2)) == 0
    assert models.kendall_distance((0, 1, 2), (2, 1, 0)) == 3
    assert models.kendall_distance((1, 0, 2, 3), (0, 1, 2, 3)) == 1


@pytest.mark.parametrize("n", [2, 3, 4])
@pytest.mark.parametrize("phi", [0.0, 0.2, 0.6, 1.0])
def test_ranking_capacity_equals_blahut_arimoto_on_explicit_kernel(n, phi):
    kernel = models.mallows_kernel(n, phi)
    orders = list(itertools.permutations(range(n)))
    for row, x in enumerate(orders):
        normaliser = sum(phi ** models.kendall_distance(x, z) for z in orders)
        for column, y in enumerate(orders):
            expected = phi ** models.kendall_distance(x, y) / normaliser
            assert kernel[row, column] == pytest.approx(expected, abs=1e-14)
    p = phi / (1.0 + phi)
    assert models.blahut_arimoto(kernel).nats == pytest.approx(models.ranking_capacity(n, p, 0.0), abs=1e-9)


def test_swap_probability_and_slip_folding():
    assert models.ranking_swap_probability(0.0, 5) == pytest.approx(0.5)
    d, n, span = 2.0, 4, 3.0
    assert models.ranking_swap_probability(d, n, span=span) == pytest.approx(
        0.5 * math.erfc((span * d / (n - 1)) / math.sqrt(2) / math.sqrt(2)), abs=1e-15
    )
    assert models.effective_swap_probability(0.1, 0.02) == pytest.approx(0.1 * 0.98 + 0.9 * 0.02)


def test_swap_above_one_half_is_as_informative_as_its_reversal():
    """phi = p'/(1-p') > 1 is the reversed ranking with 1/phi; we fold it (documented choice)."""
    for n in (3, 4):
        for p in (0.1, 0.3, 0.45):
            assert models.ranking_capacity(n, 1 - p, 0.0) == pytest.approx(models.ranking_capacity(n, p, 0.0), abs=1e-14)
        # Check against the explicit kernel with phi > 1, normalised by hand.
        phi = 0.7 / 0.3
        orders = list(itertools.permutations(range(n)))
        kernel = np.array([[phi ** models.kendall_distance(x, y) for y in orders] for x in orders])
        kernel /= kernel.sum(axis=1, keepdims=True)
        assert models.blahut_arimoto(kernel).nats == pytest.approx(models.ranking_capacity(n, 0.7, 0.0), abs=1e-9)
    assert models.ranking_capacity(5, 0.5, 0.0) == pytest.approx(0.0, abs=1e-12)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(min_value=2, max_value=30),
    st.floats(min_value=0.0, max_value=0.5),
    st.floats(min_value=0.0, max_value=0.5),
    st.floats(min_value=0.0, max_value=0.5),
)
def test_ranking_capacity_is_finite_bounded_and_monotone(n, p, slip, extra_slip):
    value = models.ranking_capacity(n, p, slip)
    assert math.isfinite(value)
    assert 0.0 <= value <= math.lgamma(n + 1) + 1e-12
    # Within [0, 1/2] more swapping or more slips never help.
    assert models.ranking_capacity(n, min(0.5, p + 0.01), slip) <= value + 1e-12
    assert models.ranking_capacity(n, p, min(0.5, slip + extra_slip)) <= value + 1e-12


def test_mallows_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n must be an integer >= 1, got 0"):
        models.mallows_entropy(0, 0.5)
    with pytest.raises(ValueError, match="phi must be a real number in \\[0, 1\\], got 1.5"):
        models.mallows_entropy(3, 1.5)
    with pytest.raises(ValueError, match="n must be an integer in \\[1, 6\\]"):
        models.mallows_kernel(7, 0.5)
    with pytest.raises(ValueError, match="n must be an integer >= 2"):
        models.ranking_swap_probability(1.0, 1)
    with pytest.raises(ValueError, match="p_swap"):
        models.ranking_capacity(4, -0.1, 0.0)
    with pytest.raises(ValueError, match="slip"):
        models.ranking_capacity(4, 0.1, 2.0)
