"""One socket floods the server with 10,000 events as fast as it can (the npm socket.io-client,
in a process of its own). It is throttled, and two other people keep chatting meanwhile. (How
much the flood slows their messages down is a measurement, not a pass or fail: bench/flood.py.)"""

from __future__ import annotations

import asyncio

from socketspace.config import Settings
from socketspace.realtime import events
from tests.conftest import Servers, clients_of
from tests.realtime.test_node_client import NodeClient

REAL = {
    name: Settings.model_fields[name].default
    for name in ("socket_events_per_second", "socket_event_burst")
}
FLOOD = 10_000
CHAT = 100


async def test_a_flooding_socket_is_throttled_while_others_chat_on(servers: Servers):
    # Carol writes faster than a person could (100 messages), so the per-user message budget
    # is lifted: what holds Mallory back here is her connection's event budget.
    server = await servers.start(**REAL, message_rate_per_second=1000, message_burst=1000)
    async with clients_of(server) as people:
        mallory = await people.signup("Mallory")
        carol = await people.signup("Carol")
        dave = await people.signup("Dave")
        carol_tab = await carol.connect()
        dave_tab = await dave.connect()
        node = await NodeClient.start(server.url)
        try:
            await node.connect("mallory", mallory.token)
            flood = asyncio.create_task(
                node.flood(
                    "mallory",
                    events.SEND_MESSAGE,
                    {"receiverId": dave.id, "text": "spam", "clientId": "spam"},
                    FLOOD,
                )
            )
            for n in range(CHAT):
                ack = await carol_tab.call(
                    events.SEND_MESSAGE, {"receiverId": dave.id, "text": f"chat {n}"}
                )
                assert ack["ok"], ack
                while (await dave_tab.next(events.NEW_MESSAGE))["text"] != f"chat {n}":
                    pass  # Mallory's few accepted messages reach Dave too
            result = await flood
        finally:
            await node.close()
    codes = result["codes"]
    assert sum(codes.values()) == FLOOD  # every event answered, none lost in the flood
    # Throttled: only the connection's burst and its steady rate got through.
    assert codes["rate_limited"] >= FLOOD - 500, codes
    assert set(codes) <= {"ok", "rate_limited"}, codes
