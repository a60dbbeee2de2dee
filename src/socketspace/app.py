"""The application factory: FastAPI for /api, python-socketio beside it on /socket.io."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import socketio
from fastapi import FastAPI

from socketspace.api import auth, health, media, messages, metrics, users
from socketspace.api.errors import install_error_handlers
from socketspace.api.metrics import HttpMetricsMiddleware
from socketspace.api.middleware import (
    ApiCeilingMiddleware,
    BodyGuardMiddleware,
    BotGuardMiddleware,
    CsrfMiddleware,
    RequestIdMiddleware,
)
from socketspace.api.send_route import send_route
from socketspace.api.shield import SecurityHeadersMiddleware, image_origins
from socketspace.api.web import mount_web_client
from socketspace.config import Settings
from socketspace.context import AppContext
from socketspace.memory import HeapTrimmer
from socketspace.metrics import process_exiting
from socketspace.realtime.bus import Bus, RedisBus
from socketspace.realtime.notifier import REVOKED, SocketNotifier
from socketspace.realtime.presence_store import PresenceStore, RedisPresenceStore
from socketspace.realtime.server import ChatNamespace, create_socket_server
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
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    api.state.ctx = ctx
    install_error_handlers(api)
    api.router.routes.append(send_route())  # ahead of the routers: the busiest route, lean
    for router in (health.router, auth.router, messages.router, users.router, media.router):
        api.include_router(router)
    api.include_router(metrics.router)  # before the web client's catch-all route
    mount_web_client(api, ctx.settings.web_dist_dir, image_origins(ctx.settings))
    # Added last runs first: security headers (on every answer, refusals included), request
    # id, the per-address ceiling, known bots, then CSRF, then body limits, then routing.
    api.add_middleware(
        BodyGuardMiddleware, max_picture_bytes=ctx.settings.upload_max_mb * 1024 * 1024
    )
    api.add_middleware(CsrfMiddleware, trusted_origins=ctx.settings.trusted_origins)
    api.add_middleware(
        BotGuardMiddleware,
        detector=BotDetector(ctx.settings.bot_allowed_clients),
        mode=ctx.settings.bot_protection,
    )
    api.add_middleware(
        ApiCeilingMiddleware,
        ceiling=Ceiling(ctx.throttle, ctx.rules.api_ip),
        trusted=ctx.settings.trusted_networks,
    )
    api.add_middleware(RequestIdMiddleware)
    api.add_middleware(SecurityHeadersMiddleware, settings=ctx.settings)
    api.add_middleware(HttpMetricsMiddleware)  # outermost: times refusals too
    return api


def create_app(settings: Settings | None = None) -> socketio.ASGIApp:
    settings = settings or Settings()
    sio = create_socket_server(settings)
    # Signals between processes (presence, revoked sessions): Redis when there are several.
    bus: Bus
    store: PresenceStore
    if settings.redis_url:
        bus = RedisBus(settings.redis_url, f"{settings.redis_key_prefix}:bus")
        store = RedisPresenceStore(settings.redis_url, settings.redis_key_prefix, bus.host)
    else:
        bus, store = Bus(), PresenceStore()
    ctx = AppContext.build(settings, SocketNotifier(sio, bus))
    # An ended session is forgotten by every process's cache of live ones, before its
    # sockets are closed: a socket that reconnects at once must not find it there.
    bus.on(REVOKED, ctx.sessions.on_revoked, first=True)
    namespace = ChatNamespace(ctx, sio, bus, store)
    sio.register_namespace(namespace)
    api = create_api(ctx, namespace)
    api.state.sio = sio
    return socketio.ASGIApp(sio, other_asgi_app=api, socketio_path="socket.io")


def create_worker_app(settings: Settings | None = None) -> socketio.ASGIApp:
    """The app as `socketspace serve` runs it (in each worker, with --workers)."""
    app = create_app(settings)
    # Everything imported and built so far lives for good: take it out of the collector's
    # view so full collections stop walking it (pauses of ~100 ms down to a few, measured).
    gc.collect()
    gc.freeze()
    return app
