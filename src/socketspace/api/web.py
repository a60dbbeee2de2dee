"""The browser client: built files from web/dist, with client routes falling back to
index.html. Until a build exists, `/` says the server runs."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles

from socketspace.api.shield import (
    NONCE_PLACEHOLDER,
    SERVICE_WORKER_POLICY,
    SERVICE_WORKER_SCRIPT,
    client_policy,
    new_nonce,
)
from socketspace.errors import NotFound

# The browser checks the worker for a new version on every start; it must never be stale.
SERVICE_WORKER_HEADERS = {
    "Content-Security-Policy": SERVICE_WORKER_POLICY,
    "Cache-Control": "no-cache",
}

PLACEHOLDER = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SocketSpace</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto;">
<h1>SocketSpace is running</h1>
<p>The web client has not been built yet. The API is documented at
<a href="/api/docs">/api/docs</a>.</p>
</body></html>"""

# Vite puts a content hash in every file name under assets/, so they never change.
ASSET_CACHE = "public, max-age=31536000, immutable"


class HashedAssets(StaticFiles):
    async def get_response(self, path: str, scope):  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = ASSET_CACHE
        return response


class BuiltPage:
    """index.html as last built, read again when the file changes: a client rebuilt under a
    running server names new hashed assets (the old ones deleted), and the page read at start
    would name files that are gone, a blank page until a restart. Mid-rebuild (no file for a
    moment, or one half written: empty, or without the nonce's placeholder), the last one read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None
        self._text = ""

    def text(self) -> str:
        try:
            stat = self.path.stat()
            seen = (stat.st_mtime_ns, stat.st_size)
            if seen != self._seen:
                text = self.path.read_text(encoding="utf-8")
                if NONCE_PLACEHOLDER in text or not self._text:
                    self._text = text
                    self._seen = seen
        except (OSError, ValueError):  # ValueError: not UTF-8 (half written)
            pass
        return self._text


def mount_web_client(app: FastAPI, dist: Path, image_origins: tuple[str, ...] = ()) -> None:
    index = dist / "index.html"
    router = APIRouter(include_in_schema=False)
    if not index.is_file():

        @router.get("/")
        async def placeholder() -> HTMLResponse:
            return HTMLResponse(PLACEHOLDER)

        app.include_router(router)
        return

    if (dist / "assets").is_dir():
        app.mount("/assets", HashedAssets(directory=dist / "assets"), name="assets")
    root = dist.resolve()
    page = BuiltPage(index)
    page.text()

    def client_page() -> HTMLResponse:
        """index.html with a fresh nonce, under the policy that names it."""
        nonce = new_nonce()
        return HTMLResponse(
            page.text().replace(NONCE_PLACEHOLDER, nonce),
            headers={
                "Cache-Control": "no-cache",
                "Content-Security-Policy": client_policy(nonce, image_origins),
            },
        )

    # HEAD too: the emoji picker asks for its data's ETag before fetching it again.
    @router.api_route("/{path:path}", methods=["GET", "HEAD"])
    async def client(path: str) -> Response:
        if path.startswith("api/") or path == "api":
            raise NotFound("No such API endpoint.")
        candidate = (root / path).resolve()
        if path and path != "index.html" and candidate.is_file() and candidate.is_relative_to(root):
            if path == SERVICE_WORKER_SCRIPT:
                return FileResponse(candidate, headers=SERVICE_WORKER_HEADERS)
            return FileResponse(candidate)
        return client_page()

    app.include_router(router)
