"""Lines through the optimiser's frontier: a step for the floor, the achievable risks cut at gaps in cost."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib import cbook

from advisor.planning.frontier_lines import cost_gaps, cut_at_gaps, floor_steps

# The content moderation example's frontier as the optimiser gives it (USD): no design from 55,868 to 299,833.
GAPPED_COSTS = [4827, 7014, 7751, 8529, 9425, 10416, 11511, 12666, 13997, 15469, 17095, 18892, 20787, 22972,
                25387, 28056, 31005, 34116, 37702, 41665, 46045, 50664, 55868, 299833, 300665]


def test_the_one_stretch_without_designs_is_the_gap():
    assert cost_gaps(GAPPED_COSTS) == [22]
    x, y = cut_at_gaps(GAPPED_COSTS, np.linspace(0.9, 0.1, len(GAPPED_COSTS)))
    assert np.flatnonzero(np.isnan(x)).tolist() == np.flatnonzero(np.isnan(y)).tolist() == [23]
    assert np.array_equal(x[~np.isnan(x)], GAPPED_COSTS)


@pytest.mark.parametrize("costs", [np.geomspace(1_000, 100_000, 12), [1_000.0, 1_000_000.0], [5.0],
                                   [0.0, 10.0, 20.0, 1_000.0]],
                         ids=["even steps", "two designs", "one design", "a free design"])
def test_frontiers_without_a_gap_are_left_whole(costs):
    """Evenly spread costs (ten per cent apart) have no step far above the median; two
    designs have no typical step to compare with, and a cost of 0 has no ratio."""
    assert cost_gaps(costs) == []
    x, _ = cut_at_gaps(costs, np.zeros(len(costs)))
    assert not np.isnan(x).any()


def test_the_floor_step_is_matplotlibs_steps_post():
    costs = np.array([100.0, 150.0, 400.0, 410.0])
    floors = np.array([0.8, 0.5, 0.2, 0.1])
    expected = cbook.pts_to_poststep(costs, floors)
    assert np.array_equal(np.vstack(floor_steps(costs, floors)), expected)


def test_the_report_cuts_the_achievable_line_and_steps_the_floor(monkeypatch):
    """The report's frontier figure drew the achievable risks straight across the empty stretch."""
    from matplotlib.axes import Axes

    from advisor.report.figures import frontier_figure

    drawn = {}
    plot = Axes.plot

    def recording_plot(self, *args, **kwargs):
        drawn[kwargs.get("label")] = (np.asarray(args[0], dtype=float), np.asarray(args[1], dtype=float), kwargs)
        return plot(self, *args, **kwargs)

    monkeypatch.setattr(Axes, "plot", recording_plot)
    floors = np.linspace(0.875, 0.02, len(GAPPED_COSTS) - 2).tolist() + [0.0, 0.0]
    achievable = [f + 0.1 for f in floors]
    # A currency no other test uses: a figure already rendered would come from the cache without drawing.
    frontier_figure(GAPPED_COSTS, floors, achievable, target=0.1, currency="XTS", recommended=None, current=None)
    x, y, _ = drawn["its achievable risk"]
    assert np.flatnonzero(np.isnan(x)).tolist() == [23] and np.isnan(y[23])
    x, y, options = drawn["floor of the best design at this cost"]
    assert options["drawstyle"] == "steps-post" and not np.isnan(x).any()

