"""Time for code that waits: read it and sleep on it through one collaborator, so that tests
can move it by hand instead of sleeping against real windows (tests/clock.py)."""

from __future__ import annotations

import asyncio
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds on a monotonic scale (only differences mean anything)."""
        ...

    async def sleep(self, seconds: float) -> None:
        """Return once `now()` has moved on by `seconds`."""
        ...


class LoopClock:
    """The running event loop's clock: what asyncio's own timers follow."""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
