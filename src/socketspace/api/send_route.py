"""POST /api/messages/send/{user_id}, the busiest REST route, served in front of FastAPI.

`SendRoute` is the app behind the guards (app.py `guarded`: metrics, security headers,
request id, the /api ceiling, bots, CSRF, the body limit). It hands a send straight to its
endpoint and everything else to FastAPI. A send so skips what FastAPI does per request:
its own middleware (error, telemetry and body-limit layers, the exception middleware, an
exit stack), the route lookup, solving dependencies, validating and serialising through
the route's models. At the limit that was about half of the server's time for a REST send
(py-spy, bench/run.py --path rest). Its errors are answered as FastAPI's handlers answer
them (api/errors.py).

`api/messages.py` still declares the route, for the OpenAPI schema; both answer with its
`send_request`, which parses, authenticates, sends and shapes the answer.
"""

from __future__ import annotations

from typing import NamedTuple

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from socketspace.api.errors import app_error_response, unexpected_error_response
from socketspace.api.messages import send_request
from socketspace.context import AppContext
from socketspace.errors import AppError

PREFIX = "/api/messages/send/"


class RouteLabel(NamedTuple):
    """What a router leaves in `scope["route"]`: the request metrics label by its path."""

    path: str


ROUTE = RouteLabel(PREFIX + "{user_id}")


class SendRoute:
    def __init__(self, api: ASGIApp, ctx: AppContext) -> None:
        self.api = api
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            path: str = scope["path"]
            user_id = path[len(PREFIX) :]
            # The paths FastAPI's `/send/{user_id}` takes: one segment, not empty.
            if path.startswith(PREFIX) and user_id and "/" not in user_id:
                scope["route"] = ROUTE
                await self.send_message(scope, receive, send, user_id)
                return
        await self.api(scope, receive, send)

    async def send_message(self, scope: Scope, receive: Receive, send: Send, to: str) -> None:
        try:
            response = await send_request(self.ctx, Request(scope, receive), to)
        except AppError as exc:
            response = app_error_response(exc)
        except Exception as exc:
            response = unexpected_error_response(scope, exc)
        await response(scope, receive, send)
