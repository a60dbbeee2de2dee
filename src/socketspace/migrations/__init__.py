"""Alembic migrations, run in code: `socketspace migrate`, `make run` and the tests use this."""

from __future__ import annotations

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
    def run(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    async with engine.begin() as conn:
        await conn.run_sync(run)
