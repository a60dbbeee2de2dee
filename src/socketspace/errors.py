"""Domain errors: raised anywhere below the edges, translated once per edge.

HTTP turns them into `{"message", "code"}` with `status`; socket acks into
`{"ok": false, "error": code, "message"}`.
"""

from __future__ import annotations


class AppError(Exception):
    status = 400
    code = "bad_request"
    message = "The request could not be processed."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = message or type(self).message
        if code:
            self.code = code
        super().__init__(self.message)


class InvalidInput(AppError):
    status = 400
    code = "invalid_input"


class NotAuthenticated(AppError):
    status = 401
    code = "not_authenticated"
    message = "Please log in to continue."


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    message = "You are not allowed to do that."


class NotFound(AppError):
    status = 404
    code = "not_found"
    message = "Not found."


class Unavailable(AppError):
    status = 503
    code = "unavailable"
    message = "The server could not do that just now. Please try again."


class RateLimited(AppError):
    status = 429
    code = "rate_limited"
    message = "Too many requests. Please slow down."

    def __init__(self, retry_after: int, message: str | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"
    message = "The request is too large."
