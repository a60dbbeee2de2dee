"""/api/search: messages I may read that match a query, with snippets."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response

from socketspace.api.deps import ContextDep, CurrentViewer
from socketspace.api.messages import json_response
from socketspace.schemas.message import SearchOut, message_view
from socketspace.services import search as search_service

router = APIRouter(tags=["search"])


@router.get("/api/search", response_model=SearchOut)
async def search(
    viewer: CurrentViewer,
    ctx: ContextDep,
    q: str = Query(description='words (each a prefix), "a quoted phrase"; at most 200 chars'),
    conversationId: str | None = Query(
        default=None, description="only this conversation: a person's id, or a group's"
    ),
    sender: str | None = Query(default=None, alias="from", description="only from this person"),
    before: str | None = Query(default=None, description="only messages older than this id"),
    limit: int | None = Query(default=None, description="20 by default, at most 50"),
) -> Response:
    """Every message I may read (direct chats and groups; not deleted; in a group from my
    joining up to my leaving) that matches `q`, newest first. Case and accents do not matter.
    `snippet` is the text with `<mark>` around the matched words and everything else
    HTML-escaped. The next page: `before` the last result's id, while `hasMore`."""
    page = await search_service.search(
        ctx.db,
        viewer_id=viewer.user_id,
        q=q,
        conversation_id=conversationId,
        sender_id=sender,
        before=before,
        limit=limit,
    )
    return json_response(
        {
            "results": [
                {
                    "message": message_view(found.message, page.extras),
                    "conversation": found.conversation,
                    "snippet": found.snippet,
                }
                for found in page.results
            ],
            "hasMore": page.has_more,
        }
    )
