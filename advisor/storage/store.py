"""The scenario store: scenarios with tags and a full revision history, in SQLite
or on a PostgreSQL server shared by a team.

One user action is one session and one transaction. ORM rows never leave the
store: every method returns frozen dataclasses (:class:`StoredScenario`,
:class:`ScenarioSummary`, :class:`RevisionInfo`, :class:`ExportRecord`,
:class:`StoredPilot`, from :mod:`advisor.storage.records`) or scenarios.

Safety rules, each with a test:

- **Every save is a revision** holding the full JSON and its SHA-256; any
  revision can be restored (as a new revision).
- **Optimistic concurrency**: :meth:`ScenarioStore.save` names the revision it
  was based on, and the store advances the revision with a conditional
  ``UPDATE ... WHERE revision = base``; of two processes saving from the same
  base exactly one wins and the other gets :class:`~advisor.errors.StaleRevisionError`.
- **A file that is not ours is never modified**: before the engine touches an
  SQLite file, it is opened read-only (``mode=ro``) to check the header, run
  ``PRAGMA quick_check`` and look for our tables and ``alembic_version``.
- **A backup before any migration**: an SQLite file of an older schema is
  copied (SQLite's online backup API) to a timestamped file beside it first.
- SQLite connections use WAL, foreign keys and a busy timeout; writes begin
  with ``BEGIN IMMEDIATE`` so that a writer waits for the lock instead of
  failing on a stale snapshot. A lock held by another process is waited for
  up to the busy timeout (``ANNOTATION_ADVISOR_BUSY_TIMEOUT`` seconds), with
  a message once the wait is noticeable, then refused on one line.
- **Only regular files are opened**: a folder, named pipe, device or socket
  given as the database is refused before anything opens it (a pipe would
  block the first read for ever).
- **No partial file outlives its process**: a backup is written under a name
  that carries the host and process id and removed on any failure; one left by
  a killed process is removed the next time a database in that folder opens.
- **One backup per migration**: the migrating process takes the write lock
  first, then backs up and migrates; a process opening at the same time waits
  for the lock and finds the schema upgraded.

This module holds :class:`ScenarioStore` (opening, sessions, and what each
user action does); the parts it is made of, from the top down:

- :mod:`~advisor.storage.consistency`: the ``db check``;
  :mod:`~advisor.storage.schema_upgrade`: backup, migration and seeding on open;
- :mod:`~advisor.storage.scenario_rows`, :mod:`~advisor.storage.pilots`,
  :mod:`~advisor.storage.protocol`: the rows of scenarios, pilot datasets and
  protocol entries, read and written in a session;
- :mod:`~advisor.storage.backups`: backup copies and partial files;
  :mod:`~advisor.storage.engine`: URLs and engines;
- :mod:`~advisor.storage.sqlite_files`: which paths may be opened as SQLite
  files, checked read-only;
- :mod:`~advisor.storage.ownership`: whether a database is ours, and its
  schema revision; :mod:`~advisor.storage.lock_wait`: waiting for another
  process's lock;
- :mod:`~advisor.storage.records`, :mod:`~advisor.storage.diff`,
  :mod:`~advisor.storage.stored_values`, :mod:`~advisor.storage.messages`:
  what the store returns, revision summaries, stored forms of values, wording.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from advisor.errors import DatabaseError, ScenarioNotFoundError, ScenarioValidationError, StaleRevisionError
from advisor.files.output_paths import sqlite_file_path
from advisor.scenario.schema import Scenario, scenario_from_dict
from advisor.storage import migrations
from advisor.storage.backups import backup_sqlite_file, remove_stale_partials, timestamped_backup_path
from advisor.storage.consistency import ProgressCallback, database_problems
from advisor.storage.db_models import RevisionRow, ScenarioRow, ScenarioTagRow, TagRow
from advisor.storage.engine import create_store_engine, parse_database_url, writing_engine
from advisor.storage.lock_wait import LockWait, busy_timeout_ms, is_busy, print_waiting
from advisor.storage.messages import describe_database_error, one_line
from advisor.storage.pilots import all_pilots, find_pilot, insert_pilot, new_pilot_row
from advisor.storage.protocol import export_records, insert_export, new_export_row
from advisor.storage.records import ExportRecord, RevisionInfo, ScenarioSummary, StoredPilot, StoredScenario
from advisor.storage.scenario_rows import (
    NAME_CONSTRAINT_MARKS,
    ensure_name_free,
    find_row,
    insert_new,
    locked_row,
    name_from_integrity_error,
    name_taken_error,
    parse_stored,
    revision_json,
    save_in_session,
    stored_scenario,
    tags_of,
    violates,
)
from advisor.storage.schema_upgrade import prepare_schema
from advisor.storage.sqlite_files import inspect_sqlite_file
from advisor.storage.stored_values import utc_now

__all__ = ["ExportRecord", "RevisionInfo", "ScenarioStore", "ScenarioSummary", "StoredPilot", "StoredScenario"]

NOTES_EXCERPT_CHARS = 160
"""The longest excerpt of the notes in a listing, in characters."""
ORDER_FIELDS = ("updated", "name", "created")
"""What a listing may be ordered by."""
MAX_PAGE = 10_000
"""The most rows one call of :meth:`ScenarioStore.list` or :meth:`ScenarioStore.list_exports` returns."""

OrderField = Literal["updated", "name", "created"]


def _notes_excerpt(notes: str) -> str:
    """The notes on one line, cut to :data:`NOTES_EXCERPT_CHARS` (ending in "…" when cut)."""
    flat = one_line(notes)
    return flat if len(flat) <= NOTES_EXCERPT_CHARS else flat[: NOTES_EXCERPT_CHARS - 1].rstrip() + "…"


def _like_pattern(search: str) -> str:
    """A LIKE pattern (escape character ``\\``) that finds ``search`` anywhere, its ``%`` and ``_`` taken literally."""
    escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _as_scenario(scenario: Scenario | dict[str, Any]) -> Scenario:
    """A scenario as it is, or validated from its JSON data (ScenarioValidationError when invalid)."""
    if isinstance(scenario, Scenario):
        return scenario
    return scenario_from_dict(scenario)


class ScenarioStore:
    """Stored scenarios with their history; see the module docstring.

    Open with :meth:`open`; close with :meth:`close` (or use ``with``).
    """

    def __init__(self, engine: Engine, *, created_now: bool, seeded: int, lock_wait: LockWait | None = None) -> None:
        self._engine = engine
        self._lock_wait = lock_wait
        self._dialect = engine.dialect.name
        self._writer = writing_engine(engine)
        self._closed = False
        self.created_now = created_now
        """True when this open created the database."""
        self.seeded = seeded
        """How many example scenarios this open stored (only in a new database)."""

    # ---------------------------------------------------------------- opening
    @classmethod
    def open(
        cls, url_or_path: str | Path | None = None, *, seed: bool = True, on_lock_wait: Callable[[str], object] | None = None
    ) -> "ScenarioStore":
        """Open (and create, migrate or seed as needed) a scenario database.

        Parameters
        ----------
        url_or_path
            An SQLAlchemy URL (``sqlite:///file.sqlite``,
            ``postgresql+psycopg://user:password@host/db``) or an SQLite file
            path. None: ``ANNOTATION_ADVISOR_DB``, else ``scenarios.sqlite`` in
            the user data folder (see :mod:`advisor.files.locations`).
        seed
            Store the example scenarios of ``resources/scenarios`` when this
            open creates the database (never into an existing one).
        on_lock_wait
            Called with one line when an SQLite operation has waited about a
            second (or a quarter of the busy timeout) for another process's
            lock; default: printed on standard error.

        Raises
        ------
        DatabaseError
            When the database cannot be reached, is not a regular file, is
            damaged, is not ours, was written by a newer version, or stays
            locked by another process past the busy timeout; nothing is
            modified then.
        """
        url = parse_database_url(url_or_path)
        file_path = sqlite_file_path(url)
        version_before: str | None = None
        lock_wait: LockWait | None = None
        if url.get_backend_name() == "sqlite":
            lock_wait = LockWait(
                str(file_path) if file_path is not None else "the in-memory database", busy_timeout_ms(),
                on_lock_wait or print_waiting,
            )
        if file_path is not None:
            assert lock_wait is not None
            version_before = inspect_sqlite_file(file_path, lock_wait)
            if version_before is None:
                try:
                    file_path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as error:
                    raise DatabaseError(f"database folder {file_path.parent} cannot be created ({error.strerror})") from error
            remove_stale_partials(file_path.parent)
        engine = create_store_engine(url, file_path, lock_wait)
        try:
            created_now, seeded = prepare_schema(engine, url, file_path, seed, lock_wait)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine, created_now=created_now, seeded=seeded, lock_wait=lock_wait)

    # --------------------------------------------------------------- lifetime
    def close(self) -> None:
        """Release every connection (idempotent)."""
        if not self._closed:
            self._closed = True
            self._engine.dispose()

    def __enter__(self) -> "ScenarioStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        """The database URL, with any password hidden."""
        return self._engine.url.render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """``"sqlite"``, ``"postgresql"``, ..."""
        return self._dialect

    @property
    def database_path(self) -> Path | None:
        """The SQLite file, or None (in memory or on a server)."""
        return sqlite_file_path(self._engine.url)

    @property
    def schema_revision(self) -> str | None:
        """The schema revision stamped in the database."""
        with self._read("read the schema revision") as session:
            return migrations.current_revision(session.connection())

    @contextmanager
    def _read(self, action: str) -> Iterator[Session]:
        if self._closed:
            raise DatabaseError(f"cannot {action}: the store was closed")
        try:
            with Session(self._engine) as session, session.begin():
                yield session
        except SQLAlchemyError as error:
            self._raise_if_locked(error)
            raise DatabaseError(f"cannot {action}: {describe_database_error(error)}") from error

    def _raise_if_locked(self, error: SQLAlchemyError) -> None:
        if self._lock_wait is not None and is_busy(error):
            raise self._lock_wait.locked_error() from error

    @contextmanager
    def _write(self, action: str) -> Iterator[Session]:
        """One user action: one session, one transaction, committed on success."""
        if self._closed:
            raise DatabaseError(f"cannot {action}: the store was closed")
        try:
            with Session(self._writer, expire_on_commit=False) as session, session.begin():
                yield session
        except IntegrityError as error:
            if violates(error, *NAME_CONSTRAINT_MARKS):
                raise name_taken_error(name_from_integrity_error(error)) from error
            raise DatabaseError(f"cannot {action}: {describe_database_error(error)}") from error
        except SQLAlchemyError as error:
            self._raise_if_locked(error)
            raise DatabaseError(f"cannot {action}: {describe_database_error(error)}") from error

    # ---------------------------------------------------------------- listing
    def _filters(self, search: str, tag: str | None, include_deleted: bool) -> list[Any]:
        conditions: list[Any] = []
        if not include_deleted:
            conditions.append(ScenarioRow.deleted_at.is_(None))
        search = search.strip()
        if search:
            pattern = _like_pattern(search)
            tag_matches = (
                exists()
                .where(ScenarioTagRow.scenario_id == ScenarioRow.id, TagRow.id == ScenarioTagRow.tag_id)
                .where(TagRow.name.ilike(pattern, escape="\\"))
            )
            conditions.append(
                or_(ScenarioRow.name.ilike(pattern, escape="\\"), ScenarioRow.notes.ilike(pattern, escape="\\"), tag_matches)
            )
        if tag is not None:
            conditions.append(
                exists().where(
                    ScenarioTagRow.scenario_id == ScenarioRow.id, TagRow.id == ScenarioTagRow.tag_id, TagRow.name == tag.strip()
                )
            )
        return conditions

    def list(
        self,
        search: str = "",
        tag: str | None = None,
        order_by: OrderField = "updated",
        descending: bool = True,
        limit: int = 100,
        offset: int = 0,
        include_deleted: bool = False,
    ) -> list[ScenarioSummary]:
        """One page of stored scenarios.

        Parameters
        ----------
        search
            Case-insensitive text found in the name, the notes or a tag.
        tag
            Only scenarios with exactly this tag.
        order_by
            ``"updated"`` (default), ``"name"`` (case-insensitive) or ``"created"``.
        descending
            Newest (or Z) first.
        limit
            Page size, 0 to 10000.
        offset
            Rows to skip, ≥ 0.
        include_deleted
            Also list soft-deleted scenarios (``deleted_at`` set).
        """
        if order_by not in ORDER_FIELDS:
            raise ValueError(f"order_by must be one of {', '.join(ORDER_FIELDS)}, got {order_by!r}")
        if not 0 <= limit <= MAX_PAGE:
            raise ValueError(f"limit must be from 0 to {MAX_PAGE}, got {limit}")
        if offset < 0:
            raise ValueError(f"offset must be 0 or more, got {offset}")
        column = {"updated": ScenarioRow.updated, "created": ScenarioRow.created, "name": func.lower(ScenarioRow.name)}[order_by]
        ordering = [column.desc(), ScenarioRow.id.desc()] if descending else [column.asc(), ScenarioRow.id.asc()]
        statement = (
            select(
                ScenarioRow.id,
                ScenarioRow.name,
                # Only the start of the notes is shown; long notes stay in the database.
                func.substr(ScenarioRow.notes, 1, 4 * NOTES_EXCERPT_CHARS).label("notes_start"),
                ScenarioRow.revision,
                ScenarioRow.created,
                ScenarioRow.updated,
                ScenarioRow.deleted_at,
            )
            .where(*self._filters(search, tag, include_deleted))
            .order_by(*ordering)
            .limit(limit)
            .offset(offset)
        )
        with self._read("list scenarios") as session:
            rows = session.execute(statement).all()
            tags = tags_of(session, [row.id for row in rows])
        return [
            ScenarioSummary(
                id=row.id,
                name=row.name,
                tags=tags.get(row.id, ()),
                notes_excerpt=_notes_excerpt(row.notes_start or ""),
                revision=row.revision,
                created=row.created,
                updated=row.updated,
                deleted_at=row.deleted_at,
            )
            for row in rows
        ]

    def count(self, search: str = "", tag: str | None = None, include_deleted: bool = False) -> int:
        """How many scenarios :meth:`list` would find without a page limit."""
        statement = select(func.count(ScenarioRow.id)).where(*self._filters(search, tag, include_deleted))
        with self._read("count scenarios") as session:
            return int(session.scalar(statement) or 0)

    def ids_matching(self, search: str) -> frozenset[int]:
        """The ids of the live scenarios whose name, notes (all of them) or a tag hold ``search``
        (case-insensitive, as :meth:`list`): one query of ids alone, for a search box that asks at
        every key."""
        statement = select(ScenarioRow.id).where(*self._filters(search, None, False))
        with self._read("search scenarios") as session:
            return frozenset(session.scalars(statement).all())

    def tags(self) -> list[str]:
        """Every tag carried by a scenario that is not deleted, sorted."""
        statement = (
            select(TagRow.name)
            .join(ScenarioTagRow, ScenarioTagRow.tag_id == TagRow.id)
            .join(ScenarioRow, ScenarioRow.id == ScenarioTagRow.scenario_id)
            .where(ScenarioRow.deleted_at.is_(None))
            .distinct()
        )
        with self._read("list tags") as session:
            return sorted(session.scalars(statement).all(), key=lambda name: (name.lower(), name))

    # ---------------------------------------------------------------- reading
    def get(self, name_or_id: str | int, *, include_deleted: bool = False) -> StoredScenario:
        """A stored scenario at its current revision, by name or id.

        A name is matched exactly, then case-insensitively; a string of digits
        that is no name is read as an id.

        Raises
        ------
        ScenarioNotFoundError
            With the closest stored names in the message.
        """
        with self._read(f"read scenario {name_or_id!r}") as session:
            row = find_row(session, name_or_id, include_deleted)
            content = revision_json(session, row.id, row.revision)
            return stored_scenario(row, parse_stored(content, row.name, row.revision))

    def get_revision(self, name_or_id: str | int, revision: int) -> Scenario:
        """The scenario as it was saved at ``revision`` (1 = the first save)."""
        with self._read(f"read scenario {name_or_id!r}") as session:
            row = find_row(session, name_or_id, include_deleted=True)
            content = revision_json(session, row.id, revision)
            return parse_stored(content, row.name, revision)

    def history(self, name_or_id: str | int) -> list[RevisionInfo]:
        """Every revision of a scenario, oldest first, each with what it changed."""
        with self._read(f"read the history of {name_or_id!r}") as session:
            row = find_row(session, name_or_id, include_deleted=True)
            revisions = session.execute(
                select(RevisionRow.revision, RevisionRow.created, RevisionRow.content_hash, RevisionRow.summary)
                .where(RevisionRow.scenario_id == row.id)
                .order_by(RevisionRow.revision)
            ).all()
        return [RevisionInfo(r.revision, r.created, r.content_hash, r.summary) for r in revisions]

    # ---------------------------------------------------------------- writing
    def create(self, scenario: Scenario | dict[str, Any], *, summary: str = "created") -> StoredScenario:
        """Store a new scenario as revision 1.

        Parameters
        ----------
        scenario
            A scenario, or its JSON data (validated first).
        summary
            The history entry of revision 1 (e.g. ``"imported from x.json"``).

        Raises
        ------
        ScenarioValidationError
            When the data is invalid, or (field ``name``) when a scenario of
            that name exists; nothing is written.
        """
        scenario = _as_scenario(scenario)
        with self._write(f"create scenario {scenario.name!r}") as session:
            ensure_name_free(session, scenario.name, except_id=None)
            row = insert_new(session, scenario, summary, utc_now())
            return stored_scenario(row, scenario, wrote_revision=True)

    def create_many(self, scenarios: Sequence[Scenario | dict[str, Any]], *, summary: str = "created") -> list[int]:
        """Store many new scenarios in one transaction (all or none); returns their ids."""
        validated = [_as_scenario(s) for s in scenarios]
        names = [s.name for s in validated]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ScenarioValidationError(
                f"name: the same name appears more than once: {', '.join(map(repr, repeated))}", [("name", "repeated")]
            )
        now = utc_now()
        with self._write(f"create {len(validated)} scenarios") as session:
            ids = []
            for scenario in validated:
                ensure_name_free(session, scenario.name, except_id=None)
                ids.append(insert_new(session, scenario, summary, now).id)
            return ids

    def save(self, scenario: Scenario | dict[str, Any], *, stored_id: int, base_revision: int) -> StoredScenario:
        """Save an edited scenario as a new revision.

        Parameters
        ----------
        scenario
            The edited scenario (its name may change: that renames it).
        stored_id
            Which stored scenario it replaces.
        base_revision
            The revision the edit started from.

        Returns
        -------
        StoredScenario
            At the new revision; unchanged (no new revision) when the content
            equals the stored one.

        Raises
        ------
        StaleRevisionError
            When the stored scenario has moved past ``base_revision`` (another
            window or process saved first); nothing is written.
        ScenarioNotFoundError
            When it does not exist or was deleted.
        """
        scenario = _as_scenario(scenario)
        with self._write(f"save scenario {scenario.name!r}") as session:
            return save_in_session(session, stored_id, base_revision, scenario, summary_prefix="")

    def rename(self, stored_id: int, new_name: str) -> StoredScenario:
        """Give a stored scenario a new name (a new revision)."""
        with self._write(f"rename scenario {stored_id}") as session:
            row = locked_row(session, find_row(session, int(stored_id), include_deleted=False))
            current = parse_stored(revision_json(session, row.id, row.revision), row.name, row.revision)
            renamed = current.with_changes({"name": new_name})
            return save_in_session(session, row.id, row.revision, renamed, summary_prefix="renamed: ")

    def restore(self, name_or_id: str | int, revision: int) -> StoredScenario:
        """Make an old revision's content the newest revision (the name stays).

        The current revision is read, and the new one written, in one
        transaction that holds the scenario's row (``SELECT ... FOR UPDATE`` on
        PostgreSQL, the write lock on SQLite), so the returned revision is the
        one this call stored (``wrote_revision``), or the current one when its
        content already equals the old revision's. Should another process
        still move the scenario on in between, the restore is tried once more
        from the new current revision before :class:`StaleRevisionError`.
        """
        for attempt in (1, 2):
            try:
                with self._write(f"restore revision {revision} of {name_or_id!r}") as session:
                    row = locked_row(session, find_row(session, name_or_id, include_deleted=False))
                    old = parse_stored(revision_json(session, row.id, revision), row.name, revision)
                    if old.name != row.name:
                        old = old.with_changes({"name": row.name})
                    return save_in_session(session, row.id, row.revision, old, summary_prefix=f"restored revision {revision}: ")
            except StaleRevisionError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def delete(self, name_or_id: str | int) -> int:
        """Mark a scenario deleted (undo with :meth:`undelete`); returns its id."""
        with self._write(f"delete scenario {name_or_id!r}") as session:
            row = find_row(session, name_or_id, include_deleted=False)
            row.deleted_at = utc_now()
            return row.id

    def undelete(self, stored_id: int) -> StoredScenario:
        """Bring back a deleted scenario.

        Raises
        ------
        ScenarioValidationError
            (field ``name``) when a scenario of the same name was created since.
        """
        with self._write(f"undelete scenario {stored_id}") as session:
            row = session.get(ScenarioRow, int(stored_id))
            if row is None:
                raise ScenarioNotFoundError(f"no stored scenario has id {stored_id}")
            if row.deleted_at is not None:
                ensure_name_free(session, row.name, except_id=row.id)
                row.deleted_at = None
                session.flush()
            return stored_scenario(row, parse_stored(revision_json(session, row.id, row.revision), row.name, row.revision))

    def purge(self, stored_id: int) -> None:
        """Remove a scenario and its whole history for good."""
        with self._write(f"purge scenario {stored_id}") as session:
            result = session.execute(
                delete(ScenarioRow).where(ScenarioRow.id == int(stored_id)).execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                raise ScenarioNotFoundError(f"no stored scenario has id {stored_id}")

    # -------------------------------------------------------------- protocol
    def record_export(
        self, *, what: str, scenario_names: Sequence[str], fmt: str, path: str, sha256: str, detail: dict[str, Any]
    ) -> int:
        """Write a protocol entry for a report or data export; returns its id.

        Parameters
        ----------
        what
            What was exported, e.g. ``"report"`` (1 to 100 characters).
        scenario_names
            The scenarios it covers.
        fmt
            The file format, e.g. ``"pdf"`` (1 to 20 characters).
        path
            Where the file was written.
        sha256
            SHA-256 of the written file, 64 hex digits.
        detail
            Anything else worth keeping, as JSON data.
        """
        row = new_export_row(what=what, scenario_names=scenario_names, fmt=fmt, path=path, sha256=sha256, detail=detail)
        with self._write(f"record the export of {path}") as session:
            return insert_export(session, row)

    def list_exports(self, limit: int = 100) -> list[ExportRecord]:
        """The newest protocol entries first."""
        if not 0 <= limit <= MAX_PAGE:
            raise ValueError(f"limit must be from 0 to {MAX_PAGE}, got {limit}")
        with self._read("list exports") as session:
            return export_records(session, limit)

    # ---------------------------------------------------------------- pilots
    def add_pilot(self, name: str, *, source: str, content: bytes, summary: dict[str, Any]) -> int:
        """Store a pilot dataset; returns its id.

        Parameters
        ----------
        name
            Unique name, 1 to 200 characters.
        source
            Where it came from (file path or description).
        content
            The file's bytes, as imported.
        summary
            Its calibration summary, as JSON data.

        Raises
        ------
        ScenarioValidationError
            (field ``name``) when a pilot of that name exists.
        """
        row = new_pilot_row(name, source=source, content=content, summary=summary)
        with self._write(f"store pilot {row.name!r}") as session:
            return insert_pilot(session, row)

    def list_pilots(self) -> list[StoredPilot]:
        """Every pilot dataset, newest first."""
        with self._read("list pilot datasets") as session:
            return all_pilots(session)

    def get_pilot(self, name_or_id: str | int) -> StoredPilot:
        """A pilot dataset by name or id."""
        with self._read(f"read pilot {name_or_id!r}") as session:
            return find_pilot(session, name_or_id)

    # ------------------------------------------------------------ maintenance
    def backup(self, path: str | Path | None = None) -> Path:
        """Copy the SQLite database to ``path`` (default: a timestamped file beside it).

        Raises
        ------
        DatabaseError
            For a server database (use ``pg_dump``), or when ``path`` exists.
        """
        source = self.database_path
        if source is None:
            raise DatabaseError(
                f"backup: {self.url} is not an SQLite file; back up a PostgreSQL database with pg_dump"
            )
        target = Path(path).expanduser() if path is not None else timestamped_backup_path(source, "manual")
        return backup_sqlite_file(source, target)

    def check(self, progress: ProgressCallback | None = None) -> list[str]:
        """Look for problems; an empty list means none were found.

        Checks SQLite's ``integrity_check`` and ``foreign_key_check``, the
        schema revision, the schema's shape against :mod:`advisor.storage.db_models`
        (:func:`~advisor.storage.consistency.schema_problems`: every table,
        column, index and constraint the app needs), and for every scenario:
        that its current revision exists and validates, that the indexed name,
        notes and tags match the JSON, and that every revision's JSON matches
        its stored hash (:func:`~advisor.storage.consistency.database_problems`).

        Parameters
        ----------
        progress
            Called as ``progress(done, total)`` while scenarios are checked.
        """
        with self._read("check the database") as session:
            return database_problems(session, progress)
