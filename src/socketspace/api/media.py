"""/api/media: stored pictures, to signed-in users only."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import FileResponse

from socketspace.api.deps import ContextDep, CurrentViewer
from socketspace.errors import NotFound

router = APIRouter(prefix="/api/media", tags=["media"])

IMMUTABLE = "private, max-age=31536000, immutable"
MEDIA_TYPES = {
    ".webp": "image/webp",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
}


@router.get("/{kind}/{name}", response_class=FileResponse)
async def media(
    kind: Literal["avatars", "images"], name: str, _viewer: CurrentViewer, ctx: ContextDep
) -> FileResponse:
    """A profile picture or a message image. Content-addressed, so cached for good."""
    path = ctx.storage.path_of(name)
    if path is None:
        raise NotFound("Picture not found.")
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[path.suffix],
        content_disposition_type="inline",
        headers={"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"},
    )
