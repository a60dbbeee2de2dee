"""POST /api/messages/send/{user_id}, the busiest REST route, as a plain ASGI endpoint.

It is routed like every other route (first in the router, behind the same middleware: security
headers, request id, the /api ceiling, bots, CSRF, the body limit), and its errors leave through
the same handlers (api/errors.py). What it skips is FastAPI's work per request: solving
dependencies, validating and serialising through the route's models, and the route lookup
behind the other routes. At the limit that was about a third of the server's time for a REST
send (py-spy, bench/run.py --path rest).

`api/messages.py` still declares the route, for the OpenAPI schema; both send with `send_from`.
"""

from __future__ import annotations

from pydantic import ValidationError
from starlette.requests import Request
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from socketspace.api.deps import token_from
from socketspace.api.messages import send_from
from socketspace.context import AppContext
from socketspace.errors import InvalidInput
from socketspace.schemas.common import describe_validation_error
from socketspace.schemas.message import SendMessageIn
from socketspace.services import accounts

PATH = "/api/messages/send/{user_id}"
NOT_AN_OBJECT = "The request body must be a JSON object."


class SendEndpoint:
    """An ASGI app (not a function, which Starlette would wrap as a request handler)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        ctx: AppContext = request.app.state.ctx
        viewer = await accounts.authenticate(ctx.db, ctx.tokens, ctx.sessions, token_from(request))
        body = await request.body()
        if not body.strip():
            raise InvalidInput(NOT_AN_OBJECT)
        try:
            payload = SendMessageIn.model_validate_json(body)
        except ValidationError as exc:
            raise InvalidInput(describe_validation_error(exc.errors())) from None
        response = await send_from(ctx, viewer.user_id, scope["path_params"]["user_id"], payload)
        await response(scope, receive, send)


def send_route() -> Route:
    return Route(PATH, SendEndpoint(), methods=["POST"], include_in_schema=False)
