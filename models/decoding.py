"""What a panel's answers let a decoder achieve, the method §8.1: MAP accuracy and codebooks.

The Fano floor says what no design can beat; this module computes what a given design *achieves*
with a decoder that knows the channel. For one question of ``k`` answers the r-rater vote histogram
``c`` has the kernel ``P(c | x)`` of :func:`models.panel.count_kernel` (herding ρ included), and

* the **MAP accuracy** at the question's prior ``π`` is ``A = Σ_c max_x π(x) P(c | x)``, attained by
  the decoder that picks the most probable answer given the histogram;
* a **codebook** of ``j`` of the ``k`` answers, used with equal probability and decoded by maximum
  likelihood among them, succeeds with probability ``(1/j) Σ_c max_{x ∈ S} P(c | x)``.
  :func:`subset_successes` returns that success for ``j = 1 … k``: for each ``j`` the better of the
  best subset by exhaustive search, where there are few enough subsets (:data:`EXHAUSTIVE_SUBSETS`,
  :data:`EXHAUSTIVE_WORK`), and a nested greedy choice that adds, one answer at a time, the answer
  that raises ``Σ_c max_{x ∈ S} P(c | x)`` most. Nominal (k-ary symmetric) kernels make all subsets of
  one size equivalent, so the first ``j`` answers are used.

Where the histograms of the full panel are too many (more than ``max_outcomes``), every quantity
here is computed on the largest sub-panel ``r0 < r`` that fits: a decoder may ignore raters, so the
accuracy of ``r0`` raters is *achievable* with ``r`` (for the herding mixture too: dropping a rater
from an (r+1)-panel leaves exactly the r-panel) and the result is flagged ``exact=False``.

The module also provides the per-question terms of the random-coding and normal-approximation
analyses of §8.2 (:func:`gallager_terms`, :func:`information_moments`), evaluated on the same
panel kernel at the uniform input law (any input law gives a valid random-coding bound; for the
symmetric formats the uniform one is also capacity-achieving).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from .errors import InvalidArgumentError, check_integer, check_real
from .info import LN2, as_distribution, as_kernel
from .capacity import charge_work
from .memo import batch_cached, with_defaults
from .panel import KERNEL_BUILD_PASSES, _count_kernel, _shared_count_kernel

__all__ = [
    "RHO_GRID",
    "codebook_errors",
    "DECODING_MAX_OUTCOMES",
    "EXHAUSTIVE_WORK",
    "Dimension",
    "PanelDecoding",
    "decoding_panel",
    "map_accuracy",
    "subset_successes",
    "gallager_terms",
    "information_moments",
    "decode_kernel",
    "decode_kernels",
    "decoding_work",
    "joint_dimension",
    "decode_joint",
    "CodebookChoice",
    "codebook_error",
    "hypotheses_log2",
]

#: Gallager's ρ on 50 points of (0, 1] (the method §8.2: a 50-point grid is enough).
RHO_GRID = np.linspace(0.02, 1.0, 50)
#: Largest vote-histogram alphabet on which the decoding quantities are computed exactly.
DECODING_MAX_OUTCOMES = 20_000
#: Exhaustive subset search while there are at most EXHAUSTIVE_SUBSETS subsets of the size and
#: C(k, j) · j · histograms stays below EXHAUSTIVE_WORK (the greedy choice otherwise).
EXHAUSTIVE_WORK = 2_000_000
EXHAUSTIVE_SUBSETS = 1_000
#: Above this many inputs the nested greedy codebook search is lazy (the objective
#: ``Σ_c max_{x ∈ S} P(c | x)`` is submodular, so stale gains bound fresh ones; Minoux 1978):
#: the same choice, ties broken by the lowest index, in a few row passes per pick instead of
#: one per remaining input.
LAZY_GREEDY_INPUTS = 64
#: Under a work cap, Gallager's terms are computed on every RHO_STRIDE-th point of RHO_GRID only;
#: E₀(ρ) = −ln g(ρ) is concave in ρ with E₀(0) = 0 (Gallager 1965, Thm 2), so the chords between
#: computed points are lower bounds on E₀ and the g they give are valid upper bounds.
RHO_STRIDE = 7
#: Economy levels of a decoding under a work cap: 0 exact (full ρ grid, greedy and exhaustive
#: codebook search), 1 Gallager's terms on chords every RHO_STRIDE points, 2 chords every
#: _COARSE_STRIDE points and, for alphabets above LAZY_GREEDY_INPUTS, the nested codebooks of a
#: fixed spread order of the answers instead of the greedy search (any explicit codebook's error
#: is achievable).
_STRIDES = (1, RHO_STRIDE, 25)
#: The last economy level: only the MAP accuracy and spread-order codebooks; Gallager's terms are
#: left at their trivial bound g = 1 (E₀ = 0, no achievability claim), the information terms at
#: 0, and the information at the prior at its upper bound H(π) (the decoding is then not exact).
_MINIMAL_LEVEL = len(_STRIDES)
#: Work per kernel entry of an elementwise pass with logarithms or exponentials, in entry visits
#: (models.capacity.WorkMeter: about 1 ns each; such a pass with its masks takes 4-10 ns an entry
#: on kernels of 10^4 to 10^6 entries).
TRANSCENDENTAL_PASS = 8
#: Work per kernel entry of a decoding beyond the subset search and the histogram kernel's
#: construction: the MAP accuracy (3) and the information moments at the prior and at the uniform
#: law (4 transcendental passes each, measured).
_DECODING_PASSES = 8 * TRANSCENDENTAL_PASS + 3
#: Work per kernel entry and Gallager point (a power, a mask and a sum).
_GALLAGER_PASSES = 6
#: Work charged per candidate the lazy greedy search re-evaluates (its Python overhead, about 9 us,
#: outweighs the row pass of small alphabets), and the re-evaluations per pick it typically needs.
_LAZY_POP_ENTRIES = 9_000
_LAZY_POPS_PER_PICK = 10


@dataclass(frozen=True)
class Dimension:
    """One decoded answer of an item: a question, one decision of a multi-select, or a group of
    questions about the same part of the target.

    Attributes
    ----------
    alphabet : int
        Number of answers the dimension can take, >= 1.
    codebook_success : tuple of float
        Entry ``j - 1``: success probability, in [0, 1], of maximum-likelihood decoding among the
        best found ``j``-subset of answers used with equal probability (entry 0 is 1).
    gallager : tuple of float
        ``g(ρ) = Σ_c [Σ_x p(x) P(c | x)^(1/(1+ρ))]^(1+ρ)`` at the uniform ``p``, one value per
        :data:`RHO_GRID` point, in (0, 1].
    information_nats : float
        ``I(X; C)`` at the uniform input, nats, >= 0.
    information_variance : float
        Variance of the information density ``ln P(c | x)/P(c)`` at the uniform input, nats², >= 0.
    """

    alphabet: int
    codebook_success: tuple[float, ...]
    gallager: tuple[float, ...]
    information_nats: float
    information_variance: float


@dataclass(frozen=True)
class PanelDecoding:
    """What a decoder achieves with one question's panel in one context.

    Attributes
    ----------
    label_accuracy : float
        MAP accuracy ``Σ_c max_x π(x) P(c | x)`` at the question's prior, in [max π, 1]. For a
        multi-select, the probability that every decision is right.
    exact : bool
        False when a sub-panel of ``raters_used < r`` raters was used (an achievable lower bound on
        the accuracy of the full panel).
    raters_used : int
        Raters whose histogram the numbers are computed on.
    dimensions : tuple of Dimension
        One for an ordinary question, ``k`` for a multi-select of ``k`` options.
    prior_information_nats : float
        ``I_π(X; C)``, the mutual information at the prior (summed over a multi-select's decisions),
        nats, >= 0.
    prior_entropy_nats : float
        ``H(π)``, nats.
    log_alphabet : float
        ``ln`` of the number of answers (``k ln 2`` for a multi-select), nats.
    budget_limited : bool
        True when a work cap (``max_work`` of :func:`decode_kernel`) made the computation use
        fewer raters than ``max_outcomes`` allowed, Gallager's terms on chords (:data:`RHO_STRIDE`)
        or spread-order codebooks: every number is then still achievable (accuracies lower, ``g``
        upper bounds, explicit codebooks), only less tight.
    """

    label_accuracy: float
    exact: bool
    raters_used: int
    dimensions: tuple[Dimension, ...]
    prior_information_nats: float
    prior_entropy_nats: float
    log_alphabet: float
    budget_limited: bool = False


# ------------------------------------------------------------------ the panel kernel
def _largest_panel(raters: int, answers: int, max_outcomes: int) -> int:
    size = raters
    while size > 1 and math.comb(size + answers - 1, answers - 1) > max_outcomes:
        size -= 1
    return size


def decoding_panel(
    kernel: object, raters: int, *, correlation: float = 0.0, max_outcomes: int = DECODING_MAX_OUTCOMES
) -> tuple[np.ndarray, int]:
    """The vote-histogram kernel of the largest panel of at most ``raters`` that fits.

    Parameters
    ----------
    kernel : array_like, shape (n_inputs, k)
        One rater's row-stochastic kernel.
    raters : int
        Raters per item ``r``, >= 1.
    correlation : float
        Herding probability ρ, in [0, 1].
    max_outcomes : int
        Largest histogram alphabet, >= 1.

    Returns
    -------
    (panel, raters_used)
        ``panel`` of shape (n_inputs, C(r0 + k - 1, k - 1)), row-stochastic; ``raters_used`` = r0,
        the largest r0 <= r whose histograms number at most ``max_outcomes`` (at least 1).
    """
    matrix = as_kernel("kernel", kernel)
    count = check_integer("raters", raters, low=1)
    rho = check_real("correlation", correlation, low=0.0, high=1.0)
    limit = check_integer("max_outcomes", max_outcomes, low=1)
    used = _largest_panel(count, matrix.shape[1], limit)
    if used == 1:
        return matrix, 1
    return _count_kernel(matrix, used, rho), used


# ------------------------------------------------------------------ accuracy
def map_accuracy(panel: object, prior: object | None = None) -> float:
    """MAP accuracy ``Σ_c max_x π(x) P(c | x)`` of a kernel at a prior.

    Parameters
    ----------
    panel : array_like, shape (n_inputs, n_outputs)
        Row-stochastic kernel.
    prior : array_like of shape (n_inputs,) or None
        Input distribution; uniform when None.

    Returns
    -------
    float
        In [max π, 1].
    """
    matrix = as_kernel("panel", panel)
    weights = _prior(prior, matrix.shape[0])
    return _map_accuracy(matrix, weights)


def _prior(prior: object | None, size: int) -> np.ndarray:
    if prior is None:
        return np.full(size, 1.0 / size)
    weights = as_distribution("prior", prior)
    if weights.shape[0] != size:
        raise InvalidArgumentError(f"prior must have {size} entries, got {weights.shape[0]}")
    return weights


def _map_accuracy(matrix: np.ndarray, weights: np.ndarray) -> float:
    return float(_map_accuracies(matrix[None], weights[None])[0])


def _map_accuracies(panels: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """:func:`_map_accuracy` of a stack of kernels ``(count, inputs, outputs)`` and their priors
    ``(count, inputs)``; each value is the one its kernel gives alone."""
    return np.minimum(1.0, (weights[:, :, None] * panels).max(axis=1).sum(axis=1))


def _is_symmetric(matrix: np.ndarray) -> bool:
    size = matrix.shape[0]
    if matrix.shape[1] != size or size < 2:
        return False
    diagonal = np.diag(matrix)
    off = matrix[~np.eye(size, dtype=bool)]
    return bool(np.ptp(diagonal) <= 1e-14 and np.ptp(off) <= 1e-14)


def subset_successes(panel: object, *, symmetric: bool | None = None) -> tuple[float, ...]:
    """Maximum-likelihood success of the best found ``j``-answer codebook, ``j = 1 … n_inputs``.

    Parameters
    ----------
    panel : array_like, shape (n_inputs, n_outputs)
        Row-stochastic kernel (a panel's histogram kernel).
    symmetric : bool or None
        True when relabelling the inputs leaves the kernel's subsets equivalent (k-ary symmetric
        single-rater kernels and their panels); None detects a k-ary symmetric square kernel.

    Returns
    -------
    tuple of float
        Entry ``j - 1`` in [1/j, 1]; entry 0 is 1. Non-increasing in ``j`` is not guaranteed for
        the greedy choice, but each entry is the exact success of an explicit codebook.
    """
    matrix = as_kernel("panel", panel)
    if symmetric is None:
        symmetric = _is_symmetric(matrix)
    return _subset_successes(matrix, bool(symmetric))


def _subset_successes(matrix: np.ndarray, symmetric: bool, spread: bool = False) -> tuple[float, ...]:
    return _subset_successes_many(matrix[None], symmetric, spread)[0]


#: Most entries of the subsets' stacked rows the exhaustive search gathers at once.
_EXHAUSTIVE_CHUNK = 300_000


@lru_cache(maxsize=256)
def _combinations(inputs: int, size: int) -> np.ndarray:
    """All ``size``-subsets of ``range(inputs)`` in lexicographic order, one per row (read-only)."""
    index = np.array(list(itertools.combinations(range(inputs), size)), dtype=np.int64)
    index.setflags(write=False)
    return index


def _subset_successes_many(panels: np.ndarray, symmetric: bool, spread: bool = False) -> list[tuple[float, ...]]:
    """:func:`_subset_successes` of a stack of kernels ``(count, inputs, outputs)``, one tuple per
    kernel, each the one the kernel gives alone (the searches act on each kernel's own rows)."""
    count, inputs, outputs = panels.shape
    if spread and not symmetric and inputs > LAZY_GREEDY_INPUTS:
        # Nested codebooks in a golden-ratio order of the answers (spread over the index range).
        order = np.argsort((np.arange(inputs) * 0.6180339887498949) % 1.0, kind="stable")
        charge_work(TRANSCENDENTAL_PASS * panels.size)
        running = np.maximum.accumulate(panels[:, order], axis=1).sum(axis=2)
        return [(1.0,) + tuple(float(min(1.0, row[j - 1] / j)) for j in range(2, inputs + 1)) for row in running]
    if symmetric:
        charge_work(TRANSCENDENTAL_PASS * panels.size)
        running = np.maximum.accumulate(panels, axis=1).sum(axis=2)
        return [tuple(float(min(1.0, row[j - 1] / j)) for j in range(1, inputs + 1)) for row in running]
    eligible = [size for size in range(2, inputs + 1)
                if math.comb(inputs, size) <= EXHAUSTIVE_SUBSETS
                and math.comb(inputs, size) * size * outputs <= EXHAUSTIVE_WORK]
    if eligible == list(range(2, inputs + 1)):
        # Every size is searched exhaustively, level by level. The greedy codebook of a size is one
        # of the subsets searched, so the best of them is at least as good: the search alone gives
        # the same numbers.
        charge_work(3.0 * inputs * (inputs + 1) / 2.0 * outputs * count)
        best_totals = {size: totals.max(axis=1) for size, totals in _level_totals(panels, inputs).items()}
        return [(1.0,) + tuple(min(1.0, float(best_totals[size][kernel]) / size) for size in range(2, inputs + 1))
                for kernel in range(count)]
    if inputs > LAZY_GREEDY_INPUTS:
        greedy = [[0.0] + _lazy_greedy_totals(matrix) for matrix in panels]
    else:
        greedy = [[0.0] + totals for totals in _greedy_totals_many(panels)]
    exhaustive = _exhaustive_totals(panels, eligible)
    best = [[1.0] for _ in range(count)]
    for size in range(2, inputs + 1):
        for kernel in range(count):
            total = greedy[kernel][size]
            if size in exhaustive:
                total = max(total, float(exhaustive[size][kernel]))
            best[kernel].append(min(1.0, total / size))
    return [tuple(values) for values in best]


@lru_cache(maxsize=256)
def _subset_level(inputs: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``size``-subsets of ``range(inputs)`` as ``(parent, added)``: each is the
    ``(size - 1)``-subset ``parent`` (an index into the previous level, level 1 being the single
    answers in order) plus the answer ``added``, larger than all of the parent's."""
    previous = [(x,) for x in range(inputs)] if size == 2 else [tuple(s) for s in _level_subsets(inputs, size - 1)]
    parent, added = [], []
    for index, subset in enumerate(previous):
        for answer in range(subset[-1] + 1, inputs):
            parent.append(index)
            added.append(answer)
    arrays = np.array(parent, dtype=np.int64), np.array(added, dtype=np.int64)
    for array in arrays:
        array.setflags(write=False)
    return arrays


@lru_cache(maxsize=256)
def _level_subsets(inputs: int, size: int) -> np.ndarray:
    """The subsets of :func:`_subset_level` ``(inputs, size)``, one per row, in its order."""
    if size == 1:
        return np.arange(inputs, dtype=np.int64)[:, None]
    parent, added = _subset_level(inputs, size)
    return np.column_stack((_level_subsets(inputs, size - 1)[parent], added))


def _exhaustive_totals(panels: np.ndarray, sizes: list[int]) -> dict[int, np.ndarray]:
    """Per size, the best ``Σ_c max_{x ∈ S} P(c | x)`` over all subsets ``S`` of that size, for
    each kernel of the stack (the exhaustive search of :func:`_subset_successes`).

    While the sizes run 2, 3, … without a gap, the subsets of each size are built from those of the
    size before, one ``max`` with a row each (``Σ_j C(n, j)`` row passes instead of
    ``Σ_j j C(n, j)``); maxima are exact, so the totals are the same numbers as gathering each
    subset's rows. Other sizes within :data:`_COMPLEMENT_DEPTH` of all the answers go through the
    answers left out (:func:`_totals_by_complement`), the rest gather their subsets' rows."""
    count, inputs, outputs = panels.shape
    totals: dict[int, np.ndarray] = {}
    for size in sizes:
        charge_work(3.0 * math.comb(inputs, size) * size * outputs * count)
    prefix = 1
    while prefix + 1 in sizes:
        prefix += 1
    if prefix >= 2:
        totals.update({size: level.max(axis=1) for size, level in _level_totals(panels, prefix).items()})
    near_all = [size for size in sizes if size not in totals and inputs - size <= _COMPLEMENT_DEPTH]
    if near_all:
        totals.update(_totals_by_complement(panels, near_all))
    for size in sizes:
        if size in totals:
            continue
        index = _combinations(inputs, size)
        subsets = index.shape[0]
        chunk = max(1, _EXHAUSTIVE_CHUNK // (subsets * size * outputs))
        totals[size] = np.concatenate([panels[start:start + chunk][:, index].max(axis=2).sum(axis=2).max(axis=1)
                                       for start in range(0, count, chunk)])
    return totals


#: Sizes within this many answers of all of them are searched through the answers left out.
_COMPLEMENT_DEPTH = 3


def _level_totals(panels: np.ndarray, top: int) -> dict[int, np.ndarray]:
    """``Σ_c max_{x ∈ S} P(c | x)`` of every subset ``S`` of 2 … ``top`` answers, per kernel: shape
    ``(count, C(n, size))`` per size, subsets in :func:`_level_subsets` order. Each size is built
    from the one before: every subset extended by every larger answer, one ``max`` of its row with a
    contiguous slice of the kernel's rows."""
    count, inputs, outputs = panels.shape
    widest = max(math.comb(inputs, size) for size in range(2, top + 1))
    chunk = max(1, _EXHAUSTIVE_CHUNK // (widest * outputs))
    parts: dict[int, list[np.ndarray]] = {size: [] for size in range(2, top + 1)}
    for start in range(0, count, chunk):
        block = panels[start:start + chunk]
        running, largest = block, np.arange(inputs)
        for size in range(2, top + 1):
            _, added = _subset_level(inputs, size)
            level = np.empty((block.shape[0], added.shape[0], outputs))
            position = 0
            for parent, last in enumerate(largest):
                children = inputs - 1 - last
                if children:
                    np.maximum(running[:, parent, None, :], block[:, last + 1:, :],
                               out=level[:, position:position + children])
                    position += children
            parts[size].append(level.sum(axis=2))
            running, largest = level, added
    return {size: np.concatenate(values) for size, values in parts.items()}


def _totals_by_complement(panels: np.ndarray, sizes: list[int]) -> dict[int, np.ndarray]:
    """:func:`_exhaustive_totals` for sizes ``n - t``, ``t <= _COMPLEMENT_DEPTH``, through the
    ``t`` answers left out.

    Sort each outcome's ``P(c | x)`` over ``x``: ``m_1 >= m_2 >= …`` at answers ``i_1, i_2, …``.
    Without the answers ``R``, the largest left is ``m_{s+1}`` where ``i_1 … i_s`` are all in ``R``
    and ``i_{s+1}`` is not, so

        T(all but R) = sum_c m_1(c) - sum_{s=1..t} sum_{Q ⊆ R, |Q| = s} W_s(Q),

    ``W_s(Q)`` the sum of ``m_s - m_{s+1}`` over the outcomes whose ``s`` largest answers are ``Q``:
    one sort and ``t`` weighted counts for all subsets of a size instead of a pass over the outcomes
    per subset. The totals equal the direct ones to rounding (the search keeps the best value; which
    subset attains it is not used)."""
    count, inputs, outputs = panels.shape
    depth = max(inputs - size for size in sizes) + 1
    full = panels.max(axis=1).sum(axis=1)
    if depth == 1:
        return {inputs: full}
    # The depth largest of each outcome, in order (which of equal values comes first does not
    # matter: the differences between them are 0).
    order = np.argpartition(-panels, list(range(depth)), axis=1)[:, :depth, :]
    values = np.take_along_axis(panels, order, axis=1)
    # weights[s][kernel, code of the sorted s answers]: the W_s above, s = 1 .. depth - 1.
    weights = {}
    for s in range(1, depth):
        tops = np.sort(order[:, :s, :], axis=1)
        codes = np.zeros((count, outputs), dtype=np.int64)
        for rank in range(s):
            codes = codes * inputs + tops[:, rank, :]
        codes += (np.arange(count, dtype=np.int64) * inputs**s)[:, None]
        steps = values[:, s - 1, :] - values[:, s, :]
        weights[s] = np.bincount(codes.ravel(), weights=steps.ravel(), minlength=count * inputs**s).reshape(
            count, inputs**s)
    totals = {}
    for size in sizes:
        left_out = inputs - size
        if left_out == 0:
            totals[size] = full
            continue
        removed = _combinations(inputs, left_out)
        lost = np.zeros((count, removed.shape[0]))
        for s in range(1, left_out + 1):
            for positions in itertools.combinations(range(left_out), s):
                codes = np.zeros(removed.shape[0], dtype=np.int64)
                for position in positions:
                    codes = codes * inputs + removed[:, position]
                lost += weights[s][:, codes]
        totals[size] = (full[:, None] - lost).max(axis=1)
    return totals


def _greedy_totals(matrix: np.ndarray) -> list[float]:
    """``Σ_c max_{x ∈ S_j} P(c | x)`` of the greedy nested subsets ``S_1 ⊂ S_2 ⊂ …``."""
    return _greedy_totals_many(matrix[None])[0]


def _greedy_totals_many(panels: np.ndarray) -> list[list[float]]:
    """:func:`_greedy_totals` of each kernel of a stack ``(count, inputs, outputs)``: at every step
    each kernel adds the answer that raises its total most (the lowest index among equals).

    The rows not yet chosen are kept packed at the front of a working copy (a chosen row's slot
    takes the last remaining row), and each candidate's total is the sum over its own contiguous
    row, so the totals are the same numbers as one candidate at a time; ties go to the lowest
    original index, as ``argmax`` over the answers in order would give them."""
    count, inputs, outputs = panels.shape
    rows = np.array(panels, dtype=float, order="C")
    order = np.tile(np.arange(inputs), (count, 1))
    current = np.zeros((count, outputs))
    scratch = np.empty((count, inputs, outputs))
    kernels = np.arange(count)
    totals_chosen = np.empty((count, inputs))
    for step in range(inputs):
        remaining = inputs - step
        charge_work(3.0 * remaining * outputs * count)
        candidates = scratch[:, :remaining]
        np.maximum(current[:, None, :], rows[:, :remaining], out=candidates)
        totals = candidates.sum(axis=2)
        best = totals.max(axis=1, keepdims=True)
        # The lowest original index among the candidates with the best total.
        slot = np.argmin(np.where(totals == best, order[:, :remaining], inputs), axis=1)
        totals_chosen[:, step] = totals[kernels, slot]
        np.maximum(current, rows[kernels, slot], out=current)
        last = remaining - 1
        rows[kernels, slot] = rows[kernels, last]
        order[kernels, slot] = order[kernels, last]
    return [[float(value) for value in row] for row in totals_chosen]


def _lazy_greedy_totals(matrix: np.ndarray) -> list[float]:
    """The totals of :func:`_greedy_totals` by lazy evaluation of the marginal gains."""
    import heapq

    inputs, outputs = matrix.shape
    current = np.zeros(outputs)
    current_total = 0.0
    charge_work(matrix.size)
    heap = [(-float(total), x) for x, total in enumerate(matrix.sum(axis=1))]
    heapq.heapify(heap)
    totals_chosen = []
    while heap:
        _, x = heapq.heappop(heap)
        charge_work(max(outputs, _LAZY_POP_ENTRIES))
        total = float(np.maximum(current, matrix[x]).sum())
        key = (-(total - current_total), x)
        if heap and key > heap[0]:
            heapq.heappush(heap, key)
            continue
        current = np.maximum(current, matrix[x])
        current_total = total
        totals_chosen.append(total)
    return totals_chosen


# ------------------------------------------------------------ random coding terms
def gallager_terms(panel: object, input_law: object | None = None, rhos: object | None = None) -> np.ndarray:
    """``g(ρ) = Σ_c [Σ_x p(x) P(c | x)^(1/(1+ρ))]^(1+ρ)`` (Gallager 1965), so ``E₀(ρ) = −ln g(ρ)``.

    Parameters
    ----------
    panel : array_like, shape (n_inputs, n_outputs)
        Row-stochastic kernel.
    input_law : array_like or None
        Input distribution ``p``; uniform when None.
    rhos : array_like or None
        Values of ρ in [0, 1]; :data:`RHO_GRID` when None.

    Returns
    -------
    numpy.ndarray
        ``g`` at each ρ, in (0, 1].
    """
    matrix = as_kernel("panel", panel)
    law = _prior(input_law, matrix.shape[0])
    grid = RHO_GRID if rhos is None else np.asarray(rhos, dtype=float)
    return _gallager_terms(matrix, law, grid)


def _gallager_terms(matrix: np.ndarray, law: np.ndarray, grid: np.ndarray) -> np.ndarray:
    return _gallager_terms_many(matrix[None], law[None], grid)[0]


def _gallager_terms_many(panels: np.ndarray, laws: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """:func:`_gallager_terms` of a stack of kernels ``(count, inputs, outputs)`` at their input
    laws ``(count, inputs)``: shape ``(count, len(grid))``, each row the kernel's own."""
    charge_work(_GALLAGER_PASSES * panels.size * grid.shape[0])
    positive = panels > 0.0
    log_kernel = np.log(np.where(positive, panels, 1.0))
    values = np.empty((panels.shape[0], grid.shape[0]))
    log_law = np.log(np.where(laws > 0, laws, 1.0))
    for i, rho in enumerate(grid):
        power = 1.0 / (1.0 + rho)
        terms = np.where(positive, np.exp(log_law[:, :, None] + power * log_kernel), 0.0)
        terms[laws <= 0] = 0.0
        values[:, i] = (terms.sum(axis=1) ** (1.0 + rho)).sum(axis=1)
    return np.clip(values, np.finfo(float).tiny, 1.0)


def _gallager_terms_on_chords(matrix: np.ndarray, law: np.ndarray, grid: np.ndarray, stride: int) -> np.ndarray:
    """Upper bounds on ``g(ρ)`` at every grid point from its exact values at every ``stride``-th
    point (the last included): ``E₀`` on the chords of its concave graph through ``(0, 0)`` and
    the computed points, which lie below it. Equal to :func:`_gallager_terms` for ``stride`` 1."""
    return _gallager_terms_on_chords_many(matrix[None], law[None], grid, stride)[0]


def _gallager_terms_on_chords_many(panels: np.ndarray, laws: np.ndarray, grid: np.ndarray,
                                   stride: int) -> np.ndarray:
    """:func:`_gallager_terms_on_chords` of a stack of kernels, one row each."""
    computed = np.unique(np.concatenate((np.arange(stride - 1, grid.shape[0], stride), [grid.shape[0] - 1])))
    exponents = -np.log(_gallager_terms_many(panels, laws, grid[computed]))
    rows = []
    for row in exponents:
        chord = np.interp(grid, np.concatenate(([0.0], grid[computed])), np.concatenate(([0.0], row)))
        chord[computed] = row
        rows.append(np.clip(np.exp(-chord), np.finfo(float).tiny, 1.0))
    return np.array(rows)


def information_moments(panel: object, input_law: object | None = None) -> tuple[float, float]:
    """Mean and variance of the information density ``ln P(c | x) / P(c)``, nats and nats².

    The mean is ``I(X; C)`` at the input law; the variance at a capacity-achieving law is the
    channel dispersion of Polyanskiy, Poor & Verdú (2010).
    """
    matrix = as_kernel("panel", panel)
    law = _prior(input_law, matrix.shape[0])
    return _information_moments(matrix, law)


def _information_moments(matrix: np.ndarray, law: np.ndarray) -> tuple[float, float]:
    means, variances = _information_moments_many(matrix[None], law[None])
    return float(means[0]), float(variances[0])


def _information_moments_many(panels: np.ndarray, laws: np.ndarray, *,
                               variance: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """:func:`_information_moments` of a stack of kernels ``(count, inputs, outputs)`` at their laws
    ``(count, inputs)``: means and variances (None unless ``variance``), each the kernel's own."""
    charge_work(4.0 * TRANSCENDENTAL_PASS * panels.size)
    count = panels.shape[0]
    output = np.matmul(laws[:, None, :], panels)[:, 0, :]
    joint = laws[:, :, None] * panels
    mask = joint > 0.0
    # ln(P(c | x) / P(c)) where the joint law has mass, 0 elsewhere (ln 1).
    density = np.log(np.divide(panels, output[:, None, :], out=np.ones_like(panels), where=mask))
    joint, density = joint.reshape(count, -1), density.reshape(count, -1)
    mean = (joint * density).sum(axis=1)
    if not variance:
        return np.maximum(0.0, mean), None
    spread = (joint * (density - mean[:, None]) ** 2).sum(axis=1)
    return np.maximum(0.0, mean), np.maximum(0.0, spread)


def _entropy(weights: np.ndarray) -> float:
    positive = weights[weights > 0]
    return float(-(positive * np.log(positive)).sum())


# ------------------------------------------------------------------ one question
def _dimension(panel: np.ndarray, symmetric: bool, coding_terms: bool = True, level: int = 0) -> Dimension:
    return _dimensions(panel[None], symmetric, coding_terms, level)[0]


def _dimensions(panels: np.ndarray, symmetric: bool, coding_terms: bool = True, level: int = 0) -> list[Dimension]:
    """:func:`_dimension` of each kernel of a stack ``(count, inputs, outputs)``."""
    count, inputs, _ = panels.shape
    successes = _subset_successes_many(panels, symmetric, level >= 2)
    if coding_terms and level == _MINIMAL_LEVEL:
        return [Dimension(inputs, success, (1.0,) * RHO_GRID.shape[0], 0.0, 0.0) for success in successes]
    if not coding_terms:
        return [Dimension(inputs, success, (), 0.0, 0.0) for success in successes]
    uniform = np.full((count, inputs), 1.0 / inputs)
    means, variances = _information_moments_many(panels, uniform)
    stride = _STRIDES[level]
    gallager = (_gallager_terms_many(panels, uniform, RHO_GRID) if stride == 1
                else _gallager_terms_on_chords_many(panels, uniform, RHO_GRID, stride))
    return [
        Dimension(
            alphabet=inputs,
            codebook_success=success,
            gallager=tuple(float(v) for v in terms),
            information_nats=float(mean),
            information_variance=float(variance),
        )
        for success, terms, mean, variance in zip(successes, gallager, means, variances)
    ]


def decode_kernel(
    kernel: np.ndarray,
    raters: int,
    correlation: float,
    prior: tuple[float, ...] | None,
    *,
    copies: int = 1,
    symmetric: bool = False,
    max_outcomes: int = DECODING_MAX_OUTCOMES,
    coding_terms: bool = True,
    max_work: float | None = None,
) -> PanelDecoding:
    """Decoding quantities of ``copies`` independent decisions, each a panel of ``raters`` on
    ``kernel`` (``copies > 1``: a multi-select of that many options, each with this kernel).

    Parameters
    ----------
    kernel : numpy.ndarray, shape (k, k_out)
        One rater's composite kernel of one decision.
    raters : int
        Raters per item, >= 1.
    correlation : float
        Herding ρ, in [0, 1].
    prior : tuple of float or None
        Prior of one decision's answers; uniform when None.
    copies : int
        Independent decisions, >= 1.
    symmetric : bool
        True for k-ary symmetric kernels (all codebooks of one size are equivalent).
    max_outcomes : int
        Largest histogram alphabet computed exactly.
    coding_terms : bool
        Also compute the random-coding terms of each dimension (``gallager``, the information
        moments); False leaves them empty (a design point of a curve needs only the codebook).
    max_work : float or None
        Most kernel entry visits to spend (:class:`models.capacity.WorkMeter`, estimated from the
        kernel sizes before the work is done), > 0; None for no limit beyond ``max_outcomes``.
        The largest sub-panel whose decoding fits is used, first exactly, else with Gallager's terms
        on chords, else also with spread-order codebooks for large alphabets; one rater at the
        last level is the least (``budget_limited`` says when the cap decided).
    """
    return _decode_kernels(*_decoding_key(locals()))


def decode_kernels(requests: Sequence[Mapping[str, Any]]) -> list[PanelDecoding]:
    """:func:`decode_kernel` of many panels at once (a curve's points), each request the keyword
    arguments of one call; panels of one shape are decoded as one stack. Each result is the one
    :func:`decode_kernel` returns for that request alone, to the last bit, and both share one cache.
    """
    return _decode_kernels.many([_decoding_key(with_defaults(decode_kernel, request)) for request in requests])


def _decoding_key(arguments: Mapping[str, Any], *, checked: bool = False) -> tuple:
    """The checked arguments of :func:`decode_kernel` (``arguments``: all of them, by name, as
    :func:`models.memo.with_defaults` gives them), as a key of :func:`_decode_kernels`.

    ``checked`` passes a kernel the models built themselves (row-stochastic, float64) as it is:
    :func:`models.info.as_kernel` renormalises the rows, which moves entries by an ulp and would
    make the panel a different one from the panel its capacity was computed on."""
    kernel = arguments["kernel"]
    matrix = np.ascontiguousarray(kernel, dtype=float) if checked else as_kernel("kernel", kernel)
    count = check_integer("raters", arguments["raters"], low=1)
    rho = check_real("correlation", arguments["correlation"], low=0.0, high=1.0)
    copies = check_integer("copies", arguments["copies"], low=1)
    max_work = arguments["max_work"]
    work = math.inf if max_work is None else check_real("max_work", max_work, low=0.0, low_open=True)
    return (matrix.tobytes(), matrix.shape, count, rho, arguments["prior"], copies, arguments["symmetric"],
            arguments["max_outcomes"], bool(arguments["coding_terms"]), work)


def decoding_work(inputs: int, outcomes: int, *, symmetric: bool, coding_terms: bool, level: int = 0) -> float:
    """Estimated kernel entry visits of decoding one ``inputs`` x ``outcomes`` panel (>= 1 each) at
    an economy level (0 exact, 1 or 2: see :data:`_STRIDES`)."""
    build = 0.0 if outcomes == inputs else float(KERNEL_BUILD_PASSES)
    if level == _MINIMAL_LEVEL:
        return float(inputs) * outcomes * (3.0 + TRANSCENDENTAL_PASS + build)
    rho_stride = _STRIDES[level]
    if symmetric or (level >= 2 and inputs > LAZY_GREEDY_INPUTS):
        subset = float(TRANSCENDENTAL_PASS)
    elif inputs > LAZY_GREEDY_INPUTS:
        subset = 1.0 + _LAZY_POPS_PER_PICK * max(1.0, _LAZY_POP_ENTRIES / outcomes)
    else:
        # The greedy search reads (inputs + 1) / 2 rows per input on average, 3 visits each; the
        # exhaustive search of the sizes with few subsets reads C(k, j) j rows for size j.
        subset = 3.0 * (inputs + 1) / 2.0
        for size in range(2, inputs + 1):
            subsets = math.comb(inputs, size)
            if subsets <= EXHAUSTIVE_SUBSETS and subsets * size * outcomes <= EXHAUSTIVE_WORK:
                subset += 3.0 * subsets * size / inputs
    points = len(range(rho_stride - 1, RHO_GRID.shape[0], rho_stride)) + 1 if rho_stride > 1 else RHO_GRID.shape[0]
    gallager = _GALLAGER_PASSES * points if coding_terms else 0.0
    # Without the coding terms the information moments are computed once (at the prior), not twice.
    passes = _DECODING_PASSES if coding_terms else _DECODING_PASSES - 4 * TRANSCENDENTAL_PASS
    return float(inputs) * outcomes * (passes + subset + gallager + build)


def _budget_panel(raters: int, inputs: int, answers: int, max_outcomes: int, max_work: float, symmetric: bool,
                  coding_terms: bool) -> tuple[int, int, bool]:
    """``(raters used, economy level, limited)`` of a decoding under ``max_work``: the most raters
    first (they set the achievable accuracy), then the least economy; one rater at the highest
    level when nothing fits."""
    used = _largest_panel(raters, answers, max_outcomes)
    if math.isinf(max_work):
        return used, 0, False

    def cost(size: int, level: int) -> float:
        return decoding_work(inputs, math.comb(size + answers - 1, answers - 1), symmetric=symmetric,
                             coding_terms=coding_terms, level=level)

    levels = range(_MINIMAL_LEVEL + 1)
    for level in levels:
        size = used
        while size > 1 and cost(size, level) > max_work:
            size -= 1
        if cost(size, level) <= max_work and (size == used or level == levels[-1]):
            return size, level, size < used or level > 0
    return 1, levels[-1], True


def _decode_kernel(
    kernel_bytes: bytes,
    shape: tuple[int, int],
    raters: int,
    rho: float,
    prior: tuple[float, ...] | None,
    copies: int,
    symmetric: bool,
    max_outcomes: int,
    coding_terms: bool,
    max_work: float = math.inf,
) -> PanelDecoding:
    return _decode_kernels(kernel_bytes, shape, raters, rho, prior, copies, symmetric, max_outcomes, coding_terms,
                           max_work)


@batch_cached(maxsize=4096)
def _decode_kernels(keys: list[tuple]) -> list[PanelDecoding]:
    """:func:`decode_kernel` of checked argument tuples ``(kernel_bytes, shape, raters, rho, prior,
    copies, symmetric, max_outcomes, coding_terms, max_work)``, the panels decoded together."""
    plans = [_budget_panel(raters, shape[0], shape[1], max_outcomes, max_work, symmetric, coding_terms)
             for _, shape, raters, _, _, _, symmetric, max_outcomes, coding_terms, max_work in keys]
    decodings = _decode_panels.many([
        (kernel_bytes, shape, used, rho, prior, copies, symmetric, coding_terms, level)
        for (kernel_bytes, shape, _, rho, prior, copies, symmetric, _, coding_terms, _), (used, level, _) in zip(keys, plans)
    ])
    return [dataclasses.replace(decoding, exact=decoding.exact and used == key[2], budget_limited=limited)
            for key, decoding, (used, _, limited) in zip(keys, decodings, plans)]


def _decode_panel(
    kernel_bytes: bytes,
    shape: tuple[int, int],
    used: int,
    rho: float,
    prior: tuple[float, ...] | None,
    copies: int,
    symmetric: bool,
    coding_terms: bool,
    level: int,
) -> PanelDecoding:
    """The decoding of exactly ``used`` raters (cached on that: every larger panel that falls back
    to the same sub-panel shares it)."""
    return _decode_panels(kernel_bytes, shape, used, rho, prior, copies, symmetric, coding_terms, level)


@batch_cached(maxsize=4096)
def _decode_panels(keys: list[tuple]) -> list[PanelDecoding]:
    """:func:`_decode_panel` of argument tuples, the panels of one shape and kind decoded as one
    stack (each result the one its panel gives alone)."""
    results: list[PanelDecoding | None] = [None] * len(keys)
    groups: dict[tuple, list[tuple[int, np.ndarray]]] = {}
    for index, (kernel_bytes, shape, used, rho, _, _, symmetric, coding_terms, level) in enumerate(keys):
        matrix = np.frombuffer(kernel_bytes, dtype=float).reshape(shape)
        panel = matrix if used == 1 else _shared_count_kernel(matrix, used, rho)
        groups.setdefault((panel.shape, symmetric, coding_terms, level), []).append((index, panel))
    for (panel_shape, symmetric, coding_terms, level), members in groups.items():
        panels = np.stack([panel for _, panel in members])
        weights = np.stack([_prior(keys[index][4], panel_shape[0]) for index, _ in members])
        charge_work(3.0 * panels.size)
        accuracies = _map_accuracies(panels, weights)
        minimal = level == _MINIMAL_LEVEL
        information = None if minimal else _information_moments_many(panels, weights, variance=False)[0]
        dimensions = _dimensions(panels, symmetric, coding_terms, level)
        for position, (index, _) in enumerate(members):
            _, shape, used, _, _, copies, _, _, _ = keys[index]
            entropy = _entropy(weights[position])
            results[index] = PanelDecoding(
                label_accuracy=float(accuracies[position])**copies,
                exact=not minimal,
                raters_used=used,
                dimensions=(dimensions[position],) * copies,
                prior_information_nats=copies * (entropy if information is None else float(information[position])),
                prior_entropy_nats=copies * entropy,
                log_alphabet=copies * math.log(shape[0]),
            )
    return results  # type: ignore[return-value]


@batch_cached(maxsize=4096)
def _codebook_kernels(keys: list[tuple]) -> list[tuple[Dimension, ...]]:
    """The dimensions alone of :func:`_decode_kernels` keys with ``coding_terms`` False: what a
    point of a curve needs (its codebook's successes), without the MAP accuracy and the
    information at the prior. The same :func:`_dimensions`, so the same numbers as the
    dimensions of :func:`_decode_kernels`."""
    plans = [_budget_panel(raters, shape[0], shape[1], max_outcomes, max_work, symmetric, False)
             for _, shape, raters, _, _, _, symmetric, max_outcomes, _, max_work in keys]
    dimensions = _codebook_panels.many([(kernel_bytes, shape, used, rho, symmetric, level)
                                        for (kernel_bytes, shape, _, rho, _, _, symmetric, _, _, _), (used, level, _)
                                        in zip(keys, plans)])
    return [(dimension,) * key[5] for key, dimension in zip(keys, dimensions)]


@batch_cached(maxsize=4096)
def _codebook_panels(keys: list[tuple]) -> list[Dimension]:
    """The :func:`_dimensions` (no coding terms) of panels ``(kernel_bytes, shape, used, rho,
    symmetric, level)``, the panels of one shape and kind as one stack."""
    results: list[Dimension | None] = [None] * len(keys)
    groups: dict[tuple, list[tuple[int, np.ndarray]]] = {}
    for index, (kernel_bytes, shape, used, rho, symmetric, level) in enumerate(keys):
        matrix = np.frombuffer(kernel_bytes, dtype=float).reshape(shape)
        panel = matrix if used == 1 else _shared_count_kernel(matrix, used, rho)
        groups.setdefault((panel.shape, symmetric, level), []).append((index, panel))
    for (_, symmetric, level), members in groups.items():
        dimensions = _dimensions(np.stack([panel for _, panel in members]), symmetric, False, level)
        for (index, _), dimension in zip(members, dimensions):
            results[index] = dimension
    return results  # type: ignore[return-value]


def joint_dimension(panels: list[np.ndarray], *, max_outcomes: int = DECODING_MAX_OUTCOMES) -> tuple[np.ndarray, bool]:
    """The joint kernel of several panels answering about the same truth (a split question).

    ``P(c_1, …, c_n | x) = Π_i P_i(c_i | x)`` (panels independent given the truth). When the product
    alphabet exceeds ``max_outcomes``, the most accurate single panel is returned instead (a decoder
    may ignore the others), flagged False.

    Returns
    -------
    (kernel, exact)
    """
    if not panels:
        raise InvalidArgumentError("panels must hold at least one kernel")
    inputs = panels[0].shape[0]
    if any(p.shape[0] != inputs for p in panels):
        raise InvalidArgumentError("panels must share their inputs (the same part of the target)")
    if math.prod(p.shape[1] for p in panels) > max_outcomes:
        best = max(panels, key=lambda p: _map_accuracy(p, np.full(inputs, 1.0 / inputs)))
        return best, False
    joint = panels[0]
    for panel in panels[1:]:
        joint = (joint[:, :, None] * panel[:, None, :]).reshape(inputs, -1)
    return joint, True


# ------------------------------------------------------------------ codebooks
@dataclass(frozen=True)
class CodebookChoice:
    """The codebook behind the achievable error of a log₂ M target, the method §8.1.

    Attributes
    ----------
    error : float
        Error probability of the codebook's maximum-likelihood decoder, in [0, 1 − 1/⌈M⌉]
        (an upper bound on the MAP error of the best ⌈M⌉-codeword code over these answers).
    sizes : tuple of int
        Answers used per dimension (the product code's factors).
    log2_hypotheses : float
        ``log₂ ⌈M⌉``, bits.
    log2_expressible : float
        ``log₂ N``, N = Π alphabets: the tuples the interface can express, bits.
    """

    error: float
    sizes: tuple[int, ...]
    log2_hypotheses: float
    log2_expressible: float

    @property
    def expressible(self) -> bool:
        """True when the interface can give every hypothesis its own answer tuple (M ≤ N)."""
        return self.log2_expressible >= self.log2_hypotheses - 1e-12


#: Bins of the accumulated log₂ codebook size in the size choice (a choice heuristic only: the
#: chosen code's error is evaluated exactly).
CODEBOOK_BINS = 256


def hypotheses_log2(log2_m: float) -> float:
    """``log₂ ⌈2^log2_m⌉``: a target of non-integer M is decoded among ⌈M⌉ hypotheses."""
    bits = check_real("log2_m", log2_m, low=0.0)
    if bits > 52.0:
        return bits  # ⌈M⌉ = M to double precision
    return math.log2(math.ceil(2.0**bits - 1e-9))


def codebook_error(
    dimensions: list[list[Dimension]], weights: object, log2_m: float, *, bins: int = CODEBOOK_BINS
) -> CodebookChoice:
    """Achievable error of a target of ``log2_m`` bits per item through these answers.

    The code is a product code: dimension ``d`` uses ``j_d`` of its answers (the subsets of
    :func:`subset_successes`), every tuple of the product is a codeword, and hypotheses are spread
    over the codewords as evenly as possible. With ``M' = Π j_d`` codewords and ⌈M⌉ hypotheses the
    decoder (product maximum likelihood, context known) is right with probability
    ``min(1, M'/⌈M⌉) · Σ_s w_s Π_d s_{d,s}(j_d)``: when ``M' ≥ ⌈M⌉`` the ⌈M⌉ codewords decoded best
    do at least as well as the average codeword; when ``M' < ⌈M⌉`` each codeword carries several
    hypotheses and a right codeword is the right hypothesis with probability ``M'/⌈M⌉`` (the
    method's ``1 − (N/M)(1 − P_err)`` where the interface cannot express the target).

    The sizes are those of the best product code, found by trying every size tuple while there are
    at most :data:`EXHAUSTIVE_CODES`, beyond that by a dynamic programme over the dimensions on
    :data:`CODEBOOK_BINS` bins of ``log₂ M'`` (all answers when ``M ≥ N``, since ``j · s(j)`` never
    falls with ``j``); the chosen code's error is then computed exactly.

    Parameters
    ----------
    dimensions : list of list of Dimension
        Per context, the item's dimensions in the same order (the same alphabets in every context).
    weights : array_like
        Context weights, summing to 1.
    log2_m : float
        Target complexity in bits, > 0.

    Returns
    -------
    CodebookChoice
    """
    law = as_distribution("weights", weights)
    if len(dimensions) != law.shape[0]:
        raise InvalidArgumentError(f"dimensions must have one list per context ({law.shape[0]}), got {len(dimensions)}")
    target = hypotheses_log2(check_real("log2_m", log2_m, low=0.0, low_open=True))
    count = len(dimensions[0])
    if any(len(row) != count for row in dimensions):
        raise InvalidArgumentError("dimensions must list the same answers in every context")
    alphabets = [dimensions[0][d].alphabet for d in range(count)]
    expressible = float(sum(math.log2(a) for a in alphabets))
    if count == 0:
        return CodebookChoice(error=-math.expm1(-target * LN2), sizes=(), log2_hypotheses=target,
                              log2_expressible=0.0)
    # success[s][d][j-1]
    tables = [[np.asarray(row[d].codebook_success) for d in range(count)] for row in dimensions]
    if expressible <= target:
        sizes = tuple(alphabets)
    elif math.prod(alphabets) <= EXHAUSTIVE_CODES:
        sizes = _best_code(_all_codes(tables, law, alphabets), target)
    else:
        sizes = _best_sizes(_size_table(tables, law, alphabets, target, CODEBOOK_BINS), target)
    return CodebookChoice(error=_code_error(tables, law, sizes, target), sizes=sizes, log2_hypotheses=target,
                          log2_expressible=expressible)


def _code_error(tables: list[list[np.ndarray]], law: np.ndarray, sizes: tuple[int, ...], target: float) -> float:
    success = 0.0
    for weight, row in zip(law, tables):
        success += weight * math.prod(float(row[d][j - 1]) for d, j in enumerate(sizes))
    log2_codewords = sum(math.log2(j) for j in sizes)
    factor = 2.0 ** min(0.0, log2_codewords - target)
    chance = 2.0**-target
    return float(min(1.0 - chance, max(0.0, 1.0 - factor * min(1.0, success))))


#: Product codes are chosen by trying every size tuple while there are at most this many (the
#: best product code, exactly); the dynamic programme beyond.
EXHAUSTIVE_CODES = 4096


def _all_codes(tables: list[list[np.ndarray]], law: np.ndarray,
               alphabets: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Success ``Σ_s w_s Π_d s_{d,s}(j_d)`` and ``log₂ Π_d j_d`` of every size tuple, as arrays of
    shape ``alphabets``."""
    success = np.zeros(tuple(alphabets))
    for weight, row in zip(law, tables):
        product = np.ones(())
        for values in row:
            product = np.multiply.outer(product, np.asarray(values, dtype=float))
        success += weight * product
    log2_size = np.zeros(())
    for size in alphabets:
        log2_size = np.add.outer(log2_size, np.log2(np.arange(1, size + 1)))
    return success, log2_size


def _best_code(codes: tuple[np.ndarray, np.ndarray], target: float) -> tuple[int, ...]:
    """The size tuple of the best product code for ``target`` bits (ties: the first in scan order)."""
    success, log2_size = codes
    error = 1.0 - np.exp2(np.minimum(0.0, log2_size - target)) * np.minimum(1.0, success)
    index = np.unravel_index(int(np.argmin(error)), error.shape)
    return tuple(int(i) + 1 for i in index)


@dataclass(frozen=True)
class _SizeTable:
    """The dynamic programme of the size choice: ``value[b]``, the best ``Σ_d ln(mean success)``
    of codes whose ``log₂ M'`` lies in bin ``b`` (bins of ``1/scale`` bits; totals of ``top`` bits
    and more share the last bin), and per dimension the choice behind each bin."""

    value: np.ndarray
    picks: tuple[tuple[np.ndarray, np.ndarray], ...]
    scale: float


def _size_table(tables: list[list[np.ndarray]], law: np.ndarray, alphabets: list[int], top: float,
                bins: int) -> _SizeTable:
    scale = bins / top
    mean = [sum(w * row[d] for w, row in zip(law, tables)) for d in range(len(alphabets))]
    value = np.full(bins + 1, -np.inf)
    value[0] = 0.0
    picks: list[tuple[np.ndarray, np.ndarray]] = []
    sources = np.arange(bins + 1, dtype=np.int64)
    for d, size in enumerate(alphabets):
        logs = np.log(np.clip(mean[d], 1e-300, 1.0))
        steps = np.minimum(bins, np.floor(np.log2(np.arange(1, size + 1)) * scale + 1e-9).astype(np.int64))
        # reached[j - 1, b]: best total of a code using j answers of this dimension whose size
        # lands in bin b. Source b lands in bin b + step_j; the sources from bins - step_j on all
        # land in the capped last bin, which keeps the best of them (the last among equals).
        reached = np.full((size, bins + 1), -np.inf)
        origin = np.zeros((size, bins + 1), dtype=np.int64)
        destination = sources[None, :] + steps[:, None]
        inside = destination < bins
        rows = np.broadcast_to(np.arange(size)[:, None], destination.shape)
        candidate = value[None, :] + logs[:, None]
        reached[rows[inside], destination[inside]] = candidate[inside]
        origin[rows[inside], destination[inside]] = np.broadcast_to(sources, destination.shape)[inside]
        tails = np.where(~inside, candidate, -np.inf)
        last = bins - np.argmax(tails[:, ::-1], axis=1)
        reached[:, bins] = tails[np.arange(size), last]
        origin[:, bins] = last
        # The smallest j among equal totals, as one answer at a time would choose.
        choice = np.argmax(reached, axis=0)
        value = reached[choice, sources]
        picks.append((choice + 1, origin[choice, sources]))
    return _SizeTable(value=value, picks=tuple(picks), scale=scale)


def _best_sizes(table: _SizeTable, target: float) -> tuple[int, ...]:
    """The sizes of the best code for a target of ``target`` bits, at most the table's ``top``."""
    bins = table.value.shape[0] - 1
    # Codewords short of the target lose the factor M'/⌈M⌉ (in bins, a lower estimate of M').
    scores = table.value + np.minimum(0.0, np.arange(bins + 1) / table.scale - target) * LN2
    state = int(np.argmax(scores))
    sizes = [1] * len(table.picks)
    for d in range(len(table.picks) - 1, -1, -1):
        sizes[d] = int(table.picks[d][0][state])
        state = int(table.picks[d][1][state])
    return tuple(sizes)


#: Most bins of the shared size table of :func:`codebook_errors`.
CODEBOOK_MAX_BINS = 4096


def codebook_errors(
    dimensions: list[list[Dimension]], weights: object, log2_ms: object
) -> list[CodebookChoice]:
    """:func:`codebook_error` for several targets at once (a curve over log₂ M), sharing one size table.

    One dynamic programme up to the largest target the interface can express serves every smaller
    target (a code of at least ``top`` bits also covers a smaller target). Its bins are
    ``CODEBOOK_BINS`` per smallest target, at most :data:`CODEBOOK_MAX_BINS` in all, so a small
    target may be resolved more coarsely than by :func:`codebook_error` alone; each chosen code's
    error is still computed exactly, so every value is a valid achievable error.

    Parameters
    ----------
    dimensions, weights
        As in :func:`codebook_error`.
    log2_ms : array_like of float
        Targets in bits, each > 0.

    Returns
    -------
    list of CodebookChoice
        One per target, in order.
    """
    law = as_distribution("weights", weights)
    bits = [check_real("log2_m", float(t), low=0.0, low_open=True) for t in np.asarray(log2_ms, dtype=float).ravel()]
    if not bits:
        return []
    if len(dimensions) != law.shape[0] or not dimensions[0]:
        return [codebook_error(dimensions, law, t) for t in bits]
    alphabets = [dim.alphabet for dim in dimensions[0]]
    expressible = float(sum(math.log2(a) for a in alphabets))
    targets = [hypotheses_log2(t) for t in bits]
    shortfall = [t for t in targets if t < expressible]
    if not shortfall:
        return [codebook_error(dimensions, law, t) for t in bits]
    tables = [[np.asarray(row[d].codebook_success) for d in range(len(alphabets))] for row in dimensions]
    if math.prod(alphabets) <= EXHAUSTIVE_CODES:
        codes = _all_codes(tables, law, alphabets)
        return [CodebookChoice(error=_code_error(tables, law, sizes, target), sizes=sizes, log2_hypotheses=target,
                               log2_expressible=expressible)
                for target in targets
                for sizes in [tuple(alphabets) if target >= expressible else _best_code(codes, target)]]
    top, smallest = max(shortfall), min(shortfall)
    bins = int(min(CODEBOOK_MAX_BINS, max(CODEBOOK_BINS, math.ceil(CODEBOOK_BINS * top / smallest))))
    table = _size_table(tables, law, alphabets, top, bins)
    choices = []
    for target in targets:
        sizes = tuple(alphabets) if target >= expressible else _best_sizes(table, target)
        choices.append(CodebookChoice(error=_code_error(tables, law, sizes, target), sizes=sizes,
                                      log2_hypotheses=target, log2_expressible=expressible))
    return choices


def decode_joint(panels: list[np.ndarray], prior: tuple[float, ...] | None = None, *,
                 coding_terms: bool = True) -> PanelDecoding:
    """Decoding quantities of several panels answering about the same truth (one part of the
    target asked as several questions), from their joint kernel (:func:`joint_dimension`).

    Parameters
    ----------
    panels : list of numpy.ndarray
        Histogram kernels sharing their inputs (rows).
    prior : tuple of float or None
        Prior of the part's true answers; uniform when None.
    """
    joint, exact = joint_dimension(panels)
    weights = _prior(prior, joint.shape[0])
    information, _ = _information_moments(joint, weights)
    return PanelDecoding(
        label_accuracy=_map_accuracy(joint, weights),
        exact=exact,
        raters_used=0,
        dimensions=(_dimension(joint, False, coding_terms),),
        prior_information_nats=information,
        prior_entropy_nats=_entropy(weights),
        log_alphabet=math.log(joint.shape[0]),
    )
