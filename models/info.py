"""Entropy, divergence and mutual information, in nats.

All functions use the conventions ``0 ln 0 = 0`` and ``p ln(p/0) = +inf`` for ``p > 0``; the latter
only arises in :func:`kl_divergence` and :func:`binary_kl`, which document it. Probabilities that
arrive slightly outside [0, 1] through rounding are rejected, not clipped: a caller that builds an
invalid distribution has a bug worth seeing.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from .errors import InvalidArgumentError, check_probability

__all__ = [
    "binary_entropy",
    "entropy",
    "kl_divergence",
    "binary_kl",
    "mutual_information",
    "as_distribution",
    "as_kernel",
    "log_sum_exp",
    "LN2",
]

LN2 = math.log(2.0)
"""Nats per bit (``bits = nats / LN2``): ``models`` computes in natural logarithms."""

#: Tolerance on the total mass of a probability vector (or a kernel row).
MASS_TOLERANCE = 1e-9


def binary_entropy(p: float | np.ndarray) -> float | np.ndarray:
    """Binary entropy ``h(p) = -p ln p - (1 - p) ln(1 - p)``.

    Parameters
    ----------
    p : float or array_like
        Probability, in [0, 1].

    Returns
    -------
    float or numpy.ndarray
        Entropy in nats, in [0, ln 2]; a float for scalar input, an array otherwise.

    Raises
    ------
    InvalidArgumentError
        If any value is outside [0, 1] or not finite.
    """
    if np.ndim(p) == 0:
        value = check_probability("p", p)
        return float(-special.xlogy(value, value) - special.xlogy(1.0 - value, 1.0 - value))
    values = np.asarray(p, dtype=float)
    if not np.all(np.isfinite(values)) or np.any(values < 0.0) or np.any(values > 1.0):
        raise InvalidArgumentError(f"p must contain probabilities in [0, 1], got {p!r}")
    return -special.xlogy(values, values) - special.xlogy(1.0 - values, 1.0 - values)


def as_distribution(name: str, values: object) -> np.ndarray:
    """Return ``values`` as a 1-D float array after checking it is a probability vector.

    Parameters
    ----------
    name : str
        Argument name for the error message.
    values : array_like
        Non-negative entries summing to 1 within 1e-9.

    Raises
    ------
    InvalidArgumentError
        If the vector is empty, not 1-D, has a negative or non-finite entry, or does not sum to 1.
    """
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise InvalidArgumentError(f"{name} must be a 1-D probability vector, got {values!r}") from error
    if array.ndim != 1 or array.size == 0:
        raise InvalidArgumentError(
            f"{name} must be a non-empty 1-D probability vector, got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)) or np.any(array < 0.0):
        raise InvalidArgumentError(f"{name} must have finite entries >= 0, got {array!r}")
    total = float(array.sum())
    if abs(total - 1.0) > MASS_TOLERANCE:
        raise InvalidArgumentError(f"{name} must sum to 1 (within 1e-9), got a sum of {total!r}")
    return array / total


def as_kernel(name: str, values: object) -> np.ndarray:
    """Return ``values`` as a row-stochastic 2-D float array ``K[x, y] = P(y | x)``.

    Parameters
    ----------
    name : str
        Argument name for the error message.
    values : array_like
        Matrix with at least one row and one column, entries >= 0, every row summing to 1 within
        1e-9. Rows are renormalised so that rounding in the caller does not accumulate.

    Raises
    ------
    InvalidArgumentError
        If the matrix is not 2-D, is empty, has a negative or non-finite entry or a row whose sum
        is not 1.
    """
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError) as error:
        raise InvalidArgumentError(f"{name} must be a 2-D row-stochastic array, got {values!r}") from error
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] == 0:
        raise InvalidArgumentError(
            f"{name} must be a non-empty 2-D row-stochastic array, got shape {array.shape}"
        )
    if not np.all(np.isfinite(array)) or np.any(array < 0.0):
        raise InvalidArgumentError(f"{name} must have finite entries >= 0")
    sums = array.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1.0)))
    if abs(sums[worst] - 1.0) > MASS_TOLERANCE:
        raise InvalidArgumentError(
            f"{name} must be row-stochastic (rows sum to 1 within 1e-9), row {worst} sums to {sums[worst]!r}"
        )
    return array / sums[:, None]


def entropy(pmf: object) -> float:
    """Shannon entropy ``H(p) = -sum p ln p``.

    Parameters
    ----------
    pmf : array_like
        Probability vector (entries >= 0, sum 1 within 1e-9).

    Returns
    -------
    float
        Entropy in nats, in [0, ln len(pmf)].
    """
    array = as_distribution("pmf", pmf)
    return float(max(0.0, -special.xlogy(array, array).sum()))


def kl_divergence(p: object, q: object) -> float:
    """Relative entropy ``D(p || q) = sum p ln(p / q)``.

    Parameters
    ----------
    p, q : array_like
        Probability vectors of the same length.

    Returns
    -------
    float
        Divergence in nats, >= 0; ``math.inf`` when p puts mass where q has none (the only case in
        which this function returns a non-finite number, as the divergence is then infinite).
    """
    first = as_distribution("p", p)
    second = as_distribution("q", q)
    if first.shape != second.shape:
        raise InvalidArgumentError(
            f"q must have the same length as p ({first.size}), got length {second.size}"
        )
    support = first > 0.0
    if np.any(second[support] == 0.0):
        return math.inf
    return float(max(0.0, np.sum(special.rel_entr(first[support], second[support]))))


def binary_kl(p: float, q: float) -> float:
    """Binary relative entropy ``kl(p || q) = p ln(p/q) + (1-p) ln((1-p)/(1-q))``.

    Parameters
    ----------
    p, q : float
        Bernoulli parameters, in [0, 1].

    Returns
    -------
    float
        Divergence in nats, >= 0; ``math.inf`` when q in {0, 1} and p differs from q.
    """
    first = check_probability("p", p)
    second = check_probability("q", q)
    return _binary_kl(first, second)


def _binary_kl(p: float, q: float) -> float:
    # Written as p ln(1 + (p - q)/q) + (1 - p) ln(1 + (q - p)/(1 - q)): the differences p - q are
    # exact for nearby doubles, so the result keeps its relative precision as p -> q, where it is
    # ~(p - q)^2 / (2 q (1 - q)). The textbook form p ln(p/q) + ... rounds p/q first and is off by
    # ~1e-16 absolute there, which moved the Fano floor at small capacity by ~1e-8 and made it
    # non-monotone in log2_m.
    if (q == 0.0 and p > 0.0) or (q == 1.0 and p < 1.0):
        return math.inf
    if p == q:
        return 0.0
    total = 0.0
    if p > 0.0:
        total += p * _log_ratio(p, q, p - q)
    if p < 1.0:
        total += (1.0 - p) * _log_ratio(1.0 - p, 1.0 - q, q - p)
    return max(0.0, total)


def _log_ratio(a: float, b: float, difference: float) -> float:
    """``ln(a / b)`` for ``a, b > 0`` given ``difference = a - b`` computed by the caller from the
    original numbers (exact for nearby doubles, unlike ``(1 - p) - (1 - q)``): ``log1p`` of the
    relative difference when the ratio is near 1, a difference of logs otherwise (no overflow,
    no log1p(-1))."""
    ratio = difference / b
    if math.isfinite(ratio) and -0.5 < ratio < 1.0:
        return math.log1p(ratio)
    return math.log(a) - math.log(b)


def mutual_information(p_x: object, K: object) -> float:
    """Mutual information ``I(X; Y)`` of input distribution ``p_x`` through kernel ``K``.

    Parameters
    ----------
    p_x : array_like, shape (n_inputs,)
        Input distribution.
    K : array_like, shape (n_inputs, n_outputs)
        Row-stochastic kernel, ``K[x, y] = P(y | x)``.

    Returns
    -------
    float
        Mutual information in nats, in [0, min(ln n_inputs, ln n_outputs)].
    """
    inputs = as_distribution("p_x", p_x)
    kernel = as_kernel("K", K)
    if kernel.shape[0] != inputs.size:
        raise InvalidArgumentError(
            f"K must have one row per input ({inputs.size}), got {kernel.shape[0]} rows"
        )
    return _mutual_information(inputs, kernel)


def _mutual_information(inputs: np.ndarray, kernel: np.ndarray) -> float:
    output = inputs @ kernel
    conditional = -float(inputs @ special.xlogy(kernel, kernel).sum(axis=1))
    marginal = -float(special.xlogy(output, output).sum())
    return max(0.0, marginal - conditional)


def log_sum_exp(values: np.ndarray) -> np.ndarray:
    """``log Σ exp`` over the last axis, computed as SciPy's ``special.logsumexp`` computes it.

    The largest term is taken out of the sum and added back through ``log1p`` (accurate where one
    term dominates), with the same operations in the same order as SciPy (1.15 and later), so the
    numbers are the same to the last bit. SciPy also sums ``exp(values)`` a second time, unshifted,
    for results that come out infinite, and adds array-API bookkeeping; for finite values neither
    changes a result, and leaving them out takes a third to a half of the time (a posterior's
    likelihood evaluates this over thousands of difficulty classes × patterns per call).

    The population fit (``models.rater_population``) and Blahut–Arimoto (``models.capacity``) keep
    their own plain form, ``max + log Σ exp(v − max)``: it rounds differently, and their results
    (the validation's shares among them) are the ones it gives.

    Parameters
    ----------
    values : numpy.ndarray
        Finite reals, at least 1-D; the sum runs over the last axis. (Anything else is handed to
        SciPy.)

    Returns
    -------
    numpy.ndarray
        Shape ``values.shape[:-1]``.
    """
    top = values.max(axis=-1, keepdims=True)
    if not np.all(np.isfinite(top)):
        return special.logsumexp(values, axis=-1)
    at_top = values == top
    count = at_top.sum(axis=-1, keepdims=True, dtype=values.dtype)
    rest = np.exp(np.where(at_top, -np.inf, values) - top).sum(axis=-1, keepdims=True)
    rest = np.where(rest == 0, rest, rest / count)
    return (np.log1p(rest) + np.log(count) + top)[..., 0]
