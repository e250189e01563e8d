"""Bringing an opened database to the schema this version of the app writes.

- **A backup before any migration**: an SQLite file of an older schema is
  copied (:func:`~advisor.storage.backups.backup_sqlite_file`) to a
  timestamped file beside it first.
- **One backup per migration**: the migrating process takes the write lock
  (SQLite) or an advisory lock (PostgreSQL) first, then backs up and
  migrates; a process opening at the same time waits for the lock and finds
  the schema upgraded.
- A database this open creates is seeded with the shipped example scenarios,
  in the migration's transaction (all or nothing).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from advisor.errors import DatabaseError
from advisor.scenario.schema import example_files
from advisor.storage import migrations
from advisor.storage.backups import backup_sqlite_file, timestamped_backup_path
from advisor.storage.engine import writing_engine
from advisor.storage.lock_wait import LockWait, is_busy
from advisor.storage.messages import describe_database_error
from advisor.storage.ownership import our_schema_version
from advisor.storage.scenario_rows import insert_new
from advisor.storage.stored_values import utc_now

POSTGRES_MIGRATION_LOCK = 0x41_4E_4E_41  # "ANNA": one advisory lock id for schema changes
SEEDED_SUMMARY = "example shipped with Annotation Advisor"
"""The history entry of an example scenario stored into a new database."""


def prepare_schema(engine: Engine, url: URL, file_path: Path | None, seed: bool, lock_wait: LockWait | None) -> tuple[bool, int]:
    """Check the schema; migrate (after a backup) and seed when needed.

    Parameters
    ----------
    engine
        The opened database.
    url
        Its URL (named, without the password, in messages).
    file_path
        The SQLite file, backed up before a migration; None for none.
    seed
        Store the example scenarios into a database this call creates.
    lock_wait
        How an SQLite database waits for another process's lock; None on a server.

    Returns
    -------
    created : bool
        True when the database was empty and now has the schema.
    seeded : int
        How many example scenarios were stored (≥ 0).

    Raises
    ------
    DatabaseError
        When the database is not ours, was written by a newer version,
        cannot be read or migrated, or stays locked past the busy timeout.
    """
    where = url.render_as_string(hide_password=True)
    head = migrations.head_revision()
    try:
        with engine.connect() as connection:
            version = our_schema_version(connection, where)
        if version == head:
            return False, 0
        writer = writing_engine(engine)
        # The write lock (SQLite) or the advisory lock (PostgreSQL) comes
        # first: of several processes opening an old or new database at
        # once, one backs up and migrates, the others wait here and then
        # find the schema at head (and make no backup of their own).
        with writer.begin() as connection:
            if engine.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_MIGRATION_LOCK})
            version = our_schema_version(connection, where)
            if version == head:
                return False, 0
            if version is not None and file_path is not None:
                # Readers are not blocked by the write lock, so the copy
                # reads the committed old schema while this holds it.
                backup_sqlite_file(file_path, timestamped_backup_path(file_path, f"schema{version}"))
            migrations.upgrade(connection)
            seeded = _seed(connection) if version is None and seed else 0
            return version is None, seeded
    except SQLAlchemyError as error:
        if lock_wait is not None and is_busy(error):
            raise lock_wait.locked_error() from error
        raise DatabaseError(f"database {where} cannot be opened: {describe_database_error(error)}") from error


def _seed(connection: Connection) -> int:
    """Store the shipped examples in the migration's transaction (all or nothing)."""
    examples = [scenario for _, scenario in example_files()]
    now = utc_now()
    with Session(bind=connection) as session:
        for scenario in examples:
            insert_new(session, scenario, SEEDED_SUMMARY, now)
        session.flush()
    return len(examples)
