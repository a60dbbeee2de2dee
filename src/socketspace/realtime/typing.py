"""Typing indicators: relayed at most once a second per pair, and ended by the server when
the typist goes quiet, so a closed laptop never leaves "typing..." on screen."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Coroutine
from typing import Any

import socketio

from socketspace.realtime import events
from socketspace.realtime.events import user_room


class TypingRelay:
    def __init__(self, sio: socketio.AsyncServer, *, ttl: float, min_interval: float = 1.0) -> None:
        self.sio = sio
        self.ttl = ttl
        self.min_interval = min_interval
        self._active: dict[tuple[str, str], tuple[float, asyncio.TimerHandle]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def update(self, sender_id: str, receiver_id: str, is_typing: bool) -> None:
        key = (sender_id, receiver_id)
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
        await self.sio.emit(
            events.TYPING, {"userId": sender_id, "isTyping": is_typing}, to=user_room(receiver_id)
        )

    def close(self) -> None:
        for _, handle in self._active.values():
            handle.cancel()
        self._active.clear()
