"""The database tables, as SQLAlchemy 2.0 ORM classes (schema revision 0002).

Only the modules of :mod:`advisor.storage` use these classes; rows never leave the
store (:mod:`advisor.storage.store` converts them to the frozen dataclasses of
:mod:`advisor.storage.records`). The tables are created and changed only by the
numbered Alembic revisions in :mod:`advisor.storage.migrations`, never by
``metadata.create_all``; a test checks that these classes and the migrated
schema agree.

A scenario is kept twice on purpose: the full JSON of every save is a row of
``scenario_revisions`` (the history, each with its SHA-256), and the current
name, notes and tags are copied into indexed columns of ``scenarios`` and the
``scenario_tags`` association so that listing and search never parse JSON.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# Deterministic constraint names, so that later migrations can drop or alter
# them by name on every backend (Alembic's "naming conventions" advice).
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LIVE_ROWS = text("deleted_at IS NULL")


class UTCDateTime(TypeDecorator[datetime]):
    """A point in time stored in UTC and always returned timezone-aware.

    SQLite has no time zone type: it stores the UTC wall time as text, which
    also sorts correctly. PostgreSQL stores ``timestamp with time zone``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a stored time must carry a time zone, got the naive time {value.isoformat()}")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ScenarioRow(Base):
    """One stored scenario: its identity and the indexed copy of its current revision."""

    __tablename__ = "scenarios"
    __table_args__ = (
        Index("ix_scenarios_updated", "updated"),
        Index("ix_scenarios_created", "created"),
        # Names are unique among scenarios that are not deleted: a deleted
        # scenario keeps its name for undo, without blocking a new one.
        Index("uq_scenarios_live_name", "name", unique=True, sqlite_where=LIVE_ROWS, postgresql_where=LIVE_ROWS),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    created: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    updated: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class RevisionRow(Base):
    """One save of a scenario: the full JSON, its hash and what changed."""

    __tablename__ = "scenario_revisions"
    __table_args__ = (UniqueConstraint("scenario_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"), nullable=False)
    revision: Mapped[int] = mapped_column(Integer, nullable=False)
    content_json: Mapped[str] = mapped_column(Text, nullable=False)
    content_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    schema_version: Mapped[int] = mapped_column(Integer, nullable=False)
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)


class TagRow(Base):
    """A tag name, shared by every scenario that carries it."""

    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50), nullable=False, unique=True)


class ScenarioTagRow(Base):
    """The association of scenarios and tags."""

    __tablename__ = "scenario_tags"
    __table_args__ = (Index("ix_scenario_tags_tag_id", "tag_id"),)

    scenario_id: Mapped[int] = mapped_column(ForeignKey("scenarios.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)


class ExportRow(Base):
    """A protocol entry: one report or data export the user made (schema 0002)."""

    __tablename__ = "exports"
    __table_args__ = (Index("ix_exports_created", "created"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    what: Mapped[str] = mapped_column(String(100), nullable=False)
    scenario_names_json: Mapped[str] = mapped_column(Text, nullable=False)
    fmt: Mapped[str] = mapped_column(String(20), nullable=False)
    path: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    detail_json: Mapped[str] = mapped_column(Text, nullable=False)


class PilotRow(Base):
    """A pilot dataset (raw file bytes and its calibration summary; schema 0002)."""

    __tablename__ = "pilots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    source: Mapped[str] = mapped_column(Text, nullable=False)
    content: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    summary_json: Mapped[str] = mapped_column(Text, nullable=False)
    created: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
