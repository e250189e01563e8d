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
* The planner's interval (method §8): beside the floor, the error a design
  *achieves* (MAP decoding of the vote histograms, and an explicit codebook
  for the log2 M target), the items a value model of ``model_bits`` needs
  (Fano, normal approximation, Gallager), and a verdict that says "meets"
  only when the achievable side meets the target.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np

import models
from models.allocation import water_fill
from models.channel import QuestionChannel, question_channel, question_decoding, rater_kernel
from models.decoding import (
    RHO_GRID,
    Dimension,
    PanelDecoding,
    codebook_error,
    codebook_errors,
    decode_joint,
    decoding_panel,
    joint_dimension,
)
from models.learning import ItemsNeeded, items_needed_for_model, learning_error_curves, random_coding_exponent

from advisor.scenario import Question, Scenario

LN2 = math.log(2.0)
WATER_FILL_STEPS = 40
VERDICTS = ("meets", "cannot", "undecided")
"""``meets``: the achievable side meets the target; ``cannot``: the floor (or the
items any learner needs) rules it out; ``undecided``: neither (method §8.4)."""
VERDICT_WORDS = {"meets": "meets the target", "cannot": "cannot meet it", "undecided": "not ruled out, not guaranteed"}
"""Each verdict in a few words, for tables."""


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
    panel_upper_nats: float = 0.0
    label_accuracy: float | None = None
    label_accuracy_exact: bool = True
    part: str | None = None


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
    label_accuracy: float = 1.0
    panel_upper_nats: float = 0.0


@dataclass(frozen=True)
class Curve:
    """Risk bounds against one design variable, for plots.

    ``x`` is the variable (``log_x`` says whether to plot it on a log axis);
    ``floor``, ``floor_paper`` and ``ceiling`` are risks in [0, 1] at each x;
    ``capacity_nats`` is C̄ at each x; ``target`` the target risk;
    ``current`` the scenario's own x; ``achievable`` the achievable risk
    (method §8.1) at each x. The items curve also carries the learning error
    of the value model against m: Fano's converse, the normal-approximation
    estimate and Gallager's achievability bound (method §8.2).
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
    achievable: tuple[float, ...] = ()
    learning_converse: tuple[float, ...] = ()
    learning_estimate: tuple[float, ...] = ()
    learning_achievable: tuple[float, ...] = ()


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
    items_needed_ceiling: int | None
    floor_meets_target: bool
    ceiling_meets_target: bool
    labels_cannot_reach_target: bool
    achievable: float
    verdict: str
    verdict_text: str
    items_needed: ItemsNeeded
    model_bits: float
    label_error: float
    label_floor: float
    label_exact: bool
    codebook_sizes: tuple[int, ...]
    target_expressible: bool
    ceiling_risk: float
    ceiling_risk_source: str
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

        data = {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("contexts", "curves", "items_needed")}
        data["items_needed"] = self.items_needed.to_dict()
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


def _grouped_sum(scenario: Scenario, values: Sequence[float], ceilings: Sequence[float]) -> float:
    """Σ over questions, where questions about the same ``part`` count at most the part's
    information: ``min(Σ members, max member alphabet)`` (a split question adds answers, not a new
    part of the target; method §8.4). ``I(X; Y₁, Y₂) ≤ min(H(X), I(X; Y₁) + I(X; Y₂))`` for answers
    independent given the truth X."""
    total = 0.0
    groups: dict[str, tuple[float, float]] = {}
    for question, value, ceiling in zip(scenario.questions, values, ceilings):
        if question.part is None:
            total += value
        else:
            summed, cap = groups.get(question.part, (0.0, 0.0))
            groups[question.part] = (summed + value, max(cap, ceiling))
    return total + sum(min(summed, cap) for summed, cap in groups.values())


def _part_panels(scenario: Scenario, row: Sequence[QuestionChannel], raters: int,
                 members: Sequence[int]) -> tuple[list[np.ndarray], bool] | None:
    """The vote-histogram kernels of a part's questions and whether each is the whole panel (None
    unless all have finite kernels of one alphabet)."""
    panels, whole = [], True
    for i in members:
        q, ch = scenario.questions[i], row[i]
        kernel = rater_kernel(q.format.kind, q.format.k, ch.dprime, span=q.span, slip_rate=q.slip_rate)
        if kernel is None or q.format.kind == "multi_select":
            return None
        panel, used = decoding_panel(kernel, raters, correlation=scenario.raters.correlation)
        panels.append(panel)
        whole = whole and used == raters
    if len({p.shape[0] for p in panels}) > 1:
        return None
    return panels, whole


def _joint_part_capacity(scenario: Scenario, row: Sequence[QuestionChannel], raters: int,
                         members: Sequence[int]) -> float | None:
    """Certified upper end of the capacity of a part's questions together (Blahut-Arimoto on their
    joint kernel), or None when the joint kernel of the whole panels is not available."""
    found = _part_panels(scenario, row, raters, members)
    if found is None or not found[1]:
        return None
    joint, exact = joint_dimension(found[0])
    if not exact:
        return None
    result = models.blahut_arimoto(joint)
    return result.nats + result.gap


def _context_capacity(scenario: Scenario, row: Sequence[QuestionChannel], *, upper: bool = False,
                      raters: int | None = None) -> float:
    values = [ch.panel_upper_nats if upper else ch.panel_nats for ch in row]
    ceilings = [ch.max_nats if ch.max_nats > 0 else math.inf for ch in row]
    total = _grouped_sum(scenario, values, ceilings)
    panel = scenario.raters.per_item if raters is None else raters
    # Where a part's questions have an exact joint kernel, their joint capacity replaces the
    # min(sum, alphabet) bound (two half-time looks at one truth carry less than their sum).
    for members in _parts(scenario).values():
        joint = _joint_part_capacity(scenario, row, panel, members)
        if joint is not None:
            bound = min(sum(values[i] for i in members), max(ceilings[i] for i in members))
            total += min(joint, bound) - bound
    return total


def _parts(scenario: Scenario) -> dict[str, list[int]]:
    """Questions grouped by part (only parts with two or more questions)."""
    parts: dict[str, list[int]] = {}
    for index, question in enumerate(scenario.questions):
        if question.part is not None:
            parts.setdefault(question.part, []).append(index)
    return {part: members for part, members in parts.items() if len(members) > 1}


def _mean_capacity(scenario: Scenario, channels: list[list[QuestionChannel]], *, upper: bool = False,
                   raters: int | None = None) -> float:
    return float(sum(w * _context_capacity(scenario, row, upper=upper, raters=raters)
                     for w, row in zip(scenario.context_weights, channels)))


# --------------------------------------------------------------- decoding (§8)
@dataclass(frozen=True)
class _ItemDecoding:
    """What a decoder achieves with one item's answers in one context."""

    question_accuracy: tuple[float | None, ...]
    question_exact: tuple[bool, ...]
    accuracy: float
    exact: bool
    dimensions: tuple[Dimension, ...]
    prior_information: float
    prior_entropy: float
    log_alphabet: float


def _question_decoding(scenario: Scenario, question: Question, channel: QuestionChannel,
                       raters: int, coding_terms: bool) -> PanelDecoding | None:
    return question_decoding(
        question.format.kind, question.format.k, dprime_value=channel.dprime, span=question.span,
        slip_rate=question.slip_rate, raters=raters, correlation=scenario.raters.correlation,
        prior=question.prior, coding_terms=coding_terms,
    )


def _item_decoding(scenario: Scenario, row: Sequence[QuestionChannel], raters: int, *,
                   coding_terms: bool = True) -> _ItemDecoding:
    decodings = [_question_decoding(scenario, q, ch, raters, coding_terms) for q, ch in zip(scenario.questions, row)]
    parts = {part: [i for i in members if decodings[i] is not None] for part, members in _parts(scenario).items()}
    # Each unit is one decoded part of the item, with an upper bound on the information its
    # answers carry at the prior: I_π itself when computed on the whole panel, else the panel's
    # capacity bound (a sub-panel's I_π would understate it and overstate the floor).
    units: list[tuple[PanelDecoding, float]] = []
    grouped = {i for members in parts.values() if len(members) > 1 for i in members}
    for index, decoding in enumerate(decodings):
        if decoding is not None and index not in grouped:
            information = decoding.prior_information_nats if decoding.exact else row[index].panel_upper_nats
            units.append((decoding, information))
    for members in parts.values():
        if len(members) < 2:
            continue
        upper = min(sum(row[i].panel_upper_nats for i in members), max(row[i].max_nats for i in members))
        if len({scenario.questions[i].format.alternatives for i in members}) > 1:
            # Answers of different alphabets about one part: decode with the best member alone
            # (a decoder may ignore the others).
            best = max((decodings[i] for i in members), key=lambda d: d.label_accuracy)  # type: ignore[union-attr]
            units.append((best, upper))  # type: ignore[arg-type]
            continue
        found = _part_panels(scenario, row, raters, members)
        if found is None:
            best = max((decodings[i] for i in members), key=lambda d: d.label_accuracy)  # type: ignore[union-attr]
            units.append((best, upper))  # type: ignore[arg-type]
            continue
        joint = decode_joint(found[0], scenario.questions[members[0]].prior, coding_terms=coding_terms)
        exact = joint.exact and all(decodings[i].exact for i in members)  # type: ignore[union-attr]
        units.append((joint, joint.prior_information_nats if exact else upper))
    return _ItemDecoding(
        question_accuracy=tuple(d.label_accuracy if d is not None else None for d in decodings),
        question_exact=tuple(d.exact if d is not None else True for d in decodings),
        accuracy=math.prod(u.label_accuracy for u, _ in units),
        exact=all(u.exact for u, _ in units),
        dimensions=tuple(dim for u, _ in units for dim in u.dimensions),
        prior_information=sum(information for _, information in units),
        prior_entropy=sum(u.prior_entropy_nats for u, _ in units),
        log_alphabet=sum(u.log_alphabet for u, _ in units),
    )


@dataclass(frozen=True)
class _Planner:
    """The §8 quantities of one design."""

    achievable: float
    codebook_sizes: tuple[int, ...]
    expressible: bool
    label_error: float
    label_floor: float
    label_exact: bool
    exponent: np.ndarray
    information: float
    variance: float


def _planner(scenario: Scenario, decodings: Sequence[_ItemDecoding], *, coding_terms: bool = True) -> _Planner:
    target = scenario.target
    weights = scenario.context_weights
    choice = codebook_error([list(d.dimensions) for d in decodings], weights, target.log2_m)
    label_error = 1.0 - sum(w * d.accuracy for w, d in zip(weights, decodings))
    label_floor = models.fano_floor_prior(
        decodings[0].prior_entropy, sum(w * d.prior_information for w, d in zip(weights, decodings)),
        decodings[0].log_alphabet,
    )
    gallager = np.zeros(RHO_GRID.shape[0])
    means = []
    variance = 0.0
    for w, d in zip(weights, decodings if coding_terms else ()):
        product = np.ones(RHO_GRID.shape[0])
        for dim in d.dimensions:
            product *= np.asarray(dim.gallager)
        gallager += w * product
        means.append(sum(dim.information_nats for dim in d.dimensions))
        variance += w * sum(dim.information_variance for dim in d.dimensions)
    if coding_terms:
        mean = float(np.dot(weights, means))
        variance += float(np.dot(weights, (np.asarray(means) - mean) ** 2))
    else:
        gallager[:] = 1.0
        mean = 0.0
    return _Planner(
        achievable=target.separation * choice.error,
        codebook_sizes=choice.sizes,
        expressible=choice.expressible,
        label_error=max(0.0, label_error),
        label_floor=label_floor,
        label_exact=all(d.exact for d in decodings),
        exponent=random_coding_exponent(gallager),
        information=mean,
        variance=variance,
    )


def _design_planner(scenario: Scenario, channels: list[list[QuestionChannel]], raters: int, *,
                    coding_terms: bool = True) -> _Planner:
    decodings = [_item_decoding(scenario, row, raters, coding_terms=coding_terms) for row in channels]
    return _planner(scenario, decodings, coding_terms=coding_terms)


def model_error(scenario: Scenario) -> float:
    """Learning error the value model must reach: ``ε / Δ``, capped below 1."""
    target = scenario.target
    return min(target.target_risk / target.separation, 1.0 - 1e-12)


def _items_needed(scenario: Scenario, capacity_upper: float, planner: _Planner) -> ItemsNeeded:
    return items_needed_for_model(
        capacity_upper, planner.exponent, RHO_GRID, planner.information, planner.variance,
        scenario.target.model_bits, model_error(scenario),
    )


def decide(floor: float, achievable: float, items: int, needed: ItemsNeeded, target_risk: float) -> str:
    """The verdict of method §8.4.

    ``"cannot"`` when the floor is above the target or the items are fewer than any learner needs
    (``m < m_min``, or no finite number suffices); ``"meets"`` when the achievable risk meets the
    target and the items suffice for the value model (``m ≥ m_ach``); ``"undecided"`` otherwise.
    """
    if floor > target_risk or needed.at_least is None or items < needed.at_least:
        return "cannot"
    if achievable <= target_risk and needed.at_most is not None and items >= needed.at_most:
        return "meets"
    return "undecided"


def verdict_sentence(verdict: str, *, floor: float, achievable: float, target_risk: float, items: int,
                     needed: ItemsNeeded, model_bits: float) -> str:
    """One sentence with the numbers behind a verdict."""
    def count(value: int | None) -> str:
        return "no finite number of" if value is None else f"{value:,}"

    if verdict == "meets":
        return (f"Meets the target: the achievable risk {achievable:.3f} ≤ {target_risk:g}, and {items:,} items "
                f"are at least the {count(needed.at_most)} a {model_bits:g}-bit value model needs at most.")
    if verdict == "cannot":
        if floor > target_risk:
            return (f"Cannot meet the target: the floor {floor:.3f} > {target_risk:g}, and no number of labels "
                    "crosses it.")
        return (f"Cannot meet the target: a {model_bits:g}-bit value model needs at least {count(needed.at_least)} "
                f"items, the campaign has {items:,}.")
    reasons = []
    if achievable > target_risk:
        reasons.append(f"floor {floor:.3f} ≤ {target_risk:g} < achievable {achievable:.3f}")
    else:
        reasons.append(f"achievable {achievable:.3f} ≤ {target_risk:g}")
    if needed.at_most is None or items < needed.at_most:
        reasons.append(f"{items:,} items, between the {count(needed.at_least)} a {model_bits:g}-bit model needs "
                       f"at least and the {count(needed.at_most)} that suffice")
    return "Not ruled out, not guaranteed: " + "; ".join(reasons) + "."


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
def ceiling_terms(scenario: Scenario) -> dict[str, Any]:
    """The keyword terms of :func:`models.ceiling` for this scenario (form, confidence, extra
    information and the model-class cap ``ln M_g`` of method §8.3)."""
    b = scenario.bounds
    return dict(form=b.ceiling_form, delta=b.delta, eta=b.eta, residual_nats=b.residual_nats,
                context_nats=b.context_nats, catoni_lambda=b.catoni_lambda,
                information_cap_nats=scenario.target.model_bits * LN2)


def ceiling_risk(scenario: Scenario, achievable: float) -> tuple[float, str]:
    """The R̂ the ceiling starts from: the observed risk when one was entered (> 0), otherwise
    the predicted ``Δ · P_ach`` (method §8.3). Returns ``(risk, "observed" | "predicted")``."""
    observed = scenario.bounds.observed_risk
    if observed > 0.0:
        return observed, "observed"
    return min(1.0, achievable), "predicted"


def _floors(scenario: Scenario, capacity_upper: float, log2_m: float | None = None) -> tuple[float, float]:
    target = scenario.target
    bits = target.log2_m if log2_m is None else log2_m
    return (models.fano_floor(capacity_upper, bits, separation=target.separation, form="exact"),
            models.fano_floor(capacity_upper, bits, separation=target.separation, form="paper"))


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
           current: float, log_x: bool, achievable: Sequence[float], *, items: Sequence[int] | None = None,
           log2_ms: Sequence[float] | None = None, learning: tuple[Any, Any, Any] | None = None) -> Curve:
    floors, floors_paper, ceilings = [], [], []
    terms = ceiling_terms(scenario)
    for i, capacity in enumerate(capacities):
        m = items[i] if items is not None else scenario.campaign.items
        floor, floor_paper = _floors(scenario, capacity, log2_ms[i] if log2_ms is not None else None)
        floors.append(floor)
        floors_paper.append(floor_paper)
        risk, _ = ceiling_risk(scenario, achievable[i])
        ceilings.append(models.ceiling(risk, capacity, int(m), **terms))
    converse, estimate, reached = learning if learning is not None else ((), (), ())
    return Curve(name, x_label, tuple(float(x) for x in xs), tuple(floors), tuple(floors_paper), tuple(ceilings),
                 tuple(float(c) for c in capacities), scenario.target.target_risk, float(current), log_x,
                 tuple(float(a) for a in achievable), tuple(float(v) for v in converse),
                 tuple(float(v) for v in estimate), tuple(float(v) for v in reached))


def _achievable_at(scenario: Scenario, channels: list[list[QuestionChannel]], raters: int) -> float:
    """The achievable risk of a curve point: the codebook alone (the point needs no label floor or
    coding terms), the same value as the planner's."""
    decodings = [_item_decoding(scenario, row, raters, coding_terms=False) for row in channels]
    choice = codebook_error([list(d.dimensions) for d in decodings], scenario.context_weights, scenario.target.log2_m)
    return scenario.target.separation * choice.error


def _curves(scenario: Scenario, shares: Sequence[float], capacity_upper: float, planner: _Planner,
            decodings: Sequence[_ItemDecoding]) -> dict[str, Curve]:
    campaign, raters = scenario.campaign, scenario.raters
    m = campaign.items
    high = max(10 * m, 10**6)
    item_grid = np.unique(np.round(np.logspace(0, math.log10(high), 61)).astype(np.int64))
    learning = learning_error_curves(item_grid, capacity_upper, planner.exponent, RHO_GRID, planner.information,
                                     planner.variance, scenario.target.model_bits)
    curves = {
        "items": _curve("items", "labelled items m", item_grid, [capacity_upper] * len(item_grid), scenario, m, True,
                        [planner.achievable] * len(item_grid), items=list(item_grid), learning=learning),
    }
    log2_m = scenario.target.log2_m
    log2_grid = np.linspace(0.5, max(2.0 * log2_m, log2_m + 8.0, 16.0), 61)
    log2_achievable = [
        scenario.target.separation * choice.error
        for choice in codebook_errors([list(d.dimensions) for d in decodings], scenario.context_weights, log2_grid)
    ]
    curves["log2_m"] = _curve("log2_m", "target complexity log2 M (bits)", log2_grid,
                              [capacity_upper] * len(log2_grid), scenario, log2_m, False, log2_achievable,
                              log2_ms=list(log2_grid))
    r = raters.per_item
    rater_grid = list(range(1, max(2 * r, 10) + 1))
    rater_caps, rater_achievable = [], []
    for k in rater_grid:
        if k == r:
            rater_caps.append(capacity_upper)
            rater_achievable.append(planner.achievable)
            continue
        channels = _channels(scenario, shares, _Design(k, campaign.seconds_per_item))
        rater_caps.append(_mean_capacity(scenario, channels, upper=True, raters=k))
        rater_achievable.append(_achievable_at(scenario, channels, k))
    curves["raters"] = _curve("raters", "raters per item r", rater_grid, rater_caps, scenario, r, False,
                              rater_achievable)
    t = campaign.seconds_per_item
    seconds_grid = np.unique(np.concatenate([np.geomspace(max(t / 8.0, 0.5), t * 8.0, 25), [t]]))
    seconds_caps, seconds_achievable = [], []
    for value in seconds_grid:
        if value == t:
            seconds_caps.append(capacity_upper)
            seconds_achievable.append(planner.achievable)
            continue
        channels = _channels(scenario, shares, _Design(r, float(value)))
        seconds_caps.append(_mean_capacity(scenario, channels, upper=True))
        seconds_achievable.append(_achievable_at(scenario, channels, r))
    curves["seconds"] = _curve("seconds", "seconds per item T", seconds_grid, seconds_caps, scenario, t, True,
                               seconds_achievable)
    return curves


# ------------------------------------------------------------------ evaluate
def evaluate(scenario: Scenario, *, curves: bool = True) -> Evaluation:
    """Evaluate a scenario: capacities, the planner's interval, cost, verdict, warnings, curves.

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
    decodings = [_item_decoding(scenario, row, design.raters) for row in channels]

    contexts: list[ContextResult] = []
    for (context, weight, row, decoding) in zip(scenario.contexts, scenario.context_weights, channels, decodings):
        question_results = tuple(
            QuestionResult(
                name=q.name, format=q.format.label(), kind=q.format.kind, alternatives=ch.alternatives,
                max_nats=ch.max_nats, time_share=share, judgment_seconds=ch.judgment_seconds,
                effective_seconds=ch.effective_seconds, dprime=ch.dprime, cognitive_nats=ch.cognitive_nats,
                articulation_nats=ch.articulation_nats, paper_nats=ch.paper_nats, cascade_nats=ch.cascade_nats,
                panel_nats=ch.panel_nats, panel_exact=ch.panel_exact, binding_stage=ch.binding_stage,
                saturated=ch.saturated, panel_upper_nats=ch.panel_upper_nats, label_accuracy=accuracy,
                label_accuracy_exact=accuracy_exact, part=q.part,
            )
            for q, share, ch, accuracy, accuracy_exact in zip(
                scenario.questions, shares, row, decoding.question_accuracy, decoding.question_exact)
        )
        cognitive = sum(q.cognitive_nats for q in question_results)
        articulation = sum(q.articulation_nats for q in question_results)
        contexts.append(ContextResult(
            name=context.name, weight=weight,
            judgment_seconds=models.timing.judgment_seconds(
                design.seconds_per_item, 1.0, context.reading_words, scenario.raters.reading_wpm),
            cognitive_nats=cognitive, articulation_nats=articulation, paper_nats=min(cognitive, articulation),
            cascade_nats=sum(q.cascade_nats for q in question_results),
            panel_nats=_context_capacity(scenario, row),
            binding_stage=_binding_stage_of_context(question_results),
            questions=question_results,
            label_accuracy=decoding.accuracy,
            panel_upper_nats=_context_capacity(scenario, row, upper=True),
        ))

    weights = scenario.context_weights
    capacity = float(sum(w * c.panel_nats for w, c in zip(weights, contexts)))
    capacity_upper = float(sum(w * c.panel_upper_nats for w, c in zip(weights, contexts)))
    paper_capacity = float(sum(w * c.paper_nats for w, c in zip(weights, contexts)))
    single_rater = float(sum(w * c.cascade_nats for w, c in zip(weights, contexts)))
    target, b, campaign = scenario.target, scenario.bounds, scenario.campaign
    floor, floor_paper = _floors(scenario, capacity_upper)
    planner = _planner(scenario, decodings)
    achievable = planner.achievable
    risk, risk_source = ceiling_risk(scenario, achievable)
    terms = ceiling_terms(scenario)
    ceiling = models.ceiling(risk, capacity_upper, campaign.items, **terms)
    plateau = models.ceiling_plateau(risk, capacity_upper, **terms)
    needed = required_capacity(scenario, form="exact")
    needed_paper = required_capacity(scenario, form="paper")
    items_needed_ceiling = models.items_needed(target.target_risk, risk, capacity_upper, **terms)
    items_needed = _items_needed(scenario, capacity_upper, planner)
    verdict = decide(floor, achievable, campaign.items, items_needed, target.target_risk)
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
    if not planner.expressible:
        warnings.append(
            f"The interface cannot express the target: its answers form 2^{math.log2(max(1, math.prod(planner.codebook_sizes))):.1f} "
            f"tuples per item, fewer than the 2^{target.log2_m:g} values of the target, so several values share an "
            f"answer tuple and the achievable error is at least {achievable / target.separation:.3f}."
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
            if not q.label_accuracy_exact:
                warnings.append(
                    f"Question {q.name!r} in context {ctx.name!r}: the label accuracy is computed on fewer raters "
                    "than the panel has (too many vote outcomes), so it is an achievable lower bound."
                )
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
        items_needed_ceiling=items_needed_ceiling,
        floor_meets_target=floor <= target.target_risk,
        ceiling_meets_target=ceiling <= target.target_risk,
        labels_cannot_reach_target=floor > target.target_risk,
        achievable=achievable,
        verdict=verdict,
        verdict_text=verdict_sentence(verdict, floor=floor, achievable=achievable, target_risk=target.target_risk,
                                      items=campaign.items, needed=items_needed, model_bits=target.model_bits),
        items_needed=items_needed,
        model_bits=target.model_bits,
        label_error=planner.label_error,
        label_floor=planner.label_floor,
        label_exact=planner.label_exact,
        codebook_sizes=planner.codebook_sizes,
        target_expressible=planner.expressible,
        ceiling_risk=risk,
        ceiling_risk_source=risk_source,
        cost=cost,
        currency=campaign.currency,
        rater_hours=hours,
        time_shares=tuple(shares),
        automatic_time_shares=not scenario.fixed_time_shares,
        contexts=tuple(contexts),
        warnings=tuple(warnings),
        curves=_curves(scenario, shares, capacity_upper, planner, decodings) if curves else {},
    )
