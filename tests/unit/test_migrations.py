"""The migrations build exactly the schema the models describe, on both backends."""

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from socketspace.db import create_engine
from socketspace.migrations import SEARCH_TABLES, alembic_config, include_name, upgrade
from socketspace.models import Base


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

    def downgrade(conn: Connection) -> None:
        command.downgrade(alembic_config(conn), "base")

    def tables(conn: Connection) -> set[str]:
        return set(inspect(conn).get_table_names()) - {"alembic_version", *SEARCH_TABLES}

    try:
        async with engine.begin() as conn:
            await conn.run_sync(downgrade)
        async with engine.connect() as conn:
            assert await conn.run_sync(tables) == set()
        await upgrade(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(tables) == set(Base.metadata.tables)
    finally:
        await engine.dispose()
