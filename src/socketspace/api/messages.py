"""/api/messages: contacts, chats, history, sync, and sending, editing, deleting, reading."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request, Response, status
from pydantic import ValidationError

from socketspace.api.deps import ContextDep, CurrentViewer, token_from
from socketspace.context import AppContext
from socketspace.errors import InvalidInput
from socketspace.schemas.common import describe_validation_error
from socketspace.schemas.message import (
    AroundOut,
    ChatOut,
    ContactOut,
    EditMessageIn,
    MarkReadIn,
    MessageOut,
    ReactionsOut,
    ReportIn,
    SendMessageIn,
    SyncOut,
    chat_view,
    contact_view,
    message_reactions_view,
    message_view,
)
from socketspace.services import abuse, accounts, messages, reactions

router = APIRouter(prefix="/api/messages", tags=["messages"])

NOT_AN_OBJECT = "The request body must be a JSON object."
# The send route reads its body itself (send_request), so its schema is declared here.
SEND_DOCS: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": SendMessageIn.model_json_schema()}},
    }
}


def json_response(
    content: Any, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response:
    """Built with orjson straight from dicts: these answers are hot and already shaped."""
    return Response(
        orjson.dumps(content),
        status_code=status_code,
        headers=headers,
        media_type="application/json",
    )


@router.get("/contacts", response_model=list[ContactOut])
async def contacts(
    viewer: CurrentViewer,
    ctx: ContextDep,
    q: str | None = None,
    limit: int | None = None,
    cursor: str | None = None,
) -> Response:
    """Everyone else by name, without emails. `X-Next-Cursor` names the next page."""
    people, next_cursor = await messages.contacts(
        ctx.db, viewer_id=viewer.user_id, q=q, limit=limit, cursor=cursor
    )
    headers = {"X-Next-Cursor": next_cursor} if next_cursor else None
    return json_response([contact_view(p) for p in people], headers=headers)


@router.get("/chats", response_model=list[ChatOut])
async def chats(viewer: CurrentViewer, ctx: ContextDep) -> Response:
    """The people I talk with, newest activity first, with the last message and unread count."""
    found = await messages.chats(ctx.db, ctx.blocks, viewer_id=viewer.user_id)
    return json_response([chat_view(row) for row in found])


@router.get("/sync", response_model=SyncOut)
async def sync(
    viewer: CurrentViewer,
    ctx: ContextDep,
    after: str = "0",
    limit: int | None = None,
    groups: bool = False,
) -> Response:
    """Every message to or from me with an id above `after`, in id order; with
    `groups=true`, my groups' messages too (each with `groupId`)."""
    found, has_more, extras = await messages.sync(
        ctx.db, viewer_id=viewer.user_id, after=after, limit=limit, groups=groups
    )
    return json_response(
        {"messages": [message_view(m, extras) for m in found], "hasMore": has_more}
    )


@router.get("/around/{message_id}", response_model=AroundOut)
async def around(
    message_id: str, viewer: CurrentViewer, ctx: ContextDep, limit: int | None = None
) -> Response:
    """The page of `limit` messages (default 50, at most 200) centred on a message I may
    read, oldest first: where a client jumps to for a quote or a search result."""
    page = await messages.around(
        ctx.db, viewer_id=viewer.user_id, message_id=message_id, limit=limit
    )
    return json_response(
        {
            "messages": [message_view(m, page.extras) for m in page.messages],
            "hasMoreBefore": page.has_more_before,
            "hasMoreAfter": page.has_more_after,
        }
    )


async def send_request(ctx: AppContext, request: Request, receiver_id: str) -> Response:
    """POST /api/messages/send/{user_id}, whole: the viewer from the session, the body parsed,
    the send, and its answer: 201 with the new message, or 200 with the one a retry of the
    same clientId made before. api/send_route.py serves it in front of FastAPI, and the route
    declared below calls it too, so the two cannot drift apart. One function, not a parse
    function beside a send: on the busiest route that would be another await per message."""
    viewer = await accounts.authenticate(ctx.db, ctx.tokens, ctx.sessions, token_from(request))
    body = await request.body()
    if not body.strip():
        raise InvalidInput(NOT_AN_OBJECT)
    try:
        payload = SendMessageIn.model_validate_json(body)
    except ValidationError as exc:
        raise InvalidInput(describe_validation_error(exc.errors())) from None
    stored = await messages.send_message(
        ctx.writer,
        ctx.send_limiter,
        ctx.media,
        ctx.blocks,
        sender_id=viewer.user_id,
        receiver_id=receiver_id,
        text=payload.text,
        image=payload.image,
        client_id=payload.clientId,
        reply_to=payload.replyToId,
        forward_of=payload.forwardOf,
        mentions=payload.mentions,
    )
    return json_response(stored.view, status_code=201 if stored.created else 200)


@router.post(
    "/send/{user_id}",
    status_code=status.HTTP_201_CREATED,
    response_model=MessageOut,
    openapi_extra=SEND_DOCS,
)
async def send(user_id: str, request: Request, ctx: ContextDep) -> Response:
    """Served by api/send_route.py, in front of FastAPI; declared here for the schema."""
    return await send_request(ctx, request, user_id)


@router.post("/read/{user_id}")
async def mark_read(
    user_id: str, body: MarkReadIn, viewer: CurrentViewer, ctx: ContextDep
) -> dict[str, str]:
    """I have read the conversation up to a message (default: all of it)."""
    position = await messages.mark_read(
        ctx.db,
        ctx.notifier,
        ctx.blocks,
        reader_id=viewer.user_id,
        partner_id=user_id,
        up_to=body.upToMessageId,
    )
    return {"upToMessageId": str(position)}


@router.post("/{message_id}/report", status_code=status.HTTP_201_CREATED)
async def report(
    message_id: str, body: ReportIn, viewer: CurrentViewer, ctx: ContextDep
) -> dict[str, str]:
    """Report a message sent to me; an operator sees it with `socketspace reports`."""
    await abuse.report_message(
        ctx.db, reporter_id=viewer.user_id, message_id=message_id, reason=body.reason
    )
    return {"message": "Thank you. The message was reported to the people who run this server."}


async def _react(
    ctx: AppContext, viewer_id: str, message_id: str, emoji: str, *, on: bool
) -> Response:
    reacted = await reactions.react(
        ctx.db,
        ctx.notifier,
        ctx.blocks,
        viewer_id=viewer_id,
        message_id=message_id,
        emoji=emoji,
        on=on,
    )
    return json_response(message_reactions_view(reacted.message_id, reacted.reactions, viewer_id))


@router.put("/{message_id}/reactions/{emoji}", response_model=ReactionsOut)
async def add_reaction(
    message_id: str, emoji: str, viewer: CurrentViewer, ctx: ContextDep
) -> Response:
    """React to a message I may read with one emoji (URL-encoded); again changes nothing. At
    most 20 different emoji on a message. Both people (a group's members) get
    `reactionsUpdated`."""
    return await _react(ctx, viewer.user_id, message_id, emoji, on=True)


@router.delete("/{message_id}/reactions/{emoji}", response_model=ReactionsOut)
async def remove_reaction(
    message_id: str, emoji: str, viewer: CurrentViewer, ctx: ContextDep
) -> Response:
    """Take my reaction back (nothing to take back changes nothing)."""
    return await _react(ctx, viewer.user_id, message_id, emoji, on=False)


@router.patch("/{message_id}", response_model=MessageOut)
async def edit(
    message_id: str, body: EditMessageIn, viewer: CurrentViewer, ctx: ContextDep
) -> Response:
    message, extras = await messages.edit_message(
        ctx.db,
        ctx.notifier,
        ctx.blocks,
        viewer_id=viewer.user_id,
        message_id=message_id,
        text=body.text,
    )
    return json_response(message_view(message, extras))


@router.delete("/{message_id}", response_model=MessageOut)
async def delete(message_id: str, viewer: CurrentViewer, ctx: ContextDep) -> Response:
    message, extras = await messages.delete_message(
        ctx.db, ctx.notifier, viewer_id=viewer.user_id, message_id=message_id
    )
    return json_response(message_view(message, extras))


@router.get("/{user_id}", response_model=list[MessageOut])
async def history(
    user_id: str,
    viewer: CurrentViewer,
    ctx: ContextDep,
    before: str | None = None,
    limit: int | None = None,
) -> Response:
    """The conversation with a user, oldest first: the newest page, or the page before
    `before`. `X-Has-More: true` when older messages exist; `X-Partner-Read-Up-To` is the id
    of the last message the partner has read ("0": none, or one of you blocked the other)."""
    page = await messages.history(
        ctx.db, ctx.blocks, viewer_id=viewer.user_id, partner_id=user_id, before=before, limit=limit
    )
    return json_response(
        [message_view(m, page.extras) for m in page.messages],
        headers={
            "X-Has-More": "true" if page.has_more else "false",
            "X-Partner-Read-Up-To": str(page.partner_read_up_to),
        },
    )
