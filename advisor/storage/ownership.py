"""Whether a database is ours, and at which schema revision.

A database is ours when it holds our tables and an ``alembic_version`` stamped
with a revision this version of the app knows. One that was ours but lacks
tables is damaged (:class:`DamagedSchemaError`, which ``db check`` reports);
anything else belongs to another application or to a newer version, and is
refused without being changed. The same rules apply to an SQLite file read
before it is opened (:mod:`advisor.storage.sqlite_files`) and to any database
once connected (:func:`our_schema_version`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from advisor.errors import DamagedSchemaError, DatabaseError
from advisor.storage import migrations

OUR_TABLES = frozenset({"scenarios", "scenario_revisions", "tags", "scenario_tags"})
"""The tables every schema revision of ours has."""


def refuse_foreign_tables(tables: set[str], versions: Callable[[], list[str]], where: str, unchanged: str) -> None:
    """Refuse a database whose tables are not (all) ours.

    A database stamped with one of our schema revisions that still has our
    scenario tables but lacks others was ours and is damaged: it is refused
    as such (:class:`DamagedSchemaError`, which ``db check`` reports), not as
    another application's.

    Parameters
    ----------
    tables
        The names of the database's tables.
    versions
        Reads the stamped revisions (only called when there is a version table).
    where
        The database, as named in messages.
    unchanged
        The end of each message: what was (not) done and what to do instead.
    """
    if migrations.VERSION_TABLE in tables and OUR_TABLES <= tables:
        return
    if migrations.VERSION_TABLE in tables and tables & {"scenarios", "scenario_revisions"}:
        stamped = versions()
        if len(stamped) == 1 and stamped[0] in migrations.known_revisions():
            missing = sorted(OUR_TABLES - tables)
            raise DamagedSchemaError(
                f"database {where} is damaged: it lacks the table(s) {', '.join(missing)} that Annotation Advisor needs; "
                f"{unchanged}, or restore a backup (the .backup-*.sqlite files beside it)",
                [f"table {name} is missing" for name in missing],
            )
    shown = ", ".join(sorted(tables)[:6]) + (", ..." if len(tables) > 6 else "")
    raise DatabaseError(f"database {where} is an SQLite database of another application (tables: {shown}); {unchanged}")


def checked_version(versions: Sequence[str], where: str) -> str:
    """The one stamped schema revision, when this version of the app knows it.

    Raises
    ------
    DatabaseError
        When ``versions`` (the rows of ``alembic_version``) is not exactly one
        known revision: a newer version or another application wrote it.
    """
    known = migrations.known_revisions()
    if len(versions) != 1 or versions[0] not in known:
        found = ", ".join(map(str, versions)) or "none"
        raise DatabaseError(
            f"database {where} has schema revision {found}, which this version of Annotation Advisor does not know "
            f"(it knows {', '.join(known)}): it was written by a newer version or by another application; it was left unchanged"
        )
    return versions[0]


def our_schema_version(connection: Connection, where: str) -> str | None:
    """The schema revision, None for an empty database; DatabaseError when it is not ours."""
    tables = set(inspect(connection).get_table_names())
    if not tables:
        return None

    def versions() -> list[str]:
        return [row[0] for row in connection.execute(text(f"SELECT version_num FROM {migrations.VERSION_TABLE}"))]

    try:
        refuse_foreign_tables(tables, versions, where, "it was left unchanged")
    except DamagedSchemaError:
        raise
    except DatabaseError:
        shown = ", ".join(sorted(tables)[:6]) + (", ..." if len(tables) > 6 else "")
        raise DatabaseError(
            f"database {where} holds tables of another application ({shown}); it was left unchanged. "
            "Use an empty database (or, on PostgreSQL, a schema of its own) for Annotation Advisor"
        ) from None
    return checked_version(versions(), where)
