"""Group conversations: creating them, their name and picture, members and roles, their
messages (through the message writer, like every message), history and read pointers.

A group is a conversation of kind `group`. Its members are conversation_members rows; one
who left (or was removed) keeps the row, with `left_at_message_id` set: they keep read access
to the history up to that message and can do nothing else. Adding them again opens the group
to them from that moment (`visible_after`). Every change to the group is also a message of kind
`system` ({action, actorId, userIds?, name?}), so history tells what happened when.

Roles: the owner (one), admins, members. Owner and admins rename, change the picture and add
people; admins remove members, the owner removes anyone; admins make members admins (as
WhatsApp lets them), only the owner makes an admin a member again. Anyone leaves; an owner who
leaves hands ownership to the longest-standing admin, else member; the last one out ends the
group (it stays, read-only, for those who were in it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import BigInteger, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.db import Database
from socketspace.errors import Forbidden, InvalidInput, NotFound
from socketspace.models import Block, Conversation, ConversationMember, Message, User
from socketspace.models.base import utcnow
from socketspace.models.conversation import ADMIN, GROUP, MEMBER, OWNER
from socketspace.models.message import SYSTEM, TEXT
from socketspace.schemas.group import Group, GroupMember
from socketspace.schemas.message import Extras, MessageRow, message_view
from socketspace.security.throttle import UserBudget
from socketspace.services.ids import check_cursor_id, check_user_id
from socketspace.services.media import MediaLibrary
from socketspace.services.message_extras import load_extras
from socketspace.services.message_sql import ADVISORY_LOCK_KEY
from socketspace.services.message_writer import MessageWriter, Stored
from socketspace.services.messages import (
    MESSAGE_COLUMNS,
    PAGE_DEFAULT,
    PAGE_MAX,
    check_limit,
    prepare_outgoing,
)
from socketspace.services.notify import Notifier
from socketspace.services.visibility import current_members

NAME_MAX = 100
RANK = {MEMBER: 0, ADMIN: 1, OWNER: 2}
LEFT = "left"  # myRole of someone who was in the group and is no more

# System message actions.
CREATED, ADDED, REMOVED, LEFT_GROUP, RENAMED, AVATAR, ROLE = (
    "created",
    "added",
    "removed",
    "left",
    "renamed",
    "avatar",
    "role",
)


# --- checks of untrusted input ---------------------------------------------------------------


def check_group_id(value: object) -> int:
    """A group id as clients send it (a string of digits); any other is not found."""
    if isinstance(value, str) and value.isdigit() and len(value) <= 18:
        return int(value)
    raise NotFound("Group not found.", code="group_not_found")


def check_name(value: object) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name:
        raise InvalidInput("A group needs a name.", code="invalid_group_name")
    if len(name) > NAME_MAX:
        raise InvalidInput(
            f"A group name must be at most {NAME_MAX} characters.", code="invalid_group_name"
        )
    return name


def check_user_ids(values: Sequence[object], *, field: str) -> list[str]:
    ids = [check_user_id(value) for value in values]
    if len(set(ids)) != len(ids):
        raise InvalidInput(f"{field} lists someone twice.", code="duplicate_members")
    return ids


def check_role(value: object) -> str:
    if value not in (ADMIN, MEMBER):
        raise InvalidInput("role must be admin or member.", code="invalid_role")
    return str(value)


# --- what a group is --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Membership:
    """The viewer's row in a group: what they may read, and whether they are still in it."""

    group_id: int
    role: str
    visible_after: int
    left_at_message_id: int | None

    @property
    def current(self) -> bool:
        return self.left_at_message_id is None


async def _their_membership(session: AsyncSession, group_id: int, user_id: str) -> Membership:
    """Someone else's current membership, for acting on them: 404 when they are not in it."""
    try:
        found = await _membership(session, group_id, user_id)
    except NotFound:
        found = None
    if found is None or not found.current:
        raise NotFound("They are not in the group.", code="not_a_member")
    return found


async def _membership(session: AsyncSession, group_id: int, user_id: str) -> Membership:
    """The user's membership, current or past; NotFound to anyone who was never in the group
    (no existence oracle)."""
    row = (
        await session.execute(
            select(
                ConversationMember.role,
                ConversationMember.visible_after,
                ConversationMember.left_at_message_id,
            )
            .join(Conversation, Conversation.id == ConversationMember.conversation_id)
            .where(
                ConversationMember.conversation_id == group_id,
                ConversationMember.user_id == user_id,
                Conversation.kind == GROUP,
            )
        )
    ).first()
    if row is None:
        raise NotFound("Group not found.", code="group_not_found")
    return Membership(group_id, row.role, int(row.visible_after), row.left_at_message_id)


async def _current_member(session: AsyncSession, group_id: int, user_id: str) -> Membership:
    found = await _membership(session, group_id, user_id)
    if not found.current:
        raise Forbidden("You are no longer in this group.", code="not_a_member")
    return found


async def _load(session: AsyncSession, group_id: int) -> Group:
    conversation = await session.get(Conversation, group_id)
    if conversation is None or conversation.kind != GROUP:
        raise NotFound("Group not found.", code="group_not_found")
    rows = await session.execute(
        select(
            User.id,
            User.full_name,
            User.profile_pic,
            ConversationMember.role,
            ConversationMember.last_read_message_id,
            ConversationMember.joined_at,
        )
        .join(User, User.id == ConversationMember.user_id)
        .where(
            ConversationMember.conversation_id == group_id,
            ConversationMember.left_at_message_id.is_(None),
        )
        .order_by(ConversationMember.joined_at, User.id)
    )
    members = [GroupMember(r[0], r[1], r[2], r[3], int(r[4]), r[5]) for r in rows]
    return Group(
        id=conversation.id,
        name=conversation.name or "",
        avatar=conversation.avatar,
        created_at=conversation.created_at,
        created_by=conversation.created_by,
        members=members,
    )


async def _lock_writer(session: AsyncSession, db: Database) -> None:
    """Take the message writer's lock (PostgreSQL; SQLite's write transactions are serial
    already), first thing in every change to a group: message ids must rise in commit order,
    system messages' too, and two changes to one group's members must not both read it as it
    was (two admins removing the same person at once)."""
    if not db.is_sqlite:
        await session.execute(
            select(func.pg_advisory_xact_lock(bindparam("key", type_=BigInteger))),
            {"key": ADVISORY_LOCK_KEY},
        )


async def _newest_message_id(session: AsyncSession, group_id: int) -> int:
    newest = await session.scalar(
        select(Conversation.last_message_id).where(Conversation.id == group_id)
    )
    return int(newest or 0)


async def _system_message(
    session: AsyncSession,
    group_id: int,
    actor_id: str,
    action: str,
    *,
    user_ids: Sequence[str] = (),
    name: str | None = None,
) -> Message:
    """Store what happened as a message of the group, and make it the group's last."""
    details: dict[str, Any] = {"action": action, "actorId": actor_id}
    if user_ids:
        details["userIds"] = list(user_ids)
    if name is not None:
        details["name"] = name
    message = Message(
        conversation_id=group_id,
        sender_id=actor_id,
        receiver_id=None,
        kind=SYSTEM,
        system=details,
        created_at=utcnow(),
    )
    session.add(message)
    await session.flush()
    await session.execute(
        update(Conversation).where(Conversation.id == group_id).values(last_message_id=message.id)
    )
    return message


async def _check_people(
    session: AsyncSession, actor_id: str, user_ids: list[str], max_members: int, current: int
) -> None:
    """Everyone to add exists, has not blocked the actor, and the group stays within size."""
    if current + len(user_ids) > max_members:
        raise InvalidInput(f"A group has at most {max_members} members.", code="too_many_members")
    if not user_ids:
        return
    found = set(await session.scalars(select(User.id).where(User.id.in_(user_ids))))
    if missing := [u for u in user_ids if u not in found]:
        raise NotFound(f"User not found: {missing[0]}.", code="user_not_found")
    blocking = await session.scalar(
        select(Block.blocker_id)
        .where(Block.blocker_id.in_(user_ids), Block.blocked_id == actor_id)
        .limit(1)
    )
    if blocking is not None:
        raise Forbidden(f"You cannot add {blocking} to a group.", code="blocked")


async def _announce(
    notifier: Notifier,
    group: Group,
    system: Message | None,
    *,
    removed: Sequence[str] = (),
) -> None:
    """After the commit: the group as it is now to its members, the system message to them
    (and to those who just left, so their history ends with it), and `groupRemoved` to those
    no longer in it."""
    members = group.member_ids
    if system is not None:
        await notifier.message_created(message_view(system), None, (*members, *removed))
    await notifier.group_updated(group, members)
    if removed:
        await notifier.group_removed(group.id, removed)


# --- the group itself -------------------------------------------------------------------------


async def create_group(
    db: Database,
    notifier: Notifier,
    *,
    creator_id: str,
    name: object,
    member_ids: Sequence[object],
    max_members: int,
) -> Group:
    group_name = check_name(name)
    others = check_user_ids(member_ids, field="memberIds")
    if creator_id in others:
        raise InvalidInput(
            "memberIds lists you: the creator is in the group already.", code="duplicate_members"
        )
    now = utcnow()
    async with db.write() as session:
        await _lock_writer(session, db)
        await _check_people(session, creator_id, others, max_members, current=1)
        conversation = Conversation(kind=GROUP, name=group_name, created_by=creator_id)
        session.add(conversation)
        await session.flush()
        for user_id, role in ((creator_id, OWNER), *((u, MEMBER) for u in others)):
            session.add(
                ConversationMember(
                    conversation_id=conversation.id,
                    user_id=user_id,
                    role=role,
                    joined_at=now,
                    visible_after=0,
                    last_read_message_id=0,
                    unread_count=0,
                )
            )
        system = await _system_message(
            session, conversation.id, creator_id, CREATED, user_ids=others, name=group_name
        )
        await session.execute(
            update(ConversationMember)
            .where(ConversationMember.conversation_id == conversation.id)
            .values(last_read_message_id=system.id)
        )
        group = await _load(session, conversation.id)
    await _announce(notifier, group, system)
    return group


async def get_group(db: Database, *, viewer_id: str, group_id: object) -> tuple[Group, str]:
    """The group and the viewer's role in it (`left` when they are no longer in it)."""
    target = check_group_id(group_id)
    async with db.read() as session:
        membership = await _membership(session, target, viewer_id)
        group = await _load(session, target)
    return group, membership.role if membership.current else LEFT


async def update_group(
    db: Database,
    notifier: Notifier,
    media: MediaLibrary,
    *,
    actor_id: str,
    group_id: object,
    fields: dict[str, Any],
) -> Group:
    """Rename the group and/or change its picture (`avatar`: an uploaded picture's id, or
    None to remove it). Owner and admins."""
    target = check_group_id(group_id)
    if not fields.keys() & {"name", "avatar"}:
        raise InvalidInput("Give a name or an avatar to change.", code="missing_fields")
    name = check_name(fields["name"]) if "name" in fields else None
    avatar_url: str | None = None
    if fields.get("avatar") is not None:
        value = fields["avatar"]
        if not isinstance(value, str):
            raise InvalidInput("avatar must be an uploaded picture's id.", code="invalid_image")
        async with db.read() as session:
            await _require_rank(session, target, actor_id, ADMIN)
        ref = media.check_picture(value, field="avatar")
        if (allowed := media.take_upload(actor_id)) is not None:
            await allowed
        avatar_url = await media.picture_url(ref, owner_id=actor_id, kind="avatars", field="avatar")
    systems: list[Message] = []
    async with db.write() as session:
        await _lock_writer(session, db)
        await _require_rank(session, target, actor_id, ADMIN)
        conversation = await session.get(Conversation, target)
        assert conversation is not None
        if name is not None and name != conversation.name:
            conversation.name = name
            systems.append(await _system_message(session, target, actor_id, RENAMED, name=name))
        if "avatar" in fields and avatar_url != conversation.avatar:
            conversation.avatar = avatar_url
            systems.append(await _system_message(session, target, actor_id, AVATAR))
        group = await _load(session, target)
    for system in systems[:-1]:
        await notifier.message_created(message_view(system), None, group.member_ids)
    await _announce(notifier, group, systems[-1] if systems else None)
    return group


async def _require_rank(
    session: AsyncSession, group_id: int, user_id: str, rank: str
) -> Membership:
    membership = await _current_member(session, group_id, user_id)
    if RANK[membership.role] < RANK[rank]:
        raise Forbidden("Only the group's owner and admins can do that.", code="not_an_admin")
    return membership


# --- members ----------------------------------------------------------------------------------


async def add_members(
    db: Database,
    notifier: Notifier,
    *,
    actor_id: str,
    group_id: object,
    user_ids: Sequence[object],
    max_members: int,
) -> Group:
    """Add people, all or none. Owner and admins."""
    target = check_group_id(group_id)
    adding = check_user_ids(user_ids, field="userIds")
    if not adding:
        raise InvalidInput("userIds names nobody to add.", code="missing_fields")
    now = utcnow()
    async with db.write() as session:
        await _lock_writer(session, db)
        await _require_rank(session, target, actor_id, ADMIN)
        rows = {
            row.user_id: row
            for row in await session.scalars(
                select(ConversationMember).where(
                    ConversationMember.conversation_id == target,
                    ConversationMember.user_id.in_(adding),
                )
            )
        }
        if already := [u for u in adding if u in rows and rows[u].left_at_message_id is None]:
            raise InvalidInput(f"{already[0]} is in the group already.", code="already_a_member")
        current = len(await current_members(session, target))
        await _check_people(session, actor_id, adding, max_members, current=current)
        newest = await _newest_message_id(session, target)
        for user_id in adding:
            # From now on: a newcomer, or someone back, reads what is said from here.
            row = rows.get(user_id)
            if row is None:
                row = ConversationMember(conversation_id=target, user_id=user_id)
                session.add(row)
            row.role, row.joined_at = MEMBER, now
            row.visible_after, row.left_at_message_id = newest, None
            row.last_read_message_id, row.unread_count = newest, 0
        system = await _system_message(session, target, actor_id, ADDED, user_ids=adding)
        await _read_own(session, target, adding, system.id)
        group = await _load(session, target)
    await _announce(notifier, group, system)
    return group


async def _read_own(
    session: AsyncSession, group_id: int, user_ids: Sequence[str], message_id: int
) -> None:
    """The people a system message is about have read it."""
    await session.execute(
        update(ConversationMember)
        .where(
            ConversationMember.conversation_id == group_id,
            ConversationMember.user_id.in_(list(user_ids)),
        )
        .values(last_read_message_id=message_id, unread_count=0)
    )


async def remove_member(
    db: Database, notifier: Notifier, *, actor_id: str, group_id: object, user_id: object
) -> Group:
    """Remove someone (owner: anyone; admins: members), or leave (anyone, themself)."""
    target = check_group_id(group_id)
    leaving = check_user_id(user_id)
    async with db.write() as session:
        await _lock_writer(session, db)
        actor = await _current_member(session, target, actor_id)
        if leaving != actor_id:
            other = await _their_membership(session, target, leaving)
            if RANK[actor.role] < RANK[ADMIN] or RANK[other.role] >= RANK[actor.role]:
                raise Forbidden(
                    "Admins remove members; only the owner removes admins.", code="not_an_admin"
                )
        action = LEFT_GROUP if leaving == actor_id else REMOVED
        system = await _system_message(session, target, actor_id, action, user_ids=[leaving])
        await session.execute(
            update(ConversationMember)
            .where(
                ConversationMember.conversation_id == target,
                ConversationMember.user_id == leaving,
            )
            .values(
                left_at_message_id=system.id,
                role=MEMBER,
                last_read_message_id=system.id,
                unread_count=0,
            )
        )
        if leaving == actor_id and actor.role == OWNER:
            await _hand_on_ownership(session, target)
        group = await _load(session, target)
    await _announce(notifier, group, system, removed=[leaving])
    return group


async def _hand_on_ownership(session: AsyncSession, group_id: int) -> None:
    """The longest-standing admin becomes the owner, else the longest-standing member; with
    nobody left the group has ended."""
    heir = await session.scalar(
        select(ConversationMember.user_id)
        .where(
            ConversationMember.conversation_id == group_id,
            ConversationMember.left_at_message_id.is_(None),
        )
        .order_by(
            (ConversationMember.role == ADMIN).desc(),
            ConversationMember.joined_at,
            ConversationMember.user_id,
        )
        .limit(1)
    )
    if heir is not None:
        await _give_role(session, group_id, heir, OWNER)


async def _give_role(session: AsyncSession, group_id: int, user_id: str, role: str) -> None:
    await session.execute(
        update(ConversationMember)
        .where(
            ConversationMember.conversation_id == group_id,
            ConversationMember.user_id == user_id,
        )
        .values(role=role)
    )


async def set_role(
    db: Database,
    notifier: Notifier,
    *,
    actor_id: str,
    group_id: object,
    user_id: object,
    role: object,
) -> Group:
    """Make a member an admin (owner and admins) or an admin a member (owner only)."""
    target = check_group_id(group_id)
    person = check_user_id(user_id)
    new_role = check_role(role)
    async with db.write() as session:
        await _lock_writer(session, db)
        actor = await _require_rank(session, target, actor_id, ADMIN)
        other = await _their_membership(session, target, person)
        if other.role == OWNER:
            raise Forbidden(
                "The owner's role does not change; ownership passes when the owner leaves.",
                code="owner_role",
            )
        if new_role == MEMBER and actor.role != OWNER:
            raise Forbidden("Only the owner makes an admin a member.", code="not_the_owner")
        system = None
        if other.role != new_role:
            await _give_role(session, target, person, new_role)
            system = await _system_message(
                session, target, actor_id, ROLE, user_ids=[person], name=new_role
            )
        group = await _load(session, target)
    await _announce(notifier, group, system)
    return group


# --- messages ---------------------------------------------------------------------------------


async def send_group_message(
    writer: MessageWriter,
    limiter: UserBudget,
    media: MediaLibrary,
    *,
    sender_id: str,
    group_id: object,
    text: str | None,
    image: str | None,
    client_id: str | None,
    origin: str | None = None,
    reply_to: object = None,
    forward_of: object = None,
    mentions: list[str] | None = None,
) -> Stored:
    """A message to the group: checked like a direct one, stored once by the writer (which
    checks, in its transaction, that the sender and everyone mentioned are members),
    delivered to every member."""
    target = check_group_id(group_id)
    outgoing = prepare_outgoing(
        limiter,
        media,
        sender_id=sender_id,
        text=text,
        image=image,
        client_id=client_id,
        reply_to=reply_to,
        forward_of=forward_of,
        mentions=mentions,
    )
    outgoing.group_id = target
    outgoing.origin = origin
    return await writer.submit(outgoing)


@dataclass(frozen=True, slots=True)
class GroupPage:
    messages: list[MessageRow]
    has_more: bool
    extras: Extras


async def group_history(
    db: Database,
    *,
    viewer_id: str,
    group_id: object,
    before: object = None,
    limit: int | None = None,
) -> GroupPage:
    """A page of the group's messages the viewer may read, oldest first."""
    target = check_group_id(group_id)
    size = check_limit(limit, PAGE_DEFAULT, PAGE_MAX)
    query_before = check_cursor_id(before, "before") if before is not None else None
    async with db.read() as session:
        membership = await _membership(session, target, viewer_id)
        query = select(*MESSAGE_COLUMNS).where(
            Message.conversation_id == target, Message.id > membership.visible_after
        )
        if membership.left_at_message_id is not None:
            query = query.where(Message.id <= membership.left_at_message_id)
        if query_before is not None:
            query = query.where(Message.id < query_before)
        result = await session.execute(query.order_by(Message.id.desc()).limit(size + 1))
        rows = cast("list[MessageRow]", result.all())
        page_rows = rows[:size][::-1]
        extras = await load_extras(session, page_rows, viewer_id)
    return GroupPage(page_rows, len(rows) > size, extras)


async def mark_group_read(
    db: Database, notifier: Notifier, *, reader_id: str, group_id: object, up_to: object = None
) -> int:
    """Move the reader's read pointer forward (never back); returns where it stands."""
    target = check_group_id(group_id)
    wanted = check_cursor_id(up_to, "upToMessageId") if up_to is not None else None
    async with db.write() as session:
        await _current_member(session, target, reader_id)
        newest = await _newest_message_id(session, target)
        position = newest if wanted is None else min(wanted, newest)
        mine = (
            ConversationMember.conversation_id == target,
            ConversationMember.user_id == reader_id,
        )
        still_unread = (
            select(func.count())
            .select_from(Message)
            .where(
                Message.conversation_id == target,
                Message.id > position,
                Message.sender_id != reader_id,
                Message.kind == TEXT,  # what happened in the group is never unread
                Message.deleted_at.is_(None),
            )
            .scalar_subquery()
        )
        moved = await session.execute(
            update(ConversationMember)
            .where(*mine, ConversationMember.last_read_message_id < position)
            .values(last_read_message_id=position, unread_count=still_unread)
        )
        advanced = getattr(moved, "rowcount", 0) > 0
        if not advanced:
            position = int(
                await session.scalar(select(ConversationMember.last_read_message_id).where(*mine))
                or 0
            )
        members = await current_members(session, target)
    if advanced:
        await notifier.group_read(reader_id, target, position, members)
    return position


async def typing_audience(
    db: Database, *, sender_id: str, group_id: object
) -> tuple[int, list[str]]:
    """Who sees that the sender is typing in the group: the other current members."""
    target = check_group_id(group_id)
    async with db.read() as session:
        await _current_member(session, target, sender_id)
        members = await current_members(session, target)
    return target, [m for m in members if m != sender_id]
