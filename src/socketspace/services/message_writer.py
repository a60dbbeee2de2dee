"""One writer stores every new message: it takes what has queued up, commits it in one
transaction (group commit), then answers the senders and tells the receivers, in order.

Why one writer: SQLite has one write lock anyway, and a commit costs the same for one row as
for a hundred. Why in order: ids must rise in commit order (sync and paging rely on it) and a
burst from one sender must arrive as it was sent. On PostgreSQL a transaction-scoped advisory
lock keeps that true when several processes write.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, select, text, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.db import Database
from socketspace.errors import AppError, NotFound, Unavailable
from socketspace.models import Conversation, ConversationMember, Message, User
from socketspace.models.base import utcnow
from socketspace.services.notify import Notifier

log = logging.getLogger(__name__)

MAX_BATCH = 256
# Any constant works; it names "the message writer" among PostgreSQL advisory locks.
ADVISORY_LOCK_KEY = 0x50C4E75_ACE


@dataclass
class Outgoing:
    sender_id: str
    receiver_id: str
    text: str | None
    client_id: str | None
    image: asyncio.Task[str] | None = None
    origin: str | None = None
    done: asyncio.Future[Stored] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass(frozen=True)
class Stored:
    message: Message
    created: bool  # False when a retry found the message its client id already made


class MessageWriter:
    def __init__(self, db: Database, notifier: Notifier, *, max_batch: int = MAX_BATCH) -> None:
        self.db = db
        self.notifier = notifier
        self.max_batch = max_batch
        self._queue: asyncio.Queue[Outgoing] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="message-writer")

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        if self._task is None:
            return
        await self._queue.join()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        self._task = None

    def submit(self, outgoing: Outgoing) -> asyncio.Future[Stored]:
        """Queue a message (synchronously, so queue order is call order)."""
        if self._task is None:
            raise RuntimeError("the message writer is not running")
        self._queue.put_nowait(outgoing)
        return outgoing.done

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._process(batch)
            except Exception:  # never let one bad batch stop all messaging
                log.exception("message_batch_failed size=%d", len(batch))
                for item in batch:
                    if not item.done.done():
                        item.done.set_exception(
                            Unavailable("The message could not be stored. Please try again.")
                        )
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _process(self, batch: list[Outgoing]) -> None:
        ready = await self._prepare_images(batch)
        try:
            results = await self._store(ready)
        except IntegrityError:
            # Something in the batch broke a constraint (e.g. a user deleted meanwhile):
            # store one at a time so the others still go through.
            results = []
            for item in ready:
                try:
                    results.extend(await self._store([item]))
                except IntegrityError:
                    log.warning("message_rejected sender=%s", item.sender_id)
                    item.done.set_exception(
                        Unavailable("The message could not be stored. Please try again.")
                    )
        for item, outcome in results:
            if isinstance(outcome, AppError):
                item.done.set_exception(outcome)
            else:
                item.done.set_result(outcome)
        # Commit, then publish: in commit order, only what was really created.
        for item, outcome in results:
            if isinstance(outcome, Stored) and outcome.created:
                await self.notifier.message_created(outcome.message, item.origin)

    async def _prepare_images(self, batch: list[Outgoing]) -> list[Outgoing]:
        ready = []
        for item in batch:
            if item.image is not None:
                try:
                    await item.image
                except AppError as exc:
                    item.done.set_exception(exc)
                    continue
            ready.append(item)
        return ready

    async def _store(self, batch: list[Outgoing]) -> list[tuple[Outgoing, Stored | AppError]]:
        if not batch:
            return []
        now = utcnow()
        results: dict[int, Stored | AppError] = {}
        async with self.db.write() as session:
            if not self.db.is_sqlite:
                await session.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY}
                )
            known = await self._existing_users(session, batch)
            earlier = await self._earlier_sends(session, batch)
            conversations = await self._conversations(session, batch, known)
            fresh: list[tuple[int, Message]] = []
            made: dict[tuple[str, str], Message] = {}
            for index, item in enumerate(batch):
                key = (item.sender_id, item.client_id) if item.client_id else None
                if item.receiver_id not in known:
                    results[index] = NotFound("User not found.", code="user_not_found")
                elif key and key in earlier:
                    results[index] = Stored(earlier[key], created=False)
                elif key and key in made:
                    results[index] = Stored(made[key], created=False)
                else:
                    message = Message(
                        conversation_id=conversations[_pair(item.sender_id, item.receiver_id)],
                        sender_id=item.sender_id,
                        receiver_id=item.receiver_id,
                        client_id=item.client_id,
                        text=item.text,
                        image=item.image.result() if item.image is not None else None,
                        created_at=now,
                    )
                    fresh.append((index, message))
                    if key:
                        made[key] = message
            if fresh:
                session.add_all(message for _, message in fresh)
                await session.flush()
                await self._touch_conversations(session, [m for _, m in fresh], now)
            for index, message in fresh:
                results[index] = Stored(message, created=True)
        return [(item, results[index]) for index, item in enumerate(batch)]

    async def _existing_users(self, session: AsyncSession, batch: list[Outgoing]) -> set[str]:
        wanted = {item.receiver_id for item in batch}
        return set(await session.scalars(select(User.id).where(User.id.in_(wanted))))

    async def _earlier_sends(
        self, session: AsyncSession, batch: list[Outgoing]
    ) -> dict[tuple[str, str], Message]:
        keys = {(item.sender_id, item.client_id) for item in batch if item.client_id}
        if not keys:
            return {}
        rows = await session.scalars(
            select(Message).where(tuple_(Message.sender_id, Message.client_id).in_(keys))
        )
        return {(m.sender_id, m.client_id): m for m in rows if m.client_id}

    async def _conversations(
        self, session: AsyncSession, batch: list[Outgoing], known: set[str]
    ) -> dict[tuple[str, str], int]:
        pairs = {_pair(i.sender_id, i.receiver_id) for i in batch if i.receiver_id in known}
        if not pairs:
            return {}
        found = {
            (low, high): conversation_id
            for conversation_id, low, high in (
                await session.execute(
                    select(Conversation.id, Conversation.user_low, Conversation.user_high).where(
                        tuple_(Conversation.user_low, Conversation.user_high).in_(pairs)
                    )
                )
            )
        }
        for low, high in pairs - found.keys():
            conversation = Conversation(user_low=low, user_high=high)
            session.add(conversation)
            await session.flush()
            session.add_all(
                [
                    ConversationMember(
                        conversation_id=conversation.id,
                        user_id=low,
                        partner_id=high,
                        last_read_message_id=0,
                    ),
                    ConversationMember(
                        conversation_id=conversation.id,
                        user_id=high,
                        partner_id=low,
                        last_read_message_id=0,
                    ),
                ]
            )
            found[(low, high)] = conversation.id
        return found

    async def _touch_conversations(
        self, session: AsyncSession, messages: list[Message], now: datetime
    ) -> None:
        """Move each conversation's last message, and each member's read pointer and unread
        count. Sending means having read everything before: it clears the sender's count."""
        newest: dict[int, int] = {}
        last_sent: dict[tuple[int, str], int] = {}
        received: dict[tuple[int, str], list[int]] = {}
        for message in messages:
            newest[message.conversation_id] = message.id
            last_sent[(message.conversation_id, message.sender_id)] = message.id
            received.setdefault((message.conversation_id, message.receiver_id), []).append(
                message.id
            )
        for conversation_id, message_id in newest.items():
            await session.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id)
                .values(last_message_id=message_id, last_message_at=now)
            )
        member = ConversationMember
        for key in last_sent.keys() | received.keys():
            conversation_id, user_id = key
            mine = (member.conversation_id == conversation_id, member.user_id == user_id)
            sent = last_sent.get(key)
            if sent is None:
                count = len(received[key])
                values: dict[str, Any] = {"unread_count": member.unread_count + count}
            else:
                count = sum(1 for m in received.get(key, ()) if m > sent)
                values = {
                    "unread_count": count,
                    "last_read_message_id": case(
                        (member.last_read_message_id < sent, sent),
                        else_=member.last_read_message_id,
                    ),
                }
            await session.execute(update(member).where(*mine).values(**values))


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)
