"""A leaner Engine.IO WebSocket transport for python-socketio.

engine.io's own WebSocket loop costs three asyncio tasks and two `wait_for` timers per chat
message: one task and one timer for every frame it reads, and for every packet it sends, a
put on the socket's queue that wakes a writer task whose `poll` starts a timed wait of its
own. At a few thousand messages a second that bookkeeping is a large share of the server's
time (py-spy, bench/run.py --path socket). An idle socket also holds that writer task, its
queue (four deques of 760 bytes each, empty) and a task sleeping until the next ping.

`ChatSocket` keeps engine.io's protocol (the open packet, pings, the polling-to-WebSocket
upgrade, close packets) and changes only the loop:
- it reads frames with a plain `await` on the ASGI receive: no task and no timer per frame.
  A silent peer is still found: engine.io's ping timeout closes the socket, and here the
  WebSocket under it (uvicorn's own WebSocket pings are off: `socketspace serve`);
- once on the WebSocket it first writes what waits in the queue (the open packet, anything
  sent during an upgrade), then retires the queue: from then on a packet is written straight
  to the connection: `ChatWebSocketProtocol.write_frame` (see wire.py), or, under another
  ASGI server, the ASGI send. Writes keep their order: nothing is queued here any more;
- the next ping is a timer, not a sleeping task.

Long-polling clients are untouched: until a socket is on the WebSocket, everything goes
through engine.io's queue as before.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import engineio
import socketio
from engineio import async_socket, exceptions, packet, payload

from socketspace.realtime.wire import ChatWebSocketProtocol, text_frame

log = logging.getLogger(__name__)


class _RetiredQueue:
    """What stands for engine.io's queue once a socket writes straight to its WebSocket:
    always empty. While the WebSocket is up, `ChatSocket.send` never puts anything here;
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


class ChatSocket(async_socket.AsyncSocket):  # type: ignore[misc]
    """An engine.io socket that, once on the WebSocket, writes packets straight out."""

    # engine.io's asyncio.Queue, or RETIRED once packets go straight to the WebSocket.
    queue: Any
    # The ASGI WebSocket, once packets go straight to it.
    _direct: Any = None
    # Its connection, when that is a `ChatWebSocketProtocol`: written to without a coroutine.
    _wire: ChatWebSocketProtocol | None = None
    last_ping: float | None

    async def send(self, pkt: packet.Packet) -> None:
        ws = self._direct
        if ws is None:
            await super().send(pkt)
            return
        if self.write_now(text_frame(pkt.encode())):
            return
        # Not on a ChatWebSocketProtocol, closed, or past the ping timeout: engine.io's way.
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
        ws, self._direct, self._wire = self._direct, None, None
        if ws is not None:
            await ws.close()
        else:
            self.queue.put_nowait(None)  # ends a waiting long-poll, or the upgrade's writes

    def write_now(self, frame: bytes) -> bool:
        """Write a frame (`text_frame`; an emit makes one for all its recipients) without a
        coroutine. False when this socket needs engine.io's way: not on a
        `ChatWebSocketProtocol`, closed, or past its ping timeout (which `send` then closes)."""
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
            self.server.start_background_task(self.send, packet.Packet(packet.PING))

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
        self._direct = self._wire = None
        await ws.close()
        await self.close(wait=False, abort=True, reason=self.server.reason.TRANSPORT_CLOSE)

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
                self._wire = wire if isinstance(wire, ChatWebSocketProtocol) else None
                self.queue = RETIRED
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


class ChatManager(socketio.AsyncManager):  # type: ignore[misc]
    """python-socketio's room manager, delivering an emit to its recipients in turn.

    python-socketio makes a task for every recipient of every emit and waits for them all,
    so that one recipient whose connection is slow to take a write does not hold up the
    others. Here a write never waits (`ChatWebSocketProtocol.write_frame`, or a long-poll's
    queue), so the tasks only cost time: a task and `asyncio.wait` per message delivered were
    a tenth of the main thread at 6,000 msg/s (py-spy). The frame is also made once, not
    once per recipient: a presence list sent to thousands of sockets is one bytes object
    that their connections share until it is written."""

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        **kwargs: Any,
    ) -> None:
        if callback is not None:  # an ack id per recipient: python-socketio's way
            await super().emit(
                event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, to=to
            )
            return
        room = to or room
        if namespace not in self.rooms:
            return
        if isinstance(data, tuple):
            data = list(data)  # a tuple is several arguments, as in python-socketio
        elif data is not None:
            data = [data]
        else:
            data = []
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        encoded = self.server.packet_class(
            socketio.packet.EVENT, namespace=namespace, data=[event, *data]
        ).encode()
        message = packet.Packet(packet.MESSAGE, encoded)
        frame = text_frame(message.encode())  # one bytes object for every WebSocket
        sockets = self.server.eio.sockets
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid in skip:
                continue
            socket = sockets.get(eio_sid)
            if socket is None or not socket.write_now(frame):
                await self.server._send_eio_packet(eio_sid, message)


class ChatRedisManager(socketio.AsyncRedisManager, ChatManager):  # type: ignore[misc]
    """python-socketio's Redis manager: emits go through Redis to every process, and each
    process delivers its part as `ChatManager` does (python-socketio's pub/sub manager hands
    the local delivery to the class after it, here `ChatManager`)."""


# Decides, before an event gets a task of its own, whether a connection may send it: None to
# go on, or the ack that refuses it.
EventGate = Callable[[str], dict[str, Any] | None]


class ChatSocketServer(socketio.AsyncServer):  # type: ignore[misc]
    """python-socketio's server, on `ChatEngine`, with a gate before each event."""

    gate: EventGate | None = None

    def _engineio_server_class(self) -> type[engineio.AsyncServer]:
        return ChatEngine

    async def _handle_event(
        self, eio_sid: str, namespace: str | None, id: int | None, data: list[Any]
    ) -> None:
        # A refused event is answered here, without the task, the dispatch and the handler
        # python-socketio gives each event: a client flooding the server costs it little.
        namespace = namespace or "/"
        sid = self.manager.sid_from_eio_sid(eio_sid, namespace)
        refusal = self.gate(sid) if self.gate is not None and sid is not None else None
        if refusal is None:
            await super()._handle_event(eio_sid, namespace, id, data)
        elif id is not None:
            ack = self.packet_class(socketio.packet.ACK, namespace=namespace, id=id, data=[refusal])
            await self._send_packet(eio_sid, ack)
