"""A person's own settings of a conversation: muted (no sound or notification on their
devices) and pinned (at the top of their list, at most PINNED_MAX). Kept on the server so they
follow the person to every device; their other tabs learn a change live."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from socketspace.db import Database
from socketspace.errors import InvalidInput, NotFound
from socketspace.models import Conversation, ConversationMember
from socketspace.models.base import utcnow
from socketspace.schemas.conversation import ConversationSettings
from socketspace.services.groups import check_group_id
from socketspace.services.ids import check_user_id
from socketspace.services.message_writer import pair_of
from socketspace.services.notify import Notifier

PINNED_MAX = 5


async def update_settings(
    db: Database,
    notifier: Notifier,
    *,
    viewer_id: str,
    key: str,
    muted: bool | None,
    pinned: bool | None,
) -> ConversationSettings:
    """Change what is given; the viewer's other tabs learn the result after the commit."""
    kind = "direct" if not key.isdigit() else "group"
    async with db.write() as session:
        if kind == "direct":
            low, high = pair_of(viewer_id, check_user_id(key))
            conversation_id = await session.scalar(
                select(Conversation.id).where(
                    Conversation.user_low == low, Conversation.user_high == high
                )
            )
        else:
            conversation_id = check_group_id(key)
        member = (
            await session.get(ConversationMember, (conversation_id, viewer_id))
            if conversation_id is not None
            else None
        )
        if member is None:
            raise NotFound("Conversation not found.", code="conversation_not_found")
        if muted is not None:
            member.muted = muted
        if pinned is True and member.pinned_at is None:
            already = await session.scalar(
                select(func.count()).where(
                    ConversationMember.user_id == viewer_id,
                    ConversationMember.pinned_at.is_not(None),
                )
            )
            if (already or 0) >= PINNED_MAX:
                raise InvalidInput(
                    f"At most {PINNED_MAX} conversations can be pinned.", code="too_many_pinned"
                )
            member.pinned_at = utcnow()
        elif pinned is False:
            member.pinned_at = None
        settings = ConversationSettings(kind, key, member.muted, member.pinned_at)
    await notifier.conversation_settings_changed(viewer_id, settings)
    return settings


async def settings_of(
    db: Database, viewer_id: str
) -> dict[tuple[str, str], tuple[bool, datetime | None]]:
    """The viewer's muted or pinned conversations: (kind, key) -> (muted, pinned at)."""
    async with db.read() as session:
        rows = await session.execute(
            select(
                ConversationMember.conversation_id,
                ConversationMember.partner_id,
                ConversationMember.muted,
                ConversationMember.pinned_at,
            ).where(
                ConversationMember.user_id == viewer_id,
                ConversationMember.muted | ConversationMember.pinned_at.is_not(None),
            )
        )
        return {
            ("direct", partner) if partner else ("group", str(conversation)): (
                bool(muted),
                pinned_at,
            )
            for conversation, partner, muted, pinned_at in rows
        }
