"""Session tokens: HS256 JWTs naming a user (`sub`) and a server-side session (`sid`)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

ALGORITHM = "HS256"
# The cookie that carries the token; the original client's name for it.
COOKIE_NAME = "jwt"
REQUIRED_CLAIMS = ["exp", "iat", "sub", "sid"]


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    session_id: str
    expires_at: float  # seconds since the epoch


def issue_token(
    key: str, *, user_id: str, session_id: str, issued: datetime, expires: datetime
) -> str:
    payload = {"sub": user_id, "sid": session_id, "iat": issued, "exp": expires}
    return jwt.encode(payload, key, algorithm=ALGORITHM)


def read_token(key: str, token: str) -> TokenClaims | None:
    """The claims of a valid token, or None for anything expired, tampered or malformed."""
    try:
        payload = jwt.decode(
            token, key, algorithms=[ALGORITHM], options={"require": REQUIRED_CLAIMS}
        )
    except jwt.PyJWTError:
        return None
    sub, sid, exp = payload.get("sub"), payload.get("sid"), payload.get("exp")
    if not isinstance(sub, str) or not isinstance(sid, str) or not isinstance(exp, int | float):
        return None
    return TokenClaims(user_id=sub, session_id=sid, expires_at=float(exp))


class Tokens:
    """Issues and reads session tokens with one key and one lifetime."""

    def __init__(self, key: str, lifetime: timedelta) -> None:
        self.key = key
        self.lifetime = lifetime

    def issue(self, *, user_id: str, session_id: str, now: datetime) -> str:
        return issue_token(
            self.key,
            user_id=user_id,
            session_id=session_id,
            issued=now,
            expires=now + self.lifetime,
        )

    def read(self, token: str) -> TokenClaims | None:
        return read_token(self.key, token)


def reset_token(key: str, reset_id: str) -> str:
    """The secret in a password-reset link, derived from the request's id with the server's
    key: the database keeps only its hash, and the outbox only the id."""
    digest = hmac.new(key.encode(), b"password-reset:" + reset_id.encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()


def hash_reset_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
