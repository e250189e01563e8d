"""Where a line through the optimiser's frontier may be drawn: not across a stretch of cost without designs.

The frontier's designs lie on the search's grid of raters and times, about a tenth apart in cost; where
the grid has no feasible design (another format, a deadline met only with many more raters) the next
design can cost five times the last. A straight line across that stretch reads as designs in between.
The floor is drawn as a step (the best floor within a budget is the cheaper design's until the dearer
one), and the achievable risk, a value of each design alone, is cut there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

GAP_STEPS = 3.0
"""A step in cost this many times the frontier's median step (on a log scale) is a gap…"""
GAP_LEAST_RATIO = 1.5
"""…when the dearer design also costs at least this many times the cheaper one."""


def cost_gaps(costs: Sequence[float]) -> list[int]:
    """The positions ``i`` of ascending ``costs`` with no design between ``costs[i]`` and ``costs[i + 1]``.

    Parameters
    ----------
    costs
        The frontier's costs in ascending order, in any currency; all > 0 for a gap to be found.

    Returns
    -------
    list of int
        Positions whose step to the next cost exceeds both :data:`GAP_LEAST_RATIO` and
        :data:`GAP_STEPS` times the median step (ratios of consecutive costs). Fewer than three
        costs, or a cost ≤ 0, give none: there is no typical step to compare with.
    """
    values = np.asarray(costs, dtype=float)
    if values.size < 3 or not np.all(values > 0):
        return []
    steps = np.diff(np.log(values))
    typical = float(np.median(steps))
    return np.flatnonzero((steps > math.log(GAP_LEAST_RATIO)) & (steps > GAP_STEPS * typical)).tolist()


def cut_at_gaps(costs: Sequence[float], risks: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """``(costs, risks)`` (costs ascending) with a NaN point in each :func:`cost_gaps` gap, so that a plot
    draws the line in pieces (matplotlib's default, pyqtgraph's ``connect="finite"``)."""
    x, y = np.asarray(costs, dtype=float), np.asarray(risks, dtype=float)
    gaps = np.asarray(cost_gaps(x), dtype=int)
    if gaps.size == 0:
        return x, y
    return np.insert(x, gaps + 1, np.nan), np.insert(y, gaps + 1, np.nan)


def floor_steps(costs: Sequence[float], floors: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
    """The lowest floor within each budget as a step line through ``(costs, floors)`` (costs ascending,
    floors descending): each floor held from its design's cost to the next design's, as matplotlib's
    ``drawstyle="steps-post"`` draws it."""
    x, y = np.asarray(costs, dtype=float), np.asarray(floors, dtype=float)
    if x.size < 2:
        return x, y
    return np.repeat(x, 2)[1:], np.repeat(y, 2)[:-1]
