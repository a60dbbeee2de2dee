"""A member's own settings of a conversation: muted, pinned (conversation_members).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "conversation_members",
        sa.Column("muted", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "conversation_members", sa.Column("pinned_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.execute("ALTER TABLE conversation_members DROP COLUMN pinned_at")
    op.execute("ALTER TABLE conversation_members DROP COLUMN muted")
