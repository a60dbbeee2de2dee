"""CoalescingWebSocketProtocol (realtime/transport/websocket.py): frames written without a
coroutine, several per write, and a peer that stops reading dropped instead of buffered for
without bound. A real uvicorn server with the protocol, a real WebSocket client."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedOK

from socketspace.realtime.transport import websocket as wire
from socketspace.realtime.transport.websocket import WS_PROTOCOL
from socketspace.realtime.transport.websocket import CoalescingWebSocketProtocol as Wire
from tests.conftest import free_port, serving

# What a test's server does with a connection once it is accepted.
Behaviour = Callable[[Wire, Callable[[], Awaitable[Any]], Any], Awaitable[None]]


class WireServer:
    def __init__(self) -> None:
        self.behaviour: Behaviour | None = None
        self.done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self.port = free_port()
        self.url = f"ws://127.0.0.1:{self.port}/"

    async def app(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "websocket"
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        assert self.behaviour is not None
        try:
            self.done.set_result(await self.behaviour(send.__self__, receive, send))
        except Exception as exc:
            self.done.set_exception(exc)


@pytest.fixture
async def server() -> AsyncIterator[WireServer]:
    wire_server = WireServer()
    config = uvicorn.Config(
        wire_server.app,
        host="127.0.0.1",
        port=wire_server.port,
        ws=WS_PROTOCOL,
        lifespan="off",
        interface="asgi3",
    )
    running = uvicorn.Server(config)
    task = await serving(running)
    yield wire_server
    running.should_exit = True
    await task


async def test_frames_of_every_size_arrive_whole_and_in_order(server: WireServer) -> None:
    # One of each header size: under 126 bytes, under 64 KiB, and beyond.
    texts = ["hello", "é" * 200, "x" * 70_000, "last"]

    async def write_all_in_one_turn(wire: Wire, receive: Any, send: Any) -> Any:
        assert all(wire.write_text(text) for text in texts)
        return await receive()

    server.behaviour = write_all_in_one_turn
    async with connect(server.url) as client:
        assert [await client.recv() for _ in texts] == texts
    assert (await server.done)["type"] == "websocket.disconnect"


async def test_the_handshake_is_let_go_and_frames_are_still_read(server: WireServer) -> None:
    async def echo(wire: Wire, receive: Any, send: Any) -> list[str]:
        # What an idle connection would keep of its handshake, for nothing.
        assert wire.request is None
        assert wire.scope["headers"] == []
        heard = []
        for _ in range(3):  # the last answer is written as the app returns: it still goes
            event = await receive()
            heard.append(event["text"])
            wire.write_text(event["text"].upper())
        return heard

    server.behaviour = echo
    async with connect(server.url) as client:
        for word in ("one", "two", "é" * 300):
            await client.send(word)
            assert await client.recv() == word.upper()
    assert await server.done == ["one", "two", "é" * 300]


async def test_a_close_goes_after_the_frames_written_before_it(server: WireServer) -> None:
    async def write_then_close(wire: Wire, receive: Any, send: Any) -> None:
        wire.write_text("one")
        wire.write_text("two")
        await send({"type": "websocket.close", "code": 1000})
        assert not wire.write_text("after the close"), "a closed connection takes no frame"

    server.behaviour = write_then_close
    async with connect(server.url) as client:
        assert await client.recv() == "one"
        assert await client.recv() == "two"
        with pytest.raises(ConnectionClosedOK):
            await client.recv()
        assert client.close_code == 1000
    await server.done


async def test_a_peer_that_stops_reading_is_dropped(
    server: WireServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wire, "MAX_UNSENT_BYTES", 256 * 1024)
    chunk = "z" * 64 * 1024

    async def flood(wire: Wire, receive: Any, send: Any) -> tuple[int, Any]:
        # Bounded: the kernel's buffers on both sides take some megabytes first.
        for written in range(2_000):
            if not wire.write_text(chunk):
                return written, await receive()
            await asyncio.sleep(0)  # the turn ends: the frame is written
        return 2_000, None

    server.behaviour = flood
    # A client that reads nothing: a bare TCP socket with a small receive buffer, which
    # completes the handshake and then never reads again.
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port, family=socket.AF_INET)
    writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    writer.write(
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    assert (await reader.readuntil(b"\r\n\r\n")).startswith(b"HTTP/1.1 101")
    try:
        async with asyncio.timeout(30):
            written, event = await server.done
    finally:
        writer.close()
    assert written < 2_000, "the connection was never dropped"
    assert event == {"type": "websocket.disconnect", "code": wire.TRY_AGAIN_LATER}
