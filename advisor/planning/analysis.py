"""One analysis of a scenario: what the window, the command line and the reports show.

:func:`analyse` is the one composition of the advisor's computations for a scenario:

1. :func:`advisor.evaluation.evaluate.evaluate`: capacity, the planner's interval, the verdict;
2. :func:`advisor.evaluation.diagnosis.diagnose`: which stage binds, whether labels alone can help;
3. :func:`advisor.planning.levers.rank_levers`: every small change, evaluated and ranked;
4. :func:`advisor.evaluation.allocation.optimal_time_allocation`: the water-filled time shares;
5. :func:`advisor.planning.optimize.optimize`: the cheapest design that meets the target, and the frontier;
6. :func:`advisor.planning.compromise.compromise`: the budget split between raters per item and items.

Steps 3–6 are optional (each consumer asks for what it shows). The Recommendations tab, the
``recommend`` command and the report's sections are all built from an :class:`Analysis`, so a
number cannot differ between them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from advisor.errors import AdvisorError, Cancelled, CompromiseError
from advisor.evaluation.allocation import TimeAllocation, optimal_time_allocation
from advisor.evaluation.diagnosis import Diagnosis, diagnose
from advisor.evaluation.evaluate import evaluate
from advisor.evaluation.results import Evaluation
from advisor.planning.compromise import CompromiseAnalysis, compromise as split_budget
from advisor.planning.levers import LeverResult, rank_levers
from advisor.planning.optimize import OptimizationResult, optimize
from advisor.progress import ProgressCallback, keeps_going, require, within
from advisor.scenario.schema import Scenario

Part = TypeVar("Part")

ANALYSIS_STEPS = {"evaluation": 5, "levers": 20, "allocation": 5, "optimizer": 65, "compromise": 10}
"""Progress steps of each part of :func:`analyse`: the optimiser dominates the time, ranking the
levers comes next; evaluation and the time allocation are quick."""


@dataclass(frozen=True)
class Analysis:
    """Everything computed for one scenario.

    Attributes
    ----------
    scenario
        The scenario analysed (the evaluation's own, so the two never disagree).
    evaluation
        Its evaluation (with curves when :func:`analyse` was asked for them).
    diagnosis
        What binds and whether labels alone can reach the target.
    levers
        Ranked levers, best first; None when not asked for.
    allocation
        Water-filled time shares beside the current ones; None when not asked for.
    optimization
        The optimiser's result; None when not asked for, or when it could not run (see
        ``optimization_note``).
    optimization_note
        Why the optimiser could not run (a constraint it cannot work with), else "".
    compromise
        The split of the scenario's budget (its budget cap, else the cost of its design) between
        raters per item and items; None when not asked for or when it could not run (see
        ``compromise_note``).
    compromise_note
        Why the compromise could not run (a budget that buys no item, ...), else "".
    """

    scenario: Scenario
    evaluation: Evaluation
    diagnosis: Diagnosis
    levers: tuple[LeverResult, ...] | None = None
    allocation: TimeAllocation | None = None
    optimization: OptimizationResult | None = None
    optimization_note: str = ""
    compromise: CompromiseAnalysis | None = None
    compromise_note: str = ""


def analysis_steps(*, levers: bool, allocation: bool, optimizer: bool, compromise: bool = False) -> int:
    """The number of progress steps :func:`analyse` reports with these parts (its ``total``)."""
    parts = {"evaluation": True, "levers": levers, "allocation": allocation, "optimizer": optimizer,
             "compromise": compromise}
    return sum(ANALYSIS_STEPS[name] for name, wanted in parts.items() if wanted)


def analyse(scenario: Scenario, *, curves: bool = False, levers: bool = True, allocation: bool = False,
            optimizer: bool = False, evaluation: Evaluation | None = None,
            progress: ProgressCallback | None = None, compromise: bool = False) -> Analysis:
    """Evaluate, diagnose and (as asked) rank the levers, allocate the time and optimise.

    Parameters
    ----------
    scenario
        The scenario.
    curves
        Evaluate with the curves over raters, seconds, items and log₂ M (the plots and reports).
    levers, allocation, optimizer, compromise
        Which of the optional parts to compute.
    evaluation
        An evaluation of ``scenario`` already at hand (with curves if ``curves``); it is used
        instead of evaluating again when it was computed from an equal scenario.
    progress
        ``progress(done, total)`` over :func:`analysis_steps` steps (:mod:`advisor.progress`);
        returning False stops.

    Returns
    -------
    Analysis

    Raises
    ------
    advisor.errors.Cancelled
        When ``progress`` returned False.
    """
    total = analysis_steps(levers=levers, allocation=allocation, optimizer=optimizer, compromise=compromise)
    require(keeps_going(progress, 0, total))
    reusable = (evaluation is not None and evaluation.scenario == scenario
                and (not curves or bool(evaluation.curves)))
    evaluated = evaluation if reusable else evaluate(scenario, curves=curves)
    diagnosis = diagnose(scenario, evaluated)
    done = ANALYSIS_STEPS["evaluation"]
    require(keeps_going(progress, done, total))

    def step(name: str, run: Callable[[ProgressCallback | None], Part]) -> Part:
        # One optional part: its share of the progress, then a chance to stop.
        nonlocal done
        result = run(within(progress, done, ANALYSIS_STEPS[name], total))
        done += ANALYSIS_STEPS[name]
        require(keeps_going(progress, done, total))
        return result

    ranked = step("levers", lambda sub: tuple(rank_levers(scenario, evaluated, progress=sub))) if levers else None
    shares = step("allocation", lambda _sub: optimal_time_allocation(scenario)) if allocation else None
    # A constraint the optimiser cannot work with, or a budget that buys no item, is a finding about
    # the scenario, not a failure of the analysis: the note says so where the result would be.
    optimization, note = (step("optimizer", lambda sub: _finding(lambda: optimize(scenario, progress=sub),
                                                                 AdvisorError)) if optimizer else (None, ""))
    split, split_note = step("compromise", lambda sub: _budget_split(scenario, sub)) if compromise else (None, "")
    return Analysis(scenario, evaluated, diagnosis, ranked, shares, optimization, note, split, split_note)


def _finding(run: Callable[[], Part], errors: type[Exception]) -> tuple[Part | None, str]:
    """``run()`` and no note, or None and the message of one of ``errors`` it raised."""
    try:
        return run(), ""
    except errors as error:
        return None, str(error)


def _budget_split(scenario: Scenario, progress: ProgressCallback | None) -> tuple[CompromiseAnalysis | None, str]:
    """The compromise part of :func:`analyse`; a split that stopped on ``progress`` stops the analysis."""
    split, note = _finding(lambda: split_budget(scenario, progress=progress), CompromiseError)
    if split is not None and split.cancelled:
        raise Cancelled("cancelled")
    return split, note
