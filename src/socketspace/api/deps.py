"""Dependencies shared by the routes: the app context and the signed-in viewer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from socketspace.context import AppContext
from socketspace.models import User
from socketspace.security.client_ip import client_ip
from socketspace.security.tokens import COOKIE_NAME
from socketspace.services import accounts


def get_context(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


ContextDep = Annotated[AppContext, Depends(get_context)]


def address_of(request: Request, ctx: AppContext) -> str:
    """The client's address (X-Forwarded-For only from TRUSTED_PROXIES)."""
    return client_ip(request.scope, ctx.settings.trusted_networks)


@dataclass(frozen=True)
class Viewer:
    user: User
    session_id: str


def token_from(request: Request) -> str | None:
    """The session token: `Authorization: Bearer` for scripts, else the `jwt` cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return credentials.strip()
    return request.cookies.get(COOKIE_NAME)


async def get_viewer(request: Request, ctx: ContextDep) -> Viewer:
    user, session_id = await accounts.authenticate(ctx.db, ctx.tokens, token_from(request))
    return Viewer(user=user, session_id=session_id)


CurrentViewer = Annotated[Viewer, Depends(get_viewer)]
