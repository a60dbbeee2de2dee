"""Reactions: one person, one emoji, one message, at most once; at most REACTIONS_MAX distinct
emoji on a message. Emoji are checked against Unicode's emoji data (the `emoji` package) and
kept fully qualified, so "❤" and "❤️" are one reaction."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, cast

import emoji as unicode_emoji
from sqlalchemy import CursorResult, bindparam, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.db import Database
from socketspace.errors import InvalidInput, NotFound
from socketspace.models import Message, Reaction
from socketspace.models.message import TEXT
from socketspace.models.reaction import EMOJI_MAX
from socketspace.schemas.message import Reactions
from socketspace.services.abuse import Blocks, refuse_if_blocked
from socketspace.services.ids import check_message_id
from socketspace.services.notify import Notifier
from socketspace.services.visibility import current_readers, readable_by

REACTIONS_MAX = 20  # distinct emoji on one message

_LOAD = (
    select(Reaction.message_id, Reaction.emoji, Reaction.user_id)
    .where(Reaction.message_id.in_(bindparam("ids", expanding=True)))
    # Emoji in the order of their first reaction; people in the order they reacted.
    .order_by(Reaction.message_id, Reaction.created_at, Reaction.user_id)
)


def check_emoji(value: object) -> str:
    """One emoji (a single grapheme of Unicode's emoji data), fully qualified."""
    if not isinstance(value, str) or not 0 < len(value) <= EMOJI_MAX:
        raise not_an_emoji()
    qualified = unicode_emoji.emojize(unicode_emoji.demojize(value))
    if not unicode_emoji.is_emoji(qualified) or len(qualified) > EMOJI_MAX:
        raise not_an_emoji()
    return qualified


def not_an_emoji() -> InvalidInput:
    return InvalidInput("A reaction must be a single emoji.", code="invalid_emoji")


async def load_reactions(
    session: AsyncSession, message_ids: Collection[int]
) -> dict[int, Reactions]:
    """The reactions of these messages, by message id (those with none left out)."""
    if not message_ids:
        return {}
    found: dict[int, Reactions] = {}
    for message_id, emoji, user_id in await session.execute(_LOAD, {"ids": list(message_ids)}):
        found.setdefault(message_id, {}).setdefault(emoji, []).append(user_id)
    return found


@dataclass(frozen=True, slots=True)
class Reacted:
    message_id: int
    reactions: Reactions
    changed: bool


async def react(
    db: Database,
    notifier: Notifier,
    blocks: Blocks,
    *,
    viewer_id: str,
    message_id: object,
    emoji: object,
    on: bool,
) -> Reacted:
    """Add (`on`) or take back the viewer's reaction; doing it twice changes nothing. The
    message's people (a group's current members who may read it) learn the new reactions
    after the commit."""
    target = check_message_id(message_id)
    chosen = check_emoji(emoji)
    async with db.write() as session:
        # FOR UPDATE: reactions to one message take turns, so the emoji limit holds under
        # concurrent adds (SQLite's write transactions take turns anyway).
        message = await session.scalar(
            select(Message).where(Message.id == target, readable_by(viewer_id)).with_for_update()
        )
        if message is None:
            raise NotFound("Message not found.", code="message_not_found")
        audience = await _audience(session, blocks, message, viewer_id)
        if message.deleted_at is not None:
            raise InvalidInput("A deleted message cannot be reacted to.", code="message_deleted")
        if message.kind != TEXT:
            raise InvalidInput("What happened in a group takes no reactions.", code="not_reactable")
        if on:
            changed = await _add(session, target, chosen, viewer_id)
        else:
            removed = await session.execute(
                delete(Reaction).where(
                    Reaction.message_id == target,
                    Reaction.emoji == chosen,
                    Reaction.user_id == viewer_id,
                )
            )
            changed = cast("CursorResult[Any]", removed).rowcount > 0
        reactions = (await load_reactions(session, [target])).get(target, {})
    if changed:
        await notifier.reactions_updated(target, reactions, audience)
    return Reacted(target, reactions, changed)


async def _audience(
    session: AsyncSession, blocks: Blocks, message: Message, viewer_id: str
) -> list[str]:
    """Who sees the message's reactions change (a group's current members who may read it:
    not those who joined after it); refuses a reactor who may not reach them."""
    if message.receiver_id is None:
        members = await current_readers(session, message)
        if viewer_id not in members:  # someone who left reads the history, read-only
            raise NotFound("Message not found.", code="message_not_found")
        return members
    refuse_if_blocked(blocks, message.sender_id, message.receiver_id)
    return [message.sender_id, message.receiver_id]


async def _add(session: AsyncSession, message_id: int, emoji: str, user_id: str) -> bool:
    present = set(
        await session.scalars(
            select(Reaction.emoji).where(Reaction.message_id == message_id).distinct()
        )
    )
    if emoji in present:
        exists = await session.scalar(
            select(func.count()).where(
                Reaction.message_id == message_id,
                Reaction.emoji == emoji,
                Reaction.user_id == user_id,
            )
        )
        if exists:
            return False
    elif len(present) >= REACTIONS_MAX:
        raise InvalidInput(
            f"A message can have at most {REACTIONS_MAX} different reactions.",
            code="too_many_reactions",
        )
    session.add(Reaction(message_id=message_id, emoji=emoji, user_id=user_id))
    return True
