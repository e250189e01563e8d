"""Solve for one unknown: the design value that just meets the target risk.

The pattern of statsmodels' ``solve_power``: one forward function —
:func:`advisor.evaluate.evaluate` and the bound functions of :mod:`models` it
calls — is the only formula, and each unknown is found by searching over it.
Exactly one of these is unknown, everything else is the scenario's:

``raters``
    The smallest number of raters per item ``r`` (integer, 1 to
    :data:`MAX_SOLVE_RATERS` or the raters available) whose risk floor is at
    most the target. The panel capacity never decreases with ``r`` (method §4)
    and the water-filled optimum of non-decreasing gains does not either, so
    the floor is non-increasing in ``r`` and a doubling-then-bisection search
    finds it; the search keeps ``floor(r − 1) > ε ≥ floor(r)``.
``seconds``
    The smallest time per item ``T`` on a grid of :data:`SECONDS_RESOLUTION`
    (0.01 s) whose floor is at most the target. For a fixed format ``T``
    only lengthens every question's effective time ``t_q / e`` (the
    Hick–Hyman effort ``e`` depends on the format, not on ``T``), so each
    question's capacity and their water-filled sum are non-decreasing in ``T``:
    bisection on the grid is exact. (Capacity is not monotone *across*
    formats — more levels cost more time per judgment — but the format is
    fixed here.)
``items``
    The smallest number of items ``m`` whose ceiling is at most the target:
    :func:`models.items_needed`, the inverse of the ceiling evaluate reports.
``log2_m``
    The largest target complexity ``log2 M`` on a grid of
    :data:`LOG2_M_RESOLUTION` bits whose floor is at most the target. ``C̄``
    does not depend on ``log2 M``; the floor is non-decreasing in it.
``budget``
    The smallest campaign cost at which a design with the scenario's items,
    formats and time-share rule meets the floor: the minimum over raters
    ``r`` and times per item ``T`` of ``m · r · T/3600 · wage · (1 + fee)``
    subject to ``floor ≤ ε`` and the scenario's deadline and raters available.
    It is the optimiser's cost minimum (:func:`advisor.optimize.optimize`)
    with the formats fixed and no budget cap, so ``T`` is resolved to the
    optimiser's time grid; the result is checked by :func:`evaluate`.

When no value within the allowed range meets the target the result is
*unreachable*: ``value`` is None and ``best_value`` is the smallest value whose
risk is within :data:`BEST_RISK_TOLERANCE` of the best risk the range allows
(the point past which more buys almost nothing), ``best_risk`` that risk.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import models

from advisor.diagnosis import money
from advisor.errors import AdvisorError
from advisor.evaluate import evaluate
from advisor.scenario import MAX_LOG2_M, MAX_RATERS, Scenario

UNKNOWNS = ("raters", "seconds", "items", "log2_m", "budget")
SECONDS_RESOLUTION = 0.01
"""Grid of the solved time per item, seconds."""
LOG2_M_RESOLUTION = 0.01
"""Grid of the solved target complexity, bits."""
MAX_SOLVE_RATERS = MAX_RATERS
"""Most raters per item the raters search considers (unless fewer are available)."""
MAX_SECONDS = 86_400.0
"""Longest time per item the seconds search considers (the scenario's limit), s."""
MAX_ITEMS = 10**12
"""Most items the items search considers (the scenario's limit)."""
BEST_RISK_TOLERANCE = 1e-3
"""When unreachable, the best value is the smallest whose risk is within this of the best."""


class UnknownParameterError(AdvisorError, ValueError):
    """The unknown to solve for is not one of :data:`UNKNOWNS`."""


@dataclass(frozen=True)
class SolveResult:
    """The value of one unknown that just meets the target.

    Attributes
    ----------
    unknown
        One of :data:`UNKNOWNS`.
    value
        The solution (int for raters and items; float seconds, bits or money
        otherwise), or None when unreachable.
    reachable
        Whether some value in the allowed range meets the target.
    best_value
        The value itself when reachable; otherwise the smallest value whose
        risk is within :data:`BEST_RISK_TOLERANCE` of the best achievable
        (None for items when only infinitely many would approach the plateau).
    best_risk
        The risk (floor; the ceiling for items) at ``best_value``, in [0, 1].
    message
        One sentence in words and numbers.
    scenario
        The scenario with ``best_value`` set (for the budget: the cheapest
        design, its cost as the budget cap).
    step
        The resolution: the value one step less (raters, seconds, items,
        budget: a cheaper design) or more (log2_m) misses the target.
    """

    unknown: str
    value: float | int | None
    reachable: bool
    best_value: float | int | None
    best_risk: float
    message: str
    scenario: Scenario | None
    step: float | int = 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (``for``, ``value``, ``reachable``, ...)."""
        return {
            "for": self.unknown,
            "value": self.value,
            "reachable": self.reachable,
            "best_value": self.best_value,
            "best_risk": self.best_risk,
            "step": self.step,
            "message": self.message,
            "scenario": self.scenario.to_dict() if self.scenario is not None else None,
        }


# ----------------------------------------------------------------- searching
def _first_true(predicate: Callable[[int], bool], low: int, high: int) -> int:
    """Smallest n in [low, high] with predicate(n), given predicate(high) and a monotone predicate."""
    while low < high:
        middle = (low + high) // 2
        if predicate(middle):
            high = middle
        else:
            low = middle + 1
    return low


def _smallest_meeting(meets: Callable[[int], bool], start: int, low: int, high: int) -> int | None:
    """Smallest n in [low, high] with ``meets(n)`` for a predicate that is false
    below some n and true from it on; None when ``meets(high)`` is false.

    Starts at ``start`` and doubles (or halves) from there, so a solution near
    the scenario's own value costs few evaluations.
    """
    start = min(max(start, low), high)
    if meets(start):
        upper = start
        lower = start
        while lower > low:
            lower = max(low, lower // 2)
            if not meets(lower):
                return _first_true(meets, lower + 1, upper)
            upper = lower
        return low
    lower = start
    upper = start
    while True:
        if upper >= high:
            return None
        upper = min(high, upper * 2)
        if meets(upper):
            return _first_true(meets, lower + 1, upper)
        lower = upper


class _Memo:
    """Risk at a grid value, computed once (evaluations are the cost of a solve)."""

    def __init__(self, risk: Callable[[int], float], target: float):
        self.risk_of = risk
        self.target = target
        self.cache: dict[int, float] = {}

    def risk(self, n: int) -> float:
        if n not in self.cache:
            self.cache[n] = self.risk_of(n)
        return self.cache[n]

    def meets(self, n: int) -> bool:
        return self.risk(n) <= self.target


def _best(memo: _Memo, low: int, high: int) -> int:
    """Smallest n in [low, high] within BEST_RISK_TOLERANCE of the risk at ``high``
    (the best, for a risk non-increasing in n)."""
    best = memo.risk(high)
    return _first_true(lambda n: memo.risk(n) <= best + BEST_RISK_TOLERANCE, low, high)


def _floor_of(scenario: Scenario, changes: dict[str, Any]) -> float:
    return evaluate(scenario.with_changes(changes), curves=False).floor


# ------------------------------------------------------------------ unknowns
def _solve_raters(scenario: Scenario) -> SolveResult:
    target = scenario.target.target_risk
    available = scenario.campaign.raters_available
    high = min(MAX_SOLVE_RATERS, available) if available else MAX_SOLVE_RATERS
    memo = _Memo(lambda r: _floor_of(scenario, {"raters.per_item": r}), target)
    found = _smallest_meeting(memo.meets, scenario.raters.per_item, 1, high)
    if found is not None:
        message = (
            f"{found} rater(s) per item bring the floor to {memo.risk(found):.4f} ≤ {target:g}"
            + (f"; {found - 1} leave it at {memo.risk(found - 1):.4f}." if found > 1 else ".")
        )
        return SolveResult("raters", found, True, found, memo.risk(found), message,
                           scenario.with_changes({"raters.per_item": found}), 1)
    best = _best(memo, 1, high)
    message = (
        f"Unreachable: even {high} raters per item leave the floor at {memo.risk(high):.4f} > {target:g}; "
        f"beyond {best} raters (floor {memo.risk(best):.4f}) more raters buy less than {BEST_RISK_TOLERANCE:g} of risk."
    )
    return SolveResult("raters", None, False, best, memo.risk(best), message,
                       scenario.with_changes({"raters.per_item": best}), 1)


def _seconds(n: int) -> float:
    # Dividing by the whole number of steps per second keeps n / 100 exact where n * 0.01 is not.
    return n / round(1.0 / SECONDS_RESOLUTION)


def _solve_seconds(scenario: Scenario) -> SolveResult:
    target = scenario.target.target_risk
    memo = _Memo(lambda n: _floor_of(scenario, {"campaign.seconds_per_item": _seconds(n)}), target)
    high = int(round(MAX_SECONDS / SECONDS_RESOLUTION))
    start = max(1, int(math.ceil(scenario.campaign.seconds_per_item / SECONDS_RESOLUTION - 1e-9)))
    found = _smallest_meeting(memo.meets, start, 1, high)
    if found is not None:
        seconds = _seconds(found)
        message = f"{seconds:.2f} s per item bring the floor to {memo.risk(found):.4f} ≤ {target:g}" + (
            f"; {_seconds(found - 1):.2f} s leave it at {memo.risk(found - 1):.4f}." if found > 1 else
            " (the shortest time considered).")
        return SolveResult("seconds", seconds, True, seconds, memo.risk(found), message,
                           scenario.with_changes({"campaign.seconds_per_item": seconds}), SECONDS_RESOLUTION)
    best = _best(memo, 1, high)
    seconds = _seconds(best)
    message = (
        f"Unreachable: even {MAX_SECONDS:,.0f} s per item leave the floor at {memo.risk(high):.4f} > {target:g}; "
        f"beyond {seconds:.2f} s (floor {memo.risk(best):.4f}) more time buys less than {BEST_RISK_TOLERANCE:g} of risk."
    )
    return SolveResult("seconds", None, False, seconds, memo.risk(best), message,
                       scenario.with_changes({"campaign.seconds_per_item": seconds}), SECONDS_RESOLUTION)


def _solve_items(scenario: Scenario) -> SolveResult:
    evaluation = evaluate(scenario, curves=False)
    target = scenario.target.target_risk
    b = scenario.bounds
    terms = dict(form=b.ceiling_form, delta=b.delta, eta=b.eta, residual_nats=b.residual_nats,
                 context_nats=b.context_nats, catoni_lambda=b.catoni_lambda)

    def ceiling(m: int) -> float:
        return float(models.ceiling(b.observed_risk, evaluation.capacity_nats, m, **terms))

    needed = evaluation.items_needed
    if needed is not None:
        message = f"{needed:,} items bring the {b.ceiling_form} ceiling to {ceiling(needed):.4f} ≤ {target:g}" + (
            f"; {needed - 1:,} leave it at {ceiling(needed - 1):.4f}." if needed > 1 else ".")
        return SolveResult("items", int(needed), True, int(needed), ceiling(needed), message,
                           scenario.with_changes({"campaign.items": int(needed)}), 1)
    memo = _Memo(ceiling, target)
    best = _best(memo, 1, MAX_ITEMS)
    message = (
        f"Unreachable: the {b.ceiling_form} ceiling plateaus at {evaluation.ceiling_plateau:.4f} > {target:g} "
        "however many items are labelled; "
        + (f"it does not fall with m (it is {memo.risk(best):.4f} from the first item on)."
           if best == 1 else
           f"from {best:,} items on it is within {BEST_RISK_TOLERANCE:g} of its best ({memo.risk(best):.4f}).")
    )
    return SolveResult("items", None, False, best, memo.risk(best), message,
                       scenario.with_changes({"campaign.items": best}), 1)


def _log2_m(n: int) -> float:
    return n / round(1.0 / LOG2_M_RESOLUTION)


def _solve_log2_m(scenario: Scenario) -> SolveResult:
    capacity = evaluate(scenario, curves=False).capacity_nats
    target = scenario.target
    high = int(round(MAX_LOG2_M / LOG2_M_RESOLUTION))

    def floor(n: int) -> float:
        return float(models.fano_floor(capacity, _log2_m(n), separation=target.separation, form="exact"))

    # The floor grows with log2 M: the largest n that meets is one below the
    # smallest that misses.
    memo = _Memo(floor, target.target_risk)
    start = max(1, int(round(target.log2_m / LOG2_M_RESOLUTION)))
    misses_from = _smallest_meeting(lambda n: not memo.meets(n), start, 1, high)
    if misses_from == 1:
        message = (
            f"Unreachable: even a {LOG2_M_RESOLUTION:g}-bit target has the floor {memo.risk(1):.4f} > "
            f"{target.target_risk:g} with {capacity / math.log(2):.3f} bits per item."
        )
        return SolveResult("log2_m", None, False, LOG2_M_RESOLUTION, memo.risk(1), message,
                           scenario.with_changes({"target.log2_m": LOG2_M_RESOLUTION}), LOG2_M_RESOLUTION)
    largest = high if misses_from is None else misses_from - 1
    value = _log2_m(largest)
    message = f"Targets up to {value:.2f} bits keep the floor at {memo.risk(largest):.4f} ≤ {target.target_risk:g}" + (
        f"; {_log2_m(largest + 1):.2f} bits raise it to {memo.risk(largest + 1):.4f}." if largest < high else ".")
    return SolveResult("log2_m", value, True, value, memo.risk(largest), message,
                       scenario.with_changes({"target.log2_m": value}), LOG2_M_RESOLUTION)


def _solve_budget(scenario: Scenario, progress: Callable[[int, int], bool] | None) -> SolveResult:
    from advisor.optimize import optimize

    formats = [[q.format] for q in scenario.questions]
    result = optimize(scenario.with_changes({"campaign.budget_cap": None}), allowed_formats=formats,
                      keep_time_shares=True, progress=progress)
    currency = scenario.campaign.currency
    if result.recommended is not None:
        cost = result.recommended_evaluation.cost
        design = result.recommended
        message = (
            f"{money(cost, currency)} buys the cheapest design that meets the target: {design.raters.per_item} "
            f"rater(s) × {design.campaign.seconds_per_item:.1f} s per item on {design.campaign.items:,} items, floor "
            f"{result.recommended_evaluation.floor:.4f} ≤ {scenario.target.target_risk:g}."
        )
        return SolveResult("budget", cost, True, cost, result.recommended_evaluation.floor, message,
                           design.with_changes({"campaign.budget_cap": cost}), result.time_ratio)
    best = min(result.frontier, key=lambda p: (round(p.floor, 12), p.cost), default=None)
    if best is None:
        return SolveResult("budget", None, False, None, 1.0, f"Unreachable: {result.message}", None, result.time_ratio)
    message = (
        f"Unreachable: no design with these formats meets the target; the lowest floor, {best.floor:.4f}, "
        f"costs {money(best.cost, currency)} ({result.message})"
    )
    return SolveResult("budget", None, False, best.cost, best.floor, message,
                       best.scenario.with_changes({"campaign.budget_cap": best.cost}), result.time_ratio)


def solve(scenario: Scenario, unknown: str, *, progress: Callable[[int, int], bool] | None = None) -> SolveResult:
    """Solve for one unknown so that the scenario just meets its target risk.

    Parameters
    ----------
    scenario
        The scenario; every other parameter is held at its value.
    unknown
        One of ``"raters"``, ``"seconds"``, ``"items"``, ``"log2_m"``,
        ``"budget"`` (see the module docstring for each definition).
    progress
        For the budget (an optimisation): ``progress(done, total)``; returning
        False stops the search early.

    Returns
    -------
    SolveResult

    Raises
    ------
    UnknownParameterError
        When ``unknown`` is not one of :data:`UNKNOWNS`.
    """
    if unknown == "raters":
        return _solve_raters(scenario)
    if unknown == "seconds":
        return _solve_seconds(scenario)
    if unknown == "items":
        return _solve_items(scenario)
    if unknown == "log2_m":
        return _solve_log2_m(scenario)
    if unknown == "budget":
        return _solve_budget(scenario, progress)
    raise UnknownParameterError(f"unknown must be one of {', '.join(UNKNOWNS)}, got {unknown!r}")
