"""Water-filling of judgment time across questions (models/allocation.py).

The allocation is an exact max-plus programme on a grid, so it must (i) never
lose to a simple allocation that lies on the same grid (an equal split among
any subset of the questions, all time to one question), (ii) equal a
brute-force enumeration of every grid allocation, and (iii) on concave gains
reproduce the classical water-filling solution to grid resolution.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.allocation import allocate_on_grid, water_fill
from models.errors import InvalidArgumentError


def _saturating_gain(height: float, rate: float, dead: float):
    """A speed–accuracy shaped gain: nothing until ``dead``, then a saturating rise.

    Convex just after the dead time and concave later, like capacity against
    judgment time, so a marginal-gain (Lagrange) search could stop early.
    """

    def gain(share: float) -> float:
        return height * (1.0 - math.exp(-rate * max(0.0, share - dead))) ** 2

    return gain


gain_parameters = st.tuples(
    st.floats(0.05, 3.0),  # height, nats
    st.floats(0.5, 40.0),  # rate, per unit share
    st.floats(0.0, 0.4),  # dead share
)


def _total(gains, shares) -> float:
    return sum(g(s) for g, s in zip(gains, shares))


@settings(max_examples=60, deadline=None)
@given(parameters=st.lists(gain_parameters, min_size=1, max_size=4), multiple=st.integers(1, 4))
def test_water_fill_beats_every_equal_split_and_single_question(parameters, multiple):
    gains = [_saturating_gain(*p) for p in parameters]
    questions = len(gains)
    steps = 12 * multiple  # divisible by 1..4, so every equal split lies on the grid
    allocation = water_fill(gains, steps=steps)
    assert math.isclose(sum(allocation.shares), 1.0, abs_tol=1e-12)
    assert allocation.value == pytest.approx(_total(gains, allocation.shares), abs=1e-12)
    for size in range(1, questions + 1):
        for subset in itertools.combinations(range(questions), size):
            shares = [1.0 / size if q in subset else 0.0 for q in range(questions)]
            assert allocation.value >= _total(gains, shares) - 1e-12


def _brute_force(table: np.ndarray) -> float:
    questions, width = table.shape
    steps = width - 1
    best = -math.inf
    for units in itertools.product(range(width), repeat=questions):
        if sum(units) == steps:
            best = max(best, float(sum(table[q, u] for q, u in enumerate(units))))
    return best


@settings(max_examples=80, deadline=None)
@given(
    questions=st.integers(1, 4),
    steps=st.integers(1, 9),
    seed=st.integers(0, 2**32 - 1),
    monotone=st.booleans(),
)
def test_grid_optimum_equals_brute_force(questions, steps, seed, monotone):
    rng = np.random.default_rng(seed)
    table = rng.uniform(-1.0, 2.0, size=(questions, steps + 1))
    if monotone:
        table = np.cumsum(np.abs(table), axis=1)
    allocation = allocate_on_grid(table)
    assert allocation.value == pytest.approx(_brute_force(table), abs=1e-12)
    units = np.rint(np.array(allocation.shares) * steps).astype(int)
    assert units.sum() == steps
    assert allocation.value == pytest.approx(float(table[np.arange(questions), units].sum()), abs=1e-12)


@settings(max_examples=40, deadline=None)
@given(
    heights=st.lists(st.floats(0.2, 3.0), min_size=2, max_size=4),
    noise=st.lists(st.floats(0.02, 0.5), min_size=4, max_size=4),
)
def test_concave_gains_match_classical_water_filling(heights, noise):
    # C_q(s) = a_q ln(1 + s / n_q): the optimum is s_q = max(0, a_q / ν − n_q),
    # with the water level ν fixed by Σ s_q = 1 (bisection below).
    noise = noise[: len(heights)]
    gains = [lambda s, a=a, n=n: a * math.log1p(s / n) for a, n in zip(heights, noise)]

    def shares_at(level: float) -> list[float]:
        return [max(0.0, a / level - n) for a, n in zip(heights, noise)]

    low, high = 1e-9, max(a / n for a, n in zip(heights, noise))
    for _ in range(200):
        middle = 0.5 * (low + high)
        if sum(shares_at(middle)) > 1.0:
            low = middle
        else:
            high = middle
    exact = shares_at(0.5 * (low + high))
    steps = 400
    allocation = water_fill(gains, steps=steps)
    # Grid resolution: each share within a few grid units of the continuous optimum,
    # and the value within what one unit per question can change.
    assert np.max(np.abs(np.array(allocation.shares) - np.array(exact))) <= 2.5 / steps
    slope = max(a / n for a, n in zip(heights, noise))
    assert _total(gains, exact) - allocation.value <= len(heights) * slope / steps
    assert allocation.value <= _total(gains, exact) + 1e-12
    level = 0.5 * (low + high)
    assert allocation.water_level == pytest.approx(level, rel=0.1)


def test_single_question_takes_everything():
    allocation = water_fill([lambda s: s**2], steps=10)
    assert allocation.shares == (1.0,)
    assert allocation.value == pytest.approx(1.0)


def test_dead_time_is_respected_where_a_greedy_would_split():
    # Two identical questions that carry nothing below half the budget: the
    # optimum gives one of them everything rather than splitting evenly.
    gains = [_saturating_gain(1.0, 20.0, 0.55)] * 2
    allocation = water_fill(gains, steps=20)
    assert sorted(allocation.shares) == [0.0, 1.0]
    assert allocation.value > 0.0


@pytest.mark.parametrize("steps", [0, 10_001, 2.5, "4"])
def test_rejects_bad_steps(steps):
    with pytest.raises(InvalidArgumentError, match="steps"):
        water_fill([lambda s: s], steps=steps)


def test_rejects_empty_and_non_finite_input():
    with pytest.raises(InvalidArgumentError, match="gains"):
        water_fill([], steps=4)
    with pytest.raises(InvalidArgumentError, match="finite"):
        allocate_on_grid(np.array([[0.0, math.nan]]))
    with pytest.raises(InvalidArgumentError, match="shape"):
        allocate_on_grid(np.zeros((1, 1)))
