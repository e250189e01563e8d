"""Scenario subcommands: ``list``, ``show``, ``new``, ``set``, ``evaluate``, ``history``,
``restore``, ``delete``, ``undelete``, ``export``, ``import``, ``db check``,
``db backup`` and ``schema``.

Every handler checks its input (files, examples, names) before it writes, so a
bad input leaves the database and the files as they were; the main of
:mod:`advisor.cli` prints the error on one line and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from advisor.cli import common
from advisor.errors import ScenarioNotFoundError
from advisor.scenario.schema import (
    Scenario,
    example_scenarios,
    examples_dir,
    json_schema,
    load_scenario_file,
    save_scenario_file,
)
from advisor.units import clip, money

Result = TypeVar("Result")


def register(subparsers: Any) -> None:
    """Add the scenario subcommands to the command line."""
    parser = common.subcommand(subparsers, "list", "List stored scenarios, newest first.", _run_list)
    parser.add_argument("--search", default="", metavar="TEXT", help="only scenarios whose name, notes or tags contain TEXT")
    parser.add_argument("--tag", metavar="TAG", help="only scenarios with this tag")
    parser.add_argument("--order", choices=("updated", "name", "created"), default="updated", help="sort key (default: updated)")
    parser.add_argument("--limit", type=int, default=100, metavar="N", help="show at most N (default 100)")
    parser.add_argument("--deleted", action="store_true", help="also list deleted scenarios")
    parser.add_argument("--json", action="store_true", help="print JSON")

    parser = common.subcommand(subparsers, "show", "Show a stored scenario or a scenario JSON file.", _run_show)
    parser.add_argument("scenario", metavar="NAME_OR_PATH", help="a stored scenario's name or id, or a JSON file")
    parser.add_argument("--json", action="store_true", help="print the scenario JSON")

    parser = common.subcommand(subparsers, "new", "Store a new scenario from an example or a JSON file.", _run_new)
    parser.add_argument("name", metavar="NAME", help="name of the new scenario")
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-example", metavar="EXAMPLE", help="an example's name or file name ('--from-example list' lists them)")
    source.add_argument("--from-json", metavar="FILE", help="a scenario JSON file")
    parser.add_argument("--set", dest="assignments", action="append", default=[], metavar="FIELD=VALUE",
                        help="change a field of the copy, e.g. raters.per_item=3 or questions.0.format.k=7 "
                        "(VALUE is read as JSON when it can be, else as text); repeat for more fields")

    parser = common.subcommand(
        subparsers, "set", "Change fields of a stored scenario, stored as one new revision.", _run_set
    )
    parser.add_argument("scenario", metavar="NAME", help="a stored scenario's name or id")
    parser.add_argument("assignments", nargs="+", metavar="FIELD=VALUE",
                        help="e.g. campaign.seconds_per_item=45 tags='[\"pilot\"]' (VALUE is read as JSON when it "
                        "can be, else as text; the fields are those of 'schema')")

    parser = common.subcommand(
        subparsers, "evaluate", "Capacities, the risk interval and cost of a scenario (bits unless --nats).", _run_evaluate
    )
    parser.add_argument("scenario", metavar="NAME_OR_PATH", help="a stored scenario's name or id, or a JSON file")
    parser.add_argument("--nats", action="store_true", help="information in nats instead of bits")
    parser.add_argument("--json", action="store_true", help="print the full evaluation as JSON (nats, with curves)")

    parser = common.subcommand(subparsers, "history", "List the revisions of a stored scenario.", _run_history)
    parser.add_argument("scenario", metavar="NAME", help="a stored scenario's name or id")
    parser.add_argument("--json", action="store_true", help="print JSON")

    parser = common.subcommand(
        subparsers, "restore", "Make an old revision of a stored scenario its newest revision.", _run_restore
    )
    parser.add_argument("scenario", metavar="NAME", help="a stored scenario's name or id")
    parser.add_argument("revision", metavar="REVISION", type=int, help="the revision to bring back (see 'history')")

    parser = common.subcommand(subparsers, "delete", "Delete a stored scenario (undo with 'undelete ID').", _run_delete)
    parser.add_argument("scenario", metavar="NAME", help="a stored scenario's name or id")

    parser = common.subcommand(subparsers, "undelete", "Bring back a deleted scenario.", _run_undelete)
    parser.add_argument("id", metavar="ID", type=int, help="the id printed by 'delete' (or 'list --deleted')")

    parser = common.subcommand(subparsers, "export", "Write a scenario as JSON (to standard output without -o).", _run_export)
    parser.add_argument("scenario", metavar="NAME_OR_PATH", help="a stored scenario's name or id, or a JSON file")
    parser.add_argument("-o", "--output", metavar="FILE.json", help="the file to write (replaced if it exists)")

    parser = common.subcommand(subparsers, "import", "Store a scenario JSON file as a new scenario.", _run_import)
    parser.add_argument("file", metavar="FILE.json", help="a scenario JSON file")
    parser.add_argument("--name", metavar="NEW", help="store it under this name instead of the one in the file")

    parser = common.subcommand(subparsers, "db", "Check or back up the scenario database.", _run_db_help)
    actions = parser.add_subparsers(dest="db_action", metavar="ACTION")
    common.subcommand(actions, "check", "Look for problems in the database (exit status 1 if any).", _run_db_check)
    backup = common.subcommand(actions, "backup", "Copy the SQLite database to a file.", _run_db_backup)
    backup.add_argument("path", nargs="?", metavar="PATH", help="the copy (default: a timestamped file beside the database)")
    backup.add_argument("-o", "--output", metavar="PATH", help="the same as PATH")
    parser.set_defaults(db_parser=parser)

    common.subcommand(subparsers, "schema", "Print the JSON Schema of scenario files.", _run_schema)


# -------------------------------------------------------------------- helpers
def _time(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value is not None else ""


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {key: (value.isoformat() if isinstance(value, datetime) else list(value) if isinstance(value, tuple) else value)
            for key, value in data.items()}


def _find_example(reference: str) -> Scenario:
    """An example by scenario name (any case) or file name (with or without .json)."""
    wanted = reference.strip().lower()
    for path in sorted(examples_dir().glob("*.json")):
        if wanted in (path.stem.lower(), path.name.lower()):
            return load_scenario_file(path)
    for scenario in example_scenarios():
        if scenario.name.lower() == wanted:
            return scenario
    available = ", ".join(repr(path.stem) for path in sorted(examples_dir().glob("*.json")))
    raise ScenarioNotFoundError(f"no example named {reference!r}; the examples are {available}")


def _with_progress(label: str, work: Callable[[], Result]) -> Result:
    """Run ``work`` while a progress line appears if it takes over a second."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = work()
        except BaseException as error:  # handed to the main thread, which raises it
            outcome["error"] = error

    # A daemon thread, so that Ctrl-C ends the command without waiting for it.
    worker = threading.Thread(target=target, name=label, daemon=True)
    worker.start()
    with common.Progress(label) as progress:
        ticks = 0
        while worker.is_alive():
            worker.join(0.2)
            ticks += 1
            progress(ticks)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


# ------------------------------------------------------------------- handlers
LIST_NAME_CHARS = 60
"""Longest name ``list`` prints whole in its table (names have up to 200 characters)."""


def _run_list(args: argparse.Namespace) -> int:
    if args.limit < 1:
        # 0 would list nothing and look like an empty database.
        raise ValueError(f"--limit must be 1 or more, got {args.limit}")
    store = common.open_store(args)
    summaries = store.list(search=args.search, tag=args.tag, order_by=args.order, limit=args.limit, include_deleted=args.deleted)
    if args.json:
        common.print_json([_jsonable(asdict(summary)) for summary in summaries])
        return 0
    if not summaries:
        print("no scenarios found" + (" (try without --search/--tag)" if args.search or args.tag else ""))
        return 0
    rows = [
        # A long name is cut in the table (the id names the scenario as well; --json has it whole).
        [s.id, clip(s.name, LIST_NAME_CHARS) + (" (deleted)" if s.deleted else ""), s.revision, _time(s.updated),
         ", ".join(s.tags), clip(s.notes_excerpt, 60)]
        for s in summaries
    ]
    common.print_table(["id", "name", "rev", "updated", "tags", "notes"], rows)
    total = store.count(search=args.search, tag=args.tag, include_deleted=args.deleted)
    if total > len(summaries):
        print(f"({len(summaries)} of {total} shown; raise --limit to see more)")
    return 0


def _run_show(args: argparse.Namespace) -> int:
    resolved = common.resolve_scenario(args, args.scenario)
    scenario = resolved.scenario
    if args.json:
        common.print_json(scenario.to_dict())
        return 0
    origin = (
        f"file {args.scenario}" if resolved.source == "file" else f"stored scenario {resolved.stored_id}, revision {resolved.revision}"
    )
    target, raters, campaign = scenario.target, scenario.raters, scenario.campaign
    print(f"{scenario.name}  ({origin})")
    if scenario.tags:
        print(f"tags: {', '.join(scenario.tags)}")
    if scenario.notes:
        print(f"notes: {scenario.notes}")
    print(f"target: log2 M = {target.log2_m:g} bits, separation {target.separation:g}, target risk {target.target_risk:g}")
    print(
        f"raters: {raters.per_item} per item, correlation {raters.correlation:g}, discriminability {raters.discriminability:g}, "
        f"accrual {raters.accrual_rate:g}/s, base time {raters.base_time:g} s, reading {raters.reading_wpm:g} wpm"
    )
    print(
        f"campaign: {campaign.items:,} items × {campaign.seconds_per_item:g} s, {campaign.currency} {campaign.wage_per_hour:g}/h "
        f"+ {100 * campaign.platform_fee:g} % fee"
    )
    print()
    common.print_table(
        ["context", "weight", "difficulty", "reading words"],
        [[c.name, f"{w:.2f}", f"{c.difficulty:g}", f"{c.reading_words:g}"] for c, w in zip(scenario.contexts, scenario.context_weights)],
    )
    print()
    common.print_table(
        ["question", "format", "time share", "slip rate"],
        [
            [q.name, q.format.label(), "auto" if q.time_share is None else f"{q.time_share:g}", f"{q.slip_rate:g}"]
            for q in scenario.questions
        ],
    )
    return 0


def _run_new(args: argparse.Namespace) -> int:
    if args.from_example == "list":
        for example in example_scenarios():
            print(example.name)
        return 0
    if args.from_example is not None:
        source, origin = _find_example(args.from_example), f"example {args.from_example!r}"
    else:
        source, origin = load_scenario_file(args.from_json), f"file {Path(args.from_json).name}"
    changes = parse_assignments(args.assignments, option="--set ")
    scenario = source.with_changes({"name": args.name, **changes})
    summary = f"created from {origin}" + (f"; set {', '.join(changes)}" if changes else "")
    stored = common.open_store(args).create(scenario, summary=summary)
    print(f"created scenario {stored.name!r} (id {stored.id}, revision {stored.revision}) from {origin}")
    return 0


def parse_assignments(values: list[str], *, option: str = "") -> dict[str, Any]:
    """``["raters.per_item=3", "notes=pilot run"]`` → ``{"raters.per_item": 3, "notes": "pilot run"}``.

    A value is read as JSON when it parses (numbers, true/false/null, lists,
    quoted strings), otherwise kept as text. The last assignment of a field wins.

    Raises
    ------
    ValueError
        When an assignment has no ``=`` or no field name.
    """
    changes: dict[str, Any] = {}
    for value in values:
        field, separator, text = value.partition("=")
        if not separator or not field.strip():
            raise ValueError(f"{option}expected FIELD=VALUE (e.g. raters.per_item=3), got {value!r}")
        try:
            parsed: Any = json.loads(text)
        except ValueError:
            parsed = text
        changes[field.strip()] = parsed
    return changes


def _run_set(args: argparse.Namespace) -> int:
    changes = parse_assignments(args.assignments)
    store = common.open_store(args)
    stored = store.get(args.scenario)
    # Validated as a whole before anything is written: one bad field stores nothing.
    scenario = stored.scenario.with_changes(changes)
    saved = store.save(scenario, stored_id=stored.id, base_revision=stored.revision)
    if saved.revision == stored.revision:
        print(f"{saved.name!r} already has these values; nothing stored (revision {saved.revision})")
    else:
        print(f"stored {saved.name!r} revision {saved.revision}: set {', '.join(changes)}")
    return 0


def _run_evaluate(args: argparse.Namespace) -> int:
    scenario = common.resolve_scenario(args, args.scenario).scenario
    from advisor.evaluation.evaluate import evaluate  # numerics load only when there is something to evaluate

    # Curves are only printed in the JSON; the table does without them.
    evaluation = _with_progress("evaluating", lambda: evaluate(scenario, curves=args.json))
    if args.json:
        common.print_json(evaluation.to_dict(unit="nats"))
        return 0
    _print_evaluation(evaluation, use_nats=args.nats)
    return 0


def _print_evaluation(evaluation: Any, *, use_nats: bool) -> None:
    from advisor.report.designs import design_rows

    unit = "nats" if use_nats else "bits"

    def info(nats: float) -> str:
        return common.info_unit(nats, use_nats)

    print(f"{evaluation.scenario_name}: information per item in {unit}\n")
    rows = []
    for context in evaluation.contexts:
        for question in context.questions:
            accuracy = "—" if question.label_accuracy is None else (
                f"{question.label_accuracy:.3f}" + ("" if question.label_accuracy_exact else " (≥)"))
            rows.append([
                context.name, question.name, question.format, info(question.cognitive_nats), info(question.articulation_nats),
                info(question.paper_nats), info(question.cascade_nats),
                info(question.panel_nats) + ("" if question.panel_exact else " (bound)"), accuracy, question.binding_stage,
            ])
    common.print_table(
        ["context", "question", "format", "cognitive", "articulation", "paper min", "cascade", "panel",
         "label accuracy", "binding"], rows
    )
    print()
    needed = evaluation.capacity_needed_nats
    items = evaluation.items_needed

    def count(value: int | None) -> str:
        return "none suffices" if value is None else f"{value:,}"

    summary = [
        ["verdict", evaluation.verdict_text],
        ["capacity C̄", f"{info(evaluation.capacity_nats)} {unit} per item"],
        ["capacity needed", f"{info(needed)} {unit} (gap {info(evaluation.capacity_gap_nats)})"],
        ["risk floor", f"{evaluation.floor:.4f} (paper form {evaluation.floor_paper:.4f}): no design of this capacity does better"],
        ["achievable risk", f"{evaluation.achievable:.4f}: what this design achieves (MAP decoding, codebook "
                            f"{' × '.join(str(n) for n in evaluation.codebook_sizes) or 'none'})"],
        ["label error", f"{evaluation.label_error:.4f} per item (floor {evaluation.label_floor:.4f})"],
        ["items needed", f"at least {count(items.at_least)}, about {count(items.estimate)}, at most "
                         f"{count(items.at_most)} for a {evaluation.model_bits:g}-bit value model"],
        ["risk ceiling", f"{evaluation.ceiling:.4f} ({evaluation.ceiling_form}, {evaluation.items:,} items, from the "
                         f"{evaluation.ceiling_risk_source} risk {evaluation.ceiling_risk:.4f})"],
        ["target risk", f"{evaluation.target_risk:g}"],
        ["cost", f"{money(evaluation.cost, evaluation.currency)} ({evaluation.rater_hours:,.0f} rater-hours)"],
        *([label, text] for label, text in design_rows(evaluation)),
    ]
    width = max(len(label) for label, _ in summary)
    for label, value in summary:
        print(f"{label.ljust(width)}  {value}")
    for warning in evaluation.warnings:
        print(f"\nwarning: {warning}")


def _run_history(args: argparse.Namespace) -> int:
    store = common.open_store(args)
    stored = store.get(args.scenario)
    revisions = store.history(stored.id)
    if args.json:
        common.print_json([_jsonable(asdict(revision)) for revision in revisions])
        return 0
    print(f"{stored.name} (id {stored.id}): {len(revisions)} revision(s), current {stored.revision}\n")
    common.print_table(
        ["rev", "saved", "sha256", "changes"],
        [[r.revision, _time(r.created), r.content_hash[:12], clip(r.summary, 90)] for r in revisions],
    )
    return 0


def _run_restore(args: argparse.Namespace) -> int:
    # The revision printed is read in the transaction of the restore itself:
    # a restore running at the same time cannot make two commands claim one revision.
    restored = common.open_store(args).restore(args.scenario, args.revision)
    if restored.wrote_revision:
        print(f"restored revision {args.revision} of {restored.name!r} as revision {restored.revision}")
    else:
        print(f"{restored.name!r} revision {args.revision} has the same content as the current revision {restored.revision}; nothing to do")
    return 0


def _run_delete(args: argparse.Namespace) -> int:
    store = common.open_store(args)
    stored = store.get(args.scenario)
    store.delete(stored.id)
    print(f"deleted {stored.name!r} (id {stored.id}); undo with: annotation-advisor undelete {stored.id}")
    return 0


def _run_undelete(args: argparse.Namespace) -> int:
    stored = common.open_store(args).undelete(args.id)
    print(f"restored {stored.name!r} (id {stored.id}, revision {stored.revision})")
    return 0


def _run_export(args: argparse.Namespace) -> int:
    scenario = common.resolve_scenario(args, args.scenario).scenario
    if args.output is None:
        sys.stdout.write(scenario.to_json() + "\n")
        return 0
    from advisor.files.output_paths import database_file

    output = save_scenario_file(scenario, args.output, database_path=database_file(getattr(args, "db", None)))
    print(f"wrote {scenario.name!r} to {output}")
    return 0


def _run_import(args: argparse.Namespace) -> int:
    scenario = load_scenario_file(args.file)
    if args.name is not None:
        scenario = scenario.with_changes({"name": args.name})
    stored = common.open_store(args).create(scenario, summary=f"imported from {Path(args.file).name}")
    print(f"imported {stored.name!r} (id {stored.id})")
    return 0


def _run_db_help(args: argparse.Namespace) -> int:
    args.db_parser.print_help(sys.stderr)
    return 2


def _run_db_check(args: argparse.Namespace) -> int:
    from advisor.errors import DamagedSchemaError

    try:
        store = common.open_store(args)
    except DamagedSchemaError as error:  # ours, but tables are missing: a finding, not a usage error
        print(f"database: {getattr(args, 'db', None) or 'the default database'}")
        print(f"{len(error.problems)} problem(s): {error}")
        for problem in error.problems:
            print(f"  schema: {problem}")
        return 1
    with common.Progress("checking scenarios") as progress:
        problems = store.check(progress=progress)
    print(f"database: {store.url}")
    print(f"schema revision: {store.schema_revision}")
    print(f"scenarios: {store.count()} ({store.count(include_deleted=True) - store.count()} deleted)")
    if not problems:
        print("no problems found")
        return 0
    print(f"{len(problems)} problem(s):")
    for problem in problems:
        print(f"  {problem}")
    return 1


def _run_db_backup(args: argparse.Namespace) -> int:
    # The store refuses the database, its working files, anything that exists (a dangling symbolic
    # link included) and non-regular files, as the report exports' output paths do.
    if args.path is not None and args.output is not None and args.path != args.output:
        raise ValueError(f"two copies named: {args.path!r} and -o {args.output!r}; give one")
    path = common.open_store(args).backup(args.output if args.output is not None else args.path)
    print(f"backed up to {path}")
    return 0


def _run_schema(args: argparse.Namespace) -> int:
    common.print_json(json_schema())
    return 0
