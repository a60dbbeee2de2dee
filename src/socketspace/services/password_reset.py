"""Forgotten passwords: a single-use emailed link, valid for a short while.

The link's token is derived from the request's id with the server's key (`reset_token`), so
the database keeps only its hash and the outbox only the id.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from sqlalchemy import select, update

from socketspace.db import Database
from socketspace.errors import InvalidInput
from socketspace.mail.outbox import Outbox, enqueue
from socketspace.models import PasswordReset, Session, User
from socketspace.models.base import utcnow
from socketspace.schemas.user import check_email
from socketspace.security.passwords import Passwords
from socketspace.security.throttle import Rules, Throttle
from socketspace.security.tokens import hash_reset_token, reset_token
from socketspace.services.accounts import check_password
from socketspace.services.notify import Notifier

log = logging.getLogger(__name__)

TOKEN_MAX = 128


async def request_reset(
    db: Database,
    throttle: Throttle,
    rules: Rules,
    outbox: Outbox,
    *,
    key: str,
    lifetime: timedelta,
    address: str,
    email: str | None,
    allow_local_email_domains: bool = False,
) -> bool:
    """Send a reset email when an account has this address; limited per client address and
    per email. The caller answers the same way either way, so nothing can be learnt about who
    is here; the return value (whether an email was queued) is for tests and logs."""
    checked = check_email(email, allow_local_domains=allow_local_email_domains) if email else None
    await throttle.hit(rules.reset_ip, address)
    if not checked:
        raise InvalidInput("Email is required", code="missing_fields")
    await throttle.hit(rules.reset_email, checked)
    queued = await _queue_reset(db, key=key, lifetime=lifetime, address=checked)
    if queued:
        outbox.wake()
    return queued


async def _queue_reset(db: Database, *, key: str, lifetime: timedelta, address: str) -> bool:
    async with db.read() as session:
        user = await session.scalar(select(User).where(User.email == address))
    if user is None:
        log.info("password_reset_unknown_email")
        return False
    reset_id = secrets.token_urlsafe(16)
    now = utcnow()
    async with db.write() as session:
        session.add(
            PasswordReset(
                id=reset_id,
                user_id=user.id,
                token_hash=hash_reset_token(reset_token(key, reset_id)),
                created_at=now,
                expires_at=now + lifetime,
            )
        )
        enqueue(
            session,
            template="password_reset",
            to=user.email,
            context={"name": user.full_name, "reset_id": reset_id},
        )
    log.info("password_reset_requested user_id=%s", user.id)
    return True


async def reset_password(
    db: Database,
    passwords: Passwords,
    notifier: Notifier,
    *,
    token: str | None,
    new_password: str | None,
) -> None:
    """Set a new password from a reset link and end every session of that user."""
    if not token or not new_password:
        raise InvalidInput("The reset link and a new password are required", code="missing_fields")
    check_password(new_password, field="New password")
    token_hash = hash_reset_token(token[:TOKEN_MAX])
    async with db.read() as session:
        reset = await session.scalar(
            select(PasswordReset).where(PasswordReset.token_hash == token_hash)
        )
    _check_usable(reset)
    assert reset is not None
    password_hash = await passwords.hash(new_password)
    now = utcnow()
    async with db.write() as session:
        # Claimed with a conditional update, so two uses racing each other cannot both win.
        claimed = await session.execute(
            update(PasswordReset)
            .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]
            raise _used()
        await session.execute(
            update(User)
            .where(User.id == reset.user_id)
            .values(password_hash=password_hash, updated_at=now)
        )
        await session.execute(
            update(Session)
            .where(Session.user_id == reset.user_id, Session.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        await session.execute(
            update(PasswordReset)
            .where(PasswordReset.user_id == reset.user_id, PasswordReset.used_at.is_(None))
            .values(used_at=now)
        )
    await notifier.sessions_revoked(reset.user_id, None)
    log.info("password_reset user_id=%s", reset.user_id)


def _check_usable(reset: PasswordReset | None) -> None:
    if reset is None:
        raise InvalidInput(
            "This reset link is not valid. Ask for a new one.", code="invalid_reset_token"
        )
    if reset.used_at is not None:
        raise _used()
    if reset.expires_at <= utcnow():
        raise InvalidInput(
            "This reset link has expired. Ask for a new one.", code="reset_token_expired"
        )


def _used() -> InvalidInput:
    return InvalidInput(
        "This reset link has already been used. Ask for a new one if you need to.",
        code="reset_token_used",
    )
