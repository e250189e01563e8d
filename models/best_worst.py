"""Best–worst scaling: a rater sees a tuple of ``n`` items and picks the best and the worst.

The truth of one tuple is the order of its ``n`` items (``n!`` values, as for a ranking); an
answer is an ordered pair ``(best, worst)`` of distinct items, one of ``n (n − 1)``. Two response
models give the probability ``p[i, j]`` that the item truly ranked ``i`` is picked best and the item
truly ranked ``j`` worst (ranks from 0, the best):

* **Thurstonian** (Thurstone 1927, the app's model for every ordered format): item of rank ``r``
  has latent value ``μ_r = D (n − 1 − r) / (n − 1)``, ``D = span · d′`` (so neighbours are
  ``D / (n − 1)`` apart, as in the ranking format), the rater perceives ``μ_r + Z_r`` with
  independent standard normal ``Z`` and reports the largest and the smallest percept:

      p[i, j] = ∫ φ(u − μ_i) ∫_{−∞}^{u} φ(v − μ_j) Π_{l ≠ i, j} [Φ(u − μ_l) − Φ(v − μ_l)] dv du.

  The product is expanded over the subsets of the other items, so each term is a cumulative
  one-dimensional integral (trapezoid on a 0.004-wide grid, about 1e-6 absolute).
* **MaxDiff** (Marley & Louviere 2005, the closed form of Kiritchenko & Mohammad 2017's scoring):
  the rater picks the ordered pair with the largest ``v_a − v_b + ε_ab``, ``ε`` independent
  Gumbel, so ``p[i, j] = exp(v_i − v_j) / Σ_{a ≠ b} exp(v_a − v_b)``. Values ``v = μ / √π`` make
  its forced choice at ``n = 2`` agree with the Thurstonian one to first order at ``d′ = 0``.

Articulation: with probability ``slip`` the entered pair is another pair, uniformly (a nominal slip
over the ``n (n − 1)`` answers).

Relabelling the items maps truths to truths and answers to answers and leaves the kernel
unchanged; the group acts transitively on both, so the uniform input is optimal and the output is
then uniform: the capacity is exactly ``ln(n (n − 1)) − H(row)``, any row.
"""

from __future__ import annotations

import itertools
import math
from functools import lru_cache

import numpy as np
from scipy import special

from .errors import check_choice, check_integer, check_real

__all__ = [
    "BEST_WORST_MODELS",
    "MAX_BEST_WORST_ITEMS",
    "best_worst_answers",
    "best_worst_capacity",
    "best_worst_kernel",
    "best_worst_orders",
    "best_worst_probabilities",
    "best_worst_symmetry",
    "best_worst_utilities",
]

BEST_WORST_MODELS = ("thurstone", "maxdiff")
#: Largest tuple: 5 items (120 orders, 20 answers), the sizes used in practice (4 is usual).
MAX_BEST_WORST_ITEMS = 5
#: Neighbouring items further apart than this many noise SDs are computed at this distance: every
#: error probability there is below 1e-40, and the quadrature grid stays small.
_MAX_GAP = 20.0
#: Quadrature: half-width (noise SDs) and step of the grid around each latent value.
_HALF_WIDTH = 10.0
_STEP = 0.004
_OFFSETS = np.arange(-_HALF_WIDTH, _HALF_WIDTH + _STEP / 2, _STEP)
_DENSITY = np.exp(-0.5 * _OFFSETS**2) / math.sqrt(2.0 * math.pi)


def best_worst_orders(n: int) -> tuple[tuple[int, ...], ...]:
    """The truths: orders of the ``n`` items, ``order[r]`` the item of rank ``r`` (0 the best), in
    the order of ``itertools.permutations`` (the ranking format's order too)."""
    return tuple(itertools.permutations(range(check_integer("n", n, low=2, high=MAX_BEST_WORST_ITEMS))))


def best_worst_answers(n: int) -> tuple[tuple[int, int], ...]:
    """The answers: ordered pairs ``(best item, worst item)`` of distinct items, ``n (n − 1)`` of them."""
    return tuple(itertools.permutations(range(check_integer("n", n, low=2, high=MAX_BEST_WORST_ITEMS)), 2))


@lru_cache(maxsize=8)
def best_worst_symmetry(n: int) -> np.ndarray:
    """The relabellings of the ``n`` items as permutations of the answers: row ``g`` maps answer
    ``(a, b)`` to ``(σ_g(a), σ_g(b))``, ``σ_g`` the ``g``-th order read as a map. Renaming the items
    of an order and of an answer alike keeps every rank, so ``K[g x, g y] = K[x, y]``; the group acts
    transitively on the orders (and on the answers).

    Returns
    -------
    numpy.ndarray of int64, shape (n!, n (n − 1))
        Read-only.
    """
    answers = best_worst_answers(n)
    index = {pair: position for position, pair in enumerate(answers)}
    table = np.array([[index[(sigma[a], sigma[b])] for a, b in answers] for sigma in best_worst_orders(n)],
                     dtype=np.int64)
    table.setflags(write=False)
    return table


def best_worst_utilities(d: float, n: int, *, span: float = 3.0) -> np.ndarray:
    """Latent values ``μ_r = D (n − 1 − r) / (n − 1)`` of the items by true rank, ``D = span · d``.

    Parameters
    ----------
    d : float
        Discriminability d′ of one elementary judgment, >= 0.
    n : int
        Items in the tuple, in [2, 5].
    span : float
        Distance between the best and the worst item in units of d′, > 0.
    """
    separation = check_real("d", d, low=0.0)
    count = check_integer("n", n, low=2, high=MAX_BEST_WORST_ITEMS)
    width = check_real("span", span, low=0.0, low_open=True)
    return _utilities(separation, count, width)


def _utilities(d: float, n: int, span: float) -> np.ndarray:
    gap = min(span * d / (n - 1), _MAX_GAP)
    return gap * np.arange(n - 1, -1, -1, dtype=float)


def best_worst_probabilities(d: float, n: int, *, span: float = 3.0, model: str = "thurstone") -> np.ndarray:
    """``p[i, j]``: probability that the item of true rank ``i`` is picked best and that of rank ``j``
    worst (module docstring), without slips.

    Parameters
    ----------
    d : float
        Discriminability d′, >= 0.
    n : int
        Items in the tuple, in [2, 5].
    span : float
        Best-to-worst distance in units of d′, > 0.
    model : str
        ``"thurstone"`` (normal percepts) or ``"maxdiff"`` (the closed form).

    Returns
    -------
    numpy.ndarray, shape (n, n)
        Zero diagonal, entries summing to 1; ``1 / (n (n − 1))`` off the diagonal at ``d = 0``.
    """
    separation = check_real("d", d, low=0.0)
    count = check_integer("n", n, low=2, high=MAX_BEST_WORST_ITEMS)
    width = check_real("span", span, low=0.0, low_open=True)
    check_choice("model", model, BEST_WORST_MODELS)
    return _probabilities(separation, count, width, model).copy()


@lru_cache(maxsize=4096)
def _probabilities(d: float, n: int, span: float, model: str) -> np.ndarray:
    mu = _utilities(d, n, span)
    if model == "maxdiff":
        values = mu / math.sqrt(math.pi)
        logits = values[:, None] - values[None, :]
        np.fill_diagonal(logits, -np.inf)
        table = np.exp(logits - logits[np.isfinite(logits)].max())
    else:
        table = _thurstone(mu)
    table = np.where(np.eye(n, dtype=bool), 0.0, np.maximum(table, 0.0))
    table /= table.sum()
    table.setflags(write=False)
    return table


def _thurstone(mu: np.ndarray) -> np.ndarray:
    """The Thurstonian ``p[i, j]`` by the subset expansion of the module docstring."""
    n = mu.shape[0]
    table = np.zeros((n, n))
    for i, j in itertools.permutations(range(n), 2):
        others = [l for l in range(n) if l not in (i, j)]
        u = mu[i] + _OFFSETS  # outer variable: the best item's percept
        v = mu[j] + _OFFSETS  # inner variable: the worst item's percept
        # Φ(u − μ_l) on the outer grid and Φ(v − μ_l) on the inner one, for each other item.
        upper = {l: special.ndtr(u - mu[l]) for l in others}
        lower = {l: special.ndtr(v - mu[l]) for l in others}
        total = 0.0
        for size in range(len(others) + 1):
            for chosen in itertools.combinations(others, size):
                inner = _DENSITY.copy()
                for l in chosen:
                    inner = inner * lower[l]
                # ∫_{−∞}^{v} of the inner integrand, then read at v = u (linear interpolation; the
                # integrand is negligible beyond the grid, so the ends hold 0 and the total).
                cumulative = np.concatenate(([0.0], np.cumsum(0.5 * (inner[1:] + inner[:-1]) * _STEP)))
                at_u = np.interp(u, v, cumulative, left=0.0, right=cumulative[-1])
                outer = _DENSITY * at_u
                for l in others:
                    if l not in chosen:
                        outer = outer * upper[l]
                term = float(np.sum(outer) * _STEP)
                total += -term if size % 2 else term
        table[i, j] = total
    return table


def best_worst_kernel(d: float, n: int, *, span: float = 3.0, slip_rate: float = 0.0,
                      model: str = "thurstone") -> np.ndarray:
    """One rater's kernel from the ``n!`` orders to the ``n (n − 1)`` (best, worst) answers.

    Parameters
    ----------
    d : float
        Discriminability d′, >= 0.
    n : int
        Items in the tuple, in [2, 5].
    span : float
        Best-to-worst distance in units of d′, > 0.
    slip_rate : float
        Probability that the entered pair is another one (uniformly), in [0, 0.5].
    model : str
        ``"thurstone"`` or ``"maxdiff"``.

    Returns
    -------
    numpy.ndarray, shape (n!, n (n − 1))
        Row-stochastic; rows in :func:`best_worst_orders`, columns in :func:`best_worst_answers` order.
    """
    separation = check_real("d", d, low=0.0)
    count = check_integer("n", n, low=2, high=MAX_BEST_WORST_ITEMS)
    width = check_real("span", span, low=0.0, low_open=True)
    slip = check_real("slip_rate", slip_rate, low=0.0, high=0.5)
    check_choice("model", model, BEST_WORST_MODELS)
    return _kernel(separation, count, width, slip, model).copy()


@lru_cache(maxsize=4096)
def _kernel(d: float, n: int, span: float, slip: float, model: str) -> np.ndarray:
    table = _probabilities(d, n, span, model)
    orders = best_worst_orders(n)
    answers = best_worst_answers(n)
    # rank[x, a]: the true rank of item a under order x.
    rank = np.argsort(np.array(orders), axis=1)
    best = np.array([a for a, _ in answers])
    worst = np.array([b for _, b in answers])
    kernel = table[rank[:, best], rank[:, worst]]
    size = len(answers)
    kernel = (1.0 - slip) * kernel + slip * (1.0 - kernel) / (size - 1)
    kernel = np.ascontiguousarray(kernel / kernel.sum(axis=1, keepdims=True))
    kernel.setflags(write=False)
    return kernel


def best_worst_capacity(d: float, n: int, *, span: float = 3.0, slip_rate: float = 0.0,
                        model: str = "thurstone") -> float:
    """Exact capacity of one rater's best–worst channel, ``ln(n (n − 1)) − H(row)``, in nats.

    Parameters as in :func:`best_worst_kernel`. Returns a value in ``[0, ln(n (n − 1))]``.
    """
    kernel = best_worst_kernel(d, n, span=span, slip_rate=slip_rate, model=model)
    return _row_capacity(kernel[0])


def _row_capacity(row: np.ndarray) -> float:
    positive = row[row > 0.0]
    value = math.log(row.shape[0]) + float(np.sum(positive * np.log(positive)))
    return min(max(value, 0.0), math.log(row.shape[0]))
