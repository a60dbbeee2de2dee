"""The Engine.IO transport under the chat (realtime/transport/engine.py): long-polling, the upgrade
from polling to WebSocket, the heartbeat that finds a silent client, and the size limit."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from socketspace.realtime import events
from tests.conftest import LiveServer, Person, Servers, clients_of


async def test_a_long_polling_client_chats_both_ways_in_order(alice: Person, bob: Person):
    alice_tab = await alice.connect()
    bob_tab = await bob.connect(transports=("polling",))
    assert bob_tab.client.transport() == "polling"
    sent = [f"to a poller {n}" for n in range(30)]
    acks = await asyncio.gather(
        *(alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": t}) for t in sent)
    )
    assert all(ack["ok"] for ack in acks), acks
    assert [(await bob_tab.next(events.NEW_MESSAGE))["text"] for _ in sent] == sent
    ack = await bob_tab.call(events.SEND_MESSAGE, {"receiverId": alice.id, "text": "polled"})
    assert ack["ok"], ack
    assert (await alice_tab.next(events.NEW_MESSAGE))["text"] == "polled"


async def test_a_long_polling_client_that_leaves_does_not_hold_up_the_server(servers: Servers):
    server = await servers.start()
    async with clients_of(server) as people:
        carol = await people.signup("Carol")
        tab = await carol.connect(transports=("polling",))
        await tab.next(events.GET_ONLINE_USERS)
        await tab.client.disconnect()
    # Its last long-poll is answered at once, not after the poll timeout (45 s), so the
    # server stops as soon as it is asked to.
    await asyncio.wait_for(server.stop(), 5)


async def test_a_client_that_starts_on_polling_upgrades_to_websocket_and_loses_nothing(
    alice: Person, bob: Person
):
    bob_tab = await bob.connect()
    alice_tab = await alice.connect(transports=("polling", "websocket"))
    # Her online list was sent while she was still polling; it arrives all the same.
    assert bob.id in await alice_tab.next(events.GET_ONLINE_USERS)
    assert alice_tab.client.transport() == "websocket"
    sent = [f"after the upgrade {n}" for n in range(30)]
    for text in sent:
        await alice_tab.emit(events.SEND_MESSAGE, {"receiverId": bob.id, "text": text})
    assert [(await bob_tab.next(events.NEW_MESSAGE))["text"] for _ in sent] == sent
    await bob_tab.call(events.SEND_MESSAGE, {"receiverId": alice.id, "text": "both ways"})
    assert (await alice_tab.next(events.NEW_MESSAGE))["text"] == "both ways"


class RawSocket:
    """A WebSocket client speaking Engine.IO by hand, so a test decides whether it answers
    the server's pings."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    @classmethod
    async def open(cls, http: aiohttp.ClientSession, server: LiveServer, token: str) -> RawSocket:
        ws = await http.ws_connect(
            f"{server.url}/socket.io/?EIO=4&transport=websocket",
            headers={"Origin": server.url, "Cookie": f"jwt={token}"},
        )
        socket = cls(ws)
        assert (await socket.next()).startswith("0{")  # Engine.IO open
        await ws.send_str("40")  # Socket.IO connect to "/"
        assert (await socket.next()).startswith("40{")
        return socket

    async def next(self, timeout: float = 10) -> str:
        """The next text frame; "" once the server has closed the connection."""
        frame = await self.ws.receive(timeout=timeout)
        return frame.data if frame.type == aiohttp.WSMsgType.TEXT else ""


async def test_a_client_that_answers_the_heartbeat_stays_and_one_that_does_not_is_dropped(
    servers: Servers,
):
    server = await servers.start(socket_ping_interval_seconds=1, socket_ping_timeout_seconds=1)
    async with clients_of(server) as people, aiohttp.ClientSession() as http:
        alice = await people.signup("Alice")
        bob = await people.signup("Bob")
        bob_tab = await bob.connect()
        lively = await RawSocket.open(http, server, alice.token)
        silent = await RawSocket.open(http, server, alice.token)
        pings = 0
        while pings < 3:  # three heartbeats, each answered
            frame = await lively.next()
            assert frame, "the server closed a client that answers its pings"
            if frame == "2":
                pings += 1
                await lively.ws.send_str("3")
        # The silent one was pinged too, never answered, and is gone by now or soon.
        frames = [await silent.next()]
        while frames[-1]:
            frames.append(await silent.next())
        assert "2" in frames
        assert silent.ws.closed
        # The lively one still chats.
        await lively.ws.send_str(
            "42" + json.dumps([events.SEND_MESSAGE, {"receiverId": bob.id, "text": "alive"}])
        )
        assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "alive"


async def test_a_frame_over_the_size_limit_closes_that_connection_only(alice: Person, bob: Person):
    alice_tab = await alice.connect()
    bob_tab = await bob.connect()
    await alice_tab.emit(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "x" * 70_000})
    await asyncio.wait_for(alice_tab.disconnected.wait(), 5)
    assert bob_tab.client.connected
    assert bob_tab.pending(events.NEW_MESSAGE) == []
    again = await alice.connect()
    ack = await again.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "small"})
    assert ack["ok"], ack
    assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "small"


async def test_a_ping_due_just_after_a_socket_closed_is_dropped_quietly(
    live_server: LiveServer, alice: Person
):
    """The ping timer fires, and the socket closes before the ping's task runs (a thousand
    clients leaving at once): the ping goes nowhere, and no task fails unseen."""
    await alice.connect()
    sockets = live_server.app.api.state.sio.eio.sockets
    (socket,) = sockets.values()
    await socket.close(wait=False, abort=True)
    assert socket.closed
    await socket._send_ping_packet()  # raised SocketIsClosedError before
