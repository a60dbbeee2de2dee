"""Faults under a steady stream of messages between two real `socketspace serve` processes:
Redis shut down and restarted, one process killed, Redis stalled behind a proxy.

Each test runs its own redis-server on a free port (never the shared one), sends a stream
bounded in count and time, and ends when every client holds every acked message, waiting on
that condition, never on a clock. The clients behave as the web client does (`Reader`): they
keep what arrives live, and on `resync` or after reconnecting they call `sync` from the
highest message id they hold.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis.asyncio as redis

from socketspace.realtime import events
from socketspace.security.throttle import REDIS_TIMEOUT_SECONDS
from tests.conftest import Person, Tab
from tests.scale.deployment import Deployment, RedisProxy, RedisServer, ServerProcess
from tests.scale.test_fanout import metric, until_metric

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)

# 2,000 messages a second offered for two seconds, in both directions together: what a
# loaded 2-core CI machine keeps up with beside two servers and PostgreSQL.
RATE = 2_000
MESSAGES = 4_000
SYNC_PAGE = 500
HELD_UP_SECONDS = 4.0  # how long the proxy holds Redis up: the fault itself, not a wait
UNLIMITED = {
    "MESSAGE_RATE_PER_SECOND": "1000000",
    "MESSAGE_BURST": "1000000",
    "SOCKET_EVENTS_PER_SECOND": "1000000",
    "SOCKET_EVENT_BURST": "1000000",
}


@dataclass
class Reader:
    """One person's client as the web client behaves: messages kept by id, live ones in the
    order they came, and `sync` from the highest id held on `resync` and after a reconnect."""

    person: Person
    tab: Tab | None = None
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)
    live: list[int] = field(default_factory=list)
    resyncs: int = 0
    changed: asyncio.Event = field(default_factory=asyncio.Event)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def connect(self, deployment: Deployment, server: ServerProcess) -> None:
        self.tab = tab = await deployment.connect(self.person, server)
        # Handled as they come, in order (as the web client's handlers are): a `resync` takes
        # its cursor before any message that follows it is held.
        tab.client.on(events.NEW_MESSAGE, self._arrived)
        tab.client.on(events.RESYNC, self._asked)
        for message in tab.pending(events.NEW_MESSAGE):  # came during the handshake
            await self._arrived(message)
        await self.catch_up(max(self.messages, default=0))

    async def reconnect(self, deployment: Deployment, server: ServerProcess) -> None:
        await self.connect(deployment, server)

    async def catch_up(self, cursor: int) -> None:
        assert self.tab is not None
        while True:
            ack = await self.tab.call(
                events.SYNC, {"afterMessageId": cursor, "limit": SYNC_PAGE}, timeout=30
            )
            assert ack["ok"], ack
            self._hold(ack["messages"])
            if not ack["hasMore"]:
                return
            cursor = int(ack["messages"][-1]["_id"])

    def _hold(self, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            self.messages[int(message["_id"])] = message
        self.changed.set()

    async def _arrived(self, message: dict[str, Any]) -> None:
        self.live.append(int(message["_id"]))
        self._hold([message])

    async def _asked(self, _data: object = None) -> None:
        self.resyncs += 1
        cursor = max(self.messages, default=0)  # the highest id held, as the web client's
        self._tasks.add(task := asyncio.create_task(self.catch_up(cursor)))
        task.add_done_callback(self._tasks.discard)

    async def holds(self, ids: set[int], timeout: float = 60) -> None:
        """Wait until every one of `ids` is held."""
        try:
            async with asyncio.timeout(timeout):
                while not ids <= self.messages.keys():
                    self.changed.clear()
                    await self.changed.wait()
        except TimeoutError:
            missing = sorted(ids - self.messages.keys())
            raise AssertionError(
                f"{self.person.name} lacks {len(missing)} of {len(ids)} (first {missing[:5]}, "
                f"held up to {max(self.messages, default=0)}), resyncs {self.resyncs}"
            ) from None

    def check(self, sent: list[int], *, exact: bool = True) -> None:
        """Every message sent to this person held once (by id), nothing else (unless not
        `exact`: a send whose process died before it answered may still have been stored), and
        what came live came once each, in id order (one sender, one process: commit order)."""
        if exact:
            assert sorted(self.messages) == sorted(sent)
        assert set(sent) <= self.messages.keys()
        assert len(self.live) == len(set(self.live)), "a message came live twice"
        assert self.live == sorted(self.live), "live messages out of id order"

    def close(self) -> None:
        for task in self._tasks:
            task.cancel()


@dataclass
class Stream:
    """`sender` sends `count` messages to `receiver` over the socket, paced at `rate` a second
    (open loop: a slow answer does not slow the stream); `acked` keeps the ids answered ok."""

    sender: Reader
    receiver: Reader
    count: int
    rate: float
    acked: list[int] = field(default_factory=list)
    failed: int = 0
    asked: int = 0
    answers: list[tuple[float, float]] = field(default_factory=list)  # (asked, answered)
    progress: asyncio.Condition = field(default_factory=asyncio.Condition)
    # Set: the sends from `gate_at` on may go (a fault put in place between the two parts, so
    # that on a busy machine no late burst of sends lands before it).
    gate: asyncio.Event | None = None
    gate_at: int = 0

    async def run(self) -> None:
        start = time.monotonic()
        calls = []
        for n in range(self.count):
            if self.gate is not None and n == self.gate_at:
                await self.gate.wait()
                start = time.monotonic() - n / self.rate  # paced on from here
            delay = start + n / self.rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)  # pacing the offered rate, not waiting for an outcome
            calls.append(asyncio.create_task(self._send(n)))
        await asyncio.gather(*calls)

    async def _send(self, n: int) -> None:
        assert self.sender.tab is not None
        asked = time.monotonic()
        async with self.progress:
            self.asked += 1
            self.progress.notify_all()
        payload = {"receiverId": self.receiver.person.id, "text": f"m{n}", "clientId": f"c{n}"}
        try:
            ack = await self.sender.tab.call(events.SEND_MESSAGE, payload, timeout=10)
        except Exception:  # the sender's process was killed under it: never acked
            ack = {"ok": False}
        self.answers.append((asked, time.monotonic()))
        async with self.progress:
            if ack["ok"]:
                self.acked.append(int(ack["message"]["_id"]))
            else:
                self.failed += 1
            self.progress.notify_all()

    async def sent(self, at_least: int) -> None:
        """Wait until `at_least` sends have been made."""
        async with self.progress, asyncio.timeout(60):
            await self.progress.wait_for(lambda: self.asked >= at_least)

    async def answered(self, at_least: int) -> None:
        """Wait until `at_least` sends have been answered (ok or not)."""
        async with self.progress, asyncio.timeout(60):
            await self.progress.wait_for(lambda: len(self.acked) + self.failed >= at_least)


@pytest.fixture
async def own_redis() -> AsyncIterator[RedisServer]:
    server = RedisServer()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def faulty(database_url: str, own_redis: RedisServer, tmp_path: Path):
    deployment = Deployment(database_url, own_redis.url, tmp_path / "data")
    deployment.env.update(UNLIMITED)
    yield deployment
    await deployment.close()


async def two_ways(
    deployment: Deployment, one: ServerProcess, two: ServerProcess
) -> tuple[Stream, Stream]:
    """Alice on one sends to Bob on two, Carol on two to Dave on one."""
    readers = {}
    for name, server in (("Alice", one), ("Bob", two), ("Carol", two), ("Dave", one)):
        readers[name] = Reader(await deployment.signup(name, server))
        await readers[name].connect(deployment, server)
    half = MESSAGES // 2
    return (
        Stream(readers["Alice"], readers["Bob"], half, RATE / 2),
        Stream(readers["Carol"], readers["Dave"], half, RATE / 2),
    )


async def shut_down(own_redis: RedisServer) -> None:
    """SHUTDOWN NOSAVE: Redis ends at once, its channels and keys gone."""
    client = redis.from_url(own_redis.url)
    try:
        await client.shutdown(nosave=True)
    except redis.ConnectionError:
        pass  # the answer to SHUTDOWN is the connection closing
    finally:
        await client.aclose()
    assert own_redis.process is not None
    await own_redis.process.wait()


async def test_redis_shut_down_and_restarted_mid_stream_loses_nothing(
    faulty: Deployment, own_redis: RedisServer
):
    one, two = await faulty.start(), await faulty.start()
    streams = await two_ways(faulty, one, two)
    running = asyncio.gather(*(stream.run() for stream in streams))

    # A third of the way in, Redis goes; the sends go on being answered meanwhile (the send
    # path does not wait on Redis), and it comes back a further sixth of the stream later.
    await asyncio.gather(*(stream.answered(stream.count // 3) for stream in streams))
    await shut_down(own_redis)
    await asyncio.gather(*(stream.answered(stream.count // 2) for stream in streams))
    await own_redis.start()
    await running

    for stream in streams:
        assert stream.failed == 0 and len(stream.acked) == stream.count
        await stream.receiver.holds(set(stream.acked))
        stream.receiver.check(stream.acked)
        assert stream.receiver.resyncs >= 1  # live delivery alone did not get it all
        stream.receiver.close()
        stream.sender.close()


async def test_a_process_killed_mid_stream_its_clients_catch_up_on_the_other(
    faulty: Deployment,
):
    one, two = await faulty.start(), await faulty.start()
    to_bob, to_dave = await two_ways(faulty, one, two)
    # Dave is one's: the process he is on dies under him, Alice's sends with it.
    running = asyncio.gather(to_bob.run(), to_dave.run())

    # A third of the way into Alice's stream (hers, on the process that dies: some of her
    # sends are then still unanswered, whatever the machine's load does to Carol's).
    await to_bob.answered(to_bob.count // 3)
    await one.halt()  # SIGKILL: no goodbye, its last batch perhaps unsent
    assert to_dave.receiver.tab is not None and to_bob.sender.tab is not None
    async with asyncio.timeout(30):
        await to_dave.receiver.tab.disconnected.wait()
    await to_dave.receiver.reconnect(faulty, two)  # as a client does: to the other process
    await running

    # Carol (on two) went on sending to Dave, now on two as well; every one answered ok is his.
    assert to_dave.failed == 0 and len(to_dave.acked) == to_dave.count
    await to_dave.receiver.holds(set(to_dave.acked))
    to_dave.receiver.check(to_dave.acked)
    # Alice's sends stopped being answered with one; those that were are stored: Alice, back
    # on two, holds them all, and so does Bob, whom one may have died before telling (two
    # asked him to resync when it counted one out).
    assert to_bob.acked and to_bob.failed > 0
    alice = to_bob.sender
    await alice.reconnect(faulty, two)
    assert set(to_bob.acked) <= alice.messages.keys()
    await to_bob.receiver.holds(set(to_bob.acked))
    to_bob.receiver.check(to_bob.acked, exact=False)
    crashes = "socketspace_fanout_resyncs_total"
    await until_metric(two, crashes, 1, reason="crash")  # one counted out, Bob asked
    assert await metric(two, crashes, reason="crash") == 1
    for reader in (to_bob.receiver, to_bob.sender, to_dave.receiver, to_dave.sender):
        reader.close()


async def test_while_redis_is_held_up_sends_are_answered_and_deliveries_catch_up(
    database_url: str, own_redis: RedisServer, tmp_path: Path
):
    proxy = RedisProxy(own_redis.port)  # every process's way to Redis, held up by this test
    await proxy.start()
    deployment = Deployment(database_url, proxy.url, tmp_path / "data")
    deployment.env.update(UNLIMITED)
    try:
        one, two = await deployment.start(), await deployment.start()
        streams = await two_ways(deployment, one, two)
        held_up = asyncio.Event()
        for stream in streams:
            stream.gate, stream.gate_at = held_up, stream.count // 4
        running = asyncio.gather(*(stream.run() for stream in streams))
        await asyncio.gather(*(stream.sent(stream.count // 4) for stream in streams))

        # Redis answers nothing, for longer than any Redis call waits (2 s): the rest of the
        # stream is sent and answered meanwhile, as nothing on the send path waits on Redis.
        proxy.pause()
        paused_at = time.monotonic()
        held_up.set()
        await running
        assert proxy.paused
        await asyncio.sleep(max(0.0, HELD_UP_SECONDS - (time.monotonic() - paused_at)))
        proxy.resume()
        # Answered as if Redis were there: half of them sooner than a Redis call gives up.
        while_held = sorted(
            answered - asked
            for stream in streams
            for asked, answered in stream.answers
            if asked >= paused_at
        )
        assert len(while_held) >= MESSAGES // 2, len(while_held)
        median = while_held[len(while_held) // 2]
        assert median < REDIS_TIMEOUT_SECONDS, (median, while_held[-1], len(while_held))

        for stream in streams:
            assert stream.failed == 0 and len(stream.acked) == stream.count
            await stream.receiver.holds(set(stream.acked))
            stream.receiver.check(stream.acked)
            stream.receiver.close()
            stream.sender.close()
    finally:
        await deployment.close()
        await proxy.close()
