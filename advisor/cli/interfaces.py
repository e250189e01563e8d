"""``import-interface``: a scenario from a Label Studio, Argilla or SageMaker config."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from advisor.cli import common
from advisor.importers import FORMATS, ImportResult, import_interface


def register(subparsers: Any) -> None:
    """Add ``import-interface`` to the command line."""
    parser = common.subcommand(
        subparsers,
        "import-interface",
        "Build a scenario from a labeling-interface config (Label Studio XML, Argilla 2.x settings JSON, "
        "SageMaker Ground Truth HumanTaskConfig JSON) and list what could not be mapped.",
        _run_import_interface,
    )
    parser.add_argument("file", metavar="FILE", help="the interface config file")
    parser.add_argument(
        "--format",
        choices=("auto", *FORMATS),
        default="auto",
        help="the config's format (default: auto, from the content)",
    )
    parser.add_argument("--name", help="scenario name (default: the file name without its extension)")
    parser.add_argument("--json", action="store_true", help="print the scenario JSON with a 'warnings' list")
    parser.add_argument("--save", action="store_true", help="also store the scenario in the database")


def _run_import_interface(args: argparse.Namespace) -> int:
    result = import_interface(args.file, format=args.format, name=args.name)
    stored = (
        common.open_store(args).create(result.scenario, summary=f"imported from {result.format} config {result.source}")
        if args.save
        else None
    )
    if args.json:
        common.print_json(result.to_dict())
        if stored is not None:
            # Standard output stays the scenario JSON, so the note goes to stderr.
            print(f"saved as scenario {stored.id} ({result.scenario.name!r})", file=sys.stderr)
        return 0
    _print_summary(result)
    if stored is not None:
        print(f"\nSaved as scenario {stored.id} ({result.scenario.name!r}).")
    return 0


def _print_summary(result: ImportResult) -> None:
    scenario = result.scenario
    print(
        f"{result.source} ({result.format}) → scenario {scenario.name!r}: "
        f"{len(scenario.questions)} question(s), {len(result.warnings)} warning(s)\n"
    )
    rows = [
        [question.name, question.format.label(), "auto" if question.time_share is None else f"{question.time_share:g}"]
        for question in scenario.questions
    ]
    common.print_table(["question", "format", "time share"], rows)
    campaign = scenario.campaign
    print(
        f"\nraters per item: {scenario.raters.per_item}   seconds per item: {campaign.seconds_per_item:g}   "
        f"wage per hour: {campaign.wage_per_hour:.4g} {campaign.currency}   items: {campaign.items}"
    )
    if result.warnings:
        print("\nWarnings:")
        for warning in result.warnings:
            print(f"  [{warning.kind}] {warning}")
