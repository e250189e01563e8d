"""The interior-point capacities of channel_capacities: the same capacities as Blahut-Arimoto
within the certified intervals, checked against independent references (textbook Blahut-Arimoto
run to its own certificate, a scalar optimiser for two inputs, closed forms), results that do not
depend on the kernels solved alongside, work caps that keep the interval honest, and the
Blahut-Arimoto safeguard."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, special

import models
import models.capacity as capacity_module
from models.capacity import INTERIOR_POINT_MAX_INPUTS, blahut_arimoto, channel_capacities, metered_work
from models.kernels import _ordinal, _ordinal_slip
from models.panel import count_kernel
from tests.models.references import textbook_blahut_arimoto

LN2 = math.log(2.0)


def ordinal_panel(d: float, k: int, slip: float, raters: int, rho: float) -> np.ndarray:
    single = _ordinal(d, k, 3.0) @ _ordinal_slip(k, slip)
    return single if raters == 1 else count_kernel(single, raters, correlation=rho)


def assert_certified(result, lower: float, upper: float, slack: float = 1e-12) -> None:
    """The result's interval [nats, nats + gap] and the reference's [lower, upper] both hold the
    capacity, so they overlap; a converged result is within 1e-9 of it."""
    assert result.gap <= 1e-9
    assert result.nats <= upper + slack
    assert lower <= result.nats + result.gap + slack


@settings(max_examples=80, deadline=None)
@given(
    st.integers(min_value=2, max_value=INTERIOR_POINT_MAX_INPUTS),
    st.integers(min_value=2, max_value=12),
    st.sampled_from([0.1, 0.3, 1.0, 5.0]),
    st.integers(min_value=0, max_value=2**32 - 1),
)
def test_random_kernels_match_textbook_blahut_arimoto(inputs, outputs, concentration, seed):
    rng = np.random.default_rng(seed)
    kernel = rng.dirichlet(np.full(outputs, concentration), size=inputs)
    result = channel_capacities([kernel])[0]
    lower, upper = textbook_blahut_arimoto(kernel)
    assert_certified(result, lower, upper)
    # nats is the information at the returned input law
    assert models.mutual_information(result.input_distribution, kernel) == pytest.approx(result.nats, abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2, max_value=6), st.integers(min_value=0, max_value=2**32 - 1))
def test_two_input_channels_match_scalar_optimisation(outputs, seed):
    rng = np.random.default_rng(seed)
    kernel = rng.dirichlet(np.ones(outputs), size=2)

    def negative_information(p: float) -> float:
        law = np.array([p, 1 - p])
        output = law @ kernel
        return -(float(-special.xlogy(output, output).sum()) + float(law @ special.xlogy(kernel, kernel).sum(axis=1)))

    best = optimize.minimize_scalar(negative_information, bounds=(0.0, 1.0), method="bounded",
                                    options={"xatol": 1e-12})
    reference = max(-best.fun, -negative_information(0.0), -negative_information(1.0))
    result = channel_capacities([kernel])[0]
    assert result.gap <= 1e-9
    assert result.nats == pytest.approx(reference, abs=2e-9)


@pytest.mark.parametrize("k", [2, 3, 4, 5, 7, 9, 12, 16])
@pytest.mark.parametrize("d", [0.0, 1e-3, 0.3, 1.3, 2.0, 4.0, 12.0, 30.0])
def test_ordinal_kernels_and_panels_match_blahut_arimoto(k, d):
    kernels = [ordinal_panel(d, k, slip, 1, 0.0) for slip in (0.0, 0.02, 0.3, 0.5)]
    if k <= 7:
        kernels += [ordinal_panel(d, k, 0.02, raters, rho) for raters, rho in ((2, 0.0), (3, 0.1), (5, 0.6))]
    for kernel, result in zip(kernels, channel_capacities(kernels)):
        reference = blahut_arimoto(kernel, tol=1e-12)
        assert_certified(result, reference.nats, reference.nats + reference.gap)


def test_closed_forms_and_degenerate_kernels():
    for p in (0.0, 1e-12, 0.11, 0.5, 0.9):
        result = channel_capacities([models.binary_symmetric_kernel(p)])[0]
        assert result.nats == pytest.approx(LN2 - float(-special.xlogy(p, p) - special.xlogy(1 - p, 1 - p)), abs=1e-9)
    for eps in (0.0, 0.3, 0.99, 1.0):
        assert channel_capacities([models.erasure_kernel(eps)])[0].nats == pytest.approx((1 - eps) * LN2, abs=1e-9)
    for k, p_correct in ((3, 0.2), (5, 0.8), (12, 0.99)):
        expected = math.log(k) - float(special.xlogy(-p_correct, p_correct) - special.xlogy(1 - p_correct, 1 - p_correct)) \
            - (1 - p_correct) * math.log(k - 1)
        assert channel_capacities([models.symmetric_kernel(k, p_correct)])[0].nats == pytest.approx(expected, abs=1e-9)
    identity, useless, single = channel_capacities([np.eye(5), np.full((4, 3), 1 / 3), np.ones((1, 1))])
    assert identity.nats == pytest.approx(math.log(5), abs=1e-9)
    assert useless.nats == pytest.approx(0.0, abs=1e-12) and single.nats == 0.0
    # an output no input produces, zero entries, duplicated and dominated inputs
    unused, duplicated = channel_capacities([
        np.array([[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]]),
        np.array([[0.9, 0.1], [0.9, 0.1], [0.1, 0.9], [0.5, 0.5]]),
    ])
    assert unused.nats == pytest.approx(LN2, abs=1e-9)
    assert duplicated.nats == pytest.approx(LN2 - float(-special.xlogy(0.1, 0.1) - special.xlogy(0.9, 0.9)), abs=1e-9)


def test_a_kernel_gives_the_same_result_alone_and_in_any_batch():
    rng = np.random.default_rng(7)
    kernels = ([ordinal_panel(float(d), 7, 0.02, 1, 0.0) for d in rng.uniform(0.0, 6.0, 12)]
               + [ordinal_panel(float(d), 7, 0.02, 3, 0.1) for d in rng.uniform(0.0, 6.0, 12)]
               + [rng.dirichlet(np.full(5, 0.4), size=4) for _ in range(12)]
               + [ordinal_panel(1.0, 20, 0.02, 1, 0.0)])  # wider than the interior point takes
    together = channel_capacities(kernels)
    shuffled = rng.permutation(len(kernels))
    reordered = channel_capacities([kernels[i] for i in shuffled])
    for position, index in enumerate(shuffled):
        alone = channel_capacities([kernels[index]])[0]
        for other in (together[index], reordered[position]):
            assert other.nats == alone.nats and other.gap == alone.gap and other.iterations == alone.iterations
            assert np.array_equal(other.input_distribution, alone.input_distribution)


def test_slow_kernels_for_blahut_arimoto_take_few_interior_point_iterations():
    # An ordinal(7) kernel on which accelerated Blahut-Arimoto needs hundreds of evaluations.
    kernel = _ordinal(2.0, 7, 3.0)
    slow = blahut_arimoto(kernel)
    fast = channel_capacities([kernel])[0]
    assert fast.iterations <= 15 < slow.iterations
    assert abs(fast.nats - slow.nats) <= fast.gap + slow.gap + 1e-12


def test_a_work_cap_stops_the_interior_point_with_an_interval_that_holds_the_capacity():
    kernel = ordinal_panel(2.5, 12, 0.02, 3, 0.2)
    exact = channel_capacities([kernel])[0]
    size = max(kernel.size, capacity_module.EVALUATION_OVERHEAD_ENTRIES)
    iteration = size * (1 + 12 / 1.5) + 2 * 3 * 13**3
    for cap in (3 * size + iteration, 3 * size + 2 * iteration):
        with metered_work() as meter:
            capped = channel_capacities([kernel], max_work=cap)[0]
        assert meter.ba_runs == 1 and meter.ba_iterations == capped.iterations < exact.iterations
        # at most one iteration beyond the cap
        assert meter.entries <= cap + iteration
        assert meter.ba_capped == 1 and capped.gap > 1e-9
        assert capped.nats <= exact.nats + 1e-12
        assert capped.nats + capped.gap >= exact.nats - 1e-12


def test_metered_work_counts_each_kernel_of_a_batch_as_if_alone():
    kernels = [ordinal_panel(d, 5, 0.02, 2, 0.1) for d in (0.5, 1.0, 2.0)]
    with metered_work() as together:
        channel_capacities(kernels)
    alone = 0.0
    for kernel in kernels:
        with metered_work() as meter:
            channel_capacities([kernel])
        alone += meter.entries
    assert together.entries == pytest.approx(alone)
    assert together.ba_runs == 3


def test_kernels_not_done_after_the_iteration_safeguard_continue_with_blahut_arimoto(monkeypatch):
    kernels = [ordinal_panel(d, 7, 0.02, 1, 0.0) for d in (1.0, 2.0, 3.0)]
    monkeypatch.setattr(capacity_module, "_INTERIOR_POINT_ITERATIONS", 2)
    with metered_work() as meter:
        handed = channel_capacities(kernels)
    monkeypatch.undo()
    assert meter.ba_runs == 3
    for kernel, result in zip(kernels, handed):
        reference = blahut_arimoto(kernel, tol=1e-12)
        assert result.iterations > 2
        assert_certified(result, reference.nats, reference.nats + reference.gap)


def test_channel_capacities_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"kernels\[1\]"):
        channel_capacities([np.eye(2), [[0.5, 0.6]]])
    with pytest.raises(ValueError, match="tol"):
        channel_capacities([np.eye(2)], tol=0.0)
    with pytest.raises(ValueError, match="max_iter"):
        channel_capacities([np.eye(2)], max_iter=0)
    with pytest.raises(ValueError, match="max_work"):
        channel_capacities([np.eye(2)], max_work=[1e6, 1e6])
    assert channel_capacities([]) == []
