"""What services announce after they commit. The realtime layer implements it; services
never import socketio."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from socketspace.models import Message


class Notifier(Protocol):
    async def message_created(self, view: dict[str, Any], origin: str | None) -> None:
        """A new message (as `message_view` shows it); `origin` is the connection that sent
        it (it gets the ack)."""

    async def message_changed(self, message: Message) -> None:
        """A message was edited or deleted."""

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

    async def message_created(self, view: dict[str, Any], origin: str | None) -> None:
        return None

    async def message_changed(self, message: Message) -> None:
        return None

    async def messages_read(
        self, reader_id: str, partner_id: str, up_to: int, *, tell_partner: bool = True
    ) -> None:
        return None

    async def sessions_revoked(
        self, user_id: str, session_ids: Sequence[str] | None, keep: str | None = None
    ) -> None:
        return None
