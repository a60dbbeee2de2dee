"""/api/groups: group conversations; /api/conversations: direct chats and groups together."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response, status

from socketspace.api.deps import ContextDep, CurrentViewer
from socketspace.api.messages import json_response
from socketspace.models.conversation import OWNER
from socketspace.schemas.conversation import (
    ConversationSettingsIn,
    ConversationSettingsOut,
    settings_fields,
    settings_view,
)
from socketspace.schemas.group import (
    AddMembersIn,
    CreateGroupIn,
    GroupOut,
    GroupReadIn,
    SetRoleIn,
    UpdateGroupIn,
    group_chat_view,
    group_view,
)
from socketspace.schemas.message import MessageOut, SendMessageIn, chat_view, message_view
from socketspace.services import conversation_settings, conversations, groups

router = APIRouter(tags=["groups"])


@router.post("/api/groups", status_code=status.HTTP_201_CREATED, response_model=GroupOut)
async def create(body: CreateGroupIn, viewer: CurrentViewer, ctx: ContextDep) -> Response:
    """A new group; I am its owner. `memberIds` may be empty."""
    group = await groups.create_group(
        ctx.db,
        ctx.notifier,
        creator_id=viewer.user_id,
        name=body.name,
        member_ids=body.memberIds,
        max_members=ctx.settings.group_max_members,
    )
    return json_response(group_view(group, OWNER), status_code=201)


@router.get("/api/groups/{group_id}", response_model=GroupOut)
async def get(group_id: str, viewer: CurrentViewer, ctx: ContextDep) -> Response:
    """The group, to its members (and, read-only, to those who left it); 404 to anyone else."""
    group, role = await groups.get_group(ctx.db, viewer_id=viewer.user_id, group_id=group_id)
    return json_response(group_view(group, role))


@router.patch("/api/groups/{group_id}", response_model=GroupOut)
async def update(
    group_id: str, body: UpdateGroupIn, viewer: CurrentViewer, ctx: ContextDep
) -> Response:
    """Rename, or change the picture (`avatar`: an uploaded picture's id, or null)."""
    group = await groups.update_group(
        ctx.db,
        ctx.notifier,
        ctx.media,
        actor_id=viewer.user_id,
        group_id=group_id,
        fields=body.model_dump(exclude_unset=True),
    )
    return json_response(group_view(group, group.role_of(viewer.user_id)))


@router.post("/api/groups/{group_id}/members", response_model=GroupOut)
async def add_members(
    group_id: str, body: AddMembersIn, viewer: CurrentViewer, ctx: ContextDep
) -> Response:
    group = await groups.add_members(
        ctx.db,
        ctx.notifier,
        actor_id=viewer.user_id,
        group_id=group_id,
        user_ids=body.userIds,
        max_members=ctx.settings.group_max_members,
    )
    return json_response(group_view(group, group.role_of(viewer.user_id)))


@router.delete("/api/groups/{group_id}/members/{user_id}", response_model=GroupOut)
async def remove_member(
    group_id: str, user_id: str, viewer: CurrentViewer, ctx: ContextDep
) -> Response:
    """Remove someone, or (my own id) leave."""
    group = await groups.remove_member(
        ctx.db, ctx.notifier, actor_id=viewer.user_id, group_id=group_id, user_id=user_id
    )
    return json_response(group_view(group, group.role_of(viewer.user_id) or groups.LEFT))


@router.put("/api/groups/{group_id}/members/{user_id}", response_model=GroupOut)
async def set_role(
    group_id: str, user_id: str, body: SetRoleIn, viewer: CurrentViewer, ctx: ContextDep
) -> Response:
    group = await groups.set_role(
        ctx.db,
        ctx.notifier,
        actor_id=viewer.user_id,
        group_id=group_id,
        user_id=user_id,
        role=body.role,
    )
    return json_response(group_view(group, group.role_of(viewer.user_id)))


@router.get("/api/groups/{group_id}/messages", response_model=list[MessageOut])
async def history(
    group_id: str,
    viewer: CurrentViewer,
    ctx: ContextDep,
    before: str | None = None,
    limit: int | None = None,
) -> Response:
    """The group's messages I may read, oldest first; `X-Has-More: true` when there are older."""
    page = await groups.group_history(
        ctx.db, viewer_id=viewer.user_id, group_id=group_id, before=before, limit=limit
    )
    return json_response(
        [message_view(m, page.extras) for m in page.messages],
        headers={"X-Has-More": "true" if page.has_more else "false"},
    )


@router.post(
    "/api/groups/{group_id}/messages",
    status_code=status.HTTP_201_CREATED,
    response_model=MessageOut,
)
async def send(
    group_id: str, body: SendMessageIn, viewer: CurrentViewer, ctx: ContextDep
) -> Response:
    """201 the new message, or 200 the one a retry of the same clientId made before."""
    stored = await groups.send_group_message(
        ctx.writer,
        ctx.send_limiter,
        ctx.media,
        sender_id=viewer.user_id,
        group_id=group_id,
        text=body.text,
        image=body.image,
        client_id=body.clientId,
        reply_to=body.replyToId,
        forward_of=body.forwardOf,
        mentions=body.mentions,
    )
    return json_response(stored.view, status_code=201 if stored.created else 200)


@router.post("/api/groups/{group_id}/read")
async def mark_read(
    group_id: str, body: GroupReadIn, viewer: CurrentViewer, ctx: ContextDep
) -> dict[str, str]:
    position = await groups.mark_group_read(
        ctx.db, ctx.notifier, reader_id=viewer.user_id, group_id=group_id, up_to=body.upToMessageId
    )
    return {"upToMessageId": str(position)}


@router.put("/api/conversations/{key}/settings", response_model=ConversationSettingsOut)
async def update_settings(
    key: str, body: ConversationSettingsIn, viewer: CurrentViewer, ctx: ContextDep
) -> dict[str, Any]:
    """Mute (until unmuted, or `mutedFor` seconds) or pin a conversation of mine (`key`: the
    other person's id, or the group's), on all my devices: my connections that ask with auth
    {settings: true} get `conversationSettings`. At most 5 pinned."""
    settings = await conversation_settings.update_settings(
        ctx.db,
        ctx.notifier,
        viewer_id=viewer.user_id,
        key=key,
        muted=body.muted,
        muted_for=body.mutedFor,
        pinned=body.pinned,
    )
    return settings_view(settings)


@router.get("/api/conversations")
async def conversations_list(
    viewer: CurrentViewer, ctx: ContextDep, before: str | None = None, limit: int | None = None
) -> Response:
    """Every direct chat and group of mine, newest activity first. `X-Next-Before` is the
    `before` of the next page, when there is one."""
    page = await conversations.conversations(
        ctx.db, ctx.blocks, viewer_id=viewer.user_id, before=before, limit=limit
    )
    listed: list[dict[str, Any]] = []
    mine = await conversation_settings.settings_of(ctx.db, viewer.user_id)
    for kind, index in page.order:
        if kind == "group":
            entry = group_chat_view(page.groups[index])
        else:
            entry = {"type": "direct", **chat_view(page.direct[index])}
        entry.update(settings_fields(mine.get((kind, entry["_id"]))))
        listed.append(entry)
    headers = {"X-Has-More": "true" if page.has_more else "false"}
    if page.next_before is not None:
        headers["X-Next-Before"] = str(page.next_before)
    return json_response(listed, headers=headers)
