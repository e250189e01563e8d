"""The speed–accuracy fit of a pilot question's timed labels.

:func:`fit_speed` fits ``d′(t) = λ (1 − exp(−β (t − δ₀)))`` to whether each timed label was right
(against gold, or against Dawid–Skene without gold) by maximum likelihood
(:func:`models.speed_accuracy.fit_speed_accuracy`), optionally with each label's context difficulty and
reading time, and returns a :class:`SpeedAccuracy` in the pilot's own seconds per item — with
profile-likelihood intervals of λ, β and δ₀ and each rater's own β (their speed) — or None with a
note saying why there is no fit. :func:`label_truth` is the truth a label is scored against.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import speed_accuracy
from models.errors import InvalidArgumentError

from advisor.pilot.kernels import scale_accuracy_curve

__all__ = ["RATER_RATE_LABELS", "RaterSpeed", "SpeedAccuracy", "fit_speed", "label_truth"]

RATER_RATE_LABELS = 30
"""Fewest timed labels with a known truth for a rater's own accrual rate to be fitted."""


@dataclass(frozen=True)
class RaterSpeed:
    """One rater's accrual rate β_j (1/s, pilot seconds) with λ and δ₀ of the pooled fit."""

    name: str
    labels: int
    accrual_rate: float
    interval: tuple[float, float]


@dataclass(frozen=True)
class SpeedAccuracy:
    """Fitted ``d′(t) = λ (1 − exp(−β (t − δ₀)))`` in the pilot's own seconds per item.

    ``intervals`` maps ``discriminability``, ``accrual_rate`` and ``base_time`` to their
    profile-likelihood interval at ``level`` (None when the fit could not compute them); an end at
    the edge of the search range means the data do not bound that side. ``raters`` holds the raters
    with at least :data:`RATER_RATE_LABELS` usable labels.
    """

    discriminability: float
    accrual_rate: float
    base_time: float
    standard_errors: tuple[float, float, float] | None
    log_likelihood: float
    chance_log_likelihood: float
    labels: int
    truth: str
    intervals: dict[str, tuple[float, float]] | None = None
    level: float = 0.95
    raters: tuple[RaterSpeed, ...] = ()


def label_truth(gold: np.ndarray, ds, has_gold: bool, items: np.ndarray) -> np.ndarray:
    """The true class each label is scored against (int32): its item's gold (-1 without), or
    without any gold the Dawid–Skene label."""
    truth_per_item = gold if has_gold else np.asarray(ds.labels)
    return np.asarray(truth_per_item).astype(np.int32)[items]


def fit_speed(pilot, data, truth_per_label, scale, k, slip_rate, span, context_model, notes, truth) -> SpeedAccuracy | None:
    """Fit the speed–accuracy curve to one pilot question's timed labels.

    Parameters
    ----------
    pilot : PilotDataset
        One question of the pilot (:meth:`~advisor.pilot.dataset.PilotDataset.for_question`).
    data : models.aggregation.Annotations
        The same labels as aggregation input.
    truth_per_label : numpy.ndarray of int, shape (n_labels,)
        The class each label is scored against, -1 where unknown (:func:`label_truth`).
    scale, k, slip_rate, span
        The accuracy curve's scale (``"nominal"`` or ``"ordinal"``), number of classes (>= 2),
        slip rate in [0, 0.5) and ordinal span in d′ units (> 0).
    context_model : dict or None
        ``{context name: (difficulty, reading seconds)}`` for every context of the pilot, or None
        to fit without contexts.
    notes : list of str
        Appended to with the reason when there is no fit, or when λ reached the top of the range.
    truth : str
        Where the truth came from (``"gold"`` or ``"dawid_skene"``), for the record.

    Returns
    -------
    SpeedAccuracy or None
        None when the pilot has no seconds, no timed label has a known true class, or the fit
        fails.
    """
    if pilot.seconds is None:
        return None
    usable = np.isfinite(pilot.seconds) & (truth_per_label >= 0)
    if not np.any(usable):
        notes.append("no timed label has a known true class: no speed–accuracy fit")
        return None
    class_shares = np.bincount(truth_per_label[usable], minlength=k).astype(float)
    class_shares /= class_shares.sum()
    curve = scale_accuracy_curve(scale, k, slip_rate, span, class_shares)
    # Whole arrays when every label is usable: a 50-million-label pilot is not copied three times.
    pick = slice(None) if bool(np.all(usable)) else usable
    try:
        multiplier = offset = None
        if context_model is not None:
            difficulty = np.array([context_model[name][0] for name in pilot.context_names])
            reading = np.array([context_model[name][1] for name in pilot.context_names])
            multiplier = difficulty[np.asarray(pilot.contexts)[pick]]
            offset = reading[np.asarray(pilot.contexts)[pick]]
        fit, rates = speed_accuracy.fit_rater_speeds(
            pilot.seconds[pick], data.labels[pick] == truth_per_label[pick], data.raters[pick], curve,
            n_raters=data.n_raters, multiplier=multiplier, offset=offset, min_labels=RATER_RATE_LABELS,
        )
    except InvalidArgumentError as error:
        notes.append(f"no speed–accuracy fit: {error}")
        return None
    if fit.discriminability >= curve.dprimes[-1] * 0.999:
        notes.append("the fitted discriminability reached the top of the tabulated range: accuracy is near perfect at every time")
    raters = tuple(
        RaterSpeed(pilot.rater_names[j], int(rates.labels[j]), float(rates.rate[j]), (float(rates.low[j]), float(rates.high[j])))
        for j in np.flatnonzero(np.isfinite(rates.rate))
    )
    intervals = None if fit.intervals is None else dict(zip(speed_accuracy.PARAMETERS, fit.intervals))
    return SpeedAccuracy(
        discriminability=fit.discriminability,
        accrual_rate=fit.accrual_rate,
        base_time=fit.base_time,
        standard_errors=fit.standard_errors,
        log_likelihood=fit.log_likelihood,
        chance_log_likelihood=fit.chance_log_likelihood,
        labels=fit.n_labels,
        truth=truth,
        intervals=intervals,
        level=fit.level,
        raters=raters,
    )
