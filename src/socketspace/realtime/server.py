"""The Socket.IO server. Connections authenticate with the same session as the REST API, join
their user's room, and call the same services as the REST routes."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from http.cookies import CookieError, SimpleCookie
from typing import Any, TypeVar

import socketio
from pydantic import BaseModel, ValidationError

from socketspace import metrics
from socketspace.config import Settings
from socketspace.context import AppContext
from socketspace.errors import AppError, NotAuthenticated, RateLimited
from socketspace.periodic import Periodic
from socketspace.realtime import events
from socketspace.realtime.bus import Bus
from socketspace.realtime.events import groups_room, user_room
from socketspace.realtime.presence import Presence, PresenceWindow
from socketspace.realtime.presence_store import PresenceStore
from socketspace.realtime.transport import (
    GatedServer,
    JsonOnlyPacket,
    OrjsonJson,
    RedisFanout,
    SharedFrameManager,
)
from socketspace.realtime.transport.rooms import RESYNC_ROOM
from socketspace.realtime.typing import TypingRelay
from socketspace.schemas.common import describe_validation_error
from socketspace.schemas.message import (
    DeleteMessageEvent,
    EditMessageEvent,
    MarkReadEvent,
    ReactEvent,
    SendMessageEvent,
    SyncEvent,
    TypingEvent,
    message_reactions_view,
    message_view,
)
from socketspace.security.ratelimit import TokenBucket
from socketspace.security.tokens import COOKIE_NAME
from socketspace.services import accounts, groups, messages, reactions, users
from socketspace.services.typing import update_group_typing, update_typing

log = logging.getLogger(__name__)

Payload = TypeVar("Payload", bound=BaseModel)
Ack = dict[str, Any]
TOO_MANY_EVENTS = "This connection is sending too fast. Please slow down."


def session_token(environ: dict[str, Any], auth: Any) -> str | None:
    """The token from the handshake's `jwt` cookie, or from `auth.token` for scripts."""
    if isinstance(auth, dict) and isinstance(auth.get("token"), str):
        return str(auth["token"])
    try:
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    except CookieError:
        return None
    morsel = cookie.get(COOKIE_NAME)
    return morsel.value if morsel else None


def error_ack(exc: AppError) -> Ack:
    ack: Ack = {"ok": False, "code": exc.code, "message": exc.message}
    if isinstance(exc, RateLimited):
        ack["retryAfter"] = exc.retry_after
    return ack


@dataclass(frozen=True)
class Connection:
    user_id: str
    session_id: str
    # Asked for groups at the handshake (auth {groups: true}): only such connections get
    # group traffic of any kind.
    groups: bool = False


def acked(
    schema: type[Payload],
) -> Callable[
    [Callable[[ChatNamespace, str, Connection, Payload], Awaitable[Ack]]],
    Callable[..., Awaitable[Ack]],
]:
    """Parse the event's payload with `schema` and turn every failure into an error ack.

    Runs synchronously up to the handler's first real wait, which keeps the order of a
    connection's events (see services.messages.send_message). The connection's event budget
    was checked before (ChatNamespace.over_budget)."""

    def wrap(
        handler: Callable[[ChatNamespace, str, Connection, Payload], Awaitable[Ack]],
    ) -> Callable[..., Awaitable[Ack]]:
        @functools.wraps(handler)
        async def run(self: ChatNamespace, sid: str, *args: Any) -> Ack:
            connection = self.connections.get(sid)
            if connection is None:
                return error_ack(NotAuthenticated())
            try:
                payload = schema.model_validate(args[0] if args else None)
                return {"ok": True, **await handler(self, sid, connection, payload)}
            except ValidationError as exc:
                return {
                    "ok": False,
                    "code": "invalid_input",
                    "message": describe_validation_error(exc.errors()),
                }
            except AppError as exc:
                return error_ack(exc)
            except Exception:
                log.exception("socket_event_failed event=%s sid=%s", handler.__name__, sid)
                return {
                    "ok": False,
                    "code": "internal_error",
                    "message": "Something went wrong on our side. Please try again.",
                }

        return run

    return wrap


class ChatNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self, ctx: AppContext, sio: GatedServer, bus: Bus, store: PresenceStore) -> None:
        super().__init__("/")
        self.ctx = ctx
        self.bus = bus
        self.connections: dict[str, Connection] = {}
        settings = ctx.settings
        self.presence = Presence(
            sio,
            store=store,
            bus=bus,
            window=PresenceWindow(
                settings.presence_window_ms / 1000,
                per_user=settings.presence_window_per_user_ms / 1000,
                most=settings.presence_max_window_ms / 1000,
            ),
            heartbeat=settings.presence_heartbeat_seconds,
            process_timeout=settings.presence_process_timeout_seconds,
            went_offline=self._went_offline,
            blocks=ctx.blocks,
        )
        self.typing = TypingRelay(sio, ttl=settings.typing_ttl_seconds)
        self.event_budget = TokenBucket(
            rate=settings.socket_events_per_second, burst=settings.socket_event_burst
        )
        self.events_refused = metrics.RATE_LIMIT_REFUSALS.labels("socket-events")
        # Disconnects sockets whose session ended elsewhere (another process, or expiry): a
        # logout reaches every socket within one interval even without a shared bus.
        self._sweeper = Periodic(
            "session_sweep", settings.session_check_seconds, self._sweep_sessions
        )
        self._tasks: set[asyncio.Task[None]] = set()
        sio.gate = self.over_budget

    # --- connections -------------------------------------------------------------------------

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        # python-socketio keeps this handshake environ as long as the socket is open. Its
        # `wsgi.input` (the handshake's body reader) is an instance of a class engine.io
        # defines anew for every request: 2.4 KiB per idle connection (tracemalloc), and
        # nothing reads it once the handshake is over.
        environ.pop("wsgi.input", None)
        try:
            viewer = await accounts.authenticate(
                self.ctx.db, self.ctx.tokens, self.ctx.sessions, session_token(environ, auth)
            )
        except NotAuthenticated as exc:
            raise socketio.exceptions.ConnectionRefusedError(exc.message) from None
        mode = auth.get("presence") if isinstance(auth, dict) else None
        presence_room = events.PRESENCE_ROOMS.get(str(mode), events.FULL_PRESENCE_ROOM)
        user_id, session_id = viewer.user_id, viewer.session_id
        groups = isinstance(auth, dict) and auth.get("groups") is True
        self.connections[sid] = Connection(user_id, session_id, groups)
        metrics.SOCKETS_CONNECTED.inc()
        await self.save_session(sid, {"user_id": user_id, "session_id": session_id})
        await self.enter_room(sid, user_room(user_id))
        await self.enter_room(sid, presence_room)
        if groups:
            await self.enter_room(sid, groups_room(user_id))
        if isinstance(auth, dict) and auth.get("profiles") is True:
            await self.enter_room(sid, events.PROFILES_ROOM)
        if isinstance(auth, dict) and auth.get("reactions") is True:
            await self.enter_room(sid, events.reactions_room(user_id))
        if isinstance(auth, dict) and auth.get("settings") is True:
            await self.enter_room(sid, events.settings_room(user_id))
        if isinstance(auth, dict) and auth.keys() - {"token"}:  # asks for something of ours
            await self.enter_room(sid, RESYNC_ROOM)
        self.presence.connected(user_id)
        # After this handler returns the client is told it is connected; the list follows.
        self._spawn(self._send_online_list(sid))
        self._ensure_sweeper()
        log.info("socket_connected user_id=%s sid=%s presence=%s", user_id, sid, presence_room)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        connection = self.connections.pop(sid, None)
        self.event_budget.forget(sid)
        if connection is None:
            return
        metrics.SOCKETS_CONNECTED.dec()
        self.presence.disconnected(connection.user_id)
        if not self.presence.connected_here(connection.user_id):
            self.typing.stopped_all(connection.user_id)
        log.info("socket_disconnected user_id=%s sid=%s reason=%s", connection.user_id, sid, reason)

    def over_budget(self, sid: str) -> Ack | None:
        """The refusal of an event beyond the connection's budget, or None: every event
        spends from it, answered before python-socketio gives the event a task."""
        try:
            self.event_budget.take(sid, TOO_MANY_EVENTS)
        except RateLimited as exc:
            self.events_refused.inc()
            return error_ack(exc)
        return None

    async def _send_online_list(self, sid: str) -> None:
        connection = self.connections.get(sid)
        if connection is not None:
            online = self.presence.online_ids_for(connection.user_id)
            await self.emit(events.GET_ONLINE_USERS, online, to=sid)

    async def _went_offline(self, user_ids: Collection[str], at: datetime) -> None:
        await users.mark_seen(self.ctx.db, user_ids, at)

    # --- events ------------------------------------------------------------------------------

    @acked(SendMessageEvent)
    async def on_sendMessage(self, sid: str, conn: Connection, data: SendMessageEvent) -> Ack:
        if data.groupId is not None:
            stored = await groups.send_group_message(
                self.ctx.writer,
                self.ctx.send_limiter,
                self.ctx.media,
                sender_id=conn.user_id,
                group_id=data.groupId,
                text=data.text,
                image=data.image,
                client_id=data.clientId,
                origin=sid,
                reply_to=data.replyToId,
                forward_of=data.forwardOf,
                mentions=data.mentions,
            )
        else:
            stored = await messages.send_message(
                self.ctx.writer,
                self.ctx.send_limiter,
                self.ctx.media,
                self.ctx.blocks,
                sender_id=conn.user_id,
                receiver_id=data.receiverId,
                text=data.text,
                image=data.image,
                client_id=data.clientId,
                origin=sid,
                reply_to=data.replyToId,
                forward_of=data.forwardOf,
                mentions=data.mentions,
            )
        return {"message": stored.view, "duplicate": not stored.created}

    @acked(TypingEvent)
    async def on_typing(self, sid: str, conn: Connection, data: TypingEvent) -> Ack:
        if data.groupId is not None:
            await update_group_typing(
                self.typing,
                self.ctx.db,
                sender_id=conn.user_id,
                group_id=data.groupId,
                is_typing=data.isTyping,
            )
        else:
            await update_typing(
                self.typing,
                self.ctx.blocks,
                sender_id=conn.user_id,
                receiver_id=data.receiverId,
                is_typing=data.isTyping,
            )
        return {}

    @acked(MarkReadEvent)
    async def on_markRead(self, sid: str, conn: Connection, data: MarkReadEvent) -> Ack:
        if data.groupId is not None:
            position = await groups.mark_group_read(
                self.ctx.db,
                self.ctx.notifier,
                reader_id=conn.user_id,
                group_id=data.groupId,
                up_to=data.upToMessageId,
            )
        else:
            position = await messages.mark_read(
                self.ctx.db,
                self.ctx.notifier,
                self.ctx.blocks,
                reader_id=conn.user_id,
                partner_id=data.userId,
                up_to=data.upToMessageId,
            )
        return {"upToMessageId": str(position)}

    @acked(SyncEvent)
    async def on_sync(self, sid: str, conn: Connection, data: SyncEvent) -> Ack:
        found, has_more, extras = await messages.sync(
            self.ctx.db,
            viewer_id=conn.user_id,
            after=data.afterMessageId,
            limit=data.limit,
            groups=conn.groups,
        )
        return {"messages": [message_view(m, extras) for m in found], "hasMore": has_more}

    @acked(EditMessageEvent)
    async def on_editMessage(self, sid: str, conn: Connection, data: EditMessageEvent) -> Ack:
        message, extras = await messages.edit_message(
            self.ctx.db,
            self.ctx.notifier,
            self.ctx.blocks,
            viewer_id=conn.user_id,
            message_id=data.messageId,
            text=data.text,
        )
        return {"message": message_view(message, extras)}

    @acked(DeleteMessageEvent)
    async def on_deleteMessage(self, sid: str, conn: Connection, data: DeleteMessageEvent) -> Ack:
        message, extras = await messages.delete_message(
            self.ctx.db, self.ctx.notifier, viewer_id=conn.user_id, message_id=data.messageId
        )
        return {"message": message_view(message, extras)}

    @acked(ReactEvent)
    async def on_react(self, sid: str, conn: Connection, data: ReactEvent) -> Ack:
        reacted = await reactions.react(
            self.ctx.db,
            self.ctx.notifier,
            self.ctx.blocks,
            viewer_id=conn.user_id,
            message_id=data.messageId,
            emoji=data.emoji,
            on=data.on,
        )
        return message_reactions_view(reacted.message_id, reacted.reactions, conn.user_id)

    # --- ending revoked sessions -------------------------------------------------------------

    def _ensure_sweeper(self) -> None:
        self._sweeper.start()

    async def _sweep_sessions(self) -> None:
        live = {c.session_id for c in self.connections.values()}
        if not live:
            return
        ended = await accounts.ended_sessions(self.ctx.db, live)
        for sid, connection in list(self.connections.items()):
            if connection.session_id in ended:
                await self.disconnect(sid)

    def _spawn(self, coro: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def start(self) -> None:
        if isinstance(self.server.manager, RedisFanout):
            await self.server.manager.start()
        await self.presence.start()

    async def close(self) -> None:
        # What the writer still holds is stored and announced while the fan-out still runs.
        await self.ctx.writer.stop()
        await self._sweeper.stop()
        self.typing.close()
        await self.presence.close()
        await self.presence.store.close()
        if isinstance(self.server.manager, RedisFanout):
            await self.server.manager.close()


def create_socket_server(settings: Settings) -> GatedServer:
    """The Socket.IO server. With REDIS_URL, every emit also reaches the clients of every
    other process, in batches over Redis (RedisFanout)."""
    manager: SharedFrameManager = SharedFrameManager()
    if settings.redis_url:
        manager = RedisFanout(
            settings.redis_url,
            channel=f"{settings.redis_key_prefix}:fanout",
            name=settings.process_name,
        )
    return GatedServer(
        async_mode="asgi",
        client_manager=manager,
        transports=settings.socket_transports,
        # Browsers apply no CORS to WebSockets: this origin check is the defence against
        # cross-site WebSocket hijacking, so never "*".
        cors_allowed_origins=sorted(settings.trusted_origins),
        max_http_buffer_size=64 * 1024,
        ping_interval=settings.socket_ping_interval_seconds,
        ping_timeout=settings.socket_ping_timeout_seconds,
        serializer=JsonOnlyPacket,
        json=OrjsonJson,
        logger=False,
        engineio_logger=False,
    )
