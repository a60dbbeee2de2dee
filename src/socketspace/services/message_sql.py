"""The message writer's SQL for each database: what a batch runs, not when (batching and
announcing are message_writer's). The writer picks `SQLITE` or `POSTGRESQL` once and calls the
same four methods on either.

Both INSERTs come from one column list, the table's (`Message.__table__`): their SQL and the
code that turns a MessageRecord into their parameters are made from it once, at import. So a
new column of messages changes nothing here: it touches models/message.py (its Column and its
MessageRecord field) and, if clients see it, message_view (schemas/message.py).

The writes are plain SQL on the driver's own connection, on both databases: the statements
themselves take microseconds and SQLAlchemy's per-execution work (~100 us each) was most of a
batch's cost. The lookups a batch sometimes needs (new conversations, groups, replies, retries)
stay Core statements, built once: building one costs more than running it, and a pre-built
statement keeps its cache key.
"""

from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar, cast

import asyncpg
from sqlalchemy import Connection, String, Table, bindparam, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.types import TypeEngine

from socketspace.db import Database
from socketspace.models import Conversation, ConversationMember, User
from socketspace.models.conversation import GROUP
from socketspace.models.message import Message, MessageRecord

# Any constant works; it names "the message writer" among PostgreSQL advisory locks.
ADVISORY_LOCK_KEY = 0x50C4E75_ACE

MESSAGES = cast(Table, Message.__table__)
# What a new message is inserted with: every column but the id, which the database gives.
INSERT_COLUMNS = tuple(c.key for c in MESSAGES.columns if not c.primary_key)

T = TypeVar("T")

# One row's parameters for an UPDATE of a batch: `cid` conversation, `uid` user, `mid` message
# id, `n` a count.
Params = dict[str, Any]


class WriterSQL(Protocol):
    # Whether a batch looks for the messages its retries stored before (find_sent) before it
    # inserts, or inserts first and looks only when the unique client id refuses a row.
    looks_for_earlier: bool

    def run(self, db: Database, work: Callable[[Connection], T]) -> Awaitable[T]:
        """`work(connection)` in one write transaction that holds the writers' lock from its
        start: writers in other processes wait for it (ids rise in commit order)."""

    def insert(self, conn: Connection, messages: list[MessageRecord]) -> None:
        """Insert the messages, in order, and set each one's id."""

    def find_sent(self, conn: Connection, keys: set[tuple[str, str]]) -> list[MessageRecord]:
        """The stored messages with these (sender id, client id) pairs; perhaps also others
        with the same client ids."""

    def touch_conversations(
        self, conn: Connection, moves: list[Params], increments: list[Params], reads: list[Params]
    ) -> None:
        """Set conversations' last message (`cid`, `mid`); add `n` to members' unread counts
        (`cid`, `uid`); and for senders set the count to `n` and read them up to `mid`."""


def values_of(names: Sequence[str]) -> Callable[[MessageRecord], tuple[Any, ...]]:
    """A function reading these fields of a record as a tuple: operator.attrgetter (it reads
    them in C), but always a tuple."""
    if not names:
        return lambda record: ()
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return lambda record: (one(record),)
    return operator.attrgetter(*names)


# --- Core statements both databases run -------------------------------------------------------

_member = ConversationMember
# Lookups by key, never `(a, b) IN (...)` lists of row values: SQLite answers those with a
# scan of the whole table.
FIND_CONVERSATION = select(Conversation.id).where(
    Conversation.user_low == bindparam("low"), Conversation.user_high == bindparam("high")
)
FIND_USERS = select(User.id).where(User.id.in_(bindparam("ids", expanding=True)))
ADD_CONVERSATIONS = insert(Conversation).returning(Conversation.id, sort_by_parameter_order=True)
ADD_MEMBERS = insert(ConversationMember)
FIND_MESSAGES = select(*MESSAGES.columns).where(MESSAGES.c.id.in_(bindparam("ids", expanding=True)))
# A group's current members (left_at_message_id unset), for the groups of a batch.
FIND_GROUP_MEMBERS = (
    select(_member.conversation_id, _member.user_id)
    .join(Conversation, Conversation.id == _member.conversation_id)
    .where(
        _member.conversation_id.in_(bindparam("ids", expanding=True)),
        Conversation.kind == GROUP,
        _member.left_at_message_id.is_(None),
    )
)
# Everyone in the group but `uid` (who sent `n` messages) has `n` more unread.
ADD_UNREAD_TO_OTHERS = (
    update(_member)
    .where(
        _member.conversation_id == bindparam("cid"),
        _member.user_id != bindparam("uid"),
        _member.left_at_message_id.is_(None),
    )
    .values(unread_count=_member.unread_count + bindparam("n"))
)


def group_members(conn: Connection, group_ids: set[int]) -> dict[int, tuple[str, ...]]:
    """The current members of each of these groups (an id that is no group is left out)."""
    if not group_ids:
        return {}
    found: dict[int, list[str]] = {}
    for group_id, user_id in conn.execute(FIND_GROUP_MEMBERS, {"ids": sorted(group_ids)}):
        found.setdefault(group_id, []).append(user_id)
    return {group_id: tuple(members) for group_id, members in found.items()}


def add_unread_to_other_members(conn: Connection, sent: list[Params]) -> None:
    """Group messages: each row (`cid` group, `uid` sender, `n` messages) adds `n` to every
    other current member's unread count."""
    conn.execute(ADD_UNREAD_TO_OTHERS, sent)


# --- Both databases: a batch's rows in the driver's form ---------------------------------------


class DriverForm:
    """How a MessageRecord's INSERT_COLUMNS reach one database's driver: the values SQLAlchemy
    would send it, without SQLAlchemy. `columns` is their order in a row: first the columns
    whose values go as they are, then those SQLAlchemy converts (times, JSON, booleans)."""

    def __init__(self, dialect: Dialect) -> None:
        to_driver = {
            name: MESSAGES.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in INSERT_COLUMNS
        }
        as_is = [name for name, convert in to_driver.items() if convert is None]
        converted = [name for name, convert in to_driver.items() if convert is not None]
        self.columns = (*as_is, *converted)
        self._converters = [convert for convert in to_driver.values() if convert is not None]
        self._as_is_values = values_of(as_is)
        self._converted_values = values_of(converted)

    def rows(self, messages: list[MessageRecord]) -> list[tuple[Any, ...]]:
        """One tuple of values per message, in `columns` order. The converted ones are
        converted once per distinct combination: a batch's messages share their time, so most
        batches convert once (a few microseconds) instead of once a message."""
        converted: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        rows = []
        for message in messages:
            values = self._converted_values(message)
            try:
                in_driver_form = converted.get(values)
            except TypeError:  # a value that cannot be a key (a system message's JSON)
                in_driver_form = self._convert(values)
            if in_driver_form is None:
                in_driver_form = converted[values] = self._convert(values)
            rows.append(self._as_is_values(message) + in_driver_form)
        return rows

    def _convert(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            convert(value) for convert, value in zip(self._converters, values, strict=True)
        )


# --- PostgreSQL: the writes on asyncpg itself -------------------------------------------------

_PG = postgresql.asyncpg.dialect()  # type: ignore[no-untyped-call]
PG_FORM = DriverForm(_PG)
# BEGIN and the writers' lock in one simple query, one round trip (Database.run_write_begun_with).
PG_BEGIN = f"BEGIN; SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY:d})"
FIND_EARLIER = select(*MESSAGES.columns).where(
    MESSAGES.c.client_id.in_(bindparam("client_ids", expanding=True))
)


def _array_of(column_type: TypeEngine[Any]) -> str:
    """The PostgreSQL array type a column's values travel in. Strings without their length:
    a cast to VARCHAR(n) would cut a longer value short, where the column refuses it."""
    if isinstance(column_type, String):
        return "VARCHAR[]"
    return f"{column_type.compile(dialect=_PG)}[]"


# The batch as one array per column, inserted in the arrays' order: the id sequence gives the
# rows rising ids in that order, so the ids returned, sorted, are the messages' in order.
# (Made from the table's names and types, never from input.)
PG_ADD_MESSAGES = (  # noqa: S608
    "INSERT INTO {table} ({names}) SELECT {names} FROM unnest({arrays})"
    " WITH ORDINALITY AS batch({names}, position) ORDER BY position RETURNING id"
).format(
    table=_PG.identifier_preparer.quote(MESSAGES.name),
    names=", ".join(_PG.identifier_preparer.quote(name) for name in PG_FORM.columns),
    arrays=", ".join(
        f"${n}::{_array_of(MESSAGES.c[name].type)}"
        for n, name in enumerate(PG_FORM.columns, start=1)
    ),
)
# The three kinds of change of `touch_conversations` in one statement, so one round trip: the
# members' increments and reads are never for the same row (the writer counts a sender's
# unread among its reads), so the two updates of conversation_members do not meet.
_TOUCH_CONVERSATIONS = text(
    "WITH moved AS (UPDATE conversations AS c SET last_message_id = m.mid"
    " FROM unnest(CAST(:move_cids AS bigint[]), CAST(:move_mids AS bigint[])) AS m(cid, mid)"
    " WHERE c.id = m.cid),"
    " added AS (UPDATE conversation_members AS cm SET unread_count = cm.unread_count + a.n"
    " FROM unnest(CAST(:add_cids AS bigint[]), CAST(:add_uids AS text[]),"
    " CAST(:add_ns AS integer[])) AS a(cid, uid, n)"
    " WHERE cm.conversation_id = a.cid AND cm.user_id = a.uid)"
    " UPDATE conversation_members AS cm SET unread_count = r.n, last_read_message_id ="
    " CASE WHEN cm.last_read_message_id < r.mid THEN r.mid ELSE cm.last_read_message_id END"
    " FROM unnest(CAST(:read_cids AS bigint[]), CAST(:read_uids AS text[]),"
    " CAST(:read_ns AS integer[]), CAST(:read_mids AS bigint[])) AS r(cid, uid, n, mid)"
    " WHERE cm.conversation_id = r.cid AND cm.user_id = r.uid"
).compile(dialect=_PG)
PG_TOUCH_CONVERSATIONS = _TOUCH_CONVERSATIONS.string  # $1, $2, ... in this order:
_TOUCH_PARAMETERS = tuple(_TOUCH_CONVERSATIONS.positiontup or ())


def _columns(rows: list[Params], prefix: str, names: str) -> Params:
    """Rows of parameters as one array per name (`cid mid` -> move_cids, move_mids)."""
    return {f"{prefix}_{name}s": [row[name] for row in rows] for name in names.split()}


def _on_driver(conn: Connection, statement: str, *arguments: Any) -> list[Any]:
    """Run a statement on asyncpg's own connection, inside the transaction that
    Database.run_write_begun_with began there (SQLAlchemy's connection, in autocommit mode,
    knows of none), through SQLAlchemy's `AdaptedConnection.run_async`. A broken constraint is
    SQLAlchemy's IntegrityError, as from a Core statement."""
    adapted = conn.connection.dbapi_connection
    if adapted is None or not adapted.driver_connection.is_in_transaction():
        raise RuntimeError("the writer's statements run only in PostgreSQL.run's transaction")
    try:
        return cast(
            list[Any], adapted.run_async(lambda driver: driver.fetch(statement, *arguments))
        )
    except asyncpg.IntegrityConstraintViolationError as exc:
        raise IntegrityError(statement, arguments, exc) from exc


class PostgreSQL:
    # A lookup is a round trip of the four a batch takes, for a retry in perhaps one batch
    # in thousands: insert first (a retry then costs the batch a second try, which looks).
    looks_for_earlier = False

    def run(self, db: Database, work: Callable[[Connection], T]) -> Awaitable[T]:
        return db.run_write_begun_with(PG_BEGIN, work)

    def insert(self, conn: Connection, messages: list[MessageRecord]) -> None:
        by_column = list(zip(*PG_FORM.rows(messages), strict=True))
        ids = sorted(row[0] for row in _on_driver(conn, PG_ADD_MESSAGES, *by_column))
        for message, message_id in zip(messages, ids, strict=True):
            message.id = message_id

    def find_sent(self, conn: Connection, keys: set[tuple[str, str]]) -> list[MessageRecord]:
        client_ids = sorted({client_id for _, client_id in keys})
        rows = conn.execute(FIND_EARLIER, {"client_ids": client_ids})
        return [MessageRecord(**row._mapping) for row in rows]

    def touch_conversations(
        self, conn: Connection, moves: list[Params], increments: list[Params], reads: list[Params]
    ) -> None:
        arrays = (
            _columns(moves, "move", "cid mid")
            | _columns(increments, "add", "cid uid n")
            | _columns(reads, "read", "cid uid n mid")
        )
        _on_driver(conn, PG_TOUCH_CONVERSATIONS, *(arrays[name] for name in _TOUCH_PARAMETERS))


# --- SQLite: the same writes as plain SQL on the driver's cursor ------------------------------

_SQLITE = sqlite.dialect()
SQLITE_FORM = DriverForm(_SQLITE)
# (Made from the table's names, never from input.)
SQLITE_ADD_MESSAGE = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
    _SQLITE.identifier_preparer.quote(MESSAGES.name),  # quotes only what needs it
    ", ".join(_SQLITE.identifier_preparer.quote(name) for name in SQLITE_FORM.columns),
    ", ".join("?" for _ in SQLITE_FORM.columns),
)
# Named parameters where both databases share their parameter lists.
SQLITE_MOVE_LAST_MESSAGE = "UPDATE conversations SET last_message_id = :mid WHERE id = :cid"
SQLITE_ADD_UNREAD = (
    "UPDATE conversation_members SET unread_count = unread_count + :n"
    " WHERE conversation_id = :cid AND user_id = :uid"
)
SQLITE_READ_BY_SENDING = (
    "UPDATE conversation_members SET unread_count = :n,"
    " last_read_message_id = max(last_read_message_id, :mid)"
    " WHERE conversation_id = :cid AND user_id = :uid"
)
SQLITE_FIND_EARLIER = "SELECT id, sender_id, client_id FROM messages WHERE client_id IN ({})"


class SQLite:
    looks_for_earlier = True  # in process: microseconds

    def run(self, db: Database, work: Callable[[Connection], T]) -> Awaitable[T]:
        """Its BEGIN IMMEDIATE takes SQLite's one write lock (Database.run_write)."""
        return db.run_write(work)

    def insert(self, conn: Connection, messages: list[MessageRecord]) -> None:
        """One statement for the batch. SQLite gives a new row the largest id so far plus
        one, and this transaction holds the write lock: the batch's ids are the consecutive
        run that ends at the last one inserted."""
        cursor = _cursor(conn)
        cursor.executemany(SQLITE_ADD_MESSAGE, SQLITE_FORM.rows(messages))
        last = cursor.execute("SELECT last_insert_rowid()").fetchone()[0]
        for message_id, message in enumerate(messages, start=last - len(messages) + 1):
            message.id = message_id

    def find_sent(self, conn: Connection, keys: set[tuple[str, str]]) -> list[MessageRecord]:
        """Retries are rare: find ids cheaply, load whole messages only for those."""
        client_ids = sorted({client_id for _, client_id in keys})
        marks = ",".join("?" * len(client_ids))
        ids = [
            message_id
            for message_id, sender, client in _cursor(conn).execute(
                SQLITE_FIND_EARLIER.format(marks), client_ids
            )
            if (sender, client) in keys
        ]
        if not ids:
            return []
        return [MessageRecord(**row._mapping) for row in conn.execute(FIND_MESSAGES, {"ids": ids})]

    def touch_conversations(
        self, conn: Connection, moves: list[Params], increments: list[Params], reads: list[Params]
    ) -> None:
        cursor = _cursor(conn)
        cursor.executemany(SQLITE_MOVE_LAST_MESSAGE, moves)
        cursor.executemany(SQLITE_ADD_UNREAD, increments)
        cursor.executemany(SQLITE_READ_BY_SENDING, reads)


def _cursor(conn: Connection) -> Any:
    """The driver's own cursor, inside the transaction SQLAlchemy began."""
    return conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]


SQLITE: WriterSQL = SQLite()
POSTGRESQL: WriterSQL = PostgreSQL()
