"""The message writer's SQL for each database: what a batch runs, not when (batching and
announcing are message_writer's). The writer picks `SQLITE` or `POSTGRESQL` once and calls the
same four methods on either.

Both INSERTs come from one column list, the table's (`Message.__table__`): their SQL and the
code that turns a MessageRecord into their parameters are made from it once, at import. So a
new column of messages changes nothing here: it touches models/message.py (its Column and its
MessageRecord field) and, if clients see it, message_view (schemas/message.py).

On SQLite the writes are plain SQL on the driver's cursor: the statements themselves take
microseconds and SQLAlchemy's per-execution work (~100 us) was most of a batch's cost. On
PostgreSQL they are Core statements, built once: building one costs more than running it, and
a pre-built statement keeps its cache key.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any, Protocol, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, text, update
from sqlalchemy.dialects import sqlite

from socketspace.models import Conversation, ConversationMember, User
from socketspace.models.conversation import GROUP
from socketspace.models.message import Message, MessageRecord

# Any constant works; it names "the message writer" among PostgreSQL advisory locks.
ADVISORY_LOCK_KEY = 0x50C4E75_ACE

MESSAGES = cast(Table, Message.__table__)
# What a new message is inserted with: every column but the id, which the database gives.
INSERT_COLUMNS = tuple(c.key for c in MESSAGES.columns if not c.primary_key)

# One row's parameters for an UPDATE of a batch: `cid` conversation, `uid` user, `mid` message
# id, `n` a count.
Params = dict[str, Any]


class WriterSQL(Protocol):
    # Whether a batch looks for the messages its retries stored before (find_sent) before it
    # inserts, or inserts first and looks only when the unique client id refuses a row.
    looks_for_earlier: bool

    def lock(self, conn: Connection) -> None:
        """Make writers in other processes wait for this transaction (ids rise in commit
        order)."""

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


# --- PostgreSQL: the writes as Core statements ------------------------------------------------

FIND_EARLIER = select(*MESSAGES.columns).where(
    MESSAGES.c.client_id.in_(bindparam("client_ids", expanding=True))
)
# Run with a dict of INSERT_COLUMNS per message: SQLAlchemy sends them as one INSERT.
ADD_MESSAGES = insert(MESSAGES).returning(MESSAGES.c.id, sort_by_parameter_order=True)
# The three kinds of change of `touch_conversations` in one statement, so one round trip: the
# members' increments and reads are never for the same row (the writer counts a sender's
# unread among its reads), so the two updates of conversation_members do not meet.
TOUCH_CONVERSATIONS = text(
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
)
_insert_values = values_of(INSERT_COLUMNS)


def _columns(rows: list[Params], prefix: str, names: str) -> Params:
    """Rows of parameters as one array per name (`cid mid` -> move_cids, move_mids)."""
    return {f"{prefix}_{name}s": [row[name] for row in rows] for name in names.split()}


class PostgreSQL:
    # A lookup is a round trip of the six a batch takes, for a retry in perhaps one batch
    # in thousands: insert first (a retry then costs the batch a second try, which looks).
    looks_for_earlier = False

    def lock(self, conn: Connection) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})

    def insert(self, conn: Connection, messages: list[MessageRecord]) -> None:
        rows = [dict(zip(INSERT_COLUMNS, _insert_values(m), strict=True)) for m in messages]
        ids = conn.scalars(ADD_MESSAGES, rows)
        for message, message_id in zip(messages, ids, strict=True):
            message.id = message_id

    def find_sent(self, conn: Connection, keys: set[tuple[str, str]]) -> list[MessageRecord]:
        client_ids = sorted({client_id for _, client_id in keys})
        rows = conn.execute(FIND_EARLIER, {"client_ids": client_ids})
        return [MessageRecord(**row._mapping) for row in rows]

    def touch_conversations(
        self, conn: Connection, moves: list[Params], increments: list[Params], reads: list[Params]
    ) -> None:
        conn.execute(
            TOUCH_CONVERSATIONS,
            _columns(moves, "move", "cid mid")
            | _columns(increments, "add", "cid uid n")
            | _columns(reads, "read", "cid uid n mid"),
        )


# --- SQLite: the same writes as plain SQL on the driver's cursor ------------------------------

_SQLITE = sqlite.dialect()
_quote = _SQLITE.identifier_preparer.quote  # quotes only what needs it (e.g. "group")
# What SQLAlchemy does to each column's values before the stdlib driver gets them: nothing
# (None) for most; times become text.
_TO_DRIVER = {
    name: MESSAGES.c[name].type.dialect_impl(_SQLITE).bind_processor(_SQLITE)
    for name in INSERT_COLUMNS
}
_AS_IS = [name for name, convert in _TO_DRIVER.items() if convert is None]
_CONVERTED = [name for name, convert in _TO_DRIVER.items() if convert is not None]
_CONVERTERS = [convert for convert in _TO_DRIVER.values() if convert is not None]
_as_is_values = values_of(_AS_IS)
_converted_values = values_of(_CONVERTED)
# The columns given as they are first, then the converted ones: the order of a row's values.
# (Made from the table's names, never from input.)
SQLITE_ADD_MESSAGE = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
    _quote(MESSAGES.name),
    ", ".join(_quote(name) for name in [*_AS_IS, *_CONVERTED]),
    ", ".join("?" for _ in INSERT_COLUMNS),
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


class _InDriverForm(dict[tuple[Any, ...], tuple[Any, ...]]):
    """A record's values of the converted columns -> the same in the driver's form, converted
    on first use. One per batch: its messages share their time, so most batches convert once
    (a few microseconds) instead of once a message."""

    def __missing__(self, values: tuple[Any, ...]) -> tuple[Any, ...]:
        converted = self[values] = tuple(
            convert(value) for convert, value in zip(_CONVERTERS, values, strict=True)
        )
        return converted


class SQLite:
    looks_for_earlier = True  # in process: microseconds

    def lock(self, conn: Connection) -> None:
        """Nothing to do: the transaction began with BEGIN IMMEDIATE (Database.run_write)."""

    def insert(self, conn: Connection, messages: list[MessageRecord]) -> None:
        """One statement for the batch. SQLite gives a new row the largest id so far plus
        one, and this transaction holds the write lock: the batch's ids are the consecutive
        run that ends at the last one inserted."""
        in_driver_form = _InDriverForm()
        rows = [_as_is_values(m) + in_driver_form[_converted_values(m)] for m in messages]
        cursor = _cursor(conn)
        cursor.executemany(SQLITE_ADD_MESSAGE, rows)
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
