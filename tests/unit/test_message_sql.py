"""The message writer's SQL follows the messages table: a column is declared once (its Column
and its MessageRecord field), and both databases' INSERTs carry it without another edit."""

from __future__ import annotations

import re
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta, timezone

import asyncpg
import pytest
from sqlalchemy import Connection, event, text
from sqlalchemy.exc import IntegrityError

from socketspace.db import Database
from socketspace.models import Message
from socketspace.models.message import MessageRecord
from socketspace.services.message_sql import (
    INSERT_COLUMNS,
    PG_ADD_MESSAGES,
    PG_BEGIN,
    PG_TOUCH_CONVERSATIONS,
    POSTGRESQL,
    SQLITE,
    SQLITE_ADD_MESSAGE,
    WriterSQL,
)
from socketspace.services.message_writer import MessageWriter, Outgoing
from socketspace.services.notify import NullNotifier
from tests.conftest import queries_sent
from tests.rows import direct_chat

COLUMNS = {column.key for column in Message.__table__.columns}


def sql_for(db: Database) -> WriterSQL:
    return SQLITE if db.is_sqlite else POSTGRESQL


@pytest.fixture
async def conversation(db: Database) -> tuple[int, str, str]:
    """(conversation id, alice's id, bob's id)."""
    async with db.write() as session:
        alice, bob, chat = await direct_chat(session, "Alice", "Bob")
    return chat.id, alice.id, bob.id


def test_message_record_has_a_field_for_every_column_of_messages():
    """A Column without a MessageRecord field (or a field without a Column) fails here."""
    assert {field.name for field in fields(MessageRecord)} == COLUMNS


def test_both_inserts_write_every_column_but_the_id():
    assert set(INSERT_COLUMNS) == COLUMNS - {"id"}
    listed = re.fullmatch(r"INSERT INTO messages \((.+)\) VALUES \((.+)\)", SQLITE_ADD_MESSAGE)
    assert listed is not None, SQLITE_ADD_MESSAGE
    names, marks = listed.group(1).split(", "), listed.group(2).split(", ")
    assert sorted(names) == sorted(COLUMNS - {"id"})
    assert marks == ["?"] * len(names)


async def test_every_column_of_a_record_is_stored_and_read_back(db, conversation):
    """Both databases' INSERT, with every field of the record set, then the writer's own read."""
    chat, alice, bob = conversation
    sent = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    records = [
        MessageRecord(
            conversation_id=chat,
            sender_id=alice,
            receiver_id=bob,
            client_id="c1",
            text="hello",
            image="/media/a.png",
            created_at=sent,
            edited_at=sent + timedelta(minutes=1),
            deleted_at=sent + timedelta(minutes=2),
            kind="system",
            system={"event": "renamed", "name": "Ünïcode"},
            reply_to_id=12345,
            forwarded=True,
        ),
        MessageRecord(
            conversation_id=chat,
            sender_id=bob,
            receiver_id=alice,
            client_id="c2",
            text=None,
            image=None,
            created_at=sent,
        ),
    ]
    sql = sql_for(db)

    def insert_then_read(conn: Connection) -> list[MessageRecord]:
        sql.insert(conn, records)
        return sql.find_sent(conn, {(alice, "c1"), (bob, "c2")})

    found = await sql.run(db, insert_then_read)

    assert records[0].id > 0
    assert records[1].id == records[0].id + 1
    assert sorted(found, key=lambda m: m.id) == records


async def test_sqlite_stores_times_as_sqlalchemy_does_in_utc(db, conversation):
    if not db.is_sqlite:
        pytest.skip("SQLite keeps times as text")
    chat, alice, bob = conversation
    two_hours_east = timezone(timedelta(hours=2))
    record = MessageRecord(
        conversation_id=chat,
        sender_id=alice,
        receiver_id=bob,
        client_id=None,
        text="hi",
        image=None,
        created_at=datetime(2026, 1, 2, 5, 4, 5, 678901, tzinfo=two_hours_east),
    )
    await SQLITE.run(db, lambda conn: SQLITE.insert(conn, [record]))
    async with db.read() as session:
        stored = await session.scalar(text("SELECT created_at FROM messages"))
    assert stored == "2026-01-02 03:04:05.678901"


async def test_a_batch_on_postgresql_is_four_statements_on_the_driver(one_connection_db):
    """BEGIN with the writers' lock, the INSERT, the conversations' update, COMMIT: nothing
    from SQLAlchemy in between once the conversation is known (docs/performance.md, "The
    writer on the driver")."""
    db = one_connection_db
    async with db.write() as session:
        alice, bob, _ = await direct_chat(session, "Alice", "Bob")
    writer = MessageWriter(db, NullNotifier(), linger=0)
    writer.start()
    through_sqlalchemy: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        through_sqlalchemy.append(statement)

    try:
        await writer.submit(Outgoing(alice.id, bob.id, "first", client_id="c-1"))  # finds it
        # asyncpg's log has the statements sent on the driver, SQLAlchemy's event its own.
        event.listen(db.engine.sync_engine, "before_cursor_execute", count)
        sent = await queries_sent(
            db, lambda: writer.submit(Outgoing(alice.id, bob.id, "second", client_id="c-2"))
        )
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
        await writer.stop()
    assert sent == [PG_BEGIN, PG_ADD_MESSAGES, PG_TOUCH_CONVERSATIONS, "COMMIT"]
    assert through_sqlalchemy == []


async def test_postgresql_insert_gives_ids_in_the_batch_order_and_refuses_a_twin(
    one_connection_db,
):
    db = one_connection_db
    async with db.write() as session:
        alice, bob, chat = await direct_chat(session, "Alice", "Bob")
    now = datetime(2026, 1, 2, tzinfo=UTC)

    def record(n: int) -> MessageRecord:
        return MessageRecord(
            conversation_id=chat.id,
            sender_id=alice.id,
            receiver_id=bob.id,
            client_id=f"c{n}",
            text=f"#{n}",
            image=None,
            created_at=now,
        )

    batch = [record(n) for n in range(50)]
    await POSTGRESQL.run(db, lambda conn: POSTGRESQL.insert(conn, batch))
    async with db.read() as session:
        stored = dict((await session.execute(text("SELECT id, text FROM messages"))).all())
    assert [stored[m.id] for m in batch] == [f"#{n}" for n in range(50)]
    assert [m.id for m in batch] == sorted(m.id for m in batch)

    # Another message with the same sender and client id: SQLAlchemy's IntegrityError, as the
    # writer expects (it then looks for the earlier send), and nothing of the batch stays.
    twins = [record(100), record(3)]
    with pytest.raises(IntegrityError):
        await POSTGRESQL.run(db, lambda conn: POSTGRESQL.insert(conn, twins))
    async with db.read() as session:
        assert await session.scalar(text("SELECT count(*) FROM messages")) == 50

    # Someone unknown (deleted meanwhile): the same, from the foreign key.
    with pytest.raises(IntegrityError):
        await POSTGRESQL.run(
            db,
            lambda conn: POSTGRESQL.insert(
                conn, [record(101), replace(record(102), sender_id="nobody")]
            ),
        )
    # A client id longer than its column is refused, never cut to fit (and then taken for a
    # retry of another message whose id starts the same).
    with pytest.raises(asyncpg.StringDataRightTruncationError):
        await POSTGRESQL.run(
            db, lambda conn: POSTGRESQL.insert(conn, [replace(record(103), client_id="x" * 65)])
        )
    async with db.read() as session:
        assert await session.scalar(text("SELECT count(*) FROM messages")) == 50


async def test_postgresql_writes_refuse_to_run_outside_their_transaction(one_connection_db):
    """In SQLAlchemy's own transaction they would run before its lazy BEGIN, unlocked and
    committed at once."""
    db = one_connection_db
    with pytest.raises(RuntimeError, match=r"only in PostgreSQL\.run"):
        await db.run_write(lambda conn: POSTGRESQL.touch_conversations(conn, [], [], []))
