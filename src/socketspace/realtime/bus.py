"""Signals between the server processes of one deployment: who came online or went offline,
and which sessions ended. The fan-out (transport/rooms.py `RedisFanout`) carries the events for
clients; this bus carries what the servers tell each other.

With one process the bus is a direct call. With REDIS_URL it is a Redis pub/sub channel:
`publish` runs the handler here at once, then tells the other processes, which run it too.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import redis.asyncio as redis
from redis.exceptions import RedisError

from socketspace.realtime.subscription import Subscription

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], Awaitable[None]]

# Delivered here only, never published: the link to Redis is back after it failed, so what
# was published meanwhile, by this process or to it, may be lost.
RESUBSCRIBED = "bus-resubscribed"


class Bus:
    """The bus of a single process: publishing is calling the handler."""

    def __init__(self) -> None:
        self.host = uuid.uuid4().hex  # this process, among all of the deployment's
        self._handlers: dict[str, list[Handler]] = {}

    @property
    def shared(self) -> bool:
        return False

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

    async def start(self) -> None:
        pass

    async def close(self) -> None:
        pass


class RedisBus(Bus):
    """The bus of a deployment with several processes, over one Redis pub/sub channel."""

    def __init__(self, url: str, channel: str) -> None:
        super().__init__()
        self.channel = channel
        self._redis = redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._subscription = Subscription(
            url, channel, name="bus", on_message=self._received, on_back=self._back
        )

    @property
    def shared(self) -> bool:
        return True

    async def publish(self, kind: str, payload: dict[str, Any]) -> None:
        await self._deliver(kind, payload)
        message = orjson.dumps({"host": self.host, "kind": kind, "payload": payload})
        try:
            await self._redis.publish(self.channel, message)
        except (RedisError, OSError) as exc:
            # The other processes miss this one signal; presence heals at the next heartbeat,
            # and session checks catch a missed revocation within SESSION_CHECK_SECONDS.
            log.warning("bus_publish_failed kind=%s error=%s", kind, exc)

    async def start(self) -> None:
        await self._subscription.start()

    async def _back(self) -> None:
        await self._deliver(RESUBSCRIBED, {})

    async def _received(self, data: bytes) -> None:
        try:
            signal = orjson.loads(data)
            host, kind, payload = signal["host"], signal["kind"], signal["payload"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            log.warning("bus_message_unreadable channel=%s", self.channel)
            return
        if host != self.host:
            await self._deliver(kind, payload)

    async def close(self) -> None:
        await self._subscription.close()
        await self._redis.aclose()
