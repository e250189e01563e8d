"""From a scenario to capacities, the risk interval, cost and curves.

:func:`evaluate` is the one forward computation of the app: every number the
GUI, the command line, the recommendations and the reports show comes from it
(see ``docs/method.md``). Its result, :class:`advisor.evaluation.results.Evaluation`, is a tree
of frozen dataclasses, safe to hand from a worker thread to the GUI thread.

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import numpy as np

import models
from models.allocation import water_fill
from models.blas import single_threaded
from models.channel import (
    CHANNEL_OVERHEAD_ENTRIES,
    QuestionChannel,
    channel_work_estimate,
    kernel_rows,
    panel_outcomes,
    question_codebooks,
    question_decodings,
    question_panel,
)
from models.decoding import (
    CODEBOOK_BINS,
    CODEBOOK_MAX_BINS,
    DECODING_MAX_OUTCOMES,
    RHO_GRID,
    Dimension,
    PanelDecoding,
    codebook_error,
    codebook_errors,
    decode_joint,
    decoding_work,
    joint_dimension,
)
from models.memo import batch_cached
from models.population_channel import RaterModel
from models.learning import ItemsNeeded, items_needed_for_model, learning_error_curves, random_coding_exponent

from advisor.evaluation.channel_inputs import ChannelInputs, channel_inputs, channels, rater_model
from advisor.evaluation.gold import gold_result
from advisor.evaluation.overlap import MIXED_CODEBOOK_KINDS, OverlaidRows, adaptive_expected_raters, overlay, partial_law
from advisor.evaluation.results import WATER_FILL_STEPS, ContextResult, Curve, Evaluation, LearningTerms, QuestionResult
from advisor.scenario.schema import Question, Scenario, rater_range
from advisor.units import LN2, and_join

PANEL_MAX_OUTCOMES = 200_000
"""Largest vote-histogram alphabet of an exact panel capacity (:func:`models.channel.question_channel`)."""
EVALUATE_WORK_BUDGET = 0.6e9
"""Work one :func:`evaluate` may spend on its headline numbers, in kernel entry visits
(:class:`models.capacity.WorkMeter`; about 0.5 s on a 2-core machine). It is divided among the
question computations a scenario needs before any is done, so the result depends on the scenario
alone (never on caches, the machine or whether curves are drawn); see ``docs/performance.md``."""
CURVES_WORK_BUDGET = 1.0e9
"""Work the curves over raters and seconds may spend, divided among their points the same way."""
CHANNEL_WORK_SHARE = 0.5
"""Share of :data:`EVALUATE_WORK_BUDGET` for capacities (the rest decodes the panels)."""
MIN_CHANNEL_RATIO = 0.4
"""Water-filling takes fewer steps while the capacity budget is below this share of the typical
work of its computations (the caps then still allow that share of the generous allowance, which
covers the slow small kernels: see :data:`models.channel.SINGLE_RATER_ESTIMATE_PASSES`)."""
MIN_WATER_FILL_STEPS = 8
"""Fewest water-filling steps the budget may leave (shares then move in 1/8 of the time)."""
MIN_CURVE_RATIO = 1.0
"""The curves keep fewer points while their caps would fall below this many times the estimates."""
CURVE_RATIO_STEPS_PER_OCTAVE = 4
"""The curves' work ratio is rounded down to a power of ``2 ** (1 / 4)`` (:func:`_stepped_ratio`)."""
SECONDS_CURVE_PER_DECADE = 14
"""Points per decade of the curve over the time per item. They sit at fixed positions
(``10 ** (j / 14)`` s), not at multiples of the scenario's own time: after an edit of the time
per item every point but the new time itself is one the models' caches have computed already,
and the curve does not shift sideways under the user's eye."""
SECONDS_CURVE_SPAN = 8.0
"""The curve over the time per item runs from T/8 to 8·T (never below 0.5 s)."""
VERDICTS = ("meets", "cannot", "undecided")
"""``meets``: the achievable side meets the target; ``cannot``: the floor (or the
items any learner needs) rules it out; ``undecided``: neither (method §8.4)."""
VERDICT_WORDS = {"meets": "meets the target", "cannot": "cannot meet the target", "undecided": "not ruled out, not guaranteed"}
"""Each verdict in a few words, for tables."""


# ----------------------------------------------------------------- the channel
@dataclass(frozen=True)
class _Design:
    """The design variables that curves and levers vary, and the work caps they are computed under.

    ``channel_ratio`` and ``decoding_ratio`` scale each question's work allowance
    (:func:`_channel_estimate`, :func:`_decoding_estimate`) into its cap, so heavy questions get
    proportionally more; ``math.inf`` means no cap (see :func:`_budgeted_design`). The ratios
    depend on the scenario alone, so cached results never change what a later run computes."""

    raters: int
    seconds_per_item: float
    channel_ratio: float = math.inf
    decoding_ratio: float = math.inf
    water_fill_steps: int = WATER_FILL_STEPS


def _distinct_contexts(scenario: Scenario) -> int:
    """Contexts that give different channels (the same difficulty and reading share one: the
    channel computations are cached on their arguments)."""
    return len({(c.difficulty, c.reading_words) for c in scenario.contexts})


def _channel_estimate(kind: str, k: int, raters: int, typical: bool = True) -> float:
    """Work (entry visits) of one exact question computation (:func:`models.channel.channel_work_estimate`):
    typical for sharing out a budget, the allowance (``typical`` False) for its cap."""
    return channel_work_estimate(kind, None if kind == "free_text" else k, raters, max_outcomes=PANEL_MAX_OUTCOMES,
                                 typical=typical)


@lru_cache(maxsize=4096)
def _decoding_estimate(kind: str, k: int, raters: int, coding_terms: bool) -> float:
    """Work (entry visits) of one question's exact decoding (:func:`models.decoding.decoding_work`)."""
    inputs = kernel_rows(kind, k)
    if inputs == 0:
        return float(CHANNEL_OVERHEAD_ENTRIES)
    symmetric = kind in ("binary", "categorical", "multi_select")
    outcomes = panel_outcomes(inputs, raters, DECODING_MAX_OUTCOMES)
    return decoding_work(inputs, outcomes, symmetric=symmetric, coding_terms=coding_terms)


def _question_estimates(scenario: Scenario, raters: int, coding_terms: bool) -> tuple[list[float], list[float]]:
    kinds = [(q.format.kind, q.format.k or 2) for q in scenario.questions]
    return ([_channel_estimate(kind, k, raters) for kind, k in kinds],
            [_decoding_estimate(kind, k, raters, coding_terms) for kind, k in kinds])


def _budgeted_design(scenario: Scenario) -> _Design:
    """The scenario's design with the work caps of :data:`EVALUATE_WORK_BUDGET`.

    The question computations the headline needs are counted first, each weighted by its typical
    work (:func:`models.channel.channel_work_estimate`): one per question and distinct context,
    plus, for water-filled shares, one per automatic question, distinct context and grid step.
    Water-filling halves its steps (not below :data:`MIN_WATER_FILL_STEPS`) while the capacity
    share of the budget is below :data:`MIN_CHANNEL_RATIO` of that total. The ratio of the share
    to the total then scales each computation's allowance into its cap, and likewise for the
    decodings (:func:`models.decoding.decoding_work`) with the rest of the budget.
    """
    contexts = _distinct_contexts(scenario)
    raters = scenario.raters.per_item
    channel, decoding = _question_estimates(scenario, raters, True)
    automatic = [] if scenario.fixed_time_shares else [
        i for i, q in enumerate(scenario.questions) if q.time_share is None]
    channel_budget = CHANNEL_WORK_SHARE * EVALUATE_WORK_BUDGET
    steps = WATER_FILL_STEPS

    def weighted(steps: int) -> float:
        grid = (steps + 1) * sum(channel[i] for i in automatic) if len(automatic) > 1 else 0.0
        return contexts * (sum(channel) + grid)

    while steps > MIN_WATER_FILL_STEPS and channel_budget < MIN_CHANNEL_RATIO * weighted(steps):
        steps = max(MIN_WATER_FILL_STEPS, steps // 2)
    return _Design(
        raters, scenario.campaign.seconds_per_item,
        channel_ratio=channel_budget / weighted(steps),
        decoding_ratio=(1.0 - CHANNEL_WORK_SHARE) * EVALUATE_WORK_BUDGET / (contexts * sum(decoding)),
        water_fill_steps=steps,
    )


def _curve_ratio(scenario: Scenario, rater_points: Sequence[int], seconds_points: int) -> float:
    """Ratio of :data:`CURVES_WORK_BUDGET` to the estimated work of these curve points (a
    capacity and a codebook decoding per question and distinct context at each).

    Along the rater curve the judgment time is the scenario's, so panels beyond the exact limits
    reuse one cached reference panel and one cached decoding sub-panel: those are counted once."""
    contexts = _distinct_contexts(scenario)
    raters = scenario.raters.per_item
    total = 0.0
    seen: set[tuple[int, int, int]] = set()
    for r in rater_points:
        for index, q in enumerate(scenario.questions):
            kind, k = q.format.kind, q.format.k or 2
            inputs = kernel_rows(kind, k)
            channel_key = (0, index, min(panel_outcomes(inputs, r, PANEL_MAX_OUTCOMES), 1 << 62) if inputs else r)
            decoding_key = (1, index, panel_outcomes(inputs, r, DECODING_MAX_OUTCOMES) if inputs else r)
            if channel_key not in seen:
                seen.add(channel_key)
                total += contexts * _channel_estimate(kind, k, r)
            else:
                total += contexts * CHANNEL_OVERHEAD_ENTRIES
            if decoding_key not in seen:
                seen.add(decoding_key)
                total += contexts * _decoding_estimate(kind, k, r, False)
    if seconds_points:
        channel, decoding = _question_estimates(scenario, raters, False)
        total += seconds_points * contexts * (sum(channel) + sum(decoding))
    return CURVES_WORK_BUDGET / total if total > 0 else math.inf


def _stepped_ratio(ratio: float) -> float:
    """``ratio`` (> 0) rounded down to a power of ``2 ** (1 / CURVE_RATIO_STEPS_PER_OCTAVE)``.

    The curves' ratio of budget to estimated work moves whenever the time grid gains or loses a
    point (it does as the time per item moves), and each point's cached channel and decoding are
    keyed on the cap the ratio gives. Stepped, an edit of the time per item leaves the other points'
    caps, and so their cached results, as they were. Rounding down keeps the curves' total within
    :data:`CURVES_WORK_BUDGET`; ``math.inf`` (no points) stays as it is, as would a ratio that is
    not positive."""
    if not (math.isfinite(ratio) and ratio > 0.0):
        return ratio
    steps = CURVE_RATIO_STEPS_PER_OCTAVE
    # The tolerance keeps a ratio that is a step itself, up to rounding, on that step.
    return 2.0 ** (math.floor(steps * math.log2(ratio) + 1e-9) / steps)


def _thinned(grid: Sequence[float], current: float, keep: int) -> list[float]:
    """``keep`` points of ``grid`` spread over it (its ends first), and ``current``."""
    others = [x for x in grid if x != current]
    if keep >= len(others):
        chosen = others
    elif keep <= 0:
        chosen = []
    else:
        index = np.unique(np.round(np.linspace(0, len(others) - 1, keep)).astype(int))
        chosen = [others[i] for i in index]
    return sorted(set(chosen) | {current})


def _channel_key(scenario: Scenario, question: Question, context_index: int, share: float,
                 design: _Design) -> tuple[ChannelInputs, int, float]:
    """The key of one question's channel in one context in :func:`_cached_channel`."""
    context = scenario.contexts[context_index]
    seconds = models.timing.judgment_seconds(design.seconds_per_item, float(share), context.reading_words,
                                             scenario.raters.reading_wpm)
    return channel_inputs(scenario, question, context, seconds), design.raters, design.channel_ratio


def _question_channel(scenario: Scenario, question: Question, context_index: int, share: float,
                      design: _Design) -> QuestionChannel:
    return _cached_channel(*_channel_key(scenario, question, context_index, share, design))


@batch_cached(maxsize=65_536)
def _cached_channel(keys: list[tuple[ChannelInputs, int, float]]) -> list[QuestionChannel]:
    """Questions in contexts ``(inputs, raters, channel_ratio)``, cached on the numbers they depend
    on: contexts of the same difficulty and reading, and the water-filling grid's repeated shares,
    cost one computation (and one argument check). The missing ones of a batch are computed
    together (:func:`advisor.evaluation.channel_inputs.channels`), each the value it has alone."""
    return channels([
        (inputs, raters, None if math.isinf(ratio)
         else ratio * _channel_estimate(inputs.kind, inputs.k or 2, raters, False))
        for inputs, raters, ratio in keys
    ])


def _channels(scenario: Scenario, shares: Sequence[float], design: _Design) -> list[list[QuestionChannel]]:
    return _prefetch_channels(scenario, shares, [design])[0]


def _prefetch_channels(scenario: Scenario, shares: Sequence[float],
                       designs: Sequence[_Design]) -> list[list[list[QuestionChannel]]]:
    """The channels (per context, per question) of several designs, the missing ones computed in one
    batch: a curve's points cost one vectorised solve instead of one per point."""
    keys = [_channel_key(scenario, q, s, share, design)
            for design in designs for s in range(len(scenario.contexts))
            for q, share in zip(scenario.questions, shares)]
    found = iter(_cached_channel.many(keys))
    return [[[next(found) for _ in scenario.questions] for _ in scenario.contexts] for _ in designs]


def _overlaid(scenario: Scenario, shares: Sequence[float], channels: list[list[QuestionChannel]], design: _Design, *,
              coding_terms: bool = True) -> OverlaidRows:
    """The scenario's overlap design (:func:`advisor.evaluation.overlap.overlay`) on the fixed-panel
    channels of ``design`` (whose ``raters`` is ``r₀`` or ``r₁``), its panels of other sizes and
    their decodings taken from this module's caches under the design's work caps."""
    overlap = scenario.overlap
    first = design.raters
    sizes = (range(first, max(overlap.max_raters, first) + 1) if overlap.mode == "adaptive"
             else sorted(partial_law(scenario, first)))
    questions = scenario.questions
    skip = 1 if overlap.mode == "adaptive" else 0
    _cached_channel.many([_channel_key(scenario, questions[i], s, shares[i], replace(design, raters=n))
                          for s in range(len(scenario.contexts)) for i in range(skip, len(questions)) for n in sizes])

    def channel_at(s: int, i: int, n: int) -> QuestionChannel:
        return _question_channel(scenario, questions[i], s, shares[i], replace(design, raters=n))

    def decoding_at(s: int, i: int, channel: QuestionChannel, n: int) -> PanelDecoding | None:
        return _question_decoding(scenario, questions[i], channel, n, coding_terms, design.decoding_ratio)

    return overlay(scenario, channels, channel_at=channel_at, decoding_at=decoding_at, base=first,
                   coding_terms=coding_terms)


def _overlaid_decoding(scenario: Scenario, overlaid: OverlaidRows, context: int, decoding: "_ItemDecoding") -> "_ItemDecoding":
    """An item's decoding under an overlap design: each question's own accuracy, and the exact
    accuracy of the whole item where the questions' successes depend on each other (adaptive overlap,
    without questions about a shared part; otherwise the product of independent decodings stays)."""
    item = overlaid.item_accuracy[context]
    exact_item = item is not None and not _parts(scenario)
    return replace(decoding, question_accuracy=overlaid.question_accuracy[context],
                   accuracy=item if exact_item else decoding.accuracy)  # type: ignore[arg-type]


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
                 members: Sequence[int], ratio: float = math.inf) -> tuple[list[np.ndarray], bool] | None:
    """The vote-histogram kernels of a part's questions and whether each is the whole panel (None
    unless all have finite kernels of one alphabet: not for multi-select, nor for free text, which
    has no finite alphabet)."""
    panels, whole = [], True
    for i in members:
        q, ch = scenario.questions[i], row[i]
        if q.format.kind in ("multi_select", "free_text"):
            return None
        work = ratio * _decoding_estimate(q.format.kind, q.format.k or 2, raters, True)
        found = question_panel(q.format.kind, q.format.k, dprime_value=ch.dprime, span=q.span, slip_rate=q.slip_rate,
                               raters=raters, correlation=scenario.raters.correlation,
                               rater_model=rater_model(scenario, q),
                               max_outcomes=_affordable_outcomes(q.format.alternatives, work))
        if found is None:
            return None
        panel, used = found
        panels.append(panel)
        whole = whole and used == raters
    if len({p.shape[0] for p in panels}) > 1:
        return None
    return panels, whole


def _affordable_outcomes(inputs: int, work: float) -> int:
    """Largest histogram alphabet of an ``inputs``-row panel whose decoding fits ``work``."""
    if math.isinf(work):
        return DECODING_MAX_OUTCOMES
    per_outcome = decoding_work(inputs, 1, symmetric=False, coding_terms=True)
    return max(1, min(DECODING_MAX_OUTCOMES, int(work / per_outcome)))


def _joint_part_capacity(scenario: Scenario, row: Sequence[QuestionChannel], raters: int,
                         members: Sequence[int], ratio: float = math.inf) -> float | None:
    """Certified upper end of the capacity of a part's questions together (Blahut-Arimoto on their
    joint kernel), or None when the joint kernel of the whole panels is not available."""
    found = _part_panels(scenario, row, raters, members, ratio)
    work = ratio * sum(_decoding_estimate(scenario.questions[i].format.kind, scenario.questions[i].format.k or 2,
                                          raters, True) for i in members)
    if found is None or not found[1]:
        return None
    joint, exact = joint_dimension(found[0], max_outcomes=_affordable_outcomes(found[0][0].shape[0], work))
    if not exact:
        return None
    result = models.blahut_arimoto(joint, max_work=None if math.isinf(work) else work)
    return result.nats + result.gap


def _context_capacity(scenario: Scenario, row: Sequence[QuestionChannel], *, upper: bool = False,
                      raters: int | None = None, ratio: float = math.inf) -> float:
    values = [ch.panel_upper_nats if upper else ch.panel_nats for ch in row]
    ceilings = [ch.max_nats if ch.max_nats > 0 else math.inf for ch in row]
    total = _grouped_sum(scenario, values, ceilings)
    panel = scenario.raters.per_item if raters is None else raters
    # Where a part's questions have an exact joint kernel, their joint capacity replaces the
    # min(sum, alphabet) bound (two half-time looks at one truth carry less than their sum). An
    # overlap design's panels vary in size, so the fixed panels' joint kernel is not its channel.
    for members in _parts(scenario).values() if scenario.overlap.mode == "fixed" else ():
        joint = _joint_part_capacity(scenario, row, panel, members, ratio)
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
                   raters: int | None = None, ratio: float = math.inf) -> float:
    return float(sum(w * _context_capacity(scenario, row, upper=upper, raters=raters, ratio=ratio)
                     for w, row in zip(scenario.context_weights, channels)))


def rater_model_text(scenario: Scenario, question: Question) -> str:
    """The raters as they are for one question (the method §9), in words, e.g.
    ``"c +0.30 · 2 difficulty classes · 2 rater types · prior 0.20/0.80"``; ``""`` for the
    homogeneous, unbiased panel with a uniform prior. Parts that do not enter the question's
    channel (a bias of a ranking) are left out."""
    parts = []
    model = rater_model(scenario, question)
    if model is not None and model.criterion != 0.0:
        parts.append(f"c {model.criterion:+.2f}")
    if model is not None and model.option_bias is not None and any(model.option_bias):
        parts.append("option bias " + "/".join(f"{v:+.2f}" for v in model.option_bias))
    if model is not None and len(model.difficulty) > 1:
        parts.append(f"{len(model.difficulty)} difficulty classes")
    elif model is not None and model.difficulty[0][1] != 1.0:
        parts.append(f"items d′ × {model.difficulty[0][1]:g}")
    if model is not None and model.n_types > 1:
        parts.append(f"{model.n_types} rater types")
    elif model is not None and model.types[0][1] != 1.0:
        parts.append(f"raters d′ × {model.types[0][1]:g}")
    if question.prior is not None:
        parts.append("prior " + "/".join(f"{p:.2f}" for p in question.prior))
    return " · ".join(parts)


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
    budget_limited: bool = False


def _decoding_key(scenario: Scenario, question: Question, channel: QuestionChannel, raters: int, coding_terms: bool,
                  ratio: float = math.inf) -> tuple:
    """The key of one question's decoding in :func:`_cached_decoding`."""
    return (question.format.kind, question.format.k, channel.dprime, question.span, question.slip_rate, raters,
            scenario.raters.correlation, question.prior, coding_terms, ratio, rater_model(scenario, question))


def _question_decoding(scenario: Scenario, question: Question, channel: QuestionChannel,
                       raters: int, coding_terms: bool, ratio: float = math.inf) -> PanelDecoding | None:
    return _cached_decoding(*_decoding_key(scenario, question, channel, raters, coding_terms, ratio))


@batch_cached(maxsize=16_384)
def _cached_decoding(keys: list[tuple]) -> list[PanelDecoding | None]:
    """Questions' decodings ``(kind, k, dprime, span, slip_rate, raters, correlation, prior, coding_terms,
    ratio, rater_model)``, cached on the numbers they depend on (as :func:`_cached_channel`); the missing
    ones of a batch are decoded together (:func:`models.channel.question_decodings`)."""
    requests = []
    for kind, k, dprime, span, slip_rate, raters, correlation, prior, coding_terms, ratio, model in keys:
        work = ratio * _decoding_estimate(kind, k or 2, raters, coding_terms)
        requests.append(dict(kind=kind, k=k, dprime_value=dprime, span=span, slip_rate=slip_rate, raters=raters,
                             correlation=correlation, prior=prior, coding_terms=coding_terms,
                             max_work=None if math.isinf(work) else work, rater_model=model))
    return question_decodings(requests)


def _prefetch_decodings(scenario: Scenario, points: Sequence[tuple[list[list[QuestionChannel]], int]], *,
                        coding_terms: bool, ratio: float) -> None:
    """Decode the questions of several designs ``(channels, raters)`` in one batch (the per-point
    code then finds them cached)."""
    _cached_decoding.many([_decoding_key(scenario, q, ch, raters, coding_terms, ratio)
                           for channels, raters in points for row in channels
                           for q, ch in zip(scenario.questions, row)])


def _item_decodings(scenario: Scenario, channels: Sequence[Sequence[QuestionChannel]], raters: int, *,
                    coding_terms: bool = True, ratio: float = math.inf,
                    found: Sequence[Sequence[PanelDecoding | None] | None] | None = None) -> list[_ItemDecoding]:
    """:func:`_item_decoding` of every context (``channels`` one row per context; ``found`` one
    entry per context or None), with one alphabet per part whose questions answer in different
    alphabets (:func:`_part_alphabets`): one codebook serves every context, so each dimension must
    have the same alphabet in all of them."""
    rows_found = list(found) if found is not None else [None] * len(channels)
    alphabets = None
    if any(len({scenario.questions[i].format.alternatives for i in members}) > 1
           for members in _parts(scenario).values()):
        alphabets = _part_alphabets(scenario, [
            list(given) if given is not None else [_question_decoding(scenario, q, ch, raters, coding_terms, ratio)
                                                   for q, ch in zip(scenario.questions, row)]
            for row, given in zip(channels, rows_found)])
    return [_item_decoding(scenario, row, raters, coding_terms=coding_terms, ratio=ratio, found=given,
                           alphabets=alphabets)
            for row, given in zip(channels, rows_found)]


def _part_alphabets(scenario: Scenario, decodings: Sequence[Sequence[PanelDecoding | None]]) -> dict[str, int]:
    """For each part whose questions answer in different alphabets, the alphabet it is decoded
    with in every context: the one whose best question, context by context, has the highest
    context-weighted label accuracy (ties to the alphabet of the earlier question). Where every
    context's best question has one alphabet, that is the one chosen, as each context alone would."""
    chosen: dict[str, int] = {}
    weights = scenario.context_weights
    for part, members in _parts(scenario).items():
        alphabets = list(dict.fromkeys(scenario.questions[i].format.alternatives for i in members))
        if len(alphabets) < 2:
            continue

        def score(alphabet: int) -> float:
            total = 0.0
            for weight, row in zip(weights, decodings):
                found = [row[i].label_accuracy for i in members  # type: ignore[union-attr]
                         if row[i] is not None and scenario.questions[i].format.alternatives == alphabet]
                total += weight * max(found, default=0.0)
            return total

        chosen[part] = max(alphabets, key=score)
    return chosen


def _item_decoding(scenario: Scenario, row: Sequence[QuestionChannel], raters: int, *,
                   coding_terms: bool = True, ratio: float = math.inf,
                   found: Sequence[PanelDecoding | None] | None = None,
                   alphabets: dict[str, int] | None = None) -> _ItemDecoding:
    """What a decoder achieves with one item's answers in one context; ``found`` gives the
    questions' decodings (an overlap design's), which are otherwise those of ``raters`` raters.
    ``alphabets`` (:func:`_part_alphabets`) fixes the alphabet of parts whose questions answer in
    different ones; call :func:`_item_decodings` for all contexts at once."""
    decodings = list(found) if found is not None else [_question_decoding(scenario, q, ch, raters, coding_terms, ratio)
                                                       for q, ch in zip(scenario.questions, row)]
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
    for part, members in parts.items():
        if len(members) < 2:
            continue
        upper = min(sum(row[i].panel_upper_nats for i in members), max(row[i].max_nats for i in members))
        if len({scenario.questions[i].format.alternatives for i in members}) > 1:
            # Answers of different alphabets about one part: decode with the best member alone (a
            # decoder may ignore the others), of the alphabet every context uses for the part.
            wanted = (alphabets or {}).get(part)
            candidates = [i for i in members if wanted is None or scenario.questions[i].format.alternatives == wanted]
            # Whether a question is decoded depends on its format only, so every context has a
            # member of the chosen alphabet.
            assert candidates, (part, wanted)
            best = max((decodings[i] for i in candidates), key=lambda d: d.label_accuracy)  # type: ignore[union-attr]
            units.append((best, upper))  # type: ignore[arg-type]
            continue
        panels = _part_panels(scenario, row, raters, members, ratio) if found is None else None
        if panels is None:
            best = max((decodings[i] for i in members), key=lambda d: d.label_accuracy)  # type: ignore[union-attr]
            units.append((best, upper))  # type: ignore[arg-type]
            continue
        joint = decode_joint(panels[0], scenario.questions[members[0]].prior, coding_terms=coding_terms)
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
        budget_limited=any(d is not None and d.budget_limited for d in decodings),
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
                    coding_terms: bool = True, ratio: float = math.inf) -> _Planner:
    decodings = _item_decodings(scenario, channels, raters, coding_terms=coding_terms, ratio=ratio)
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


CARRIES_INFORMATION_NATS = 1e-12
"""A question's capacity above this carries information (one at chance computes to about 1e-16)."""


def starved_questions(scenario: Scenario, contexts: Sequence[ContextResult]) -> list[str]:
    """The questions with an automatic time share that the split leaves without time while a
    question given time carries information (water-filling leaves a question whose first seconds
    buy less than the others' last at 0). Where no question carries any (the time goes to reading
    or the dead time), the split chose nothing and none is named.

    Parameters
    ----------
    scenario
        The design.
    contexts
        Its evaluated contexts (time shares are per question, the same in each).

    Returns
    -------
    list of str
        The questions' names, in the scenario's order.
    """
    automatic = {q.name for q in scenario.questions if q.time_share is None}
    starved: list[str] = []
    for ctx in contexts:
        if not any(q.time_share > 0 and q.panel_nats > CARRIES_INFORMATION_NATS for q in ctx.questions):
            continue
        starved.extend(q.name for q in ctx.questions
                       if q.name in automatic and q.time_share == 0 and q.name not in starved)
    return starved


def verdict_sentence(verdict: str, *, floor: float, achievable: float, target_risk: float, items: int,
                     needed: ItemsNeeded, model_bits: float) -> str:
    """One sentence with the numbers behind a verdict. A count that does not exist (no number of
    items teaches the value model, or none is sure to suffice) is said in words, not as a number."""
    if verdict == "meets":
        # ("… items are at least the 665 a model needs at most" read as a riddle.)
        return (f"Meets the target: the achievable risk {achievable:.3f} ≤ {target_risk:g}, and the {items:,} items "
                f"reach the {needed.at_most:,} that suffice for a {model_bits:g}-bit value model.")
    if verdict == "cannot":
        if floor > target_risk:
            # The floor is flat in the items: more of them (more labels of this design) cannot cross
            # it; more raters per item, time or a richer format change the design and can lower it.
            return (f"Cannot meet the target: the floor {floor:.3f} > {target_risk:g}, and no number of items "
                    "crosses it; more capacity per item can lower it.")
        if needed.at_least is None:
            return (f"Cannot meet the target: no number of items teaches a {model_bits:g}-bit value model through "
                    "this channel.")
        return (f"Cannot meet the target: a {model_bits:g}-bit value model needs at least {needed.at_least:,} "
                f"items, the campaign has {items:,}.")
    reasons = []
    if achievable > target_risk:
        reasons.append(f"floor {floor:.3f} ≤ {target_risk:g} < achievable {achievable:.3f}")
    else:
        reasons.append(f"achievable {achievable:.3f} ≤ {target_risk:g}")
    if needed.at_most is None:
        reasons.append(f"{items:,} items, at least the {needed.at_least:,} a {model_bits:g}-bit model needs, but no "
                       "number of items is sure to suffice")
    elif items < needed.at_most:
        reasons.append(f"{items:,} items, between the {needed.at_least:,} a {model_bits:g}-bit model needs "
                       f"at least and the {needed.at_most:,} that suffice")
    return "Not ruled out, not guaranteed: " + "; ".join(reasons) + "."


def fixed_shares(scenario: Scenario) -> tuple[float, ...]:
    """The fixed time shares of a scenario whose every question has one, normalised.

    Returns
    -------
    tuple of float
        ``time_share / Σ time_share`` per question, in (0, 1], summing to 1.
    """
    total = sum(q.time_share for q in scenario.questions)  # type: ignore[misc]
    return tuple(q.time_share / total for q in scenario.questions)  # type: ignore[operator]


def share_gain(scenario: Scenario, question: Question, design: _Design, *,
               free: float = 1.0) -> Callable[[float], float]:
    """The gain water-filling maximises for one question: its context-weighted panel capacity
    (nats per item) as a function of its part of the ``free`` share of the judgment time
    (both in [0, 1]; ``free`` is what the fixed shares leave)."""
    weights = scenario.context_weights

    def capacity_at(share: float) -> float:
        return sum(
            w * _question_channel(scenario, question, s, share * free, design).panel_nats
            for s, w in enumerate(weights)
        )

    return capacity_at


def _prefetch_share_grid(scenario: Scenario, questions: Sequence[Question], design: _Design, steps: int,
                         free: float = 1.0) -> None:
    """The channels of ``questions`` at every point of a water-filling grid of ``steps`` steps over
    the ``free`` share, in every context, in one batch (water_fill evaluates them all)."""
    _cached_channel.many([_channel_key(scenario, question, s, j / steps * free, design)
                          for question in questions for s in range(len(scenario.contexts)) for j in range(steps + 1)])


def time_shares(scenario: Scenario, *, design: _Design | None = None, steps: int | None = None) -> tuple[float, ...]:
    """The judgment-time share of each question.

    Fixed shares are normalised when every question has one. Otherwise the
    fixed ones are fractions of the judgment time and the rest is split among
    the automatic questions by water-filling on the context-weighted panel
    capacity (:func:`models.allocation.water_fill`), on ``steps`` grid steps
    (default: the design's, :data:`WATER_FILL_STEPS` unless the work budget
    of a heavy design asks for fewer). Without ``design``, the scenario's
    own design under :data:`EVALUATE_WORK_BUDGET`, as :func:`evaluate` uses.

    Returns
    -------
    tuple of float
        One share per question, in [0, 1], summing to 1.
    """
    questions = scenario.questions
    if scenario.fixed_time_shares:
        return fixed_shares(scenario)
    design = design or _budgeted_design(scenario)
    steps = design.water_fill_steps if steps is None else steps
    fixed_total = sum(q.time_share or 0.0 for q in questions)
    free = 1.0 - fixed_total
    automatic = [i for i, q in enumerate(questions) if q.time_share is None]
    if len(automatic) == 1:
        parts = [1.0]
    else:
        _prefetch_share_grid(scenario, [questions[i] for i in automatic], design, steps, free)
        gains = [share_gain(scenario, questions[i], design, free=free) for i in automatic]
        parts = list(water_fill(gains, steps=steps).shares)
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


def campaign_cost(scenario: Scenario, *, raters: float | None = None, seconds_per_item: float | None = None,
                  items: int | None = None) -> tuple[float, float]:
    """Money and rater-hours: ``cost = m/(1 − g) · r · T/3600 · wage · (1 + fee) + m g/(1 − g) · a``.

    ``m`` data items are labelled among ``m / (1 − g)`` tasks, a share ``g`` of them gold items,
    each of which costs ``a`` to author (``gold`` fields; none by default). ``r`` is the raters per
    item: the expected number for an overlap design (:func:`expected_raters`).

    Parameters
    ----------
    raters
        Raters per item (expected, ≥ 1) instead of the scenario's design.
    seconds_per_item, items
        Instead of the scenario's (``seconds_per_item`` may be an array).

    Returns
    -------
    (cost, rater_hours)
        Cost in the scenario's currency; rater-hours ≥ 0.
    """
    c = scenario.campaign
    r = expected_raters(scenario) if raters is None else raters
    t = c.seconds_per_item if seconds_per_item is None else seconds_per_item
    m = c.items if items is None else items
    share = scenario.gold.share
    tasks = m if share == 0.0 else m / (1.0 - share)
    hours = tasks * r * t / 3600.0
    authoring = (tasks - m) * scenario.gold.authoring_cost
    return hours * c.wage_per_hour * (1.0 + c.platform_fee) + authoring, hours


def expected_raters(scenario: Scenario) -> float:
    """Raters per item on average under the scenario's overlap design: ``r`` (fixed),
    ``(1 − f) r₁ + f r₂`` (partial), ``E[N]`` of the stopped panels, context-weighted (adaptive;
    computed from the first question's channels as :func:`evaluate` computes them)."""
    overlap = scenario.overlap
    if overlap.mode == "fixed":
        return scenario.raters.per_item
    if overlap.mode == "partial":
        return float(sum(n * p for n, p in partial_law(scenario).items()))
    design = _budgeted_design(scenario)
    shares = time_shares(scenario, design=design)
    first = [_question_channel(scenario, scenario.questions[0], s, shares[0], design)
             for s in range(len(scenario.contexts))]
    return adaptive_expected_raters(scenario, first)


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
    ceilings = []
    terms = ceiling_terms(scenario)
    # The floors of all points in one call (the same values as _floors point by point).
    bits = np.asarray(log2_ms if log2_ms is not None else [scenario.target.log2_m] * len(capacities), dtype=float)
    separation = scenario.target.separation
    floors = [float(v) for v in models.fano_floors(capacities, bits, separation=separation, form="exact")]
    floors_paper = [float(v) for v in models.fano_floors(capacities, bits, separation=separation, form="paper")]
    for i, capacity in enumerate(capacities):
        m = items[i] if items is not None else scenario.campaign.items
        risk, _ = ceiling_risk(scenario, achievable[i])
        ceilings.append(models.ceiling(risk, capacity, int(m), **terms))
    converse, estimate, reached = learning if learning is not None else ((), (), ())
    return Curve(name, x_label, tuple(float(x) for x in xs), tuple(floors), tuple(floors_paper), tuple(ceilings),
                 tuple(float(c) for c in capacities), scenario.target.target_risk, float(current), log_x,
                 tuple(float(a) for a in achievable), tuple(float(v) for v in converse),
                 tuple(float(v) for v in estimate), tuple(float(v) for v in reached))


def _achievable_at(scenario: Scenario, channels: list[list[QuestionChannel]], raters: int,
                   ratio: float = math.inf) -> float:
    """The achievable risk of a curve point: the codebook alone (the point needs no label floor or
    coding terms), the same value as the planner's. Without questions about a shared part, the
    codebooks' dimensions are all it reads (:func:`_cached_codebook`: the same dimensions as the
    decodings')."""
    if _parts(scenario):
        dimensions = [list(decoding.dimensions)
                      for decoding in _item_decodings(scenario, channels, raters, coding_terms=False, ratio=ratio)]
        choice = codebook_error(dimensions, scenario.context_weights, scenario.target.log2_m)
        return scenario.target.separation * choice.error
    keys = tuple(tuple(_decoding_key(scenario, q, ch, raters, False, ratio) for q, ch in zip(scenario.questions, row))
                 for row in channels)
    return scenario.target.separation * _codebook_error_of(keys, tuple(scenario.context_weights),
                                                           scenario.target.log2_m)


@lru_cache(maxsize=4096)
def _codebook_error_of(keys: tuple[tuple[tuple, ...], ...], weights: tuple[float, ...], log2_m: float) -> float:
    """:func:`codebook_error` of the questions' codebooks per context, ``keys`` those of
    :func:`_cached_codebook` per context, cached on them: the curve over T shares most points with
    the previous time's curve (fixed grid positions), and every evaluation would otherwise search
    their product codes again (about a tenth of a new design's evaluation)."""
    dimensions = [[dimension for found in _cached_codebook.many(list(row)) if found is not None for dimension in found]
                  for row in keys]
    return codebook_error(dimensions, weights, log2_m).error


def _curve_point(scenario: Scenario, shares: Sequence[float], channels: list[list[QuestionChannel]], design: _Design,
                 ratio: float) -> tuple[float, float]:
    """C̄'s upper end and the achievable risk of a curve's point: the fixed panel of ``design``, or
    the scenario's overlap design on it (``design.raters`` as ``r₀`` or ``r₁``)."""
    if scenario.overlap.mode == "fixed":
        return (_mean_capacity(scenario, channels, upper=True, raters=design.raters, ratio=ratio),
                _achievable_at(scenario, channels, design.raters, ratio))
    overlaid = _overlaid(scenario, shares, channels, design, coding_terms=False)
    dimensions = [[dimension for decoding in row if decoding is not None for dimension in decoding.dimensions]
                  for row in overlaid.decodings]
    choice = codebook_error(dimensions, scenario.context_weights, scenario.target.log2_m)
    return (_mean_capacity(scenario, overlaid.channels, upper=True, raters=design.raters, ratio=ratio),
            scenario.target.separation * choice.error)


@batch_cached(maxsize=16_384)
def _cached_codebook(keys: list[tuple]) -> list[tuple | None]:
    """The codebook dimensions of questions' decodings (keys as :func:`_cached_decoding`'s, with
    ``coding_terms`` False): :func:`models.channel.question_codebooks`, missing ones together."""
    requests = []
    for kind, k, dprime, span, slip_rate, raters, correlation, prior, _, ratio, model in keys:
        work = ratio * _decoding_estimate(kind, k or 2, raters, False)
        requests.append(dict(kind=kind, k=k, dprime_value=dprime, span=span, slip_rate=slip_rate, raters=raters,
                             correlation=correlation, prior=prior, max_work=None if math.isinf(work) else work,
                             rater_model=model))
    return question_codebooks(requests)


#: Work per answer and bin of the codebook size programme (models.decoding.codebook_errors), measured.
_SIZE_TABLE_WORK = 24.0


def _log2_grid(log2_m: float, decodings: Sequence[_ItemDecoding]) -> np.ndarray:
    """Targets of the curve over log2 M: 61 from 0.5 bits, starting higher where the codebooks'
    size programme over that range would exceed a third of :data:`CURVES_WORK_BUDGET` (its bins
    grow with the ratio of the largest target to the smallest)."""
    grid = np.linspace(0.5, max(2.0 * log2_m, log2_m + 8.0, 16.0), 61)
    answers = sum(dim.alphabet for dim in decodings[0].dimensions) if decodings else 0
    if answers == 0:
        return grid
    bins = CURVES_WORK_BUDGET / 3.0 / (_SIZE_TABLE_WORK * answers)
    if bins >= CODEBOOK_MAX_BINS:
        return grid
    smallest = CODEBOOK_BINS * float(grid[-1]) / max(bins, CODEBOOK_BINS)
    kept = grid[grid >= smallest]
    return kept if kept.size else grid[-1:]


def seconds_curve_grid(seconds: float) -> list[float]:
    """The times per item of the curve over T: fixed log-spaced positions
    (:data:`SECONDS_CURVE_PER_DECADE` per decade) from ``seconds / 8`` (at least 0.5 s) to
    ``8 · seconds``, and ``seconds`` itself, ascending.

    Parameters
    ----------
    seconds
        The scenario's time per rater per item, s (> 0).
    """
    low, high = max(seconds / SECONDS_CURVE_SPAN, 0.5), seconds * SECONDS_CURVE_SPAN
    per_decade = SECONDS_CURVE_PER_DECADE
    # The small tolerance keeps a grid point that lands on an end by rounding.
    first, last = math.ceil(per_decade * math.log10(low) - 1e-9), math.floor(per_decade * math.log10(high) + 1e-9)
    points = {round(10.0 ** (j / per_decade), 12) for j in range(first, last + 1)}
    points.add(float(seconds))
    return sorted(points)


def _curves(scenario: Scenario, shares: Sequence[float], capacity_upper: float, planner: _Planner,
            decodings: Sequence[_ItemDecoding]) -> dict[str, Curve]:
    campaign, raters = scenario.campaign, scenario.raters
    m = campaign.items
    high = max(10 * m, 10**6)
    # Each grid holds the scenario's own value, so that every curve passes through the design's
    # numbers (a plot or a report reading a curve at the design reads them, not a neighbour's).
    item_grid = np.union1d(np.round(np.logspace(0, math.log10(high), 61)).astype(np.int64), [m])
    log2_m = scenario.target.log2_m
    log2_grid = _log2_grid(log2_m, decodings)
    log2_limited = len(log2_grid) < 61
    if not log2_limited or log2_grid[0] <= log2_m:
        # A target below the grid's first point (0.5 bits) joins it; one below a grid that the
        # work budget started higher stays out (its codebooks are what the budget cut).
        log2_grid = np.union1d(log2_grid, [log2_m])
    log2_achievable = [
        scenario.target.separation * choice.error
        for choice in codebook_errors([list(d.dimensions) for d in decodings], scenario.context_weights, log2_grid)
    ]
    r = raters.per_item
    t = campaign.seconds_per_item
    # An adaptive design starting with too many (or too few) raters is no scenario (too many vote
    # histograms to decode exactly): the curve shows the designs a scenario may hold.
    fewest, most = rater_range(scenario, max(2 * r, 10))
    full_raters = list(range(fewest, most + 1))
    full_seconds = seconds_curve_grid(t)
    # Both curves share CURVES_WORK_BUDGET; the scenario's own point is the headline's and costs nothing.
    wanted = len(full_raters) - 1 + len(full_seconds) - 1
    # Thin both grids evenly until the estimated work of their points fits CURVES_WORK_BUDGET.
    kept = wanted
    while True:
        kept_raters = round(kept * (len(full_raters) - 1) / wanted) if wanted else 0
        rater_grid = [int(k) for k in _thinned(full_raters, r, kept_raters)]
        seconds_grid = _thinned(full_seconds, t, kept - kept_raters)
        ratio = _curve_ratio(scenario, [k for k in rater_grid if k != r], len(seconds_grid) - 1)
        if ratio >= MIN_CURVE_RATIO or kept == 0:
            break
        kept = max(0, min(kept - 1, int(kept * ratio / MIN_CURVE_RATIO)))
    thinned = kept < wanted or ratio < 1.0
    ratio = _stepped_ratio(ratio)
    # Every point's channels, then every point's decodings, in one batch each.
    designs = ([_Design(k, t, channel_ratio=ratio, decoding_ratio=ratio) for k in rater_grid if k != r]
               + [_Design(r, float(value), channel_ratio=ratio, decoding_ratio=ratio)
                  for value in seconds_grid if value != t])
    computed = _prefetch_channels(scenario, shares, designs)
    points = [(channels, design.raters) for channels, design in zip(computed, designs)]
    if _parts(scenario):
        _prefetch_decodings(scenario, points, coding_terms=False, ratio=ratio)
    else:
        _cached_codebook.many([_decoding_key(scenario, q, ch, raters, False, ratio) for channels, raters in points
                               for row in channels for q, ch in zip(scenario.questions, row)])
    point_channels, point_designs = iter(computed), iter(designs)

    def along(grid: Sequence[float], own: float) -> tuple[list[float], list[float]]:
        # The points in the order the designs were listed; the scenario's own is the headline's.
        capacities, achievable = [], []
        for value in grid:
            found = ((capacity_upper, planner.achievable) if value == own else
                     _curve_point(scenario, shares, next(point_channels), next(point_designs), ratio))
            capacities.append(found[0])
            achievable.append(found[1])
        return capacities, achievable

    rater_caps, rater_achievable = along(rater_grid, r)
    seconds_caps, seconds_achievable = along(seconds_grid, t)
    # Every curve's floors in one vectorised bisection (each curve below then finds its own cached):
    # the learner's converse over m, the design's capacity over log2 M, the points over r and T.
    model_bits = scenario.target.model_bits
    converse = np.minimum(item_grid.astype(float) * capacity_upper, 1e300)
    models.fano_floors(
        np.concatenate([converse, [capacity_upper] * len(log2_grid), rater_caps, seconds_caps]),
        np.concatenate([[model_bits] * len(converse), log2_grid, [log2_m] * (len(rater_caps) + len(seconds_caps))]),
    )
    learning = learning_error_curves(item_grid, capacity_upper, planner.exponent, RHO_GRID, planner.information,
                                     planner.variance, model_bits)
    return {
        "items": _curve("items", "labelled items m", item_grid, [capacity_upper] * len(item_grid), scenario, m, True,
                        [planner.achievable] * len(item_grid), items=list(item_grid), learning=learning),
        "log2_m": replace(_curve("log2_m", "target complexity log2 M (bits)", log2_grid,
                                 [capacity_upper] * len(log2_grid), scenario, log2_m, False, log2_achievable,
                                 log2_ms=list(log2_grid)), budget_limited=log2_limited),
        "raters": replace(_curve("raters", "raters per item r", rater_grid, rater_caps, scenario, r, False,
                                 rater_achievable), budget_limited=thinned),
        "seconds": replace(_curve("seconds", "seconds per item T", seconds_grid, seconds_caps, scenario, t,
                                  True, seconds_achievable), budget_limited=thinned),
    }


# ------------------------------------------------------------------ evaluate
def evaluate(scenario: Scenario, *, curves: bool = True,
             on_headline: Callable[[Evaluation], None] | None = None) -> Evaluation:
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
    on_headline
        Called on the calling thread with the evaluation without curves (the
        one ``evaluate(scenario, curves=False)`` returns) as soon as it is
        computed, before the curves; an exception it raises ends the
        evaluation. The window shows the headline numbers while the curves
        are computed, without evaluating the scenario twice.

    Returns
    -------
    Evaluation

    Notes
    -----
    BLAS runs on one thread meanwhile (:func:`models.blas.single_threaded`): the kernels are too
    small for OpenBLAS's threads to pay, and on a machine whose cores are busy they made a first
    evaluation up to four times slower.
    """
    with single_threaded():
        return _evaluate(scenario, curves=curves, on_headline=on_headline)


def _evaluate(scenario: Scenario, *, curves: bool,
              on_headline: Callable[[Evaluation], None] | None = None) -> Evaluation:
    design = _budgeted_design(scenario)
    shares = time_shares(scenario, design=design)
    channels = _channels(scenario, shares, design)
    overlaid = None
    if scenario.overlap.mode != "fixed":
        overlaid = _overlaid(scenario, shares, channels, design)
        channels = overlaid.channels
    else:
        _prefetch_decodings(scenario, [(channels, design.raters)], coding_terms=True, ratio=design.decoding_ratio)
    decodings = _item_decodings(scenario, channels, design.raters, ratio=design.decoding_ratio,
                                found=None if overlaid is None else overlaid.decodings)
    if overlaid is not None:
        decodings = [_overlaid_decoding(scenario, overlaid, s, decoding) for s, decoding in enumerate(decodings)]

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
                label_accuracy_exact=accuracy_exact, part=q.part, budget_limited=ch.budget_limited,
                rater_model=rater_model_text(scenario, q),
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
            panel_nats=_context_capacity(scenario, row, ratio=design.decoding_ratio),
            binding_stage=_binding_stage_of_context(question_results),
            questions=question_results,
            label_accuracy=decoding.accuracy,
            panel_upper_nats=_context_capacity(scenario, row, upper=True, ratio=design.decoding_ratio),
        ))

    weights = scenario.context_weights
    capacity = float(sum(w * c.panel_nats for w, c in zip(weights, contexts)))
    capacity_upper = float(sum(w * c.panel_upper_nats for w, c in zip(weights, contexts)))
    paper_capacity = float(sum(w * c.paper_nats for w, c in zip(weights, contexts)))
    single_rater = float(sum(w * c.cascade_nats for w, c in zip(weights, contexts)))
    target, b, campaign = scenario.target, scenario.bounds, scenario.campaign
    floor, floor_paper = _floors(scenario, capacity_upper)
    planner = _planner(scenario, decodings)
    # Fano's floor bounds every decoder's risk; the code's error is exact up to rounding, which can
    # put it a few 1e-15 below the floor where both are 1 - 1/M (a design that carries nothing).
    planner = replace(planner, achievable=max(planner.achievable, floor))
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
    cost, hours = campaign_cost(scenario, raters=None if overlaid is None else overlaid.result.expected_raters)

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
    if not planner.expressible and not planner.codebook_sizes:
        # Only free text: its capacity counts towards the floor, but no codebook decodes typed
        # answers into the target's values.
        warnings.append(
            f"The interface cannot express the target: free-text answers carry information (the floor counts "
            f"it) but are not decoded into the target's 2^{target.log2_m:g} values, so the achievable error is "
            f"that of guessing, {achievable / target.separation:.3f}. Add a question with answers to choose from."
        )
    elif not planner.expressible:
        warnings.append(
            f"The interface cannot express the target: its answers form 2^{math.log2(max(1, math.prod(planner.codebook_sizes))):.1f} "
            f"tuples per item, fewer than the 2^{target.log2_m:g} values of the target, so several values share an "
            f"answer tuple and the achievable error is at least {achievable / target.separation:.3f}."
        )
    if scenario.overlap.mode != "fixed":
        # The overlap's first question is the adaptive rule's own; the others are panel mixtures.
        mixed = scenario.questions[1:] if scenario.overlap.mode == "adaptive" else scenario.questions
        smallest = [q.name for q in mixed if q.format.kind not in MIXED_CODEBOOK_KINDS]
        if smallest:
            warnings.append(
                f"{scenario.overlap.mode.capitalize()} overlap: for {and_join([repr(name) for name in smallest])} the achievable risk "
                "counts the votes of the smallest panel only (the codebooks of mixed panel sizes are computed for "
                "binary, categorical and multi-select questions), so it does not fall with the extra raters; the "
                "floor and the capacity count them."
            )
    starved = starved_questions(scenario, contexts)
    if starved:
        names = and_join([repr(name) for name in starved])
        one = len(starved) == 1
        warnings.append(
            f"The automatic time split gives {names} no time at {campaign.seconds_per_item:g} s per item: other "
            f"questions carry more information per second, so {'its' if one else 'their'} answers carry none "
            f"(guesses), and the achievable risk reads them as such. Fix {'its time share' if one else 'their time shares'}, "
            f"give the item more time, or drop {'it' if one else 'them'}."
        )
    pool_is_plain = RaterModel(difficulty=scenario.raters.difficulty_mixture,
                               types=scenario.raters.type_mixture).is_default("binary")
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
            if q.kind in ("ranking", "free_text", "best_worst") and not pool_is_plain:
                warnings.append(
                    f"Question {q.name!r} in context {ctx.name!r}: the item difficulty classes and rater types apply "
                    "to binary, categorical, ordinal, pairwise, scale and multi-select questions, not to "
                    f"{q.kind.replace('_', ' ').replace('best worst', 'best–worst scaling')}; it is computed with "
                    "every item equally hard and one rater type."
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
    budget_notes = _budget_warnings(scenario, design, contexts, decodings)
    warnings.extend(budget_notes)
    headline = Evaluation(
        scenario=scenario,
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
        curves={},
        budget_limited=bool(budget_notes),
        water_fill_steps=design.water_fill_steps,
        learning=LearningTerms(capacity_upper, tuple(float(v) for v in planner.exponent), planner.information,
                               planner.variance, target.model_bits),
        overlap=None if overlaid is None else overlaid.result,
        gold=gold_result(scenario, channels, None if overlaid is None else overlaid.result.expected_raters),
    )
    if on_headline is not None:
        on_headline(headline)
    if not curves:
        return headline
    return replace(headline, curves=_curves(scenario, shares, capacity_upper, planner, decodings))


def _budget_warnings(scenario: Scenario, design: _Design, contexts: Sequence[ContextResult],
                     decodings: Sequence[_ItemDecoding]) -> list[str]:
    """One warning per kind of approximation the work budget forced (none for most designs)."""
    notes = []
    limited = [(ctx, q) for ctx in contexts for q in ctx.questions if q.budget_limited]
    if limited:
        widest = max(limited, key=lambda pair: pair[1].panel_upper_nats - pair[1].panel_nats)
        ctx, q = widest
        notes.append(
            f"Time budget: {len(limited)} of {sum(len(c.questions) for c in contexts)} question capacities were not "
            "computed to 1e-9 nats (the exact computation would take too long); each is an interval, the floor uses its "
            f"upper end, so it stays a valid floor. Widest: {q.name!r} in context {ctx.name!r}, "
            f"{q.panel_nats / LN2:.4f}–{q.panel_upper_nats / LN2:.4f} bits."
        )
    if any(d.budget_limited for d in decodings):
        notes.append(
            "Time budget: the achievable error and the items a value model needs at most are computed on fewer raters "
            "than the panel has (or on a coarser grid of Gallager's ρ); they are achievable, only less tight."
        )
    automatic = 0 if scenario.fixed_time_shares else sum(q.time_share is None for q in scenario.questions)
    if automatic > 1 and design.water_fill_steps < WATER_FILL_STEPS:
        notes.append(
            f"Time budget: the automatic time shares are water-filled in steps of 1/{design.water_fill_steps} of the "
            f"judgment time instead of 1/{WATER_FILL_STEPS}."
        )
    return notes
