"""Allocation of a rater's judgment time across questions (water-filling).

The problem is ``maximise Σ_q C_q(t_q) subject to Σ_q t_q = T, t_q ≥ 0`` with
every ``C_q`` non-decreasing. When each ``C_q`` is concave the optimum
equalises the marginal gains ``C_q'(t_q)`` (the water level), the classical
water-filling solution. Here the gains are *not* concave near zero: the
speed–accuracy curve ``d′(t)`` is 0 until the dead time ``δ₀`` and rises
convexly after it, so a question given too little time carries nothing. A
Lagrange-multiplier search can then stop at a poor point, so the allocation is
computed exactly on a grid of ``steps`` equal time units by max-plus dynamic
programming (``O(Q · steps²)``). Where the gains are concave this is the
water-filling solution at grid resolution; where they are not it is still the
grid optimum, which water-filling on the concave envelope only approximates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from models.errors import InvalidArgumentError


@dataclass(frozen=True)
class Allocation:
    """The optimal split of the time budget.

    Attributes
    ----------
    shares
        Fraction of the budget per question, in [0, 1], summing to 1.
    value
        The objective ``Σ_q C_q`` at the optimum (units of the gains, e.g. nats).
    water_level
        The marginal gain per unit share at the optimum (the multiplier of the
        budget constraint), estimated from the grid: units of the gains per
        unit share.
    """

    shares: tuple[float, ...]
    value: float
    water_level: float


def allocate_on_grid(gain_table: np.ndarray) -> Allocation:
    """Exact max-plus allocation of ``steps`` units among questions.

    Parameters
    ----------
    gain_table
        Array of shape ``(questions, steps + 1)``; ``gain_table[q, j]`` is the
        gain of question ``q`` when it gets ``j / steps`` of the budget. Finite.

    Returns
    -------
    Allocation
    """
    table = np.asarray(gain_table, dtype=float)
    if table.ndim != 2 or table.shape[0] < 1 or table.shape[1] < 2:
        raise InvalidArgumentError(
            f"gain_table must have shape (questions >= 1, steps + 1 >= 2), got {table.shape}"
        )
    if not np.all(np.isfinite(table)):
        raise InvalidArgumentError("gain_table must contain finite numbers only")
    questions, width = table.shape
    steps = width - 1
    # best[j]: best total of the questions so far using exactly j units;
    # choice[q, j]: units question q takes in that optimum.
    best = table[0].copy()
    choice = np.zeros((questions, width), dtype=np.int64)
    choice[0] = np.arange(width)
    units = np.arange(width)
    for q in range(1, questions):
        # candidate[j, u] = best[j - u] + table[q, u] for u <= j
        previous = best[units[:, None] - units[None, :]]
        candidate = np.where(units[None, :] <= units[:, None], previous + table[q][None, :], -np.inf)
        choice[q] = np.argmax(candidate, axis=1)
        best = candidate[units, choice[q]]
    allocation = np.zeros(questions, dtype=np.int64)
    remaining = steps
    for q in range(questions - 1, -1, -1):
        allocation[q] = choice[q, remaining]
        remaining -= allocation[q]
    shares = allocation / steps
    value = float(table[np.arange(questions), allocation].sum())
    # The water level: the smallest marginal gain among questions with time,
    # per unit share (one grid unit is 1/steps of the budget).
    marginal = [
        (table[q, allocation[q]] - table[q, allocation[q] - 1]) * steps
        for q in range(questions)
        if allocation[q] > 0
    ]
    water_level = float(max(0.0, min(marginal))) if marginal else 0.0
    return Allocation(tuple(float(s) for s in shares), value, water_level)


def water_fill(gains: Sequence[Callable[[float], float]], *, steps: int = 48) -> Allocation:
    """Split a unit budget among questions to maximise the total gain.

    Parameters
    ----------
    gains
        One callable per question mapping a share in [0, 1] to its gain
        (non-decreasing, finite; e.g. capacity in nats).
    steps
        Grid resolution: shares are multiples of ``1 / steps``; integer in
        [1, 10000].

    Returns
    -------
    Allocation
    """
    if not isinstance(steps, (int, np.integer)) or not 1 <= steps <= 10_000:
        raise InvalidArgumentError(f"steps must be an integer from 1 to 10000, got {steps!r}")
    if len(gains) < 1:
        raise InvalidArgumentError("gains must hold at least one callable")
    grid = np.arange(steps + 1) / steps
    table = np.array([[float(gain(share)) for share in grid] for gain in gains])
    return allocate_on_grid(table)
