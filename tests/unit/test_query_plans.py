"""The writer's lookups and the hot reads use indexes: a full scan of messages would make
sending and reading slower as history grows (SQLite answers `(a, b) IN (...)` row-value lists
with a scan)."""

import pytest
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text

from socketspace.schemas.message import ChatRow
from socketspace.services.message_sql import (
    FIND_CONVERSATION,
    FIND_EARLIER,
    FIND_MESSAGES,
    FIND_USERS,
    SQLITE_FIND_EARLIER,
)
from socketspace.services.messages import (
    _CHATS,
    _NEWEST_PAGE,
    _PAGE_BEFORE,
    _PAGE_HEAD,
    _SYNC_ALL,
    _SYNC_DIRECT,
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
        (_PAGE_HEAD, {"low": "a", "high": "b", "partner": "b"}),
        (_NEWEST_PAGE, {"conversation_id": 1, "size": 51}),
        (_PAGE_BEFORE, {"conversation_id": 1, "before": 1000, "size": 51}),
        (_SYNC_ALL, {"viewer": "a", "after": 1000, "size": 201}),
        (_SYNC_DIRECT, {"viewer": "a", "after": 1000, "size": 201}),
        (_CHATS, {"viewer": "a"}),
    ],
    ids=[
        "earlier-sends",
        "conversation",
        "users",
        "messages",
        "earlier-sends-sqlite",
        "history-head",
        "history-newest",
        "history-before",
        "sync",
        "sync-direct",
        "chats",
    ],
)
def test_lookups_search_an_index_instead_of_scanning(sqlite, statement, params):
    bound = statement.params(**params) if params else statement
    sql = bound.compile(sqlite, compile_kwargs={"literal_binds": True})
    rows = sqlite.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
    plan = " | ".join(str(row[-1]) for row in rows)
    assert "SCAN" not in plan, plan
    assert "SEARCH" in plan, plan


def test_the_chats_statement_selects_its_columns_in_chat_row_order():
    """chat_view unpacks rows by position."""
    assert tuple(column.key for column in _CHATS.selected_columns) == ChatRow._fields
