"""Pilot datasets stored with the scenarios: each file as imported, with its calibration
summary, under a unique name.

:class:`~advisor.storage.store.ScenarioStore` checks a new pilot with
:func:`new_pilot_row` before it opens a transaction, then calls the session
functions here; rows never leave the session (:class:`~advisor.storage.records.StoredPilot`).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from advisor.errors import ScenarioNotFoundError, ScenarioValidationError
from advisor.storage.db_models import PilotRow
from advisor.storage.messages import not_found_message
from advisor.storage.records import StoredPilot
from advisor.storage.stored_values import json_text, utc_now


def new_pilot_row(name: str, *, source: str, content: bytes, summary: dict[str, Any]) -> PilotRow:
    """A pilot's row, checked, not yet stored (no id and no time stamp).

    Parameters
    ----------
    name
        1 to 200 characters once stripped of surrounding white space.
    source
        Where it came from (file path or description).
    content
        The file's bytes, as imported.
    summary
        Its calibration summary, as JSON data.

    Raises
    ------
    ValueError
        For a name of another length, content that is not bytes, or a
        summary that is not JSON data.
    """
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise ValueError(f"name: a pilot name must have 1 to 200 characters, got {name!r}")
    if not isinstance(content, (bytes, bytearray, memoryview)):
        raise ValueError(f"content: must be bytes, got {type(content).__name__}")
    summary_json = json_text(dict(summary), "summary")
    return PilotRow(name=name, source=str(source), content=bytes(content), summary_json=summary_json)


def insert_pilot(session: Session, row: PilotRow) -> int:
    """Store a row from :func:`new_pilot_row`, stamped now; returns its id.

    Raises
    ------
    ScenarioValidationError
        (field ``name``) when a pilot of that name exists.
    """
    if session.scalar(select(PilotRow.id).where(PilotRow.name == row.name)) is not None:
        raise ScenarioValidationError(
            f"name: a pilot dataset named {row.name!r} already exists; choose another name",
            [("name", f"{row.name!r} is already taken")],
        )
    row.created = utc_now()
    session.add(row)
    session.flush()
    return row.id


def all_pilots(session: Session) -> list[StoredPilot]:
    """Every pilot dataset, newest first."""
    rows = session.scalars(select(PilotRow).order_by(PilotRow.created.desc(), PilotRow.id.desc())).all()
    return [_stored_pilot(row) for row in rows]


def find_pilot(session: Session, name_or_id: str | int) -> StoredPilot:
    """A pilot dataset by id, by name, or by a string of digits that is no name, read as an id.

    Raises
    ------
    ScenarioNotFoundError
        With the closest stored names in the message.
    """
    row = None
    if isinstance(name_or_id, int):
        row = session.get(PilotRow, name_or_id)
    else:
        row = session.scalar(select(PilotRow).where(PilotRow.name == name_or_id.strip()))
        if row is None and name_or_id.strip().isascii() and name_or_id.strip().isdigit():
            row = session.get(PilotRow, int(name_or_id))
    if row is None:
        names = session.scalars(select(PilotRow.name)).all()
        raise ScenarioNotFoundError(not_found_message("pilot dataset", str(name_or_id), names,
                                                      listing="annotation-advisor pilot list"))
    return _stored_pilot(row)


def _stored_pilot(row: PilotRow) -> StoredPilot:
    return StoredPilot(
        id=row.id, name=row.name, source=row.source, content=bytes(row.content), summary=json.loads(row.summary_json),
        created=row.created,
    )
