"""The signed-in user's own profile, and the people they blocked."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import cast

from sqlalchemy import func, select, update

from socketspace.db import Database
from socketspace.errors import InvalidInput, NotFound
from socketspace.models import User
from socketspace.models.base import utcnow
from socketspace.schemas.message import PersonRow
from socketspace.services.abuse import Blocks
from socketspace.services.accounts import check_full_name
from socketspace.services.media import MediaLibrary
from socketspace.services.messages import PUBLIC_USER_COLUMNS
from socketspace.services.notify import Notifier


async def update_profile(
    db: Database,
    media: MediaLibrary,
    notifier: Notifier,
    *,
    user_id: str,
    profile_pic: str | None,
    full_name: str | None,
) -> User:
    if profile_pic is None and full_name is None:
        raise InvalidInput("Profile pic is required", code="missing_fields")
    name = check_full_name(full_name) if full_name is not None else None
    picture_url = None
    if profile_pic is not None:
        # An uploaded picture's id, or a data URL (the original client's way).
        ref = media.check_picture(profile_pic, field="profilePic")
        if (allowed := media.take_upload(user_id)) is not None:
            await allowed
        picture_url = await media.picture_url(
            ref, owner_id=user_id, kind="avatars", field="profilePic"
        )

    async with db.write() as session:
        user = await session.scalar(select(User).where(User.id == user_id))
        if user is None:
            raise NotFound("User not found.")
        if name is not None:
            user.full_name = name
        if picture_url is not None:
            user.profile_pic = picture_url
        user.updated_at = utcnow()
    await notifier.user_updated(user.id, user.full_name, user.profile_pic)
    return user


async def mark_seen(db: Database, user_ids: Collection[str], at: datetime) -> None:
    """Record when these users' last connections closed: one write for a whole batch, so a
    thousand people leaving at once (a restart, a network cut) is one transaction, not a
    thousand queued for the write lock."""
    if not user_ids:
        return
    async with db.write() as session:
        await session.execute(
            update(User).where(User.id.in_(list(user_ids))).values(last_seen_at=at)
        )


async def blocked_people(db: Database, blocks: Blocks, *, user_id: str) -> list[PersonRow]:
    """The people this user blocked, by name: what their settings list, to unblock."""
    ids = blocks.blocked_by(user_id)
    if not ids:
        return []
    async with db.read() as session:
        result = await session.execute(
            select(*PUBLIC_USER_COLUMNS)
            .where(User.id.in_(ids))
            .order_by(func.lower(User.full_name), User.id)
        )
        return cast("list[PersonRow]", result.all())
