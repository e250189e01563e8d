"""How long each rater took, who was implausibly fast, and whether accuracy drifted over time.

:func:`time_raters` reads a pilot question's seconds and timestamps:

* each rater's **median seconds** per label (medians, because a label's time includes idle time
  that a mean would let one coffee break dominate);
* a rater is flagged **too fast** when their median is below the larger of the fitted base time
  δ₀ (before it, by the speed–accuracy model, no information accrues at all) and
  :data:`FAST_SHARE` of the median rater's median — "very short times as a sign of a bad
  annotator", judged against the pilot's own pace;
* with timestamps, **drift**: each rater's labels ordered in time, position 0 for their first and 1
  for their last, and accuracy against that position (:func:`models.speed_accuracy.accuracy_drift`)
  — fatigue shows as a negative slope, learning as a positive one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.errors import InvalidArgumentError
from models.speed_accuracy import accuracy_drift

from advisor.pilot.dataset import PilotDataset
from advisor.pilot.speed_accuracy import SpeedAccuracy

__all__ = ["DRIFT_LABELS", "FAST_LABELS", "FAST_SHARE", "Drift", "RaterTime", "RaterTiming", "time_raters"]

FAST_SHARE = 0.25
"""A rater whose median time is below this share of the median rater's median is flagged fast."""
FAST_LABELS = 5
"""Fewest timed labels for a rater's median to be judged."""
DRIFT_LABELS = 10
"""Fewest timestamped labels with a known truth for a rater to enter the drift regression."""


@dataclass(frozen=True)
class RaterTime:
    """One rater's pace: timed labels, median seconds, and whether it is implausibly fast."""

    name: str
    timed_labels: int
    median_seconds: float | None
    fast: bool


@dataclass(frozen=True)
class Drift:
    """Accuracy against position in a rater's sequence (see :func:`time_raters`)."""

    slope: float
    slope_interval: tuple[float, float]
    bins: tuple[tuple[float, float, int, float], ...]
    labels: int
    raters: int
    level: float


@dataclass(frozen=True)
class RaterTiming:
    """The raters' pace and the drift of a pilot question.

    ``fast_threshold`` is the median time below which a rater is flagged (seconds), ``fast`` lists
    the flagged raters by name, ``drift`` is None without timestamps.
    """

    median_seconds: float
    fast_threshold: float
    raters: tuple[RaterTime, ...]
    fast: tuple[str, ...]
    drift: Drift | None


def time_raters(pilot: PilotDataset, raters: np.ndarray, correct: np.ndarray, known: np.ndarray,
                speed: SpeedAccuracy | None, notes: list[str]) -> RaterTiming | None:
    """Each rater's median time and fast flag, and the drift of accuracy over their sequence.

    Parameters
    ----------
    pilot
        One question of the pilot (names, seconds, timestamps).
    raters
        Rater code of each label.
    correct
        Whether each label equals its truth (meaningless where ``known`` is False).
    known
        Whether each label's truth is known.
    speed
        The speed–accuracy fit (its δ₀ is part of the fast threshold), or None.
    notes
        Appended to when drift cannot be measured.

    Returns
    -------
    RaterTiming or None
        None when the pilot has no seconds and no timestamps.
    """
    if pilot.seconds is None and pilot.timestamps is None:
        return None
    n_raters = len(pilot.rater_names)
    reports: list[RaterTime] = []
    medians = np.full(n_raters, np.nan)
    counts = np.zeros(n_raters, dtype=np.int64)
    if pilot.seconds is not None:
        timed = np.isfinite(pilot.seconds)
        counts = np.bincount(raters, weights=timed, minlength=n_raters).astype(np.int64)
        # One sort by rater, then a median per rater's slice (no second per-label sort key).
        order = np.argsort(raters, kind="stable")
        bounds = np.concatenate(([0], np.cumsum(np.bincount(raters, minlength=n_raters))))
        for rater in np.flatnonzero(counts):
            values = pilot.seconds[order[bounds[rater]:bounds[rater + 1]]]
            medians[rater] = float(np.median(values[np.isfinite(values)]))
    judged = counts >= FAST_LABELS
    pooled = float(np.median(medians[judged])) if np.any(judged) else float("nan")
    base = speed.base_time if speed is not None else 0.0
    threshold = max(base, FAST_SHARE * pooled) if np.isfinite(pooled) else float("nan")
    fast_names = []
    for rater in range(n_raters):
        is_fast = bool(judged[rater] and medians[rater] < threshold)
        if is_fast:
            fast_names.append(pilot.rater_names[rater])
        reports.append(RaterTime(
            name=pilot.rater_names[rater], timed_labels=int(counts[rater]),
            median_seconds=None if not np.isfinite(medians[rater]) else float(medians[rater]), fast=is_fast,
        ))
    drift = _drift(pilot, raters, correct, known, notes)
    return RaterTiming(median_seconds=pooled, fast_threshold=threshold, raters=tuple(reports), fast=tuple(fast_names),
                       drift=drift)


def _drift(pilot: PilotDataset, raters: np.ndarray, correct: np.ndarray, known: np.ndarray, notes: list[str]) -> Drift | None:
    if pilot.timestamps is None:
        return None
    usable = np.flatnonzero(np.isfinite(pilot.timestamps) & known)
    if usable.size == 0:
        notes.append("no timestamped label has a known true class: no drift estimate")
        return None
    # Each rater's labels in time order (file order breaks ties), position 0 … 1 within the rater.
    order = usable[np.lexsort((usable, pilot.timestamps[usable], raters[usable]))]
    codes = raters[order]
    counts = np.bincount(codes, minlength=len(pilot.rater_names))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rank = np.arange(order.size) - starts[codes]
    enough = counts[codes] >= DRIFT_LABELS
    if not np.any(enough):
        notes.append(f"no rater has {DRIFT_LABELS} timestamped labels with a known true class: no drift estimate")
        return None
    position = rank[enough] / (counts[codes][enough] - 1)
    try:
        fit = accuracy_drift(position, correct[order][enough])
    except InvalidArgumentError as error:
        notes.append(f"no drift estimate: {error}")
        return None
    return Drift(slope=fit.slope, slope_interval=fit.slope_interval, bins=fit.bins, labels=fit.labels,
                 raters=int(np.sum(counts >= DRIFT_LABELS)), level=fit.level)
