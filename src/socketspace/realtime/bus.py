"""Signals between the server processes of one deployment: who came online or went offline,
and which sessions ended. Socket.IO's own Redis manager carries the events for clients; this
bus carries what the servers tell each other.

With one process the bus is a direct call. With REDIS_URL it is a Redis pub/sub channel:
`publish` runs the handler here at once, then tells the other processes, which run it too.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import redis.asyncio as redis
from redis.exceptions import RedisError

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
        # Subscriptions block on reads, so they get a client without a read timeout; dead
        # connections are found by health checks instead.
        self._listener_redis = redis.from_url(
            url, socket_connect_timeout=2, socket_keepalive=True, health_check_interval=5
        )
        self._listener: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

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
        self._listener = asyncio.create_task(self._listen())
        # Start serving once subscribed, so no signal sent after start-up is missed; a Redis
        # that is down must not stop the server from starting, though.
        try:
            async with asyncio.timeout(5):
                await self._subscribed.wait()
        except TimeoutError:
            log.warning("bus_not_subscribed_yet channel=%s", self.channel)

    async def _listen(self) -> None:
        backoff = 0.1
        while True:
            try:
                async with self._listener_redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    self._subscribed.set()
                    if backoff > 0.1:
                        log.info("bus_resubscribed channel=%s", self.channel)
                        await self._deliver(RESUBSCRIBED, {})
                    backoff = 0.1
                    async for message in pubsub.listen():
                        await self._received(message)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis gone, restarting or refusing: try again
                log.warning("bus_listen_failed error=%s retry_in=%.1fs", exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)

    async def _received(self, message: dict[str, Any]) -> None:
        if message.get("type") != "message":
            return
        try:
            signal = orjson.loads(message["data"])
            host, kind, payload = signal["host"], signal["kind"], signal["payload"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            log.warning("bus_message_unreadable channel=%s", self.channel)
            return
        if host != self.host:
            await self._deliver(kind, payload)

    async def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
        await self._listener_redis.aclose()
        await self._redis.aclose()
