"""/api/users: blocking people."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from socketspace.api.deps import ContextDep, CurrentViewer

router = APIRouter(prefix="/api/users", tags=["users"])


class BlockedOut(BaseModel):
    blocked: list[str]


@router.get("/blocked", response_model=BlockedOut)
async def blocked(viewer: CurrentViewer, ctx: ContextDep) -> BlockedOut:
    """The people I have blocked."""
    return BlockedOut(blocked=ctx.blocks.blocked_by(viewer.user_id))


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
