"""fano_floors: Fano's exact floor of many designs at once, the bisection of fano_floor on arrays."""

from __future__ import annotations

import math

import numpy as np
import pytest

import models
from models.bounds import _exact_floors


def test_the_floors_of_many_designs_are_fano_floor_to_rounding():
    rng = np.random.default_rng(12)
    bits = np.concatenate([rng.uniform(0.05, 2.0, 300), rng.uniform(1.0, 64.0, 300), rng.uniform(100.0, 1000.0, 50),
                           rng.uniform(900.0, 3000.0, 20)])
    capacities = np.where(rng.random(bits.shape) < 0.15, 0.0, rng.uniform(0.0, 1.2, bits.shape) * bits * math.log(2))
    capacities[:10] = 1e-12
    for form in ("exact", "paper"):
        for separation in (1.0, 0.4):
            floors = models.fano_floors(capacities, bits, separation=separation, form=form)
            for capacity, complexity, floor in zip(capacities, bits, floors):
                expected = models.fano_floor(float(capacity), float(complexity), separation=separation, form=form)
                assert floor == pytest.approx(expected, abs=4e-16)


def test_each_floor_is_the_one_computed_alone_and_keeps_fanos_properties():
    capacities = np.array([0.0, 0.0, 0.3, 0.3, 1.1, 5.0])
    bits = np.array([1.0, 1.0 + 1e-15, 3.0, 3.5, 3.0, 3.0])
    together = _exact_floors(capacities, bits)
    for index in range(capacities.shape[0]):
        assert _exact_floors(capacities[index:index + 1], bits[index:index + 1])[0] == together[index]
    assert together[1] >= together[0]  # non-decreasing in log2 M, to the last bit
    assert together[3] >= together[2] >= together[4] >= together[5] == 0.0
    assert together[0] == pytest.approx(0.5, abs=1e-15)


def test_fano_floors_broadcast_and_reject_bad_values():
    assert models.fano_floors([0.1, 0.2], 3.0).shape == (2,)
    with pytest.raises(ValueError, match="capacity_nats"):
        models.fano_floors([-1.0], [3.0])
    with pytest.raises(ValueError, match="log2_m"):
        models.fano_floors([1.0], [0.0])


@pytest.mark.parametrize("alphabet", [2, 3, 5, 50])
def test_prior_floors_of_arrays_are_the_scalar_floors_and_solve_fano(alphabet):
    rng = np.random.default_rng(alphabet)
    log_n = math.log(alphabet)
    entropy = rng.uniform(0.0, log_n, 3000)
    information = rng.uniform(0.0, log_n, 3000) * rng.choice([1.0, 1e-3, 1e-9], 3000)
    entropy[:30], information[:30] = log_n, 0.0  # no information: guessing's error 1 - 1/N
    information[30:40] = entropy[30:40] + 0.1  # more information than entropy: 0
    floors = models.fano_floors_prior(entropy.reshape(100, 30), information.reshape(100, 30), log_n).ravel()
    scalar = np.array([models.fano_floor_prior(h, i, log_n) for h, i in zip(entropy, information)])
    np.testing.assert_allclose(floors, scalar, rtol=0.0, atol=1e-15)
    assert (floors[30:40] == 0.0).all() and np.allclose(floors[:30], 1.0 - 1.0 / alphabet, rtol=0, atol=1e-15)
    # Each positive floor solves h(p) + p ln(N - 1) = H - I from below, to rounding.
    positive = floors > 1e-12
    p = floors[positive]
    lhs = -p * np.log(p) - (1.0 - p) * np.log1p(-p) + p * math.log(alphabet - 1.0) if alphabet > 2 else \
        -p * np.log(p) - (1.0 - p) * np.log1p(-p)
    assert (lhs <= (entropy - information)[positive] + 1e-12).all()
    np.testing.assert_allclose(lhs, (entropy - information)[positive], rtol=1e-9, atol=1e-12)


def test_prior_floors_refuse_bad_arrays():
    with pytest.raises(ValueError, match="one shape"):
        models.fano_floors_prior(np.zeros(3), np.zeros(4), 1.0)
    with pytest.raises(ValueError, match="finite and >= 0"):
        models.fano_floors_prior(np.array([0.5, np.nan]), np.zeros(2), 1.0)
