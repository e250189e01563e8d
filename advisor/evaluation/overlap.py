"""Overlap designs in the evaluation: adaptive and partial overlap (method "Designs real campaigns use").

:mod:`models.overlap` gives the channels; this module turns a scenario's ``overlap`` fields into
them, question by question and context by context, and returns each question's channel and
decoding as :func:`advisor.evaluation.evaluate.evaluate` uses them for a fixed panel:

* **partial**: every question's channel is the known-state mixture of its ``r₁``- and
  ``r₂``-rater panels with weights ``1 − f`` and ``f``;
* **adaptive**: the first question's channel is its stopped histogram (with its length); every
  other question is answered by the same raters, so its channel is the known-state mixture of its
  fixed panels over the law of the stopping length in that context. That law is taken at the
  first question's prior (what the items are), so the sum over questions bounds the information an
  item carries when its first answer follows that prior.

The mixture's MAP accuracy, information at the prior, Gallager terms and information moments are
those of the panels mixed with the same weights (each is linear in the law of the known state); its
capacity is the mixture of the panels' capacities where one input law is optimal for all of them
(every format but ordinal and pairwise, whose mixed kernel is solved by Blahut–Arimoto where it
fits, the mixture of the capacities' upper ends otherwise). Codebook successes are mixed for the
symmetric formats, whose codebooks of one size are all alike; elsewhere those of the smallest
panel are used (a decoder may ignore the extra raters, so they are achievable).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np

import models
from models.channel import QuestionChannel, binding_stage, rater_kernel
from models.decoding import Dimension, PanelDecoding, decode_kernel
from models.overlap import adaptive_panel, length_law_panel
from models.population_channel import RaterModel, class_kernels, population_kind, population_panel

from advisor.evaluation.channel_inputs import rater_model
from advisor.scenario.schema import Question, Scenario
from advisor.units import counted

__all__ = ["OverlapContext", "OverlapResult", "OverlaidRows", "adaptive_expected_raters", "expected_raters_text",
           "overlay", "partial_law"]

PANEL_MAX_OUTCOMES = 200_000
"""Largest mixed histogram alphabet solved by Blahut–Arimoto (as a fixed panel's)."""
_UNIFORM_OPTIMAL = ("binary", "categorical", "multi_select", "ranking", "best_worst", "free_text")
"""Formats whose panels of every size share the uniform input as optimal (or whose values are
bounds already): their mixture capacity is the mixture of capacities."""
_SYMMETRIC = ("binary", "categorical", "multi_select")
MIXED_CODEBOOK_KINDS = _SYMMETRIC
"""Formats whose codebook successes are mixed over the panel sizes of an overlap design; the others
take the smallest panel's (the module docstring), so their achievable risk ignores the extra raters."""


@dataclass(frozen=True)
class OverlapContext:
    """The panel sizes of an overlap design in one context.

    Attributes
    ----------
    name
        The context.
    expected_raters
        ``E[N]``, raters per item on average, in [1, 100].
    length_law
        ``((n, P(N = n)), …)`` by increasing ``n``.
    """

    name: str
    expected_raters: float
    length_law: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class OverlapResult:
    """What an overlap design spends and how.

    Attributes
    ----------
    mode
        ``"adaptive"`` or ``"partial"``.
    base_raters
        ``r₀`` (adaptive) or ``r₁`` (partial): ``raters.per_item``.
    most_raters
        ``r_max`` (adaptive) or the larger of ``r₁``, ``r₂`` (partial).
    expected_raters
        Context-weighted ``E[N]``: the cost's raters per item.
    contexts
        Per context.
    rule
        The design in words (for tables and reports).
    """

    mode: str
    base_raters: int
    most_raters: int
    expected_raters: float
    contexts: tuple[OverlapContext, ...]
    rule: str


@dataclass(frozen=True)
class OverlaidRows:
    """Channels and decodings of an overlap design, per context and question, and its summary.

    ``decodings`` are what an item's codebook and its accuracy product may use (module docstring);
    ``question_accuracy`` each question's own MAP accuracy (None without a finite kernel) and
    ``item_accuracy`` the exact probability that every question's MAP answer is right (adaptive
    overlap only, where the questions' successes depend on each other through the number of raters;
    None otherwise), per context."""

    channels: list[list[QuestionChannel]]
    decodings: list[list[PanelDecoding | None]]
    result: OverlapResult
    question_accuracy: list[tuple[float | None, ...]]
    item_accuracy: list[float | None]


def partial_law(scenario: Scenario, base: int | None = None) -> dict[int, float]:
    """``P(N = n)`` of a partial-overlap design: ``1 − f`` on ``r₁``, ``f`` on ``r₂`` (``base``
    replaces ``r₁``)."""
    overlap = scenario.overlap
    first = scenario.raters.per_item if base is None else base
    law: dict[int, float] = {}
    for n, p in ((first, 1.0 - overlap.extra_share), (overlap.extra_raters, overlap.extra_share)):
        if p > 0.0:
            law[n] = law.get(n, 0.0) + p
    return law


def rule_text(scenario: Scenario, base: int | None = None) -> str:
    """The overlap design in words, e.g. ``"2 raters, one more while the top answer's share is below 0.6, up to 5"``."""
    overlap = scenario.overlap
    first = scenario.raters.per_item if base is None else base
    if overlap.mode == "adaptive":
        what = ("the top answer's share" if overlap.stop_rule == "agreement"
                else "the most probable answer's posterior")
        return (f"{counted(first, 'rater')}, one more while {what} on "
                f"{scenario.questions[0].name!r} is below {overlap.stop_threshold:g}, up to {overlap.max_raters}")
    if overlap.mode == "partial":
        return (f"{counted(first, 'rater')} on {100 * (1 - overlap.extra_share):.3g} % of the items, "
                f"{overlap.extra_raters} on {100 * overlap.extra_share:.3g} %")
    return f"{counted(first, 'rater')} on every item"


def expected_raters_text(value: float) -> str:
    """Expected raters per item as shown, e.g. ``"2.38"``."""
    return f"{value:.2f}"


def _prior_of(question: Question) -> tuple[float, ...] | None:
    return question.prior if question.format.kind in ("binary", "categorical", "ordinal", "pairwise") else None


@lru_cache(maxsize=512)
def _adaptive(kernel_bytes: bytes, shape: tuple[int, ...], start: int, most: int, rho: float, rule: str,
              threshold: float, prior: tuple[float, ...] | None,
              class_weights: tuple[float, ...] | None = None) -> tuple[models.overlap.AdaptivePanel, models.Capacity]:
    """The stopped channel of one kernel (or of one kernel per class of items, ``shape`` (classes,
    inputs, answers), with their ``class_weights``) and its capacity (Blahut–Arimoto, 1e-9 nats)."""
    kernel = np.frombuffer(kernel_bytes, dtype=float).reshape(shape)
    panel = adaptive_panel(kernel, start, most, correlation=rho, rule=rule, threshold=threshold, prior=prior,
                           max_outcomes=PANEL_MAX_OUTCOMES, class_weights=class_weights)
    return panel, models.blahut_arimoto(panel.kernel)


def _population(scenario: Scenario, question: Question, channel: QuestionChannel) -> tuple[RaterModel, np.ndarray, np.ndarray] | None:
    """The question's raters as they are (:func:`~advisor.evaluation.channel_inputs.rater_model`) with its
    class weights ``w`` (H,) and typed kernels ``G`` (H, k, T·k) at the channel's d′
    (:func:`models.population_channel.class_kernels`), or None for the homogeneous, unbiased panel."""
    model = rater_model(scenario, question)
    if model is None:
        return None
    weights, typed = class_kernels(question.format.kind, question.format.k, channel.dprime, question.span,
                                   question.slip_rate, model)
    return model, weights, typed


def _answer_kernels(typed: np.ndarray, types: int) -> np.ndarray:
    """Each class's kernel of the answer alone, ``Σ_t v_t K_{h,t}`` (H, k, k), from typed kernels (H, k, T·k)."""
    classes, answers, cells = typed.shape
    return np.ascontiguousarray(typed.reshape(classes, answers, types, cells // types).sum(axis=2))


@lru_cache(maxsize=512)
def _mixed_capacity(kernel_bytes: bytes, shape: tuple[int, int], law: tuple[tuple[int, float], ...],
                    rho: float) -> models.Capacity:
    """Blahut–Arimoto capacity of the known-state mixture of one kernel's panels."""
    kernel = np.frombuffer(kernel_bytes, dtype=float).reshape(shape)
    panel, _ = length_law_panel(kernel, dict(law), correlation=rho)
    return models.blahut_arimoto(panel)


@lru_cache(maxsize=512)
def _population_mixed_capacity(kind: str, k: int | None, dprime: float, span: float, slip: float,
                               law: tuple[tuple[int, float], ...], rho: float, model: RaterModel) -> models.Capacity:
    """Blahut–Arimoto capacity of the known-state mixture ``P((n, c) | x) = P(N = n) P_n(c | x)`` of the
    rater model's panels (:func:`models.population_channel.population_panel`: histograms over (rater type,
    answer) cells, as the fixed panel's), of one decision for a multi-select."""
    total = sum(p for _, p in law)
    blocks = []
    for n, p in law:
        panel, used = population_panel(kind, k or 2, dprime, span, slip, n, rho, model, max_outcomes=PANEL_MAX_OUTCOMES)
        if used != n:
            raise ValueError(f"a panel of {n} raters does not fit {PANEL_MAX_OUTCOMES:,} histograms")
        blocks.append((p / total) * panel)
    return models.blahut_arimoto(np.ascontiguousarray(np.concatenate(blocks, axis=1)))


def _watched(scenario: Scenario, channel: QuestionChannel, first: int,
             most: int) -> tuple[models.overlap.AdaptivePanel, models.Capacity, tuple[float, ...] | None]:
    """The first question's stopped channel in one context (its fixed channel gives d′).

    With raters as they are (the method §9) the items' difficulty classes are a mixture of stopped
    panels (:func:`models.overlap.adaptive_panel` with ``class_weights``; response bias in each class's
    kernel), and the rater types mix within each vote: the rule stops on the answers, and the stopped
    histograms count answers, not (type, answer) cells, so each vote's kernel is ``Σ_t v_t K_{h,t}``.
    Telling the types apart could only add information: with several types this channel is a garbling
    of the design's own (its decoder is achievable, its capacity a lower end), and :func:`overlay` takes
    the upper end from the fixed panel of ``most`` raters (the floor stays a floor)."""
    watched, overlap = scenario.questions[0], scenario.overlap
    prior = _prior_of(watched)
    rho = scenario.raters.correlation
    population = _population(scenario, watched, channel)
    if population is None:
        kernel = rater_kernel(watched.format.kind, watched.format.k, channel.dprime, span=watched.span,
                              slip_rate=watched.slip_rate)
        panel, capacity = _adaptive(kernel.tobytes(), kernel.shape, first, most, rho, overlap.stop_rule,
                                    overlap.stop_threshold, prior)
    else:
        model, weights, typed = population
        kernels = _answer_kernels(typed, model.n_types)
        panel, capacity = _adaptive(kernels.tobytes(), kernels.shape, first, most, rho, overlap.stop_rule,
                                    overlap.stop_threshold, prior, tuple(float(w) for w in weights))
    return panel, capacity, prior


def adaptive_expected_raters(scenario: Scenario, first_channels: Sequence[QuestionChannel],
                             base: int | None = None) -> float:
    """Context-weighted ``E[N]`` of an adaptive design, from the first question's fixed channel in
    each context (it gives d′)."""
    first = scenario.raters.per_item if base is None else base
    most = max(scenario.overlap.max_raters, first)
    values = []
    for channel in first_channels:
        panel, _, prior = _watched(scenario, channel, first, most)
        values.append(panel.expected_raters(prior))
    return float(np.dot(scenario.context_weights, values))


def _correct_by_length(panel: models.overlap.AdaptivePanel, prior: tuple[float, ...] | None) -> dict[int, float]:
    """``P(the first question's MAP answer is right and N = n)`` for each size n."""
    weights = (np.full(panel.kernel.shape[0], 1.0 / panel.kernel.shape[0]) if prior is None
               else np.asarray(prior, dtype=float))
    best = (weights[:, None] * panel.kernel).max(axis=0)
    return {n: float(best[panel.lengths == n].sum()) for n in range(panel.start, panel.most + 1)
            if np.any(panel.lengths == n) and panel.length_law(prior).get(n, 0.0) > 0.0}


def _on_sizes(laws: np.ndarray, first: int, sizes: Sequence[int]) -> np.ndarray:
    """The columns of ``laws`` (one row per truth; adaptive: sizes from ``first``, partial: ``sizes``
    already) for the given sizes."""
    if laws.shape[1] == len(sizes) and laws.shape[0] == 1:
        return laws
    return laws[:, [n - first for n in sizes]]


def _mixture_outcomes(answers: int, law: Sequence[tuple[int, float]]) -> int:
    return sum(math.comb(n + answers - 1, answers - 1) for n, _ in law)


def _mixed_decoding(kind: str, law: Sequence[tuple[int, float]], found: Sequence[PanelDecoding]) -> PanelDecoding:
    """The known-state mixture of panel decodings (module docstring)."""
    weights = [p for _, p in law]
    smallest = found[0]
    dimensions = []
    for index, first in enumerate(smallest.dimensions):
        parts = [d.dimensions[index] for d in found]
        if kind in _SYMMETRIC:
            success = tuple(float(v) for v in np.dot(weights, [p.codebook_success for p in parts]))
        else:
            success = first.codebook_success
        gallager = (tuple(float(v) for v in np.dot(weights, [p.gallager for p in parts]))
                    if all(p.gallager for p in parts) else ())
        mean = float(np.dot(weights, [p.information_nats for p in parts]))
        second = float(np.dot(weights, [p.information_variance + p.information_nats**2 for p in parts]))
        dimensions.append(Dimension(first.alphabet, success, gallager, mean, max(0.0, second - mean * mean)))
    return PanelDecoding(
        label_accuracy=float(np.dot(weights, [d.label_accuracy for d in found])),
        exact=all(d.exact for d in found),
        raters_used=max(d.raters_used for d in found),
        dimensions=tuple(dimensions),
        prior_information_nats=float(np.dot(weights, [d.prior_information_nats for d in found])),
        prior_entropy_nats=smallest.prior_entropy_nats,
        log_alphabet=smallest.log_alphabet,
        budget_limited=any(d.budget_limited for d in found),
    )


def _with_panel(channel: QuestionChannel, raters: float, value: float, upper: float, exact: bool,
                limited: bool) -> QuestionChannel:
    """A question's channel with an overlap design's panel capacity (and its stage recomputed)."""
    ceiling = raters * channel.max_nats if channel.kind == "free_text" else channel.max_nats
    value = min(max(value, channel.cascade_nats), ceiling)
    upper = min(max(upper, value), ceiling)
    stage, saturated = binding_stage(channel.kind, raters, channel.max_nats, channel.cognitive_nats,
                                     channel.articulation_nats, channel.cascade_nats, value)
    return replace(channel, panel_nats=value, panel_upper_nats=upper, panel_exact=exact, binding_stage=stage,
                   saturated=saturated, budget_limited=channel.budget_limited or limited)


def overlay(
    scenario: Scenario,
    channels: Sequence[Sequence[QuestionChannel]],
    *,
    channel_at: Callable[[int, int, int], QuestionChannel],
    decoding_at: Callable[[int, int, QuestionChannel, int], PanelDecoding | None],
    base: int | None = None,
    coding_terms: bool = True,
) -> OverlaidRows:
    """Each question's channel and decoding under the scenario's overlap design.

    Parameters
    ----------
    scenario
        A scenario whose ``overlap.mode`` is ``"adaptive"`` or ``"partial"``.
    channels
        The fixed-panel channels of the base raters, per context and question (their single-rater
        parts and d′ are the design's).
    channel_at
        ``channel_at(context, question, raters)``: the fixed panel of ``raters`` (cached by the caller).
    decoding_at
        ``decoding_at(context, question, channel, raters)``: its decoding (None without a finite kernel).
    base
        ``r₀`` / ``r₁`` instead of ``raters.per_item`` (a curve's point). Adaptive ``r_max`` is
        ``max(overlap.max_raters, r₀)``: no room above the first raters is the fixed design.
    coding_terms
        Whether the decodings carry the random-coding terms (as the caller's).
    """
    overlap = scenario.overlap
    first = scenario.raters.per_item if base is None else base
    most = max(overlap.max_raters, first)
    rho = scenario.raters.correlation
    out_channels: list[list[QuestionChannel]] = []
    out_decodings: list[list[PanelDecoding | None]] = []
    marginals: list[tuple[float | None, ...]] = []
    items: list[float | None] = []
    summaries = []
    # Each question's raters as they are: the same in every context.
    question_models = [rater_model(scenario, question) for question in scenario.questions]
    for s, (context, row) in enumerate(zip(scenario.contexts, channels)):
        new_row: list[QuestionChannel] = []
        new_decodings: list[PanelDecoding | None] = []
        accuracies: list[float | None] = []
        adaptive = overlap.mode == "adaptive"
        if adaptive:
            channel = row[0]
            panel, capacity, prior = _watched(scenario, channel, first, most)
            law = tuple(sorted(panel.length_law(prior).items()))
            expected = panel.expected_raters(prior)
            upper, exact = capacity.nats + capacity.gap, True
            if question_models[0] is not None and question_models[0].n_types > 1:
                # The stopped channel counts answers, not (type, answer) cells: a garbling of the design's
                # own channel, so its capacity is a lower end only (and the floor must not be computed
                # from it). The stopped outcome is a function of the first r_max typed labels, so the
                # fixed panel of r_max raters bounds the design's capacity from above.
                upper = max(upper, channel_at(s, 0, most).panel_upper_nats)
                exact = False
            new_row.append(_with_panel(channel, expected, capacity.nats, upper, exact, False))
            decoding = decode_kernel(panel.kernel, 1, 0.0, prior, coding_terms=coding_terms)
            new_decodings.append(replace(decoding, raters_used=most))
            accuracies.append(decoding.label_accuracy)
            # P(N = n | x) of each truth of the first question: the law the other questions see.
            laws = panel.stopping
            item = _correct_by_length(panel, prior)
            others = range(1, len(scenario.questions))
        else:
            law = tuple(sorted(partial_law(scenario, first).items()))
            expected = float(sum(n * p for n, p in law))
            laws = np.array([[p for _, p in law]])
            item = None
            others = range(len(scenario.questions))
        sizes = [n for n, _ in law]
        for i in others:
            question = scenario.questions[i]
            panels = [channel_at(s, i, n) for n in sizes]
            weights = np.array([p for _, p in law])
            kind = question.format.kind
            value = float(weights @ [c.panel_nats for c in panels])
            # Any truth of the first question may be the one the target's code uses: the upper end
            # takes the least favourable law of N (one law for partial overlap).
            uppers = np.array([c.panel_upper_nats for c in panels])
            upper = float(np.max(_on_sizes(laws, first, sizes) @ uppers))
            exact = all(c.panel_exact for c in panels)
            limited = any(c.budget_limited for c in panels)
            model = question_models[i]
            if model is not None:
                # Raters as they are: a bias or a mixture of item classes or rater types leaves the
                # uniform law no longer optimal for every panel, so Σ_n P(n) C_n is only an upper end.
                _, answers, _, copies = population_kind(kind, question.format.k or 2)
                if _mixture_outcomes(model.n_types * answers, law) <= PANEL_MAX_OUTCOMES:
                    mixed_capacity = _population_mixed_capacity(kind, question.format.k, row[i].dprime, question.span,
                                                                question.slip_rate, law, rho, model)
                    value, exact = copies * mixed_capacity.nats, True
                    if not adaptive:
                        upper = min(upper, copies * (mixed_capacity.nats + mixed_capacity.gap))
                else:
                    value, exact = upper, False
            elif kind not in _UNIFORM_OPTIMAL:
                kernel = rater_kernel(kind, question.format.k, row[i].dprime, span=question.span,
                                      slip_rate=question.slip_rate)
                if _mixture_outcomes(kernel.shape[1], law) <= PANEL_MAX_OUTCOMES:
                    mixed_capacity = _mixed_capacity(kernel.tobytes(), kernel.shape, law, rho)
                    value, exact = mixed_capacity.nats, True
                    if not adaptive:
                        upper = min(upper, mixed_capacity.nats + mixed_capacity.gap)
                else:
                    value, exact = upper, False
            new_row.append(_with_panel(row[i], expected, min(value, upper), upper, exact, limited))
            found = [decoding_at(s, i, c, n) for c, n in zip(panels, sizes)]
            if found[0] is None:
                new_decodings.append(None)
                accuracies.append(None)
                continue
            mixed = _mixed_decoding(kind, law, found)  # type: ignore[arg-type]
            accuracies.append(mixed.label_accuracy)
            if adaptive:
                # The number of raters depends on the first question's votes, so this question's
                # success is not independent of that question's: decoded from the first r0 raters
                # alone (every item has them) it is, and that decoding is what the item's codebook
                # and accuracy product use. The information at the prior is the mixture's, exactly.
                base_channel = channel_at(s, i, first)
                own = decoding_at(s, i, base_channel, first)
                new_decodings.append(replace(own, prior_information_nats=mixed.prior_information_nats,  # type: ignore[arg-type]
                                             exact=own.exact and mixed.exact,  # type: ignore[union-attr]
                                             budget_limited=own.budget_limited or mixed.budget_limited))  # type: ignore[union-attr]
                if item is not None:
                    item = {n: hit * d.label_accuracy for (n, hit), d in zip(item.items(), found)}  # type: ignore[union-attr]
            else:
                new_decodings.append(mixed)
        out_channels.append(new_row)
        out_decodings.append(new_decodings)
        marginals.append(tuple(accuracies))
        items.append(None if item is None else float(sum(item.values())))
        summaries.append(OverlapContext(context.name, expected, law))
    weights = scenario.context_weights
    result = OverlapResult(
        mode=overlap.mode,
        base_raters=first,
        most_raters=most if overlap.mode == "adaptive" else max(n for n, _ in summaries[0].length_law),
        expected_raters=float(sum(w * c.expected_raters for w, c in zip(weights, summaries))),
        contexts=tuple(summaries),
        rule=rule_text(scenario, first),
    )
    return OverlaidRows(out_channels, out_decodings, result, marginals, items)
