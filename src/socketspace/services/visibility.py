"""Which messages a person may read: the one rule that reports, pictures, quotes, live updates
and every other lookup of a single message share, so that groups cannot be forgotten in one of
them."""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    Connection,
    SQLColumnExpression,
    and_,
    bindparam,
    exists,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, aliased

from socketspace.models import ConversationMember, Message

_member = aliased(ConversationMember)


def readable_by(viewer_id: str | SQLColumnExpression[str]) -> ColumnElement[bool]:
    """A condition on `Message`: the viewer sent it, received it (1:1), or it is a group's
    from the time they were in the group (after joining; up to leaving). The viewer may be a
    column (each member of a group in turn) or a bound parameter (a statement built once)."""
    return or_(
        Message.sender_id == viewer_id,
        # Never NULL (a group message's receiver is), so that the rule can be negated.
        and_(Message.receiver_id.is_not(None), Message.receiver_id == viewer_id),
        exists().where(
            Message.receiver_id.is_(None),
            _member.conversation_id == Message.conversation_id,
            _member.user_id == viewer_id,
            Message.id > _member.visible_after,
            or_(_member.left_at_message_id.is_(None), Message.id <= _member.left_at_message_id),
        ),
    )


# A group's current members who may not read one of its messages (`message_id`): they joined
# after it, or came back after leaving. Usually nobody. The first condition is only a quick
# sieve (nobody else can fail the rule); readable_by decides.
_MAY_NOT_READ = (
    select(ConversationMember.user_id)
    .join(Message, Message.conversation_id == ConversationMember.conversation_id)
    .where(
        Message.id == bindparam("message_id"),
        ConversationMember.left_at_message_id.is_(None),
        ConversationMember.visible_after >= Message.id,
        ~readable_by(ConversationMember.user_id),
    )
)


def members_barred_from_sync(db: Connection | Session, message_id: int) -> set[str]:
    """The current members of a group message's group who may not read it. One body for the
    writer's connection (in its transaction: about the message a reply quotes) and, through
    members_barred_from, a request's session."""
    return set(db.scalars(_MAY_NOT_READ, {"message_id": message_id}))


async def members_barred_from(session: AsyncSession, message_id: int) -> set[str]:
    """members_barred_from_sync from async code."""
    return await session.run_sync(members_barred_from_sync, message_id)


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


async def current_readers(session: AsyncSession, message: Message) -> list[str]:
    """The group's current members who may read one of its messages: whom to tell live when
    it changes (an edit, a deletion, a reaction). Those who joined after it are not told."""
    members = await current_members(session, message.conversation_id)
    blind = await members_barred_from(session, message.id)
    return [m for m in members if m not in blind] if blind else members
