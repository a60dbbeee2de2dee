from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from socketspace.models.base import Base, UTCDateTime, utcnow
from socketspace.models.conversation import BigId

EMOJI_MAX = 32  # characters: the longest emoji sequence in Unicode's data is far shorter


class Reaction(Base):
    """One person's reaction with one emoji to one message. The key makes a second identical
    reaction impossible; it leads with the message, so a page's reactions are one range
    each."""

    __tablename__ = "message_reactions"

    message_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    emoji: Mapped[str] = mapped_column(String(EMOJI_MAX), primary_key=True)
    user_id: Mapped[str] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
