"""The axis of a capacity breakdown chart: where bars are cut and which alphabet limits it shows.

A breakdown draws, per question, the cognitive, articulation, one-rater cascade and panel
capacities and a tick at the question's alphabet limit ln(#alternatives). Two kinds of number can be
far longer than the rest and would squash every other bar into the first few pixels: the
articulation capacity of typed text (typing speed × time, tens or hundreds of bits) and the alphabet
limit of a comment box (hundreds of characters: thousands of bits). The window's chart
(:mod:`ui.widgets.capacity_chart`) and the report's figure
(:func:`advisor.report.figures.capacity_breakdown_figure`) draw the same axis by this rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["CLIP_FACTOR", "OFF_SCALE_FACTOR", "BreakdownScale", "breakdown_scale"]

CLIP_FACTOR = 1.35
"""Bars longer than this many times the longest bar that is not the articulation one (or a limit on
the axis) are cut at that length and labelled with their value."""
OFF_SCALE_FACTOR = 3.0
"""An alphabet limit more than this many times the longest bar that is not the articulation one
sets no part of the axis; it is named beside its question's bars instead."""


@dataclass(frozen=True)
class BreakdownScale:
    """Where a breakdown's bars are cut and which limits are on its axis.

    Attributes
    ----------
    clip
        Bars longer than this are drawn at this length (same unit as the values given), > 0.
    on_scale
        One per question: True where its alphabet limit is drawn at its value; False where it is
        off the axis (to be named in words) or the question has no limit.
    """

    clip: float
    on_scale: tuple[bool, ...]

    def off_scale(self, index: int, limit: float | None) -> bool:
        """Whether question ``index``'s ``limit`` exists but lies off the axis."""
        return limit is not None and not self.on_scale[index]


def breakdown_scale(bars: Sequence[float], limits: Sequence[float | None]) -> BreakdownScale:
    """The axis of a breakdown.

    Parameters
    ----------
    bars
        Every bar's length except the articulation ones, any unit, >= 0.
    limits
        Per question its alphabet limit in the same unit, or None (no finite limit to draw).

    Returns
    -------
    BreakdownScale
        Limits within :data:`OFF_SCALE_FACTOR` of the longest bar are on the axis (all of them
        when no bar is longer than 0); the bars are cut at :data:`CLIP_FACTOR` times the longest of
        those bars and limits.
    """
    longest_bar = max(bars, default=0.0)
    on_scale = tuple(limit is not None and (longest_bar <= 0.0 or limit <= OFF_SCALE_FACTOR * longest_bar)
                     for limit in limits)
    shown = [limit for limit, on in zip(limits, on_scale) if on and limit is not None]
    longest = max([*bars, *shown], default=1.0) or 1.0
    return BreakdownScale(CLIP_FACTOR * longest, on_scale)
