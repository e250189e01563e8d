"""Backup copies of an SQLite database, and the partial files they are written as.

A copy is made with SQLite's online backup API (consistent while other
processes write), written under a name that carries the host and process id
(:func:`partial_path`) and moved into place only when complete. **No partial
file outlives its process**: it is removed on any failure, and one left by a
killed process is removed (:func:`remove_stale_partials`) the next time a
database in that folder opens. A backup never replaces anything.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import sqlite3
from pathlib import Path

from advisor.errors import DatabaseError
from advisor.errors import OutputPathError
from advisor.files.output_paths import SQLITE_SIDECAR_SUFFIXES, check_output_path, protected_database_files
from advisor.storage.messages import one_line
from advisor.storage.sqlite_files import read_only_uri
from advisor.storage.stored_values import utc_now


def _host_tag() -> str:
    """This machine's name, reduced to letters, digits and dashes (a partial file's owner is host and pid)."""
    return re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname())[:40] or "host"


PARTIAL_PATTERN = re.compile(
    r"^(?P<target>.+)\.(?P<host>[A-Za-z0-9-]+)\.(?P<pid>[0-9]+)\.(?P<token>[0-9a-f]{8})\.partial(?P<sidecar>-journal|-wal|-shm)?$"
)
"""Names of files being written: ``TARGET.HOST.PID.TOKEN.partial`` and SQLite's journals of them."""


def partial_path(target: Path) -> Path:
    """Where a file is written before it is moved to ``target``: a name that names its process."""
    return target.with_name(f"{target.name}.{_host_tag()}.{os.getpid()}.{secrets.token_hex(4)}.partial")


def _process_alive(pid: int) -> bool:
    """Whether a process of this machine with that id exists (True when it cannot be told)."""
    if pid <= 0 or pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill would terminate it there; keep the file
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: it exists but belongs to someone else
        return True
    return True


def remove_stale_partials(folder: Path) -> list[Path]:
    """Remove the partial files in ``folder`` whose writing process (on this machine) is gone.

    Only names of :data:`PARTIAL_PATTERN` with this machine's host name are
    considered; a file of a live process, or of another machine sharing the
    folder, is kept.

    Returns
    -------
    list of Path
        The files removed.
    """
    host = _host_tag()
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = PARTIAL_PATTERN.match(entry.name)
        if match is None or match["host"] != host or _process_alive(int(match["pid"])):
            continue
        try:
            if entry.is_symlink() or not entry.is_file():
                continue
            entry.unlink()
        except OSError:
            continue
        removed.append(entry)
    return removed


def backup_sqlite_file(source: Path, target: Path) -> Path:
    """Copy a live SQLite database to ``target`` with SQLite's online backup API.

    The copy is consistent even while other processes write, is written under
    a name that carries this process's id (:func:`partial_path`) and moved to
    ``target`` only when complete, and uses a rollback journal so that it is
    one self-contained file. The partial file is removed on any failure or
    interruption; one left by a killed process is removed by
    :func:`remove_stale_partials`, which runs here and whenever a database of
    its folder opens.

    The target must be a new regular file (:func:`check_output_path`): never
    the database or one of its working files (``-wal``, ``-shm``,
    ``-journal``, even before SQLite creates them), nothing that exists (a
    file, folder, pipe, device or symbolic link, dangling or not), and in a
    folder that exists; the target is checked again before the finished copy
    is moved there, so what appeared meanwhile is not replaced either.
    """
    _check_backup_target(source, target)
    remove_stale_partials(target.parent)
    partial = partial_path(target)
    try:
        reader = sqlite3.connect(read_only_uri(source), uri=True)
        try:
            writer = sqlite3.connect(partial)
            try:
                reader.backup(writer)
                writer.execute("PRAGMA journal_mode = DELETE")
            finally:
                writer.close()
        finally:
            reader.close()
        _place_without_replacing(partial, target)
    except DatabaseError:
        raise
    except (sqlite3.Error, OSError) as error:
        raise DatabaseError(f"backup of {source} to {target} failed: {one_line(error)}") from error
    finally:
        for leftover in (partial, *(partial.with_name(partial.name + suffix) for suffix in SQLITE_SIDECAR_SUFFIXES)):
            leftover.unlink(missing_ok=True)
    return target


def _check_backup_target(source: Path, target: Path) -> None:
    """Refuse (:class:`DatabaseError`) a backup target that is the database, one of its working
    files, any existing path or a file in a missing folder."""
    try:
        absolute = check_output_path(target)
    except OutputPathError as error:
        raise DatabaseError(f"backup: {error}") from None
    if absolute in protected_database_files(source):
        raise DatabaseError(f"backup: {absolute} is the database or one of its working files; choose another path")
    if os.path.lexists(absolute):
        raise DatabaseError(f"backup: {absolute} already exists; choose another path")


def _place_without_replacing(partial: Path, target: Path) -> None:
    """Move the finished ``partial`` to ``target`` unless something appeared there during the copy."""
    if os.path.lexists(target):
        raise DatabaseError(f"backup: {target} appeared while the copy was made; choose another path")
    partial.replace(target)


def timestamped_backup_path(database: Path, label: str) -> Path:
    """A new name beside ``database``: ``NAME.backup-YYYYMMDD-HHMMSS-micro-LABEL.SUFFIX`` (UTC)."""
    stamp = utc_now().strftime("%Y%m%d-%H%M%S-%f")
    return database.with_name(f"{database.stem}.backup-{stamp}-{label}{database.suffix or '.sqlite'}")
