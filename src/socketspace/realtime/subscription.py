"""A Redis pub/sub channel listened to for as long as the server runs: the fan-out's
(transport/rooms.py `RedisFanout`), which carries the clients' events and the servers' own
signals (bus.py)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import redis.asyncio as redis

log = logging.getLogger(__name__)


class Subscription:
    """Subscribed again after any failure (backing off up to 5 s): `on_message` gets each
    message's data, and `on_back` runs whenever a subscription starts after `start` has
    returned: again after the link was lost, or for the first time after `start` gave up
    waiting (Redis down at boot). Either way the server was already serving, and what was
    published meanwhile never arrived. `name` prefixes the log lines."""

    def __init__(
        self,
        url: str,
        channel: str,
        *,
        name: str,
        on_message: Callable[[bytes], Awaitable[None]],
        on_back: Callable[[], Awaitable[None]],
    ) -> None:
        self.channel = channel
        self.name = name
        self._on_message = on_message
        self._on_back = on_back
        # A subscription blocks on reads, so it gets a client without a read timeout; a dead
        # connection is found by health checks instead.
        self._redis = redis.from_url(
            url, socket_connect_timeout=2, socket_keepalive=True, health_check_interval=5
        )
        self._task: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()
        self._serving = False  # `start` has returned: the server may have clients

    async def start(self) -> None:
        """Listen; return once subscribed, so that nothing published after start-up is
        missed (or after 5 s: a Redis that is down must not keep the server from starting)."""
        self._task = asyncio.create_task(self._listen(), name=f"{self.name}-listen")
        try:
            async with asyncio.timeout(5):
                await self._subscribed.wait()
        except TimeoutError:
            log.warning("%s_not_subscribed_yet channel=%s", self.name, self.channel)
        finally:
            self._serving = True

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self._redis.aclose()

    async def _listen(self) -> None:
        backoff = 0.1
        while True:
            try:
                async with self._redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    if self._serving:
                        log.info("%s_resubscribed channel=%s", self.name, self.channel)
                        await self._on_back()
                    self._subscribed.set()
                    backoff = 0.1
                    async for message in pubsub.listen():
                        if message["type"] == "message":
                            await self._on_message(message["data"])
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # Redis gone, restarting or refusing: try again
                log.warning("%s_listen_failed error=%s retry_in=%.1fs", self.name, exc, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)
