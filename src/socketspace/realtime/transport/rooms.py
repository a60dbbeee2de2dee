"""Emits to rooms, delivered without a task per recipient and with one frame for them all;
with Redis, carried to the other processes in batches.

Upstream's (python-socketio 5.18 `AsyncManager`): rooms and their membership (`enter_room`,
`get_participants`, `sid_from_eio_sid`, `is_connected`) and acks. Ours:
`SharedFrameManager.emit`, which replaces `AsyncManager.emit` for emits without an ack
callback; `sids_in_both`, the one place outside python-socketio that reads its `rooms` layout;
and `RedisFanout`, which takes the place of python-socketio's `AsyncRedisManager`.

python-socketio makes a task for every recipient of every emit and waits for them all, so
that one recipient whose connection is slow to take a write does not hold up the others. Here
a write never waits (`CoalescingWebSocketProtocol.write_frame`, or a long-poll's queue), so
the tasks only cost time: a task and `asyncio.wait` per message delivered were a tenth of the
main thread at 6,000 msg/s (py-spy). The frame is also made once, not once per recipient: a
presence list sent to thousands of sockets is one bytes object that their connections share
until it is written.

`AsyncRedisManager` awaits one PUBLISH per emit (about 200 µs of CPU each with redis-py, and
the emitter waits for Redis), and every process decodes every emit, its own included.
`RedisFanout` delivers an emit here at once, then one task publishes what queued up while
the previous PUBLISH was out as one PUBLISH (so a process's emits keep their order); a process
skips its own batches by their first bytes. Redis pub/sub forgets what it could not deliver,
and the clients' `sync` reads what they missed from the database; `resync` asks them to (see
`RedisFanout` for who is asked when). Nothing else of
`AsyncRedisManager` is used: every event for clients is an emit to rooms, acks go to a
connection of this process, and connections are only ever disconnected or moved between
rooms by the process that holds them (revoked sessions cross as signals of realtime/bus.py,
which ride the same batches).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import orjson
import redis.asyncio as redis
import socketio
from engineio import packet
from redis.asyncio.connection import AbstractConnection
from redis.exceptions import RedisError

from socketspace import metrics
from socketspace.realtime.events import RESYNC
from socketspace.realtime.subscription import Subscription
from socketspace.realtime.transport.websocket import text_frame

log = logging.getLogger(__name__)

# A batch carries at most this many emits (Redis disconnects a subscriber whose output buffer
# outgrows its pub/sub limit: 8 MB for a minute by default); more wait for the next PUBLISH.
MAX_BATCH = 2_000
# Emits queued for Redis beyond this (Redis down or slow) are dropped, and the next batch
# reports them lost: the other processes' clients resync.
MAX_PENDING = 100_000
# A lost report names at most this many rooms; beyond, every client resyncs.
MAX_LOST_ROOMS = 10_000
# A report of lost batches with no batch to go with goes alone after this (doubling to 5 s
# while Redis stays away).
REPORT_RETRY_SECONDS = 0.1
HOST_BYTES = 32  # uuid4().hex
# The connections told to `resync`: those whose handshake asked for anything of ours. The
# original client asks for nothing, has no `sync`, and must see no event it does not know.
RESYNC_ROOM = "resync"

# The signal of a process that stops normally, in its last batch: the others forget its
# sequence (a process's sequence is of one life: a restart is a new process).
BYE = "fanout-bye"
# The first item of every batch of a named process (PROCESS_NAME): its name, the same in
# each of its lives, so that the others can tell whether its last life said goodbye.
NAME = "fanout-name"
# What a batch carries: an emit (namespace, room, encoded packet), or a signal between the
# servers (None, kind, payload: realtime/bus.py).
Item = tuple[str | None, Any, Any]


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
        if namespace in self.rooms:
            await self.deliver(namespace, to or room, skip_sid, self.encode(event, data, namespace))

    def encode(self, event: str, data: Any, namespace: str) -> str:
        """The Socket.IO packet of an emit, made once for every recipient and process."""
        if isinstance(data, tuple):
            data = list(data)  # a tuple is several arguments, as in python-socketio
        elif data is not None:
            data = [data]
        else:
            data = []
        encoded: str = self.server.packet_class(
            socketio.packet.EVENT, namespace=namespace, data=[event, *data]
        ).encode()
        return encoded

    async def deliver(self, namespace: str, room: Any, skip_sid: Any, encoded: str) -> None:
        """An encoded emit to this process's connections in `room` (None: all of them)."""
        self._shared_frame_emits += 1
        skip = skip_sid if isinstance(skip_sid, list) else [skip_sid]
        # Made for the first recipient: another process's emit may have none here.
        message: packet.Packet | None = None
        frame = b""
        sockets = self.server.eio.sockets
        for sid, eio_sid in self.get_participants(namespace, room):
            if sid in skip:
                continue
            if message is None:
                message = packet.Packet(packet.MESSAGE, encoded)
                frame = text_frame(message.encode())  # one bytes object for every WebSocket
            socket = sockets.get(eio_sid)
            if socket is None or not socket.write_now(frame):
                await self.server._send_eio_packet(eio_sid, message)

    def sids_in_both(self, namespace: str, room: str | list[str], other: str) -> list[str]:
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


class RedisFanout(SharedFrameManager):
    """`SharedFrameManager` for several processes: an emit is delivered here at once and
    reaches the other processes in a batch over a Redis pub/sub channel (see the module's
    docstring).

    A batch is `<host><sequence> [lost, items]`: emits, and the servers' own signals
    (realtime/bus.py: presence, ended sessions, a process counted out), which so take no
    PUBLISH of their own and keep their order with the events. Events are lost to the other
    processes in three ways, and `resync` goes to the clients that may have missed one:

    - This process could not publish (a failed PUBLISH, or emits dropped while Redis was
      down). It knows which rooms those events were for, so its next batch that gets through
      reports them (`lost`: the first batch not published and the rooms, None for all), and
      each other process asks exactly its clients in those rooms. The process's own clients
      had them at once. This also covers a receiver that has heard nothing from this process
      yet, which a sequence number alone cannot (a first number of 7 may as well mean that
      the receiver subscribed after batch 6).
    - This process's subscription was lost (or came up only after start-up, Redis being
      down then): what the others published meanwhile never arrived, for any room. Every
      client here is asked, since any of them may be in a room another process emitted to.
    - Another process died with batches unpublished: which rooms they were for no one can
      know, so every client here is asked, as soon as presence counts it out (`crash`,
      `process_gone`, PRESENCE_PROCESS_TIMEOUT_SECONDS after its last heartbeat), or when
      its next life starts over at 1, if sooner (`reset`). A named process's next life is
      known by its name: after a clean stop (a goodbye) nobody is asked. An unnamed one's
      cannot be told from a new process, so any new life is a `reset`. A number missing
      from a sequence that no report explains (`gap`) is treated the same way.

    "Clients" are the connections in RESYNC_ROOM, those that can act on a `resync`. A batch
    older than the last heard from its process (a PUBLISH given up on, overtaken by the next)
    is dropped: its loss was reported, and delivered now it would put older events after
    newer ones.
    """

    def __init__(self, url: str, channel: str, name: str | None = None) -> None:
        super().__init__()
        self.channel = channel
        self.host = uuid.uuid4().hex.encode()  # this process, in front of each of its batches
        self.name = name  # the same in each life of this process (None: no telling)
        self._redis = redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self._subscription = Subscription(
            url, channel, name="fanout", on_message=self._received, on_back=self._back
        )
        self._pending: list[Item] = []
        self._queued = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._sequence = 0
        # Since the last batch that reached Redis: the first that did not, and its rooms
        # (None: every room).
        self._lost_from: int | None = None
        self._lost_rooms: set[str] | None = set()
        self._losses = 0  # batches lost so far: a report clears only what it carried
        # Each other process: the last sequence number heard from it, until it says goodbye
        # or is counted out.
        self._senders: dict[bytes, int] = {}
        # Each name heard: the life last heard under it, until that life says goodbye or is
        # counted out. A life found replaced (it never said goodbye) is kept in `_replaced`
        # until presence counts it out: its clients have been asked already.
        self._named: dict[str, bytes] = {}
        self._replaced: set[bytes] = set()
        self._publisher: asyncio.Task[None] | None = None
        self._connection: AbstractConnection | None = None  # the publisher's
        self._closed = False
        # Runs the signals of the other processes' batches (realtime/bus.py SharedBus).
        self.on_signal: Callable[[str, dict[str, Any]], Awaitable[None]] | None = None

    async def emit(
        self,
        event: str,
        data: Any,
        namespace: str,
        room: Any = None,
        skip_sid: Any = None,
        callback: Any = None,
        to: Any = None,
        ignore_queue: bool = False,
        **kwargs: Any,
    ) -> None:
        """Deliver here, then queue for the other processes (`ignore_queue`: here only, as
        python-socketio's pub/sub managers read it; so is an emit to one connection)."""
        room = to or room
        if callback is not None:  # an ack comes back to this process: its connections only
            await super().emit(
                event, data, namespace, room=room, skip_sid=skip_sid, callback=callback
            )
            return
        encoded = self.encode(event, data, namespace)
        if namespace in self.rooms:
            await self.deliver(namespace, room, skip_sid, encoded)
        if ignore_queue or (isinstance(room, str) and self.is_connected(room, namespace)):
            return
        self._queue((namespace, room, encoded))

    def signal(self, kind: str, payload: dict[str, Any]) -> None:
        """Queue a signal for the other processes' servers, after the emits queued so far. A
        lost one is not reported: each kind heals by itself (realtime/bus.py). A payload JSON
        cannot carry fails here, in the caller, not later in the one task that publishes."""
        orjson.dumps(payload)
        self._queue((None, kind, payload))

    def _queue(self, item: Item) -> None:
        if self._closed:  # after the goodbye: the others have forgotten this process
            log.warning("fanout_closed dropped=%s", "signal" if item[0] is None else "emit")
            return
        if len(self._pending) >= MAX_PENDING:
            log.error("fanout_dropped emits=%d reason=redis_behind", len(self._pending))
            self._sequence += 1  # as if one batch: the next one reports it lost
            self._lost(self._sequence, self._pending)
            self._pending = []
        self._pending.append(item)
        self._queued.set()

    async def start(self) -> None:
        self._publisher = asyncio.create_task(self._publish(), name="fanout-publish")
        await self._subscription.start()

    async def close(self) -> None:
        """Publish what is queued and a goodbye (for at most 2 s), then stop (once)."""
        if self._closed:
            return
        self.signal(BYE, {})
        self._closed = True
        publishing = self._publisher is not None and not self._publisher.done()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2):
                while publishing and (self._pending or not self._idle.is_set()):
                    await self._idle.wait()
                    await asyncio.sleep(0)
        if self._publisher is not None:
            self._publisher.cancel()
            await asyncio.gather(self._publisher, return_exceptions=True)
            self._publisher = None
        await self._subscription.close()
        if self._connection is not None:
            await self._redis.connection_pool.release(self._connection)
        await self._redis.aclose()

    async def _publish(self) -> None:
        """The one task that publishes: what queued up meanwhile, as one PUBLISH. A report of
        lost batches that is owed goes with the next batch, or alone if none comes (the
        others must not wait for this process's next event to learn of the loss)."""
        retry_in = REPORT_RETRY_SECONDS
        while True:
            if self._lost_from is None:
                retry_in = REPORT_RETRY_SECONDS
                await self._queued.wait()
            else:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(retry_in):
                        await self._queued.wait()
                retry_in = min(retry_in * 2, 5.0)
            batch, self._pending = self._pending[:MAX_BATCH], self._pending[MAX_BATCH:]
            if not self._pending:
                self._queued.clear()
            if not batch and self._lost_from is None:
                continue
            self._idle.clear()
            self._sequence += 1
            lost, losses = None, self._losses
            if self._lost_from is not None:
                rooms = None if self._lost_rooms is None else sorted(self._lost_rooms)
                lost = {"from": self._lost_from, "rooms": rooms}
            items = batch if self.name is None else [(None, NAME, {"name": self.name}), *batch]
            message = b"%s%d " % (self.host, self._sequence) + orjson.dumps([lost, items])
            try:
                await self._send(message)
            except (RedisError, OSError) as exc:
                # Lost for the other processes; the next batch that gets through says so.
                log.warning("fanout_publish_failed emits=%d error=%s", len(batch), exc)
                self._lost(self._sequence, batch)
            else:
                # Emits dropped meanwhile (MAX_PENDING) stay owed, and so does all before.
                if lost is not None and self._losses == losses:
                    self._lost_from, self._lost_rooms = None, set()
            finally:
                self._idle.set()

    def _lost(self, sequence: int, items: list[Item]) -> None:
        """Batch `sequence` (these items) never reached Redis: keep its rooms for the report."""
        self._losses += 1
        if items:  # not a report that went alone
            metrics.FANOUT_LOST_BATCHES.inc()
        if self._lost_from is None:
            self._lost_from = sequence
        rooms = self._lost_rooms
        for namespace, room, _encoded in items:
            if namespace is None:  # a signal: no room of clients to resync
                continue
            if rooms is None or room is None or len(rooms) > MAX_LOST_ROOMS:
                rooms = None  # a broadcast, or too many to name: everyone
                break
            if namespace == "/":  # the one namespace with clients to resync
                rooms.update([room] if isinstance(room, str) else room)
        self._lost_rooms = rooms

    async def _send(self, message: bytes) -> None:
        """One PUBLISH on a connection of the publisher's own: redis-py's client takes a
        connection from its pool and gives it back around every command, which cost more than
        the command (about 70 µs of CPU against 45, on hiredis)."""
        if self._connection is None:
            self._connection = await self._redis.connection_pool.get_connection()  # type: ignore[no-untyped-call]
        try:
            await self._connection.send_command("PUBLISH", self.channel, message)
            await self._connection.read_response()
        except BaseException:
            await self._connection.disconnect()  # the next PUBLISH connects again
            raise

    async def process_gone(self, signal: dict[str, Any]) -> None:
        """Other processes were counted out without saying goodbye (presence.PROCESS_GONE,
        `hosts`: their ids, the same as ours): they may have died with events unpublished,
        unless each was found replaced by its next life, which asked the clients then."""
        hosts = [str(host).encode() for host in signal.get("hosts", ())]
        asked_already = bool(hosts) and all(host in self._replaced for host in hosts)
        for host in hosts:
            self._forget(host)
        if asked_already:
            log.info("fanout_gone_replaced hosts=%d", len(hosts))
            return
        await self._resync("crash")

    def _name_heard(self, host: bytes, name: str | None) -> bytes | None:
        """A life first heard from, under this name: the life it replaces, if that one never
        said goodbye (so it may have died with batches unsent), else None."""
        if name is None:
            return None
        replaced = self._named.get(name)
        self._named[name] = host
        if replaced is None or replaced == host:
            return None
        # Kept in _senders (a late batch of it is still judged by its sequence) until it is
        # counted out, which then asks nobody again.
        self._replaced.add(replaced)
        return replaced

    def _forget(self, host: bytes) -> None:
        self._senders.pop(host, None)
        self._replaced.discard(host)
        for name in [name for name, life in self._named.items() if life == host]:
            del self._named[name]

    async def _back(self) -> None:
        """Subscribed again after losing the link: what was published meanwhile is lost."""
        self._senders.clear()
        self._named.clear()
        self._replaced.clear()  # everyone is asked now, whatever presence counts out later
        await self._resync("link")

    async def _received(self, data: bytes) -> None:
        host = data[:HOST_BYTES]
        if host == self.host:  # ours: delivered here before it was published
            return
        try:
            space = data.index(b" ", HOST_BYTES)
            sequence = int(data[HOST_BYTES:space])
            lost, batch = orjson.loads(memoryview(data)[space + 1 :])
            # This batch and those it reports lost: an unbroken run of the sender's numbers.
            run_from = sequence if lost is None else int(lost["from"])
            name = _name_of(batch)
        except (ValueError, TypeError, KeyError):  # orjson's decode error is a ValueError
            log.warning("fanout_batch_unreadable channel=%s", self.channel)
            return
        last = self._senders.get(host)
        if last is not None and sequence <= last:
            # Overtaken by a later batch: one its sender gave up on (a PUBLISH that timed out
            # still reached Redis after the next one, on a new connection), which that later
            # batch reported lost. Its clients have been asked to sync; delivering it now
            # would only put older events after newer ones.
            log.info("fanout_batch_stale sequence=%d last=%d", sequence, last)
            return
        self._senders[host] = sequence
        replaced = None
        if host in self._replaced:
            # Taken for dead, yet it speaks: two live processes share a name. Its own death
            # must still be healed (process_gone), and the name is left to the other.
            log.warning("fanout_name_shared name=%s", name)
            self._replaced.discard(host)
        elif last is None:
            replaced = self._name_heard(host, name)
        if replaced is not None or (last is None and run_from == 1 and name is None):
            # A process back after a crash, its last batches perhaps never sent; or unnamed
            # and starting, and then perhaps so. Only a sync can tell.
            await self._resync("reset")
        elif last is not None and run_from > last + 1:
            await self._resync("gap")
        elif lost is not None:
            await self._resync("lost", lost["rooms"])
        for namespace, room, encoded in batch:
            if namespace is None:
                if room == BYE:
                    self._forget(host)
                elif room != NAME and self.on_signal is not None:
                    await self.on_signal(room, encoded)
            elif namespace in self.rooms:
                await self.deliver(namespace, room, None, encoded)

    async def _resync(self, reason: str, rooms: list[str] | None = None) -> None:
        """The clients here in `rooms` (None: all) may have missed events: ask those that
        can to sync (the ask itself goes straight to them, not through Redis)."""
        if rooms is None:
            sids = [sid for sid, _eio_sid in self.get_participants("/", RESYNC_ROOM)]
        else:
            sids = self.sids_in_both("/", rooms, RESYNC_ROOM) if rooms else []
        log.info("fanout_resync reason=%s clients=%d", reason, len(sids))
        metrics.FANOUT_RESYNCS.labels(reason).inc()
        if sids:  # each connection is a room of its own
            await self.deliver("/", sids, None, self.encode(RESYNC, {}, "/"))


def _name_of(batch: list[Any]) -> str | None:
    """The sender's name, if the batch begins with it (NAME)."""
    match batch:
        case [[None, kind, {"name": str(name)}], *_] if kind == NAME:
            return name
    return None
