"""Typing indicators: relayed at most once a second per pair, and ended by the server when
the typist goes quiet, so a closed laptop never leaves "typing..." on screen."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any

import socketio

from socketspace.realtime import events
from socketspace.realtime.events import groups_room, user_room

# A group's indicators are keyed by this and the group id where a person's id would be (user
# ids are hex: they never start with it).
GROUP_TARGET = "g:"


class TypingRelay:
    def __init__(self, sio: socketio.AsyncServer, *, ttl: float, min_interval: float = 1.0) -> None:
        self.sio = sio
        self.ttl = ttl
        self.min_interval = min_interval
        # (typist, receiver id or GROUP_TARGET + group id) -> when last told, expiry timer.
        self._active: dict[tuple[str, str], tuple[float, asyncio.TimerHandle]] = {}
        # For a group's indicator, who is told (its other members when it started).
        self._audience: dict[tuple[str, str], list[str]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def update(self, sender_id: str, receiver_id: str, is_typing: bool) -> None:
        await self._update((sender_id, receiver_id), is_typing)

    async def update_group(
        self, sender_id: str, group_id: int, audience: list[str], is_typing: bool
    ) -> None:
        key = (sender_id, f"{GROUP_TARGET}{group_id}")
        self._audience[key] = audience
        await self._update(key, is_typing)

    async def _update(self, key: tuple[str, str], is_typing: bool) -> None:
        sender_id, receiver_id = key
        entry = self._active.pop(key, None)
        if entry is not None:
            entry[1].cancel()
        if not is_typing:
            if entry is not None:
                await self._tell(sender_id, receiver_id, False)
            return
        now = time.monotonic()
        loop = asyncio.get_running_loop()
        expiry = loop.call_later(self.ttl, self._expire, key)
        if entry is not None and now - entry[0] < self.min_interval:
            self._active[key] = (entry[0], expiry)  # still typing: told recently enough
            return
        self._active[key] = (now, expiry)
        await self._tell(sender_id, receiver_id, True)

    def stopped_all(self, sender_id: str) -> None:
        """The sender's last connection closed: end their indicators now."""
        for key in [k for k in self._active if k[0] == sender_id]:
            self._active.pop(key)[1].cancel()
            self._spawn(self._tell(key[0], key[1], False))

    def _expire(self, key: tuple[str, str]) -> None:
        if self._active.pop(key, None) is not None:
            self._spawn(self._tell(key[0], key[1], False))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _tell(self, sender_id: str, receiver_id: str, is_typing: bool) -> None:
        if receiver_id.startswith(GROUP_TARGET):
            key = (sender_id, receiver_id)
            audience = self._audience.get(key, []) if is_typing else self._audience.pop(key, [])
            group_id = receiver_id[len(GROUP_TARGET) :]
            payload = {"groupId": group_id, "userId": sender_id, "isTyping": is_typing}
            await self.sio.emit(events.TYPING, payload, to=[groups_room(m) for m in audience])
            return
        await self.sio.emit(
            events.TYPING, {"userId": sender_id, "isTyping": is_typing}, to=user_room(receiver_id)
        )

    def close(self) -> None:
        for _, handle in self._active.values():
            handle.cancel()
        self._active.clear()
        self._audience.clear()
