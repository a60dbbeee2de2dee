"""The migrations build exactly the schema the models describe, on both backends."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, func, inspect, select

from socketspace.db import Database, create_engine
from socketspace.migrations import SEARCH_TABLES, downgrade, include_name, upgrade
from socketspace.models import Base, Conversation, ConversationMember, Message
from socketspace.models.abuse import Report
from tests.rows import direct_chat


async def test_the_migrated_schema_matches_the_models(database_url):
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"include_name": include_name}),
                    Base.metadata,
                )
            )
    finally:
        await engine.dispose()
    assert diff == []


async def test_migrations_downgrade_to_nothing_and_upgrade_again(database_url):
    engine = create_engine(database_url)

    def tables(conn: Connection) -> set[str]:
        return set(inspect(conn).get_table_names()) - {"alembic_version", *SEARCH_TABLES}

    try:
        await downgrade(engine, "base")
        async with engine.connect() as conn:
            assert await conn.run_sync(tables) == set()
        await upgrade(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(tables) == set(Base.metadata.tables)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("revision", ["0006", "0005"])
async def test_going_back_and_up_again_keeps_every_row(database_url, revision):
    """SQLite copies a table to alter it (alembic's batch mode) and drops the old one: with
    foreign keys on, that DROP deleted every row referring to it (0006 emptied messages and
    members both ways; 0007's downgrade took the reports of messages)."""
    db = Database.from_url(database_url)
    try:
        async with db.write() as session:
            ann, ben, chat = await direct_chat(session)
            message = Message(
                conversation_id=chat.id, sender_id=ann.id, receiver_id=ben.id, text="rude"
            )
            session.add(message)
            await session.flush()
            chat.last_message_id = message.id
            session.add(
                Report(reporter_id=ben.id, reported_id=ann.id, message_id=message.id, text="rude")
            )

        async def counts() -> list[int]:
            tables = (Message.__table__, Report.__table__, ConversationMember.__table__)
            async with db.engine.connect() as conn:
                return [
                    int(await conn.scalar(select(func.count()).select_from(table)) or 0)
                    for table in tables
                ] + [
                    int(
                        await conn.scalar(
                            select(func.count()).where(Conversation.last_message_id.is_not(None))
                        )
                        or 0
                    )
                ]

        try:
            await downgrade(db.engine, revision)
            assert await counts() == [1, 1, 2, 1]
        finally:
            await upgrade(db.engine)  # the shared PostgreSQL test database goes back to head
        assert await counts() == [1, 1, 2, 1]
    finally:
        await db.dispose()
