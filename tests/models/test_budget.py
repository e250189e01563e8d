"""Work caps of the numerics: what a capped computation spends, and that its numbers stay on the
safe side of the exact ones (upper ends above the capacity, achievable accuracies below the
exact accuracy), checked against the uncapped computation on cases small enough to run exactly."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.capacity import EVALUATION_OVERHEAD_ENTRIES, blahut_arimoto, metered_work
from models.channel import channel_work_estimate, panel_outcomes, question_channel, question_decoding
from models.bounds import fano_floor
from models.decoding import (
    RHO_GRID,
    _gallager_terms,
    _gallager_terms_on_chords,
    _greedy_totals,
    _lazy_greedy_totals,
    decode_kernel,
    decoding_work,
)
from models.kernels import _ordinal, _ordinal_slip
from models.panel import count_kernel, panel_capacity


def slow_panel() -> np.ndarray:
    """An ordinal(12) three-rater panel: exact Blahut-Arimoto needs hundreds of evaluations."""
    single = _ordinal(2.5, 12, 3.0) @ _ordinal_slip(12, 0.02)
    return count_kernel(single, 3, correlation=0.2)


def test_a_work_cap_stops_blahut_arimoto_within_one_step_of_it_and_the_interval_holds_the_capacity():
    kernel = slow_panel()
    exact = blahut_arimoto(kernel)
    assert exact.gap <= 1e-9 and exact.iterations > 20
    cap = 10 * kernel.size
    with metered_work() as meter:
        capped = blahut_arimoto(kernel, max_work=cap)
    # One evaluation and one Newton step of 12 active inputs at most beyond the cap.
    overshoot = kernel.size * (1 + 12 / 1.5) + 3 * 12**3
    assert meter.entries <= cap + overshoot
    assert meter.ba_runs == 1 and meter.ba_capped == 1 and meter.ba_iterations == capped.iterations
    assert capped.iterations < exact.iterations and capped.gap > 1e-9
    assert capped.nats <= exact.nats + 1e-12
    assert capped.nats + capped.gap >= exact.nats - 1e-12


def test_the_reported_upper_end_is_the_smallest_seen_and_never_below_the_capacity():
    kernel = slow_panel()
    exact = blahut_arimoto(kernel).nats
    for evaluations in (2, 3, 5, 8, 13, 21):
        run = blahut_arimoto(kernel, max_iter=evaluations)
        assert run.nats <= exact + 1e-12 <= run.nats + run.gap + 2e-12
    # The smallest upper end over the iterates never rises with more iterations.
    uppers = [(lambda r: r.nats + r.gap)(blahut_arimoto(kernel, max_iter=n)) for n in range(2, 30)]
    assert all(later <= earlier + 1e-12 for earlier, later in zip(uppers, uppers[1:]))


def test_meters_nest_and_cached_work_costs_nothing():
    kernel = slow_panel()
    with metered_work() as outer:
        with metered_work() as inner:
            blahut_arimoto(kernel, max_iter=5)
        assert outer.entries == pytest.approx(inner.entries) and inner.entries > 0
    with metered_work() as first:
        question_channel("ordinal", 9, seconds=13.7, raters=3, correlation=0.1)
    with metered_work() as again:
        question_channel("ordinal", 9, seconds=13.7, raters=3, correlation=0.1)
    assert first.entries > 0 and again.entries == 0


def test_a_capped_question_is_flagged_and_its_floor_is_at_most_the_exact_floor():
    arguments = dict(seconds=12.3, raters=3, correlation=0.15, slip_rate=0.02)
    exact = question_channel("ordinal", 12, **arguments)
    assert not exact.budget_limited and exact.panel_exact
    estimate = channel_work_estimate("ordinal", 12, 3)
    for share in (0.05, 0.01, 0.002):
        with metered_work() as meter:
            capped = question_channel("ordinal", 12, max_work=share * estimate, **arguments)
        assert capped.budget_limited
        # Caps are shared out in proportion to the estimate's parts; each run may overshoot by
        # one evaluation, plus the fixed overhead and the kernel's construction.
        assert meter.entries <= share * estimate + 6 * max(12 * 12 * 364, EVALUATION_OVERHEAD_ENTRIES) + 1e6
        if capped.panel_exact:  # a stopped run: its lower end is a lower bound
            assert capped.panel_nats <= exact.panel_upper_nats + 1e-12
        assert capped.panel_upper_nats >= exact.panel_nats - 1e-12
        for bits in (1.0, 3.0, 6.0):
            assert fano_floor(capped.panel_upper_nats, bits) <= fano_floor(exact.panel_upper_nats, bits) + 1e-12


def test_a_small_cap_falls_back_to_the_bound_on_a_smaller_panel():
    arguments = dict(seconds=20.0, raters=3, correlation=0.1)
    exact = question_channel("pairwise", 20, **arguments)
    capped = question_channel("pairwise", 20, max_work=2e6, **arguments)
    assert exact.panel_exact and not capped.panel_exact and capped.budget_limited
    assert capped.panel_nats >= exact.panel_nats - 1e-12  # the fallback is an upper bound


def test_uncapped_results_are_the_default_results():
    for kind, k in (("ordinal", 7), ("categorical", 6), ("ranking", 4), ("binary", None), ("pairwise", 3)):
        default = question_channel(kind, k, seconds=9.0, raters=4, correlation=0.2)
        assert not default.budget_limited
        assert panel_capacity(np.eye(2) * 0.8 + 0.1, 3).nats == panel_capacity(np.eye(2) * 0.8 + 0.1, 3,
                                                                                max_work=None).nats


def test_work_estimates_grow_with_the_panel_and_use_the_computed_sub_panel():
    assert panel_outcomes(7, 3, 200_000) == math.comb(9, 6)
    # Beyond the limit, the largest sub-panel under it: 50 answers, 3 raters fit, 4 do not.
    assert panel_outcomes(50, 10, 200_000) == math.comb(52, 49)
    estimates = [channel_work_estimate("ordinal", 7, r) for r in range(1, 8)]
    assert all(a < b for a, b in zip(estimates, estimates[1:]))
    assert channel_work_estimate("ordinal", 7, 3, typical=True) <= channel_work_estimate("ordinal", 7, 3)


@pytest.mark.parametrize("seed", range(4))
def test_lazy_greedy_codebooks_are_the_greedy_ones(seed):
    rng = np.random.default_rng(seed)
    matrix = rng.dirichlet(np.full(150, 0.3), size=90)
    assert _lazy_greedy_totals(matrix) == pytest.approx(_greedy_totals(matrix), rel=1e-12, abs=1e-12)


def test_gallager_terms_on_chords_bound_the_exact_terms_from_above():
    panel = count_kernel(_ordinal(1.2, 6, 3.0), 3, correlation=0.1)
    law = np.full(6, 1 / 6)
    exact = _gallager_terms(panel, law, RHO_GRID)
    for stride in (2, 7, 25, 50):
        chords = _gallager_terms_on_chords(panel, law, RHO_GRID, stride)
        assert np.all(chords >= exact - 1e-12) and np.all(chords <= 1.0)
    assert np.allclose(_gallager_terms_on_chords(panel, law, RHO_GRID, 1), exact)


def test_a_capped_decoding_is_achievable_and_flagged():
    kernel = _ordinal(1.5, 8, 3.0) @ _ordinal_slip(8, 0.02)
    exact = decode_kernel(kernel, 6, 0.1, None)
    full = decoding_work(8, math.comb(13, 7), symmetric=False, coding_terms=True)
    assert exact.exact and not exact.budget_limited
    for share in (0.5, 0.05, 1e-4):
        with metered_work() as meter:
            capped = decode_kernel(kernel, 6, 0.1, None, max_work=share * full)
        assert capped.budget_limited
        assert capped.label_accuracy <= exact.label_accuracy + 1e-12
        # The Gallager terms are upper bounds (weaker exponents, so fewer items are promised).
        assert np.all(np.asarray(capped.dimensions[0].gallager) >= np.asarray(exact.dimensions[0].gallager) - 1e-12)
        assert meter.entries <= max(share * full, decoding_work(8, 8, symmetric=False, coding_terms=True)) * 1.5


def test_question_decoding_passes_the_cap_through():
    exact = question_decoding("ordinal", 7, dprime_value=1.1, raters=5, correlation=0.1)
    capped = question_decoding("ordinal", 7, dprime_value=1.1, raters=5, correlation=0.1, max_work=1e5)
    assert not exact.budget_limited and capped.budget_limited
    assert capped.raters_used <= exact.raters_used and not capped.exact
    assert capped.label_accuracy <= exact.label_accuracy + 1e-12
    # Its information at the prior is reported at its upper bound H(π), never below I_π.
    assert capped.prior_information_nats >= exact.prior_information_nats - 1e-12
