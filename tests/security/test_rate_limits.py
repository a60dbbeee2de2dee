"""Attacks on the doors with the real limits on: each test fails if its protection is removed.

The test app's clients come from chosen addresses (the ASGI connection's client), as separate
machines would.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import socketio

from socketspace.app import create_app
from socketspace.config import Settings
from socketspace.errors import RateLimited
from socketspace.realtime import events
from socketspace.security.throttle import Rule, Throttle, UserBudget
from tests.conftest import ORIGIN, RELAXED_LIMITS, LiveServer, Servers, clients_of, signup

REAL_LIMITS = {name: Settings.model_fields[name].default for name in RELAXED_LIMITS}
ALICE = {"email": "alice@example.com", "password": "correct horse"}


@asynccontextmanager
async def running(settings: Settings, **changes: Any) -> AsyncIterator[socketio.ASGIApp]:
    app = create_app(settings.model_copy(update={**REAL_LIMITS, **changes}))
    api = app.api
    async with api.router.lifespan_context(api):
        yield app


def client_at(app: socketio.ASGIApp, address: str, **headers: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000), raise_app_exceptions=False)
    return httpx.AsyncClient(
        transport=transport, base_url=ORIGIN, headers={"Origin": ORIGIN, **headers}
    )


async def login(client: httpx.AsyncClient, password: str, **headers: str) -> httpx.Response:
    return await client.post(
        "/api/auth/login", json={**ALICE, "password": password}, headers=headers
    )


async def with_alice(app: socketio.ASGIApp) -> None:
    async with client_at(app, "10.0.0.1") as owner:
        await signup(owner, "Alice", ALICE["email"], ALICE["password"])


def assert_throttled(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    body = response.json()
    assert body["code"] == "rate_limited"
    assert "try again in" in body["message"]
    return int(response.headers["Retry-After"])


async def test_fifty_wrong_passwords_from_one_address_are_throttled_and_the_owner_still_gets_in(
    settings,
):
    async with running(settings) as app:
        await with_alice(app)
        async with client_at(app, "203.0.113.9") as attacker:
            answers = [await login(attacker, f"guess {n}") for n in range(50)]
            statuses = [a.status_code for a in answers]
            # Five guesses, then the account is closed to this address: the right password too.
            assert statuses[:5] == [400] * 5
            assert set(statuses[5:]) == {429}
            assert 0 < assert_throttled(answers[5]) <= 60
            assert (await login(attacker, ALICE["password"])).status_code == 429
        async with client_at(app, "198.51.100.7") as owner_elsewhere:
            assert (await login(owner_elsewhere, ALICE["password"])).status_code == 200


async def test_guesses_sent_all_at_once_cannot_slip_past_the_lock_out(settings):
    async with running(settings) as app:
        await with_alice(app)
        async with client_at(app, "203.0.113.9") as attacker:
            answers = await asyncio.gather(*(login(attacker, f"guess {n}") for n in range(50)))
    statuses = [a.status_code for a in answers]
    assert statuses.count(400) == 5, statuses
    assert statuses.count(429) == 45


async def test_spoofed_forwarded_for_headers_do_not_reset_the_count(settings):
    async with running(settings) as app:  # no TRUSTED_PROXIES: the header is nobody's word
        await with_alice(app)
        async with client_at(app, "203.0.113.9") as attacker:
            statuses = [
                (await login(attacker, "guess", **{"X-Forwarded-For": f"192.0.2.{n}"})).status_code
                for n in range(50)
            ]
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}


async def test_behind_a_trusted_proxy_each_forwarded_client_is_counted_apart(settings):
    async with running(settings, trusted_proxies=["10.9.0.0/16"]) as app:
        await with_alice(app)
        async with client_at(app, "10.9.0.2") as proxy:
            for _ in range(5):
                response = await login(proxy, "guess", **{"X-Forwarded-For": "203.0.113.9"})
                assert response.status_code == 400
            # The attacker's address is locked out; a spoofed first hop does not help it...
            hidden = await login(proxy, "guess", **{"X-Forwarded-For": "1.2.3.4, 203.0.113.9"})
            assert_throttled(hidden)
            # ...while Alice, behind the same proxy from her own address, logs in.
            ok = await login(proxy, ALICE["password"], **{"X-Forwarded-For": "198.51.100.7"})
            assert ok.status_code == 200


async def test_the_lock_out_grows_with_repeated_failures_and_ends(settings):
    async with running(settings, login_failures_per_account_ip="3/1 second;6/1 hour") as app:
        await with_alice(app)
        async with client_at(app, "203.0.113.9") as attacker:
            for _ in range(3):
                assert (await login(attacker, "guess")).status_code == 400
            first_wait = assert_throttled(await login(attacker, "guess"))
            assert first_wait <= 1

            # The first lock ends when the server said it would (Retry-After)...
            await asyncio.sleep(first_wait)
            for _ in range(3):
                assert (await login(attacker, "guess")).status_code == 400
            # ...the next one lasts the hour.
            assert assert_throttled(await login(attacker, "guess")) > 3000


async def test_credential_stuffing_across_many_accounts_from_one_address_is_throttled(settings):
    async with running(settings) as app, client_at(app, "203.0.113.9") as attacker:
        statuses = [
            (
                await attacker.post(
                    "/api/auth/login",
                    json={"email": f"victim{n}@example.com", "password": "Summer2026!"},
                )
            ).status_code
            for n in range(40)
        ]
    assert statuses[:30] == [400] * 30
    assert set(statuses[30:]) == {429}


async def test_signups_from_one_address_are_limited(settings):
    async with running(settings) as app, client_at(app, "203.0.113.9") as bot:
        statuses = [
            (
                await bot.post(
                    "/api/auth/signup",
                    json={
                        "fullName": f"Bot {n}",
                        "email": f"bot{n}@example.com",
                        "password": "secret12",
                    },
                )
            ).status_code
            for n in range(12)
        ]
        assert statuses == [201] * 10 + [429] * 2
        async with client_at(app, "198.51.100.7") as person:
            await signup(person, "Person", "person@example.com")


async def test_the_api_ceiling_answers_429_json_with_retry_after(settings):
    async with running(settings, api_rate_per_ip="20/minute") as app:
        async with client_at(app, "203.0.113.9") as flood:
            statuses = [(await flood.get("/api/auth/check")).status_code for _ in range(25)]
            assert statuses == [401] * 20 + [429] * 5
            assert 0 < assert_throttled(await flood.get("/api/messages/contacts")) <= 60
            assert (await flood.get("/healthz")).status_code == 200  # not an /api door
        async with client_at(app, "198.51.100.7") as other:
            assert (await other.get("/api/auth/check")).status_code == 401


async def test_with_redis_every_process_shares_the_counts(settings, redis_url):
    shared = {"redis_url": redis_url, "redis_key_prefix": f"test-{uuid.uuid4().hex}"}
    async with running(settings, **shared) as one, running(settings, **shared) as two:
        await with_alice(one)
        async with client_at(one, "203.0.113.9") as a, client_at(two, "203.0.113.9") as b:
            for client in (a, b, a, b, a):
                assert (await login(client, "guess")).status_code == 400
            # Five failures spread over two processes: both know.
            assert_throttled(await login(b, "guess"))
            assert_throttled(await login(a, "guess"))


async def test_when_redis_is_unreachable_limits_fall_back_to_memory_and_say_so(settings, caplog):
    caplog.set_level(logging.ERROR, logger="socketspace.security.throttle")
    async with running(settings, redis_url="redis://127.0.0.1:1/0") as app:
        await with_alice(app)
        async with client_at(app, "203.0.113.9") as attacker:
            statuses = [(await login(attacker, "guess")).status_code for _ in range(8)]
    assert statuses == [400] * 5 + [429] * 3
    assert "rate_limit_store_unreachable fallback=memory" in caplog.text


async def share_spend(*in_turn: LiveServer) -> None:
    """A round of each process's background sharing of budget spend, in this order."""
    for server in in_turn:
        spend = server.app.api.state.ctx.throttle.spend
        assert spend is not None
        await spend.sync()


async def test_with_redis_message_sends_share_one_budget_across_processes(
    servers: Servers, redis_url
):
    shared = {
        "redis_url": redis_url,
        "redis_key_prefix": f"test-{uuid.uuid4().hex}",
        "message_burst": 3,
        "message_rate_per_second": 0.01,
    }
    one, two = await servers.start(**shared), await servers.start(**shared)
    async with clients_of(one) as people:
        alice = await people.signup("Alice")
        bob = await people.signup("Bob")
        tab_on_two = await alice.connect(url=two.url)
        assert (
            await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "1"})
        ).is_success
        ack = await tab_on_two.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "2"})
        assert ack["ok"]
        assert (
            await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "3"})
        ).is_success
        # Spend is shared in the background (BUDGET_SYNC_MS): these are its rounds, now.
        await share_spend(one, two, one)
        # Three spent, on two processes: both refuse the fourth.
        refused = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "4"})
        assert_throttled(refused)
        limited = await tab_on_two.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "5"})
        assert limited["ok"] is False and limited["code"] == "rate_limited"
        assert limited["retryAfter"] >= 1
        history = (await alice.http.get(f"/api/messages/{bob.id}")).json()
        assert [m["text"] for m in history] == ["1", "2", "3"]


async def test_with_redis_a_burst_from_one_connection_keeps_its_order(servers: Servers, redis_url):
    server = await servers.start(
        redis_url=redis_url,
        redis_key_prefix=f"test-{uuid.uuid4().hex}",
        message_burst=5000,
        message_rate_per_second=5000.0,
    )
    async with clients_of(server) as people:
        alice = await people.signup("Alice")
        bob = await people.signup("Bob")
        alice_tab = await alice.connect()
        bob_tab = await bob.connect()
        acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        for n in range(300):
            await alice_tab.emit(
                events.SEND_MESSAGE,
                {"receiverId": bob.id, "text": f"#{n}", "clientId": f"r{n}"},
                callback=acks.put_nowait,
            )
        received = [await bob_tab.next(events.NEW_MESSAGE, timeout=30) for _ in range(300)]
        assert [m["text"] for m in received] == [f"#{n}" for n in range(300)]
        answers = [await asyncio.wait_for(acks.get(), 30) for _ in range(300)]
        assert [a["message"]["text"] for a in answers] == [f"#{n}" for n in range(300)]


async def test_with_redis_a_burst_of_concurrent_checks_waits_its_turn_not_falls_back(
    redis_url, caplog
):
    # More requests in flight than the Redis pool has connections: they queue, and the
    # limits stay shared instead of falling back to this process's memory. The subject is the
    # queue, not the timeout: on a loaded machine opening 64 connections at once can take
    # longer than the production second (it once did in CI), so this throttle waits longer.
    caplog.set_level(logging.ERROR, logger="socketspace.security.throttle")
    throttle = Throttle(redis_url, f"test-{uuid.uuid4().hex}", redis_timeout=30.0)
    rule = Rule.of("burst", "100/minute", "Slow down.")
    try:
        outcomes = await asyncio.gather(
            *(throttle.hit(rule, "one-key") for _ in range(300)), return_exceptions=True
        )
    finally:
        await throttle.close()
    assert sum(o is None for o in outcomes) == 100
    assert all(isinstance(o, RateLimited) for o in outcomes if o is not None)
    assert "rate_limit_store_unreachable" not in caplog.text


async def test_with_redis_a_budget_spent_on_one_process_is_owed_on_another(redis_url):
    # Two processes' throttles on one Redis; their background rounds are run by hand here.
    prefix = f"test-{uuid.uuid4().hex}"
    one, two = Throttle(redis_url, prefix), Throttle(redis_url, prefix)
    assert one.spend is not None and two.spend is not None
    on_one, on_two = (
        UserBudget(t, "messages", rate=0.01, burst=4, message="Slow down.") for t in (one, two)
    )
    try:
        for _ in range(3):
            on_one.take("alice")
        await one.spend.sync()
        # Two has not spent for Alice yet: it answers from its own bucket, then learns at its
        # next round what she owes (the overshoot docs/security.md bounds), and refuses.
        on_two.take("alice")
        await two.spend.sync()
        with pytest.raises(RateLimited) as refused:
            on_two.take("alice")
        assert "try again in" in refused.value.message
        # One learns of two's spend: it refuses too, with one of its own four left unspent.
        await one.spend.sync()
        with pytest.raises(RateLimited):
            on_one.take("alice")
        on_two.take("bob")  # someone else's budget is their own
    finally:
        await one.close()
        await two.close()
