"""Blocks between users, and reported messages.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "blocks",
        sa.Column("blocker_id", sa.String(24), nullable=False),
        sa.Column("blocked_id", sa.String(24), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["blocker_id"],
            ["users.id"],
            ondelete="CASCADE",
            name=op.f("fk_blocks_blocker_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["blocked_id"],
            ["users.id"],
            ondelete="CASCADE",
            name=op.f("fk_blocks_blocked_id_users"),
        ),
        sa.PrimaryKeyConstraint("blocker_id", "blocked_id", name=op.f("pk_blocks")),
    )
    op.create_table(
        "reports",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("reporter_id", sa.String(24), nullable=False),
        sa.Column("reported_id", sa.String(24), nullable=False),
        sa.Column("message_id", BigId, nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("image", sa.String(512), nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["reporter_id"],
            ["users.id"],
            ondelete="CASCADE",
            name=op.f("fk_reports_reporter_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_id"],
            ["users.id"],
            ondelete="CASCADE",
            name=op.f("fk_reports_reported_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            ondelete="CASCADE",
            name=op.f("fk_reports_message_id_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
    )
    op.create_index(op.f("ix_reports_reporter_id"), "reports", ["reporter_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_reports_reporter_id"), table_name="reports")
    op.drop_table("reports")
    op.drop_table("blocks")
