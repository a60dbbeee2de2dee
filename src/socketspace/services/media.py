"""Pictures: taking them in (uploads and data URLs go through one pipeline), attaching them
to messages and profiles, deciding who may see them, and sweeping away what nothing shows.

Why the sweep cannot remove a picture that is about to be used: taking a picture in writes its
row before its bytes, attaching one moves its `used_at`, and the sweep holds the `media` table
(on SQLite the write lock, on PostgreSQL a lock that excludes inserts and updates) from deciding
until its deletes are done. Either a new row is seen and keeps the bytes, or it is written after
the sweep and writes the bytes again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, NamedTuple, Protocol, TypeVar

from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.config import Settings
from socketspace.db import Database
from socketspace.errors import Forbidden, InvalidInput, NotFound, Unavailable
from socketspace.media.images import (
    MAX_BYTES,
    DataUrl,
    Processed,
    Purpose,
    check_data_url,
    declared_format,
    decode_base64,
)
from socketspace.media.images import process as process_image
from socketspace.media.storage import (
    KINDS,
    LocalFile,
    LocalStorage,
    Redirect,
    S3Storage,
    Storage,
    is_media_name,
    key_of,
)
from socketspace.models import Conversation, Media, Message, Report, User
from socketspace.models.base import new_id, utcnow
from socketspace.periodic import Periodic
from socketspace.schemas.message import PictureSize
from socketspace.security.throttle import Throttle, UserBudget
from socketspace.services.visibility import readable_by

log = logging.getLogger(__name__)

T = TypeVar("T")
_MEDIA_ID = re.compile(r"^[0-9a-f]{24}$")
SWEEP_BATCH = 200
TOO_MANY_UPLOADS = "You are sending pictures too fast. Please wait a moment."
# What an upload's `purpose` may say, and the kind of picture each makes.
PURPOSES: dict[str, Purpose] = {"message": "images", "avatar": "avatars"}


@dataclass(frozen=True)
class MediaId:
    """A picture uploaded before (POST /api/media), named by its id."""

    id: str


PictureRef = DataUrl | MediaId


class SentPicture(Protocol):
    """A picture as an upload brings it: its bytes, its declared Content-Type, and the
    form's text fields."""

    @property
    def file(self) -> IO[bytes]: ...

    @property
    def content_type(self) -> str | None: ...

    @property
    def fields(self) -> Mapping[str, str]: ...


def url_of(kind: str, name: str) -> str:
    return f"/api/media/{kind}/{name}"


class Picture(NamedTuple):
    """A stored picture, as a message refers to it: its URL, and its size, by which clients
    keep its place in a list before it has loaded."""

    url: str
    width: int
    height: int


async def load_picture_sizes(session: AsyncSession, urls: Iterable[str]) -> dict[str, PictureSize]:
    """The width and height of the message pictures at these URLs, by URL: one query for a
    page of messages, none when it shows no picture. A URL no row knows is left out."""
    prefix = url_of("images", "")
    names = {url.removeprefix(prefix) for url in urls if url.startswith(prefix)}
    if not names:
        return {}
    rows = await session.execute(
        select(Media.name, Media.width, Media.height).where(
            Media.kind == "images", Media.name.in_(names)
        )
    )
    return {prefix + name: (width, height) for name, width, height in rows}


def thumb_name(name: str) -> str:
    sha, ext = name.split(".", 1)
    return f"{sha}.thumb.{ext}"


def thumb_url(url: str) -> str:
    """The thumbnail's URL beside a picture's (url_of)."""
    folder, name = url.rsplit("/", 1)
    return f"{folder}/{thumb_name(name)}"


def main_name(name: str) -> str:
    return name.replace(".thumb.", ".", 1)


def check_picture(value: str, *, field: str, max_bytes: int = MAX_BYTES) -> PictureRef:
    """An uploaded picture's id or a `data:image/...;base64,` URL. Cheap: for the event loop."""
    if _MEDIA_ID.match(value):
        return MediaId(value)
    if not value.startswith("data:"):
        raise InvalidInput(
            f"{field} must be the id of an uploaded picture or an image data URL.",
            code="invalid_image",
        )
    return check_data_url(value, field=field, max_bytes=max_bytes)


def storage_from(settings: Settings) -> Storage:
    if settings.s3_bucket:
        return S3Storage.connect(
            settings.s3_bucket,
            endpoint=settings.s3_endpoint,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        )
    return LocalStorage(settings.media_path)


class MediaLibrary:
    """The pictures of a server: its storage, a small pool of threads that decode and encode
    images (so they never block the event loop, and a burst of uploads cannot take every
    core), the upload rate limit, and the periodic sweep."""

    def __init__(
        self,
        db: Database,
        storage: Storage,
        *,
        limiter: UserBudget,
        workers: int = 2,
        orphan_after: timedelta = timedelta(hours=24),
        sweep_every: float = 3600.0,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.db = db
        self.max_bytes = max_bytes
        self.storage = storage
        self.limiter = limiter
        self.orphan_after = orphan_after
        self._pool = ThreadPoolExecutor(workers, thread_name_prefix="images")
        self._sweeper = Periodic("media_sweep", sweep_every, self.sweep)

    @classmethod
    def build(cls, db: Database, settings: Settings, throttle: Throttle) -> MediaLibrary:
        return cls(
            db,
            storage_from(settings),
            limiter=UserBudget(
                throttle,
                "uploads",
                rate=settings.uploads_per_minute / 60,
                burst=settings.upload_burst,
                message=TOO_MANY_UPLOADS,
            ),
            workers=settings.image_workers,
            orphan_after=timedelta(hours=settings.media_orphan_hours),
            sweep_every=settings.media_sweep_seconds,
            max_bytes=settings.upload_max_mb * 1024 * 1024,
        )

    def start(self) -> None:
        if self._sweeper.seconds > 0:
            self._sweeper.start()

    async def close(self) -> None:
        await self._sweeper.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def check_picture(self, value: str, *, field: str) -> PictureRef:
        """An uploaded picture's id or a data URL within the size limit (see check_picture)."""
        return check_picture(value, field=field, max_bytes=self.max_bytes)

    def take_upload(self, user_id: str) -> Awaitable[None] | None:
        """Spend one of the user's picture tokens: RateLimited at once, or (when counted in
        Redis) the check to await."""
        return self.limiter.take(user_id)

    # --- taking pictures in ------------------------------------------------------------------

    async def upload(
        self, owner_id: str, receive: Callable[[], AbstractAsyncContextManager[SentPicture]]
    ) -> Media:
        """An uploaded picture, checked, re-encoded and stored. The owner's picture budget is
        spent before `receive` reads a byte of the body; `purpose` (`message`, the default, or
        `avatar`) says what it is for."""
        if (allowed := self.take_upload(owner_id)) is not None:
            await allowed
        async with receive() as sent:
            kind = PURPOSES.get(sent.fields.get("purpose", "message"))
            if kind is None:
                raise InvalidInput("purpose must be message or avatar.", code="invalid_upload")
            declared = declared_format(sent.content_type)
            if declared == "":
                raise InvalidInput(
                    "file must be a PNG, JPEG, WebP or GIF image.", code="invalid_image"
                )
            return await self.take_in(
                sent.file.read, owner_id=owner_id, kind=kind, field="file", declared=declared
            )

    async def take_in(
        self,
        read: Callable[[], bytes],
        *,
        owner_id: str,
        kind: Purpose,
        field: str,
        declared: str | None = None,
    ) -> Media:
        """Check and re-encode a picture off the event loop (`read` runs there too), then
        record it and store its bytes."""

        def work() -> Processed:
            return process_image(
                read(), kind, field=field, declared=declared, max_bytes=self.max_bytes
            )

        processed = await self._in_pool(work)
        now = utcnow()
        media = Media(
            id=new_id(),
            owner_id=owner_id,
            kind=kind,
            name=f"{hashlib.sha256(processed.main.data).hexdigest()}.{processed.main.ext}",
            content_type=processed.main.content_type,
            width=processed.width,
            height=processed.height,
            size=len(processed.main.data),
            created_at=now,
            used_at=now,
        )
        # The row first, then the bytes (see the module docstring).
        async with self.db.write() as session:
            session.add(media)
        try:
            await asyncio.to_thread(self._put, media, processed)
        except Exception:
            log.exception("media_store_failed kind=%s name=%s", kind, media.name)
            async with self.db.write() as session:
                await session.execute(delete(Media).where(Media.id == media.id))
            raise Unavailable("The picture could not be stored. Please try again.") from None
        log.info("media_stored kind=%s name=%s size=%d", kind, media.name, media.size)
        return media

    def _put(self, media: Media, processed: Processed) -> None:
        thumb = processed.thumb
        self.storage.put(key_of(media.kind, thumb_name(media.name)), thumb.data, thumb.content_type)
        main = processed.main
        self.storage.put(key_of(media.kind, media.name), main.data, main.content_type)

    async def attach(self, media_id: str, *, owner_id: str, kind: Purpose, field: str) -> Media:
        """An upload of the owner's, marked as used just now so no sweep takes it."""
        async with self.db.write() as session:
            found: Media | None = await session.scalar(
                update(Media)
                .where(Media.id == media_id, Media.owner_id == owner_id)
                .values(used_at=utcnow())
                .returning(Media)
            )
            if found is None:
                raise NotFound(f"{field}: no such upload.", code="media_not_found")
            if found.kind != kind:
                wanted = "a profile picture" if kind == "avatars" else "a message"
                raise InvalidInput(
                    f"{field}: this upload was not made for {wanted} (see `purpose`).",
                    code="wrong_media_purpose",
                )
        return found

    async def picture_url(
        self, ref: PictureRef, *, owner_id: str, kind: Purpose, field: str
    ) -> str:
        """The URL of a picture given by id or as a data URL, ready to be stored."""
        return (await self.picture(ref, owner_id=owner_id, kind=kind, field=field)).url

    async def picture(
        self, ref: PictureRef, *, owner_id: str, kind: Purpose, field: str
    ) -> Picture:
        """A picture given by id or as a data URL, ready to be stored: its URL and size."""
        if isinstance(ref, MediaId):
            media = await self.attach(ref.id, owner_id=owner_id, kind=kind, field=field)
        else:
            payload = ref.payload
            media = await self.take_in(
                lambda: decode_base64(payload, field=field),
                owner_id=owner_id,
                kind=kind,
                field=field,
                declared=ref.declared,
            )
        return Picture(url_of(kind, media.name), media.width, media.height)

    async def _in_pool(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._pool, work)

    # --- serving -----------------------------------------------------------------------------

    async def locate_for(self, viewer_id: str, kind: str, name: str) -> LocalFile | Redirect:
        """How to serve a picture to this viewer. Avatars: to anyone signed in. Message
        pictures: to the two people of a conversation that shows it, and to its uploader."""
        if kind not in KINDS or not is_media_name(name):
            raise NotFound("Picture not found.")
        if kind == "images":
            await self._check_may_see_image(viewer_id, main_name(name))
        located = self.storage.locate(key_of(kind, name))
        if located is None:
            raise NotFound("Picture not found.")
        return located

    async def _check_may_see_image(self, viewer_id: str, name: str) -> None:
        url = url_of("images", name)
        async with self.db.read() as session:
            shown = await session.scalar(
                select(Message.id).where(Message.image == url, readable_by(viewer_id)).limit(1)
            )
            if shown is not None:
                return
            owners = set(
                await session.scalars(
                    select(Media.owner_id).where(Media.kind == "images", Media.name == name)
                )
            )
        if viewer_id in owners:
            return
        if owners:
            raise Forbidden("You cannot see this picture.", code="media_forbidden")
        raise NotFound("Picture not found.")

    # --- the sweep ---------------------------------------------------------------------------

    async def sweep(self, now: datetime | None = None) -> int:
        """Remove pictures that no message and no profile shows and that were not made or
        attached within `orphan_after`; returns how many were removed."""
        moment = now or utcnow()
        removed = 0
        while True:
            count, more = await self._sweep_batch(moment)
            removed += count
            if not more:
                return removed

    async def _sweep_batch(self, now: datetime) -> tuple[int, bool]:
        cutoff = now - self.orphan_after
        async with self.db.write() as session:
            if not self.db.is_sqlite:
                await session.execute(text("LOCK TABLE media IN SHARE ROW EXCLUSIVE MODE"))
            stale = (
                await session.execute(
                    select(Media.id, Media.kind, Media.name)
                    .where(Media.used_at < cutoff)
                    .order_by(Media.used_at)
                    .limit(SWEEP_BATCH)
                )
            ).all()
            if not stale:
                return 0, False
            urls = {url_of(kind, name) for _, kind, name in stale}
            shown = set(await session.scalars(select(Message.image).where(Message.image.in_(urls))))
            shown |= set(
                await session.scalars(select(User.profile_pic).where(User.profile_pic.in_(urls)))
            )
            shown |= set(
                await session.scalars(
                    select(Conversation.avatar).where(Conversation.avatar.in_(urls))
                )
            )
            # A reported picture is evidence: kept while its report is.
            shown |= set(await session.scalars(select(Report.image).where(Report.image.in_(urls))))
            kept = [row.id for row in stale if url_of(row.kind, row.name) in shown]
            gone = [row for row in stale if url_of(row.kind, row.name) not in shown]
            if kept:
                # Still shown: look again after another `orphan_after`.
                await session.execute(update(Media).where(Media.id.in_(kept)).values(used_at=now))
            if gone:
                await session.execute(delete(Media).where(Media.id.in_([row.id for row in gone])))
                names = {row.name for row in gone}
                still_named = {
                    (kind, name)
                    for kind, name in await session.execute(
                        select(Media.kind, Media.name).where(Media.name.in_(names))
                    )
                }
                keys = [
                    key
                    for kind, name in {(row.kind, row.name) for row in gone} - still_named
                    for key in (key_of(kind, name), key_of(kind, thumb_name(name)))
                ]
                if keys:
                    # Inside the transaction, while the table is held: see the docstring.
                    await asyncio.to_thread(self.storage.delete, keys)
                log.info("media_swept rows=%d files=%d", len(gone), len(keys))
        return len(gone), len(stale) == SWEEP_BATCH
