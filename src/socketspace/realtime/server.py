"""The Socket.IO server. Connections authenticate with the same session as the REST API."""

from __future__ import annotations

import logging
from http.cookies import CookieError, SimpleCookie
from typing import Any

import socketio

from socketspace.context import AppContext
from socketspace.errors import NotAuthenticated
from socketspace.realtime.events import user_room
from socketspace.services import accounts

log = logging.getLogger(__name__)

COOKIE_NAME = "jwt"


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


class ChatNamespace(socketio.AsyncNamespace):  # type: ignore[misc]
    def __init__(self, ctx: AppContext) -> None:
        super().__init__("/")
        self.ctx = ctx

    async def on_connect(self, sid: str, environ: dict[str, Any], auth: Any = None) -> None:
        try:
            user, session_id = await accounts.authenticate(
                self.ctx.db, self.ctx.tokens, session_token(environ, auth)
            )
        except NotAuthenticated as exc:
            raise socketio.exceptions.ConnectionRefusedError(exc.message) from None
        await self.save_session(sid, {"user_id": user.id, "session_id": session_id})
        await self.enter_room(sid, user_room(user.id))
        log.info("socket_connected user_id=%s sid=%s", user.id, sid)

    async def on_disconnect(self, sid: str, reason: Any = None) -> None:
        log.info("socket_disconnected sid=%s reason=%s", sid, reason)


def create_socket_server(ctx: AppContext) -> socketio.AsyncServer:
    sio = socketio.AsyncServer(
        async_mode="asgi",
        # Browsers apply no CORS to WebSockets: this origin check is the defence against
        # cross-site WebSocket hijacking, so never "*".
        cors_allowed_origins=sorted(ctx.settings.trusted_origins),
        max_http_buffer_size=64 * 1024,
        logger=False,
        engineio_logger=False,
    )
    sio.register_namespace(ChatNamespace(ctx))
    return sio
