from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from socketspace.models.base import Base, UTCDateTime, utcnow
from socketspace.models.conversation import BigId


class OutboxEmail(Base):
    """An email to send, written in the same transaction as the change that causes it.

    `template` and `context` say what to render at send time. `message_key` is fixed when the
    row is written and becomes the Message-ID `<message_key@domain>`, so every copy a retry may
    produce carries the same Message-ID. A worker claims a row by setting `lease_until`; when the
    lease runs out before the row is marked sent, the row is due again.
    """

    __tablename__ = "outbox_emails"
    __table_args__ = (
        Index("ix_outbox_emails_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    message_key: Mapped[str] = mapped_column(String(64), unique=True)
    template: Mapped[str] = mapped_column(String(64))
    to_address: Mapped[str] = mapped_column(String(254))
    context: Mapped[dict[str, Any]] = mapped_column(JSON)
    # pending → sent, or → failed after the last attempt.
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class PasswordReset(Base):
    """One password-reset request. Only a hash of its token is kept; the token itself is
    derived from `id` with the server's key when the email is rendered, so neither this table
    nor the outbox holds anything that resets a password."""

    __tablename__ = "password_resets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
