"""Forwarded messages (messages.forwarded).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "messages", sa.Column("forwarded", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of the table would break the search
    # index's view of it (migration 0008).
    op.execute("ALTER TABLE messages DROP COLUMN forwarded")
