"""Every error leaves the HTTP edge in one shape: `{"message": ..., "code": ...}`."""

from __future__ import annotations

import logging
from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from socketspace.errors import AppError, RateLimited
from socketspace.schemas.common import describe_validation_error

log = logging.getLogger(__name__)

FASTAPI_BODY_ERROR = "There was an error parsing the body"


def error_response(
    status: int, message: str, code: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"message": message, "code": code}, status_code=status, headers=headers)


def app_error_response(exc: AppError) -> JSONResponse:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return error_response(exc.status, exc.message, exc.code, headers)


def unexpected_error_response(scope: Scope, exc: BaseException) -> JSONResponse:
    """Logs a failure nobody expected, and answers it without its details."""
    request_id = scope.get("state", {}).get("request_id", "-")
    log.error("unhandled_error request_id=%s path=%s", request_id, scope["path"], exc_info=exc)
    # The answer carries the id too: RequestIdMiddleware, around everything, adds it.
    return error_response(
        500, "Something went wrong on our side. Please try again.", "internal_error"
    )


class LastResort:
    """Answers an exception that escapes the app in front of FastAPI (the guards, the send
    route) as FastAPI's handlers would: a JSON 500, never a bare text one. An exception
    raised once an answer has begun (FastAPI raises again what it has answered) goes on to
    the server, which logs it and ends the connection."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        answered = False

        async def noting(message: Message) -> None:
            nonlocal answered
            answered = True
            await send(message)

        try:
            await self.app(scope, receive, noting)
        except Exception as exc:
            if answered:
                raise
            await unexpected_error_response(scope, exc)(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(_request: Request, exc: AppError) -> JSONResponse:
        return app_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(400, describe_validation_error(exc.errors()), "invalid_input")

    @app.exception_handler(HTTPException)
    async def _http(_request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400 and exc.detail == FASTAPI_BODY_ERROR:
            # FastAPI's answer to a body it cannot decode at all (e.g. invalid UTF-8).
            return error_response(400, "The request body is not valid JSON.", "invalid_input")
        phrase = HTTPStatus(exc.status_code).phrase
        message = exc.detail if isinstance(exc.detail, str) and exc.detail != phrase else None
        code = phrase.lower().replace(" ", "_").replace("-", "_")
        return error_response(
            exc.status_code,
            message or f"{phrase}.",
            code,
            dict(exc.headers) if exc.headers else None,
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return unexpected_error_response(request.scope, exc)
