"""Emits to rooms, delivered without a task per recipient and with one frame for them all.

Upstream's (python-socketio 5.18 `AsyncManager`, `AsyncPubSubManager`, `AsyncRedisManager`):
rooms and their membership (`enter_room`, `get_participants`, `sid_from_eio_sid`), acks,
and the Redis pub/sub between processes. Ours: `SharedFrameManager.emit`, which replaces
`AsyncManager.emit` for emits without an ack callback, and `sids_in_both`, the one place
outside python-socketio that reads its `rooms` layout.

python-socketio makes a task for every recipient of every emit and waits for them all, so
that one recipient whose connection is slow to take a write does not hold up the others. Here
a write never waits (`CoalescingWebSocketProtocol.write_frame`, or a long-poll's queue), so
the tasks only cost time: a task and `asyncio.wait` per message delivered were a tenth of the
main thread at 6,000 msg/s (py-spy). The frame is also made once, not once per recipient: a
presence list sent to thousands of sockets is one bytes object that their connections share
until it is written.

With Redis, `AsyncPubSubManager.emit` publishes, and its listener (`_handle_emit`) hands the
delivery to the next class in the MRO — `SharedFrameManager` — by calling
`super(AsyncPubSubManager, self).emit`: `SharedFrameRedisManager` relies on that call order.
"""

from __future__ import annotations

from typing import Any

import socketio
from engineio import packet

from socketspace import metrics
from socketspace.realtime.transport.websocket import text_frame


class SharedFrameManager(socketio.AsyncManager):  # type: ignore[misc]
    """python-socketio's room manager, delivering an emit to its recipients in turn."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Emits delivered here and by python-socketio's own way (acks), since the last
        # `report_metrics`: plain integers on the hot path, Prometheus at scrape time.
        self._shared_frame_emits = 0
        self._socketio_emits = 0

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
            self._socketio_emits += 1
            await super().emit(
                event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, to=to
            )
            return
        self._shared_frame_emits += 1
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

    def sids_in_both(self, namespace: str, room: str, other: str) -> list[str]:
        """The connections in `room` that are also in `other` (python-socketio's rooms are
        `rooms[namespace][room]` dicts keyed by sid)."""
        others = self.rooms.get(namespace, {}).get(other, {})
        return [sid for sid, _eio_sid in self.get_participants(namespace, room) if sid in others]

    def report_metrics(self) -> None:
        """Bring `socketspace_emits` up to date (called when /metrics is scraped)."""
        shared, self._shared_frame_emits = self._shared_frame_emits, 0
        own, self._socketio_emits = self._socketio_emits, 0
        metrics.EMITS_SHARED_FRAME.inc(shared)
        metrics.EMITS_SOCKETIO.inc(own)


class SharedFrameRedisManager(socketio.AsyncRedisManager, SharedFrameManager):  # type: ignore[misc]
    """python-socketio's Redis manager: emits go through Redis to every process, and each
    process delivers its part as `SharedFrameManager` does."""
