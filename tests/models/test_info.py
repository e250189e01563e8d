"""Entropy helpers against direct sums."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import binary_entropy, binary_kl, entropy, kl_divergence, mutual_information
from models.errors import InvalidArgumentError


def test_binary_entropy_values():
    assert binary_entropy(0.0) == 0.0
    assert binary_entropy(1.0) == 0.0
    assert binary_entropy(0.5) == pytest.approx(math.log(2), abs=1e-15)
    p = 0.11
    assert binary_entropy(p) == pytest.approx(-p * math.log(p) - (1 - p) * math.log(1 - p), abs=1e-15)
    values = binary_entropy(np.array([0.0, 0.5, 1.0]))
    assert isinstance(values, np.ndarray)
    assert np.allclose(values, [0.0, math.log(2), 0.0])


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0.0, max_value=1.0))
def test_binary_entropy_is_finite_and_bounded(p):
    value = binary_entropy(p)
    assert math.isfinite(value)
    assert 0.0 <= value <= math.log(2) + 1e-15
    # Mirror about 1/2 with an exactly representable pair: fl(1 - p) rounds for tiny p, and
    # h(p) then legitimately differs from h(fl(1 - p)) by more than 1e-15 in relative terms.
    mirror = 1.0 - p
    assert binary_entropy(mirror) == pytest.approx(binary_entropy(1.0 - mirror), abs=1e-15)


def test_entropy_and_divergence():
    assert entropy([0.25] * 4) == pytest.approx(math.log(4), abs=1e-15)
    assert entropy([1.0, 0.0]) == 0.0
    assert kl_divergence([0.5, 0.5], [0.5, 0.5]) == 0.0
    assert kl_divergence([0.5, 0.5], [0.25, 0.75]) == pytest.approx(
        0.5 * math.log(2) + 0.5 * math.log(0.5 / 0.75), abs=1e-15
    )
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert binary_kl(0.1, 0.1) == 0.0
    assert binary_kl(0.0, 0.5) == pytest.approx(math.log(2), abs=1e-15)
    assert binary_kl(0.2, 1.0) == math.inf


def test_mutual_information_of_simple_channels():
    assert mutual_information([0.5, 0.5], np.eye(2)) == pytest.approx(math.log(2), abs=1e-15)
    assert mutual_information([0.3, 0.7], [[0.5, 0.5], [0.5, 0.5]]) == pytest.approx(0.0, abs=1e-15)
    # I(X;Y) = H(Y) - H(Y|X), computed by hand for a Z-channel.
    p, eps = 0.4, 0.2
    kernel = [[1.0, 0.0], [eps, 1 - eps]]
    output_one = (1 - p) * (1 - eps)
    expected = binary_entropy(output_one) - (1 - p) * binary_entropy(eps)
    assert mutual_information([p, 1 - p], kernel) == pytest.approx(expected, abs=1e-14)


def test_info_rejects_bad_arguments():
    with pytest.raises(InvalidArgumentError, match="p must be a real number in \\[0, 1\\], got 1.5"):
        binary_entropy(1.5)
    with pytest.raises(ValueError, match="p must contain"):
        binary_entropy([0.2, -0.1])
    with pytest.raises(ValueError, match="pmf must sum to 1"):
        entropy([0.2, 0.2])
    with pytest.raises(ValueError, match="q must have the same length"):
        kl_divergence([0.5, 0.5], [1.0])
    with pytest.raises(ValueError, match="K must have one row per input"):
        mutual_information([0.5, 0.5], [[1.0]])
    with pytest.raises(ValueError, match="q must be a real number"):
        binary_kl(0.5, float("nan"))


@pytest.mark.parametrize("shape", [(200, 66, 3, 9), (40, 7), (12, 1), (5,)])
def test_log_sum_exp_is_scipys_to_the_last_bit(shape):
    from scipy import special

    from models.info import log_sum_exp

    rng = np.random.default_rng(len(shape))
    values = rng.normal(scale=30.0, size=shape)
    if shape[-1] > 1:
        values[..., 1] = values[..., 0]  # ties for the largest term in some rows
        values[..., -1] -= 800.0  # terms that vanish beside the largest
    assert np.array_equal(log_sum_exp(values), special.logsumexp(values, axis=-1))
    # Against the definition, where no term overflows.
    small = values / 30.0
    assert log_sum_exp(small) == pytest.approx(np.log(np.exp(small).sum(axis=-1)), rel=1e-13)


def test_log_sum_exp_leaves_infinite_rows_to_scipy():
    from scipy import special

    from models.info import log_sum_exp

    values = np.array([[0.0, 1.0], [-np.inf, -np.inf], [np.inf, 2.0], [-np.inf, 3.0]])
    assert np.array_equal(log_sum_exp(values), special.logsumexp(values, axis=-1))
    assert log_sum_exp(values)[3] == 3.0
