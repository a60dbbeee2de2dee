from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from socketspace.models.base import Base, UTCDateTime, utcnow
from socketspace.models.conversation import BigId

# A new column of messages touches two places:
#   1. this file: its Column in Message, and a field of the same name in MessageRecord
#      (tests/unit/test_message_sql.py fails until both have it);
#   2. schemas/message.py, if clients are to see it: message_view and MessageOut.
# The writer's INSERT on both databases (services/message_sql.py) and the reads of messages
# are made from the table. Like any change of the schema, it also needs a migration.


TEXT = "text"
SYSTEM = "system"


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
    # None in a group: the group is the conversation.
    receiver_id: Mapped[str | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[str | None] = mapped_column(String(64), default=None)
    text: Mapped[str | None] = mapped_column(Text, default=None)
    # Indexed: who may see a picture, and whether anything still shows it, is asked by URL.
    image: Mapped[str | None] = mapped_column(String(512), default=None, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # "text", or "system" for what happened in a group ({action, actorId, userIds?, name?}).
    kind: Mapped[str] = mapped_column(String(8), default=TEXT, server_default=TEXT)
    system: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True), default=None)
    # The message this one answers (same conversation; checked by the writer). No foreign key:
    # a quote of a message that is gone shows as deleted.
    reply_to_id: Mapped[int | None] = mapped_column(BigId, default=None)
    # A copy of another message's text and picture, sent on (forwardOf).
    forwarded: Mapped[bool] = mapped_column(default=False, server_default=false())


@dataclass(slots=True, kw_only=True)
class MessageRecord:
    """A message as the writer stores and announces it: the columns of `Message`, as a plain
    object with a field of the same name for each. The writer makes one per message sent, in
    the database thread, where a mapped `Message` cost ~10 us to build (SQLAlchemy's
    instrumented constructor): a third of the thread's time per message (py-spy)."""

    conversation_id: int
    sender_id: str
    receiver_id: str | None
    client_id: str | None
    text: str | None
    image: str | None
    created_at: datetime
    id: int = 0
    edited_at: datetime | None = None
    deleted_at: datetime | None = None
    kind: str = TEXT
    system: dict[str, Any] | None = None
    reply_to_id: int | None = None
    forwarded: bool = False
