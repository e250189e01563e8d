"""The report's ``compromise`` section: the scenario's budget split between raters per item and items.

The split is :func:`advisor.planning.compromise.compromise` at the scenario's budget cap, else at
the cost of its own design, with no cost per item besides the raters and the objective ``both``
(computed once by :func:`advisor.planning.analysis.analyse`). The section says the recommendation,
plots every split (:func:`advisor.report.figures.compromise_figure`) and tabulates it; the JSON
export carries :meth:`~advisor.planning.compromise.CompromiseAnalysis.to_dict` and the CSV's
comparison row the best split.
"""

from __future__ import annotations

from typing import Any

from advisor.evaluation.evaluate import VERDICT_WORDS
from advisor.planning.analysis import Analysis
from advisor.planning.compromise import OBJECTIVE_TITLES, CompromiseAnalysis
from advisor.report import figures
from advisor.report.model import MONEY_FORMAT, Block, Paragraph, Table
from advisor.units import money

COMPARISON_HEADERS = ("compromise budget", "compromise best raters per item", "compromise best items",
                      "compromise best achievable risk")
"""The comparison table's (and the CSV's) columns for the best split."""
COMPARISON_FORMATS = (MONEY_FORMAT, "d", ",d", ".4f")


def _budget_source(analysis: Analysis) -> str:
    return ("the scenario's budget cap" if analysis.scenario.campaign.budget_cap is not None
            else "the cost of the design as given")


def compromise_blocks(analysis: Analysis) -> list[Block]:
    """The recommendation, how to read it, the plot and the table of every split."""
    result = analysis.compromise
    if result is None:
        return [Paragraph(analysis.compromise_note or "The compromise at a fixed budget was not computed.", "note")]
    currency = result.currency
    budget_text = money(result.budget, currency)
    blocks: list[Block] = [
        Paragraph(result.message, "verdict"),
        Paragraph(
            f"A budget of {budget_text} ({_budget_source(analysis)}) buys ⌊B / (r · T/3600 · wage · (1 + fee))⌋ items "
            f"with r raters each. Each split from 1 to {result.max_raters} raters per item is evaluated as a design "
            "of its own: the label error is the MAP decoder's error on one item's r votes; the achievable risk is "
            "the larger of the per-item achievable risk and the value model's error with the items bought "
            "(Gallager's bound, times Δ), so a split meets the target exactly when its achievable risk is at most "
            "the target. The best split has the lowest achievable risk, ties going to fewer raters. When an item "
            "costs nothing but its labels, extra raters never buy the value model more information per unit of "
            "money (I(X; Y₁…Y_r) ≤ r · I(X; Y₁)); they buy label quality."),
        figures.compromise_figure(
            [row.raters for row in result.rows], [row.items for row in result.rows],
            [row.label_error for row in result.rows], [row.achievable for row in result.rows],
            [row.model_error["at_most"] for row in result.rows], best=result.best, target=result.target_risk,
            budget_text=budget_text, objective_text=OBJECTIVE_TITLES[result.objective]),
        Table(
            headers=("raters per item", "items bought", f"cost ({currency})", "label error", "item achievable risk",
                     "model error, at least (Fano)", "model error, at most (Gallager)", "achievable risk",
                     "model needs items, at least", "model needs items, about", "model needs items, at most",
                     "verdict", "best"),
            rows=tuple((row.raters, row.items, row.cost, row.label_error, row.item_achievable,
                        row.model_error["at_least"], row.model_error["at_most"], row.achievable,
                        row.items_needed.at_least, row.items_needed.estimate, row.items_needed.at_most,
                        VERDICT_WORDS[row.verdict],
                        index == result.best) for index, row in enumerate(result.rows)),
            caption=(f"Every split of {budget_text}: risks and errors in [0, 1], cost in {currency}. The model "
                     "columns are the value model's learning error with the items bought and the items it needs at "
                     "the target (empty: no finite number suffices)."),
            formats=("d", ",d", MONEY_FORMAT, ".4f", ".4f", ".4f", ".4f", ".4f", ",d", ",d", ",d", "", ""),
            key="compromise",
        ),
    ]
    if result.note:
        blocks.append(Paragraph(result.note, "note"))
    return blocks


def comparison_cells(analysis: Analysis) -> tuple[Any, ...]:
    """The best split's cells of the comparison table (:data:`COMPARISON_HEADERS`; empty when the
    compromise was not computed)."""
    result: CompromiseAnalysis | None = analysis.compromise
    row = None if result is None else result.best_row
    if result is None or row is None:
        return (None,) * len(COMPARISON_HEADERS)
    return (result.budget, row.raters, row.items, row.achievable)


def compromise_payload(analysis: Analysis) -> dict[str, Any] | None:
    """The JSON export's ``compromise`` entry: the whole analysis, or its error; None when not asked."""
    if analysis.compromise is not None:
        return analysis.compromise.to_dict()
    if analysis.compromise_note:
        return {"error": analysis.compromise_note}
    return None
