"""Replies: which message a new one may answer, and the quote of it that message views show.

The writer checks a reply in its transaction (services/message_writer.py): the message
answered must be a text message of the same conversation that the sender may read, and not
deleted. The quote is read fresh with every view, so an edit or delete of the original shows.
A viewer who may not read the original (a group's, from before they joined) sees only that
there is one: `unavailable`, nothing of it, not even who wrote it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.errors import InvalidInput
from socketspace.models import Message
from socketspace.models.message import TEXT
from socketspace.services.ids import check_cursor_id
from socketspace.services.media import thumb_url
from socketspace.services.visibility import members_barred_from_sync, readable_by

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
# The same, with whether `viewer` may read each.
_FIND_QUOTED = _FIND_ORIGINALS.add_columns(readable_by(bindparam("viewer")).label("readable"))
_READABLE = select(Message.id).where(
    Message.id == bindparam("id"), readable_by(bindparam("viewer"))
)


class Original(Protocol):
    id: int
    conversation_id: int
    sender_id: str
    text: str | None
    image: str | None
    deleted_at: datetime | None
    kind: str


class Reply(Protocol):
    receiver_id: str | None
    reply_to_id: int | None


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
    return _may_read(conn, original.id, sender_id)


def _may_read(conn: Connection, message_id: int, viewer_id: str) -> bool:
    return conn.scalar(_READABLE, {"id": message_id, "viewer": viewer_id}) is not None


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


def unavailable_quote(message_id: int) -> dict[str, Any]:
    """The quote of a message the viewer may not read."""
    return {
        "_id": str(message_id),
        "senderId": None,
        "text": None,
        "image": None,
        "deleted": False,
        "unavailable": True,
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
    # A direct chat's two read all of it; in a group, only what the sender may read.
    return not group or _may_read(conn, original.id, sender_id)


def members_not_seeing_quote(
    conn: Connection, message: Reply, members: Sequence[str]
) -> tuple[str, ...]:
    """Of a new group reply's members, those who may not read the message it quotes (they
    joined after it): their live copy shows the quote unavailable. Usually nobody."""
    if message.reply_to_id is None or message.receiver_id is not None:
        return ()
    barred = members_barred_from_sync(conn, message.reply_to_id)
    return tuple(m for m in members if m in barred) if barred else ()


def views_by_sight(
    view: dict[str, Any], members: Sequence[str], not_seeing_quote: Sequence[str]
) -> list[tuple[dict[str, Any], Sequence[str]]]:
    """A new message's view and to whom it goes: one view for everyone (made and encoded
    once), unless some members may not read the message it quotes; they get a copy without."""
    if not not_seeing_quote:
        return [(view, members)]
    hidden = set(not_seeing_quote)
    seeing = [m for m in members if m not in hidden]
    blind_view = {**view, "replyTo": unavailable_quote(int(view["replyTo"]["_id"]))}
    # Never an empty audience: to a notifier, no rooms means everyone.
    if not seeing:
        return [(blind_view, not_seeing_quote)]
    return [(view, seeing), (blind_view, not_seeing_quote)]


async def load_quotes(
    session: AsyncSession, reply_ids: Iterable[int | None], viewer_id: str | None
) -> dict[int, dict[str, Any]]:
    """The quotes of these messages, by id, as `viewer_id` may see them (None: whole, for
    callers that sort out who sees what); one query, none without replies."""
    ids = sorted({i for i in reply_ids if i is not None})
    if not ids:
        return {}
    if viewer_id is None:
        rows = await session.execute(_FIND_ORIGINALS, {"ids": ids})
        return {row.id: quote_view(row) for row in rows}
    rows = await session.execute(_FIND_QUOTED, {"ids": ids, "viewer": viewer_id})
    return {row.id: quote_view(row) if row.readable else unavailable_quote(row.id) for row in rows}
