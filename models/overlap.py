"""Designs whose number of raters varies by item: partial and adaptive overlap.

**Partial overlap** (a share ``f`` of the items gets ``r₂`` raters, the rest ``r₁``) and, more
generally, any known law of panel sizes: the decoder sees how many raters an item had (the label
file says so), so the channel is the *mixture with the state known at the receiver*

    P((n, c) | x) = P(N = n) · P_n(c | x),

whose outputs are the pairs (panel size, vote histogram). At any input law its information is the
mixture of the panels' informations, ``Σ_n P(n) I(X; C_n)``, and its MAP accuracy is
``Σ_n P(n) A_n``; its capacity is ``max_p Σ_n P(n) I(p; K_n)``, which is ``Σ_n P(n) C_n`` when one
input law is optimal for every panel (symmetric kernels) and at most that otherwise. (A decoder
that did not know ``n`` would see a garbling of this channel, with less information; label files
record who labelled what, so the known-state channel is the right one.)

**Adaptive overlap**: ``r₀`` raters label an item; while its vote histogram is not decisive and
fewer than ``r_max`` raters have labelled it, one more rater is added. Decisive is either

* ``"agreement"``: the most frequent answer has a share ``max_y c_y / n ≥ threshold``; or
* ``"posterior"``: the posterior's largest value ``max_x P(x | reached (n, c)) ≥ threshold`` at the
  question's prior (the exact posterior of the stopped process, herding included).

The stopped histogram together with its length is the channel. :func:`adaptive_panel` computes
``P((n, c) | x)`` exactly by dynamic programming over the histograms level by level: the
probability of *reaching* each histogram of ``n`` votes without having stopped is carried in two
parts, the independent raters' (a new vote multiplies by ``K[x, y]``) and the herding part (with
probability ``ρ`` all raters copy one draw: only unanimous histograms, extended by the same
answer). With ``r_max = r₀`` the channel is the fixed ``r₀``-rater panel of :mod:`models.panel`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .errors import InvalidArgumentError, check_choice, check_integer, check_real
from .decoding import _prior
from .info import as_kernel
from .panel import _compositions, _count_kernel, _histogram_tables

__all__ = [
    "STOP_RULES",
    "AdaptivePanel",
    "adaptive_outcome_count",
    "adaptive_panel",
    "length_law_panel",
    "composition_index",
]

STOP_RULES = ("agreement", "posterior")
#: Histograms within this of a threshold count as reaching it (shares like 2/3 are not exact).
_THRESHOLD_SLACK = 1e-12


def adaptive_outcome_count(answers: int, start: int, most: int) -> int:
    """Vote histograms of all panel sizes from ``start`` to ``most`` over ``answers`` answers: the
    most outcomes an adaptive panel can have, ``Σ_n C(n + answers − 1, answers − 1)``.

    Parameters
    ----------
    answers : int
        Answers one rater can give, >= 1.
    start, most : int
        First and largest panel size, 1 <= start <= most.
    """
    count = check_integer("answers", answers, low=1)
    first = check_integer("start", start, low=1)
    last = check_integer("most", most, low=first)
    # Hockey stick: Σ_{n ≤ N} C(n + a − 1, a − 1) = C(N + a, a).
    return math.comb(last + count, count) - math.comb(first - 1 + count, count)


def composition_index(histograms: np.ndarray, total: int) -> np.ndarray:
    """Row positions of histograms in :func:`models.panel.compositions` ``(total, parts)`` order.

    The compositions are in increasing lexicographic order, so a histogram's position counts the
    compositions with a smaller prefix: ``Σ_i [C(R_i + p_i, p_i) − C(R_i − c_i + p_i, p_i)]``, with
    ``R_i`` what the first ``i`` parts leave and ``p_i`` the parts after part ``i`` (the hockey-stick
    sum of the counts of each smaller value of part ``i``).

    Parameters
    ----------
    histograms : numpy.ndarray of int, shape (count, parts)
        Compositions of ``total``.
    total : int
        Their sum, >= 0.

    Returns
    -------
    numpy.ndarray of int64, shape (count,)
    """
    table = np.asarray(histograms, dtype=np.int64)
    parts = table.shape[1]
    binomial = _binomial_table(int(total) + parts, parts)
    remaining = int(total) - np.concatenate((np.zeros((table.shape[0], 1), dtype=np.int64),
                                             np.cumsum(table, axis=1)[:, :-1]), axis=1)
    index = np.zeros(table.shape[0], dtype=np.int64)
    for i in range(parts - 1):
        after = parts - i - 1
        index += binomial[remaining[:, i] + after, after] - binomial[remaining[:, i] - table[:, i] + after, after]
    return index


def _binomial_table(top: int, width: int) -> np.ndarray:
    """``C(m, p)`` for m <= top, p <= width, as int64 where it fits (larger entries are never read:
    every count looked up is at most the number of compositions, which fits)."""
    table = np.zeros((top + 1, width + 1), dtype=np.int64)
    limit = 2**62
    for m in range(top + 1):
        for p in range(min(m, width) + 1):
            table[m, p] = min(math.comb(m, p), limit)
    return table


@dataclass(frozen=True, eq=False)
class AdaptivePanel:
    """The channel of an adaptive panel (module docstring).

    Attributes
    ----------
    kernel : numpy.ndarray, shape (inputs, outcomes)
        ``P((n, c) | x)``, row-stochastic; outcomes by increasing ``n``, then in
        :func:`models.panel.compositions` order.
    lengths : numpy.ndarray of int, shape (outcomes,)
        The panel size ``n`` of each outcome.
    histograms : numpy.ndarray of int, shape (outcomes, answers)
        The vote histogram of each outcome.
    stopping : numpy.ndarray, shape (inputs, most − start + 1)
        ``P(N = n | x)`` for ``n = start … most``.
    start, most : int
        First and largest panel size.
    """

    kernel: np.ndarray
    lengths: np.ndarray
    histograms: np.ndarray
    stopping: np.ndarray
    start: int
    most: int

    @property
    def expected_by_input(self) -> np.ndarray:
        """``E[N | x]``, raters per item given the truth, in [start, most]."""
        return self.stopping @ np.arange(self.start, self.most + 1, dtype=float)

    def length_law(self, prior: object | None = None) -> dict[int, float]:
        """``P(N = n)`` at an input law (uniform when None), for the sizes with positive probability."""
        weights = _prior(prior, self.kernel.shape[0])
        law = weights @ self.stopping
        return {self.start + i: float(p) for i, p in enumerate(law) if p > 0.0}

    def expected_raters(self, prior: object | None = None) -> float:
        """``E[N]`` at an input law (uniform when None): raters per item on average, in [start, most]."""
        weights = _prior(prior, self.kernel.shape[0])
        value = float(weights @ self.expected_by_input)
        return min(max(value, float(self.start)), float(self.most))


def adaptive_panel(
    kernel: object,
    start: int,
    most: int,
    *,
    correlation: float = 0.0,
    rule: str = "agreement",
    threshold: float = 0.6,
    prior: object | None = None,
    max_outcomes: int = 200_000,
    class_weights: object | None = None,
) -> AdaptivePanel:
    """The stopped-histogram channel of adaptive overlap, exactly (module docstring).

    Parameters
    ----------
    kernel : array_like, shape (inputs, answers), or (classes, inputs, answers) with ``class_weights``
        One rater's row-stochastic kernel; with ``class_weights``, one per class of items.
    start : int
        Raters every item gets, ``r₀`` >= 1.
    most : int
        Most raters an item can get, ``r_max`` >= ``start``.
    correlation : float
        Herding ρ: the probability that all of an item's raters copy one draw, in [0, 1].
    rule : str
        ``"agreement"`` or ``"posterior"`` (:data:`STOP_RULES`).
    threshold : float
        Share (agreement) or posterior probability (posterior) at which a histogram is decisive,
        in [0, 1].
    prior : array_like of shape (inputs,) or None
        The truth's law, for the posterior rule (uniform when None); ignored by the agreement rule.
    max_outcomes : int
        Most histograms over all sizes (:func:`adaptive_outcome_count`), >= 1.
    class_weights : array_like of shape (classes,) or None
        Share of the items in each class (>= 0, normalised here), for items of latent difficulty
        (the method §9): within a class the raters are conditionally i.i.d. with that class's kernel,
        and the class is independent of the truth and unseen, so ``P((n, c) | x)`` is the classes'
        mixture ``Σ_h w_h P_h((n, c) | x)``. The rule stops on the same histograms in every class (the
        posterior rule's posterior is the mixture's), so the mixture is taken level by level.

    Returns
    -------
    AdaptivePanel

    Raises
    ------
    InvalidArgumentError
        For arguments out of range, or more histograms than ``max_outcomes``.
    """
    if class_weights is None:
        matrices = [as_kernel("kernel", kernel)]
        shares = [1.0]
    else:
        stack = np.asarray(kernel, dtype=float)
        if stack.ndim != 3:
            raise InvalidArgumentError(f"kernel must have shape (classes, inputs, answers) with class_weights, "
                                       f"got shape {stack.shape}")
        matrices = [as_kernel("kernel", matrix) for matrix in stack]
        if len({one.shape for one in matrices}) != 1:
            raise InvalidArgumentError(f"every class's kernel must have one shape, got {[m.shape for m in matrices]}")
        given = np.array([check_real("class weight", w, low=0.0) for w in np.ravel(class_weights)])
        if given.size != len(matrices) or given.sum() <= 0.0:
            raise InvalidArgumentError(f"class_weights must give {len(matrices)} weights, not all 0, got {given.tolist()}")
        shares = list(given / given.sum())
    matrix = matrices[0]
    first = check_integer("start", start, low=1)
    last = check_integer("most", most, low=first)
    rho = check_real("correlation", correlation, low=0.0, high=1.0)
    check_choice("rule", rule, STOP_RULES)
    level = check_real("threshold", threshold, low=0.0, high=1.0)
    weights = _prior(prior, matrix.shape[0])
    limit = check_integer("max_outcomes", max_outcomes, low=1)
    inputs, answers = matrix.shape
    total = adaptive_outcome_count(answers, first, last)
    if total > limit:
        raise InvalidArgumentError(
            f"an adaptive panel of {first} to {last} raters over {answers} answers has {total:,} vote histograms, "
            f"more than max_outcomes = {limit:,}"
        )
    # Per class of items: the independent raters' and the herding branch's reach of each histogram.
    _, _, _, unanimous = _histogram_tables(first, answers)
    independents, herdings = [], []
    for one in matrices:
        independents.append(_count_kernel(one, first, 0.0))
        herding = np.zeros_like(independents[-1])
        herding[:, unanimous] = one
        herdings.append(herding)
    columns, lengths, histograms, stopping = [], [], [], []
    for n in range(first, last + 1):
        table = _compositions(n, answers)
        # One class (shares [1.0]) is its reach itself: 1.0 · x and 0 + x are x exactly.
        reach = sum(share * ((1.0 - rho) * independent + rho * herding)
                    for share, independent, herding in zip(shares, independents, herdings))
        if n == last:
            stop = np.ones(table.shape[0], dtype=bool)
        elif rule == "agreement":
            stop = table.max(axis=1) >= (level - _THRESHOLD_SLACK) * n
        else:
            joint = weights[:, None] * reach
            mass = joint.sum(axis=0)
            held = mass > 0.0
            best = np.ones(table.shape[0])
            best[held] = joint[:, held].max(axis=0) / mass[held]
            stop = best >= level - _THRESHOLD_SLACK
        columns.append(reach[:, stop])
        lengths.append(np.full(int(stop.sum()), n, dtype=np.int64))
        histograms.append(table[stop])
        stopping.append(reach[:, stop].sum(axis=1))
        if n == last:
            break
        going = np.flatnonzero(~stop)
        next_table = _compositions(n + 1, answers)
        targets = []
        for y in range(answers):
            # Every continuing histogram gains a vote for y with probability K[x, y].
            extended = table[going].copy()
            extended[:, y] += 1
            targets.append(composition_index(extended, n + 1))
        next_unanimous = _histogram_tables(n + 1, answers)[3]
        # The herding branch stays unanimous: it goes on only where its histogram did not stop.
        goes_on = ~stop[_histogram_tables(n, answers)[3]]
        for h, one in enumerate(matrices):
            grown = np.zeros((inputs, next_table.shape[0]))
            for y, target in enumerate(targets):
                np.add.at(grown.T, target, (independents[h][:, going] * one[:, y][:, None]).T)
            kept = np.zeros_like(grown)
            kept[:, next_unanimous[goes_on]] = herdings[h][:, _histogram_tables(n, answers)[3][goes_on]]
            independents[h], herdings[h] = grown, kept
    stacked = np.ascontiguousarray(np.concatenate(columns, axis=1))
    # The levels' probabilities sum to 1 up to rounding; renormalise as models.info.as_kernel does.
    stacked /= stacked.sum(axis=1, keepdims=True)
    for array in (stacked,):
        array.setflags(write=False)
    return AdaptivePanel(
        kernel=stacked,
        lengths=np.concatenate(lengths),
        histograms=np.concatenate(histograms, axis=0),
        stopping=np.stack(stopping, axis=1),
        start=first,
        most=last,
    )


def length_law_panel(kernel: object, law: Mapping[int, float], *, correlation: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """The known-state mixture of fixed panels, ``P((n, c) | x) = P(N = n) P_n(c | x)``.

    Parameters
    ----------
    kernel : array_like, shape (inputs, answers)
        One rater's row-stochastic kernel.
    law : mapping of int to float
        ``P(N = n)`` for panel sizes ``n`` >= 1; non-negative, normalised here.
    correlation : float
        Herding ρ of every panel, in [0, 1].

    Returns
    -------
    (panel, lengths)
        ``panel`` of shape (inputs, Σ_n C(n + answers − 1, answers − 1)), row-stochastic, sizes in
        increasing order; ``lengths`` the size of each column.
    """
    matrix = as_kernel("kernel", kernel)
    rho = check_real("correlation", correlation, low=0.0, high=1.0)
    sizes = sorted(check_integer("panel size", n, low=1) for n in law)
    probabilities = np.array([check_real("P(N = n)", law[n], low=0.0) for n in sizes])
    if probabilities.sum() <= 0.0:
        raise InvalidArgumentError("law must give some panel size a positive probability")
    probabilities /= probabilities.sum()
    blocks, lengths = [], []
    for n, p in zip(sizes, probabilities):
        if p == 0.0:
            continue
        block = _count_kernel(matrix, n, rho)
        blocks.append(p * block)
        lengths.append(np.full(block.shape[1], n, dtype=np.int64))
    return np.ascontiguousarray(np.concatenate(blocks, axis=1)), np.concatenate(lengths)
