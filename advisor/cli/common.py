"""What every subcommand shares: the database option, resolving a scenario
reference, one-line errors, progress on standard error, number formatting."""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, TextIO

from advisor.errors import ScenarioNotFoundError
from advisor.scenario.schema import Scenario, load_scenario_file
from advisor.units import info_text



def app_version() -> str:
    """The installed distribution's version."""
    try:
        return metadata.version("annotation-advisor")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def add_db_option(parser: argparse.ArgumentParser, *, on_subcommand: bool = False) -> None:
    """``--db URL``: any SQLAlchemy URL or a file path; default: ANNOTATION_ADVISOR_DB or the user data dir."""
    parser.add_argument(
        "--db",
        metavar="URL",
        default=argparse.SUPPRESS if on_subcommand else None,
        help="database: an SQLAlchemy URL (sqlite:///file.db, postgresql+psycopg://...) or a file path; "
        "default: $ANNOTATION_ADVISOR_DB, else the app's data folder",
    )


def subcommand(subparsers: Any, name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
    """Add a subcommand that also accepts ``--db`` after its name."""
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    add_db_option(parser, on_subcommand=True)
    parser.set_defaults(handler=handler)
    return parser


def fail(message: str) -> None:
    """Print one line on standard error."""
    text = " ".join(str(message).split())
    print(f"annotation-advisor: error: {text}", file=sys.stderr)


def open_store(args: argparse.Namespace):
    """The scenario store selected by ``--db`` (opened once per command)."""
    store = getattr(args, "_store", None)
    if store is None:
        from advisor.storage.store import ScenarioStore

        store = ScenarioStore.open(getattr(args, "db", None))
        args._store = store
    return store


def close_store(args: argparse.Namespace) -> None:
    store = getattr(args, "_store", None)
    if store is not None:
        store.close()
        args._store = None


@dataclass(frozen=True)
class ResolvedScenario:
    """A scenario named on the command line, and where it came from."""

    scenario: Scenario
    source: str  # "file" or "database"
    stored_id: int | None = None
    revision: int | None = None


def looks_like_path(reference: str) -> bool:
    return reference.endswith(".json") or "/" in reference or Path(reference).is_file()


def resolve_scenario(args: argparse.Namespace, reference: str) -> ResolvedScenario:
    """A JSON file path or the name (or numeric id) of a stored scenario.

    Raises
    ------
    ScenarioNotFoundError
        When it is neither.
    """
    path = Path(reference)
    if path.is_file() or reference.endswith(".json"):
        if not path.is_file():
            raise ScenarioNotFoundError(f"{reference}: no such file")
        return ResolvedScenario(load_scenario_file(path), "file")
    # A name may contain "/" ("A/B test"): only a missing file that could not
    # be a name is reported as a missing file.
    try:
        stored = open_store(args).get(reference)
    except ScenarioNotFoundError as error:
        if path.is_dir():
            raise ScenarioNotFoundError(f"{reference}: a folder, not a scenario file, and {error}") from None
        if looks_like_path(reference):
            raise ScenarioNotFoundError(f"{reference}: no such file, and {error}") from None
        raise
    return ResolvedScenario(stored.scenario, "database", stored.id, stored.revision)


def print_json(data: Any, stream: TextIO | None = None) -> None:
    """Pretty JSON on standard output (finite numbers only)."""
    json.dump(data, stream or sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
    (stream or sys.stdout).write("\n")


def info_unit(nats: float, use_nats: bool) -> str:
    """A capacity in the chosen unit, 3 decimals."""
    return info_text(nats, "nats" if use_nats else "bits")


def print_table(headers: list[str], rows: list[list[Any]], stream: TextIO | None = None) -> None:
    """A plain-text table with right-aligned numbers."""
    stream = stream or sys.stdout
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h) for i, h in enumerate(headers)]
    # Numbers are right-aligned among themselves: across the column where it holds only numbers,
    # else within the widest number (a column of short numbers beside a long list, as pilot apply's
    # "after", had its numbers pushed 70 columns from their labels).
    aligned = [width if all(_numeric(r[i]) or r[i] in ("", "—") for r in cells)
               else max((len(r[i]) for r in cells if _numeric(r[i])), default=0)
               for i, width in enumerate(widths)]

    def line(values: list[str], header: bool = False) -> str:
        out = []
        for value, width, within in zip(values, widths, aligned):
            out.append(value.rjust(within).ljust(width) if not header and _numeric(value) else value.ljust(width))
        return "  ".join(out).rstrip()

    print(line(headers, header=True), file=stream)
    print("  ".join("-" * w for w in widths), file=stream)
    for row in cells:
        print(line(row), file=stream)


def _numeric(value: str) -> bool:
    """Whether a table cell is a number (signed, with a decimal point or thousands separators)."""
    unsigned = value[1:] if value[:1] in ("+", "-", "−") else value
    return unsigned.replace(".", "", 1).replace(",", "").isdigit()


class Progress:
    """Progress on standard error for work that takes more than a second.

    Nothing is printed until one second has passed, so quick commands stay
    quiet; on a terminal the line is redrawn, elsewhere a line every few
    seconds.

    Parameters
    ----------
    label
        What is being done, e.g. ``"evaluating designs"``.
    total
        Number of steps, or None when unknown.
    """

    def __init__(self, label: str, total: int | None = None, stream: TextIO | None = None):
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self.last_print = 0.0
        self.printed = False
        self.width = 0  # the longest line drawn, which a redrawn line covers

    def __call__(self, done: int, total: int | None = None) -> bool:
        """Report ``done`` steps; returns True (never cancels) so it can be a callback."""
        total = total if total is not None else self.total
        now = time.monotonic()
        if now - self.started < 1.0:
            return True
        tty = self.stream.isatty()
        if not tty and now - self.last_print < 5.0:
            return True
        self.last_print = now
        text = f"{self.label}: {done}" + (f"/{total} ({100 * done / max(total, 1):.0f} %)" if total else "")
        text += f", {now - self.started:.1f} s"
        self.stream.write(("\r" + text.ljust(self.width)) if tty else (text + "\n"))
        self.stream.flush()
        self.printed = True
        self.width = max(self.width, len(text))
        return True

    def close(self, *, finished: bool = True) -> None:
        """End the progress lines: once any was printed, a last one says the work is done (the
        steps' total is often an upper bound, so the last count may stop short of it)."""
        if not self.printed:
            return
        tty = self.stream.isatty()
        if finished:
            text = f"{self.label}: done, {time.monotonic() - self.started:.1f} s"
            self.stream.write(("\r" + text.ljust(self.width) + "\n") if tty else (text + "\n"))
        elif tty:
            self.stream.write("\n")
        self.stream.flush()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        self.close(finished=kind is None)
