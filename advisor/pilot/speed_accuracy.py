"""The speed–accuracy fit of a pilot question's timed labels.

:func:`fit_speed` fits ``d′(t) = λ (1 − exp(−β (t − δ₀)))`` to whether each timed label was right
(against gold, or against Dawid–Skene without gold) by maximum likelihood
(:func:`models.empirical.fit_speed_accuracy`), optionally with each label's context difficulty and
reading time, and returns a :class:`SpeedAccuracy` in the pilot's own seconds per item, or None with
a note saying why there is no fit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models import empirical
from models.errors import InvalidArgumentError

from advisor.pilot.kernels import scale_accuracy_curve

__all__ = ["SpeedAccuracy", "fit_speed"]


@dataclass(frozen=True)
class SpeedAccuracy:
    """Fitted ``d′(t) = λ (1 − exp(−β (t − δ₀)))`` in the pilot's own seconds per item."""

    discriminability: float
    accrual_rate: float
    base_time: float
    standard_errors: tuple[float, float, float] | None
    log_likelihood: float
    chance_log_likelihood: float
    labels: int
    truth: str


def fit_speed(pilot, data, gold, ds, has_gold, scale, k, slip_rate, span, context_model, notes) -> SpeedAccuracy | None:
    """Fit the speed–accuracy curve to one pilot question's timed labels.

    Parameters
    ----------
    pilot : PilotDataset
        One question of the pilot (:meth:`~advisor.pilot.dataset.PilotDataset.for_question`).
    data : models.aggregation.Annotations
        The same labels as aggregation input.
    gold : numpy.ndarray of int64, shape (n_items,)
        Gold class per item, -1 where unknown.
    ds : models.aggregation.Aggregation
        The Dawid–Skene result, whose labels stand in for the truth without gold.
    has_gold : bool
        Whether any item has gold; then only gold items count.
    scale, k, slip_rate, span
        The accuracy curve's scale (``"nominal"`` or ``"ordinal"``), number of classes (>= 2),
        slip rate in [0, 0.5) and ordinal span in d′ units (> 0).
    context_model : dict or None
        ``{context name: (difficulty, reading seconds)}`` for every context of the pilot, or None
        to fit without contexts.
    notes : list of str
        Appended to with the reason when there is no fit, or when λ reached the top of the range.

    Returns
    -------
    SpeedAccuracy or None
        None when the pilot has no seconds, no timed label has a known true class, or the fit
        fails.
    """
    if pilot.seconds is None:
        return None
    truth_per_item = gold if has_gold else np.asarray(ds.labels)
    truth_per_label = truth_per_item[data.items]
    usable = np.isfinite(pilot.seconds) & (truth_per_label >= 0)
    if not np.any(usable):
        notes.append("no timed label has a known true class: no speed–accuracy fit")
        return None
    class_shares = np.bincount(truth_per_label[usable], minlength=k).astype(float)
    class_shares /= class_shares.sum()
    curve = scale_accuracy_curve(scale, k, slip_rate, span, class_shares)
    try:
        multiplier = offset = None
        if context_model is not None:
            difficulty = np.array([context_model[name][0] for name in pilot.context_names])
            reading = np.array([context_model[name][1] for name in pilot.context_names])
            multiplier = difficulty[np.asarray(pilot.contexts)[usable]]
            offset = reading[np.asarray(pilot.contexts)[usable]]
        fit = empirical.fit_speed_accuracy(
            pilot.seconds[usable], data.labels[usable] == truth_per_label[usable], curve, multiplier=multiplier, offset=offset
        )
    except InvalidArgumentError as error:
        notes.append(f"no speed–accuracy fit: {error}")
        return None
    if fit.discriminability >= curve.dprimes[-1] * 0.999:
        notes.append("the fitted discriminability reached the top of the tabulated range: accuracy is near perfect at every time")
    return SpeedAccuracy(
        discriminability=fit.discriminability,
        accrual_rate=fit.accrual_rate,
        base_time=fit.base_time,
        standard_errors=fit.standard_errors,
        log_likelihood=fit.log_likelihood,
        chance_log_likelihood=fit.chance_log_likelihood,
        labels=fit.n_labels,
        truth="gold" if has_gold else "dawid_skene",
    )
