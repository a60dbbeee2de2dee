"""A leaner Engine.IO WebSocket transport under python-socketio.

Upstream's (python-engineio 4.15 `AsyncSocket`, `AsyncServer`): the protocol — the open
packet, pings and their timeout, the polling-to-WebSocket upgrade, close packets, long-polling
— and every method not named below. Ours:
- `DirectSocket._websocket_handler` replaces engine.io's WebSocket loop, `_upgrade` its
  upgrade handshake, and `_write_queued` retires its per-socket queue;
- `DirectSocket.send`, `write_now`, `close`, `poll`, `schedule_ping` override engine.io's
  (calling them where the socket is not on the WebSocket);
- `DirectEngine._handle_connect` is a copy of engine.io's with `DirectSocket` in place of
  `AsyncSocket` (engine.io names its socket class inside that method): re-read upstream's on
  every upgrade, security fixes included (tests/realtime/test_upstream_contract.py fails when
  it changes; docs/upstream.md proposes the `socket_class` hook that would end the copy).

Why: engine.io's own WebSocket loop costs three asyncio tasks and two `wait_for` timers per
chat message: one task and one timer for every frame it reads, and for every packet it sends,
a put on the socket's queue that wakes a writer task whose `poll` starts a timed wait of its
own. At a few thousand messages a second that bookkeeping is a large share of the server's
time (py-spy, bench/run.py --path socket). An idle socket also holds that writer task, its
queue (four deques of 760 bytes each, empty) and a task sleeping until the next ping.

`DirectSocket` keeps engine.io's protocol and changes only the loop:
- it reads frames with a plain `await` on the ASGI receive: no task and no timer per frame.
  A silent peer is still found: engine.io's ping timeout closes the socket, and here the
  WebSocket under it (uvicorn's own WebSocket pings are off: `socketspace serve`);
- once on the WebSocket it first writes what waits in the queue (the open packet, anything
  sent during an upgrade), then retires the queue: from then on a packet is written straight
  to the connection: `CoalescingWebSocketProtocol.write_frame` (websocket.py), or, under
  another ASGI server, the ASGI send. Writes keep their order: nothing is queued here any more;
- the next ping is a timer, not a sleeping task.

Long-polling clients are untouched: until a socket is on the WebSocket, everything goes
through engine.io's queue as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import engineio
from engineio import async_socket, exceptions, packet, payload

from socketspace import metrics
from socketspace.realtime.transport.websocket import CoalescingWebSocketProtocol, text_frame

log = logging.getLogger(__name__)


class _RetiredQueue:
    """What stands for engine.io's queue once a socket writes straight to its WebSocket:
    always empty. While the WebSocket is up, `DirectSocket.send` never puts anything here;
    once it has ended, a packet put here goes nowhere, as a write to a closed connection."""

    async def join(self) -> None:
        return None

    def put_nowait(self, item: Any) -> None:
        return None

    async def put(self, item: Any) -> None:
        return None


RETIRED = _RetiredQueue()

# What a WebSocket's handshake environ keeps once the connection is open: engine.io's
# WebSocket reads the ASGI callables, and a Socket.IO connect (which comes after, over the
# WebSocket) the session cookie.
WEBSOCKET_ENVIRON = ("asgi.receive", "asgi.send", "HTTP_COOKIE", "REMOTE_ADDR")


class DirectSocket(async_socket.AsyncSocket):  # type: ignore[misc]
    """An engine.io socket that, once on the WebSocket, writes packets straight out."""

    # engine.io's asyncio.Queue, or RETIRED once packets go straight to the WebSocket.
    queue: Any
    # The ASGI WebSocket, once packets go straight to it.
    _direct: Any = None
    # Its connection, when that is a `CoalescingWebSocketProtocol`: written to without a coroutine.
    _wire: CoalescingWebSocketProtocol | None = None
    # The `socketspace_websockets` gauge this socket counts in while on the WebSocket.
    _writer: Any = None
    last_ping: float | None

    async def send(self, pkt: packet.Packet) -> None:
        ws = self._direct
        if ws is None:
            await super().send(pkt)
            return
        if self.write_now(text_frame(pkt.encode())):
            return
        # Not on a CoalescingWebSocketProtocol, closed, or past the ping timeout: engine.io's way.
        if not await self.check_ping_timeout():
            return
        try:
            await ws.send(pkt.encode())
        except Exception:  # the peer is gone: the read loop sees it and closes the socket
            return

    async def close(self, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        """engine.io's close, which also ends the connection under it: the WebSocket (the
        read loop then ends), or a long-poll left waiting.

        engine.io itself leaves that to the read loop's timeout; without one, a client that
        stopped answering Engine.IO pings while its browser still answers WebSocket pings
        (a frozen tab) would keep its connection open for ever."""
        ending = not (self.closed or self.closing)
        await super().close(wait=wait, abort=abort, reason=reason)
        if not ending:
            return
        ws = self._direct
        self._leave_websocket()
        if ws is not None:
            await ws.close()
        else:
            self.queue.put_nowait(None)  # ends a waiting long-poll, or the upgrade's writes

    def write_now(self, frame: bytes) -> bool:
        """Write a frame (`text_frame`; an emit makes one for all its recipients) without a
        coroutine. False when this socket needs engine.io's way: not on a
        `CoalescingWebSocketProtocol`, closed, or past its ping timeout (which `send` then
        closes)."""
        wire = self._wire
        if wire is None or self.closed:
            return False
        last_ping = self.last_ping
        if last_ping and time.time() - last_ping > self.server.ping_timeout:
            return False
        wire.write_frame(frame)
        return True

    async def poll(self) -> list[packet.Packet]:
        """engine.io's wait for a long-poll's packets, taking at most as many as a
        python-engineio client reads from one answer (`Payload.max_decode_packets`): it refuses
        a longer one whole. The rest go with the next poll, which the client makes at once."""
        try:
            first = await asyncio.wait_for(
                self.queue.get(), self.server.ping_interval + self.server.ping_timeout
            )
        except (TimeoutError, asyncio.CancelledError):
            raise exceptions.QueueEmpty() from None
        self.queue.task_done()
        if first is None:
            return []
        packets = [first]
        while len(packets) < payload.Payload.max_decode_packets and not self.queue.empty():
            pkt = self.queue.get_nowait()
            self.queue.task_done()
            if pkt is None:  # the socket is closing: the next poll is told so
                self.queue.put_nowait(None)
                break
            packets.append(pkt)
        return packets

    def schedule_ping(self) -> None:
        # As engine.io: a new ping only once the last one was answered (or at the start).
        if self.last_ping:
            self.last_ping = None
            asyncio.get_running_loop().call_later(self.server.ping_interval, self._ping)

    def _ping(self) -> None:
        if not self.closing and not self.closed:
            self.last_ping = time.time()
            self.server.start_background_task(self._send_ping_packet)

    async def _send_ping_packet(self) -> None:
        # The socket may close between the timer and this task (a thousand clients leaving at
        # once): then there is nobody to ping, and nothing to report.
        with contextlib.suppress(exceptions.SocketIsClosedError):
            await self.send(packet.Packet(packet.PING))

    async def _upgrade_websocket(self, environ: dict[str, Any]) -> Any:
        """engine.io's start of the WebSocket, with the handshake's environ cut down to what
        is read from here on (WEBSOCKET_ENVIRON). The environ lives as long as the
        connection (python-socketio keeps it too: `get_environ`), and its copy of every
        request header was ~2 KiB of each idle connection (tracemalloc)."""
        kept = {key: environ[key] for key in WEBSOCKET_ENVIRON if key in environ}
        environ.clear()
        environ.update(kept)
        return await super()._upgrade_websocket(environ)

    async def _websocket_handler(self, ws: Any) -> None:
        receive = ws.asgi_receive
        limit = self.server.max_http_buffer_size

        async def next_packet() -> packet.Packet | None:
            event = await receive()
            if event["type"] != "websocket.receive":
                return None
            data = event.get("text")
            if data is None:
                data = event.get("bytes")
            if data is None or len(data) > limit:
                return None
            return packet.Packet(encoded_packet=data)

        if self.connected:  # type: ignore[has-type]  # connected over polling: an upgrade
            if not await self._upgrade(ws, next_packet):
                return
        else:
            self.connected = True
            self.upgraded = True

        if await self._write_queued(ws):
            while True:
                try:
                    pkt = await next_packet()
                except Exception:  # the connection broke, or the frame was not a packet
                    break
                if pkt is None:
                    break
                try:
                    await self.receive(pkt)
                except exceptions.UnknownPacketError:
                    pass
                except exceptions.SocketIsClosedError:
                    break
                except Exception:
                    log.exception("engineio_receive_failed sid=%s", self.sid)
                # uvicorn hands over every frame of a read at once, without suspending: give
                # the other connections their turn before taking the next (a flooding client
                # must not starve the rest).
                await asyncio.sleep(0)
        self._leave_websocket()
        await ws.close()
        await self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_CLOSE)

    def _leave_websocket(self) -> None:
        self._direct = self._wire = None
        writer, self._writer = self._writer, None
        if writer is not None:
            writer.dec()

    async def _write_queued(self, ws: Any) -> bool:
        """Write what waits in the queue, then retire it: later packets go straight to `ws`.
        False when the connection is to end (a close packet was written, or the peer left)."""
        while True:
            try:
                pkt = self.queue.get_nowait()
            except asyncio.QueueEmpty:
                # No await since the queue was found empty: nothing can slip in between.
                self._direct = ws
                wire = getattr(ws.asgi_send, "__self__", None)
                self._wire = wire if isinstance(wire, CoalescingWebSocketProtocol) else None
                self.queue = RETIRED
                self._writer = metrics.WEBSOCKETS_DIRECT if self._wire else metrics.WEBSOCKETS_ASGI
                self._writer.inc()
                return True
            self.queue.task_done()
            if pkt is None:
                return False
            try:
                await ws.send(pkt.encode())
            except Exception:
                return False
            if pkt.packet_type == packet.CLOSE:
                return False

    async def _upgrade(
        self, ws: Any, next_packet: Callable[[], Awaitable[packet.Packet | None]]
    ) -> bool:
        """The polling-to-WebSocket upgrade: answer the probe, end the pending poll, wait for
        the client's upgrade packet."""
        self.upgrading = True  # holds the polling transport's sends meanwhile
        try:
            probe = await next_packet()
            if probe is None or probe.packet_type != packet.PING or probe.data != "probe":
                return False
            await ws.send(packet.Packet(packet.PONG, data="probe").encode())
            await self.queue.put(packet.Packet(packet.NOOP))  # ends the open poll
            upgrade = await next_packet()
            if upgrade is None or upgrade.packet_type != packet.UPGRADE:
                self.upgraded = False
                return False
            self.upgraded = True
            return True
        except Exception:
            return False
        finally:
            self.upgrading = False


class DirectEngine(engineio.AsyncServer):  # type: ignore[misc]
    """engine.io's server, making `DirectSocket`s.

    engine.io names its socket class inside `_handle_connect`, so this is that method
    (python-engineio 4.15.1, fingerprinted in tests/realtime/test_upstream_contract.py) with
    `DirectSocket` in its place."""

    async def _handle_connect(
        self, environ: dict[str, Any], transport: str, jsonp_index: int | None = None
    ) -> Any:
        if self.start_service_task:  # type: ignore[has-type]
            self.start_service_task = False
            self.service_task_handle = self.start_background_task(self._service_task)
        sid = self.generate_id()
        socket = DirectSocket(self, sid)
        self.sockets[sid] = socket
        await socket.send(
            packet.Packet(
                packet.OPEN,
                {
                    "sid": sid,
                    "upgrades": self._upgrades(sid, transport),
                    "pingTimeout": int(self.ping_timeout * 1000),
                    "pingInterval": int(self.ping_interval + self.ping_interval_grace_period)
                    * 1000,
                    "maxPayload": self.max_http_buffer_size,
                },
            )
        )
        accepted = await self._trigger_event("connect", sid, environ, run_async=False)
        if accepted is not None and accepted is not True:
            del self.sockets[sid]
            return self._unauthorized(accepted or None)
        socket.schedule_ping()
        if transport == "websocket":
            answer = await socket.handle_get_request(environ)
            if socket.closed and sid in self.sockets:
                del self.sockets[sid]
            return answer
        socket.connected = True
        try:
            return self._ok(await socket.poll(), jsonp_index=jsonp_index)
        except exceptions.QueueEmpty:
            return self._bad_request()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if kwargs.get("cookie"):
            raise ValueError("DirectEngine does not set engine.io's sid cookie")
        super().__init__(*args, **kwargs)
