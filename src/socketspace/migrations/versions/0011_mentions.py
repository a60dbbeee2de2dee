"""Mentions in groups (message_mentions): who a group message names, by id.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "message_mentions",
        sa.Column("message_id", BigId, nullable=False),
        sa.Column("user_id", sa.String(24), nullable=False),
        sa.Column("conversation_id", BigId, nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            ondelete="CASCADE",
            name=op.f("fk_message_mentions_message_id_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            ondelete="CASCADE",
            name=op.f("fk_message_mentions_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            ondelete="CASCADE",
            name=op.f("fk_message_mentions_conversation_id_conversations"),
        ),
        sa.PrimaryKeyConstraint("message_id", "user_id", name=op.f("pk_message_mentions")),
    )
    op.create_index(
        "ix_message_mentions_user_conversation",
        "message_mentions",
        ["user_id", "conversation_id", "message_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_message_mentions_user_conversation", table_name="message_mentions")
    op.drop_table("message_mentions")
