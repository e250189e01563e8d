"""The time model: reading, Hick-Hyman effort and Wickelgren's speed-accuracy curve (the method §3)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import dprime, hick_hyman_effort, judgment_seconds, reading_seconds


def test_reading_and_judgment_seconds():
    assert reading_seconds(238, 238) == pytest.approx(60.0)
    assert judgment_seconds(30.0, 0.5, 119, 238) == pytest.approx(0.5 * (30.0 - 30.0))
    assert judgment_seconds(40.0, 0.25, 119, 238) == pytest.approx(0.25 * 10.0)
    # Reading longer than the budget leaves no judgment time, never negative time.
    assert judgment_seconds(5.0, 1.0, 1000, 238) == 0.0


def test_hick_hyman_effort_by_format():
    assert hick_hyman_effort("binary", 2) == 1.0
    assert hick_hyman_effort("categorical", 8) == pytest.approx(3.0)
    assert hick_hyman_effort("ordinal", 5) == pytest.approx(math.log2(5))
    assert hick_hyman_effort("pairwise", 3) == pytest.approx(math.log2(3))
    assert hick_hyman_effort("ranking", 4) == pytest.approx(math.log2(24))
    assert hick_hyman_effort("ranking", 2) == 1.0
    assert hick_hyman_effort("ranking", 1) == 1.0
    assert hick_hyman_effort("multi_select", 6) == 6.0
    assert hick_hyman_effort("free_text", None) == 1.0


def test_dprime_curve():
    assert dprime(1.0, 2.0, 0.15, 1.5) == 0.0
    assert dprime(1.5, 2.0, 0.15, 1.5) == 0.0
    assert dprime(11.5, 2.0, 0.15, 1.5) == pytest.approx(2.0 * (1 - math.exp(-1.5)), abs=1e-15)
    assert dprime(1e6, 2.0, 0.15, 1.5) == pytest.approx(2.0)


@settings(max_examples=100, deadline=None)
@given(
    st.floats(min_value=0.0, max_value=1e5),
    st.floats(min_value=0.0, max_value=1e3),
    st.floats(min_value=0.0, max_value=20.0),
    st.floats(min_value=1e-4, max_value=10.0),
    st.floats(min_value=0.0, max_value=30.0),
)
def test_dprime_is_monotone_bounded_and_finite(t, extra, lam, beta, delay):
    early = dprime(t, lam, beta, delay)
    late = dprime(t + extra, lam, beta, delay)
    assert math.isfinite(late)
    assert 0.0 <= early <= late <= lam
    assert dprime(t, lam * 1.5, beta, delay) >= early


def test_timing_rejects_bad_arguments():
    with pytest.raises(ValueError, match="seconds_per_item must be a finite real number >= 0, got -1"):
        judgment_seconds(-1, 0.5, 0, 238)
    with pytest.raises(ValueError, match="share must be a real number in \\[0, 1\\]"):
        judgment_seconds(10, 1.5, 0, 238)
    with pytest.raises(ValueError, match="reading_wpm must be a finite real number > 0"):
        reading_seconds(10, 0)
    with pytest.raises(ValueError, match="kind must be one of"):
        hick_hyman_effort("likert", 5)
    with pytest.raises(ValueError, match="k must be an integer >= 2, got 1"):
        hick_hyman_effort("categorical", 1)
    with pytest.raises(ValueError, match="accrual_rate must be a finite real number > 0"):
        dprime(3.0, 2.0, 0.0, 1.5)
    with pytest.raises(ValueError, match="t must be a finite real number >= 0"):
        dprime(float("nan"), 2.0, 0.1, 1.5)
    with pytest.raises(ValueError, match="discriminability"):
        dprime(3.0, -2.0, 0.1, 1.5)
