"""The servers' signals in the fan-out's batches (realtime/bus.py SharedBus over
transport/rooms.py RedisFanout), between fan-outs in this process on the real Redis of
TEST_REDIS_URL: a signal runs its handlers here at once and on the other process from the
batch; the other process forgets a sender's sequence when it says goodbye or is counted out,
and asks its clients to resync when a process starts again after a crash, not after a clean
stop."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import socketio

from socketspace.realtime.bus import SharedBus
from socketspace.realtime.transport import RedisFanout


def behind_a_server(redis_url: str, channel: str, name: str | None = None) -> RedisFanout:
    """One process's fan-out, as its Socket.IO server holds it (not started)."""
    fanout = RedisFanout(redis_url, channel, name=name)
    socketio.AsyncServer(async_mode="asgi", client_manager=fanout)
    return fanout


@pytest.fixture
async def pair(redis_url: str) -> AsyncIterator[tuple[RedisFanout, RedisFanout]]:
    """Two processes' fan-outs on one channel, started."""
    channel = f"test-{uuid.uuid4().hex}:fanout"
    fanouts = (behind_a_server(redis_url, channel), behind_a_server(redis_url, channel))
    for fanout in fanouts:
        await fanout.start()
    yield fanouts
    for fanout in fanouts:
        await fanout.close()


class Heard:
    """A bus handler that remembers what it was given, and can be waited on."""

    def __init__(self) -> None:
        self.signals: list[dict[str, Any]] = []
        self._more = asyncio.Event()

    async def __call__(self, payload: dict[str, Any]) -> None:
        self.signals.append(payload)
        self._more.set()

    async def until(self, count: int) -> list[dict[str, Any]]:
        async with asyncio.timeout(10):
            while len(self.signals) < count:
                self._more.clear()
                await self._more.wait()
        return self.signals


async def test_a_signal_runs_here_at_once_and_there_from_the_batch(pair):
    one, two = pair
    bus_one, bus_two = SharedBus(one), SharedBus(two)
    here, there = Heard(), Heard()
    bus_one.on("greeting", here)
    bus_two.on("greeting", there)
    assert bus_one.host == one.host.decode()  # one id for presence and the fan-out

    await bus_one.publish("greeting", {"n": 1})
    assert here.signals == [{"n": 1}]  # before anything reached Redis
    await bus_one.publish("greeting", {"n": 2})
    assert await there.until(2) == [{"n": 1}, {"n": 2}]
    assert here.signals == [{"n": 1}, {"n": 2}]  # its own batches are not run twice
    assert one.host in two._senders


async def test_a_process_saying_goodbye_or_counted_out_is_forgotten(pair, redis_url):
    one, two = pair
    there = Heard()
    SharedBus(two).on("greeting", there)
    await SharedBus(one).publish("greeting", {})
    await there.until(1)
    assert one.host in two._senders
    await one.close()  # stops normally: goodbye in its last batch

    # A third process: two hears its batch after one's last (one channel, in order).
    third = behind_a_server(redis_url, two.channel)
    await third.start()
    try:
        await SharedBus(third).publish("greeting", {})
        await there.until(2)
        assert one.host not in two._senders
        assert third.host in two._senders
        # Counted out by presence, without a goodbye.
        await two.process_gone({"hosts": [third.host.decode()]})
        assert third.host not in two._senders
    finally:
        await third.close()


async def test_a_payload_json_cannot_carry_fails_in_the_caller_and_publishing_goes_on(pair):
    one, two = pair
    there = Heard()
    SharedBus(two).on("greeting", there)
    bus = SharedBus(one)
    with pytest.raises(TypeError):
        await bus.publish("greeting", {"when": object()})
    await bus.publish("greeting", {"n": 1})
    assert await there.until(1) == [{"n": 1}]


async def test_a_fan_out_that_never_started_closes_at_once(redis_url):
    never_started = behind_a_server(redis_url, f"test-{uuid.uuid4().hex}:fanout")
    async with asyncio.timeout(1):  # nothing to publish for: no waiting out the 2 s bound
        await never_started.close()


async def crash(fanout: RedisFanout) -> None:
    """Stop a fan-out as a killed process does: no goodbye, nothing more published."""
    assert fanout._publisher is not None
    fanout._publisher.cancel()
    await asyncio.gather(fanout._publisher, return_exceptions=True)
    await fanout._subscription.close()
    await fanout._redis.aclose()


class Watcher:
    """The other process: a started fan-out that records each batch's greeting and why it
    asked its clients to resync."""

    def __init__(self, fanout: RedisFanout) -> None:
        self.fanout = fanout
        self.heard = Heard()
        SharedBus(fanout).on("greeting", self.heard)
        self.resyncs: list[str] = []
        resync = fanout._resync

        async def recorded(reason: str, rooms: list[str] | None = None) -> None:
            self.resyncs.append(reason)
            await resync(reason, rooms)

        fanout._resync = recorded  # type: ignore[method-assign]

    async def hears(self, sender: RedisFanout) -> None:
        """`sender` publishes a greeting, and this process has its batch."""
        count = len(self.heard.signals)
        await SharedBus(sender).publish("greeting", {})
        await self.heard.until(count + 1)


@pytest.fixture
async def watcher(redis_url: str) -> AsyncIterator[Watcher]:
    fanout = behind_a_server(redis_url, f"test-{uuid.uuid4().hex}:fanout")
    await fanout.start()
    yield Watcher(fanout)
    await fanout.close()


async def started(redis_url: str, watcher: Watcher, name: str | None) -> RedisFanout:
    fanout = behind_a_server(redis_url, watcher.fanout.channel, name=name)
    await fanout.start()
    return fanout


async def test_a_named_process_back_after_a_clean_stop_has_nobody_resync(redis_url, watcher):
    first = await started(redis_url, watcher, "box:8001")
    await watcher.hears(first)
    await first.close()  # goodbye

    again = await started(redis_url, watcher, "box:8001")
    try:
        await watcher.hears(again)
        assert watcher.resyncs == []  # a rolling restart asks nobody
        assert again.host in watcher.fanout._senders
        assert first.host not in watcher.fanout._senders
    finally:
        await again.close()


async def test_a_named_process_back_after_a_crash_has_everyone_resync_once(redis_url, watcher):
    first = await started(redis_url, watcher, "box:8001")
    await watcher.hears(first)
    await crash(first)

    again = await started(redis_url, watcher, "box:8001")
    try:
        await watcher.hears(again)
        assert watcher.resyncs == ["reset"]  # its last batches may never have been sent
        assert watcher.fanout._replaced == {first.host}
        # Presence counts the dead life out later: its clients were asked already.
        await watcher.fanout.process_gone({"hosts": [first.host.decode()]})
        assert watcher.resyncs == ["reset"]
        assert watcher.fanout._replaced == set()
        assert first.host not in watcher.fanout._senders
        # Another process counted out still has everyone resync.
        await watcher.fanout.process_gone({"hosts": ["f" * 32]})
        assert watcher.resyncs == ["reset", "crash"]
    finally:
        await again.close()


async def test_a_new_unnamed_process_has_everyone_resync_and_a_new_named_one_nobody(
    redis_url, watcher
):
    unnamed = await started(redis_url, watcher, None)
    named = await started(redis_url, watcher, "box:8002")
    try:
        await watcher.hears(unnamed)  # new, or back after a crash: no telling
        assert watcher.resyncs == ["reset"]
        await watcher.hears(named)  # a name never heard: no earlier life of it was missed
        assert watcher.resyncs == ["reset"]
    finally:
        await unnamed.close()
        await named.close()


async def test_two_live_processes_under_one_name_still_have_each_death_healed(redis_url, watcher):
    """Misconfigured: a second process starts under a name a live one has. It is taken for
    that one's next life (a reset); when the first speaks again it is known alive, so its
    own death later still has everyone resync."""
    first = await started(redis_url, watcher, "box:8001")
    second = await started(redis_url, watcher, "box:8001")
    try:
        await watcher.hears(first)
        await watcher.hears(second)
        assert watcher.resyncs == ["reset"]
        await watcher.hears(first)  # alive after all
        assert watcher.fanout._replaced == set()
        await watcher.fanout.process_gone({"hosts": [first.host.decode()]})
        assert watcher.resyncs == ["reset", "crash"]
    finally:
        await first.close()
        await second.close()
