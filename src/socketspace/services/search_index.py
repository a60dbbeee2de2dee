"""SQLite's search index catches up with the messages queued for it (migration 0012).

Storing a message only queues its id (`search_pending`, by a trigger); every INTERVAL seconds
the queued messages go into FTS5 in one statement, in the message writer's own thread and
transactions, so the two never wait on each other's lock. In bulk FTS5 costs about a quarter
of what one row at a time in the send's own transaction did (docs/performance.md, "Search").
Searches do not wait for it: services/search.py checks what is still queued itself.

PostgreSQL keeps its index itself (a generated column): there is nothing to do there.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection
from sqlalchemy import text as sql

from socketspace.db import Database
from socketspace.periodic import Periodic

log = logging.getLogger(__name__)

INTERVAL = 0.5  # seconds
# At most this many messages a round, so that a long queue (a bulk import) never holds the
# writer's thread for long: at 16,000 msg/s half a second queues 8,000.
ROUND_MAX = 20_000

_LAST_OF_ROUND = sql("SELECT max(id) FROM (SELECT id FROM search_pending ORDER BY id LIMIT :n)")
_INDEX = sql(
    "INSERT INTO messages_fts(rowid, text, conv) SELECT m.id, m.text, 'c' || m.conversation_id"
    " FROM search_pending AS p JOIN messages AS m ON m.id = p.id"
    " WHERE p.id <= :last AND m.text IS NOT NULL"
)
_DEQUEUE = sql("DELETE FROM search_pending WHERE id <= :last")


def index_queued(conn: Connection, most: int = ROUND_MAX) -> int:
    """Add up to `most` queued messages to the index, oldest first; how many were queued."""
    last = conn.execute(_LAST_OF_ROUND, {"n": most}).scalar()
    if last is None:
        return 0
    conn.execute(_INDEX, {"last": last})
    return conn.execute(_DEQUEUE, {"last": last}).rowcount


class SearchIndexer:
    def __init__(self, db: Database, interval: float = INTERVAL) -> None:
        self.db = db
        self._rounds = Periodic("search_index", interval, self.catch_up) if db.is_sqlite else None

    def start(self) -> None:
        if self._rounds is not None:
            self._rounds.start()

    async def stop(self) -> None:
        if self._rounds is not None:
            await self._rounds.stop()

    async def catch_up(self) -> int:
        """One round: how many messages it indexed."""
        if not self.db.is_sqlite:
            return 0
        return await self.db.run_write(index_queued)
