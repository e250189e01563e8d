"""The first schema: scenarios, their revisions and tags.

Revision ID: 0001
Revises:
Create Date: 2025-01-01

A scenario row holds the indexed copy of its current revision (name, notes,
times); every save is a row of ``scenario_revisions`` with the full JSON and
its SHA-256; tags are shared rows linked through ``scenario_tags``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_scenarios"),
    )
    op.create_index("uq_scenarios_name", "scenarios", ["name"], unique=True)
    op.create_index("ix_scenarios_updated", "scenarios", ["updated"])
    op.create_index("ix_scenarios_created", "scenarios", ["created"])

    op.create_table(
        "scenario_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("content_json", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["scenario_id"], ["scenarios.id"], name="fk_scenario_revisions_scenario_id_scenarios", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_scenario_revisions"),
        sa.UniqueConstraint("scenario_id", "revision", name="uq_scenario_revisions_scenario_id_revision"),
    )

    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_tags"),
        sa.UniqueConstraint("name", name="uq_tags_name"),
    )

    op.create_table(
        "scenario_tags",
        sa.Column("scenario_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["scenario_id"], ["scenarios.id"], name="fk_scenario_tags_scenario_id_scenarios", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["tag_id"], ["tags.id"], name="fk_scenario_tags_tag_id_tags", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("scenario_id", "tag_id", name="pk_scenario_tags"),
    )
    op.create_index("ix_scenario_tags_tag_id", "scenario_tags", ["tag_id"])


def downgrade() -> None:
    op.drop_table("scenario_tags")
    op.drop_table("tags")
    op.drop_table("scenario_revisions")
    op.drop_index("ix_scenarios_created", table_name="scenarios")
    op.drop_index("ix_scenarios_updated", table_name="scenarios")
    op.drop_index("uq_scenarios_name", table_name="scenarios")
    op.drop_table("scenarios")
