"""Diagnosis: what limits a scenario, in plain words with its numbers.

From an :class:`~advisor.evaluation.results.Evaluation` (nothing is recomputed here) the
diagnosis names the stage that binds in each context and what that means, the
capacity gap in bits, whether any number of labels can reach the target
(the Fano floor does not shrink with the number of items: when it exceeds the
target risk, labels alone cannot reach the target, and the bits per item still
missing are said), what the design achieves beside the floor and the verdict
of method §8.4 ("meets" only when the achievable side meets the target), the
items the value model needs, the saturation warnings, and a one-paragraph
verdict the reports print.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from advisor.evaluation.evaluate import starved_questions
from advisor.evaluation.results import ContextResult, Evaluation
from advisor.scenario.schema import Scenario
from advisor.units import LN2, and_join, counted

LABELS_ALONE_ADVICE = "Labels alone cannot reach the target"
"""The advice given exactly when the risk floor exceeds the target risk."""


# ------------------------------------------------------------------- wording
def _stage_meaning(stage: str, context: ContextResult, scenario: Scenario) -> str:
    """What a binding stage means for the practitioner, with the context's numbers."""
    lowered = stage.lower()
    panel_bits = context.panel_nats / LN2
    r = scenario.raters.per_item
    if "cogn" in lowered:
        weakest = min(context.questions, key=lambda q: q.dprime)
        return (
            f"the raters' judgment limits the information: with {context.judgment_seconds:.0f} s of judgment "
            f"time per item they reach d′ = {weakest.dprime:.2f} on {weakest.name!r}; more time per item, "
            "training or shorter reading help, a richer format does not"
        )
    if "artic" in lowered:
        return (
            f"entering the answer loses the most: slips (or typing speed) cap what the judgment carries at "
            f"{context.articulation_nats / LN2:.2f} bits per rater; clearer, fewer options or fewer slips help"
        )
    if "alphabet" in lowered or "format" in lowered:
        saturated = max(context.questions, key=lambda q: q.panel_nats / q.max_nats if q.max_nats > 0 else 0.0)
        return (
            f"the answer format is too coarse: {saturated.name!r} carries {saturated.panel_nats / LN2:.2f} of at most "
            f"{saturated.max_nats / LN2:.2f} bits; a richer format or a split into rubric dimensions helps, "
            "more raters do not"
        )
    if "aggreg" in lowered or "rater" in lowered or "panel" in lowered:
        return (
            f"pooling the raters is the limit: {counted(r, 'rater')} with rater correlation "
            f"ρ = {scenario.raters.correlation:g} carry {panel_bits:.2f} bits per item together; more raters or a "
            "more diverse pool help"
        )
    return f"the {stage} stage limits the information ({panel_bits:.2f} bits per item)"


def _stage_in_words(stage: str) -> str:
    lowered = stage.lower()
    if "cogn" in lowered:
        return "the raters' judgment in the time they have (cognitive stage)"
    if "artic" in lowered:
        return "entering the answers (articulation stage)"
    if "alphabet" in lowered or "format" in lowered:
        return "too few answer options (question alphabet)"
    if "aggreg" in lowered or "rater" in lowered or "panel" in lowered:
        return "pooling the raters (rater aggregation)"
    return f"the {stage} stage"


# -------------------------------------------------------------------- results
@dataclass(frozen=True)
class ContextDiagnosis:
    """The binding stage of one context.

    ``capacity_nats`` is the panel's capacity per item in this context (nats).
    """

    name: str
    weight: float
    binding_stage: str
    meaning: str
    capacity_nats: float


@dataclass(frozen=True)
class Diagnosis:
    """What limits a scenario.

    Attributes
    ----------
    contexts
        The binding stage of each context and its meaning.
    capacity_nats, capacity_needed_nats
        C̄ and the capacity the target risk needs (exact Fano form), nats per item.
    capacity_gap_nats
        ``needed − C̄``: positive means information is missing.
    labels_cannot_reach_target
        True exactly when the risk floor exceeds the target risk.
    missing_bits_per_item
        Bits per item still missing (0 when the floor meets the target).
    plateau_above_target
        True when the ceiling, with unlimited items, stays above the target.
    achievable
        The achievable risk of the design (method §8.1).
    decision
        The evaluation's verdict: ``"meets"``, ``"cannot"`` or ``"undecided"``.
    items_needed
        The items the value model needs: ``{"at_least", "estimate", "at_most"}``.
    findings
        Sentences with numbers: the floor, the achievable risk, the gap, the items needed.
    warnings
        Saturation and bound warnings with their numbers.
    verdict
        One paragraph in plain words.
    """

    scenario_name: str
    contexts: tuple[ContextDiagnosis, ...]
    capacity_nats: float
    capacity_needed_nats: float
    capacity_gap_nats: float
    floor: float
    target_risk: float
    labels_cannot_reach_target: bool
    missing_bits_per_item: float
    ceiling_plateau: float
    plateau_above_target: bool
    items_needed: dict[str, int | None]
    achievable: float
    decision: str
    findings: tuple[str, ...]
    warnings: tuple[str, ...]
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (information in nats, with ``_bits`` twins)."""
        data = asdict(self)
        for key in [k for k in data if k.endswith("_nats")]:
            data[key[: -len("_nats")] + "_bits"] = data[key] / LN2
        for context in data["contexts"]:
            context["capacity_bits"] = context["capacity_nats"] / LN2
        return data


def diagnose(scenario: Scenario, evaluation: Evaluation) -> Diagnosis:
    """Diagnose an evaluated scenario.

    Parameters
    ----------
    scenario
        The scenario.
    evaluation
        Its evaluation (:func:`advisor.evaluation.evaluate.evaluate`; curves not needed).

    Returns
    -------
    Diagnosis
        The advice "Labels alone cannot reach the target" appears in
        ``findings`` and ``verdict`` exactly when ``evaluation.floor`` exceeds
        the target risk.
    """
    target = evaluation.target_risk
    contexts = tuple(
        ContextDiagnosis(c.name, c.weight, c.binding_stage, _stage_meaning(c.binding_stage, c, scenario), c.panel_nats)
        for c in evaluation.contexts
    )
    capacity_bits = evaluation.capacity_nats / LN2
    needed_bits = evaluation.capacity_needed_nats / LN2
    gap_nats = evaluation.capacity_gap_nats
    cannot = evaluation.floor > target
    missing_bits = max(0.0, gap_nats) / LN2 if cannot else 0.0
    plateau_above = evaluation.ceiling_plateau > target
    log2_m = evaluation.log2_m

    findings: list[str] = []
    if cannot:
        missing = f"{missing_bits:.2f}" if missing_bits >= 0.005 else "less than 0.01"
        findings.append(
            f"{LABELS_ALONE_ADVICE}: the risk floor is {evaluation.floor:.3f}, above the target {target:g}, whatever "
            f"the number of items. The interface carries {capacity_bits:.2f} bits per item; a {log2_m:g}-bit target at "
            f"risk {target:g} needs {needed_bits:.2f}, so {missing} bits per item are still missing."
        )
    else:
        findings.append(
            f"The floor {evaluation.floor:.3f} meets the target {target:g}: the interface carries {capacity_bits:.2f} "
            f"bits per item, {needed_bits:.2f} are needed ({max(0.0, -gap_nats) / LN2:.2f} bits to spare)."
        )
    findings.append(
        f"The design achieves risk {evaluation.achievable:.3f} (MAP decoding of the vote histograms, label error "
        f"{evaluation.label_error:.3f} per item); the floor is {evaluation.floor:.3f}, the target {target:g}."
    )
    needed = evaluation.items_needed
    if needed.at_least is None:
        findings.append(f"No number of items teaches a {evaluation.model_bits:g}-bit value model through this channel.")
    else:
        about = "" if needed.estimate is None else f", about {needed.estimate:,} (normal approximation)"
        at_most = (", but no number of items is sure to bring its error to the target (Gallager's bound never "
                   "gets there)" if needed.at_most is None else f" and at most {needed.at_most:,} (Gallager)")
        findings.append(
            f"A {evaluation.model_bits:g}-bit value model needs at least {needed.at_least:,} items (Fano){about}"
            f"{at_most}; the campaign has {evaluation.items:,}."
        )
    findings.append(evaluation.verdict_text)
    for context in contexts:
        findings.append(f"In {context.name!r} the {context.binding_stage} stage binds: {context.meaning}.")

    if cannot:
        head = (
            f"{LABELS_ALONE_ADVICE}: each item carries {capacity_bits:.2f} bits but {needed_bits:.2f} are needed, so "
            f"the risk stays at or above {evaluation.floor:.3f} (target {target:g}) however many items are labelled."
        )
    elif evaluation.verdict == "meets":
        head = (
            f"The interface carries enough information for the target, and this design reaches it: "
            f"{capacity_bits:.2f} bits per item against {needed_bits:.2f} needed, floor {evaluation.floor:.3f} and "
            f"achievable risk {evaluation.achievable:.3f}, at most the target {target:g}."
        )
    elif evaluation.achievable <= target:
        # The risk per item is within the target; the items the value model needs decide the verdict.
        head = (
            f"The interface's capacity allows the target ({capacity_bits:.2f} bits per item against "
            f"{needed_bits:.2f} needed, floor {evaluation.floor:.3f} at most the target {target:g}), and this "
            f"design's achievable risk {evaluation.achievable:.3f} is within it, but its {evaluation.items:,} items "
            f"are not sure to teach the value model enough."
        )
    else:
        # The capacity allows the target but the design does not reach it: saying only "carries enough
        # information" beside an achievable risk of 0.996 read as a contradiction.
        head = (
            f"The interface's capacity allows the target ({capacity_bits:.2f} bits per item against "
            f"{needed_bits:.2f} needed, floor {evaluation.floor:.3f} at most the target {target:g}), but this "
            f"design does not reach it: its achievable risk is {evaluation.achievable:.3f} (label error "
            f"{evaluation.label_error:.3f} per item)."
        )
        starved = starved_questions(scenario, evaluation.contexts)
        if starved:
            one = len(starved) == 1
            head += (f" What keeps it from the target: the automatic time split gives "
                     f"{and_join([repr(name) for name in starved])} no time, so {'its' if one else 'their'} answers "
                     f"are guesses; fix {'its time share' if one else 'their time shares'} or give the item more time.")
    by_stage: dict[str, list[str]] = {}
    for context in contexts:
        by_stage.setdefault(context.binding_stage, []).append(repr(context.name))
    limits = "; ".join(f"{_stage_in_words(stage)} in {and_join(names)}" for stage, names in by_stage.items())
    body = f" What limits its capacity: {limits}."
    if cannot:
        body += " Spend on the interface (see the levers), not on more items."
    body += " " + evaluation.verdict_text
    saturated = scenario.bounds.observed_risk > 0 and any(w.startswith("Saturation") for w in evaluation.warnings)
    if saturated:
        body += (f" The observed risk {scenario.bounds.observed_risk:g} is below the floor: the learner fits more "
                 "than the channel carries, so suspect rater artifacts.")
    verdict = head + body
    return Diagnosis(
        scenario_name=evaluation.scenario_name,
        contexts=contexts,
        capacity_nats=evaluation.capacity_nats,
        capacity_needed_nats=evaluation.capacity_needed_nats,
        capacity_gap_nats=gap_nats,
        floor=evaluation.floor,
        target_risk=target,
        labels_cannot_reach_target=cannot,
        missing_bits_per_item=missing_bits,
        ceiling_plateau=evaluation.ceiling_plateau,
        plateau_above_target=plateau_above,
        items_needed=evaluation.items_needed.to_dict(),
        achievable=evaluation.achievable,
        decision=evaluation.verdict,
        findings=tuple(findings),
        warnings=tuple(evaluation.warnings),
        verdict=verdict,
    )
