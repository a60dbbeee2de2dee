"""Accounts and sessions: sign up, log in, log out, change password, authenticate a token.

`check_*` validates untrusted input and raises InvalidInput; `do_*`-style writes assume it is
valid. Every function opens its own transaction on the Database it is given. `signup` and
`login` are the doors a visitor comes through: they apply the limits per address and per
account; `create_account` is the account alone, for operators.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.db import Database
from socketspace.errors import Forbidden, InvalidInput, NotAuthenticated
from socketspace.mail.outbox import Outbox, enqueue
from socketspace.models import PasswordReset, Session, User
from socketspace.models.base import utcnow
from socketspace.schemas.user import check_email
from socketspace.security.passwords import Passwords
from socketspace.security.session_cache import SessionCache
from socketspace.security.throttle import Rules, Throttle
from socketspace.security.tokens import Tokens
from socketspace.services.notify import Notifier

log = logging.getLogger(__name__)

NAME_MAX = 50
PASSWORD_MIN = 6
PASSWORD_MAX = 128


@dataclass(frozen=True)
class SignedIn:
    user: User
    session_id: str
    token: str


def check_full_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise InvalidInput("Full name cannot be empty.", code="invalid_full_name")
    if len(name) > NAME_MAX:
        raise InvalidInput(
            f"Full name must be at most {NAME_MAX} characters.", code="invalid_full_name"
        )
    return name


def check_password(value: str, *, field: str = "Password") -> str:
    if len(value) < PASSWORD_MIN:
        raise InvalidInput(
            f"{field} must be at least {PASSWORD_MIN} characters", code="invalid_password"
        )
    if len(value) > PASSWORD_MAX:
        raise InvalidInput(
            f"{field} must be at most {PASSWORD_MAX} characters", code="invalid_password"
        )
    return value


async def signup(
    db: Database,
    passwords: Passwords,
    tokens: Tokens,
    throttle: Throttle,
    rules: Rules,
    outbox: Outbox,
    *,
    address: str,
    honeypot: str | None,
    full_name: str | None,
    email: str | None,
    password: str | None,
    user_agent: str = "",
    allow_local_email_domains: bool = False,
) -> SignedIn:
    """A visitor signs up from `address`: a form-filling bot (the honeypot filled in) is
    refused, sign-ups are limited per address, and the welcome email leaves at once."""
    if honeypot:
        log.warning("bot_refused name=honeypot action=signup")
        raise Forbidden(
            "Automated sign-ups are not allowed. If you are a person, please use a browser.",
            code="bot_refused",
        )
    await throttle.hit(rules.signup_ip, address)
    signed_in = await create_account(
        db,
        passwords,
        tokens,
        full_name=full_name,
        email=email,
        password=password,
        user_agent=user_agent,
        allow_local_email_domains=allow_local_email_domains,
    )
    outbox.wake()
    return signed_in


async def create_account(
    db: Database,
    passwords: Passwords,
    tokens: Tokens,
    *,
    full_name: str | None,
    email: str | None,
    password: str | None,
    user_agent: str = "",
    allow_local_email_domains: bool = False,
) -> SignedIn:
    """An account and its first session, with its welcome email queued; no limits (operators
    call this directly)."""
    if not full_name or not email or not password:
        raise InvalidInput("All fields are required", code="missing_fields")
    name = check_full_name(full_name)
    address = check_email(email, allow_local_domains=allow_local_email_domains)
    check_password(password)

    async with db.read() as session:
        taken = await session.scalar(select(User.id).where(User.email == address))
    if taken:
        raise _email_taken()
    # Hash outside any transaction: the write lock is never held for the ~50 ms Argon2 takes.
    password_hash = await passwords.hash(password)
    try:
        async with db.write() as session:
            now = utcnow()
            user = User(
                email=address,
                full_name=name,
                password_hash=password_hash,
                created_at=now,
                updated_at=now,
            )
            session.add(user)
            await session.flush()
            signed_in = _start_session(session, tokens, user, user_agent)
            enqueue(session, template="welcome", to=address, context={"name": name})
    except IntegrityError:
        # Two signups with one email raced past the check; the unique index decided.
        raise _email_taken() from None
    log.info("signup user_id=%s", user.id)
    return signed_in


async def login(
    db: Database,
    passwords: Passwords,
    tokens: Tokens,
    throttle: Throttle,
    rules: Rules,
    *,
    address: str,
    email: str | None,
    password: str | None,
    user_agent: str = "",
) -> SignedIn:
    """Limited per address, and per account: failures lock that account out from the address
    they came from for a growing while (minutes, then an hour at most), and from everywhere
    only after a great many (LOGIN_FAILURES_PER_ACCOUNT), for at most that window.

    An attempt counts against its account and address before the password is checked (a
    success then clears the count), so guesses sent all at once cannot pass together."""
    account = (email or "").strip().lower()[:320]
    await throttle.hit(rules.login_ip, address)
    await throttle.check(rules.login_failures_account, account)
    await throttle.hit(rules.login_failures, account, address)
    try:
        signed_in = await _sign_in(
            db, passwords, tokens, email=email, password=password, user_agent=user_agent
        )
    except InvalidInput as exc:
        if exc.code == "invalid_credentials":
            await throttle.hit(rules.login_failures_account, account)
        raise
    await throttle.clear(rules.login_failures, account, address)
    return signed_in


async def _sign_in(
    db: Database,
    passwords: Passwords,
    tokens: Tokens,
    *,
    email: str | None,
    password: str | None,
    user_agent: str,
) -> SignedIn:
    """A new session for the account these credentials open."""
    if not email or not password:
        raise InvalidInput("Email and password are required", code="missing_fields")
    address = email.strip().lower()
    async with db.read() as session:
        user = await session.scalar(select(User).where(User.email == address))
    ok, new_hash = await passwords.verify(
        password[: PASSWORD_MAX * 4], user.password_hash if user else None
    )
    if user is None or not ok:
        raise InvalidInput("Invalid credentials", code="invalid_credentials")
    async with db.write() as session:
        if new_hash is not None:
            # An imported bcrypt hash (or weaker Argon2 parameters): store the upgrade.
            await session.execute(
                update(User).where(User.id == user.id).values(password_hash=new_hash)
            )
        signed_in = _start_session(session, tokens, user, user_agent)
    return signed_in


# Built once: the statement is the same for every request, only its parameters change.
_LIVE_SESSION = (
    select(Session.expires_at, Session.revoked_at)
    .join(User, User.id == Session.user_id)
    .where(Session.id == bindparam("session_id"), User.id == bindparam("user_id"))
)


@dataclass(frozen=True)
class Authenticated:
    user_id: str
    session_id: str


async def authenticate(
    db: Database, tokens: Tokens, cache: SessionCache, token: str | None
) -> Authenticated:
    """The user and session behind a token; NotAuthenticated for anything else."""
    if not token:
        raise NotAuthenticated()
    known = cache.get(token)
    if known is not None:
        return Authenticated(known.user_id, known.session_id)
    claims = tokens.read(token)
    if claims is None:
        raise NotAuthenticated()
    generation = cache.generation
    async with db.read() as session:
        row = (
            await session.execute(
                _LIVE_SESSION, {"session_id": claims.session_id, "user_id": claims.user_id}
            )
        ).one_or_none()
    if row is None:
        raise NotAuthenticated()
    expires_at, revoked_at = row
    if revoked_at is not None or expires_at <= utcnow():
        raise NotAuthenticated("Your session has ended. Please log in again.")
    ends_at = min(expires_at.timestamp(), claims.expires_at)
    cache.put(
        token,
        user_id=claims.user_id,
        session_id=claims.session_id,
        ends_at=ends_at,
        generation=generation,
    )
    return Authenticated(claims.user_id, claims.session_id)


async def signed_in_user(db: Database, user_id: str) -> User:
    """The account of an authenticated viewer, as it is now."""
    async with db.read() as session:
        user = await session.get(User, user_id)
    if user is None:  # removed since the session was checked
        raise NotAuthenticated()
    return user


async def logout(db: Database, notifier: Notifier, *, user_id: str, session_id: str) -> None:
    async with db.write() as session:
        await session.execute(
            update(Session)
            .where(Session.id == session_id, Session.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    await notifier.sessions_revoked(user_id, [session_id])


async def logout_all(db: Database, notifier: Notifier, user_id: str) -> int:
    """Revoke every live session of a user; returns how many ended."""
    ended = await _revoke_all(db, user_id)
    await notifier.sessions_revoked(user_id, None)
    return ended


async def change_password(
    db: Database,
    passwords: Passwords,
    notifier: Notifier,
    *,
    user_id: str,
    session_id: str,
    current: str | None,
    new: str | None,
) -> None:
    """Set a new password and end every other session of the user."""
    if not current or not new:
        raise InvalidInput("Current and new password are required", code="missing_fields")
    check_password(new, field="New password")
    async with db.read() as session:
        stored = await session.scalar(select(User.password_hash).where(User.id == user_id))
    ok, _ = await passwords.verify(current[: PASSWORD_MAX * 4], stored)
    if not ok:
        raise InvalidInput("Current password is incorrect", code="invalid_credentials")
    password_hash = await passwords.hash(new)
    async with db.write() as session:
        await session.execute(
            update(User)
            .where(User.id == user_id)
            .values(password_hash=password_hash, updated_at=utcnow())
        )
        # A reset link asked for before the change must not undo it.
        await session.execute(
            update(PasswordReset)
            .where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
            .values(used_at=utcnow())
        )
    await _revoke_all(db, user_id, keep=session_id)
    await notifier.sessions_revoked(user_id, None, keep=session_id)


async def ended_sessions(db: Database, session_ids: set[str]) -> set[str]:
    """Which of these sessions are over: revoked, expired or gone."""
    async with db.read() as session:
        live = set(
            await session.scalars(
                select(Session.id).where(
                    Session.id.in_(session_ids),
                    Session.revoked_at.is_(None),
                    Session.expires_at > utcnow(),
                )
            )
        )
    return session_ids - live


async def _revoke_all(db: Database, user_id: str, *, keep: str | None = None) -> int:
    query = update(Session).where(Session.user_id == user_id, Session.revoked_at.is_(None))
    if keep is not None:
        query = query.where(Session.id != keep)
    async with db.write() as session:
        result = await session.execute(query.values(revoked_at=utcnow()))
    return int(result.rowcount)  # type: ignore[attr-defined]


def _start_session(session: AsyncSession, tokens: Tokens, user: User, user_agent: str) -> SignedIn:
    now = utcnow()
    row = Session(
        id=secrets.token_urlsafe(24),
        user_id=user.id,
        created_at=now,
        expires_at=now + tokens.lifetime,
        user_agent=user_agent[:256],
    )
    session.add(row)
    token = tokens.issue(user_id=user.id, session_id=row.id, now=now)
    return SignedIn(user=user, session_id=row.id, token=token)


def _email_taken() -> InvalidInput:
    return InvalidInput("Email already exists", code="email_taken")
