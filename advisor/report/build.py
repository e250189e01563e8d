"""Build the format-neutral report for one or several scenarios.

:func:`build_report` runs every computation a report shows — the evaluation
(:func:`advisor.evaluation.evaluate.evaluate`), the diagnosis, the ranked levers and the
optimiser — and turns the results into a :class:`~advisor.report.model.Report`:
sections of paragraphs, label/value rows, tables, figures and formulas. The
renderers (HTML, PDF, Markdown, JSON, CSV) only lay it out.

The sections, by key (:data:`SECTION_KEYS`):

``verdict``
    The planner's interval (floor, achievable risk, items needed), the
    verdict and one paragraph in plain words.
``inputs``
    Every input of the scenario, grouped as in the editor.
``capacity``
    Capacity per context and per question (bits by default), with the stage
    that binds.
``plots``
    The GUI's curves (risk against items, value complexity, raters, seconds
    per item) and the capacity breakdown per context and question.
``recommendations``
    The levers, ranked by their effect on the achievable risk and the items
    needed, with their effect on capacity, floor and cost.
``frontier``
    The optimiser's cost–floor frontier (plot and table) and its recommended
    design.
``compromise``
    The scenario's budget split between raters per item and items: every
    split evaluated, plotted and tabulated, the best one recommended
    (:mod:`advisor.report.compromise_section`).
``comparison``
    Only when several scenarios are chosen: a side-by-side table and the
    curves of all scenarios overlaid.
``method``
    The assumptions and formulas, with references.
``protocol``
    What is needed to reproduce the report: versions, time, each scenario's
    content hash and every parameter (like G*Power's protocol of analyses).

Information is shown in bits by default (``unit="nats"`` switches); the JSON
payload keeps nats with bits beside them, exactly as ``Evaluation.to_dict``.
"""

from __future__ import annotations

import math
import platform
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import metadata
from typing import Any

from advisor.evaluation.evaluate import VERDICT_WORDS, rater_model_text
from advisor.evaluation.results import Evaluation
from advisor.planning.analysis import Analysis, analyse, analysis_steps
from advisor.planning.levers import PER_MONEY_SCALE, LeverResult, per_money_value
from advisor.planning.optimize import OptimizationResult, frontier_with_recommended
from advisor.progress import ProgressCallback, keeps_going, require, within
from advisor.report import figures
from advisor.report.compromise_section import (
    COMPARISON_FORMATS,
    COMPARISON_HEADERS,
    comparison_cells,
    compromise_blocks,
    compromise_payload,
)
from advisor.report.designs import design_blocks, design_input_blocks, method_design_blocks
from advisor.report.model import (
    MONEY_FORMAT,
    SECTION_KEYS,
    SECTION_TITLES,
    SIGNED_MONEY_FORMAT,
    Block,
    Cell,
    Formula,
    KeyValue,
    KeyValues,
    Paragraph,
    Report,
    Section,
    Table,
)
from advisor.scenario.formats import uses_free_text_fields, uses_scale_range, uses_span
from advisor.scenario.schema import SCHEMA_VERSION, Scenario
from advisor.units import LN2, count_text, money, with_minus



PER_SCENARIO_SECTIONS = ("verdict", "inputs", "capacity", "plots", "recommendations", "frontier", "compromise")
REPORT_FORMAT_VERSION = 1
CURVE_ORDER = ("items", "log2_m", "raters", "seconds")

def application_version() -> str:
    """The installed ``annotation-advisor`` version (``"0+unknown"`` in a bare checkout)."""
    try:
        return metadata.version("annotation-advisor")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def normalise_sections(sections: Iterable[str] | None) -> tuple[str, ...]:
    """The requested section keys in document order.

    Parameters
    ----------
    sections
        Keys from :data:`SECTION_KEYS`, in any order; None for all of them.

    Raises
    ------
    ValueError
        For an unknown key (the message lists the allowed ones) or an empty set.
    """
    if sections is None:
        return SECTION_KEYS
    wanted = {s.strip().lower() for s in sections if s.strip()}
    unknown = sorted(wanted - set(SECTION_KEYS))
    if unknown:
        raise ValueError(f"sections: unknown {', '.join(unknown)}; choose from {', '.join(SECTION_KEYS)}")
    if not wanted:
        raise ValueError(f"sections: choose at least one of {', '.join(SECTION_KEYS)}")
    return tuple(key for key in SECTION_KEYS if key in wanted)


# ------------------------------------------------------------------ numbers
@dataclass(frozen=True)
class _Units:
    """How information is shown: bits (default) or nats."""

    name: str

    @property
    def scale(self) -> float:
        return 1.0 / LN2 if self.name == "bits" else 1.0

    def info(self, nats: float) -> float:
        return float(nats) * self.scale

    def text(self, nats: float, digits: int = 3) -> str:
        return with_minus(f"{self.info(nats):.{digits}f}")


def _risk(value: float) -> str:
    return with_minus(f"{value:.3f}")


def _plain_number(value: Any) -> Any:
    """Python numbers from numpy scalars, so that JSON and tables see plain values."""
    if hasattr(value, "item") and callable(value.item) and not isinstance(value, (str, bytes)):
        try:
            return value.item()
        except (TypeError, ValueError):
            return value
    return value


# ------------------------------------------------------------ per scenario
SECTIONS_STEPS = 10
"""Progress steps per scenario for drawing its figures and writing its sections (after the
analysis's own :func:`~advisor.planning.analysis.analysis_steps`)."""


# ----------------------------------------------------------------- verdict
def interval_sentence(evaluation: Evaluation, scenario: Scenario) -> str:
    """The planner's interval in one sentence, with the target and the verdict (method §8.4)."""
    floor, achievable, target = evaluation.floor, evaluation.achievable, evaluation.target_risk
    head = (f"With this design the risk per item is at least {_risk(floor)} (floor: no design of this capacity "
            f"does better) and this design achieves {_risk(achievable)}; the target is {target:g}.")
    return f"{head} {evaluation.verdict_text}"


def _count(value: int | None) -> str:
    return count_text(value, "none suffices")


def verdict_blocks(analysis: Analysis, units: _Units) -> list[Block]:
    """The interval, the verdict in plain words, the key numbers and the warnings."""
    e, s = analysis.evaluation, analysis.scenario
    blocks: list[Block] = [Paragraph(interval_sentence(e, s), "verdict")]
    blocks.append(Paragraph(analysis.diagnosis.verdict))
    needed = e.items_needed
    u = units.name
    blocks.append(KeyValues((
        KeyValue("verdict", VERDICT_WORDS[e.verdict]),
        KeyValue("risk floor, exact Fano form", _risk(e.floor)),
        KeyValue("risk floor, paper form", _risk(e.floor_paper)),
        KeyValue("achievable risk (this design)", _risk(e.achievable)),
        KeyValue("label error per item (MAP)", _risk(e.label_error)),
        KeyValue("target risk", f"{e.target_risk:g}"),
        KeyValue("capacity per item, C̄", units.text(e.capacity_nats), f"{u}/item"),
        KeyValue("capacity needed for the target", units.text(e.capacity_needed_nats), f"{u}/item"),
        KeyValue("capacity gap (needed − C̄; > 0: ruled out)", units.text(e.capacity_gap_nats), f"{u}/item"),
        KeyValue("value complexity log₂ M", f"{e.log2_m:g}", "bits"),
        KeyValue("value model log₂ M_g", f"{e.model_bits:g}", "bits"),
        KeyValue("labelled items", f"{e.items:,}", "items"),
        KeyValue("items the value model needs: at least (Fano)", _count(needed.at_least)),
        KeyValue("items the value model needs: about (normal approximation)", _count(needed.estimate)),
        KeyValue("items the value model needs: at most (Gallager)", _count(needed.at_most)),
        KeyValue(f"risk ceiling ({e.ceiling_form} form, {e.ceiling_risk_source} R̂ {e.ceiling_risk:.3f})",
                 _risk(e.ceiling)),
        KeyValue("campaign cost", money(e.cost, e.currency)),
        KeyValue("rater time", f"{e.rater_hours:,.1f}", "hours"),
    ), title="The planner's interval"))
    blocks.extend(Paragraph(w, "warning") for w in e.warnings)
    return blocks


# ------------------------------------------------------------------ inputs
def _share_text(question_share: float | None, computed: float) -> str:
    if question_share is None:
        return f"automatic: {computed:.2f}"
    return f"{computed:.2f}"


def inputs_blocks(analysis: Analysis) -> list[Block]:
    """Every input, grouped as in the editor."""
    s, e = analysis.scenario, analysis.evaluation
    t, r, c, b = s.target, s.raters, s.campaign, s.bounds
    blocks: list[Block] = []
    if s.notes.strip():
        blocks.append(Paragraph(s.notes.strip(), "note"))
    if s.tags:
        blocks.append(Paragraph("Tags: " + ", ".join(s.tags), "note"))
    blocks.append(KeyValues((
        KeyValue("value complexity log₂ M", f"{t.log2_m:g}", "bits"),
        KeyValue("loss separation Δ", f"{t.separation:g}"),
        KeyValue("target risk ε", f"{t.target_risk:g}"),
    ), title="Target"))
    blocks.append(Table(
        headers=("context", "weight (share)", "difficulty (× d′)", "words read per item"),
        rows=tuple((ctx.name, w, ctx.difficulty, ctx.reading_words)
                   for ctx, w in zip(s.contexts, s.context_weights)),
        caption="Contexts: strata of items. Weights are normalised to shares of the items.",
        formats=("", ".3f", "g", ",.0f"), key="contexts",
    ))
    question_rows = []
    for q, share in zip(s.questions, e.time_shares):
        extra = []
        if uses_span(q.format):
            extra.append(f"span {q.span:g} d′")
        if uses_free_text_fields(q.format):
            extra.append(f"{q.aspects} aspects, {q.bits_per_char:g} bit/char, {q.chars_per_second:g} char/s")
        if uses_scale_range(q.format):
            extra.append(f"{q.format.k} levels from {q.format.minimum:g} to {q.format.maximum:g} in steps of "
                         f"{q.format.step:g} (Thurstonian, as ordinal({q.format.k}))")
        model = rater_model_text(s, q)
        if model:
            extra.append(f"raters: {model}")
        question_rows.append((q.name, q.format.label(), _share_text(q.time_share, share), q.slip_rate,
                              "; ".join(extra)))
    blocks.append(Table(
        headers=("question", "format", "time share", "slip rate", "format details"),
        rows=tuple(question_rows),
        caption=("Questions a rater answers per item. Automatic time shares are allocated by water-filling "
                 "(the split of the judgment time that maximises the capacity)."),
        formats=("", "", "", ".3f", ""), key="questions",
    ))
    blocks.append(KeyValues((
        KeyValue("raters per item r", str(r.per_item)),
        KeyValue("rater correlation ρ", f"{r.correlation:g}"),
        KeyValue("discriminability λ (d′ with unlimited time)", f"{r.discriminability:g}"),
        KeyValue("accrual rate β", f"{r.accrual_rate:g}", "1/s"),
        KeyValue("dead time δ₀", f"{r.base_time:g}", "s"),
        KeyValue("reading speed", f"{r.reading_wpm:g}", "words/min"),
        *([KeyValue("item difficulty classes (share × d′)",
                    ", ".join(f"{w:.3g} × {a:g}" for w, a in r.difficulty_mixture))] if r.difficulty_classes else []),
        *([KeyValue("rater types (share, d′ ×, bias shift)",
                    ", ".join(f"({v:.3g}, {m:g}, {c:+g})" for v, m, c in r.type_mixture))] if r.rater_types else []),
    ), title="Raters"))
    optional = [
        KeyValue("budget cap", money(c.budget_cap, c.currency)) if c.budget_cap is not None else None,
        KeyValue("deadline", f"{c.deadline_hours:g}", "hours") if c.deadline_hours is not None else None,
        KeyValue("raters available", str(c.raters_available)) if c.raters_available is not None else None,
    ]
    blocks.append(KeyValues(tuple(kv for kv in [
        KeyValue("labelled items m", f"{c.items:,}"),
        KeyValue("time per rater per item T", f"{c.seconds_per_item:g}", "s"),
        KeyValue("wage", f"{c.wage_per_hour:g}", f"{c.currency}/hour"),
        KeyValue("platform fee", f"{100 * c.platform_fee:g}", "% of wages"),
        *optional,
    ] if kv is not None), title="Campaign"))
    bound_rows = [
        KeyValue("ceiling form", b.ceiling_form),
        KeyValue("observed risk R̂", f"{b.observed_risk:g}"),
        KeyValue("residual information ρ_res", f"{b.residual_nats:g}", "nats"),
        KeyValue("context information I_ctx", f"{b.context_nats:g}", "nats"),
    ]
    if b.ceiling_form != "expectation":
        bound_rows[1:1] = [KeyValue("δ (PAC-Bayes failure probability)", f"{b.delta:g}"),
                           KeyValue("η (Markov term)", f"{b.eta:g}")]
    if b.ceiling_form == "catoni":
        bound_rows.append(KeyValue("Catoni λ", f"{b.catoni_lambda:g}"))
    blocks.append(KeyValues(tuple(bound_rows), title="Bounds"))
    blocks.extend(design_input_blocks(s))
    if s.provenance:
        blocks.append(Table(
            headers=("source", "method", "fields set", "detail"),
            rows=tuple((p.source, p.method, ", ".join(p.fields), p.detail) for p in s.provenance),
            caption="Where calibrated or imported numbers came from.", key="provenance",
        ))
    return blocks


# ---------------------------------------------------------------- capacity
def capacity_blocks(analysis: Analysis, units: _Units) -> list[Block]:
    """Per-context and per-question capacity tables."""
    e, s = analysis.evaluation, analysis.scenario
    u = units.name
    r = s.raters.per_item
    blocks: list[Block] = [Paragraph(
        f"Capacity is the most information about the target that one item's labels can carry, in {u} per item. "
        "Each question passes through two stages: the rater's judgment (cognitive) and the answer format "
        "(articulation). The paper's per-context capacity is the smaller of the two stage totals; the exact cascade "
        f"of both stages is never larger. With {r} rater{'s' if r != 1 else ''} per item the panel carries more, up "
        "to what the answer format can hold.")]
    blocks.append(Table(
        headers=("context", "weight", "judgment time (s)", f"cognitive ({u})", f"articulation ({u})",
                 f"min of both, paper ({u})", f"cascade, 1 rater ({u})", f"panel, {r} raters ({u})", "binding stage"),
        rows=tuple((c.name, c.weight, c.judgment_seconds, units.info(c.cognitive_nats),
                    units.info(c.articulation_nats), units.info(c.paper_nats), units.info(c.cascade_nats),
                    units.info(c.panel_nats), c.binding_stage) for c in e.contexts),
        caption=(f"Per context, summed over questions. C̄ = {units.text(e.capacity_nats)} {u} per item is the "
                 "weighted mean of the panel column; the paper's C̄ (mean of the min column) is "
                 f"{units.text(e.paper_capacity_nats)} {u}."),
        formats=("", ".3f", ".1f", ".3f", ".3f", ".3f", ".3f", ".3f", ""), key="capacity_contexts",
    ))
    for context in analysis.diagnosis.contexts:
        blocks.append(Paragraph(f"What binds in {context.name!r}: the {context.binding_stage} stage — {context.meaning}."))
    several = len(e.contexts) > 1
    for context in e.contexts:
        rows = []
        for q in context.questions:
            rows.append((q.name, q.format, q.judgment_seconds, q.dprime, units.info(q.cognitive_nats),
                         units.info(q.articulation_nats), units.info(q.cascade_nats), units.info(q.panel_nats),
                         units.info(q.max_nats) if q.max_nats > 0 else None, q.label_accuracy,
                         q.binding_stage + ("" if q.panel_exact else " (bound)") + (" · saturated" if q.saturated else "")))
        blocks.append(Table(
            headers=("question", "format", "time (s)", "d′", f"cognitive ({u})", f"articulation ({u})",
                     f"cascade, 1 rater ({u})", f"panel, {r} raters ({u})", f"format maximum ({u})",
                     "label accuracy", "binding stage"),
            rows=tuple(rows),
            caption=((f"Context {context.name!r}: " if several else "") +
                     "per question. d′ is the rater's discriminability after the judgment time; the format maximum "
                     "is log of the number of distinct answers (none for free text). “(bound)” marks a panel "
                     "capacity computed as a bound, “saturated” a question within 5 % of its maximum. The label "
                     "accuracy is the MAP decoder's chance of the right answer from the panel's votes, at the "
                     "question's prior (none for free text)."),
            formats=("", "", ".1f", ".2f", ".3f", ".3f", ".3f", ".3f", ".3f", ".3f", ""),
            key=f"capacity_questions:{context.name}",
        ))
    blocks.extend(design_blocks(e))
    return blocks


# ------------------------------------------------------------------- plots
def plot_blocks(analysis: Analysis, units: _Units) -> list[Block]:
    """The four risk curves and the capacity breakdown."""
    e, s = analysis.evaluation, analysis.scenario
    blocks: list[Block] = []
    for name in CURVE_ORDER:
        curve = e.curves.get(name)
        if curve is not None:
            blocks.append(figures.risk_curve_figure(curve, s.name))
    if blocks:
        blocks.insert(0, Paragraph(figures.INTERVAL_READING))
    blocks.append(figures.capacity_breakdown_figure(e, s.raters.per_item, unit=units.name))
    return blocks


# --------------------------------------------------------- recommendations
def _lever_value(lever: LeverResult, name: str) -> float | None:
    value = _plain_number(getattr(lever, name, None))
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else None


def recommendation_blocks(analysis: Analysis, units: _Units) -> list[Block]:
    """The ranked levers, their effects, and those that do not apply."""
    levers = analysis.levers or ()
    s = analysis.scenario
    currency = s.campaign.currency
    u = units.name
    applicable = [lever for lever in levers if lever.applicable]
    skipped = [lever for lever in levers if not lever.applicable]
    if not applicable:
        return [Paragraph("No lever applies to this scenario.", "note")]
    blocks: list[Block] = [Paragraph(
        "Each lever changes one thing in the scenario and re-evaluates it. They are ranked by how much they lower "
        "the achievable risk (the error the design attains), ties broken by the items the value model needs: "
        "those that cost nothing first, then those that cost money (most risk lowered per money first), then those "
        "that change nothing, then those that make things worse.")]
    rows = []
    for rank, lever in enumerate(applicable, start=1):
        cost = _lever_value(lever, "delta_cost")
        per_cost = per_money_value(lever)  # the number the window and the command line print
        verdict = VERDICT_WORDS[lever.evaluation.verdict] if lever.evaluation is not None else ""
        rows.append((rank, lever.title, _lever_value(lever, "delta_achievable"), _lever_value(lever, "delta_floor"),
                     lever.delta_items_needed, units.info(lever.delta_capacity_nats), cost, per_cost, verdict))
    blocks.append(Table(
        headers=("rank", "lever", "Δ achievable risk", "Δ floor", "Δ items needed", f"Δ capacity ({u}/item)",
                 f"Δ cost ({currency})", f"risk lowered per {PER_MONEY_SCALE:,} {currency}", "verdict"),
        rows=tuple(rows),
        caption=(f"Changes against the scenario as given: risks in [0, 1], items needed by the value model (the "
                 f"estimate), capacity in {u} per item, cost in {currency}. The per-money column divides the fall of "
                 "the achievable risk by the extra cost (empty when the lever costs nothing or saves money)."),
        formats=("d", "", "+.4f", "+.4f", "+,d", "+.3f", SIGNED_MONEY_FORMAT, ".3g", ""), key="recommendations",
    ))
    # The explanations are whole sentences that name the lever themselves.
    for rank, lever in enumerate(applicable[:3], start=1):
        blocks.append(Paragraph(f"{rank}. {lever.explanation or lever.title}"))
    if skipped:
        blocks.append(Table(
            headers=("lever", "why it does not apply"),
            rows=tuple((lever.title, lever.reason) for lever in skipped),
            caption="Levers that were considered but do not apply to this scenario.", key="levers_not_applicable",
        ))
    return blocks


# ---------------------------------------------------------------- frontier
def _formats_text(formats: Sequence[str]) -> str:
    return "; ".join(str(f) for f in formats)


def frontier_blocks(analysis: Analysis, units: _Units) -> list[Block]:
    """The optimiser's recommendation, frontier plot and frontier table."""
    result, s, e = analysis.optimization, analysis.scenario, analysis.evaluation
    currency = s.campaign.currency
    u = units.name
    if result is None:
        return [Paragraph(analysis.optimization_note or "The optimiser was not run.", "note")]
    blocks: list[Block] = []
    if result.message:
        blocks.append(Paragraph(result.message, "verdict" if result.recommended is not None else "warning"))
    if result.cancelled:
        blocks.append(Paragraph("The optimiser was cancelled: the frontier below is partial.", "warning"))
    recommended_point = None
    if result.recommended is not None and result.recommended_evaluation is not None:
        rec, rec_eval = result.recommended, result.recommended_evaluation
        recommended_point = (rec_eval.cost, rec_eval.achievable)
        blocks.append(KeyValues((
            KeyValue("raters per item", str(rec.raters.per_item)),
            KeyValue("time per rater per item", f"{rec.campaign.seconds_per_item:.1f}", "s"),
            KeyValue("question formats", ", ".join(f"{q.name}: {q.format.label()}" for q in rec.questions)),
            KeyValue("time shares", ", ".join(f"{share:.2f}" for share in rec_eval.time_shares)),
            KeyValue("floor", _risk(rec_eval.floor)),
            KeyValue("achievable risk", _risk(rec_eval.achievable)),
            KeyValue("verdict", VERDICT_WORDS[rec_eval.verdict]),
            KeyValue("capacity per item", units.text(rec_eval.capacity_nats), f"{u}/item"),
            KeyValue("cost", money(rec_eval.cost, rec_eval.currency)),
            KeyValue("cost of the scenario as given", money(e.cost, e.currency)),
        ), title="Recommended design"))
    # The figure's lines are the frontier's (the lowest floor at each cost); the recommended design
    # is its star. The table lists it among the frontier's designs (refined below the search's grid).
    frontier = sorted(result.frontier, key=lambda p: p.cost)
    blocks.append(figures.frontier_figure(
        [p.cost for p in frontier], [p.floor for p in frontier], [p.achievable for p in frontier],
        target=s.target.target_risk, currency=currency, recommended=recommended_point,
        current=(e.cost, e.achievable),
    ))
    points, recommended_index = frontier_with_recommended(result)
    blocks.append(Table(
        headers=(f"cost ({currency})", "floor", "achievable risk", "verdict", f"capacity ({u}/item)", "raters",
                 "seconds per item", "formats", "design"),
        rows=tuple((float(p.cost), float(p.floor), float(p.achievable), VERDICT_WORDS[p.verdict], units.info(p.capacity_nats),
                    int(p.raters), float(p.seconds_per_item), _formats_text(p.formats),
                    "recommended" if index == recommended_index else "")
                   for index, p in enumerate(points)),
        caption=(f"The Pareto frontier of the {result.evaluated:,} designs screened: each has the lowest floor the "
                 "optimiser found at its cost and is evaluated in full. The recommended design, chosen by its "
                 "achievable risk (which may cost more than a design of a lower floor), is marked. Formats are "
                 "listed in question order."),
        formats=(MONEY_FORMAT, ".3f", ".3f", "", ".3f", "d", ".1f", "", ""), key="frontier",
    ))
    return blocks


# -------------------------------------------------------------- comparison
def comparison_table(analyses: Sequence[Analysis], units: _Units) -> Table:
    """One row per scenario with the key numbers (what the CSV export writes)."""
    u = units.name
    rows = []
    for a in analyses:
        s, e = a.scenario, a.evaluation
        rows.append((
            s.name, e.content_hash, s.target.log2_m, s.target.target_risk, len(s.contexts), len(s.questions),
            "; ".join(f"{q.name}: {q.format.label()}" for q in s.questions), s.raters.per_item,
            s.campaign.seconds_per_item, s.campaign.items, units.info(e.capacity_nats),
            units.info(e.capacity_needed_nats), units.info(e.capacity_gap_nats), e.floor, e.floor_paper,
            e.achievable, e.verdict, e.items_needed.at_least, e.items_needed.estimate, e.items_needed.at_most,
            e.ceiling, e.ceiling_form, e.cost, e.currency, e.rater_hours, *comparison_cells(a),
        ))
    return Table(
        headers=("scenario", "content sha256", "log2 M (bits)", "target risk", "contexts", "questions", "formats",
                 "raters per item", "seconds per item", "items", f"capacity ({u}/item)",
                 f"capacity needed ({u}/item)", f"capacity gap ({u}/item)", "floor", "floor (paper form)",
                 "achievable risk", "verdict", "items needed at least", "items needed estimate",
                 "items needed at most", "ceiling", "ceiling form", "cost", "currency", "rater hours",
                 *COMPARISON_HEADERS),
        rows=tuple(tuple(_plain_number(v) for v in row) for row in rows),
        caption="One row per scenario; risks in [0, 1], cost in each scenario's currency.",
        formats=("", "", "g", "g", "d", "d", "", "d", "g", ",d", ".3f", ".3f", ".3f", ".3f", ".3f", ".3f", "",
                 ",d", ",d", ",d", ".3f", "", MONEY_FORMAT, "", ",.1f", *COMPARISON_FORMATS),
        key="comparison",
    )


def comparison_blocks(analyses: Sequence[Analysis], units: _Units) -> list[Block]:
    """A side-by-side table, a summary and overlaid curves."""
    u = units.name
    names = [a.scenario.name for a in analyses]

    def row(label: str, values: Iterable[Cell]) -> tuple[Cell, ...]:
        return (label, *values)

    es = [a.evaluation for a in analyses]
    ss = [a.scenario for a in analyses]
    side_by_side = Table(
        headers=("", *names),
        rows=(
            row("value complexity log₂ M (bits)", (f"{s.target.log2_m:g}" for s in ss)),
            row("target risk", (f"{s.target.target_risk:g}" for s in ss)),
            row("questions", ("; ".join(f"{q.name}: {q.format.label()}" for q in s.questions) for s in ss)),
            row("raters per item", (str(s.raters.per_item) for s in ss)),
            row("seconds per item", (f"{s.campaign.seconds_per_item:g}" for s in ss)),
            row("labelled items", (f"{s.campaign.items:,}" for s in ss)),
            row(f"capacity per item ({u})", (units.text(e.capacity_nats) for e in es)),
            row(f"capacity needed ({u})", (units.text(e.capacity_needed_nats) for e in es)),
            row("floor (exact)", (_risk(e.floor) for e in es)),
            row("achievable risk", (_risk(e.achievable) for e in es)),
            row("items needed (value model)", (f"{_count(e.items_needed.at_least)} to {_count(e.items_needed.at_most)}"
                                                for e in es)),
            row("cost", (money(e.cost, e.currency) for e in es)),
            row("verdict", (VERDICT_WORDS[e.verdict] for e in es)),
        ),
        caption=f"The scenarios side by side. “{VERDICT_WORDS['meets']}”: the achievable risk is at most the target "
                f"and the items suffice; “{VERDICT_WORDS['cannot']}”: the floor is above the target (or the items are "
                f"fewer than any learner needs); “{VERDICT_WORDS['undecided']}”: neither.",
        key="comparison_side_by_side",
    )
    best = min(analyses, key=lambda a: a.evaluation.achievable)
    meeting = [a for a in analyses if a.evaluation.verdict == "meets"]
    targets = sorted({a.scenario.target.target_risk for a in analyses}, reverse=True)
    # Risks against different targets are not a ranking of designs: the targets are named.
    differ = f"; their targets differ (ε = {', '.join(f'{t:g}' for t in targets)})" if len(targets) > 1 else ""
    summary = [f"{best.scenario.name!r} has the lowest achievable risk ({_risk(best.evaluation.achievable)}){differ}."]
    if meeting:
        cheapest = min(meeting, key=lambda a: a.evaluation.cost)
        summary.append(
            f"{len(meeting)} of {len(analyses)} scenarios meet their target; "
            f"the cheapest of them is {cheapest.scenario.name!r} "
            f"({money(cheapest.evaluation.cost, cheapest.evaluation.currency)})."
            if len(meeting) > 1 else
            f"1 of {len(analyses)} scenarios meets its target: {cheapest.scenario.name!r} "
            f"({money(cheapest.evaluation.cost, cheapest.evaluation.currency)}).")
    else:
        ruled_out = sum(a.evaluation.verdict == "cannot" for a in analyses)
        summary.append(f"None of the scenarios meets its target; {ruled_out} of {len(analyses)} "
                       f"{'is' if ruled_out == 1 else 'are'} ruled out by {'its' if ruled_out == 1 else 'their'} floor.")
    if len({e.currency for e in es}) > 1:
        summary.append("The scenarios use different currencies: compare costs with care.")
    blocks: list[Block] = [side_by_side, Paragraph(" ".join(summary))]
    for name in CURVE_ORDER:
        pairs = [(a.scenario.name, a.evaluation.curves[name]) for a in analyses if name in a.evaluation.curves]
        if pairs:
            blocks.append(figures.comparison_curve_figure(name, pairs))
    return blocks


# ------------------------------------------------------------------ method
def method_blocks(scenarios: Sequence[Scenario]) -> list[Block]:
    """The assumptions and every formula the numbers come from, with references."""
    forms = sorted({s.bounds.ceiling_form for s in scenarios})
    blocks: list[Block] = [
        Paragraph(
            "Feedback-based alignment is modelled as a two-stage cascade U → H → Y given a context S (Cao 2025): U is "
            "the intended value, one of M hypotheses; H is the rater's bounded judgment; Y is the label the learner "
            "sees. The judgment stage has a cognitive capacity, the interface an articulation capacity; together they "
            "bound how much each item's labels can say about the target, and that bounds the risk from both sides."),
        Paragraph(
            "Assumptions. The target index is uniform over its M values and independent of the context, so both Fano "
            "floors hold for any learner. Questions are parallel channels about independent parts of the target, so "
            "their capacities add. Raters are exchangeable; with probability ρ all raters of an item share one error "
            "draw (herding, a shared bias), independently for each question. The floor is a bound no design beats; "
            "the achievable risk is what this design attains with a decoder that knows the raters. Information is computed in nats and shown in bits (1 bit = ln 2 nats)."),
        Formula("t_q = share_q · max(0, T − 60 · words_s / wpm);   t_eff = t_q / max(1, log₂ #alternatives)",
                "Judgment time of question q in context s after reading, and the effective time per elementary "
                "judgment (choosing among more alternatives costs more time).",
                "Hick 1952; Hyman 1953; Brysbaert 2019 (reading rate, 238 words per minute)."),
        Formula("d′(t) = λ · difficulty_s · (1 − exp(−β · (t − δ₀)))  for t > δ₀, else 0",
                "Speed–accuracy trade-off: discriminability grows with time and saturates at λ.",
                "Wickelgren 1977."),
        Formula("P_c(d, k) = ∫ φ(z − d) · Φ(z)^(k−1) dz;   C = ln k − h(P_c) − (1 − P_c) · ln(k − 1)",
                "Binary and categorical questions: k-alternative forced choice, errors uniform over the other k − 1. "
                "Ordinal and pairwise questions use a Thurstonian model on a scale span · d′ wide; rankings a Mallows "
                "model with dispersion set by the adjacent-swap probability.",
                "Green & Swets 1966; Thurstone 1927; Mallows 1957."),
        Formula("K = K_cog · K_art;   C = max_p I(X; Y)   (Blahut–Arimoto, gap ≤ 1e−9 nats)",
                "A rater's answer is the judgment passed through the interface (slips move an answer to another or "
                "an adjacent option). Capacity is maximised over input distributions; the cascade never exceeds "
                "min(C_cog, C_art) (data processing).",
                "Blahut 1972; Arimoto 1972; Cover & Thomas, Elements of Information Theory."),
        Formula("P(c | x) = (1 − ρ) · Multinomial(c; r, K[x]) + ρ · Σ_y K[x, y] · 1[c = r · e_y]",
                "r raters on one question: the vote counts are a sufficient statistic, and the capacity of this "
                "channel is computed exactly (ρ: herding, drawn independently for each question). When there are "
                "too many vote outcomes it is replaced by a provable upper bound from the largest panel r₀ that "
                "fits, min(ln #alternatives, (1 − ρ)(r / r₀) C_r₀ + ρ C₁) (tighter for symmetric kernels), and "
                "flagged.",
                "Dawid & Skene 1979; Cover & Thomas (chain rule)."),
        Formula("C̄ = Σ_s w_s · Σ_q C_q|s(r)",
                "Capacity per item: questions add up, contexts are weighted by their share of items. Questions about "
                "the same part of the target (a split question) count at most that part's information. The paper's "
                "per-context capacity min(C_cog|s, C_art|s) (one rater) is reported beside it.",
                "Cao 2025."),
        Formula("A_q = Σ_c max_x π_q(x) · P_q(c | x);   label error = 1 − Σ_s w_s Π_q A_q|s",
                "What a design achieves: the maximum-a-posteriori decoder's accuracy on each question's vote "
                "histogram at the question's prior, exact over the histograms. For a log₂ M target, an explicit "
                "product codebook of answer subsets (best subsets by exhaustive search where few, else greedy), "
                "decoded by maximum likelihood, gives the achievable risk Δ · P_ach ≥ the floor.",
                "Fano 1961; Sheng, Provost & Ipeirotis 2008 (majority-vote accuracies)."),
        Formula("m_min = ⌈(ln M_g − h(ε) − ε ln(M_g − 1)) / C̄⌉;   "
                "m_ach = min_ρ ⌈(ρ ln(M_g − 1) + ln(1/ε)) / E₀(ρ)⌉",
                "Items a value model of log₂ M_g bits needs: at least m_min (Fano over the training set), at most "
                "m_ach (Gallager's random-coding bound with E₀(ρ) = −ln Σ_s w_s Π_q Σ_c [Σ_x p(x) "
                "P(c | x)^{1/(1+ρ)}]^{1+ρ}), about the normal approximation m C − √(m V) Q⁻¹(ε) + ½ ln m ≥ ln M_g.",
                "Gallager 1965; Polyanskiy, Poor & Verdú 2010."),
        Formula("verdict: meets ⇔ Δ · P_ach ≤ ε and m ≥ m_ach;   cannot ⇔ floor > ε or m < m_min",
                "The decision a planner can trust: a design meets the target only when what it achieves meets it; "
                "the floor alone only rules designs out. Between the two the answer is “not ruled out, not "
                "guaranteed”.", "Method §8.4."),
        Formula("risk ≥ Δ · p*,  p* = min{ p : h(p) + p · ln(M − 1) ≥ ln M − C̄ }",
                "The floor, exact Fano form (the default): no learner, however many labels it sees, does better.",
                "Fano 1961; Cover & Thomas, Theorem 2.10.1."),
        Formula("risk ≥ Δ · max(0, 1 − (C̄ + ln 2) / ln M)",
                "The floor in the paper's form: looser, shown for reference.", "Cao 2025."),
        Formula("C_needed = ln M − h(ε) − ε · ln(M − 1);   gap = C_needed − C̄",
                "The capacity per item the target risk ε needs; a positive gap means no number of items of this design reaches ε.",
                "Fano 1961."),
        Formula("E[R] ≤ R̂ + √((min(m · C̄, ln M_g) + ρ_res + I_ctx) / (2m))",
                "The ceiling in expectation (the default form). The information term is capped by what a model "
                "class of M_g hypotheses can hold, so the ceiling falls with the number of items m towards R̂; R̂ is "
                "the observed risk when one is entered, otherwise the predicted Δ · P_ach (never below the floor).",
                "Xu & Raginsky 2017."),
    ]
    if any(form != "expectation" for form in forms):
        blocks.append(Formula(
            "B = (min(m · C̄, ln M_g) + ρ_res + I_ctx) / η;   R ≤ kl⁻¹(R̂, (B + ln(2√m / δ)) / m)   with probability ≥ 1 − δ − η",
            "The high-probability ceiling (Seeger–Maurer form); McAllester's form is "
            "R̂ + √((B + ln(2√m / δ)) / (2m)); Catoni's uses a chosen λ.",
            "McAllester 1999; Seeger 2002; Maurer 2004; Catoni 2007."))
    blocks.extend(method_design_blocks(scenarios))
    blocks.append(Formula("cost = m · r · T / 3600 · wage · (1 + fee)",
                          "Campaign cost in the scenario's currency: items × raters × hours per item × hourly wage, "
                          "plus the platform fee."))
    blocks.append(Paragraph(
        "References. Cao, “The Alignment Bottleneck”, arXiv 2509.15932 (2025). Fano (1961), Transmission of "
        "Information. Cover & Thomas (2006), Elements of Information Theory, 2nd ed. Blahut (1972), IEEE Trans. Inf. "
        "Theory 18(4). Arimoto (1972), IEEE Trans. Inf. Theory 18(1). Xu & Raginsky (2017), NeurIPS. McAllester "
        "(1999), COLT. Seeger (2002), JMLR 3. Maurer (2004), arXiv cs/0411099. Catoni (2007), PAC-Bayesian "
        "Supervised Classification. Wickelgren (1977), Acta Psychologica 41. Hick (1952), QJEP 4. Hyman (1953), "
        "JEP 45. Green & Swets (1966), Signal Detection Theory and Psychophysics. Thurstone (1927), Psych. Review 34. "
        "Mallows (1957), Biometrika 44. Miller (1956), Psych. Review 63. Kish (1965), Survey Sampling. Brysbaert "
        "(2019), J. Memory and Language 109. Shannon (1951), Bell System Technical Journal 30. Dawid & Skene (1979), "
        "Applied Statistics 28. Gallager (1965), IEEE Trans. Inf. Theory 11(1). Polyanskiy, Poor & Verdú (2010), IEEE "
        "Trans. Inf. Theory 56(5). Sheng, Provost & Ipeirotis (2008), KDD.", "note"))
    return blocks


# ---------------------------------------------------------------- protocol
def flatten_parameters(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """Every leaf of a scenario's JSON as ``(dotted path, value)``, in schema order."""
    if isinstance(data, dict):
        out: list[tuple[str, Any]] = []
        for key, value in data.items():
            out.extend(flatten_parameters(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, list):
        if not data:
            return [(prefix, "[]")]
        out = []
        for index, value in enumerate(data):
            out.extend(flatten_parameters(value, f"{prefix}.{index}"))
        return out
    return [(prefix, data)]


def protocol_data(scenarios: Sequence[Scenario], created: str, sections: Sequence[str], units: _Units,
                  include_optimizer: bool) -> dict[str, Any]:
    """The reproducibility protocol as JSON data."""
    return {
        "application": "annotation-advisor",
        "application_version": application_version(),
        "scenario_schema_version": SCHEMA_VERSION,
        "report_format_version": REPORT_FORMAT_VERSION,
        "created": created,
        "unit": units.name,
        "sections": list(sections),
        "optimizer": include_optimizer,
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "packages": {name: _package_version(name) for name in ("numpy", "scipy", "pydantic", "matplotlib",
                                                               "reportlab", "Jinja2")},
        "scenarios": [{"name": s.name, "content_sha256": s.content_hash()} for s in scenarios],
    }


def protocol_blocks(scenarios: Sequence[Scenario], protocol: dict[str, Any]) -> list[Block]:
    """Versions, time, content hashes and every parameter of every scenario."""
    packages = protocol["packages"]
    blocks: list[Block] = [
        Paragraph(
            "Everything needed to reproduce this report: load each scenario's parameters below (or the scenario JSON "
            "in the JSON export) into the same application version; its content hash must match. The hash is the "
            "SHA-256 of the scenario's canonical JSON (sorted keys, no spaces)."),
        KeyValues((
            KeyValue("application", f"Annotation Advisor {protocol['application_version']}"),
            KeyValue("scenario schema version", str(protocol["scenario_schema_version"])),
            KeyValue("report format version", str(protocol["report_format_version"])),
            KeyValue("created (UTC)", protocol["created"]),
            KeyValue("information unit shown", protocol["unit"]),
            KeyValue("sections", ", ".join(protocol["sections"])),
            KeyValue("optimiser run", "yes" if protocol["optimizer"] else "no"),
            KeyValue("Python", f"{protocol['python']} on {protocol['platform']}"),
            KeyValue("libraries", ", ".join(f"{name} {version}" for name, version in packages.items())),
        ), title="Analysis"),
    ]
    for scenario in scenarios:
        blocks.append(KeyValues((
            KeyValue("scenario", scenario.name),
            KeyValue("content hash (SHA-256)", scenario.content_hash()),
        ), title=f"Scenario {scenario.name}"))
        blocks.append(Table(
            headers=("parameter", "value"),
            rows=tuple((path, _parameter_text(value)) for path, value in flatten_parameters(scenario.to_dict())),
            caption=f"Every parameter of {scenario.name!r}, by its path in the scenario JSON.",
            key=f"parameters:{scenario.name}",
        ))
    return blocks


def _parameter_text(value: Any) -> str:
    if value is None:
        return "none (automatic or not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


# ------------------------------------------------------------------ report
def _anchor(*parts: str) -> str:
    text = "-".join(parts).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "section"


def _json_payload(analyses: Sequence[Analysis], protocol: dict[str, Any]) -> dict[str, Any]:
    scenarios = []
    for a in analyses:
        entry: dict[str, Any] = {
            "name": a.scenario.name,
            "scenario": a.scenario.to_dict(),
            "evaluation": a.evaluation.to_dict(unit="bits"),
            "diagnosis": a.diagnosis.to_dict(),
        }
        if a.levers is not None:
            entry["recommendations"] = [_lever_payload(lever) for lever in a.levers]
        if a.optimization is not None:
            entry["optimizer"] = _optimization_payload(a.optimization)
        elif a.optimization_note:
            entry["optimizer"] = {"error": a.optimization_note}
        if (split := compromise_payload(a)) is not None:
            entry["compromise"] = split
        scenarios.append(entry)
    return {"unit": protocol["unit"], "scenarios": scenarios, "protocol": protocol}


def _lever_payload(lever: LeverResult) -> dict[str, Any]:
    data = lever.to_dict(unit="bits")
    data["scenario_content_sha256"] = lever.scenario.content_hash() if lever.scenario is not None else None
    return data


def _optimization_payload(result: OptimizationResult) -> dict[str, Any]:
    data = result.to_dict()
    if result.recommended_evaluation is not None:
        # The optimiser's own summary has the key numbers; the report keeps
        # the whole evaluation of the recommended design.
        data["recommended_evaluation"] = result.recommended_evaluation.to_dict(unit="bits", include_curves=False)
    return data


def build_report(scenarios: Sequence[Scenario], *, sections: Iterable[str] | None = None,
                 include_optimizer: bool = True, progress: ProgressCallback | None = None,
                 unit: str = "bits", created: datetime | None = None) -> Report:
    """Compute and assemble the report for one or several scenarios.

    Parameters
    ----------
    scenarios
        One scenario, or several to compare (the first is the reference).
        Names must be distinct, so that tables and curves can tell them apart.
    sections
        Keys from :data:`SECTION_KEYS`; None for all. ``comparison`` appears
        only with two or more scenarios.
    include_optimizer
        Run the optimiser for the ``frontier`` section (the slowest step).
    progress
        ``progress(done, total)`` as the work advances (the optimiser taking most of it);
        returning ``False`` cancels (:mod:`advisor.progress`).
    unit
        ``"bits"`` (default) or ``"nats"`` for the information shown.
    created
        The report's time stamp (UTC); now by default.

    Returns
    -------
    Report

    Raises
    ------
    ValueError
        No scenario, repeated names, an unknown section or unit.
    advisor.errors.Cancelled
        When ``progress`` returned ``False``.
    """
    scenarios = list(scenarios)
    if not scenarios:
        raise ValueError("scenarios: choose at least one scenario for a report")
    names = [s.name for s in scenarios]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"scenarios: names must be distinct in one report, repeated: {', '.join(repeated)}")
    if unit not in ("bits", "nats"):
        raise ValueError(f"unit must be 'bits' or 'nats', got {unit!r}")
    units = _Units(unit)
    chosen = normalise_sections(sections)
    several = len(scenarios) > 1
    if not several:
        chosen = tuple(key for key in chosen if key != "comparison")
    stamp = (created or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    created_text = stamp.isoformat().replace("+00:00", "Z")

    levers = "recommendations" in chosen
    optimizer = include_optimizer and "frontier" in chosen
    split = "compromise" in chosen
    per_scenario = analysis_steps(levers=levers, allocation=False, optimizer=optimizer,
                                  compromise=split) + SECTIONS_STEPS
    total = per_scenario * len(scenarios)
    require(keeps_going(progress, 0, total))
    analyses = [
        analyse(s, curves=True, levers=levers, optimizer=optimizer, compromise=split,
                progress=within(progress, index * per_scenario, per_scenario - SECTIONS_STEPS, total))
        for index, s in enumerate(scenarios)
    ]

    report_sections: list[Section] = []
    if several and "comparison" in chosen:
        report_sections.append(Section("comparison", SECTION_TITLES["comparison"], tuple(comparison_blocks(analyses, units)),
                                       1, "comparison"))
    builders: dict[str, Callable[[Analysis], list[Block]]] = {
        "verdict": lambda a: verdict_blocks(a, units),
        "inputs": inputs_blocks,
        "capacity": lambda a: capacity_blocks(a, units),
        "plots": lambda a: plot_blocks(a, units),
        "recommendations": lambda a: recommendation_blocks(a, units),
        "frontier": lambda a: frontier_blocks(a, units),
        "compromise": compromise_blocks,
    }
    for index, analysis in enumerate(analyses, start=1):
        name = analysis.scenario.name
        wanted = [key for key in PER_SCENARIO_SECTIONS if key in chosen]
        if several and wanted:
            report_sections.append(Section("scenario", f"Scenario {index}: {name}", (), 1, _anchor(f"s{index}")))
        for key in wanted:
            anchor = _anchor(f"s{index}", key) if several else key
            report_sections.append(Section(key, SECTION_TITLES[key], tuple(builders[key](analysis)),
                                           2 if several else 1, anchor))
        require(keeps_going(progress, index * per_scenario, total))
    protocol = protocol_data(scenarios, created_text, chosen, units, include_optimizer)
    if "method" in chosen:
        report_sections.append(Section("method", SECTION_TITLES["method"], tuple(method_blocks(scenarios)), 1, "method"))
    if "protocol" in chosen:
        report_sections.append(Section("protocol", SECTION_TITLES["protocol"],
                                       tuple(protocol_blocks(scenarios, protocol)), 1, "protocol"))
    title = (f"Annotation design report: {scenarios[0].name}" if not several
             else f"Annotation design report: {len(scenarios)} scenarios compared")
    return Report(
        title=title,
        created=created_text,
        sections=tuple(report_sections),
        comparison=comparison_table(analyses, units),
        data=_json_payload(analyses, protocol),
    )


__all__ = [
    "SECTION_KEYS", "SECTION_TITLES", "application_version",
    "build_report", "comparison_table", "flatten_parameters", "normalise_sections",
]
