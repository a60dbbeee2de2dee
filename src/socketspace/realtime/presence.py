"""Who is online, counted per user over all their connections, announced in batches.

A user is online while any connection is open. Changes are collected for a short window and
then announced once: the original client's full `getOnlineUsers` list to the clients that
need it, `userOnline` / `userOffline` to clients that asked for deltas. A burst of N
connections therefore costs a few broadcasts, not N² messages.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from datetime import datetime

import socketio

from socketspace.models.base import utcnow
from socketspace.realtime import events
from socketspace.realtime.events import user_room
from socketspace.schemas.message import iso
from socketspace.services.abuse import Blocks

log = logging.getLogger(__name__)


class Presence:
    def __init__(
        self,
        sio: socketio.AsyncServer,
        *,
        window: float,
        went_offline: Callable[[Collection[str], datetime], Awaitable[None]],
        blocks: Blocks,
    ) -> None:
        self.sio = sio
        self.blocks = blocks
        self.window = window
        self.went_offline = went_offline
        self.counts: dict[str, int] = {}
        self._changes: dict[str, bool] = {}  # user -> online, net since the last announcement
        self._flush: asyncio.Task[None] | None = None
        self._waiting = False  # the flush is still in its window (safe to cancel)
        self._closed = False

    def online_ids(self) -> list[str]:
        return list(self.counts)

    def online_ids_for(self, viewer_id: str) -> list[str]:
        """Who is online, as this viewer may see it: not those who blocked them."""
        hidden = self.blocks.hidden_from(viewer_id)
        return [user for user in self.counts if user not in hidden]

    def is_online(self, user_id: str) -> bool:
        return user_id in self.counts

    def connected(self, user_id: str) -> None:
        self.counts[user_id] = self.counts.get(user_id, 0) + 1
        if self.counts[user_id] == 1:
            self._changed(user_id, online=True)

    def disconnected(self, user_id: str) -> None:
        left = self.counts.get(user_id, 0) - 1
        if left > 0:
            self.counts[user_id] = left
            return
        self.counts.pop(user_id, None)
        self._changed(user_id, online=False)

    def _changed(self, user_id: str, *, online: bool) -> None:
        if self._closed:
            return  # shutting down: the database may already be gone
        # The last state within a window wins. (Dropping an online-then-offline pair would be
        # wrong: someone who connected in between was given a list with this user online.)
        self._changes[user_id] = online
        if self._flush is None:
            self._flush = asyncio.create_task(self._announce_later())

    async def _announce_later(self) -> None:
        self._waiting = True
        try:
            await asyncio.sleep(self.window)
        finally:
            self._waiting = False
        # Never cancelled from here on: the last-seen write must not be cut off mid-transaction.
        await self._announce()
        self._flush = None
        if self._changes and not self._closed:  # changes that came in while announcing
            self._flush = asyncio.create_task(self._announce_later())

    async def _announce(self) -> None:
        changes, self._changes = self._changes, {}
        if not changes:
            return
        # Who left in this window is recorded in one write, however many they are.
        seen = utcnow()
        gone = [user_id for user_id, online in changes.items() if not online]
        try:
            await self.went_offline(gone, seen)
        except Exception:
            log.exception("presence_last_seen_failed users=%d", len(gone))
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
                self.online_ids(),
                to=events.FULL_PRESENCE_ROOM,
                skip_sid=[sid for sids in full_sids.values() for sid in sids] or None,
            )
            for viewer, sids in full_sids.items():
                for sid in sids:
                    await self.sio.emit(
                        events.GET_ONLINE_USERS, self.online_ids_for(viewer), to=sid
                    )
            for user_id, online in changes.items():
                skip = [
                    sid
                    for viewer, hidden in hiding.items()
                    if user_id in hidden
                    for sid in self._sids(viewer, events.DELTA_PRESENCE_ROOM)
                ]
                if online:
                    await self.sio.emit(
                        events.USER_ONLINE,
                        {"userId": user_id},
                        to=events.DELTA_PRESENCE_ROOM,
                        skip_sid=skip or None,
                    )
                else:
                    await self.sio.emit(
                        events.USER_OFFLINE,
                        {"userId": user_id, "lastSeen": iso(seen)},
                        to=events.DELTA_PRESENCE_ROOM,
                        skip_sid=skip or None,
                    )
        except Exception:
            log.exception("presence_announce_failed")

    def _sids(self, user_id: str, room: str) -> list[str]:
        """The user's connections in this process that are in `room`."""
        manager = self.sio.manager
        return [
            sid
            for sid, _eio_sid in manager.get_participants("/", user_room(user_id))
            if sid in manager.rooms.get("/", {}).get(room, {})
        ]

    async def close(self) -> None:
        """Stop the timer, and record (and tell) what the last window gathered."""
        self._closed = True
        if self._flush is not None:
            if self._waiting:
                self._flush.cancel()
            await asyncio.gather(self._flush, return_exceptions=True)
            self._flush = None
        await self._announce()
