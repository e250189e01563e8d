"""From a scenario to capacities, the risk interval, cost and curves.

:func:`evaluate` is the one forward computation of the app: every number the
GUI, the command line, the recommendations and the reports show comes from it
(see ``docs/method.md``). Its result is a tree of frozen dataclasses, safe to
hand from a worker thread to the GUI thread.

Conventions
-----------
* Information is in nats; ``to_dict(unit="bits")`` converts at the boundary.
* ``capacity_nats`` (C̄) is the context-weighted capacity per item of the whole
  panel: ``Σ_s w_s Σ_q C_q|s(r)``, each ``C_q|s(r)`` the exact capacity of the
  r-rater vote-count channel of the single-rater cascade ``K_cog @ K_art``
  (or its flagged bound). Both Fano floors use C̄.
* The paper's per-context quantities (``C_cog|s``, ``C_art|s`` and their
  minimum, one rater) are reported beside it; the exact cascade never exceeds
  the minimum (data processing).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

import models
from models.allocation import water_fill
from models.channel import QuestionChannel, question_channel

from advisor.scenario import Question, Scenario

LN2 = math.log(2.0)
SATURATION_SHARE = 0.95  # a question within 5 % of ln(#alternatives) is saturated (method §5)
WATER_FILL_STEPS = 40


# --------------------------------------------------------------------- results
@dataclass(frozen=True)
class QuestionResult:
    """One question in one context (capacities in nats per item)."""

    name: str
    format: str
    kind: str
    alternatives: int
    max_nats: float
    time_share: float
    judgment_seconds: float
    effective_seconds: float
    dprime: float
    cognitive_nats: float
    articulation_nats: float
    paper_nats: float
    cascade_nats: float
    panel_nats: float
    panel_exact: bool
    binding_stage: str
    saturated: bool


@dataclass(frozen=True)
class ContextResult:
    """One context: the paper's per-context capacities and the panel's."""

    name: str
    weight: float
    judgment_seconds: float
    cognitive_nats: float
    articulation_nats: float
    paper_nats: float
    cascade_nats: float
    panel_nats: float
    binding_stage: str
    questions: tuple[QuestionResult, ...]


@dataclass(frozen=True)
class Curve:
    """Risk bounds against one design variable, for plots.

    ``x`` is the variable (``log_x`` says whether to plot it on a log axis);
    ``floor``, ``floor_paper`` and ``ceiling`` are risks in [0, 1] at each x;
    ``capacity_nats`` is C̄ at each x; ``target`` the target risk;
    ``current`` the scenario's own x.
    """

    name: str
    x_label: str
    x: tuple[float, ...]
    floor: tuple[float, ...]
    floor_paper: tuple[float, ...]
    ceiling: tuple[float, ...]
    capacity_nats: tuple[float, ...]
    target: float
    current: float
    log_x: bool


@dataclass(frozen=True)
class Evaluation:
    """Everything computed for one scenario."""

    scenario_name: str
    content_hash: str
    capacity_nats: float
    paper_capacity_nats: float
    single_rater_nats: float
    log2_m: float
    target_risk: float
    floor: float
    floor_paper: float
    ceiling: float
    ceiling_form: str
    ceiling_plateau: float
    capacity_needed_nats: float
    capacity_needed_paper_nats: float
    capacity_gap_nats: float
    items: int
    items_needed: int | None
    floor_meets_target: bool
    ceiling_meets_target: bool
    labels_cannot_reach_target: bool
    cost: float
    currency: str
    rater_hours: float
    time_shares: tuple[float, ...]
    automatic_time_shares: bool
    contexts: tuple[ContextResult, ...]
    warnings: tuple[str, ...]
    curves: dict[str, Curve] = field(default_factory=dict)

    @property
    def capacity_bits(self) -> float:
        return self.capacity_nats / LN2

    def question(self, context: str, question: str) -> QuestionResult:
        """The result of one question in one context (by names)."""
        for ctx in self.contexts:
            if ctx.name == context:
                for q in ctx.questions:
                    if q.name == question:
                        return q
        raise KeyError(f"no question {question!r} in context {context!r}")

    def to_dict(self, unit: str = "nats", *, include_curves: bool = True) -> dict[str, Any]:
        """JSON-ready data. Keys ending in ``_nats`` stay in nats; with
        ``unit="bits"`` a ``_bits`` twin is added beside each of them."""
        if unit not in ("nats", "bits"):
            raise ValueError(f"unit must be 'nats' or 'bits', got {unit!r}")

        def convert(value: Any) -> Any:
            if isinstance(value, dict):
                out: dict[str, Any] = {}
                for key, item in value.items():
                    out[key] = convert(item)
                    if unit == "bits" and key.endswith("_nats") and isinstance(item, (int, float)):
                        out[key[: -len("_nats")] + "_bits"] = float(item) / LN2
                return out
            if isinstance(value, (list, tuple)):
                return [convert(v) for v in value]
            return value

        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("contexts", "curves")}
        data["capacity_bits"] = self.capacity_bits
        data["contexts"] = [asdict(c) for c in self.contexts]
        if include_curves:
            data["curves"] = {name: asdict(curve) for name, curve in self.curves.items()}
        return convert(data)


# ----------------------------------------------------------------- the channel
@dataclass(frozen=True)
class _Design:
    """The design variables that curves and levers vary."""

    raters: int
    seconds_per_item: float


def _question_channel(scenario: Scenario, question: Question, context_index: int, share: float,
                      design: _Design) -> QuestionChannel:
    context = scenario.contexts[context_index]
    raters = scenario.raters
    seconds = models.timing.judgment_seconds(
        design.seconds_per_item, share, context.reading_words, raters.reading_wpm
    )
    return question_channel(
        question.format.kind,
        question.format.k,
        seconds=seconds,
        discriminability=raters.discriminability,
        accrual_rate=raters.accrual_rate,
        base_time=raters.base_time,
        difficulty=context.difficulty,
        slip_rate=question.slip_rate,
        raters=design.raters,
        correlation=raters.correlation,
        span=question.span,
        aspects=question.aspects,
        max_chars=question.format.max_chars,
        bits_per_char=question.bits_per_char,
        chars_per_second=question.chars_per_second,
    )


def _channels(scenario: Scenario, shares: Sequence[float], design: _Design) -> list[list[QuestionChannel]]:
    return [
        [_question_channel(scenario, q, s, share, design) for q, share in zip(scenario.questions, shares)]
        for s in range(len(scenario.contexts))
    ]


def _mean_capacity(scenario: Scenario, channels: list[list[QuestionChannel]]) -> float:
    return float(sum(w * sum(ch.panel_nats for ch in row) for w, row in zip(scenario.context_weights, channels)))


def time_shares(scenario: Scenario, *, design: _Design | None = None, steps: int = WATER_FILL_STEPS) -> tuple[float, ...]:
    """The judgment-time share of each question.

    Fixed shares are normalised when every question has one. Otherwise the
    fixed ones are fractions of the judgment time and the rest is split among
    the automatic questions by water-filling on the context-weighted panel
    capacity (:func:`models.allocation.water_fill`).

    Returns
    -------
    tuple of float
        One share per question, in [0, 1], summing to 1.
    """
    questions = scenario.questions
    if scenario.fixed_time_shares:
        total = sum(q.time_share for q in questions)  # type: ignore[misc]
        return tuple(q.time_share / total for q in questions)  # type: ignore[operator]
    design = design or _Design(scenario.raters.per_item, scenario.campaign.seconds_per_item)
    fixed_total = sum(q.time_share or 0.0 for q in questions)
    free = 1.0 - fixed_total
    automatic = [i for i, q in enumerate(questions) if q.time_share is None]
    weights = scenario.context_weights

    def gain(index: int):
        question = questions[index]

        def capacity_at(share: float) -> float:
            return sum(
                w * _question_channel(scenario, question, s, share * free, design).panel_nats
                for s, w in enumerate(weights)
            )

        return capacity_at

    if len(automatic) == 1:
        parts = [1.0]
    else:
        parts = list(water_fill([gain(i) for i in automatic], steps=steps).shares)
    shares = [q.time_share or 0.0 for q in questions]
    for index, part in zip(automatic, parts):
        shares[index] = part * free
    return tuple(shares)


# ----------------------------------------------------------------- the bounds
def _bounds(scenario: Scenario, capacity: float, items: int) -> tuple[float, float, float]:
    target, b = scenario.target, scenario.bounds
    floor = models.fano_floor(capacity, target.log2_m, separation=target.separation, form="exact")
    floor_paper = models.fano_floor(capacity, target.log2_m, separation=target.separation, form="paper")
    ceiling = models.ceiling(
        b.observed_risk, capacity, items, form=b.ceiling_form, delta=b.delta, eta=b.eta,
        residual_nats=b.residual_nats, context_nats=b.context_nats, catoni_lambda=b.catoni_lambda,
    )
    return floor, floor_paper, ceiling


def campaign_cost(scenario: Scenario, *, raters: int | None = None, seconds_per_item: float | None = None,
                  items: int | None = None) -> tuple[float, float]:
    """Money and rater-hours: ``cost = m · r · T/3600 · wage · (1 + fee)``.

    Returns
    -------
    (cost, rater_hours)
        Cost in the scenario's currency; rater-hours ≥ 0.
    """
    c = scenario.campaign
    r = scenario.raters.per_item if raters is None else raters
    t = c.seconds_per_item if seconds_per_item is None else seconds_per_item
    m = c.items if items is None else items
    hours = m * r * t / 3600.0
    return hours * c.wage_per_hour * (1.0 + c.platform_fee), hours


def _binding_stage_of_context(questions: Sequence[QuestionResult]) -> str:
    # The context is bound where most capacity is lost: the question whose
    # panel falls furthest short of its alphabet names the stage.
    def deficit(q: QuestionResult) -> float:
        ceiling = q.max_nats if q.max_nats > 0 else q.articulation_nats
        return ceiling - q.panel_nats

    return max(questions, key=deficit).binding_stage


def required_capacity(scenario: Scenario, *, form: str = "exact") -> float:
    """Capacity per item (nats) that the target risk needs: the Fano floor at
    C̄ equals ``target_risk`` there. Risk is ``Δ ·`` error, so the error to reach
    is ``ε / Δ``; an error at or above ``1 − 1/M`` needs no information."""
    target = scenario.target
    error = target.target_risk / target.separation
    if error >= 1.0 - 2.0 ** (-target.log2_m):
        return 0.0
    return float(models.capacity_needed(error, target.log2_m, form=form))


# -------------------------------------------------------------------- curves
def _curve(name: str, x_label: str, xs: Sequence[float], capacities: Sequence[float], scenario: Scenario,
           current: float, log_x: bool, *, items: Sequence[int] | None = None,
           log2_ms: Sequence[float] | None = None) -> Curve:
    floors, floors_paper, ceilings = [], [], []
    target, b = scenario.target, scenario.bounds
    for i, capacity in enumerate(capacities):
        m = items[i] if items is not None else scenario.campaign.items
        log2_m = log2_ms[i] if log2_ms is not None else target.log2_m
        floors.append(models.fano_floor(capacity, log2_m, separation=target.separation, form="exact"))
        floors_paper.append(models.fano_floor(capacity, log2_m, separation=target.separation, form="paper"))
        ceilings.append(models.ceiling(
            b.observed_risk, capacity, int(m), form=b.ceiling_form, delta=b.delta, eta=b.eta,
            residual_nats=b.residual_nats, context_nats=b.context_nats, catoni_lambda=b.catoni_lambda,
        ))
    return Curve(name, x_label, tuple(float(x) for x in xs), tuple(floors), tuple(floors_paper), tuple(ceilings),
                 tuple(float(c) for c in capacities), target.target_risk, float(current), log_x)


def _curves(scenario: Scenario, shares: Sequence[float], capacity: float) -> dict[str, Curve]:
    campaign, raters = scenario.campaign, scenario.raters
    m = campaign.items
    high = max(10 * m, 10**6)
    item_grid = np.unique(np.round(np.logspace(0, math.log10(high), 61)).astype(np.int64))
    curves = {
        "items": _curve("items", "labelled items m", item_grid, [capacity] * len(item_grid), scenario, m, True,
                        items=list(item_grid)),
    }
    log2_m = scenario.target.log2_m
    log2_grid = np.linspace(0.5, max(2.0 * log2_m, log2_m + 8.0, 16.0), 61)
    curves["log2_m"] = _curve("log2_m", "target complexity log2 M (bits)", log2_grid, [capacity] * len(log2_grid),
                              scenario, log2_m, False, log2_ms=list(log2_grid))
    r = raters.per_item
    rater_grid = list(range(1, max(2 * r, 10) + 1))
    rater_caps = [
        capacity if k == r else _mean_capacity(scenario, _channels(scenario, shares, _Design(k, campaign.seconds_per_item)))
        for k in rater_grid
    ]
    curves["raters"] = _curve("raters", "raters per item r", rater_grid, rater_caps, scenario, r, False)
    t = campaign.seconds_per_item
    seconds_grid = np.unique(np.concatenate([np.geomspace(max(t / 8.0, 0.5), t * 8.0, 25), [t]]))
    seconds_caps = [
        capacity if s == t else _mean_capacity(scenario, _channels(scenario, shares, _Design(r, float(s))))
        for s in seconds_grid
    ]
    curves["seconds"] = _curve("seconds", "seconds per item T", seconds_grid, seconds_caps, scenario, t, True)
    return curves


# ------------------------------------------------------------------ evaluate
def evaluate(scenario: Scenario, *, curves: bool = True) -> Evaluation:
    """Evaluate a scenario: capacities, the risk interval, cost, warnings, curves.

    Parameters
    ----------
    scenario
        A validated scenario.
    curves
        Also compute the plotted curves (risk against items, log2 M, raters
        and seconds per item). The curves over raters and seconds re-evaluate
        the channel at each point with the time shares held at this
        scenario's.

    Returns
    -------
    Evaluation
    """
    design = _Design(scenario.raters.per_item, scenario.campaign.seconds_per_item)
    shares = time_shares(scenario, design=design)
    channels = _channels(scenario, shares, design)

    contexts: list[ContextResult] = []
    for (context, weight, row) in zip(scenario.contexts, scenario.context_weights, channels):
        question_results = tuple(
            QuestionResult(
                name=q.name, format=q.format.label(), kind=q.format.kind, alternatives=ch.alternatives,
                max_nats=ch.max_nats, time_share=share, judgment_seconds=ch.judgment_seconds,
                effective_seconds=ch.effective_seconds, dprime=ch.dprime, cognitive_nats=ch.cognitive_nats,
                articulation_nats=ch.articulation_nats, paper_nats=ch.paper_nats, cascade_nats=ch.cascade_nats,
                panel_nats=ch.panel_nats, panel_exact=ch.panel_exact, binding_stage=ch.binding_stage,
                saturated=ch.saturated,
            )
            for q, share, ch in zip(scenario.questions, shares, row)
        )
        cognitive = sum(q.cognitive_nats for q in question_results)
        articulation = sum(q.articulation_nats for q in question_results)
        contexts.append(ContextResult(
            name=context.name, weight=weight,
            judgment_seconds=models.timing.judgment_seconds(
                design.seconds_per_item, 1.0, context.reading_words, scenario.raters.reading_wpm),
            cognitive_nats=cognitive, articulation_nats=articulation, paper_nats=min(cognitive, articulation),
            cascade_nats=sum(q.cascade_nats for q in question_results),
            panel_nats=sum(q.panel_nats for q in question_results),
            binding_stage=_binding_stage_of_context(question_results),
            questions=question_results,
        ))

    weights = scenario.context_weights
    capacity = float(sum(w * c.panel_nats for w, c in zip(weights, contexts)))
    paper_capacity = float(sum(w * c.paper_nats for w, c in zip(weights, contexts)))
    single_rater = float(sum(w * c.cascade_nats for w, c in zip(weights, contexts)))
    target, b, campaign = scenario.target, scenario.bounds, scenario.campaign
    floor, floor_paper, ceiling = _bounds(scenario, capacity, campaign.items)
    bound_terms = dict(form=b.ceiling_form, delta=b.delta, eta=b.eta, residual_nats=b.residual_nats,
                       context_nats=b.context_nats, catoni_lambda=b.catoni_lambda)
    plateau = models.ceiling_plateau(b.observed_risk, capacity, **bound_terms)
    needed = required_capacity(scenario, form="exact")
    needed_paper = required_capacity(scenario, form="paper")
    items_needed = models.items_needed(target.target_risk, b.observed_risk, capacity, **bound_terms)
    cost, hours = campaign_cost(scenario)

    warnings: list[str] = []
    # R̂ = 0 is the default, read as "not measured": the check needs a real fit.
    if 0.0 < b.observed_risk < floor:
        warnings.append(
            f"Saturation: the observed risk {b.observed_risk:.3f} is below the floor {floor:.3f}. The channel carries "
            f"{capacity / LN2:.2f} bits per item, too little for that fit on a {target.log2_m:g}-bit target: "
            "the excess is fit to channel regularities (rater artifacts: sycophancy, reward hacking)."
        )
    if ceiling < floor:
        warnings.append(
            f"The ceiling {ceiling:.3f} lies below the floor {floor:.3f}: no learner can reach the observed risk "
            f"{b.observed_risk:.3f} against the target through {capacity / LN2:.2f} bits per item. The ceiling "
            "assumes that fit; enter the observed risk you actually measured (the true risk is at least the floor)."
        )
    for ctx in contexts:
        for q in ctx.questions:
            if q.saturated and q.kind == "free_text":
                warnings.append(
                    f"Question {q.name!r} in context {ctx.name!r}: one answer fills its length limit in the time "
                    "given, so typing, not judgment, bounds it; a longer limit or a structured format would help."
                )
            elif q.saturated:
                warnings.append(
                    f"Question {q.name!r} in context {ctx.name!r} carries {q.panel_nats / LN2:.2f} of at most "
                    f"{q.max_nats / LN2:.2f} bits ({100 * q.panel_nats / q.max_nats:.0f} %): more raters buy almost "
                    "nothing there; a richer format would."
                )
            if not q.panel_exact:
                warnings.append(
                    f"Question {q.name!r} in context {ctx.name!r}: the {scenario.raters.per_item}-rater capacity is "
                    "a bound (too many vote outcomes for the exact computation), not the exact value."
                )
    labels_cannot = floor > target.target_risk
    return Evaluation(
        scenario_name=scenario.name,
        content_hash=scenario.content_hash(),
        capacity_nats=capacity,
        paper_capacity_nats=paper_capacity,
        single_rater_nats=single_rater,
        log2_m=target.log2_m,
        target_risk=target.target_risk,
        floor=floor,
        floor_paper=floor_paper,
        ceiling=ceiling,
        ceiling_form=b.ceiling_form,
        ceiling_plateau=plateau,
        capacity_needed_nats=needed,
        capacity_needed_paper_nats=needed_paper,
        capacity_gap_nats=needed - capacity,
        items=campaign.items,
        items_needed=items_needed,
        floor_meets_target=floor <= target.target_risk,
        ceiling_meets_target=ceiling <= target.target_risk,
        labels_cannot_reach_target=labels_cannot,
        cost=cost,
        currency=campaign.currency,
        rater_hours=hours,
        time_shares=tuple(shares),
        automatic_time_shares=not scenario.fixed_time_shares,
        contexts=tuple(contexts),
        warnings=tuple(warnings),
        curves=_curves(scenario, shares, capacity) if curves else {},
    )
