"""Soft delete, the export protocol and pilot datasets.

Revision ID: 0002
Revises: 0001
Create Date: 2025-01-02

- ``scenarios.deleted_at``: deleting a scenario only marks it, so the GUI can
  undo; names stay unique among scenarios that are not deleted (a partial
  unique index replaces the plain one of 0001).
- ``exports``: one row per report or data export (what, which scenarios,
  format, file path, SHA-256 of the file, details), so a result can be traced.
- ``pilots``: pilot datasets (the raw file and its calibration summary).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LIVE_ROWS = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    op.add_column("scenarios", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.drop_index("uq_scenarios_name", table_name="scenarios")
    op.create_index(
        "uq_scenarios_live_name",
        "scenarios",
        ["name"],
        unique=True,
        sqlite_where=LIVE_ROWS,
        postgresql_where=LIVE_ROWS,
    )

    op.create_table(
        "exports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("what", sa.String(length=100), nullable=False),
        sa.Column("scenario_names_json", sa.Text(), nullable=False),
        sa.Column("fmt", sa.String(length=20), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("detail_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_exports"),
    )
    op.create_index("ix_exports_created", "exports", ["created"])

    op.create_table(
        "pilots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("summary_json", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_pilots"),
        sa.UniqueConstraint("name", name="uq_pilots_name"),
    )


def downgrade() -> None:
    op.drop_table("pilots")
    op.drop_index("ix_exports_created", table_name="exports")
    op.drop_table("exports")
    # Schema 0001 cannot represent a deleted scenario, and a deleted one may
    # share its name with a live one: deleted scenarios go before the plain
    # unique index comes back. Their revisions and tags go with them (CASCADE).
    op.execute("DELETE FROM scenario_tags WHERE scenario_id IN (SELECT id FROM scenarios WHERE deleted_at IS NOT NULL)")
    op.execute(
        "DELETE FROM scenario_revisions WHERE scenario_id IN (SELECT id FROM scenarios WHERE deleted_at IS NOT NULL)"
    )
    op.execute("DELETE FROM scenarios WHERE deleted_at IS NOT NULL")
    op.drop_index("uq_scenarios_live_name", table_name="scenarios")
    op.create_index("uq_scenarios_name", "scenarios", ["name"], unique=True)
    # A plain DROP COLUMN (SQLite >= 3.35), not a batch copy of the table: with
    # foreign keys on, dropping the old copy would cascade to every revision.
    op.drop_column("scenarios", "deleted_at")
