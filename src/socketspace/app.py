"""The application factory: FastAPI for /api, python-socketio beside it on /socket.io."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import socketio
from fastapi import FastAPI
from starlette.types import ASGIApp

from socketspace.api import auth, groups, health, media, messages, metrics, search, users
from socketspace.api.docs import mount_docs
from socketspace.api.errors import LastResort, install_error_handlers
from socketspace.api.metrics import HttpMetricsMiddleware
from socketspace.api.middleware import (
    ApiCeilingMiddleware,
    BodyGuardMiddleware,
    BotGuardMiddleware,
    CsrfMiddleware,
    RequestIdMiddleware,
)
from socketspace.api.send_route import SendRoute
from socketspace.api.shield import SecurityHeadersMiddleware, image_origins
from socketspace.api.web import mount_web_client
from socketspace.config import Settings
from socketspace.context import AppContext
from socketspace.memory import HeapTrimmer
from socketspace.metrics import process_exiting
from socketspace.realtime.bus import Bus, SharedBus
from socketspace.realtime.notifier import REVOKED, SocketNotifier
from socketspace.realtime.presence import PROCESS_GONE
from socketspace.realtime.presence_store import PresenceStore, RedisPresenceStore
from socketspace.realtime.server import ChatNamespace, create_socket_server
from socketspace.realtime.transport import RedisFanout
from socketspace.security.bots import BotDetector
from socketspace.security.throttle import Ceiling

log = logging.getLogger(__name__)


def create_api(ctx: AppContext, namespace: ChatNamespace) -> FastAPI:
    trimmer = HeapTrimmer(ctx.settings.heap_trim_seconds)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        log.info("startup database=%s", ctx.db.engine.url.render_as_string(hide_password=True))
        await ctx.start()
        await namespace.start()
        trimmer.start()
        yield
        await trimmer.close()
        await namespace.close()
        await ctx.close()
        process_exiting()

    api = FastAPI(
        title="SocketSpace",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # api/docs.py serves the docs with their files
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    api.state.ctx = ctx
    install_error_handlers(api)
    for router in (
        health.router,
        auth.router,
        messages.router,
        groups.router,
        search.router,
        users.router,
        media.router,
    ):
        api.include_router(router)
    api.include_router(metrics.router)  # before the web client's catch-all route
    mount_docs(api)
    mount_web_client(api, ctx.settings.web_dist_dir, image_origins(ctx.settings))
    return api


def guarded(app: ASGIApp, ctx: AppContext) -> ASGIApp:
    """`app` behind the guards every HTTP request passes, outermost first: timing (refusals
    count too), security headers (on every answer), the request id, the last resort for
    errors, the per-address ceiling, known bots, CSRF, then body limits. Plain ASGI, in
    front of FastAPI, so the send route in front of it (api/send_route.py) has them too."""
    settings = ctx.settings
    app = BodyGuardMiddleware(app, max_picture_bytes=settings.upload_max_mb * 1024 * 1024)
    app = CsrfMiddleware(app, trusted_origins=settings.trusted_origins)
    app = BotGuardMiddleware(
        app, detector=BotDetector(settings.bot_allowed_clients), mode=settings.bot_protection
    )
    app = ApiCeilingMiddleware(
        app, ceiling=Ceiling(ctx.throttle, ctx.rules.api_ip), trusted=settings.trusted_networks
    )
    app = LastResort(app)
    app = RequestIdMiddleware(app)
    app = SecurityHeadersMiddleware(app, settings=settings)
    return HttpMetricsMiddleware(app)


class SocketSpaceApp(socketio.ASGIApp):  # type: ignore[misc]
    """The whole app: Socket.IO on /socket.io, and for everything else `http`, the guarded
    way into `api` (FastAPI)."""

    def __init__(self, sio: socketio.AsyncServer, api: FastAPI, http: ASGIApp) -> None:
        super().__init__(sio, other_asgi_app=http, socketio_path="socket.io")
        self.api = api


def create_app(settings: Settings | None = None) -> SocketSpaceApp:
    settings = settings or Settings()
    sio = create_socket_server(settings)
    # Signals between processes (presence, revoked sessions): with Redis, in the fan-out's
    # batches.
    bus: Bus
    store: PresenceStore
    if settings.redis_url and isinstance(sio.manager, RedisFanout):
        bus = SharedBus(sio.manager)
        store = RedisPresenceStore(settings.redis_url, settings.redis_key_prefix, bus.host)
    else:
        bus, store = Bus(), PresenceStore()
    ctx = AppContext.build(settings, SocketNotifier(sio, bus))
    # An ended session is forgotten by every process's cache of live ones, before its
    # sockets are closed: a socket that reconnects at once must not find it there.
    bus.on(REVOKED, ctx.sessions.on_revoked, first=True)
    if isinstance(sio.manager, RedisFanout):  # a process killed outright: events perhaps lost
        bus.on(PROCESS_GONE, sio.manager.process_gone)
    namespace = ChatNamespace(ctx, sio, bus, store)
    sio.register_namespace(namespace)
    api = create_api(ctx, namespace)
    api.state.sio = sio
    return SocketSpaceApp(sio, api, guarded(SendRoute(api, ctx), ctx))


def create_worker_app(settings: Settings | None = None) -> SocketSpaceApp:
    """The app as `socketspace serve` runs it (in each worker, with --workers)."""
    app = create_app(settings)
    # Everything imported and built so far lives for good: take it out of the collector's
    # view so full collections stop walking it (pauses of ~100 ms down to a few, measured).
    gc.collect()
    gc.freeze()
    return app
