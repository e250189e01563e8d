"""Numbered Alembic migrations of the scenario database, run from code.

No ``alembic.ini`` is needed: :func:`alembic_config` builds the configuration
with ``script_location`` pointing at this package's folder, so migrations run
the same from a source tree, an editable install or a wheel. The store calls
:func:`upgrade` with a connection that is already inside a transaction (and,
on PostgreSQL, holds an advisory lock), so a migration and the first seeding
of a new database commit together or not at all.

Revisions are numbered ``0001``, ``0002``, ... (see ``versions/``). To add one
during development::

    python -m advisor.storage.migrations revision -m "what changes"

then edit the new file by hand, commit a small SQLite file of the previous
schema under ``tests/data/`` and a test that opens it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

MIGRATIONS_DIR = Path(__file__).resolve().parent
VERSION_TABLE = "alembic_version"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for this package's migrations.

    Parameters
    ----------
    connection
        The connection ``env.py`` migrates (passed through
        ``Config.attributes``); None for commands that only read the scripts.
    """
    config = Config()
    # ConfigParser interpolation would read a "%" in a folder name as a placeholder.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    """The revision scripts of this package."""
    return ScriptDirectory.from_config(alembic_config())


def known_revisions() -> list[str]:
    """Every revision id, oldest first (``["0001", "0002", ...]``)."""
    return [script.revision for script in reversed(list(script_directory().walk_revisions()))]


def head_revision() -> str:
    """The newest schema revision this version of the app writes."""
    head = script_directory().get_current_head()
    if head is None:
        raise RuntimeError(f"no migration scripts found in {MIGRATIONS_DIR / 'versions'}")
    return head


def current_revision(connection: Connection) -> str | None:
    """The revision stamped in the database, or None when it has no version table."""
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, target: str = "head") -> None:
    """Migrate the database on ``connection`` to ``target``, inside its open transaction."""
    command.upgrade(alembic_config(connection), target)


def downgrade(connection: Connection, target: str) -> None:
    """Migrate the database on ``connection`` back to ``target`` (development and tests)."""
    command.downgrade(alembic_config(connection), target)


def main(argv: list[str] | None = None) -> int:
    """Developer entry point: ``python -m advisor.storage.migrations revision -m "..."``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m advisor.storage.migrations")
    subparsers = parser.add_subparsers(dest="action", required=True)
    new_revision = subparsers.add_parser("revision", help="write a new numbered revision script to edit")
    new_revision.add_argument("-m", "--message", required=True)
    subparsers.add_parser("history", help="list the revisions")
    args = parser.parse_args(argv)
    if args.action == "history":
        for revision in known_revisions():
            print(revision)
        return 0
    next_number = f"{len(known_revisions()) + 1:04d}"
    command.revision(alembic_config(), message=args.message, rev_id=next_number)
    return 0


if __name__ == "__main__":
    sys.exit(main())
