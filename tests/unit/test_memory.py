"""Handing the heap's free memory back: the trim runs on its interval, never when turned off,
and stops with the server."""

import asyncio

import pytest

from socketspace import memory
from socketspace.memory import HeapTrimmer


def test_trimming_the_heap_answers_whether_anything_was_returned():
    freed = [bytes(64 * 1024) for _ in range(64)]  # room for free pages once dropped
    del freed
    assert memory.trim_heap() in (True, False)


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
