"""Typing indicators: who may see that someone is typing. The relay that tells them (and
ends an indicator when the typist goes quiet) is the realtime layer's; services never import
socketio."""

from __future__ import annotations

from typing import Protocol

from socketspace.db import Database
from socketspace.services.abuse import Blocks
from socketspace.services.groups import typing_audience
from socketspace.services.ids import check_user_id


class TypingRelay(Protocol):
    async def update(self, sender_id: str, receiver_id: str, is_typing: bool) -> None:
        """The sender started or stopped typing to the receiver."""

    async def update_group(
        self, sender_id: str, group_id: int, audience: list[str], is_typing: bool
    ) -> None:
        """The sender started or stopped typing in a group: tell `audience`."""


async def update_typing(
    relay: TypingRelay,
    blocks: Blocks,
    *,
    sender_id: str,
    receiver_id: object,
    is_typing: bool,
) -> None:
    """Relay that the sender is typing (or stopped). Between people one of whom blocked the
    other nothing is relayed, and the sender is not told so: a block is not announced."""
    receiver = check_user_id(receiver_id)
    if not blocks.between(sender_id, receiver):
        await relay.update(sender_id, receiver, is_typing)


async def update_group_typing(
    relay: TypingRelay, db: Database, *, sender_id: str, group_id: object, is_typing: bool
) -> None:
    """Relay to the group's other members that the sender is typing (or stopped); only a
    current member may."""
    target, audience = await typing_audience(db, sender_id=sender_id, group_id=group_id)
    await relay.update_group(sender_id, target, audience, is_typing)
