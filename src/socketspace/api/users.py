"""/api/users: blocking people."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from socketspace.api.deps import ContextDep, CurrentViewer
from socketspace.schemas.message import ContactOut, contact_view
from socketspace.services import users

router = APIRouter(prefix="/api/users", tags=["users"])


class BlockedOut(BaseModel):
    blocked: list[str]


class BlockedPeopleOut(BlockedOut):
    people: list[ContactOut]


@router.get("/blocked", response_model=BlockedPeopleOut)
async def blocked(viewer: CurrentViewer, ctx: ContextDep) -> dict[str, object]:
    """The people I have blocked: their ids, and (to list them) their names, by name."""
    people = await users.blocked_people(ctx.db, ctx.blocks, user_id=viewer.user_id)
    return {"blocked": [p.id for p in people], "people": [contact_view(p) for p in people]}


@router.post("/{user_id}/block", response_model=BlockedOut)
async def block(user_id: str, viewer: CurrentViewer, ctx: ContextDep) -> BlockedOut:
    """No more messages either way, and no typing or read receipts between us. Blocking again
    changes nothing."""
    await ctx.blocks.block(viewer.user_id, user_id)
    return BlockedOut(blocked=ctx.blocks.blocked_by(viewer.user_id))


@router.delete("/{user_id}/block", response_model=BlockedOut)
async def unblock(user_id: str, viewer: CurrentViewer, ctx: ContextDep) -> BlockedOut:
    await ctx.blocks.unblock(viewer.user_id, user_id)
    return BlockedOut(blocked=ctx.blocks.blocked_by(viewer.user_id))
