"""Cognitive and articulation kernels of the method §3."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, special

import models


def percent_correct_by_quadrature(d: float, k: int) -> float:
    integrand = lambda z: math.exp(-0.5 * (z - d) ** 2) / math.sqrt(2 * math.pi) * special.ndtr(z) ** (k - 1)
    return integrate.quad(integrand, -np.inf, np.inf, epsabs=1e-14, epsrel=1e-13, limit=400)[0]


@pytest.mark.parametrize("d", [0.0, 0.1, 0.5, 1.0, 2.0, 3.5, 6.0, 12.0])
def test_two_alternatives_is_phi_of_d_over_root_two(d):
    assert models.percent_correct(d, 2) == pytest.approx(special.ndtr(d / math.sqrt(2)), abs=1e-12)


@pytest.mark.parametrize("k", [3, 4, 5, 8, 20, 100])
@pytest.mark.parametrize("d", [0.0, 0.3, 1.0, 2.0, 4.0, 8.0])
def test_m_afc_matches_adaptive_quadrature(k, d):
    assert models.percent_correct(d, k) == pytest.approx(percent_correct_by_quadrature(d, k), abs=1e-11)


def test_percent_correct_at_zero_is_chance_and_increases():
    for k in (1, 2, 3, 7):
        assert models.percent_correct(0.0, k) == pytest.approx(1.0 / k, abs=1e-13)
    values = [models.percent_correct(d, 5) for d in np.linspace(0, 6, 61)]
    assert np.all(np.diff(values) >= -1e-15)
    assert models.percent_correct(40.0, 5) == 1.0


def test_nominal_kernel_structure():
    kernel = models.nominal_kernel(1.3, 4)
    pc = models.percent_correct(1.3, 4)
    assert np.allclose(np.diag(kernel), pc)
    assert np.allclose(kernel[~np.eye(4, dtype=bool)], (1 - pc) / 3)
    assert np.allclose(kernel.sum(axis=1), 1.0)


def test_ordinal_kernel_matches_thurstone_definition():
    d, k, span = 1.7, 5, 3.0
    scale = span * d
    kernel = models.ordinal_kernel(d, k, span=span)
    for i in range(k):
        centre = (i + 0.5) * scale / k
        for j in range(k):
            low = -np.inf if j == 0 else j * scale / k
            high = np.inf if j == k - 1 else (j + 1) * scale / k
            assert kernel[i, j] == pytest.approx(special.ndtr(high - centre) - special.ndtr(low - centre), abs=1e-15)
    assert np.allclose(kernel.sum(axis=1), 1.0)
    # Symmetric under reversing both the truth and the answer.
    assert np.allclose(kernel, kernel[::-1, ::-1])


def test_ordinal_kernel_at_zero_discriminability_is_useless():
    kernel = models.ordinal_kernel(0.0, 4)
    assert np.allclose(kernel, [[0.5, 0.0, 0.0, 0.5]] * 4)
    assert models.blahut_arimoto(kernel).nats == pytest.approx(0.0, abs=1e-12)


def test_ordinal_kernel_far_tails_are_accurate():
    kernel = models.ordinal_kernel(30.0, 3)
    # The first level's chance of landing in the last interval, Phi(-(2 * 90/3 - 15)).
    assert kernel[0, 2] == pytest.approx(special.ndtr(-45.0), rel=1e-10)
    assert kernel[0, 0] == pytest.approx(special.ndtr(15.0), abs=1e-15)


def test_pairwise_is_ordinal_on_the_difference_axis():
    assert np.array_equal(models.pairwise_kernel(1.2, 3), models.ordinal_kernel(1.2, 3))
    assert models.pairwise_kernel(1.2).shape == (2, 2)


def test_slip_kernels():
    nominal = models.nominal_slip_kernel(3, 0.3)
    assert np.allclose(nominal, [[0.7, 0.15, 0.15], [0.15, 0.7, 0.15], [0.15, 0.15, 0.7]])
    ordinal = models.ordinal_slip_kernel(4, 0.2)
    assert np.allclose(
        ordinal,
        [[0.8, 0.2, 0, 0], [0.1, 0.8, 0.1, 0], [0, 0.1, 0.8, 0.1], [0, 0, 0.2, 0.8]],
    )
    assert np.array_equal(models.ordinal_slip_kernel(1, 0.3), [[1.0]])
    assert np.array_equal(models.nominal_slip_kernel(1, 0.3), [[1.0]])


def test_articulation_capacity_closed_form():
    for k in (2, 3, 6):
        for slip in (0.0, 0.02, 0.2):
            assert models.blahut_arimoto(models.nominal_slip_kernel(k, slip)).nats == pytest.approx(
                models.nominal_capacity(1 - slip, k), abs=1e-9
            )


def test_compose_is_matrix_product_with_shape_check():
    first = models.erasure_kernel(0.2)
    second = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    assert np.allclose(models.compose(first, second), first @ second)
    with pytest.raises(ValueError, match="K2 must have one row per output of K1"):
        models.compose(first, np.eye(2))


@settings(max_examples=80, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=50.0),
    st.integers(min_value=2, max_value=12),
    st.floats(min_value=0.05, max_value=20.0),
)
def test_kernels_are_finite_and_stochastic(d, k, span):
    for kernel in (models.nominal_kernel(d, k), models.ordinal_kernel(d, k, span=span)):
        assert np.all(np.isfinite(kernel))
        assert np.all(kernel >= 0.0)
        assert np.allclose(kernel.sum(axis=1), 1.0, atol=1e-12)


def test_kernels_reject_bad_arguments():
    with pytest.raises(ValueError, match="d must be a finite real number >= 0, got -1"):
        models.nominal_kernel(-1.0, 3)
    with pytest.raises(ValueError, match="k must be an integer >= 2, got 1"):
        models.ordinal_kernel(1.0, 1)
    with pytest.raises(ValueError, match="span must be a finite real number > 0"):
        models.ordinal_kernel(1.0, 3, span=0.0)
    with pytest.raises(ValueError, match="slip must be a real number in \\[0, 1\\]"):
        models.nominal_slip_kernel(3, 1.5)
    with pytest.raises(ValueError, match="k must be an integer >= 1"):
        models.ordinal_slip_kernel(0, 0.1)
    with pytest.raises(ValueError, match="k must be an integer >= 1, got 2.5"):
        models.percent_correct(1.0, 2.5)
    with pytest.raises(ValueError, match="d must be a finite real number"):
        models.percent_correct(float("inf"), 3)
    with pytest.raises(ValueError, match="eps"):
        models.erasure_kernel(2.0)
    with pytest.raises(ValueError, match="p must be a real number in \\[0, 1\\]"):
        models.binary_symmetric_kernel(-0.5)
    with pytest.raises(ValueError, match="k must be an integer"):
        models.nominal_kernel(1.0, True)
