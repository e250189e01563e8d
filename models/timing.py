"""The rater's time model: reading, Hick-Hyman effort and the speed-accuracy trade-off.

the method §3. A rater has ``T`` seconds per item. Reading the item's text takes
``60 * reading_words / reading_wpm`` seconds; the rest is judgment time, split between the item's
questions by ``share``. Choosing among more alternatives costs more (Hick 1952, Hyman 1953), so the
time available to each *elementary* judgment is the question's time divided by the Hick-Hyman
effort ``e``. Discriminability then grows with that time and saturates (Wickelgren 1977):
``d'(t) = lambda * (1 - exp(-beta * (t - delta0)))`` for ``t > delta0`` and 0 before.
"""

from __future__ import annotations

import math

from scipy import special

from .errors import check_choice, check_integer, check_real
from .info import LN2

__all__ = [
    "EFFORT_KINDS",
    "reading_seconds",
    "judgment_seconds",
    "hick_hyman_effort",
    "dprime",
]

#: Formats whose Hick-Hyman effort :func:`hick_hyman_effort` knows.
EFFORT_KINDS = ("binary", "categorical", "ordinal", "pairwise", "ranking", "multi_select", "free_text", "best_worst",
                "scale")


def reading_seconds(reading_words: float, reading_wpm: float = 238.0) -> float:
    """Seconds a rater spends reading an item.

    Parameters
    ----------
    reading_words : float
        Words to read per item, >= 0.
    reading_wpm : float
        Reading rate in words per minute, > 0 (238: Brysbaert 2019, silent reading of non-fiction).

    Returns
    -------
    float
        ``60 * reading_words / reading_wpm`` in seconds, >= 0.
    """
    words = check_real("reading_words", reading_words, low=0.0)
    rate = check_real("reading_wpm", reading_wpm, low=0.0, low_open=True)
    return 60.0 * words / rate


def judgment_seconds(
    seconds_per_item: float, share: float, reading_words: float = 0.0, reading_wpm: float = 238.0
) -> float:
    """Judgment time ``t_q`` of one question after reading, the method §3.

    ``t_q = share * max(0, T - 60 * reading_words / reading_wpm)``.

    Parameters
    ----------
    seconds_per_item : float
        Time budget ``T`` per rater per item, in seconds, >= 0.
    share : float
        This question's share of the judgment time, in [0, 1].
    reading_words : float
        Words to read per item, >= 0.
    reading_wpm : float
        Reading rate in words per minute, > 0.

    Returns
    -------
    float
        Judgment time in seconds, in [0, share * T].
    """
    total = check_real("seconds_per_item", seconds_per_item, low=0.0)
    fraction = check_real("share", share, low=0.0, high=1.0)
    reading = reading_seconds(reading_words, reading_wpm)
    return fraction * max(0.0, total - reading)


def hick_hyman_effort(kind: str, k: int) -> float:
    """Hick-Hyman effort ``e``: how many elementary judgments one answer costs.

    Parameters
    ----------
    kind : str
        One of ``binary``, ``categorical``, ``ordinal``, ``pairwise``, ``scale`` (effort ``max(1, log2 k)``),
        ``ranking`` (``k`` items, effort ``max(1, log2 k!)``), ``multi_select`` (``k`` options,
        ``k`` binary decisions, effort ``k``), ``best_worst`` (``k`` items; the best of ``k``
        and the worst of the other ``k - 1``: effort ``max(1, log2 (k (k - 1)))``) and ``free_text`` (effort 1: the typing time is
        modelled by the articulation channel, not by a choice among alternatives; ``k`` is ignored).
    k : int
        Alternatives, levels, items or options, >= 1 (>= 2 for binary, categorical, ordinal,
        pairwise and scale, which need a choice). Ignored, and may be None, for ``free_text``.

    Returns
    -------
    float
        Effort, >= 1 (dimensionless: multiples of one binary judgment).
    """
    check_choice("kind", kind, EFFORT_KINDS)
    if kind == "free_text":
        return 1.0
    if kind in ("ranking", "multi_select"):
        count = check_integer("k", k, low=1)
    else:
        count = check_integer("k", k, low=2)
    if kind == "multi_select":
        return float(count)
    if kind == "ranking":
        return max(1.0, float(special.gammaln(count + 1)) / LN2)
    if kind == "best_worst":
        return max(1.0, math.log2(count * (count - 1)))
    return max(1.0, math.log2(count))


def dprime(
    t: float, discriminability: float = 2.0, accrual_rate: float = 0.15, base_time: float = 1.5
) -> float:
    """Discriminability after ``t`` seconds of judgment (Wickelgren 1977).

    ``d'(t) = lambda * (1 - exp(-beta * (t - delta0)))`` for ``t > delta0``, else 0.

    Parameters
    ----------
    t : float
        Effective judgment time in seconds, >= 0.
    discriminability : float
        Asymptotic d' (``lambda``, already multiplied by the context's difficulty), >= 0.
    accrual_rate : float
        ``beta``, in 1/s, > 0.
    base_time : float
        ``delta0``, seconds before information accrues, >= 0.

    Returns
    -------
    float
        d' in noise standard deviations, in [0, discriminability].
    """
    seconds = check_real("t", t, low=0.0)
    asymptote = check_real("discriminability", discriminability, low=0.0)
    rate = check_real("accrual_rate", accrual_rate, low=0.0, low_open=True)
    delay = check_real("base_time", base_time, low=0.0)
    if seconds <= delay:
        return 0.0
    return asymptote * -math.expm1(-rate * (seconds - delay))
