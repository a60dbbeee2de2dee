"""The database: one async engine, read and write transactions, SQLite tuned for concurrency.

Services open their own transactions with `db.read()` / `db.write()`; on SQLite a write
transaction starts with BEGIN IMMEDIATE, so it waits for the lock (busy_timeout) instead of
failing with SQLITE_BUSY when a deferred transaction tries to upgrade.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA busy_timeout=5000",
    "PRAGMA foreign_keys=ON",
)
_BEGIN_OPTION = "socketspace_begin"
# A pooled PostgreSQL connection that sat unused for longer than this is tried before it is
# handed out: a restart of the server, or a proxy's idle timeout, closes connections that sit
# in the pool. One used moments ago is not tried (see `_ping_when_idle`).
PING_AFTER_IDLE_SECONDS = 1.0
_LAST_USED = "socketspace_last_used"
T = TypeVar("T")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # Last in, first out: a light load reuses the connection just used (no try needed)
        # and leaves the others idle.
        engine = create_async_engine(url, pool_use_lifo=True, **kwargs)
        _ping_when_idle(engine.sync_engine)
        return engine
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, **kwargs)
    _tune_sqlite(engine.sync_engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    """Try a connection at checkout only when it was idle for PING_AFTER_IDLE_SECONDS.

    SQLAlchemy's `pool_pre_ping` tries every connection at every checkout, and on asyncpg a
    try is three round trips (BEGIN, an empty statement, ROLLBACK), on top of a message
    batch's own four (docs/performance.md). A connection that answered a moment
    ago is alive but for a server restart in that moment, and then its one transaction fails
    and SQLAlchemy renews every connection of the pool older than the failure (a failure of
    the message writer's statements on the driver renews only its own connection:
    `run_write_begun_with`)."""

    @event.listens_for(engine.pool, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine.pool, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        # `info` is the DBAPI connection's own: a new connection has none, and needs no try.
        last_used = record.info.get(_LAST_USED)
        if last_used is None or time.monotonic() - last_used < PING_AFTER_IDLE_SECONDS:
            return
        try:
            dbapi_connection.ping()
        except Exception as exc:  # the pool drops this connection and hands out another
            raise DisconnectionError("a pooled connection no longer answers") from exc


async def _roll_back_or_discard(conn: AsyncConnection, driver: Any) -> None:
    """End a transaction begun on the driver, which SQLAlchemy's pool cannot see: roll it back,
    or, when the connection cannot (closed, or cancelled in the middle of a statement), close
    it so that the pool replaces it."""
    try:
        await driver.execute("ROLLBACK")
    except BaseException as exc:
        await conn.invalidate()
        if isinstance(exc, asyncio.CancelledError):  # cancelled meanwhile: that comes first
            raise


def _tune_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._write_engine = engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._reader = async_sessionmaker(engine, expire_on_commit=False)
        self._writer = async_sessionmaker(self._write_engine, expire_on_commit=False)
        # PostgreSQL only: connections whose transactions `run_write_begun_with` drives.
        self._autocommit_engine = engine.execution_options(isolation_level="AUTOCOMMIT")

        # SQLite only: the stdlib driver, used from one thread of its own for `run_write`.
        self._sqlite_writer: Engine | None = None
        self._writer_thread: ThreadPoolExecutor | None = None
        if self.is_sqlite:
            sync = create_sync_engine(engine.url.set(drivername="sqlite"), pool_size=1)
            _tune_sqlite(sync)
            self._sqlite_writer = sync.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
            self._writer_thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-writer")

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(create_engine(url))

    async def run_write(self, work: Callable[[Connection], T]) -> T:
        """Run `work(connection)` in one write transaction, with Core statements.

        On SQLite the whole transaction runs in one thread with the stdlib driver: one thread
        hop instead of several per statement, which is what bounds aiosqlite (FIELD-NOTES).
        On PostgreSQL it runs through the async driver."""
        if self._sqlite_writer is not None and self._writer_thread is not None:
            writer = self._sqlite_writer

            def in_thread() -> T:
                with writer.begin() as conn:
                    return work(conn)

            return await asyncio.get_running_loop().run_in_executor(self._writer_thread, in_thread)
        async with self._write_engine.begin() as conn:
            return await conn.run_sync(work)

    async def run_write_begun_with(self, begin: str, work: Callable[[Connection], T]) -> T:
        """PostgreSQL: `work(connection)` in one transaction that this method begins with
        `begin` (one simple query: BEGIN and what the transaction does first, e.g. take a
        lock) and ends with COMMIT, both sent on the driver's own connection.

        For the message writer's batches: SQLAlchemy's begin, its first statement and its
        commit are three round trips, and its execution path costs more CPU than the
        statements (docs/performance.md, "The writer on the driver"). SQLAlchemy's connection
        is in autocommit mode here, so it sends no BEGIN or COMMIT of its own: its statements
        run inside this transaction. `work` may also run statements on the driver's connection
        (message_sql.PostgreSQL). A transaction that fails is rolled back before its
        connection goes back to the pool; a connection that cannot roll back is thrown away
        (only that one: the others are tried when idle, see `_ping_when_idle`, or renewed by
        SQLAlchemy when one of them fails)."""
        async with self._autocommit_engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            assert driver is not None  # an open connection's
            try:
                if driver.is_in_transaction():  # never: every path below ends its transaction
                    raise RuntimeError("a pooled connection was left inside a transaction")
                await driver.execute(begin)
                result = await conn.run_sync(work)
                # A transaction in which a statement failed ends in a ROLLBACK, even when asked
                # to commit (a `work` that caught the error would not know).
                if await driver.execute("COMMIT") != "COMMIT":
                    raise RuntimeError("the transaction was rolled back: a statement in it failed")
            except BaseException:
                await _roll_back_or_discard(conn, driver)
                raise
            return result

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        async with self._reader() as session, session.begin():
            yield session

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction that commits when the block ends and rolls back on any exception."""
        async with self._writer() as session, session.begin():
            yield session

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        if self._writer_thread is not None and self._sqlite_writer is not None:
            await asyncio.get_running_loop().run_in_executor(
                self._writer_thread, self._sqlite_writer.engine.dispose
            )
            self._writer_thread.shutdown()
        await self.engine.dispose()
