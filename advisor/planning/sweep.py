"""X–Y sweeps over one design value, where they cross the target, and the four named analyses.

A sweep varies one value of a scenario over a range — everything else held —
and evaluates the scenario at each point (:func:`advisor.evaluation.evaluate.evaluate`
without curves, the app's one forward formula), in the manner of G*Power's
"X–Y plot for a range of values". Each point is the scenario with that one
value changed and validated by the scenario's pydantic model; a range with any
value outside the field's valid range is refused before anything is computed.

The values a sweep can vary (:data:`X_VARIABLES`)
--------------------------------------------------
``raters``      raters per item r (whole numbers, 1 to 100)
``seconds``     time per rater per item T, s
``items``       labelled items m (whole numbers)
``log2_m``      target complexity log₂ M, bits
``model_bits``  value-model complexity log₂ M_g, bits
``k``           alternatives of one question's format (whole numbers; the format's range)
``lambda``      rater discriminability λ (asymptotic d′)
``rho``         rater correlation ρ, the share of items whose raters share one draw
``budget``      money: the items it buys at this design, ``m = ⌊B / cost per item⌋``,
                with ``campaign.budget_cap = B`` (the optimiser's view of a budget is
                :func:`compromise`)

What each point reports (:data:`Y_VARIABLES`)
---------------------------------------------
``floor``         the Fano floor on the risk, in [0, 1] (necessary: below it no learner goes)
``achievable``    the risk this design achieves (MAP decoding and codebook), in [0, 1]
``ceiling``       the PAC-Bayes ceiling, in [0, 1]
``items_needed``  items the value model needs, the normal-approximation estimate, with
                  ``items_needed_at_least`` (Fano) and ``items_needed_at_most`` (Gallager)
                  beside it; None where no finite number suffices
``cost``          campaign cost, in the scenario's currency

and always the verdict (``meets``, ``undecided``, ``cannot``).

The analyses, named as G*Power names them
-----------------------------------------
*a priori* (:func:`a_priori`)
    the value of one unknown that meets the target; :func:`advisor.planning.solve.solve`.
*sensitivity* (:func:`sensitivity`)
    at the design as it is: the smallest target risk it meets (and the smallest
    the floor allows), and the largest target complexity log₂ M it meets.
*post hoc* (:func:`post_hoc`)
    the interval at the design as it is — floor, achievable risk, ceiling,
    verdict — with the ceiling from the observed risk when one is given.
*compromise* (:func:`compromise`)
    a fixed budget: the design within it with the lowest achievable risk, and the
    cheapest within it that meets the target (:func:`advisor.planning.optimize.optimize`).
*raters or items* (:func:`advisor.planning.compromise.compromise`)
    a fixed budget split between raters per item and the items it buys, every way
    from 1 to r_max raters, and the best split.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from advisor.errors import ScenarioValidationError, SweepRangeError
from advisor.progress import ProgressCallback, keeps_going
from advisor.evaluation.evaluate import VERDICT_WORDS, campaign_cost, evaluate
from advisor.evaluation.results import Evaluation
from advisor.scenario.schema import FORMAT_K_LIMITS, Campaign, Raters, Scenario, Target, get_path
from advisor.planning.bisection import first_true
from advisor.planning.solve import SolveResult, solve
from advisor.units import counted, money

MAX_POINTS = 2_000
"""Most points one sweep evaluates (evaluate takes 0.002–2 s per point)."""
TARGET_RISK_RESOLUTION = 1e-4
"""Grid of the sensitivity analysis's target risks."""
ANALYSIS_TITLES = {
    "a_priori": "A priori: the value that meets the target",
    "sensitivity": "Sensitivity: the smallest target risk and the largest log₂ M this design meets",
    "post_hoc": "Post hoc: the interval at this design",
    "compromise": "Compromise: the best design within a budget",
    "raters_items": "Compromise: raters per item or items, at a fixed budget",
}
"""Each analysis's title; the analyses are named as G*Power names its types of power analysis."""


@dataclass(frozen=True)
class SweepVariable:
    """One value a sweep can vary.

    Attributes
    ----------
    key
        Its name in :data:`X_VARIABLES` (``"raters"``, ...).
    label
        Axis label with unit.
    path
        Dotted scenario path; ``{question}`` stands for the question's index.
    integer
        Whole numbers only.
    low, high
        The field's valid range; ``low_open`` / ``high_open`` say whether an end
        is excluded.
    log_scale
        Whether a plot reads best on a log axis (the value spans decades).
    """

    key: str
    label: str
    path: str
    integer: bool
    low: float
    high: float
    low_open: bool
    high_open: bool
    log_scale: bool = False

    def allows(self, value: float) -> bool:
        """Whether ``value`` lies in the valid range."""
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return math.isfinite(value) and above and below

    def range_text(self) -> str:
        """The valid range in words, e.g. ``"from 1 to 100"``, ``"above 0, at most 10000"``."""
        kind = "a whole number" if self.integer else "a number"
        low = f"above {self.low:g}" if self.low_open else f"at least {self.low:g}"
        if math.isinf(self.high):
            return f"{kind} {low}"
        high = f"below {self.high:g}" if self.high_open else f"at most {self.high:g}"
        if self.integer and not self.low_open and not self.high_open:
            return f"a whole number from {self.low:g} to {self.high:g}"
        return f"{kind} {low} and {high}"


_CONSTRAINT_ENDS = {"gt": ("low", True), "ge": ("low", False), "lt": ("high", True), "le": ("high", False)}
"""pydantic's bound constraints: which end each sets and whether it excludes its value."""


def _field_range(model: type, name: str) -> tuple[float, float, bool, bool]:
    """(low, high, low_open, high_open) of a pydantic field, read from its constraints."""
    ends: dict[str, tuple[float, bool]] = {"low": (-math.inf, True), "high": (math.inf, True)}
    for constraint in model.model_fields[name].metadata:
        ends.update({end: (float(getattr(constraint, attribute)), is_open)
                     for attribute, (end, is_open) in _CONSTRAINT_ENDS.items()
                     if getattr(constraint, attribute, None) is not None})
    (low, low_open), (high, high_open) = ends["low"], ends["high"]
    return low, high, low_open, high_open


def _variable(key: str, label: str, path: str, model: type, name: str, *, integer: bool = False,
              log_scale: bool = False) -> SweepVariable:
    return SweepVariable(key, label, path, integer, *_field_range(model, name), log_scale=log_scale)


X_VARIABLES: dict[str, SweepVariable] = {
    variable.key: variable for variable in (
        _variable("raters", "raters per item r", "raters.per_item", Raters, "per_item", integer=True),
        _variable("seconds", "seconds per item T (s)", "campaign.seconds_per_item", Campaign, "seconds_per_item",
                  log_scale=True),
        _variable("items", "labelled items m", "campaign.items", Campaign, "items", integer=True, log_scale=True),
        _variable("log2_m", "target complexity log₂ M (bits)", "target.log2_m", Target, "log2_m"),
        _variable("model_bits", "value-model complexity log₂ M_g (bits)", "target.model_bits", Target, "model_bits",
                  log_scale=True),
        SweepVariable("k", "alternatives k of the question", "questions.{question}.format.k", True, 1, 50,
                      False, False),
        _variable("lambda", "rater discriminability λ (d′)", "raters.discriminability", Raters, "discriminability"),
        _variable("rho", "rater correlation ρ (items whose raters share one draw)", "raters.correlation", Raters,
              "correlation"),
        _variable("budget", "budget B (items bought at this design)", "campaign.budget_cap", Campaign, "budget_cap",
                  log_scale=True),
    )
}
"""The values a sweep can vary (module docstring)."""

Y_VARIABLES = ("floor", "achievable", "ceiling", "items_needed", "cost")
"""The outputs a sweep can report (module docstring)."""
Y_LABELS = {
    "floor": "risk floor (Fano)",
    "achievable": "achievable risk",
    "ceiling": "risk ceiling (PAC-Bayes)",
    "items_needed": "items the value model needs (estimate)",
    "items_needed_at_least": "items needed, at least (Fano)",
    "items_needed_at_most": "items that suffice (Gallager)",
    "cost": "campaign cost",
}
RISK_OUTPUTS = ("floor", "achievable", "ceiling")
"""The outputs that are risks in [0, 1] (plotted against the target risk)."""


def _columns(y: Sequence[str]) -> tuple[str, ...]:
    columns: list[str] = []
    for name in y:
        columns.extend(("items_needed", "items_needed_at_least", "items_needed_at_most")
                       if name == "items_needed" else (name,))
    return tuple(columns)


def _values(evaluation: Evaluation, columns: Sequence[str]) -> dict[str, float | int | None]:
    needed = evaluation.items_needed
    every: dict[str, float | int | None] = {
        "floor": evaluation.floor, "achievable": evaluation.achievable, "ceiling": evaluation.ceiling,
        "items_needed": needed.estimate, "items_needed_at_least": needed.at_least,
        "items_needed_at_most": needed.at_most, "cost": evaluation.cost,
    }
    return {name: every[name] for name in columns}


# --------------------------------------------------------------------- result
@dataclass(frozen=True)
class SweepResult:
    """One scenario evaluated over a range of one value.

    Attributes
    ----------
    scenario_name
        The swept scenario's name.
    x
        The variable's key (:data:`X_VARIABLES`).
    x_label
        Its axis label with unit.
    path
        The scenario path varied (the question's index filled in for ``k``).
    question_index
        The question whose ``k`` is varied; None for the other variables.
    xs
        The grid (int for whole-number variables), increasing; for a cancelled
        sweep only the points computed.
    y
        The outputs asked for (:data:`Y_VARIABLES`).
    columns
        Their columns: ``items_needed`` brings ``items_needed_at_least`` and
        ``items_needed_at_most`` along.
    values
        Per column, one value per x (risks in [0, 1], items, money); None where
        no finite number of items suffices.
    verdicts
        The verdict at each x.
    target_risk
        The scenario's target risk ε.
    current
        The scenario's own value of x.
    currency
        The scenario's currency (of ``cost`` and of a budget x).
    log_scale
        Whether the x axis reads best logarithmic.
    requested
        Points on the grid asked for.
    cancelled
        True when the sweep stopped before the end of the grid.
    """

    scenario_name: str
    x: str
    x_label: str
    path: str
    question_index: int | None
    xs: tuple[float | int, ...]
    y: tuple[str, ...]
    columns: tuple[str, ...]
    values: dict[str, tuple[float | int | None, ...]]
    verdicts: tuple[str, ...]
    target_risk: float
    current: float | int
    currency: str
    log_scale: bool
    requested: int
    cancelled: bool = False
    scenarios: tuple[Scenario, ...] = field(default=(), repr=False, compare=False)

    @property
    def integer(self) -> bool:
        """Whether x takes whole numbers only."""
        return X_VARIABLES[self.x].integer

    def column(self, name: str) -> tuple[float | int | None, ...]:
        """The values of one column at every x."""
        if name not in self.values:
            raise SweepRangeError(f"y: {name!r} was not computed; this sweep has {', '.join(self.columns)}")
        return self.values[name]

    def rows(self) -> list[dict[str, Any]]:
        """One dict per x: ``scenario``, the x key, every column and ``verdict``."""
        return [
            {"scenario": self.scenario_name, self.x: x, **{c: self.values[c][i] for c in self.columns},
             "verdict": self.verdicts[i]}
            for i, x in enumerate(self.xs)
        ]

    def nearest_index(self, x: float) -> int:
        """The grid index nearest to ``x`` (on a log scale when the axis is logarithmic)."""
        if not self.xs:
            raise SweepRangeError("the sweep has no points")

        def distance(value: float) -> float:
            if self.log_scale and value > 0 and x > 0:
                return abs(math.log(value) - math.log(x))
            return abs(value - x)

        return min(range(len(self.xs)), key=lambda i: distance(float(self.xs[i])))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (no scenarios)."""
        return {
            "scenario": self.scenario_name, "x": self.x, "x_label": self.x_label, "path": self.path,
            "question_index": self.question_index, "xs": list(self.xs), "y": list(self.y),
            "columns": list(self.columns), "values": {c: list(v) for c, v in self.values.items()},
            "verdicts": list(self.verdicts), "target_risk": self.target_risk, "current": self.current,
            "currency": self.currency, "log_scale": self.log_scale, "requested": self.requested,
            "cancelled": self.cancelled,
        }


CSV_SIGNIFICANT_DIGITS = 15
"""Most significant digits of a number in a sweep's CSV: a double holds 15 to 17, so more write its
binary noise (a cost of 55000.00000000001)."""


def csv_header(results: Sequence[SweepResult]) -> list[str]:
    """Columns of :func:`sweeps_to_csv`: ``scenario``, the x key, the outputs, ``target_risk``, ``verdict``."""
    if not results:
        raise SweepRangeError("no sweep to write")
    first = results[0]
    for other in results[1:]:
        if other.x != first.x or other.columns != first.columns:
            raise SweepRangeError("sweeps written together must vary the same value and report the same outputs")
    return ["scenario", first.x, *first.columns, "target_risk", "verdict"]


def sweeps_to_csv(results: Sequence[SweepResult]) -> str:
    """The rows of one or more sweeps (same x and outputs) as CSV text.

    Numbers are written to :data:`CSV_SIGNIFICANT_DIGITS` significant digits (all a double
    holds, none of its noise); an item count that no finite number reaches is an empty cell.
    Each row names the target risk ε its verdict is about (``target_risk``), and the verdict is
    in the words the window shows (:data:`advisor.evaluation.evaluate.VERDICT_WORDS`).
    """
    header = csv_header(results)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)

    def cell(value: Any) -> Any:
        if value is None:
            return ""
        return f"{value:.{CSV_SIGNIFICANT_DIGITS}g}" if isinstance(value, float) else value

    for result in results:
        for row in result.rows():
            row = {**row, "target_risk": result.target_risk, "verdict": VERDICT_WORDS[row["verdict"]]}
            writer.writerow([cell(row[name]) for name in header])
    return buffer.getvalue()


# ------------------------------------------------------------------- the grid
def sweep_variable(scenario: Scenario, x: str, question_index: int | None = None) -> SweepVariable:
    """The variable ``x`` of ``scenario`` (for ``k``: with the question's own range of k).

    Raises
    ------
    SweepRangeError
        For an unknown x, a missing or bad question index, or a question without a range of k.
    """
    if x not in X_VARIABLES:
        raise SweepRangeError(f"x must be one of {', '.join(X_VARIABLES)}, got {x!r}")
    variable = X_VARIABLES[x]
    if x != "k":
        if question_index is not None:
            raise SweepRangeError(f"question_index applies to x = 'k' only, not to {x!r}")
        return variable
    count = len(scenario.questions)
    if question_index is None:
        raise SweepRangeError(f"x = 'k' needs question_index, the question (0 to {count - 1}) whose k varies")
    if not isinstance(question_index, int) or not 0 <= question_index < count:
        raise SweepRangeError(f"question_index must be an integer from 0 to {count - 1}, got {question_index!r}")
    question = scenario.questions[question_index]
    kind = question.format.kind
    if kind == "free_text":
        raise SweepRangeError(f"question {question.name!r} is free text: it has no k to vary")
    low, high = FORMAT_K_LIMITS[kind]
    if low == high:
        raise SweepRangeError(f"question {question.name!r} is {kind}: its k is always {low}, there is no range")
    return SweepVariable("k", f"alternatives k of {question.name!r} ({kind})",
                         variable.path.format(question=question_index), True, low, high, False, False)


def _decimal(value: float) -> Decimal:
    return Decimal(repr(float(value)))


def sweep_grid(x: str, start: float, stop: float, *, points: int | None = None, step: float | None = None,
               log: bool = False, variable: SweepVariable | None = None,
               end_names: tuple[str, str] = ("start", "stop")) -> tuple[float | int, ...]:
    """The values of a sweep: ``points`` evenly spaced (geometrically with ``log``), or every ``step``.

    Parameters
    ----------
    x
        The variable (:data:`X_VARIABLES`); whole-number variables get whole numbers.
    start, stop
        The range, ``start < stop``, both ends included, in the variable's unit.
    points
        How many values (2 to :data:`MAX_POINTS`); a whole-number grid may have
        fewer when neighbours round to one value.
    step
        Or the spacing (> 0; whole for whole-number variables); the last value
        is the last ``start + n · step`` not above ``stop``.
    log
        Geometric spacing (needs ``start > 0`` and ``points``).
    end_names
        What the messages call ``start`` and ``stop`` (a form's labels, e.g. ``("from", "to")``).

    Returns
    -------
    tuple
        Increasing values. Linear grids are computed in decimal arithmetic, so
        ``start=8.5, step=0.01`` gives exactly the float 8.66, not 8.6600000001.

    Raises
    ------
    SweepRangeError
        For a bad range or grid (the message names what and why), or any value
        outside the variable's valid range.
    """
    variable = variable or X_VARIABLES.get(x)
    if variable is None:
        raise SweepRangeError(f"x must be one of {', '.join(X_VARIABLES)}, got {x!r}")
    start_name, stop_name = end_names
    for name, value in ((start_name, start), (stop_name, stop)):
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise SweepRangeError(f"{name} must be a finite number, got {value!r}")
        if variable.integer and float(value) != int(value):
            raise SweepRangeError(f"{name}: {variable.label} takes whole numbers, got {value!r}")
    if not start < stop:
        raise SweepRangeError(f"{start_name} must be below {stop_name}, got {start_name} {start:g} and "
                              f"{stop_name} {stop:g}")
    for name, value in ((start_name, start), (stop_name, stop)):
        if not variable.allows(float(value)):
            raise SweepRangeError(f"{name}: {variable.label} must be {variable.range_text()}, got {value:g}")
    if (points is None) == (step is None):
        raise SweepRangeError("give either points or step, not both and not neither")
    if points is not None:
        if isinstance(points, bool) or not isinstance(points, int) or not 2 <= points <= MAX_POINTS:
            raise SweepRangeError(f"points must be a whole number from 2 to {MAX_POINTS}, got {points!r}")
        if log:
            if start <= 0:
                raise SweepRangeError(f"a log grid needs {start_name} > 0, got {start:g}")
            ratio = math.log(stop / start)
            values = [start * math.exp(ratio * i / (points - 1)) for i in range(points)]
            values[0], values[-1] = float(start), float(stop)
        else:
            low, span = _decimal(start), _decimal(stop) - _decimal(start)
            values = [float(low + span * i / (points - 1)) for i in range(points)]
    else:
        if log:
            raise SweepRangeError("a log grid is given by points, not by step")
        if not isinstance(step, (int, float)) or isinstance(step, bool) or not math.isfinite(step) or step <= 0:
            raise SweepRangeError(f"step must be a number above 0, got {step!r}")
        if variable.integer and float(step) != int(step):
            raise SweepRangeError(f"step: {variable.label} takes whole numbers, so the step must be whole, got {step!r}")
        count = int(math.floor((_decimal(stop) - _decimal(start)) / _decimal(step))) + 1
        if count > MAX_POINTS:
            raise SweepRangeError(f"step {step:g} from {start:g} to {stop:g} gives {count} points; at most "
                                  f"{MAX_POINTS} are allowed (take a larger step)")
        if count < 2:
            raise SweepRangeError(f"step {step:g} is larger than the range {start:g} to {stop:g}: one point only")
        values = [float(_decimal(start) + _decimal(step) * i) for i in range(count)]
    if variable.integer:
        return tuple(sorted({int(round(v)) for v in values}))
    return tuple(values)


def _changes(scenario: Scenario, variable: SweepVariable, value: float | int) -> dict[str, Any]:
    if variable.key != "budget":
        return {variable.path: value}
    per_item, _ = campaign_cost(scenario, items=1)
    items = int(math.floor(value / per_item * (1 + 1e-12)))
    return {"campaign.budget_cap": value, "campaign.items": items}


def _check_budget(scenario: Scenario, grid: Sequence[float | int], end_names: tuple[str, str]) -> None:
    per_item, _ = campaign_cost(scenario, items=1)
    currency = scenario.campaign.currency
    if per_item <= 0:
        raise SweepRangeError("x = 'budget': an item costs nothing at this design (wage 0), so a budget buys "
                              "no particular number of items; sweep items instead")
    if grid[0] < per_item:
        raise SweepRangeError(f"{end_names[0]}: a budget of {grid[0]:g} {currency} buys no item at this design "
                              f"({per_item:.4g} {currency} per item); start at {per_item:.4g} or more")
    if grid[-1] / per_item > _field_range(Campaign, "items")[1]:
        raise SweepRangeError(f"{end_names[1]}: a budget of {grid[-1]:g} {currency} buys more items than a campaign may have")


def sweep_scenarios(scenario: Scenario, x: str, grid: Sequence[float | int], *, question_index: int | None = None,
                    end_names: tuple[str, str] = ("start", "stop")) -> tuple[SweepVariable, tuple[Scenario, ...]]:
    """The scenario at each grid value, every one validated (see :func:`sweep`); ``end_names`` are
    what the messages call the grid's first and last value (as for :func:`sweep_grid`).

    Raises
    ------
    SweepRangeError
        When any value is outside the variable's range or makes an invalid
        scenario; the message names the value and the reason.
    """
    variable = sweep_variable(scenario, x, question_index)
    for value in grid:
        if not variable.allows(float(value)):
            raise SweepRangeError(f"{variable.label} must be {variable.range_text()}, got {value:g}")
    if x == "budget":
        _check_budget(scenario, grid, end_names)
    built = []
    for value in grid:
        try:
            built.append(scenario.with_changes(_changes(scenario, variable, value)))
        except ScenarioValidationError as error:
            raise SweepRangeError(f"{variable.label} = {value:g} does not make a valid scenario: {error}") from None
    return variable, tuple(built)


def current_value(scenario: Scenario, x: str, question_index: int | None = None) -> float | int:
    """The scenario's own value of ``x`` (a budget: the cost of its campaign)."""
    variable = sweep_variable(scenario, x, question_index)
    if x == "budget":
        return campaign_cost(scenario)[0]
    return get_path(scenario.to_dict(), variable.path)


def sweep(scenario: Scenario, x: str, start: float, stop: float, *, points: int | None = None,
          step: float | None = None, y: Sequence[str] = Y_VARIABLES, question_index: int | None = None,
          log: bool = False, progress: ProgressCallback | None = None) -> SweepResult:
    """Evaluate a scenario over a range of one value, the rest held.

    Parameters
    ----------
    scenario
        The scenario.
    x
        What varies: one of :data:`X_VARIABLES` (module docstring, with units).
    start, stop
        The range in x's unit, ``start < stop``, both within x's valid range.
    points, step
        The grid: ``points`` values (2 to :data:`MAX_POINTS`) or a ``step``;
        see :func:`sweep_grid`.
    y
        The outputs (:data:`Y_VARIABLES`); the verdict is always reported.
    question_index
        For ``x = "k"``: the question (0-based) whose number of alternatives varies.
    log
        Geometric spacing of ``points``.
    progress
        ``progress(0, total)`` before the first point and ``progress(done, total)`` after each;
        returning False stops (:mod:`advisor.progress`).

    Returns
    -------
    SweepResult
        ``cancelled`` is True when stopped early; it then holds the points done.

    Raises
    ------
    SweepRangeError
        For an unknown x or y, a bad grid, or any value outside x's valid range
        (validated through the scenario model); nothing is evaluated then.
    """
    y = tuple(y)
    unknown = [name for name in y if name not in Y_VARIABLES]
    if unknown or not y:
        raise SweepRangeError(f"y must be one or more of {', '.join(Y_VARIABLES)}, got {', '.join(map(repr, y)) or 'none'}")
    variable = sweep_variable(scenario, x, question_index)
    grid = sweep_grid(x, start, stop, points=points, step=step, log=log, variable=variable)
    variable, scenarios = sweep_scenarios(scenario, x, grid, question_index=question_index)
    columns = _columns(y)
    values: dict[str, list[float | int | None]] = {c: [] for c in columns}
    verdicts: list[str] = []
    cancelled = False
    if not keeps_going(progress, 0, len(scenarios)):
        cancelled = True
        scenarios = []
    for index, changed in enumerate(scenarios):
        evaluation = evaluate(changed, curves=False)
        for name, value in _values(evaluation, columns).items():
            values[name].append(value)
        verdicts.append(evaluation.verdict)
        if not keeps_going(progress, index + 1, len(scenarios)):
            cancelled = index + 1 < len(scenarios)
            break
    done = len(verdicts)
    return SweepResult(
        scenario_name=scenario.name, x=x, x_label=variable.label, path=variable.path,
        question_index=question_index, xs=tuple(grid[:done]), y=y, columns=columns,
        values={c: tuple(v) for c, v in values.items()}, verdicts=tuple(verdicts),
        target_risk=scenario.target.target_risk, current=current_value(scenario, x, question_index),
        currency=scenario.campaign.currency, log_scale=variable.log_scale, requested=len(grid),
        cancelled=cancelled, scenarios=scenarios[:done],
    )


def changes_at(scenario: Scenario, result: SweepResult, x_value: float | int) -> dict[str, Any]:
    """The dotted-path changes that set ``x_value`` of ``result``'s variable in ``scenario``
    (for a budget: the budget cap and the items it buys). Validated: raises
    :class:`SweepRangeError` when the value makes an invalid scenario."""
    variable, _ = sweep_scenarios(scenario, result.x, [x_value], question_index=result.question_index)
    return _changes(scenario, variable, x_value)


# ----------------------------------------------------------------- crossings
@dataclass(frozen=True)
class Crossing:
    """Where a curve passes a level.

    Attributes
    ----------
    y
        The column.
    level
        The level (the target risk, for a risk), in the column's unit.
    direction
        ``"falls"``: the curve comes down to the level (meets it from
        ``grid_value`` on); ``"rises"``: it goes above (meets it up to
        ``grid_value``).
    grid_value
        The grid value on the meeting side of the crossing: the first that
        meets for ``falls``, the last for ``rises`` (a value ≤ level meets).
    x
        The crossing by linear interpolation between the two grid values
        (equal to ``grid_value`` for whole-number variables).
    index
        The grid index of ``grid_value``.
    """

    y: str
    level: float
    direction: str
    grid_value: float | int
    x: float
    index: int


def crossings(result: SweepResult, y: str, target: float | None = None) -> tuple[Crossing, ...]:
    """Where the curve ``y`` of a sweep crosses ``target``, in increasing x.

    Parameters
    ----------
    result
        A sweep.
    y
        One of its columns.
    target
        The level, in the column's unit; default the scenario's target risk.

    Returns
    -------
    tuple of Crossing
        Empty when the curve stays on one side over the whole grid (see
        :func:`first_meeting`). Points where the value is None (no finite
        number of items) break the curve.
    """
    level = result.target_risk if target is None else float(target)
    values = result.column(y)
    found: list[Crossing] = []
    for i in range(len(values) - 1):
        a, b = values[i], values[i + 1]
        if a is None or b is None:
            continue
        x0, x1 = float(result.xs[i]), float(result.xs[i + 1])
        meets_a, meets_b = a <= level, b <= level
        if meets_a == meets_b:
            continue
        between = x0 + (level - a) * (x1 - x0) / (b - a) if b != a else x1
        if meets_b:
            index, direction = i + 1, "falls"
        else:
            index, direction = i, "rises"
        grid_value = result.xs[index]
        found.append(Crossing(y, level, direction, grid_value,
                              float(grid_value) if result.integer else between, index))
    return tuple(found)


@dataclass(frozen=True)
class Stretch:
    """A run of neighbouring grid points on one side of a level.

    Attributes
    ----------
    meets
        True when every value of the run is at most the level (a risk ≤ ε meets it).
    first, last
        Grid indices of the run's first and last point (``first <= last``).
    """

    meets: bool
    first: int
    last: int


def stretches(result: SweepResult, y: str, target: float | None = None) -> tuple[Stretch, ...]:
    """The curve ``y`` cut where it passes ``target``: the runs of grid points on either side, in increasing x.

    Which way the curve goes does not matter: a risk that rises with x (log₂ M, herding) gives a
    meeting run first, one that falls (raters, time) a meeting run last, and a curve that crosses
    more than once a run for each side it visits. A text that reads the runs off describes the
    table whichever way the curve goes.

    Parameters
    ----------
    result, y
        A sweep and one of its columns.
    target
        The level in the column's unit (a risk in [0, 1]); default the sweep's target risk.

    Returns
    -------
    tuple of Stretch
        One stretch when the curve stays on one side over the whole grid; empty for a sweep
        without points. A point without a value (no finite number of items) ends a run and
        belongs to none.
    """
    level = result.target_risk if target is None else float(target)
    found: list[Stretch] = []
    previous: int | None = None
    for index, value in enumerate(result.column(y)):
        if value is None:
            previous = None
            continue
        meets = value <= level
        if previous is not None and found[-1].meets == meets:
            found[-1] = Stretch(meets, found[-1].first, index)
        else:
            found.append(Stretch(meets, index, index))
        previous = index
    return tuple(found)


def first_meeting(result: SweepResult, y: str, target: float | None = None) -> float | int | None:
    """The first grid value where ``y`` is at most ``target`` (default the target risk); None if none."""
    level = result.target_risk if target is None else float(target)
    for x, value in zip(result.xs, result.column(y)):
        if value is not None and value <= level:
            return x
    return None


# ------------------------------------------------------------------ analyses
def a_priori(scenario: Scenario, unknown: str, *, progress: ProgressCallback | None = None) -> SolveResult:
    """A priori analysis: the value of ``unknown`` that just meets the target.

    Delegates to :func:`advisor.planning.solve.solve` (``unknown`` one of ``raters``,
    ``seconds``, ``items``, ``log2_m``, ``budget``); the answer has both
    thresholds, ``value`` (meets) and ``at_least`` (the floor allows).
    """
    return solve(scenario, unknown, progress=progress)


@dataclass(frozen=True)
class SensitivityResult:
    """What the design as it is can reach.

    Attributes
    ----------
    floor, achievable
        The design's floor and achievable risk, in [0, 1].
    smallest_target_risk
        The smallest target risk ε on a grid of :data:`TARGET_RISK_RESOLUTION`
        whose verdict is ``meets`` (the achievable risk meets it and the items
        suffice for the value model at that ε); None when no ε below 1 is met.
    smallest_target_risk_allowed
        The smallest ε the floor (and the items any learner needs) does not rule out.
    largest_log2_m, largest_log2_m_allowed
        The largest target complexity log₂ M (bits) that meets the target risk,
        and the largest the floor allows (:func:`advisor.planning.solve.solve` for ``log2_m``).
    message
        One sentence in words and numbers.
    """

    floor: float
    achievable: float
    smallest_target_risk: float | None
    smallest_target_risk_allowed: float | None
    largest_log2_m: float | None
    largest_log2_m_allowed: float | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def _smallest_target(scenario: Scenario, accept: Callable[[Evaluation], bool],
                     cache: dict[int, Evaluation]) -> float | None:
    steps = int(round(1.0 / TARGET_RISK_RESOLUTION))

    def accepted(n: int) -> bool:
        if n not in cache:
            cache[n] = evaluate(scenario.with_changes({"target.target_risk": n / steps}), curves=False)
        return accept(cache[n])

    low, high = 1, steps - 1
    if not accepted(high):
        return None
    # The verdict only improves as ε grows (floor and achievable risk do not depend on it;
    # the items a value model needs fall): bisection finds the first accepted ε.
    return first_true(accepted, low, high) / steps


def sensitivity(scenario: Scenario) -> SensitivityResult:
    """Sensitivity analysis: the smallest target risk and the largest log₂ M the design meets.

    Parameters
    ----------
    scenario
        The design; nothing of it is changed but the target.

    Returns
    -------
    SensitivityResult
    """
    evaluation = evaluate(scenario, curves=False)
    cache: dict[int, Evaluation] = {}
    smallest = _smallest_target(scenario, lambda e: e.verdict == "meets", cache)
    allowed = _smallest_target(scenario, lambda e: e.verdict != "cannot", cache)
    log2_m = solve(scenario, "log2_m")
    risk_text = ("no target risk below 1 is met" if smallest is None
                 else f"it meets target risks from {smallest:g} up")
    floor_text = ("the floor rules out every target risk" if allowed is None
                  else f"the floor rules out those below {allowed:g}")
    bits_text = ("no target complexity meets the target risk" if log2_m.value is None
                 else f"at ε = {scenario.target.target_risk:g} it meets targets up to {log2_m.value:.2f} bits")
    message = (f"At this design (floor {evaluation.floor:.4f}, achievable {evaluation.achievable:.4f}) "
               f"{risk_text}; {floor_text}; {bits_text}.")
    return SensitivityResult(evaluation.floor, evaluation.achievable, smallest, allowed,
                             None if log2_m.value is None else float(log2_m.value),
                             None if log2_m.at_least is None else float(log2_m.at_least), message)


@dataclass(frozen=True)
class PostHocResult:
    """The interval at the design as it is.

    Attributes
    ----------
    floor, achievable, ceiling
        Risks in [0, 1]; the ceiling starts from ``observed_risk`` when given,
        else from the predicted achievable risk.
    ceiling_source
        ``"observed"`` or ``"predicted"``.
    observed_risk
        The learner's observed risk R̂ used, in [0, 1), or None.
    below_floor
        True when the observed risk lies below the floor (saturation: the fit
        follows channel regularities, not the target).
    verdict
        The design's verdict.
    items, items_needed
        The campaign's items and what the value model needs
        (``at_least``, ``estimate``, ``at_most``).
    message
        One sentence in words and numbers.
    """

    floor: float
    achievable: float
    ceiling: float
    ceiling_source: str
    observed_risk: float | None
    below_floor: bool
    verdict: str
    items: int
    items_needed: dict[str, int | None]
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


def post_hoc(scenario: Scenario, observed_risk: float | None = None) -> PostHocResult:
    """Post hoc analysis: floor, achievable risk and ceiling at the design as it is.

    Parameters
    ----------
    scenario
        The design.
    observed_risk
        The risk a learner trained on these labels showed, R̂ in [0, 1); None
        uses the scenario's ``bounds.observed_risk`` (0: not measured).

    Raises
    ------
    SweepRangeError
        When ``observed_risk`` is outside [0, 1).
    """
    if observed_risk is not None:
        try:
            scenario = scenario.with_changes({"bounds.observed_risk": observed_risk})
        except ScenarioValidationError as error:
            raise SweepRangeError(f"observed risk: {error}") from None
    evaluation = evaluate(scenario, curves=False)
    observed = scenario.bounds.observed_risk if scenario.bounds.observed_risk > 0 else None
    below = observed is not None and observed < evaluation.floor
    seen = "" if observed is None else (
        f"; the observed risk {observed:.4f} lies below the floor: the fit follows rater artifacts, not the target"
        if below else f"; the observed risk {observed:.4f} is at or above the floor")
    message = (f"At this design the risk lies between the floor {evaluation.floor:.4f} and the achievable "
               f"{evaluation.achievable:.4f}; the ceiling ({evaluation.ceiling_risk_source} R̂) is "
               f"{evaluation.ceiling:.4f}; verdict: {VERDICT_WORDS[evaluation.verdict]}{seen}.")
    return PostHocResult(evaluation.floor, evaluation.achievable, evaluation.ceiling, evaluation.ceiling_risk_source,
                         observed, below, evaluation.verdict, evaluation.items, evaluation.items_needed.to_dict(),
                         message)


@dataclass(frozen=True)
class CompromiseResult:
    """The best designs within a budget (formats, items and rater pool held).

    Attributes
    ----------
    budget
        The budget, in the scenario's currency.
    best
        The design within the budget with the lowest achievable risk among the
        optimiser's evaluated frontier (ties: the cheaper), or None when no
        design fits the budget.
    best_achievable, best_cost, best_verdict
        Its achievable risk, cost and verdict (None without ``best``).
    cheapest_meeting
        The cheapest design within the budget that meets the target, or None.
    cheapest_meeting_cost
        Its cost.
    message
        One sentence in words and numbers.
    cancelled
        True when the optimiser was stopped.
    """

    budget: float
    best: Scenario | None
    best_achievable: float | None
    best_cost: float | None
    best_verdict: str | None
    cheapest_meeting: Scenario | None
    cheapest_meeting_cost: float | None
    message: str
    cancelled: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        for name in ("best", "cheapest_meeting"):
            data[name] = None if data[name] is None else data[name].to_dict()
        return data


def compromise(scenario: Scenario, budget: float | None = None, *, vary_formats: bool = False,
               progress: ProgressCallback | None = None) -> CompromiseResult:
    """Compromise analysis: with the budget fixed, the design with the lowest achievable risk.

    Parameters
    ----------
    scenario
        The scenario; items, contexts, rater pool and target are kept.
    budget
        Most money to spend (> 0, the scenario's currency); default the
        scenario's budget cap, else the cost of its own design.
    vary_formats
        Also let the optimiser change the response formats (its usual
        alternatives); by default each question keeps its format.
    progress
        As for :func:`advisor.planning.optimize.optimize`.

    Raises
    ------
    SweepRangeError
        For a budget that is not a positive number.
    """
    from advisor.planning.optimize import optimize

    if budget is None:
        budget = scenario.campaign.budget_cap or campaign_cost(scenario)[0]
    if isinstance(budget, bool) or not isinstance(budget, (int, float)) or not math.isfinite(budget) or budget <= 0:
        raise SweepRangeError(f"budget must be a number above 0, got {budget!r}")
    formats = None if vary_formats else [[q.format] for q in scenario.questions]
    result = optimize(scenario, budget_cap=float(budget), allowed_formats=formats, keep_time_shares=not vary_formats,
                      progress=progress)
    within = [p for p in result.frontier if p.cost <= budget * (1 + 1e-12)]
    best = min(within, key=lambda p: (round(p.achievable, 12), p.cost), default=None)
    meeting = result.recommended
    meeting_cost = None if result.recommended_evaluation is None else result.recommended_evaluation.cost
    currency = scenario.campaign.currency
    if best is None:
        message = f"No design of this scenario fits a budget of {money(budget, currency)}."
    else:
        message = (f"Within {money(budget, currency)} the lowest achievable risk is {best.achievable:.4f} "
                   f"({counted(best.raters, 'rater')} × {best.seconds_per_item:.1f} s per item, {money(best.cost, currency)}, "
                   f"verdict: {VERDICT_WORDS[best.verdict]})")
        message += ("; no design within it meets the target." if meeting is None else
                    f"; the cheapest that meets the target costs {money(meeting_cost, currency)}.")
    return CompromiseResult(float(budget), None if best is None else best.scenario,
                            None if best is None else best.achievable, None if best is None else best.cost,
                            None if best is None else best.verdict, meeting, meeting_cost, message,
                            result.cancelled)
