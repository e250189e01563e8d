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
import threading
from collections import OrderedDict
from functools import lru_cache

import numpy as np
from scipy import special

from .capacity import EVALUATION_OVERHEAD_ENTRIES, Capacity, _capacity, _frozen, charge_work
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


#: Most bytes of vote-histogram kernels :func:`_shared_count_kernel` keeps (a curve's panels are
#: built once for their capacities and used again for their decodings).
SHARED_KERNEL_BYTES = 64 * 2**20
_shared_kernels: OrderedDict[tuple, np.ndarray] = OrderedDict()
_shared_bytes = 0
_shared_lock = threading.Lock()


def _shared_count_kernel(kernel: np.ndarray, raters: int, correlation: float) -> np.ndarray:
    """:func:`_count_kernel`, read-only and kept while the kernels kept fit
    :data:`SHARED_KERNEL_BYTES` (least recently used first out): the same numbers, built once for
    a panel's capacity and its decoding. A kernel served again costs no work."""
    global _shared_bytes
    key = (kernel.tobytes(), kernel.shape, raters, correlation)
    with _shared_lock:
        found = _shared_kernels.get(key)
        if found is not None:
            _shared_kernels.move_to_end(key)
            return found
    matrix = _count_kernel(kernel, raters, correlation)
    matrix.setflags(write=False)
    if matrix.nbytes <= SHARED_KERNEL_BYTES // 4:
        with _shared_lock:
            if key not in _shared_kernels:
                _shared_kernels[key] = matrix
                _shared_bytes += matrix.nbytes
            while _shared_bytes > SHARED_KERNEL_BYTES:
                _, dropped = _shared_kernels.popitem(last=False)
                _shared_bytes -= dropped.nbytes
    return matrix


def _clear_shared_kernels() -> None:
    """Forget the kernels :func:`_shared_count_kernel` keeps."""
    global _shared_bytes
    with _shared_lock:
        _shared_kernels.clear()
        _shared_bytes = 0


_shared_count_kernel.cache_clear = _clear_shared_kernels  # type: ignore[attr-defined]


@lru_cache(maxsize=16)
def _histogram_orbits(raters: int, symmetry_bytes: bytes, shape: tuple[int, int]) -> tuple[np.ndarray, ...] | None:
    """The orbits of the vote histograms of ``raters`` raters under a group acting on the answers.

    ``symmetry`` (given by its bytes and shape) lists the group's elements, each as the
    permutation it applies to the answers. Returns ``(answers_given, orbit, sizes)``: row ``i``
    of ``answers_given`` is the ``i``-th smallest answer of every histogram (in
    :func:`compositions` order), then the index of each histogram's orbit and each orbit's size;
    None when the multiset codes would not fit 62 bits.
    Depends on the panel's shape alone, so it is computed once per group and panel size.
    """
    perms = np.frombuffer(symmetry_bytes, dtype=np.int64).reshape(shape)
    answers = shape[1]
    if raters * math.log2(answers) >= 62:
        return None
    table = _compositions(raters, answers)
    histograms = table.shape[0]
    multisets = np.repeat(np.tile(np.arange(answers, dtype=np.int64), histograms), table.ravel()).reshape(
        histograms, raters)
    weights = answers ** np.arange(raters - 1, -1, -1, dtype=np.int64)
    # The smallest code of an orbit's multisets begins with answer 0, so it is the image under an
    # element that maps one of the answers given to 0. Where the group acts transitively, as many
    # elements map each answer to 0 (|G| / answers: one where it acts freely), so those are
    # `raters` times that many candidates instead of every element.
    to_zero = [np.flatnonzero(perms[:, y] == 0) for y in range(answers)]
    transitive = len({len(found) for found in to_zero}) == 1 and len(to_zero[0]) > 0
    if transitive and raters * len(to_zero[0]) < perms.shape[0]:
        # to_first[y, t]: the t-th element that maps answer y to answer 0.
        to_first = np.array(to_zero, dtype=np.int64)
        candidates = [perms[to_first[multisets[:, i], t][:, None], multisets]
                      for i in range(raters) for t in range(to_first.shape[1])]
    else:
        candidates = [perm[multisets] for perm in perms]
    canonical = multisets @ weights
    for image in candidates:
        canonical = np.minimum(canonical, np.sort(image, axis=1) @ weights)
    _, orbit, sizes = np.unique(canonical, return_inverse=True, return_counts=True)
    # Stored answer-major (one row per rater): gathering through a row is a contiguous pass.
    arrays = np.ascontiguousarray(multisets.T, dtype=np.intp), orbit.astype(np.intp), sizes.astype(float)
    for array in arrays:
        array.setflags(write=False)
    return arrays


def _symmetric_panel_capacity(matrix: np.ndarray, raters: int, rho: float, symmetry: np.ndarray) -> Capacity | None:
    """Exact panel capacity of a kernel that a group acting transitively on its inputs preserves
    (``symmetry``: each element as the permutation of the answers it applies; the inputs are the
    answers, ``K[g x, g y] = K[x, y]``), from one row of the panel kernel and the histograms' orbits.

    The uniform input is optimal, ``q`` is constant on each orbit ``O`` of histograms (the mean of
    ``P(c | x0)`` over it, ``x0`` any input), and every ``D_x`` equals ``D_{x0}``:

        C = D_{x0} = sum_c P(c | x0) ln P(c | x0) - sum_O P(O | x0) ln q_O,

    which is both ends of the Blahut-Arimoto certificate (gap 0): one row of ``#histograms``
    entries instead of the ``n x #histograms`` kernel. None when the orbits are not available.
    """
    return _symmetric_panel(matrix.tobytes(), matrix.shape, raters, rho,
                            np.ascontiguousarray(symmetry, dtype=np.int64).tobytes(), symmetry.shape)


@lru_cache(maxsize=1024)
def _symmetric_panel(kernel_bytes: bytes, shape: tuple[int, int], raters: int, rho: float, symmetry_bytes: bytes,
                     symmetry_shape: tuple[int, int]) -> Capacity | None:
    """:func:`_symmetric_panel_capacity`, cached on its numbers (no work cap applies: the panel of a
    curve's point and the reference of the fallback bound at rho = 0 are one computation)."""
    found = _histogram_orbits(raters, symmetry_bytes, symmetry_shape)
    if found is None:
        return None
    given, orbit, sizes = found
    _, _, log_coefficients, unanimous = _histogram_tables(raters, shape[1])
    histograms = given.shape[1]
    charge_work((KERNEL_BUILD_PASSES + 3) * histograms * raters + EVALUATION_OVERHEAD_ENTRIES)
    first = np.frombuffer(kernel_bytes, dtype=float, count=shape[1])
    positive = first > 0.0
    log_row = np.take(np.log(np.where(positive, first, 1.0)), given).sum(axis=0) + log_coefficients
    row = np.exp(log_row)
    if not positive.all():
        # A histogram with a vote for an answer x0 never produces has probability 0 under x0.
        row[~np.take(positive, given).all(axis=0)] = 0.0
    if rho > 0.0:
        row *= 1.0 - rho
        row[unanimous] += rho * first
    mass = np.bincount(orbit, weights=row, minlength=sizes.shape[0])
    present = row > 0.0
    own = float(np.dot(row[present], np.log(row[present])))
    held = mass > 0.0
    # log m − log n, not log(m / n): a subnormal orbit mass over a large orbit size underflows to 0.
    shared = float(np.dot(mass[held], np.log(mass[held]) - np.log(sizes[held])))
    nats = min(max(own - shared, 0.0), math.log(shape[0]))
    return Capacity(nats=nats, input_distribution=_frozen(np.full(shape[0], 1.0 / shape[0])),
                    gap=0.0, iterations=0, exact=True)


def _symmetric_reference(kernel_bytes: bytes, shape: tuple[int, int], raters: int, symmetry_bytes: bytes,
                         symmetry_shape: tuple[int, int]) -> Capacity | None:
    """:func:`_symmetric_panel_capacity` of ``raters`` independent raters (rho = 0): the reference
    of every panel beyond the exact limit."""
    return _symmetric_panel(kernel_bytes, shape, raters, 0.0, symmetry_bytes, symmetry_shape)


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
    return _capacity(_shared_count_kernel(matrix, raters, 0.0), tol, max_iter, max_work)


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
    symmetry: np.ndarray | None = None,
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

    ``symmetry``, the elements of such a group as permutations of the answers (the inputs being the
    answers: Mallows), computes the exact panels from one row and the histograms' orbits
    (:func:`_symmetric_panel_capacity`; no Blahut-Arimoto run, so no cap applies).
    """
    answers = matrix.shape[1]
    if raters == 1:
        return _capacity(matrix, tol, max_iter, max_work)
    if math.comb(raters + answers - 1, answers - 1) <= max_outcomes:
        if symmetry is not None:
            found = _symmetric_panel_capacity(matrix, raters, rho, symmetry)
            if found is not None:
                return found
        return _capacity(_shared_count_kernel(matrix, raters, rho), tol, max_iter, max_work)
    if uniform_optimal is None:
        uniform_optimal = _is_k_ary_symmetric(matrix)
    share = max_work / 3.0
    single = _single_capacity(matrix.tobytes(), matrix.shape, tol, max_iter, share)
    single_upper = single.nats + single.gap
    ceiling = math.log(matrix.shape[0])
    # The reference is the largest panel computed exactly under max_outcomes, so that the bound
    # steps up by at most C_r0 / r0 at the switch from the exact value (the method §8.5).
    feasible = _largest_feasible_panel(raters, answers, max_outcomes)
    def reference_panel(size: int) -> Capacity:
        if symmetry is not None:
            found = _symmetric_reference(matrix.tobytes(), matrix.shape, size,
                                         np.ascontiguousarray(symmetry, dtype=np.int64).tobytes(), symmetry.shape)
            if found is not None:
                return found
        return _reference_capacity(matrix.tobytes(), matrix.shape, size, tol, max_iter, share)

    reference = single if feasible == 1 else reference_panel(feasible)
    reference_upper = reference.nats + reference.gap
    iterations = single.iterations + (0 if feasible == 1 else reference.iterations)
    if uniform_optimal and feasible >= 2:
        previous = single if feasible == 2 else reference_panel(feasible - 1)
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
