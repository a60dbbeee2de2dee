"""Services' announcements turned into Socket.IO events, always addressed to rooms."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import socketio

from socketspace.models import Message
from socketspace.realtime import events
from socketspace.realtime.bus import Bus
from socketspace.realtime.events import groups_room, reactions_room, user_room
from socketspace.schemas.conversation import ConversationSettings, settings_view
from socketspace.schemas.group import Group, group_view
from socketspace.schemas.message import (
    NO_EXTRAS,
    Extras,
    Reactions,
    message_reactions_view,
    message_view,
)

REVOKED = "sessions-revoked"


class SocketNotifier:
    def __init__(self, sio: socketio.AsyncServer, bus: Bus) -> None:
        self.sio = sio
        self.bus = bus
        bus.on(REVOKED, self._disconnect_revoked)

    async def message_created(
        self, view: dict[str, Any], origin: str | None, members: Sequence[str] = ()
    ) -> None:
        # The receiver's every connection, and the sender's other ones: the sending
        # connection has its answer in the ack already. A group's: its members' connections
        # that asked for groups.
        receiver = view["receiverId"]
        if receiver is None:
            rooms = [groups_room(member) for member in members]
        else:
            rooms = [user_room(receiver), user_room(view["senderId"])]
        await self.sio.emit(events.NEW_MESSAGE, view, to=rooms, skip_sid=origin)

    async def message_changed(
        self, message: Message, members: Sequence[str] = (), extras: Extras = NO_EXTRAS
    ) -> None:
        event = events.MESSAGE_DELETED if message.deleted_at else events.MESSAGE_UPDATED
        room: Callable[[str], str] = user_room
        people: Sequence[str] = (message.receiver_id or "", message.sender_id)
        if message.receiver_id is None:
            room, people = groups_room, members
        reactions = extras.reactions.get(message.id, {})
        for viewers in _by_own_reactions(people, reactions):
            view = message_view(message, replace(extras, viewer_id=viewers[0]))
            await self.sio.emit(event, view, to=[room(viewer) for viewer in viewers])

    async def reactions_updated(
        self, message_id: int, reactions: Reactions, audience: Sequence[str]
    ) -> None:
        for viewers in _by_own_reactions(audience, reactions):
            payload = message_reactions_view(message_id, reactions, viewers[0])
            rooms = [reactions_room(viewer) for viewer in viewers]
            await self.sio.emit(events.REACTIONS_UPDATED, payload, to=rooms)

    async def conversation_settings_changed(
        self, user_id: str, settings: ConversationSettings
    ) -> None:
        view = settings_view(settings)
        await self.sio.emit(events.CONVERSATION_SETTINGS, view, to=events.settings_room(user_id))

    async def group_updated(self, group: Group, members: Sequence[str]) -> None:
        rooms = [groups_room(member) for member in members]
        await self.sio.emit(events.GROUP_UPDATED, group_view(group), to=rooms)

    async def user_updated(self, user_id: str, full_name: str, profile_pic: str) -> None:
        # Anyone signed in may see anyone (the contacts list): every connection that asked.
        payload = {"_id": user_id, "fullName": full_name, "profilePic": profile_pic}
        await self.sio.emit(events.USER_UPDATED, payload, to=events.PROFILES_ROOM)

    async def group_removed(self, group_id: int, user_ids: Sequence[str]) -> None:
        rooms = [groups_room(user_id) for user_id in user_ids]
        await self.sio.emit(events.GROUP_REMOVED, {"groupId": str(group_id)}, to=rooms)

    async def group_read(
        self, reader_id: str, group_id: int, up_to: int, members: Sequence[str]
    ) -> None:
        payload = {"readerId": reader_id, "groupId": str(group_id), "upToMessageId": str(up_to)}
        rooms = [groups_room(member) for member in members]
        await self.sio.emit(events.MESSAGES_READ, payload, to=rooms)

    async def messages_read(
        self, reader_id: str, partner_id: str, up_to: int, *, tell_partner: bool = True
    ) -> None:
        payload = {"readerId": reader_id, "userId": partner_id, "upToMessageId": str(up_to)}
        rooms = (
            [user_room(partner_id), user_room(reader_id)]
            if tell_partner
            else [user_room(reader_id)]
        )
        await self.sio.emit(events.MESSAGES_READ, payload, to=rooms)

    async def sessions_revoked(
        self, user_id: str, session_ids: Sequence[str] | None, keep: str | None = None
    ) -> None:
        """Disconnect the sockets of ended sessions (None: all but `keep`), on every process."""
        ended = list(session_ids) if session_ids is not None else None
        signal = {"userId": user_id, "sessionIds": ended, "keep": keep}
        await self.bus.publish(REVOKED, signal)

    async def _disconnect_revoked(self, signal: dict[str, Any]) -> None:
        """This process's part of `sessions_revoked`."""
        user_id, keep = signal["userId"], signal["keep"]
        ended = set(signal["sessionIds"]) if signal["sessionIds"] is not None else None
        for sid, _eio_sid in list(self.sio.manager.get_participants("/", user_room(user_id))):
            session: dict[str, Any] = await self.sio.get_session(sid)
            session_id = session.get("session_id")
            if session_id == keep:
                continue
            if ended is None or session_id in ended:
                await self.sio.disconnect(sid)


def _by_own_reactions(people: Sequence[str], reactions: Reactions) -> list[list[str]]:
    """People grouped by the emoji they reacted with: everyone in a group sees the same
    reactions (the same `mine`), so one emit serves the group. Most people reacted with
    nothing: one group, one emit."""
    who = [(emoji, set(users)) for emoji, users in reactions.items()]
    same: dict[tuple[str, ...], list[str]] = {}
    for person in people:
        same.setdefault(tuple(e for e, users in who if person in users), []).append(person)
    return list(same.values())
