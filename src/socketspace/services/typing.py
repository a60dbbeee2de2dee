"""Typing indicators: who may see that someone is typing. The relay that tells them (and
ends an indicator when the typist goes quiet) is the realtime layer's; services never import
socketio."""

from __future__ import annotations

from typing import Protocol

from socketspace.services.abuse import Blocks
from socketspace.services.ids import check_user_id


class TypingRelay(Protocol):
    async def update(self, sender_id: str, receiver_id: str, is_typing: bool) -> None:
        """The sender started or stopped typing to the receiver."""


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
