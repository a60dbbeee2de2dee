import asyncio
import contextlib

import asyncpg
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from socketspace import db as db_module
from socketspace.db import Database
from socketspace.models import User
from tests.conftest import queries_sent


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


# --- transactions begun on the driver (the message writer's, on PostgreSQL) -------------------

BEGIN_AND_LOCK = "BEGIN; SELECT pg_advisory_xact_lock(424242)"


def add_user(email: str):
    """A `work` for run_write_begun_with: a Core INSERT through SQLAlchemy's connection."""

    def work(conn) -> None:
        conn.execute(
            User.__table__.insert(), {"email": email, "full_name": email, "password_hash": "-"}
        )

    return work


async def users(database: Database) -> list[str]:
    async with database.read() as session:
        return list(await session.scalars(select(User.email).order_by(User.email)))


async def open_transactions(database_url: str) -> int:
    """Sessions of the database inside a transaction, asked on a connection of its own (the
    pool's one connection is what is being checked)."""
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%'"
            )
        )
    finally:
        await conn.close()


def transaction_control(sent: list[str]) -> list[str]:
    """The statements that begin or end a transaction, however SQLAlchemy words them."""
    return [q for q in sent if q.split(None, 1)[0].rstrip(";").upper() in CONTROL]


CONTROL = ("BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT")


async def test_a_transaction_begun_on_the_driver_sends_its_begin_and_commit_only(
    one_connection_db,
):
    """SQLAlchemy's connection is in autocommit mode: the statements of `work` go inside the
    transaction the begin statement opened, and SQLAlchemy adds no BEGIN or COMMIT of its own
    (an upgrade of SQLAlchemy that did would fail here)."""
    sent = await queries_sent(
        one_connection_db,
        lambda: one_connection_db.run_write_begun_with(BEGIN_AND_LOCK, add_user("a@example.com")),
    )
    assert transaction_control(sent) == [BEGIN_AND_LOCK, "COMMIT"]
    assert await users(one_connection_db) == ["a@example.com"]


async def test_a_transaction_whose_statement_failed_is_not_taken_for_committed(
    one_connection_db, database_url
):
    """PostgreSQL answers COMMIT with ROLLBACK when a statement of the transaction failed: a
    `work` that caught the error must not look committed."""

    def add_twice_quietly(conn) -> None:
        add_user("a@example.com")(conn)
        with contextlib.suppress(IntegrityError):  # the unique email: the transaction failed
            add_user("a@example.com")(conn)

    with pytest.raises(RuntimeError, match="rolled back"):
        await one_connection_db.run_write_begun_with(BEGIN_AND_LOCK, add_twice_quietly)
    assert await users(one_connection_db) == []
    assert await open_transactions(database_url) == 0


async def test_a_failed_transaction_begun_on_the_driver_is_rolled_back_and_its_connection_reused(
    one_connection_db, database_url
):
    def add_then_fail(conn) -> None:
        add_user("ghost@example.com")(conn)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        await one_connection_db.run_write_begun_with(BEGIN_AND_LOCK, add_then_fail)
    assert await open_transactions(database_url) == 0
    # The pool's one connection is back, outside any transaction: the next one commits.
    await one_connection_db.run_write_begun_with(BEGIN_AND_LOCK, add_user("b@example.com"))
    assert await users(one_connection_db) == ["b@example.com"]


async def test_a_transaction_cancelled_while_it_waits_for_its_lock_leaves_nothing_open(
    one_connection_db, database_url
):
    """The writer stopped while its batch waited for another process's lock: the pool must
    not get back a connection inside a transaction (SQLAlchemy cannot see it), and the lock
    must not stay taken."""
    other = await asyncpg.connect(
        make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    )
    try:
        await other.execute("BEGIN; SELECT pg_advisory_xact_lock(424242)")
        waiting = asyncio.create_task(
            one_connection_db.run_write_begun_with(BEGIN_AND_LOCK, add_user("c@example.com"))
        )
        for _ in range(1000):  # until the server says it waits (10 s at most)
            if await other.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ):
                break
            await asyncio.sleep(0.01)
        else:
            pytest.fail("the transaction never waited for the lock")
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        await other.execute("ROLLBACK")
    finally:
        await other.close()
    assert await open_transactions(database_url) == 0
    await one_connection_db.run_write_begun_with(BEGIN_AND_LOCK, add_user("d@example.com"))
    assert await users(one_connection_db) == ["d@example.com"]
