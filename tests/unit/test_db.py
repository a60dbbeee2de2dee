import asyncio

import pytest
from sqlalchemy import func, select, text

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
