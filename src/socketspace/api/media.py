"""/api/media: uploading pictures, and serving them to the people allowed to see them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from fastapi.responses import FileResponse, RedirectResponse
from pydantic import BaseModel

from socketspace.api.deps import ContextDep, CurrentViewer
from socketspace.api.uploads import read_upload
from socketspace.media.storage import IMMUTABLE, LocalFile, content_type_of
from socketspace.models import Media
from socketspace.services.media import PURPOSES, thumb_name, url_of

router = APIRouter(prefix="/api/media", tags=["media"])

UPLOAD_FIELDS = frozenset({"purpose"})
# A presigned URL expires in minutes: the redirect to it must not outlive it in a cache.
REDIRECT_CACHE = "private, max-age=60"

UPLOAD_DOCS: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "purpose": {"type": "string", "enum": list(PURPOSES), "default": "message"},
                    },
                }
            }
        },
    }
}


class MediaOut(BaseModel):
    id: str
    url: str
    thumbUrl: str
    width: int
    height: int
    contentType: str

    @classmethod
    def of(cls, media: Media) -> MediaOut:
        return cls(
            id=media.id,
            url=url_of(media.kind, media.name),
            thumbUrl=url_of(media.kind, thumb_name(media.name)),
            width=media.width,
            height=media.height,
            contentType=media.content_type,
        )


@router.post(
    "", status_code=status.HTTP_201_CREATED, response_model=MediaOut, openapi_extra=UPLOAD_DOCS
)
async def upload(request: Request, viewer: CurrentViewer, ctx: ContextDep) -> MediaOut:
    """Upload a picture (multipart field `file`, at most UPLOAD_MAX_MB, 10 MB by default;
    `purpose` is `message`, the default, or `avatar`). Send its `id` as a message's `image` or
    as `profilePic`."""
    media = await ctx.media.upload(
        viewer.user_id,
        lambda: read_upload(request, max_bytes=ctx.media.max_bytes, fields=UPLOAD_FIELDS),
    )
    return MediaOut.of(media)


@router.get("/{kind}/{name}", response_class=FileResponse)
async def media(kind: str, name: str, viewer: CurrentViewer, ctx: ContextDep) -> Response:
    """A profile picture (to anyone signed in) or a message picture (to the two people of a
    conversation that shows it). Content-addressed, so cached for good."""
    located = await ctx.media.locate_for(viewer.user_id, kind, name)
    if isinstance(located, LocalFile):
        return FileResponse(
            located.path,
            media_type=content_type_of(name),
            filename=name,
            content_disposition_type="inline",
            headers={"Cache-Control": IMMUTABLE, "X-Content-Type-Options": "nosniff"},
        )
    return RedirectResponse(
        located.url,
        status_code=status.HTTP_307_TEMPORARY_REDIRECT,
        headers={"Cache-Control": REDIRECT_CACHE, "X-Content-Type-Options": "nosniff"},
    )
