"""Conversations, their members and messages; users' last-seen time.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# 64-bit on PostgreSQL; exactly INTEGER on SQLite, so the primary key aliases the rowid.
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "conversations",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("user_low", sa.String(24), nullable=False),
        sa.Column("user_high", sa.String(24), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("last_message_id", BigId, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_low"],
            ["users.id"],
            ondelete="CASCADE",
            name=op.f("fk_conversations_user_low_users"),
        ),
        sa.ForeignKeyConstraint(
            ["user_high"],
            ["users.id"],
            ondelete="CASCADE",
            name=op.f("fk_conversations_user_high_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversations")),
        sa.UniqueConstraint("user_low", "user_high", name=op.f("uq_conversations_user_low")),
    )
    op.create_table(
        "conversation_members",
        sa.Column("conversation_id", BigId, nullable=False),
        sa.Column("user_id", sa.String(24), nullable=False),
        sa.Column("partner_id", sa.String(24), nullable=False),
        sa.Column("last_read_message_id", BigId, nullable=False),
        sa.Column("unread_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            ondelete="CASCADE",
            name=op.f("fk_conversation_members_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            ondelete="CASCADE",
            name=op.f("fk_conversation_members_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("conversation_id", "user_id", name=op.f("pk_conversation_members")),
    )
    op.create_index(op.f("ix_conversation_members_user_id"), "conversation_members", ["user_id"])
    op.create_table(
        "messages",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("conversation_id", BigId, nullable=False),
        sa.Column("sender_id", sa.String(24), nullable=False),
        sa.Column("receiver_id", sa.String(24), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("image", sa.String(512), nullable=True),
        sa.Column("created_at", When, nullable=False),
        sa.Column("edited_at", When, nullable=True),
        sa.Column("deleted_at", When, nullable=True),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            ondelete="CASCADE",
            name=op.f("fk_messages_conversation_id_conversations"),
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["users.id"],
            ondelete="CASCADE",
            name=op.f("fk_messages_sender_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["receiver_id"],
            ["users.id"],
            ondelete="CASCADE",
            name=op.f("fk_messages_receiver_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint("client_id", "sender_id", name=op.f("uq_messages_client_id")),
    )
    op.create_index("ix_messages_conversation_id_id", "messages", ["conversation_id", "id"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("last_seen_at", When, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("last_seen_at")
    op.drop_index("ix_messages_conversation_id_id", table_name="messages")
    op.drop_table("messages")
    op.drop_index(op.f("ix_conversation_members_user_id"), table_name="conversation_members")
    op.drop_table("conversation_members")
    op.drop_table("conversations")
