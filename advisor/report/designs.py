"""Report blocks and text rows for the designs real campaigns use: adaptive and partial overlap,
gold questions and best–worst scaling.

The numbers are the evaluation's (:class:`advisor.evaluation.results.Evaluation` ``overlap`` and
``gold``); this module only says them, for the report (:mod:`advisor.report.build`) and the
command line (``evaluate``).
"""

from __future__ import annotations

from collections.abc import Sequence

from advisor.evaluation.results import Evaluation
from advisor.evaluation.gold import GOLD_POWER
from advisor.report.model import Block, Formula, KeyValue, KeyValues, Paragraph, Table
from advisor.scenario.schema import Scenario
from advisor.units import money

__all__ = ["design_blocks", "design_input_blocks", "design_rows", "method_design_blocks"]


def _optional(value: float | None, spec: str, missing: str = "—") -> str:
    return missing if value is None else format(value, spec)


def design_rows(evaluation: Evaluation) -> list[tuple[str, str]]:
    """``(label, text)`` rows: the overlap design's expected raters and the gold items' cost and
    yield (none for a fixed design without gold)."""
    rows: list[tuple[str, str]] = []
    overlap = evaluation.overlap
    if overlap is not None:
        per_context = "; ".join(f"{c.name} {c.expected_raters:.3f}" for c in overlap.contexts)
        rows.append(("raters per item", f"{overlap.rule}: {overlap.expected_raters:.3f} on average"
                     + (f" ({per_context})" if len(overlap.contexts) > 1 else "")))
    gold = evaluation.gold
    if gold is not None:
        per_rater = ("" if gold.labels_per_rater is None
                     else f", {gold.labels_per_rater:,.1f} per rater of a pool of {gold.pool:,}")
        rows.append(("gold items", f"{gold.items:,.0f} ({100 * gold.share:g} % of the tasks), {gold.labels:,.0f} gold "
                     f"labels{per_rater}; {money(gold.cost, evaluation.currency)} (labels "
                     f"{money(gold.label_cost, evaluation.currency)}, authoring "
                     f"{money(gold.authoring_cost, evaluation.currency)})"))
        for q in gold.questions:
            spam = ("enter the rater pool for the per-rater numbers" if q.spam_power is None
                    else f"a random rater is flagged with probability {q.spam_power:.3f} (α {gold.false_flag_rate:g})")
            needed = ("no number of gold labels flags a random rater" if q.labels_for_power is None
                      else f"{q.labels_for_power:,} gold labels per rater flag one with {100 * GOLD_POWER:g} %")
            rows.append((f"gold: {q.name}", f"accuracy {q.accuracy:.3f} ± {q.accuracy_se:.4f} pooled, ± "
                         f"{_optional(q.rater_accuracy_se, '.4f')} per rater; λ ± "
                         f"{_optional(q.discriminability_se, '.4f', 'not identified')}; {spam}; {needed}"))
        if gold.discriminability_se is not None:
            rows.append(("gold: λ, all questions", f"± {gold.discriminability_se:.4f} (standard error of the "
                         "discriminability the calibration fits)"))
    return rows


def design_input_blocks(scenario: Scenario) -> list[Block]:
    """The overlap and gold inputs, when they differ from a fixed design without gold."""
    blocks: list[Block] = []
    overlap, gold = scenario.overlap, scenario.gold
    if overlap.mode == "adaptive":
        blocks.append(KeyValues((
            KeyValue("overlap", "adaptive"),
            KeyValue("raters first r₀", str(scenario.raters.per_item)),
            KeyValue("most raters r_max", str(overlap.max_raters)),
            KeyValue("stop rule", f"{overlap.stop_rule} ≥ {overlap.stop_threshold:g}, on {scenario.questions[0].name!r}"),
        ), title="Overlap"))
    elif overlap.mode == "partial":
        blocks.append(KeyValues((
            KeyValue("overlap", "partial"),
            KeyValue("raters r₁", str(scenario.raters.per_item)),
            KeyValue("raters r₂", str(overlap.extra_raters)),
            KeyValue("share with r₂", f"{overlap.extra_share:g}"),
        ), title="Overlap"))
    if gold.share > 0.0:
        blocks.append(KeyValues((
            KeyValue("gold share of the tasks g", f"{gold.share:g}"),
            KeyValue("authoring cost per gold item", money(gold.authoring_cost, scenario.campaign.currency)),
            KeyValue("rater pool", "raters available" if gold.pool_size is None else f"{gold.pool_size:,}"),
            KeyValue("false-flag rate α", f"{gold.false_flag_rate:g}"),
        ), title="Gold questions"))
    return blocks


def design_blocks(evaluation: Evaluation) -> list[Block]:
    """What the overlap design spends per context, and the gold items' table."""
    blocks: list[Block] = []
    overlap = evaluation.overlap
    if overlap is not None:
        top = max(n for c in overlap.contexts for n, _ in c.length_law)
        low = min(n for c in overlap.contexts for n, _ in c.length_law)
        sizes = list(range(low, top + 1))
        rows = []
        for c in overlap.contexts:
            law = dict(c.length_law)
            rows.append((c.name, c.expected_raters, *(law.get(n, 0.0) for n in sizes)))
        blocks.append(Paragraph(
            f"Overlap: {overlap.rule}. Each question's channel is what the decoder sees, the votes together with "
            f"how many raters gave them; the cost counts {overlap.expected_raters:.3f} raters per item on average."))
        blocks.append(Table(
            headers=("context", "expected raters", *(f"P(N = {n})" for n in sizes)),
            rows=tuple(rows),
            caption="The law of the number of raters per item in each context (adaptive: at the first question's "
                    "prior, computed exactly over the vote histograms).",
            formats=("", ".3f", *(".4f" for _ in sizes)), key="overlap",
        ))
    gold = evaluation.gold
    if gold is not None:
        blocks.append(Paragraph(
            f"Gold questions: {gold.items:,.0f} gold items, {gold.labels:,.0f} gold labels, "
            f"{money(gold.cost, evaluation.currency)} (labels {money(gold.label_cost, evaluation.currency)}, "
            f"authoring {money(gold.authoring_cost, evaluation.currency)})."
            + ("" if gold.labels_per_rater is None else f" Each of {gold.pool:,} raters answers "
               f"{gold.labels_per_rater:,.1f} gold labels on average.")))
        blocks.append(Table(
            headers=("question", "accuracy", "chance", "SE pooled", "SE per rater", "SE of λ",
                     "random rater flagged", f"gold labels per rater for {100 * GOLD_POWER:g} %"),
            rows=tuple((q.name, q.accuracy, q.chance, q.accuracy_se, q.rater_accuracy_se, q.discriminability_se,
                        q.spam_power, q.labels_for_power) for q in gold.questions),
            caption=(f"What the gold labels buy: standard errors of the raters' accuracy (pooled over raters, and per "
                     f"rater) and of the discriminability λ (delta method); the probability that a rater answering at "
                     f"random is flagged by the exact binomial test at false-flag rate α = {gold.false_flag_rate:g}, "
                     "and the gold labels per rater that flag one with the stated power."),
            formats=("", ".3f", ".3f", ".4f", ".4f", ".4f", ".3f", ",d"), key="gold",
        ))
    return blocks


def method_design_blocks(scenarios: Sequence[Scenario]) -> list[Block]:
    """Formulas of best–worst scaling, overlap designs and gold questions, for the scenarios that use them."""
    blocks: list[Block] = []
    if any(q.format.kind == "best_worst" for s in scenarios for q in s.questions):
        blocks.append(Formula(
            "P(best = i, worst = j) = ∫ φ(u − μ_i) ∫_{v<u} φ(v − μ_j) Π_{l≠i,j} [Φ(u − μ_l) − Φ(v − μ_l)] dv du;   "
            "C = ln(n(n − 1)) − H(row)",
            "Best–worst scaling of n items: the truth is the order of the tuple (n! values), the answer the pair "
            "(best, worst) (n(n − 1) values). Items of rank r sit at μ_r = span · d′ · (n − 1 − r)/(n − 1) and are "
            "perceived with unit normal noise; a slip moves the pair to another uniformly. Relabelling the items "
            "acts transitively on truths and answers, so the uniform input is optimal and the capacity is exact. "
            "Effort log₂(n(n − 1)) (Hick–Hyman). MaxDiff's closed form exp(v_i − v_j)/Σ exp(v_a − v_b) is the "
            "Gumbel counterpart.",
            "Thurstone 1927; Marley & Louviere 2005; Kiritchenko & Mohammad 2017."))
    if any(s.overlap.mode == "adaptive" for s in scenarios):
        blocks.append(Formula(
            "P((n, c) | x) = Σ over vote orders reaching c without stopping;   E[N] = Σ_x π(x) Σ_n n P(N = n | x)",
            "Adaptive overlap: r₀ raters, one more while the first question's votes are not decisive (top answer's "
            "share or posterior below the threshold), up to r_max. The stopped histogram and its length are the "
            "channel, computed exactly level by level over the histograms (herding included); its capacity, MAP "
            "accuracy and the expected raters follow exactly. The other questions see the same raters: their "
            "channel is the mixture of fixed panels over the law of N. Cost uses E[N].",
            "Wald 1947 (sequential decisions); Sheng, Provost & Ipeirotis 2008."))
    if any(s.overlap.mode == "partial" for s in scenarios):
        blocks.append(Formula(
            "P((n, c) | x) = P(N = n) · P_n(c | x);   I = Σ_n P(n) I_n;   A = Σ_n P(n) A_n",
            "Partial overlap: a share f of the items gets r₂ raters, the rest r₁. The label file says how many "
            "raters an item had, so the decoder knows n: the channel is the mixture with the state known at the "
            "receiver, whose information at any input is the mixture of the panels' informations (a decoder "
            "ignorant of n would see a garbling of it, with less). Its capacity is Σ_n P(n) C_n where one input is "
            "optimal for all panels, and at most that otherwise (computed by Blahut–Arimoto).",
            "Cover & Thomas, §7.5 (channels with state known at the receiver)."))
    if any(s.gold.share > 0.0 for s in scenarios):
        blocks.append(Formula(
            "SE(A) = √(A(1 − A)/n);   SE(λ) = SE(A) / |dA/dλ|;   power = P(Bin(n, 1/answers) ≤ c),  "
            "c = max{c : P(Bin(n, A) ≤ c) ≤ α}",
            "Gold questions: a share g of the tasks with known answers. Each of their labels is a Bernoulli trial of "
            "the rater's accuracy A; the discriminability λ the calibration fits follows by the delta method (the "
            "questions' informations add). A rater answering at random is flagged by the exact binomial test that "
            "flags at most a share α of genuine raters. Cost: the gold labels at the campaign's rate plus the "
            "authoring of each gold item.",
            "Binomial test; delta method."))
    if any(s.overlap.mode != "fixed" or s.gold.share > 0.0 for s in scenarios):
        blocks.append(Paragraph(
            "With an overlap design or gold items the cost is m/(1 − g) · E[N] · T / 3600 · wage · (1 + fee) "
            "+ m g/(1 − g) · authoring cost: the tasks include the gold items, and r is the expected number of "
            "raters per item.", "note"))
    return blocks
