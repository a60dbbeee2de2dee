"""A clock that moves only when the test moves it (socketspace.clock.Clock)."""

from __future__ import annotations

import asyncio


class ManualClock:
    """`sleep` waits until the test has `advance`d the clock past its end; `sleeping` waits
    until some code is asleep on it (a window is open), so a test moves time only once the
    thing it times has begun."""

    def __init__(self) -> None:
        self._now = 0.0
        self._sleepers: list[tuple[float, asyncio.Future[None]]] = []
        self._asleep = asyncio.Event()

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        entry = (self._now + seconds, asyncio.get_running_loop().create_future())
        self._sleepers.append(entry)
        self._asleep.set()
        try:
            await entry[1]
        finally:
            self._forget(entry)

    def advance(self, seconds: float) -> None:
        """Move time on; every sleep that has now ended returns (at the loop's next turn)."""
        self._now += seconds
        for entry in [e for e in self._sleepers if e[0] <= self._now]:
            self._forget(entry)
            if not entry[1].done():
                entry[1].set_result(None)

    async def sleeping(self, timeout: float = 5) -> None:
        """Return once someone is asleep on this clock."""
        async with asyncio.timeout(timeout):
            await self._asleep.wait()

    def _forget(self, entry: tuple[float, asyncio.Future[None]]) -> None:
        if entry in self._sleepers:
            self._sleepers.remove(entry)
        if not self._sleepers:
            self._asleep.clear()
