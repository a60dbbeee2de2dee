"""The message writer's SQL follows the messages table: a column is declared once (its Column
and its MessageRecord field), and both databases' INSERTs carry it without another edit."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Connection, text

from socketspace.db import Database
from socketspace.models import Message
from socketspace.models.message import MessageRecord
from socketspace.services.message_sql import (
    INSERT_COLUMNS,
    POSTGRESQL,
    SQLITE,
    SQLITE_ADD_MESSAGE,
    WriterSQL,
)
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

    found = await db.run_write(insert_then_read)

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
    await db.run_write(lambda conn: SQLITE.insert(conn, [record]))
    async with db.read() as session:
        stored = await session.scalar(text("SELECT created_at FROM messages"))
    assert stored == "2026-01-02 03:04:05.678901"
