"""Alembic environment: migrates the connection handed over by
:func:`advisor.storage.migrations.upgrade` (online mode), or prints SQL for a URL
given with ``-x url=...`` (offline mode, for a database administrator)."""

from __future__ import annotations

from alembic import context

from advisor.storage.db_models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("offline migrations need a database URL: -x url=postgresql+psycopg://...")
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError(
            "run migrations through advisor.storage.migrations.upgrade(connection) or ScenarioStore.open(), "
            "which pass the connection to migrate"
        )
    # render_as_batch lets ALTERs that SQLite lacks run as copy-and-move.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
