"""GET /metrics: what Prometheus scrapes, read back with prometheus_client's own parser.

Metrics live for the whole test process, so every test compares a scrape after with one
before."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from socketspace.config import Settings
from socketspace.db import Database
from socketspace.mail.outbox import enqueue
from socketspace.models.base import utcnow
from socketspace.realtime import events
from tests.conftest import Servers, clients_of, free_port

METRIC_NAMES = (
    "socketspace_sockets_connected",
    "socketspace_messages_stored",
    "socketspace_messages_delivered",
    "socketspace_message_delivery_seconds",
    "socketspace_http_request_seconds",
    "socketspace_outbox_emails",
    "socketspace_rate_limit_refusals",
)


class Scrape:
    def __init__(self, text: str) -> None:
        self.text = text
        self.families = {f.name: f for f in text_string_to_metric_families(text)}

    def value(self, sample: str, **labels: str) -> float:
        """A sample's value (0 when it has not appeared yet)."""
        for family in self.families.values():
            for s in family.samples:
                if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items()):
                    return float(s.value)
        return 0.0


async def scrape(http: httpx.AsyncClient, **headers: str) -> Scrape:
    response = await http.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    return Scrape(response.text)


async def test_metrics_answer_prometheus_text_naming_every_metric(client):
    scraped = await scrape(client)
    assert set(METRIC_NAMES) <= scraped.families.keys()
    assert scraped.families["socketspace_sockets_connected"].type == "gauge"
    assert scraped.families["socketspace_messages_stored"].type == "counter"
    assert scraped.families["socketspace_message_delivery_seconds"].type == "histogram"
    # Scrapers that ask for OpenMetrics get it.
    open_metrics = await client.get(
        "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
    )
    assert open_metrics.headers["content-type"].startswith("application/openmetrics-text")
    assert open_metrics.text.rstrip().endswith("# EOF")


async def test_a_message_sent_over_socket_and_rest_counts_stored_delivered_and_latency(
    servers: Servers,
):
    server = await servers.start()
    async with (
        clients_of(server) as people,
        httpx.AsyncClient(base_url=server.url) as ops,
    ):
        alice = await people.signup("Alice")
        bob = await people.signup("Bob")
        before = await scrape(ops)
        alice_tab = await alice.connect()
        bob_tab = await bob.connect()
        connected = await scrape(ops)
        assert (
            connected.value("socketspace_sockets_connected")
            == before.value("socketspace_sockets_connected") + 2
        )

        ack = await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "socket"})
        assert ack["ok"], ack
        rest = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "rest"})
        assert rest.status_code == 201
        # Counted as the emit returns, before the packet is written: once Bob has both, both
        # count.
        assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "socket"
        assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "rest"
        after = await scrape(ops)

        def grew(sample: str) -> float:
            return after.value(sample) - before.value(sample)

        assert grew("socketspace_messages_stored_total") == 2
        assert grew("socketspace_messages_delivered_total") == 2
        assert grew("socketspace_message_delivery_seconds_count") == 2
        assert grew("socketspace_message_delivery_seconds_sum") > 0

        # Bob leaves: once Alice hears he is offline, the server has counted his close.
        while bob.id not in await alice_tab.next(events.GET_ONLINE_USERS):
            pass
        await bob_tab.client.disconnect()
        while bob.id in await alice_tab.next(events.GET_ONLINE_USERS):
            pass
        left = await scrape(ops)
        assert (
            left.value("socketspace_sockets_connected")
            == before.value("socketspace_sockets_connected") + 1
        )


async def test_http_timings_are_labelled_by_route_template_and_status_class(servers: Servers):
    server = await servers.start()
    async with (
        clients_of(server) as people,
        httpx.AsyncClient(base_url=server.url) as ops,
    ):
        alice = await people.signup("Alice")
        bob = await people.signup("Bob")
        template = {"route": "/api/messages/{user_id}", "method": "GET"}
        before = await scrape(ops)
        assert (await alice.http.get(f"/api/messages/{bob.id}")).status_code == 200
        assert (await alice.http.get("/api/messages/0123456789abcdef01234567")).status_code == 404
        after = await scrape(ops)
    count = "socketspace_http_request_seconds_count"
    assert (
        after.value(count, **template, status="2xx") - before.value(count, **template, status="2xx")
        == 1
    )
    assert (
        after.value(count, **template, status="4xx") - before.value(count, **template, status="4xx")
        == 1
    )
    assert bob.id not in after.text and "0123456789abcdef01234567" not in after.text


async def test_refusals_count_under_their_rule_and_metrics_are_never_refused(servers: Servers):
    server = await servers.start(
        api_rate_per_ip="20/minute",
        message_rate_per_second=0.001,
        message_burst=1,
        socket_events_per_second=0.001,
        socket_event_burst=1,
    )
    refusals = "socketspace_rate_limit_refusals_total"
    async with (
        clients_of(server) as people,
        httpx.AsyncClient(base_url=server.url) as ops,
    ):
        alice = await people.signup("Alice")
        bob = await people.signup("Bob")
        tab = await alice.connect()
        before = await scrape(ops)

        # The per-user message budget (REST)...
        assert (
            await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "1"})
        ).is_success
        refused = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "2"})
        assert refused.status_code == 429
        # ...the connection's event budget (socket)...
        typing = {"receiverId": bob.id, "isTyping": True}
        assert (await tab.call(events.TYPING, typing))["ok"]
        assert (await tab.call(events.TYPING, typing))["code"] == "rate_limited"
        # ...and the per-address ceiling on /api, until it refuses once.
        statuses = [(await alice.http.get("/api/auth/check")).status_code for _ in range(20)]
        assert statuses.count(429) >= 1
        first_refusals = statuses.count(429)

        # /metrics is outside the ceiling and bot protection: a crawler's user agent and far
        # more scrapes than the ceiling allows all answer.
        for agent in ("Prometheus/3.1.0", "Googlebot/2.1 (+http://www.google.com/bot.html)"):
            for _ in range(25):
                await scrape(ops, **{"User-Agent": agent})
        after = await scrape(ops)

    def grew(rule: str) -> float:
        return after.value(refusals, rule=rule) - before.value(refusals, rule=rule)

    assert grew("messages") == 1
    assert grew("socket-events") == 1
    assert grew("api-ip") == first_refusals
    # Refused before routing: timed, under no route's name.
    unrouted = {"route": "(unrouted)", "method": "GET", "status": "4xx"}
    count = "socketspace_http_request_seconds_count"
    assert after.value(count, **unrouted) - before.value(count, **unrouted) == first_refusals


async def test_metrics_with_a_token_want_it_as_a_bearer_token(servers: Servers):
    server = await servers.start(metrics_token="s3cret-token")
    async with httpx.AsyncClient(base_url=server.url) as ops:
        for headers in (
            {},
            {"Authorization": "Bearer wrong"},
            {"Authorization": "Bearer s3cret"},
            {"Authorization": "Basic s3cret-token"},
        ):
            refused = await ops.get("/metrics", headers=headers)
            assert refused.status_code == 401, headers
            assert refused.headers["content-type"] == "application/json"
            assert refused.json()["code"] == "not_authenticated"
            assert "socketspace_" not in refused.text
        allowed = await scrape(ops, Authorization="Bearer s3cret-token")
        assert "socketspace_messages_stored" in allowed.families


def test_a_blank_metrics_token_means_no_token():
    assert Settings(metrics_token="  ").metrics_token is None
    assert Settings(metrics_token=" t0ken ").metrics_token == "t0ken"


async def test_outbox_emails_are_counted_at_scrape_time(client, db: Database):
    async with db.write() as session:
        later = enqueue(session, template="welcome", to="later@example.com", context={})
        later.next_attempt_at = utcnow() + timedelta(days=1)  # the worker leaves it alone
        gave_up = enqueue(session, template="welcome", to="failed@example.com", context={})
        gave_up.status = "failed"
    scraped = await scrape(client)
    assert scraped.value("socketspace_outbox_emails", status="pending") == 1
    assert scraped.value("socketspace_outbox_emails", status="failed") == 1


async def test_workers_in_multiprocess_mode_share_one_scrape(tmp_path: Path):
    """What `serve --workers N` sets up: PROMETHEUS_MULTIPROC_DIR, values in files there."""
    shared = tmp_path / "prometheus"
    shared.mkdir()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/data/socketspace.db",
        "DATA_DIR": str(tmp_path / "data"),
        "PROMETHEUS_MULTIPROC_DIR": str(shared),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "socketspace.cli",
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as ops:
            async with asyncio.timeout(30):
                while True:
                    try:
                        await ops.get("/healthz")
                        break
                    except httpx.ConnectError:
                        assert process.returncode is None
                        await asyncio.sleep(0.1)
            scraped = await scrape(ops)
        live = list(shared.glob(f"gauge_livesum_{process.pid}.db"))
        assert live  # the sockets gauge of this process
    finally:
        process.terminate()
        await process.wait()
    assert not any(path.exists() for path in live)  # a stopped worker leaves the live sum
    assert set(METRIC_NAMES) <= scraped.families.keys()
    healthz = {"route": "/healthz", "method": "GET", "status": "2xx"}
    assert scraped.value("socketspace_http_request_seconds_count", **healthz) == 1
    assert any(shared.glob("*.db"))  # the values were kept in the shared directory
    # Only what the workers wrote: no process_* or python_gc_* of the scraping process.
    assert "process_cpu_seconds_total" not in scraped.text
