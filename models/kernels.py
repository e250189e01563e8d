"""Rater kernels: the cognitive channels of the method §3 and the articulation (slip) channels.

A kernel is a row-stochastic array ``K[x, y] = P(y | x)``: row ``x`` is the distribution of the
answer a rater gives when the truth is ``x``. Cognitive kernels depend on the discriminability
``d`` (d', in noise standard deviations) reached in the time available; articulation kernels on the
slip rate ``s`` (the probability that the intended answer is entered wrongly). A single rater's
composite kernel is ``compose(K_cog, K_art) = K_cog @ K_art``; :func:`models.channel.rater_kernel`
builds it for a question's format, and every capacity, decoding, search and pilot uses that one.

References: Green & Swets 1966 (m-alternative forced choice); Thurstone 1927 (ordinal scales).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from .errors import InvalidArgumentError, check_integer, check_probability, check_real
from .info import as_kernel

__all__ = [
    "percent_correct",
    "symmetric_kernel",
    "nominal_kernel",
    "ordinal_kernel",
    "pairwise_kernel",
    "nominal_slip_kernel",
    "ordinal_slip_kernel",
    "erasure_kernel",
    "binary_symmetric_kernel",
    "compose",
]

# Trapezoidal rule on a fixed grid: for an analytic integrand that decays like a Gaussian the
# trapezoidal rule converges geometrically in the step, and at h = 0.05 on [-14, 14] it agrees with
# adaptive quadrature to ~1e-14 for k up to 10^4 and d up to 30, at a fraction of quad's cost (the
# optimiser calls this thousands of times).
_GRID_STEP = 0.05
_GRID = np.arange(-14.0, 14.0 + _GRID_STEP / 2, _GRID_STEP)
_GRID_WEIGHTS = _GRID_STEP * np.exp(-0.5 * _GRID**2) / math.sqrt(2.0 * math.pi)


def _error_probability(d: float, k: int) -> float:
    """``1 - P_c(d, k)`` for validated arguments, computed directly so that it keeps its relative
    precision when it is tiny (large d)."""
    if k == 1:
        return 0.0
    if k == 2:
        return float(special.ndtr(-d / math.sqrt(2.0)))
    # P(the correct alternative loses) = E_u[1 - Phi(u + d)^(k-1)]; expm1/log_ndtr keep precision
    # where Phi(u + d)^(k-1) is within rounding of 1.
    miss = -np.expm1((k - 1) * special.log_ndtr(_GRID + d))
    value = float(_GRID_WEIGHTS @ miss)
    return min(max(value, 0.0), 1.0 - 1.0 / k) if d >= 0.0 else min(max(value, 0.0), 1.0)


def percent_correct(d: float, k: int) -> float:
    """Probability correct in k-alternative forced choice (Green & Swets 1966).

    ``P_c(d, k) = integral phi(z - d) Phi(z)^(k-1) dz``: the correct alternative's percept is
    N(d, 1), the others' N(0, 1), and the rater picks the largest. ``k = 2`` is ``Phi(d / sqrt 2)``
    exactly.

    Parameters
    ----------
    d : float
        Discriminability d' in noise standard deviations, finite (negative values describe a rater
        who systematically prefers a wrong answer).
    k : int
        Number of alternatives, >= 1.

    Returns
    -------
    float
        Probability in [0, 1]; ``1/k`` at ``d = 0``, increasing in ``d``.
    """
    separation = check_real("d", d)
    count = check_integer("k", k, low=1)
    return 1.0 - _error_probability(separation, count)


def symmetric_kernel(k: int, p_correct: float) -> np.ndarray:
    """The k-ary symmetric channel: correct with ``p_correct``, otherwise uniform over the rest.

    Parameters
    ----------
    k : int
        Alphabet size, >= 2.
    p_correct : float
        Probability of the correct answer, in [0, 1].

    Returns
    -------
    numpy.ndarray, shape (k, k)
        Row-stochastic kernel.
    """
    count = check_integer("k", k, low=2)
    correct = check_probability("p_correct", p_correct)
    return _symmetric(count, 1.0 - correct)


def _symmetric(k: int, error: float) -> np.ndarray:
    kernel = np.full((k, k), error / (k - 1))
    np.fill_diagonal(kernel, 1.0 - error)
    return kernel


def nominal_kernel(d: float, k: int) -> np.ndarray:
    """Cognitive kernel of a nominal question (binary, categorical): k-AFC with uniform errors.

    Parameters
    ----------
    d : float
        Discriminability d', >= 0.
    k : int
        Number of categories, >= 2.

    Returns
    -------
    numpy.ndarray, shape (k, k)
        ``P_c(d, k)`` on the diagonal, ``(1 - P_c) / (k - 1)`` elsewhere.
    """
    separation = check_real("d", d, low=0.0)
    count = check_integer("k", k, low=2)
    return _symmetric(count, _error_probability(separation, count))


def _interval_probability(lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """``Phi(upper) - Phi(lower)`` without the cancellation of two values near 1."""
    right_tail = lower > 0.0
    direct = special.ndtr(upper) - special.ndtr(lower)
    mirrored = special.ndtr(-lower) - special.ndtr(-upper)
    return np.clip(np.where(right_tail, mirrored, direct), 0.0, 1.0)


def ordinal_kernel(d: float, k: int, *, span: float = 3.0) -> np.ndarray:
    """Thurstonian kernel of a k-level ordinal scale (Likert, rating, slider), the method §3.

    The scale covers ``D = span * d`` noise standard deviations. Level ``i`` (0-based) has latent
    centre ``(i + 1/2) D / k``; the percept is the centre plus N(0, 1) noise and is reported as the
    level whose interval ``[j D / k, (j + 1) D / k)`` contains it, the outer intervals extending to
    -inf and +inf.

    Parameters
    ----------
    d : float
        Discriminability d', >= 0.
    k : int
        Number of levels, >= 2.
    span : float
        Width of the scale in units of d' ("the ends are ``span`` clear distinctions apart"), > 0.

    Returns
    -------
    numpy.ndarray, shape (k, k)
        Row-stochastic kernel; at ``d = 0`` every row puts 1/2 on each end level.
    """
    separation = check_real("d", d, low=0.0)
    count = check_integer("k", k, low=2)
    width = check_real("span", span, low=0.0, low_open=True)
    return _ordinal(separation, count, width)


def _ordinal(d: float, k: int, span: float) -> np.ndarray:
    step = span * d / k
    centres = (np.arange(k) + 0.5) * step
    thresholds = np.concatenate(([-np.inf], np.arange(1, k) * step, [np.inf]))
    lower = thresholds[None, :-1] - centres[:, None]
    upper = thresholds[None, 1:] - centres[:, None]
    kernel = _interval_probability(lower, upper)
    return kernel / kernel.sum(axis=1, keepdims=True)


def pairwise_kernel(d: float, k: int = 2, *, span: float = 3.0) -> np.ndarray:
    """Kernel of a pairwise comparison: an ordinal scale on the difference axis, the method §3.

    ``k = 2`` is a forced choice (A or B), ``k = 3`` adds a tie, larger ``k`` are strength levels
    ("A much better" ... "B much better"). Identical to :func:`ordinal_kernel`.

    Parameters
    ----------
    d : float
        Discriminability d', >= 0.
    k : int
        Number of answer levels, >= 2.
    span : float
        Width of the difference scale in units of d', > 0.
    """
    return ordinal_kernel(d, k, span=span)


def nominal_slip_kernel(k: int, slip: float) -> np.ndarray:
    """Articulation kernel of a nominal question: a slip moves the answer uniformly elsewhere.

    Parameters
    ----------
    k : int
        Number of options, >= 1 (one option cannot be mis-entered: the identity).
    slip : float
        Slip probability, in [0, 1].

    Returns
    -------
    numpy.ndarray, shape (k, k)
        ``1 - slip`` on the diagonal, ``slip / (k - 1)`` elsewhere.
    """
    count = check_integer("k", k, low=1)
    rate = check_probability("slip", slip)
    if count == 1:
        return np.ones((1, 1))
    return _symmetric(count, rate)


def ordinal_slip_kernel(k: int, slip: float) -> np.ndarray:
    """Articulation kernel of an ordinal or pairwise scale: a slip moves to an adjacent level.

    With probability ``slip`` the entered level is a neighbour of the intended one, half each way;
    at the two ends all of it goes inward.

    Parameters
    ----------
    k : int
        Number of levels, >= 1.
    slip : float
        Slip probability, in [0, 1].

    Returns
    -------
    numpy.ndarray, shape (k, k)
        Tridiagonal row-stochastic kernel.
    """
    count = check_integer("k", k, low=1)
    rate = check_probability("slip", slip)
    return _ordinal_slip(count, rate)


def _ordinal_slip(k: int, slip: float) -> np.ndarray:
    kernel = np.eye(k) * (1.0 - slip)
    if k == 1:
        return np.ones((1, 1))
    for level in range(k):
        if level == 0:
            kernel[0, 1] += slip
        elif level == k - 1:
            kernel[k - 1, k - 2] += slip
        else:
            kernel[level, level - 1] += slip / 2.0
            kernel[level, level + 1] += slip / 2.0
    return kernel


def erasure_kernel(eps: float) -> np.ndarray:
    """Binary erasure channel: outputs (0, erased, 1).

    Parameters
    ----------
    eps : float
        Erasure probability, in [0, 1].

    Returns
    -------
    numpy.ndarray, shape (2, 3)
        ``[[1 - eps, eps, 0], [0, eps, 1 - eps]]``; capacity ``(1 - eps) ln 2``.
    """
    rate = check_probability("eps", eps)
    return np.array([[1.0 - rate, rate, 0.0], [0.0, rate, 1.0 - rate]])


def binary_symmetric_kernel(p: float) -> np.ndarray:
    """Binary symmetric channel with crossover probability ``p`` in [0, 1]; capacity ``ln 2 - h(p)``."""
    rate = check_probability("p", p)
    return np.array([[1.0 - rate, rate], [rate, 1.0 - rate]])


def compose(K1: object, K2: object) -> np.ndarray:
    """Cascade of two kernels, ``K1 @ K2``: first ``K1``, then ``K2`` applied to its output.

    Parameters
    ----------
    K1 : array_like, shape (a, b)
        Row-stochastic kernel.
    K2 : array_like, shape (b, c)
        Row-stochastic kernel whose inputs are ``K1``'s outputs.

    Returns
    -------
    numpy.ndarray, shape (a, c)
        Row-stochastic kernel. By data processing, its capacity is at most the smaller of the two.
    """
    first = as_kernel("K1", K1)
    second = as_kernel("K2", K2)
    if first.shape[1] != second.shape[0]:
        raise InvalidArgumentError(
            f"K2 must have one row per output of K1 ({first.shape[1]}), got shape {second.shape}"
        )
    product = first @ second
    return product / product.sum(axis=1, keepdims=True)
