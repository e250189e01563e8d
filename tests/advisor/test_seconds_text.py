"""Times per item in solve's sentences: four significant digits, rounded the way that keeps the sentence true."""

from __future__ import annotations

import pytest

from advisor.planning.solve import seconds_text


@pytest.mark.parametrize("seconds, rounding, expected", [
    (190.02, "up", "190.1 s per item"),      # suffices: any longer time does too
    (108.53, "down", "108.5 s per item"),    # needed at least: any shorter bound holds too
    (108.53, "up", "108.6 s per item"),
    (86_400.0, "up", "86,400 s per item"),
    (120.0, "nearest", "120 s per item"),
    (2.35, "up", "2.35 s per item"),
    (0.57, "down", "0.57 s per item"),
    (1000.4, "nearest", "1,000 s per item"),
])
def test_seconds_text(seconds, rounding, expected):
    assert seconds_text(seconds, rounding) == expected
