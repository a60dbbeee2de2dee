"""What message views show beyond a message's own row (schemas/message.py Extras), loaded
for a page of messages at once: the quotes of the messages they answer, their reactions, and
(group messages) the people they mention."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.schemas.message import Extras, MessageRow
from socketspace.services.media import load_picture_sizes
from socketspace.services.mentions import load_mentions
from socketspace.services.reactions import load_reactions
from socketspace.services.replies import load_quotes


async def load_extras(
    session: AsyncSession, messages: Sequence[MessageRow], viewer_id: str | None
) -> Extras:
    if not messages:
        return Extras(viewer_id=viewer_id)
    quotes = await load_quotes(session, (m.reply_to_id for m in messages))
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
