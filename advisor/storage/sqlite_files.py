"""Which paths may be opened as an SQLite database, and what such a file holds, checked
without modifying it.

Only regular files are opened (a folder, named pipe, device or socket is
refused before anything opens it: a pipe would block the first read for ever),
and the same holds for the sidecars SQLite would use beside the file
(``-journal``, ``-wal``, ``-shm``). A file is then read read-only
(``mode=ro``): its header, ``PRAGMA quick_check``, and whether its tables are
ours (:mod:`advisor.storage.ownership`).
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from advisor.errors import DatabaseError
from advisor.files.output_paths import SQLITE_SIDECAR_SUFFIXES
from advisor.files.output_paths import _describe_kind as describe_file_kind
from advisor.storage import migrations
from advisor.storage.lock_wait import LockWait, busy_timeout_ms, is_busy
from advisor.storage.messages import one_line
from advisor.storage.ownership import checked_version, refuse_foreign_tables

SQLITE_HEADER = b"SQLite format 3\x00"
"""The first 16 bytes of every SQLite database file."""


def read_only_uri(path: Path) -> str:
    """The URI that opens ``path`` read-only with :func:`sqlite3.connect` (``uri=True``)."""
    return f"{path.resolve().as_uri()}?mode=ro"


def _not_regular(mode: int) -> str | None:
    """What a file is when it is not a regular file (None for a regular file)."""
    return None if stat.S_ISREG(mode) else describe_file_kind(mode)


def require_regular_file(path: Path, unchanged: str = "it was left unchanged") -> bool:
    """Check that ``path`` (after symlinks) is a regular file, without opening it.

    Returns
    -------
    bool
        False when nothing is there (nor a dangling symlink's target), True for
        a regular file.

    Raises
    ------
    DatabaseError
        For a folder, named pipe, device or socket (SQLite would block for
        ever reading a pipe), or when the path cannot be examined.
    """
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return False
    except OSError as error:
        raise DatabaseError(f"database {path} cannot be examined ({error.strerror}); {unchanged}") from error
    kind = _not_regular(status.st_mode)
    if kind is not None:
        raise DatabaseError(f"database {path} is {kind}, not a regular file; {unchanged}")
    return True


def _read_header(path: Path, unchanged: str) -> bytes:
    """The first bytes of a regular file, opened so that a file swapped for a pipe cannot block."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise DatabaseError(f"database {path} cannot be read ({error.strerror}); {unchanged}") from error
    try:
        kind = _not_regular(os.fstat(descriptor).st_mode)
        if kind is not None:  # replaced between the stat and the open
            raise DatabaseError(f"database {path} is {kind}, not a regular file; {unchanged}")
        return os.read(descriptor, len(SQLITE_HEADER))
    except OSError as error:
        raise DatabaseError(f"database {path} cannot be read ({error.strerror}); {unchanged}") from error
    finally:
        os.close(descriptor)


def inspect_sqlite_file(path: Path, wait: LockWait | None = None) -> str | None:
    """Check an SQLite file without modifying it; return its schema revision.

    The path must be a regular file (or a symlink to one). The file is opened
    read-only: its header is read, ``PRAGMA quick_check`` runs, and its tables
    must be ours with a known ``alembic_version``.

    Parameters
    ----------
    path
        The database file.
    wait
        How to wait for a lock another process holds (default: the busy
        timeout, with a message on standard error).

    Returns
    -------
    str or None
        The stamped schema revision (``"0001"``...), or None when there is
        nothing yet: no file, an empty file, or an SQLite file without tables.

    Raises
    ------
    DatabaseError
        When the path is not a regular file, the file is not SQLite, is
        damaged, belongs to another application, was written by a newer
        version of this app, or stays locked longer than the busy timeout.
    """
    unchanged = "it was left unchanged; choose another file with --db or ANNOTATION_ADVISOR_DB"
    if not require_regular_file(path, unchanged):
        return None
    sidecars = [path.with_name(path.name + suffix) for suffix in SQLITE_SIDECAR_SUFFIXES]
    for sidecar in sidecars:
        try:
            require_regular_file(sidecar, unchanged)
        except DatabaseError as error:
            raise DatabaseError(f"{error} (SQLite would use it beside {path.name})") from None
    header = _read_header(path, unchanged)
    if not header:
        return None
    if header != SQLITE_HEADER:
        raise DatabaseError(f"database {path} is not an SQLite database (its first bytes are not the SQLite header); {unchanged}")
    # Reading a WAL-mode file makes SQLite create -wal and -shm files beside it.
    # When the file turns out not to be usable, remove the ones this check
    # created (never ones that were there: another program may be using them).
    existed = {sidecar: sidecar.exists() for sidecar in sidecars}
    try:
        return _inspect_sqlite_content(path, unchanged, wait or LockWait(str(path), busy_timeout_ms()))
    except DatabaseError:
        for sidecar, was_there in existed.items():
            if not was_there:
                sidecar.unlink(missing_ok=True)
        raise


def _inspect_sqlite_content(path: Path, unchanged: str, wait: LockWait) -> str | None:
    """The checks of :func:`inspect_sqlite_file` that open the file (read-only): quick_check, tables, revision."""
    try:
        connection = sqlite3.connect(read_only_uri(path), uri=True, timeout=wait.timeout_ms / 1000)
        try:
            def set_timeout(ms: int) -> None:
                connection.execute(f"PRAGMA busy_timeout = {int(ms)}")

            checks = wait.run(lambda: [row[0] for row in connection.execute("PRAGMA quick_check").fetchall()], set_timeout)
            if checks != ["ok"]:
                first = one_line(checks[0]) if checks else "no answer"
                raise DatabaseError(
                    f"database {path} is damaged (SQLite quick_check: {first}"
                    f"{f' and {len(checks) - 1} more problems' if len(checks) > 1 else ''}); {unchanged}, "
                    "or restore a backup (the .backup-*.sqlite files beside it)"
                )
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not tables:
                return None

            def versions() -> list[str]:
                return [row[0] for row in connection.execute(f"SELECT version_num FROM {migrations.VERSION_TABLE}")]

            refuse_foreign_tables(tables, versions, str(path), unchanged)
            stamped = versions()
        finally:
            connection.close()
    except sqlite3.Error as error:
        if is_busy(error):
            raise wait.locked_error() from error
        raise DatabaseError(f"database {path} cannot be read as SQLite ({one_line(error)}); {unchanged}") from error
    return checked_version(stamped, str(path))
