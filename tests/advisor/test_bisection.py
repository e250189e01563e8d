"""The grid searches the planners share find the first true value of a monotone predicate."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from advisor.planning.bisection import first_true, first_true_near


@given(st.integers(1, 500), st.integers(0, 600), st.integers(0, 500))
def test_first_true_near_finds_the_threshold_or_none(low_offset, threshold, start):
    low, high = 1, low_offset + 1
    asked = []

    def predicate(n: int) -> bool:
        asked.append(n)
        return n >= threshold

    found = first_true_near(predicate, start, low, high)
    if threshold > high:
        assert found is None
    else:
        assert found == max(threshold, low)
    assert all(low <= n <= high for n in asked)


@given(st.integers(0, 1000), st.integers(0, 1000))
def test_first_true_bisects(threshold, width):
    low, high = 0, max(threshold, width)
    asked = []

    def predicate(n: int) -> bool:
        asked.append(n)
        return n >= threshold

    assert first_true(predicate, low, high) == threshold
    assert high not in asked and len(asked) <= max(1, high - low).bit_length()
