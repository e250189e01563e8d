"""What a pilot's labels say about the channel: capacity, rater correlation, speed–accuracy.

Three estimates, each the empirical counterpart of a quantity in the method:

* **Empirical capacity** (§3): the pooled single-rater kernel ``K[c, l] = P(label l | true c)`` is
  tabulated from gold (or from Dawid–Skene posteriors when there is no gold) and its capacity is
  computed by Blahut–Arimoto. A seeded bootstrap over items (items, not labels, are resampled:
  labels of one item are not independent) gives a percentile interval.
* **Rater correlation ρ** (§4): under the mixture
  ``P(votes | x) = (1 − ρ) · independent + ρ · all raters copy one draw``,
  ``P(unanimous) = (1 − ρ) · P_indep(unanimous) + ρ``; solving the averaged identity for ρ gives
  ``ρ = (U_obs − U_ind) / (1 − U_ind)``, clipped to [0, 1).
* **Accuracy curves** (§3): ``P(correct | d′)`` tabulated from a kernel family
  (``percent_correct`` for nominal questions, the diagonal of the ordinal kernel for ordinal ones,
  either composed with the articulation slip kernel); :mod:`models.speed_accuracy` fits
  ``d′(t)`` through them.

Nothing here reads files or knows about scenarios: ``advisor.pilot`` builds the inputs.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy import sparse

from .aggregation import Annotations
from .capacity import blahut_arimoto
from .errors import InvalidArgumentError, ModelError, check_integer, check_real
from .info import log_sum_exp

__all__ = [
    "Cancelled",
    "EmpiricalCapacity",
    "CorrelationEstimate",
    "AccuracyCurve",
    "confusion_counts",
    "kernel_from_counts",
    "empirical_capacity",
    "excess_unanimity_correlation",
    "accuracy_curve",
]

Progress = Callable[[int, int], bool]
_BOOTSTRAP_CHUNK = 25
_BOOTSTRAP_ENTRIES = 1 << 24
"""Most resample weights held at once (128 MiB): fewer resamples per block on very large pilots."""
_PATTERN_ITEMS = 1_000_000
"""From this many items on, items with identical counts are resampled as one pattern (exactly:
the draws per pattern of a resample of items are multinomial)."""
_LABEL_BLOCK = 1 << 22
"""Entries (labels × classes) handled at a time in sums over labels, bounding their temporaries."""


class Cancelled(ModelError):
    """A long computation was stopped because its progress callback returned False."""


# ------------------------------------------------------------------ the kernel
def _check_truth(data: Annotations, truth: object) -> np.ndarray:
    """Return truth as item weights, shape (n_items, k): one-hot gold rows, posterior rows or zeros."""
    array = np.asarray(truth)
    k = data.n_classes
    if array.ndim == 1:
        if array.shape != (data.n_items,) or not np.issubdtype(array.dtype, np.integer):
            raise InvalidArgumentError(f"truth must be gold codes of shape ({data.n_items},) or posteriors of shape ({data.n_items}, {k})")
        if array.min() < -1 or array.max() >= k:
            raise InvalidArgumentError(f"truth must hold class codes in [0, {k - 1}] or -1 for unknown")
        weights = np.zeros((data.n_items, k))
        known = np.flatnonzero(array >= 0)
        weights[known, array[known]] = 1.0
        return weights
    if array.shape != (data.n_items, k):
        raise InvalidArgumentError(f"truth must be gold codes of shape ({data.n_items},) or posteriors of shape ({data.n_items}, {k})")
    weights = np.asarray(array, dtype=float)
    sums = weights.sum(axis=1)
    if not np.all(np.isfinite(weights)) or np.any(weights < 0) or np.any((sums > 0) & (np.abs(sums - 1.0) > 1e-6)):
        raise InvalidArgumentError("truth posteriors must be finite, >= 0, and each row must sum to 1 (or be all zeros for unknown)")
    return weights


def _per_item_counts(data: Annotations, weights: np.ndarray) -> sparse.csr_matrix:
    """Sparse (n_items, k*k) matrix: item u's expected counts of (true class c, label l) at column c*k + l.

    Built from the vote histograms, not the labels: an item's labels of one class are one entry,
    so the matrix never holds more entries than ``k`` times the items' distinct votes.
    """
    k = data.n_classes
    votes = data.vote_counts()
    vote_items, vote_labels = np.nonzero(votes)
    counts = votes[vote_items, vote_labels]
    rows, columns, values = [], [], []
    for true_class in range(k):
        weight = weights[vote_items, true_class]
        keep = weight > 0
        rows.append(vote_items[keep])
        columns.append(true_class * k + vote_labels[keep])
        values.append(weight[keep] * counts[keep])
    return sparse.csr_matrix((np.concatenate(values), (np.concatenate(rows), np.concatenate(columns))), shape=(data.n_items, k * k))


def confusion_counts(data: Annotations, truth: object) -> np.ndarray:
    """Pooled counts ``counts[c, l]`` of labels ``l`` given to items of true class ``c``.

    Parameters
    ----------
    data : Annotations
        The labels.
    truth : array_like
        Either gold codes, shape (n_items,), -1 where unknown (those items are skipped), or
        posteriors over the true class, shape (n_items, n_classes) (each label is spread over the
        classes with its item's posterior; an all-zero row skips the item).

    Returns
    -------
    numpy.ndarray, shape (n_classes, n_classes)
        Expected counts (integers for gold).
    """
    if not isinstance(data, Annotations):
        raise InvalidArgumentError(f"data must be an Annotations, got {type(data).__name__}")
    weights = _check_truth(data, truth)
    k = data.n_classes
    flat = np.asarray(_per_item_counts(data, weights).sum(axis=0)).ravel()
    return flat.reshape(k, k)


def kernel_from_counts(counts: object) -> tuple[np.ndarray, np.ndarray]:
    """Row-normalise confusion counts into a kernel, dropping classes with no data.

    Parameters
    ----------
    counts : array_like, shape (k, k)
        Non-negative counts, rows true classes.

    Returns
    -------
    kernel : numpy.ndarray, shape (k_present, k)
        Row-stochastic rows of the classes with any count.
    present : numpy.ndarray of bool, shape (k,)
        Which true classes the rows belong to.

    Raises
    ------
    InvalidArgumentError
        When the counts are negative, not finite or all zero.
    """
    matrix = np.asarray(counts, dtype=float)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 2:
        raise InvalidArgumentError(f"counts must be a square matrix with at least 2 classes, got shape {matrix.shape}")
    if not np.all(np.isfinite(matrix)) or np.any(matrix < 0):
        raise InvalidArgumentError("counts must be finite and >= 0")
    totals = matrix.sum(axis=1)
    present = totals > 0
    if not np.any(present):
        raise InvalidArgumentError("counts are all zero: no label has a known true class")
    return matrix[present] / totals[present, None], present


def _gold_patterns(data: Annotations, truth: object) -> tuple[sparse.csr_matrix, np.ndarray, int] | None:
    """With gold codes on at least :data:`_PATTERN_ITEMS` items: the distinct (gold class, vote
    histogram) patterns as rows of per-item counts, how many items share each, and the items used;
    None otherwise (or when a pattern's key would not fit 53 bits).

    An item's row of per-item counts is its vote histogram in the block of its gold class, so the
    key ``gold · base^k + Σ votes_l · base^l`` tells the rows apart with one sort of numbers,
    without building a row per item.
    """
    gold = np.asarray(truth)
    if gold.ndim != 1 or not np.issubdtype(gold.dtype, np.integer) or gold.shape != (data.n_items,):
        return None
    known = gold >= 0
    n_used = int(np.count_nonzero(known))
    if n_used < _PATTERN_ITEMS or gold.max() >= data.n_classes:
        return None
    k = data.n_classes
    votes = data.vote_counts()
    base = float(votes.max()) + 1.0
    if (k + 1) * math.log2(base) >= 53:
        return None
    powers = base ** np.arange(k)
    keys = np.full(data.n_items, -1.0)
    for start in range(0, data.n_items, _LABEL_BLOCK):
        block = slice(start, start + _LABEL_BLOCK)
        keys[block] = np.where(known[block], gold[block] * base**k + votes[block] @ powers, -1.0)
    unique, first, multiplicity = np.unique(keys, return_index=True, return_counts=True)
    keep = unique >= 0
    first, multiplicity = first[keep], multiplicity[keep]
    rows = np.repeat(np.arange(first.size), k)
    columns = (gold[first][:, None] * k + np.arange(k)[None, :]).ravel()
    patterns = sparse.csr_matrix((votes[first].ravel().astype(float), (rows, columns)), shape=(first.size, k * k))
    return patterns, multiplicity.astype(float), n_used


def _patterns(per_item: sparse.csr_matrix) -> tuple[sparse.csr_matrix | None, np.ndarray | None]:
    """The distinct rows of ``per_item`` and how many items share each, or (None, None) when the
    rows are not whole counts that a 53-bit key can hold, or not few (posterior weights make almost
    every row distinct).

    Each row of whole counts becomes one number, ``Σ count · base^column`` (exact in a float up to
    2^53), so the rows are told apart by one sort of numbers, not of rows.
    """
    values = per_item.data
    if values.size == 0 or np.any(values != np.round(values)):
        return None, None
    base = float(values.max()) + 1.0
    if per_item.shape[1] * math.log2(base) >= 53:
        return None, None
    rows = np.repeat(np.arange(per_item.shape[0]), np.diff(per_item.indptr))
    keys = np.bincount(rows, weights=values * base ** per_item.indices, minlength=per_item.shape[0])
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    if first.size > per_item.shape[0] // 10:
        return None, None
    return per_item[first], counts.astype(float)


def _capacity_nats(counts: np.ndarray, tol: float) -> float:
    kernel, _ = kernel_from_counts(counts)
    return blahut_arimoto(kernel, tol=tol).nats


@dataclass(frozen=True, eq=False)
class EmpiricalCapacity:
    """Capacity of the pooled single-rater kernel, with its bootstrap interval.

    Attributes
    ----------
    nats : float
        Blahut–Arimoto capacity of the pooled kernel, nats per label, in [0, ln k].
    ci_low, ci_high : float
        Percentile bootstrap interval at ``level``, nats.
    level : float
        Confidence level of the interval, in (0, 1).
    n_boot : int
        Bootstrap resamples drawn.
    kernel : numpy.ndarray, shape (k_present, k)
        The pooled kernel (rows: true classes with data, in order).
    present : numpy.ndarray of bool, shape (k,)
        Which true classes have rows in ``kernel``.
    counts : numpy.ndarray, shape (k, k)
        The pooled counts the kernel came from.
    input_distribution : numpy.ndarray, shape (k_present,)
        Capacity-achieving distribution of the true class.
    items_used : int
        Items that contributed (gold items, or all items for posteriors).
    """

    nats: float
    ci_low: float
    ci_high: float
    level: float
    n_boot: int
    kernel: np.ndarray
    present: np.ndarray
    counts: np.ndarray
    input_distribution: np.ndarray
    items_used: int


def empirical_capacity(
    data: Annotations,
    truth: object,
    *,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
    tol: float = 1e-9,
    bootstrap_tol: float = 1e-6,
    progress: Progress | None = None,
) -> EmpiricalCapacity:
    """Capacity of the pooled kernel with a seeded bootstrap interval over items.

    Parameters
    ----------
    data : Annotations
        The labels.
    truth : array_like
        Gold codes (n_items,) with -1 for unknown, or posteriors (n_items, n_classes); see
        :func:`confusion_counts`.
    n_boot : int
        Bootstrap resamples, 0 (no interval: ``ci_low = ci_high = nats``) to 100 000.
    level : float
        Confidence level of the percentile interval, in (0, 1).
    seed : int
        Seed of the resampling (same seed, same interval), >= 0.
    tol : float
        Blahut–Arimoto gap tolerance of the point estimate, nats, > 0.
    bootstrap_tol : float
        Blahut–Arimoto gap tolerance of each resample, nats, > 0. Resampling spreads the
        estimates by far more than 1e-6 nats, and near-useless kernels (capacity ~0) make
        Blahut–Arimoto slow at tight tolerances, so the resamples use a looser one.
    progress : callable, optional
        ``progress(done, total) -> bool`` called after each block of resamples; returning False
        stops the bootstrap.

    Returns
    -------
    EmpiricalCapacity

    Raises
    ------
    Cancelled
        When ``progress`` returned False.
    InvalidArgumentError
        On a bad argument, or when no label has a known true class.

    Notes
    -----
    The plug-in capacity of an estimated kernel is biased upwards by roughly
    ``(k − 1)² / (2 N)`` nats for ``N`` labels (finite-sample mutual-information bias); the
    percentile interval does not remove it, so read intervals from small pilots as optimistic.
    """
    if not isinstance(data, Annotations):
        raise InvalidArgumentError(f"data must be an Annotations, got {type(data).__name__}")
    resamples = check_integer("n_boot", n_boot, low=0, high=100_000)
    confidence = check_real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    generator = np.random.default_rng(check_integer("seed", seed, low=0))
    tolerance = check_real("tol", tol, low=0.0, low_open=True)
    resample_tolerance = check_real("bootstrap_tol", bootstrap_tol, low=0.0, low_open=True)
    k = data.n_classes
    found = _gold_patterns(data, truth)
    if found is not None:
        # Gold on a million items or more: items go straight to (gold, votes) patterns.
        patterns, multiplicity, n_used = found
        counts = np.asarray(patterns.T @ multiplicity).reshape(k, k)
    else:
        weights = _check_truth(data, truth)
        per_item = _per_item_counts(data, weights)
        used = np.flatnonzero(np.asarray(per_item.sum(axis=1)).ravel() > 0)
        if used.size == 0:
            raise InvalidArgumentError("truth: no label has a known true class (no gold and no posteriors)")
        per_item = per_item[used]
        n_used = int(used.size)
        counts = np.asarray(per_item.sum(axis=0)).ravel().reshape(k, k)
        patterns, multiplicity = _patterns(per_item) if n_used >= _PATTERN_ITEMS else (None, None)
    kernel, present = kernel_from_counts(counts)
    capacity = blahut_arimoto(kernel, tol=tolerance)
    estimates = np.empty(resamples)
    done = 0
    transposed = (per_item if patterns is None else patterns).T.tocsr()
    block_size = max(1, min(_BOOTSTRAP_CHUNK, _BOOTSTRAP_ENTRIES // transposed.shape[1]))
    while done < resamples:
        block = min(block_size, resamples - done)
        if patterns is None:
            draws = generator.integers(0, n_used, size=(block, n_used))
            flat = (np.arange(block)[:, None] * n_used + draws).ravel()
            weight = np.bincount(flat, minlength=block * n_used).reshape(block, n_used).astype(float)
        else:
            weight = generator.multinomial(n_used, multiplicity / n_used, size=block).astype(float)
        block_counts = (transposed @ weight.T).T.reshape(block, k, k)
        for offset in range(block):
            estimates[done + offset] = _capacity_nats(block_counts[offset], resample_tolerance)
        done += block
        if progress is not None and progress(done, resamples) is False:
            raise Cancelled(f"bootstrap cancelled after {done} of {resamples} resamples")
    if resamples:
        tail = (1.0 - confidence) / 2.0
        low, high = np.quantile(estimates, [tail, 1.0 - tail])
    else:
        low = high = capacity.nats
    return EmpiricalCapacity(
        nats=float(capacity.nats),
        ci_low=float(low),
        ci_high=float(high),
        level=confidence,
        n_boot=resamples,
        kernel=kernel,
        present=present,
        counts=counts,
        input_distribution=np.array(capacity.input_distribution),
        items_used=n_used,
    )


# ----------------------------------------------------------- rater correlation
@dataclass(frozen=True)
class CorrelationEstimate:
    """Rater correlation ρ from excess unanimity.

    Attributes
    ----------
    rho : float
        Estimated ρ in [0, 1).
    observed_unanimity : float
        Share of the used items whose labels all agree, in [0, 1].
    independent_unanimity : float
        Mean probability of unanimity if raters were independent given the truth, in [0, 1].
    items_used : int
        Items with at least two labels and a known (or prior) true-class distribution.
    identifiable : bool
        False when independent raters would already be unanimous with probability ~1 (no excess
        can be seen; ρ is then reported as 0).
    """

    rho: float
    observed_unanimity: float
    independent_unanimity: float
    items_used: int
    identifiable: bool


def _item_kernel_counts(data: Annotations, kernel_index: np.ndarray, n_kernels: int) -> np.ndarray:
    """Labels of each item per kernel, shape ``(n_items, n_kernels)``, float (blocks of labels, so no
    label-sized array beyond the codes is made)."""
    counts = np.zeros(data.n_items * n_kernels)
    for start in range(0, data.n_labels, _LABEL_BLOCK):
        block = slice(start, start + _LABEL_BLOCK)
        counts += np.bincount(data.items[block].astype(np.int64) * n_kernels + kernel_index[block],
                              minlength=counts.size)
    return counts.reshape(data.n_items, n_kernels)


def excess_unanimity_correlation(
    data: Annotations,
    truth_weights: object,
    kernels: object,
    kernel_index: object,
) -> CorrelationEstimate:
    """Solve ``U_obs = (1 − ρ) U_ind + ρ`` for the rater correlation ρ (the method §4).

    ``U_obs`` is the share of items whose labels all agree. ``U_ind`` is the mean over the same
    items of ``Σ_c w_ic Σ_y Π_ℓ K_ℓ[c, y]``: the probability that independent raters, each label
    ``ℓ`` drawn from its own kernel ``K_ℓ = kernels[kernel_index[ℓ]]``, all give the same answer.
    Giving labels their own kernels (per time bin, say) keeps a pilot whose times vary from
    reading as correlated just because its easy and hard moments differ.

    Parameters
    ----------
    data : Annotations
        The labels.
    truth_weights : array_like, shape (n_items, n_classes)
        Distribution of each item's true class (one-hot gold, or the class priors); an all-zero
        row leaves the item out.
    kernels : array_like, shape (n_kernels, n_classes, n_classes)
        Row-stochastic single-label kernels.
    kernel_index : array_like of int, shape (n_labels,)
        Kernel of each label, in ``[0, n_kernels)``.

    Returns
    -------
    CorrelationEstimate

    Raises
    ------
    InvalidArgumentError
        On bad shapes or when no item has two labels and a truth distribution.
    """
    if not isinstance(data, Annotations):
        raise InvalidArgumentError(f"data must be an Annotations, got {type(data).__name__}")
    k = data.n_classes
    weights = _check_truth(data, truth_weights)
    table = np.asarray(kernels, dtype=float)
    if table.ndim != 3 or table.shape[1:] != (k, k):
        raise InvalidArgumentError(f"kernels must have shape (n_kernels, {k}, {k}), got {table.shape}")
    if not np.all(np.isfinite(table)) or np.any(table < 0) or np.any(np.abs(table.sum(axis=2) - 1.0) > 1e-9):
        raise InvalidArgumentError("kernels must be row-stochastic (rows of non-negative entries summing to 1)")
    index = np.asarray(kernel_index)
    if index.shape != (data.n_labels,) or not np.issubdtype(index.dtype, np.integer) or index.min() < 0 or index.max() >= table.shape[0]:
        raise InvalidArgumentError(f"kernel_index must be {data.n_labels} integer codes in [0, {table.shape[0] - 1}]")
    votes = data.vote_counts()
    per_item = votes.sum(axis=1)
    used = (per_item >= 2) & (weights.sum(axis=1) > 0)
    if not np.any(used):
        raise InvalidArgumentError("data: no item has two or more labels and a known true-class distribution")
    unanimous = votes.max(axis=1) == per_item
    log_table = np.log(np.maximum(table, np.finfo(float).tiny))
    # Σ over an item's labels of log K_ℓ[c, y] depends on each label only through its kernel, so it
    # is Σ over kernels of (the item's labels with that kernel) · log K[c, y]: one count per item and
    # kernel (one bincount over the labels), then a product with the kernels' logs for every class
    # and answer at once. The sums over labels were a bincount of n_labels · k weights per class:
    # k² passes over the labels instead of one (0.85 → 0.17 s on 1.2 million labels of 10 classes).
    kernel_counts = _item_kernel_counts(data, index, table.shape[0])
    independent = np.zeros(data.n_items)
    for true_class in range(k):
        log_products = kernel_counts @ log_table[:, true_class, :]
        independent += weights[:, true_class] * np.exp(log_sum_exp(log_products))
    observed_share = float(unanimous[used].mean())
    independent_share = float(np.clip(independent[used].mean(), 0.0, 1.0))
    if independent_share >= 1.0 - 1e-9:
        return CorrelationEstimate(0.0, observed_share, independent_share, int(used.sum()), False)
    rho = (observed_share - independent_share) / (1.0 - independent_share)
    return CorrelationEstimate(
        rho=float(np.clip(rho, 0.0, 1.0 - 1e-6)),
        observed_unanimity=observed_share,
        independent_unanimity=independent_share,
        items_used=int(used.sum()),
        identifiable=True,
    )


# ---------------------------------------------------------- speed and accuracy
@dataclass(frozen=True, eq=False)
class AccuracyCurve:
    """P(correct) as a function of d′, tabulated and interpolated linearly.

    Attributes
    ----------
    dprimes : numpy.ndarray
        Grid of d′ from 0 to ``d_max``, increasing.
    accuracy : numpy.ndarray
        P(correct) on the grid, non-decreasing (a running maximum removes rounding wiggles).
    """

    dprimes: np.ndarray
    accuracy: np.ndarray

    def __call__(self, d: np.ndarray | float) -> np.ndarray:
        """P(correct) at d′ (clamped to the grid), same shape as ``d``."""
        return np.interp(d, self.dprimes, self.accuracy)

    @cached_property
    def _steps(self) -> np.ndarray:
        """Slope of each segment of the interpolant (computed once: a fit asks thousands of times)."""
        return np.diff(self.accuracy) / np.diff(self.dprimes)

    def slope(self, d: np.ndarray) -> np.ndarray:
        """dP(correct)/dd′ of the interpolant (0 beyond the grid), same shape as ``d``."""
        return self.value_and_slope(d)[1]

    @cached_property
    def _even_spacing(self) -> tuple[float, float] | None:
        """``(first d′, 1 / spacing)`` when the grid is evenly spaced (as :func:`accuracy_curve`
        makes it), else None."""
        spacing = np.diff(self.dprimes)
        if spacing.size == 0 or np.any(np.abs(spacing - spacing[0]) > 1e-9 * spacing[0]):
            return None
        return float(self.dprimes[0]), 1.0 / float(spacing[0])

    def _segments(self, d: np.ndarray) -> np.ndarray:
        """Index of the grid segment holding each d′: ``searchsorted(grid, d, "right") − 1``
        clipped to the segments, exactly.

        On an evenly spaced grid the index is computed and then corrected by one comparison each
        way (the computed position is off by at most one, at a grid point, from rounding): a fit
        asks for thousands of groups thousands of times, and the binary search was a quarter of
        its gradient's time. A NaN d′ falls in the first segment (its value is NaN either way)."""
        grid, last = self.dprimes, self._steps.size - 1
        even = self._even_spacing
        if even is None:
            return np.clip(np.searchsorted(grid, d, side="right") - 1, 0, last)
        first, inverse = even
        position = np.fmin(np.fmax((d - first) * inverse, 0.0), float(last))
        segment = position.astype(np.intp)
        segment -= (grid[segment] > d) & (segment > 0)
        segment += (grid[segment + 1] <= d) & (segment < last)
        return segment

    def value_and_slope(self, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """P(correct) and its slope dP/dd′ at d′ (the slope 0 at and beyond the grid's end), from
        one search of the grid for both (a fit's gradient step needs both at the same points)."""
        d = np.asarray(d, dtype=float)
        grid, steps = self.dprimes, self._steps
        segment = self._segments(d)
        slope = steps[segment]
        # As np.interp: the segment's slope times the distance from its start, plus its start value;
        # clamped to the ends of the grid.
        value = slope * (d - grid[segment]) + self.accuracy[segment]
        value = np.where(d <= grid[0], self.accuracy[0], np.where(d >= grid[-1], self.accuracy[-1], value))
        return value, np.where(d >= grid[-1], 0.0, slope)

    @property
    def chance(self) -> float:
        """P(correct) at d′ = 0."""
        return float(self.accuracy[0])

    @property
    def ceiling(self) -> float:
        """P(correct) at the largest tabulated d′."""
        return float(self.accuracy[-1])

    def inverse(self, p_correct: float) -> float:
        """The smallest d′ with P(correct) = ``p_correct``.

        Parameters
        ----------
        p_correct : float
            Accuracy strictly between :attr:`chance` and :attr:`ceiling`.

        Raises
        ------
        InvalidArgumentError
            When ``p_correct`` is at or below chance, or at or above the ceiling.
        """
        value = check_real("p_correct", p_correct, low=0.0, high=1.0)
        if value <= self.chance:
            raise InvalidArgumentError(f"p_correct must be above chance ({self.chance:.4f}) to invert, got {value:.4f}")
        if value >= self.ceiling:
            raise InvalidArgumentError(
                f"p_correct must be below {self.ceiling:.6f} (d' = {self.dprimes[-1]:g}) to invert, got {value:.6f}"
            )
        position = int(np.searchsorted(self.accuracy, value, side="left"))
        low, high = position - 1, position
        span = self.accuracy[high] - self.accuracy[low]
        fraction = 0.0 if span <= 0 else (value - self.accuracy[low]) / span
        return float(self.dprimes[low] + fraction * (self.dprimes[high] - self.dprimes[low]))


def accuracy_curve(
    kernel_of_dprime: Callable[[float], np.ndarray],
    class_weights: object,
    *,
    d_max: float = 15.0,
    points: int = 601,
) -> AccuracyCurve:
    """Tabulate ``P(correct | d′) = Σ_c w_c K(d′)[c, c]`` on a grid of d′.

    Parameters
    ----------
    kernel_of_dprime : callable
        ``d -> K`` returning the single-rater kernel (k, k) at discriminability ``d`` (e.g. the
        cognitive kernel composed with the slip kernel).
    class_weights : array_like, shape (k,)
        Share of each true class, summing to 1 (uniform for nominal questions, where every row
        has the same diagonal).
    d_max : float
        Largest d′ tabulated, in (0, 200].
    points : int
        Grid points, 11 to 100 000 (the default step 0.025 keeps interpolation error below 1e-5).

    Returns
    -------
    AccuracyCurve
    """
    top = check_real("d_max", d_max, low=0.0, high=200.0, low_open=True)
    count = check_integer("points", points, low=11, high=100_000)
    weights = np.asarray(class_weights, dtype=float)
    if weights.ndim != 1 or not np.all(np.isfinite(weights)) or np.any(weights < 0) or abs(weights.sum() - 1.0) > 1e-9:
        raise InvalidArgumentError("class_weights must be a probability vector")
    grid = np.linspace(0.0, top, count)
    values = np.empty(count)
    for position, d in enumerate(grid):
        kernel = np.asarray(kernel_of_dprime(float(d)), dtype=float)
        if kernel.shape != (weights.size, weights.size):
            raise InvalidArgumentError(f"kernel_of_dprime must return a ({weights.size}, {weights.size}) kernel, got {kernel.shape}")
        values[position] = float(weights @ np.diagonal(kernel))
    return AccuracyCurve(grid, np.maximum.accumulate(np.clip(values, 0.0, 1.0)))
