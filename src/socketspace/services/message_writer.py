"""One writer stores every new message: it takes what has queued up, commits it in one
transaction (group commit), then answers the senders and tells the receivers, in order.

Why one writer: SQLite has one write lock anyway, and a commit costs the same for one row as
for a hundred. Why in order: ids must rise in commit order (sync and paging rely on it) and a
burst from one sender must arrive as it was sent. On PostgreSQL a transaction-scoped advisory
lock keeps that true when several processes write.

A message with a picture waits for the picture (processed in a worker thread) outside the
queue, and so do its sender's later messages; everyone else's go on meanwhile.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, bindparam, case, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from socketspace import metrics
from socketspace.db import Database
from socketspace.errors import AppError, NotFound, Unavailable
from socketspace.models import Conversation, ConversationMember, Message, User
from socketspace.models.base import utcnow
from socketspace.schemas.message import message_view
from socketspace.services.notify import Notifier

log = logging.getLogger(__name__)

MAX_BATCH = 256
# Any constant works; it names "the message writer" among PostgreSQL advisory locks.
ADVISORY_LOCK_KEY = 0x50C4E75_ACE
KNOWN_CONVERSATIONS_MAX = 100_000


# The writer's statements, built once: building SQLAlchemy statements costs more than
# running them on SQLite, and a pre-built statement also keeps its cache key.
_member = ConversationMember
_MINE = (_member.conversation_id == bindparam("cid"), _member.user_id == bindparam("uid"))
# Lookups by key, never `(a, b) IN (...)` lists of row values: SQLite answers those with a
# scan of the whole table.
FIND_CONVERSATION = select(Conversation.id).where(
    Conversation.user_low == bindparam("low"), Conversation.user_high == bindparam("high")
)
FIND_USERS = select(User.id).where(User.id.in_(bindparam("ids", expanding=True)))
ADD_CONVERSATIONS = insert(Conversation).returning(Conversation.id, sort_by_parameter_order=True)
ADD_MEMBERS = insert(ConversationMember)
FIND_EARLIER = select(*Message.__table__.columns).where(
    Message.client_id.in_(bindparam("client_ids", expanding=True))
)
ADD_MESSAGES = insert(Message).returning(Message.id, sort_by_parameter_order=True)
MOVE_LAST_MESSAGE = (
    update(Conversation)
    .where(Conversation.id == bindparam("cid"))
    .values(last_message_id=bindparam("mid"))
)
ADD_UNREAD = (
    update(_member).where(*_MINE).values(unread_count=_member.unread_count + bindparam("n"))
)
FIND_MESSAGES = select(*Message.__table__.columns).where(
    Message.id.in_(bindparam("ids", expanding=True))
)

# The same writes as plain SQLite SQL, run on the driver's cursor: on SQLite the statements
# themselves take microseconds and SQLAlchemy's per-execution work (~100 µs) was most of a
# batch's cost. Named parameters where both paths share their parameter lists.
SQLITE_ADD_MESSAGE = (
    "INSERT INTO messages (conversation_id, sender_id, receiver_id, client_id, text, image,"
    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)
SQLITE_MOVE_LAST_MESSAGE = "UPDATE conversations SET last_message_id = :mid WHERE id = :cid"
SQLITE_ADD_UNREAD = (
    "UPDATE conversation_members SET unread_count = unread_count + :n"
    " WHERE conversation_id = :cid AND user_id = :uid"
)
SQLITE_READ_BY_SENDING = (
    "UPDATE conversation_members SET unread_count = :n,"
    " last_read_message_id = max(last_read_message_id, :mid)"
    " WHERE conversation_id = :cid AND user_id = :uid"
)
SQLITE_FIND_EARLIER = "SELECT id, sender_id, client_id FROM messages WHERE client_id IN ({})"

READ_BY_SENDING = (
    update(_member)
    .where(*_MINE)
    .values(
        unread_count=bindparam("n"),
        last_read_message_id=case(
            (_member.last_read_message_id < bindparam("mid"), bindparam("mid")),
            else_=_member.last_read_message_id,
        ),
    )
)


@dataclass
class Outgoing:
    sender_id: str
    receiver_id: str
    text: str | None
    client_id: str | None
    # What must finish first: shared budget checks, then storing the picture (its URL).
    image: asyncio.Task[str | None] | None = None
    origin: str | None = None
    image_url: str | None = None
    done: asyncio.Future[Stored] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass(slots=True, kw_only=True)
class MessageRecord:
    """A message as the writer stores and announces it: the columns of `Message`, as a plain
    object. The writer makes one per message sent, in the database thread, where a mapped
    `Message` cost ~10 us to build (SQLAlchemy's instrumented constructor): a third of the
    thread's time per message (py-spy)."""

    conversation_id: int
    sender_id: str
    receiver_id: str
    client_id: str | None
    text: str | None
    image: str | None
    created_at: datetime
    id: int = 0
    edited_at: datetime | None = None
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class Stored:
    message: MessageRecord
    created: bool  # False when a retry found the message its client id already made

    @cached_property
    def view(self) -> dict[str, Any]:
        """The message as everyone is sent it: made once for the ack and the delivery."""
        return message_view(self.message)


class MessageWriter:
    def __init__(
        self, db: Database, notifier: Notifier, *, max_batch: int = MAX_BATCH, linger: float = 0.0
    ) -> None:
        self.db = db
        self.notifier = notifier
        self.max_batch = max_batch
        self.linger = linger
        self._queue: asyncio.Queue[Outgoing] = asyncio.Queue()
        # Messages held back until their sender's picture is processed, per sender, in order:
        # a picture takes a few hundred milliseconds, and nobody else's message may wait for it.
        self._held: dict[str, deque[Outgoing]] = {}
        self._task: asyncio.Task[None] | None = None
        self._known: dict[tuple[str, str], int] = {}  # pair -> conversation id
        # Committed messages waiting to be announced, in commit order. A task of its own, so
        # the next batch is written while this one is being delivered.
        # Each batch with the perf_counter() of its commit, for the delivery latency.
        self._announce: asyncio.Queue[tuple[list[tuple[Stored, str | None]], float]] = (
            asyncio.Queue()
        )
        self._announcer: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="message-writer")
        self._announcer = asyncio.create_task(self._run_announcer(), name="message-announcer")

    async def stop(self) -> None:
        """Finish what is queued and announce it, then stop."""
        if self._task is None or self._announcer is None:
            return
        while self._held:
            pictures = [i.image for held in self._held.values() for i in held if i.image]
            await asyncio.gather(*pictures, return_exceptions=True)
            await asyncio.sleep(0)  # let the release callbacks run
        await self._queue.join()
        await self._announce.join()
        for task in (self._task, self._announcer):
            task.cancel()
        await asyncio.gather(self._task, self._announcer, return_exceptions=True)
        self._task = self._announcer = None

    def submit(self, outgoing: Outgoing) -> asyncio.Future[Stored]:
        """Queue a message (synchronously, so queue order is call order)."""
        if self._task is None:
            raise RuntimeError("the message writer is not running")
        held = self._held.get(outgoing.sender_id)
        if held is not None:  # behind a picture of the same sender: keep their order
            held.append(outgoing)
        elif outgoing.image is not None and not outgoing.image.done():
            self._held[outgoing.sender_id] = deque([outgoing])
            self._release_when_ready(outgoing.sender_id, outgoing.image)
        else:
            self._queue.put_nowait(outgoing)
        return outgoing.done

    def _release_when_ready(self, sender_id: str, picture: asyncio.Task[str | None]) -> None:
        picture.add_done_callback(lambda _done: self._release(sender_id))

    def _release(self, sender_id: str) -> None:
        """Queue the sender's held messages, in order, up to the next unfinished picture."""
        held = self._held[sender_id]
        while held:
            head = held[0]
            if head.image is not None and not head.image.done():
                self._release_when_ready(sender_id, head.image)
                return
            self._queue.put_nowait(held.popleft())
        del self._held[sender_id]

    async def _run(self) -> None:
        others_sending = False
        while True:
            batch = [await self._queue.get()]
            if others_sending and self.linger:
                # The last transaction was shared: people are sending at the same time. Wait a
                # moment so that what they send meanwhile joins this one. A transaction's fixed
                # cost (begin, commit, the thread hop: ~300 us here) dwarfs a message's (~25 us),
                # and without the wait batches held 3-5 messages at 4,000 msg/s.
                await asyncio.sleep(self.linger)
            while len(batch) < self.max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            others_sending = len(batch) > 1
            metrics.MESSAGE_BATCH_SIZE.observe(len(batch))
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
            # forget what we remembered and store one at a time, so the others go through.
            self._known.clear()
            results = []
            for item in ready:
                try:
                    results.extend(await self._store([item]))
                except IntegrityError:
                    log.warning("message_rejected sender=%s", item.sender_id)
                    item.done.set_exception(
                        Unavailable("The message could not be stored. Please try again.")
                    )
        committed = time.perf_counter()
        for item, outcome in results:
            if isinstance(outcome, AppError):
                item.done.set_exception(outcome)
            else:
                item.done.set_result(outcome)
        # Commit, then publish: in commit order, only what was really created.
        created = [
            (outcome, item.origin)
            for item, outcome in results
            if isinstance(outcome, Stored) and outcome.created
        ]
        if created:
            metrics.MESSAGES_STORED.inc(len(created))
            self._announce.put_nowait((created, committed))

    async def _run_announcer(self) -> None:
        while True:
            batch, committed = await self._announce.get()
            delivered = 0
            try:
                for stored, origin in batch:
                    await self.notifier.message_created(stored.view, origin)
                    # Measured here, not in the notifier: only the writer knows the commit time.
                    metrics.DELIVERY_SECONDS.observe(time.perf_counter() - committed)
                    delivered += 1
            except Exception:  # a failed delivery must not stop later ones
                log.exception("message_announce_failed size=%d", len(batch))
            finally:
                metrics.MESSAGES_DELIVERED.inc(delivered)
                self._announce.task_done()

    async def _prepare_images(self, batch: list[Outgoing]) -> list[Outgoing]:
        ready = []
        for item in batch:
            if item.image is not None:
                try:
                    item.image_url = await item.image
                except AppError as exc:
                    item.done.set_exception(exc)
                    continue
                except Exception:  # only this message fails, never the batch around it
                    log.exception("message_picture_failed sender_id=%s", item.sender_id)
                    item.done.set_exception(
                        Unavailable("The picture could not be stored. Please try again.")
                    )
                    continue
            ready.append(item)
        return ready

    async def _store(self, batch: list[Outgoing]) -> list[tuple[Outgoing, Stored | AppError]]:
        if not batch:
            return []
        return await self.db.run_write(functools.partial(self._store_rows, batch))

    def _store_rows(
        self, batch: list[Outgoing], conn: Connection
    ) -> list[tuple[Outgoing, Stored | AppError]]:
        """Store a batch in one transaction of a handful of statements, however many messages
        it holds. Synchronous: on SQLite it runs whole in the database thread (see
        Database.run_write), with its writes on the driver's cursor."""
        now = utcnow()
        results: dict[int, Stored | AppError] = {}
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
        conversations = self._conversations(conn, batch)
        earlier = self._earlier_sends(conn, batch)
        fresh: list[tuple[int, MessageRecord]] = []
        made: dict[tuple[str, str], MessageRecord] = {}
        for index, item in enumerate(batch):
            key = (item.sender_id, item.client_id) if item.client_id else None
            conversation_id = conversations.get(pair_of(item.sender_id, item.receiver_id))
            if conversation_id is None:
                results[index] = NotFound("User not found.", code="user_not_found")
            elif key and key in earlier:
                results[index] = Stored(earlier[key], created=False)
            elif key and key in made:
                results[index] = Stored(made[key], created=False)
            else:
                message = MessageRecord(
                    conversation_id=conversation_id,
                    sender_id=item.sender_id,
                    receiver_id=item.receiver_id,
                    client_id=item.client_id,
                    text=item.text,
                    image=item.image_url,
                    created_at=now,
                )
                fresh.append((index, message))
                if key:
                    made[key] = message
        if fresh:
            self._insert(conn, [message for _, message in fresh])
            self._touch_conversations(conn, [message for _, message in fresh])
        for index, message in fresh:
            results[index] = Stored(message, created=True)
        return [(item, results[index]) for index, item in enumerate(batch)]

    def _conversations(self, conn: Connection, batch: list[Outgoing]) -> dict[tuple[str, str], int]:
        """The conversation of every pair in the batch, made when it is the pair's first
        message. A pair with no conversation and an unknown receiver is left out."""
        pairs = {pair_of(item.sender_id, item.receiver_id) for item in batch}
        wanted = pairs - self._known.keys()
        if wanted:
            # Only pairs this process has not seen yet: one indexed lookup each.
            for low, high in list(wanted):
                found = conn.scalar(FIND_CONVERSATION, {"low": low, "high": high})
                if found is not None:
                    self._remember((low, high), found)
                    wanted.discard((low, high))
        if wanted:
            self._create_conversations(conn, wanted)
        return {pair: self._known[pair] for pair in pairs if pair in self._known}

    def _create_conversations(self, conn: Connection, pairs: set[tuple[str, str]]) -> None:
        people = {user for pair in pairs for user in pair}
        existing = set(conn.scalars(FIND_USERS, {"ids": list(people)}))
        new_pairs = sorted(p for p in pairs if p[0] in existing and p[1] in existing)
        if not new_pairs:
            return
        ids = conn.scalars(
            ADD_CONVERSATIONS,
            [
                {"user_low": low, "user_high": high, "created_at": utcnow()}
                for low, high in new_pairs
            ],
        )
        members = []
        for (low, high), conversation_id in zip(new_pairs, ids, strict=True):
            self._remember((low, high), conversation_id)
            for user, partner in ((low, high), (high, low)):
                members.append(
                    {
                        "conversation_id": conversation_id,
                        "user_id": user,
                        "partner_id": partner,
                        "last_read_message_id": 0,
                        "unread_count": 0,
                    }
                )
        conn.execute(ADD_MEMBERS, members)

    def _remember(self, pair: tuple[str, str], conversation_id: int) -> None:
        # Conversations are never deleted while both people exist, so their ids can be kept;
        # the bound keeps memory flat on a server with very many pairs.
        if len(self._known) >= KNOWN_CONVERSATIONS_MAX:
            self._known.clear()
        self._known[pair] = conversation_id

    def _earlier_sends(
        self, conn: Connection, batch: list[Outgoing]
    ) -> dict[tuple[str, str], MessageRecord]:
        keys = {(item.sender_id, item.client_id) for item in batch if item.client_id}
        if not keys:
            return {}
        client_ids = sorted({c for _, c in keys})
        if conn.dialect.name == "sqlite":
            # Retries are rare: find ids cheaply, load whole messages only for those.
            cursor = _cursor(conn)
            marks = ",".join("?" * len(client_ids))
            ids = [
                message_id
                for message_id, sender, client in cursor.execute(
                    SQLITE_FIND_EARLIER.format(marks), client_ids
                )
                if (sender, client) in keys
            ]
            if not ids:
                return {}
            rows = conn.execute(FIND_MESSAGES, {"ids": ids})
        else:
            rows = conn.execute(FIND_EARLIER, {"client_ids": client_ids})
        found = [MessageRecord(**row._mapping) for row in rows]
        # Another sender may have used the same client id: only our own pairs count.
        return {
            (m.sender_id, m.client_id): m
            for m in found
            if m.client_id and (m.sender_id, m.client_id) in keys
        }

    def _insert(self, conn: Connection, messages: list[MessageRecord]) -> None:
        if conn.dialect.name == "sqlite":
            # One statement for the batch. SQLite gives a new row the largest id so far plus
            # one, and this transaction holds the write lock: the batch's ids are the
            # consecutive run that ends at the last one inserted.
            cursor = _cursor(conn)
            created = _sqlite_time(messages[0].created_at)  # the batch shares its time
            cursor.executemany(
                SQLITE_ADD_MESSAGE,
                [
                    (
                        m.conversation_id,
                        m.sender_id,
                        m.receiver_id,
                        m.client_id,
                        m.text,
                        m.image,
                        created,
                    )
                    for m in messages
                ],
            )
            last = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
            for message_id, message in enumerate(messages, start=last - len(messages) + 1):
                message.id = message_id
            return
        rows = [
            {
                "conversation_id": m.conversation_id,
                "sender_id": m.sender_id,
                "receiver_id": m.receiver_id,
                "client_id": m.client_id,
                "text": m.text,
                "image": m.image,
                "created_at": m.created_at,
            }
            for m in messages
        ]
        ids = conn.scalars(ADD_MESSAGES, rows)
        for message, message_id in zip(messages, ids, strict=True):
            message.id = message_id

    def _touch_conversations(self, conn: Connection, messages: list[MessageRecord]) -> None:
        """Move each conversation's last message, and each member's read pointer and unread
        count, with one executemany per kind of change. Sending means having read everything
        before: it clears the sender's count."""
        newest: dict[int, int] = {}
        last_sent: dict[tuple[int, str], int] = {}
        received: dict[tuple[int, str], list[int]] = {}
        for message in messages:
            newest[message.conversation_id] = message.id
            last_sent[(message.conversation_id, message.sender_id)] = message.id
            received.setdefault((message.conversation_id, message.receiver_id), []).append(
                message.id
            )
        sqlite = conn.dialect.name == "sqlite"
        moves = [{"cid": cid, "mid": mid} for cid, mid in newest.items()]
        increments = [
            {"cid": cid, "uid": uid, "n": len(ids)}
            for (cid, uid), ids in received.items()
            if (cid, uid) not in last_sent
        ]
        reads = [
            {
                "cid": cid,
                "uid": uid,
                "mid": sent,
                "n": sum(1 for m in received.get((cid, uid), ()) if m > sent),
            }
            for (cid, uid), sent in last_sent.items()
        ]
        if sqlite:
            cursor = _cursor(conn)
            cursor.executemany(SQLITE_MOVE_LAST_MESSAGE, moves)
            cursor.executemany(SQLITE_ADD_UNREAD, increments)
            cursor.executemany(SQLITE_READ_BY_SENDING, reads)
            return
        conn.execute(MOVE_LAST_MESSAGE, moves)
        if increments:
            conn.execute(ADD_UNREAD, increments)
        conn.execute(READ_BY_SENDING, reads)


def _cursor(conn: Connection) -> Any:
    """The driver's own cursor, inside the transaction SQLAlchemy began."""
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


def _sqlite_time(value: datetime) -> str:
    # The format SQLAlchemy's SQLite DATETIME writes and reads back (UTC, no zone).
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def pair_of(a: str, b: str) -> tuple[str, str]:
    """Two people in a conversation's stored order (user_low, user_high)."""
    return (a, b) if a < b else (b, a)
