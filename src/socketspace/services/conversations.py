"""The conversations list: every direct chat and group of the viewer, newest activity first,
for clients that know groups (`GET /api/conversations`). Clients that know only people keep
`GET /api/messages/chats`, which lists direct chats alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from socketspace.db import Database
from socketspace.models import Conversation, ConversationMember, Message, User
from socketspace.models.conversation import GROUP
from socketspace.schemas.message import ChatRow
from socketspace.services.abuse import Blocks
from socketspace.services.ids import check_cursor_id
from socketspace.services.mentions import UNREAD_MENTIONS
from socketspace.services.messages import chats, check_limit

PAGE_DEFAULT = 50
PAGE_MAX = 200


_OTHERS = aliased(ConversationMember)
_MEMBER_COUNT = (
    select(func.count())
    .where(_OTHERS.conversation_id == Conversation.id, _OTHERS.left_at_message_id.is_(None))
    .correlate(Conversation)
    .scalar_subquery()
)
# What a member sees last: the group's last message, or (once they left) their leaving.
_SHOWN = func.coalesce(ConversationMember.left_at_message_id, Conversation.last_message_id)
_GROUP_CHATS = (
    select(
        Conversation.id,
        Conversation.name,
        Conversation.avatar,
        _MEMBER_COUNT.label("member_count"),
        ConversationMember.role,
        ConversationMember.left_at_message_id,
        ConversationMember.unread_count,
        ConversationMember.last_read_message_id.label("read_up_to"),
        UNREAD_MENTIONS.label("mention_count"),
        Message.id.label("message_id"),
        Message.text,
        Message.image,
        Message.sender_id,
        User.full_name,
        Message.created_at,
        Message.deleted_at,
        Message.kind,
        Message.system,
    )
    .select_from(ConversationMember)
    .join(Conversation, Conversation.id == ConversationMember.conversation_id)
    .join(Message, Message.id == _SHOWN)
    .outerjoin(User, User.id == Message.sender_id)
    .where(ConversationMember.user_id == bindparam("viewer"), Conversation.kind == GROUP)
)


@dataclass(frozen=True, slots=True)
class ConversationsPage:
    direct: list[ChatRow]
    groups: list[Any]  # rows of _GROUP_CHATS
    # Newest first, both kinds mixed: ("direct" | "group", index into its list).
    order: list[tuple[str, int]]
    has_more: bool
    next_before: int | None


async def conversations(
    db: Database,
    blocks: Blocks,
    *,
    viewer_id: str,
    before: object = None,
    limit: int | None = None,
) -> ConversationsPage:
    """A page of the viewer's conversations whose last message is older than `before`."""
    size = check_limit(limit, PAGE_DEFAULT, PAGE_MAX)
    cursor = check_cursor_id(before, "before") if before is not None else None
    direct = list(await chats(db, blocks, viewer_id=viewer_id))
    async with db.read() as session:
        groups = list((await session.execute(_GROUP_CHATS, {"viewer": viewer_id})).all())
    entries = [(row.message_id, "direct", i) for i, row in enumerate(direct)]
    entries += [(row.message_id, "group", i) for i, row in enumerate(groups)]
    if cursor is not None:
        entries = [entry for entry in entries if entry[0] < cursor]
    entries.sort(reverse=True)
    page = entries[:size]
    has_more = len(entries) > size
    return ConversationsPage(
        direct=direct,
        groups=groups,
        order=[(kind, index) for _, kind, index in page],
        has_more=has_more,
        next_before=page[-1][0] if has_more and page else None,
    )
