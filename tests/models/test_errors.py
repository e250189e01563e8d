"""Argument checks: one exception type, messages that name the argument, value and allowed range."""

from __future__ import annotations

import math

import numpy as np
import pytest

import models
from models.errors import InvalidArgumentError, ModelError, check_choice, check_integer, check_real, interval_text


def test_invalid_argument_error_is_a_value_error():
    assert issubclass(InvalidArgumentError, ValueError)
    assert issubclass(InvalidArgumentError, ModelError)
    assert models.InvalidArgumentError is InvalidArgumentError


def test_messages_name_argument_value_and_range():
    with pytest.raises(InvalidArgumentError) as caught:
        check_integer("raters", 0, low=1)
    assert str(caught.value) == "raters must be an integer >= 1, got 0"
    with pytest.raises(InvalidArgumentError) as caught:
        check_real("share", 1.5, low=0.0, high=1.0)
    assert str(caught.value) == "share must be a real number in [0, 1], got 1.5"
    with pytest.raises(InvalidArgumentError) as caught:
        check_real("delta", 1.0, low=0.0, high=1.0, low_open=True, high_open=True)
    assert str(caught.value) == "delta must be a real number in (0, 1), got 1.0"
    with pytest.raises(InvalidArgumentError) as caught:
        check_choice("form", "x", ("a", "b"))
    assert str(caught.value) == "form must be one of 'a', 'b', got 'x'"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), "3", None, True, np.bool_(False), [1.0]])
def test_non_numbers_are_rejected(value):
    with pytest.raises(InvalidArgumentError, match="x must be"):
        check_real("x", value)


def test_integers_accept_integral_floats_and_numpy_integers():
    assert check_integer("k", 3.0) == 3
    assert check_integer("k", np.int64(4)) == 4
    for value in (2.5, True, "2", float("inf")):
        with pytest.raises(InvalidArgumentError, match="k must be an integer"):
            check_integer("k", value)
    assert check_real("x", np.float32(0.5)) == 0.5


@pytest.mark.parametrize(("low", "high", "low_open", "high_open", "ascii_text", "window_text"), [
    (None, None, False, False, "", ""),
    (0.0, None, True, False, "> 0", "> 0"),
    (0.0, None, False, False, ">= 0", "≥ 0"),
    (None, 5.0, False, True, "< 5", "< 5"),
    (None, 5.0, False, False, "<= 5", "≤ 5"),
    (0.0, 1.0, True, False, "(0, 1]", "(0, 1]"),
    (0.5, 2.0, False, True, "[0.5, 2)", "[0.5, 2)"),
])
def test_interval_text_writes_each_kind_of_interval(low, high, low_open, high_open, ascii_text, window_text):
    assert interval_text(low, high, low_open, high_open) == ascii_text
    assert interval_text(low, high, low_open, high_open, at_least="≥", at_most="≤") == window_text
    # The error messages wrap the same text.
    with pytest.raises(InvalidArgumentError) as raised:
        check_real("x", math.nan, low=low, high=high, low_open=low_open, high_open=high_open)
    assert str(raised.value).startswith(f"x must be a {'finite ' if low is None or high is None else ''}real number")
    assert str(raised.value).split(", got")[0].endswith(ascii_text)
