"""question_channel: per-format capacities, monotonicity and the binding stage (the method §3-§4, §7)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import models
from models import FORMAT_KINDS, question_channel
from models.channel import rater_kernel

LN2 = math.log(2.0)

FORMATS = [
    ("binary", None),
    ("categorical", 4),
    ("ordinal", 5),
    ("pairwise", 3),
    ("ranking", 3),
    ("ranking", 6),
    ("multi_select", 4),
    ("free_text", None),
    ("best_worst", 4),
]


PANEL_PEAKS_IN_DPRIME = ("best_worst",)
"""Formats whose panels carry most at a moderate d′: best-worst answers never order a tuple's middle
items, and only raters' errors do (tests/models/test_best_worst.py shows it); one rater's channel is
still monotone."""


def channel(kind, k, **kwargs):
    if kind == "free_text":
        kwargs.setdefault("max_chars", 200)
    return question_channel(kind, k, **kwargs)


def test_binary_channel_by_hand():
    seconds, lam, beta, delay, slip = 6.0, 2.0, 0.15, 1.5, 0.02
    d = lam * (1 - math.exp(-beta * (seconds - delay)))
    pc = models.percent_correct(d, 2)
    composite_error = (1 - pc) * (1 - slip) + pc * slip
    result = question_channel("binary", seconds=seconds, slip_rate=slip)
    assert result.alternatives == 2 and result.max_nats == pytest.approx(LN2)
    assert result.effort == 1.0 and result.effective_seconds == seconds
    assert result.dprime == pytest.approx(d, abs=1e-15)
    assert result.cognitive_nats == pytest.approx(models.nominal_capacity(pc, 2), abs=1e-14)
    assert result.articulation_nats == pytest.approx(LN2 - models.binary_entropy(slip), abs=1e-14)
    assert result.cascade_nats == pytest.approx(LN2 - models.binary_entropy(composite_error), abs=1e-14)
    assert result.paper_nats == min(result.cognitive_nats, result.articulation_nats)
    assert result.panel_nats == result.cascade_nats and result.panel_exact


def test_categorical_channel_agrees_with_blahut_arimoto_on_the_composite_kernel():
    result = question_channel("categorical", 5, seconds=10.0, raters=3, correlation=0.2, slip_rate=0.05)
    d = result.dprime
    assert result.effort == pytest.approx(math.log2(5))
    composite = models.compose(models.nominal_kernel(d, 5), models.nominal_slip_kernel(5, 0.05))
    assert result.cascade_nats == pytest.approx(models.blahut_arimoto(composite).nats, abs=1e-9)
    assert result.panel_nats == pytest.approx(
        models.panel_capacity(composite, 3, correlation=0.2).nats, abs=1e-9
    )


@pytest.mark.parametrize("kind", ["ordinal", "pairwise"])
def test_ordinal_channel_agrees_with_the_kernels(kind):
    result = question_channel(kind, 4, seconds=9.0, raters=4, correlation=0.1, span=2.5)
    cognitive = models.ordinal_kernel(result.dprime, 4, span=2.5)
    articulation = models.ordinal_slip_kernel(4, 0.02)
    assert result.cognitive_nats == pytest.approx(models.blahut_arimoto(cognitive).nats, abs=1e-9)
    assert result.articulation_nats == pytest.approx(models.blahut_arimoto(articulation).nats, abs=1e-9)
    composite = models.compose(cognitive, articulation)
    assert result.panel_nats == pytest.approx(models.panel_capacity(composite, 4, correlation=0.1).nats, abs=1e-9)


def test_ranking_channel_uses_mallows_and_falls_back_beyond_four_items():
    small = question_channel("ranking", 3, seconds=20.0, raters=3, correlation=0.1)
    assert small.alternatives == 6 and small.effort == pytest.approx(math.log2(6))
    p = models.ranking_swap_probability(small.dprime, 3)
    assert small.cognitive_nats == pytest.approx(models.ranking_capacity(3, p, 0.0), abs=1e-14)
    assert small.cascade_nats == pytest.approx(models.ranking_capacity(3, p, 0.02), abs=1e-14)
    assert small.panel_exact
    kernel = models.mallows_kernel(3, models.folded_dispersion(models.effective_swap_probability(p, 0.02)))
    assert small.panel_nats == pytest.approx(models.panel_capacity(kernel, 3, correlation=0.1).nats, abs=1e-9)
    large = question_channel("ranking", 6, seconds=60.0, raters=3, correlation=0.1)
    assert not large.panel_exact
    assert large.panel_nats == pytest.approx(
        min(math.lgamma(7), (0.9 * 3 + 0.1) * large.cascade_nats), abs=1e-12
    )


def test_multi_select_is_k_binary_decisions():
    result = question_channel("multi_select", 4, seconds=20.0, raters=2, correlation=0.1)
    decision = question_channel("binary", seconds=5.0, raters=2, correlation=0.1)
    assert result.alternatives == 16 and result.max_nats == pytest.approx(4 * LN2)
    assert result.effort == 4.0 and result.effective_seconds == 5.0
    for field in ("cognitive_nats", "articulation_nats", "cascade_nats", "panel_nats"):
        assert getattr(result, field) == pytest.approx(4 * getattr(decision, field), abs=1e-12)


def test_free_text_formulas():
    result = question_channel("free_text", seconds=10.0, max_chars=20, raters=1, aspects=2)
    d = result.dprime
    assert result.alternatives == 0
    assert result.cognitive_nats == pytest.approx(2 * 0.5 * math.log(1 + d * d))
    assert result.articulation_nats == pytest.approx(LN2 * min(20, 33.0))
    assert result.max_nats == pytest.approx(20 * LN2)
    assert result.cascade_nats == result.paper_nats
    panel = question_channel("free_text", seconds=10.0, max_chars=20, raters=4, correlation=0.25, aspects=2)
    assert not panel.panel_exact
    expected = min((0.75 * 4 + 0.25) * panel.articulation_nats,
                   2 * 0.5 * (0.75 * math.log(1 + 4 * d * d) + 0.25 * math.log(1 + d * d)))
    assert panel.panel_nats == pytest.approx(expected)


def test_binding_stages():
    saturated = question_channel("binary", seconds=60.0, discriminability=8.0, slip_rate=0.0, raters=5)
    assert saturated.saturated and saturated.binding_stage == "question alphabet"
    sloppy = question_channel("categorical", 3, seconds=60.0, discriminability=3.0, slip_rate=0.45)
    assert sloppy.articulation_nats < sloppy.cognitive_nats
    assert sloppy.binding_stage == "articulation"
    herd = question_channel("binary", seconds=8.0, raters=9, correlation=0.9)
    assert herd.binding_stage == "rater aggregation"
    slow = question_channel("ordinal", 5, seconds=4.0)
    assert slow.binding_stage == "cognitive"
    for kind, k in FORMATS:
        assert channel(kind, k, seconds=12.0, raters=3, correlation=0.3).binding_stage in models.BINDING_STAGES


@pytest.mark.parametrize("kind,k", FORMATS)
def test_capacities_are_ordered(kind, k):
    result = channel(kind, k, seconds=15.0, raters=3, correlation=0.2)
    assert result.kind == kind
    assert result.cascade_nats <= result.paper_nats + 1e-12
    assert result.paper_nats == min(result.cognitive_nats, result.articulation_nats)
    if kind == "free_text":  # r texts: the panel may exceed one text's limit
        assert result.cascade_nats - 1e-9 <= result.panel_nats <= 3 * result.max_nats + 1e-12
        assert result.saturated == (result.cascade_nats >= 0.95 * result.max_nats)
    else:
        assert result.cascade_nats - 1e-9 <= result.panel_nats <= result.max_nats + 1e-12
        assert result.saturated == (result.panel_nats >= 0.95 * result.max_nats)


def test_results_are_cached_on_exact_arguments():
    first = question_channel("ordinal", 5, seconds=7.25, raters=3)
    assert question_channel("ordinal", 5, seconds=7.25, raters=3) is first
    assert question_channel("ordinal", 5, seconds=7.25 + 1e-12, raters=3) is not first


format_strategy = st.sampled_from(FORMATS)


@settings(max_examples=60, deadline=None)
@given(
    format_strategy,
    st.floats(min_value=0.0, max_value=120.0),
    st.floats(min_value=0.0, max_value=60.0),
    st.integers(min_value=1, max_value=6),
    st.floats(min_value=0.0, max_value=0.95),
)
def test_capacity_is_non_decreasing_in_time(fmt, seconds, extra, raters, rho):
    kind, k = fmt
    before = channel(kind, k, seconds=seconds, raters=raters, correlation=rho)
    after = channel(kind, k, seconds=seconds + extra, raters=raters, correlation=rho)
    for field in ("cognitive_nats", "cascade_nats", "panel_nats"):
        if field == "panel_nats" and kind in PANEL_PEAKS_IN_DPRIME:
            continue
        assert getattr(after, field) >= getattr(before, field) - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    format_strategy,
    st.floats(min_value=2.0, max_value=60.0),
    st.floats(min_value=0.0, max_value=6.0),
    st.floats(min_value=0.0, max_value=3.0),
    st.integers(min_value=1, max_value=6),
)
def test_capacity_is_non_decreasing_in_discriminability(fmt, seconds, lam, extra, raters):
    kind, k = fmt
    before = channel(kind, k, seconds=seconds, discriminability=lam, raters=raters, correlation=0.1)
    after = channel(kind, k, seconds=seconds, discriminability=lam + extra, raters=raters, correlation=0.1)
    if kind not in PANEL_PEAKS_IN_DPRIME:
        assert after.panel_nats >= before.panel_nats - 1e-9
    assert after.cascade_nats >= before.cascade_nats - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    format_strategy,
    st.floats(min_value=2.0, max_value=60.0),
    st.integers(min_value=1, max_value=7),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_capacity_is_non_decreasing_in_raters(fmt, seconds, raters, rho):
    kind, k = fmt
    before = channel(kind, k, seconds=seconds, raters=raters, correlation=rho)
    after = channel(kind, k, seconds=seconds, raters=raters + 1, correlation=rho)
    assert after.panel_nats >= before.panel_nats - 1e-9


@settings(max_examples=60, deadline=None)
@given(
    format_strategy,
    st.floats(min_value=2.0, max_value=60.0),
    st.integers(min_value=1, max_value=6),
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_capacity_is_non_increasing_in_correlation(fmt, seconds, raters, rho, other):
    kind, k = fmt
    low, high = sorted((rho, other))
    more = channel(kind, k, seconds=seconds, raters=raters, correlation=high)
    less = channel(kind, k, seconds=seconds, raters=raters, correlation=low)
    assert more.panel_nats <= less.panel_nats + 1e-9


@settings(max_examples=80, deadline=None)
@given(
    format_strategy,
    st.floats(min_value=2.0, max_value=60.0),
    st.integers(min_value=1, max_value=5),
    st.floats(min_value=0.0, max_value=0.5),
    st.floats(min_value=0.0, max_value=0.5),
    st.sampled_from([0.0, 0.1, 0.5]),
)
def test_capacity_is_non_increasing_in_slip_rate(fmt, seconds, raters, slip, other, rho):
    """True for one rater of every format, and for every panel without correlation (independent
    slips garble each vote). With rho > 0 the shared draw shares its slip, the more slipped panel is
    no longer a garbling, and ordinal panels can gain a little: see the next test."""
    kind, k = fmt
    low, high = sorted((slip, other))
    more = channel(kind, k, seconds=seconds, raters=raters, correlation=rho, slip_rate=high)
    less = channel(kind, k, seconds=seconds, raters=raters, correlation=rho, slip_rate=low)
    assert more.articulation_nats <= less.articulation_nats + 1e-9
    assert more.cascade_nats <= less.cascade_nats + 1e-9
    if rho == 0.0 or kind not in ("ordinal", "pairwise"):
        assert more.panel_nats <= less.panel_nats + 1e-9


def test_correlated_ordinal_panel_can_gain_from_slips():
    """the method §7 claims capacity never increases with the slip rate; for correlated ordinal panels
    that is false. Confirmed on the brute-force k^r joint kernel, independently of the count kernel."""
    d, k, raters, rho = 0.0657, 5, 3, 0.1
    values = []
    for slip in (0.0, 0.5):
        kernel = models.compose(models.ordinal_kernel(d, k), models.ordinal_slip_kernel(k, slip))
        joint = models.joint_panel_kernel(kernel, raters, correlation=rho)
        values.append(models.blahut_arimoto(joint, tol=1e-12).nats)
        assert values[-1] == pytest.approx(models.panel_capacity(kernel, raters, correlation=rho).nats, abs=2e-9)
    assert values[1] > values[0] + 5e-5
    # Without correlation the slipped panel is a garbling and loses, as it must.
    independent = [
        models.panel_capacity(models.compose(models.ordinal_kernel(d, k), models.ordinal_slip_kernel(k, s)), raters).nats
        for s in (0.0, 0.5)
    ]
    assert independent[1] < independent[0]


@settings(max_examples=120, deadline=None)
@example(("best_worst", 4), 2.0, 2.0, 3.0, 0.0, 4.0, 0.0, 8, 0.0)  # an orbit mass below the smallest normal
@given(
    format_strategy,
    st.floats(min_value=0.0, max_value=1e4),
    st.floats(min_value=0.0, max_value=30.0),
    st.floats(min_value=1e-3, max_value=5.0),
    st.floats(min_value=0.0, max_value=30.0),
    st.floats(min_value=0.0, max_value=5.0),
    st.floats(min_value=0.0, max_value=0.5),
    st.integers(min_value=1, max_value=12),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_no_nan_or_inf_for_valid_input(fmt, seconds, lam, beta, delay, difficulty, slip, raters, rho):
    kind, k = fmt
    result = channel(kind, k, seconds=seconds, discriminability=lam, accrual_rate=beta, base_time=delay,
                     difficulty=difficulty, slip_rate=slip, raters=raters, correlation=rho)
    values = [getattr(result, name) for name in (
        "max_nats", "judgment_seconds", "effective_seconds", "effort", "dprime", "cognitive_nats",
        "articulation_nats", "paper_nats", "cascade_nats", "panel_nats")]
    assert all(math.isfinite(v) and v >= 0.0 for v in values)
    assert result.binding_stage in models.BINDING_STAGES


def test_every_format_kind_is_supported():
    assert set(FORMAT_KINDS) == {kind for kind, _ in FORMATS}


def test_question_channel_rejects_bad_arguments():
    with pytest.raises(ValueError, match="kind must be one of"):
        question_channel("likert", 5, seconds=3.0)
    with pytest.raises(ValueError, match="k must be an integer in \\[2, 2\\], got 3"):
        question_channel("binary", 3, seconds=3.0)
    with pytest.raises(ValueError, match="k must be an integer for categorical questions, got None"):
        question_channel("categorical", seconds=3.0)
    with pytest.raises(ValueError, match="k must be an integer >= 2, got 1"):
        question_channel("ordinal", 1, seconds=3.0)
    with pytest.raises(ValueError, match="seconds must be a finite real number >= 0, got -1"):
        question_channel("binary", seconds=-1)
    with pytest.raises(ValueError, match="raters must be an integer >= 1, got 0"):
        question_channel("binary", seconds=3.0, raters=0)
    with pytest.raises(ValueError, match="slip_rate must be a real number in \\[0, 0.5\\], got 0.7"):
        question_channel("binary", seconds=3.0, slip_rate=0.7)
    with pytest.raises(ValueError, match="correlation"):
        question_channel("binary", seconds=3.0, correlation=-0.1)
    with pytest.raises(ValueError, match="max_chars must be an integer >= 1 for free_text, got None"):
        question_channel("free_text", seconds=3.0)
    with pytest.raises(ValueError, match="max_chars must be an integer >= 1, got 0"):
        question_channel("free_text", seconds=3.0, max_chars=0)
    with pytest.raises(ValueError, match="aspects"):
        question_channel("free_text", seconds=3.0, max_chars=10, aspects=0)
    with pytest.raises(ValueError, match="span"):
        question_channel("ordinal", 4, seconds=3.0, span=-1.0)
    with pytest.raises(ValueError, match="difficulty"):
        question_channel("ordinal", 4, seconds=3.0, difficulty=float("nan"))
    with pytest.raises(ValueError, match="max_outcomes"):
        question_channel("ordinal", 4, seconds=3.0, max_outcomes=0)


@pytest.mark.parametrize("kind, k", [("binary", None), ("categorical", 4), ("ordinal", 5), ("pairwise", 3),
                                     ("multi_select", 3), ("ranking", 3), ("ranking", 6)])
def test_rater_kernel_is_the_cascade_of_the_cognitive_and_slip_kernels(kind, k):
    # rater_kernel is the one builder of a rater's composite kernel (capacities, decodings,
    # the optimiser's tables and the pilots): it must be K_cog @ K_art of models.kernels.
    d, span, slip = 1.3, 2.5, 0.04
    if kind in ("binary", "categorical", "multi_select"):
        answers = 2 if k is None or kind == "multi_select" else k
        expected = models.compose(models.nominal_kernel(d, answers), models.nominal_slip_kernel(answers, slip))
    elif kind in ("ordinal", "pairwise"):
        expected = models.compose(models.ordinal_kernel(d, k, span=span), models.ordinal_slip_kernel(k, slip))
    else:
        swap = models.effective_swap_probability(models.ranking_swap_probability(d, k, span=span), slip)
        expected = models.mallows_kernel(k, models.folded_dispersion(swap))
    kernel = rater_kernel(kind, k, d, span=span, slip_rate=slip)
    assert kernel.shape == expected.shape
    np.testing.assert_allclose(kernel, expected, rtol=0, atol=1e-15)
    assert not kernel.flags.writeable


def test_rater_kernel_is_none_without_a_finite_kernel():
    assert rater_kernel("free_text", None, 1.0) is None
    assert rater_kernel("ranking", 7, 1.0) is None
