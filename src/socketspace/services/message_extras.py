"""What message views show beyond a message's own row (schemas/message.py Extras), loaded
for a page of messages at once: the quotes of the messages they answer, their reactions, and
(group messages) the people they mention."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.models import Message
from socketspace.schemas.message import Extras, MessageRow
from socketspace.services.media import load_picture_sizes
from socketspace.services.mentions import load_mentions
from socketspace.services.reactions import load_reactions
from socketspace.services.replies import load_quotes, unavailable_quote
from socketspace.services.visibility import members_barred_from


async def load_extras(
    session: AsyncSession, messages: Sequence[MessageRow], viewer_id: str | None
) -> Extras:
    """The extras of these messages as `viewer_id` sees them (a quote of what they may not
    read is unavailable); None: as anyone who may read the original sees them."""
    if not messages:
        return Extras(viewer_id=viewer_id)
    quotes = await load_quotes(session, (m.reply_to_id for m in messages), viewer_id)
    reactions = await load_reactions(session, [m.id for m in messages])
    # Only group messages mention: a page of a direct chat asks nothing more.
    in_groups = [m.id for m in messages if m.receiver_id is None and m.deleted_at is None]
    mentions = await load_mentions(session, in_groups)
    pictures = await load_picture_sizes(session, (m.image for m in messages if m.image))
    return Extras(
        quotes=quotes,
        reactions=reactions,
        viewer_id=viewer_id,
        mentions=mentions,
        pictures=pictures,
    )


async def live_extras(
    session: AsyncSession, message: Message, members: Sequence[str], extras: Extras
) -> list[tuple[Sequence[str], Extras]]:
    """A changed group message's extras for the members told of it, in as few groups as
    possible: those who may not read the message it quotes get the quote unavailable. A
    direct message's two may read the whole conversation: `extras` serves them."""
    if message.receiver_id is not None or message.reply_to_id is None:
        return [(members, extras)]
    whole = await load_extras(session, [message], None)
    barred = await members_barred_from(session, message.reply_to_id)
    blind = [m for m in members if m in barred]
    if not blind:
        return [(members, whole)]
    hidden = replace(whole, quotes={message.reply_to_id: unavailable_quote(message.reply_to_id)})
    seeing = [m for m in members if m not in barred]
    return [(seeing, whole), (blind, hidden)] if seeing else [(blind, hidden)]
