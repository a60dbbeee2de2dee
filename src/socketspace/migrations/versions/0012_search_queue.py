"""SQLite's search index, kept up off the send path.

Migration 0008's trigger added each new message to FTS5 as it was stored, one row at a time:
that doubled the message writer's CPU per message (FTS5 flushes and merges a segment per
transaction, and a row-at-a-time insert through a trigger is its slowest way in). Now the
insert trigger only queues the message's id in `search_pending`; services/search_index.py
adds the queued messages to FTS5 in bulk every half second (a quarter of the cost), and a
search checks the few still queued itself, so it finds a message the moment it is stored.

An edit or a delete of a message still queued leaves FTS5 alone (the indexer reads the text
as it is when it gets there); of an indexed one, updates FTS5 as before. PostgreSQL keeps its
generated column: nothing changes there.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import importlib
from types import ModuleType

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

SQLITE_CREATE = (
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    "DROP TRIGGER IF EXISTS messages_fts_update",
    "DROP TRIGGER IF EXISTS messages_fts_delete",
    "CREATE TABLE IF NOT EXISTS search_pending (id INTEGER PRIMARY KEY)",
    # The index's content is exactly what it holds: the messages with text, not queued.
    # FTS5 reads it only to rebuild and to check its integrity (`integrity-check`, which
    # tests/api/test_search_index.py runs: 0008's view also listed the deleted messages, whose
    # text is gone, so the check could not pass there).
    "DROP VIEW IF EXISTS messages_search",
    "CREATE VIEW messages_search AS SELECT id, text, 'c' || conversation_id AS conv"
    " FROM messages WHERE text IS NOT NULL AND id NOT IN (SELECT id FROM search_pending)",
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.text IS NOT NULL"
    " BEGIN INSERT OR IGNORE INTO search_pending (id) VALUES (new.id); END",
    # The 'delete' command must be given the values as they were indexed: the old row's.
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN"
    " INSERT INTO messages_fts(messages_fts, rowid, text, conv)"
    " SELECT 'delete', old.id, old.text, 'c' || old.conversation_id"
    " WHERE old.text IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM search_pending WHERE id = old.id);"
    " DELETE FROM search_pending WHERE id = old.id;"
    " END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages"
    " WHEN NOT EXISTS (SELECT 1 FROM search_pending WHERE id = old.id) BEGIN"
    " INSERT INTO messages_fts(messages_fts, rowid, text, conv)"
    " SELECT 'delete', old.id, old.text, 'c' || old.conversation_id"
    " WHERE old.text IS NOT NULL;"
    " INSERT INTO messages_fts(rowid, text, conv)"
    " SELECT new.id, new.text, 'c' || new.conversation_id WHERE new.text IS NOT NULL;"
    " END",
)
SQLITE_DROP = (
    # What is still queued goes into the index first: 0008's triggers expect every message
    # with text to be in it.
    "INSERT INTO messages_fts(rowid, text, conv) SELECT m.id, m.text, 'c' || m.conversation_id"
    " FROM search_pending AS p JOIN messages AS m ON m.id = p.id WHERE m.text IS NOT NULL",
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    "DROP TRIGGER IF EXISTS messages_fts_update",
    "DROP TRIGGER IF EXISTS messages_fts_delete",
    "DROP VIEW IF EXISTS messages_search",
    "DROP TABLE IF EXISTS search_pending",
)


def _search_0008() -> ModuleType:
    return importlib.import_module("socketspace.migrations.versions.0008_search")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in SQLITE_CREATE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in SQLITE_DROP:
        op.execute(statement)
    # 0008's view and triggers, as 0008 made them.
    for statement in _search_0008().SQLITE_CREATE:
        if statement.startswith(("CREATE VIEW", "CREATE TRIGGER")):
            op.execute(statement)
