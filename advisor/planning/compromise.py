"""Compromise analysis at a fixed budget: more raters per item, or more items?

A budget ``B`` buys ``m_r = ⌊B / (c_item + r · c_label)⌋`` items with ``r`` raters each, where
``c_label = T/3600 · wage · (1 + fee)`` is one rater's work on one item (the scenario's cost model,
:func:`advisor.evaluation.evaluate.campaign_cost`) and ``c_item`` the money an item costs whatever
its raters (acquiring, preparing or reviewing it; Sheng, Provost & Ipeirotis's ``C_U``; 0 by
default, the scenario's cost model as it is). For each ``r = 1 … r_max`` the design with ``r``
raters and ``m_r`` items is evaluated in full (:func:`advisor.evaluation.evaluate.evaluate`), so
every number of a row is true of the design it names:

``label_error``
    the MAP error of the item's own answers from ``r`` votes of the scenario's channel
    (method §8.1; for one binary question the error of the majority vote);
``item_achievable``
    the per-item achievable risk ``Δ · P_ach`` on the ``log₂ M`` target (does not depend on m);
``model_error``
    the value model's learning error with the ``m_r`` items bought (method §8.2): Fano's converse
    (``at_least``: no learner does better), the normal-approximation estimate, Gallager's
    random-coding bound (``at_most``: some learner does at least this well);
``items_needed``, ``budget_needed``
    the items the value model needs at the target (at least, about, at most) and what they cost
    with ``r`` raters each;
``achievable``
    the risk the objective reads (:data:`OBJECTIVES`): for ``"both"`` (default) the larger of
    ``item_achievable`` and ``Δ · model_error.at_most``, so a design meets the target exactly when
    ``achievable ≤ ε`` (the verdict of method §8.4 reads both targets); for ``"model"`` the value
    model's ``Δ · model_error.at_most`` alone (the question Sheng et al. ask: the model trained on
    the labels).

The **best split** is the row with the lowest ``achievable``; rows within a relative
:data:`TIE_TOLERANCE` of it are ties, and ties go to fewer raters (cheaper to run, fewer ways to
herd). For ``"model"``, value-model errors within :data:`MODEL_TIE_RISK` of the lowest tie (the
table's four decimals cannot tell them apart), and the ties are told apart by the risk on both
targets first.

Why repeated labelling does not always pay
------------------------------------------
Raters who answer independently given the truth carry at most the sum of what each carries,
``I(X; Y₁ … Y_r) ≤ r · I(X; Y₁)`` (the chain rule with ``H(Y₁ … Y_r) ≤ Σ H(Y_i)``; Cover &
Thomas, Thm 2.6.6), and for a binary symmetric rater Gallager's ``E₀(1) = ln 2 − ln(1 + Z^r)``
(Bhattacharyya ``Z < 1``) is concave in r, so also at most r times one rater's. So when an item
costs nothing but its labels (``c_item = 0``), the information a budget buys for the value model is
largest with one rater per item: extra raters buy label quality, not model quality per unit of
money. The margin depends on the raters: with raters of accuracy 0.6 three raters per item cost the
value model only a few per cent more, with accuracy 0.9 most of the budget again.
As soon as an item costs something of its own, noisy raters (accuracy 0.6–0.7) are worth
repeating and good ones (0.9) are not: the finding of Sheng, Provost & Ipeirotis (KDD 2008),
reproduced with numbers in ``docs/validation.md`` (``bench/compromise.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from scipy import special

from models.learning import ItemsNeeded

from advisor.errors import CompromiseError, ScenarioValidationError
from advisor.evaluation.evaluate import VERDICT_WORDS, campaign_cost, evaluate
from advisor.progress import ProgressCallback, keeps_going
from advisor.scenario.schema import ADAPTIVE_MAX_OUTCOMES, MAX_RATERS, Scenario, rater_range
from advisor.units import LN2, counted, money

OBJECTIVES = ("both", "model")
"""What the best split minimises: ``"both"`` the design's achievable risk on both targets the
verdict reads (the item's answers and the value model), ``"model"`` the value model's alone."""
OBJECTIVE_TITLES = {
    "both": "both targets (the item's answers and the value model)",
    "model": "the value model only",
}
TIE_TOLERANCE = 1e-9
"""Rows whose achievable risk is within this share of the lowest (or within 1e-15) are ties."""
SHOWN_AS_ZERO = 0.5e-4
"""A risk below this reads 0 at four decimals (:func:`risk_text` writes "< 0.0001" for it)."""
MODEL_TIE_RISK = SHOWN_AS_ZERO
"""Under the objective ``"model"``, value-model errors (risks) within this of the lowest are ties:
what four decimals show as the same (6e-103, 1e-37 and 4.5e-13 all read "< 0.0001")."""
BUDGET_ROUNDING = 1e-12
"""A budget that is an exact multiple of an item's price buys that many items, whatever the
rounding of the division: ``m = ⌊B / c · (1 + BUDGET_ROUNDING)⌋`` (as the budget sweep counts)."""
MAX_ITEMS = 10**12
"""Most items a campaign may have (the scenario's limit)."""


def independent_binary_raters(accuracy: float, *, model_bits: float = 1000.0, target_risk: float = 0.1,
                              seconds_per_item: float = 10.0, wage_per_hour: float = 36.0,
                              platform_fee: float = 0.2) -> Scenario:
    """The setting of Sheng, Provost & Ipeirotis (2008): one binary question answered by raters who
    are right with probability ``accuracy``, independently (no herding, no slips).

    Parameters
    ----------
    accuracy
        Each rater's chance of the right answer, in (0.5, 1).
    model_bits
        ``log₂ M_g`` of the value model the labels teach, bits (> 0).
    target_risk
        ε, in (0, 1).
    seconds_per_item, wage_per_hour, platform_fee
        The cost model: one label costs ``seconds / 3600 · wage · (1 + fee)`` (by default 0.12).

    Notes
    -----
    Two-alternative forced choice is right with probability ``Φ(d′ / √2)``, so the discriminability
    is ``λ = √2 Φ⁻¹(accuracy)``; an accrual rate of 100 per second and no dead time reach it within
    the time given (``1 − e^{−100 T}`` is 1 in double precision for T ≥ 1 s).
    """
    if not 0.5 < accuracy < 1.0:
        raise CompromiseError(f"accuracy must be above 0.5 and below 1, got {accuracy!r}")
    return Scenario(
        name=f"independent binary raters of accuracy {accuracy:g}",
        target={"log2_m": 1.0, "model_bits": model_bits, "target_risk": target_risk},
        questions=[{"name": "label", "format": {"kind": "binary"}, "slip_rate": 0.0}],
        raters={"per_item": 1, "correlation": 0.0, "discriminability": math.sqrt(2.0) * float(special.ndtri(accuracy)),
                "accrual_rate": 100.0, "base_time": 0.0},
        campaign={"items": 1000, "seconds_per_item": seconds_per_item, "wage_per_hour": wage_per_hour,
                  "platform_fee": platform_fee},
    )


def _number(name: str, value: Any, *, positive: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise CompromiseError(f"{name} must be a finite number, got {value!r}")
    if positive and value <= 0:
        raise CompromiseError(f"{name} must be above 0, got {value:g}")
    if not positive and value < 0:
        raise CompromiseError(f"{name} must be 0 or more, got {value:g}")
    return float(value)


def default_budget(scenario: Scenario) -> float:
    """The budget a compromise uses when none is given: the scenario's budget cap, else the cost
    of its own design (money, the scenario's currency)."""
    return scenario.campaign.budget_cap or campaign_cost(scenario)[0]


def default_max_raters(scenario: Scenario) -> int:
    """Most raters per item a compromise tries when not told: ``max(10, 2 r)``, at most 100
    (the range of the rater curve)."""
    return min(MAX_RATERS, max(10, 2 * scenario.raters.per_item))


def cost_per_item(scenario: Scenario, raters: int, item_cost: float = 0.0) -> float:
    """Money one item costs with ``raters`` raters: ``item_cost + raters · T/3600 · wage · (1 + fee)``
    for a fixed overlap without gold; in general the scenario's cost model
    (:func:`~advisor.evaluation.evaluate.campaign_cost`) of one item of the design with ``raters``
    as its raters per item (an overlap design's expected raters, gold tasks and their authoring).

    Parameters
    ----------
    scenario
        Its campaign gives T (s), the wage (per hour) and the fee (share of wages).
    raters
        Raters per item, ≥ 1.
    item_cost
        Money per item whatever its raters, ≥ 0.
    """
    design = scenario if scenario.raters.per_item == raters else scenario.with_changes({"raters.per_item": raters})
    labels, _ = campaign_cost(design, items=1)
    return float(item_cost) + labels


def items_bought(scenario: Scenario, budget: float, raters: int, item_cost: float = 0.0) -> int:
    """Items a budget buys with ``raters`` raters each: ``⌊B / cost_per_item⌋`` (see
    :data:`BUDGET_ROUNDING`).

    Raises
    ------
    CompromiseError
        When an item costs nothing (no wage and no item cost): a budget then buys no particular
        number of items.
    """
    price = cost_per_item(scenario, raters, item_cost)
    if price <= 0:
        raise CompromiseError("an item costs nothing at this design (wage 0 and no item cost), so a budget buys no "
                              "particular number of items; give the raters a wage or the items a cost")
    return int(math.floor(budget / price * (1.0 + BUDGET_ROUNDING)))


@dataclass(frozen=True)
class CompromiseRow:
    """One split of the budget: ``raters`` per item on the ``items`` it buys (module docstring).

    Attributes
    ----------
    raters, items
        The design: raters per item r and the items m the budget buys with them.
    cost_per_item, cost
        Money per item (item cost and labels) and the whole campaign's, ``items · cost_per_item``.
    label_error
        MAP error of one item's answers from r votes, in [0, 1].
    floor
        The per-item Fano floor on the ``log₂ M`` target, a risk in [0, Δ].
    item_achievable
        The per-item achievable risk ``Δ · P_ach``, in [floor, Δ].
    model_error
        ``{"at_least", "estimate", "at_most"}``: the value model's learning error (a probability)
        with these items: Fano, normal approximation, Gallager.
    achievable
        The risk the objective reads, in [0, 1].
    items_needed
        Items the value model needs at the target: at least, about, at most (None: none suffices).
    budget_needed
        What those items cost with r raters each (None where the items are None).
    verdict
        The design's verdict (``meets``, ``undecided``, ``cannot``).
    capacity_nats
        C̄ of the design, nats per item.
    binding
        Which side sets ``achievable`` under objective ``"both"``: ``"labels"`` (the item's answers)
        or ``"model"`` (the items bought).
    scenario
        The design itself (the scenario with r and m set).
    """

    raters: int
    items: int
    cost_per_item: float
    cost: float
    label_error: float
    floor: float
    item_achievable: float
    model_error: dict[str, float]
    achievable: float
    items_needed: ItemsNeeded
    budget_needed: dict[str, float | None]
    verdict: str
    capacity_nats: float
    binding: str
    scenario: Scenario | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (no scenario; capacity in nats with its bits twin)."""
        return {
            "raters": self.raters, "items": self.items, "cost_per_item": self.cost_per_item, "cost": self.cost,
            "label_error": self.label_error, "floor": self.floor, "item_achievable": self.item_achievable,
            "model_error": dict(self.model_error), "achievable": self.achievable,
            "items_needed": self.items_needed.to_dict(), "budget_needed": dict(self.budget_needed),
            "verdict": self.verdict, "capacity_nats": self.capacity_nats, "capacity_bits": self.capacity_nats / LN2,
            "binding": self.binding,
        }


@dataclass(frozen=True)
class CompromiseAnalysis:
    """The budget split every way from 1 to ``max_raters`` raters per item.

    Attributes
    ----------
    scenario_name
        The scenario analysed.
    budget, item_cost, currency
        The budget and the money per item whatever its raters, in ``currency``.
    max_raters
        The most raters per item asked for.
    objective
        What ``achievable`` reads (:data:`OBJECTIVES`).
    target_risk, separation
        The scenario's ε and Δ.
    rows
        One per r, increasing, up to the largest r that still buys an item.
    best
        The index in ``rows`` of the best split (lowest achievable; for ``"model"`` ties told apart
        by the risk on both targets; then ties to fewer raters), or None when no row was computed
        (cancelled before the first).
    message
        The recommendation in one paragraph, with its numbers.
    note
        Why the rows start after 1 or stop before ``max_raters`` (an adaptive design may start only
        with so many raters; the budget buys no item from some r on), else "".
    cancelled
        True when ``progress`` stopped the analysis; the rows then are those done.
    """

    scenario_name: str
    budget: float
    item_cost: float
    currency: str
    max_raters: int
    objective: str
    target_risk: float
    separation: float
    rows: tuple[CompromiseRow, ...]
    best: int | None
    message: str
    note: str = ""
    cancelled: bool = False

    @property
    def best_row(self) -> CompromiseRow | None:
        """The best split's row (None when there is none)."""
        return None if self.best is None else self.rows[self.best]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: ``{"budget", "rows": [...], "best": <one of the rows>, ...}``."""
        rows = [row.to_dict() for row in self.rows]
        return {
            "scenario": self.scenario_name, "budget": self.budget, "item_cost": self.item_cost,
            "currency": self.currency, "max_raters": self.max_raters, "objective": self.objective,
            "target_risk": self.target_risk, "separation": self.separation, "rows": rows,
            "best": None if self.best is None else rows[self.best], "message": self.message, "note": self.note,
            "cancelled": self.cancelled,
        }


def best_index(values: list[float], then: list[float] | None = None, *, within: float = 0.0) -> int | None:
    """Index of the lowest value; values within :data:`TIE_TOLERANCE` of it (relative) or within
    ``within`` (absolute, >= 0) tie. Among ties the lowest of ``then`` (one per value) wins, with
    the relative tolerance only, then the first (rows are in increasing raters, so ties go to fewer
    raters). NaN values never win."""
    if not values:
        return None
    if then is not None and len(then) != len(values):
        raise ValueError(f"then must have one value per value, got {len(then)} for {len(values)}")
    ties = tied_with_lowest(values, within)
    if not ties:
        return 0
    if then is None or len(ties) == 1:
        return ties[0]
    return ties[best_index([then[i] for i in ties])]  # type: ignore[index]


def tied_with_lowest(values: list[float], within: float = 0.0) -> list[int]:
    """Indices of the values that tie with the lowest (NaN skipped): within :data:`TIE_TOLERANCE`
    of it (relative, or 1e-15) or within ``within`` (absolute, >= 0); empty when none is a number."""
    finite = [value for value in values if not math.isnan(value)]
    if not finite:
        return []
    lowest = min(finite)
    limit = max(lowest * (1.0 + TIE_TOLERANCE) + 1e-15, lowest + within)
    return [i for i, value in enumerate(values) if value <= limit]


def _row(scenario: Scenario, raters: int, items: int, price: float, objective: str) -> CompromiseRow:
    try:
        design = scenario.with_changes({"raters.per_item": raters, "campaign.items": items})
    except ScenarioValidationError as error:
        raise CompromiseError(f"{raters} raters on {items:,} items is not a valid design: {error}") from None
    evaluation = evaluate(design, curves=False)
    assert evaluation.learning is not None  # set by evaluate
    converse, estimate, reached = evaluation.learning.errors(items)
    separation = design.target.separation
    model_risk = separation * reached
    binding = "labels" if evaluation.achievable >= model_risk else "model"
    achievable = max(evaluation.achievable, model_risk) if objective == "both" else model_risk
    needed = evaluation.items_needed
    return CompromiseRow(
        raters=raters, items=items, cost_per_item=price, cost=items * price, label_error=evaluation.label_error,
        floor=evaluation.floor, item_achievable=evaluation.achievable,
        model_error={"at_least": converse, "estimate": estimate, "at_most": reached}, achievable=achievable,
        items_needed=needed,
        budget_needed={name: None if value is None else value * price for name, value in needed.to_dict().items()},
        verdict=evaluation.verdict, capacity_nats=evaluation.capacity_nats, binding=binding, scenario=design,
    )


def compromise(scenario: Scenario, budget: float | None = None, *, max_raters: int | None = None,
               item_cost: float = 0.0, objective: str = "both",
               progress: ProgressCallback | None = None) -> CompromiseAnalysis:
    """Split a fixed budget between raters per item and items, every way from 1 to ``max_raters``.

    Parameters
    ----------
    scenario
        The design; everything but raters per item and items is kept.
    budget
        Money to spend (> 0, the scenario's currency); default :func:`default_budget`.
    max_raters
        Most raters per item to try, 1 to 100; default :func:`default_max_raters`.
    item_cost
        Money per item whatever its raters (≥ 0; default 0: the scenario's cost model as it is).
    objective
        ``"both"`` or ``"model"`` (:data:`OBJECTIVES`).
    progress
        ``progress(0, total)`` before the first design and ``progress(r, total)`` after each
        (``total`` the rows to compute); returning False stops with the rows done, marked
        ``cancelled`` (:mod:`advisor.progress`).

    Returns
    -------
    CompromiseAnalysis

    Raises
    ------
    CompromiseError
        For a budget, item cost, ``max_raters`` or objective out of range, a budget that buys no
        item even with one rater, or one that buys more items than a campaign may have.
    """
    if budget is None:
        budget = default_budget(scenario)
        if budget <= 0:
            raise CompromiseError("the scenario has no budget cap and its design costs nothing (wage 0), so there is "
                                  "no budget to split; give a budget and a wage or a cost per item")
    budget = _number("budget", budget, positive=True)
    item_cost = _number("item cost", item_cost, positive=False)
    if max_raters is None:
        max_raters = default_max_raters(scenario)
    if isinstance(max_raters, bool) or not isinstance(max_raters, int) or not 1 <= max_raters <= MAX_RATERS:
        raise CompromiseError(f"max raters must be a whole number from 1 to {MAX_RATERS}, got {max_raters!r}")
    if objective not in OBJECTIVES:
        raise CompromiseError(f"objective must be one of {', '.join(OBJECTIVES)}, got {objective!r}")
    currency = scenario.campaign.currency
    # An adaptive design holds only so many vote histograms: the rows are the raters it may start with.
    fewest, most = rater_range(scenario, max_raters)
    histograms = (f"an adaptive design watching {scenario.questions[0].format.label()} has more than "
                  f"{ADAPTIVE_MAX_OUTCOMES:,} vote histograms")
    if fewest > most:
        raise CompromiseError(f"with at most {max_raters} raters per item no design fits: below {fewest} raters "
                              f"{histograms}")
    first = items_bought(scenario, budget, fewest, item_cost)
    fewest_text = "one rater" if fewest == 1 else f"{fewest} raters"
    if first < 1:
        raise CompromiseError(
            f"a budget of {money(budget, currency)} buys no item: one item with {fewest_text} costs "
            f"{money(cost_per_item(scenario, fewest, item_cost), currency)}")
    if first > MAX_ITEMS:
        raise CompromiseError(f"a budget of {money(budget, currency)} buys {first:,} items with {fewest_text}, "
                              f"more than the {MAX_ITEMS:,} a campaign may have")
    plan: list[tuple[int, int, float]] = []
    start_note = f"Below {fewest} raters per item {histograms}: the rows start at {fewest}." if fewest > 1 else ""
    stop_note = f"From {most + 1} raters per item {histograms}: the rows stop at {most}." if most < max_raters else ""
    for raters in range(fewest, most + 1):
        items = items_bought(scenario, budget, raters, item_cost)
        if items < 1:
            stop_note = (f"From {raters} raters per item on the budget buys no item (one item costs "
                         f"{money(cost_per_item(scenario, raters, item_cost), currency)}): the rows stop at "
                         f"{raters - 1}.")
            break
        plan.append((raters, items, cost_per_item(scenario, raters, item_cost)))
    note = " ".join(text for text in (start_note, stop_note) if text)
    rows: list[CompromiseRow] = []
    cancelled = not keeps_going(progress, 0, len(plan))
    if not cancelled:
        for raters, items, price in plan:
            rows.append(_row(scenario, raters, items, price, objective))
            if not keeps_going(progress, raters, len(plan)):
                cancelled = raters < len(plan)
                break
    # The value model's error alone often ties (every split buys more items than it needs): then the
    # split whose items' answers are best (the risk on both targets) is the better one.
    best = best_index([row.achievable for row in rows],
                      None if objective == "both" else [max(row.item_achievable, row.achievable) for row in rows],
                      within=_tie_risk(objective))
    message = _message(scenario, budget, item_cost, objective, max_raters, rows, best, cancelled)
    return CompromiseAnalysis(
        scenario_name=scenario.name, budget=budget, item_cost=item_cost, currency=currency, max_raters=max_raters,
        objective=objective, target_risk=scenario.target.target_risk, separation=scenario.target.separation,
        rows=tuple(rows), best=best, message=message, note=note, cancelled=cancelled,
    )


def risk_text(value: float) -> str:
    """A risk or error probability in [0, 1] as text: four decimals, and "< 0.0001" for a value above
    0 that four decimals would show as 0 (a value model's error falls to 10⁻²⁸⁸ on the X-ray example:
    its exponent only distracts from the verdict, and 0.0000 would say it is none)."""
    return "< 0.0001" if 0.0 < value < SHOWN_AS_ZERO else f"{value:.4f}"


def _tie_risk(objective: str) -> float:
    """The absolute tie of :func:`best_index` under ``objective``: only the value model's errors,
    which a split often drives far below what is shown, tie by what four decimals show."""
    return 0.0 if objective == "both" else MODEL_TIE_RISK


def _model_error_text(row: CompromiseRow) -> str:
    """The value model's error bounds in words: "at most 0.0120 (at least 0.0031)", or "below 0.0001"."""
    at_most, at_least = row.model_error["at_most"], row.model_error["at_least"]
    if at_most < SHOWN_AS_ZERO:
        return "the value model's error below 0.0001"
    return f"the value model's error at most {risk_text(at_most)} (at least {risk_text(at_least)})"


def _message(scenario: Scenario, budget: float, item_cost: float, objective: str, max_raters: int,
             rows: list[CompromiseRow], best: int | None, cancelled: bool) -> str:
    currency = scenario.campaign.currency
    spend = money(budget, currency) + (f" (items at {money(item_cost, currency)} each besides their raters)"
                                       if item_cost > 0 else "")
    if best is None:
        return f"Cancelled before the first split of {spend} was evaluated."
    row = rows[best]
    target = scenario.target.target_risk
    text = (f"Within {spend} the best split is {counted(row.raters, 'rater')} per item on "
            f"{row.items:,} items ({money(row.cost, currency)}): achievable risk {risk_text(row.achievable)} on "
            f"{OBJECTIVE_TITLES[objective]}, label error {risk_text(row.label_error)}, {_model_error_text(row)}; "
            f"verdict: {VERDICT_WORDS[row.verdict]}.")
    if objective != "both" and best is not None:
        tied = tied_with_lowest([r.achievable for r in rows], _tie_risk(objective))
        if len(tied) > 1:
            text += (f" {len(tied)} splits tie on the value model's error; of those this one has the lowest risk on "
                     f"both targets ({risk_text(max(row.item_achievable, row.achievable))}).")
    if objective == "both":
        text += (" The item's answers set this risk (the value model's error is lower)." if row.binding == "labels"
                 else " The items bought set this risk (the item's answers do better).")
    if best == len(rows) - 1 and len(rows) > 1 and not cancelled and row.raters == max_raters:
        text += " It is the most raters tried: more may do better."
    single = rows[0]
    if best != 0:
        text += (f" One rater per item would buy {single.items:,} items with achievable risk "
                 f"{risk_text(single.achievable)}.")
    elif len(rows) > 1:
        text += (f" More raters do not pay here: {rows[1].raters} raters would buy {rows[1].items:,} items with "
                 f"achievable risk {risk_text(rows[1].achievable)}.")
    meeting = [r for r in rows if r.verdict == "meets"]
    if meeting:
        text += (f" {len(meeting)} of {len(rows)} splits meet the target {target:g} (raters "
                 f"{', '.join(str(r.raters) for r in meeting)}).")
    else:
        text += f" No split of this budget meets the target {target:g}."
    if cancelled:
        text += f" Cancelled after {counted(len(rows), 'split')}: the best is among those done."
    return text
