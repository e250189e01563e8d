"""The protocol: an entry for every report or data export written, and for every
analysis (solve-for, optimisation, an applied lever).

The protocol (:meth:`advisor.storage.store.ScenarioStore.record_export`) began as the
list of written reports; like G*Power's protocol of power analyses it also
keeps every analysis whose result someone may act on. An analysis writes no
file, so its entry has an empty path and, as its SHA-256, the hash of the
result's canonical JSON (kept in the entry's detail), so that the recorded
result can be checked against the hash later.

:class:`~advisor.storage.store.ScenarioStore` checks a new entry with
:func:`new_export_row` before it opens a transaction, then stores it with
:func:`insert_export`; :func:`record_analysis` writes an analysis's entry
through the store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor.storage.db_models import ExportRow
from advisor.storage.records import ExportRecord
from advisor.storage.stored_values import json_text, utc_now

ANALYSIS_FORMAT = "json"
"""The format of an analysis entry: its result is JSON data in the detail."""

NO_FILE = ""
"""The path of an entry that wrote no file."""


def result_sha256(result: Any) -> str:
    """SHA-256 of ``result`` as canonical JSON (sorted keys, no spaces), 64 hex digits."""
    canonical = json.dumps(result, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def is_analysis(path: str) -> bool:
    """True for a protocol entry of an analysis (it wrote no file)."""
    return path == NO_FILE


def record_analysis(store: Any, *, what: str, scenario_names: Sequence[str], result: dict[str, Any],
                    detail: dict[str, Any] | None = None) -> int:
    """Write a protocol entry for an analysis; returns its id.

    Parameters
    ----------
    store
        An :class:`advisor.storage.store.ScenarioStore`.
    what
        The analysis: ``"solve"``, ``"optimize"``, ``"lever"`` (1 to 100 characters).
    scenario_names
        The scenarios analysed.
    result
        The result as JSON data (finite numbers only); stored in the detail
        under ``"result"`` and hashed into the entry's SHA-256.
    detail
        Anything else worth keeping (the command, where the scenario came
        from, its content hash).
    """
    return store.record_export(
        what=what, scenario_names=list(scenario_names), fmt=ANALYSIS_FORMAT, path=NO_FILE,
        sha256=result_sha256(result), detail={**(detail or {}), "result": result},
    )


def new_export_row(
    *, what: str, scenario_names: Sequence[str], fmt: str, path: str, sha256: str, detail: dict[str, Any]
) -> ExportRow:
    """A protocol entry's row, checked, not yet stored (no id and no time stamp).

    The parameters are those of :meth:`advisor.storage.store.ScenarioStore.record_export`.

    Raises
    ------
    ValueError
        For ``what`` or ``fmt`` of another length, a SHA-256 that is not 64
        hexadecimal digits, or names or detail that are not JSON data.
    """
    what, fmt = what.strip(), fmt.strip().lower()
    if not 1 <= len(what) <= 100:
        raise ValueError(f"what: must have 1 to 100 characters, got {what!r}")
    if not 1 <= len(fmt) <= 20:
        raise ValueError(f"fmt: must have 1 to 20 characters, got {fmt!r}")
    digest = sha256.strip().lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise ValueError(f"sha256: must be 64 hexadecimal digits, got {sha256!r}")
    names_json = json_text([str(n) for n in scenario_names], "scenario_names")
    detail_json = json_text(dict(detail), "detail")
    return ExportRow(
        what=what, scenario_names_json=names_json, fmt=fmt, path=str(path), sha256=digest, detail_json=detail_json,
    )


def insert_export(session: Session, row: ExportRow) -> int:
    """Store a row from :func:`new_export_row`, stamped now; returns its id."""
    row.created = utc_now()
    session.add(row)
    session.flush()
    return row.id


def export_records(session: Session, limit: int) -> list[ExportRecord]:
    """The newest ``limit`` protocol entries, newest first."""
    rows = session.scalars(select(ExportRow).order_by(ExportRow.created.desc(), ExportRow.id.desc()).limit(limit)).all()
    return [
        ExportRecord(
            id=row.id, created=row.created, what=row.what, scenario_names=tuple(json.loads(row.scenario_names_json)),
            fmt=row.fmt, path=row.path, sha256=row.sha256, detail=json.loads(row.detail_json),
        )
        for row in rows
    ]
