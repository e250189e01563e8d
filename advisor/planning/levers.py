"""Levers: small changes of a scenario, each evaluated as a new scenario, ranked.

A lever is one change a practitioner could make to a labeling campaign (method
§6): one rater more or fewer, 25 % more or less time per item, a different
response format for one question, a question split into two rubric
dimensions or dropped, water-filled time shares, rater training, shorter
reading, a more diverse pool, adaptive overlap (one rater fewer first, more
while the votes disagree), a narrower target. Each lever is applied with
:meth:`Scenario.with_changes` and the result goes through
:func:`advisor.evaluation.evaluate.evaluate`, the app's one forward computation, so every
number a lever shows is the number the modified scenario shows when it is
opened and evaluated.

Splitting a question
--------------------
A split asks the question twice, as two rubric dimensions with the same
format, each with half of the original question's judgment time (a fixed
share is halved between the two; automatic shares stay automatic and are
water-filled). The target does not change, so the two answers are about the
*same part* of it (method §8.4): both questions carry the original's ``part``,
their joint information is at most that part's (``ln k``, not ``2 ln k``), and
they are decoded together from their joint kernel. A split therefore pays only
when two half-time looks at the same part tell more than one full-time look.

Ranking
-------
By what a lever does to the design's decisions (method §8.4), not to a
ceiling that rises with capacity: its *gain* is the fall of the achievable
risk (the error the design achieves), with the fall of the items the value
model needs (the estimate) breaking ties. Improvements first: those that cost
nothing (or save money) by their gain, then those that cost money by gain per
unit of money; then levers that change nothing, then those that make things
worse (least loss first); levers that do not apply come last. ``ΔC̄`` and the
change of the floor are reported beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from advisor.errors import ScenarioValidationError
from advisor.progress import ProgressCallback, keeps_going
from advisor.evaluation.evaluate import VERDICT_WORDS, evaluate
from advisor.evaluation.results import Evaluation
from advisor.planning.overlap_designs import adaptive_changes
from advisor.scenario.formats import format_changes
from advisor.scenario.schema import FORMAT_K_LIMITS, MAX_RATERS, ResponseFormat, Scenario
from advisor.units import LN2, bits_text, counted, money

TIME_STEP = 0.25
"""Relative change of the time per item of the time levers (±25 %)."""
TRAINING_GAIN = 0.10
"""Relative gain of the raters' discriminability λ from training (+10 %)."""
READING_CUT = 0.25
"""Relative cut of the words to read per item of the reading lever (−25 %)."""
SAME_INFORMATION_NATS = 1e-12
"""Changes of information smaller than this (nats) count as no change (rounding)."""
SAME_RISK = 1e-9
"""Changes of the achievable risk smaller than this count as no change (rounding)."""


@dataclass(frozen=True)
class LeverResult:
    """One lever applied to a scenario and evaluated.

    Attributes
    ----------
    key
        Stable identifier, e.g. ``"raters+1"``, ``"format:quality:ordinal(5)"``.
    title
        What the lever does, in words (the subject of ``explanation``).
    explanation
        One sentence with the numbers: bits per item, money, the floor.
    scenario
        The modified scenario (None when the lever does not apply).
    evaluation
        Its evaluation without curves (None when the lever does not apply).
    delta_capacity_nats
        ``C̄(lever) − C̄(scenario)``, nats per item.
    delta_floor, delta_ceiling
        Changes of the risk floor and ceiling, risk units in [−1, 1].
    delta_cost
        Change of the campaign cost in the scenario's currency.
    capacity_per_cost
        ``delta_capacity_nats / delta_cost`` in nats per currency unit when the
        lever costs money (``delta_cost > 0``), else None.
    applicable
        False when the lever makes no sense here (e.g. one rater fewer with
        one rater); then ``reason`` says why and the deltas are 0.
    reason
        Why the lever does not apply ("" when it does).
    delta_needed_nats
        Change of the capacity the target needs (nats); non-zero only for the
        narrower target.
    changes
        The dotted-path changes applied (:meth:`Scenario.with_changes`).
    delta_achievable
        Change of the achievable risk (method §8.1), risk units in [−1, 1].
    delta_items_needed
        Change of the items the value model needs (the estimate; None where
        either side needs no finite number).
    achievable_per_cost
        ``−delta_achievable / delta_cost`` when the lever costs money, else None; exactly 0 where
        the risk moves by no more than :data:`SAME_RISK` (rounding, such as 2e-16, lowers nothing
        per money: it was written as 5e-20 or −0.0).
    """

    key: str
    title: str
    explanation: str
    scenario: Scenario | None
    evaluation: Evaluation | None
    delta_capacity_nats: float
    delta_floor: float
    delta_ceiling: float
    delta_cost: float
    capacity_per_cost: float | None
    applicable: bool
    reason: str
    delta_needed_nats: float = 0.0
    changes: dict[str, Any] = field(default_factory=dict)
    delta_achievable: float = 0.0
    delta_items_needed: int | None = None
    achievable_per_cost: float | None = None

    @property
    def gain_nats(self) -> float:
        """How much the lever closes the capacity gap, nats per item."""
        return self.delta_capacity_nats - self.delta_needed_nats

    @property
    def gain(self) -> float:
        """How much the lever lowers the achievable risk (the ranking's measure), risk units."""
        return -self.delta_achievable

    def to_dict(self, unit: str = "bits") -> dict[str, Any]:
        """JSON-ready data; with ``unit="bits"`` each ``_nats`` value gets a ``_bits`` twin."""
        if unit not in ("nats", "bits"):
            raise ValueError(f"unit must be 'nats' or 'bits', got {unit!r}")
        data: dict[str, Any] = {
            "key": self.key,
            "title": self.title,
            "explanation": self.explanation,
            "applicable": self.applicable,
            "reason": self.reason,
            "delta_capacity_nats": self.delta_capacity_nats,
            "delta_needed_nats": self.delta_needed_nats,
            "gain_nats": self.gain_nats,
            "delta_floor": self.delta_floor,
            "delta_ceiling": self.delta_ceiling,
            "delta_achievable": self.delta_achievable,
            "delta_items_needed": self.delta_items_needed,
            "gain": self.gain,
            "delta_cost": self.delta_cost,
            "capacity_per_cost_nats": self.capacity_per_cost,
            "achievable_per_cost": self.achievable_per_cost,
            "floor": self.evaluation.floor if self.evaluation else None,
            "achievable": self.evaluation.achievable if self.evaluation else None,
            "verdict": self.evaluation.verdict if self.evaluation else None,
            "items_needed": self.evaluation.items_needed.to_dict() if self.evaluation else None,
            "ceiling": self.evaluation.ceiling if self.evaluation else None,
            "cost": self.evaluation.cost if self.evaluation else None,
            "changes": self.changes,
        }
        if unit == "bits":
            for key in [k for k in data if k.endswith("_nats")]:
                value = data[key]
                data[key[: -len("_nats")] + "_bits"] = None if value is None else value / LN2
        return data


@dataclass(frozen=True)
class _Proposal:
    """A lever before evaluation: its changes, or why it does not apply."""

    key: str
    title: str
    changes: dict[str, Any] | None
    reason: str = ""
    cost_note: str = ""


# ------------------------------------------------------------------- wording
def _ordinal_word(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def describe_format(response: ResponseFormat) -> str:
    """A response format in words, e.g. ``"a 5-point scale"``."""
    k = response.k
    if response.kind == "binary":
        return "a binary question"
    if response.kind == "ordinal":
        article = "an" if str(k).startswith("8") or k in (11, 18) else "a"
        return f"{article} {k}-point scale"
    if response.kind == "categorical":
        return f"a choice among {k} categories"
    if response.kind == "pairwise":
        if k == 2:
            return "a forced pairwise choice"
        if k == 3:
            return "a pairwise choice with a tie"
        return f"a pairwise choice with {k} strength levels"
    if response.kind == "ranking":
        return f"a ranking of {k} items"
    if response.kind == "multi_select":
        return f"{k} checkboxes"
    if response.kind == "best_worst":
        return f"best-worst scaling of {k} items"
    if response.kind == "scale":
        return f"a scale from {response.minimum:g} to {response.maximum:g} in steps of {response.step:g} ({k} levels)"
    return f"free text of up to {response.max_chars} characters"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _seconds_text(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds >= 10 else f"{seconds:.1f} s"


# ------------------------------------------------------------------ proposals
def _format_proposals(scenario: Scenario) -> list[_Proposal]:
    proposals: list[_Proposal] = []
    for index, question in enumerate(scenario.questions):
        current = question.format
        path = f"questions.{index}.format"
        candidates: list[ResponseFormat] = []
        # The named format changes of the method come first, so that a k ± 1
        # that happens to produce the same format is reported under their name.
        if current.kind == "binary":
            candidates.append(ResponseFormat(kind="ordinal", k=5))
        if current.kind == "pairwise":
            candidates += [ResponseFormat(kind="pairwise", k=k) for k in (3, 4) if k != current.k]
        if current.kind in FORMAT_K_LIMITS and current.kind != "binary":
            low, high = FORMAT_K_LIMITS[current.kind]
            for step in (+1, -1):
                k = int(current.k) + step  # type: ignore[arg-type]
                if low <= k <= high:
                    candidates.append(ResponseFormat(kind=current.kind, k=k))
                else:
                    proposals.append(_Proposal(
                        f"format:{question.name}:k{step:+d}",
                        f"{'One more' if step > 0 else 'One fewer'} answer level for {question.name!r}",
                        None,
                        f"{current.label()} already has the {'most' if step > 0 else 'fewest'} levels allowed "
                        f"({high if step > 0 else low})",
                    ))
        for candidate in candidates:
            if candidate == current or any(p.changes and p.changes.get(path) == candidate.model_dump(exclude_none=True)
                                           for p in proposals):
                continue
            proposals.append(_Proposal(
                f"format:{question.name}:{candidate.label()}",
                _capitalised(f"{describe_format(candidate)} instead of {describe_format(current)} for {question.name!r}"),
                format_changes(question, f"questions.{index}", candidate),
            ))
    return proposals


def _split_name(scenario: Scenario, name: str) -> str:
    taken = {q.name for q in scenario.questions}
    candidate = f"{name} (second dimension)"
    number = 2
    while candidate in taken:
        number += 1
        candidate = f"{name} (dimension {number})"
    return candidate[:200]


def _structure_proposals(scenario: Scenario) -> list[_Proposal]:
    questions = [q.model_dump() for q in scenario.questions]
    proposals: list[_Proposal] = []
    for index, question in enumerate(scenario.questions):
        split = [dict(q) for q in questions]
        first = dict(split[index], part=question.part or question.name)
        second = dict(first, name=_split_name(scenario, question.name))
        if first["time_share"] is not None:
            first["time_share"] = second["time_share"] = first["time_share"] / 2.0
        split[index:index + 1] = [first, second]
        time = "half its time each" if question.time_share is not None else "time water-filled between them"
        proposals.append(_Proposal(
            f"split:{question.name}",
            f"Splitting {question.name!r} into two rubric dimensions about the same part of the target "
            f"(same format, {time})",
            {"questions": split},
        ))
    for index, question in enumerate(scenario.questions):
        if len(questions) < 2:
            proposals.append(_Proposal(f"drop:{question.name}", f"Dropping question {question.name!r}", None,
                                       "it is the only question"))
            continue
        kept = [q for i, q in enumerate(questions) if i != index]
        proposals.append(_Proposal(
            f"drop:{question.name}", f"Dropping question {question.name!r} (its time goes to the others)",
            {"questions": kept},
        ))
    if len(questions) < 2:
        proposals.append(_Proposal("water-fill", "Water-filled time shares", None, "there is only one question"))
    elif all(q.time_share is None for q in scenario.questions):
        proposals.append(_Proposal("water-fill", "Water-filled time shares", None,
                                   "the time shares are already water-filled"))
    else:
        proposals.append(_Proposal(
            "water-fill", "Water-filling the time shares (instead of the fixed ones)",
            {f"questions.{i}.time_share": None for i in range(len(questions))},
        ))
    return proposals


def _proposals(scenario: Scenario) -> list[_Proposal]:
    r = scenario.raters.per_item
    seconds = scenario.campaign.seconds_per_item
    proposals = [
        _Proposal("raters+1", f"A {_ordinal_word(r + 1)} rater per item", {"raters.per_item": r + 1})
        if r < MAX_RATERS else
        _Proposal("raters+1", "One more rater per item", None, f"{MAX_RATERS} raters per item is the most allowed"),
        _Proposal("raters-1", f"Dropping the {_ordinal_word(r)} rater per item", {"raters.per_item": r - 1})
        if r > 1 else
        _Proposal("raters-1", "One rater fewer per item", None, "there is only one rater per item"),
        _Proposal(
            "seconds+25%",
            f"{100 * TIME_STEP:.0f} % more time per item ({_seconds_text(seconds * (1 + TIME_STEP))} instead of "
            f"{_seconds_text(seconds)})",
            {"campaign.seconds_per_item": seconds * (1.0 + TIME_STEP)},
        ),
        _Proposal(
            "seconds-25%",
            f"{100 * TIME_STEP:.0f} % less time per item ({_seconds_text(seconds * (1 - TIME_STEP))} instead of "
            f"{_seconds_text(seconds)})",
            {"campaign.seconds_per_item": seconds * (1.0 - TIME_STEP)},
        ),
    ]
    proposals += _format_proposals(scenario)
    proposals += _structure_proposals(scenario)
    raters = scenario.raters
    proposals.append(_Proposal(
        "training",
        f"Rater training (discriminability λ {raters.discriminability:.2f} → "
        f"{raters.discriminability * (1 + TRAINING_GAIN):.2f})",
        {"raters.discriminability": raters.discriminability * (1.0 + TRAINING_GAIN)},
        cost_note="the training itself is not priced",
    ))
    reading = {f"contexts.{i}.reading_words": c.reading_words * (1.0 - READING_CUT)
               for i, c in enumerate(scenario.contexts) if c.reading_words > 0}
    proposals.append(
        _Proposal("shorter-reading", f"Cutting the reading per item by {100 * READING_CUT:.0f} %", reading,
                  cost_note="shortening the texts is not priced")
        if reading else
        _Proposal("shorter-reading", "Shorter texts to read", None, "no context has reading time")
    )
    rho = raters.correlation
    proposals.append(
        _Proposal("diverse-pool", f"A more diverse pool (rater correlation ρ {rho:.3g} → {rho / 2:.3g})",
                  {"raters.correlation": rho / 2.0})
        if rho > 0 else
        _Proposal("diverse-pool", "A more diverse pool", None, "the raters' errors are already uncorrelated (ρ = 0)")
    )
    proposals.append(_adaptive_proposal(scenario))
    log2_m = scenario.target.log2_m
    proposals.append(
        _Proposal("narrower-target", f"A 1-bit narrower target ({log2_m - 1:g} instead of {log2_m:g} bits)",
                  {"target.log2_m": log2_m - 1.0})
        if log2_m > 1.0 else
        _Proposal("narrower-target", "A narrower target", None,
                  f"the target has {log2_m:g} bit{'' if log2_m == 1 else 's'}; one bit less leaves nothing to learn")
    )
    return proposals


def _adaptive_proposal(scenario: Scenario) -> _Proposal:
    """Adaptive overlap instead of a fixed number of raters (:func:`advisor.planning.overlap_designs.adaptive_changes`)."""
    if scenario.overlap.mode == "adaptive":
        return _Proposal("adaptive-overlap", "Adaptive overlap", None, "the design is already adaptive")
    changes = adaptive_changes(scenario)
    watched = scenario.questions[0].name
    return _Proposal(
        "adaptive-overlap",
        f"Adaptive overlap ({counted(changes['raters.per_item'], 'rater')} first, one more while the votes on {watched!r} "
        f"are not decisive, up to {changes['overlap.max_raters']})",
        changes,
    )


# ------------------------------------------------------------------ evaluation
def _items_text(evaluation: Evaluation) -> str:
    estimate = evaluation.items_needed.estimate
    return "none suffices" if estimate is None else f"about {estimate:,}"


def _distinct_texts(before: float, after: float) -> tuple[str, str]:
    """Two risks to three decimals, or to as many more (up to six) as make them differ in writing.

    A change of 0.0003 reads "0.0247 → 0.0244", not "0.025 → 0.025". Changes too small to show at
    six decimals give two equal texts, which the caller words as no change.
    """
    for digits in range(3, 7):
        texts = f"{before:.{digits}f}", f"{after:.{digits}f}"
        if texts[0] != texts[1]:
            break
    return texts


def _explanation(proposal: _Proposal, base: Evaluation, result: Evaluation, delta_capacity: float,
                 delta_needed: float, delta_cost: float) -> str:
    delta = result.achievable - base.achievable
    if abs(delta) <= SAME_RISK:
        effect = f"leaves the achievable risk at {base.achievable:.3f}"
    else:
        before, after = _distinct_texts(base.achievable, result.achievable)
        effect = (f"{'lowers' if delta < 0 else 'raises'} the achievable risk {before} → {after}" if before != after
                  else f"leaves the achievable risk at {base.achievable:.3f} (it moves by less than 10⁻⁶)")
    if proposal.key == "narrower-target":
        information = f"lowers the capacity needed by {bits_text(-delta_needed)} bits per item"
    elif delta_capacity > SAME_INFORMATION_NATS:
        information = f"adds {bits_text(delta_capacity)} bits per item"
    elif delta_capacity < -SAME_INFORMATION_NATS:
        information = f"loses {bits_text(-delta_capacity)} bits per item"
    else:
        information = "leaves the information per item unchanged"
    if delta_cost > 0:
        price = f"for {money(delta_cost, base.currency)}"
    elif delta_cost < 0:
        price = f"and saves {money(-delta_cost, base.currency)}"
    else:
        price = "at no cost" if not proposal.cost_note else f"at no modelled cost ({proposal.cost_note})"
    shares = ""
    if proposal.key == "water-fill" and result.contexts:
        names = [q.name for q in result.contexts[0].questions]
        shares = "; shares " + ", ".join(f"{n} {100 * s:.0f} %" for n, s in zip(names, result.time_shares))
    return (f"{proposal.title} {effect} and {information} {price} (floor {base.floor:.3f} → {result.floor:.3f}, "
            f"items needed {_items_text(base)} → {_items_text(result)}, verdict: {VERDICT_WORDS[result.verdict]}{shares}).")


def _not_applicable(proposal: _Proposal, reason: str) -> LeverResult:
    return LeverResult(
        key=proposal.key, title=proposal.title, explanation=f"{proposal.title}: does not apply ({reason}).",
        scenario=None, evaluation=None, delta_capacity_nats=0.0, delta_floor=0.0, delta_ceiling=0.0,
        delta_cost=0.0, capacity_per_cost=None, applicable=False, reason=reason,
    )


def _evaluate_lever(scenario: Scenario, base: Evaluation, proposal: _Proposal) -> LeverResult:
    """Apply one proposal and evaluate the modified scenario (no curves)."""
    if proposal.changes is None:
        return _not_applicable(proposal, proposal.reason)
    try:
        modified = scenario.with_changes(proposal.changes)
    except ScenarioValidationError as error:
        return _not_applicable(proposal, str(error))
    result = evaluate(modified, curves=False)
    delta_capacity = result.capacity_nats - base.capacity_nats
    delta_needed = result.capacity_needed_nats - base.capacity_needed_nats
    delta_cost = result.cost - base.cost
    delta_achievable = result.achievable - base.achievable
    before, after = base.items_needed.estimate, result.items_needed.estimate
    return LeverResult(
        key=proposal.key,
        title=proposal.title,
        explanation=_explanation(proposal, base, result, delta_capacity, delta_needed, delta_cost),
        scenario=modified,
        evaluation=result,
        delta_capacity_nats=delta_capacity,
        delta_floor=result.floor - base.floor,
        delta_ceiling=result.ceiling - base.ceiling,
        delta_cost=delta_cost,
        capacity_per_cost=delta_capacity / delta_cost if delta_cost > 0 else None,
        applicable=True,
        reason="",
        delta_needed_nats=delta_needed,
        changes=dict(proposal.changes),
        delta_achievable=delta_achievable,
        delta_items_needed=None if before is None or after is None else after - before,
        achievable_per_cost=_per_cost(delta_achievable, delta_cost),
    )


def _per_cost(delta_achievable: float, delta_cost: float) -> float | None:
    """See :attr:`LeverResult.achievable_per_cost`."""
    if delta_cost <= 0:
        return None
    return 0.0 if abs(delta_achievable) <= SAME_RISK else -delta_achievable / delta_cost


def _items_gain(lever: LeverResult) -> float:
    """Fall of the items needed (estimate), for ties; 0 where either side needs no finite number."""
    return 0.0 if lever.delta_items_needed is None else -float(lever.delta_items_needed)


def _rank_key(lever: LeverResult) -> tuple:
    if not lever.applicable:
        return (4, 0.0, 0.0, lever.key)
    gain = lever.gain
    items = _items_gain(lever)
    if gain > SAME_RISK or (abs(gain) <= SAME_RISK and items > 0):
        if lever.delta_cost <= 0:
            return (0, -gain, -items, lever.key)
        return (1, -gain / lever.delta_cost, -items / lever.delta_cost, lever.key)
    if gain >= -SAME_RISK and items >= 0:
        return (2, lever.delta_cost, 0.0, lever.key)
    return (3, -gain, -items, lever.key)


PER_MONEY_SCALE = 1000
"""Risk per money is shown per 1,000 currency units: per single unit it is a tiny number (1e-5 per
dollar) that is hard to compare by eye."""


def per_money_value(lever: LeverResult) -> float | None:
    """The achievable risk a paid lever lowers per :data:`PER_MONEY_SCALE` currency units (negative
    where it raises it); 0 where the risk does not move (:attr:`LeverResult.achievable_per_cost`);
    None for a lever that costs nothing or saves money."""
    if lever.achievable_per_cost is None:
        return None
    value = lever.achievable_per_cost * PER_MONEY_SCALE
    return value if math.isfinite(value) else 0.0


def per_money_text(lever: LeverResult) -> str:
    """The achievable risk a paid lever lowers per :data:`PER_MONEY_SCALE` currency units, to three
    significant digits; for a lever without such a number, why: "no cost" or "saves money" for a
    gain that costs nothing, "—" otherwise. The window's table and ``recommend`` print this."""
    value = per_money_value(lever)
    if value is not None:
        return "0" if value == 0 else f"{value:.3g}"
    if lever.applicable and lever.gain > SAME_RISK:
        return "no cost" if lever.delta_cost == 0 else "saves money"
    return "—"


def rank(levers: list[LeverResult]) -> list[LeverResult]:
    """Order levers: free gains by the fall of the achievable risk, paid gains by
    that fall per money, no change, losses (smallest first), then the
    inapplicable ones; ties by the fall of the items needed."""
    return sorted(levers, key=_rank_key)


def lever_keys(scenario: Scenario) -> list[str]:
    """The keys of every lever :func:`rank_levers` considers for this scenario."""
    return [p.key for p in _proposals(scenario)]


def rank_levers(scenario: Scenario, evaluation: Evaluation | None = None, *,
                progress: ProgressCallback | None = None) -> list[LeverResult]:
    """Evaluate every lever of method §6 on a scenario and rank them.

    Parameters
    ----------
    scenario
        The scenario to improve.
    evaluation
        Its evaluation, when already computed (curves are not needed).
    progress
        Called as ``progress(done, total)`` after each lever; returning False
        stops the work, and the levers evaluated so far are returned, ranked.

    Returns
    -------
    list of LeverResult
        Ranked as described in the module docstring; levers that do not apply
        are included at the end with their reason.
    """
    base = evaluation if evaluation is not None else evaluate(scenario, curves=False)
    proposals = _proposals(scenario)
    results: list[LeverResult] = []
    for done, proposal in enumerate(proposals, start=1):
        results.append(_evaluate_lever(scenario, base, proposal))
        if not keeps_going(progress, done, len(proposals)):
            break
    return rank(results)
