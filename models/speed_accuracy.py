"""The speed–accuracy trade-off measured from timed labels: fit, intervals, raters, drift.

Wickelgren (1977): discriminability grows with judgment time and saturates,
``d′(t) = λ (1 − exp(−β (t − δ₀)))`` for ``t > δ₀`` and 0 before (the method §3). A timed label is
correct with probability ``accuracy(d′(t))`` for a tabulated accuracy curve
(:class:`models.empirical.AccuracyCurve`), so the labels' ``(seconds, correct)`` pairs have a
Bernoulli likelihood in (λ, β, δ₀):

* :func:`fit_speed_accuracy` maximises it, with asymptotic standard errors and **profile-likelihood
  intervals** (Venzon & Moolgavkar 1988): the set of values of one parameter at which the
  likelihood, maximised over the other two, stays within ``χ²₁(level)/2`` of its maximum. Profile
  intervals follow the likelihood's own shape, which for β and δ₀ is far from quadratic;
* :func:`rater_accrual_rates` fits each rater's own β with λ and δ₀ held at a fit (a rater's
  speed), with its profile interval, and :func:`fit_rater_speeds` alternates it with the pooled
  fit so that raters of different speeds do not bias β and δ₀;
* :func:`accuracy_drift` is the logistic regression of correctness on a label's position in its
  rater's sequence (first label 0, last 1): fatigue or learning over a session.

Nothing here reads files: ``advisor.pilot.speed_accuracy`` builds the inputs.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

from .blas import single_threaded
from .empirical import AccuracyCurve
from .errors import InvalidArgumentError, check_integer, check_real

__all__ = [
    "DriftFit", "RaterRates", "SpeedAccuracyFit", "accuracy_drift", "fit_rater_speeds", "fit_speed_accuracy",
    "rater_accrual_rates",
]

_MAX_TIME_GROUPS = 20_000
_PROBABILITY_FLOOR = 1e-12
PARAMETERS = ("discriminability", "accrual_rate", "base_time")
"""Names of the fitted parameters, in the order of :attr:`SpeedAccuracyFit.intervals`."""


@dataclass(frozen=True)
class SpeedAccuracyFit:
    """Maximum-likelihood speed–accuracy parameters, in the pilot's own seconds.

    Attributes
    ----------
    discriminability : float
        λ, the asymptotic d′, > 0.
    accrual_rate : float
        β, 1/s, > 0.
    base_time : float
        δ₀, seconds before information accrues, >= 0.
    log_likelihood : float
        Bernoulli log-likelihood at the optimum, nats.
    chance_log_likelihood : float
        Log-likelihood of the best constant accuracy, nats (a reference: the fit should beat it).
    n_labels : int
        Pairs used.
    standard_errors : tuple of float or None
        Asymptotic standard errors of (λ, β, δ₀) from the observed information, or None when the
        information matrix is singular at the optimum (a parameter is not identified).
    converged : bool
        True when the optimiser reported success.
    intervals : tuple of (float, float) or None
        Profile-likelihood intervals of (λ, β, δ₀) at :attr:`level`; an end at the edge of the
        search range (λ ≤ the curve's top d′, β in [1e-4, 100] /s, δ₀ in [0, the 90th percentile
        of the times]) means the data do not bound the parameter on that side. None when not
        computed.
    level : float
        Confidence level of the intervals, in (0, 1).
    """

    discriminability: float
    accrual_rate: float
    base_time: float
    log_likelihood: float
    chance_log_likelihood: float
    n_labels: int
    standard_errors: tuple[float, float, float] | None
    converged: bool
    intervals: tuple[tuple[float, float], tuple[float, float], tuple[float, float]] | None = None
    level: float = 0.95


def _group_times(seconds: np.ndarray, correct: np.ndarray, budget: int):
    """Binomial counts per distinct time, or per equal-count time bin when there are more than ``budget``."""
    order = np.argsort(seconds, kind="stable")
    times = seconds[order]
    hits = correct[order].astype(float)
    distinct = np.unique(times)
    if distinct.size <= budget:
        groups = np.searchsorted(distinct, times)
    else:
        # Equal-count bins of neighbouring times: within a bin d'(t) barely changes, so binning
        # changes the likelihood by a negligible amount while keeping each evaluation cheap.
        groups = (np.arange(times.size) * budget) // times.size
    trials = np.bincount(groups).astype(float)
    successes = np.bincount(groups, weights=hits)
    mean_time = np.bincount(groups, weights=times) / np.maximum(trials, 1.0)
    keep = trials > 0
    return mean_time[keep], trials[keep], successes[keep]


def _per_label(name: str, values: object, size: int, *, positive: bool) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.shape != (size,) or not np.all(np.isfinite(array)) or np.any(array <= 0 if positive else array < 0):
        rule = "> 0" if positive else ">= 0"
        raise InvalidArgumentError(f"{name} must be {size} finite numbers {rule}, one per label")
    return array


class _Likelihood:
    """The Bernoulli negative log-likelihood of grouped timed labels in ``x = (log λ, log β, δ₀)``.

    Where every group's λ or β multiplier is 1 (no contexts, no rater speeds: the usual pilot) the
    factor is left out rather than multiplied in: the same numbers to the last bit (a product with
    1.0 is exact), two array products fewer per evaluation, of which a fit makes thousands."""

    def __init__(self, mean_time: np.ndarray, trials: np.ndarray, successes: np.ndarray, scale: np.ndarray,
                 speed: np.ndarray, curve: AccuracyCurve):
        self.mean_time = mean_time
        self.successes = successes
        self.failures = trials - successes
        self.scale = scale
        self.speed = speed
        self.curve = curve
        self._scale = None if np.all(scale == 1.0) else scale

    @property
    def speed(self) -> np.ndarray:
        """β multiplier per group (its rater's speed; :func:`fit_rater_speeds` sets it)."""
        return self._speeds

    @speed.setter
    def speed(self, speeds: np.ndarray) -> None:
        self._speeds = speeds
        self._speed = None if np.all(speeds == 1.0) else speeds

    def _rate_and_elapsed(self, x: np.ndarray):
        """Each group's accrual rate (β times its rater's speed) and judging time after δ₀, at ``x``."""
        rate = math.exp(x[1]) if self._speed is None else math.exp(x[1]) * self._speed
        return rate, np.maximum(self.mean_time - x[2], 0.0)

    def _dprime(self, asymptote: float, accrued: np.ndarray) -> np.ndarray:
        """d′ = λ m × the accrued share of it."""
        return asymptote * accrued if self._scale is None else asymptote * self._scale * accrued

    def _negative_log_likelihood(self, p: np.ndarray) -> float:
        # Elementwise sums rather than BLAS dot products: no thread start-up on short vectors.
        return -float(np.sum(self.successes * np.log(p) + self.failures * np.log1p(-p)))

    def value(self, x: np.ndarray) -> float:
        # The polish's objective accrues as −expm1, the gradient's as 1 − e (the two differ in the
        # last bits; each is kept as the fits were made with it).
        rate, elapsed = self._rate_and_elapsed(x)
        dprime = self._dprime(math.exp(x[0]), -np.expm1(-rate * elapsed))
        return self._negative_log_likelihood(np.clip(self.curve(dprime), _PROBABILITY_FLOOR, 1.0 - _PROBABILITY_FLOOR))

    def value_and_gradient(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        # rate is per group (β times the group's rater speed); d/d log β is the same for every group.
        asymptote = math.exp(x[0])
        rate, elapsed = self._rate_and_elapsed(x)
        decay = np.exp(-rate * elapsed)
        dprime = self._dprime(asymptote, 1.0 - decay)
        accuracy, slope = self.curve.value_and_slope(dprime)
        p = np.clip(accuracy, _PROBABILITY_FLOOR, 1.0 - _PROBABILITY_FLOOR)
        value = self._negative_log_likelihood(p)
        # d(-log L)/dd' per group, by the chain rule through the piecewise-linear curve.
        outer = -(self.successes / p - self.failures / (1.0 - p)) * slope
        # dd'/dlog β = λ m e t β and dd'/dδ₀ = −λ m β e where t > 0 (t = 0 before δ₀, so the β term
        # needs no mask); λ m is one common factor of both.
        scaled = outer * asymptote if self._scale is None else outer * asymptote * self._scale
        gradient = np.array([
            float(np.sum(outer * dprime)),  # d/d log λ
            float(np.sum(scaled * elapsed * decay * rate)),  # d/d log β
            -float(np.sum(scaled * rate * decay * (elapsed > 0.0))),  # d/d δ₀
        ])
        return value, gradient


def _profile_intervals(likelihood: _Likelihood, x_hat: np.ndarray, best: float, bounds: list[tuple[float, float]],
                       level: float, max_iter: int) -> tuple[tuple[float, float], ...]:
    """Profile-likelihood interval of each parameter: where the profile crosses ``best + χ²₁(level)/2``."""
    threshold = best + 0.5 * float(stats.chi2.ppf(level, 1))
    out = []
    for index in range(3):
        free = [i for i in range(3) if i != index]
        start = x_hat[free].copy()

        # Each value's profile is kept: the optimiser is warm-started from the last point, so
        # evaluating a point again can give a slightly different minimum, and the root search must
        # see at the ends of its bracket the values that made it a bracket.
        known: dict[float, float] = {float(x_hat[index]): best}

        def profile(value: float) -> float:
            value = float(value)
            if value not in known:
                known[value] = _profile_at(value)
            return known[value]

        def _profile_at(value: float) -> float:
            nonlocal start

            def restricted(z: np.ndarray) -> tuple[float, np.ndarray]:
                x = np.empty(3)
                x[index] = value
                x[free] = z
                f, g = likelihood.value_and_gradient(x)
                return f, g[free]

            result = optimize.minimize(restricted, start, jac=True, method="L-BFGS-B",
                                       bounds=[bounds[i] for i in free], options={"maxiter": max_iter})
            start = result.x
            return float(result.fun)

        ends = []
        for direction in (-1, 1):
            start = x_hat[free].copy()
            limit = bounds[index][0] if direction < 0 else bounds[index][1]
            centre = float(x_hat[index])
            if abs(limit - centre) < 1e-12:
                ends.append(limit)
                continue
            # Step outwards, doubling, until the profile rises past the threshold or the range ends.
            width = abs(limit - centre)
            step = min(width, 0.05 if index < 2 else max(0.05 * abs(centre), 0.01))
            inner = centre
            found = None
            while True:
                outer = centre + direction * step
                if profile(outer) > threshold:
                    found = outer
                    break
                if step >= width:
                    break
                inner = outer
                step = min(2.0 * step, width)
            if found is None:
                ends.append(limit)
                continue
            start = x_hat[free].copy()
            ends.append(float(optimize.brentq(lambda v: profile(v) - threshold, inner, found, xtol=1e-4, rtol=1e-6)))
        low, high = min(ends), max(ends)
        out.append((math.exp(low), math.exp(high)) if index < 2 else (low, high))
    return tuple(out)


def _one_blas_thread(function: Callable) -> Callable:
    """Run ``function`` with one BLAS thread: the fits take thousands of tiny optimiser steps, whose
    BLAS calls would only wait for cores (:mod:`models.blas`; 5.4 s against 0.5 s under load)."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with single_threaded():
            return function(*args, **kwargs)

    return wrapper


@_one_blas_thread
def fit_speed_accuracy(
    seconds: object,
    correct: object,
    curve: AccuracyCurve,
    *,
    multiplier: object | None = None,
    offset: object | None = None,
    speed: object | None = None,
    max_iter: int = 2000,
    level: float | None = 0.95,
) -> SpeedAccuracyFit:
    """Fit ``d′(t) = λ m (1 − exp(−β s (t − o − δ₀)))`` (0 before ``o + δ₀``) by maximum likelihood.

    Each pair contributes ``log P`` if correct and ``log(1 − P)`` otherwise, with
    ``P = curve(d′(t))``. The likelihood is maximised over ``log λ``, ``log β`` and ``δ₀`` by
    L-BFGS-B (analytic gradient) from a small grid of starts, then polished by Nelder–Mead (the
    likelihood has kinks in δ₀ at observed times). The per-label multiplier ``m`` and offset ``o``
    carry what is known about each label's context (its difficulty and its reading time), so that
    λ, β and δ₀ are common to all contexts.

    Parameters
    ----------
    seconds : array_like, shape (n,)
        Time spent on each label, seconds, finite and >= 0; at least 30 pairs, and the middle 80 %
        of the times (after the offsets) must span at least 10 % of their median (otherwise λ, β
        and δ₀ cannot be told apart).
    correct : array_like of bool, shape (n,)
        Whether each label equals the true class.
    curve : AccuracyCurve
        P(correct) as a function of d′.
    multiplier : array_like, shape (n,), optional
        Factor on λ per label, > 0 (default 1).
    offset : array_like, shape (n,), optional
        Seconds per label spent before judging (reading), >= 0 (default 0).
    speed : array_like, shape (n,), optional
        Factor ``s`` on β per label, > 0 (default 1): its rater's speed relative to the pool
        (:func:`fit_rater_speeds`).
    max_iter : int
        Iteration cap of each optimiser run, >= 10.
    level : float or None
        Confidence level of the profile-likelihood intervals, in (0, 1); None skips them.

    Returns
    -------
    SpeedAccuracyFit

    Raises
    ------
    InvalidArgumentError
        On bad input or times that do not vary enough to identify the curve.

    Notes
    -----
    Labels are treated as independent given their times. Labels of one item share its
    difficulty, so with several labels per item the intervals are somewhat narrower than they
    should be; pilots with rater correlation ρ near 0 are not affected.
    """
    prepared = _prepare(seconds, correct, curve, multiplier, offset, speed)
    limit = check_integer("max_iter", max_iter, low=10)
    confidence = None if level is None else check_real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    likelihood, trials = _grouped(prepared.times, prepared.hits, prepared.factors, curve, prepared.speeds)
    return _maximise(likelihood, trials, prepared, curve, limit, confidence)


@dataclass(frozen=True, eq=False)
class _Prepared:
    """Validated timed labels: times after the offsets, hits, optional λ and β multipliers (None:
    all 1, never stored label by label), and quantiles of the times."""

    times: np.ndarray
    hits: np.ndarray
    factors: np.ndarray | None
    speeds: np.ndarray | None
    low_time: float
    median_time: float
    delay_cap: float
    slow_time: float
    mean_factor: float


_SAMPLE = 2_000_000
"""Most times the quantiles are taken from (an evenly spaced sample beyond; quantiles only set the
optimiser's starts, the bound on δ₀ and the bins)."""


def _sample(times: np.ndarray) -> np.ndarray:
    return times if times.size <= _SAMPLE else times[:: times.size // _SAMPLE]


def _prepare(seconds: object, correct: object, curve: AccuracyCurve, multiplier: object | None, offset: object | None,
             speed: object | None) -> _Prepared:
    if not isinstance(curve, AccuracyCurve):
        raise InvalidArgumentError(f"curve must be an AccuracyCurve (see accuracy_curve), got {type(curve).__name__}")
    raw_times = np.asarray(seconds, dtype=float)
    hits = np.asarray(correct)
    if raw_times.ndim != 1 or hits.shape != raw_times.shape:
        raise InvalidArgumentError(f"seconds and correct must be 1-D arrays of equal length, got shapes {raw_times.shape} and {hits.shape}")
    if hits.dtype != bool:
        raise InvalidArgumentError(f"correct must be a boolean array, got dtype {hits.dtype}")
    if raw_times.size < 30:
        raise InvalidArgumentError(f"seconds: need at least 30 timed labels to fit speed and accuracy, got {raw_times.size}")
    if not np.all(np.isfinite(raw_times)) or np.any(raw_times < 0):
        raise InvalidArgumentError("seconds must be finite and >= 0")
    size = raw_times.size
    factors = None if multiplier is None else _per_label("multiplier", multiplier, size, positive=True)
    speeds = None if speed is None else _per_label("speed", speed, size, positive=True)
    times = raw_times
    if offset is not None:
        times = np.maximum(raw_times - _per_label("offset", offset, size, positive=False), 0.0)
    low_time, median_time, slow_time, high_time = np.quantile(_sample(times), [0.1, 0.5, 0.75, 0.9])
    if median_time <= 0 or (high_time - low_time) < 0.1 * median_time:
        raise InvalidArgumentError(
            "seconds: the times barely vary (10th to 90th percentile "
            f"{low_time:.3g}-{high_time:.3g} s), so discriminability, accrual rate and base time cannot be told apart"
        )
    return _Prepared(times, hits, factors, speeds, float(low_time), float(median_time), float(high_time), float(slow_time),
                     1.0 if factors is None else float(np.mean(factors)))


def _maximise(likelihood: _Likelihood, trials: np.ndarray, prepared: _Prepared, curve: AccuracyCurve, limit: int,
              confidence: float | None, starts: Sequence[np.ndarray] = ()) -> SpeedAccuracyFit:
    """Maximum likelihood from a grid of starts (or from ``starts``, points ``(log λ, log β, δ₀)``),
    polished; profile intervals at ``confidence``."""
    mean_time, successes, failures = likelihood.mean_time, likelihood.successes, likelihood.failures
    d_top = float(curve.dprimes[-1])
    overall = float(successes.sum() / trials.sum())
    p_const = min(max(overall, _PROBABILITY_FLOOR), 1.0 - _PROBABILITY_FLOOR)
    chance_ll = float(successes.sum() * math.log(p_const) + failures.sum() * math.log1p(-p_const))
    # λ start: the accuracy of the slowest quarter, taken as nearly saturated.
    slow = mean_time >= prepared.slow_time
    slow_accuracy = float(successes[slow].sum() / max(trials[slow].sum(), 1.0))
    slow_accuracy = min(max(slow_accuracy, curve.chance + 1e-3), curve.ceiling - 1e-6)
    asymptote_start = min(max(curve.inverse(slow_accuracy) * 1.1 / prepared.mean_factor, 0.05), d_top * 0.9)
    bounds = [(math.log(1e-3), math.log(d_top)), (math.log(1e-4), math.log(100.0)), (0.0, prepared.delay_cap)]
    points = [np.clip(point, *np.array(bounds).T) for point in starts] or [
        np.array([math.log(asymptote_start), math.log(min(max(rate_scale / prepared.median_time, 1.1e-4), 99.0)),
                  delay_share * prepared.low_time])
        for rate_scale in (0.3, 1.5, 6.0) for delay_share in (0.0, 0.5)]
    best: optimize.OptimizeResult | None = None
    for point in points:
        result = optimize.minimize(
            likelihood.value_and_gradient, point, jac=True, method="L-BFGS-B", bounds=bounds, options={"maxiter": limit}
        )
        if best is None or result.fun < best.fun:
            best = result
    assert best is not None
    polished = optimize.minimize(
        likelihood.value,
        best.x,
        method="Nelder-Mead",
        bounds=bounds,
        options={"maxiter": limit, "xatol": 1e-7, "fatol": 1e-9},
    )
    final = polished if polished.fun <= best.fun else best
    asymptote, rate, delay = math.exp(final.x[0]), math.exp(final.x[1]), float(final.x[2])
    intervals = None
    if confidence is not None:
        intervals = _profile_intervals(likelihood, np.asarray(final.x, dtype=float), float(final.fun), bounds, confidence, limit)
    return SpeedAccuracyFit(
        discriminability=asymptote,
        accrual_rate=rate,
        base_time=delay,
        log_likelihood=-float(final.fun),
        chance_log_likelihood=chance_ll,
        n_labels=int(prepared.times.size),
        standard_errors=_standard_errors(likelihood.value, final.x),
        converged=bool(best.success or polished.success),
        intervals=intervals,  # type: ignore[arg-type]
        level=0.95 if confidence is None else confidence,
    )


_EXACT_LABELS = 1_000_000
"""Up to this many labels, groups are exact (per distinct time, or equal-count bins of 20,000 per
λ level); beyond, labels are counted into quantile bins in blocks, without sorting them."""
_BIN_BLOCK = 1 << 22


def _grouped(times: np.ndarray, hits: np.ndarray, factors: np.ndarray | None, curve: AccuracyCurve,
             speeds: np.ndarray | None = None) -> tuple[_Likelihood, np.ndarray]:
    """The likelihood over binomial groups of (time, λ multiplier, β multiplier), and the groups' trials."""
    if factors is None and speeds is None:
        segments, scale, speed = None, np.ones(1), np.ones(1)
    else:
        pairs, segments = np.unique(np.column_stack([np.ones(times.size) if factors is None else factors,
                                                     np.ones(times.size) if speeds is None else speeds]),
                                    axis=0, return_inverse=True)
        segments, scale, speed = segments.ravel(), pairs[:, 0], pairs[:, 1]
    if times.size > _EXACT_LABELS:
        return _bin_groups(times, hits, segments, scale.size, 1024, scale, speed, curve)[:2]
    parts = []
    for segment in range(scale.size):
        members = slice(None) if segments is None else segments == segment
        share = 1.0 if segments is None else float(np.mean(members))
        budget = max(100, int(_MAX_TIME_GROUPS * share))
        group_time, group_trials, group_successes = _group_times(times[members], hits[members], budget)
        size = group_time.size
        parts.append((group_time, group_trials, group_successes, np.full(size, scale[segment]), np.full(size, speed[segment])))
    mean_time, trials, successes, group_scale, group_speed = (np.concatenate(column) for column in zip(*parts))
    return _Likelihood(mean_time, trials, successes, group_scale, group_speed, curve), trials


def _bin_groups(times: np.ndarray, hits: np.ndarray, segments: np.ndarray | None, n_segments: int, bins: int,
                scale: np.ndarray, speed: np.ndarray, curve: AccuracyCurve) -> tuple[_Likelihood, np.ndarray, np.ndarray]:
    """Binomial counts per (segment, quantile bin of time), counted in blocks of labels.

    The bin edges are ``bins`` quantiles of the times (from a sample), shared by every segment;
    within a bin of neighbouring times d′(t) barely changes. Memory is a block's temporaries and
    the groups, never an array per label. Returns the likelihood, the groups' trials and each
    group's segment.
    """
    edges = np.unique(np.quantile(_sample(times), np.linspace(0.0, 1.0, bins + 1)[1:-1]))
    width = edges.size + 1
    total = n_segments * width
    trials = np.zeros(total)
    successes = np.zeros(total)
    time_sums = np.zeros(total)
    for start in range(0, times.size, _BIN_BLOCK):
        block = slice(start, start + _BIN_BLOCK)
        group = np.searchsorted(edges, times[block], side="right")
        if segments is not None:
            group = group + segments[block].astype(np.int64) * width
        trials += np.bincount(group, minlength=total)
        successes += np.bincount(group, weights=hits[block], minlength=total)
        time_sums += np.bincount(group, weights=times[block], minlength=total)
    keep = np.flatnonzero(trials > 0)
    segment_of_group = keep // width
    likelihood = _Likelihood(time_sums[keep] / trials[keep], trials[keep], successes[keep], scale[segment_of_group],
                             speed[segment_of_group], curve)
    return likelihood, trials[keep], segment_of_group


def _standard_errors(objective: Callable[[np.ndarray], float], x: np.ndarray) -> tuple[float, float, float] | None:
    """Delta-method standard errors of (λ, β, δ₀) from a central-difference Hessian in (log λ, log β, δ₀)."""
    steps = np.array([1e-3, 1e-3, max(1e-3, 1e-3 * abs(x[2]))])
    hessian = np.empty((3, 3))
    centre = objective(x)
    for i in range(3):
        for j in range(i, 3):
            ei = np.zeros(3)
            ej = np.zeros(3)
            ei[i] = steps[i]
            ej[j] = steps[j]
            if i == j:
                value = (objective(x + ei) - 2.0 * centre + objective(x - ei)) / steps[i] ** 2
            else:
                value = (
                    objective(x + ei + ej) - objective(x + ei - ej) - objective(x - ei + ej) + objective(x - ei - ej)
                ) / (4.0 * steps[i] * steps[j])
            hessian[i, j] = hessian[j, i] = value
    try:
        eigenvalues = np.linalg.eigvalsh(hessian)
        if eigenvalues.min() <= 1e-9 * max(eigenvalues.max(), 1e-300):
            return None
        covariance = np.linalg.inv(hessian)
    except np.linalg.LinAlgError:
        return None
    jacobian = np.array([math.exp(x[0]), math.exp(x[1]), 1.0])
    variances = np.diag(covariance) * jacobian**2
    if not np.all(np.isfinite(variances)) or np.any(variances < 0):
        return None
    return tuple(float(v) for v in np.sqrt(variances))  # type: ignore[return-value]


@dataclass(frozen=True, eq=False)
class RaterRates:
    """Each rater's own accrual rate β_j, with λ and δ₀ held at the pooled fit.

    Attributes
    ----------
    rate : numpy.ndarray, shape (n_raters,)
        β_j in 1/s; NaN for a rater with fewer than ``min_labels`` usable labels.
    low, high : numpy.ndarray, shape (n_raters,)
        Profile-likelihood interval of β_j at ``level`` (an end at 1e-4 or 100 /s: not bounded).
    labels : numpy.ndarray of int, shape (n_raters,)
        Timed labels with a known truth per rater.
    level : float
        Confidence level.
    """

    rate: np.ndarray
    low: np.ndarray
    high: np.ndarray
    labels: np.ndarray
    level: float


class _RaterGroups:
    """Timed labels counted once into groups of (rater, λ level, quantile bin of time).

    Groups are sorted by rater, so one rater's likelihood is a slice of the pooled one, and the
    pooled likelihood with rater speeds only sets each group's β multiplier. Counted in blocks of
    labels without sorting them (:func:`_bin_groups`): a 50-million-label pilot is grouped once, in
    bounded memory, not once per rater and round. Each rater gets up to 256 bins, fewer when there
    are many raters (about 40,000 groups in all, at least 16 bins each).
    """

    def __init__(self, prepared: _Prepared, codes: np.ndarray, count: int, curve: AccuracyCurve):
        if prepared.factors is None:
            levels, segments = np.ones(1), codes
        else:
            levels, level_of_label = np.unique(prepared.factors, return_inverse=True)
            segments = codes.astype(np.int64) * levels.size + level_of_label.ravel()
        n_segments = count * levels.size
        active = int(np.count_nonzero(np.bincount(codes, minlength=count)))
        bins = int(min(256, max(16, 2 * _MAX_TIME_GROUPS // max(active * levels.size, 1))))
        scale = np.tile(levels, count)
        likelihood, trials, segment_of_group = _bin_groups(prepared.times, prepared.hits, segments, n_segments, bins,
                                                           scale, np.ones(n_segments), curve)
        self.likelihood = likelihood
        self.trials = trials
        self.rater = segment_of_group // levels.size
        self.bounds = np.searchsorted(self.rater, np.arange(count + 1))
        self.labels = np.bincount(codes, minlength=count)
        self.curve = curve

    def rater_likelihood(self, rater: int) -> _Likelihood:
        part = slice(self.bounds[rater], self.bounds[rater + 1])
        whole = self.likelihood
        return _Likelihood(whole.mean_time[part], self.trials[part], whole.successes[part], whole.scale[part],
                           np.ones(part.stop - part.start), self.curve)


def _rates(groups: _RaterGroups, fit: SpeedAccuracyFit, fewest: int, confidence: float | None) -> RaterRates:
    """Each rater's β_j with λ and δ₀ of ``fit``; profile intervals when ``confidence`` is given."""
    count = groups.labels.size
    rate, low, high = (np.full(count, math.nan) for _ in range(3))
    bounds = (math.log(1e-4), math.log(100.0))
    lam, delay = math.log(fit.discriminability), fit.base_time
    threshold = 0.5 * float(stats.chi2.ppf(confidence, 1)) if confidence is not None else math.nan
    for rater in np.flatnonzero(groups.labels >= fewest):
        likelihood = groups.rater_likelihood(int(rater))

        def profile(log_rate: float) -> float:
            return likelihood.value(np.array([lam, log_rate, delay]))

        result = optimize.minimize_scalar(profile, bounds=bounds, method="bounded", options={"xatol": 1e-6})
        centre, best = float(result.x), float(result.fun)
        rate[rater] = math.exp(centre)
        if confidence is None:
            continue
        ends = []
        for edge in bounds:
            if profile(edge) - best <= threshold:
                ends.append(edge)
            else:
                ends.append(float(optimize.brentq(lambda v: profile(v) - best - threshold, *sorted((centre, edge)), xtol=1e-5)))
        low[rater], high[rater] = math.exp(min(ends)), math.exp(max(ends))
    return RaterRates(rate=rate, low=low, high=high, labels=groups.labels, level=0.95 if confidence is None else confidence)


def _rater_inputs(seconds: object, correct: object, raters: object, curve: AccuracyCurve, n_raters: int | None,
                  multiplier: object | None, offset: object | None, min_labels: int) -> tuple[_Prepared, np.ndarray, int, int]:
    prepared = _prepare(seconds, correct, curve, multiplier, offset, None)
    codes = np.asarray(raters)
    if codes.shape != prepared.times.shape or not np.issubdtype(codes.dtype, np.integer) or (codes.size and codes.min() < 0):
        raise InvalidArgumentError("raters must be integer codes >= 0, one per label")
    count = int(codes.max()) + 1 if n_raters is None else check_integer("n_raters", n_raters, low=int(codes.max()) + 1)
    return prepared, codes, count, check_integer("min_labels", min_labels, low=5)


@_one_blas_thread
def rater_accrual_rates(
    seconds: object, correct: object, raters: object, curve: AccuracyCurve, fit: SpeedAccuracyFit, *,
    n_raters: int | None = None, multiplier: object | None = None, offset: object | None = None,
    min_labels: int = 30, level: float = 0.95,
) -> RaterRates:
    """Fit each rater's accrual rate β_j (their speed) with λ and δ₀ of ``fit``.

    A rater with a larger β reaches the same discriminability sooner: β_j / β is how much faster
    than the pool they gather evidence. Only raters with ``min_labels`` timed labels are fitted.

    Parameters
    ----------
    seconds, correct, multiplier, offset
        As for :func:`fit_speed_accuracy`, one entry per label.
    raters : array_like of int, shape (n,)
        Rater code of each label, in [0, n_raters).
    curve : AccuracyCurve
        The curve of the fit.
    fit : SpeedAccuracyFit
        The fit whose λ and δ₀ are held.
    n_raters : int, optional
        Number of raters (default: largest code + 1).
    min_labels : int
        Fewest labels to fit a rater, >= 5.
    level : float
        Confidence level of the profile-likelihood intervals, in (0, 1).

    Returns
    -------
    RaterRates
    """
    prepared, codes, count, fewest = _rater_inputs(seconds, correct, raters, curve, n_raters, multiplier, offset, min_labels)
    confidence = check_real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    return _rates(_RaterGroups(prepared, codes, count, curve), fit, fewest, confidence)


@_one_blas_thread
def fit_rater_speeds(
    seconds: object, correct: object, raters: object, curve: AccuracyCurve, *, n_raters: int | None = None,
    multiplier: object | None = None, offset: object | None = None, min_labels: int = 30, level: float | None = 0.95,
    rounds: int = 6, max_iter: int = 2000,
) -> tuple[SpeedAccuracyFit, RaterRates]:
    """The speed–accuracy fit with a speed per rater: ``d′_j(t) = λ (1 − exp(−β s_j (t − δ₀)))``.

    Raters differ in how fast they gather evidence; fitting one β to a pool of slow and fast raters
    biases δ₀ and β (measured: raters at β = 0.1 and 0.4 /s pooled gave δ₀ 0.5 s for a true 1 s).
    Block coordinate ascent alternates the pooled fit of (λ, β, δ₀) given the speeds ``s_j`` and
    each rater's β_j = β s_j given (λ, δ₀), the ``s_j`` normalised to a geometric mean of 1 over
    the raters fitted, so β is the typical rater's rate; raters with fewer than ``min_labels``
    labels keep ``s_j = 1``. Each step raises the likelihood, so the alternation converges; it
    stops when no speed moves by more than 1 % (``|Δ log s_j| < 0.01``, far inside a rater's
    interval), or after ``rounds`` rounds. The first pooled fit starts from a grid of six points,
    each later one (and the final one, with intervals) from the fit before it and from that fit with
    β at the raters' geometric mean rate. Without a rater of
    ``min_labels`` labels this is :func:`fit_speed_accuracy`.

    The labels are grouped once, by rater and equal-count time bins (at least 20 per rater, about
    40,000 in all), so a round costs one pooled fit over the groups and one small fit per rater.

    Parameters
    ----------
    seconds, correct, multiplier, offset, curve, max_iter
        As for :func:`fit_speed_accuracy`.
    raters : array_like of int, shape (n,)
        Rater code of each label.
    n_raters, min_labels
        As for :func:`rater_accrual_rates`.
    level : float or None
        Confidence level of the final fit's profile intervals and of the raters' intervals.
    rounds : int
        Most alternations, >= 1.

    Returns
    -------
    tuple
        ``(fit, rates)``: the fit with the raters' speeds, and each rater's β_j with its interval.
    """
    prepared, codes, count, fewest = _rater_inputs(seconds, correct, raters, curve, n_raters, multiplier, offset, min_labels)
    limit = check_integer("rounds", rounds, low=1)
    iterations = check_integer("max_iter", max_iter, low=10)
    confidence = None if level is None else check_real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    labels = np.bincount(codes, minlength=count)
    if not np.any(labels >= fewest):
        fit = fit_speed_accuracy(seconds, correct, curve, multiplier=multiplier, offset=offset, level=level, max_iter=max_iter)
        empty = np.full(count, math.nan)
        return fit, RaterRates(rate=empty, low=empty.copy(), high=empty.copy(), labels=labels,
                               level=0.95 if confidence is None else confidence)
    groups = _RaterGroups(prepared, codes, count, curve)
    speeds = np.ones(count)
    starts: list[np.ndarray] = []
    for _ in range(limit):
        groups.likelihood.speed = speeds[groups.rater]
        fit = _maximise(groups.likelihood, groups.trials, prepared, curve, iterations, None, starts)
        rates = _rates(groups, fit, fewest, None)
        fitted = np.isfinite(rates.rate)
        logs = np.log(rates.rate[fitted])
        updated = np.ones(count)
        updated[fitted] = np.exp(logs - logs.mean())
        moved = float(np.max(np.abs(np.log(updated) - np.log(speeds))))
        speeds = updated
        # The next pooled fit starts from this one, and from β at the raters' geometric mean rate (with
        # the new speeds, each fitted rater's own rate): two starts instead of the grid's six.
        point = np.array([math.log(fit.discriminability), math.log(fit.accrual_rate), fit.base_time])
        starts = [point, np.array([point[0], float(logs.mean()), point[2]])] if logs.size else [point]
        if moved < 0.01:
            break
    groups.likelihood.speed = speeds[groups.rater]
    fit = _maximise(groups.likelihood, groups.trials, prepared, curve, iterations, confidence, starts)
    return fit, _rates(groups, fit, fewest, confidence)


@dataclass(frozen=True)
class DriftFit:
    """Accuracy against a label's position in its rater's sequence.

    Attributes
    ----------
    slope : float
        Logistic-regression slope of correctness on position (0 = a rater's first label, 1 = the
        last), log-odds; negative means accuracy falls over a rater's session.
    slope_interval : tuple of float
        Wald interval of the slope at ``level``.
    bins : tuple of (float, float, int, float)
        ``(from, to, labels, accuracy)`` for equal ranges of position.
    labels : int
        Labels used.
    level : float
        Confidence level.
    """

    slope: float
    slope_interval: tuple[float, float]
    bins: tuple[tuple[float, float, int, float], ...]
    labels: int
    level: float


def accuracy_drift(position: object, correct: object, *, bins: int = 5, level: float = 0.95) -> DriftFit:
    """Logistic regression ``logit P(correct) = a + b · position`` by Newton's method, and binned accuracy.

    Parameters
    ----------
    position : array_like, shape (n,)
        Each label's position in its rater's sequence, in [0, 1].
    correct : array_like of bool, shape (n,)
        Whether the label equals the truth.
    bins : int
        Equal position ranges for the binned accuracies, 2 to 100.
    level : float
        Confidence level of the slope's interval, in (0, 1).

    Raises
    ------
    InvalidArgumentError
        For fewer than 20 labels, positions outside [0, 1], or positions that do not vary.
    """
    x = np.asarray(position, dtype=float)
    y = np.asarray(correct, dtype=bool).astype(float)
    count = check_integer("bins", bins, low=2, high=100)
    confidence = check_real("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    if x.shape != y.shape or x.ndim != 1 or x.size < 20:
        raise InvalidArgumentError("position and correct must be 1-D arrays of equal length, at least 20 labels")
    if not np.all(np.isfinite(x)) or x.min() < 0 or x.max() > 1:
        raise InvalidArgumentError("position must lie in [0, 1]")
    if np.ptp(x) == 0:
        raise InvalidArgumentError("position does not vary: no rater has two timed labels")
    design = np.column_stack([np.ones_like(x), x])
    mean = min(max(y.mean(), 1e-6), 1 - 1e-6)
    beta = np.array([math.log(mean / (1 - mean)), 0.0])
    information = np.eye(2)
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(design @ beta)))
        weight = np.maximum(p * (1 - p), 1e-12)
        information = design.T @ (design * weight[:, None])
        step = np.linalg.solve(information + 1e-12 * np.eye(2), design.T @ (y - p))
        beta = beta + step
        if np.max(np.abs(step)) < 1e-10:
            break
    covariance = np.linalg.pinv(information)
    spread = float(stats.norm.ppf(0.5 + confidence / 2) * math.sqrt(max(covariance[1, 1], 0.0)))
    edges = np.linspace(0.0, 1.0, count + 1)
    which = np.minimum(np.searchsorted(edges, x, side="right") - 1, count - 1)
    table = []
    for index in range(count):
        members = which == index
        table.append((float(edges[index]), float(edges[index + 1]), int(members.sum()),
                      float(y[members].mean()) if members.any() else math.nan))
    slope = float(beta[1])
    return DriftFit(slope=slope, slope_interval=(slope - spread, slope + spread), bins=tuple(table), labels=int(x.size),
                    level=confidence)
