from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from socketspace.models.base import Base, UTCDateTime, utcnow

# A 64-bit id on PostgreSQL; on SQLite it must be exactly INTEGER to alias the rowid.
BigId = BigInteger().with_variant(Integer(), "sqlite")


DIRECT = "direct"
GROUP = "group"
OWNER, ADMIN, MEMBER = "owner", "admin", "member"


class Conversation(Base):
    """A 1:1 chat (`kind` direct) or a group. A 1:1 chat's pair is stored sorted (user_low <
    user_high) so it exists only once; a group has neither, and a name instead."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("user_low", "user_high"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_low: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    user_high: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_message_id: Mapped[int | None] = mapped_column(BigId, default=None)
    kind: Mapped[str] = mapped_column(String(8), default=DIRECT, server_default=DIRECT)
    name: Mapped[str | None] = mapped_column(String(100), default=None)
    avatar: Mapped[str | None] = mapped_column(String(512), default=None)
    created_by: Mapped[str | None] = mapped_column(String(24), default=None)


class ConversationMember(Base):
    """A member of a conversation: who, with whom (1:1 only), how far they have read, and how
    many messages from the others came after that. In a group also their role and which
    messages they may read: those after `visible_after` (when they joined) and, once they have
    left, up to `left_at_message_id`."""

    __tablename__ = "conversation_members"

    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    partner_id: Mapped[str | None] = mapped_column(String(24))
    last_read_message_id: Mapped[int] = mapped_column(BigId, default=0)
    # Kept by the writer, mark_read and delete, so the chats list never counts messages.
    unread_count: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(8), default=MEMBER, server_default=MEMBER)
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    visible_after: Mapped[int] = mapped_column(BigId, default=0, server_default="0")
    left_at_message_id: Mapped[int | None] = mapped_column(BigId, default=None)
    # The member's own settings of the conversation, on every device of theirs.
    muted: Mapped[bool] = mapped_column(default=False, server_default=false())
    # When a mute for a while ends (None: muted until unmuted); past it, not muted.
    muted_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    pinned_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
