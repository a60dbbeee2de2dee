"""Which messages a person may read: the one rule that reports, pictures and every other
lookup of a single message share, so that groups cannot be forgotten in one of them."""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from socketspace.models import ConversationMember, Message

_member = aliased(ConversationMember)


def readable_by(viewer_id: str) -> ColumnElement[bool]:
    """A condition on `Message`: the viewer sent it, received it (1:1), or it is a group's
    from the time they were in the group (after joining; up to leaving)."""
    return or_(
        Message.sender_id == viewer_id,
        Message.receiver_id == viewer_id,
        exists().where(
            Message.receiver_id.is_(None),
            _member.conversation_id == Message.conversation_id,
            _member.user_id == viewer_id,
            Message.id > _member.visible_after,
            or_(_member.left_at_message_id.is_(None), Message.id <= _member.left_at_message_id),
        ),
    )


async def current_members(session: AsyncSession, group_id: int) -> list[str]:
    """Who is in the group now (not those who left), longest-standing first."""
    found = await session.scalars(
        select(ConversationMember.user_id)
        .where(
            ConversationMember.conversation_id == group_id,
            ConversationMember.left_at_message_id.is_(None),
        )
        .order_by(ConversationMember.joined_at, ConversationMember.user_id)
    )
    return list(found)
