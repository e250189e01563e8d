"""Report subcommands: ``report`` writes a recommendation report, ``protocol``
lists the recorded exports.

``report NAME_OR_PATH... --format html|pdf|md|json|csv -o PATH`` builds one
report for the named scenarios (stored names or ids, or scenario JSON files;
several are compared), writes it atomically and records a protocol entry
(what, when, where, SHA-256) in the database. ``protocol`` lists those
entries, newest first; with ``--verify`` it also checks that each file is
still there with the same hash.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path
from typing import Any

from advisor.cli import common
from advisor.files.output_paths import check_output_path, database_file
from advisor.report.model import FORMATS, SECTION_KEYS


def register(subparsers: Any) -> None:
    """Add ``report`` and ``protocol`` to the command line."""
    parser = common.subcommand(
        subparsers, "report",
        "Write a recommendation report (HTML, PDF, Markdown, JSON or CSV) for one or more scenarios and record it "
        "in the protocol.",
        _run_report,
    )
    parser.add_argument("scenarios", nargs="+", metavar="NAME_OR_PATH",
                        help="stored scenario names or ids, or scenario JSON files; several are compared")
    parser.add_argument("-f", "--format", dest="fmt", choices=FORMATS, metavar="FORMAT",
                        help=f"one of {', '.join(FORMATS)} (default: from the output file's suffix)")
    parser.add_argument("-o", "--output", required=True, metavar="PATH", help="the file to write (a regular file is replaced; never the database, a link or a pipe)")
    parser.add_argument("--sections", action="append", metavar="LIST",
                        help=f"only these sections, comma-separated: {', '.join(SECTION_KEYS)} (default: all)")
    parser.add_argument("--no-optimizer", action="store_true",
                        help="skip the optimiser (and the frontier section): much faster")
    parser.add_argument("--nats", action="store_true", help="information in nats instead of bits")

    parser = common.subcommand(subparsers, "protocol", "List the recorded report exports, newest first.", _run_protocol)
    parser.add_argument("--limit", type=int, default=50, metavar="N", help="show at most N entries (default 50)")
    parser.add_argument("--verify", action="store_true",
                        help="check that each file still exists with the recorded SHA-256")
    parser.add_argument("--json", action="store_true", help="print JSON")


def _sections(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _run_report(args: argparse.Namespace) -> int:
    # Imported here: building reports loads matplotlib and reportlab, which no other command needs.
    from advisor.report.export import export_report, format_from_path, normalise_format

    fmt = normalise_format(args.fmt) if args.fmt else format_from_path(args.output)
    if fmt is None:
        raise ValueError(f"--format: cannot tell the format from {args.output!r}; give --format ({', '.join(FORMATS)})")
    named = format_from_path(args.output)
    if named is not None and named != fmt:
        # A Markdown report written to "x.pdf" opens as a broken PDF.
        raise ValueError(f"{args.output}: the file name says {named}, --format says {fmt}; rename the file or "
                         "leave --format out")
    # Refused before anything is built: the open database, its sidecars and
    # backups, and existing links, pipes, devices and folders are never replaced.
    output = check_output_path(args.output, database_path=database_file(getattr(args, "db", None)))
    resolved = [common.resolve_scenario(args, reference) for reference in args.scenarios]
    sources = [
        {"reference": reference, "source": item.source, "stored_id": item.stored_id, "revision": item.revision}
        for reference, item in zip(args.scenarios, resolved)
    ]
    store = common.open_store(args)
    with common.Progress("building the report") as progress:
        info = export_report(
            [item.scenario for item in resolved], fmt, output, store=store, sections=_sections(args.sections),
            include_optimizer=not args.no_optimizer, progress=progress, unit="nats" if args.nats else "bits",
            detail={"sources": sources, "command": "report"},
        )
    print(f"wrote {info.path} ({info.fmt}, {info.size_bytes:,} bytes)")
    print(f"sha256 {info.sha256}")
    if info.extra_files:
        print(f"wrote {len(info.extra_files)} figures into {info.extra_files[0].parent}")
    print(f"protocol entry {info.record_id}")
    return 0


def _file_status(path: str, sha256: str) -> str:
    if not path:
        return "no file"  # an analysis (solve, optimize, lever): its result is in the entry
    file = Path(path)
    if not file.is_file():
        return "missing"
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return "ok" if digest.hexdigest() == sha256 else "changed"


def _run_protocol(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= 10_000:
        raise ValueError(f"--limit must be from 1 to 10000, got {args.limit}")
    records = common.open_store(args).list_exports(limit=args.limit)
    statuses = [_file_status(r.path, r.sha256) if args.verify else None for r in records]
    if args.json:
        common.print_json([
            {"id": r.id, "created": r.created.isoformat(), "what": r.what, "format": r.fmt,
             "scenarios": list(r.scenario_names), "path": r.path, "sha256": r.sha256, "detail": r.detail,
             **({"status": status} if status is not None else {})}
            for r, status in zip(records, statuses)
        ])
        return 0
    if not records:
        print("no exports recorded yet")
        return 0
    headers = ["id", "when (UTC)", "what", "format", "scenarios", "path", "sha256"]
    if args.verify:
        headers.append("file")
    rows = []
    for record, status in zip(records, statuses):
        row = [record.id, record.created.strftime("%Y-%m-%d %H:%M:%S"), record.what, record.fmt,
               "; ".join(record.scenario_names), record.path, record.sha256[:16]]
        if status is not None:
            row.append(status)
        rows.append(row)
    common.print_table(headers, rows)
    return 1 if any(status in ("missing", "changed") for status in statuses) else 0
