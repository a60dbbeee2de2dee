from __future__ import annotations

import logging

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from socketspace.api.deps import ContextDep
from socketspace.api.errors import error_response

router = APIRouter(tags=["health"])
log = logging.getLogger(__name__)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
async def readyz(ctx: ContextDep) -> dict[str, str] | JSONResponse:
    """The process can serve: its database answers."""
    try:
        await ctx.db.ping()
    except Exception as exc:  # any failure to reach the database means "not ready"
        log.warning("readiness_failed error=%s", type(exc).__name__)
        return error_response(503, "The database is not reachable.", "not_ready")
    return {"status": "ready"}
