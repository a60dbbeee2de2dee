"""Several server processes sharing one PostgreSQL and one Redis, as a deployment runs them.

Each server here is a real `socketspace serve` process on a port of its own. Alice and Bob sit
on different processes; events, presence and revocations must cross between them, a process
killed with SIGKILL must be counted out, and a Redis restart must lose nothing stored.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from socketspace.realtime import events
from tests.conftest import Tab
from tests.scale.deployment import (
    HEARTBEAT_SECONDS,
    PROCESS_TIMEOUT_SECONDS,
    Deployment,
    RedisServer,
)

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


async def event_about(tab: Tab, event: str, user_id: str, timeout: float = 5) -> dict:
    """The next `event` about `user_id` (others are skipped)."""
    async with asyncio.timeout(timeout):
        while True:
            data = await tab.next(event, timeout=timeout)
            if data["userId"] == user_id:
                return data


async def test_alice_and_bob_on_two_processes_chat_both_ways(deployment: Deployment):
    one, two = await deployment.start(), await deployment.start()
    alice, bob = await deployment.signup("Alice", one), await deployment.signup("Bob", two)
    alice_tab = await deployment.connect(alice, one)
    alice_other_tab = await deployment.connect(alice, two)
    bob_tab = await deployment.connect(bob, two)

    ack = await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "hi from 1"})
    assert ack["ok"]
    sent = ack["message"]
    assert (await bob_tab.next(events.NEW_MESSAGE))["_id"] == sent["_id"]
    assert (await alice_other_tab.next(events.NEW_MESSAGE))["_id"] == sent["_id"]

    read = await bob_tab.call(events.MARK_READ, {"userId": alice.id, "upToMessageId": sent["_id"]})
    assert read["ok"]
    receipt = await alice_tab.next(events.MESSAGES_READ)
    assert receipt["readerId"] == bob.id and receipt["upToMessageId"] == sent["_id"]

    reply = await bob.http.post(f"/api/messages/send/{alice.id}", json={"text": "hi from 2"})
    assert reply.status_code == 201
    assert (await alice_tab.next(events.NEW_MESSAGE))["text"] == "hi from 2"

    await alice_tab.call(events.TYPING, {"receiverId": bob.id, "isTyping": True})
    assert await bob_tab.next(events.TYPING) == {"userId": alice.id, "isTyping": True}

    edit = {"messageId": sent["_id"], "text": "edited on 1"}
    assert (await alice_tab.call(events.EDIT_MESSAGE, edit))["ok"]
    assert (await bob_tab.next(events.MESSAGE_UPDATED))["text"] == "edited on 1"
    # Each message reached each tab once (a REST send reaches all of the sender's tabs too).
    assert [m["text"] for m in bob_tab.pending(events.NEW_MESSAGE)] == ["hi from 2"]
    assert alice_tab.pending(events.NEW_MESSAGE) == []
    assert [m["text"] for m in alice_other_tab.pending(events.NEW_MESSAGE)] == ["hi from 2"]


async def test_a_user_with_a_tab_on_each_process_is_online_once(deployment: Deployment):
    one, two = await deployment.start(), await deployment.start()
    carol = await deployment.signup("Carol", one)
    alice = await deployment.signup("Alice", two)
    dave = await deployment.signup("Dave", two)
    watcher = await deployment.connect(carol, one, delta=True)
    full_watcher = await deployment.connect(carol, two)

    tab_on_one = await deployment.connect(alice, one)
    tab_on_two = await deployment.connect(alice, two)
    await event_about(watcher, events.USER_ONLINE, alice.id)
    # Dave's arrival is the barrier: by then both of Alice's tabs were counted.
    await deployment.connect(dave, one)
    await event_about(watcher, events.USER_ONLINE, dave.id)
    online = await full_watcher.next(events.GET_ONLINE_USERS)
    while dave.id not in online:
        online = await full_watcher.next(events.GET_ONLINE_USERS)
    assert sorted(online) == sorted({carol.id, alice.id, dave.id})
    assert watcher.pending(events.USER_ONLINE) == []  # Alice came online once

    await tab_on_one.client.disconnect()
    erin = await deployment.signup("Erin", one)
    await deployment.connect(erin, two)
    await event_about(watcher, events.USER_ONLINE, erin.id)
    assert watcher.pending(events.USER_OFFLINE) == []  # still on process two

    await tab_on_two.client.disconnect()
    offline = await event_about(watcher, events.USER_OFFLINE, alice.id)
    assert offline["lastSeen"].endswith("Z")


async def test_a_killed_process_is_counted_out_and_its_users_come_back_with_it(
    deployment: Deployment,
):
    one, two = await deployment.start(), await deployment.start()
    carol = await deployment.signup("Carol", one)
    bob = await deployment.signup("Bob", two)
    watcher = await deployment.connect(carol, one, delta=True)
    await deployment.connect(bob, two)
    await event_about(watcher, events.USER_ONLINE, bob.id)

    two.kill()
    killed_at = time.monotonic()
    bound = PROCESS_TIMEOUT_SECONDS + 2 * HEARTBEAT_SECONDS
    offline = await event_about(watcher, events.USER_OFFLINE, bob.id, timeout=bound + 5)
    # The bound, plus slack for a loaded machine: counted out in seconds, not "never".
    assert time.monotonic() - killed_at <= bound + 3.0
    assert offline["lastSeen"].endswith("Z")
    contacts = (await carol.http.get("/api/messages/contacts")).json()
    assert next(c for c in contacts if c["_id"] == bob.id)["lastSeen"] is not None

    restarted = await deployment.start(port=two.port)
    await deployment.connect(bob, restarted)
    await event_about(watcher, events.USER_ONLINE, bob.id)


async def test_a_logout_on_one_process_disconnects_the_sockets_and_ends_the_session_on_the_other(
    deployment: Deployment,
):
    one, two = await deployment.start(), await deployment.start()
    alice = await deployment.signup("Alice", one)
    tab_on_two = await deployment.connect(alice, two)
    # Process two now knows the session is live (it caches that for SESSION_CHECK_SECONDS).
    by_bearer = {"Authorization": f"Bearer {alice.token}"}
    async with deployment.http.get(f"{two.url}/api/auth/check", headers=by_bearer) as answer:
        assert answer.status == 200
    assert (await alice.http.post("/api/auth/logout")).status_code == 200
    # Far sooner than the periodic session check (10 minutes here).
    async with asyncio.timeout(5):
        await tab_on_two.disconnected.wait()
    # Two forgot the session before it closed the socket: the token is refused there too.
    async with deployment.http.get(f"{two.url}/api/auth/check", headers=by_bearer) as answer:
        assert answer.status == 401


@pytest.fixture
async def own_redis() -> AsyncIterator[RedisServer]:
    server = RedisServer()
    await server.start()
    yield server
    await server.stop()


async def test_after_a_redis_restart_delivery_resumes_and_sync_fills_the_gap(
    database_url: str, own_redis: RedisServer, tmp_path: Path
):
    deployment = Deployment(database_url, own_redis.url, tmp_path / "data")
    try:
        one, two = await deployment.start(), await deployment.start()
        alice, bob = await deployment.signup("Alice", one), await deployment.signup("Bob", two)
        bob_tab = await deployment.connect(bob, two)
        first = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "before"})
        last_seen = (await bob_tab.next(events.NEW_MESSAGE))["_id"]
        assert last_seen == first.json()["_id"]

        await own_redis.stop()
        during = [
            await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": f"during {n}"})
            for n in range(3)
        ]
        assert [r.status_code for r in during] == [201, 201, 201]  # stored, whatever Redis does
        await own_redis.start()

        # Redis is back: once the Socket.IO manager has subscribed again, messages flow.
        after: list[str] = []
        async with asyncio.timeout(30):
            while True:
                sent = await alice.http.post(
                    f"/api/messages/send/{bob.id}", json={"text": f"after {len(after)}"}
                )
                after.append(sent.json()["_id"])
                try:
                    delivered = await bob_tab.next(events.NEW_MESSAGE, timeout=0.5)
                    break
                except TimeoutError:
                    continue
        assert delivered["_id"] in after

        # Bob's server tells him events may have been lost while Redis was away (the web
        # client then syncs); he fills the gap from the last message he saw: everything,
        # once, in order.
        assert await bob_tab.next(events.RESYNC, timeout=30) == {}
        synced = await bob_tab.call(events.SYNC, {"afterMessageId": last_seen})
        ids = [m["_id"] for m in synced["messages"]]
        expected = [r.json()["_id"] for r in during] + after
        assert ids == expected
        assert len(set(ids)) == len(ids)
    finally:
        await deployment.close()


async def test_sigterm_stops_gracefully_and_clients_reconnect_elsewhere(deployment: Deployment):
    one, two = await deployment.start(), await deployment.start()
    carol = await deployment.signup("Carol", two)
    bob = await deployment.signup("Bob", one)
    watcher = await deployment.connect(carol, two, delta=True)
    bob_tab = await deployment.connect(bob, one)
    await event_about(watcher, events.USER_ONLINE, bob.id)
    # Messages on their way as the process is told to stop: every one acknowledged is stored.
    sends = [
        asyncio.ensure_future(
            bob_tab.call(events.SEND_MESSAGE, {"receiverId": carol.id, "text": f"m{n}"})
        )
        for n in range(50)
    ]
    await sends[0]
    assert one.process is not None
    one.send(signal.SIGTERM)
    acks = await asyncio.gather(*sends, return_exceptions=True)
    acked = [a["message"]["_id"] for a in acks if isinstance(a, dict) and a["ok"]]

    async with asyncio.timeout(60):
        # Uvicorn shuts down, then ends by the signal it caught: what a supervisor expects.
        assert await one.process.wait() == -signal.SIGTERM
    assert "Traceback" not in one.log()
    async with asyncio.timeout(5):
        await bob_tab.disconnected.wait()
    # Told at once, not after the process timeout: the process said it was leaving.
    await event_about(watcher, events.USER_OFFLINE, bob.id, timeout=PROCESS_TIMEOUT_SECONDS)
    history = (await carol.http.get(f"/api/messages/{bob.id}?limit=200")).json()
    stored = [m["_id"] for m in history]
    assert set(acked) <= set(stored)
    assert len(stored) == len(set(stored))
    # Bob reconnects to the process that is still running.
    await deployment.connect(bob, two)
    await event_about(watcher, events.USER_ONLINE, bob.id)


def workers_of(pid: int) -> list[int]:
    """The worker processes uvicorn spawned (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [
        int(child)
        for child in children
        if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()
    ]


def running(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


async def test_serve_with_workers_runs_them_behind_one_port(deployment: Deployment):
    server = await deployment.start(None, "--workers", "2")
    assert server.process is not None
    workers = workers_of(server.process.pid)
    assert len(workers) == 2
    alice, bob = await deployment.signup("Alice", server), await deployment.signup("Bob", server)
    # Tabs land on either worker (the kernel shares the port out); all of them hear.
    tabs = [await deployment.connect(bob, server) for _ in range(6)]
    sent = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "to all tabs"})
    assert sent.status_code == 201
    for tab in tabs:
        assert (await tab.next(events.NEW_MESSAGE))["_id"] == sent.json()["_id"]
    # Long-polling cannot work across workers without sticky sessions: refused, not flaky.
    async with httpx.AsyncClient(base_url=server.url) as client:
        polling = await client.get("/socket.io/", params={"EIO": "4", "transport": "polling"})
    assert polling.status_code == 400

    server.send(signal.SIGTERM)
    async with asyncio.timeout(60):
        await server.process.wait()
    assert not any(running(pid) for pid in workers)
    assert "Traceback" not in server.log()


async def test_workers_without_redis_are_refused_with_a_reason(deployment: Deployment):
    env = {**deployment.env}
    del env["REDIS_URL"]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "socketspace.cli",
        "serve",
        "--workers",
        "2",
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    _out, err = await process.communicate()
    assert process.returncode == 2
    assert b"--workers needs REDIS_URL" in err
