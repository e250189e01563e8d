"""From a database URL or an SQLite file path to an SQLAlchemy engine.

SQLite connections use WAL (for a file), foreign keys and a busy timeout, and
pysqlite's own transaction handling is replaced by ours so that writes begin
with ``BEGIN IMMEDIATE`` (:func:`writing_engine`): a writer waits for the lock
(:class:`~advisor.storage.lock_wait.LockWait`) instead of failing on a stale
snapshot. Server URLs (PostgreSQL) get an engine that checks its connections
before use.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from advisor.errors import DatabaseError
from advisor.files.locations import database_url, default_database_url
from advisor.storage.lock_wait import LockWait
from advisor.storage.messages import one_line
from advisor.storage.sqlite_files import require_regular_file


def parse_database_url(url_or_path: str | Path | None) -> URL:
    """The SQLAlchemy URL of a database named by URL or SQLite file path.

    Parameters
    ----------
    url_or_path
        An SQLAlchemy URL or an SQLite file path; None: ``ANNOTATION_ADVISOR_DB``,
        else ``scenarios.sqlite`` in the user data folder (see
        :mod:`advisor.files.locations`).

    Raises
    ------
    DatabaseError
        When the text is neither a path nor a URL.
    """
    text_url = database_url(url_or_path) if url_or_path is not None else default_database_url()
    try:
        return make_url(text_url)
    except ArgumentError as error:
        raise DatabaseError(f"database: {text_url!r} is neither a file path nor an SQLAlchemy URL ({error})") from None


def create_store_engine(url: URL, file_path: Path | None, lock_wait: LockWait | None) -> Engine:
    """An engine for ``url``; on SQLite with our pragmas and BEGIN (:func:`_configure_sqlite`).

    Parameters
    ----------
    url
        The database.
    file_path
        The SQLite file, or None (in memory: one shared connection; or on a server).
    lock_wait
        How an SQLite write waits for another process's lock.

    Raises
    ------
    DatabaseError
        For an unsupported URL or a driver that is not installed.
    """
    try:
        if url.get_backend_name() == "sqlite":
            in_memory = file_path is None
            engine = create_engine(
                url,
                poolclass=StaticPool if in_memory else None,
                connect_args={"check_same_thread": False},
            )
            _configure_sqlite(engine, wal=not in_memory, file_path=file_path, lock_wait=lock_wait or LockWait(str(url)))
            return engine
        return create_engine(url, pool_pre_ping=True)
    except (NoSuchModuleError, ArgumentError, ImportError) as error:
        raise DatabaseError(
            f"database {url.render_as_string(hide_password=True)}: unsupported URL or missing driver ({one_line(error)})"
        ) from error


def writing_engine(engine: Engine) -> Engine:
    """The engine for writes: on SQLite its transactions take the write lock at BEGIN (``BEGIN IMMEDIATE``).

    A writer then never reads a snapshot that another process invalidates
    before it writes. For other backends, ``engine`` itself.
    """
    return engine.execution_options(sqlite_begin="IMMEDIATE") if engine.dialect.name == "sqlite" else engine


def _configure_sqlite(engine: Engine, *, wal: bool, file_path: Path | None, lock_wait: LockWait) -> None:
    """Pragmas on every connection, and BEGIN under our control.

    pysqlite's own transaction handling is switched off (``isolation_level =
    None``) so that SELECTs run inside the transaction too and writes can
    begin IMMEDIATE (SQLAlchemy's documented recipe for SQLite). A write's
    BEGIN waits for another process's lock as ``lock_wait`` says.
    """

    @event.listens_for(engine, "connect", insert=True)
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        if file_path is not None:
            # SQLite opens the file before it reads it; refuse a file that was
            # swapped for a pipe or device since it was inspected.
            require_regular_file(file_path)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {lock_wait.timeout_ms}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if wal:
                cursor.execute("PRAGMA journal_mode = WAL")
                cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        if mode == "DEFERRED":  # takes no lock: nothing to wait for
            connection.exec_driver_sql("BEGIN DEFERRED")
            return
        cursor = connection.connection.dbapi_connection.cursor()
        try:
            lock_wait.run(
                lambda: cursor.execute(f"BEGIN {mode}"),
                lambda ms: cursor.execute(f"PRAGMA busy_timeout = {int(ms)}"),
            )
        except sqlite3.Error as error:
            raise DatabaseError(f"database {lock_wait.where}: cannot begin a write ({one_line(error)})") from error
        finally:
            cursor.close()
