"""Adaptive overlap against fixed overlap at equal cost, and adaptive designs for the optimiser.

An adaptive design spends ``E[N]`` raters per item on average (:mod:`advisor.evaluation.overlap`).
A fixed design spends an integer number; the design that spends *exactly* ``E[N]`` with a fixed
rule is partial overlap: ``⌈E⌉`` raters on a share ``E − ⌊E⌋`` of the items and ``⌊E⌋`` on the rest,
whose cost, at the same time per item, equals the adaptive design's to rounding. So
:func:`compare_adaptive` evaluates three designs at the same time per item, contexts, questions
and gold share: the adaptive one, that equal-cost mix, and the fixed ``⌊E⌋`` and ``⌈E⌉`` around it;
every number is :func:`advisor.evaluation.evaluate.evaluate`'s.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from advisor.errors import Cancelled, ScenarioValidationError
from advisor.evaluation.evaluate import campaign_cost, evaluate
from advisor.evaluation.results import Evaluation
from advisor.evaluation.overlap import rule_text
from advisor.progress import ProgressCallback, keeps_going
from advisor.scenario.schema import MAX_RATERS, Scenario
from advisor.units import LN2, money

__all__ = ["AdaptiveComparison", "DesignRow", "adaptive_changes", "cheapest_adaptive", "compare_adaptive",
           "equal_cost_changes"]

SAME_COST_TOLERANCE = 1e-9
"""Relative difference of two costs that counts as equal (rounding of ``E[N]``)."""


@dataclass(frozen=True)
class DesignRow:
    """One design of a comparison and its evaluated numbers.

    Attributes
    ----------
    role
        ``"adaptive"``, ``"equal cost"`` or ``"fixed"``.
    rule
        The design in words.
    scenario
        The design.
    expected_raters
        Raters per item on average.
    cost
        Campaign cost, in the scenario's currency.
    capacity_nats
        C̄, nats per item.
    label_error
        Item error of the MAP labels (method §8.1), in [0, 1].
    achievable, floor
        Achievable risk and Fano floor of the target, in [0, 1].
    verdict
        :data:`advisor.evaluation.evaluate.VERDICTS`.
    """

    role: str
    rule: str
    scenario: Scenario
    expected_raters: float
    cost: float
    capacity_nats: float
    label_error: float
    achievable: float
    floor: float
    verdict: str

    @classmethod
    def of(cls, role: str, scenario: Scenario, evaluation: Evaluation) -> "DesignRow":
        expected = evaluation.overlap.expected_raters if evaluation.overlap is not None else scenario.raters.per_item
        return cls(role, rule_text(scenario), scenario, float(expected), evaluation.cost, evaluation.capacity_nats,
                   evaluation.label_error, evaluation.achievable, evaluation.floor, evaluation.verdict)

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "rule": self.rule, "expected_raters": self.expected_raters, "cost": self.cost,
                "capacity_nats": self.capacity_nats, "capacity_bits": self.capacity_nats / LN2,
                "label_error": self.label_error, "achievable": self.achievable, "floor": self.floor,
                "verdict": self.verdict, "overlap": self.scenario.overlap.model_dump(),
                "raters_per_item": self.scenario.raters.per_item}


@dataclass(frozen=True)
class AdaptiveComparison:
    """Adaptive overlap against the fixed designs of the same and neighbouring cost.

    Attributes
    ----------
    adaptive
        The adaptive design.
    equal_cost
        Partial overlap with the same expected raters (the same cost); the fixed ``⌊E⌋`` design
        when ``E`` is an integer.
    fixed
        Fixed ``⌊E⌋`` and ``⌈E⌉`` raters (one row when ``E`` is an integer).
    label_error_gain
        ``equal_cost.label_error − adaptive.label_error``: how much lower the adaptive design's
        label error is at the same cost (negative: higher).
    capacity_gain_nats
        ``adaptive.capacity_nats − equal_cost.capacity_nats``.
    message
        One sentence with the numbers.
    """

    adaptive: DesignRow
    equal_cost: DesignRow
    fixed: tuple[DesignRow, ...]
    label_error_gain: float
    capacity_gain_nats: float
    message: str

    @property
    def rows(self) -> tuple[DesignRow, ...]:
        return (self.adaptive, self.equal_cost, *self.fixed)

    def to_dict(self) -> dict[str, Any]:
        return {"adaptive": self.adaptive.to_dict(), "equal_cost": self.equal_cost.to_dict(),
                "fixed": [row.to_dict() for row in self.fixed], "label_error_gain": self.label_error_gain,
                "capacity_gain_nats": self.capacity_gain_nats, "capacity_gain_bits": self.capacity_gain_nats / LN2,
                "message": self.message}


def change_text(quantity: str, before: float, after: float, decimals: int = 4) -> str:
    """``"lowers the label error from 0.9501 to 0.9497"``, ``"raises …"``, or ``"leaves the label
    error at 0.9501"`` when the two values read the same at ``decimals`` places (a difference of
    1e-9 read "lowers the label error from 0.9501 to 0.9501")."""
    before_text, after_text = f"{before:.{decimals}f}", f"{after:.{decimals}f}"
    if before_text == after_text:
        return f"leaves {quantity} at {after_text}"
    return f"{'lowers' if after < before else 'raises'} {quantity} from {before_text} to {after_text}"


def adaptive_changes(scenario: Scenario) -> dict[str, Any]:
    """The changes that make a fixed design of ``r`` raters adaptive: ``r − 1`` raters first, one
    more while the votes are not decisive (the scenario's stop rule and threshold), up to ``r + 1``.
    The agreement rule starts with at least 2 raters (one vote always agrees with itself), the
    posterior rule with at least 1."""
    r = scenario.raters.per_item
    start = max(2 if scenario.overlap.stop_rule == "agreement" else 1, r - 1)
    return {"overlap.mode": "adaptive", "raters.per_item": start,
            "overlap.max_raters": min(MAX_RATERS, max(r + 1, start + 1))}


def equal_cost_changes(scenario: Scenario, expected: float) -> dict[str, Any]:
    """Changes that give the fixed-rule design of ``expected`` raters per item (partial overlap of
    ``⌊E⌋`` and ``⌈E⌉``, or fixed ``E`` when it is an integer)."""
    low = math.floor(expected + 1e-12)
    share = expected - low
    if share <= 1e-9:
        return {"overlap.mode": "fixed", "raters.per_item": int(low)}
    return {"overlap.mode": "partial", "raters.per_item": int(low), "overlap.extra_raters": int(low) + 1,
            "overlap.extra_share": share}


def compare_adaptive(scenario: Scenario, *, progress: ProgressCallback | None = None) -> AdaptiveComparison:
    """Evaluate an adaptive design against the fixed designs of equal and neighbouring cost.

    Parameters
    ----------
    scenario
        An adaptive scenario, or a fixed one made adaptive by :func:`adaptive_changes`.
    progress
        ``progress(done, total)`` over the four evaluations; False stops (:class:`advisor.errors.Cancelled`).

    Raises
    ------
    ScenarioValidationError
        When the scenario cannot be made adaptive (e.g. its first question has no single answer).
    """
    adaptive = scenario if scenario.overlap.mode == "adaptive" else scenario.with_changes(adaptive_changes(scenario))
    steps = 4

    def step(done: int) -> None:
        if not keeps_going(progress, done, steps):
            raise Cancelled

    first = evaluate(adaptive, curves=False)
    step(1)
    expected = first.overlap.expected_raters  # type: ignore[union-attr]
    equal_scenario = adaptive.with_changes(equal_cost_changes(adaptive, expected))
    equal = evaluate(equal_scenario, curves=False)
    step(2)
    low = math.floor(expected + 1e-12)
    fixed_rows = []
    for n in sorted({low, math.ceil(expected - 1e-12)}):
        fixed = adaptive.with_changes({"overlap.mode": "fixed", "raters.per_item": max(1, int(n))})
        fixed_rows.append(DesignRow.of("fixed", fixed, evaluate(fixed, curves=False)))
        step(2 + len(fixed_rows))
    adaptive_row = DesignRow.of("adaptive", adaptive, first)
    equal_row = DesignRow.of("equal cost", equal_scenario, equal)
    gain = equal_row.label_error - adaptive_row.label_error
    currency = scenario.campaign.currency
    effect = change_text("the label error", equal_row.label_error, adaptive_row.label_error)
    # The achievable risk is what verdicts and levers go by; the label error can move the other way
    # (the chatbot example: 0.9501 → 0.9497 while the achievable risk rises 0.3839 → 0.4363).
    risk = change_text("the achievable risk", equal_row.achievable, adaptive_row.achievable)
    same = (math.isclose(adaptive_row.achievable, adaptive_row.label_error, abs_tol=1e-12)
            and math.isclose(equal_row.achievable, equal_row.label_error, abs_tol=1e-12))
    effects = f"{risk} (the label error here)" if same else f"{risk} and {effect}"
    message = (f"Adaptive overlap ({adaptive_row.rule}; {expected:.3f} raters per item on average, "
               f"{money(adaptive_row.cost, currency)}) {effects} against the fixed rule of the same cost "
               f"({equal_row.rule}), and carries {(adaptive_row.capacity_nats - equal_row.capacity_nats) / LN2:+.4f} "
               "bits per item more.")
    return AdaptiveComparison(adaptive_row, equal_row, tuple(fixed_rows), gain,
                              adaptive_row.capacity_nats - equal_row.capacity_nats, message)


@dataclass(frozen=True)
class AdaptiveChoice:
    """The cheapest adaptive design found by :func:`cheapest_adaptive` (or None), the checks made,
    and whether ``progress`` stopped the search (the design is then the cheapest found so far)."""

    scenario: Scenario | None
    evaluation: Evaluation | None
    checks: int
    cancelled: bool = False


def cheapest_adaptive(template: Scenario, times: Sequence[float], *, max_raters: int, below: float,
                      budget_cap: float | None = None, deadline_hours: float | None = None,
                      raters_available: int | None = None, max_checks: int = 120,
                      progress: ProgressCallback | None = None) -> AdaptiveChoice:
    """The cheapest adaptive design that meets the target and costs less than ``below``.

    Every pair ``r₀ < r_max ≤ max_raters`` (``r₀ ≥ 2`` for the agreement rule, else ``≥ 1``; the
    template's stop rule and threshold, its formats
    and rater pool; time shares water-filled) is searched over ``times`` (increasing, seconds per
    item): the first time whose verdict is ``meets`` is found by bisection (the verdict improves
    with time), among the times whose cost could still be below the best found (the cost is at
    least ``r₀`` raters' at that time).

    Parameters
    ----------
    template
        The design to make adaptive (formats, contexts, target, costs).
    times
        Seconds per item to choose from, increasing.
    max_raters
        Largest ``r_max``, in [2, 100].
    below
        Only designs cheaper than this (money; ``math.inf`` for any).
    budget_cap, deadline_hours, raters_available
        The optimiser's constraints (None: none).
    max_checks
        Most evaluations.
    progress
        ``progress(done, total)`` over the pairs; False stops the search (best so far returned).
    """
    # One vote always agrees with itself: the agreement rule needs two first raters to add any.
    lowest = 2 if template.overlap.stop_rule == "agreement" else 1
    pairs = [(r0, top) for top in range(lowest + 1, max_raters + 1) for r0 in range(lowest, top)]
    shares = {f"questions.{i}.time_share": None for i in range(len(template.questions))}
    best: tuple[float, Scenario, Evaluation] | None = None
    checks = 0
    cheapest = below

    def design(r0: int, top: int, seconds: float) -> Scenario | None:
        try:
            return template.with_changes({"overlap.mode": "adaptive", "raters.per_item": r0,
                                          "overlap.max_raters": top, "campaign.seconds_per_item": float(seconds),
                                          **shares})
        except ScenarioValidationError:
            return None

    def allowed(evaluation: Evaluation) -> bool:
        if budget_cap is not None and evaluation.cost > budget_cap:
            return False
        if deadline_hours is not None and raters_available is not None:
            return evaluation.rater_hours / raters_available <= deadline_hours
        return True

    stopped = False
    for done, (r0, top) in enumerate(pairs, start=1):
        if checks >= max_checks:
            break
        if not keeps_going(progress, done - 1, len(pairs)):
            stopped = True
            break
        probe = design(r0, top, times[0])
        if probe is None:
            continue
        # The cost is at least that of r0 raters on every item.
        floors = [campaign_cost(probe, raters=r0, seconds_per_item=float(t))[0] for t in times]
        usable = [i for i, value in enumerate(floors) if value < cheapest]
        if not usable:
            continue
        upper = None
        low_index, high_index = 0, len(usable) - 1
        found: dict[int, Evaluation] = {}
        # Bisection for the first usable time that meets the target.
        while low_index <= high_index and checks < max_checks:
            middle = (low_index + high_index) // 2
            scenario = design(r0, top, times[usable[middle]])
            evaluation = evaluate(scenario, curves=False)  # type: ignore[arg-type]
            checks += 1
            found[middle] = evaluation
            if evaluation.verdict == "meets":
                upper, high_index = middle, middle - 1
            else:
                low_index = middle + 1
        if upper is None:
            continue
        evaluation = found[upper]
        if evaluation.cost < cheapest and allowed(evaluation):
            cheapest = evaluation.cost
            best = (evaluation.cost, design(r0, top, times[usable[upper]]), evaluation)  # type: ignore[assignment]
    if best is None:
        return AdaptiveChoice(None, None, checks, stopped)
    return AdaptiveChoice(best[1], best[2], checks, stopped)
