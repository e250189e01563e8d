"""Many raters on one question: the vote-count channel of the method §4.

``r`` exchangeable raters answer the same item. Given the truth ``x`` their answers are, with
probability ``1 - rho``, independent draws from ``K[x]`` and, with probability ``rho`` (herding, a
shared bias), one draw copied by all of them. Exchangeability makes the vote histogram ``c`` (how
many raters gave each answer) a sufficient statistic, so the panel channel is

    P(c | x) = (1 - rho) Multinomial(c; r, K[x]) + rho sum_y K[x, y] 1[c = r e_y]

over the ``C(r + k - 1, k - 1)`` compositions of ``r`` into ``k`` parts instead of the ``k^r`` answer
tuples, and its Blahut-Arimoto capacity is the exact capacity of the panel.

When the compositions are too many, :func:`panel_capacity` returns an *upper bound* instead
(``exact`` False). the method §4 proposes ``min(ln k, r_eff cap(K))`` with Kish's design effect
``r_eff = r / (1 + (r - 1) rho)``; that is a variance heuristic, not a bound on information, and it
falls below the exact capacity (e.g. binary symmetric K with crossover 0.3, rho = 0.9, r = 30:
Kish gives 0.091 nats, the exact capacity is larger; see the tests). We use instead

    C_r  <=  min( ln k,  (1 - rho) (r / r0) C_r0(rho=0)  +  rho C_1 ),

valid because (i) revealing which branch of the mixture occurred cannot lose information, and the
shared branch is a single rater; (ii) for conditionally i.i.d. raters the information increments
``I(X; Y_i | Y^{i-1})`` are non-increasing (exchangeability), so ``I_r / r`` is non-increasing and
``C_r(0) <= (r / r0) C_r0(0)`` for the largest feasible ``r0 <= r``. The bound is an upper bound, so
a Fano floor computed from it is still a valid floor, and capacity stays monotone in ``r`` across the
switch from the exact value to the bound.

When a group acting transitively on the inputs preserves the kernel (k-ary symmetric kernels,
detected; Mallows, declared by the caller), the uniform input is optimal for every ``r``, the
increments can be evaluated at that one input, and the much tighter

    C_r(0)  <=  C_r0(0) + (r - r0) (C_r0(0) - C_{r0-1}(0))

is used, with ``r0`` the largest panel under ``max_outcomes`` itself (cheap: one evaluation each).
For k = 10, r = 12 it is 0.4 % above the exact value where the linear form was 21 % above.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from scipy import special

from .capacity import Capacity, _capacity, _frozen, charge_work
from .errors import InvalidArgumentError, check_integer, check_real
from .info import as_kernel

__all__ = [
    "outcome_count",
    "compositions",
    "count_kernel",
    "joint_panel_kernel",
    "panel_capacity",
]

#: Work per entry of building a vote-histogram kernel, in entry visits (models.capacity.WorkMeter).
KERNEL_BUILD_PASSES = 10
#: Largest number of entries :func:`joint_panel_kernel` will allocate (float64: 800 MB).
MAX_JOINT_ENTRIES = 100_000_000


def outcome_count(raters: int, k: int) -> int:
    """Number of vote histograms of ``raters`` raters over ``k`` answers, ``C(r + k - 1, k - 1)``.

    Parameters
    ----------
    raters : int
        Raters per item, >= 1.
    k : int
        Answers per rater, >= 1.
    """
    count = check_integer("raters", raters, low=1)
    answers = check_integer("k", k, low=1)
    return math.comb(count + answers - 1, answers - 1)


@lru_cache(maxsize=64)
def _compositions(total: int, parts: int) -> np.ndarray:
    # Grow all compositions of "at most total" one part at a time, each row spawning one child per
    # value the next part can take; the last part takes the remainder. Every level is a few
    # vectorised copies, so (r, k) = (15, 7) or (5, 24) take milliseconds.
    rows = np.zeros((1, 0), dtype=np.int64)
    sums = np.zeros(1, dtype=np.int64)
    for _ in range(parts - 1):
        children = total - sums + 1
        starts = np.cumsum(children) - children
        values = np.arange(int(children.sum()), dtype=np.int64) - np.repeat(starts, children)
        rows = np.column_stack((np.repeat(rows, children, axis=0), values))
        sums = np.repeat(sums, children) + values
    table = np.ascontiguousarray(np.column_stack((rows, total - sums)))
    table.setflags(write=False)
    return table


def compositions(total: int, parts: int) -> np.ndarray:
    """All compositions of ``total`` into ``parts`` non-negative parts, one per row.

    Parameters
    ----------
    total : int
        Sum of each composition, >= 0.
    parts : int
        Number of parts, >= 1.

    Returns
    -------
    numpy.ndarray of int64, shape (C(total + parts - 1, parts - 1), parts)
        Read-only; rows in increasing lexicographic order (the first row is ``total * e_last``).
    """
    count = check_integer("total", total, low=0)
    width = check_integer("parts", parts, low=1)
    return _compositions(count, width)


@lru_cache(maxsize=32)
def _histogram_tables(raters: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per (r, k): the histograms (int and float), their log multinomial coefficients and the index
    of each unanimous histogram ``r e_y``, in order of y."""
    table = _compositions(raters, k)
    counts = table.astype(float)
    log_factorials = special.gammaln(np.arange(raters + 2, dtype=float))
    log_coefficients = log_factorials[raters + 1] - log_factorials[table + 1].sum(axis=1)
    unanimous_rows, answers = np.nonzero(table == raters)
    unanimous = unanimous_rows[np.argsort(answers)]
    for array in (counts, log_coefficients, unanimous):
        array.setflags(write=False)
    return table, counts, log_coefficients, unanimous


def _count_kernel(kernel: np.ndarray, raters: int, correlation: float) -> np.ndarray:
    table, counts, log_coefficients, unanimous = _histogram_tables(raters, kernel.shape[1])
    # One product with the histogram table, one exponential pass and one scaling pass (about
    # 10 ns an entry).
    charge_work(KERNEL_BUILD_PASSES * kernel.shape[0] * table.shape[0])
    positive = kernel > 0.0
    log_kernel = np.log(np.where(positive, kernel, 1.0))
    matrix = log_kernel @ counts.T
    matrix += log_coefficients
    np.exp(matrix, out=matrix)
    for row in np.flatnonzero(~np.all(positive, axis=1)):
        # A histogram with a vote for an answer that x never produces has probability 0 under x;
        # the masked log above would otherwise count that vote as probability 1.
        matrix[row, np.any(table[:, ~positive[row]] > 0, axis=1)] = 0.0
    if correlation > 0.0:
        matrix *= 1.0 - correlation
        matrix[:, unanimous] += correlation * kernel
    return matrix


def count_kernel(kernel: object, raters: int, *, correlation: float = 0.0) -> np.ndarray:
    """The panel kernel ``P(c | x)`` over vote histograms, the method §4.

    Parameters
    ----------
    kernel : array_like, shape (n_inputs, k)
        One rater's row-stochastic kernel.
    raters : int
        Raters per item, >= 1.
    correlation : float
        Probability ``rho`` that all raters share one draw, in [0, 1].

    Returns
    -------
    numpy.ndarray, shape (n_inputs, C(r + k - 1, k - 1))
        Row-stochastic kernel; columns follow :func:`compositions` ``(raters, k)``.
    """
    matrix = as_kernel("kernel", kernel)
    count = check_integer("raters", raters, low=1)
    rho = check_real("correlation", correlation, low=0.0, high=1.0)
    return _count_kernel(matrix, count, rho)


def joint_panel_kernel(kernel: object, raters: int, *, correlation: float = 0.0) -> np.ndarray:
    """The panel kernel over all ``k^r`` answer tuples (the brute-force reference).

    ``P(y_1..y_r | x) = (1 - rho) prod_i K[x, y_i] + rho K[x, y_1] 1[y_1 = ... = y_r]``.

    Parameters
    ----------
    kernel : array_like, shape (n_inputs, k)
        One rater's row-stochastic kernel.
    raters : int
        Raters per item, >= 1; ``n_inputs * k^r`` must not exceed 1e8.
    correlation : float
        Probability ``rho`` that all raters share one draw, in [0, 1].

    Returns
    -------
    numpy.ndarray, shape (n_inputs, k^r)
        Row-stochastic kernel; tuple ``(y_1, ..., y_r)`` is column ``sum_i y_i k^(r - i)``.
    """
    matrix = as_kernel("kernel", kernel)
    count = check_integer("raters", raters, low=1)
    rho = check_real("correlation", correlation, low=0.0, high=1.0)
    n_inputs, answers = matrix.shape
    if n_inputs * answers**count > MAX_JOINT_ENTRIES:
        raise InvalidArgumentError(
            f"raters must keep n_inputs * k^raters <= {MAX_JOINT_ENTRIES:.0e}, got raters={count} "
            f"with k={answers} ({n_inputs * answers**count} entries)"
        )
    joint = matrix.copy()
    for _ in range(count - 1):
        joint = (joint[:, :, None] * matrix[:, None, :]).reshape(n_inputs, -1)
    if rho > 0.0:
        joint *= 1.0 - rho
        repeat_index = sum(answers**power for power in range(count))
        joint[:, np.arange(answers) * repeat_index] += rho * matrix
    return joint


def panel_capacity(
    kernel: object,
    raters: int,
    *,
    correlation: float = 0.0,
    max_outcomes: int = 200_000,
    tol: float = 1e-9,
    max_iter: int = 100_000,
    max_work: float | None = None,
) -> Capacity:
    """Capacity of ``raters`` exchangeable raters answering one question, the method §4.

    Exact (Blahut-Arimoto over the vote-histogram kernel, see :func:`count_kernel`) when the number
    of histograms ``C(r + k - 1, k - 1)`` is at most ``max_outcomes``; otherwise the upper bound
    described in the module docstring, flagged ``exact=False``. Uniform-input optimal channels (all
    symmetric ones: nominal, Mallows) stop after one evaluation because their gap is already 0.

    Parameters
    ----------
    kernel : array_like, shape (n_inputs, k)
        One rater's composite row-stochastic kernel.
    raters : int
        Raters per item ``r``, >= 1.
    correlation : float
        Probability ``rho`` that an item's raters share one error draw, in [0, 1].
    max_outcomes : int
        Largest histogram alphabet computed exactly, >= 1.
    tol : float
        Blahut-Arimoto gap target in nats, > 0.
    max_iter : int
        Blahut-Arimoto iteration cap, >= 1.
    max_work : float or None
        Most kernel entry visits its Blahut-Arimoto runs may spend together, > 0 (see
        :class:`models.capacity.WorkMeter`); None for no limit. A run it stops keeps ``exact``
        True and carries its certified gap (``nats + gap`` is an upper bound).

    Returns
    -------
    Capacity
        In nats, in [0, ln n_inputs]; non-decreasing in ``raters`` and non-increasing in
        ``correlation`` (the rho-panel is a garbling of every rho' < rho panel: see the tests).
    """
    matrix = as_kernel("kernel", kernel)
    count = check_integer("raters", raters, low=1)
    rho = check_real("correlation", correlation, low=0.0, high=1.0)
    limit = check_integer("max_outcomes", max_outcomes, low=1)
    tolerance = check_real("tol", tol, low=0.0, low_open=True)
    iterations = check_integer("max_iter", max_iter, low=1)
    work = math.inf if max_work is None else check_real("max_work", max_work, low=0.0, low_open=True)
    return _panel_capacity(matrix, count, rho, limit, tolerance, iterations, max_work=work)


@lru_cache(maxsize=256)
def _reference_capacity(kernel_bytes: bytes, shape: tuple[int, int], raters: int, tol: float,
                        max_iter: int, max_work: float = math.inf) -> Capacity:
    """Exact capacity of ``raters`` independent raters (rho = 0), cached: every panel size beyond
    the exact limit reuses the same reference."""
    matrix = np.frombuffer(kernel_bytes, dtype=float).reshape(shape)
    return _capacity(_count_kernel(matrix, raters, 0.0), tol, max_iter, max_work)


@lru_cache(maxsize=256)
def _single_capacity(kernel_bytes: bytes, shape: tuple[int, int], tol: float, max_iter: int,
                     max_work: float) -> Capacity:
    """Capacity of one rater's kernel, cached like the reference: every panel size beyond the
    exact limit reuses it."""
    return _capacity(np.frombuffer(kernel_bytes, dtype=float).reshape(shape), tol, max_iter, max_work)


def _largest_feasible_panel(raters: int, answers: int, max_outcomes: int) -> int:
    size = 1
    while size < raters and math.comb(size + answers, answers - 1) <= max_outcomes:
        size += 1
    return size


def _is_k_ary_symmetric(matrix: np.ndarray) -> bool:
    """True for a square kernel whose diagonal entries are all equal and off-diagonal entries are
    all equal (to rounding): relabelling the answers by any permutation, applied to inputs and
    outputs alike, leaves it and every panel built from it unchanged."""
    size = matrix.shape[0]
    if size != matrix.shape[1] or size < 2:
        return False
    diagonal = np.diag(matrix)
    off = matrix[~np.eye(size, dtype=bool)]
    return bool(np.ptp(diagonal) <= 1e-14 and np.ptp(off) <= 1e-14)


def _panel_capacity(
    matrix: np.ndarray,
    raters: int,
    rho: float,
    max_outcomes: int,
    tol: float,
    max_iter: int,
    uniform_optimal: bool | None = None,
    max_work: float = math.inf,
) -> Capacity:
    """Exact panel capacity, or the fallback upper bound (module docstring).

    ``uniform_optimal`` says that a group acting transitively on the inputs preserves the kernel
    (k-ary symmetric, Mallows), so the uniform input is optimal for *every* panel size; None
    detects the k-ary symmetric case. Such kernels get the tighter increment bound
    ``C_r(0) <= C_r0(0) + (r - r0) (C_r0(0) - C_{r0-1}(0))``, with ``r0`` the largest panel
    computed exactly under ``max_outcomes`` itself: with one input distribution (the uniform one)
    for all r, the non-increasing increments ``I(X; Y_i | Y^{i-1})`` bound the capacities directly.

    ``max_work`` caps the Blahut-Arimoto work of the whole computation (kernel entry visits): the
    exact panel gets all of it, the fallback a third to each of its up to three runs.
    """
    answers = matrix.shape[1]
    if raters == 1:
        return _capacity(matrix, tol, max_iter, max_work)
    if math.comb(raters + answers - 1, answers - 1) <= max_outcomes:
        return _capacity(_count_kernel(matrix, raters, rho), tol, max_iter, max_work)
    if uniform_optimal is None:
        uniform_optimal = _is_k_ary_symmetric(matrix)
    share = max_work / 3.0
    single = _single_capacity(matrix.tobytes(), matrix.shape, tol, max_iter, share)
    single_upper = single.nats + single.gap
    ceiling = math.log(matrix.shape[0])
    # The reference is the largest panel computed exactly under max_outcomes, so that the bound
    # steps up by at most C_r0 / r0 at the switch from the exact value (the method §8.5).
    feasible = _largest_feasible_panel(raters, answers, max_outcomes)
    reference = (
        single
        if feasible == 1
        else _reference_capacity(matrix.tobytes(), matrix.shape, feasible, tol, max_iter, share)
    )
    reference_upper = reference.nats + reference.gap
    iterations = single.iterations + (0 if feasible == 1 else reference.iterations)
    if uniform_optimal and feasible >= 2:
        previous = (
            single
            if feasible == 2
            else _reference_capacity(matrix.tobytes(), matrix.shape, feasible - 1, tol, max_iter, share)
        )
        iterations += 0 if feasible == 2 else previous.iterations
        increment = max(0.0, reference_upper - previous.nats)
        independent = reference_upper + (raters - feasible) * increment
        gap = (1.0 - rho) * (1 + raters - feasible) * reference.gap + rho * single.gap
    else:
        independent = raters / feasible * reference_upper
        gap = (1.0 - rho) * raters / feasible * reference.gap + rho * single.gap
    bound = (1.0 - rho) * independent + rho * single_upper
    return Capacity(
        nats=min(ceiling, bound),
        input_distribution=_frozen(reference.input_distribution),
        gap=gap,
        iterations=iterations,
        exact=False,
    )
