"""GET /metrics for Prometheus, and the timing of every HTTP request.

/metrics sits outside /api: the per-address ceiling, bot protection and CSRF (writes only) do
not apply to it. Open unless METRICS_TOKEN is set; operators either set the token or keep the
path from the public at their proxy.
"""

from __future__ import annotations

import hmac
import logging
import time

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socketspace import metrics
from socketspace.api.deps import ContextDep
from socketspace.api.errors import error_response
from socketspace.models import OutboxEmail

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

OUTBOX_STATUSES = ("pending", "failed")
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Refused before routing (ceiling, bots, CSRF, body limits), or a path no route knows.
UNROUTED = "(unrouted)"


@router.get("/metrics")
async def scrape(request: Request, ctx: ContextDep) -> Response:
    token = ctx.settings.metrics_token
    if token is not None and not _bearer_matches(request, token):
        response = error_response(
            401, "Metrics need the token: Authorization: Bearer …", "not_authenticated"
        )
        response.headers["WWW-Authenticate"] = "Bearer"
        return response
    await _count_outbox(ctx)
    report_emits = getattr(request.app.state.sio.manager, "report_metrics", None)
    if report_emits is not None:
        report_emits()
    body, content_type = metrics.exposition(request.headers.get("accept", ""))
    return Response(body, media_type=None, headers={"Content-Type": content_type})


def _bearer_matches(request: Request, token: str) -> bool:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(
        credentials.strip().encode(), token.encode()
    )


async def _count_outbox(ctx: ContextDep) -> None:
    """One COUNT over the (status, next_attempt_at) index."""
    query = (
        select(OutboxEmail.status, func.count())
        .where(OutboxEmail.status.in_(OUTBOX_STATUSES))
        .group_by(OutboxEmail.status)
    )
    try:
        async with ctx.db.read() as session:
            counts = {status: n for status, n in (await session.execute(query)).all()}
    except Exception as exc:  # the rest of the metrics still answer; the gauge keeps its value
        log.warning("metrics_outbox_count_failed error=%s", type(exc).__name__)
        return
    for status in OUTBOX_STATUSES:
        metrics.OUTBOX_EMAILS.labels(status).set(counts.get(status, 0))


class HttpMetricsMiddleware:
    """Times each request, labelled by the route template that served it (bounded: the paths
    of the app, never raw ids) and the status class. Outermost, so refusals count too."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            # The router puts the matched route into the (shared) scope.
            route = getattr(scope.get("route"), "path", UNROUTED)
            method = scope["method"] if scope["method"] in KNOWN_METHODS else "other"
            metrics.HTTP_REQUEST_SECONDS.labels(route, method, f"{status // 100}xx").observe(
                time.perf_counter() - started
            )
