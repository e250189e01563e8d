"""Fano floors, capacity needed, kl inverse, ceilings, plateaus and items needed (the method §5, §7)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

import models
from models.bounds import CEILING_FORMS

LN2 = math.log(2.0)


def h(p: float) -> float:
    return 0.0 if p in (0.0, 1.0) else -p * math.log(p) - (1 - p) * math.log(1 - p)


def kl(p: float, q: float) -> float:
    if q == 1.0 and p < 1.0:
        return math.inf
    total = 0.0
    if p > 0:
        total += p * math.log(p / q)
    if p < 1:
        total += (1 - p) * math.log((1 - p) / (1 - q))
    return total


# ---------------------------------------------------------------------------- floors


def test_exact_floor_solves_fanos_equation():
    capacity, bits = 1.3, 4.0
    m = 2.0**bits
    p = models.fano_floor(capacity, bits)
    assert h(p) + p * math.log(m - 1) == pytest.approx(math.log(m) - capacity, abs=1e-12)
    assert 0.0 < p < 1 - 1 / m


def test_floor_special_values():
    assert models.fano_floor(0.0, 3.0) == pytest.approx(1 - 1 / 8, abs=1e-12)
    assert models.fano_floor(3 * LN2, 3.0) == 0.0
    assert models.fano_floor(10.0, 3.0) == 0.0
    assert models.fano_floor(0.0, 3.0, separation=0.5) == pytest.approx(0.5 * (1 - 1 / 8), abs=1e-12)
    assert models.fano_floor(0.2, 3.0, form="paper") == pytest.approx(1 - (0.2 + LN2) / (3 * LN2))
    assert models.fano_floor(5.0, 3.0, form="paper") == 0.0


def test_floor_for_huge_targets_does_not_overflow():
    value = models.fano_floor(100.0, 5000.0)
    assert math.isfinite(value) and 0.9 < value < 1.0


@settings(max_examples=150, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=50.0),
    st.floats(min_value=0.01, max_value=60.0),
    st.floats(min_value=0.0, max_value=5.0),
    st.floats(min_value=0.0, max_value=5.0),
    st.floats(min_value=0.01, max_value=1.0),
)
def test_floor_monotonicity_and_ordering(capacity, bits, more_capacity, more_bits, separation):
    for form in ("exact", "paper"):
        floor = models.fano_floor(capacity, bits, separation=separation, form=form)
        assert 0.0 <= floor <= separation
        assert models.fano_floor(capacity, bits + more_bits, separation=separation, form=form) >= floor - 1e-12
        assert models.fano_floor(capacity + more_capacity, bits, separation=separation, form=form) <= floor + 1e-12
    assert models.fano_floor(capacity, bits, separation=separation) >= (
        models.fano_floor(capacity, bits, separation=separation, form="paper") - 1e-12
    )


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=1e-6, max_value=0.999), st.floats(min_value=0.5, max_value=40.0))
def test_capacity_needed_inverts_the_floor(error, bits):
    top = 1 - 2.0**-bits
    assume(error < top - 1e-9)
    needed = models.capacity_needed(error, bits)
    assert needed == pytest.approx(bits * LN2 - h(error) - error * math.log(2.0**bits - 1), abs=1e-9)
    assert models.fano_floor(needed, bits) == pytest.approx(error, abs=1e-9)
    paper = models.capacity_needed(error, bits, form="paper")
    if paper > 0:
        assert models.fano_floor(paper, bits, form="paper") == pytest.approx(error, abs=1e-9)
    assert models.capacity_gap(error, bits, needed) == pytest.approx(0.0, abs=1e-12)
    assert models.capacity_gap(error, bits, needed + 1.0) == pytest.approx(-1.0, abs=1e-12)


def test_capacity_needed_is_clipped_at_zero():
    assert models.capacity_needed(0.9, 2.0) == 0.0  # guessing errs with 0.75 < 0.9
    assert models.capacity_needed(0.7, 1.0, form="paper") == 0.0
    assert models.capacity_needed(0.0, 3.0) == pytest.approx(3 * LN2, abs=1e-12)


# ---------------------------------------------------------------------------- kl inverse


@pytest.mark.parametrize("budget", [1e-6, 0.01, 0.1, 1.0, 5.0])
def test_kl_inverse_from_zero_has_a_closed_form(budget):
    # kl(0 || q) = -ln(1 - q)  =>  q = 1 - exp(-budget).
    assert models.kl_inverse(0.0, budget) == pytest.approx(-math.expm1(-budget), abs=2e-12)


@settings(max_examples=150, deadline=None)
@given(st.floats(min_value=0.0, max_value=0.999), st.floats(min_value=1e-6, max_value=3.0))
def test_kl_inverse_solves_its_equation(risk, budget):
    q = models.kl_inverse(risk, budget)
    assert risk <= q <= 1.0
    # q brackets the root from above to within 1e-12: the budget is spent at q, not 1e-12 before.
    # (Written-out kl loses ~1e-16 absolute to cancellation, hence the absolute slack.)
    assert kl(risk, q) >= budget - 1e-14
    assert kl(risk, max(risk, q - 1e-12)) <= budget + 1e-14
    if q < 0.999:
        assert kl(risk, q) == pytest.approx(budget, rel=1e-9)
    assert models.kl_inverse(risk, budget * 1.5) >= q


def test_kl_inverse_edges():
    assert models.kl_inverse(0.3, 0.0) == 0.3
    assert models.kl_inverse(1.0, 0.5) == 1.0
    assert models.kl_inverse(0.5, 1e6) == 1.0


# ---------------------------------------------------------------------------- ceilings


def test_ceilings_by_hand():
    risk, capacity, items, delta, eta = 0.05, 0.02, 1000, 0.05, 0.05
    residual, context = 0.3, 0.2
    information = items * capacity + residual + context
    expectation = risk + math.sqrt(information / (2 * items))
    budget = information / eta
    slack = (budget + math.log(2 * math.sqrt(items) / delta)) / items
    mcallester = risk + math.sqrt(slack / 2)
    catoni = (1 - math.exp(-2.0 * risk - (budget + math.log(1 / delta)) / items)) / (1 - math.exp(-2.0))
    terms = dict(delta=delta, eta=eta, residual_nats=residual, context_nats=context)
    assert models.ceiling(risk, capacity, items, **terms) == pytest.approx(expectation, abs=1e-15)
    assert models.ceiling(risk, capacity, items, form="mcallester", **terms) == pytest.approx(min(1, mcallester), abs=1e-15)
    assert models.ceiling(risk, capacity, items, form="catoni", catoni_lambda=2.0, **terms) == pytest.approx(
        min(1.0, catoni), abs=1e-14
    )
    seeger = models.ceiling(risk, capacity, items, form="kl", **terms)
    assert kl(risk, seeger) == pytest.approx(slack, abs=1e-9)
    # Pinsker: the kl form is never looser than McAllester's.
    assert seeger <= min(1.0, mcallester) + 1e-12


def test_ceilings_are_clipped():
    assert models.ceiling(0.9, 5.0, 10) == 1.0
    for form in CEILING_FORMS:
        assert models.ceiling(0.0, 0.0, 10**9, form=form) >= 0.0
        assert models.ceiling(1.0, 3.0, 1, form=form) == 1.0


def test_maurer_constant_is_at_most_two_root_m():
    """The Seeger-Maurer form uses ln(2 sqrt(m)/delta); Maurer's xi(m) <= 2 sqrt(m) for every m >= 1."""
    for m in list(range(1, 60)) + [100, 500, 2000]:
        k = np.arange(m + 1)
        xi = float(np.sum(stats.binom.pmf(k, m, k / m)))
        assert xi <= 2 * math.sqrt(m)


@settings(max_examples=120, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=5.0),
    st.integers(min_value=1, max_value=10**7),
    st.sampled_from(CEILING_FORMS),
    st.floats(min_value=1e-4, max_value=0.99),
    st.floats(min_value=1e-4, max_value=0.99),
    st.floats(min_value=0.0, max_value=100.0),
    st.floats(min_value=0.01, max_value=10.0),
)
def test_ceiling_is_in_unit_interval_and_non_increasing_in_items(risk, capacity, items, form, delta, eta, extra, lam):
    terms = dict(form=form, delta=delta, eta=eta, residual_nats=extra, context_nats=0.0, catoni_lambda=lam)
    value = models.ceiling(risk, capacity, items, **terms)
    later = models.ceiling(risk, capacity, items + 1 + items // 3, **terms)
    assert 0.0 <= later <= value + 1e-12 <= 1.0 + 1e-12
    plateau = models.ceiling_plateau(risk, capacity, **terms)
    assert plateau <= later + 1e-9
    assert models.ceiling(risk, capacity + 0.5, items, **terms) >= value - 1e-12


@pytest.mark.parametrize("form", CEILING_FORMS)
def test_plateau_is_the_limit(form):
    risk, capacity = 0.02, 0.01
    plateau = models.ceiling_plateau(risk, capacity, form=form, residual_nats=2.0, context_nats=1.0)
    far = models.ceiling(risk, capacity, 10**15, form=form, residual_nats=2.0, context_nats=1.0)
    assert far == pytest.approx(plateau, abs=2e-6)
    if form == "expectation":
        assert plateau == pytest.approx(risk + math.sqrt(capacity / 2))
    if form == "mcallester":
        assert plateau == pytest.approx(risk + math.sqrt(capacity / (2 * 0.05)))


@pytest.mark.parametrize("form", CEILING_FORMS)
def test_items_needed_is_the_smallest_sufficient_count(form):
    risk, capacity = 0.01, 0.005
    plateau = models.ceiling_plateau(risk, capacity, form=form)
    target = min(0.99, plateau + 0.05)
    m = models.items_needed(target, risk, capacity, form=form)
    assert m is not None and m >= 1
    assert models.ceiling(risk, capacity, m, form=form) <= target
    if m > 1:
        assert models.ceiling(risk, capacity, m - 1, form=form) > target
    assert models.items_needed(plateau - 1e-3, risk, capacity, form=form) is None


def test_items_needed_edges():
    assert models.items_needed(1.0, 0.5, 1.0) == 1
    assert models.items_needed(0.2, 0.1, 0.0, max_items=10) is None or models.ceiling(0.1, 0.0, 10) <= 0.2
    # Reachable in principle but beyond the search limit.
    far = models.items_needed(0.1001, 0.1, 0.0, form="mcallester")
    assert far is not None and far > 10**6
    assert models.items_needed(0.1001, 0.1, 0.0, form="mcallester", max_items=1000) is None


def test_bounds_reject_bad_arguments():
    with pytest.raises(ValueError, match="capacity_nats must be a finite real number >= 0, got -1"):
        models.fano_floor(-1, 3.0)
    with pytest.raises(ValueError, match="log2_m must be a finite real number > 0, got 0"):
        models.fano_floor(1.0, 0)
    with pytest.raises(ValueError, match="separation must be a real number in \\(0, 1\\]"):
        models.fano_floor(1.0, 3.0, separation=0.0)
    with pytest.raises(ValueError, match="form must be one of 'exact', 'paper'"):
        models.fano_floor(1.0, 3.0, form="tight")
    with pytest.raises(ValueError, match="error must be a real number in \\[0, 1\\]"):
        models.capacity_needed(1.5, 3.0)
    with pytest.raises(ValueError, match="empirical_risk"):
        models.kl_inverse(-0.1, 1.0)
    with pytest.raises(ValueError, match="budget must be a finite real number >= 0"):
        models.kl_inverse(0.1, float("inf"))
    with pytest.raises(ValueError, match="items must be an integer >= 1, got 0"):
        models.ceiling(0.1, 1.0, 0)
    with pytest.raises(ValueError, match="delta must be a real number in \\(0, 1\\)"):
        models.ceiling(0.1, 1.0, 10, delta=1.0)
    with pytest.raises(ValueError, match="eta"):
        models.ceiling(0.1, 1.0, 10, eta=0.0)
    with pytest.raises(ValueError, match="catoni_lambda"):
        models.ceiling(0.1, 1.0, 10, form="catoni", catoni_lambda=0.0)
    with pytest.raises(ValueError, match="residual_nats"):
        models.ceiling_plateau(0.1, 1.0, residual_nats=-1.0)
    with pytest.raises(ValueError, match="form must be one of"):
        models.ceiling(0.1, 1.0, 10, form="bernstein")
    with pytest.raises(ValueError, match="target_risk"):
        models.items_needed(1.2, 0.1, 1.0)
    with pytest.raises(ValueError, match="max_items must be an integer >= 1"):
        models.items_needed(0.2, 0.1, 1.0, max_items=0)
