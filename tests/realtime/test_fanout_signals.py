"""The servers' signals in the fan-out's batches (realtime/bus.py SharedBus over
transport/rooms.py RedisFanout), between two fan-outs in this process on the real Redis of
TEST_REDIS_URL: a signal runs its handlers here at once and on the other process from the
batch, and the other process forgets a sender's sequence when it says goodbye or is counted
out."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
import socketio

from socketspace.realtime.bus import SharedBus
from socketspace.realtime.transport import RedisFanout


def behind_a_server(redis_url: str, channel: str) -> RedisFanout:
    """One process's fan-out, as its Socket.IO server holds it (not started)."""
    fanout = RedisFanout(redis_url, channel)
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
