"""Stored pictures (media), and indexes to find who shows a picture by its URL.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("id", sa.String(24), nullable=False),
        sa.Column("owner_id", sa.String(24), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("content_type", sa.String(32), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("used_at", When, nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], ondelete="SET NULL", name=op.f("fk_media_owner_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_media")),
    )
    op.create_index("ix_media_kind_name", "media", ["kind", "name"])
    op.create_index(op.f("ix_media_owner_id"), "media", ["owner_id"])
    op.create_index(op.f("ix_media_used_at"), "media", ["used_at"])
    op.create_index(op.f("ix_messages_image"), "messages", ["image"])
    op.create_index(op.f("ix_users_profile_pic"), "users", ["profile_pic"])


def downgrade() -> None:
    op.drop_index(op.f("ix_users_profile_pic"), table_name="users")
    op.drop_index(op.f("ix_messages_image"), table_name="messages")
    op.drop_index(op.f("ix_media_used_at"), table_name="media")
    op.drop_index(op.f("ix_media_owner_id"), table_name="media")
    op.drop_index("ix_media_kind_name", table_name="media")
    op.drop_table("media")
