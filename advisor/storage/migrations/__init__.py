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

import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

MIGRATIONS_DIR = Path(__file__).resolve().parent
VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r"^revision\s*(?::[^=\n]*)?=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*(?::[^=\n]*)?=\s*(?:None|[\"']([^\"']+)[\"'])\s*$", re.MULTILINE)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration for this package's migrations.

    Parameters
    ----------
    connection
        The connection ``env.py`` migrates (passed through
        ``Config.attributes``); None for commands that only read the scripts.
    """
    from alembic.config import Config

    config = Config()
    # ConfigParser interpolation would read a "%" in a folder name as a placeholder.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    """The revision scripts of this package, as Alembic reads them."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


@lru_cache(maxsize=1)
def _revision_chain() -> tuple[str, ...]:
    """Every revision id, oldest first, read from the scripts' ``revision`` and ``down_revision`` lines.

    Read here rather than asked of Alembic: importing Alembic takes about a tenth of a second, which
    every start of the app and every command would pay to open a database already at the newest
    revision (Alembic is imported when a database is migrated). The scripts form one chain (no
    branches, no merges); ``tests/advisor/test_store_files.py`` checks that this equals Alembic's
    own reading of them.
    """
    parents: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(text), _DOWN_REVISION.search(text)
        if revision is None or down is None:
            raise RuntimeError(f"migration script {path.name} names no revision and down_revision")
        parents[revision.group(1)] = down.group(1)
    children = {parent: child for child, parent in parents.items()}
    chain: list[str] = []
    parent: str | None = None
    while parent in children and len(chain) <= len(parents):
        parent = children[parent]
        chain.append(parent)
    if not chain or len(chain) != len(parents) or len(children) != len(parents):
        raise RuntimeError(f"the migration scripts in {MIGRATIONS_DIR / 'versions'} do not form one chain")
    return tuple(chain)


def known_revisions() -> list[str]:
    """Every revision id, oldest first (``["0001", "0002", ...]``)."""
    return list(_revision_chain())


def head_revision() -> str:
    """The newest schema revision this version of the app writes."""
    return _revision_chain()[-1]


def current_revision(connection: Connection) -> str | None:
    """The revision stamped in the database, or None when it has no version table."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: Connection, target: str = "head") -> None:
    """Migrate the database on ``connection`` to ``target``, inside its open transaction."""
    from alembic import command

    command.upgrade(alembic_config(connection), target)


def downgrade(connection: Connection, target: str) -> None:
    """Migrate the database on ``connection`` back to ``target`` (development and tests)."""
    from alembic import command

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
    from alembic import command

    next_number = f"{len(known_revisions()) + 1:04d}"
    command.revision(alembic_config(), message=args.message, rev_id=next_number)
    return 0


if __name__ == "__main__":
    sys.exit(main())
