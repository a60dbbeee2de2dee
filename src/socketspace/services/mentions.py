"""Mentions in groups: a message names members by id (`mentions`), and each named member
sees it marked, counts it apart from other unread messages (`mentionCount`), and is notified
of it even in a muted group (the client's part).

The rules:
- Only a group's text messages mention, and only the group's current members; anything else
  is `invalid_mentions` (400) and nothing is stored. The sender may name themselves (it draws
  as a mention) but it never counts as unread for them: their own messages never are.
- The list is checked for shape before anything is spent (check_mentions), and against the
  group inside the writer's transaction, so someone removed meanwhile cannot be mentioned by
  a message committed after their removal.
- Of the members named, only those the text names too are kept: "@<their full name now>"
  (case folded, accents as typed, not followed by a letter or digit, each `@` read as the
  longest name that fits, so "@Bo" is not in "@Bob Smith"). The rest are dropped silently,
  and so is anyone who blocked the sender or whom the sender blocked: a mention rings
  through mute, and neither a bare "hello" nor a blocked person may do that. The message
  itself is stored either way. A non-member stays a 400: the list is wrong, not the text.
- An edit keeps the mentions the message was sent with; deleting a message deletes its
  mentions (forget_mentions), so it shows none and counts for nobody.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from socketspace.errors import InvalidInput, NotFound
from socketspace.models import Block, ConversationMember, Mention, User
from socketspace.schemas.message import MENTIONS_MAX
from socketspace.services.ids import check_user_id

_LOAD = (
    select(Mention.message_id, Mention.user_id)
    .where(Mention.message_id.in_(bindparam("ids", expanding=True)))
    .order_by(Mention.message_id, Mention.user_id)
)
_ADD = insert(Mention)
_NAMES = select(User.id, User.full_name).where(User.id.in_(bindparam("people", expanding=True)))
_BLOCKS = select(Block.blocker_id, Block.blocked_id).where(
    or_(
        and_(
            Block.blocker_id.in_(bindparam("senders", expanding=True)),
            Block.blocked_id.in_(bindparam("people", expanding=True)),
        ),
        and_(
            Block.blocker_id.in_(bindparam("people", expanding=True)),
            Block.blocked_id.in_(bindparam("senders", expanding=True)),
        ),
    )
)

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


def named_in(text: str, names: dict[str, str]) -> set[str]:
    """The people (id -> full name) whose "@Full Name" the text holds: case folded, accents
    as typed, the name not running on into a letter or digit, and each `@` read as the
    longest name that fits there ("@Bob Smith" names Bob Smith, not also a Bob)."""
    folded = text.casefold()
    by_name: dict[str, list[str]] = {}
    for user_id, name in names.items():
        if name:
            by_name.setdefault(name.casefold(), []).append(user_id)
    longest_first = sorted(by_name, key=len, reverse=True)
    found: set[str] = set()
    at = folded.find("@")
    while at != -1:
        for name in longest_first:
            end = at + 1 + len(name)
            if folded.startswith(name, at + 1) and not (
                end < len(folded) and folded[end].isalnum()
            ):
                found.update(by_name[name])
                break
        at = folded.find("@", at + 1)
    return found


@dataclass(frozen=True)
class Mentionable:
    """What the writer needs, in its transaction, to keep a batch's mentions: the full names
    of the people named, and the blocks between them and the senders."""

    names: dict[str, str]
    blocked: set[frozenset[str]]

    def kept(self, sender_id: str, text: str | None, people: tuple[str, ...]) -> tuple[str, ...]:
        """Of the (member) people a message names, those it may mention (see the module)."""
        if not people or not text:
            return ()
        shown = named_in(text, {p: self.names.get(p, "") for p in people})
        return tuple(
            p for p in people if p in shown and frozenset((sender_id, p)) not in self.blocked
        )


def load_mentionable(conn: Connection, named: list[tuple[str, tuple[str, ...]]]) -> Mentionable:
    """Names and blocks for a batch's (sender, people named) pairs: two indexed reads, and
    none when the batch names nobody."""
    senders = {sender for sender, people in named if people}
    people = {p for _, named_people in named for p in named_people}
    if not people:
        return Mentionable({}, set())
    ids = {"people": sorted(people), "senders": sorted(senders)}
    names = {user_id: name for user_id, name in conn.execute(_NAMES, ids)}
    blocked = {frozenset(pair) for pair in conn.execute(_BLOCKS, ids)}
    return Mentionable(names, blocked)


def store_mentions(conn: Connection, rows: list[tuple[int, int, tuple[str, ...]]]) -> None:
    """In the writer's transaction: (message id, group id, people named) for new messages."""
    params = [
        {"message_id": message_id, "user_id": user_id, "conversation_id": group_id}
        for message_id, group_id, people in rows
        for user_id in people
    ]
    if params:
        conn.execute(_ADD, params)


def find_mentions(db: Connection | Session, message_ids: Collection[int]) -> dict[int, list[str]]:
    """The people these messages mention, by message id (those naming nobody left out). One
    body for both callers: the writer's connection, in its transaction (a retried send
    finding its message stored), and, through load_mentions, a request's session."""
    if not message_ids:
        return {}
    found: dict[int, list[str]] = {}
    for message_id, user_id in db.execute(_LOAD, {"ids": list(message_ids)}):
        found.setdefault(message_id, []).append(user_id)
    return found


async def forget_mentions(session: AsyncSession, message_id: int) -> None:
    """A message deleted: it mentions nobody any more."""
    await session.execute(delete(Mention).where(Mention.message_id == message_id))


async def load_mentions(
    session: AsyncSession, message_ids: Collection[int]
) -> dict[int, list[str]]:
    """find_mentions from async code."""
    return await session.run_sync(find_mentions, message_ids) if message_ids else {}
