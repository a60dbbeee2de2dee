from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socketspace.models.base import Base, UTCDateTime, utcnow
from socketspace.models.conversation import BigId


class Message(Base):
    """A message. Ids rise in commit order (one writer commits them), so `id > n` is "newer
    than n" for sync and paging."""

    __tablename__ = "messages"
    __table_args__ = (
        # A retried send (same sender, same client id) finds the original instead of a twin.
        # client_id leads, so the writer's `client_id IN (...)` lookup is an index seek per
        # key (SQLite scans the table for a `(sender_id, client_id) IN` row-value list).
        UniqueConstraint("client_id", "sender_id"),
        Index("ix_messages_conversation_id_id", "conversation_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    sender_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    receiver_id: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str | None] = mapped_column(String(64), default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None)
    # Indexed: who may see a picture, and whether anything still shows it, is asked by URL.
    image: Mapped[str | None] = mapped_column(String(512), default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
