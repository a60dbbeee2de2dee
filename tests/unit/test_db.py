import asyncio

import pytest
from sqlalchemy import func, select, text

from socketspace import db as db_module
from socketspace.db import Database, create_engine
from socketspace.models import User


@pytest.fixture
def sqlite_only(backend):
    if backend[0] != "sqlite":
        pytest.skip("SQLite connection settings")


async def test_sqlite_connections_use_wal_normal_sync_busy_timeout_and_foreign_keys(
    sqlite_only, db
):
    async with db.read() as session:
        settings = {
            pragma: (await session.execute(text(f"PRAGMA {pragma}"))).scalar()
            for pragma in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
        }
    assert settings == {
        "journal_mode": "wal",
        "synchronous": 1,
        "busy_timeout": 5000,
        "foreign_keys": 1,
    }


async def test_concurrent_read_then_write_transactions_all_commit(db):
    # A deferred SQLite transaction that reads and then writes fails at once with
    # "database is locked" when another writer got there first; write transactions that
    # begin immediately queue on the lock instead.
    async def add_user(n: int) -> None:
        async with db.write() as session:
            count = await session.scalar(select(func.count()).select_from(User))
            session.add(
                User(email=f"user{n}@example.com", full_name=f"User {count}", password_hash="x")
            )

    await asyncio.gather(*(add_user(n) for n in range(20)))
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 20


async def test_a_failed_write_transaction_leaves_nothing_behind(db):
    with pytest.raises(RuntimeError):
        async with db.write() as session:
            session.add(User(email="ghost@example.com", full_name="Ghost", password_hash="x"))
            await session.flush()
            raise RuntimeError("boom")
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == 0


@pytest.fixture
def postgresql_only(backend):
    if backend[0] != "postgresql":
        pytest.skip("PostgreSQL's pooled connections")


@pytest.fixture
async def one_connection_db(postgresql_only, database_url):
    """A Database whose pool holds one connection, so every transaction reuses it."""
    database = Database(create_engine(database_url, pool_size=1, max_overflow=0))
    yield database
    await database.dispose()


async def queries_sent(database: Database, work) -> list[str]:
    """What the pooled connection sends the server while `work()` runs (asyncpg's own log of
    simple queries and fetches: BEGIN, ROLLBACK and a try's empty statement among them)."""
    async with database.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
    sent: list[str] = []

    def log(record) -> None:
        sent.append(record.query.strip())

    raw.add_query_logger(log)
    try:
        await work()
    finally:
        raw.remove_query_logger(log)
    return sent


async def test_a_connection_used_a_moment_ago_is_not_tried_again(one_connection_db, monkeypatch):
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 3600.0)  # however slow the machine

    async def read() -> None:
        async with one_connection_db.read() as session:
            await session.execute(text("SELECT 1"))

    await read()
    sent = await queries_sent(one_connection_db, read)
    # pool_pre_ping sent BEGIN, ";" and ROLLBACK before the transaction's own BEGIN.
    assert [q for q in sent if q.rstrip(";") in ("", "BEGIN", "ROLLBACK")] == ["BEGIN;"]


async def test_an_idle_connection_the_server_closed_is_replaced_before_use(
    one_connection_db, database_url, monkeypatch
):
    async def backend_pid() -> int:
        async with one_connection_db.read() as session:
            return int(await session.scalar(text("SELECT pg_backend_pid()")))

    first = await backend_pid()
    admin = Database.from_url(database_url)
    try:
        async with admin.engine.connect() as conn:  # waits until that backend has exited
            await conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": first})
    finally:
        await admin.dispose()
    monkeypatch.setattr(db_module, "PING_AFTER_IDLE_SECONDS", 0.0)  # "idle" from now on
    # Tried, found closed, replaced: the transaction runs on a new connection.
    assert await backend_pid() != first
