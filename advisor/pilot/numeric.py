"""Pilot labels on a declared numeric scale: read as numbers, optionally binned.

A slider or a rating answers with numbers, and a file writes the same number several ways
(``"0"``, ``"-0"``, ``"00"``, ``"0.0"``). Read as text they are different classes: a 0–100
valence task becomes over a hundred classes and a capacity measured between spellings.
:class:`NumericScale` declares the scale (its ends, optionally its step and a number of equal-width
bins); :meth:`NumericScale.normalise` turns every spelling into one canonical text per value (or per
bin), refusing what is not a number, lies off the scale or off its steps.

:func:`mean_score_correlation` is the accuracy readout of a numeric task (Snow, O'Connor, Jurafsky
& Ng 2008, affect recognition): the Pearson correlation, across items, between the mean of ``r``
raters' scores and the gold score, for r = 1, 2, …, averaged over random draws of the ``r`` raters.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from advisor.errors import ImportFormatError
from advisor.files.input_limits import quote

__all__ = ["MAX_SCALE_LEVELS", "NumericScale", "mean_score_correlation", "parse_scale"]

MAX_SCALE_LEVELS = 101
"""Most values a declared scale may have (a 0–100 slider in steps of 1)."""

_TOLERANCE = 1e-9


@dataclass(frozen=True)
class NumericScale:
    """A declared numeric answer scale.

    Attributes
    ----------
    low, high : float
        The ends of the scale, ``low < high``, finite.
    step : float or None
        The step between allowed values (> 0, dividing ``high − low``); None allows any number
        between the ends.
    bins : int or None
        Equal-width bins the values are grouped into (2 to :data:`MAX_SCALE_LEVELS`); each label
        then becomes its bin's centre. None keeps the values.
    question : str or None
        The pilot question on this scale; None: every label of the pilot.
    """

    low: float
    high: float
    step: float | None = None
    bins: int | None = None
    question: str | None = None

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high) and self.low < self.high):
            raise ValueError(f"numeric scale: need finite ends with low < high, got {self.low:g} and {self.high:g}")
        if self.step is not None:
            steps = (self.high - self.low) / self.step if self.step > 0 and math.isfinite(self.step) else -1.0
            if steps < 1 or abs(steps - round(steps)) > 1e-6:
                raise ValueError(f"numeric scale: the step {self.step:g} must be > 0 and divide {self.high:g} − {self.low:g}")
            if self.bins is None and round(steps) + 1 > MAX_SCALE_LEVELS:
                raise ValueError(
                    f"numeric scale: {round(steps) + 1} values from {self.low:g} to {self.high:g} in steps of {self.step:g}; "
                    f"at most {MAX_SCALE_LEVELS}: bin them"
                )
        elif self.bins is None:
            raise ValueError("numeric scale: give a step, or a number of bins for a continuous scale")
        if self.bins is not None and not 2 <= self.bins <= MAX_SCALE_LEVELS:
            raise ValueError(f"numeric scale: bins must be from 2 to {MAX_SCALE_LEVELS}, got {self.bins}")

    @property
    def levels(self) -> int:
        """How many classes the scale gives (values, or bins)."""
        if self.bins is not None:
            return self.bins
        assert self.step is not None
        return int(round((self.high - self.low) / self.step)) + 1

    def describe(self) -> str:
        """One line, for notes."""
        text = f"numbers from {self.low:g} to {self.high:g}" + (f" in steps of {self.step:g}" if self.step else "")
        if self.bins is not None:
            width = (self.high - self.low) / self.bins
            text += f", binned into {self.bins} bins of width {width:g} (each label is its bin's centre)"
        return text

    def value(self, text: str, what: str = "label") -> float:
        """The number a label stands for, checked against the scale (``what`` names the value in an
        error: ``"label"``, ``"gold value"``).

        Raises
        ------
        ImportFormatError
            For text that is no finite number, a number off the scale, or off its steps.
        """
        try:
            number = float(text.strip())
        except ValueError:
            raise ImportFormatError(f"{what} {quote(text)} is not a number on the declared scale ({self.describe()})") from None
        if not math.isfinite(number):
            raise ImportFormatError(f"{what} {quote(text)} is not a finite number")
        span = self.high - self.low
        if number < self.low - _TOLERANCE * span or number > self.high + _TOLERANCE * span:
            raise ImportFormatError(f"{what} {quote(text)} lies off the declared scale ({self.describe()})")
        if self.step is not None:
            position = (number - self.low) / self.step
            if abs(position - round(position)) > 1e-6:
                raise ImportFormatError(f"{what} {quote(text)} lies between the steps of the declared scale ({self.describe()})")
            number = self.low + round(position) * self.step
        return min(max(number, self.low), self.high)

    def normalise(self, text: str, what: str = "label") -> str:
        """The canonical text of a label: its value (``"-0"``, ``"00"``, ``"0.0"`` → ``"0"``) or its bin's
        centre (``what`` as for :meth:`value`)."""
        number = self.value(text, what)
        if self.bins is not None:
            width = (self.high - self.low) / self.bins
            index = min(int((number - self.low) // width), self.bins - 1)
            number = self.low + (index + 0.5) * width
        return _canonical(number)


def _canonical(number: float) -> str:
    if number == 0:
        return "0"  # -0.0 too
    if float(number).is_integer() and abs(number) < 1e15:
        return str(int(number))
    return f"{number:.12g}"


def parse_scale(text: str, *, bins: int | None = None, question: str | None = None) -> NumericScale:
    """``LOW:HIGH`` or ``LOW:HIGH:STEP`` (as the command line takes it) as a :class:`NumericScale`.

    Raises
    ------
    ValueError
        Naming what is wrong.
    """
    parts = text.split(":")
    if len(parts) not in (2, 3):
        raise ValueError(f"numeric scale: expected LOW:HIGH or LOW:HIGH:STEP, got {text!r}")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ValueError(f"numeric scale: expected numbers in LOW:HIGH[:STEP], got {text!r}") from None
    step = numbers[2] if len(numbers) == 3 else None
    if step is None and bins is None:
        step = 1.0
    return NumericScale(numbers[0], numbers[1], step, bins, question)


def mean_score_correlation(
    values: np.ndarray, items: np.ndarray, gold: np.ndarray, *, max_raters: int = 10, draws: int = 200, seed: int = 0,
) -> list[dict[str, float]]:
    """Correlation of the mean of ``r`` raters' scores with gold, for r = 1 … ``max_raters``.

    For each r, every item with a gold score and at least r labels takes the mean of r of its
    labels drawn without replacement; the Pearson correlation of those means with gold across the
    items is averaged over ``draws`` seeded draws (Snow et al. 2008, who averaged over subsets of r
    annotators).

    Parameters
    ----------
    values : numpy.ndarray of float, shape (n_labels,)
        The score of each label.
    items : numpy.ndarray of int, shape (n_labels,)
        The item of each label (codes 0 … n_items − 1).
    gold : numpy.ndarray of float, shape (n_items,)
        Gold score per item, NaN where unknown.
    max_raters : int
        Largest r, >= 1.
    draws, seed : int
        Random draws per r (>= 1) and their seed.

    Returns
    -------
    list of dict
        One per r with at least 3 items: ``r``, ``items``, ``pearson`` (mean over draws), ``low``
        and ``high`` (2.5 % and 97.5 % of the draws). A correlation is undefined (NaN, left out)
        when the means or gold do not vary.
    """
    rng = np.random.default_rng(seed)
    counts_all = np.bincount(items, minlength=gold.size)
    on_gold = np.isfinite(gold)[items]
    label_items, label_values = items[on_gold], values[on_gold]
    counts = np.bincount(label_items, minlength=gold.size)
    top = min(int(max_raters), int(counts.max()) if counts.size else 0)
    sums = np.zeros((top, gold.size))
    members_of = [np.flatnonzero(np.isfinite(gold) & (counts_all >= r)) for r in range(1, top + 1)]
    estimates: list[list[float]] = [[] for _ in range(top)]
    for _ in range(draws):
        # One random order of each item's labels per draw; the first r of it are r raters drawn
        # without replacement, for every r at once.
        order = np.lexsort((rng.random(label_items.size), label_items))
        sorted_items = label_items[order]
        starts = np.searchsorted(sorted_items, sorted_items, side="left")
        rank = np.arange(sorted_items.size) - starts
        sums[:] = 0.0
        for r in range(1, top + 1):
            pick = rank == r - 1
            sums[r - 1] = (sums[r - 2] if r > 1 else 0.0) + np.bincount(sorted_items[pick], weights=label_values[order][pick], minlength=gold.size)
            members = members_of[r - 1]
            if members.size < 3:
                continue
            means = sums[r - 1, members] / r
            truth = gold[members]
            if np.ptp(means) > 0 and np.ptp(truth) > 0:
                estimates[r - 1].append(float(np.corrcoef(means, truth)[0, 1]))
    rows = []
    for r in range(1, top + 1):
        if estimates[r - 1]:
            low, high = np.quantile(estimates[r - 1], [0.025, 0.975])
            rows.append({"r": r, "items": int(members_of[r - 1].size), "pearson": float(np.mean(estimates[r - 1])),
                         "low": float(low), "high": float(high)})
    return rows
