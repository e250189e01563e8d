"""Ranking channels: the Mallows model on permutations, the method §3.

A rater asked to rank ``n`` items returns a permutation ``Y`` of the true order ``X`` drawn from
the Mallows model ``P(Y | X) = phi^{d_K(X, Y)} / Z_n(phi)`` (Mallows 1957), where ``d_K`` is Kendall's
distance (the number of discordant pairs). Written in inversion counts, ``d_K = sum_j V_j`` with
independent ``V_j in {0, ..., j-1}``, ``P(V_j = v) proportional to phi^v``, so

    H(Mallows_n(phi)) = sum_{j=1..n} H(V_j).

The channel is invariant under relabelling the items, a group acting transitively on the inputs,
so the uniform input is optimal and the capacity is ``ln n! - H(Mallows_n(phi))`` exactly.
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache

import numpy as np
from scipy import special

from .errors import check_integer, check_probability, check_real

__all__ = [
    "mallows_entropy",
    "mallows_kernel",
    "mallows_symmetry",
    "kendall_distance",
    "ranking_swap_probability",
    "effective_swap_probability",
    "folded_dispersion",
    "ranking_capacity",
]

#: Largest n for which :func:`mallows_kernel` builds the explicit n! x n! matrix (5040^2 floats
#: at n = 7 would already take 200 MB).
MAX_KERNEL_ITEMS = 6


def mallows_entropy(n: int, phi: float) -> float:
    """Entropy of the Mallows distribution over the permutations of ``n`` items.

    Parameters
    ----------
    n : int
        Number of items, >= 1.
    phi : float
        Dispersion, in [0, 1]: 0 is a point mass on the centre, 1 the uniform distribution.

    Returns
    -------
    float
        Entropy in nats, in [0, ln n!].
    """
    items = check_integer("n", n, low=1)
    dispersion = check_probability("phi", phi)
    return _mallows_entropy(items, dispersion)


@lru_cache(maxsize=16_384)
def _mallows_entropy(n: int, phi: float) -> float:
    if n == 1 or phi == 0.0:
        return 0.0
    if phi == 1.0:
        return float(special.gammaln(n + 1))
    # V_j takes values 0..j-1 with weights phi^v: all n rows at once, the impossible values masked.
    # The largest weight of every row is phi^0 = 1 (phi < 1), so ln Z_j = ln sum_v phi^v needs no
    # shift; ln Z_j >= 0 keeps it exact to rounding.
    values, allowed = _inversion_table(n)
    log_weights = np.where(allowed, values * math.log(phi), -np.inf)
    log_normaliser = np.log(np.exp(log_weights).sum(axis=1, keepdims=True))
    log_probabilities = np.where(allowed, log_weights - log_normaliser, 0.0)
    probabilities = np.where(allowed, np.exp(log_probabilities), 0.0)
    total = -float(np.sum(probabilities * log_probabilities))
    return min(max(total, 0.0), float(special.gammaln(n + 1)))


@lru_cache(maxsize=64)
def _inversion_table(n: int) -> tuple[np.ndarray, np.ndarray]:
    """The values ``v`` of the inversion counts ``V_1..V_n`` (rows) and which are possible (v < j)."""
    values = np.broadcast_to(np.arange(n, dtype=float)[None, :], (n, n))
    allowed = values < np.arange(1, n + 1)[:, None]
    return values, allowed


def kendall_distance(first: tuple[int, ...], second: tuple[int, ...]) -> int:
    """Number of item pairs that the two orderings rank in opposite order.

    Parameters
    ----------
    first, second : sequence of int
        Two orderings of the same items (each a permutation of ``range(n)``).

    Returns
    -------
    int
        Kendall's tau distance, in [0, n (n - 1) / 2].
    """
    position = {item: index for index, item in enumerate(second)}
    ranks = [position[item] for item in first]
    return sum(1 for i, j in itertools.combinations(range(len(ranks)), 2) if ranks[i] > ranks[j])


@lru_cache(maxsize=8)
def _distance_matrix(n: int) -> np.ndarray:
    orders = list(itertools.permutations(range(n)))
    # Count discordant pairs directly: n <= 6 keeps it small (720^2 pairs of 15 comparisons).
    inverse = np.array([np.argsort(order) for order in orders])
    table = np.array(orders)
    pairs = list(itertools.combinations(range(n), 2))
    first = np.array([i for i, _ in pairs], dtype=np.int64)
    second = np.array([j for _, j in pairs], dtype=np.int64)
    distance = np.zeros((len(orders), len(orders)), dtype=np.int64)
    for row, order in enumerate(table):
        ranks_in_each = inverse[:, order]  # ranks_in_each[y, pos] = position in y of x[pos]
        distance[row] = np.sum(ranks_in_each[:, first] > ranks_in_each[:, second], axis=1)
    distance.setflags(write=False)
    return distance


@lru_cache(maxsize=8)
def mallows_symmetry(n: int) -> np.ndarray:
    """The relabellings of the ``n`` items as permutations of the orderings.

    Row ``g`` maps ordering ``x`` (an index into ``itertools.permutations(range(n))``) to the
    ordering that renames every item ``i`` to ``sigma_g(i)``, ``sigma_g`` the ``g``-th ordering
    read as a map. Kendall's distance counts pairs of items in opposite order, which renaming
    cannot change, so ``K[g x, g y] = K[x, y]`` for every Mallows kernel; the group acts
    transitively (and freely) on the orderings.

    Parameters
    ----------
    n : int
        Number of items, in [1, 6].

    Returns
    -------
    numpy.ndarray of int64, shape (n!, n!)
        Read-only.
    """
    items = check_integer("n", n, low=1, high=MAX_KERNEL_ITEMS)
    orders = list(itertools.permutations(range(items)))
    index = {order: position for position, order in enumerate(orders)}
    table = np.array([[index[tuple(sigma[item] for item in order)] for order in orders] for sigma in orders],
                     dtype=np.int64)
    table.setflags(write=False)
    return table


def mallows_kernel(n: int, phi: float) -> np.ndarray:
    """The explicit Mallows kernel ``K[x, y] = phi^{d_K(x, y)} / Z_n(phi)`` over all orderings.

    Rows and columns are the permutations of ``range(n)`` in ``itertools.permutations`` order.

    Parameters
    ----------
    n : int
        Number of items, in [1, 6] (the matrix has (n!)^2 entries).
    phi : float
        Dispersion, in [0, 1].

    Returns
    -------
    numpy.ndarray, shape (n!, n!)
        Row-stochastic kernel (the identity at ``phi = 0``).
    """
    items = check_integer("n", n, low=1, high=MAX_KERNEL_ITEMS)
    dispersion = check_probability("phi", phi)
    distance = _distance_matrix(items)
    # 0.0 ** 0 is 1 in NumPy, which is the right value of phi^0 at phi = 0.
    kernel = np.power(dispersion, distance.astype(float))
    return kernel / kernel.sum(axis=1, keepdims=True)


def ranking_swap_probability(d: float, n: int, *, span: float = 3.0) -> float:
    """Probability of swapping two items one rank apart, ``p = Phi(-(D / (n - 1)) / sqrt 2)``.

    The ``n`` items are spread over ``D = span * d`` noise standard deviations, so neighbours are
    ``D / (n - 1)`` apart, and comparing two noisy percepts adds their variances (hence the sqrt 2).

    Parameters
    ----------
    d : float
        Discriminability d', >= 0.
    n : int
        Number of items ranked, >= 2.
    span : float
        Range of the items in units of d', > 0.

    Returns
    -------
    float
        Swap probability, in (0, 1/2]; 1/2 at ``d = 0``.
    """
    separation = check_real("d", d, low=0.0)
    items = check_integer("n", n, low=2)
    width = check_real("span", span, low=0.0, low_open=True)
    return float(special.ndtr(-(width * separation / (items - 1)) / math.sqrt(2.0)))


def effective_swap_probability(p_swap: float, slip: float) -> float:
    """Adjacent-swap probability after articulation slips, ``p' = p (1 - s) + (1 - p) s``.

    A slip swaps the pair once more, so a swap survives when exactly one of the two happens.

    Parameters
    ----------
    p_swap : float
        Cognitive swap probability, in [0, 1].
    slip : float
        Slip rate, in [0, 1].

    Returns
    -------
    float
        Probability in [0, 1].
    """
    swap = check_probability("p_swap", p_swap)
    rate = check_probability("slip", slip)
    return swap * (1.0 - rate) + (1.0 - swap) * rate


def folded_dispersion(p_effective: float) -> float:
    """Mallows dispersion ``phi`` in [0, 1] of a channel with adjacent-swap probability ``p'``.

    For ``p' <= 1/2``, ``phi = p' / (1 - p')``. For ``p' > 1/2`` that ratio exceeds 1: the rater then
    tends to *reverse* the order, and the Mallows model with ``phi > 1`` centred on ``x`` equals the
    model with ``1 / phi`` centred on the reversal of ``x``. Reversal is a fixed, known bijection, so
    both channels carry the same information; we use ``min(p', 1 - p') / max(p', 1 - p')``, which
    makes the capacity symmetric about ``p' = 1/2`` (where it is 0).

    Parameters
    ----------
    p_effective : float
        Adjacent-swap probability, in [0, 1].

    Returns
    -------
    float
        Dispersion in [0, 1].
    """
    swap = check_probability("p_effective", p_effective)
    low = min(swap, 1.0 - swap)
    high = 1.0 - low
    return min(1.0, low / high)


def ranking_capacity(n: int, p_swap: float, slip: float = 0.0) -> float:
    """Capacity of the Mallows ranking channel, ``ln n! - H(Mallows_n(phi))``, the method §3.

    The slip is folded into the swap probability, ``p' = p (1 - s) + (1 - p) s``, and
    ``phi = p' / (1 - p')``; for ``p' > 1/2`` see :func:`folded_dispersion` (the channel is as
    informative as its reversal, so ``phi`` is replaced by ``1 / phi``).

    Parameters
    ----------
    n : int
        Number of items ranked, >= 1.
    p_swap : float
        Probability of swapping two items one rank apart, in [0, 1].
    slip : float
        Articulation slip rate, in [0, 1].

    Returns
    -------
    float
        Capacity in nats, in [0, ln n!].
    """
    items = check_integer("n", n, low=1)
    effective = effective_swap_probability(p_swap, slip)
    dispersion = folded_dispersion(effective)
    log_orders = float(special.gammaln(items + 1))
    return min(max(log_orders - _mallows_entropy(items, dispersion), 0.0), log_orders)
