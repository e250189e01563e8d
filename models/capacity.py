"""Channel capacity: Blahut-Arimoto with a certified gap, and the closed forms of the method §3.

Blahut-Arimoto (Blahut 1972, Arimoto 1972) maximises ``I(p; K)`` over input distributions ``p``.
At any ``p``, with ``q = p K`` and ``D_x = D(K[x] || q)``,

    I(p; K) = sum_x p_x D_x  <=  C  <=  max_x D_x,

(Blahut 1972, Thm 1 and its corollary; Arimoto 1972), so the difference of the
two sides is a certificate: when it is below ``tol`` the returned value is within ``tol`` of the
capacity, whatever the path taken to reach ``p``. That is what lets the iteration be accelerated
freely (over-relaxed steps, an active set, Newton steps: see ``_blahut_arimoto``); Matz & Duhamel
2004 study over-relaxed Blahut-Arimoto steps.

The same certificate lets :func:`channel_capacities` use a different optimiser for channels of few
inputs, the ones a question's curves need by the hundred: a primal-dual interior-point method
(Mehrotra's predictor-corrector on the KKT conditions ``D_x + z_x = lambda``, ``p_x z_x = mu``,
``sum p = 1``), which reaches the 1e-9 gap in at most a dozen iterations where Blahut-Arimoto
may need hundreds, and runs on a stack of kernels at once.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace

import numpy as np

from .errors import check_integer, check_probability, check_real
from .info import LN2, as_kernel, binary_entropy

__all__ = [
    "Capacity",
    "WorkMeter",
    "charge_work",
    "metered_work",
    "blahut_arimoto",
    "channel_capacities",
    "nominal_capacity",
    "binary_symmetric_capacity",
    "erasure_capacity",
]

_TINY = np.finfo(float).tiny
# Tuned on ordinal panels (k <= 7, r <= 15, d' from 0 to 30) and random Dirichlet kernels: ordinal
# panels converge to 1e-9 in ~11 evaluations (at most ~130), where plain Blahut-Arimoto needs
# hundreds to tens of thousands. Divergences scale with the capacity, so a weak channel
# (C ~ 1e-6 nats) needs steps mu ~ 1e6 to move p at all: the step may grow until one step would
# move some log p_x by about _LOG_MOVE, and never has to stop below _MIN_STEP_CAP (_MAX_STEP only
# keeps mu * D far from overflow).
_MIN_STEP_CAP = 16.0
_MAX_STEP = 1e12
_LOG_MOVE = 4.0
_DROP_FACTOR = 20.0
_NEWTON_INTERVAL = 4
#: Work charged for one Blahut-Arimoto evaluation of a small kernel, in kernel entries: below
#: this size the Python overhead of an evaluation (about 10 us) costs more than its arithmetic.
EVALUATION_OVERHEAD_ENTRIES = 10_000
#: A Newton step's Hessian ``W_A diag(1/q) W_A^T`` is one matrix product; measured on this
#: machine it costs about ``a / 1.5`` evaluations of the kernel for ``a`` active inputs, plus the
#: least-squares solve of its ``(a + 1)``-square system, about ``3 a^3`` entry visits.
_NEWTON_PASSES_PER_INPUT = 1.0 / 1.5
_NEWTON_SOLVE_PER_CUBE = 3.0


@dataclass
class WorkMeter:
    """Work done by the numerics while a :func:`metered_work` block runs.

    The unit is a *kernel entry visit*, calibrated to take about 1 ns on the 2-core machine the
    budgets were set on: a Blahut-Arimoto evaluation (two matrix-vector products and their
    logarithms) is charged one visit per kernel entry, and at least
    :data:`EVALUATION_OVERHEAD_ENTRIES`, the cost of its Python overhead; other passes are charged
    their measured cost in these units. Results served from a cache cost nothing.

    Attributes
    ----------
    entries : float
        Kernel entry visits charged, >= 0.
    ba_runs : int
        Blahut-Arimoto runs started.
    ba_iterations : int
        Blahut-Arimoto updates performed, summed over runs.
    ba_capped : int
        Runs stopped by their iteration cap before the gap reached the tolerance.
    """

    entries: float = 0.0
    ba_runs: int = 0
    ba_iterations: int = 0
    ba_capped: int = 0


_METER: ContextVar[WorkMeter | None] = ContextVar("models_work_meter", default=None)


@contextmanager
def metered_work() -> Iterator[WorkMeter]:
    """Count the work of the numerics run inside the block (in this thread or task).

    Blocks nest: an inner meter counts its own block, and its counts are added to the outer one
    when it closes.

    Yields
    ------
    WorkMeter
        Updated in place while the block runs.
    """
    outer = _METER.get()
    meter = WorkMeter()
    token = _METER.set(meter)
    try:
        yield meter
    finally:
        _METER.reset(token)
        if outer is not None:
            outer.entries += meter.entries
            outer.ba_runs += meter.ba_runs
            outer.ba_iterations += meter.ba_iterations
            outer.ba_capped += meter.ba_capped


def charge_work(entries: float) -> None:
    """Add ``entries`` kernel entry visits (>= 0) to the active :class:`WorkMeter`, if any."""
    meter = _METER.get()
    if meter is not None:
        meter.entries += float(entries)


@dataclass(frozen=True, eq=False)
class Capacity:
    """Capacity of a channel, with how it was obtained.

    Attributes
    ----------
    nats : float
        Capacity in nats. For Blahut-Arimoto, the achieved lower bound ``I(p*; K)`` (the true
        capacity lies in ``[nats, nats + gap]``); for a fallback bound (``exact`` False), an upper
        bound on the capacity.
    input_distribution : numpy.ndarray
        The optimal (or best known) input distribution; read-only.
    gap : float
        Upper minus lower bound of Blahut-Arimoto at termination, in nats, >= 0 (0 for a closed
        form; for a fallback bound, the certified slack carried into it).
    iterations : int
        Blahut-Arimoto updates performed (0 for a closed form).
    exact : bool
        False when ``nats`` is the fallback bound of the method §4 rather than the capacity.
    """

    nats: float
    input_distribution: np.ndarray
    gap: float
    iterations: int
    exact: bool

    @property
    def bits(self) -> float:
        """Capacity in bits (``nats / ln 2``)."""
        return self.nats / LN2


def _frozen(array: np.ndarray) -> np.ndarray:
    copy = np.array(array, dtype=float)
    copy.setflags(write=False)
    return copy


def blahut_arimoto(kernel: object, *, tol: float = 1e-9, max_iter: int = 100_000,
                   max_work: float | None = None) -> Capacity:
    """Capacity of a discrete memoryless channel by accelerated Blahut-Arimoto.

    Parameters
    ----------
    kernel : array_like, shape (n_inputs, n_outputs)
        Row-stochastic kernel ``K[x, y] = P(y | x)``.
    tol : float
        Target upper-minus-lower gap in nats, > 0. Iteration stops as soon as the gap is at most
        ``tol``; below ~1e-13 rounding in the sums can keep it from being reached.
    max_iter : int
        Maximum number of updates, >= 1. If reached, the result carries the gap achieved (> tol).
    max_work : float or None
        Most kernel entry visits to spend (:class:`WorkMeter`), > 0; None for no limit. A run
        stopped by it, like one stopped by ``max_iter``, carries its certified gap.

    Returns
    -------
    Capacity
        ``exact`` True; ``nats`` is the lower bound ``I(p; K)`` at the returned ``p``.
    """
    matrix = as_kernel("kernel", kernel)
    tolerance = check_real("tol", tol, low=0.0, low_open=True)
    limit = check_integer("max_iter", max_iter, low=1)
    work = math.inf if max_work is None else check_real("max_work", max_work, low=0.0, low_open=True)
    return _blahut_arimoto(matrix, tolerance, limit, work)


def _blahut_arimoto(matrix: np.ndarray, tol: float, max_iter: int, max_work: float = math.inf) -> Capacity:
    """Blahut-Arimoto on an already validated row-stochastic matrix (:func:`_blahut_arimoto_spent`)."""
    return _blahut_arimoto_spent(matrix, tol, max_iter, max_work)[0]


def _blahut_arimoto_spent(matrix: np.ndarray, tol: float, max_iter: int,
                          max_work: float = math.inf) -> tuple[Capacity, float]:
    """Blahut-Arimoto on an already validated row-stochastic matrix.

    Three devices make it fast without weakening the certificate (every returned value comes with
    the gap measured at the returned ``p``):

    - over-relaxed multiplicative steps ``p <- p exp(mu D)``, ``mu`` doubling while the mutual
      information keeps increasing (up to a scale-aware cap: weak channels, whose divergences are
      tiny, need huge ``mu``) and back to the classical ``mu = 1``, which cannot decrease it,
      otherwise;
    - an active set: an input whose divergence is far below ``I(p)`` (by 20 times the current gap)
      gets zero mass at once instead of decaying geometrically; if it later turns out to be
      profitable (its divergence then sets the upper bound) it is re-admitted for good;
    - Newton steps on the active set's KKT conditions (``D_x = const`` on the support), whose Hessian
      is ``W_A diag(1/q) W_A^T``, accepted only when they raise ``I`` and at least halve the gap.
      Near the optimum this converges quadratically where plain Blahut-Arimoto crawls (inputs with
      tiny optimal mass, typical of ordinal panels).

    Nearly identical rows whose divergences differ by ~1e-6 remain slow (mass moves between them at
    that rate); such kernels can reach ``max_iter`` and then return a gap above ``tol``.

    ``max_work`` (kernel entry visits, see :class:`WorkMeter`) stops the run like ``max_iter`` once
    that much work is spent (it may overshoot by one evaluation and one Newton step). A stopped run
    returns the smallest upper bound ``max_x D_x`` seen at any iterate, so ``nats + gap`` is
    certified whichever cap stopped it.

    Returns the capacity and the work spent (kernel entry visits). A run that converged after
    spending ``w`` gives the same result under every cap of at least ``w``: the cap only stops runs.
    """
    n_inputs = matrix.shape[0]
    # Outputs no input can produce carry no information and would only cost time.
    used = matrix.max(axis=0) > 0.0
    kernel = np.ascontiguousarray(matrix if np.all(used) else matrix[:, used])
    negative_row_entropy = np.einsum("ij,ij->i", kernel, np.log(np.where(kernel > 0.0, kernel, 1.0)))
    evaluations = 0
    meter = _METER.get()
    evaluation_cost = max(float(kernel.size), float(EVALUATION_OVERHEAD_ENTRIES))
    # The row entropies above read the kernel twice (log and product).
    spent = 2.0 * evaluation_cost

    def evaluate(log_p: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        nonlocal evaluations, spent
        evaluations += 1
        spent += evaluation_cost
        p = np.exp(log_p)
        q = p @ kernel
        # q = 0 only where every input with mass has K = 0; the floor keeps D finite, and such an
        # output makes D_x huge, i.e. "x is very informative", as the exact +inf would.
        d = negative_row_entropy - kernel @ np.log(np.maximum(q, _TINY))
        return p, q, d, float(p @ d)

    def normalised(log_p: np.ndarray) -> np.ndarray:
        return log_p - _log_sum_exp(log_p)

    active = np.ones(n_inputs, dtype=bool)
    readmitted = np.zeros(n_inputs, dtype=bool)
    log_p = np.full(n_inputs, -math.log(n_inputs))
    p, q, d, lower = evaluate(log_p)
    step = 1.0
    since_change = 0
    newton_interval = _NEWTON_INTERVAL
    # Every iterate's max_x D_x is an upper bound on the capacity, so the smallest seen is one too;
    # it matters only when the cap stops the run (the last iterate's can be larger).
    best_upper = math.inf
    while True:
        upper = float(d.max())
        best_upper = min(best_upper, upper)
        if upper - lower <= tol or evaluations >= max_iter or spent >= max_work:
            break
        upper_active = float(d[active].max())
        if upper > upper_active and upper_active - lower <= 0.5 * (upper - lower):
            comeback = ~active & (d > upper_active)
            active |= comeback
            readmitted |= comeback
            log_p = normalised(np.where(comeback, math.log(1e-3 / n_inputs), log_p))
            p, q, d, lower = evaluate(log_p)
            step, since_change = 1.0, 0
            continue
        drop = active & ~readmitted & (d < lower - _DROP_FACTOR * (upper_active - lower))
        if np.any(drop):
            active &= ~drop
            log_p = normalised(np.where(active, log_p, -np.inf))
            p, q, d, lower = evaluate(log_p)
            step, since_change = 1.0, 0
            continue
        since_change += 1
        if since_change % newton_interval == 0:
            size = int(active.sum())
            spent += evaluation_cost * max(1.0, size * _NEWTON_PASSES_PER_INPUT) + _NEWTON_SOLVE_PER_CUBE * size**3
            accepted = _newton_step(kernel, active, p, q, d, lower, upper, evaluate)
            if accepted is not None:
                log_p, p, q, d, lower = accepted
                newton_interval = _NEWTON_INTERVAL
                continue
            newton_interval = min(2 * newton_interval, 256)
        candidate_log = normalised(np.where(active, log_p + step * d, -np.inf))
        candidate = evaluate(candidate_log)
        if candidate[3] >= lower or step == 1.0:
            log_p, (p, q, d, lower) = candidate_log, candidate
            spread = float(np.abs(d[active] - lower).max())
            step = min(2.0 * step, _MAX_STEP, max(_MIN_STEP_CAP, _LOG_MOVE / max(spread, 1e-300)))
        else:
            step = 1.0
    final_upper = float(d.max())
    capped = final_upper - lower > tol
    if capped:
        final_upper = min(final_upper, best_upper)
    if meter is not None:
        meter.entries += spent
        meter.ba_runs += 1
        meter.ba_iterations += evaluations - 1
        meter.ba_capped += int(capped)
    return Capacity(
        nats=max(0.0, lower),
        input_distribution=_frozen(p),
        gap=max(0.0, final_upper - lower),
        iterations=evaluations - 1,
        exact=True,
    ), spent


#: Channels of at most this many inputs are solved by the interior-point method of
#: :func:`channel_capacities`. Its Newton system is (n + 1)-square and formed at every iteration, so
#: an iteration costs about an evaluation and a Newton step of Blahut-Arimoto; it needs about a
#: dozen (on 5,000 test kernels of 2 to 16 inputs: at most 11). Wider channels keep
#: Blahut-Arimoto, whose Newton steps are rarer.
INTERIOR_POINT_MAX_INPUTS = 16
#: Interior-point iterations after which a kernel not yet within the tolerance is handed to
#: Blahut-Arimoto (never reached on the test kernels; a safeguard, like its non-finite check).
_INTERIOR_POINT_ITERATIONS = 40
#: Share of the way to the boundary of ``p >= 0`` and ``z >= 0`` an interior-point step may go.
_STEP_TO_BOUNDARY = 0.9999
#: The dual slacks start at ``z_x = lambda - D_x``, with ``lambda`` above ``max_x D_x`` by the
#: initial gap and at least this much (nats).
_INITIAL_SLACK = 1e-3


def channel_capacities(kernels: Sequence[object], *, tol: float = 1e-9, max_iter: int = 100_000,
                       max_work: float | Sequence[float] | None = None) -> list[Capacity]:
    """Capacities of several discrete memoryless channels, computed together.

    Every result carries the certificate of :func:`blahut_arimoto`: ``nats`` is ``I(p; K)`` at the
    returned input ``p`` and ``nats + gap`` is ``max_x D(K[x] || q)`` at an iterate, so the
    capacity lies in ``[nats, nats + gap]`` and ``gap <= tol`` unless a cap stopped the run.
    Kernels of at most :data:`INTERIOR_POINT_MAX_INPUTS` inputs are solved by a primal-dual
    interior-point method, all kernels of one shape in one vectorised run (a curve's hundreds of
    small kernels cost little more than one); wider kernels by :func:`blahut_arimoto`. A kernel's
    result does not depend on the other kernels passed with it: the runs share arrays, never
    numbers, so solving it alone gives the same result to the last bit.

    Parameters
    ----------
    kernels : sequence of array_like, each of shape (n_inputs, n_outputs)
        Row-stochastic kernels ``K[x, y] = P(y | x)``; shapes may differ.
    tol : float
        Target upper-minus-lower gap in nats, > 0.
    max_iter : int
        Most iterations per kernel, >= 1 (interior-point iterations, then Blahut-Arimoto updates).
    max_work : float, sequence of float or None
        Most kernel entry visits to spend on each kernel (:class:`WorkMeter`), > 0; one value for
        all or one per kernel; None for no limit. An interior-point iteration is charged as one
        Blahut-Arimoto evaluation and one Newton step with two solves.

    Returns
    -------
    list of Capacity
        One per kernel, in order; ``exact`` True.
    """
    matrices = [as_kernel(f"kernels[{index}]", kernel) for index, kernel in enumerate(kernels)]
    tolerance = check_real("tol", tol, low=0.0, low_open=True)
    limit = check_integer("max_iter", max_iter, low=1)
    if max_work is None or np.ndim(max_work) == 0:
        work = math.inf if max_work is None else check_real("max_work", max_work, low=0.0, low_open=True)
        works = [work] * len(matrices)
    else:
        works = [check_real("max_work", value, low=0.0, low_open=True) for value in max_work]  # type: ignore[union-attr]
        if len(works) != len(matrices):
            raise ValueError(f"max_work must hold one value per kernel ({len(matrices)}), got {len(works)}")
    return _capacities(matrices, tolerance, limit, works)


def _capacities(matrices: Sequence[np.ndarray], tol: float, max_iter: int,
                max_work: Sequence[float]) -> list[Capacity]:
    """:func:`channel_capacities` on validated row-stochastic matrices, one work cap per matrix."""
    return [result for result, _ in _capacities_spent(matrices, tol, max_iter, max_work)]


def _capacities_spent(matrices: Sequence[np.ndarray], tol: float, max_iter: int,
                      max_work: Sequence[float]) -> list[tuple[Capacity, float]]:
    """:func:`_capacities` with the work each result cost (kernel entry visits): a result whose gap
    reached ``tol`` is also the result under any cap of at least that work."""
    results: list[tuple[Capacity, float] | None] = [None] * len(matrices)
    groups: dict[tuple[int, ...], list[int]] = {}
    for index, matrix in enumerate(matrices):
        if matrix.shape[0] <= INTERIOR_POINT_MAX_INPUTS:
            groups.setdefault(matrix.shape, []).append(index)
        else:
            results[index] = _blahut_arimoto_spent(matrix, tol, max_iter, max_work[index])
    for members in groups.values():
        stack = np.stack([matrices[index] for index in members])
        caps = np.array([max_work[index] for index in members], dtype=float)
        for index, result in zip(members, _interior_point(stack, tol, max_iter, caps)):
            results[index] = result
    return results  # type: ignore[return-value]


def _capacity(matrix: np.ndarray, tol: float, max_iter: int, max_work: float = math.inf) -> Capacity:
    """The capacity of one validated matrix as :func:`channel_capacities` computes it (so a value
    computed alone equals the one computed with a curve's other kernels)."""
    return _capacities([matrix], tol, max_iter, [max_work])[0]


def _largest_steps(values: np.ndarray, steps: np.ndarray) -> np.ndarray:
    """Per row, the largest ``a`` in [0, 1] with ``values + a * steps >= 0`` (``values > 0``)."""
    shrinking = steps < 0.0
    ratios = np.where(shrinking, values / np.where(shrinking, -steps, 1.0), np.inf)
    return np.minimum(1.0, ratios.min(axis=1))


def _interior_point(kernels: np.ndarray, tol: float, max_iter: int,
                    max_work: np.ndarray) -> list[tuple[Capacity, float]]:
    """Capacities of a stack of same-shape kernels by a primal-dual interior-point method.

    Maximises ``I(p; K)`` over the simplex through its KKT conditions: with dual slacks ``z >= 0``
    and the multiplier ``lambda`` of ``sum p = 1``, ``D_x(p) + z_x = lambda`` and ``p_x z_x = 0``
    (at the optimum ``lambda`` is the capacity and ``z_x = C - D_x``). Each iteration takes
    Mehrotra's predictor-corrector Newton step on ``p_x z_x = sigma mu``; the Jacobian of ``D`` is
    ``-H``, ``H = K diag(1/q) K^T``, so both steps solve one bordered system
    ``[[H + diag(z/p), 1], [1^T, 0]]`` (positive definite block: never singular, duplicated inputs
    included), and the step keeps ``p`` and ``z`` strictly positive. ``I`` is not monotone along
    the path, so the best lower end ``I(p)`` and the smallest upper end ``max_x D_x`` seen are kept
    and returned; the run stops when they are within ``tol`` (or a cap stops it, as in
    :func:`_blahut_arimoto`). A kernel that is not within ``tol`` after
    :data:`_INTERIOR_POINT_ITERATIONS` iterations, or whose iterate stops being finite, continues
    with Blahut-Arimoto on the work left.

    Every operation acts on each kernel's own rows (stacked matrix products, solves and reductions
    along a kernel's axes), and finished kernels leave the stack, so a kernel's numbers never depend
    on the others in the stack.
    """
    count, inputs, outputs = kernels.shape
    evaluation_cost = max(float(inputs * outputs), float(EVALUATION_OVERHEAD_ENTRIES))
    iteration_cost = (evaluation_cost * (1.0 + max(1.0, inputs * _NEWTON_PASSES_PER_INPUT))
                      + 2.0 * _NEWTON_SOLVE_PER_CUBE * (inputs + 1) ** 3)
    limit = min(max_iter, _INTERIOR_POINT_ITERATIONS)

    def evaluate(matrix: np.ndarray, entropy: np.ndarray, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        q = np.matmul(p[:, None, :], matrix)[:, 0, :]
        # q = 0 only where every input has K = 0 (or where p underflowed); the floor keeps D finite.
        d = entropy - np.matmul(matrix, np.log(np.maximum(q, _TINY))[:, :, None])[:, :, 0]
        return q, d

    negative_entropy = (kernels * np.log(np.where(kernels > 0.0, kernels, 1.0))).sum(axis=2)
    p = np.full((count, inputs), 1.0 / inputs)
    q, d = evaluate(kernels, negative_entropy, p)
    lower = (p * d).sum(axis=1)
    upper = d.max(axis=1)
    best_lower, best_upper, best_p = lower.copy(), upper.copy(), p.copy()
    iterations = np.zeros(count, dtype=np.int64)
    # The row entropies read the kernel twice (log and product), then one evaluation.
    spent = np.full(count, 3.0 * evaluation_cost)
    failed = np.zeros(count, dtype=bool)
    lam = upper + np.maximum(upper - lower, _INITIAL_SLACK)
    z = lam[:, None] - d
    live = np.arange(count)
    matrix, entropy = kernels, negative_entropy
    diagonal = np.arange(inputs)
    while live.size:
        keep = ((best_upper[live] - best_lower[live] > tol) & (iterations[live] < limit)
                & (spent[live] < max_work[live]) & ~failed[live])
        if not keep.all():
            live = live[keep]
            matrix, entropy = matrix[keep], entropy[keep]
            p, z, lam, q, d = p[keep], z[keep], lam[keep], q[keep], d[keep]
            if not live.size:
                break
        size = live.size
        # K diag(1/q) K^T, scaling by the reciprocal (a product per entry instead of a quotient).
        hessian = np.matmul(matrix * (1.0 / np.maximum(q, _TINY))[:, None, :], matrix.transpose(0, 2, 1))
        system = np.zeros((size, inputs + 1, inputs + 1))
        system[:, :inputs, :inputs] = hessian
        system[:, diagonal, diagonal] += z / p
        system[:, :inputs, inputs] = 1.0
        system[:, inputs, :inputs] = 1.0
        residual = lam[:, None] - d - z
        right = np.zeros((size, inputs + 1, 1))
        # Predictor: the affine step towards p_x z_x = 0.
        right[:, :inputs, 0] = -residual - z
        try:
            step = np.linalg.solve(system, right)[:, :, 0]
        except np.linalg.LinAlgError:
            step = _solve_each(system, right)
        dp = step[:, :inputs]
        dz = -z - z * dp / p
        alpha_p, alpha_z = _largest_steps(p, dp), _largest_steps(z, dz)
        mu = (p * z).sum(axis=1) / inputs
        mu_affine = ((p + alpha_p[:, None] * dp) * (z + alpha_z[:, None] * dz)).sum(axis=1) / inputs
        sigma = (mu_affine / mu) ** 3
        # Corrector: centring by sigma mu and the second-order term of the predictor.
        complementarity = p * z + dp * dz - (sigma * mu)[:, None]
        right[:, :inputs, 0] = -residual - complementarity / p
        try:
            step = np.linalg.solve(system, right)[:, :, 0]
        except np.linalg.LinAlgError:
            step = _solve_each(system, right)
        dp, dl = step[:, :inputs], step[:, inputs]
        dz = (-complementarity - z * dp) / p
        alpha = np.minimum(1.0, _STEP_TO_BOUNDARY * np.minimum(_largest_steps(p, dp), _largest_steps(z, dz)))
        p = np.maximum(p + alpha[:, None] * dp, _TINY)
        p = p / p.sum(axis=1, keepdims=True)
        z = z + alpha[:, None] * dz
        lam = lam + alpha * dl
        q, d = evaluate(matrix, entropy, p)
        lower = (p * d).sum(axis=1)
        upper = d.max(axis=1)
        iterations[live] += 1
        spent[live] += iteration_cost
        finite = np.isfinite(lower) & np.isfinite(upper) & np.all(np.isfinite(z), axis=1) & np.isfinite(lam)
        failed[live] = ~finite
        better = finite & (lower > best_lower[live])
        best_lower[live[better]] = lower[better]
        best_p[live[better]] = p[better]
        best_upper[live] = np.where(finite, np.minimum(best_upper[live], upper), best_upper[live])

    results = []
    capped = handed_over = 0
    for index in range(count):
        gap = float(best_upper[index] - best_lower[index])
        if gap > tol and max_iter > iterations[index] and spent[index] < max_work[index] and (
                failed[index] or iterations[index] >= _INTERIOR_POINT_ITERATIONS):
            # The safeguard: Blahut-Arimoto on the work and iterations left (it meters its own run).
            handed_over += 1
            fallback, more = _blahut_arimoto_spent(kernels[index], tol, int(max_iter - iterations[index]),
                                                   float(max_work[index] - spent[index]))
            results.append((replace(fallback, iterations=int(iterations[index]) + fallback.iterations),
                            float(spent[index]) + more))
            continue
        capped += gap > tol
        results.append((Capacity(
            nats=max(0.0, float(best_lower[index])),
            input_distribution=_frozen(best_p[index]),
            gap=max(0.0, gap),
            iterations=int(iterations[index]),
            exact=True,
        ), float(spent[index])))
    meter = _METER.get()
    if meter is not None:
        meter.entries += float(spent.sum())
        meter.ba_runs += count - handed_over
        meter.ba_iterations += int(iterations.sum())
        meter.ba_capped += capped
    return results


def _solve_each(system: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The stacked solve one system at a time, a singular one giving non-finite values (its kernel
    then continues with Blahut-Arimoto)."""
    steps = np.full(right.shape[:2], np.nan)
    for index in range(system.shape[0]):
        try:
            steps[index] = np.linalg.solve(system[index], right[index])[:, 0]
        except np.linalg.LinAlgError:
            pass
    return steps


def _log_sum_exp(values: np.ndarray) -> float:
    """``ln sum exp(values)`` for a short vector with at least one finite entry (scipy's version
    costs more in overhead than the whole Blahut-Arimoto evaluation of a small kernel)."""
    peak = float(values.max())
    return peak + math.log(float(np.exp(values - peak).sum()))


def _newton_step(kernel, active, p, q, d, lower, upper, evaluate):
    """One damped Newton step on the active inputs, or None when it does not pay.

    Maximises the quadratic model ``d_A . delta - delta^T H delta / 2`` subject to
    ``sum(delta) = 0``; ``lstsq`` copes with the singular Hessian of duplicated inputs.
    """
    index = np.flatnonzero(active)
    size = index.size
    rows = kernel[index]
    hessian = (rows / np.maximum(q, _TINY)) @ rows.T
    system = np.zeros((size + 1, size + 1))
    system[:size, :size] = hessian
    system[:size, size] = 1.0
    system[size, :size] = 1.0
    right = np.concatenate((d[index], [0.0]))
    try:
        delta = np.linalg.lstsq(system, right, rcond=None)[0][:size]
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(delta)):
        return None
    mass = p[index]
    shrinking = delta < 0.0
    scale = 1.0
    if np.any(shrinking):
        # Stay strictly inside the simplex; leaving the support is the active set's job.
        scale = min(1.0, 0.9 * float(np.min(mass[shrinking] / -delta[shrinking])))
    for _ in range(4):
        if scale <= 0.0:
            return None
        trial = mass + scale * delta
        if np.all(trial > 0.0):
            log_p = np.full(p.size, -np.inf)
            log_p[index] = np.log(trial)
            log_p -= _log_sum_exp(log_p)
            trial_p, trial_q, trial_d, trial_lower = evaluate(log_p)
            if trial_lower > lower and float(trial_d.max()) - trial_lower < 0.5 * (upper - lower):
                return log_p, trial_p, trial_q, trial_d, trial_lower
        scale *= 0.5
    return None


def nominal_capacity(p_correct: float, k: int) -> float:
    """Capacity of the k-ary symmetric channel, ``ln k - h(P_c) - (1 - P_c) ln(k - 1)``.

    The channel is correct with probability ``P_c`` and otherwise uniform over the other ``k - 1``
    answers. It is symmetric, so the uniform input is optimal and the capacity is ``ln k`` minus the
    entropy of a row; this holds for every ``P_c`` (below chance, ``P_c < 1/k``, the channel is
    still informative: the answer is then evidence against the truth).

    Parameters
    ----------
    p_correct : float
        Probability of the correct answer, in [0, 1].
    k : int
        Alphabet size, >= 2.

    Returns
    -------
    float
        Capacity in nats, in [0, ln k]; 0 exactly at ``P_c = 1/k``.
    """
    correct = check_probability("p_correct", p_correct)
    count = check_integer("k", k, low=2)
    return _nominal_capacity(correct, count)


def _nominal_capacity(p_correct: float, k: int) -> float:
    error = 1.0 - p_correct
    value = math.log(k) - float(binary_entropy(p_correct)) - error * math.log(k - 1)
    return min(max(value, 0.0), math.log(k))


def binary_symmetric_capacity(p: float) -> float:
    """Capacity ``ln 2 - h(p)`` of the binary symmetric channel, crossover ``p`` in [0, 1], in nats."""
    rate = check_probability("p", p)
    return max(0.0, LN2 - float(binary_entropy(rate)))


def erasure_capacity(eps: float) -> float:
    """Capacity ``(1 - eps) ln 2`` of the binary erasure channel, erasure ``eps`` in [0, 1], in nats."""
    rate = check_probability("eps", eps)
    return (1.0 - rate) * LN2
