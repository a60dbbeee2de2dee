"""Security headers on every response, and the Content-Security-Policy of the web client.

The client's page gets a policy with a fresh nonce per response: scripts only from this origin;
styles from this origin plus the one `<style>` element the toast library writes, which carries
the nonce (the page hands it over through `<meta property="csp-nonce">`). Everything else the
server answers (JSON, pictures) gets a policy that allows nothing at all.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socketspace.config import Settings

# The placeholder Vite writes into index.html (`html.cspNonce` in web/vite.config.ts).
NONCE_PLACEHOLDER = "__CSP_NONCE__"
NOTHING_ALLOWED = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
# The interactive docs (api/docs.py: Swagger UI's script and an inline start) get the framing
# rule only.
DOCS_PATHS = ("/api/docs",)
DOCS_POLICY = "frame-ancestors 'none'"
# The client's service worker (web/vite.config.ts, Workbox) runs under the policy its own
# script arrives with: it loads Workbox from this origin and fetches the app shell from it.
SERVICE_WORKER_SCRIPT = "sw.js"
SERVICE_WORKER_POLICY = "default-src 'none'; script-src 'self'; connect-src 'self'"

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), interest-cohort=()"
)


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def client_policy(nonce: str, image_origins: tuple[str, ...] = ()) -> str:
    """The policy the web client works under (a test in Chromium proves it)."""
    images = " ".join(("'self'", "data:", "blob:", *image_origins))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            f"style-src 'self' 'nonce-{nonce}'",
            f"img-src {images}",
            "media-src 'self' data: blob:",
            "font-src 'self'",
            "connect-src 'self' ws: wss:",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def image_origins(settings: Settings) -> tuple[str, ...]:
    """Where pictures may come from besides this origin: the S3 endpoint that presigned
    redirects point to."""
    if not settings.s3_bucket:
        return ()
    if settings.s3_endpoint:
        parts = urlsplit(settings.s3_endpoint)
        return (f"{parts.scheme}://{parts.netloc}",)
    return ("https://*.amazonaws.com",)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        fixed = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"strict-origin-when-cross-origin"),
            (b"permissions-policy", PERMISSIONS_POLICY.encode()),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
        ]
        if settings.secure_cookies:  # served over https
            fixed.append((b"strict-transport-security", b"max-age=63072000; includeSubDomains"))
        self.fixed = fixed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        default_policy = DOCS_POLICY if path.startswith(DOCS_PATHS) else NOTHING_ALLOWED

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in self.fixed if k not in present]
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", default_policy.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
