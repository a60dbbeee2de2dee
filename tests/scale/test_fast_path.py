"""The transport's fast path (src/socketspace/realtime/transport/) is engaged on a real
`socketspace serve`, with and without Redis.

Without it everything still works — python-engineio's own loop and python-socketio's own
delivery take over — and every other test passes, at half the throughput. So this asks the
server itself, through /metrics: each WebSocket writes straight to our protocol with engine.io's
queue retired, and emits go through SharedFrameManager (with Redis, on the way back from the
pub/sub channel too).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from socketspace.realtime import events
from tests.scale.deployment import Deployment, ServerProcess


async def transport_metrics(server: ServerProcess) -> dict[tuple[str, str], float]:
    """(metric, label value) of the transport's samples on `server` now."""
    async with httpx.AsyncClient(base_url=server.url) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    found = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == "socketspace_websockets":
                found[sample.name, sample.labels["writer"]] = sample.value
            elif sample.name == "socketspace_emits_total":
                found[sample.name, sample.labels["path"]] = sample.value
    return found


async def until_websockets(server: ServerProcess, direct: int) -> dict[tuple[str, str], float]:
    """The metrics once `direct` sockets are on the fast path (a disconnect is counted when
    the server has seen it, a moment after the client's)."""
    found: dict[tuple[str, str], float] = {}
    try:
        async with asyncio.timeout(10):
            while found.get(("socketspace_websockets", "direct")) != direct:
                found = await transport_metrics(server)
                await asyncio.sleep(0.05)
    except TimeoutError:
        pytest.fail(f"{direct} WebSockets should be on the fast path; the server says {found}")
    return found


@pytest.fixture(params=["memory", "redis"])
async def deployment(
    request: pytest.FixtureRequest, database_url: str, redis_url: str, tmp_path: Path
) -> AsyncIterator[Deployment]:
    made = Deployment(database_url, redis_url, tmp_path / "data")
    if request.param == "memory":
        del made.env["REDIS_URL"]
    yield made
    await made.close()


async def test_websockets_and_emits_run_on_the_fast_path(deployment: Deployment):
    server = await deployment.start()
    alice, bob = await deployment.signup("Alice", server), await deployment.signup("Bob", server)
    alice_tab = await deployment.connect(alice, server)
    bob_tab = await deployment.connect(bob, server)

    ack = await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "fast?"})
    assert ack["ok"], ack
    assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "fast?"

    found = await until_websockets(server, direct=2)
    assert found.get(("socketspace_websockets", "asgi"), 0) == 0, found
    # newMessage and the presence and online lists went out on the shared-frame path.
    assert found[("socketspace_emits_total", "shared_frame")] >= 1, found

    await bob_tab.client.disconnect()
    assert (await until_websockets(server, direct=1))[("socketspace_websockets", "direct")] == 1
