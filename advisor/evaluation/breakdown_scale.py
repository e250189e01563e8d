"""The axis of a capacity breakdown chart: where bars are cut and which alphabet limits it shows.

A breakdown draws, per question, the cognitive, articulation, one-rater cascade and panel
capacities and a tick at the question's alphabet limit ln(#alternatives). Some numbers can be far
longer than the rest and would squash every other bar into the first few pixels: typed answers'
articulation capacity (typing speed × time, tens of bits) and the alphabet limit of a wide answer
(a 500-character comment box: 500 bits; 30 checkboxes: 30 bits). The window's chart
(:mod:`ui.widgets.capacity_chart`) and the report's figure
(:func:`advisor.report.figures.capacity_breakdown_figure`) draw the same axis by this rule. The
limit of a question of at most a scale's :data:`advisor.scenario.schema.MAX_SCALE_LEVELS` answers
(6.66 bits) is always on the axis, however short the bars: a tick beyond them says how much room
the format leaves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from advisor.scenario.schema import MAX_SCALE_LEVELS

__all__ = ["CLIP_FACTOR", "OFF_SCALE_FACTOR", "WIDEST_ON_AXIS", "BreakdownScale", "breakdown_scale", "off_scale_label",
           "wide_answer"]

CLIP_FACTOR = 1.35
"""Bars longer than this many times the longest bar that is not the articulation one (or a limit on
the axis) are cut at that length and labelled with their value."""
OFF_SCALE_FACTOR = 3.0
"""A wide answer's alphabet limit (:func:`wide_answer`) more than this many times the longest bar
that is not an articulation one (and than every narrower answer's limit) sets no part of the axis;
it is named beside its question's bars instead (:func:`off_scale_label`)."""
WIDEST_ON_AXIS = MAX_SCALE_LEVELS
"""Answers of more alternatives than a scale may have (a 0–100 slider's 101 levels), or typed
ones, are wide."""


def wide_answer(alternatives: int) -> bool:
    """Whether a question of ``alternatives`` answers one rater can give (0 for typed text) is wide:
    its limit may leave the axis."""
    return alternatives == 0 or alternatives > WIDEST_ON_AXIS


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

    def limit_label(self, index: int, limit: float | None) -> str:
        """What names question ``index``'s ``limit`` beside its bars: :func:`off_scale_label` when
        it is off the axis, else ""."""
        return off_scale_label(limit) if self.off_scale(index, limit) else ""  # type: ignore[arg-type]


def breakdown_scale(bars: Sequence[float], limits: Sequence[float | None],
                    wide: Sequence[bool] | None = None) -> BreakdownScale:
    """The axis of a breakdown.

    Parameters
    ----------
    bars
        Every bar's length except the articulation ones, any unit, >= 0.
    limits
        Per question its alphabet limit in the same unit, or None (no finite limit to draw).
    wide
        Per question whether its answer is wide (:func:`wide_answer`), as many as ``limits``; None
        for none. Only a wide answer's limit may be off the axis.

    Returns
    -------
    BreakdownScale
        The limits of narrow answers are on the axis; a wide answer's limit is too when it is within
        :data:`OFF_SCALE_FACTOR` of the longest bar or of the longest of those limits. The bars are cut at :data:`CLIP_FACTOR` times the longest of the bars and the
        limits on the axis.
    """
    widths = list(wide) if wide is not None else [False] * len(limits)
    narrow = [limit for limit, is_wide in zip(limits, widths, strict=True) if limit is not None and not is_wide]
    reach = OFF_SCALE_FACTOR * max([*bars, *narrow], default=0.0)
    on_scale = tuple(limit is not None and (not is_wide or reach <= 0.0 or limit <= reach)
                     for limit, is_wide in zip(limits, widths, strict=True))
    shown = [limit for limit, on in zip(limits, on_scale) if on and limit is not None]
    longest = max([*bars, *shown], default=1.0) or 1.0
    return BreakdownScale(CLIP_FACTOR * longest, on_scale)


def off_scale_label(limit: float) -> str:
    """How a limit off the axis is named beside its bars: ``"limit 500 ›"`` (three significant
    digits, whole numbers from 100 up)."""
    return f"limit {limit:,.0f} ›" if limit >= 100 else f"limit {limit:.3g} ›"
