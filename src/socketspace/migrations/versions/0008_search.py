"""Full-text search over message text.

SQLite: an FTS5 table with the messages table as its external content (only the index is
stored), kept true by triggers on insert, on a change of text (an edit; a delete empties it)
and on a row's delete; unicode61 with remove_diacritics 2 folds case and accents.
PostgreSQL: a stored generated tsvector column (the `simple` configuration over unaccent:
every language, accents folded) with a GIN index; PostgreSQL keeps it true itself.
Both are built here for the messages already stored.

bench/search.py drops and recreates the index with these same statements, to measure what it
costs the send path.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

SQLITE_CREATE = (
    # The index's content: each message's text, and its conversation as a word of its own
    # ("c42"), so that a search matches only in the viewer's conversations inside FTS5
    # instead of finding every match in the database and dropping most of them after.
    "CREATE VIEW messages_search AS SELECT id, text, 'c' || conversation_id AS conv FROM messages",
    "CREATE VIRTUAL TABLE messages_fts USING fts5(text, conv, content='messages_search',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    # The 'delete' command must be given the values as they were indexed: the old row's.
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.text IS NOT NULL"
    " BEGIN INSERT INTO messages_fts(rowid, text, conv)"
    " VALUES (new.id, new.text, 'c' || new.conversation_id); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.text IS NOT NULL"
    " BEGIN INSERT INTO messages_fts(messages_fts, rowid, text, conv)"
    " VALUES ('delete', old.id, old.text, 'c' || old.conversation_id); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF text ON messages BEGIN"
    " INSERT INTO messages_fts(messages_fts, rowid, text, conv)"
    " SELECT 'delete', old.id, old.text, 'c' || old.conversation_id"
    " WHERE old.text IS NOT NULL;"
    " INSERT INTO messages_fts(rowid, text, conv)"
    " SELECT new.id, new.text, 'c' || new.conversation_id WHERE new.text IS NOT NULL;"
    " END",
    "INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS messages_fts_update",
    "DROP TRIGGER IF EXISTS messages_fts_delete",
    "DROP TRIGGER IF EXISTS messages_fts_insert",
    "DROP TABLE IF EXISTS messages_fts",
    "DROP VIEW IF EXISTS messages_search",
)

POSTGRESQL_CREATE = (
    # A trusted extension since PostgreSQL 13: the database's owner may create it.
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    # unaccent() is only STABLE (its dictionary could change); a generated column needs an
    # IMMUTABLE expression: this wrapper names the dictionary, as PostgreSQL's docs suggest.
    "CREATE OR REPLACE FUNCTION socketspace_unaccent(text) RETURNS text"
    " LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT"
    " AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "ALTER TABLE messages ADD COLUMN search tsvector GENERATED ALWAYS AS"
    " (to_tsvector('simple', socketspace_unaccent(coalesce(text, '')))) STORED",
    "CREATE INDEX ix_messages_search ON messages USING gin (search)",
)
POSTGRESQL_DROP = (
    "DROP INDEX IF EXISTS ix_messages_search",
    "ALTER TABLE messages DROP COLUMN IF EXISTS search",
    "DROP FUNCTION IF EXISTS socketspace_unaccent(text)",
)


def statements(dialect: str, *, create: bool) -> tuple[str, ...]:
    if dialect == "sqlite":
        return SQLITE_CREATE if create else SQLITE_DROP
    return POSTGRESQL_CREATE if create else POSTGRESQL_DROP


def upgrade() -> None:
    for statement in statements(op.get_bind().dialect.name, create=True):
        op.execute(statement)


def downgrade() -> None:
    for statement in statements(op.get_bind().dialect.name, create=False):
        op.execute(statement)
