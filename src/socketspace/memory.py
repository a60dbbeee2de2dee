"""Handing the heap's free memory back to the system, now and then.

Every socket that connects is sent the online list (27 KB at 1,000 people online), and
engine.io keeps the last packet it sent each socket until the next one, its ping 25 s later.
That memory is then free, but glibc keeps it inside its heap instead of returning it, so an
idle server stays as large as its busiest moment. `malloc_trim` returns those free pages:
5,000 idle sockets of 1,000 people, 63 -> 41 KiB per connection (bench/idle.py, measured with
mallinfo2). glibc only; elsewhere this does nothing.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)


def _find_malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim: Callable[[int], int] = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS)
        return None
    return trim


_malloc_trim = _find_malloc_trim()


def trim_heap() -> bool:
    """Return the heap's free pages to the system; True when any were."""
    return _malloc_trim is not None and bool(_malloc_trim(0))


class HeapTrimmer:
    """Calls `trim_heap` every `interval` seconds (0: never)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.interval > 0 and _malloc_trim is not None and self._task is None:
            self._task = asyncio.create_task(self._run(), name="heap-trimmer")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            # In a thread: with a large heap full of free pages a trim takes ~20 ms
            # (450 MB heap, measured), which the event loop need not wait for.
            await asyncio.to_thread(trim_heap)
