"""Searches of a grid of whole numbers for where a monotone predicate turns true.

The planners ask "which is the smallest value that meets the target?" of
predicates that are false below some value and true from it on (each call is
an evaluation, the cost of a search), so every search here calls the
predicate as few times as bisection allows.
"""

from __future__ import annotations

from collections.abc import Callable


def first_true(predicate: Callable[[int], bool], low: int, high: int) -> int:
    """Smallest n in [low, high] with ``predicate(n)``, by bisection.

    Parameters
    ----------
    predicate
        False below some n and true from it on; ``predicate(high)`` must be true
        (it is not asked).
    low, high
        The grid's ends, integers with ``low <= high``.
    """
    while low < high:
        middle = (low + high) // 2
        if predicate(middle):
            high = middle
        else:
            low = middle + 1
    return low


def first_true_near(predicate: Callable[[int], bool], start: int, low: int, high: int) -> int | None:
    """Smallest n in [low, high] with ``predicate(n)``, searched from ``start``; None when
    ``predicate(high)`` is false.

    Starts at ``start`` and doubles (or halves) from there, so a solution near
    the scenario's own value costs few evaluations; then bisects.

    Parameters
    ----------
    predicate
        False below some n and true from it on.
    start
        Where to look first (clipped to [low, high]).
    low, high
        The grid's ends, integers with ``1 <= low <= high``.
    """
    start = min(max(start, low), high)
    if predicate(start):
        upper = start
        lower = start
        while lower > low:
            lower = max(low, lower // 2)
            if not predicate(lower):
                return first_true(predicate, lower + 1, upper)
            upper = lower
        return low
    lower = start
    upper = start
    while True:
        if upper >= high:
            return None
        upper = min(high, upper * 2)
        if predicate(upper):
            return first_true(predicate, lower + 1, upper)
        lower = upper
