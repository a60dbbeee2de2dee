"""/api/docs: the interactive API docs (Swagger UI), with its files served from this server
(they ship in the maintained `fastapi-offline` package), so a LAN install without internet has
docs too. FastAPI's own page would load them from a CDN."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_URL = "/api/docs"
ASSETS_URL = f"{DOCS_URL}/assets"
ASSETS = Path(str(files("fastapi_offline") / "static"))

router = APIRouter(include_in_schema=False)


@router.get(DOCS_URL)
async def docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/api/openapi.json",
        title="SocketSpace API",
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
    )


def mount_docs(api: FastAPI) -> None:
    """The docs page and its files (before the web client's catch-all route)."""
    api.mount(ASSETS_URL, StaticFiles(directory=ASSETS), name="docs-assets")
    api.include_router(router)
