"""The WebSocket connection under each Socket.IO socket: uvicorn's sans-I/O protocol, with a
write path made for a chat server's many small frames.

Upstream's (uvicorn 0.54 `WebSocketsSansIOProtocol`, websockets 17.4 `ServerProtocol`): the
handshake, pings, closing, parsing frames, the ASGI interface. Ours, each a method of
`CoalescingWebSocketProtocol` overriding or wrapping uvicorn's (docs/upstream.md proposes
the hooks that would let us drop them):

uvicorn writes each frame with a system call of its own. On loopback a write also runs the
receiving side's TCP work, and at a few thousand messages a second the writes were a quarter
of the server's main thread (py-spy, bench/run.py --path socket). So this protocol:
- writes a text frame without a coroutine (`write_text`): the frame is queued, and every
  frame queued for the connection during one turn of the event loop goes out in a single
  write at the end of the turn. A sender's ack and the message it receives meanwhile share
  one write; under load, several of each do;
- does not pause reading after every incoming message (uvicorn does, and resumes when the
  app has read it: two `epoll_ctl` calls per message). It pauses once messages queue up
  unread, which still holds back a client sending faster than it is served;
- drops a peer that reads too slowly instead of buffering for it without bound: beyond
  `MAX_UNSENT_BYTES` waiting in the transport (beyond what the kernel holds), the connection
  is aborted and the app told 1013 (try again later); the client reconnects and catches up
  with `sync`;
- keeps less for each idle connection: its incoming events wait in a list (`Inbox`), not an
  asyncio.Queue, and the handshake's request and the scope's copy of its headers are let go
  once the connection is open (which reaches into websockets' parser generator).

Selected with uvicorn's `ws` option (`socketspace serve` does, through `WS_PROTOCOL`); under
another server the Engine.IO layer falls back to the ASGI send.
"""

from __future__ import annotations

import asyncio
import logging
import struct
import weakref
from typing import Any

from uvicorn._types import ASGIReceiveEvent, ASGISendEvent
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import Protocol, State

log = logging.getLogger(__name__)

# uvicorn's `ws` option, naming this protocol.
WS_PROTOCOL = "socketspace.realtime.transport.websocket:CoalescingWebSocketProtocol"
# Messages read ahead of the app before reading pauses.
READ_AHEAD = 16
# Bytes a connection may have waiting to be sent before it is dropped as too slow: about a
# thousand chat messages.
MAX_UNSENT_BYTES = 1 << 20
TRY_AGAIN_LATER = 1013


def text_frame(text: str) -> bytes:
    """A final, unmasked text frame (a server's frames are never masked)."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        return struct.pack("!BB", 0x81, size) + payload
    if size < 1 << 16:
        return struct.pack("!BBH", 0x81, 126, size) + payload
    return struct.pack("!BBQ", 0x81, 127, size) + payload


# The connections with frames written during this turn of their loop, flushed by one callback
# at its end: an emit to a thousand connections schedules one callback, not a thousand (py-spy,
# bench/groups.py at 1,000 members: the loop running one per connection was 18 % of the time).
# Per loop, so that a loop stopped mid-turn (a test's, say) leaves nothing stuck for another.
_to_flush: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, list[CoalescingWebSocketProtocol]]
_to_flush = weakref.WeakKeyDictionary()


def _flush_at_end_of_turn(protocol: CoalescingWebSocketProtocol) -> None:
    loop = protocol.loop
    waiting = _to_flush.get(loop)
    if waiting is None:
        waiting = _to_flush[loop] = []
    if not waiting:
        loop.call_soon(_flush_all, waiting)
    waiting.append(protocol)


def _flush_all(waiting: list[CoalescingWebSocketProtocol]) -> None:
    connections = waiting[:]
    waiting.clear()
    for protocol in connections:
        protocol._flush()  # nothing to do for one flushed meanwhile (by its send, say)


class Inbox:
    """A connection's incoming ASGI events, for its one reader: what uvicorn's asyncio.Queue
    did, in a list and a future. The queue is four deques, ~2.5 KiB for every idle
    connection (tracemalloc)."""

    __slots__ = ("_events", "_waiter")

    def __init__(self) -> None:
        self._events: list[ASGIReceiveEvent] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, event: ASGIReceiveEvent) -> None:
        self._events.append(event)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> ASGIReceiveEvent:
        while not self._events:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._events.pop(0)

    def qsize(self) -> int:
        return len(self._events)

    def empty(self) -> bool:
        return not self._events


class CoalescingWebSocketProtocol(WebSocketsSansIOProtocol):
    """uvicorn's WebSocket protocol writing each loop turn's frames at once (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queue: Inbox = Inbox()  # type: ignore[assignment]
        # Frames written during this turn of the loop; None when nothing waits.
        self._unsent: list[bytes] | None = None
        self._app, self.app = self.app, self._run_app

    async def _run_app(self, scope: Any, receive: Any, send: Any) -> None:
        # uvicorn closes the connection as soon as the app returns: what the app wrote just
        # before goes out first.
        try:
            await self._app(scope, receive, send)
        finally:
            if self._unsent is not None:
                self._flush()

    # --- writing -----------------------------------------------------------------------------

    def write_text(self, text: str) -> bool:
        """Send a text message, in this loop turn's write. False when the connection is
        closing or gone (the message is dropped, as a write to a closed socket)."""
        return self.write_frame(text_frame(text))

    def write_frame(self, frame: bytes) -> bool:
        """`write_text` for a frame made once for many connections (`text_frame`): they all
        keep the one bytes object until it is written."""
        if self.close_sent or self.disconnected or not self.handshake_complete:
            return False
        if self._unsent is None:
            self._unsent = [frame]
            _flush_at_end_of_turn(self)
        else:
            self._unsent.append(frame)
        return True

    def _flush(self) -> None:
        unsent, self._unsent = self._unsent, None
        if not unsent or self.close_sent or self.transport.is_closing():
            return
        self.transport.write(unsent[0] if len(unsent) == 1 else b"".join(unsent))
        if self.transport.get_write_buffer_size() > MAX_UNSENT_BYTES:
            self._drop_slow_reader()

    def _drop_slow_reader(self) -> None:
        """Abort the connection: its unsent bytes are let go at once (a close would wait for
        them to drain, which a peer that does not read never lets happen)."""
        log.warning(
            "websocket_slow_reader_dropped client=%s unsent_bytes=%d",
            self.client,
            self.transport.get_write_buffer_size(),
        )
        self.queue.put_nowait({"type": "websocket.disconnect", "code": TRY_AGAIN_LATER})
        self.close_sent = True
        self.transport.abort()

    async def send(self, message: ASGISendEvent) -> None:
        # Whatever the app sends through ASGI (a close, above all) goes after the frames
        # already written, as it would have without the wait for the end of the turn.
        if self._unsent is not None:
            self._flush()
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            # Nothing reads the handshake again (the app read its headers when it started):
            # ~5 KiB of each idle connection, kept for nothing.
            self.request = None  # type: ignore[assignment]
            self.scope["headers"] = []
            self._forget_handshake_parser()

    def _forget_handshake_parser(self) -> None:
        """websockets parses a connection with one generator, whose frame holds the handshake
        request (with all its headers) for as long as the connection lives. Once the answer
        is sent, and while nothing more has arrived (a client sends no frame before it reads
        the 101), the parser waits at the first frame's first byte: a frame parser of its own
        (websockets' `Protocol.parse`, which that generator hands over to) takes its place."""
        conn = self.conn
        if conn.reader.buffer or conn.state is not State.OPEN:
            return
        conn.parser = Protocol.parse(conn)
        next(conn.parser)

    def shutdown(self) -> None:
        if self._unsent is not None:
            self._flush()
        super().shutdown()

    # --- reading -----------------------------------------------------------------------------

    def send_receive_event_to_app(self) -> None:
        paused = self.read_paused
        self.read_paused = True  # stops uvicorn from pausing after this one message
        super().send_receive_event_to_app()
        self.read_paused = paused
        if not paused and self.queue.qsize() >= READ_AHEAD:
            self.read_paused = True
            self.transport.pause_reading()

    async def receive(self) -> ASGIReceiveEvent:
        message = await self.queue.get()
        if self.read_paused and self.queue.qsize() < READ_AHEAD // 2:
            self.read_paused = False
            self.transport.resume_reading()
        return message
