from __future__ import annotations

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from socketspace.models.base import Base
from socketspace.models.conversation import BigId


class Mention(Base):
    """A group message naming a member (`@Name` in its text, `mentions` on the wire): stored
    as rows, never found again by parsing names. The key leads with the message, so a page's
    mentions are one range each; the index leads with the person and their group, so "my
    unread mentions in this group" (the conversations list's mentionCount) is one short range
    above their read pointer."""

    __tablename__ = "message_mentions"
    __table_args__ = (
        Index("ix_message_mentions_user_conversation", "user_id", "conversation_id", "message_id"),
    )

    message_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    # The message's group, copied so the count needs no join to find it.
    conversation_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("conversations.id", ondelete="CASCADE")
    )
