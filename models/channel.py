"""One question as a channel: from format, time and raters to nats, the method §3-§4.

:func:`question_channel` is the per-question computation ``advisor/`` builds everything on. Given
the question's format, its judgment time ``t_q`` (after reading), the rater model and the panel, it
returns the single rater's cognitive, articulation, paper (``min``) and exact cascade capacities, the
panel capacity of ``r`` raters, and which stage binds. It is pure and cached on its exact arguments,
because the optimiser evaluates the same designs many times.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from scipy import special

from .best_worst import MAX_BEST_WORST_ITEMS, _kernel as _best_worst_kernel, _row_capacity, best_worst_symmetry
from .capacity import EVALUATION_OVERHEAD_ENTRIES, Capacity, _capacities_spent, _nominal_capacity, charge_work
from .errors import InvalidArgumentError, check_choice, check_integer, check_real
from .kernels import _error_probability, _ordinal, _ordinal_slip, _symmetric
from .mallows import (
    MAX_KERNEL_ITEMS,
    effective_swap_probability,
    folded_dispersion,
    mallows_kernel,
    mallows_symmetry,
    ranking_capacity,
    ranking_swap_probability,
)
from .decoding import (
    Dimension, PanelDecoding, _codebook_kernels, _decode_kernels, _decoding_key, decode_kernel, decoding_panel,
)
from .memo import batch_cached, with_defaults
from .panel import KERNEL_BUILD_PASSES, _panel_capacity, _shared_count_kernel
from .population_channel import RaterModel, population_decoding, population_panel, population_parts, supports
from .timing import dprime, hick_hyman_effort
from .info import LN2

__all__ = [
    "ACCEPTED_KINDS",
    "FORMAT_KINDS",
    "BINDING_STAGES",
    "SATURATION_SHARE",
    "binding_stage",
    "AGGREGATION_EFFICIENCY",
    "QuestionChannel",
    "budget_outcomes",
    "channel_work_estimate",
    "kernel_answers",
    "kernel_rows",
    "panel_outcomes",
    "question_channel",
    "question_channels",
    "question_codebooks",
    "question_decoding",
    "question_decodings",
    "question_dprime",
    "question_panel",
    "rater_kernel",
]

FORMAT_KINDS = ("binary", "categorical", "ordinal", "pairwise", "ranking", "multi_select", "free_text", "best_worst")
"""The formats with a channel of their own."""
ACCEPTED_KINDS = FORMAT_KINDS + ("scale",)
"""Every kind the functions here accept: a ``scale`` (a slider or rating over a declared numeric
range) of k levels is the ordinal(k) channel of the method §3, and every computation treats it as one."""
BINDING_STAGES = ("cognitive", "articulation", "question alphabet", "rater aggregation")

#: A panel within this share of ``max_nats`` is saturated: more raters or time buy (almost) nothing.
SATURATION_SHARE = 0.95
#: Below this share of the additive ideal gain, rater aggregation is the binding stage.
AGGREGATION_EFFICIENCY = 0.5
#: Largest ranking whose panel is computed exactly (4! = 24 answers); the method §4.
MAX_EXACT_RANKING = 4
#: Blahut-Arimoto settings used for every kernel of a question.
_TOLERANCE = 1e-9
_MAX_ITERATIONS = 100_000
#: Work charged for one uncached question computation beyond its kernels (argument checks,
#: closed forms, kernel construction), in kernel entry visits (:class:`models.capacity.WorkMeter`);
#: measured at about 60 us.
CHANNEL_OVERHEAD_ENTRIES = 60_000
#: Under a work cap, the exact vote-histogram panel is kept only while the cap pays for this many
#: Blahut-Arimoto evaluations of it (fewer leave a wide gap; a smaller reference panel's bound is
#: then the better use of the work).
MIN_PANEL_PASSES = 40
#: Blahut-Arimoto evaluations a work estimate allows a panel kernel and a single rater's ordinal
#: kernel (measured on the examples' curves: panels need up to 86, single raters up to 279).
ESTIMATE_PASSES = 100
SINGLE_RATER_ESTIMATE_PASSES = 300
#: The typical counts for small kernels (at most EVALUATION_OVERHEAD_ENTRIES entries, whose
#: evaluations cost their Python overhead): the examples' means are 38 and about 60. A budget is
#: shared out by typical estimates, caps by the allowances above, so small kernels that converge
#: slowly still converge while large ones stay within the budget.
TYPICAL_SMALL_PASSES = 40
TYPICAL_SMALL_SINGLE_PASSES = 80


def _numeric_kind(kind: str) -> str:
    """The kind the numerics use: a scale of k levels is the ordinal(k) channel."""
    return "ordinal" if kind == "scale" else kind


def kernel_rows(kind: str, k: int) -> int:
    """Rows of a question's finite single-rater kernel: k, n! for a ranking of n <= 6 items or a
    best-worst tuple of n items, 2 for one decision of a multi-select, 0 without one (free text,
    longer rankings)."""
    if kind == "free_text" or (kind == "ranking" and k > MAX_KERNEL_ITEMS):
        return 0
    return math.factorial(k) if kind in ("ranking", "best_worst") else 2 if kind == "multi_select" else k


def kernel_answers(kind: str, k: int) -> int:
    """Columns of a question's finite single-rater kernel (the answers one rater can give): the
    rows, except for best-worst scaling of n items, whose n! orders give n (n - 1) answers."""
    return k * (k - 1) if kind == "best_worst" else kernel_rows(kind, k)


def panel_outcomes(answers: int, raters: int, max_outcomes: int) -> int:
    """Vote histograms of the panel that is actually computed: the whole panel's when they number
    at most ``max_outcomes``, else those of the largest sub-panel that fits (the fallback bound's
    reference panel, or a decoding's sub-panel); ``answers`` for a single rater."""
    return _panel_outcomes(answers, raters, max_outcomes)


@lru_cache(maxsize=16_384)
def _panel_outcomes(answers: int, raters: int, max_outcomes: int) -> int:
    size = 1
    while size < raters and math.comb(size + answers, answers - 1) <= max_outcomes:
        size += 1
    return math.comb(size + answers - 1, answers - 1) if size > 1 else answers


@lru_cache(maxsize=4096)
def _work_parts(kind: str, k: int, raters: int, max_outcomes: int, typical: bool = False) -> tuple[float, float]:
    """Estimated work of each single-rater Blahut-Arimoto run and of the panel computation."""
    rows = kernel_rows(kind, k)
    if rows == 0:
        return 0.0, 0.0
    answers = kernel_answers(kind, k)
    uniform = kind not in ("ordinal", "pairwise")

    def passes(entries: int, allowance: int, usual: int) -> int:
        return usual if typical and entries <= EVALUATION_OVERHEAD_ENTRIES else allowance

    square = rows * rows
    single = 0.0 if uniform else (passes(square, SINGLE_RATER_ESTIMATE_PASSES, TYPICAL_SMALL_SINGLE_PASSES)
                                  * max(square, EVALUATION_OVERHEAD_ENTRIES))
    if raters == 1:
        return single, 0.0
    entries = rows * _panel_outcomes(answers, raters, max_outcomes)
    count = 2 if uniform else passes(entries, ESTIMATE_PASSES, TYPICAL_SMALL_PASSES)
    return single, count * max(entries, EVALUATION_OVERHEAD_ENTRIES) + KERNEL_BUILD_PASSES * entries


def channel_work_estimate(kind: str, k: int | None, raters: int, *, max_outcomes: int = 200_000,
                          typical: bool = False) -> float:
    """Estimated work of one exact :func:`question_channel` computation, in kernel entry visits
    (:class:`models.capacity.WorkMeter`) under typical convergence: :data:`ESTIMATE_PASSES`
    Blahut-Arimoto evaluations of the panel kernel (two where the uniform input is optimal),
    :data:`SINGLE_RATER_ESTIMATE_PASSES` of each of the three single-rater ordinal kernels, the
    histogram kernel's construction and :data:`CHANNEL_OVERHEAD_ENTRIES`. A ``max_work`` cap is
    shared out in proportion to these parts. ``typical`` uses the typical counts of small kernels
    (:data:`TYPICAL_SMALL_PASSES`) instead: what such a computation usually costs."""
    check_choice("kind", kind, ACCEPTED_KINDS)
    kind = _numeric_kind(kind)
    count = _check_alternatives(kind, k)
    single, panel = _work_parts(kind, count, check_integer("raters", raters, low=1),
                                check_integer("max_outcomes", max_outcomes, low=1), bool(typical))
    return CHANNEL_OVERHEAD_ENTRIES + 3 * single + panel


def _work_shares(kind: str, k: int, raters: int, max_outcomes: int, max_work: float) -> tuple[float, float]:
    """Caps of each single-rater run and of the panel: ``max_work`` shared in proportion to the
    estimate's parts (both infinite without a cap)."""
    if math.isinf(max_work):
        return math.inf, math.inf
    single, panel = _work_parts(kind, k, raters, max_outcomes)
    ratio = max_work / (CHANNEL_OVERHEAD_ENTRIES + 3 * single + panel)
    return ratio * single, ratio * panel


@dataclass(frozen=True)
class QuestionChannel:
    """Capacities of one question for one rater and for the panel, all in nats per item.

    Attributes
    ----------
    kind : str
        One of :data:`FORMAT_KINDS`.
    alternatives : int
        Distinct answers a rater can give: binary 2, categorical/ordinal/pairwise k, ranking n!,
        multi_select 2^k, free_text 0 (unbounded).
    max_nats : float
        ``ln(alternatives)``; for free text the typing limit ``ln 2 * bits_per_char * max_chars``.
    judgment_seconds : float
        ``t_q``, seconds of judgment for this question.
    effective_seconds : float
        ``t_eff = t_q / effort``, seconds per elementary judgment.
    effort : float
        Hick-Hyman effort ``e`` (>= 1).
    dprime : float
        d' reached in ``t_eff``, with ``lambda = discriminability * difficulty``.
    cognitive_nats : float
        ``cap(K_cog)``.
    articulation_nats : float
        ``cap(K_art)``.
    paper_nats : float
        ``min(cognitive_nats, articulation_nats)``: the paper's ``C_tot``.
    cascade_nats : float
        ``cap(K_cog @ K_art)``, <= ``paper_nats`` by data processing. Free text has no finite kernel;
        there it equals ``paper_nats`` (an upper bound on the cascade).
    panel_nats : float
        Capacity of ``r`` raters (the method §4): exact, or an upper bound when ``panel_exact`` is
        False.
    panel_exact : bool
        False when ``panel_nats`` is the fallback bound (too many vote histograms, rankings of
        more than 4 items, free text with r > 1).
    binding_stage : str
        The first that applies of:

        1. ``"question alphabet"``: the panel is saturated (``saturated`` below);
        2. ``"rater aggregation"``: ``r > 1`` and the panel realises less than half of the gain that
           additive raters would bring, ``panel - cascade < 0.5 (min(max_nats, r cascade) - cascade)``
           (correlated or redundant raters waste the panel);
        3. ``"articulation"``: ``articulation_nats < cognitive_nats`` (the interface loses more than
           the judgment: the paper's ``C_tot`` is the articulation capacity);
        4. ``"cognitive"``: otherwise.
    panel_upper_nats : float
        Certified upper end of ``panel_nats``: Blahut-Arimoto's ``max_x D(K[x] || q)`` at its last
        iterate (``panel_nats`` is the lower end), or the bound itself. Floors use it (the method
        §8.5), so a Blahut-Arimoto run stopped at its iteration cap can never make a floor invalid.
    saturated : bool
        ``panel_nats >= 0.95 * max_nats``: within 5 % of what the answer alphabet can carry. For free
        text (no finite input alphabet; ``r`` raters type ``r`` texts) the panel may exceed one
        text's ``max_nats`` (it is capped at ``r * max_nats``), and saturated means
        ``cascade_nats >= 0.95 * max_nats``: a single answer fills its length limit.
    budget_limited : bool
        True when ``max_work`` changed the computation: a Blahut-Arimoto run stopped before its
        gap reached 1e-9 nats (the values are then its lower ends and ``panel_upper_nats`` its
        certified upper end), or the panel fell back to the bound although ``max_outcomes`` would
        have allowed the exact histogram kernel.
    """

    kind: str
    alternatives: int
    max_nats: float
    judgment_seconds: float
    effective_seconds: float
    effort: float
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
    budget_limited: bool = False

    @property
    def panel_bits(self) -> float:
        """``panel_nats`` in bits."""
        return self.panel_nats / LN2


def question_channel(
    kind: str,
    k: int | None = None,
    *,
    seconds: float,
    discriminability: float = 2.0,
    accrual_rate: float = 0.15,
    base_time: float = 1.5,
    difficulty: float = 1.0,
    slip_rate: float = 0.02,
    raters: int = 1,
    correlation: float = 0.0,
    span: float = 3.0,
    aspects: int = 3,
    max_chars: int | None = None,
    bits_per_char: float = 1.0,
    chars_per_second: float = 3.3,
    max_outcomes: int = 200_000,
    max_work: float | None = None,
    rater_model: RaterModel | None = None,
) -> QuestionChannel:
    """Capacities of one question in one context, for one rater and for a panel of ``raters``.

    Parameters
    ----------
    kind : str
        One of :data:`ACCEPTED_KINDS` (a ``scale`` of k levels is ordinal(k)).
    k : int or None
        binary: None or 2; categorical: categories, >= 2; ordinal: levels, >= 2; pairwise: answer
        levels (2 forced choice, 3 with tie, more for strength levels), >= 2, default 2; ranking:
        items, >= 2; multi_select: options, >= 1; free_text: ignored (see ``max_chars``).
    seconds : float
        Judgment time ``t_q`` of this question, in seconds, >= 0, already net of reading and
        multiplied by the question's share (see :func:`models.timing.judgment_seconds`).
    discriminability : float
        Asymptotic d' of a rater with unlimited time ``lambda``, >= 0.
    accrual_rate : float
        ``beta`` in 1/s, > 0.
    base_time : float
        ``delta0`` in seconds, >= 0.
    difficulty : float
        Context multiplier on ``discriminability``, >= 0.
    slip_rate : float
        Articulation slip probability, in [0, 0.5]. (Above one half the "slip" is the dominant
        behaviour; the capacity is then no longer monotone in it: at k = 2, s and 1 - s are the
        same channel.) Within the range, single-rater capacities never increase with it, nor do
        panels without correlation; correlated ordinal panels at low d' can gain slightly, because
        the shared draw shares its slip (docs/method.md, "Deviations from the specification", 4).
    raters : int
        Raters per item, >= 1.
    correlation : float
        Probability ``rho`` that an item's raters share one error draw, in [0, 1].
    span : float
        Ordinal, pairwise and ranking scale width in units of d', > 0.
    aspects : int
        Free text: independent aspects of the Gaussian cognitive channel, >= 1.
    max_chars : int or None
        Free text: answer length limit in characters, >= 1; required for free_text.
    bits_per_char : float
        Free text: information per typed character in bits, > 0 (1.0: Shannon 1951).
    chars_per_second : float
        Free text: typing rate, > 0 (3.3 ~ 40 words per minute).
    max_outcomes : int
        Largest vote-histogram alphabet computed exactly, >= 1.
    max_work : float or None
        Most kernel entry visits the question's Blahut-Arimoto runs may spend (see
        :class:`models.capacity.WorkMeter`), > 0; None for no limit. It is shared among the
        kernels in proportion to their parts of :func:`channel_work_estimate`; the exact panel is
        used only while its part pays for :data:`MIN_PANEL_PASSES` evaluations of it (two where
        the uniform input is optimal), otherwise the bound on the largest panel that does. Runs it stops report their lower
        end as the value and their certified upper end as ``panel_upper_nats``
        (``budget_limited`` True), so a floor computed from the upper end stays a valid floor.
    rater_model : RaterModel or None
        Response bias, latent item difficulty and a mixed pool of rater types (the method §9,
        :mod:`models.population_channel`); None, or a model that is the homogeneous unbiased
        panel for this kind (:meth:`RaterModel.is_default`), computes the method §4's panel as
        before. Ignored for ranking and free text, which have no such model.

    Returns
    -------
    QuestionChannel
        All capacities in nats per item.

    Notes
    -----
    - Nominal formats (binary, categorical, each multi_select decision) use the closed forms of
      §3; cognitive, slip and composite kernels are all k-ary symmetric, the composite's error being
      ``e1 + e2 - e1 e2 k / (k - 1)``. Their panels are symmetric too, so Blahut-Arimoto certifies
      the uniform input at its first evaluation.
    - Ordinal and pairwise capacities are computed by Blahut-Arimoto (tolerance 1e-9 nats).
    - Ranking uses the Mallows closed form; its panel is exact for n <= 4 (explicit n! x n! kernel)
      and otherwise the bound ``min(ln n!, ((1 - rho) r + rho) cap)``.
    - multi_select(k): k independent binary decisions with ``t_q / k`` seconds each; every capacity
      is k times the decision's, the panel too (decisions are separate channels).
    - free_text: ``C_cog = aspects * ln(1 + d^2) / 2``,
      ``C_art = ln 2 * bits_per_char * min(max_chars, chars_per_second * t_q)``; panel (r > 1, a
      bound under the correlation mixture):
      ``min(((1 - rho) r + rho) C_art, aspects [(1 - rho) ln(1 + r d^2) + rho ln(1 + d^2)] / 2)``.
    """
    return _question_channels(*_channel_key(locals()))


def question_channels(requests: Sequence[Mapping[str, Any]]) -> list[QuestionChannel]:
    """:func:`question_channel` of many questions at once (a curve's points), each request the
    keyword arguments of one call (``kind`` and ``k`` included).

    The Blahut-Arimoto-type runs of all the requests (single-rater and panel kernels of the
    ordinal and pairwise formats) are solved together by
    :func:`models.capacity.channel_capacities`, so a curve of many points costs little more
    than one. Each result is the one :func:`question_channel` returns for that request alone, to
    the last bit, and both share one cache.

    Returns
    -------
    list of QuestionChannel
        One per request, in order.
    """
    return _question_channels.many([_channel_key(with_defaults(question_channel, request)) for request in requests])


def _channel_key(arguments: Mapping[str, Any]) -> tuple:
    """The checked arguments of :func:`question_channel` (``arguments``: all of them, by name, as
    :func:`models.memo.with_defaults` gives them), in the order of :func:`_question_channels`' keys."""
    kind = arguments["kind"]
    check_choice("kind", kind, ACCEPTED_KINDS)
    model = _rater_model(kind, arguments["rater_model"])
    kind = _numeric_kind(kind)
    count = _check_alternatives(kind, arguments["k"])
    time = check_real("seconds", arguments["seconds"], low=0.0)
    asymptote = check_real("discriminability", arguments["discriminability"], low=0.0)
    rate = check_real("accrual_rate", arguments["accrual_rate"], low=0.0, low_open=True)
    delay = check_real("base_time", arguments["base_time"], low=0.0)
    multiplier = check_real("difficulty", arguments["difficulty"], low=0.0)
    slip = check_real("slip_rate", arguments["slip_rate"], low=0.0, high=0.5)
    panel = check_integer("raters", arguments["raters"], low=1)
    rho = check_real("correlation", arguments["correlation"], low=0.0, high=1.0)
    width = check_real("span", arguments["span"], low=0.0, low_open=True)
    dimensions = check_integer("aspects", arguments["aspects"], low=1)
    if kind == "free_text":
        if arguments["max_chars"] is None:
            raise InvalidArgumentError("max_chars must be an integer >= 1 for free_text, got None")
        characters = check_integer("max_chars", arguments["max_chars"], low=1)
    else:
        characters = 0
    per_char = check_real("bits_per_char", arguments["bits_per_char"], low=0.0, low_open=True)
    typing = check_real("chars_per_second", arguments["chars_per_second"], low=0.0, low_open=True)
    limit = check_integer("max_outcomes", arguments["max_outcomes"], low=1)
    max_work = arguments["max_work"]
    work = math.inf if max_work is None else check_real("max_work", max_work, low=0.0, low_open=True)
    return (
        kind, count, time, asymptote, rate, delay, multiplier, slip, panel, rho, width,
        dimensions, characters, per_char, typing, limit, work, model,
    )


def _rater_model(kind: str, model: object) -> RaterModel | None:
    """The rater model a computation needs: None where it is the homogeneous unbiased panel (the
    method §4's own computation then applies, to the last bit) or the kind has none."""
    if model is None:
        return None
    if not isinstance(model, RaterModel):
        raise InvalidArgumentError(f"rater_model must be a RaterModel or None, got {type(model).__name__}")
    if not supports(kind) or model.is_default(kind):
        return None
    return model


def _check_alternatives(kind: str, k: object) -> int:
    if kind == "free_text":
        return 0
    if kind == "binary":
        if k is None:
            return 2
        return check_integer("k", k, low=2, high=2)
    if kind == "pairwise" and k is None:
        return 2
    if k is None:
        raise InvalidArgumentError(f"k must be an integer for {kind} questions, got None")
    if kind == "best_worst":
        return check_integer("k", k, low=2, high=MAX_BEST_WORST_ITEMS)
    return check_integer("k", k, low=1 if kind == "multi_select" else 2)


@batch_cached(maxsize=8192)
def _question_channels(keys: list[tuple]) -> list[QuestionChannel]:
    """The channels of checked argument tuples (:func:`_channel_key`), the ordinal and pairwise
    kernels of all of them solved together (:func:`_ordinal_parts`)."""
    judged = []
    ordinal = []
    for kind, k, seconds, discriminability, accrual_rate, base_time, difficulty, slip, raters, rho, span, \
            _aspects, _max_chars, _bits_per_char, _chars_per_second, max_outcomes, max_work, model in keys:
        effort = hick_hyman_effort(kind, k if kind != "free_text" else None)
        effective = seconds / effort
        d = dprime(effective, discriminability * difficulty, accrual_rate, base_time)
        judged.append((effort, effective, d))
        if kind in ("ordinal", "pairwise") and model is None:
            ordinal.append((d, k, span, slip, raters, rho, max_outcomes, max_work))
    solved = iter(_ordinal_parts.many(ordinal))
    return [
        _question_channel(*key, effort=effort, effective=effective, d=d,
                          ordinal=next(solved) if key[0] in ("ordinal", "pairwise") and key[-1] is None else None)
        for key, (effort, effective, d) in zip(keys, judged)
    ]


def _question_channel(
    kind: str,
    k: int,
    seconds: float,
    discriminability: float,
    accrual_rate: float,
    base_time: float,
    difficulty: float,
    slip: float,
    raters: int,
    rho: float,
    span: float,
    aspects: int,
    max_chars: int,
    bits_per_char: float,
    chars_per_second: float,
    max_outcomes: int,
    max_work: float,
    model: RaterModel | None,
    *,
    effort: float,
    effective: float,
    d: float,
    ordinal: tuple | None,
) -> QuestionChannel:
    """One question's channel from its checked arguments, its effort and d' (and, for the ordinal
    and pairwise formats, its already solved :func:`_ordinal_parts`)."""
    charge_work(CHANNEL_OVERHEAD_ENTRIES)
    if model is not None:
        # Raters as they are (the method §9): the latent-class panel of models.population_channel.
        answers = 2 if kind == "multi_select" else k
        copies = k if kind == "multi_select" else 1
        alternatives = 2**k if kind == "multi_select" else k
        max_nats = copies * math.log(answers)
        single = population_parts(kind, k, d, span, slip, raters, rho, model, max_outcomes, max_work)
        parts = tuple(copies * value for value in single[:4]) + (single[4], copies * single[5], single[6])
    elif kind in ("binary", "categorical"):
        alternatives = k
        max_nats = math.log(k)
        parts = _nominal_parts(d, k, slip, raters, rho, max_outcomes, max_work)
    elif kind == "multi_select":
        alternatives = 2**k
        max_nats = k * LN2
        single = _nominal_parts(d, 2, slip, raters, rho, max_outcomes, max_work)
        parts = tuple(k * value for value in single[:4]) + (single[4], k * single[5], single[6])
    elif kind in ("ordinal", "pairwise"):
        alternatives = k
        max_nats = math.log(k)
        parts = ordinal
    elif kind == "ranking":
        alternatives = math.factorial(k)
        max_nats = float(special.gammaln(k + 1))
        parts = _ranking_parts(d, k, span, slip, raters, rho, max_outcomes, max_work)
    elif kind == "best_worst":
        # One rater gives one of n (n - 1) answers; a panel can tell up to the n! orders apart.
        alternatives = k * (k - 1)
        max_nats = float(special.gammaln(k + 1))
        parts = _best_worst_parts(d, k, span, slip, raters, rho, max_outcomes, max_work)
    else:
        alternatives = 0
        max_nats = LN2 * bits_per_char * max_chars
        parts = _free_text_parts(
            d, seconds, aspects, max_chars, bits_per_char, chars_per_second, raters, rho
        )
    cognitive, articulation, cascade, panel, exact, panel_upper, limited = parts
    paper = min(cognitive, articulation)
    cascade = min(cascade, paper)
    # More raters never lose information, so a panel value below the single rater's can only be
    # Blahut-Arimoto slack (< 1e-9); clamping keeps the reported stages consistent. The most a panel
    # can carry is ln(#alternatives) for a finite kernel (its input has that many values), but
    # r * max_nats for free text: r texts of max_chars each, about a continuous judgment. Clamping
    # the free-text bound at one text's limit would turn the flagged upper bound into a value
    # below the model's own capacity (and the Fano floor computed from it into an invalid one).
    panel_max = raters * max_nats if kind == "free_text" else max_nats
    panel = min(max(panel, cascade), panel_max)
    panel_upper = min(max(panel_upper, panel), panel_max)
    stage, saturated = binding_stage(kind, raters, max_nats, cognitive, articulation, cascade, panel)
    return QuestionChannel(
        kind=kind,
        alternatives=alternatives,
        max_nats=max_nats,
        judgment_seconds=seconds,
        effective_seconds=effective,
        effort=effort,
        dprime=d,
        cognitive_nats=cognitive,
        articulation_nats=articulation,
        paper_nats=paper,
        cascade_nats=cascade,
        panel_nats=panel,
        panel_exact=exact,
        binding_stage=stage,
        saturated=saturated,
        panel_upper_nats=panel_upper,
        budget_limited=limited,
    )


def binding_stage(kind: str, raters: float, max_nats: float, cognitive: float, articulation: float, cascade: float,
                  panel: float) -> tuple[str, bool]:
    """Which stage binds a question's channel, and whether it is saturated (:class:`QuestionChannel`).

    Parameters
    ----------
    kind : str
        One of :data:`FORMAT_KINDS`.
    raters : float
        Raters per item, >= 1 (the expected number for a design whose panels vary in size).
    max_nats, cognitive, articulation, cascade, panel : float
        The channel's ``max_nats`` and capacities, nats.

    Returns
    -------
    (stage, saturated)
        One of :data:`BINDING_STAGES`, and whether the panel (free text: one answer) is within
        5 % of what it can carry.
    """
    if kind == "free_text":
        # Saturated = one rater's answer fills its length limit (a longer answer field would
        # help); more raters still add their own texts, so the panel is not the criterion.
        saturated = max_nats > 0.0 and cascade >= SATURATION_SHARE * max_nats
    else:
        saturated = max_nats > 0.0 and panel >= SATURATION_SHARE * max_nats
    # The binding-stage heuristic keeps one text's limit as the "additive" reference for free
    # text: its Gaussian judgment aggregates sublinearly by nature, which is not rater waste.
    ideal_gain = min(max_nats, raters * cascade) - cascade
    if saturated:
        stage = "question alphabet"
    elif raters > 1 and ideal_gain > 1e-12 and panel - cascade < AGGREGATION_EFFICIENCY * ideal_gain:
        stage = "rater aggregation"
    elif articulation < cognitive:
        stage = "articulation"
    else:
        stage = "cognitive"
    return stage, bool(saturated)


def budget_outcomes(inputs: int, max_outcomes: int, max_work: float, *, uniform_optimal: bool = False) -> int:
    """Largest vote-histogram alphabet a panel computation of ``max_work`` kernel entry visits
    affords: ``MIN_PANEL_PASSES`` Blahut-Arimoto evaluations (two for a kernel whose uniform input
    is optimal: Blahut-Arimoto certifies it at once) plus the construction of an ``inputs`` x
    outcomes kernel, and never more than ``max_outcomes`` (>= 1)."""
    if math.isinf(max_work):
        return max_outcomes
    passes = (2 if uniform_optimal else MIN_PANEL_PASSES) + KERNEL_BUILD_PASSES
    return max(1, min(max_outcomes, int(max_work / (inputs * passes))))


def _panel_limited(raters: int, answers: int, max_outcomes: int, affordable: int) -> bool:
    """True when the work cap, not ``max_outcomes``, rules out the exact histogram kernel."""
    needed = math.comb(raters + answers - 1, answers - 1)
    return affordable < needed <= max_outcomes


@lru_cache(maxsize=8192)
def _nominal_parts(
    d: float, k: int, slip: float, raters: int, rho: float, max_outcomes: int, max_work: float = math.inf
) -> tuple[float, float, float, float, bool, float, bool]:
    cognitive_error, composite_error = _nominal_errors(d, k, slip)
    cognitive = _nominal_capacity(1.0 - cognitive_error, k)
    articulation = _nominal_capacity(1.0 - slip, k)
    cascade = _nominal_capacity(1.0 - composite_error, k)
    if raters == 1:
        return cognitive, articulation, cascade, cascade, True, cascade, False
    panel_work = _work_shares("categorical", k, raters, max_outcomes, max_work)[1]
    affordable = budget_outcomes(k, max_outcomes, panel_work, uniform_optimal=True)
    result = _panel_capacity(
        _symmetric(k, composite_error), raters, rho, affordable, _TOLERANCE, _MAX_ITERATIONS,
        max_work=panel_work,
    )
    limited = _panel_limited(raters, k, max_outcomes, affordable) or _stopped(result)
    return cognitive, articulation, cascade, result.nats, result.exact, _upper(result), limited


def _upper(result) -> float:
    """Certified upper end of a capacity result (the bound itself for a fallback bound)."""
    return result.nats if not result.exact else result.nats + result.gap


def _stopped(result) -> bool:
    """True for a Blahut-Arimoto result whose gap did not reach the tolerance (a cap stopped it)."""
    return result.gap > _TOLERANCE


def _ordinal_kernel(key: tuple) -> np.ndarray:
    """The kernel a key of :func:`_ordinal_capacities` names."""
    role = key[0]
    if role == "cognitive":
        _, d, k, span, _work = key
        return _ordinal(d, k, span)
    if role == "slip":
        _, k, slip, _work = key
        return _ordinal_slip(k, slip)
    if role == "cascade":
        _, d, k, span, slip, _work = key
        return _rater_kernel("ordinal", k, d, span, slip)
    _, d, k, span, slip, raters, rho, _work = key
    return _shared_count_kernel(_rater_kernel("ordinal", k, d, span, slip), raters, rho)


@batch_cached(maxsize=32_768)
def _ordinal_capacities(keys: list[tuple]) -> list[Capacity]:
    """Capacities of the kernels of ordinal (and pairwise) questions, solved together.

    Keys name a kernel and end with its work cap: ``("cognitive", d, k, span, work)`` (``K_cog``),
    ``("slip", k, slip, work)`` (``K_art``), ``("cascade", d, k, span, slip, work)`` (one rater's
    ``K_cog @ K_art``) and ``("panel", d, k, span, slip, raters, rho, work)`` (its vote-histogram
    kernel). The single-rater ones do not depend on the panel, so a curve over raters solves them
    once.

    Caps are shares of a budget that depend on the whole design (its raters, the points of its
    curves), so one kernel is asked for under many caps. A run that reached the tolerance after
    spending ``w`` gives the same result under any cap of at least ``w`` (caps only stop runs), so
    such results are kept by kernel alone (:data:`_converged`) and serve every cap they fit."""
    results: list[Capacity | None] = [None] * len(keys)
    missing = []
    with _converged_lock:
        for index, key in enumerate(keys):
            found = _converged.get(key[:-1])
            if found is not None and found[1] <= key[-1]:
                _converged.move_to_end(key[:-1])
                results[index] = found[0]
            else:
                missing.append(index)
    solved = _capacities_spent([_ordinal_kernel(keys[index]) for index in missing], _TOLERANCE, _MAX_ITERATIONS,
                               [keys[index][-1] for index in missing])
    with _converged_lock:
        for index, (result, spent) in zip(missing, solved):
            results[index] = result
            if not _stopped(result):
                _converged[keys[index][:-1]] = (result, spent)
                _converged.move_to_end(keys[index][:-1])
        while len(_converged) > _CONVERGED_SIZE:
            _converged.popitem(last=False)
    return results  # type: ignore[return-value]


#: Converged capacities by kernel (an :func:`_ordinal_capacities` key without its cap): the result
#: and the work it took.
_converged: OrderedDict[tuple, tuple[Capacity, float]] = OrderedDict()
_converged_lock = threading.Lock()
_CONVERGED_SIZE = 32_768


def _clear_converged() -> None:
    with _converged_lock:
        _converged.clear()


_ordinal_capacities_clear = _ordinal_capacities.cache_clear


def _clear_ordinal_capacities() -> None:
    """Forget the capacities of :func:`_ordinal_capacities`, by cap and by kernel."""
    _ordinal_capacities_clear()
    _clear_converged()


_ordinal_capacities.cache_clear = _clear_ordinal_capacities  # type: ignore[method-assign]


@batch_cached(maxsize=8192)
def _ordinal_parts(keys: list[tuple]) -> list[tuple[float, float, float, float, bool, float, bool]]:
    """The capacities of ordinal questions ``(d, k, span, slip, raters, rho, max_outcomes, max_work)``:
    cognitive, articulation, cascade, panel, whether the panel is exact, its certified upper end and
    whether a work cap limited them. All their exact kernels are solved in one
    :func:`_ordinal_capacities` call; panels beyond the exact limits take the fallback bound."""
    plans = []
    jobs: list[tuple] = []
    for d, k, span, slip, raters, rho, max_outcomes, max_work in keys:
        single_work, panel_work = _work_shares("ordinal", k, raters, max_outcomes, max_work)
        own = [("cognitive", d, k, span, single_work), ("slip", k, slip, single_work),
               ("cascade", d, k, span, slip, single_work)]
        affordable = budget_outcomes(k, max_outcomes, panel_work) if raters > 1 else 0
        # The exact panel when its histograms fit (as _panel_capacity decides), else the bound.
        if raters > 1 and math.comb(raters + k - 1, k - 1) <= affordable:
            own.append(("panel", d, k, span, slip, raters, rho, panel_work))
        plans.append((own, affordable, panel_work))
        jobs.extend(own)
    solved = dict(zip(jobs, _ordinal_capacities.many(jobs)))
    parts = []
    for (d, k, span, slip, raters, rho, max_outcomes, _), (own, affordable, panel_work) in zip(keys, plans):
        cognitive, articulation, single = (solved[job] for job in own[:3])
        limited = _stopped(cognitive) or _stopped(articulation) or _stopped(single)
        if raters == 1:
            parts.append((cognitive.nats, articulation.nats, single.nats, single.nats, True, _upper(single), limited))
            continue
        if len(own) == 4:
            result = solved[own[3]]
        else:
            result = _panel_capacity(_rater_kernel("ordinal", k, d, span, slip), raters, rho, affordable, _TOLERANCE,
                                     _MAX_ITERATIONS, max_work=panel_work)
        limited = limited or _panel_limited(raters, k, max_outcomes, affordable) or (result.exact and _stopped(result))
        parts.append((cognitive.nats, articulation.nats, single.nats, result.nats, result.exact, _upper(result),
                      limited))
    return parts


@lru_cache(maxsize=8192)
def _ranking_parts(
    d: float, n: int, span: float, slip: float, raters: int, rho: float, max_outcomes: int,
    max_work: float = math.inf,
) -> tuple[float, float, float, float, bool, float, bool]:
    swap = ranking_swap_probability(d, n, span=span)
    cognitive = ranking_capacity(n, swap, 0.0)
    articulation = ranking_capacity(n, 0.0, slip)
    cascade = ranking_capacity(n, swap, slip)
    if raters == 1:
        return cognitive, articulation, cascade, cascade, True, cascade, False
    # The histogram kernel needs the explicit n! x n! Mallows kernel: exact whenever that and the
    # histograms fit (ranking(5) with 2 raters: 7,260 histograms), the increment bound beyond.
    orders = math.factorial(n)
    panel_work = _work_shares("ranking", n, raters, max_outcomes, max_work)[1] if n <= MAX_KERNEL_ITEMS else max_work
    affordable = (budget_outcomes(orders, max_outcomes, panel_work, uniform_optimal=True) if n <= MAX_KERNEL_ITEMS
                  else max_outcomes)
    if n <= MAX_KERNEL_ITEMS and (
        n <= MAX_EXACT_RANKING or math.comb(raters + orders - 1, raters) <= affordable
    ):
        kernel = _rater_kernel("ranking", n, d, span, slip)
        # Mallows is invariant under relabelling the items (transitive on the orders): the
        # uniform input is optimal for every panel, which the fallback's increment bound uses.
        result = _panel_capacity(
            kernel, raters, rho, affordable, _TOLERANCE, _MAX_ITERATIONS, uniform_optimal=True,
            max_work=panel_work, symmetry=mallows_symmetry(n),
        )
        limited = _panel_limited(raters, orders, max_outcomes, affordable) or (result.exact and _stopped(result))
        return cognitive, articulation, cascade, result.nats, result.exact, _upper(result), limited
    bound = min(float(special.gammaln(n + 1)), ((1.0 - rho) * raters + rho) * cascade)
    limited = n <= MAX_KERNEL_ITEMS and math.comb(raters + orders - 1, raters) <= max_outcomes
    return cognitive, articulation, cascade, bound, False, bound, limited


@lru_cache(maxsize=8192)
def _best_worst_parts(
    d: float, n: int, span: float, slip: float, raters: int, rho: float, max_outcomes: int,
    max_work: float = math.inf,
) -> tuple[float, float, float, float, bool, float, bool]:
    """Best-worst scaling (:mod:`models.best_worst`): every single-rater capacity by the closed form
    ``ln(n (n - 1)) - H(row)``; the panel exact over its histograms while they fit (the uniform
    input is optimal for every panel: relabelling the items acts transitively on the orders), the
    symmetric increment bound beyond."""
    answers = n * (n - 1)
    cognitive = _row_capacity(_best_worst_kernel(d, n, span, 0.0, "thurstone")[0])
    articulation = _nominal_capacity(1.0 - slip, answers)
    kernel = _rater_kernel("best_worst", n, d, span, slip)
    cascade = _row_capacity(kernel[0])
    if raters == 1:
        return cognitive, articulation, cascade, cascade, True, cascade, False
    panel_work = _work_shares("best_worst", n, raters, max_outcomes, max_work)[1]
    affordable = budget_outcomes(kernel.shape[0], max_outcomes, panel_work, uniform_optimal=True)
    # The relabellings act transitively on the orders: the panel's capacity follows from one row and
    # the histograms' orbits (models.panel._symmetric_panel_capacity), no Blahut-Arimoto run.
    result = _panel_capacity(kernel, raters, rho, affordable, _TOLERANCE, _MAX_ITERATIONS, uniform_optimal=True,
                             max_work=panel_work, symmetry=best_worst_symmetry(n))
    limited = _panel_limited(raters, answers, max_outcomes, affordable) or (result.exact and _stopped(result))
    return cognitive, articulation, cascade, result.nats, result.exact, _upper(result), limited


def _free_text_parts(
    d: float,
    seconds: float,
    aspects: int,
    max_chars: int,
    bits_per_char: float,
    chars_per_second: float,
    raters: int,
    rho: float,
) -> tuple[float, float, float, float, bool, float, bool]:
    cognitive = aspects * 0.5 * math.log1p(d * d)
    articulation = LN2 * bits_per_char * min(max_chars, chars_per_second * seconds)
    cascade = min(cognitive, articulation)
    if raters == 1:
        return cognitive, articulation, cascade, cascade, True, cascade, False
    typing = ((1.0 - rho) * raters + rho) * articulation
    judging = aspects * 0.5 * ((1.0 - rho) * math.log1p(raters * d * d) + rho * math.log1p(d * d))
    bound = min(typing, judging)
    return cognitive, articulation, cascade, bound, False, bound, False


# ------------------------------------------------------------------ kernels and decoding
def question_dprime(
    kind: str,
    k: int | None,
    *,
    seconds: float,
    discriminability: float = 2.0,
    accrual_rate: float = 0.15,
    base_time: float = 1.5,
    difficulty: float = 1.0,
) -> float:
    """d' one elementary judgment of this question reaches in ``seconds`` of judgment time.

    The Hick-Hyman effort of the format divides the time (the method §3); parameters as in
    :func:`question_channel`. Returns d' >= 0.
    """
    check_choice("kind", kind, ACCEPTED_KINDS)
    kind = _numeric_kind(kind)
    count = _check_alternatives(kind, k)
    effort = hick_hyman_effort(kind, count if kind != "free_text" else None)
    return dprime(check_real("seconds", seconds, low=0.0) / effort, discriminability * difficulty,
                  accrual_rate, base_time)


def rater_kernel(kind: str, k: int | None, dprime_value: float, *, span: float = 3.0,
                 slip_rate: float = 0.02) -> np.ndarray | None:
    """One rater's composite kernel ``K_cog @ K_art`` of one question (the method §3).

    Parameters
    ----------
    kind : str
        One of :data:`ACCEPTED_KINDS` (a ``scale`` of k levels is ordinal(k)).
    k : int or None
        As in :func:`question_channel`.
    dprime_value : float
        d' of one elementary judgment, >= 0 (:func:`question_dprime`).
    span : float
        Ordinal, pairwise and ranking scale width in units of d', > 0.
    slip_rate : float
        Articulation slip probability, in [0, 0.5].

    Returns
    -------
    numpy.ndarray or None
        Row-stochastic kernel: k x k (binary, categorical, ordinal, pairwise), n! x n! over
        permutations (ranking, n <= 6), 2 x 2 for *one* decision of a multi-select; None for free
        text (no finite kernel) and rankings of more than 6 items.
    """
    check_choice("kind", kind, ACCEPTED_KINDS)
    kind = _numeric_kind(kind)
    count = _check_alternatives(kind, k)
    d = check_real("dprime_value", dprime_value, low=0.0)
    width = check_real("span", span, low=0.0, low_open=True)
    slip = check_real("slip_rate", slip_rate, low=0.0, high=0.5)
    return _rater_kernel(kind, count, d, width, slip)


def _nominal_errors(d: float, k: int, slip: float) -> tuple[float, float]:
    """Error probabilities of a k-ary symmetric judgment and of its cascade with a uniform slip:
    two symmetric channels compose to one whose error is ``e1 + e2 - e1 e2 k / (k - 1)``."""
    cognitive_error = _error_probability(d, k)
    return cognitive_error, cognitive_error + slip - cognitive_error * slip * k / (k - 1)


@lru_cache(maxsize=8192)
def _rater_kernel(kind: str, k: int, d: float, span: float, slip: float) -> np.ndarray | None:
    if kind in ("binary", "categorical", "multi_select"):
        answers = 2 if kind == "multi_select" else k
        kernel = _symmetric(answers, _nominal_errors(d, answers, slip)[1])
    elif kind in ("ordinal", "pairwise"):
        kernel = _ordinal(d, k, span) @ _ordinal_slip(k, slip)
    elif kind == "ranking" and k <= MAX_KERNEL_ITEMS:
        swap = effective_swap_probability(ranking_swap_probability(d, k, span=span), slip)
        kernel = mallows_kernel(k, folded_dispersion(swap))
    elif kind == "best_worst":
        kernel = _best_worst_kernel(d, k, span, slip, "thurstone")
    else:
        return None
    kernel = np.ascontiguousarray(kernel, dtype=float)
    # Rows renormalised as models.info.as_kernel does: the decodings take this kernel as it is (it is
    # the panel's kernel for capacities too), and the greedy codebook search breaks near ties by
    # rounding, so its successes depend on the last bits of the kernel (the ranking example's s(3)
    # moves by 0.006 between the kernel and its renormalised copy).
    kernel = kernel / kernel.sum(axis=1)[:, None]
    kernel.setflags(write=False)
    return kernel


def question_decoding(
    kind: str,
    k: int | None,
    *,
    dprime_value: float,
    span: float = 3.0,
    slip_rate: float = 0.02,
    raters: int = 1,
    correlation: float = 0.0,
    prior: tuple[float, ...] | None = None,
    coding_terms: bool = True,
    max_work: float | None = None,
    rater_model: RaterModel | None = None,
) -> PanelDecoding | None:
    """What a MAP decoder achieves with this question's r-rater panel (the method §8.1).

    Parameters as in :func:`rater_kernel` and :func:`question_channel`; ``prior`` is the prior of
    the question's true answers (k entries summing to 1; uniform when None; ignored for rankings
    and multi-selects, whose answers are taken as uniform); ``coding_terms`` and ``max_work``
    (kernel entry visits, > 0, or None for the default sub-panel limit only) as in
    :func:`models.decoding.decode_kernel`; ``rater_model`` as in :func:`question_channel` (the
    decoder then knows each label's rater type: :func:`models.population_channel.population_decoding`).

    Returns
    -------
    PanelDecoding or None
        None for free text and rankings of more than 6 items (no finite kernel to decode).
    """
    return question_decodings([dict(kind=kind, k=k, dprime_value=dprime_value, span=span, slip_rate=slip_rate,
                                    raters=raters, correlation=correlation, prior=prior, coding_terms=coding_terms,
                                    max_work=max_work, rater_model=rater_model)])[0]


def question_decodings(requests: Sequence[Mapping[str, Any]]) -> list[PanelDecoding | None]:
    """:func:`question_decoding` of many questions at once (a curve's points), each request the
    keyword arguments of one call (``kind`` and ``k`` included): the panels of one shape are decoded
    as one stack (:func:`models.decoding.decode_kernels`), each result the one
    :func:`question_decoding` returns for that request alone, to the last bit.

    Returns
    -------
    list of PanelDecoding or None
        One per request, in order (None where :func:`question_decoding` gives None).
    """
    prepared = [_decoding_request(**request) for request in requests]
    decoded = iter(_decode_kernels.many([_decoding_key(with_defaults(decode_kernel, request), checked=True)
                                         for request in prepared if request is not None and "model" not in request]))
    return [None if request is None else _population_decoded(request, True) if "model" in request else next(decoded)
            for request in prepared]


def _population_decoded(request: Mapping[str, Any], coding_terms: bool) -> PanelDecoding:
    """The decoding of a request :func:`_decoding_request` routed to the rater model."""
    return population_decoding(request["kind"], request["k"], dprime_value=request["dprime_value"],
                               span=request["span"], slip_rate=request["slip_rate"], raters=request["raters"],
                               correlation=request["correlation"], prior=request["prior"], model=request["model"],
                               coding_terms=coding_terms and request["coding_terms"], max_work=request["max_work"])


def question_codebooks(requests: Sequence[Mapping[str, Any]]) -> list[tuple[Dimension, ...] | None]:
    """The dimensions of :func:`question_decoding` with ``coding_terms`` False, alone: what an
    explicit codebook over the question's answers achieves (:func:`models.decoding.codebook_error`),
    without the MAP accuracy and the information at the prior the full decoding also computes. Each
    request is the keyword arguments of one call; the panels of one shape are searched as one
    stack, and each result equals the ``dimensions`` of :func:`question_decoding` to the last bit.

    Returns
    -------
    list of tuple of Dimension or None
        One per request, in order (None where :func:`question_decoding` gives None).
    """
    prepared = [_decoding_request(**request) for request in requests]
    found = iter(_codebook_kernels.many([_decoding_key(with_defaults(decode_kernel, dict(request, coding_terms=False)),
                                                       checked=True)
                                         for request in prepared if request is not None and "model" not in request]))
    return [None if request is None else _population_decoded(request, False).dimensions if "model" in request
            else next(found) for request in prepared]


def _decoding_request(kind: str, k: int | None, *, dprime_value: float, span: float = 3.0, slip_rate: float = 0.02,
                      raters: int = 1, correlation: float = 0.0, prior: tuple[float, ...] | None = None,
                      coding_terms: bool = True, max_work: float | None = None,
                      rater_model: RaterModel | None = None) -> dict[str, Any] | None:
    """The arguments of :func:`models.decoding.decode_kernel` for one question (None without a
    finite kernel), or, with a rater model that applies, those of
    :func:`models.population_channel.population_decoding` (with the key ``model``)."""
    kernel = rater_kernel(kind, k, dprime_value, span=span, slip_rate=slip_rate)
    if kernel is None:
        return None
    count = check_integer("raters", raters, low=1)
    rho = check_real("correlation", correlation, low=0.0, high=1.0)
    model = _rater_model(kind, rater_model)
    if model is not None:
        return dict(kind=_numeric_kind(kind), k=int(k or 2), dprime_value=float(dprime_value), span=float(span),
                    slip_rate=float(slip_rate), raters=count, correlation=rho, prior=prior, model=model,
                    coding_terms=coding_terms, max_work=max_work)
    law = tuple(float(v) for v in prior) if prior is not None and kind not in ("ranking", "multi_select", "best_worst") else None
    copies = int(k) if kind == "multi_select" else 1
    symmetric = kind in ("binary", "categorical", "multi_select")
    return dict(kernel=kernel, raters=count, correlation=rho, prior=law, copies=copies, symmetric=symmetric,
                coding_terms=coding_terms, max_work=max_work)


def question_panel(kind: str, k: int | None, *, dprime_value: float, span: float = 3.0, slip_rate: float = 0.02,
                   raters: int = 1, correlation: float = 0.0, rater_model: RaterModel | None = None,
                   max_outcomes: int = 20_000) -> tuple[np.ndarray, int] | None:
    """The vote-histogram kernel of the largest panel of at most ``raters`` whose histograms fit
    ``max_outcomes`` (>= 1), and its size: :func:`models.decoding.decoding_panel` of
    :func:`rater_kernel`, or the rater model's panel (:func:`models.population_channel.population_panel`;
    its columns are histograms over (rater type, answer) cells). Parameters as in
    :func:`question_decoding`. None where :func:`rater_kernel` is None; a multi-select's panel is
    that of one decision."""
    kernel = rater_kernel(kind, k, dprime_value, span=span, slip_rate=slip_rate)
    if kernel is None:
        return None
    model = _rater_model(kind, rater_model)
    if model is None:
        return decoding_panel(kernel, raters, correlation=correlation, max_outcomes=max_outcomes)
    count = check_integer("raters", raters, low=1)
    rho = check_real("correlation", correlation, low=0.0, high=1.0)
    return population_panel(_numeric_kind(kind), int(k or 2), dprime_value, span, slip_rate, count, rho, model,
                            max_outcomes=check_integer("max_outcomes", max_outcomes, low=1))
