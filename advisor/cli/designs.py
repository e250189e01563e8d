"""Design subcommands: ``overlap``, adaptive overlap against fixed overlap at equal cost.

``overlap NAME`` evaluates the scenario's adaptive design (or the adaptive version of its fixed
design: one rater fewer first, up to one more) beside the fixed rule of the same expected cost
(partial overlap of the neighbouring whole numbers of raters) and the fixed designs around it.
"""

from __future__ import annotations

import argparse
from typing import Any

from advisor.cli import common
from advisor.units import money


def register(subparsers: Any) -> None:
    """Add ``overlap`` to the command line."""
    parser = common.subcommand(
        subparsers, "overlap",
        "Adaptive overlap (add raters while the votes disagree) against fixed overlap of the same expected cost.",
        _run_overlap,
    )
    parser.add_argument("scenario", metavar="NAME_OR_PATH", help="a stored scenario's name or id, or a JSON file")
    parser.add_argument("--nats", action="store_true", help="information in nats instead of bits")
    parser.add_argument("--json", action="store_true", help="print JSON: adaptive, equal_cost, fixed, gains")


def _run_overlap(args: argparse.Namespace) -> int:
    from advisor.evaluation.evaluate import VERDICT_WORDS
    from advisor.planning.overlap_designs import compare_adaptive

    scenario = common.resolve_scenario(args, args.scenario).scenario
    with common.Progress("evaluating designs") as progress:
        comparison = compare_adaptive(scenario, progress=progress)
    if args.json:
        common.print_json({"scenario": scenario.name, **comparison.to_dict()})
        return 0
    unit = "nats" if args.nats else "bits"
    currency = scenario.campaign.currency
    rows = [[row.role, row.rule, f"{row.expected_raters:.3f}", money(row.cost, currency),
             common.info_unit(row.capacity_nats, args.nats), f"{row.label_error:.4f}", f"{row.achievable:.4f}",
             f"{row.floor:.4f}", VERDICT_WORDS[row.verdict]] for row in comparison.rows]
    print(f"{scenario.name}: adaptive overlap against fixed overlap ({unit} per item)\n")
    common.print_table(["design", "rule", "raters/item", "cost", unit, "label error", "achievable", "floor",
                        "verdict"], rows)
    print(f"\n{comparison.message}")
    return 0
