"""Many raters: the vote-count channel against brute force over all k^r answer tuples (the method §4, §7)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import models


def brute_force_joint_kernel(kernel: np.ndarray, raters: int, rho: float) -> np.ndarray:
    """The k^r joint kernel written tuple by tuple, independently of models.panel."""
    inputs, answers = kernel.shape
    joint = np.zeros((inputs, answers**raters))
    for column, votes in enumerate(itertools.product(range(answers), repeat=raters)):
        for x in range(inputs):
            independent = np.prod([kernel[x, y] for y in votes])
            shared = kernel[x, votes[0]] if len(set(votes)) == 1 else 0.0
            joint[x, column] = (1 - rho) * independent + rho * shared
    return joint


def example_kernel(k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(k), size=k)


@pytest.mark.parametrize("k", [2, 3, 4])
@pytest.mark.parametrize("raters", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("rho", [0.0, 0.3])
def test_count_capacity_equals_brute_force(k, raters, rho):
    for kernel in (example_kernel(k, 10 * k + raters), models.ordinal_kernel(1.2, k) @ models.ordinal_slip_kernel(k, 0.05)):
        joint = brute_force_joint_kernel(kernel, raters, rho)
        assert np.allclose(joint, models.joint_panel_kernel(kernel, raters, correlation=rho), atol=1e-15)
        brute = models.blahut_arimoto(joint, tol=1e-11)
        counts = models.panel_capacity(kernel, raters, correlation=rho, tol=1e-11)
        assert counts.exact
        assert counts.nats == pytest.approx(brute.nats, abs=2e-11)


def test_count_kernel_rows_are_the_histogram_marginals_of_the_joint_kernel():
    kernel = example_kernel(3, 1)
    raters, rho = 4, 0.2
    histograms = models.compositions(raters, 3)
    index = {tuple(row): i for i, row in enumerate(histograms)}
    joint = models.joint_panel_kernel(kernel, raters, correlation=rho)
    folded = np.zeros((3, len(histograms)))
    for column, votes in enumerate(itertools.product(range(3), repeat=raters)):
        folded[:, index[tuple(np.bincount(votes, minlength=3))]] += joint[:, column]
    assert np.allclose(folded, models.count_kernel(kernel, raters, correlation=rho), atol=1e-15)


def test_compositions_and_outcome_count():
    for total, parts in [(0, 1), (0, 4), (3, 1), (4, 3), (6, 5)]:
        table = models.compositions(total, parts)
        expected = {c for c in itertools.product(range(total + 1), repeat=parts) if sum(c) == total}
        assert {tuple(row) for row in table} == expected
        assert len(table) == len(expected) == math.comb(total + parts - 1, parts - 1)
    assert models.outcome_count(15, 7) == 54_264


def test_kernel_with_zeros_is_handled_exactly():
    kernel = np.array([[1.0, 0.0, 0.0], [0.0, 0.5, 0.5], [0.0, 0.0, 1.0]])
    for raters in (2, 3):
        brute = models.blahut_arimoto(brute_force_joint_kernel(kernel, raters, 0.1))
        assert models.panel_capacity(kernel, raters, correlation=0.1).nats == pytest.approx(brute.nats, abs=1e-9)


def test_panel_never_exceeds_ln_k_and_reaches_it():
    kernel = models.symmetric_kernel(3, 0.9)
    values = [models.panel_capacity(kernel, r).nats for r in (1, 5, 20, 60)]
    assert all(v <= math.log(3) + 1e-12 for v in values)
    assert values[-1] == pytest.approx(math.log(3), abs=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=2, max_value=5),
    st.integers(min_value=1, max_value=7),
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=3.0),
    st.floats(min_value=0.0, max_value=0.5),
)
def test_panel_capacity_is_non_decreasing_in_raters(k, raters, rho, d, slip):
    kernel = models.ordinal_kernel(d, k) @ models.ordinal_slip_kernel(k, slip)
    fewer = models.panel_capacity(kernel, raters, correlation=rho)
    more = models.panel_capacity(kernel, raters + 1, correlation=rho)
    assert more.nats >= fewer.nats - 1e-9


@settings(max_examples=40, deadline=None)
@given(
    st.integers(min_value=2, max_value=5),
    st.integers(min_value=2, max_value=6),
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=1.0),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_panel_capacity_is_non_increasing_in_correlation_for_any_kernel(k, raters, rho, other, seed):
    low, high = sorted((rho, other))
    kernel = np.random.default_rng(seed).dirichlet(np.ones(k), size=k)
    assert models.panel_capacity(kernel, raters, correlation=high).nats <= (
        models.panel_capacity(kernel, raters, correlation=low).nats + 1e-9
    )


def test_higher_correlation_panel_is_a_garbling_of_the_lower_one():
    """Why monotonicity in rho holds for every kernel: P_rho2 = P_rho1 @ G with G stochastic.

    Reading one random rater's vote off a histogram and repeating it r times maps the independent
    panel to the shared one (T); T is idempotent, so (1-a) I + a T with a = 1 - (1-rho2)/(1-rho1)
    turns the rho1 panel into the rho2 panel.
    """
    kernel = example_kernel(3, 7)
    raters, rho1, rho2 = 4, 0.2, 0.6
    histograms = models.compositions(raters, 3)
    unanimous = {y: int(np.flatnonzero(histograms[:, y] == raters)[0]) for y in range(3)}
    pick_one = np.zeros((len(histograms), len(histograms)))
    for row, counts in enumerate(histograms):
        for y in range(3):
            pick_one[row, unanimous[y]] += counts[y] / raters
    a = 1 - (1 - rho2) / (1 - rho1)
    garbling = (1 - a) * np.eye(len(histograms)) + a * pick_one
    low = models.count_kernel(kernel, raters, correlation=rho1)
    high = models.count_kernel(kernel, raters, correlation=rho2)
    assert np.allclose(low @ garbling, high, atol=1e-14)


@settings(max_examples=30, deadline=None)
@given(
    st.integers(min_value=2, max_value=4),
    st.integers(min_value=2, max_value=12),
    st.floats(min_value=0.0, max_value=0.95),
    st.integers(min_value=1, max_value=60),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_fallback_is_an_upper_bound_on_the_exact_capacity(k, raters, rho, max_outcomes, seed):
    kernel = np.random.default_rng(seed).dirichlet(np.ones(k), size=k)
    exact = models.panel_capacity(kernel, raters, correlation=rho)
    bound = models.panel_capacity(kernel, raters, correlation=rho, max_outcomes=max_outcomes)
    assert exact.exact
    if models.outcome_count(raters, k) > max_outcomes:
        assert not bound.exact
    assert bound.nats >= exact.nats - 1e-9
    assert bound.nats <= math.log(k) + 1e-12


def test_kish_design_effect_is_not_an_upper_bound():
    """the method §4's fallback min(ln k, r/(1+(r-1)rho) cap(K)) falls below the exact capacity."""
    kernel = models.binary_symmetric_kernel(0.3)
    single = models.blahut_arimoto(kernel).nats
    raters, rho = 30, 0.9
    kish = min(math.log(2), raters / (1 + (raters - 1) * rho) * single)
    exact = models.panel_capacity(kernel, raters, correlation=rho)
    assert exact.exact
    assert exact.nats > kish + 0.04
    bound = models.panel_capacity(kernel, raters, correlation=rho, max_outcomes=10)
    assert not bound.exact and bound.nats >= exact.nats


def test_large_panels_fall_back_and_stay_monotone_across_the_switch():
    kernel = models.ordinal_kernel(1.0, 7) @ models.ordinal_slip_kernel(7, 0.02)
    limit = models.outcome_count(6, 7)
    values = [models.panel_capacity(kernel, r, correlation=0.1, max_outcomes=limit) for r in range(1, 10)]
    assert [v.exact for v in values] == [True] * 6 + [False] * 3
    assert all(b.nats >= a.nats - 1e-9 for a, b in zip(values, values[1:]))


def test_symmetric_panels_certify_the_uniform_input_immediately():
    result = models.panel_capacity(models.symmetric_kernel(5, 0.6), 6, correlation=0.2)
    assert result.iterations == 0
    assert np.allclose(result.input_distribution, 0.2)


def test_panel_rejects_bad_arguments():
    kernel = np.eye(2)
    with pytest.raises(ValueError, match="raters must be an integer >= 1, got 0"):
        models.panel_capacity(kernel, 0)
    with pytest.raises(ValueError, match="correlation must be a real number in \\[0, 1\\], got 1.2"):
        models.panel_capacity(kernel, 2, correlation=1.2)
    with pytest.raises(ValueError, match="max_outcomes must be an integer >= 1"):
        models.panel_capacity(kernel, 2, max_outcomes=0)
    with pytest.raises(ValueError, match="kernel"):
        models.panel_capacity([[0.2, 0.2]], 2)
    with pytest.raises(ValueError, match="raters must keep"):
        models.joint_panel_kernel(np.full((7, 7), 1 / 7), 12)
    with pytest.raises(ValueError, match="parts must be an integer >= 1"):
        models.compositions(3, 0)


# ------------------------------------------------------ method §8.5 corrections
def test_the_fallback_bound_steps_up_by_at_most_the_average_increment_at_the_switch():
    # Ordinal(7): the audit saw 1.139 → 1.663 nats from r = 19 (exact) to r = 20 (bound), exact 1.155.
    from models.kernels import ordinal_kernel, ordinal_slip_kernel

    kernel = ordinal_kernel(0.9, 7) @ ordinal_slip_kernel(7, 0.02)
    limit = 200_000
    r0 = max(r for r in range(1, 40) if math.comb(r + 6, 6) <= limit)
    exact = models.panel_capacity(kernel, r0, max_outcomes=limit)
    bound = models.panel_capacity(kernel, r0 + 1, max_outcomes=limit)
    assert exact.exact and not bound.exact
    assert bound.nats >= exact.nats
    assert bound.nats <= exact.nats * (1 + 1 / r0) + exact.gap * 2 + 1e-9
    # ... and it is an upper bound on the true value at r0 + 1 (computed with a larger limit).
    truth = models.panel_capacity(kernel, r0 + 1, max_outcomes=10**6)
    assert truth.exact and truth.nats <= bound.nats + 1e-9


def test_rankings_of_five_are_exact_where_the_histograms_fit():
    from models.channel import question_channel

    two = question_channel("ranking", 5, seconds=30.0, raters=2, correlation=0.1, slip_rate=0.02)
    three = question_channel("ranking", 5, seconds=30.0, raters=3, correlation=0.1, slip_rate=0.02)
    assert two.panel_exact and not three.panel_exact
    assert two.cascade_nats <= two.panel_nats <= three.panel_nats


def test_the_certified_upper_end_is_reported_beside_the_capacity():
    from models.channel import question_channel

    channel = question_channel("ordinal", 5, seconds=20.0, raters=3, correlation=0.1)
    assert channel.panel_nats <= channel.panel_upper_nats <= channel.panel_nats + 1e-8
    stopped = models.panel_capacity(example_kernel(5, 1), 3, max_iter=2)
    assert stopped.gap > 0  # stopped early: the upper end is what a floor must use
