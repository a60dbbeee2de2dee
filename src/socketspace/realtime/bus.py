"""Signals between the server processes of one deployment: who came online or went offline,
which sessions ended, which process was counted out. The fan-out (transport/rooms.py
`RedisFanout`) carries the events for clients; this bus carries what the servers tell each
other.

With one process the bus is a direct call. With REDIS_URL `publish` runs the handler here at
once, then the signal rides the fan-out's next batch to the other processes, which run it too:
no PUBLISH of its own, and in order with the events published before it. Redis pub/sub may
lose a batch; a lost signal heals by itself: presence at the next heartbeat, an ended session
at the next session check (SESSION_CHECK_SECONDS), a process counted out by every process's
own reaping.

The other processes run a signal's handlers inside the fan-out's receive loop, so that a
signal takes effect in order with the events around it (a socket of a session ended is cut
before the next event could reach it). So a handler must not wait on the network: today's
update counts, queue emits and disconnect this process's sockets, none of which waits on a
peer; one that must wait should start a task of its own.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from socketspace.realtime.transport import RedisFanout

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]


class Bus:
    """The bus of a single process: publishing is calling the handler."""

    def __init__(self, host: str | None = None) -> None:
        self.host = host or uuid.uuid4().hex  # this process, among all of the deployment's
        self._handlers: dict[str, list[Handler]] = {}

    def on(self, kind: str, handler: Handler, *, first: bool = False) -> None:
        """Run `handler` for every signal of this kind: after the handlers added before it,
        or (`first`) before them."""
        handlers = self._handlers.setdefault(kind, [])
        if first:
            handlers.insert(0, handler)
        else:
            handlers.append(handler)

    async def publish(self, kind: str, payload: dict[str, Any]) -> None:
        await self._deliver(kind, payload)

    async def _deliver(self, kind: str, payload: dict[str, Any]) -> None:
        for handler in self._handlers.get(kind, ()):
            try:
                await handler(payload)
            except Exception:
                log.exception("bus_handler_failed kind=%s", kind)


class SharedBus(Bus):
    """The bus of a deployment with several processes: its signals ride the fan-out's batches
    (the fan-out starts and stops with the socket server)."""

    def __init__(self, fanout: RedisFanout) -> None:
        super().__init__(host=fanout.host.decode())
        self._fanout = fanout
        fanout.on_signal = self._deliver

    async def publish(self, kind: str, payload: dict[str, Any]) -> None:
        await self._deliver(kind, payload)
        self._fanout.signal(kind, payload)
