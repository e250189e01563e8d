"""The optimal split of a rater's judgment time across questions (water-filling).

Method §6: maximise the context-weighted panel capacity ``Σ_q C_q(t_q)``
subject to ``Σ_q t_q = T``. The gains are the same ones
:func:`advisor.evaluation.evaluate.time_shares` water-fills for automatic shares — each
question's capacity, averaged over contexts, as a function of its share of
the judgment time — and the split is computed by
:func:`models.allocation.water_fill` (exact on a grid of
:data:`advisor.evaluation.results.WATER_FILL_STEPS` steps, fewer for a heavy design). Here every
question is treated as automatic, whatever shares the scenario fixes, so the result is what the
"water-filled time shares" lever proposes, set beside the current split. The optimal split is
computed within the work budget :func:`advisor.evaluation.evaluate.evaluate` gives the scenario
with automatic shares (the same caps and grid, so the same shares and C̄ as that evaluation; a
101-level scale with 9 raters took minutes without a budget), the current one within the
scenario's own (the same shares and C̄ as its evaluation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.allocation import water_fill

from advisor.evaluation.evaluate import (
    _budgeted_design,
    _channels,
    _mean_capacity,
    _prefetch_share_grid,
    share_gain,
    time_shares,
)
from advisor.evaluation.results import WATER_FILL_STEPS
from advisor.scenario.schema import Scenario
from advisor.units import LN2



@dataclass(frozen=True)
class TimeAllocation:
    """Water-filled time shares beside the scenario's own.

    Attributes
    ----------
    shares
        Optimal share of the judgment time per question name, each in [0, 1],
        summing to 1 (multiples of ``1 / steps``).
    capacity_nats
        C̄ at the optimal shares, nats per item.
    current_capacity_nats
        C̄ at the current shares, nats per item.
    water_level
        The marginal capacity of judgment time at the optimum, in nats per item
        per unit share (the budget constraint's multiplier): giving a question
        1 % more of the time gains about ``water_level / 100`` nats.
    current_shares
        The shares the scenario uses now (fixed, or water-filled if automatic).
    steps
        Grid resolution of the shares.
    """

    shares: dict[str, float]
    capacity_nats: float
    current_capacity_nats: float
    water_level: float
    current_shares: dict[str, float] = field(default_factory=dict)
    steps: int = WATER_FILL_STEPS

    @property
    def gain_nats(self) -> float:
        """C̄ gained by moving from the current shares to the optimal ones (≥ 0 up to rounding)."""
        return self.capacity_nats - self.current_capacity_nats

    def to_dict(self) -> dict[str, object]:
        """JSON-ready data, information in nats and bits."""
        return {
            "shares": dict(self.shares),
            "current_shares": dict(self.current_shares),
            "capacity_nats": self.capacity_nats,
            "capacity_bits": self.capacity_nats / LN2,
            "current_capacity_nats": self.current_capacity_nats,
            "current_capacity_bits": self.current_capacity_nats / LN2,
            "gain_nats": self.gain_nats,
            "gain_bits": self.gain_nats / LN2,
            "water_level_nats_per_share": self.water_level,
            "steps": self.steps,
        }


def automatic_shares(scenario: Scenario) -> Scenario:
    """The scenario with every question's time share automatic (water-filled)."""
    if all(q.time_share is None for q in scenario.questions):
        return scenario
    return scenario.with_changes({f"questions.{i}.time_share": None for i in range(len(scenario.questions))})


def optimal_time_allocation(scenario: Scenario, *, steps: int | None = None) -> TimeAllocation:
    """Water-fill the judgment time of a scenario across its questions.

    Parameters
    ----------
    scenario
        The scenario; its raters, time per item, contexts and formats are kept.
    steps
        Grid resolution of the shares, integer in [1, 10000]; the default is
        the one :func:`advisor.evaluation.evaluate.evaluate` uses for the scenario with automatic
        shares (:data:`WATER_FILL_STEPS`, fewer for a heavy design), so the shares are that
        evaluation's.

    Returns
    -------
    TimeAllocation
    """
    design = _budgeted_design(automatic_shares(scenario))
    steps = design.water_fill_steps if steps is None else steps
    _prefetch_share_grid(scenario, scenario.questions, design, steps)
    allocation = water_fill([share_gain(scenario, q, design) for q in scenario.questions], steps=steps)
    shares = allocation.shares
    automatic = all(q.time_share is None for q in scenario.questions) and steps == design.water_fill_steps
    names = [q.name for q in scenario.questions]
    # Both capacities as evaluate computes them: the optimal one as the scenario with automatic
    # shares would have it, the current one on the scenario's own design and budget (its caps can
    # be tighter or looser than the automatic one's), so each equals its evaluation's C̄.
    capacity = _mean_capacity(scenario, _channels(scenario, shares, design), ratio=design.decoding_ratio)
    if automatic:
        current, current_capacity = shares, capacity
    else:
        own = _budgeted_design(scenario)
        current = time_shares(scenario, design=own)
        current_capacity = _mean_capacity(scenario, _channels(scenario, current, own), ratio=own.decoding_ratio)
    return TimeAllocation(
        shares=dict(zip(names, shares)),
        capacity_nats=capacity,
        current_capacity_nats=current_capacity,
        water_level=allocation.water_level,
        current_shares=dict(zip(names, current)),
        steps=steps,
    )
