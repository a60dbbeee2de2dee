"""Replies: which message a new one may answer, and the quote of it that message views show.

The writer checks a reply in its transaction (services/message_writer.py): the message
answered must be a text message of the same conversation that the sender may read, and not
deleted. The quote is read fresh with every view, so an edit or delete of the original shows.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.errors import InvalidInput
from socketspace.models import ConversationMember, Message
from socketspace.models.message import TEXT
from socketspace.services.ids import check_cursor_id
from socketspace.services.media import thumb_url
from socketspace.services.visibility import readable_by

QUOTE_CHARS = 200

_FIND_ORIGINALS = select(
    Message.id,
    Message.conversation_id,
    Message.sender_id,
    Message.text,
    Message.image,
    Message.deleted_at,
    Message.kind,
).where(Message.id.in_(bindparam("ids", expanding=True)))
_VISIBLE_AFTER = select(ConversationMember.visible_after).where(
    ConversationMember.conversation_id == bindparam("cid"),
    ConversationMember.user_id == bindparam("uid"),
)


class Original(Protocol):
    id: int
    conversation_id: int
    sender_id: str
    text: str | None
    image: str | None
    deleted_at: datetime | None
    kind: str


def check_reply_to(value: object) -> int | None:
    if value is None:
        return None
    reply_to = check_cursor_id(value, "replyToId")
    if reply_to == 0:
        raise not_a_reply_target()
    return reply_to


def check_forward_of(value: object, *, text: object, image: object, reply_to: object) -> int | None:
    if value is None:
        return None
    if text is not None or image is not None or reply_to is not None:
        raise InvalidInput(
            "A forward sends on the text and picture of the message forwarded, nothing else.",
            code="invalid_forward",
        )
    forward_of = check_cursor_id(value, "forwardOf")
    if forward_of == 0:
        raise not_forwardable()
    return forward_of


def not_forwardable() -> InvalidInput:
    return InvalidInput("forwardOf must be a message you can read.", code="invalid_forward")


def may_forward(conn: Connection, original: Original | None, sender_id: str) -> bool:
    """Whether `sender_id` may send on `original`: a text message they may read."""
    if original is None or original.kind != TEXT or original.deleted_at is not None:
        return False
    readable = select(Message.id).where(Message.id == original.id, readable_by(sender_id))
    return conn.scalar(readable) is not None


def not_a_reply_target() -> InvalidInput:
    return InvalidInput(
        "replyToId must be a message of this conversation.", code="invalid_reply_to"
    )


def quote_view(original: Original) -> dict[str, Any]:
    deleted = original.deleted_at is not None
    text, image = original.text, original.image
    return {
        "_id": str(original.id),
        "senderId": original.sender_id,
        "text": None if deleted or text is None else text[:QUOTE_CHARS],
        "image": thumb_url(image) if image and not deleted else None,
        "deleted": deleted,
    }


def find_originals(conn: Connection, ids: Collection[int]) -> dict[int, Original]:
    """The messages with these ids (for the writer, in its transaction)."""
    if not ids:
        return {}
    return {row.id: row for row in conn.execute(_FIND_ORIGINALS, {"ids": sorted(ids)})}


def may_answer(
    conn: Connection, original: Original | None, conversation_id: int, sender_id: str, group: bool
) -> bool:
    """Whether a message to `conversation_id` from `sender_id` may answer `original`."""
    if original is None or original.conversation_id != conversation_id:
        return False
    if original.kind != TEXT or original.deleted_at is not None:
        return False
    if group:  # only what the sender may read: from their joining
        visible_after = conn.scalar(_VISIBLE_AFTER, {"cid": conversation_id, "uid": sender_id})
        return visible_after is not None and original.id > visible_after
    return True


async def load_quotes(
    session: AsyncSession, reply_ids: Iterable[int | None]
) -> dict[int, dict[str, Any]]:
    """The quotes of these messages, by id (one query; none without replies)."""
    ids = sorted({i for i in reply_ids if i is not None})
    if not ids:
        return {}
    rows = await session.execute(_FIND_ORIGINALS, {"ids": ids})
    return {row.id: quote_view(row) for row in rows}
