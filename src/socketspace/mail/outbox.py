"""The transactional outbox: `enqueue` writes an email row inside the caller's transaction;
`Outbox` is the worker that sends due rows, retries with backoff and gives up after a bound.

Several processes may run the worker at once. A worker claims rows by giving them a lease
(on PostgreSQL the claiming SELECT also skips rows another worker is claiming at that moment;
on SQLite the write lock serialises claims). A worker that dies after sending but before
marking the row sent leaves the lease to run out; the row is then sent again with the same
Message-ID, so at most one extra copy reaches the recipient and it is recognisably the same.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.config import Settings
from socketspace.db import Database
from socketspace.mail.compose import Composer
from socketspace.mail.transports import Transport, transport_for
from socketspace.models import OutboxEmail
from socketspace.models.base import utcnow

log = logging.getLogger(__name__)

PENDING, SENT, FAILED = "pending", "sent", "failed"
MAX_RETRY_DELAY = 3600.0
CLAIM_BATCH = 10


def enqueue(
    session: AsyncSession, *, template: str, to: str, context: dict[str, Any]
) -> OutboxEmail:
    """Add an email to the caller's transaction: it exists exactly when the change does."""
    now = utcnow()
    row = OutboxEmail(
        message_key=secrets.token_hex(16),
        template=template,
        to_address=to,
        context=context,
        status=PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(row)
    return row


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int
    first_delay: float
    lease: float

    def delay(self, attempts: int) -> float:
        """Seconds to wait after the `attempts`-th failed try."""
        return min(MAX_RETRY_DELAY, self.first_delay * 2.0 ** max(0, attempts - 1))


class Outbox:
    def __init__(
        self,
        db: Database,
        composer: Composer,
        transport: Transport,
        policy: RetryPolicy,
        poll_seconds: float,
    ) -> None:
        self.db = db
        self.composer = composer
        self.transport = transport
        self.policy = policy
        self.poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def build(cls, db: Database, settings: Settings) -> Outbox:
        return cls(
            db,
            Composer(settings),
            transport_for(settings),
            RetryPolicy(
                max_attempts=settings.outbox_max_attempts,
                first_delay=settings.outbox_retry_seconds,
                lease=settings.outbox_lease_seconds,
            ),
            settings.outbox_poll_seconds,
        )

    def wake(self) -> None:
        """Look for due emails now (called after a transaction that enqueued one commits)."""
        self._wake.set()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox")

    async def stop(self, grace: float = 15.0) -> None:
        """Let the email being sent finish (never cut a transaction short), then stop."""
        if self._task is None:
            return
        self._stopping = True
        self._wake.set()
        try:
            await asyncio.wait_for(self._task, grace)
        except TimeoutError:
            log.warning("outbox_stop_timeout grace_seconds=%s", grace)
        self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                claimed = await self.send_due()
            except Exception:
                log.exception("outbox_pass_failed")
                claimed = 0
            if claimed == CLAIM_BATCH:
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_seconds)

    async def send_due(self) -> int:
        """Claim and send the emails that are due now; how many were claimed."""
        rows = await self._claim()
        for index, row in enumerate(rows):
            if self._stopping:
                # Unclaim what will not be tried now, so another process can send it at once.
                await self._release([r.id for r in rows[index:]])
                break
            await self._deliver(row)
        return len(rows)

    async def _claim(self) -> list[OutboxEmail]:
        now = utcnow()
        query = (
            select(OutboxEmail)
            .where(
                OutboxEmail.status == PENDING,
                OutboxEmail.next_attempt_at <= now,
                or_(OutboxEmail.lease_until.is_(None), OutboxEmail.lease_until <= now),
            )
            .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
            .limit(CLAIM_BATCH)
        )
        if not self.db.is_sqlite:
            query = query.with_for_update(skip_locked=True)
        async with self.db.write() as session:
            rows = list(await session.scalars(query))
            for row in rows:
                row.attempts += 1
                row.lease_until = now + timedelta(seconds=self.policy.lease)
        return rows

    async def _deliver(self, row: OutboxEmail) -> None:
        try:
            await self.transport.send(self.composer.compose(row))
        except Exception as exc:
            await self._failed(row, exc)
            return
        await self._finish(row.id, status=SENT, sent_at=utcnow(), last_error=None)
        log.info("email_sent id=%s template=%s attempt=%s", row.id, row.template, row.attempts)

    async def _failed(self, row: OutboxEmail, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"[:1000]
        if row.attempts >= self.policy.max_attempts:
            await self._finish(row.id, status=FAILED, last_error=error)
            log.error(
                "email_failed id=%s template=%s attempts=%s error=%s",
                row.id,
                row.template,
                row.attempts,
                error,
            )
            return
        delay = self.policy.delay(row.attempts)
        await self._finish(
            row.id, next_attempt_at=utcnow() + timedelta(seconds=delay), last_error=error
        )
        log.warning(
            "email_retry id=%s template=%s attempt=%s in_seconds=%.1f error=%s",
            row.id,
            row.template,
            row.attempts,
            delay,
            error,
        )

    async def _release(self, email_ids: list[int]) -> None:
        async with self.db.write() as session:
            await session.execute(
                update(OutboxEmail)
                .where(OutboxEmail.id.in_(email_ids), OutboxEmail.status == PENDING)
                .values(lease_until=None, attempts=OutboxEmail.attempts - 1)
            )

    async def _finish(self, email_id: int, **values: Any) -> None:
        async with self.db.write() as session:
            await session.execute(
                update(OutboxEmail)
                .where(OutboxEmail.id == email_id, OutboxEmail.status == PENDING)
                .values(lease_until=None, **values)
            )


async def unsent(db: Database) -> list[OutboxEmail]:
    """Pending and failed emails, oldest first: what an operator wants to look at."""
    async with db.read() as session:
        query = (
            select(OutboxEmail)
            .where(OutboxEmail.status.in_([PENDING, FAILED]))
            .order_by(OutboxEmail.id)
        )
        return list(await session.scalars(query))


async def retry(db: Database, email_id: int) -> bool:
    """Queue an unsent email again with a fresh set of attempts; False when there is none."""
    async with db.write() as session:
        result = await session.execute(
            update(OutboxEmail)
            .where(OutboxEmail.id == email_id, OutboxEmail.status.in_([PENDING, FAILED]))
            .values(status=PENDING, attempts=0, next_attempt_at=utcnow(), lease_until=None)
        )
    return bool(result.rowcount)  # type: ignore[attr-defined]
