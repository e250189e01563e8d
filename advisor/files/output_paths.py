"""Where the app may write a file the user named, and how it writes it.

Every file the user names for output (``report -o``, ``export -o``, ``pilot
apply -o``, ``pilot simulate -o``, the save dialogs of the desktop app) goes
through :func:`write_output_atomically`, which first asks
:func:`check_output_path` whether the path may be written at all:

* never the open database, nor its SQLite sidecars (``-journal``, ``-wal``,
  ``-shm``) or its backups (``NAME.backup-…``): a report written there would
  destroy every scenario;
* never over anything that is not a regular file: a symbolic link, a named
  pipe (FIFO), a device, a socket or a folder. Replacing a symlink by a
  regular file silently breaks whatever it pointed to, and opening a FIFO to
  write blocks until someone reads it.

The write itself is atomic: the bytes go to a temporary file in the target's
folder (same file system, so the final rename cannot fail half-way), are
flushed to disk with ``fsync``, and the temporary file is renamed over the
target with :func:`os.replace`. Readers see the old file or the new one, never
a part; on any failure the temporary file is removed and the target is left as
it was.

This module is Qt-free, so the command line and the GUI share one set of rules.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from advisor.errors import OutputPathError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

__all__ = [
    "SQLITE_SIDECAR_SUFFIXES",
    "check_output_path",
    "database_file",
    "protected_database_files",
    "write_output_atomically",
]

SQLITE_SIDECAR_SUFFIXES: tuple[str, ...] = ("-journal", "-wal", "-shm")
"""Files SQLite keeps beside a database while it is in use (rollback journal,
write-ahead log, its shared-memory index)."""

_BACKUP_MARK = ".backup-"
"""Backups of ``NAME.sqlite`` are ``NAME.backup-….sqlite`` (see
:meth:`advisor.storage.store.ScenarioStore.backup`), with ``.partial`` while written."""


def database_file(url_or_path: str | os.PathLike[str] | None) -> Path | None:
    """The SQLite file a ``--db`` value (or, for None, the default database) names.

    Parameters
    ----------
    url_or_path
        What ``--db`` was given: an SQLAlchemy URL or a file path; None means
        ``ANNOTATION_ADVISOR_DB`` or the default file (see :mod:`advisor.files.locations`).

    Returns
    -------
    Path or None
        The absolute file, or None for a server database or an in-memory one.
        Nothing is opened or created.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from advisor.files.locations import database_url, default_database_url

    try:
        text = database_url(url_or_path) if url_or_path is not None else default_database_url()
        file_path = sqlite_file_path(make_url(text))
    except (ArgumentError, ValueError):
        return None
    return None if file_path is None else _absolute(file_path)


def sqlite_file_path(url: URL) -> Path | None:
    """The file of an SQLite URL, or None for an in-memory database."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def protected_database_files(database_path: str | os.PathLike[str]) -> tuple[Path, ...]:
    """The database file and the SQLite sidecars beside it (absolute paths)."""
    database = _absolute(Path(database_path))
    return (database, *(database.with_name(database.name + suffix) for suffix in SQLITE_SIDECAR_SUFFIXES))


def _absolute(path: Path) -> Path:
    """``path`` made absolute with its folder's symbolic links resolved, the last part kept as written.

    The last part is kept so that a symbolic link given as the target is
    seen as the link itself (and refused), not as what it points to.
    """
    path = Path(os.path.abspath(os.path.expanduser(os.fspath(path))))
    return path.parent.resolve() / path.name


def _describe_kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _is_database_file(target: Path, database_path: str | os.PathLike[str] | None) -> str | None:
    """Why ``target`` is the database or one of its companions, or None."""
    if database_path is None:
        return None
    files = protected_database_files(database_path)
    database = files[0]
    if target == database:
        return f"it is the open database {database}"
    if target in files[1:]:
        return f"it is a working file of the open database {database}"
    if target.parent == database.parent and target.name.startswith(database.stem + _BACKUP_MARK):
        return f"it is a backup of the open database {database}"
    try:
        # A hard link (or another spelling the path comparison missed) of the database.
        if database.exists() and target.exists() and os.path.samefile(target, database):
            return f"it is the open database {database} under another name"
    except OSError:
        pass
    return None


def check_output_path(path: str | os.PathLike[str], *, database_path: str | os.PathLike[str] | None = None) -> Path:
    """Check that ``path`` may be written as a new or replaced regular file.

    Parameters
    ----------
    path
        The file the user named.
    database_path
        The SQLite file of the open database (``ScenarioStore.database_path``),
        or None when there is none (PostgreSQL, no database open).

    Returns
    -------
    Path
        The absolute target (folder symlinks resolved).

    Raises
    ------
    OutputPathError
        When the path is empty or ``-``, its folder does not exist, it is the database,
        one of its sidecars or backups, or it exists and is not a regular file
        (symbolic link, FIFO, device, socket, folder). Nothing is written.
    """
    text = os.fspath(path)
    if not str(text).strip():
        raise OutputPathError("output file: no path given")
    if str(text).strip() == "-":
        # Read elsewhere as the standard output; here it would be a file named "-" in the current folder.
        raise OutputPathError("output file: '-' is not a file name (nor, here, the standard output); give the file's name")
    target = _absolute(Path(text))
    reason = _is_database_file(target, database_path)
    if reason is not None:
        raise OutputPathError(f"{target}: refusing to write there: {reason}; choose another file")
    if not target.parent.is_dir():
        raise OutputPathError(f"{target}: the folder {target.parent} does not exist")
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as error:
        raise OutputPathError(f"{target}: cannot check the file ({error.strerror or error})") from None
    if not stat.S_ISREG(mode):
        raise OutputPathError(
            f"{target}: refusing to write there: it is {_describe_kind(mode)}, not a regular file; choose a file name"
        )
    return target


def _new_file_mode(target: Path) -> int:
    """Permissions for the written file: the replaced file's, else what the umask allows."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_output_atomically(
    path: str | os.PathLike[str],
    data: bytes | str,
    *,
    database_path: str | os.PathLike[str] | None = None,
    encoding: str = "utf-8",
) -> Path:
    """Write ``data`` to ``path`` atomically, after :func:`check_output_path`.

    Parameters
    ----------
    path
        The file to create or replace.
    data
        The content; text is encoded with ``encoding``.
    database_path
        The open SQLite database, never to be written (see :func:`check_output_path`).
    encoding
        Encoding of text data.

    Returns
    -------
    Path
        The absolute path written.

    Raises
    ------
    OutputPathError
        When the path may not be written, or writing fails (the message names
        the reason); the target and the database are then unchanged and no
        temporary file is left behind.
    """
    target = check_output_path(path, database_path=database_path)
    payload = data.encode(encoding) if isinstance(data, str) else bytes(data)
    try:
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:100]}.", suffix=".tmp")
    except OSError as error:
        raise OutputPathError(f"{target}: cannot write ({error.strerror or error})") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _new_file_mode(target))
        # The target may have been replaced by a link or a pipe since the check.
        check_output_path(target, database_path=database_path)
        os.replace(temporary, target)
    except OutputPathError:
        Path(temporary).unlink(missing_ok=True)
        raise
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputPathError(f"{target}: cannot write ({error.strerror or error})") from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(target.parent)
    return target


def _sync_folder(folder: Path) -> None:
    """Flush the folder entry of the renamed file (POSIX); best effort elsewhere."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
