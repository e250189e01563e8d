"""Regression tests from the numerics review, each against an independent reference."""

from __future__ import annotations

import math
from decimal import Decimal, getcontext

import numpy as np
import pytest

import models
from models import kernels, panel
from models.channel import question_channel


def _reference_floor(capacity: float, log2_m: float) -> float:
    """Smallest p with h(p) + p ln(M - 1) >= ln M - C, bisected in 50-digit decimal arithmetic."""
    getcontext().prec = 50
    m = Decimal(2) ** Decimal(log2_m)
    target = m.ln() - Decimal(capacity)
    low, high = Decimal(0), 1 - 1 / m

    def lhs(p: Decimal) -> Decimal:
        entropy = -p * p.ln() - (1 - p) * (1 - p).ln() if 0 < p < 1 else Decimal(0)
        return entropy + p * (m - 1).ln()

    for _ in range(170):
        middle = (low + high) / 2
        if lhs(middle) >= target:
            high = middle
        else:
            low = middle
    return float(high)


@pytest.mark.parametrize("log2_m", [0.3, 0.9, 1.0, 1.5, 3.3, 8.0, 20.0])
@pytest.mark.parametrize("capacity", [0.0, 1e-12, 1e-6, 0.05, 0.7])
def test_exact_floor_matches_high_precision_reference(capacity, log2_m):
    # Before the fix binary kl rounded p/q first: ~5e-9 off at small capacity.
    if capacity >= log2_m * math.log(2.0):
        assert models.fano_floor(capacity, log2_m) == 0.0
        return
    assert models.fano_floor(capacity, log2_m) == pytest.approx(_reference_floor(capacity, log2_m), abs=1e-14)


def test_floor_monotone_in_log2_m_at_zero_capacity():
    # The hypothesis counterexample of test_bounds: 0.49999999473 < 0.4999999999999999.
    for bits in (1.0, 1.5, 3.3):
        assert models.fano_floor(0.0, bits + 1e-15) >= models.fano_floor(0.0, bits)
        assert models.fano_floor(0.0, bits) == pytest.approx(1.0 - 2.0**-bits, abs=1e-15)


def test_binary_kl_keeps_relative_precision_near_the_diagonal():
    for q in (0.5, 0.3, 1e-4):
        delta = q * 1e-7
        exact = delta**2 / (2 * q * (1 - q))  # leading term; the next is O(delta^3 / q^2)
        assert models.binary_kl(q + delta, q) == pytest.approx(exact, rel=1e-6)


def test_floor_valid_for_non_integer_and_small_m():
    """The kl-form floor bounds the MAP error of any target whose largest atom is <= 2^-log2_m."""
    rng = np.random.default_rng(7)
    for log2_m in (0.4, 0.8, 1.0, 1.5, 2.5):
        top = 2.0**-log2_m
        support = max(2, math.ceil(1.0 / top))
        for _ in range(40):
            prior = np.full(support, top)
            prior[-1] = 1.0 - top * (support - 1)
            if prior[-1] < 0:
                continue
            kernel = rng.dirichlet(np.full(4, 0.4), size=support)
            joint = prior[:, None] * kernel
            info = models.mutual_information(prior, kernel)
            map_error = 1.0 - joint.max(axis=0).sum()
            assert map_error >= models.fano_floor(info, log2_m) - 1e-12


def test_floor_is_continuous_across_m_equals_two_and_vanishes_as_m_to_one():
    below = models.fano_floor(0.05, 1.0 - 1e-9)
    above = models.fano_floor(0.05, 1.0 + 1e-9)
    assert abs(above - below) < 1e-6 and above >= below
    assert models.fano_floor(0.0, 1e-6) == pytest.approx(1.0 - 2.0**-1e-6, abs=1e-15)
    assert models.fano_floor(0.01, 1e-6) == 0.0


def test_free_text_panel_is_not_clamped_to_one_text():
    # Ten raters typing 5 characters each: the model's own bound exceeds one text's 5 bits.
    result = question_channel("free_text", seconds=10.0, max_chars=5, raters=10, correlation=0.1)
    d = result.dprime
    typing = (0.9 * 10 + 0.1) * result.articulation_nats
    judging = 3 * 0.5 * (0.9 * math.log1p(10 * d * d) + 0.1 * math.log1p(d * d))
    assert result.panel_nats == pytest.approx(min(typing, judging))
    assert result.panel_nats > result.max_nats
    assert not result.saturated  # one text (cascade) is below 95 % of its limit here


@pytest.mark.parametrize("rho", [0.0, 0.1, 0.5])
def test_symmetric_fallback_bound_is_valid_and_tight(rho):
    kernel = kernels.nominal_kernel(0.9, 10)  # 10-ary symmetric
    exact_11 = panel.panel_capacity(kernel, 11, correlation=rho)
    assert exact_11.exact
    for raters in (12, 13):
        bound = panel.panel_capacity(kernel, raters, correlation=rho)
        exact = panel.panel_capacity(kernel, raters, correlation=rho, max_outcomes=10**6)
        assert not bound.exact and exact.exact
        assert bound.nats >= exact.nats - 1e-9
        # The linear bound from a 20 000-outcome reference was ~20 % above; this one is close.
        assert bound.nats <= 1.03 * exact.nats
        assert bound.nats >= exact_11.nats


def test_mallows_fallback_bound_is_valid():
    kernel = models.mallows_kernel(4, 0.4)
    for raters in (5, 6):
        for rho in (0.0, 0.3):
            bound = panel._panel_capacity(kernel, raters, rho, 20_000, 1e-9, 100_000, uniform_optimal=True)
            exact = panel.panel_capacity(kernel, raters, correlation=rho, max_outcomes=10**6)
            assert not bound.exact and bound.nats >= exact.nats - 1e-9
