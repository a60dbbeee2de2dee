"""The message writer's group commit: while people send at the same time, it waits a moment
(MESSAGE_BATCH_LINGER_MS) so that their messages share one transaction."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select, update

from socketspace.db import Database
from socketspace.errors import AppError
from socketspace.models import ConversationMember, Message, User
from socketspace.models.base import utcnow
from socketspace.services import groups
from socketspace.services.message_writer import MessageWriter, Outgoing
from socketspace.services.notify import NullNotifier

BATCHES = "socketspace_message_batch_size"


@pytest.fixture
async def user_ids(db: Database) -> tuple[str, str]:
    async with db.write() as session:
        alice = User(email="alice@example.com", full_name="Alice", password_hash="-")
        bob = User(email="bob@example.com", full_name="Bob", password_hash="-")
        session.add_all([alice, bob])
    return alice.id, bob.id


def batches() -> tuple[float, float]:
    """(transactions so far, messages in them), from the writer's histogram."""
    count = REGISTRY.get_sample_value(f"{BATCHES}_count") or 0.0
    total = REGISTRY.get_sample_value(f"{BATCHES}_sum") or 0.0
    return count, total


@asynccontextmanager
async def writer_with(db: Database, linger: float) -> AsyncIterator[MessageWriter]:
    writer = MessageWriter(db, NullNotifier(), linger=linger)
    writer.start()
    try:
        yield writer
    finally:
        await writer.stop()


async def send_three_after_a_shared_batch(writer: MessageWriter, alice: str, bob: str) -> None:
    def message(text: str) -> Outgoing:
        return Outgoing(sender_id=alice, receiver_id=bob, text=text, client_id=None)

    # Two at once: one transaction of two, so others are sending.
    await asyncio.gather(writer.submit(message("a")), writer.submit(message("b")))
    first = writer.submit(message("c"))
    await asyncio.sleep(0)  # the writer takes "c" (and, with a linger, waits)
    later = [writer.submit(message("d")), writer.submit(message("e"))]
    stored = await asyncio.gather(first, *later)
    assert [s.message.text for s in stored] == ["c", "d", "e"]
    assert stored[0].message.id < stored[1].message.id < stored[2].message.id


async def test_messages_sent_meanwhile_join_the_waiting_transaction(db, user_ids):
    before = batches()
    async with writer_with(db, linger=0.2) as writer:
        await send_three_after_a_shared_batch(writer, *user_ids)
    count, total = batches()
    assert (count - before[0], total - before[1]) == (2, 5)  # [a, b] and [c, d, e]


async def test_without_a_linger_each_message_found_alone_is_written_alone(db, user_ids):
    before = batches()
    async with writer_with(db, linger=0) as writer:
        await send_three_after_a_shared_batch(writer, *user_ids)
    count, total = batches()
    assert (count - before[0], total - before[1]) == (3, 5)  # [a, b], [c], [d, e]


async def test_a_batch_of_group_messages_counts_each_members_unread_once(db, user_ids):
    """Messages of two senders in one group, in one transaction: each other member gains one
    unread per message, a sender reads everything up to their own last message."""
    alice, bob = user_ids
    async with db.write() as session:
        carol = User(email="carol@example.com", full_name="Carol", password_hash="-")
        session.add(carol)
    group = await groups.create_group(
        db, NullNotifier(), creator_id=alice, name="g", member_ids=[bob, carol.id], max_members=10
    )

    def message(sender: str, text: str) -> Outgoing:
        return Outgoing(
            sender_id=sender, receiver_id=None, text=text, client_id=None, group_id=group.id
        )

    async with writer_with(db, linger=0) as writer:
        # Queued in one turn of the loop: the writer takes them as one batch.
        sent = [
            writer.submit(message(alice, "a1")),
            writer.submit(message(bob, "b1")),
            writer.submit(message(alice, "a2")),
            writer.submit(message(bob, "b2")),
            writer.submit(message(bob, "b3")),
        ]
        stored = await asyncio.gather(*sent)
    assert sorted(stored[0].members) == sorted([alice, bob, carol.id])
    async with db.read() as session:
        counts = dict(
            (
                await session.execute(
                    select(ConversationMember.user_id, ConversationMember.unread_count).where(
                        ConversationMember.conversation_id == group.id
                    )
                )
            ).all()
        )
    # Alice last sent a2: b2 and b3 came after it. Bob last sent b3: nothing after. Carol: all.
    assert counts == {alice: 2, bob: 0, carol.id: 5}


async def test_a_retry_in_a_batch_answers_with_the_original_and_the_others_are_stored(
    db, user_ids, monkeypatch
):
    """A retry (a client id its sender's stored message has) among fresh messages in one
    batch. SQLite looks for earlier sends before each insert; PostgreSQL inserts first and
    looks only when the unique client id refuses a row, then stores the batch again."""
    alice, bob = user_ids
    looked: list[list[tuple[str, str]]] = []
    writer = MessageWriter(db, NullNotifier(), linger=0)
    find_sent = writer.sql.find_sent

    def counted(conn, keys):
        looked.append(sorted(keys))
        return find_sent(conn, keys)

    monkeypatch.setattr(writer.sql, "find_sent", counted)
    writer.start()
    try:
        original = await writer.submit(Outgoing(alice, bob, "hello", client_id="c-1"))
        # Queued in one turn of the loop: the writer takes them as one batch.
        sent = [
            writer.submit(Outgoing(alice, bob, "one", client_id="c-2")),
            writer.submit(Outgoing(alice, bob, "hello", client_id="c-1")),
            writer.submit(Outgoing(bob, alice, "two", client_id="c-3")),
        ]
        fresh, retry, other = await asyncio.gather(*sent)
    finally:
        await writer.stop()
    assert (fresh.created, retry.created, other.created) == (True, False, True)
    assert retry.message.id == original.message.id
    assert original.message.id < fresh.message.id < other.message.id
    async with db.read() as session:
        texts = (await session.scalars(select(Message.text).order_by(Message.id))).all()
    assert texts == ["hello", "one", "two"]
    both = sorted([(alice, "c-1"), (alice, "c-2"), (bob, "c-3")])
    if db.is_sqlite:
        assert looked == [[(alice, "c-1")], both]
    else:  # the lone first message asked nothing; the batch looked once, on its second try
        assert looked == [both]


async def test_a_retry_whose_reply_target_was_deleted_since_gets_its_original_back(db, user_ids):
    """The retry of a reply stored before (its answer lost) finds the original, even though
    the message it answers was deleted meanwhile and a new reply to it would be refused."""
    alice, bob = user_ids
    async with writer_with(db, linger=0) as writer:
        question = await writer.submit(Outgoing(bob, alice, "coming?", client_id="q-1"))
        asked = question.message.id

        def answer(client_id: str) -> Outgoing:
            return Outgoing(alice, bob, "yes", client_id=client_id, reply_to_id=asked)

        first = await writer.submit(answer("a-1"))
        async with db.write() as session:
            await session.execute(
                update(Message).where(Message.id == asked).values(deleted_at=utcnow(), text=None)
            )
        again = await writer.submit(answer("a-1"))
        with pytest.raises(AppError) as refused:
            await writer.submit(answer("a-2"))
    assert (again.created, again.message.id) == (False, first.message.id)
    assert refused.value.code == "invalid_reply_to"


async def test_a_batch_tried_twice_makes_a_new_conversation_once(db, user_ids, monkeypatch):
    """A retry in a batch that also makes a new conversation. On PostgreSQL the first try
    makes the conversation, then the retry's client id refuses the insert and the whole
    transaction rolls back: the second try must not use the conversation id that never
    was (a foreign key failure, then one transaction per message)."""
    alice, bob = user_ids
    async with db.write() as session:
        carol = User(email="carol@example.com", full_name="Carol", password_hash="-")
        session.add(carol)
    transactions = 0

    async with writer_with(db, linger=0) as writer:
        run = writer.sql.run

        async def counted(db, work):
            nonlocal transactions
            transactions += 1
            return await run(db, work)

        original = await writer.submit(Outgoing(alice, bob, "hello", client_id="c-1"))
        monkeypatch.setattr(writer.sql, "run", counted)
        # Queued in one turn of the loop: the writer takes them as one batch.
        retry = writer.submit(Outgoing(alice, bob, "hello", client_id="c-1"))
        first = writer.submit(Outgoing(alice, carol.id, "hi Carol", client_id="c-2"))
        retried, new = await asyncio.gather(retry, first)
    assert (retried.created, retried.message.id) == (False, original.message.id)
    assert new.created
    assert transactions == (1 if db.is_sqlite else 2)
    async with db.read() as session:
        conversation = await session.scalar(
            select(Message.conversation_id).where(Message.id == new.message.id)
        )
    assert writer._known[tuple(sorted((alice, carol.id)))] == conversation
