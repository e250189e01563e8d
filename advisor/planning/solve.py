"""Solve for one unknown: the design value that meets the target, and the one the floor allows.

The pattern of statsmodels' ``solve_power``: one forward function —
:func:`advisor.evaluation.evaluate.evaluate` — is the only formula, and each unknown is
found by searching over it. Every answer comes as two thresholds (method
§8.4):

``value``
    the value whose evaluation has the verdict ``meets`` (the achievable risk
    meets the target and the items suffice for the value model), smallest for
    raters, seconds, items and budget, largest for log2 M; None when no value
    in the range meets it (*unreachable*). It is always checked by evaluating
    the design it names.
``at_least``
    the smallest value not ruled out (verdict not ``cannot``: the floor is at
    most the target and the items are at least what any learner needs). For
    log2 M, whose verdict gets worse as it grows, it is the *largest*
    complexity not ruled out.

So a solve reads "at least ``at_least``; ``value`` suffices". Between the two
lies the honest uncertainty of the interval: the floor is only necessary.

The unknowns: ``raters`` (1 to :data:`MAX_SOLVE_RATERS` or the raters
available), ``seconds`` (time per item on a grid of :data:`SECONDS_RESOLUTION`),
``items`` (the campaign's items), ``log2_m`` (on a grid of
:data:`LOG2_M_RESOLUTION` bits) and ``budget`` (the optimiser's cheapest design
with the formats fixed, :func:`advisor.planning.optimize.optimize`). Floors, achievable
errors and the items the value model needs are non-increasing in raters, time
and items and non-decreasing in log2 M, so doubling-then-bisection finds each
threshold; the value found is evaluated again, so a verdict printed is always
the verdict of the design named.

When no value in the allowed range meets the target, ``best_value`` is the
smallest value whose achievable risk is within :data:`BEST_RISK_TOLERANCE` of
the best the range allows, and ``best_risk`` that risk.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from advisor.errors import UnknownParameterError
from advisor.planning.bisection import first_true, first_true_near
from advisor.progress import ProgressCallback
from advisor.evaluation.evaluate import VERDICT_WORDS, evaluate
from advisor.evaluation.results import Evaluation
from advisor.scenario.schema import ADAPTIVE_MAX_OUTCOMES, MAX_LOG2_M, MAX_RATERS, Scenario, rater_range
from advisor.units import counted, money

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
SECONDS_SIGNIFICANT_DIGITS = 4
"""A time per item is written with this many significant digits (and at most the grid's decimals):
"190.02 s" and "86,400.00 s" carried digits nobody acts on."""


def seconds_text(seconds: float, rounding: str = "nearest") -> str:
    """A time per item in words: "190.1 s per item", "86,400 s per item", "2.35 s per item".

    Parameters
    ----------
    seconds
        Time per item, s (≥ 0).
    rounding
        ``"up"`` for a time that suffices (any longer one does too), ``"down"`` for one the target
        needs at least, so that the shorter text stays true; ``"nearest"`` for a time as set.
        To :data:`SECONDS_SIGNIFICANT_DIGITS` significant digits, at most 2 decimals.
    """
    magnitude = math.floor(math.log10(seconds)) + 1 if seconds > 0 else 1
    decimals = max(0, min(2, SECONDS_SIGNIFICANT_DIGITS - magnitude))
    scaled = seconds * 10**decimals
    # A grid value such as 108.53 is 10853.000000001 once scaled: not a step more.
    whole = {"up": math.ceil(scaled - 1e-6), "down": math.floor(scaled + 1e-6)}.get(rounding, round(scaled))
    text = f"{whole / 10**decimals:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} s per item"


@dataclass(frozen=True)
class SolveResult:
    """The two thresholds of one unknown (module docstring).

    Attributes
    ----------
    unknown
        One of :data:`UNKNOWNS`.
    value
        The value whose evaluation meets the target (int for raters and items;
        float seconds, bits or money otherwise), or None when unreachable.
    reachable
        Whether some value in the allowed range meets the target.
    at_least
        The smallest value not ruled out by the floor (for log2_m the largest);
        None when every value in the range is ruled out.
    best_value
        The value itself when reachable; otherwise the smallest value whose
        achievable risk is within :data:`BEST_RISK_TOLERANCE` of the best in
        the range.
    best_risk
        The achievable risk at ``best_value``, in [0, 1].
    message
        One sentence in words and numbers.
    scenario
        The scenario with ``value`` set (``best_value`` when unreachable).
    step
        The resolution of the search grid.
    verdict
        The verdict of ``scenario``'s evaluation.
    """

    unknown: str
    value: float | int | None
    reachable: bool
    best_value: float | int | None
    best_risk: float
    message: str
    scenario: Scenario | None
    step: float | int = 1
    at_least: float | int | None = None
    verdict: str = "undecided"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (``for``, ``value``, ``reachable``, ``at_least``, ...)."""
        return {
            "for": self.unknown,
            "value": self.value,
            "reachable": self.reachable,
            "at_least": self.at_least,
            "verdict": self.verdict,
            "best_value": self.best_value,
            "best_risk": self.best_risk,
            "step": self.step,
            "message": self.message,
            "scenario": self.scenario.to_dict() if self.scenario is not None else None,
        }


# ----------------------------------------------------------------- searching
class _Memo:
    """Evaluation at a grid value, computed once (evaluations are the cost of a solve)."""

    def __init__(self, scenario: Scenario, changes: Callable[[int], dict[str, Any]]):
        self.scenario = scenario
        self.changes = changes
        self.cache: dict[int, Evaluation] = {}

    def evaluation(self, n: int) -> Evaluation:
        if n not in self.cache:
            self.cache[n] = evaluate(self.scenario.with_changes(self.changes(n)), curves=False)
        return self.cache[n]

    def meets(self, n: int) -> bool:
        return self.evaluation(n).verdict == "meets"

    def allowed(self, n: int) -> bool:
        return self.evaluation(n).verdict != "cannot"

    def risk(self, n: int) -> float:
        return self.evaluation(n).achievable


def _best(memo: _Memo, low: int, high: int) -> int:
    """Smallest n in [low, high] within BEST_RISK_TOLERANCE of the achievable risk at ``high``
    (the best, for a risk non-increasing in n)."""
    best = memo.risk(high)
    return first_true(lambda n: memo.risk(n) <= best + BEST_RISK_TOLERANCE, low, high)


def _thresholds(memo: _Memo, start: int, low: int, high: int) -> tuple[int | None, int | None]:
    """(smallest n that meets, smallest n not ruled out) over [low, high]."""
    found = first_true_near(memo.meets, start, low, high)
    allowed = first_true_near(memo.allowed, found if found is not None else start, low, high)
    return found, allowed


def _result(unknown: str, memo: _Memo, found: int | None, allowed: int | None, low: int, high: int,
            convert: Callable[[int], float | int], text: Callable[[float | int], str], noun: str,
            step: float | int, why_high: str = "", why_low: str = "",
            at_least_text: Callable[[float | int], str] | None = None) -> SolveResult:
    """The result of a search on a grid; ``text`` writes a value that suffices (rounding up, if at all),
    ``at_least_text`` one the target needs at least (rounding down; ``text`` when None)."""
    target = memo.scenario.target.target_risk
    at_least = None if allowed is None else convert(allowed)
    floor_text = (f"the floor allows no value up to {text(convert(high))}" if allowed is None
                  else f"at least {(at_least_text or text)(at_least)} (floor {memo.evaluation(allowed).floor:.4f} ≤ {target:g})"
                  + (why_low if allowed == low else ""))
    if found is not None:
        value = convert(found)
        evaluation = memo.evaluation(found)
        message = (f"{text(value)} {'suffices' if value == 1 else 'suffice'}: achievable risk {evaluation.achievable:.4f} ≤ {target:g} and the "
                   f"design meets the target; {floor_text}.")
        return SolveResult(unknown, value, True, value, evaluation.achievable, message,
                           memo.scenario.with_changes(memo.changes(found)), step, at_least, evaluation.verdict)
    best = _best(memo, low, high)
    evaluation = memo.evaluation(best)
    message = (f"Unreachable: no {noun} up to {text(convert(high))}{why_high} meets the target (at {text(convert(high))} "
               f"the achievable risk is {memo.risk(high):.4f}, verdict: {VERDICT_WORDS[memo.evaluation(high).verdict]}); "
               f"{floor_text}; beyond {text(convert(best))} more buys less than {BEST_RISK_TOLERANCE:g} of risk.")
    return SolveResult(unknown, None, False, convert(best), evaluation.achievable, message,
                       memo.scenario.with_changes(memo.changes(best)), step, at_least, evaluation.verdict)


# ------------------------------------------------------------------ unknowns
def _solve_raters(scenario: Scenario) -> SolveResult:
    available = scenario.campaign.raters_available
    high = min(MAX_SOLVE_RATERS, available) if available else MAX_SOLVE_RATERS
    # An adaptive design starting with too many (or, watching many answers up to many raters, too
    # few) raters gives more vote histograms than a scenario may hold: the search stays among the
    # designs around the scenario's own that a scenario may hold (all of them for other designs).
    low, valid = rater_range(scenario, high)
    histograms = (f"more than {ADAPTIVE_MAX_OUTCOMES:,} vote histograms on {scenario.questions[0].format.label()}")
    if low > valid:
        raise UnknownParameterError(
            f"raters: an adaptive design on {scenario.questions[0].format.label()} may start with {low} raters "
            f"or more (fewer give {histograms}), and only {high} raters are available")
    why = []
    if valid < high:
        why.append(f"an adaptive design starting with more raters has {histograms}")
    if low > 1:
        why.append(f"starting with fewer, it has {histograms}")
    high = valid
    memo = _Memo(scenario, lambda r: {"raters.per_item": r})
    found, allowed = _thresholds(memo, scenario.raters.per_item, low, high)
    return _result("raters", memo, found, allowed, low, high, int, lambda r: f"{counted(r, 'rater')} per item", "panel", 1,
                   f" ({'; '.join(why)})" if why else "",
                   f" (from {low}: {why[-1]})" if low > 1 else "")


def _seconds(n: int) -> float:
    # Dividing by the whole number of steps per second keeps n / 100 exact where n * 0.01 is not.
    return n / round(1.0 / SECONDS_RESOLUTION)


def _solve_seconds(scenario: Scenario) -> SolveResult:
    memo = _Memo(scenario, lambda n: {"campaign.seconds_per_item": _seconds(n)})
    high = int(round(MAX_SECONDS / SECONDS_RESOLUTION))
    start = max(1, int(math.ceil(scenario.campaign.seconds_per_item / SECONDS_RESOLUTION - 1e-9)))
    found, allowed = _thresholds(memo, start, 1, high)
    return _result("seconds", memo, found, allowed, 1, high, _seconds, lambda t: seconds_text(t, "up"),
                   "time per item", SECONDS_RESOLUTION, at_least_text=lambda t: seconds_text(t, "down"))


def _solve_items(scenario: Scenario) -> SolveResult:
    # Only the value model's part of the verdict depends on m; the thresholds are the model's
    # interval (m_min, m_ach), checked by evaluating the design they name.
    evaluation = evaluate(scenario, curves=False)
    needed = evaluation.items_needed
    target = scenario.target.target_risk
    memo = _Memo(scenario, lambda m: {"campaign.items": m})
    allowed = None
    if evaluation.floor <= target and needed.at_least is not None:
        allowed = max(1, needed.at_least)
    found = None
    if evaluation.achievable <= target and needed.at_most is not None and needed.at_most <= MAX_ITEMS:
        candidate = max(1, needed.at_most)
        if memo.meets(candidate):
            found = candidate
    if found is None and allowed is None:
        message = (f"Unreachable: the floor {evaluation.floor:.4f} > {target:g} (or the channel carries no "
                   "information), and no number of items changes that.")
        return SolveResult("items", None, False, None, evaluation.achievable, message, scenario, 1, None,
                           evaluation.verdict)
    if found is None:
        reason = (f"the achievable risk {evaluation.achievable:.4f} > {target:g} does not depend on m"
                  if evaluation.achievable > target else "no finite number of items suffices")
        message = (f"Unreachable: {reason}; at least {allowed:,} items are needed for a "
                   f"{scenario.target.model_bits:g}-bit value model (Fano).")
        return SolveResult("items", None, False, allowed, evaluation.achievable, message,
                           scenario.with_changes({"campaign.items": allowed}), 1, allowed,
                           memo.evaluation(allowed).verdict)
    result = memo.evaluation(found)
    message = (f"{found:,} items suffice for a {scenario.target.model_bits:g}-bit value model (Gallager) with "
               f"achievable risk {result.achievable:.4f} ≤ {target:g}; at least {allowed:,} are needed (Fano), "
               f"about {needed.estimate:,} by the normal approximation.")
    return SolveResult("items", found, True, found, result.achievable, message,
                       scenario.with_changes({"campaign.items": found}), 1, allowed, result.verdict)


def _log2_m(n: int) -> float:
    return n / round(1.0 / LOG2_M_RESOLUTION)


def _solve_log2_m(scenario: Scenario) -> SolveResult:
    target = scenario.target
    high = int(round(MAX_LOG2_M / LOG2_M_RESOLUTION))
    memo = _Memo(scenario, lambda n: {"target.log2_m": _log2_m(n)})
    start = max(1, int(round(target.log2_m / LOG2_M_RESOLUTION)))
    # The verdict gets worse as log2 M grows: the largest n that meets is one below the
    # smallest that does not.
    misses_from = first_true_near(lambda n: not memo.meets(n), start, 1, high)
    ruled_out_from = first_true_near(lambda n: not memo.allowed(n), start, 1, high)
    largest = None if misses_from == 1 else (high if misses_from is None else misses_from - 1)
    allowed = None if ruled_out_from == 1 else (high if ruled_out_from is None else ruled_out_from - 1)
    at_least = None if allowed is None else _log2_m(allowed)
    floor_text = ("the floor rules out every target" if allowed is None
                  else f"the floor rules out targets above {_log2_m(allowed):.2f} bits")
    if largest is not None:
        value = _log2_m(largest)
        evaluation = memo.evaluation(largest)
        message = (f"Targets up to {value:.2f} bits meet the target risk (achievable {evaluation.achievable:.4f} ≤ "
                   f"{target.target_risk:g}); {floor_text}.")
        return SolveResult("log2_m", value, True, value, evaluation.achievable, message,
                           scenario.with_changes({"target.log2_m": value}), LOG2_M_RESOLUTION, at_least,
                           evaluation.verdict)
    evaluation = memo.evaluation(1)
    message = (f"Unreachable: even with a {LOG2_M_RESOLUTION:g}-bit target the design does not meet the target risk "
               f"(achievable {evaluation.achievable:.4f}, target {target.target_risk:g}, verdict: "
               f"{VERDICT_WORDS[evaluation.verdict]}); {floor_text}.")
    return SolveResult("log2_m", None, False, LOG2_M_RESOLUTION, evaluation.achievable, message,
                       scenario.with_changes({"target.log2_m": LOG2_M_RESOLUTION}), LOG2_M_RESOLUTION, at_least,
                       evaluation.verdict)


def _solve_budget(scenario: Scenario, progress: ProgressCallback | None) -> SolveResult:
    from advisor.planning.optimize import optimize

    formats = [[q.format] for q in scenario.questions]
    result = optimize(scenario.with_changes({"campaign.budget_cap": None}), allowed_formats=formats,
                      keep_time_shares=True, progress=progress)
    currency = scenario.campaign.currency
    at_least = result.cheapest_not_ruled_out
    floor_text = ("no design is allowed by the floor" if at_least is None
                  else f"no design under {money(at_least, currency)} is allowed by the floor")
    if result.recommended is not None:
        evaluation = result.recommended_evaluation
        design = result.recommended
        message = (
            f"{money(evaluation.cost, currency)} buys the cheapest design found with these formats that meets the "
            "target (the optimiser also tries others): "
            f"{counted(design.raters.per_item, 'rater')} × {design.campaign.seconds_per_item:.1f} s per item on "
            f"{design.campaign.items:,} items, achievable risk {evaluation.achievable:.4f} ≤ "
            f"{scenario.target.target_risk:g}; {floor_text}."
        )
        return SolveResult("budget", evaluation.cost, True, evaluation.cost, evaluation.achievable, message,
                           design.with_changes({"campaign.budget_cap": evaluation.cost}), result.time_ratio,
                           at_least, evaluation.verdict)
    best = min(result.frontier, key=lambda p: (round(p.achievable, 12), p.cost), default=None)
    if best is None:
        return SolveResult("budget", None, False, None, 1.0, f"Unreachable: {result.message}", None,
                           result.time_ratio, at_least, "cannot")
    message = (
        f"Unreachable: no design with these formats meets the target; the lowest achievable risk, "
        f"{best.achievable:.4f}, costs {money(best.cost, currency)}; {floor_text}."
    )
    return SolveResult("budget", None, False, best.cost, best.achievable, message,
                       best.scenario.with_changes({"campaign.budget_cap": best.cost}), result.time_ratio,
                       at_least, best.verdict)


def solve(scenario: Scenario, unknown: str, *, progress: ProgressCallback | None = None) -> SolveResult:
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
