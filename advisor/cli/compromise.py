"""The ``compromise`` subcommand: split a fixed budget between raters per item and items.

``compromise NAME_OR_PATH --budget B [--max-raters R] [--item-cost X] [--objective both|model]``
evaluates the design with r = 1 … R raters per item on the items the budget buys with each
(:func:`advisor.planning.compromise.compromise`) and prints a table of the splits with the best one
marked, or with ``--json`` ``{"budget": B, "rows": [...], "best": <one of the rows>, ...}``.
"""

from __future__ import annotations

import argparse
from typing import Any

from advisor.cli import common
from advisor.units import amount_text, money


def register(subparsers: Any) -> None:
    """Add ``compromise`` to the command line."""
    parser = common.subcommand(
        subparsers, "compromise",
        "Split a fixed budget between raters per item and items: every split from 1 to R raters, evaluated, "
        "and the best one (lowest achievable risk; ties to fewer raters).",
        _run_compromise,
    )
    parser.add_argument("scenario", metavar="NAME_OR_PATH", help="a stored scenario's name or id, or a JSON file")
    parser.add_argument("--budget", type=float, metavar="B",
                        help="money to spend, in the scenario's currency (default: its budget cap, else the cost of "
                        "its own design)")
    parser.add_argument("--max-raters", type=int, metavar="R",
                        help="most raters per item to try, 1 to 100 (default: max(10, twice the scenario's))")
    parser.add_argument("--item-cost", type=float, default=0.0, metavar="X",
                        help="money per item whatever its raters: acquiring, preparing or reviewing it (default 0)")
    parser.add_argument("--objective", choices=("both", "model"), default="both",
                        help="what the best split minimises: 'both' the achievable risk on the item's answers and "
                        "the value model (the verdict's targets; default), 'model' the value model's alone "
                        "(splits it cannot tell apart, by the risk on both)")
    parser.add_argument("--json", action="store_true",
                        help="print JSON: budget, rows (raters, items, label_error, achievable, items_needed, ...), "
                        "best")


def _count(value: int | float | None) -> str:
    return "none" if value is None else f"{value:,.0f}"


def _run_compromise(args: argparse.Namespace) -> int:
    from advisor.evaluation.evaluate import VERDICT_WORDS
    from advisor.planning.compromise import compromise, risk_text

    scenario = common.resolve_scenario(args, args.scenario).scenario
    with common.Progress("evaluating splits") as progress:
        result = compromise(scenario, args.budget, max_raters=args.max_raters, item_cost=args.item_cost,
                            objective=args.objective, progress=progress)
    if args.json:
        common.print_json(result.to_dict())
        return 0
    currency = result.currency
    spend = money(result.budget, currency)
    if result.item_cost > 0:
        spend += f", items at {money(result.item_cost, currency)} each besides their raters"
    print(f"{scenario.name}: compromise at a fixed budget ({spend}; target risk {result.target_risk:g})\n")
    rows = []
    for index, row in enumerate(result.rows):
        needed = row.items_needed
        rows.append([
            row.raters, f"{row.items:,}", amount_text(row.cost), risk_text(row.label_error),
            risk_text(row.item_achievable), risk_text(row.model_error["at_most"]), risk_text(row.achievable),
            f"{_count(needed.at_least)} / {_count(needed.estimate)} / {_count(needed.at_most)}",
            VERDICT_WORDS[row.verdict],
            "<- best" if index == result.best else "",
        ])
    common.print_table(
        ["raters", "items", f"cost ({currency})", "label error", "item risk", "model error <=", "achievable",
         "model needs items (>= / ~ / <=)", "verdict", ""],
        rows,
    )
    print(f"\nachievable: the risk on {'both targets' if result.objective == 'both' else 'the value model'}; "
          "model error <=: Gallager's bound on the value model's error with these items.")
    print(f"\n{result.message}")
    if result.note:
        print(result.note)
    return 0
