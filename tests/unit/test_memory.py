"""Handing the heap's free memory back: the trim runs on its interval, never when turned off,
and stops with the server."""

import asyncio
import platform

import pytest

from socketspace import memory
from socketspace.memory import HeapTrimmer


def test_trimming_returns_the_free_pages_inside_the_heap_on_glibc_and_nothing_elsewhere():
    blocks = [bytes(64 * 1024) for _ in range(128)]
    # Every other block stays: the freed ones are holes in the middle of the heap, which free()
    # never hands back by itself and only malloc_trim returns.
    kept = blocks[::2]
    del blocks
    assert memory.trim_heap() is (platform.libc_ver()[0] == "glibc")
    del kept


def test_without_malloc_trim_nothing_is_trimmed(monkeypatch):
    monkeypatch.setattr(memory, "_malloc_trim", None)
    assert memory.trim_heap() is False


async def test_the_trimmer_trims_on_its_interval_and_stops_when_closed(monkeypatch):
    calls: list[int] = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda pad: calls.append(pad) or 1)
    trimmer = HeapTrimmer(interval=0.01)
    trimmer.start()
    for _ in range(200):  # at most 2 s
        if len(calls) >= 2:
            break
        await asyncio.sleep(0.01)
    await trimmer.close()
    assert len(calls) >= 2 and set(calls) == {0}
    seen = len(calls)
    await asyncio.sleep(0.05)
    assert len(calls) == seen


@pytest.mark.parametrize("interval", [0, -1])
async def test_a_trimmer_turned_off_never_trims(monkeypatch, interval):
    calls: list[int] = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda pad: calls.append(pad) or 1)
    trimmer = HeapTrimmer(interval=interval)
    trimmer.start()
    await asyncio.sleep(0.05)
    await trimmer.close()
    assert calls == []
