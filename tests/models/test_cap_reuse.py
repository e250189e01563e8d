"""A capacity that converged under one work cap serves every cap it fits: the same result as a
fresh computation under that cap; one stopped by its cap serves only that cap."""

from __future__ import annotations

import math

import numpy as np
import pytest

import models.channel as channel
from models.capacity import _capacities_spent, metered_work
from models.channel import question_channel
from models.kernels import _ordinal, _ordinal_slip
from models.panel import count_kernel


def clear() -> None:
    channel._ordinal_capacities.cache_clear()
    channel._ordinal_parts.cache_clear()
    channel._question_channels.cache_clear()


def test_the_work_reported_is_the_work_metered():
    kernels = [count_kernel(_ordinal(d, 7, 3.0) @ _ordinal_slip(7, 0.02), 3, correlation=0.1) for d in (0.7, 2.0)]
    kernels.append(_ordinal(1.0, 20, 3.0))  # Blahut-Arimoto
    for kernel in kernels:
        with metered_work() as meter:
            (result, spent), = _capacities_spent([kernel], 1e-9, 100_000, [math.inf])
        assert spent == pytest.approx(meter.entries)
        # under any cap of at least that work, the same result
        (again, _), = _capacities_spent([kernel], 1e-9, 100_000, [spent])
        assert again.nats == result.nats and again.gap == result.gap
        assert np.array_equal(again.input_distribution, result.input_distribution)


@pytest.mark.parametrize("raters", [3, 5])
def test_a_channel_computed_under_a_cap_equals_a_fresh_one_under_that_cap(raters):
    arguments = dict(seconds=23.0, raters=raters, correlation=0.1)
    clear()
    roomy = question_channel("ordinal", 7, max_work=1e9, **arguments)
    for cap in (5e8, 2e7, 3e6, 3e5):
        reused = question_channel("ordinal", 7, max_work=cap, **arguments)
        clear()
        fresh = question_channel("ordinal", 7, max_work=cap, **arguments)
        assert reused == fresh
        clear()
        question_channel("ordinal", 7, max_work=1e9, **arguments)  # the roomy result back in the cache
    assert not roomy.budget_limited


def test_a_result_stopped_by_its_cap_is_not_served_to_a_larger_cap():
    clear()
    key = ("panel", 2.5, 12, 3.0, 0.02, 3, 0.2)
    kernel = channel._ordinal_kernel(key + (math.inf,))
    small = channel._ordinal_capacities(*key, 2e5)
    assert small.gap > 1e-9
    large = channel._ordinal_capacities(*key, math.inf)
    assert large.gap <= 1e-9
    assert large.nats == _capacities_spent([kernel], 1e-9, 100_000, [math.inf])[0][0].nats
