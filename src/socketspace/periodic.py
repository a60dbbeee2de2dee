"""Background work done every so often: a round, then a pause, until stopped.

Stopping cancels only during the pause. A round cancelled halfway through a database call
leaves the driver logging a cancelled rollback (seen at shutdown with many sockets open) and
its work half done; the round in progress is let finish instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class Periodic:
    def __init__(self, name: str, seconds: float, round_: Callable[[], Awaitable[object]]) -> None:
        self.name = name
        self.seconds = seconds
        self.round = round_
        self._task: asyncio.Task[None] | None = None
        self._pausing = False
        self._stopping = False

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name=self.name)

    async def stop(self) -> None:
        if self._task is None:
            return
        self._stopping = True
        if self._pausing:
            self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            self._pausing = True
            try:
                await asyncio.sleep(self.seconds)
            finally:
                self._pausing = False
            try:
                await self.round()
            except Exception:  # the next round tries again
                log.exception("%s_failed", self.name)
