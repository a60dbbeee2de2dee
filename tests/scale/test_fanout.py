"""The batched fan-out between processes (realtime/transport/rooms.py RedisFanout) and the
per-user budgets they share (security/throttle.py SharedSpend), on real `socketspace serve`
processes sharing PostgreSQL and Redis.

Redis pub/sub forgets what it could not deliver: a process that could not publish a batch
reports it in its next one, and the others tell the clients in its rooms to `resync`; a
process that finds a batch missing from another's sequence, or another's sequence starting
over, or that was not subscribed for a while, tells all its clients. Their `sync` reads what
they missed from the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import httpx
import orjson
import pytest
import redis.asyncio as redis
from prometheus_client.parser import text_string_to_metric_families

from socketspace.realtime import events
from socketspace.security.throttle import REDIS_TIMEOUT_SECONDS
from tests.scale.deployment import Deployment, RedisProxy, RedisServer, ServerProcess

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
HOST_BYTES = 32


async def metric(server: ServerProcess, name: str, **labels: str) -> float:
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


async def until_metric(server: ServerProcess, name: str, at_least: float, **labels: str) -> None:
    """Wait for the server's `name` (a counter) to reach `at_least`."""
    async with asyncio.timeout(30):
        while True:  # another process's counter: read it until it is there
            if await metric(server, name, **labels) >= at_least:
                return
            await asyncio.sleep(0.02)


async def until_metric_grows(server: ServerProcess, name: str, by: float) -> None:
    """Wait for the server to count `by` more of `name` (a counter) than it has now."""
    target = await metric(server, name) + by
    async with asyncio.timeout(15):
        while True:  # another process's counter: read it until it has grown
            if await metric(server, name) >= target:
                return
            await asyncio.sleep(0.02)


@contextlib.asynccontextmanager
async def listening(deployment: Deployment) -> AsyncIterator[redis.client.PubSub]:
    """The deployment's fan-out channel, listened to by the test as by one more process."""
    client = redis.from_url(deployment.redis_url)
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    await pubsub.subscribe(f"{deployment.env['REDIS_KEY_PREFIX']}:fanout")
    try:
        yield pubsub
    finally:
        await pubsub.aclose()
        await client.aclose()


async def batch_with(pubsub: redis.client.PubSub, marker: str) -> tuple[bytes, int]:
    """The first batch on the channel that carries `marker`: (its process, its number)."""
    async with asyncio.timeout(10):
        while True:
            message = await pubsub.get_message(timeout=10)
            if message is None or message["type"] != "message":
                continue
            data: bytes = message["data"]
            if marker.encode() in data:
                space = data.index(b" ", HOST_BYTES)
                return data[:HOST_BYTES], int(data[HOST_BYTES:space])


async def publish(deployment: Deployment, data: bytes) -> None:
    client = redis.from_url(deployment.redis_url)
    try:
        await client.publish(f"{deployment.env['REDIS_KEY_PREFIX']}:fanout", data)
    finally:
        await client.aclose()


async def test_a_batch_missing_from_a_sequence_makes_the_other_process_ask_its_clients_to_resync(
    deployment: Deployment,
):
    one, two = await deployment.start(), await deployment.start()
    alice, bob = await deployment.signup("Alice", one), await deployment.signup("Bob", two)
    bob_tab = await deployment.connect(bob, two)
    sent = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "first"})
    assert (await bob_tab.next(events.NEW_MESSAGE))["_id"] == sent.json()["_id"]
    bob_tab.pending(events.RESYNC)  # two started after one: whatever that caused is over

    # A process (the test, standing in) whose batch 8 never reached two, and who did not
    # report it lost: two asks every client of its own.
    stand_in = b"f" * HOST_BYTES
    await publish(deployment, stand_in + b"7 [null,[]]")  # the first heard: no judgement
    await publish(deployment, stand_in + b"9 [null,[]]")
    assert await bob_tab.next(events.RESYNC) == {}
    assert await metric(two, "socketspace_fanout_resyncs_total", reason="gap") == 1

    # Batch 8 turning up after 9 (a PUBLISH its sender gave up on, overtaken) is dropped:
    # its events would come after newer ones.
    stale = [None, [["/", events.user_room(bob.id), '2["stale",{}]']]]
    await publish(deployment, stand_in + b"8 " + orjson.dumps(stale))
    # Delivery goes on.
    again = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "second"})
    assert (await bob_tab.next(events.NEW_MESSAGE))["_id"] == again.json()["_id"]
    assert bob_tab.pending("stale") == []
    assert bob_tab.pending(events.RESYNC) == []


async def bob_hearing_alice_across(deployment: Deployment) -> tuple[Any, ...]:
    """Alice on process one, Bob's tab on two, one message across; nothing pending."""
    one, two = await deployment.start(), await deployment.start()
    alice, bob = await deployment.signup("Alice", one), await deployment.signup("Bob", two)
    bob_tab = await deployment.connect(bob, two)
    sent = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "before"})
    assert (await bob_tab.next(events.NEW_MESSAGE))["_id"] == sent.json()["_id"]
    bob_tab.pending(events.RESYNC)
    return one, two, alice, bob, bob_tab


async def test_a_restarted_process_makes_the_others_ask_their_clients_to_resync(
    deployment: Deployment,
):
    one, two, alice, bob, bob_tab = await bob_hearing_alice_across(deployment)
    asked = await resyncs_after_a_death(two)

    # Killed, its last batches perhaps never published; back on the same port, its
    # sequence starts over. Whichever comes first, presence counting it out (`crash`) or its
    # next life's first batch (`reset`), asks Bob's client, once.
    await one.halt()
    restarted = await deployment.start(port=one.port)
    alice_tab = await deployment.connect(alice, restarted)
    ack = await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "after"})
    assert ack["ok"], ack
    assert await bob_tab.next(events.RESYNC) == {}
    assert (await bob_tab.next(events.NEW_MESSAGE))["_id"] == ack["message"]["_id"]
    assert await resyncs_after_a_death(two) == asked + 1
    assert bob_tab.pending(events.RESYNC) == []


async def resyncs_after_a_death(server: ServerProcess) -> float:
    return sum(
        [
            await metric(server, "socketspace_fanout_resyncs_total", reason=reason)
            for reason in ("crash", "reset")
        ]
    )


async def test_a_process_restarted_after_a_clean_stop_has_nobody_resync(
    deployment: Deployment,
):
    """A rolling restart: a process stopped with SIGTERM says goodbye, and started again on
    the same port (so with the same name, machine:host:port) it is known for the same
    process: the others ask none of their clients to resync. Killed instead, they do (above)."""
    one, two, alice, bob, bob_tab = await bob_hearing_alice_across(deployment)
    resets = await metric(two, "socketspace_fanout_resyncs_total", reason="reset")

    one.send(signal.SIGTERM)
    assert one.process is not None
    await one.process.wait()
    restarted = await deployment.start(port=one.port)
    alice_tab = await deployment.connect(alice, restarted)
    ack = await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "after"})
    assert ack["ok"], ack
    # A resync would have been sent on the restarted process's first batch, before this.
    assert (await bob_tab.next(events.NEW_MESSAGE))["_id"] == ack["message"]["_id"]
    assert bob_tab.pending(events.RESYNC) == []
    assert await metric(two, "socketspace_fanout_resyncs_total", reason="reset") == resets


async def test_a_users_message_budget_is_shared_by_the_processes(deployment: Deployment):
    deployment.env.update(
        {"MESSAGE_BURST": "3", "MESSAGE_RATE_PER_SECOND": "0.01", "BUDGET_SYNC_MS": "100"}
    )
    one, two = await deployment.start(), await deployment.start()
    alice, bob = await deployment.signup("Alice", one), await deployment.signup("Bob", one)
    tab_on_two = await deployment.connect(alice, two)
    for text in ("1", "2"):
        sent = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": text})
        assert sent.status_code == 201
    ack = await tab_on_two.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "3"})
    assert ack["ok"], ack

    # Each process shares its spend in the background: these rounds, in this order, have
    # carried one's to two and two's to one. Neither process has spent all three itself.
    syncs = "socketspace_budget_syncs_total"
    for server in (one, two, one):
        await until_metric_grows(server, syncs, by=2)
    refused = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "4"})
    assert refused.status_code == 429, refused.text
    assert refused.json()["code"] == "rate_limited"
    limited = await tab_on_two.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "5"})
    assert limited["ok"] is False and limited["code"] == "rate_limited", limited
    history = (await alice.http.get(f"/api/messages/{bob.id}")).json()
    assert [m["text"] for m in history] == ["1", "2", "3"]


async def test_while_redis_stalls_sends_are_acked_and_deliveries_follow(
    database_url: str, tmp_path: Path
):
    own_redis = RedisServer()  # paused by this test: not the one the other tests share
    await own_redis.start()
    deployment = Deployment(database_url, own_redis.url, tmp_path / "data")
    pauser, prober = redis.from_url(own_redis.url), redis.from_url(own_redis.url)
    try:
        one, two = await deployment.start(), await deployment.start()
        alice, bob = await deployment.signup("Alice", one), await deployment.signup("Bob", two)
        alice_tab = await deployment.connect(alice, one)
        bob_tab = await deployment.connect(bob, two)
        first = await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "hi"})
        assert (await bob_tab.next(events.NEW_MESSAGE))["_id"] == first["message"]["_id"]

        # Redis answers nobody for 1.8 s (less than the publisher's 2 s timeout).
        await pauser.execute_command("CLIENT", "PAUSE", 1800, "ALL")
        paused_at = time.monotonic()
        sends = [
            alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": f"m{n}"})
            for n in range(10)
        ]
        acks = await asyncio.gather(*sends)
        assert all(ack["ok"] for ack in acks), acks
        # Nothing on the send path waits for Redis (the budget is this process's, the fan-out
        # queues): the sends were answered sooner than a Redis call gives up (a send that asked
        # Redis, as the budget did, waited that long and fell back), and Redis is still paused.
        assert time.monotonic() - paused_at < REDIS_TIMEOUT_SECONDS
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(prober.ping(), 0.05)
        assert bob_tab.pending(events.NEW_MESSAGE) == []

        sent = [ack["message"]["_id"] for ack in acks]
        received = [(await bob_tab.next(events.NEW_MESSAGE, timeout=10))["_id"] for _ in sent]
        assert received == sent
    finally:
        await pauser.aclose()
        await prober.aclose()
        await deployment.close()
        await own_redis.stop()


async def test_a_batch_that_never_reached_redis_makes_the_others_resync_its_rooms_only(
    database_url: str, tmp_path: Path
):
    own_redis = RedisServer()
    await own_redis.start()
    proxy = RedisProxy(own_redis.port)  # process one's way to Redis, cut by this test
    await proxy.start()
    deployment = Deployment(database_url, own_redis.url, tmp_path / "data")
    try:
        deployment.env["REDIS_URL"] = proxy.url
        one = await deployment.start()
        deployment.env["REDIS_URL"] = own_redis.url
        alice, dave = await deployment.signup("Alice", one), await deployment.signup("Dave", one)
        async with listening(deployment) as pubsub:
            warm = await alice.http.post(f"/api/messages/send/{dave.id}", json={"text": "warm"})
            await batch_with(pubsub, "warm")  # one's first batch, out before two listens
        two = await deployment.start()
        bob, carol = await deployment.signup("Bob", two), await deployment.signup("Carol", two)
        bob_tab, carol_tab = (
            await deployment.connect(bob, two),
            await deployment.connect(carol, two),
        )
        bob_original = await deployment.connect(bob, two, original=True)  # asks for nothing

        # Two has heard nothing from one when one's next batch fails to reach Redis: its
        # number alone (3 after 1) would not tell two that 2 is missing.
        proxy.cut()
        lost = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "lost"})
        assert lost.status_code == 201
        await until_metric(one, "socketspace_fanout_lost_batches_total", 1)
        proxy.resume()
        after = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "after"})

        assert await bob_tab.next(events.RESYNC, timeout=30) == {}
        assert (await bob_tab.next(events.NEW_MESSAGE, timeout=30))["_id"] == after.json()["_id"]
        caught_up = await bob_tab.call(events.SYNC, {"afterMessageId": warm.json()["_id"]})
        assert [m["text"] for m in caught_up["messages"]] == ["lost", "after"]

        # Only the lost batch's rooms were asked: Carol, on the same process, was not.
        note = await alice.http.post(f"/api/messages/send/{carol.id}", json={"text": "note"})
        assert (await carol_tab.next(events.NEW_MESSAGE, timeout=30))["_id"] == note.json()["_id"]
        assert carol_tab.pending(events.RESYNC) == []
        assert bob_tab.pending(events.RESYNC) == []
        # Nor was Bob's original client, which knows neither `resync` nor `sync`.
        live = [m["_id"] for m in bob_original.pending(events.NEW_MESSAGE)]
        assert live == [after.json()["_id"]]
        assert bob_original.pending(events.RESYNC) == []
        resyncs = "socketspace_fanout_resyncs_total"
        assert await metric(two, resyncs, reason="lost") == 1
        for reason in ("gap", "reset", "link"):
            assert await metric(two, resyncs, reason=reason) == 0, reason
    finally:
        await deployment.close()
        await proxy.close()
        await own_redis.stop()


async def test_a_process_started_while_redis_was_down_asks_its_clients_to_resync_when_it_is_up(
    database_url: str, tmp_path: Path
):
    own_redis = RedisServer()  # not started yet: the process starts without it
    deployment = Deployment(database_url, own_redis.url, tmp_path / "data")
    try:
        one = await deployment.start()
        bob = await deployment.signup("Bob", one)
        bob_tab = await deployment.connect(bob, one)
        assert bob_tab.pending(events.RESYNC) == []

        # Whatever other processes published before this one was subscribed never reached it.
        await own_redis.start()
        assert await bob_tab.next(events.RESYNC, timeout=30) == {}
        assert await metric(one, "socketspace_fanout_resyncs_total", reason="link") == 1
    finally:
        await deployment.close()
        await own_redis.stop()


async def test_the_servers_signals_ride_the_batches_and_a_stopping_process_says_goodbye(
    deployment: Deployment,
):
    """Presence and ended sessions reach the other processes inside the fan-out's batches,
    with no channel or PUBLISH of their own; a process stopped normally says goodbye in its
    last batch, so the others forget its sequence."""
    one, two = await deployment.start(), await deployment.start()
    alice = await deployment.signup("Alice", one)
    prefix = deployment.env["REDIS_KEY_PREFIX"]
    async with listening(deployment) as pubsub:
        tab_on_two = await deployment.connect(alice, two)  # Alice online: two tells one
        two_host, _ = await batch_with(pubsub, '[null,"presence",')
        assert (await alice.http.post("/api/auth/logout")).status_code == 200
        one_host, _ = await batch_with(pubsub, '[null,"sessions-revoked",')
        async with asyncio.timeout(5):  # two heard it, from one's batch
            await tab_on_two.disconnected.wait()
        assert one_host != two_host
        client = redis.from_url(deployment.redis_url)
        try:
            channels = await client.pubsub_channels(f"{prefix}:*")
        finally:
            await client.aclose()
        assert channels == [f"{prefix}:fanout".encode()]

        two.send(signal.SIGTERM)
        assert await batch_with(pubsub, '[null,"fanout-bye",') == (two_host, ANY)
