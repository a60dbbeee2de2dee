"""Blocking people and reporting messages.

Who blocks whom is kept in memory by `Blocks` as well as in the database, so that the send path
can ask without waiting (it must reach the writer's queue synchronously to keep a connection's
order; see send_message). This process updates it at once; other processes reload it every
`refresh_seconds`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from socketspace.db import Database
from socketspace.errors import Forbidden, InvalidInput, NotFound
from socketspace.models import Block, Message, Report, User
from socketspace.models.base import utcnow
from socketspace.periodic import Periodic
from socketspace.services.ids import check_message_id, check_user_id
from socketspace.services.visibility import readable_by

log = logging.getLogger(__name__)

REASON_MAX = 500


class Blocks:
    def __init__(self, db: Database, refresh_seconds: float = 10.0) -> None:
        self.db = db
        self._blocked: dict[str, set[str]] = {}  # blocker -> the people they blocked
        self._blockers: dict[str, set[str]] = {}  # blocked -> the people who blocked them
        self._changes = 0  # changes made in this process, so a refresh never undoes one
        self._refresher = Periodic("blocks_refresh", refresh_seconds, self.load)

    def between(self, a: str, b: str) -> bool:
        """Has either of them blocked the other?"""
        return b in self._blocked.get(a, ()) or a in self._blocked.get(b, ())

    def hidden_from(self, viewer_id: str) -> set[str]:
        """The people who blocked this viewer: their presence is not shown to them."""
        return self._blockers.get(viewer_id, set())

    def blocked_users(self) -> set[str]:
        return set(self._blockers)

    def blocked_by(self, blocker_id: str) -> list[str]:
        return sorted(self._blocked.get(blocker_id, ()))

    async def load(self) -> None:
        changes = self._changes
        async with self.db.read() as session:
            rows = (await session.execute(select(Block.blocker_id, Block.blocked_id))).all()
        if changes != self._changes:
            return  # a block changed here meanwhile: what was read may predate it
        self._blocked, self._blockers = {}, {}
        for blocker, blocked in rows:
            self._add(blocker, blocked)

    def _add(self, blocker: str, blocked: str) -> None:
        self._blocked.setdefault(blocker, set()).add(blocked)
        self._blockers.setdefault(blocked, set()).add(blocker)

    def _remove(self, blocker: str, blocked: str) -> None:
        for index, key, value in (
            (self._blocked, blocker, blocked),
            (self._blockers, blocked, blocker),
        ):
            members = index.get(key)
            if members is not None:
                members.discard(value)
                if not members:
                    del index[key]

    async def start(self) -> None:
        try:
            await self.load()
        except Exception:
            # The server still starts (and /readyz says what is wrong); the refresh retries.
            log.exception("blocks_load_failed")
        self._refresher.start()

    async def stop(self) -> None:
        await self._refresher.stop()

    async def block(self, blocker_id: str, blocked: object) -> str:
        blocked_id = await self._other_user(blocker_id, blocked)
        values = {"blocker_id": blocker_id, "blocked_id": blocked_id, "created_at": utcnow()}
        insert = pg_insert if not self.db.is_sqlite else sqlite_insert
        async with self.db.write() as session:
            await session.execute(insert(Block).values(**values).on_conflict_do_nothing())
        self._changes += 1
        self._add(blocker_id, blocked_id)
        log.info("user_blocked blocker_id=%s blocked_id=%s", blocker_id, blocked_id)
        return blocked_id

    async def unblock(self, blocker_id: str, blocked: object) -> str:
        blocked_id = await self._other_user(blocker_id, blocked)
        async with self.db.write() as session:
            await session.execute(
                delete(Block).where(Block.blocker_id == blocker_id, Block.blocked_id == blocked_id)
            )
        self._changes += 1
        self._remove(blocker_id, blocked_id)
        return blocked_id

    async def _other_user(self, viewer_id: str, value: object) -> str:
        user_id = check_user_id(value)
        if user_id == viewer_id:
            raise InvalidInput("You cannot block yourself.", code="self_block")
        async with self.db.read() as session:
            if await session.scalar(select(User.id).where(User.id == user_id)) is None:
                raise NotFound("User not found.", code="user_not_found")
        return user_id


def refuse_if_blocked(blocks: Blocks, sender_id: str, receiver_id: str) -> None:
    """Forbidden when either has blocked the other: nothing of one may reach the other."""
    if blocks.between(sender_id, receiver_id):
        raise Forbidden("You can't message this person.", code="blocked")


async def report_message(
    db: Database, *, reporter_id: str, message_id: object, reason: str | None
) -> Report:
    """Keep a message someone received for an operator to look at."""
    wanted = check_message_id(message_id)
    why = " ".join((reason or "").split())
    if len(why) > REASON_MAX:
        raise InvalidInput(
            f"The reason must be at most {REASON_MAX} characters.", code="invalid_reason"
        )
    async with db.write() as session:
        message = await session.scalar(
            select(Message).where(
                Message.id == wanted,
                # Only a message sent to you, or to a group of yours: you cannot report (or
                # learn about) anyone else's, nor your own.
                readable_by(reporter_id),
                Message.sender_id != reporter_id,
            )
        )
        if message is None:
            raise NotFound("Message not found.", code="message_not_found")
        report = Report(
            reporter_id=reporter_id,
            reported_id=message.sender_id,
            message_id=message.id,
            text=message.text,
            image=message.image,
            reason=why,
            created_at=utcnow(),
        )
        session.add(report)
    log.info("message_reported report_id=%s message_id=%s", report.id, message.id)
    return report


@dataclass(frozen=True)
class ReportRow:
    report: Report
    reporter_email: str
    reported_email: str


async def reports(db: Database, limit: int = 200) -> Sequence[ReportRow]:
    reporter, reported = User.__table__.alias("reporter"), User.__table__.alias("reported")
    async with db.read() as session:
        rows = await session.execute(
            select(Report, reporter.c.email, reported.c.email)
            .join(reporter, reporter.c.id == Report.reporter_id)
            .join(reported, reported.c.id == Report.reported_id)
            .order_by(Report.id.desc())
            .limit(limit)
        )
        return [ReportRow(r, a, b) for r, a, b in rows]
