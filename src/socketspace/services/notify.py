"""What services announce after they commit. The realtime layer implements it; services
never import socketio."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from socketspace.models import Message
from socketspace.schemas.conversation import ConversationSettings
from socketspace.schemas.group import Group
from socketspace.schemas.message import NO_EXTRAS, Extras, Reactions


class Notifier(Protocol):
    async def message_created(
        self, view: dict[str, Any], origin: str | None, members: Sequence[str] = ()
    ) -> None:
        """A new message (as `message_view` shows it); `origin` is the connection that sent
        it (it gets the ack). A group's message goes to `members` (only connections that
        asked for groups)."""

    async def message_changed(
        self, message: Message, members: Sequence[str] = (), extras: Extras = NO_EXTRAS
    ) -> None:
        """A message was edited or deleted (a group's: tell `members`); `extras` are what its
        view shows beside it (its quote, its reactions)."""

    async def reactions_updated(
        self, message_id: int, reactions: Reactions, audience: Sequence[str]
    ) -> None:
        """A message's reactions changed: the people who see it (its two, or a group's current
        members) learn them, each with their own `mine`."""

    async def conversation_settings_changed(
        self, user_id: str, settings: ConversationSettings
    ) -> None:
        """Someone muted, unmuted, pinned or unpinned a conversation: their other tabs learn."""

    async def group_updated(self, group: Group, members: Sequence[str]) -> None:
        """The group's name, picture, members or roles changed: its members see it as it is."""

    async def user_updated(self, user_id: str, full_name: str, profile_pic: str) -> None:
        """Someone changed their name or picture: everyone who sees them learns it."""

    async def group_removed(self, group_id: int, user_ids: Sequence[str]) -> None:
        """These people left the group or were removed from it."""

    async def group_read(
        self, reader_id: str, group_id: int, up_to: int, members: Sequence[str]
    ) -> None:
        """A member read the group up to a message: its members learn it ("Seen by")."""

    async def messages_read(
        self, reader_id: str, partner_id: str, up_to: int, *, tell_partner: bool = True
    ) -> None:
        """The reader read up to a message: their other tabs learn it, and (unless one has
        blocked the other) the partner."""

    async def sessions_revoked(
        self, user_id: str, session_ids: Sequence[str] | None, keep: str | None = None
    ) -> None:
        """Sessions ended: the given ones, or (None) all of the user's but `keep`."""


class NullNotifier:
    """For the command line and other places with nobody to tell."""

    async def message_created(
        self, view: dict[str, Any], origin: str | None, members: Sequence[str] = ()
    ) -> None:
        return None

    async def message_changed(
        self, message: Message, members: Sequence[str] = (), extras: Extras = NO_EXTRAS
    ) -> None:
        return None

    async def reactions_updated(
        self, message_id: int, reactions: Reactions, audience: Sequence[str]
    ) -> None:
        return None

    async def conversation_settings_changed(
        self, user_id: str, settings: ConversationSettings
    ) -> None:
        return None

    async def group_updated(self, group: Group, members: Sequence[str]) -> None:
        return None

    async def user_updated(self, user_id: str, full_name: str, profile_pic: str) -> None:
        return None

    async def group_removed(self, group_id: int, user_ids: Sequence[str]) -> None:
        return None

    async def group_read(
        self, reader_id: str, group_id: int, up_to: int, members: Sequence[str]
    ) -> None:
        return None

    async def messages_read(
        self, reader_id: str, partner_id: str, up_to: int, *, tell_partner: bool = True
    ) -> None:
        return None

    async def sessions_revoked(
        self, user_id: str, session_ids: Sequence[str] | None, keep: str | None = None
    ) -> None:
        return None
