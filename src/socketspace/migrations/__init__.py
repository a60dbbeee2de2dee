"""Alembic migrations, run in code: `socketspace migrate`, `make run` and the tests use this."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import NameFilterParentNames, NameFilterType
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

# The search index migration 0008 builds beside the models' tables (the database keeps it;
# no model maps it): SQLite's FTS5 table with its shadow tables, PostgreSQL's tsvector column
# and its GIN index; and SQLite's queue of messages not yet indexed (migration 0012).
# Comparisons of the schema with the models leave them out.
SEARCH_TABLES = frozenset(
    {
        *(f"messages_fts{suffix}" for suffix in ("", "_data", "_idx", "_docsize", "_config")),
        "search_pending",
    }
)
SEARCH_COLUMNS = frozenset({("messages", "search")})
SEARCH_INDEXES = frozenset({"ix_messages_search"})


def include_name(
    name: str | None, type_: NameFilterType, parent_names: NameFilterParentNames
) -> bool:
    """Alembic's `include_name`: everything but the search index."""
    if type_ == "table":
        return name not in SEARCH_TABLES
    if type_ == "column":
        return (parent_names.get("table_name"), name) not in SEARCH_COLUMNS
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "socketspace:migrations")
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    await _migrate(engine, command.upgrade, revision)


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    await _migrate(engine, command.downgrade, revision)


async def _migrate(engine: AsyncEngine, step: Callable[[Config, str], None], revision: str) -> None:
    def run(connection: Connection) -> None:
        with foreign_keys_off(connection), connection.begin():
            step(alembic_config(connection), revision)
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:  # the transaction rolls back: nothing changed
                    raise RuntimeError(f"The migration would break foreign keys: {broken[:5]}")

    async with engine.connect() as conn:
        await conn.run_sync(run)


@contextmanager
def foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite: foreign keys off while migrating. SQLite cannot alter most of a table, so a
    migration copies it (alembic's batch mode) and drops the old one, and with foreign keys on
    that DROP deletes every row that refers to it (ON DELETE CASCADE): migration 0006 emptied
    the messages and members tables so. SQLite takes the pragma only outside a transaction,
    hence on the driver's connection, before SQLAlchemy begins one."""
    if connection.dialect.name != "sqlite" or connection.in_transaction():
        yield
        return
    driver = connection.connection.dbapi_connection
    assert driver is not None
    driver.cursor().execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver.cursor().execute("PRAGMA foreign_keys=ON")
