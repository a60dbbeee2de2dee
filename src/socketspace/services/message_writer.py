"""One writer stores every new message: it takes what has queued up, commits it in one
transaction (group commit), then answers the senders and tells the receivers, in order.

Why one writer: SQLite has one write lock anyway, and a commit costs the same for one row as
for a hundred. Why in order: ids must rise in commit order (sync and paging rely on it) and a
burst from one sender must arrive as it was sent. On PostgreSQL a transaction-scoped advisory
lock keeps that true when several processes write.

A message with a picture waits for the picture (processed in a worker thread) outside the
queue, and so do its sender's later messages; everyone else's go on meanwhile.

This module decides what a batch stores, and when, and announces it; the SQL that stores it,
for SQLite and for PostgreSQL, is message_sql's.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections import deque
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from socketspace import metrics
from socketspace.db import Database
from socketspace.errors import AppError, NotFound, Unavailable
from socketspace.models.base import utcnow
from socketspace.models.message import MessageRecord
from socketspace.schemas.message import NO_EXTRAS, Extras, PictureSize, message_view
from socketspace.services.media import Picture, load_picture_sizes
from socketspace.services.mentions import (
    find_mentions,
    load_mentionable,
    not_in_group,
    store_mentions,
)
from socketspace.services.message_sql import (
    ADD_CONVERSATIONS,
    ADD_MEMBERS,
    FIND_CONVERSATION,
    FIND_USERS,
    POSTGRESQL,
    SQLITE,
    add_unread_to_other_members,
    group_members,
)
from socketspace.services.notify import Notifier
from socketspace.services.replies import (
    Original,
    find_originals,
    may_answer,
    may_forward,
    members_not_seeing_quote,
    not_a_reply_target,
    not_forwardable,
    quote_view,
    views_by_sight,
)

log = logging.getLogger(__name__)

MAX_BATCH = 256
KNOWN_CONVERSATIONS_MAX = 100_000


class LookForEarlier(Exception):
    """A first try that did not look for earlier sends was about to refuse a message with a
    client id: it may be a retry of one stored before, which gets that one back."""


@dataclass
class Outgoing:
    sender_id: str
    receiver_id: str | None  # None for a group's message
    text: str | None
    client_id: str | None
    # What must finish first: shared budget checks, then storing the picture (its URL).
    image: asyncio.Task[Picture | None] | None = None
    origin: str | None = None
    group_id: int | None = None
    image_url: str | None = None
    image_size: PictureSize | None = None
    reply_to_id: int | None = None
    forward_of: int | None = None
    # A group message's mentions (checked for shape; membership is checked when stored).
    mentions: tuple[str, ...] = ()
    done: asyncio.Future[Stored] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


@dataclass(frozen=True)
class Stored:
    message: MessageRecord
    created: bool  # False when a retry found the message its client id already made
    # A group message's audience as it was committed: the members then (the sender too).
    members: tuple[str, ...] = ()
    extras: Extras = NO_EXTRAS  # the quote of the message it answers, whom it mentions
    # Members who may not read the message it quotes (they joined after it): their copy
    # shows the quote unavailable.
    not_seeing_quote: tuple[str, ...] = ()

    @cached_property
    def view(self) -> dict[str, Any]:
        """The message as everyone is sent it: made once for the ack and the delivery."""
        return message_view(self.message, self.extras)


class MessageWriter:
    def __init__(
        self, db: Database, notifier: Notifier, *, max_batch: int = MAX_BATCH, linger: float = 0.0
    ) -> None:
        self.db = db
        self.notifier = notifier
        self.max_batch = max_batch
        self.linger = linger
        self.sql = SQLITE if db.is_sqlite else POSTGRESQL
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

    def _release_when_ready(self, sender_id: str, picture: asyncio.Task[Picture | None]) -> None:
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
            results = await self._store(ready, look_for_earlier=self.sql.looks_for_earlier)
        except (IntegrityError, LookForEarlier):
            results = await self._store_again(ready)
        if any(item.image_size for item in ready):
            results = [(item, _with_picture_size(item, outcome)) for item, outcome in results]
        if any(item.forward_of for item in ready):
            results = await self._with_forwarded_sizes(results)
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

    async def _store_again(self, batch: list[Outgoing]) -> list[tuple[Outgoing, Stored | AppError]]:
        """The batch broke a constraint, or would have refused a message with a client id.
        On PostgreSQL, most likely a retry of a message stored earlier, which the first try
        did not look for (the unique client id caught it): the whole batch again, looking.
        If that breaks one too (e.g. a user deleted meanwhile), forget what we remembered and
        store one at a time, so the others go through."""
        if not self.sql.looks_for_earlier:
            try:
                return await self._store(batch, look_for_earlier=True)
            except IntegrityError:
                pass
        self._known.clear()
        results = []
        for item in batch:
            try:
                results.extend(await self._store([item], look_for_earlier=True))
            except IntegrityError:
                log.warning("message_rejected sender=%s", item.sender_id)
                item.done.set_exception(
                    Unavailable("The message could not be stored. Please try again.")
                )
        return results

    async def _with_forwarded_sizes(
        self, results: list[tuple[Outgoing, Stored | AppError]]
    ) -> list[tuple[Outgoing, Stored | AppError]]:
        """A forwarded picture's size, from the media table (the forwarder uploaded none):
        one lookup for the batch, after the commit. The batch is stored whatever happens here:
        a failed lookup only leaves the size out (the next history page has it)."""
        urls = {
            outcome.message.image
            for item, outcome in results
            if item.forward_of and isinstance(outcome, Stored) and outcome.message.image
        }
        if not urls:
            return results
        try:
            async with self.db.read() as session:
                sizes = await load_picture_sizes(session, urls)
        except Exception:
            log.exception("forwarded_picture_sizes_failed pictures=%d", len(urls))
            return results
        return [(item, _with_pictures(outcome, sizes)) for item, outcome in results]

    async def _run_announcer(self) -> None:
        while True:
            batch, committed = await self._announce.get()
            delivered = 0
            try:
                for stored, origin in batch:
                    for view, members in views_by_sight(
                        stored.view, stored.members, stored.not_seeing_quote
                    ):
                        await self.notifier.message_created(view, origin, members)
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
                    picture = await item.image
                    if picture is not None:
                        item.image_url = picture.url
                        item.image_size = (picture.width, picture.height)
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

    async def _store(
        self, batch: list[Outgoing], *, look_for_earlier: bool
    ) -> list[tuple[Outgoing, Stored | AppError]]:
        if not batch:
            return []
        made: dict[tuple[str, str], int] = {}  # conversations this transaction makes
        results = await self.sql.run(
            self.db, functools.partial(self._store_rows, batch, look_for_earlier, made)
        )
        for pair, conversation_id in made.items():  # committed: they exist now
            self._remember(pair, conversation_id)
        return results

    def _store_rows(
        self,
        batch: list[Outgoing],
        look_for_earlier: bool,
        made_conversations: dict[tuple[str, str], int],
        conn: Connection,
    ) -> list[tuple[Outgoing, Stored | AppError]]:
        """Store a batch in one transaction of a handful of statements, however many messages
        it holds. Synchronous: on SQLite it runs whole in the database thread (see
        Database.run_write). `look_for_earlier`: find the messages that retries among them
        stored before; without, a retry breaks the unique client id, or raises LookForEarlier
        before refusing a message with a client id (see _store_again)."""
        now = utcnow()
        results: dict[int, Stored | AppError] = {}
        conversations = self._conversations(conn, batch, made_conversations)
        groups = group_members(conn, {i.group_id for i in batch if i.group_id is not None})
        earlier = self._earlier_sends(conn, batch) if look_for_earlier else {}
        originals = find_originals(
            conn,
            {i.reply_to_id for i in batch if i.reply_to_id}
            | {i.forward_of for i in batch if i.forward_of}
            | {m.reply_to_id for m in earlier.values() if m.reply_to_id},
        )
        # What a retry finds already stored shows the mentions it was stored with.
        mentioned = find_mentions(conn, [m.id for m in earlier.values() if m.receiver_id is None])
        mentionable = load_mentionable(conn, [(i.sender_id, i.mentions) for i in batch])
        fresh: list[tuple[int, MessageRecord, tuple[str, ...], tuple[str, ...]]] = []
        made: dict[tuple[str, str], tuple[MessageRecord, tuple[str, ...]]] = {}
        for index, item in enumerate(batch):
            key = (item.sender_id, item.client_id) if item.client_id else None
            members: tuple[str, ...] = ()
            if item.group_id is not None:
                members = groups.get(item.group_id, ())
                conversation_id = item.group_id if item.sender_id in members else None
            else:
                conversation_id = conversations.get(pair_of(item.sender_id, item.receiver_id or ""))
            if conversation_id is None:
                results[index] = (
                    NotFound("Group not found.", code="group_not_found")
                    if item.group_id is not None
                    else NotFound("User not found.", code="user_not_found")
                )
            elif key and key in earlier:
                found = earlier[key]
                results[index] = Stored(
                    found, False, members, _extras(found, originals, mentioned.get(found.id))
                )
            elif key and key in made:
                twin, twin_mentions = made[key]
                results[index] = Stored(
                    twin, False, members, _extras(twin, originals, list(twin_mentions))
                )
            elif item.reply_to_id is not None and not may_answer(
                conn,
                originals.get(item.reply_to_id),
                conversation_id,
                item.sender_id,
                group=item.group_id is not None,
            ):
                results[index] = not_a_reply_target()
            elif item.forward_of is not None and not may_forward(
                conn, originals.get(item.forward_of), item.sender_id
            ):
                results[index] = not_forwardable()
            elif item.mentions and not set(item.mentions).issubset(members):
                results[index] = not_in_group()
            if conversation_id is None or index in results:  # answered above
                if key and not look_for_earlier and isinstance(results[index], AppError):
                    raise LookForEarlier  # perhaps a retry: it gets its original back
                continue
            sent_on = originals[item.forward_of] if item.forward_of else None
            message = MessageRecord(
                conversation_id=conversation_id,
                sender_id=item.sender_id,
                receiver_id=item.receiver_id,
                client_id=item.client_id,
                text=item.text if sent_on is None else sent_on.text,
                image=item.image_url if sent_on is None else sent_on.image,
                created_at=now,
                reply_to_id=item.reply_to_id,
                forwarded=sent_on is not None,
            )
            kept = mentionable.kept(item.sender_id, item.text, item.mentions)
            fresh.append((index, message, members, kept))
            if key:
                made[key] = (message, kept)
        if fresh:
            self.sql.insert(conn, [message for _, message, _, _ in fresh])
            self._touch_conversations(conn, [message for _, message, _, _ in fresh])
            named = [
                (message.id, message.conversation_id, kept) for _, message, _, kept in fresh if kept
            ]
            store_mentions(conn, named)
            mentioned.update((message_id, list(people)) for message_id, _, people in named)
        for index, message, members, _ in fresh:
            results[index] = Stored(
                message, True, members, _extras(message, originals, mentioned.get(message.id))
            )
        for index, message, members, _ in fresh:
            stored = results[index]
            if isinstance(stored, Stored) and message.reply_to_id is not None:
                not_seeing = members_not_seeing_quote(conn, message, members)
                results[index] = replace(stored, not_seeing_quote=not_seeing)
        return [(item, results[index]) for index, item in enumerate(batch)]

    def _conversations(
        self, conn: Connection, batch: list[Outgoing], made: dict[tuple[str, str], int]
    ) -> dict[tuple[str, str], int]:
        """The conversation of every pair in the batch, made when it is the pair's first
        message (into `made`, remembered once committed: a transaction rolled back must not
        leave ids of conversations that never were). A pair with no conversation and an
        unknown receiver is left out."""
        pairs = {
            pair_of(item.sender_id, item.receiver_id)
            for item in batch
            if item.receiver_id is not None
        }
        wanted = pairs - self._known.keys()
        if wanted:
            # Only pairs this process has not seen yet: one indexed lookup each.
            for low, high in list(wanted):
                found = conn.scalar(FIND_CONVERSATION, {"low": low, "high": high})
                if found is not None:
                    self._remember((low, high), found)
                    wanted.discard((low, high))
        if wanted:
            made.update(self._create_conversations(conn, wanted))
        ids = {pair: made.get(pair, self._known.get(pair)) for pair in pairs}
        return {pair: cid for pair, cid in ids.items() if cid is not None}

    def _create_conversations(
        self, conn: Connection, pairs: set[tuple[str, str]]
    ) -> dict[tuple[str, str], int]:
        people = {user for pair in pairs for user in pair}
        existing = set(conn.scalars(FIND_USERS, {"ids": list(people)}))
        new_pairs = sorted(p for p in pairs if p[0] in existing and p[1] in existing)
        if not new_pairs:
            return {}
        ids = conn.scalars(
            ADD_CONVERSATIONS,
            [
                {"user_low": low, "user_high": high, "created_at": utcnow()}
                for low, high in new_pairs
            ],
        )
        members = []
        made = {}
        for (low, high), conversation_id in zip(new_pairs, ids, strict=True):
            made[(low, high)] = conversation_id
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
        return made

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
        found = self.sql.find_sent(conn, keys)
        # Another sender may have used the same client id: only our own pairs count.
        return {
            (m.sender_id, m.client_id): m
            for m in found
            if m.client_id and (m.sender_id, m.client_id) in keys
        }

    def _touch_conversations(self, conn: Connection, messages: list[MessageRecord]) -> None:
        """Move each conversation's last message, and each member's read pointer and unread
        count (message_sql: on PostgreSQL one statement for all three kinds of change, on
        SQLite one executemany each). Sending means having read everything before: it clears
        the sender's count."""
        newest: dict[int, int] = {}
        last_sent: dict[tuple[int, str], int] = {}
        # Message ids by (conversation, receiver) in a 1:1 chat, by (group, sender) in a group.
        received: dict[tuple[int, str], list[int]] = {}
        group_sent: dict[tuple[int, str], list[int]] = {}
        for message in messages:
            cid = message.conversation_id
            newest[cid] = message.id
            last_sent[(cid, message.sender_id)] = message.id
            if message.receiver_id is None:
                group_sent.setdefault((cid, message.sender_id), []).append(message.id)
            else:
                received.setdefault((cid, message.receiver_id), []).append(message.id)
        moves = [{"cid": cid, "mid": mid} for cid, mid in newest.items()]
        increments = [
            {"cid": cid, "uid": uid, "n": len(ids)}
            for (cid, uid), ids in received.items()
            if (cid, uid) not in last_sent
        ]
        others_sent = [
            {"cid": cid, "uid": uid, "n": len(ids)} for (cid, uid), ids in group_sent.items()
        ]

        def sent_after_by_others(cid: int, uid: str, sent: int) -> int:
            """A group's messages in this batch after `sent` that others sent: unread."""
            return sum(
                1
                for (group, sender), ids in group_sent.items()
                if group == cid and sender != uid
                for m in ids
                if m > sent
            )

        reads = [
            {
                "cid": cid,
                "uid": uid,
                "mid": sent,
                "n": sum(1 for m in received.get((cid, uid), ()) if m > sent)
                + (sent_after_by_others(cid, uid, sent) if group_sent else 0),
            }
            for (cid, uid), sent in last_sent.items()
        ]
        if others_sent:  # before the reads: a sender's own count is set after it
            add_unread_to_other_members(conn, others_sent)
        self.sql.touch_conversations(conn, moves, increments, reads)


def _extras(
    message: MessageRecord, originals: dict[int, Original], mentions: list[str] | None
) -> Extras:
    """What the view of a message just stored shows beyond its row: the quote of the message
    it answers, the people it mentions."""
    original = originals.get(message.reply_to_id) if message.reply_to_id else None
    if original is None and not mentions:
        return NO_EXTRAS
    return Extras(
        quotes={original.id: quote_view(original)} if original is not None else {},
        mentions={message.id: mentions} if mentions else {},
    )


def _with_picture_size(item: Outgoing, outcome: Stored | AppError) -> Stored | AppError:
    """The picture's size in the view of the message just sent with it, which everyone is
    sent (history pages read it from the media table: services/message_extras.py). A retry
    that found one stored with another picture keeps that one's view."""
    if item.image_url is None or item.image_size is None:
        return outcome
    return _with_pictures(outcome, {item.image_url: item.image_size})


def _with_pictures(outcome: Stored | AppError, sizes: dict[str, PictureSize]) -> Stored | AppError:
    """The size of the message's picture, when `sizes` knows it, in its view."""
    if not isinstance(outcome, Stored) or outcome.message.image not in sizes:
        return outcome
    pictures = {outcome.message.image: sizes[outcome.message.image]}
    return replace(outcome, extras=replace(outcome.extras, pictures=pictures))


def pair_of(a: str, b: str) -> tuple[str, str]:
    """Two people in a conversation's stored order (user_low, user_high)."""
    return (a, b) if a < b else (b, a)
