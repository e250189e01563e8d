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
