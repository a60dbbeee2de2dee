"""Mentions in groups: a message names members by id (`mentions`), and each named member
sees it marked, counts it apart from other unread messages (`mentionCount`), and is notified
of it even in a muted group (the client's part).

The rules:
- Only a group's text messages mention, and only the group's current members; anything else
  is `invalid_mentions` (400) and nothing is stored. The sender may name themselves (it draws
  as a mention) but it never counts as unread for them: their own messages never are.
- The list is checked for shape before anything is spent (check_mentions), and against the
  group inside the writer's transaction (unknown_mentions), so someone removed meanwhile
  cannot be mentioned by a message committed after their removal.
- An edit keeps the mentions the message was sent with; deleting a message deletes its
  mentions (forget_mentions), so it shows none and counts for nobody.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import Connection, bindparam, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.errors import InvalidInput, NotFound
from socketspace.models import ConversationMember, Mention
from socketspace.services.ids import check_user_id

MENTIONS_MAX = 50  # people named in one message

_LOAD = (
    select(Mention.message_id, Mention.user_id)
    .where(Mention.message_id.in_(bindparam("ids", expanding=True)))
    .order_by(Mention.message_id, Mention.user_id)
)
_ADD = insert(Mention)

# A member's unread mentions in a group: mentions of them above their read pointer. Correlated
# with the member's row, and answered from ix_message_mentions_user_conversation alone (one
# short range each; joining messages to leave out deleted ones and the member's own cost three
# times as much over 1,000 groups). Neither needs it: a deleted message's mentions are deleted
# with it, and a sender has read up to their own message (the writer moves their pointer).
UNREAD_MENTIONS = (
    select(func.count())
    .select_from(Mention)
    .where(
        Mention.user_id == ConversationMember.user_id,
        Mention.conversation_id == ConversationMember.conversation_id,
        Mention.message_id > ConversationMember.last_read_message_id,
    )
    .correlate(ConversationMember)
    .scalar_subquery()
)


def invalid_mentions(message: str) -> InvalidInput:
    return InvalidInput(message, code="invalid_mentions")


def check_mentions(values: Iterable[object] | None) -> tuple[str, ...]:
    """The people a message names: user ids, each once, at most MENTIONS_MAX, sorted (as
    every later read gives them back). Whether they are in the group is the writer's to
    check."""
    if values is None:
        return ()
    found: dict[str, None] = {}
    for value in values:
        try:
            found[check_user_id(value)] = None
        except NotFound:  # here: a bad entry of a list the client sent
            raise invalid_mentions("mentions must be a list of user ids.") from None
        if len(found) > MENTIONS_MAX:
            raise invalid_mentions(f"A message may mention at most {MENTIONS_MAX} people.")
    return tuple(sorted(found))


def not_in_group() -> InvalidInput:
    return invalid_mentions("Only members of the group can be mentioned.")


def mentions_only_in_groups() -> InvalidInput:
    return invalid_mentions("Mentions are only for group messages.")


def store_mentions(conn: Connection, rows: list[tuple[int, int, tuple[str, ...]]]) -> None:
    """In the writer's transaction: (message id, group id, people named) for new messages."""
    params = [
        {"message_id": message_id, "user_id": user_id, "conversation_id": group_id}
        for message_id, group_id, people in rows
        for user_id in people
    ]
    if params:
        conn.execute(_ADD, params)


def find_mentions(conn: Connection, message_ids: Collection[int]) -> dict[int, list[str]]:
    """The writer's read, for retried sends that found their message already stored."""
    if not message_ids:
        return {}
    found: dict[int, list[str]] = {}
    for message_id, user_id in conn.execute(_LOAD, {"ids": list(message_ids)}):
        found.setdefault(message_id, []).append(user_id)
    return found


async def forget_mentions(session: AsyncSession, message_id: int) -> None:
    """A message deleted: it mentions nobody any more."""
    await session.execute(delete(Mention).where(Mention.message_id == message_id))


async def load_mentions(
    session: AsyncSession, message_ids: Collection[int]
) -> dict[int, list[str]]:
    """The people these messages mention, by message id (those naming nobody left out)."""
    if not message_ids:
        return {}
    found: dict[int, list[str]] = {}
    for message_id, user_id in await session.execute(_LOAD, {"ids": list(message_ids)}):
        found.setdefault(message_id, []).append(user_id)
    return found
