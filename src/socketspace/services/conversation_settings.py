"""A person's own settings of a conversation: muted (no sound or notification on their
devices; until unmuted, or for a while) and pinned (at the top of their list, at most
PINNED_MAX). Kept on the server so they follow the person to every device; their other tabs
learn a change live. A mute's end needs no job: past it, the row reads as not muted."""

from __future__ import annotations

from datetime import timedelta

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
    muted_for: int | None = None,
) -> ConversationSettings:
    """Change what is given; the viewer's other tabs learn the result after the commit.
    `muted_for` (seconds): muted until then (with `muted` true or not given)."""
    if muted is False and muted_for is not None:
        raise InvalidInput(
            "mutedFor is how long to mute: it cannot come with muted false.", code="invalid_mute"
        )
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
        now = utcnow()
        if muted_for is not None:
            member.muted, member.muted_until = True, now + timedelta(seconds=muted_for)
        elif muted is not None:
            member.muted, member.muted_until = muted, None
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
        settings = ConversationSettings.stored(
            kind,
            key,
            muted=member.muted,
            muted_until=member.muted_until,
            pinned_at=member.pinned_at,
            now=now,
        )
    await notifier.conversation_settings_changed(viewer_id, settings)
    return settings


async def settings_of(db: Database, viewer_id: str) -> dict[tuple[str, str], ConversationSettings]:
    """The viewer's muted or pinned conversations, by (kind, key)."""
    async with db.read() as session:
        rows = await session.execute(
            select(
                ConversationMember.conversation_id,
                ConversationMember.partner_id,
                ConversationMember.muted,
                ConversationMember.muted_until,
                ConversationMember.pinned_at,
            ).where(
                ConversationMember.user_id == viewer_id,
                ConversationMember.muted | ConversationMember.pinned_at.is_not(None),
            )
        )
    now = utcnow()
    found = {}
    for conversation, partner, muted, muted_until, pinned_at in rows:
        kind, key = ("direct", partner) if partner else ("group", str(conversation))
        found[kind, key] = ConversationSettings.stored(
            kind, key, muted=bool(muted), muted_until=muted_until, pinned_at=pinned_at, now=now
        )
    return found
