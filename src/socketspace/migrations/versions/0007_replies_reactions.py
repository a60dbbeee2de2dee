"""Replies (messages.reply_to_id) and reactions (message_reactions).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    # A plain ADD COLUMN (no foreign key): SQLite does it without copying the table.
    op.add_column("messages", sa.Column("reply_to_id", BigId, nullable=True))
    op.create_table(
        "message_reactions",
        sa.Column("message_id", BigId, nullable=False),
        sa.Column("emoji", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(24), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            ondelete="CASCADE",
            name=op.f("fk_message_reactions_message_id_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            ondelete="CASCADE",
            name=op.f("fk_message_reactions_user_id_users"),
        ),
        sa.PrimaryKeyConstraint(
            "message_id", "emoji", "user_id", name=op.f("pk_message_reactions")
        ),
    )
    op.create_index(
        op.f("ix_message_reactions_user_id"), "message_reactions", ["user_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_message_reactions_user_id"), table_name="message_reactions")
    op.drop_table("message_reactions")
    # A plain DROP COLUMN (SQLite 3.35+; PostgreSQL alike), never a batch copy: on SQLite
    # that drops the old table, and with foreign keys on, dropping it cascades to every row
    # that refers to a message (reports of messages were lost).
    op.execute("ALTER TABLE messages DROP COLUMN reply_to_id")
