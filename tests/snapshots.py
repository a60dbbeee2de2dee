"""What a refused request must leave untouched: every row of `users`, `sessions` and
`password_resets`, and the number of queued emails."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from socketspace.db import Database
from socketspace.models import OutboxEmail, PasswordReset, Session, User


@dataclass(frozen=True)
class Tables:
    """Everything a refused request could have touched."""

    users: int
    sessions: int
    user_rows: tuple[tuple[Any, ...], ...]
    session_rows: tuple[tuple[Any, ...], ...]
    reset_rows: tuple[tuple[Any, ...], ...]
    emails: int


async def tables(db: Database) -> Tables:
    async with db.read() as s:
        users = await s.scalar(select(func.count()).select_from(User))
        sessions = await s.scalar(select(func.count()).select_from(Session))
        user_rows = (
            await s.execute(
                select(
                    User.id,
                    User.email,
                    User.full_name,
                    User.password_hash,
                    User.profile_pic,
                    User.created_at,
                    User.updated_at,
                ).order_by(User.id)
            )
        ).all()
        session_rows = (
            await s.execute(
                select(
                    Session.id,
                    Session.user_id,
                    Session.created_at,
                    Session.expires_at,
                    Session.revoked_at,
                ).order_by(Session.id)
            )
        ).all()
        reset_rows = (
            await s.execute(
                select(PasswordReset.id, PasswordReset.used_at).order_by(PasswordReset.id)
            )
        ).all()
        emails = await s.scalar(select(func.count()).select_from(OutboxEmail))
    return Tables(
        users=int(users or 0),
        sessions=int(sessions or 0),
        user_rows=tuple(tuple(row) for row in user_rows),
        session_rows=tuple(tuple(row) for row in session_rows),
        reset_rows=tuple(tuple(row) for row in reset_rows),
        emails=int(emails or 0),
    )
