"""Recommendation subcommands: ``recommend``, ``solve`` and ``optimize``.

``recommend NAME`` prints the diagnosis and the ranked levers; ``solve NAME
--for X`` the value of one unknown that just meets the target; ``optimize
NAME`` the cheapest design under the constraints and the Pareto frontier of
cost against the risk floor. Each takes ``--json``. Long work shows progress on
standard error (:class:`advisor.cli.common.Progress`).
"""

from __future__ import annotations

import argparse
import re
from typing import Any

from advisor.cli import common
from advisor.errors import FormatOptionError
from advisor.units import LN2, MINUS, amount_text, counted, info_in, money, signed_amount_text


def register(subparsers: Any) -> None:
    """Add ``recommend``, ``solve`` and ``optimize`` to the command line."""
    parser = common.subcommand(
        subparsers, "recommend", "Diagnose a scenario and rank the levers that would change it (bits unless --nats).",
        _run_recommend,
    )
    parser.add_argument("scenario", metavar="NAME_OR_PATH", help="a stored scenario's name or id, or a JSON file")
    parser.add_argument("--nats", action="store_true", help="information in nats instead of bits")
    parser.add_argument("--json", action="store_true", help="print the diagnosis and the levers as JSON")

    parser = common.subcommand(
        subparsers, "solve", "Solve for the one value that just meets the target risk, the rest held fixed.", _run_solve
    )
    parser.add_argument("scenario", metavar="NAME_OR_PATH", help="a stored scenario's name or id, or a JSON file")
    parser.add_argument("--for", dest="unknown", required=True, choices=("raters", "seconds", "items", "log2_m", "budget"),
                        help="the unknown: raters per item, seconds per item, items, target bits log2_m, or budget")
    parser.add_argument("--json", action="store_true", help="print JSON (for, value, reachable, best_value, ...)")

    parser = common.subcommand(
        subparsers, "optimize",
        "The cheapest design (raters, time, formats) that meets the target risk, and the cost-floor frontier.",
        _run_optimize,
    )
    parser.add_argument("scenario", metavar="NAME_OR_PATH", help="a stored scenario's name or id, or a JSON file")
    parser.add_argument("--budget", type=float, metavar="X", help="most money to spend (default: the scenario's budget cap)")
    parser.add_argument("--deadline-hours", type=float, metavar="H",
                        help="wall-clock hours available (default: the scenario's); needs raters available")
    parser.add_argument("--raters-available", type=int, metavar="N",
                        help="raters working in parallel (default: the scenario's)")
    parser.add_argument("--max-raters", type=int, metavar="R", help="most raters per item to consider")
    parser.add_argument(
        "--formats", action="append", metavar="QUESTION=FORMAT[,FORMAT...]", default=None,
        help="formats allowed for one question, e.g. 'quality=binary,ordinal(5),ordinal(7)'; repeat per question "
        "(a bare kind such as 'ordinal' allows its usual sizes); unnamed questions get the default alternatives",
    )
    parser.add_argument("--adaptive", action="store_true",
                        help="also try adaptive overlap (more raters only where the votes disagree)")
    parser.add_argument("--save-as", metavar="NAME", help="store the recommended design as a new scenario NAME")
    parser.add_argument("--json", action="store_true", help="print JSON: recommended (scenario JSON) and frontier")


# -------------------------------------------------------------------- helpers
_FORMAT_ITEM = re.compile(r"\s*([a-z_]+(?:\s*\(\s*\d+\s*(?:chars)?\s*\))?)\s*(?:,|$)")


def parse_format_options(values: list[str] | None) -> dict[str, list[str]] | None:
    """``["q=binary,ordinal(5)", ...]`` → ``{"q": ["binary", "ordinal(5)"]}``.

    Raises
    ------
    FormatOptionError
        When an option has no ``=`` or no format.
    """
    if not values:
        return None
    options: dict[str, list[str]] = {}
    for value in values:
        name, separator, formats = value.rpartition("=")
        if not separator or not name.strip():
            raise FormatOptionError(f"--formats: expected QUESTION=FORMAT[,FORMAT...], got {value!r}")
        items = [m.group(1).replace(" ", "") for m in _FORMAT_ITEM.finditer(formats) if m.group(1)]
        if not items or "".join(items) != re.sub(r"[\s,]", "", formats):
            raise FormatOptionError(
                f"--formats: cannot read the formats {formats!r} for {name.strip()!r}; write e.g. binary,ordinal(5)"
            )
        options[name.strip()] = items
    return options


def _record(args: argparse.Namespace, what: str, resolved: common.ResolvedScenario, result: dict[str, Any],
            detail: dict[str, Any]) -> None:
    """Record the analysis in the protocol (see :mod:`advisor.storage.protocol`)."""
    from advisor.storage.protocol import record_analysis

    source = {"reference": args.scenario, "source": resolved.source, "stored_id": resolved.stored_id,
              "revision": resolved.revision, "content_sha256": resolved.scenario.content_hash()}
    record_analysis(common.open_store(args), what=what, scenario_names=[resolved.scenario.name], result=result,
                    detail={"command": what, "sources": [source], **detail})


def _run_with_progress(label: str, work: Any) -> Any:
    with common.Progress(label) as progress:
        return work(progress)


# ------------------------------------------------------------------- handlers
def _run_recommend(args: argparse.Namespace) -> int:
    from advisor.planning.analysis import analyse
    from advisor.planning.levers import PER_MONEY_SCALE, per_money_text

    scenario = common.resolve_scenario(args, args.scenario).scenario
    analysis = _run_with_progress("evaluating levers", lambda progress: analyse(scenario, progress=progress))
    evaluation, diagnosis, levers = analysis.evaluation, analysis.diagnosis, analysis.levers
    if args.json:
        common.print_json({
            "scenario": scenario.name,
            "diagnosis": diagnosis.to_dict(),
            "levers": [lever.to_dict(unit="bits") for lever in levers],
        })
        return 0
    unit = "nats" if args.nats else "bits"
    print(f"{scenario.name}\n")
    print(diagnosis.verdict)
    print()
    for finding in diagnosis.findings:
        print(f"- {finding}")
    for warning in diagnosis.warnings:
        print(f"warning: {warning}")
    print(f"\nLevers, best first (ranked by the fall of the achievable risk, per money when they cost; "
          f"information in {unit} per item, money in {evaluation.currency}):\n")
    rows = []
    for rank, lever in enumerate(levers, start=1):
        if not lever.applicable:
            rows.append([rank, lever.key, "", "", "", "", "", "", f"n/a: {lever.reason}"])
            continue
        items = "—" if lever.delta_items_needed is None else f"{lever.delta_items_needed:+,}"
        rows.append([
            rank, lever.key, f"{lever.delta_achievable:+.4f}", f"{lever.delta_floor:+.4f}", items,
            f"{info_in(lever.delta_capacity_nats, unit):+.3f}", signed_amount_text(lever.delta_cost).replace(MINUS, "-"),
            per_money_text(lever), "",
        ])
    common.print_table(
        ["#", "lever", "Δachievable", "Δfloor", "Δitems", f"Δ{unit}", "Δcost",
         f"fall of risk per {PER_MONEY_SCALE:,} {evaluation.currency}", "note"],
        rows,
    )
    print()
    for lever in levers:
        if lever.applicable:
            print(f"- {lever.explanation}")
    return 0


def _run_solve(args: argparse.Namespace) -> int:
    from advisor.planning.solve import solve

    resolved = common.resolve_scenario(args, args.scenario)
    scenario = resolved.scenario
    result = _run_with_progress(f"solving for {args.unknown}",
                                lambda progress: solve(scenario, args.unknown, progress=progress))
    _record(args, "solve", resolved, result.to_dict(), {"for": args.unknown})
    if args.json:
        common.print_json(result.to_dict())
        return 0
    rows = [
        ["for", result.unknown],
        ["value", "unreachable" if result.value is None else _value_text(result.unknown, result.value)],
        ["reachable", "yes" if result.reachable else "no"],
    ]
    if not result.reachable:
        rows.append(["best", "none" if result.best_value is None else _value_text(result.unknown, result.best_value)])
    rows.append(["risk", f"{result.best_risk:.4f}"])
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    print(f"\n{result.message}")
    return 0


def _value_text(unknown: str, value: float) -> str:
    if unknown in ("raters", "items"):
        return f"{int(value):,}"
    if unknown == "seconds":
        from advisor.planning.solve import seconds_text  # loaded by the solve that gave the value

        # As the message below it words the time: a time that suffices is rounded up, so it still does.
        return seconds_text(value, "up").removesuffix(" per item")
    if unknown == "log2_m":
        return f"{value:.2f} bits"
    return amount_text(value)


def _run_optimize(args: argparse.Namespace) -> int:
    from advisor.planning.optimize import optimize

    resolved = common.resolve_scenario(args, args.scenario)
    scenario = resolved.scenario
    formats = parse_format_options(args.formats)
    if args.save_as is not None and not args.save_as.strip():
        raise ValueError("--save-as: the name must not be blank")
    result = _run_with_progress(
        "searching designs",
        lambda progress: optimize(
            scenario, budget_cap=args.budget, deadline_hours=args.deadline_hours,
            raters_available=args.raters_available, allowed_formats=formats, max_raters=args.max_raters,
            progress=progress, adaptive=args.adaptive,
        ),
    )
    constraints = {"budget": args.budget, "deadline_hours": args.deadline_hours,
                   "raters_available": args.raters_available, "max_raters": args.max_raters, "formats": formats,
                   "adaptive": args.adaptive}
    _record(args, "optimize", resolved, result.to_dict(), {"constraints": constraints})
    saved = None
    if args.save_as and result.recommended is not None:
        saved = common.open_store(args).create(
            result.recommended.with_changes({"name": args.save_as.strip()}), summary=f"optimised from {scenario.name!r}"
        )
    if args.json:
        data = result.to_dict()
        if saved is not None:
            data["saved"] = {"id": saved.id, "name": saved.name, "revision": saved.revision}
        common.print_json(data)
        return 0
    currency = scenario.campaign.currency
    print(f"{scenario.name}: {result.message}\n")
    if result.recommended is not None:
        design, ev = result.recommended, result.recommended_evaluation
        formats_text = ", ".join(f"{q.name}: {q.format.label()}" for q in design.questions)
        print(f"recommended: {counted(design.raters.per_item, 'rater')} × "
              f"{design.campaign.seconds_per_item:.1f} s per item "
              f"({formats_text})")
        print(f"  cost {money(ev.cost, currency)}, {ev.rater_hours:,.0f} rater-hours, floor {ev.floor:.4f}, "
              f"ceiling {ev.ceiling:.4f}, {ev.capacity_nats / LN2:.3f} bits per item\n")
    rows = [
        [amount_text(p.cost), f"{p.floor:.4f}", f"{p.ceiling:.4f}", f"{p.capacity_nats / LN2:.3f}", p.raters,
         f"{p.seconds_per_item:.1f}", ", ".join(p.formats)]
        for p in result.frontier
    ]
    print(f"Frontier: cost against the risk floor ({len(rows)} designs of {result.evaluated:,} evaluated)\n")
    common.print_table([f"cost ({currency})", "floor", "ceiling", "bits", "raters", "seconds", "formats"], rows)
    if saved is not None:
        print(f"\nsaved as {saved.name!r} (id {saved.id})")
    elif args.save_as:
        print("\nnothing saved: no design meets the target")
    return 0
