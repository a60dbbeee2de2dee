"""Who is online, counted per user over all their connections on every process, announced in
batches.

A user is online while any connection is open, on any server process. This process's changes
are collected for a short window, then told to the store (presence_store.py), which answers
who changed state for everyone; those changes go over the bus to every process, and each
process announces them to its own clients: the original client's full `getOnlineUsers` list,
or `userOnline` / `userOffline` to clients that asked for deltas. A burst of N connections
therefore costs a few broadcasts, not N² messages.

With several processes, each sends a heartbeat, and reaps the processes that stopped sending
theirs: the users who were connected only there go offline for everyone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import socketio

from socketspace.clock import Clock, LoopClock
from socketspace.models.base import utcnow
from socketspace.periodic import Periodic
from socketspace.realtime import events
from socketspace.realtime.bus import Bus
from socketspace.realtime.events import user_room
from socketspace.realtime.presence_store import Changes, PresenceStore
from socketspace.realtime.transport import SharedFrameManager
from socketspace.schemas.message import iso
from socketspace.services.abuse import Blocks

log = logging.getLogger(__name__)

SIGNAL = "presence"
# On the bus when a process was counted out (killed, frozen, cut off): {"hosts": [...]}.
PROCESS_GONE = "process-gone"


def as_iso(at: datetime | None = None) -> str:
    """`at` (default: now) as the clients read times."""
    return iso(at or utcnow()) or ""


@dataclass(frozen=True)
class PresenceWindow:
    """How long changes are collected before an announcement: longer as more are online."""

    base: float
    per_user: float = 0.0
    most: float = 5.0

    def seconds(self, online: int) -> float:
        return min(self.base + self.per_user * online, max(self.base, self.most))


class Presence:
    def __init__(
        self,
        sio: socketio.AsyncServer,
        *,
        store: PresenceStore,
        bus: Bus,
        window: PresenceWindow,
        heartbeat: float,
        process_timeout: float,
        went_offline: Callable[[Collection[str], datetime], Awaitable[None]],
        blocks: Blocks,
        clock: Clock | None = None,
    ) -> None:
        self.sio = sio
        # What the windows are timed by; tests put a hand-moved clock here.
        self.clock: Clock = clock or LoopClock()
        self.store = store
        self.bus = bus
        self.blocks = blocks
        self.window = window
        self.process_timeout = process_timeout
        self.went_offline = went_offline
        self.counts: dict[str, int] = {}  # user -> connections on this process
        self.online: set[str] = set()  # everyone online on any process, as last heard
        self._dirty: set[str] = set()  # users whose count here changed since the last flush
        self._writing = asyncio.Lock()  # one store update at a time, in snapshot order
        self._flush: asyncio.Task[None] | None = None
        self._waiting = False  # the flush is still in its window (safe to cancel)
        self._heartbeat = Periodic("presence_heartbeat", heartbeat, self._beat)
        self._closed = False
        bus.on(SIGNAL, self._heard)

    async def start(self) -> None:
        try:
            self.online = await self.store.online()
        except Exception as exc:
            log.warning("presence_store_unreachable error=%s", exc)
        if self.store.shared:
            self._heartbeat.start()

    def online_ids_for(self, viewer_id: str) -> list[str]:
        """Who is online, as this viewer may see it: not those who blocked them."""
        hidden = self.blocks.hidden_from(viewer_id)
        return [user for user in self.online if user not in hidden]

    def connected_here(self, user_id: str) -> bool:
        return user_id in self.counts

    def connected(self, user_id: str) -> None:
        self.counts[user_id] = self.counts.get(user_id, 0) + 1
        self.online.add(user_id)  # known here at once; everyone else hears at the flush
        self._changed(user_id)

    def disconnected(self, user_id: str) -> None:
        left = self.counts.get(user_id, 0) - 1
        if left > 0:
            self.counts[user_id] = left
        else:
            self.counts.pop(user_id, None)
        self._changed(user_id)

    def _changed(self, user_id: str) -> None:
        if self._closed:
            return  # shutting down: close() tells the store about everyone at once
        # The store hears this user's count as it is at the flush: the last state within a
        # window wins. (Dropping an online-then-offline pair would be wrong: someone who
        # connected in between was given a list with this user online.)
        self._dirty.add(user_id)
        if self._flush is None:
            self._flush = asyncio.create_task(self._flush_later())

    async def _flush_later(self) -> None:
        self._waiting = True
        opened = self.clock.now()
        try:
            # The window's length follows the number online now, not when it opened: people
            # arriving in a burst lengthen it (up to its most), so the burst is announced
            # once, not in ever larger pieces (bench/presence.py).
            left = self.window.seconds(len(self.online))
            while left > 0:
                await self.clock.sleep(left)
                left = opened + self.window.seconds(len(self.online)) - self.clock.now()
        finally:
            self._waiting = False
        # Never cancelled from here on: the last-seen write must not be cut off mid-transaction.
        await self._tell_store(complete=False)
        self._flush = None
        if self._dirty and not self._closed:  # changes that came in while flushing
            self._flush = asyncio.create_task(self._flush_later())

    async def _tell_store(self, *, complete: bool) -> None:
        """Tell the store this process's counts (the changed ones, or all of them), and
        publish who changed state for everyone."""
        async with self._writing:
            dirty, self._dirty = self._dirty, set()
            users = self.counts if complete else {u: self.counts.get(u, 0) for u in dirty}
            try:
                changes = await self.store.sync(dict(users), complete=complete)
            except Exception as exc:
                self._dirty |= dirty  # told again at the next flush or heartbeat
                log.warning("presence_store_unreachable error=%s", exc)
                return
        await self._publish(changes)

    async def _publish(self, changes: Changes) -> None:
        if not changes:
            return
        # Who left is recorded once, by the process that found out, in one write.
        seen = utcnow()
        gone = [user_id for user_id, online in changes.items() if not online]
        if gone:
            try:
                await self.went_offline(gone, seen)
            except Exception:
                log.exception("presence_last_seen_failed users=%d", len(gone))
        await self.bus.publish(SIGNAL, {"changes": changes, "seen": as_iso(seen)})

    async def _heard(self, signal: dict[str, Any]) -> None:
        """Changes found by any process (this one included): announce them to our clients."""
        changes: Changes = signal["changes"]
        for user_id, online in changes.items():
            if online:
                self.online.add(user_id)
            elif user_id not in self.counts:  # still connected here: a flush will say so
                self.online.discard(user_id)
        await self._announce(changes, signal["seen"])

    async def _beat(self) -> None:
        """Heartbeat: tell the store every count here (which also heals a Redis that lost
        them), take processes that went silent off the counts, and mend our picture of who is
        online if a signal was missed. Never cancelled mid-round (a last-seen write may be
        under way): close() waits for it."""
        try:
            await self._tell_store(complete=True)
            reaped = await self.store.reap(self.process_timeout)
            if reaped.hosts:
                log.info("presence_reaped processes=%d", len(reaped.hosts))
                await self.bus.publish(PROCESS_GONE, {"hosts": reaped.hosts})
            if reaped.users:
                log.info("presence_reaped users=%d", len(reaped.users))
                await self._publish(dict.fromkeys(reaped.users, False))
            actual = await self.store.online() | set(self.counts)
        except Exception as exc:  # Redis away: expected now and then, retried next round
            log.warning("presence_heartbeat_failed error=%s", exc)
            return
        missed = {user: True for user in actual - self.online}
        missed |= {user: False for user in self.online - actual}
        if missed:
            self.online = actual
            await self._announce(missed, as_iso())

    async def _announce(self, changes: Changes, seen: str) -> None:
        """Tell this process's clients (`ignore_queue`: every process announces to its own)."""
        try:
            # Someone who was blocked sees the others, not who blocked them: they get a list
            # of their own, and are skipped in the deltas of those people.
            hiding = {
                viewer: self.blocks.hidden_from(viewer)
                for viewer in self.blocks.blocked_users()
                if viewer in self.counts
            }
            full_sids = {viewer: self._sids(viewer, events.FULL_PRESENCE_ROOM) for viewer in hiding}
            await self.sio.emit(
                events.GET_ONLINE_USERS,
                list(self.online),
                to=events.FULL_PRESENCE_ROOM,
                skip_sid=[sid for sids in full_sids.values() for sid in sids] or None,
                ignore_queue=True,
            )
            for viewer, sids in full_sids.items():
                for sid in sids:
                    await self.sio.emit(
                        events.GET_ONLINE_USERS,
                        self.online_ids_for(viewer),
                        to=sid,
                        ignore_queue=True,
                    )
            await self._announce_batch(changes, seen, hiding)
            for user_id, online in changes.items():
                skip = [
                    sid
                    for viewer, hidden in hiding.items()
                    if user_id in hidden
                    for sid in self._sids(viewer, events.DELTA_PRESENCE_ROOM)
                ]
                event, data = (
                    (events.USER_ONLINE, {"userId": user_id})
                    if online
                    else (events.USER_OFFLINE, {"userId": user_id, "lastSeen": seen})
                )
                await self.sio.emit(
                    event,
                    data,
                    to=events.DELTA_PRESENCE_ROOM,
                    skip_sid=skip or None,
                    ignore_queue=True,
                )
        except Exception:
            log.exception("presence_announce_failed")

    async def _announce_batch(
        self, changes: Changes, seen: str, hiding: dict[str, set[str]]
    ) -> None:
        """One `presenceChanged` frame for each batch client; blocked viewers get theirs
        without the people who blocked them."""

        def frame(hidden: Collection[str]) -> dict[str, Any]:
            return {
                "online": [u for u, online in changes.items() if online and u not in hidden],
                "offline": [
                    {"userId": u, "lastSeen": seen}
                    for u, online in changes.items()
                    if not online and u not in hidden
                ],
            }

        own = {
            viewer: self._sids(viewer, events.BATCH_PRESENCE_ROOM)
            for viewer, hidden in hiding.items()
            if not hidden.isdisjoint(changes)
        }
        await self.sio.emit(
            events.PRESENCE_CHANGED,
            frame(()),
            to=events.BATCH_PRESENCE_ROOM,
            skip_sid=[sid for sids in own.values() for sid in sids] or None,
            ignore_queue=True,
        )
        for viewer, sids in own.items():
            personal = frame(hiding[viewer])
            if personal["online"] or personal["offline"]:
                for sid in sids:
                    await self.sio.emit(
                        events.PRESENCE_CHANGED, personal, to=sid, ignore_queue=True
                    )

    def _sids(self, user_id: str, room: str) -> list[str]:
        """The user's connections in this process that are in `room`."""
        manager: SharedFrameManager = self.sio.manager
        return manager.sids_in_both("/", user_room(user_id), room)

    async def close(self) -> None:
        """Stop the timers; record and tell that everyone connected here is gone (their
        sockets are closing with this process), and stop counting this process."""
        self._closed = True
        await self._heartbeat.stop()
        if self._flush is not None:
            if self._waiting:
                self._flush.cancel()
            await asyncio.gather(self._flush, return_exceptions=True)
            self._flush = None
        self.counts.clear()
        await self._tell_store(complete=True)
        try:
            await self.store.leave()
        except Exception as exc:
            log.warning("presence_store_unreachable error=%s", exc)
