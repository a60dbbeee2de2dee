"""SQLite's search index off the send path (migration 0012, services/search_index.py): a
stored message is queued, found by search at once, and in FTS5 after the indexer's round;
edits and deletes before and after that round leave FTS5 exactly matching the messages
(FTS5's own integrity check, which compares the index with its content table, fails on any
stray or missing entry); the migration's way back indexes what was still queued.

SQLite only: PostgreSQL's index is a generated column it keeps itself (tests/api/test_search.py
covers both)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection
from sqlalchemy import text as sql

from socketspace.db import Database
from socketspace.migrations import downgrade, upgrade
from socketspace.models import Message
from socketspace.services import search as search_service
from socketspace.services.search_index import SearchIndexer
from tests.api.test_replies import sent
from tests.conftest import Person
from tests.rows import direct_chat


@pytest.fixture(autouse=True)
def sqlite_only(backend: tuple[str, str]) -> None:
    if backend[0] != "sqlite":
        pytest.skip("the queue is SQLite's: PostgreSQL indexes in the row itself")


@pytest.fixture
async def indexer(app: Any) -> SearchIndexer:
    """The app's indexer, stopped: each test says when its rounds happen."""
    found: SearchIndexer = app.api.state.ctx.search_index
    await found.stop()
    return found


async def found(person: Person, q: str) -> list[str]:
    response = await person.http.get("/api/search", params={"q": q})
    assert response.status_code == 200, response.text
    return [r["message"]["text"] for r in response.json()["results"]]


async def check_index(db: Database) -> None:
    """FTS5's integrity check against its content (the messages): raises if they differ."""
    async with db.write() as session:
        await session.execute(
            sql("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)")
        )


async def queued(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(sql("SELECT count(*) FROM search_pending")) or 0)


async def in_index(db: Database, word: str) -> int:
    async with db.read() as session:
        match = sql("SELECT count(*) FROM messages_fts WHERE messages_fts MATCH :w")
        return int(await session.scalar(match, {"w": f'text : "{word}"'}) or 0)


async def test_a_message_is_found_while_queued_and_after_the_round(alice, bob, indexer):
    db = indexer.db
    await sent(alice, bob, "the quarterly harbour report")
    assert await queued(db) == 1
    assert await in_index(db, "harbour") == 0
    assert await found(bob, "harb") == ["the quarterly harbour report"]

    assert await indexer.catch_up() == 1
    assert await queued(db) == 0
    assert await in_index(db, "harbour") == 1
    assert await found(bob, "harb") == ["the quarterly harbour report"]
    await check_index(db)


async def test_edits_and_deletes_before_and_after_the_round_keep_the_index_exact(
    alice, bob, indexer
):
    db = indexer.db
    indexed_edit = await sent(alice, bob, "alpha indexed then edited")
    indexed_delete = await sent(alice, bob, "beta indexed then deleted")
    assert await indexer.catch_up() == 2
    queued_edit = await sent(alice, bob, "alpha queued then edited")
    queued_delete = await sent(alice, bob, "beta queued then deleted")

    for message in (indexed_edit, queued_edit):
        text = message["text"].replace("alpha", "gamma")
        response = await alice.http.patch(f"/api/messages/{message['_id']}", json={"text": text})
        assert response.status_code == 200, response.text
    for message in (indexed_delete, queued_delete):
        response = await alice.http.delete(f"/api/messages/{message['_id']}")
        assert response.status_code == 200, response.text

    for _ in range(2):  # while two are queued, and once the round took them
        await check_index(db)
        assert await found(bob, "gamma") == [
            "gamma queued then edited",
            "gamma indexed then edited",
        ]
        assert await found(bob, "alpha") == []
        assert await found(bob, "beta") == []
        await indexer.catch_up()
    assert await queued(db) == 0
    assert await in_index(db, "alpha") == 0
    assert await in_index(db, "gamma") == 2


async def test_rows_removed_for_good_leave_no_trace_queued_or_indexed(alice, bob, indexer):
    """Rows deleted outright (an account's messages go with it): FTS5 forgets an indexed one,
    the queue a queued one."""
    db = indexer.db
    indexed = await sent(alice, bob, "delta indexed")
    await indexer.catch_up()
    waiting = await sent(alice, bob, "delta queued")
    async with db.write() as session:
        await session.execute(
            sql("DELETE FROM messages WHERE id IN (:a, :b)"),
            {"a": int(indexed["_id"]), "b": int(waiting["_id"])},
        )
    assert await queued(db) == 0
    await check_index(db)
    assert await found(bob, "delta") == []


async def test_a_round_takes_at_most_its_share_oldest_first(alice, bob, indexer):
    db = indexer.db
    for n in range(5):
        await sent(alice, bob, f"epsilon {n}")

    def two(conn: Connection) -> int:
        from socketspace.services.search_index import index_queued

        return index_queued(conn, most=2)

    assert await db.run_write(two) == 2
    assert await queued(db) == 3
    assert await in_index(db, "epsilon") == 2
    assert await indexer.catch_up() == 3
    assert await found(bob, "epsilon") == [f"epsilon {n}" for n in reversed(range(5))]
    await check_index(db)


async def test_the_way_back_indexes_what_was_still_queued(database_url):
    """Without a running app (whose connections would hold the schema): rows written here."""
    db = Database.from_url(database_url)
    try:
        async with db.write() as session:
            ann, ben, chat = await direct_chat(session)

        async def say(text: str) -> None:
            async with db.write() as session:
                session.add(
                    Message(
                        conversation_id=chat.id, sender_id=ann.id, receiver_id=ben.id, text=text
                    )
                )

        await say("zeta waiting in the queue")
        assert await queued(db) == 1
        await downgrade(db.engine, "0011")
        try:
            assert await in_index(db, "zeta") == 1
            await check_index_0008(db)
            await say("zeta straight in")  # 0008's trigger again: indexed as it is stored
            assert await in_index(db, "zeta") == 2
        finally:
            await upgrade(db.engine)
        assert await queued(db) == 0
        await say("zeta queued again")
        assert await queued(db) == 1
        page = await search_service.search(db, viewer_id=ben.id, q="zeta")
        assert [f.message.text for f in page.results] == [
            "zeta queued again",
            "zeta straight in",
            "zeta waiting in the queue",
        ]
        await check_index(db)
    finally:
        await db.dispose()


async def check_index_0008(db: Database) -> None:
    """0008's view lists every message, so FTS5's own check cannot pass there: each message
    with text in the index once, none without."""
    async with db.read() as session:
        texts = await session.scalar(sql("SELECT count(*) FROM messages WHERE text IS NOT NULL"))
        indexed = await session.scalar(sql("SELECT count(*) FROM messages_fts_docsize"))
    assert indexed == texts
