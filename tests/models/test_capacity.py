"""Blahut-Arimoto against closed forms and an independent one-dimensional optimiser (the method §7)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special

import models
from models.capacity import Capacity

LN2 = math.log(2.0)


def h(p: float) -> float:
    """Binary entropy written out independently of models.info."""
    return float(-special.xlogy(p, p) - special.xlogy(1 - p, 1 - p))


@pytest.mark.parametrize("p", [0.0, 1e-12, 0.01, 0.11, 0.25, 0.4, 0.5, 0.6, 0.9, 1.0])
def test_binary_symmetric_channel_matches_ln2_minus_h(p):
    result = models.blahut_arimoto(models.binary_symmetric_kernel(p))
    assert result.nats == pytest.approx(LN2 - h(p), abs=1e-9)
    assert models.binary_symmetric_capacity(p) == pytest.approx(LN2 - h(p), abs=1e-15)
    assert result.gap <= 1e-9
    assert result.exact


@pytest.mark.parametrize("eps", [0.0, 0.05, 0.3, 0.5, 0.99, 1.0])
def test_erasure_channel_matches_closed_form(eps):
    result = models.blahut_arimoto(models.erasure_kernel(eps))
    assert result.nats == pytest.approx((1 - eps) * LN2, abs=1e-9)
    assert models.erasure_capacity(eps) == pytest.approx((1 - eps) * LN2, abs=1e-15)


@pytest.mark.parametrize("k", [2, 3, 5, 7, 12])
@pytest.mark.parametrize("p_correct", [0.0, 0.05, 0.2, 0.5, 0.8, 0.99, 1.0])
def test_k_ary_symmetric_matches_closed_form(k, p_correct):
    expected = math.log(k) - h(p_correct) - (1 - p_correct) * math.log(k - 1)
    assert models.nominal_capacity(p_correct, k) == pytest.approx(max(expected, 0.0), abs=1e-12)
    result = models.blahut_arimoto(models.symmetric_kernel(k, p_correct))
    assert result.nats == pytest.approx(expected, abs=1e-9)


def test_nominal_capacity_is_zero_at_chance():
    for k in (2, 3, 10):
        assert models.nominal_capacity(1.0 / k, k) == pytest.approx(0.0, abs=1e-15)


def test_capacity_bits_property():
    result = models.blahut_arimoto(models.binary_symmetric_kernel(0.0))
    assert result.bits == pytest.approx(1.0, abs=1e-9)


def test_capacity_is_immutable():
    result = models.blahut_arimoto(models.binary_symmetric_kernel(0.2))
    with pytest.raises(ValueError):
        result.input_distribution[0] = 0.3
    with pytest.raises(AttributeError):
        result.nats = 1.0  # type: ignore[misc]
    assert isinstance(result, Capacity)


def two_input_capacity(kernel: np.ndarray) -> float:
    """Capacity of a 2-input channel by bounded scalar maximisation of I(p) (concave in p)."""

    def negative_information(p: float) -> float:
        inputs = np.array([p, 1 - p])
        output = inputs @ kernel
        conditional = -(inputs @ special.xlogy(kernel, kernel).sum(axis=1))
        return -(float(-special.xlogy(output, output).sum()) - conditional)

    best = optimize.minimize_scalar(negative_information, bounds=(0.0, 1.0), method="bounded",
                                    options={"xatol": 1e-12})
    return max(-best.fun, -negative_information(0.0), -negative_information(1.0))


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=6), st.integers(min_value=0, max_value=2**32 - 1))
def test_two_input_channels_match_scalar_optimisation(outputs, seed):
    rng = np.random.default_rng(seed)
    kernel = rng.dirichlet(np.ones(outputs), size=2)
    result = models.blahut_arimoto(kernel)
    assert result.gap <= 1e-9
    assert result.nats == pytest.approx(two_input_capacity(kernel), abs=2e-9)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=8),
    st.integers(min_value=2, max_value=8),
    st.sampled_from([0.3, 1.0, 5.0]),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_gap_certificate_brackets_plain_blahut_arimoto(inputs, outputs, concentration, seed):
    """The accelerated iteration agrees with textbook Blahut-Arimoto run to its own certificate."""
    rng = np.random.default_rng(seed)
    kernel = rng.dirichlet(np.full(outputs, concentration), size=inputs)
    result = models.blahut_arimoto(kernel)
    p = np.full(inputs, 1.0 / inputs)
    for _ in range(200_000):
        q = p @ kernel
        divergence = special.rel_entr(kernel, q).sum(axis=1)
        lower, upper = float(p @ divergence), float(divergence.max())
        if upper - lower <= 1e-10:
            break
        p = p * np.exp(divergence)
        p /= p.sum()
    assert lower - 1e-12 <= result.nats + result.gap
    assert result.nats <= upper + 1e-12
    if result.gap <= 1e-9:
        assert result.nats == pytest.approx(lower, abs=1e-9 + (upper - lower))
    assert models.mutual_information(result.input_distribution, kernel) == pytest.approx(result.nats, abs=1e-12)


def test_cascade_capacity_is_at_most_each_stage():
    for d in (0.0, 0.5, 1.5, 4.0):
        for slip in (0.0, 0.02, 0.2, 0.5):
            for k in (2, 3, 5):
                for cognitive, articulation in (
                    (models.nominal_kernel(d, k), models.nominal_slip_kernel(k, slip)),
                    (models.ordinal_kernel(d, k), models.ordinal_slip_kernel(k, slip)),
                ):
                    first = models.blahut_arimoto(cognitive).nats
                    second = models.blahut_arimoto(articulation).nats
                    cascade = models.blahut_arimoto(models.compose(cognitive, articulation)).nats
                    assert cascade <= min(first, second) + 1e-9


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=6),
    st.integers(min_value=2, max_value=6),
    st.integers(min_value=2, max_value=6),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_data_processing_for_random_cascades(a, b, c, seed):
    rng = np.random.default_rng(seed)
    first = rng.dirichlet(np.ones(b), size=a)
    second = rng.dirichlet(np.ones(c), size=b)
    cascade = models.blahut_arimoto(models.compose(first, second))
    assert cascade.nats <= models.blahut_arimoto(first).nats + 1e-9
    assert cascade.nats <= models.blahut_arimoto(second).nats + 1e-9


def test_identity_and_useless_channels():
    assert models.blahut_arimoto(np.eye(5)).nats == pytest.approx(math.log(5), abs=1e-12)
    assert models.blahut_arimoto(np.full((4, 3), 1 / 3)).nats == pytest.approx(0.0, abs=1e-12)
    assert models.blahut_arimoto(np.ones((1, 1))).nats == 0.0


def test_unused_outputs_and_zero_entries_are_handled():
    kernel = np.array([[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    assert models.blahut_arimoto(kernel).nats == pytest.approx(LN2, abs=1e-9)


def test_iteration_cap_reports_the_gap_honestly():
    kernel = models.ordinal_kernel(1.0, 7) @ models.ordinal_slip_kernel(7, 0.05)
    capped = models.blahut_arimoto(kernel, max_iter=1)
    full = models.blahut_arimoto(kernel)
    assert capped.iterations <= 1
    assert capped.nats <= full.nats + 1e-12
    assert full.nats <= capped.nats + capped.gap + 1e-12


def test_blahut_arimoto_rejects_bad_arguments():
    with pytest.raises(ValueError, match="kernel"):
        models.blahut_arimoto([[0.5, 0.6]])
    with pytest.raises(ValueError, match="kernel"):
        models.blahut_arimoto([0.5, 0.5])
    with pytest.raises(ValueError, match="kernel"):
        models.blahut_arimoto([[-0.1, 1.1]])
    with pytest.raises(ValueError, match="kernel"):
        models.blahut_arimoto([[np.nan, 1.0]])
    with pytest.raises(ValueError, match="tol"):
        models.blahut_arimoto(np.eye(2), tol=0.0)
    with pytest.raises(ValueError, match="max_iter"):
        models.blahut_arimoto(np.eye(2), max_iter=0)
    with pytest.raises(ValueError, match="p_correct"):
        models.nominal_capacity(1.5, 3)
    with pytest.raises(ValueError, match="k must be an integer >= 2, got 1"):
        models.nominal_capacity(0.5, 1)
    with pytest.raises(ValueError, match="eps"):
        models.erasure_capacity(-0.1)
