"""Group conversations: a conversation of a kind, with a name, an avatar and members with
roles and a visible range of messages; system messages.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("kind", sa.String(8), nullable=False, server_default="direct"))
        batch.add_column(sa.Column("name", sa.String(100), nullable=True))
        batch.add_column(sa.Column("avatar", sa.String(512), nullable=True))
        batch.add_column(sa.Column("created_by", sa.String(24), nullable=True))
        batch.alter_column("user_low", existing_type=sa.String(24), nullable=True)
        batch.alter_column("user_high", existing_type=sa.String(24), nullable=True)
    with op.batch_alter_table("conversation_members") as batch:
        batch.alter_column("partner_id", existing_type=sa.String(24), nullable=True)
        batch.add_column(sa.Column("role", sa.String(8), nullable=False, server_default="member"))
        batch.add_column(sa.Column("joined_at", When, nullable=True))
        batch.add_column(
            sa.Column("visible_after", BigId, nullable=False, server_default=sa.text("0"))
        )
        batch.add_column(sa.Column("left_at_message_id", BigId, nullable=True))
    with op.batch_alter_table("messages") as batch:
        batch.alter_column("receiver_id", existing_type=sa.String(24), nullable=True)
        batch.add_column(sa.Column("kind", sa.String(8), nullable=False, server_default="text"))
        batch.add_column(sa.Column("system", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM messages WHERE receiver_id IS NULL")
    op.execute("DELETE FROM conversations WHERE kind = 'group'")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("system")
        batch.drop_column("kind")
        batch.alter_column("receiver_id", existing_type=sa.String(24), nullable=False)
    with op.batch_alter_table("conversation_members") as batch:
        batch.drop_column("left_at_message_id")
        batch.drop_column("visible_after")
        batch.drop_column("joined_at")
        batch.drop_column("role")
        batch.alter_column("partner_id", existing_type=sa.String(24), nullable=False)
    with op.batch_alter_table("conversations") as batch:
        batch.alter_column("user_high", existing_type=sa.String(24), nullable=False)
        batch.alter_column("user_low", existing_type=sa.String(24), nullable=False)
        batch.drop_column("created_by")
        batch.drop_column("avatar")
        batch.drop_column("name")
        batch.drop_column("kind")
