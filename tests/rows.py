"""Rows written straight into the database, for tests that run without an app (migrations,
the search index's way back, statements)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.models import Conversation, ConversationMember, User


async def direct_chat(
    session: AsyncSession, first: str = "Ann", second: str = "Ben"
) -> tuple[User, User, Conversation]:
    """Two people and their direct chat, each a member of it."""
    people = [
        User(email=f"{name.lower()}@example.com", full_name=name, password_hash="-")
        for name in (first, second)
    ]
    session.add_all(people)
    await session.flush()
    low, high = sorted(person.id for person in people)
    chat = Conversation(user_low=low, user_high=high)
    session.add(chat)
    await session.flush()
    session.add_all(
        ConversationMember(conversation_id=chat.id, user_id=me, partner_id=other)
        for me, other in ((low, high), (high, low))
    )
    await session.flush()
    return people[0], people[1], chat
