"""The Alignment Performance Interval, the method §5: Fano floors and PAC-Bayes ceilings, in nats.

The target is an index ``J`` uniform over ``M = 2^log2_m`` values, independent of the context, and
everything the learner sees about it passes through the annotation channel, so
``I(J; labels | S) <= C`` with ``C`` the per-item capacity averaged over contexts (nats per item).

*Floor* (Fano 1961; Cover & Thomas, Thm 2.10.1): any estimator errs with probability ``p`` such that
``h(p) + p ln(M - 1) >= ln M - C``. The exact floor is the smallest such ``p``; the paper's form
uses ``h(p) <= ln 2`` and ``ln(M - 1) <= ln M`` and is never larger. Risk is ``separation * p``.

*Ceilings*: for a loss in [0, 1] and ``m`` items, with ``I = m C + residual + context`` (the total
information the learner can absorb, plus what it absorbs about rater noise and contexts):

- expectation (Xu & Raginsky 2017): ``E[R] <= R_hat + sqrt(I / (2 m))``;
- high probability, with the KL budget ``B = I / eta`` (Markov's inequality on the expected KL,
  failure probability ``eta``) and confidence ``delta``, jointly with probability >= 1 - delta - eta:
  Seeger (2002) / Maurer (2004) ``kl^{-1}(R_hat, (B + ln(2 sqrt(m) / delta)) / m)``; McAllester
  (1999, in Maurer's form via Pinsker) ``R_hat + sqrt((B + ln(2 sqrt(m) / delta)) / (2 m))``;
  Catoni (2007, Thm 1.2.6 with a fixed constant ``c = catoni_lambda``, as stated by Germain et al.
  2009) ``(1 - exp(-c R_hat - (B + ln(1 / delta)) / m)) / (1 - exp(-c))``.

Every ceiling is clipped to [0, 1]. For ``delta`` in (0, 1) each form is non-increasing in ``m``
(``ln(2 sqrt(m)/delta)/m`` has derivative ``(1/2 - ln(2/delta) - ln(m)/2)/m^2 < 0`` because
``ln(2/delta) > ln 2 > 1/2``), which is what makes :func:`items_needed` a bisection.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from .errors import InvalidArgumentError, check_choice, check_integer, check_real
from .info import LN2, _binary_kl
from .memo import batch_cached

__all__ = [
    "FLOOR_FORMS",
    "CEILING_FORMS",
    "fano_floor",
    "fano_floors",
    "capacity_needed",
    "fano_floor_prior",
    "fano_floors_prior",
    "capacity_gap",
    "kl_inverse",
    "ceiling",
    "ceiling_plateau",
    "items_needed",
]

FLOOR_FORMS = ("exact", "paper")
CEILING_FORMS = ("expectation", "kl", "mcallester", "catoni")

_DIVERGENCE_FORM_MAX_BITS = 900.0


def _log_alphabet(log2_m: float) -> tuple[float, float, float]:
    """``(ln M, ln(M - 1), 1 - 1/M)`` without forming ``M`` (which overflows beyond 2^1024)."""
    log_m = log2_m * LN2
    log_m_minus_one = log_m + math.log(-math.expm1(-log_m))
    return log_m, log_m_minus_one, -math.expm1(-log_m)


def _fano_lhs(p: float, log_m_minus_one: float) -> float:
    entropy = 0.0
    if 0.0 < p < 1.0:
        entropy = -p * math.log(p) - (1.0 - p) * math.log1p(-p)
    return entropy + p * log_m_minus_one


@lru_cache(maxsize=65_536)
def _exact_floor(capacity: float, log2_m: float) -> float:
    """Smallest p with h(p) + p ln(M - 1) >= ln M - C, never above it by more than rounding.

    ``ln M - h(p) - p ln(M - 1)`` is the binary divergence ``kl(1 - p || 1/M)``, so the floor is
    ``1 - a*`` with ``a*`` the largest ``a`` in [1/M, 1] with ``kl(a || 1/M) <= C``. Evaluated as a
    divergence it stays accurate near ``p = 1 - 1/M`` (small C), where ``h(p) + p ln(M - 1)`` is flat
    at its maximum and loses half the digits. For M beyond 2^900 (1/M underflows) the direct form is
    used; there ``1 - 1/M`` is 1 to double precision anyway.

    Cached: the bisection runs ~55 divergences, and the curves ask for the same (C, log2 M) at many
    points (every point of the curve over items m has the design's capacity).
    """
    log_m, log_m_minus_one, top = _log_alphabet(log2_m)
    if capacity >= log_m:
        return 0.0
    if log2_m <= _DIVERGENCE_FORM_MAX_BITS:
        chance = 2.0**-log2_m
        low, high = chance, 1.0
        while True:
            middle = 0.5 * (low + high)
            if middle <= low or middle >= high:
                # kl(high || 1/M) > C, so a* < high and 1 - high is a (rounding-safe) floor.
                return max(0.0, 1.0 - high)
            if _binary_kl(middle, chance) <= capacity:
                low = middle
            else:
                high = middle
    return _smallest_error(log_m - capacity, log_m_minus_one, top)


@batch_cached(maxsize=65_536)
def _vector_floors(keys: list[tuple]) -> list[float]:
    """:func:`_exact_floors` of ``(capacity, log2_m)`` pairs, cached on them (a curve's points ask
    for many new pairs at once, which one vectorised bisection serves)."""
    capacities = np.array([capacity for capacity, _ in keys], dtype=float)
    complexities = np.array([log2_m for _, log2_m in keys], dtype=float)
    return [float(value) for value in _exact_floors(capacities, complexities)]


def _exact_floors(capacity: np.ndarray, log2_m: np.ndarray) -> np.ndarray:
    """:func:`_exact_floor` of arrays: the same bisection to adjacent doubles on
    ``kl(a || 1/M) <= C``, each element on its own, with NumPy's logarithms (so a value may differ
    from :func:`_exact_floor`'s by rounding)."""
    floors = np.zeros(capacity.shape[0])
    log_m = log2_m * LN2
    pending = np.flatnonzero(capacity < log_m)
    far = pending[log2_m[pending] > _DIVERGENCE_FORM_MAX_BITS]
    for index in far:
        _, log_m_minus_one, top = _log_alphabet(float(log2_m[index]))
        floors[index] = _smallest_error(float(log_m[index] - capacity[index]), log_m_minus_one, top)
    live = pending[log2_m[pending] <= _DIVERGENCE_FORM_MAX_BITS]
    chance = np.exp2(-log2_m[live])
    target = capacity[live]
    low, high = chance.copy(), np.ones(live.shape[0])
    log_chance, log_other = np.log(chance), np.log(1.0 - chance)
    while live.size:
        middle = 0.5 * (low + high)
        done = (middle <= low) | (middle >= high)
        if done.any():
            # kl(high || 1/M) > C, so a* < high and 1 - high is a (rounding-safe) floor.
            floors[live[done]] = np.maximum(0.0, 1.0 - high[done])
            keep = ~done
            live, chance, target, low, high, middle = (live[keep], chance[keep], target[keep], low[keep],
                                                       high[keep], middle[keep])
            log_chance, log_other = log_chance[keep], log_other[keep]
            if not live.size:
                break
        # kl(a || q) for q < a < 1, as models.info._binary_kl: each log of a ratio near 1 as log1p
        # of the exact relative difference, a difference of logs otherwise.
        up = (middle - chance) / chance
        rest = 1.0 - middle
        down = (chance - middle) / (1.0 - chance)
        divergence = (middle * np.where(up < 1.0, np.log1p(np.minimum(up, 1.0)), np.log(middle) - log_chance)
                      + rest * np.where(down > -0.5, np.log1p(np.maximum(down, -0.5)), np.log(rest) - log_other))
        inside = np.maximum(divergence, 0.0) <= target
        low = np.where(inside, middle, low)
        high = np.where(inside, high, middle)
    return floors


def _smallest_error(remaining: float, log_m_minus_one: float, top: float) -> float:
    """Smallest p in [0, top] with h(p) + p ln(M - 1) >= remaining, by bisection to adjacent
    doubles; the lower end of the bracket is returned, so the result never exceeds the true
    floor (as a floor must not)."""
    low, high = 0.0, top
    while True:
        middle = 0.5 * (low + high)
        if middle <= low or middle >= high:
            return low
        if _fano_lhs(middle, log_m_minus_one) >= remaining:
            high = middle
        else:
            low = middle


def fano_floor(
    capacity_nats: float, log2_m: float, *, separation: float = 1.0, form: str = "exact"
) -> float:
    """Lower bound on the risk of any learner given the channel's capacity, the method §5.

    Parameters
    ----------
    capacity_nats : float
        Information the labels carry about the target, ``C`` in nats, >= 0.
    log2_m : float
        Value complexity ``log2 M`` in bits, > 0, not necessarily an integer. The exact floor is
        Fano's inequality in divergence form, ``kl(1 - p || 2^-log2_m) <= C``, valid for any target
        whose most likely value has probability <= ``2^-log2_m``; it is continuous and
        non-decreasing in ``log2_m``, including M < 2, where ``ln(M - 1) < 0`` (the floor then
        stays below ``1 - 1/M < 1/2`` and tends to 0 as M -> 1).
    separation : float
        Loss separation ``Delta`` of the codebook, in (0, 1]; risk = Delta * error probability.
    form : {"exact", "paper"}
        ``exact``: the smallest ``p`` in [0, 1 - 1/M] with ``h(p) + p ln(M - 1) >= ln M - C``
        (bisection to double precision); ``paper``: ``max(0, 1 - (C + ln 2) / ln M)``.

    Returns
    -------
    float
        Risk floor in [0, separation]. The exact form is >= the paper form; both are
        non-decreasing in ``log2_m`` and non-increasing in ``capacity_nats``.
    """
    capacity = check_real("capacity_nats", capacity_nats, low=0.0)
    complexity = check_real("log2_m", log2_m, low=0.0, low_open=True)
    delta = check_real("separation", separation, low=0.0, high=1.0, low_open=True)
    check_choice("form", form, FLOOR_FORMS)
    if form == "paper":
        error = max(0.0, 1.0 - (capacity + LN2) / (complexity * LN2))
    else:
        error = _exact_floor(capacity, complexity)
    return min(max(delta * error, 0.0), delta)


def fano_floors(capacity_nats: object, log2_m: object, *, separation: float = 1.0,
                form: str = "exact") -> np.ndarray:
    """:func:`fano_floor` of many designs at once (a curve's points).

    Parameters
    ----------
    capacity_nats, log2_m : array_like
        Capacities (nats, >= 0) and value complexities (bits, > 0), broadcast together.
    separation, form
        As in :func:`fano_floor`.

    Returns
    -------
    numpy.ndarray
        Risk floors in [0, separation]: :func:`fano_floor`'s bisection, all pairs at once (with
        NumPy's logarithms: a value may differ from :func:`fano_floor`'s by rounding); cached.
    """
    capacities, complexities = np.broadcast_arrays(np.asarray(capacity_nats, dtype=float),
                                                   np.asarray(log2_m, dtype=float))
    if not (np.all(np.isfinite(capacities)) and np.all(capacities >= 0.0)):
        raise ValueError("capacity_nats must be finite and >= 0")
    if not (np.all(np.isfinite(complexities)) and np.all(complexities > 0.0)):
        raise ValueError("log2_m must be finite and > 0")
    delta = check_real("separation", separation, low=0.0, high=1.0, low_open=True)
    check_choice("form", form, FLOOR_FORMS)
    if form == "paper":
        errors = np.maximum(0.0, 1.0 - (capacities + LN2) / (complexities * LN2))
    else:
        errors = np.array(_vector_floors.many([(float(c), float(b)) for c, b in
                                               zip(capacities.ravel(), complexities.ravel())])).reshape(capacities.shape)
    return np.minimum(np.maximum(delta * errors, 0.0), delta)


def fano_floor_prior(entropy_nats: float, information_nats: float, log_alphabet: float) -> float:
    """Fano's floor for a target with a non-uniform prior, the method §8.1.

    For a target ``J`` over ``N`` values with entropy ``H(J)`` observed through a channel carrying
    ``I(J; Y)`` (the mutual information *at that prior*, at most the capacity), any estimator errs
    with probability ``p`` such that ``h(p) + p ln(N - 1) ≥ H(J) - I(J; Y)`` (Cover & Thomas,
    Thm 2.10.1). Returns the smallest such ``p``.

    Parameters
    ----------
    entropy_nats : float
        ``H(J)``, nats, in [0, log_alphabet].
    information_nats : float
        ``I(J; Y)`` at the prior, nats, >= 0.
    log_alphabet : float
        ``ln N``, nats, >= 0.

    Returns
    -------
    float
        Error floor in [0, 1 - 1/N]; 0 when ``I ≥ H``.
    """
    entropy = check_real("entropy_nats", entropy_nats, low=0.0)
    information = check_real("information_nats", information_nats, low=0.0)
    log_n = check_real("log_alphabet", log_alphabet, low=0.0)
    remaining = entropy - information
    if remaining <= 0.0 or log_n <= 0.0:
        return 0.0
    log_n_minus_one = log_n + math.log(-math.expm1(-log_n))
    top = -math.expm1(-log_n)
    if _fano_lhs(top, log_n_minus_one) <= remaining:
        return top
    return _smallest_error(remaining, log_n_minus_one, top)


def fano_floors_prior(entropy_nats: np.ndarray, information_nats: np.ndarray, log_alphabet: float) -> np.ndarray:
    """:func:`fano_floor_prior` of arrays of ``H(J)`` and ``I(J; Y)`` over one alphabet of ``N`` values.

    The same bisection to adjacent doubles, all elements at once, with NumPy's logarithms (a value
    may differ from :func:`fano_floor_prior`'s by rounding in its last bits). A posterior's
    predictions need one floor per draw and number of raters: tens of thousands of them.

    Parameters
    ----------
    entropy_nats : array_like
        ``H(J)`` per element, nats, in [0, log_alphabet].
    information_nats : array_like
        ``I(J; Y)`` per element (same shape), nats, >= 0.
    log_alphabet : float
        ``ln N``, nats, >= 0.

    Returns
    -------
    numpy.ndarray
        Error floors in [0, 1 - 1/N], the shape of the inputs; 0 where ``I ≥ H``.
    """
    entropy = np.asarray(entropy_nats, dtype=float)
    information = np.asarray(information_nats, dtype=float)
    if entropy.shape != information.shape:
        raise InvalidArgumentError(f"entropy_nats and information_nats must have one shape, got "
                                   f"{entropy.shape} and {information.shape}")
    if not (np.isfinite(entropy).all() and np.isfinite(information).all()) or (entropy < 0).any() or (
            information < 0).any():
        raise InvalidArgumentError("entropy_nats and information_nats must be finite and >= 0")
    log_n = check_real("log_alphabet", log_alphabet, low=0.0)
    floors = np.zeros(entropy.shape)
    remaining = (entropy - information).ravel()
    if log_n <= 0.0:
        return floors
    log_n_minus_one = log_n + math.log(-math.expm1(-log_n))
    top = -math.expm1(-log_n)
    flat = floors.ravel()
    pending = remaining > 0.0
    at_top = pending & (_fano_lhs(top, log_n_minus_one) <= remaining)
    flat[at_top] = top
    live = np.flatnonzero(pending & ~at_top)
    target = remaining[live]
    low, high = np.zeros(live.shape[0]), np.full(live.shape[0], top)
    while live.size:
        middle = 0.5 * (low + high)
        done = (middle <= low) | (middle >= high)
        if done.any():
            flat[live[done]] = low[done]  # the lower end: never above the true floor
            keep = ~done
            live, target, low, high, middle = live[keep], target[keep], low[keep], high[keep], middle[keep]
            if not live.size:
                break
        # h(p) + p ln(N - 1), as _fano_lhs (0 < middle < top < 1 here).
        lhs = -middle * np.log(middle) - (1.0 - middle) * np.log1p(-middle) + middle * log_n_minus_one
        above = lhs >= target
        high = np.where(above, middle, high)
        low = np.where(above, low, middle)
    return flat.reshape(entropy.shape)


def capacity_needed(error: float, log2_m: float, *, form: str = "exact") -> float:
    """Capacity a channel needs for error probability ``error`` to be allowed by Fano, the method §5.

    Parameters
    ----------
    error : float
        Target error probability (risk / separation), in [0, 1].
    log2_m : float
        Value complexity in bits, > 0.
    form : {"exact", "paper"}
        ``exact``: ``ln M - h(error) - error ln(M - 1)``, and 0 for ``error >= 1 - 1/M`` (guessing
        already achieves that); ``paper``: ``(1 - error) ln M - ln 2``.

    Returns
    -------
    float
        Nats, >= 0 (negative values are clipped: no capacity is needed). The inverse of
        :func:`fano_floor`: ``fano_floor(capacity_needed(e, b), b) == e`` for ``e`` in (0, 1 - 1/M).
    """
    target = check_real("error", error, low=0.0, high=1.0)
    complexity = check_real("log2_m", log2_m, low=0.0, low_open=True)
    check_choice("form", form, FLOOR_FORMS)
    log_m, log_m_minus_one, top = _log_alphabet(complexity)
    if form == "paper":
        return max(0.0, (1.0 - target) * log_m - LN2)
    if target >= top:
        return 0.0
    return max(0.0, log_m - _fano_lhs(target, log_m_minus_one))


def capacity_gap(
    error: float, log2_m: float, capacity_nats: float, *, form: str = "exact"
) -> float:
    """Capacity needed for ``error`` minus the capacity available, in nats.

    Positive: no number of labels reaches the error (the floor is above it); negative: slack.

    Parameters
    ----------
    error : float
        Target error probability, in [0, 1].
    log2_m : float
        Value complexity in bits, > 0.
    capacity_nats : float
        Available capacity in nats, >= 0.
    form : {"exact", "paper"}
        Which Fano form, as in :func:`capacity_needed`.
    """
    capacity = check_real("capacity_nats", capacity_nats, low=0.0)
    return capacity_needed(error, log2_m, form=form) - capacity


def kl_inverse(empirical_risk: float, budget: float) -> float:
    """Largest ``q >= R_hat`` with ``kl(R_hat || q) <= budget`` (the Seeger-Maurer inversion).

    Parameters
    ----------
    empirical_risk : float
        ``R_hat``, in [0, 1].
    budget : float
        KL budget in nats, >= 0.

    Returns
    -------
    float
        ``q`` in [R_hat, 1], found by bisection down to adjacent doubles (far below the 1e-12 of
        the method) and returned as the bracket's upper end, so the result is never below the true
        inverse, as a bound must be.
    """
    risk = check_real("empirical_risk", empirical_risk, low=0.0, high=1.0)
    allowed = check_real("budget", budget, low=0.0)
    return _kl_inverse(risk, allowed)


def _kl_inverse(risk: float, budget: float) -> float:
    if risk >= 1.0:
        return 1.0
    if budget == 0.0:
        return risk
    if _binary_kl(risk, 1.0) <= budget:  # inf unless risk == 1, handled above
        return 1.0
    low, high = risk, 1.0
    # Bisect until the bracket is two adjacent doubles (~55 halvings): well within 1e-12.
    while True:
        middle = 0.5 * (low + high)
        if middle <= low or middle >= high:
            return high
        if _binary_kl(risk, middle) <= budget:
            low = middle
        else:
            high = middle


def _check_ceiling_terms(
    form: str,
    delta: float,
    eta: float,
    residual_nats: float,
    context_nats: float,
    catoni_lambda: float,
) -> tuple[float, float, float, float]:
    check_choice("form", form, CEILING_FORMS)
    confidence = check_real("delta", delta, low=0.0, high=1.0, low_open=True, high_open=True)
    markov = check_real("eta", eta, low=0.0, high=1.0, low_open=True, high_open=True)
    extra = check_real("residual_nats", residual_nats, low=0.0) + check_real(
        "context_nats", context_nats, low=0.0
    )
    constant = check_real("catoni_lambda", catoni_lambda, low=0.0, low_open=True)
    return confidence, markov, extra, constant


def _ceiling(
    risk: float,
    capacity: float,
    items: float,
    form: str,
    delta: float,
    eta: float,
    extra: float,
    catoni: float,
    cap: float = math.inf,
) -> float:
    information = min(items * capacity, cap) + extra
    if form == "expectation":
        value = risk + math.sqrt(information / (2.0 * items))
    else:
        budget = information / eta
        if form == "catoni":
            exponent = catoni * risk + (budget + math.log(1.0 / delta)) / items
            value = -math.expm1(-exponent) / -math.expm1(-catoni)
        else:
            complexity = (budget + math.log(2.0 * math.sqrt(items) / delta)) / items
            if form == "kl":
                value = _kl_inverse(risk, complexity)
            else:
                value = risk + math.sqrt(complexity / 2.0)
    return min(max(value, 0.0), 1.0)


def ceiling(
    observed_risk: float,
    capacity_nats: float,
    items: int,
    *,
    form: str = "expectation",
    delta: float = 0.05,
    eta: float = 0.05,
    residual_nats: float = 0.0,
    context_nats: float = 0.0,
    catoni_lambda: float = 1.0,
    information_cap_nats: float | None = None,
) -> float:
    """Upper bound on the learner's risk after ``items`` labelled items, the method §5 and §8.3.

    Parameters
    ----------
    observed_risk : float
        ``R_hat``, the learner's observed risk under a loss in [0, 1], in [0, 1].
    capacity_nats : float
        Per-item capacity ``C`` in nats, >= 0.
    items : int
        Labelled items ``m``, >= 1.
    form : {"expectation", "kl", "mcallester", "catoni"}
        Which bound (see the module docstring).
    delta : float
        Confidence term of the high-probability forms, in (0, 1).
    eta : float
        Markov term of the KL budget ``B = (m C + residual + context) / eta``, in (0, 1).
    residual_nats : float
        Information the learner absorbs about rater noise (fitting channel regularities), >= 0.
    context_nats : float
        Information the learner absorbs about contexts, >= 0.
    catoni_lambda : float
        Catoni's constant ``c``, > 0 (larger trusts ``R_hat`` more).
    information_cap_nats : float or None
        Most information a finite model class can hold, ``ln M_g`` in nats, >= 0 (the method
        §8.3): the information term is ``min(m C, cap) + residual + context``. The mutual
        information between a learner's output and its data never exceeds the entropy of the
        output, so the cap keeps the bound valid and makes it fall with ``m``. None: no cap.

    Returns
    -------
    float
        Risk ceiling in [0, 1], non-increasing in ``items``.
    """
    risk = check_real("observed_risk", observed_risk, low=0.0, high=1.0)
    capacity = check_real("capacity_nats", capacity_nats, low=0.0)
    count = check_integer("items", items, low=1)
    terms = _check_ceiling_terms(form, delta, eta, residual_nats, context_nats, catoni_lambda)
    cap = _check_cap(information_cap_nats)
    return _ceiling(risk, capacity, float(count), form, *terms, cap)


def _check_cap(information_cap_nats: float | None) -> float:
    if information_cap_nats is None:
        return math.inf
    return check_real("information_cap_nats", information_cap_nats, low=0.0)


def ceiling_plateau(
    observed_risk: float,
    capacity_nats: float,
    *,
    form: str = "expectation",
    delta: float = 0.05,
    eta: float = 0.05,
    residual_nats: float = 0.0,
    context_nats: float = 0.0,
    catoni_lambda: float = 1.0,
    information_cap_nats: float | None = None,
) -> float:
    """The ceiling's limit as ``items -> infinity``: what more labels alone can never beat.

    With a finite ``information_cap_nats`` every information term is divided by ``m`` and
    vanishes: the limit is ``R_hat`` (Catoni: ``(1 - exp(-c R_hat)) / (1 - exp(-c))``).

    ``expectation``: ``R_hat + sqrt(C / 2)``; ``kl``: ``kl^{-1}(R_hat, C / eta)``; ``mcallester``:
    ``R_hat + sqrt(C / (2 eta))``; ``catoni``: ``(1 - exp(-c R_hat - C / eta)) / (1 - exp(-c))``
    (the residual, context and confidence terms are divided by ``m`` and vanish). Clipped to [0, 1].
    Parameters as in :func:`ceiling`; ``delta``, ``residual_nats`` and ``context_nats`` are validated
    but do not enter the limit.
    """
    risk = check_real("observed_risk", observed_risk, low=0.0, high=1.0)
    capacity = check_real("capacity_nats", capacity_nats, low=0.0)
    _, markov, _, constant = _check_ceiling_terms(
        form, delta, eta, residual_nats, context_nats, catoni_lambda
    )
    if math.isfinite(_check_cap(information_cap_nats)):
        capacity = 0.0
    if form == "expectation":
        value = risk + math.sqrt(capacity / 2.0)
    elif form == "kl":
        value = _kl_inverse(risk, capacity / markov)
    elif form == "mcallester":
        value = risk + math.sqrt(capacity / (2.0 * markov))
    else:
        value = -math.expm1(-(constant * risk + capacity / markov)) / -math.expm1(-constant)
    return min(max(value, 0.0), 1.0)


def items_needed(
    target_risk: float,
    observed_risk: float,
    capacity_nats: float,
    *,
    form: str = "expectation",
    max_items: int = 10**12,
    delta: float = 0.05,
    eta: float = 0.05,
    residual_nats: float = 0.0,
    context_nats: float = 0.0,
    catoni_lambda: float = 1.0,
    information_cap_nats: float | None = None,
) -> int | None:
    """Smallest number of items whose ceiling is at most ``target_risk``.

    The ceiling is non-increasing in ``m`` for every form (module docstring), so the answer is
    found by doubling ``m`` until the ceiling is low enough and then bisecting between the last two
    doublings.

    Parameters
    ----------
    target_risk : float
        Risk to reach, in [0, 1].
    observed_risk, capacity_nats, form, delta, eta, residual_nats, context_nats, catoni_lambda, information_cap_nats
        As in :func:`ceiling`.
    max_items : int
        Search limit, >= 1.

    Returns
    -------
    int or None
        The smallest ``m`` in [1, max_items] with ``ceiling(m) <= target_risk``; None when no such
        ``m`` exists: either the plateau (:func:`ceiling_plateau`) is at or above the target, so no
        number of items suffices, or more than ``max_items`` would be needed.
    """
    target = check_real("target_risk", target_risk, low=0.0, high=1.0)
    risk = check_real("observed_risk", observed_risk, low=0.0, high=1.0)
    capacity = check_real("capacity_nats", capacity_nats, low=0.0)
    limit = check_integer("max_items", max_items, low=1)
    terms = _check_ceiling_terms(form, delta, eta, residual_nats, context_nats, catoni_lambda)
    cap = _check_cap(information_cap_nats)

    def reached(count: int) -> bool:
        return _ceiling(risk, capacity, float(count), form, *terms, cap) <= target

    if reached(1):
        return 1
    low, high = 1, 2
    while not reached(min(high, limit)):
        if high >= limit:
            return None
        low, high = high, 2 * high
    high = min(high, limit)
    # Invariant: ceiling(low) > target >= ceiling(high).
    while high - low > 1:
        middle = (low + high) // 2
        if reached(middle):
            high = middle
        else:
            low = middle
    return high
