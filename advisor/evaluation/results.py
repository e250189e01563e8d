"""What an evaluation holds: the result types of :func:`advisor.evaluation.evaluate.evaluate`.

A tree of frozen dataclasses (an :class:`Evaluation` of :class:`ContextResult` of
:class:`QuestionResult`, with its :class:`Curve` s and :class:`LearningTerms`), safe to hand from
a worker thread to the GUI thread. Information is in nats; ``Evaluation.to_dict(unit="bits")``
converts at the boundary. How the numbers are computed is :mod:`advisor.evaluation.evaluate`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from models.decoding import RHO_GRID
from models.learning import ItemsNeeded, learning_error_curves

from advisor.evaluation.gold import GoldResult
from advisor.evaluation.overlap import OverlapResult
from advisor.scenario.schema import Scenario
from advisor.units import LN2

WATER_FILL_STEPS = 40
"""Steps of the water-filling grid of automatic time shares (shares move in 1/40 of the time);
the work budget may leave fewer (:data:`advisor.evaluation.evaluate.MIN_WATER_FILL_STEPS`)."""


@dataclass(frozen=True)
class QuestionResult:
    """One question in one context (capacities in nats per item)."""

    name: str
    format: str
    kind: str
    alternatives: int
    max_nats: float
    time_share: float
    judgment_seconds: float
    effective_seconds: float
    dprime: float
    cognitive_nats: float
    articulation_nats: float
    paper_nats: float
    cascade_nats: float
    panel_nats: float
    panel_exact: bool
    binding_stage: str
    saturated: bool
    panel_upper_nats: float = 0.0
    label_accuracy: float | None = None
    label_accuracy_exact: bool = True
    part: str | None = None
    budget_limited: bool = False
    rater_model: str = ""
    """The raters as they are for this question (the method §9), in words: its bias, the difficulty
    classes, the rater types and its prior; empty for the homogeneous, unbiased panel."""


@dataclass(frozen=True)
class ContextResult:
    """One context: the paper's per-context capacities and the panel's."""

    name: str
    weight: float
    judgment_seconds: float
    cognitive_nats: float
    articulation_nats: float
    paper_nats: float
    cascade_nats: float
    panel_nats: float
    binding_stage: str
    questions: tuple[QuestionResult, ...]
    label_accuracy: float = 1.0
    panel_upper_nats: float = 0.0


@dataclass(frozen=True)
class Curve:
    """Risk bounds against one design variable, for plots.

    ``x`` is the variable (``log_x`` says whether to plot it on a log axis);
    ``floor``, ``floor_paper`` and ``ceiling`` are risks in [0, 1] at each x;
    ``capacity_nats`` is C̄ at each x; ``target`` the target risk;
    ``current`` the scenario's own x; ``achievable`` the achievable risk
    (method §8.1) at each x. The items curve also carries the learning error
    of the value model against m: Fano's converse, the normal-approximation
    estimate and Gallager's achievability bound (method §8.2).
    """

    name: str
    x_label: str
    x: tuple[float, ...]
    floor: tuple[float, ...]
    floor_paper: tuple[float, ...]
    ceiling: tuple[float, ...]
    capacity_nats: tuple[float, ...]
    target: float
    current: float
    log_x: bool
    achievable: tuple[float, ...] = ()
    learning_converse: tuple[float, ...] = ()
    learning_estimate: tuple[float, ...] = ()
    learning_achievable: tuple[float, ...] = ()
    budget_limited: bool = False
    """True when :data:`advisor.evaluation.evaluate.CURVES_WORK_BUDGET` thinned the grid or capped the work at its points."""

    @property
    def swept(self) -> bool:
        """Whether the curve has points beside the design's own: the work budget leaves a design whose
        neighbours are too large to evaluate (a 101-level scale among 7-point questions) only its own."""
        return len(self.x) > 1


NOT_SWEPT_TEXT = {
    "short": "not swept: this design only",
    "long": ("Not swept: the designs beside this one are too large to evaluate within an evaluation's work budget "
             "(their raters' answers have too many vote outcomes), so only this design's own floor, achievable "
             "risk and ceiling are shown."),
}
"""What a risk plot says when its curve is only the design's own point (:attr:`Curve.swept` false): short
inside the window's small plots, long in a report's caption and the plots' tooltips."""


@dataclass(frozen=True)
class LearningTerms:
    """What the value model's learning error at any number of items depends on (method §8.2).

    Attributes
    ----------
    capacity_nats
        The certified upper end of C̄, nats per item (Fano's converse at ``m · C̄``).
    exponent
        Gallager's ``E₀(ρ)`` at each ρ of :data:`models.decoding.RHO_GRID`, nats per item.
    information_nats, information_variance
        Mean and variance of the per-item information density at the exponent's input law
        (the normal approximation).
    model_bits
        ``log₂ M_g`` of the value model, bits.
    """

    capacity_nats: float
    exponent: tuple[float, ...]
    information_nats: float
    information_variance: float
    model_bits: float

    def errors(self, items: int) -> tuple[float, float, float]:
        """The value model's learning error with ``items`` labelled items (≥ 1), each in [0, 1]:
        ``(converse, estimate, achievable)`` — Fano's converse (no learner does better), the
        normal-approximation estimate, Gallager's random-coding bound (some learner does at least
        this well); :func:`models.learning.learning_error_curves` at that one m."""
        converse, estimate, achievable = learning_error_curves(
            [int(items)], self.capacity_nats, self.exponent, RHO_GRID, self.information_nats,
            self.information_variance, self.model_bits)
        return float(converse[0]), float(estimate[0]), float(achievable[0])


@dataclass(frozen=True)
class Evaluation:
    """Everything computed for one scenario."""

    scenario_name: str
    content_hash: str
    capacity_nats: float
    paper_capacity_nats: float
    single_rater_nats: float
    log2_m: float
    target_risk: float
    floor: float
    floor_paper: float
    ceiling: float
    ceiling_form: str
    ceiling_plateau: float
    capacity_needed_nats: float
    capacity_needed_paper_nats: float
    capacity_gap_nats: float
    items: int
    items_needed_ceiling: int | None
    floor_meets_target: bool
    ceiling_meets_target: bool
    labels_cannot_reach_target: bool
    achievable: float
    verdict: str
    verdict_text: str
    items_needed: ItemsNeeded
    model_bits: float
    label_error: float
    label_floor: float
    label_exact: bool
    codebook_sizes: tuple[int, ...]
    target_expressible: bool
    ceiling_risk: float
    ceiling_risk_source: str
    cost: float
    currency: str
    rater_hours: float
    time_shares: tuple[float, ...]
    automatic_time_shares: bool
    contexts: tuple[ContextResult, ...]
    warnings: tuple[str, ...]
    curves: dict[str, Curve] = field(default_factory=dict)
    budget_limited: bool = False
    """True when :data:`advisor.evaluation.evaluate.EVALUATE_WORK_BUDGET` made a headline number an approximation on the safe
    side (a capacity's upper end in the floors, a sub-panel's achievable accuracy, fewer
    water-filling steps); the warnings say which."""
    water_fill_steps: int = WATER_FILL_STEPS
    scenario: Scenario | None = field(default=None, compare=False, repr=False)
    """The scenario these numbers are of (set by :func:`advisor.evaluation.evaluate.evaluate`), so that a consumer never pairs
    an evaluation with a scenario edited since; left out of equality and of :meth:`to_dict`."""
    learning: LearningTerms | None = field(default=None, compare=False, repr=False)
    """The terms of the value model's learning error at any m (set by :func:`advisor.evaluation.evaluate.evaluate`; the items
    needed and the items curve come from the same terms); left out of :meth:`to_dict`."""
    overlap: OverlapResult | None = None
    """Adaptive or partial overlap: the panel sizes and the expected raters per item the cost uses
    (None for a fixed number of raters)."""
    gold: GoldResult | None = None
    """Gold questions: their cost and what they buy (None without gold items)."""

    @property
    def capacity_bits(self) -> float:
        return self.capacity_nats / LN2

    def question(self, context: str, question: str) -> QuestionResult:
        """The result of one question in one context (by names)."""
        for ctx in self.contexts:
            if ctx.name == context:
                for q in ctx.questions:
                    if q.name == question:
                        return q
        raise KeyError(f"no question {question!r} in context {context!r}")

    def to_dict(self, unit: str = "nats", *, include_curves: bool = True) -> dict[str, Any]:
        """JSON-ready data. Keys ending in ``_nats`` stay in nats; with
        ``unit="bits"`` a ``_bits`` twin is added beside each of them."""
        if unit not in ("nats", "bits"):
            raise ValueError(f"unit must be 'nats' or 'bits', got {unit!r}")

        def convert(value: Any) -> Any:
            if isinstance(value, dict):
                out: dict[str, Any] = {}
                for key, item in value.items():
                    out[key] = convert(item)
                    if unit == "bits" and key.endswith("_nats") and isinstance(item, (int, float)):
                        out[key[: -len("_nats")] + "_bits"] = float(item) / LN2
                return out
            if isinstance(value, (list, tuple)):
                return [convert(v) for v in value]
            return value

        data = {f.name: getattr(self, f.name) for f in fields(self)
                if f.name not in ("contexts", "curves", "items_needed", "scenario", "learning", "overlap", "gold")}
        data["items_needed"] = self.items_needed.to_dict()
        data["overlap"] = None if self.overlap is None else asdict(self.overlap)
        data["gold"] = None if self.gold is None else asdict(self.gold)
        data["capacity_bits"] = self.capacity_bits
        data["contexts"] = [asdict(c) for c in self.contexts]
        if include_curves:
            data["curves"] = {name: asdict(curve) for name, curve in self.curves.items()}
        return convert(data)
