"""The writer's lookups use indexes: a full scan of messages per batch would make sending
slower as history grows (SQLite answers `(a, b) IN (...)` row-value lists with a scan)."""

import pytest
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text

from socketspace.services.message_writer import (
    FIND_CONVERSATION,
    FIND_EARLIER,
    FIND_MESSAGES,
    FIND_USERS,
    SQLITE_FIND_EARLIER,
)


@pytest.fixture
def sqlite(backend, database_url):
    if backend[0] != "sqlite":
        pytest.skip("SQLite query plans")
    engine = create_sync_engine(database_url.replace("+aiosqlite", ""))
    with engine.connect() as conn:
        yield conn
    engine.dispose()


@pytest.mark.parametrize(
    ("statement", "params"),
    [
        (FIND_EARLIER, {"client_ids": ["c1", "c2"]}),
        (FIND_CONVERSATION, {"low": "a", "high": "b"}),
        (FIND_USERS, {"ids": ["a", "b"]}),
        (FIND_MESSAGES, {"ids": [1, 2]}),
        (text(SQLITE_FIND_EARLIER.format("'c1', 'c2'")), {}),
    ],
    ids=["earlier-sends", "conversation", "users", "messages", "earlier-sends-sqlite"],
)
def test_writer_lookups_search_an_index_instead_of_scanning(sqlite, statement, params):
    bound = statement.params(**params) if params else statement
    sql = bound.compile(sqlite, compile_kwargs={"literal_binds": True})
    rows = sqlite.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
    plan = " | ".join(str(row[-1]) for row in rows)
    assert "SCAN" not in plan, plan
    assert "SEARCH" in plan, plan
