"""Messages: sending (through the group-commit writer), history, sync, edits, deletes, read
receipts, and the contacts and chats lists.

REST routes and socket events call these same functions, so they cannot drift apart.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import re
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, Integer, bindparam, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from socketspace.db import Database
from socketspace.errors import Forbidden, InvalidInput, NotFound
from socketspace.models import Conversation, ConversationMember, Message, User
from socketspace.models.base import utcnow
from socketspace.models.message import TEXT
from socketspace.schemas.message import NO_EXTRAS, ChatRow, Extras, MessageRow, PersonRow
from socketspace.security.throttle import UserBudget
from socketspace.services.abuse import Blocks, refuse_if_blocked
from socketspace.services.ids import check_cursor_id, check_message_id, check_user_id
from socketspace.services.media import MediaLibrary, Picture
from socketspace.services.mentions import (
    check_mentions,
    forget_mentions,
    mentions_only_in_groups,
)
from socketspace.services.message_extras import live_extras, load_extras
from socketspace.services.message_writer import MessageWriter, Outgoing, Stored, pair_of
from socketspace.services.notify import Notifier
from socketspace.services.replies import check_forward_of, check_reply_to
from socketspace.services.visibility import current_readers, readable_by

TEXT_MAX = 2000
PAGE_DEFAULT = 50
PAGE_MAX = 200
SYNC_PAGE_MAX = 500
CONTACTS_DEFAULT = 500
CONTACTS_MAX = 1000

# What anyone may see of another person; lists select just these columns.
PUBLIC_USER_COLUMNS = (User.id, User.full_name, User.profile_pic, User.last_seen_at)

_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


# --- checks of untrusted input ---------------------------------------------------------------


def check_text(value: str | None) -> str | None:
    """Trimmed text, or None when there is none; over the limit is an error."""
    if value is None:
        return None
    text = value.strip()
    if len(text) > TEXT_MAX:
        raise InvalidInput(
            f"Message text must be at most {TEXT_MAX} characters.", code="text_too_long"
        )
    return text or None


def check_client_id(value: str | None) -> str | None:
    if value is None:
        return None
    if not _CLIENT_ID.match(value):
        raise InvalidInput(
            "clientId must be 1-64 letters, digits, '-' or '_'.", code="invalid_client_id"
        )
    return value


def check_limit(value: int | None, default: int, maximum: int) -> int:
    if value is None:
        return default
    if value < 1 or value > maximum:
        raise InvalidInput(f"limit must be between 1 and {maximum}.", code="invalid_limit")
    return value


# --- sending ---------------------------------------------------------------------------------


async def send_message(
    writer: MessageWriter,
    limiter: UserBudget,
    media: MediaLibrary,
    blocks: Blocks,
    *,
    sender_id: str,
    receiver_id: object,
    text: str | None,
    image: str | None,
    client_id: str | None,
    origin: str | None = None,
    reply_to: object = None,
    forward_of: object = None,
    mentions: list[str] | None = None,
) -> Stored:
    """Store a message and tell both people, after the commit. A direct message mentions
    nobody: a non-empty `mentions` is refused (a client bug is better told than ignored).

    Everything before the `await` at the end runs synchronously: a burst of sends from one
    connection reaches the writer's queue in the order it was sent, whatever the scheduling
    of the handlers that called this.
    """
    receiver = check_user_id(receiver_id)

    def refuse() -> None:
        if receiver == sender_id:
            raise InvalidInput("You cannot send a message to yourself.", code="self_message")
        if mentions:
            raise mentions_only_in_groups()
        refuse_if_blocked(blocks, sender_id, receiver)

    outgoing = prepare_outgoing(
        limiter,
        media,
        sender_id=sender_id,
        text=text,
        image=image,
        client_id=client_id,
        reply_to=reply_to,
        forward_of=forward_of,
        refuse=refuse,
    )
    outgoing.receiver_id = receiver
    outgoing.origin = origin
    return await writer.submit(outgoing)


def prepare_outgoing(
    limiter: UserBudget,
    media: MediaLibrary,
    *,
    sender_id: str,
    text: str | None,
    image: str | None,
    client_id: str | None,
    reply_to: object = None,
    forward_of: object = None,
    mentions: list[str] | None = None,
    refuse: Callable[[], None] | None = None,
) -> Outgoing:
    """A message checked and on its way (without its receiver or group yet): the text, the
    client id, the budgets spent, its picture being stored. Synchronous, so that messages
    keep their order (see send_message); `refuse` runs after the shape checks, before any
    budget is spent."""
    forwarded = check_forward_of(forward_of, text=text, image=image, reply_to=reply_to)
    body = check_text(text)
    if body is None and not image and forwarded is None:
        raise InvalidInput("Text or image is required.", code="empty_message")
    if refuse is not None:
        refuse()
    named = check_mentions(mentions)
    if named and body is None:  # a forward's or a bare picture's: no @Name to show them by
        raise InvalidInput("Mentions need text that names them.", code="invalid_mentions")
    client = check_client_id(client_id)
    reply_to_id = check_reply_to(reply_to)
    ref = media.check_picture(image, field="image") if image else None
    # Budgets answer at once from this process, or (shared through Redis) give a check to
    # await: then the writer holds the message, in its sender's order, until it passes.
    checks = [limiter.take(sender_id)]
    picture = None
    if ref is not None:
        checks.append(media.take_upload(sender_id))
        # The picture is checked and stored off the loop; the writer waits for it in its turn.
        picture = media.picture(ref, owner_id=sender_id, kind="images", field="image")
    waits = [check for check in checks if check is not None]
    ready = asyncio.create_task(_ready(waits, picture)) if waits or picture else None
    return Outgoing(
        sender_id=sender_id,
        receiver_id=None,
        text=body,
        client_id=client,
        image=ready,
        reply_to_id=reply_to_id,
        forward_of=forwarded,
        mentions=named,
    )


async def _ready(
    checks: list[Awaitable[None]], picture: Awaitable[Picture] | None
) -> Picture | None:
    """What a message waits for before it is stored: its budget checks, then its picture."""
    try:
        for check in checks:
            await check
    except BaseException:
        if isinstance(picture, Coroutine):
            picture.close()  # never started: nothing to store
        raise
    return await picture if picture is not None else None


# --- reading ---------------------------------------------------------------------------------


async def _require_user(session: AsyncSession, user_id: str) -> None:
    if await session.scalar(select(User.id).where(User.id == user_id)) is None:
        raise NotFound("User not found.", code="user_not_found")


async def _find_conversation(session: AsyncSession, a: str, b: str) -> Conversation | None:
    low, high = pair_of(a, b)
    return await session.scalar(
        select(Conversation).where(Conversation.user_low == low, Conversation.user_high == high)
    )


@dataclass(frozen=True, slots=True)
class HistoryPage:
    """A page of a conversation, oldest first."""

    messages: list[MessageRow]
    has_more: bool
    extras: Extras
    # How far the partner has read (a message id; 0 for nothing, or when one of the two blocked
    # the other): read receipts after a reload.
    partner_read_up_to: int


# The hot reads' statements, built once: only their parameters change from call to call
# (building one cost a fifth of a history page's time). Messages are read as rows of columns,
# not as mapped objects: nothing here changes them, and a row is several times cheaper. Every
# column, so that one message_view shows is never missing from a row.
MESSAGE_COLUMNS = tuple(Message.__table__.columns)
# The partner, our conversation and the partner's read pointer in one round trip.
_PAGE_HEAD = (
    select(User.id, Conversation.id, ConversationMember.last_read_message_id)
    .select_from(User)
    .outerjoin(
        Conversation,
        (Conversation.user_low == bindparam("low")) & (Conversation.user_high == bindparam("high")),
    )
    .outerjoin(
        ConversationMember,
        (ConversationMember.conversation_id == Conversation.id)
        & (ConversationMember.user_id == bindparam("partner")),
    )
    .where(User.id == bindparam("partner"))
)
_NEWEST_PAGE = (
    select(*MESSAGE_COLUMNS)
    .where(Message.conversation_id == bindparam("conversation_id"))
    .order_by(Message.id.desc())
    .limit(bindparam("size", type_=Integer))
)
_PAGE_BEFORE = (
    select(*MESSAGE_COLUMNS)
    .where(
        Message.conversation_id == bindparam("conversation_id"), Message.id < bindparam("before")
    )
    .order_by(Message.id.desc())
    .limit(bindparam("size", type_=Integer))
)
# Every message of the viewer's conversations above `after` that they may read: in a group,
# those after they joined and (once they have left) up to their leaving.
_SYNC_ALL = (
    select(*MESSAGE_COLUMNS)
    .join(
        ConversationMember,
        (ConversationMember.conversation_id == Message.conversation_id)
        & (ConversationMember.user_id == bindparam("viewer")),
    )
    .where(
        Message.id > bindparam("after"),
        Message.id > ConversationMember.visible_after,
        or_(
            ConversationMember.left_at_message_id.is_(None),
            Message.id <= ConversationMember.left_at_message_id,
        ),
    )
    .order_by(Message.id)
    .limit(bindparam("size", type_=Integer))
)
# For clients that know only people: their direct messages.
_SYNC_DIRECT = _SYNC_ALL.where(Message.receiver_id.is_not(None))


async def history(
    db: Database,
    blocks: Blocks,
    *,
    viewer_id: str,
    partner_id: object,
    before: object = None,
    limit: int | None = None,
) -> HistoryPage:
    """A page of the conversation, oldest first, whether older messages exist, and how far the
    partner has read (not told between people one of whom blocked the other)."""
    partner = check_user_id(partner_id)
    size = check_limit(limit, PAGE_DEFAULT, PAGE_MAX)
    query_before = check_cursor_id(before, "before") if before is not None else None
    low, high = pair_of(viewer_id, partner)
    async with db.read() as session:
        found = (
            await session.execute(_PAGE_HEAD, {"low": low, "high": high, "partner": partner})
        ).first()
        if found is None:
            raise NotFound("User not found.", code="user_not_found")
        conversation_id = found[1]
        if conversation_id is None:
            return HistoryPage([], False, NO_EXTRAS, 0)
        page = {"conversation_id": conversation_id, "size": size + 1}
        if query_before is None:
            result = await session.execute(_NEWEST_PAGE, page)
        else:
            result = await session.execute(_PAGE_BEFORE, {**page, "before": query_before})
        rows = cast("list[MessageRow]", result.all())
        page_rows = rows[:size][::-1]
        extras = await load_extras(session, page_rows, viewer_id)
    read_up_to = 0 if blocks.between(viewer_id, partner) else int(found[2] or 0)
    return HistoryPage(page_rows, len(rows) > size, extras, read_up_to)


async def sync(
    db: Database, *, viewer_id: str, after: object, limit: int | None = None, groups: bool = False
) -> tuple[list[MessageRow], bool, Extras]:
    """Every message to or from the viewer with an id above `after`, in id order; with
    `groups`, their groups' messages too."""
    since = check_cursor_id(after, "after")
    size = check_limit(limit, SYNC_PAGE_MAX, SYNC_PAGE_MAX)
    async with db.read() as session:
        result = await session.execute(
            _SYNC_ALL if groups else _SYNC_DIRECT,
            {"viewer": viewer_id, "after": since, "size": size + 1},
        )
        rows = cast("list[MessageRow]", result.all())
        extras = await load_extras(session, rows[:size], viewer_id)
    return rows[:size], len(rows) > size, extras


@dataclass(frozen=True, slots=True)
class AroundPage:
    """The messages around one, oldest first: the page a client jumps to for a quote or a
    search result."""

    messages: list[MessageRow]
    has_more_before: bool
    has_more_after: bool
    extras: Extras


async def around(
    db: Database, *, viewer_id: str, message_id: object, limit: int | None = None
) -> AroundPage:
    """`limit` messages of the message's conversation centred on it (it among them), within
    what the viewer may read; 404 for a message they may not read."""
    target = check_message_id(message_id)
    size = check_limit(limit, PAGE_DEFAULT, PAGE_MAX)
    async with db.read() as session:
        found = (
            await session.execute(
                select(Message.conversation_id, Message.receiver_id).where(
                    Message.id == target, readable_by(viewer_id)
                )
            )
        ).first()
        if found is None:
            raise NotFound("Message not found.", code="message_not_found")
        conversation_id, receiver_id = found
        in_view = [Message.conversation_id == conversation_id]
        if receiver_id is None:  # a group's: from the viewer's joining, up to their leaving
            visible_after, left_at = (
                await session.execute(
                    select(
                        ConversationMember.visible_after, ConversationMember.left_at_message_id
                    ).where(
                        ConversationMember.conversation_id == conversation_id,
                        ConversationMember.user_id == viewer_id,
                    )
                )
            ).one()
            in_view.append(Message.id > visible_after)
            if left_at is not None:
                in_view.append(Message.id <= left_at)
        # Up to `size` on each side, so that a page near either end fills from the other.
        older = await session.execute(
            select(*MESSAGE_COLUMNS)
            .where(*in_view, Message.id < target)
            .order_by(Message.id.desc())
            .limit(size)
        )
        newer = await session.execute(
            select(*MESSAGE_COLUMNS)
            .where(*in_view, Message.id >= target)
            .order_by(Message.id)
            .limit(size + 1)
        )
        older_rows = cast("list[MessageRow]", older.all())
        newer_rows = cast("list[MessageRow]", newer.all())
        newer_count = len(newer_rows) - 1  # without the message itself
        before = min(len(older_rows), max((size - 1) // 2, size - 1 - newer_count))
        after = min(newer_count, size - 1 - before)
        rows = older_rows[:before][::-1] + newer_rows[: after + 1]
        extras = await load_extras(session, rows, viewer_id)
    return AroundPage(rows, len(older_rows) > before, newer_count > after, extras)


async def contacts(
    db: Database,
    *,
    viewer_id: str,
    q: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> tuple[list[PersonRow], str | None]:
    """Everyone else, by name; a cursor for the next page when there is one."""
    size = check_limit(limit, CONTACTS_DEFAULT, CONTACTS_MAX)
    # The database folds case, for the search and the order alike, and the cursor carries its
    # very sort key: SQLite's lower() folds only ASCII, and a key folded by Python instead
    # would skip or repeat people named "Élodie" from one page to the next.
    sort_name = func.lower(User.full_name)
    query = select(*PUBLIC_USER_COLUMNS, sort_name.label("sort_name")).where(User.id != viewer_id)
    if q and q.strip():
        pattern = (
            "%" + q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        )
        query = query.where(sort_name.like(func.lower(pattern), escape="\\"))
    if cursor:
        after_name, after_id = _read_cursor(cursor)
        query = query.where(tuple_(sort_name, User.id) > tuple_(after_name, after_id))
    async with db.read() as session:
        result = await session.execute(query.order_by(sort_name, User.id).limit(size + 1))
        rows = result.all()
    if len(rows) <= size:
        return cast("list[PersonRow]", rows), None
    last = rows[size - 1]
    return cast("list[PersonRow]", rows[:size]), _make_cursor(last.sort_name, last.id)


def _make_cursor(name: str, user_id: str) -> str:
    return base64.urlsafe_b64encode(json.dumps([name, user_id]).encode()).decode()


def _read_cursor(cursor: str) -> tuple[str, str]:
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, binascii.Error):
        raise InvalidInput("cursor is not valid.", code="invalid_cursor") from None
    match value:
        case [str(name), str(user_id)]:
            return name, user_id
    raise InvalidInput("cursor is not valid.", code="invalid_cursor")


_PARTNER_MEMBER = aliased(ConversationMember)
# Its columns in ChatRow's order: chat_view unpacks rows by position.
_CHATS = (
    select(
        *PUBLIC_USER_COLUMNS,
        Message.id.label("message_id"),
        Message.text,
        Message.image,
        Message.sender_id,
        Message.created_at,
        Message.deleted_at,
        ConversationMember.unread_count,
        ConversationMember.last_read_message_id.label("read_up_to"),
        _PARTNER_MEMBER.last_read_message_id.label("partner_read_up_to"),
    )
    .select_from(ConversationMember)
    .join(Conversation, Conversation.id == ConversationMember.conversation_id)
    .join(
        _PARTNER_MEMBER,
        (_PARTNER_MEMBER.conversation_id == ConversationMember.conversation_id)
        & (_PARTNER_MEMBER.user_id == ConversationMember.partner_id),
    )
    .join(User, User.id == ConversationMember.partner_id)
    .join(Message, Message.id == Conversation.last_message_id)
    .where(ConversationMember.user_id == bindparam("viewer"))
    .order_by(Conversation.last_message_id.desc())
)


async def chats(db: Database, blocks: Blocks, *, viewer_id: str) -> Sequence[ChatRow]:
    """People the viewer has a conversation with, newest activity first, with how far each has
    read (0 between people one of whom blocked the other). Reads only the conversation tables
    and each conversation's last message: no counting of messages."""
    async with db.read() as session:
        result = await session.execute(_CHATS, {"viewer": viewer_id})
        rows = cast("list[ChatRow]", result.all())
    # Rebuilt only for a blocked pair: the list may have a thousand rows, and it is hot.
    return [ChatRow(*row[:-1], 0) if blocks.between(viewer_id, row[0]) else row for row in rows]


# --- changing and reading messages -----------------------------------------------------------


async def _own_message(
    session: AsyncSession, viewer_id: str, message_id: int
) -> tuple[Message, list[str]]:
    """The viewer's own message, to change, and (a group's) the group's current members who
    may read it: those who joined after it are not told of its change."""
    message = await session.get(Message, message_id)
    if message is None:
        raise NotFound("Message not found.", code="message_not_found")
    members: list[str] = []
    if message.receiver_id is None:  # a group's
        members = await current_readers(session, message)
        if viewer_id not in members:
            if viewer_id == message.sender_id:
                raise Forbidden("You are no longer in this group.", code="not_a_member")
            raise NotFound("Message not found.", code="message_not_found")
        if message.kind != TEXT:
            raise Forbidden("What happened in a group cannot be changed.", code="not_your_message")
    elif viewer_id not in (message.sender_id, message.receiver_id):
        raise NotFound("Message not found.", code="message_not_found")
    if message.sender_id != viewer_id:
        raise Forbidden("You can only change your own messages.", code="not_your_message")
    return message, members


async def edit_message(
    db: Database,
    notifier: Notifier,
    blocks: Blocks,
    *,
    viewer_id: str,
    message_id: object,
    text: str | None,
) -> tuple[Message, Extras]:
    target = check_message_id(message_id)
    body = check_text(text)
    if body is None:
        raise InvalidInput("Text is required.", code="empty_message")
    async with db.write() as session:
        message, members = await _own_message(session, viewer_id, target)
        if message.deleted_at is not None:
            raise InvalidInput("A deleted message cannot be edited.", code="message_deleted")
        if message.receiver_id is not None:
            # An edit reaches the other person live: a blocked pair has nothing to say.
            refuse_if_blocked(blocks, message.sender_id, message.receiver_id)
        extras = await load_extras(session, [message], viewer_id)
        if message.text == body:
            return message, extras
        message.text = body
        message.edited_at = utcnow()
        told = await live_extras(session, message, members, extras)
    for people, seen in told:
        await notifier.message_changed(message, people, seen)
    return message, extras


async def delete_message(
    db: Database, notifier: Notifier, *, viewer_id: str, message_id: object
) -> tuple[Message, Extras]:
    target = check_message_id(message_id)
    async with db.write() as session:
        message, members = await _own_message(session, viewer_id, target)
        extras = await load_extras(session, [message], viewer_id)
        if message.deleted_at is not None:
            return message, extras
        message.text = None
        message.image = None
        message.deleted_at = utcnow()
        if message.receiver_id is None:
            await forget_mentions(session, message.id)
        # A deleted message the others had not read yet no longer counts as unread.
        receivers = (
            ConversationMember.user_id == message.receiver_id
            if message.receiver_id is not None
            else (ConversationMember.user_id != message.sender_id)
            & ConversationMember.left_at_message_id.is_(None)
        )
        await session.execute(
            update(ConversationMember)
            .where(
                ConversationMember.conversation_id == message.conversation_id,
                receivers,
                ConversationMember.last_read_message_id < message.id,
                ConversationMember.unread_count > 0,
            )
            .values(unread_count=ConversationMember.unread_count - 1)
        )
        told = await live_extras(session, message, members, extras)
    for people, seen in told:
        await notifier.message_changed(message, people, seen)
    return message, extras


async def mark_read(
    db: Database,
    notifier: Notifier,
    blocks: Blocks,
    *,
    reader_id: str,
    partner_id: object,
    up_to: object = None,
) -> int:
    """Move the reader's read pointer forward (never back); returns where it stands."""
    partner = check_user_id(partner_id)
    wanted = check_cursor_id(up_to, "upToMessageId") if up_to is not None else None
    async with db.write() as session:
        conversation = await _find_conversation(session, reader_id, partner)
        if conversation is None:
            await _require_user(session, partner)
            raise NotFound(
                "There is no conversation with this user yet.", code="conversation_not_found"
            )
        newest = conversation.last_message_id or 0
        target = newest if wanted is None else min(wanted, newest)
        mine = (
            ConversationMember.conversation_id == conversation.id,
            ConversationMember.user_id == reader_id,
        )
        still_unread = (
            select(func.count())
            .select_from(Message)
            .where(
                Message.conversation_id == conversation.id,
                Message.id > target,
                Message.sender_id == partner,
                Message.deleted_at.is_(None),
            )
            .scalar_subquery()
        )
        # The WHERE keeps the pointer from moving back when two marks race.
        moved = await session.execute(
            update(ConversationMember)
            .where(*mine, ConversationMember.last_read_message_id < target)
            .values(last_read_message_id=target, unread_count=still_unread)
        )
        advanced = cast("CursorResult[Any]", moved).rowcount > 0
        position = (
            target
            if advanced
            else await session.scalar(select(ConversationMember.last_read_message_id).where(*mine))
        )
    if advanced:
        await notifier.messages_read(
            reader_id, partner, target, tell_partner=not blocks.between(reader_id, partner)
        )
    return int(position or 0)
