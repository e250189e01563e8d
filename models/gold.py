"""Gold questions: what items with known answers tell about the raters.

A gold item's true answer is known, so every label on it is a Bernoulli trial "correct or not"
with the rater's accuracy ``p``. From ``n`` such labels:

* the accuracy is estimated with standard error ``sqrt(p (1 − p) / n)`` (binomial), and a parameter
  ``θ`` of which the accuracy is a smooth function ``p(θ)`` with standard error
  ``SE(p) / |p′(θ)|`` (the delta method; e.g. θ the discriminability λ);
* a rater who answers at random (a spammer: every answer equally likely, so correct with the
  chance rate ``p₀ = 1 / answers``) is flagged by the one-sided exact binomial test that flags a
  rater whose correct count is at most ``c``, ``c`` the largest count with
  ``P(Bin(n, p) ≤ c) ≤ α`` (at most a share ``α`` of genuine raters flagged). Its power is
  ``P(Bin(n, p₀) ≤ c)``; 0 when no ``c ≥ 0`` keeps the false-flag rate (too few gold labels).
"""

from __future__ import annotations

import math

import numpy as np

from .errors import check_integer, check_probability, check_real

__all__ = [
    "accuracy_standard_error",
    "delta_method_standard_error",
    "spam_flag_count",
    "spam_detection_power",
    "gold_labels_for_power",
]

#: Largest number of gold labels per rater :func:`gold_labels_for_power` searches (far beyond what a
#: campaign gives one rater).
MAX_GOLD_LABELS = 20_000


def _binomial():
    """``scipy.stats.binom``, imported on first use: importing ``scipy.stats`` takes about 0.3 s,
    which every evaluation would pay at its first import while only scenarios with gold items
    need it."""
    from scipy import stats

    return stats.binom


def accuracy_standard_error(accuracy: float, labels: float) -> float:
    """Standard error of an accuracy estimated from ``labels`` gold labels, ``sqrt(p (1 − p) / n)``.

    Parameters
    ----------
    accuracy : float
        The rater's probability of a correct answer, in [0, 1].
    labels : float
        Gold labels (a mean over raters may be fractional), > 0.

    Returns
    -------
    float
        In [0, 0.5].
    """
    p = check_probability("accuracy", accuracy)
    n = check_real("labels", labels, low=0.0, low_open=True)
    return math.sqrt(p * (1.0 - p) / n)


def delta_method_standard_error(accuracy_error: float, slope: float) -> float | None:
    """Standard error of a parameter ``θ`` from that of ``p(θ)``: ``SE(p) / |p′(θ)|``.

    Parameters
    ----------
    accuracy_error : float
        ``SE(p)``, >= 0.
    slope : float
        ``p′(θ)``, finite.

    Returns
    -------
    float or None
        None when the slope is 0 (the gold labels do not identify θ there).
    """
    error = check_real("accuracy_error", accuracy_error, low=0.0)
    derivative = abs(check_real("slope", slope))
    if derivative <= 1e-12:
        return None
    return error / derivative


def spam_flag_count(accuracy: float, labels: int, false_flag_rate: float) -> int:
    """Largest correct count ``c`` whose flagging keeps genuine raters' false flags at most ``α``:
    ``P(Bin(n, p) ≤ c) ≤ α``; −1 when even ``c = 0`` flags too many.

    Parameters
    ----------
    accuracy : float
        A genuine rater's accuracy, in [0, 1].
    labels : int
        Gold labels of the rater, >= 0.
    false_flag_rate : float
        ``α``, in [0, 1].
    """
    binom = _binomial()
    p = check_probability("accuracy", accuracy)
    n = check_integer("labels", labels, low=0)
    alpha = check_probability("false_flag_rate", false_flag_rate)
    if n == 0:
        return -1
    # ppf gives the smallest c with CDF(c) >= α; step down while the CDF exceeds α.
    c = int(binom.ppf(alpha, n, p))
    while c >= 0 and binom.cdf(c, n, p) > alpha:
        c -= 1
    while c + 1 <= n and binom.cdf(c + 1, n, p) <= alpha:
        c += 1
    return c


def spam_detection_power(accuracy: float, chance: float, labels: int, false_flag_rate: float = 0.05) -> float:
    """Probability that a rater answering at random is flagged after ``labels`` gold labels.

    Parameters
    ----------
    accuracy : float
        A genuine rater's accuracy, in [0, 1].
    chance : float
        A random rater's accuracy ``p₀`` (``1 / answers``), in [0, 1].
    labels : int
        Gold labels per rater, >= 0.
    false_flag_rate : float
        ``α``: most genuine raters flagged, in [0, 1].

    Returns
    -------
    float
        In [0, 1]; 0 when no test at level ``α`` exists with so few labels.
    """
    binom = _binomial()
    p0 = check_probability("chance", chance)
    c = spam_flag_count(accuracy, labels, false_flag_rate)
    if c < 0:
        return 0.0
    return float(binom.cdf(c, int(labels), p0))


def gold_labels_for_power(accuracy: float, chance: float, power: float = 0.95,
                          false_flag_rate: float = 0.05) -> int | None:
    """Fewest gold labels per rater with which a random rater is flagged with at least ``power``.

    Parameters as in :func:`spam_detection_power`; ``power`` in (0, 1]. Returns None when no
    number up to :data:`MAX_GOLD_LABELS` suffices (a genuine rater hardly better than chance).
    """
    binom = _binomial()
    target = check_real("power", power, low=0.0, high=1.0, low_open=True)
    p = check_probability("accuracy", accuracy)
    p0 = check_probability("chance", chance)
    if p <= p0:
        return None
    alpha = check_probability("false_flag_rate", false_flag_rate)
    # The power is not monotone in n (the test is discrete), so every n is tried from 1 up, a
    # block at a time: c_n from the quantile, corrected where the CDF at it exceeds α. The blocks
    # grow from 64 to 4096 numbers: the answer is usually a few dozen labels, and the binomial
    # quantile costs about a microsecond per number (a first block of 4096 cost the plan 9 ms).
    first, block = 1, 64
    while first <= MAX_GOLD_LABELS:
        n = np.arange(first, min(first + block, MAX_GOLD_LABELS + 1))
        c = binom.ppf(alpha, n, p)
        c = np.where(binom.cdf(c, n, p) > alpha, c - 1, c)
        power = np.where(c >= 0, binom.cdf(c, n, p0), 0.0)
        hits = np.flatnonzero(power >= target)
        if hits.size:
            return int(n[hits[0]])
        first, block = first + block, min(4 * block, 4096)
    return None
