"""A leaner Engine.IO WebSocket transport for python-socketio.

engine.io's own WebSocket loop costs three asyncio tasks and two `wait_for` timers per chat
message: one task and one timer for every frame it reads, and for every packet it sends, a
put on the socket's queue that wakes a writer task whose `poll` starts a timed wait of its
own. At a few thousand messages a second that bookkeeping is a large share of the server's
time (py-spy, bench/run.py --path socket).

`ChatSocket` keeps engine.io's protocol (the open packet, pings, the polling-to-WebSocket
upgrade, close packets) and changes only the loop:
- it reads frames with a plain `await` on the ASGI receive: no task and no timer per frame.
  A silent peer is still found: uvicorn pings every WebSocket (`ws_ping_interval`) and
  closes it when no pong comes, and engine.io's own ping timeout still applies;
- once the WebSocket is up and nothing is waiting in the queue, a packet is written straight
  to the ASGI send, which with uvicorn writes to the socket without suspending. Packets
  queued before that (the open packet, anything sent during an upgrade) still go first,
  through the queue, so the order a client sees never changes.

Long-polling clients are untouched: until a socket is on the WebSocket, everything goes
through engine.io's queue as before.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import engineio
import socketio
from engineio import async_socket, exceptions, packet

log = logging.getLogger(__name__)

Write = Callable[[str | bytes], Awaitable[None]]


class ChatSocket(async_socket.AsyncSocket):  # type: ignore[misc]
    """An engine.io socket that, once on the WebSocket, writes packets straight out."""

    # Set while the WebSocket is up and packets may skip the queue.
    _write: Write | None = None
    # True while the queue's writer holds a packet it has not finished writing.
    _draining = False

    async def send(self, pkt: packet.Packet) -> None:
        write = self._write
        if write is None or self._draining or not self.queue.empty():
            await super().send(pkt)
            return
        if not await self.check_ping_timeout():
            return
        try:
            await write(pkt.encode())
        except Exception:  # the peer is gone: the read loop sees it and closes the socket
            self._write = None

    async def close(self, wait: bool = True, abort: bool = False, reason: Any = None) -> None:
        """engine.io's close, which also ends the connection under it: the WebSocket (the
        writer closes it, and the read loop then ends), or a long-poll left waiting.

        engine.io itself leaves that to the read loop's timeout; without one, a client that
        stopped answering Engine.IO pings while its browser still answers WebSocket pings
        (a frozen tab) would keep its connection open for ever."""
        ending = not (self.closed or self.closing)
        await super().close(wait=wait, abort=abort, reason=reason)
        if ending:
            self._write = None
            self.queue.put_nowait(None)

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

        writer = asyncio.ensure_future(self._drain_queue(ws))
        while True:
            try:
                pkt = await next_packet()
            except Exception:  # the connection broke, or the frame was not a packet
                break
            if pkt is None:
                break
            # Only now that the queue's earlier packets are written may sends skip it.
            if self._write is None and self._may_skip_queue():
                self._write = ws.send
            try:
                await self.receive(pkt)
            except exceptions.UnknownPacketError:
                pass
            except exceptions.SocketIsClosedError:
                break
            except Exception:
                log.exception("engineio_receive_failed sid=%s", self.sid)
            # uvicorn hands over every frame of a read at once, without suspending: give the
            # other connections their turn before taking the next (a flooding client must
            # not starve the rest).
            await asyncio.sleep(0)
        self._write = None
        await self.queue.put(None)  # ends the writer
        await writer
        await self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_CLOSE)

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

    async def _drain_queue(self, ws: Any) -> None:
        """Writes what goes through the queue: everything until the WebSocket may be written
        directly, and anything queued while an earlier write was still waiting."""
        while True:
            pkt = await self.queue.get()
            self.queue.task_done()
            if pkt is None:
                break
            self._draining = True
            try:
                await ws.send(pkt.encode())
            except Exception:
                break
            finally:
                self._draining = False
            if pkt.packet_type == packet.CLOSE:
                break
        self._write = None
        await ws.close()

    def _may_skip_queue(self) -> bool:
        return self.queue.empty() and not self._draining and not self.closing


class ChatEngine(engineio.AsyncServer):  # type: ignore[misc]
    """engine.io's server, making `ChatSocket`s.

    engine.io names its socket class inside `_handle_connect`, so this is that method
    (python-engineio 4.15, pinned in uv.lock) with `ChatSocket` in its place."""

    async def _handle_connect(
        self, environ: dict[str, Any], transport: str, jsonp_index: int | None = None
    ) -> Any:
        if self.start_service_task:  # type: ignore[has-type]
            self.start_service_task = False
            self.service_task_handle = self.start_background_task(self._service_task)
        sid = self.generate_id()
        socket = ChatSocket(self, sid)
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
            raise ValueError("ChatEngine does not set engine.io's sid cookie")
        super().__init__(*args, **kwargs)


class ChatSocketServer(socketio.AsyncServer):  # type: ignore[misc]
    def _engineio_server_class(self) -> type[engineio.AsyncServer]:
        return ChatEngine
