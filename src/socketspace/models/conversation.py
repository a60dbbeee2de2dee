from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from socketspace.models.base import Base, UTCDateTime, utcnow

# A 64-bit id on PostgreSQL; on SQLite it must be exactly INTEGER to alias the rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Conversation(Base):
    """A 1:1 chat. The pair is stored sorted (user_low < user_high) so it exists only once."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("user_low", "user_high"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_low: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user_high: Mapped[str] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_id: Mapped[int | None] = mapped_column(BigId, default=None)


class ConversationMember(Base):
    """One side of a conversation: who, with whom, how far they have read, and how many
    messages from the other side came after that."""

    __tablename__ = "conversation_members"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    partner_id: Mapped[str] = mapped_column(String(24))
    last_read_message_id: Mapped[int] = mapped_column(BigId, default=0)
    # Kept by the writer, mark_read and delete, so the chats list never counts messages.
    unread_count: Mapped[int] = mapped_column(Integer, default=0)
