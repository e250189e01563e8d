"""A scenario's rows, read and written inside one session: the indexed row, its
revisions (full JSON and SHA-256 each) and its tags.

:class:`~advisor.storage.store.ScenarioStore` opens the session (one user
action, one transaction) and calls these; rows never leave the session:
:func:`stored_scenario` turns one into a :class:`~advisor.storage.records.StoredScenario`.
Names are unique among scenarios that are not deleted, checked here before a
write and by the database's unique index (:data:`NAME_CONSTRAINT_MARKS`) at it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from advisor.errors import DatabaseError, ScenarioNotFoundError, ScenarioValidationError, StaleRevisionError
from advisor.scenario.schema import Scenario, scenario_from_dict
from advisor.storage.db_models import RevisionRow, ScenarioRow, ScenarioTagRow, TagRow
from advisor.storage.diff import describe_changes
from advisor.storage.messages import not_found_message
from advisor.storage.records import StoredScenario
from advisor.storage.stored_values import canonical_json, json_hash, utc_now


def violates(error: IntegrityError, *constraint_marks: str) -> bool:
    """Whether an integrity error comes from one of the named constraints.

    PostgreSQL names the constraint; SQLite names the table and columns.
    """
    message = str(error.orig)
    return any(mark in message for mark in constraint_marks)


NAME_CONSTRAINT_MARKS = ("uq_scenarios_live_name", "uq_scenarios_name", "scenarios.name")
"""How the unique index of scenario names shows in an integrity error: PostgreSQL names the
index (schema 0002, schema 0001), SQLite the table and column."""


def name_taken_error(name: str) -> ScenarioValidationError:
    """The error (field ``name``) for a name a live scenario already carries."""
    return ScenarioValidationError(
        f"name: a scenario named {name!r} already exists; choose another name",
        [("name", f"{name!r} is already taken")],
    )


def name_from_integrity_error(error: IntegrityError) -> str:
    """The scenario name among the parameters of the statement that broke the unique index."""
    parameters = error.params
    if isinstance(parameters, dict) and isinstance(parameters.get("name"), str):
        return parameters["name"]
    if isinstance(parameters, (list, tuple)):
        for value in parameters:
            if isinstance(value, str):
                return value
    return "(this name)"


def ensure_name_free(session: Session, name: str, except_id: int | None) -> None:
    """Raise :func:`name_taken_error` when a live scenario other than ``except_id`` is named ``name``."""
    statement = select(ScenarioRow.id).where(ScenarioRow.name == name, ScenarioRow.deleted_at.is_(None))
    if except_id is not None:
        statement = statement.where(ScenarioRow.id != except_id)
    if session.scalar(statement.limit(1)) is not None:
        raise name_taken_error(name)


def insert_new(session: Session, scenario: Scenario, summary: str, now: datetime) -> ScenarioRow:
    """Add a scenario as revision 1 (``summary`` is its history entry, ``now`` its time, UTC); returns its row."""
    row = ScenarioRow(name=scenario.name, notes=scenario.notes, revision=1, created=now, updated=now)
    session.add(row)
    session.flush()
    session.add(
        RevisionRow(
            scenario_id=row.id, revision=1, content_json=canonical_json(scenario), content_hash=scenario.content_hash(),
            schema_version=scenario.schema_version, summary=summary, created=now,
        )
    )
    _set_tags(session, row.id, scenario.tags, new=True)
    session.flush()
    return row


def save_in_session(session: Session, stored_id: int, base_revision: int, scenario: Scenario, summary_prefix: str) -> StoredScenario:
    """Store ``scenario`` as the revision after ``base_revision``, unless its content is unchanged.

    The history entry is ``summary_prefix`` followed by what changed
    (:func:`~advisor.storage.diff.describe_changes`).

    Raises
    ------
    StaleRevisionError
        When the stored scenario is no longer at ``base_revision``.
    ScenarioNotFoundError
        When it does not exist or was deleted.
    """
    row = session.get(ScenarioRow, int(stored_id))
    if row is None or row.deleted_at is not None:
        raise ScenarioNotFoundError(f"no stored scenario has id {stored_id} (it may have been deleted)")
    if row.revision != base_revision:
        raise StaleRevisionError(row.name, base_revision, row.revision)
    previous_json = revision_json(session, row.id, base_revision)
    new_json = canonical_json(scenario)
    new_hash = scenario.content_hash()
    if json_hash(previous_json) == new_hash:
        return stored_scenario(row, scenario, wrote_revision=False)
    if scenario.name != row.name:
        ensure_name_free(session, scenario.name, except_id=row.id)
    now = utc_now()
    # The conditional UPDATE is the real guard: another process may have
    # saved since the read above (PostgreSQL READ COMMITTED re-checks the
    # WHERE clause after waiting for its row lock), and then no row matches.
    advanced = session.execute(
        update(ScenarioRow)
        .where(ScenarioRow.id == row.id, ScenarioRow.revision == base_revision, ScenarioRow.deleted_at.is_(None))
        .values(revision=base_revision + 1, name=scenario.name, notes=scenario.notes, updated=now)
        .execution_options(synchronize_session=False)
    )
    if advanced.rowcount != 1:
        session.expire(row)
        current = session.scalar(select(ScenarioRow.revision).where(ScenarioRow.id == row.id))
        raise StaleRevisionError(row.name, base_revision, int(current) if current is not None else base_revision)
    changes = describe_changes(json.loads(previous_json), scenario.to_dict())
    session.add(
        RevisionRow(
            scenario_id=row.id, revision=base_revision + 1, content_json=new_json, content_hash=new_hash,
            schema_version=scenario.schema_version, summary=f"{summary_prefix}{changes}", created=now,
        )
    )
    _set_tags(session, row.id, scenario.tags)
    session.flush()
    return StoredScenario(
        id=row.id, name=scenario.name, revision=base_revision + 1, scenario=scenario, created=row.created,
        updated=now, tags=scenario.tags, wrote_revision=True,
    )


def _set_tags(session: Session, scenario_id: int, tags: Sequence[str], *, new: bool = False) -> None:
    """Link a scenario to exactly these tags, creating tag rows as needed.

    Core statements on the session's connection: the association rows are
    never loaded as ORM objects, and the ORM's bookkeeping made bulk imports
    several times slower.
    """
    connection = session.connection()
    tag_table, link_table = TagRow.__table__, ScenarioTagRow.__table__
    if not new:
        connection.execute(delete(link_table).where(link_table.c.scenario_id == scenario_id))
    names = sorted(set(tags))  # one order everywhere, so concurrent writers cannot deadlock
    if not names:
        return
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        else:
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        connection.execute(
            dialect_insert(tag_table).values([{"name": n} for n in names]).on_conflict_do_nothing(index_elements=["name"])
        )
    else:
        existing = set(connection.scalars(select(tag_table.c.name).where(tag_table.c.name.in_(names))).all())
        missing = [{"name": n} for n in names if n not in existing]
        if missing:
            connection.execute(insert(tag_table), missing)
    tag_ids = connection.scalars(select(tag_table.c.id).where(tag_table.c.name.in_(names))).all()
    connection.execute(insert(link_table), [{"scenario_id": scenario_id, "tag_id": tag_id} for tag_id in tag_ids])


def tags_of(session: Session, scenario_ids: Sequence[int] | None) -> dict[int, tuple[str, ...]]:
    """Tag names per scenario id (all scenarios when ``scenario_ids`` is None)."""
    if scenario_ids is not None and not scenario_ids:
        return {}
    statement = select(ScenarioTagRow.scenario_id, TagRow.name).join(TagRow, TagRow.id == ScenarioTagRow.tag_id)
    if scenario_ids is not None:
        statement = statement.where(ScenarioTagRow.scenario_id.in_(list(scenario_ids)))
    found: dict[int, list[str]] = {}
    for scenario_id, name in session.execute(statement.order_by(TagRow.name)):
        found.setdefault(scenario_id, []).append(name)
    return {key: tuple(value) for key, value in found.items()}


def find_row(session: Session, name_or_id: str | int, include_deleted: bool) -> ScenarioRow:
    """A scenario's row by id, exact name, case-insensitive name or a string of digits read as an id.

    Raises
    ------
    ScenarioNotFoundError
        With the closest stored names in the message.
    """
    live = ScenarioRow.deleted_at.is_(None)
    if isinstance(name_or_id, int) and not isinstance(name_or_id, bool):
        row = session.get(ScenarioRow, name_or_id)
        if row is None or (row.deleted_at is not None and not include_deleted):
            raise ScenarioNotFoundError(f"no stored scenario has id {name_or_id}")
        return row
    reference = str(name_or_id).strip()
    visible = [] if include_deleted else [live]
    # Live rows first, then the most recently deleted one of that name.
    newest_first = [ScenarioRow.deleted_at.is_not(None), ScenarioRow.deleted_at.desc(), ScenarioRow.id.desc()]
    row = session.scalars(select(ScenarioRow).where(ScenarioRow.name == reference, *visible).order_by(*newest_first).limit(1)).first()
    if row is None:
        matches = session.scalars(
            select(ScenarioRow).where(func.lower(ScenarioRow.name) == reference.lower(), live).limit(2)
        ).all()
        row = matches[0] if len(matches) == 1 else None
    if row is None and reference.isascii() and reference.isdigit():
        by_id = session.get(ScenarioRow, int(reference))
        if by_id is not None and (by_id.deleted_at is None or include_deleted):
            row = by_id
    if row is None and not include_deleted:
        # A deleted scenario is named as such, with the command that brings it back, rather than
        # answered with the live names that look like it.
        deleted = session.scalars(select(ScenarioRow).where(ScenarioRow.name == reference, ScenarioRow.deleted_at.is_not(None))
                                  .order_by(ScenarioRow.deleted_at.desc()).limit(1)).first()
        if deleted is not None:
            raise ScenarioNotFoundError(f"scenario {reference!r} was deleted (id {deleted.id}); "
                                        f"'annotation-advisor undelete {deleted.id}' restores it")
    if row is None:
        names = session.scalars(select(ScenarioRow.name).where(live)).all()
        raise ScenarioNotFoundError(not_found_message("scenario", reference, names, listing="annotation-advisor list"))
    return row


def revision_json(session: Session, scenario_id: int, revision: int) -> str:
    """The stored JSON of one revision (1 = the first save); ScenarioNotFoundError when there is none."""
    content = session.scalar(
        select(RevisionRow.content_json).where(RevisionRow.scenario_id == scenario_id, RevisionRow.revision == int(revision))
    )
    if content is None:
        newest = session.scalar(select(func.max(RevisionRow.revision)).where(RevisionRow.scenario_id == scenario_id))
        raise ScenarioNotFoundError(f"revision {revision} does not exist: the revisions are 1 to {newest}")
    return content


def parse_stored(content: str, name: str, revision: int) -> Scenario:
    """A revision's JSON as a scenario; DatabaseError (naming scenario and revision) when it no longer reads."""
    try:
        return scenario_from_dict(json.loads(content))
    except (ValueError, ScenarioValidationError) as error:
        raise DatabaseError(f"stored scenario {name!r} revision {revision} cannot be read: {error}") from error


def stored_scenario(row: ScenarioRow, scenario: Scenario, *, wrote_revision: bool = False) -> StoredScenario:
    """The record of a scenario row at its current revision, whose content is ``scenario``."""
    return StoredScenario(
        id=row.id, name=row.name, revision=row.revision, scenario=scenario, created=row.created,
        updated=row.updated, tags=scenario.tags, wrote_revision=wrote_revision,
    )


def locked_row(session: Session, row: ScenarioRow) -> ScenarioRow:
    """The scenario row re-read under a row lock (PostgreSQL ``FOR UPDATE``; SQLite's write lock is held already).

    A concurrent writer of the same row waits for this transaction, so the
    revision read here is still the current one when this transaction writes.
    """
    locked = session.get(ScenarioRow, row.id, with_for_update=True, populate_existing=True)
    if locked is None or locked.deleted_at is not None:
        raise ScenarioNotFoundError(f"no stored scenario has id {row.id} (it was deleted meanwhile)")
    return locked
