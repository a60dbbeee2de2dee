"""Guards every request passes before routing. Plain ASGI, so limits apply while reading."""

from __future__ import annotations

import itertools
import json
import logging
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socketspace.errors import PayloadTooLarge, RateLimited
from socketspace.logs import request_id as current_request_id
from socketspace.media.images import MAX_BYTES
from socketspace.security.bots import BotDetector
from socketspace.security.client_ip import Networks, client_ip
from socketspace.security.throttle import Ceiling
from socketspace.security.tokens import COOKIE_NAME

log = logging.getLogger(__name__)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
DEFAULT_BODY_LIMIT = 256 * 1024
# Routes that carry an image as a data URL (the original client's way) take the picture's
# size limit in base64 and some room; uploads take it and a little room for the form.
LARGE_BODY_ROUTES = ("/api/auth/update-profile", "/api/messages/send/")
# Picture uploads (multipart) stream through to the route, which has its own exact limit on
# the picture.
UPLOAD_ROUTE = "/api/media"


async def send_json(
    send: Send, status: int, message: str, code: str, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    body = json.dumps({"message": message, "code": code}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


# Request ids only need to be unique, not secret: a random prefix per process and a counter.
# (secrets.token_hex per request, a getrandom() call each, was 7 % of a REST send: py-spy.)
_ID_PREFIX = secrets.token_hex(4)
_ID_COUNTER = itertools.count()


def new_request_id() -> str:
    return f"{_ID_PREFIX}{next(_ID_COUNTER):08x}"


class RequestIdMiddleware:
    """Gives each request an id (kept from a sane incoming X-Request-ID) for logs and replies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = _header(scope, b"x-request-id") or ""
        request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else new_request_id()
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        # Every line logged while this request is handled carries its id (socketspace.logs).
        # After an exception it stays set: Starlette's error handler, outside this middleware,
        # still logs the failure and answers 500 for this request (the task ends after).
        token = current_request_id.set(request_id)
        await self.app(scope, receive, send_with_id)
        current_request_id.reset(token)


class BodyGuardMiddleware:
    """API bodies must be JSON and within the route's size limit. The limit is checked against
    Content-Length up front and against the bytes actually received while reading, so a lying
    or chunked request is cut off before it is parsed."""

    def __init__(self, app: ASGIApp, max_picture_bytes: int = MAX_BYTES) -> None:
        self.app = app
        self.image_body_limit = max_picture_bytes * 4 // 3 + 2 * 1024 * 1024
        self.upload_body_limit = max_picture_bytes + 64 * 1024

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in UNSAFE_METHODS
            or not scope["path"].startswith("/api/")
        ):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path.rstrip("/") == UPLOAD_ROUTE and scope["method"] == "POST":
            await self._upload(scope, receive, send)
            return
        limit = self.image_body_limit if path.startswith(LARGE_BODY_ROUTES) else DEFAULT_BODY_LIMIT
        too_large = f"The request body is larger than {limit // 1024} KB."
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await send_json(send, 413, too_large, "payload_too_large")
            return
        has_body = (length is not None and int(length) > 0) or _header(
            scope, b"transfer-encoding"
        ) is not None
        content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
        if has_body and content_type != "application/json":
            await send_json(
                send,
                415,
                "Send the request body as JSON (Content-Type: application/json).",
                "unsupported_media_type",
            )
            return

        # Read the whole body first (FastAPI would buffer it anyway), stopping at the limit,
        # then hand the app a receive() that replays it.
        chunks: list[bytes] = []
        received = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                await send_json(
                    send, 413, too_large, "payload_too_large", [(b"connection", b"close")]
                )
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _upload(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Uploads stream through (never buffered here), counted as they arrive."""
        limit = self.upload_body_limit
        too_large = f"The request body is larger than {limit // (1024 * 1024)} MB."
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await send_json(send, 413, too_large, "payload_too_large")
            return
        content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
        if content_type != "multipart/form-data":
            await send_json(
                send,
                415,
                "Send the picture as multipart/form-data (the field `file`).",
                "unsupported_media_type",
            )
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                # Raised inside the route's reading, which answers it as a JSON 413.
                raise PayloadTooLarge(too_large)
            return message

        await self.app(scope, counted, send)


def origin_of(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}"


class CsrfMiddleware:
    """Refuses cross-site writes. A write that carries the session cookie must come from a
    trusted origin (Origin header; lacking one, Sec-Fetch-Site or Referer). Any write whose
    browser says it comes from elsewhere is refused too, which also stops login CSRF. Scripts
    that send neither a cookie nor an Origin (curl, Bearer tokens) are not browsers and pass."""

    def __init__(self, app: ASGIApp, trusted_origins: frozenset[str]) -> None:
        self.app = app
        self.trusted = trusted_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS or self._allowed(scope):
            await self.app(scope, receive, send)
            return
        await send_json(
            send, 403, "This request came from another site and was refused.", "csrf_failed"
        )

    def _allowed(self, scope: Scope) -> bool:
        origin = _header(scope, b"origin")
        if origin is not None:
            return origin.rstrip("/") in self.trusted
        fetch_site = _header(scope, b"sec-fetch-site")
        if fetch_site is not None:
            return fetch_site in ("same-origin", "none")
        referer = _header(scope, b"referer")
        if referer is not None:
            return origin_of(referer) in self.trusted
        cookie = _header(scope, b"cookie") or ""
        has_session_cookie = any(
            part.strip().startswith(f"{COOKIE_NAME}=") for part in cookie.split(";")
        )
        relies_on_cookie = has_session_cookie and _header(scope, b"authorization") is None
        return not relies_on_cookie


class ApiCeilingMiddleware:
    """A ceiling on all /api requests from one address, checked before anything is read."""

    def __init__(self, app: ASGIApp, ceiling: Ceiling, trusted: Networks) -> None:
        self.app = app
        self.ceiling = ceiling
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        try:
            await self.ceiling.hit(client_ip(scope, self.trusted))
        except RateLimited as exc:
            retry = [(b"retry-after", str(exc.retry_after).encode())]
            await send_json(send, 429, exc.message, exc.code, retry)
            return
        await self.app(scope, receive, send)


# The doors bots are kept from: making accounts, logging in, and everything about messages
# (groups and the conversations list included). Public pages (the client's HTML) stay open to
# search engines.
BOT_GUARDED = (
    ("POST", "/api/auth/signup"),
    ("POST", "/api/auth/login"),
    ("", "/api/messages"),
    ("", "/api/groups"),
    ("", "/api/conversations"),
)


class BotGuardMiddleware:
    """BOT_PROTECTION=block refuses known bots at the guarded doors with a 403; `monitor` only
    logs them; `off` skips the check."""

    def __init__(self, app: ASGIApp, detector: BotDetector, mode: str) -> None:
        self.app = app
        self.detector = detector
        self.mode = mode

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.mode == "off" or not _guarded(scope):
            await self.app(scope, receive, send)
            return
        bot = self.detector.bot_name(_header(scope, b"user-agent") or "")
        if bot is None:
            await self.app(scope, receive, send)
            return
        log.warning(
            "bot_%s name=%s path=%s",
            "refused" if self.mode == "block" else "seen",
            bot,
            scope["path"],
        )
        if self.mode != "block":
            await self.app(scope, receive, send)
            return
        await send_json(
            send,
            403,
            "Automated clients are not allowed here. If you are a person, please use a browser.",
            "bot_refused",
        )


def _guarded(scope: Scope) -> bool:
    path: str = scope["path"]
    return any(
        (not method or scope["method"] == method) and path.startswith(prefix)
        for method, prefix in BOT_GUARDED
    )
