"""Dependencies shared by the routes: the app context and the signed-in viewer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from socketspace.context import AppContext
from socketspace.security.client_ip import client_ip
from socketspace.security.tokens import COOKIE_NAME
from socketspace.services import accounts
from socketspace.services.accounts import Authenticated


async def get_context(request: Request) -> AppContext:
    # async: FastAPI runs a plain `def` dependency in its thread pool, a handoff per request.
    ctx: AppContext = request.app.state.ctx
    return ctx


ContextDep = Annotated[AppContext, Depends(get_context)]


def address_of(request: Request, ctx: AppContext) -> str:
    """The client's address (X-Forwarded-For only from TRUSTED_PROXIES)."""
    return client_ip(request.scope, ctx.settings.trusted_networks)


def token_from(request: Request) -> str | None:
    """The session token: `Authorization: Bearer` for scripts, else the `jwt` cookie."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return credentials.strip()
    return request.cookies.get(COOKIE_NAME)


async def get_viewer(request: Request, ctx: ContextDep) -> Authenticated:
    return await accounts.authenticate(ctx.db, ctx.tokens, ctx.sessions, token_from(request))


CurrentViewer = Annotated[Authenticated, Depends(get_viewer)]
