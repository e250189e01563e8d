"""The optimiser: the cheapest design that meets the target, and the cost–floor frontier.

Method §6 and §8.4: minimise the campaign cost ``m · r · T/3600 · wage · (1 + fee)``
subject to the verdict ``meets`` (the achievable risk at most ``ε`` and the
items enough for the value model; the floor ``≤ ε`` is only necessary) and
the constraints — a budget cap, a
deadline (``rater-hours / raters available ≤ deadline hours``), the raters
available (also the most raters one item can have) and a maximum number of
raters per item — over the raters per item ``r``, the time per item ``T`` and
each question's response format, with the judgment time water-filled across
questions. The items, contexts, rater pool and target are the scenario's.

Search space
------------
* ``r`` from 1 to ``max_raters`` (default :data:`DEFAULT_MAX_RATERS`, or the
  scenario's ``r`` if larger), never above the raters available.
* ``T`` on a geometric grid from just above the shortest time that carries any
  information (the least reading time plus the dead time ``δ₀``) to where
  every question's discriminability is within 1 % of its asymptote at an
  equal split (and at least three times the scenario's ``T``). The grid is made
  fine enough that the whole search covers at least :data:`MIN_CANDIDATES`
  designs; its ratio is reported as ``time_ratio``.
* Formats: per question, the allowed list; by default the question's own
  format and its usual alternatives (binary → 3-, 5- and 7-point scales;
  ordinal → 3, 5, 7 points; pairwise → forced choice, with a tie, 4 and 5
  strength levels; other formats are kept, their alphabet being the task's).
* Time shares: water-filled on the grid of :data:`advisor.evaluation.results.WATER_FILL_STEPS`
  steps for every design (``keep_time_shares=True`` keeps the scenario's rule).

How it is fast
--------------
A question's panel capacity depends on the design only through its format,
the discriminability ``d′`` its judgment time buys in a context, and ``r``.
So, per format, the single rater's channel (:func:`models.channel.question_channel`)
is computed at :data:`TIME_NODES` values of ``d′`` shared by all contexts, and
per ``r`` the panel capacity at those nodes (:func:`models.panel.panel_capacity`
of the rater's composite kernel, Blahut–Arimoto to :data:`SEARCH_TOLERANCE`
nats); capacity between nodes is a monotone cubic (PCHIP) in ``d′``, and each
context maps seconds to ``d′`` with :func:`models.timing.dprime`. Every
design's water-filled total is then a vectorised max-plus convolution of its
questions' gain tables. These screened values (about 1e-3 nats from the exact
ones) only rank designs: the floor's capacity need prunes the grid, then, per
block of formats and raters and in order of its cheapest remaining candidate,
the first time on the grid whose :func:`advisor.evaluation.evaluate.evaluate` verdict is
``meets`` is found by galloping and bisection (the verdict improves with
time); a block whose cheapest candidate costs more than the best design found
is skipped. Among the formats that cost the same, the lowest achievable risk
is recommended. The frontier (cost against floor, by the screening) is thinned
and each of its points is evaluated, so it shows floor, achievable risk and
verdict of the designs it names.

The recommended scenario fixes the water-filled shares the optimiser found,
so that evaluating it reproduces the checked numbers (letting evaluate
re-water-fill them, by setting the shares automatic, can only raise C̄).
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

import numpy as np
from scipy.interpolate import PchipInterpolator

import models
from models.allocation import allocate_on_grid
from models.channel import MAX_EXACT_RANKING, rater_kernel
from models.memo import RecentValues
from models.panel import panel_capacity

from advisor.evaluation.channel_inputs import channel_inputs, rater_model
from advisor.errors import Cancelled, FormatChoiceError
from advisor.progress import ProgressCallback, keeps_going
from advisor.evaluation.evaluate import (
    CHANNEL_WORK_SHARE,
    EVALUATE_WORK_BUDGET,
    PANEL_MAX_OUTCOMES,
    campaign_cost,
    evaluate,
    fixed_shares,
    required_capacity,
)
from advisor.evaluation.results import WATER_FILL_STEPS, Evaluation
from advisor.planning.overlap_designs import cheapest_adaptive
from advisor.scenario.formats import format_changes
from advisor.scenario.schema import MAX_RATERS, Question, ResponseFormat, Scenario
from advisor.units import LN2, counted, money

DEFAULT_MAX_RATERS = 8
"""Most raters per item the default search considers (more when the scenario has more)."""
MIN_CANDIDATES = 5_000
"""The time grid is refined until the search covers at least this many designs."""
MIN_TIME_POINTS = 24
"""Fewest times on the grid, however many format combinations there are."""
MAX_TIME_POINTS = 2_000
"""Most times on the grid (a resolution far below any cost difference that matters)."""
TIME_NODES = 14
"""d′ nodes per format at which panel capacities are computed (shared by all contexts)."""
NODE_POWER = 1.5
"""Node i of n sits at ``d′_max · (i / (n − 1))^NODE_POWER``: denser where panels rise fastest."""
DPRIME_MAP_POINTS = 256
"""Seconds at which each context's d′ curve is tabulated for the search."""
EXPENSIVE_OUTCOMES = 20_000
"""Panels with more vote histograms than this are computed at every other d′ node."""
SEARCH_TOLERANCE = 1e-5
"""Blahut–Arimoto gap (nats) of the panel capacities behind the screening."""
SCREEN_PANEL_WORK = CHANNEL_WORK_SHARE * EVALUATE_WORK_BUDGET / 2
"""Most work (kernel entry visits, :class:`models.capacity.WorkMeter`) one node's channel or panel
capacity may spend: half the capacity share of one evaluation's budget, about an eighth of a
second. Every example's nodes reach :data:`SEARCH_TOLERANCE` far below it; a 0–100 slider's panel
of three raters (176,851 histograms) took minutes per node without it. A node the cap stops is
screened at its certified upper end (:func:`_screened_nats`), as a panel past
:data:`SCREEN_KERNEL_ENTRIES` is at its bound: the screening never passes over a design because a
node was left unfinished, and every design the search returns is evaluated in full."""
SCREEN_KERNEL_ENTRIES = 2_500_000
"""Largest vote-histogram kernel (inputs × histograms) a node's panel is computed on exactly (within
:data:`advisor.evaluation.evaluate.PANEL_MAX_OUTCOMES` histograms, as ``question_channel``); a larger
panel takes :func:`models.panel.panel_capacity`'s upper bound from the largest panel within it.
Building such a kernel alone took seconds (a 0–100 slider's three-rater panel has 17.9 million
entries), and at :data:`SCREEN_PANEL_WORK` the run on it would stop after a few iterations. The
examples' largest exact panel, a ranking of 4 by five raters, has 2,358,720 entries."""
SAME_COST_CHECKS = 3
"""Exact checks beyond :data:`MAX_CHECKS` for the other formats of the recommended design's cost."""
SCREEN_MARGIN_NATS = 0.01
"""Designs screened within this of the needed capacity (nats) are checked exactly."""
MAX_CHECKS = 160
"""Most exact evaluations spent on finding the recommended design."""
THRESHOLD_START_NATS = 0.02
"""First step of the capacity margin the recommended design's search learns (nats)."""
FRONTIER_EVALUATIONS = 24
"""Frontier points evaluated exactly (floor, achievable risk, verdict) and returned."""
REFINE_CHECKS = 10
"""Most exact evaluations spent on lowering the recommended design's time per item below its grid
time (a bisection between the grid time that meets and the one before, to :data:`REFINE_SECONDS`)."""
REFINE_SECONDS = 0.1
"""The recommended time per item is found to this many seconds (the precision the window shows)."""


# --------------------------------------------------------------------- results
@dataclass(frozen=True)
class FrontierPoint:
    """One design on the Pareto frontier of cost against the risk floor.

    Attributes
    ----------
    cost
        Campaign cost in the scenario's currency.
    floor, ceiling
        Risk floor (exact Fano form) and ceiling, in [0, 1].
    capacity_nats
        C̄ of the design, nats per item.
    raters, seconds_per_item
        The design's raters per item and time per item (s).
    formats
        Each question's format label.
    scenario
        The design as a scenario.
    rater_hours
        Rater-hours the design takes.
    time_shares
        The question time shares used.
    checked
        True when the numbers come from :func:`advisor.evaluation.evaluate.evaluate`,
        False when from the optimiser's screening (interpolated capacities).
    """

    cost: float
    floor: float
    ceiling: float
    capacity_nats: float
    raters: int
    seconds_per_item: float
    formats: tuple[str, ...]
    scenario: Scenario
    rater_hours: float
    time_shares: tuple[float, ...]
    checked: bool
    achievable: float = 1.0
    verdict: str = "undecided"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (the scenario as its JSON)."""
        return {
            "cost": self.cost,
            "floor": self.floor,
            "achievable": self.achievable,
            "verdict": self.verdict,
            "ceiling": self.ceiling,
            "capacity_nats": self.capacity_nats,
            "capacity_bits": self.capacity_nats / LN2,
            "raters": self.raters,
            "seconds_per_item": self.seconds_per_item,
            "formats": list(self.formats),
            "rater_hours": self.rater_hours,
            "time_shares": list(self.time_shares),
            "checked": self.checked,
            "scenario": self.scenario.to_dict(),
        }


@dataclass(frozen=True)
class OptimizationResult:
    """The optimiser's answer.

    Attributes
    ----------
    recommended
        The cheapest design found that meets the target under the
        constraints, as a new scenario; None when none does. Its time per
        item is lowered below its grid time by :func:`_least_time` while the
        design still meets (to :data:`REFINE_SECONDS` within
        :data:`REFINE_CHECKS` evaluations, a grid step of up to about 100 s),
        with its formats, raters and time shares; not after a stop, nor for an
        adaptive design that replaces it.
    recommended_evaluation
        Its evaluation by :func:`advisor.evaluation.evaluate.evaluate` (no curves).
    frontier
        Pareto frontier of (cost, floor) over the feasible designs, by
        increasing cost and decreasing floor, thinned to
        :data:`FRONTIER_EVALUATIONS` points, each evaluated exactly (its
        floor, achievable risk and verdict). After a cancel, only the points
        already evaluated: possibly none.
    evaluated
        Designs screened plus exact evaluations made (checks, the recommended time's refinement
        and frontier points).
    cancelled
        True when ``progress`` stopped the search; the result then holds the
        best found so far.
    message
        One sentence: what was found, under which constraints.
    candidates
        Designs in the whole search space.
    time_ratio
        Ratio of neighbouring times on the grid (its relative resolution + 1).
    checks
        Exact evaluations made to find the recommended design on the grid.
    refinements
        Exact evaluations made to lower its time per item below its grid time.
    cheapest_not_ruled_out
        Cost of the cheapest design checked whose verdict is not ``cannot``
        (the floor's side of the answer); None when none was found.
    """

    recommended: Scenario | None
    recommended_evaluation: Evaluation | None
    frontier: tuple[FrontierPoint, ...]
    evaluated: int
    cancelled: bool
    message: str
    candidates: int = 0
    time_ratio: float = 1.0
    checks: int = 0
    cheapest_not_ruled_out: float | None = None
    refinements: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: ``recommended`` is the scenario JSON (or None)."""
        ev = self.recommended_evaluation
        return {
            "recommended": self.recommended.to_dict() if self.recommended is not None else None,
            "recommended_evaluation": None if ev is None else {
                "cost": ev.cost, "rater_hours": ev.rater_hours, "floor": ev.floor, "ceiling": ev.ceiling,
                "achievable": ev.achievable, "verdict": ev.verdict,
                "items_needed": ev.items_needed.to_dict(),
                "capacity_nats": ev.capacity_nats, "capacity_bits": ev.capacity_nats / LN2,
                "target_risk": ev.target_risk, "currency": ev.currency,
            },
            "cheapest_not_ruled_out": self.cheapest_not_ruled_out,
            "frontier": [point.to_dict() for point in self.frontier],
            "evaluated": self.evaluated,
            "candidates": self.candidates,
            "checks": self.checks,
            "refinements": self.refinements,
            "cancelled": self.cancelled,
            "time_ratio": self.time_ratio,
            "message": self.message,
        }


# -------------------------------------------------------------------- formats
_FORMAT_TEXT = re.compile(r"^\s*([a-z_]+)\s*(?:\(\s*(\d+)\s*(?:chars)?\s*\))?\s*$")
_USUAL_SIZES = {"ordinal": (3, 5, 7), "pairwise": (2, 3, 4, 5)}


def default_formats(response: ResponseFormat) -> list[ResponseFormat]:
    """A question's own format and its usual alternatives (see the module docstring)."""
    if response.kind == "binary":
        return [response] + [ResponseFormat(kind="ordinal", k=k) for k in (3, 5, 7)]
    if response.kind in _USUAL_SIZES:
        sizes = sorted(set(_USUAL_SIZES[response.kind]) | {int(response.k)})  # type: ignore[arg-type]
        return [ResponseFormat(kind=response.kind, k=k) for k in sizes]
    return [response]


def _read_format(choice: Any, current: ResponseFormat, question: str) -> list[ResponseFormat]:
    if isinstance(choice, ResponseFormat):
        return [choice]
    try:
        if isinstance(choice, Mapping):
            return [ResponseFormat(**dict(choice))]
        if isinstance(choice, str):
            match = _FORMAT_TEXT.match(choice.lower())
            if not match:
                raise ValueError(f"cannot read {choice!r}; write a kind or kind(k), e.g. ordinal(5)")
            kind, size = match.group(1), match.group(2)
            if size is not None:
                key = "max_chars" if kind == "free_text" else "k"
                return [ResponseFormat(kind=kind, **{key: int(size)})]
            if kind == current.kind:
                return [current] if kind not in _USUAL_SIZES else default_formats(current)
            if kind in _USUAL_SIZES:
                return [ResponseFormat(kind=kind, k=k) for k in _USUAL_SIZES[kind]]
            return [ResponseFormat(kind=kind)]
    except (TypeError, ValueError) as error:
        text = str(error).splitlines()
        detail = next((line.strip() for line in text if "must" in line or "needs" in line or "cannot" in line), text[0])
        # Pydantic appends "[type=value_error, input_value=…, input_type=dict]": no words for a person.
        detail = detail.split(" [type=", 1)[0]
        raise FormatChoiceError(f"allowed formats for {question!r}: {detail.removeprefix('Value error, ')}") from None
    raise FormatChoiceError(f"allowed formats for {question!r}: expected a format, a dict or a text, got {choice!r}")


def format_options(scenario: Scenario, allowed_formats: Any = None) -> list[list[ResponseFormat]]:
    """The formats the search tries for each question.

    Parameters
    ----------
    scenario
        The scenario.
    allowed_formats
        None (defaults for every question); a sequence with one entry per
        question; or a mapping from question name to its entry. An entry is
        None (the defaults) or a list of :class:`ResponseFormat`, dicts
        (``{"kind": "ordinal", "k": 5}``) or texts (``"ordinal(5)"``, or a bare
        kind such as ``"ordinal"`` for its usual sizes).

    Raises
    ------
    FormatChoiceError
        When a format cannot be read, names no question, or the sequence has
        the wrong length.
    """
    questions = scenario.questions
    entries: list[Any]
    if allowed_formats is None:
        entries = [None] * len(questions)
    elif isinstance(allowed_formats, Mapping):
        names = {q.name for q in questions}
        unknown = sorted(set(allowed_formats) - names)
        if unknown:
            raise FormatChoiceError(
                f"allowed formats name no question: {', '.join(map(repr, unknown))}; the questions are "
                f"{', '.join(repr(q.name) for q in questions)}"
            )
        entries = [allowed_formats.get(q.name) for q in questions]
    else:
        entries = list(allowed_formats)
        if len(entries) != len(questions):
            raise FormatChoiceError(
                f"allowed formats: expected one entry per question ({len(questions)}), got {len(entries)}"
            )
    options: list[list[ResponseFormat]] = []
    for question, entry in zip(questions, entries):
        if entry is None:
            choices = default_formats(question.format)
        else:
            if isinstance(entry, (str, ResponseFormat, Mapping)):
                entry = [entry]
            choices = [f for choice in entry for f in _read_format(choice, question.format, question.name)]
            if not choices:
                raise FormatChoiceError(f"allowed formats for {question.name!r}: the list is empty")
        unique: list[ResponseFormat] = []
        for choice in choices:
            if choice not in unique:
                unique.append(choice)
        options.append(unique)
    return options


# ----------------------------------------------------------- capacity tables
def _question_parameters(question: Question, response: ResponseFormat) -> tuple:
    return (response.kind, response.k, response.max_chars, question.slip_rate, question.span, question.aspects,
            question.bits_per_char, question.chars_per_second, question.bias, question.option_bias)


def _monotone_inverse(function: Callable[[float], float], value: float, low: float, high: float) -> float:
    """The smallest x in [low, high] with ``function(x) >= value`` for a non-decreasing function (bisection)."""
    for _ in range(60):
        middle = 0.5 * (low + high)
        if function(middle) >= value:
            high = middle
        else:
            low = middle
        if high - low <= 1e-9 * max(1.0, high):
            break
    return high


class _CapacityTables:
    """Panel capacity against judgment seconds, per question format, context and raters.

    Every format but free text reaches the channel only through the
    discriminability ``d′`` its time buys (method §3: the kernels are
    functions of ``d′``, time enters through ``d′(t/e)``), so capacities are
    computed at :data:`TIME_NODES` values of ``d′`` shared by all contexts —
    the single rater's channel once per node (:func:`models.channel.question_channel`),
    the ``r``-rater panel once per node and ``r`` (:func:`models.panel.panel_capacity`
    of the composite kernel of :func:`_single_rater_kernel`, or ``question_channel``
    with ``r`` raters where there is none) — and interpolated in ``d′`` by PCHIP (monotone
    cubic), nodes denser at small ``d′`` where panels rise fastest. Each
    context maps judgment seconds to ``d′`` with :func:`models.timing.dprime`
    tabulated on :data:`DPRIME_MAP_POINTS` seconds (linear in between). Free
    text, whose typing capacity depends on the seconds themselves, is
    tabulated per context on a grid of seconds.
    """

    def __init__(self, scenario: Scenario, max_seconds: Sequence[float], checkpoint: Callable[[], None]):
        self.scenario = scenario
        self.max_seconds = [max(float(s), 1e-3) for s in max_seconds]
        self.checkpoint = checkpoint
        self.lambdas = [scenario.raters.discriminability * c.difficulty for c in scenario.contexts]
        self.reference = int(np.argmax(self.lambdas))
        self.nodes: dict[tuple, tuple[np.ndarray, list[Any], list[float]]] = {}
        self.interpolants: dict[tuple, PchipInterpolator] = {}
        self.maps: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self.free_text: dict[tuple, tuple[np.ndarray, PchipInterpolator]] = {}

    def _dprime(self, response: ResponseFormat, context: int) -> Callable[[float], float]:
        pool = self.scenario.raters
        effort = models.timing.hick_hyman_effort(response.kind, response.k)
        lam = self.lambdas[context]
        return lambda seconds: models.timing.dprime(seconds / effort, lam, pool.accrual_rate, pool.base_time)

    def _channel(self, question: Question, response: ResponseFormat, context: int, seconds: float, raters: int,
                 max_work: float | None = None):
        inputs = channel_inputs(self.scenario, question, self.scenario.contexts[context], seconds, response=response)
        return inputs.channel(raters, max_work=max_work)

    def _dprime_map(self, response: ResponseFormat, context: int) -> tuple[np.ndarray, np.ndarray]:
        """Seconds and the d′ they buy in a context, for linear interpolation."""
        key = (models.timing.hick_hyman_effort(response.kind, response.k), context)
        if key not in self.maps:
            curve = self._dprime(response, context)
            top = self.max_seconds[context] * 1.0001
            # The end of the dead time is a kink of d′(t): make it a node.
            dead = _monotone_inverse(lambda t: float(curve(t) > 0.0), 1.0, 0.0, top) if curve(top) > 0 else top
            # d′ bends most right after the dead time: geometric spacing there,
            # even spacing for the long saturating tail.
            after = dead + np.geomspace(1e-3, max(top - dead, 2e-3), DPRIME_MAP_POINTS // 2)
            seconds = np.unique(np.concatenate((np.linspace(0.0, top, DPRIME_MAP_POINTS // 2), [dead], after)))
            seconds = seconds[seconds <= top]
            self.maps[key] = (seconds, np.array([curve(t) for t in seconds]))
        return self.maps[key]

    def _shared_nodes(self, question: Question, response: ResponseFormat) -> tuple[np.ndarray, list[Any], list[float]]:
        """d′ nodes, the single rater's channel at each (in the reference context) and its seconds there."""
        key = _question_parameters(question, response)
        if key not in self.nodes:
            reference = self.reference
            reach = max(float(self._dprime_map(response, s)[1][-1]) for s in range(len(self.lambdas)))
            wanted = reach * np.linspace(0.0, 1.0, TIME_NODES) ** NODE_POWER
            curve = self._dprime(response, reference)
            top = self.max_seconds[reference] * 1.0001
            while curve(top) < reach and top < 1e9:
                top *= 2.0
            dprimes, channels, seconds = [], [], []
            for wanted_dprime in wanted:
                self.checkpoint()
                at = _monotone_inverse(curve, float(wanted_dprime), 0.0, top) if wanted_dprime > 0 else 0.0
                channel = self._channel(question, response, reference, at, 1, max_work=SCREEN_PANEL_WORK)
                dprimes.append(float(channel.dprime))
                channels.append(channel)
                seconds.append(at)
            self.nodes[key] = (np.asarray(dprimes), channels, seconds)
        return self.nodes[key]

    def _interpolant(self, question: Question, response: ResponseFormat, raters: int) -> PchipInterpolator:
        key = (_question_parameters(question, response), raters)
        if key not in self.interpolants:
            dprimes, channels, seconds = self._shared_nodes(question, response)
            answers = channels[0].alternatives
            if raters > 1 and answers and models.outcome_count(raters, answers) > EXPENSIVE_OUTCOMES:
                # Each node of such a panel costs a kernel over that many vote
                # histograms: every other node (both ends kept) halves the cost.
                chosen = sorted(set(range(0, len(dprimes), 2)) | {len(dprimes) - 1})
                dprimes = dprimes[chosen]
                seconds = [seconds[i] for i in chosen]
                channels = [channels[i] for i in chosen]
            values = []
            for dprime, at, single in zip(dprimes, seconds, channels):
                self.checkpoint()
                if raters == 1:
                    values.append(_screened_nats(single))
                    continue
                kernel, copies = _single_rater_kernel(question, response, dprime)
                # Raters as they are (the method §9) have a panel of their own: question_channel's.
                if kernel is None or rater_model(self.scenario, question, response=response) is not None:
                    values.append(_screened_nats(self._channel(question, response, self.reference, at, raters,
                                                               max_work=SCREEN_PANEL_WORK)))
                    continue
                largest = min(PANEL_MAX_OUTCOMES, max(1, SCREEN_KERNEL_ENTRIES // kernel.shape[0]))
                found = panel_capacity(kernel, raters, correlation=self.scenario.raters.correlation,
                                       tol=SEARCH_TOLERANCE, max_work=SCREEN_PANEL_WORK / copies, max_outcomes=largest)
                # A run the cap stopped short of its tolerance counts at its certified upper end (a
                # bound, exact False, is one already).
                unfinished = found.exact and found.gap > SEARCH_TOLERANCE
                panel = copies * (found.nats + (found.gap if unfinished else 0.0))
                # As in question_channel: more raters never lose information,
                # and no panel carries more than its answer alphabet.
                values.append(min(max(panel, _screened_nats(single)), single.max_nats))
            self.interpolants[key] = _monotone_interpolant(dprimes, values)
        return self.interpolants[key]

    def _free_text(self, question: Question, response: ResponseFormat, context: int, raters: int):
        key = (_question_parameters(question, response), context, raters)
        if key not in self.free_text:
            nodes = np.linspace(0.0, self.max_seconds[context] * 1.0001, 4 * TIME_NODES)
            values = []
            for seconds in nodes:
                self.checkpoint()
                values.append(self._channel(question, response, context, seconds, raters).panel_nats)
            self.free_text[key] = (nodes, _monotone_interpolant(nodes, values))
        return self.free_text[key]

    def values(self, question: Question, response: ResponseFormat, context: int, raters: int,
               judgment_seconds: np.ndarray) -> np.ndarray:
        """Interpolated panel capacity (nats) at each judgment time (s)."""
        if response.kind == "free_text":
            nodes, interpolant = self._free_text(question, response, context, raters)
            return interpolant(np.clip(judgment_seconds, nodes[0], nodes[-1]))
        interpolant = self._interpolant(question, response, raters)
        seconds, dprimes = self._dprime_map(response, context)
        dprime = np.interp(judgment_seconds, seconds, dprimes)
        return interpolant(np.clip(dprime, interpolant.x[0], interpolant.x[-1]))


def _screened_nats(channel) -> float:
    """A node's capacity for the screening: a channel's panel, at its certified upper end where
    :data:`SCREEN_PANEL_WORK` stopped a run (``budget_limited``)."""
    return channel.panel_upper_nats if channel.budget_limited else channel.panel_nats


def _single_rater_kernel(question: Question, response: ResponseFormat, dprime: float) -> tuple[np.ndarray | None, int]:
    """One rater's composite kernel ``K_cog @ K_art`` at a d′ (method §3,
    :func:`models.channel.rater_kernel`, the kernel ``question_channel`` uses),
    and how many independent copies of it the question is (multi-select: k decisions).

    The search runs the panel's Blahut–Arimoto on it at :data:`SEARCH_TOLERANCE`;
    ``(None, 0)`` for rankings of more than :data:`models.channel.MAX_EXACT_RANKING`
    items, free text and best-worst scaling, whose panels (closed-form bounds, histogram kernels
    too large to tabulate, or exact panels from the histograms' orbits) the search takes from
    :func:`models.channel.question_channel`.
    """
    if (response.kind == "ranking" and int(response.k) > MAX_EXACT_RANKING) or response.kind == "best_worst":  # type: ignore[arg-type]
        return None, 0
    kernel = rater_kernel(response.kind, response.k, dprime, span=question.span, slip_rate=question.slip_rate)
    if kernel is None:
        return None, 0
    return kernel, int(response.k) if response.kind == "multi_select" else 1  # type: ignore[arg-type]


def _monotone_interpolant(x: Sequence[float], y: Sequence[float]) -> PchipInterpolator:
    """PCHIP through increasing x; capacity never decreases with time or d′, so a
    running maximum removes Blahut–Arimoto's last-digit noise first. (Best–worst panels peak
    at a moderate d′, docs/method.md; there the running maximum is an upper envelope, which
    only makes the screening check more designs: every verdict comes from evaluate().)"""
    x = np.asarray(x, dtype=float)
    y = np.maximum.accumulate(np.asarray(y, dtype=float))
    keep = np.concatenate(([True], np.diff(x) > 1e-12))
    x, y = x[keep], y[keep]
    if x.size == 1:
        x, y = np.array([x[0], x[0] + 1.0]), np.array([y[0], y[0]])
    return PchipInterpolator(x, y, extrapolate=False)


# ---------------------------------------------------------------- the search
def _max_plus_total(gains: np.ndarray) -> np.ndarray:
    """Best total gain with exactly all units, per design.

    Parameters
    ----------
    gains
        Array ``(designs, questions, steps + 1)``: the gain of each question
        at each number of units.

    Returns
    -------
    numpy.ndarray, shape (designs,)
        ``max Σ_q gains[d, q, u_q]`` over ``Σ_q u_q = steps`` — the value
        :func:`models.allocation.allocate_on_grid` finds, for many designs at
        once (the tests check they agree).
    """
    designs, questions, width = gains.shape
    steps = width - 1
    best = gains[:, 0, :]
    if questions == 1:
        return best[:, steps]
    units = np.arange(width)
    remaining = units[:, None] - units[None, :]
    valid = remaining >= 0
    index = np.where(valid, remaining, 0)
    for q in range(1, questions - 1):
        candidate = np.where(valid[None], best[:, index] + gains[:, q, None, :], -np.inf)
        best = candidate.max(axis=2)
    return np.max(best[:, steps - units] + gains[:, questions - 1, :], axis=1)


RESULT_CACHE_SIZE = 16
"""Searches :func:`optimize` keeps the answer of: asked again for the same scenario and constraints
(a report after the optimiser panel's search, the same report in another format) it answers at once.
The search is deterministic, so a kept answer is the one it would compute again."""

_results: RecentValues[tuple[OptimizationResult, int]] = RecentValues(RESULT_CACHE_SIZE)


@dataclass(frozen=True)
class _Limits:
    budget_cap: float | None
    deadline_hours: float | None
    raters_available: int | None
    max_raters: int
    notes: tuple[str, ...]


def _limits(scenario: Scenario, budget_cap: float | None, deadline_hours: float | None,
            raters_available: int | None, max_raters: int | None) -> _Limits:
    campaign = scenario.campaign
    budget_cap = campaign.budget_cap if budget_cap is None else budget_cap
    deadline_hours = campaign.deadline_hours if deadline_hours is None else deadline_hours
    raters_available = campaign.raters_available if raters_available is None else raters_available
    for name, value in (("budget_cap", budget_cap), ("deadline_hours", deadline_hours)):
        if value is not None and not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a positive number, got {value!r}")
    for name, value in (("raters_available", raters_available), ("max_raters", max_raters)):
        if value is not None and (not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1):
            raise ValueError(f"{name} must be an integer of at least 1, got {value!r}")
    notes = []
    if deadline_hours is not None and raters_available is None:
        notes.append("the deadline is ignored: it needs the number of raters available")
        deadline_hours = None
    limit = max_raters if max_raters is not None else max(DEFAULT_MAX_RATERS, scenario.raters.per_item)
    limit = min(limit, MAX_RATERS)
    if raters_available is not None:
        limit = min(limit, raters_available)
    return _Limits(budget_cap, deadline_hours, raters_available, int(limit), tuple(notes))


def _time_grid(scenario: Scenario, options: list[list[ResponseFormat]], points: int) -> np.ndarray:
    raters = scenario.raters
    readings = [models.timing.reading_seconds(c.reading_words, raters.reading_wpm) for c in scenario.contexts]
    low = min(readings) + raters.base_time + 0.5
    effort = max(models.timing.hick_hyman_effort(f.kind, f.k) for fs in options for f in fs)
    saturation = len(options) * effort * (raters.base_time + math.log(100.0) / raters.accrual_rate)
    high = max(max(readings) + saturation, 3.0 * scenario.campaign.seconds_per_item, 2.0 * low)
    high = min(high, 86_400.0)
    return np.geomspace(low, high, points)


class _Search:
    """One optimisation run: tables, screened designs, checks, cancellation."""

    def __init__(self, scenario: Scenario, options: list[list[ResponseFormat]], limits: _Limits,
                 keep_time_shares: bool, progress: ProgressCallback | None):
        self.scenario = scenario
        self.options = options
        self.limits = limits
        self.keep = keep_time_shares
        self.progress = progress
        self.cancelled = False
        self.combos = list(itertools.product(*[range(len(o)) for o in options]))
        blocks = len(self.combos) * limits.max_raters
        points = min(MAX_TIME_POINTS, max(MIN_TIME_POINTS, math.ceil(MIN_CANDIDATES / blocks)))
        self.times = _time_grid(scenario, options, points)
        self.total = blocks * len(self.times)
        readings = [models.timing.reading_seconds(c.reading_words, scenario.raters.reading_wpm)
                    for c in scenario.contexts]
        self.available = np.maximum(0.0, self.times[:, None] - np.asarray(readings)[None, :])  # (T, contexts)
        self.tables = _CapacityTables(scenario, self.available.max(axis=0), self.checkpoint)
        self.needed = required_capacity(scenario)
        self.screened = 0
        self.checks = 0
        self.refinements = 0
        self.frontier_evaluations = 0
        self.weights = np.asarray(scenario.context_weights)
        questions = scenario.questions
        if keep_time_shares and scenario.fixed_time_shares:
            self.fixed = dict(enumerate(fixed_shares(scenario)))
        elif keep_time_shares:
            self.fixed = {i: q.time_share for i, q in enumerate(questions) if q.time_share is not None}
        else:
            self.fixed = {}
        self.automatic = [i for i in range(len(questions)) if i not in self.fixed]
        self.free = 1.0 - sum(self.fixed.values())

    # -- cancellation
    @property
    def steps(self) -> int:
        """The progress total: the designs screened, then at most :data:`MAX_CHECKS` and
        :data:`SAME_COST_CHECKS` exact checks, :data:`REFINE_CHECKS` evaluations refining the
        recommended time and :data:`FRONTIER_EVALUATIONS` evaluations of frontier points."""
        return self.total + MAX_CHECKS + SAME_COST_CHECKS + REFINE_CHECKS + FRONTIER_EVALUATIONS

    def checkpoint(self) -> None:
        """Ask ``progress`` whether to go on (also between the steps of building a table, and before
        each exact evaluation)."""
        done = self.screened + self.checks + self.refinements + self.frontier_evaluations
        if self.cancelled or not keeps_going(self.progress, done, self.steps):
            self.cancelled = True
            raise Cancelled

    def goes_on(self) -> bool:
        """:meth:`checkpoint` as a truth value (False: stop)."""
        try:
            self.checkpoint()
        except Cancelled:
            return False
        return True

    def report(self) -> None:
        self.checkpoint()

    # -- screening
    def _question_capacity(self, index: int, response: ResponseFormat, raters: int, shares: np.ndarray) -> np.ndarray:
        """Context-weighted capacity of one question: array (T, shares)."""
        question = self.scenario.questions[index]
        total = np.zeros((len(self.times), len(shares)))
        for s, weight in enumerate(self.weights):
            seconds = shares[None, :] * self.available[:, s][:, None]
            total += weight * self.tables.values(question, response, s, raters, seconds)
        return total

    def gains(self, combo: tuple[int, ...], raters: int) -> tuple[np.ndarray, np.ndarray]:
        """(fixed part (T,), automatic gain tables (T, automatic questions, steps + 1))."""
        fixed = np.zeros(len(self.times))
        for index, share in self.fixed.items():
            response = self.options[index][combo[index]]
            fixed += self._question_capacity(index, response, raters, np.array([share]))[:, 0]
        steps = WATER_FILL_STEPS if len(self.automatic) > 1 else 1
        shares = np.arange(steps + 1) / steps * self.free
        tables = np.stack([
            self._question_capacity(index, self.options[index][combo[index]], raters, shares)
            for index in self.automatic
        ], axis=1) if self.automatic else np.zeros((len(self.times), 0, steps + 1))
        return fixed, tables

    def screen(self, combo: tuple[int, ...], raters: int) -> np.ndarray:
        """Screened C̄ at every time on the grid."""
        fixed, tables = self.gains(combo, raters)
        if tables.shape[1] == 0:
            return fixed
        return fixed + _max_plus_total(tables)

    def shares_of(self, combo: tuple[int, ...], raters: int, time_index: int) -> tuple[float, ...]:
        """The water-filled shares of one design (as :func:`allocate_on_grid` finds them)."""
        shares = [0.0] * len(self.scenario.questions)
        for index, share in self.fixed.items():
            shares[index] = share
        if self.automatic:
            _, tables = self.gains(combo, raters)
            parts = allocate_on_grid(tables[time_index]).shares if len(self.automatic) > 1 else (1.0,)
            for index, part in zip(self.automatic, parts):
                shares[index] = part * self.free
        return tuple(shares)

    # -- designs
    def design(self, combo: tuple[int, ...], raters: int, time_index: int, name: str) -> tuple[Scenario, tuple[float, ...]]:
        scenario = self.scenario
        changes: dict[str, Any] = {
            "name": name[:200],
            "raters.per_item": raters,
            "campaign.seconds_per_item": float(self.times[time_index]),
            "campaign.budget_cap": self.limits.budget_cap,
            "campaign.deadline_hours": self.limits.deadline_hours,
            "campaign.raters_available": self.limits.raters_available,
        }
        for index, choice in enumerate(combo):
            changes.update(format_changes(scenario.questions[index], f"questions.{index}", self.options[index][choice]))
        shares = self.shares_of(combo, raters, time_index)
        if not self.keep and len(shares) > 1:
            # A share of 0 is not a valid fixed share: leave such a design to
            # evaluate's own water-filling (which can only do better).
            automatic = min(shares) <= 0.0
            for index, share in enumerate(shares):
                changes[f"questions.{index}.time_share"] = None if automatic else share
        elif not self.keep:
            changes["questions.0.time_share"] = None
        return scenario.with_changes(changes), shares

    def formats_of(self, combo: tuple[int, ...]) -> tuple[str, ...]:
        return tuple(self.options[i][c].label() for i, c in enumerate(combo))


def _pareto(costs: np.ndarray, values: np.ndarray, *, larger_is_better: bool) -> np.ndarray:
    """Indices of the non-dominated points, by increasing cost."""
    sign = -1.0 if larger_is_better else 1.0
    order = np.lexsort((sign * values, costs))
    kept: list[int] = []
    best = math.inf
    for index in order:
        value = sign * values[index]
        if value < best:
            if kept and costs[kept[-1]] == costs[index]:
                continue
            kept.append(int(index))
            best = value
    return np.asarray(kept, dtype=np.int64)


def _thin(points: list[_FrontierCandidate], keep: _FrontierCandidate | None, limit: int) -> list[_FrontierCandidate]:
    """At most ``limit`` points, evenly spread over the list (its ends kept), and ``keep`` among them."""
    if len(points) <= limit:
        return points
    chosen = set(np.round(np.linspace(0, len(points) - 1, limit)).astype(int).tolist())
    return [p for i, p in enumerate(points) if i in chosen or p is keep]


# ------------------------------------------------------------- search records
@dataclass(frozen=True, eq=False)
class _ScreenedBlock:
    """One block of the search: a format combination and a number of raters, screened
    at every time of the grid.

    Attributes
    ----------
    combo
        Each question's format, as its index in the question's options.
    raters
        Raters per item, 1 to the search's ``max_raters``.
    capacity
        Screened C̄ at each time of the grid, nats per item, shape ``(times,)``.
    """

    combo: tuple[int, ...]
    raters: int
    capacity: np.ndarray


@dataclass(frozen=True, eq=False)
class _FeasibleBlock(_ScreenedBlock):
    """A screened block with what each time of the grid costs and whether it keeps
    to the limits (budget cap, deadline).

    Attributes
    ----------
    feasible
        True where the design keeps to the limits, shape ``(times,)``.
    costs
        Campaign cost at each time, in the scenario's currency, shape ``(times,)``.
    rater_hours
        Rater-hours at each time, shape ``(times,)``.
    """

    feasible: np.ndarray
    costs: np.ndarray
    rater_hours: np.ndarray


class _GridPoint(NamedTuple):
    """One design of the search: a block and a time on the grid (indices)."""

    block: int
    time: int


class _Candidate(NamedTuple):
    """A design to check next, ordered (as a tuple) by cost, then block, then time."""

    cost: float
    block: int
    time: int


@dataclass(frozen=True, eq=False)
class _FrontierCandidate:
    """A design that may go on the frontier, with the numbers it is ranked by.

    Attributes
    ----------
    at
        The design's block and time on the grid.
    cost
        Campaign cost in the scenario's currency.
    floor
        Risk floor in [0, 1] (exact when the design was checked, else from the screening).
    capacity_nats
        C̄ of the design, nats per item.
    rater_hours
        Rater-hours the design takes.
    """

    at: _GridPoint
    cost: float
    floor: float
    capacity_nats: float
    rater_hours: float


def optimize(
    scenario: Scenario,
    *,
    budget_cap: float | None = None,
    deadline_hours: float | None = None,
    raters_available: int | None = None,
    allowed_formats: Any = None,
    max_raters: int | None = None,
    keep_time_shares: bool = False,
    progress: ProgressCallback | None = None,
    adaptive: bool = False,
) -> OptimizationResult:
    """The cheapest design meeting the target risk, and the cost–floor frontier.

    The search is over a fixed number of raters per item (an adaptive or partial scenario is
    searched as its fixed design); with ``adaptive`` it then also tries adaptive overlap
    (:func:`advisor.planning.overlap_designs.cheapest_adaptive`) with the recommended design's
    formats and recommends that when it is cheaper.

    Parameters
    ----------
    scenario
        The scenario; items, contexts, rater pool and target are kept.
    budget_cap
        Most money to spend (> 0, the scenario's currency); default the
        scenario's ``campaign.budget_cap``.
    deadline_hours
        Wall-clock hours available (> 0): ``rater-hours / raters_available``
        must not exceed it; default the scenario's. Ignored (with a note in
        the message) when the raters available are unknown.
    raters_available
        Raters working in parallel (≥ 1); also the most raters per item.
        Default the scenario's.
    allowed_formats
        Per question formats to try; see :func:`format_options`.
    max_raters
        Most raters per item (1 to 100); default :data:`DEFAULT_MAX_RATERS`
        or the scenario's ``r`` if larger.
    keep_time_shares
        Keep the scenario's time-share rule (fixed shares stay fixed) instead
        of water-filling every design.
    progress
        ``progress(done, total)`` in designs screened, then exact evaluations (``total`` counts
        the most there can be: :attr:`_Search.steps`; :mod:`advisor.progress`); it is also asked
        between the steps of building the capacity tables and before each exact evaluation, and
        once it returns False the search returns promptly with ``cancelled=True`` and the best
        design found so far.
    adaptive
        Also search adaptive overlap designs (``1 ≤ r₀ < r_max ≤`` the most raters per item, the
        scenario's stop rule and threshold) on the same time grid.

    Returns
    -------
    OptimizationResult
    """
    if scenario.overlap.mode != "fixed":
        scenario = scenario.with_changes({"overlap.mode": "fixed"})
    limits = _limits(scenario, budget_cap, deadline_hours, raters_available, max_raters)
    options = format_options(scenario, allowed_formats)
    # The request as the search reads it: the optimiser panel's explicit constraints and a report's
    # defaults find the same search when they resolve to the same limits and formats.
    request = (scenario, limits, tuple(map(tuple, options)), keep_time_shares, adaptive)
    kept = _results.get(request)
    if kept is not None:
        result, steps = kept
        keeps_going(progress, steps, steps)  # the whole search is done: nothing is left to stop
        return result
    search = _Search(scenario, options, limits, keep_time_shares, progress)
    times = search.times
    blocks: list[_ScreenedBlock] = []
    try:
        search.checkpoint()
        for combo in search.combos:
            for raters in range(1, limits.max_raters + 1):
                blocks.append(_ScreenedBlock(combo, raters, search.screen(combo, raters)))
                search.screened += len(times)
                search.report()
    except Cancelled:
        # Stopped: the blocks screened so far still give the best design found.
        pass
    result = _conclude(search, blocks)
    if adaptive and not result.cancelled and limits.max_raters >= 2:
        result = _with_adaptive(search, result, progress)
    if not result.cancelled:
        _results.put(request, (result, search.steps))
    return result


def _with_adaptive(search: _Search, result: OptimizationResult, progress: ProgressCallback | None) -> OptimizationResult:
    """The fixed search's result, its recommendation replaced by a cheaper adaptive design if one
    meets the target under the same constraints."""
    limits = search.limits
    template = result.recommended if result.recommended is not None else search.scenario
    below = result.recommended_evaluation.cost if result.recommended_evaluation is not None else math.inf
    choice = cheapest_adaptive(
        template.with_changes({"name": f"{search.scenario.name} (optimised, adaptive)"[:200]}), search.times,
        max_raters=limits.max_raters, below=below, budget_cap=limits.budget_cap,
        deadline_hours=limits.deadline_hours, raters_available=limits.raters_available, progress=progress,
    )
    checks = result.checks + choice.checks
    stopped = " The search of adaptive designs was cancelled before it ended." if choice.cancelled else ""
    if choice.scenario is None or choice.evaluation is None:
        note = stopped or (" No adaptive overlap design was cheaper." if result.recommended is not None else
                           " No adaptive overlap design meets it either.")
        return replace(result, checks=checks, evaluated=result.evaluated + choice.checks,
                       message=result.message + note, cancelled=choice.cancelled)
    design, evaluation = choice.scenario, choice.evaluation
    overlap = evaluation.overlap
    saving = "" if result.recommended_evaluation is None else (
        f", {money(result.recommended_evaluation.cost - evaluation.cost, search.scenario.campaign.currency)} less "
        "than the best fixed design")
    message = (f"Adaptive overlap ({overlap.rule}; {overlap.expected_raters:.2f} raters per item on average) × "  # type: ignore[union-attr]
               f"{design.campaign.seconds_per_item:.1f} s per item meets the target {evaluation.target_risk:g} with "
               f"achievable risk {evaluation.achievable:.4f} (floor {evaluation.floor:.4f}) for "
               f"{money(evaluation.cost, search.scenario.campaign.currency)}{saving}. {result.message}{stopped}")
    return replace(result, recommended=design, recommended_evaluation=evaluation, checks=checks,
                   evaluated=result.evaluated + choice.checks, message=message, cancelled=choice.cancelled)


def _feasible(search: _Search, block: _ScreenedBlock) -> _FeasibleBlock:
    """The block with each time's cost, rater-hours and whether it keeps to the limits."""
    costs, hours = campaign_cost(search.scenario, raters=block.raters, seconds_per_item=search.times)
    costs = np.asarray(costs, dtype=float)
    hours = np.asarray(hours, dtype=float)
    ok = np.ones(len(search.times), dtype=bool)
    limits = search.limits
    if limits.budget_cap is not None:
        ok &= costs <= limits.budget_cap
    if limits.deadline_hours is not None and limits.raters_available is not None:
        ok &= hours / limits.raters_available <= limits.deadline_hours
    return _FeasibleBlock(block.combo, block.raters, block.capacity, feasible=ok, costs=costs, rater_hours=hours)


def _conclude(search: _Search, blocks: list[_ScreenedBlock]) -> OptimizationResult:
    scenario = search.scenario
    feasible_blocks = [_feasible(search, block) for block in blocks]
    # A cancel during the screening leaves one exact evaluation; one during the checks (each asks
    # first) stops them before the next, and the frontier is then the points already evaluated.
    cancelled = search.cancelled
    check_limit = 1 if cancelled else MAX_CHECKS

    checked: dict[_GridPoint, Evaluation] = {}

    def check(b: int, t: int) -> Evaluation:
        at = _GridPoint(b, t)
        if at not in checked:
            if not cancelled:
                search.checkpoint()  # Cancelled ends the checks (caught below)
            block = feasible_blocks[b]
            design, _ = search.design(block.combo, block.raters, t, f"{scenario.name} (optimised)")
            search.checks += 1
            checked[at] = evaluate(design, curves=False)
        return checked[at]

    def meets(b: int, t: int) -> bool:
        return check(b, t).verdict == "meets"

    def first_meeting(b: int, lower: int, upper: int) -> int:
        """Bisect block b's times: ``lower`` does not meet (or is before the grid), ``upper`` does."""
        while upper - lower > 1 and search.checks < check_limit:
            middle = (lower + upper) // 2
            if meets(b, middle):
                upper = middle
            else:
                lower = middle
        return upper

    allowed = recommended = None
    try:
        # ---- the cheapest design not ruled out (verdict other than "cannot"): the floor's side
        starts: list[_Candidate] = []
        for b, block in enumerate(feasible_blocks):
            candidates = np.flatnonzero(block.feasible & (block.capacity >= search.needed - SCREEN_MARGIN_NATS))
            if candidates.size:
                starts.append(_Candidate(float(block.costs[candidates[0]]), b, int(candidates[0])))
        heap = list(starts)
        heapq.heapify(heap)
        while heap and search.checks < check_limit:
            _, b, t = heapq.heappop(heap)
            if check(b, t).verdict != "cannot":
                allowed = _GridPoint(b, t)
                break
            block = feasible_blocks[b]
            if t + 1 < len(search.times) and block.feasible[t + 1]:
                heapq.heappush(heap, _Candidate(float(block.costs[t + 1]), b, t + 1))

        # ---- recommended: the cheapest design whose evaluation meets the target (method §8.4).
        # The floor's capacity need is necessary, not sufficient: meeting the target takes some more
        # capacity, how much is learnt on the way. Each check that fails raises a shared threshold to
        # that design's screened excess over the need; the next design checked is the cheapest one,
        # over all blocks (formats, raters), whose excess is above the threshold. A block found to
        # meet is bisected back to its first time that meets; blocks whose cheapest floor-feasible
        # design costs more than the best found are dropped. Every verdict comes from evaluate().
        best_cost = math.inf
        threshold = 0.0
        lowest_failed: dict[int, int] = {}
        pending = {b: t0 for _, b, t0 in starts}
        while pending and search.checks < check_limit:
            choice = None
            for b, t0 in list(pending.items()):
                ok, costs, capacity = feasible_blocks[b].feasible, feasible_blocks[b].costs, feasible_blocks[b].capacity
                if costs[t0] >= best_cost:
                    del pending[b]
                    continue
                floor_t = lowest_failed.get(b, t0 - 1) + 1
                usable = np.flatnonzero(ok[floor_t:] & (capacity[floor_t:] >= search.needed - SCREEN_MARGIN_NATS + threshold))
                t = floor_t + int(usable[0]) if usable.size else int(np.flatnonzero(ok)[-1])
                if t <= lowest_failed.get(b, -1):
                    del pending[b]
                    continue
                if choice is None or costs[t] < choice.cost:
                    choice = _Candidate(float(costs[t]), b, t)
            if choice is None or choice.cost >= best_cost:
                break
            _, b, t = choice
            if meets(b, t):
                upper = first_meeting(b, lowest_failed.get(b, pending[b] - 1), t)
                cost = float(feasible_blocks[b].costs[upper])
                if cost < best_cost:
                    best_cost, recommended = cost, _GridPoint(b, upper)
                del pending[b]
            else:
                lowest_failed[b] = t
                excess = float(feasible_blocks[b].capacity[t]) - (search.needed - SCREEN_MARGIN_NATS)
                # Gallop: the threshold at least doubles, so a few failures span the grid.
                threshold = max(excess + 1e-9, 2.0 * threshold, THRESHOLD_START_NATS)
        # The galloping threshold may have stepped over cheaper designs of other blocks: give every
        # block that could still beat the best one check at its dearest time below the best cost,
        # and bisect back where that meets.
        for _, b, t0 in sorted(starts):
            ok, costs = feasible_blocks[b].feasible, feasible_blocks[b].costs
            if costs[t0] >= best_cost or search.checks >= check_limit:
                continue
            below = np.flatnonzero(ok & (costs < best_cost))
            below = below[below > lowest_failed.get(b, -1)]
            if not below.size:
                continue
            upper = int(below[-1])
            if not meets(b, upper):
                lowest_failed[b] = upper
                continue
            upper = first_meeting(b, max(lowest_failed.get(b, t0 - 1), t0 - 1), upper)
            if float(costs[upper]) < best_cost:
                best_cost, recommended = float(costs[upper]), _GridPoint(b, upper)
        if recommended is not None:
            # Every format combination with these raters and this time costs the same: recommend
            # the one with the lowest achievable risk among those that also meet the target.
            b, t = recommended
            raters = feasible_blocks[b].raters
            for i, block in enumerate(feasible_blocks):
                if (i != b and block.raters == raters and block.feasible[t] and not cancelled
                        and search.checks < check_limit + SAME_COST_CHECKS
                        and block.capacity[t] > feasible_blocks[b].capacity[t] and meets(i, t)
                        and check(i, t).achievable < check(*recommended).achievable):
                    recommended = _GridPoint(i, t)

    except Cancelled:
        # Stopped among the checks: the cheapest design checked that meets (its bisection may have
        # been cut short), if any.
        cancelled = True
        meeting = [(evaluation.cost, evaluation.achievable, at) for at, evaluation in checked.items()
                   if evaluation.verdict == "meets"]
        recommended = min(meeting)[2] if meeting else None
        allowed = allowed or next((at for at in sorted(checked, key=lambda at: checked[at].cost)
                                   if checked[at].verdict != "cannot"), None)
    # ---- the recommended design, at its least time per item between its grid time and the one before
    recommended_scenario = recommended_evaluation = None
    if recommended is not None:
        block = feasible_blocks[recommended.block]
        recommended_scenario, _ = search.design(block.combo, block.raters, recommended.time,
                                                f"{scenario.name} (optimised)")
        recommended_evaluation = checked[recommended]
        if not cancelled:
            recommended_scenario, recommended_evaluation = _least_time(
                search, recommended_scenario, recommended_evaluation,
                float(search.times[recommended.time - 1]) if recommended.time > 0 else None)
            cancelled = search.cancelled
    # ---- frontier: Pareto of (cost, floor) over the feasible screened designs
    rows = [_GridPoint(b, t) for b, block in enumerate(feasible_blocks) for t in np.flatnonzero(block.feasible)]
    points: list[_FrontierCandidate] = []
    if rows:
        costs = np.array([feasible_blocks[b].costs[t] for b, t in rows])
        capacities = np.array([feasible_blocks[b].capacity[t] for b, t in rows])
        position = {row: i for i, row in enumerate(rows)}
        for row, evaluation in checked.items():
            if row in position:
                capacities[position[row]] = evaluation.capacity_nats
        first = _pareto(costs, capacities, larger_is_better=True)
        for i in first:
            at = rows[i]
            evaluation = checked.get(at)
            if evaluation is not None:
                floor, capacity = evaluation.floor, evaluation.capacity_nats
            else:
                capacity = float(capacities[i])
                floor = float(models.fano_floor(capacity, scenario.target.log2_m,
                                                separation=scenario.target.separation, form="exact"))
            points.append(_FrontierCandidate(at, cost=float(costs[i]), floor=floor, capacity_nats=capacity,
                                             rater_hours=float(feasible_blocks[at.block].rater_hours[at.time])))
        keep = _pareto(np.array([p.cost for p in points]), np.array([p.floor for p in points]),
                       larger_is_better=False)
        points = [points[i] for i in keep]
    if recommended is not None and not any(p.at == recommended for p in points):
        evaluation = checked[recommended]
        points.append(_FrontierCandidate(recommended, cost=evaluation.cost, floor=evaluation.floor,
                                         capacity_nats=evaluation.capacity_nats, rater_hours=evaluation.rater_hours))
        points.sort(key=lambda p: p.cost)
    recommended_point = next((p for p in points if recommended and p.at == recommended), None)
    points = _thin(points, recommended_point, FRONTIER_EVALUATIONS)
    frontier = []
    for p in points:
        if p.at not in checked:
            cancelled = cancelled or not search.goes_on()
            if cancelled:
                continue  # stopped: only the points already evaluated
        block = feasible_blocks[p.at.block]
        raters = block.raters
        seconds = float(search.times[p.at.time])
        design, shares = search.design(block.combo, raters, p.at.time,
                                       f"{scenario.name} ({raters} raters, {seconds:.0f} s)")
        # Each point is evaluated, so that the frontier shows the achievable risk beside the floor
        # and the verdict of the design it names.
        evaluation = checked.get(p.at)
        if evaluation is None:
            search.frontier_evaluations += 1
            evaluation = evaluate(design, curves=False)
        frontier.append(FrontierPoint(
            cost=evaluation.cost, floor=evaluation.floor, ceiling=evaluation.ceiling,
            capacity_nats=evaluation.capacity_nats, raters=raters, seconds_per_item=seconds,
            formats=search.formats_of(block.combo), scenario=design, rater_hours=evaluation.rater_hours,
            time_shares=shares, checked=True, achievable=evaluation.achievable, verdict=evaluation.verdict,
        ))
    if frontier:
        # The exact floors differ from the screened ones by the screening error: keep the points
        # that stay non-dominated in (cost, floor) after the exact evaluation.
        keep = _pareto(np.array([p.cost for p in frontier]), np.array([p.floor for p in frontier]),
                       larger_is_better=False)
        frontier = [frontier[i] for i in keep]

    cheapest_allowed = None if allowed is None else checked[allowed].cost
    # The cheapest design screened, whatever the budget and the deadline: what "no design satisfies the
    # constraints" is short of.
    cheapest = min((float(block.costs.min()) for block in feasible_blocks if block.costs.size), default=None)
    message = _message(search, recommended_scenario, recommended_evaluation, cancelled, bool(rows), cheapest)
    return OptimizationResult(
        recommended=recommended_scenario,
        recommended_evaluation=recommended_evaluation,
        frontier=tuple(frontier),
        evaluated=search.screened + search.checks + search.refinements + search.frontier_evaluations,
        cancelled=cancelled,
        message=message,
        candidates=search.total,
        time_ratio=float(search.times[1] / search.times[0]) if len(search.times) > 1 else 1.0,
        checks=search.checks,
        cheapest_not_ruled_out=cheapest_allowed,
        refinements=search.refinements,
    )


def frontier_with_recommended(result: OptimizationResult) -> tuple[list[FrontierPoint], int | None]:
    """The frontier's designs with the recommended design among them, for a table or a plot's markers.

    The frontier keeps the designs that are non-dominated in (cost, floor), on the search's time
    grid; the recommended design is chosen by its achievable risk and its time per item lowered
    below the grid's, so it may be missing from the frontier or dominated there. A line of the
    lowest floor at each cost is drawn through ``result.frontier`` alone.

    Parameters
    ----------
    result
        An optimiser's result.

    Returns
    -------
    points : list of FrontierPoint
        ``result.frontier`` (by increasing cost), with the recommended design inserted before the
        first point that costs more when it is not there.
    index : int or None
        The recommended design's position in ``points``; None when nothing is recommended.
    """
    frontier = list(result.frontier)
    if result.recommended is None or result.recommended_evaluation is None:
        return frontier, None
    design, evaluation = result.recommended, result.recommended_evaluation
    index = next((i for i, p in enumerate(frontier) if p.scenario.same_numbers(design)), None)
    if index is None:
        point = frontier_point(design, evaluation, tuple(q.format.label() for q in design.questions))
        index = sum(p.cost < point.cost for p in frontier)
        frontier.insert(index, point)
    return frontier, index


def frontier_point(design: Scenario, evaluation: Evaluation, formats: tuple[str, ...]) -> FrontierPoint:
    """A design evaluated in full, as a point beside the frontier's.

    Parameters
    ----------
    design
        The design (an adaptive one counts its first raters, ``raters.per_item``).
    evaluation
        Its evaluation (:func:`advisor.evaluation.evaluate.evaluate`).
    formats
        Its questions' format labels, in question order.

    Returns
    -------
    FrontierPoint
    """
    return FrontierPoint(
        cost=evaluation.cost, floor=evaluation.floor, ceiling=evaluation.ceiling,
        capacity_nats=evaluation.capacity_nats, raters=design.raters.per_item,
        seconds_per_item=design.campaign.seconds_per_item, formats=formats, scenario=design,
        rater_hours=evaluation.rater_hours, time_shares=tuple(evaluation.time_shares), checked=True,
        achievable=evaluation.achievable, verdict=evaluation.verdict,
    )


def _least_time(search: _Search, design: Scenario, evaluation: Evaluation,
                lower: float | None) -> tuple[Scenario, Evaluation]:
    """The recommended design at a lower time per item that still meets the target: a bisection
    between its grid time, which meets, and the grid's time before it, ``lower`` (usually one
    that did not meet or was ruled out by the floor; where it was never checked the least time
    may lie below it, and ``lower`` is then where the search stops); every design it keeps was
    evaluated and meets. Formats, raters and time shares stay those of the grid's design.

    At most :data:`REFINE_CHECKS` evaluations (enough for a grid step of 100 s), each asked for
    first; a stop keeps the least time found so far. Without a time before it (``lower`` None) the
    design is returned as it is.
    """
    if lower is None:
        return design, evaluation
    upper = float(design.campaign.seconds_per_item)
    while upper - lower > REFINE_SECONDS and search.refinements < REFINE_CHECKS and search.goes_on():
        middle = math.ceil((lower + upper) / 2.0 / REFINE_SECONDS) * REFINE_SECONDS
        middle = round(min(middle, upper - REFINE_SECONDS), 6)
        if middle <= lower:
            break
        candidate = design.with_changes({"campaign.seconds_per_item": middle})
        search.refinements += 1
        found = evaluate(candidate, curves=False)
        if found.verdict == "meets":
            design, evaluation, upper = candidate, found, middle
        else:
            lower = middle
    return design, evaluation


def _message(search: _Search, design: Scenario | None, evaluation: Evaluation | None, cancelled: bool,
             any_feasible: bool, cheapest_cost: float | None = None) -> str:
    """The result in one sentence; ``cheapest_cost`` is the cost of the cheapest design screened (any
    budget or deadline aside, in the scenario's currency), said when no design satisfies the constraints."""
    limits = search.limits
    currency = search.scenario.campaign.currency
    constraints = []
    if limits.budget_cap is not None:
        constraints.append(f"budget {money(limits.budget_cap, currency)}")
    if limits.deadline_hours is not None:
        constraints.append(f"deadline {limits.deadline_hours:g} h with {limits.raters_available} raters")
    constraints.append(f"at most {limits.max_raters} raters per item")
    prefix = "Search cancelled; best so far: " if cancelled else ""
    notes = "".join(f"; {note}" for note in limits.notes)
    if design is not None and evaluation is not None:
        return (
            f"{prefix}{counted(design.raters.per_item, 'rater')} × {design.campaign.seconds_per_item:.1f} s per item "
            f"({', '.join(q.format.label() for q in design.questions)}) meets the target {evaluation.target_risk:g} "
            f"with achievable risk {evaluation.achievable:.4f} (floor {evaluation.floor:.4f}) for "
            f"{money(evaluation.cost, currency)} "
            f"({', '.join(constraints)}{notes})."
        )
    if cancelled:
        evaluated = search.checks + search.refinements + search.frontier_evaluations
        return (f"Search cancelled after {search.screened:,} of {search.total:,} designs screened and {evaluated} "
                f"evaluated, before a design that meets the target {search.scenario.target.target_risk:g} was found "
                f"({', '.join(constraints)}{notes}); the frontier shows the designs evaluated so far.")
    if not any_feasible:
        cheapest = "" if cheapest_cost is None else f"; the cheapest design searched costs {money(cheapest_cost, currency)}"
        return f"{prefix}No design satisfies the constraints ({', '.join(constraints)}{notes}){cheapest}."
    return (
        f"{prefix}No design meets the target {search.scenario.target.target_risk:g} within the constraints "
        f"({', '.join(constraints)}{notes}); the frontier shows the lowest floors and achievable risks they allow."
    )
