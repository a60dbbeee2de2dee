"""Search: the messages a viewer may read whose text matches, newest first, with a snippet.

The index is the database's own (migration 0008): SQLite FTS5 over the messages table,
PostgreSQL a tsvector column with a GIN index. SQLite's takes new messages a moment after
they are stored (services/search_index.py); until then a search checks them itself.

A query never reaches either engine as syntax: it is cut into words (letters and digits;
everything else, quotes aside, separates them), each word a prefix ("deplo" finds "deploy"),
and "quoted words" an exact phrase; the match expression is then written by us, every word
quoted. So `"`, `*`, `NEAR(`, `OR`, `-`, `:` and parentheses are only separators or words.
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy import text as sql
from sqlalchemy.ext.asyncio import AsyncSession

from socketspace.db import Database
from socketspace.errors import InvalidInput
from socketspace.models import Conversation, ConversationMember, Message, User
from socketspace.models.message import TEXT
from socketspace.schemas.message import Extras, MessageRow
from socketspace.services.groups import check_group_id
from socketspace.services.ids import check_cursor_id, check_user_id
from socketspace.services.message_extras import load_extras
from socketspace.services.messages import MESSAGE_COLUMNS, check_limit
from socketspace.services.visibility import readable_by

QUERY_MAX = 200  # characters
WORDS_MAX = 12
PAGE_DEFAULT = 20
PAGE_MAX = 50
SNIPPET_CHARS = 160
# A search names the viewer's conversations to the engine (so it matches only in them) up
# to this many; beyond, it matches everywhere and readable_by keeps what they may read.
CONVERSATIONS_NAMED_MAX = 500
# The newest messages of the viewer's conversations that a search checks itself before it
# asks the index (see _newest_first).
SCAN_FIRST = 400
_BEFORE_MATCH = 50  # characters of context kept before the first match in a long text

# A word as both engines cut text: letters and digits (unicode61 and PostgreSQL's parser
# both separate at anything else, "_" included).
WORD = re.compile(r"[^\W_]+")

_FTS = table("messages_fts", column("rowid"), column("messages_fts"))
# SQLite: the messages not yet in the index (migration 0012, services/search_index.py).
_QUEUED = table("search_pending", column("id"))
_SEARCH_VECTOR: ColumnElement[Any] = literal_column("messages.search")
# The same vector, as an expression the GIN index cannot serve: PostgreSQL then checks the
# viewer's own messages one by one (see _indexed).
_SEARCH_VECTOR_ROW_BY_ROW: ColumnElement[Any] = literal_column(
    "coalesce(messages.search, ''::tsvector)"
)
# PostgreSQL: the newest messages of some conversations, each conversation's read backwards
# on the (conversation_id, id) index alone (a bitmap of them all, sorted, read every row).
_NEWEST_OF_CONVERSATIONS = sql(
    "SELECT id, text FROM messages WHERE id IN (SELECT m.id"
    " FROM unnest(CAST(:convs AS bigint[])) AS c(id) CROSS JOIN LATERAL"
    " (SELECT id FROM messages WHERE conversation_id = c.id AND id < :below"
    " ORDER BY id DESC LIMIT :n) AS m ORDER BY m.id DESC LIMIT :n)"
)
_NO_LIMIT = 2**63 - 1
# Up to this many messages in the viewer's conversations, PostgreSQL checks them one by one
# rather than through the GIN index.
ROW_BY_ROW_MAX = 20_000
# PostgreSQL: a query whose words the GIN index lists for at most this many messages in all
# (by PostgreSQL's own estimate) goes to the index at once, without the newest-first scan
# (listing 85,000 takes the index about 9 ms at a million messages; the scan, 5 and more).
INDEX_LISTS_MAX = 100_000
# How PostgreSQL plans the GIN index's part of a search, without running it: its estimate
# of the rows is what the index would list (from the column's statistics, ANALYZE's most
# common words).
_PLAN_LISTING = sql(
    "EXPLAIN (FORMAT JSON) SELECT 1 FROM messages"
    " WHERE search @@ to_tsquery('simple', socketspace_unaccent(:match))"
)


@dataclass(frozen=True, slots=True)
class Query:
    words: tuple[str, ...]  # each a prefix
    phrases: tuple[tuple[str, ...], ...]  # each exact, in order

    def fts5(self, conversations: Sequence[int] | None) -> str:
        """An FTS5 match expression: every word and phrase a quoted string, all required, in
        the text of a message of one of these conversations (None: of any)."""
        parts = [f'"{word}"*' for word in self.words]
        parts += ['"' + " ".join(phrase) + '"' for phrase in self.phrases]
        text = "text : (" + " AND ".join(parts) + ")"
        if conversations is None:
            return text
        return text + " AND conv : (" + " OR ".join(f"c{c}" for c in conversations) + ")"

    def tsquery(self) -> str:
        """A to_tsquery expression (PostgreSQL), every lexeme quoted. A word is cut where
        PostgreSQL's parser cuts the indexed text once unaccent has turned a modifier letter
        into an apostrophe ("Hawai\u02bbi" is indexed as "hawai" and "i"), so no apostrophe ever
        ends a quoted lexeme early."""
        parts = [f"'{piece}':*" for word in self.words for piece in _lexemes(word)]
        for phrase in self.phrases:
            pieces = [piece for word in phrase for piece in _lexemes(word)]
            if pieces:
                parts.append("(" + " <-> ".join(f"'{piece}'" for piece in pieces) + ")")
        return " & ".join(parts)

    def tsquery_any(self) -> str:
        """A to_tsquery expression for a message with any of the words (each as the query
        has it, a prefix or exact): what the GIN index reads for this query is these words'
        lists, whatever it keeps of them."""
        parts = [f"'{piece}':*" for word in self.words for piece in _lexemes(word)]
        parts += [f"'{piece}'" for phrase in self.phrases for w in phrase for piece in _lexemes(w)]
        return " | ".join(parts)

    def matches(self, text: str) -> bool:
        """Whether a text matches, as the index decides it: every word as the start of one
        of its words, every phrase as a run of its words."""
        folded = fold(text)
        return all(pattern.search(folded) for pattern in _patterns(self))

    def marks(self, word: str) -> bool:
        """Whether a word of a message's text is one this query matched (for the snippet)."""
        folded = fold(word)
        return any(folded.startswith(fold(w)) for w in self.words) or any(
            folded == fold(w) for phrase in self.phrases for w in phrase
        )


@functools.lru_cache(maxsize=256)
def _patterns(query: Query) -> tuple[re.Pattern[str], ...]:
    """A regular expression per word and phrase, over folded text (words are letters and
    digits only: nothing in them needs escaping but for safety)."""
    start, end = r"(?<![^\W_])", r"(?![^\W_])"
    found = [re.compile(start + re.escape(fold(word))) for word in query.words]
    found += [
        re.compile(start + r"[\W_]+".join(re.escape(fold(w)) for w in phrase) + end)
        for phrase in query.phrases
    ]
    return tuple(found)


def fold(text: str) -> str:
    """Case and accents folded, as the engines fold them."""
    if text.isascii():  # most text: nothing to decompose (a search checks hundreds)
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _lexemes(word: str) -> list[str]:
    """A query word as PostgreSQL's lexemes: compatibility forms spelled out (NFKC: U+0149 is
    U+02BC and "n", U+2474 is "(1)") and modifier letters (U+02BC, U+02BB, U+02C8…, which
    unaccent makes apostrophes) as separators."""
    spelled = unicodedata.normalize("NFKC", word)
    return WORD.findall("".join(" " if unicodedata.category(c) == "Lm" else c for c in spelled))


def check_query(value: object) -> Query:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput("Type something to search for.", code="empty_query")
    if len(value) > QUERY_MAX:
        raise InvalidInput(
            f"A search can be at most {QUERY_MAX} characters.", code="query_too_long"
        )
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    parts = value.split('"')
    for index, part in enumerate(parts):
        found = tuple(WORD.findall(part))
        quoted = index % 2 == 1 and index < len(parts) - 1  # a quote left open quotes nothing
        if quoted and found:
            phrases.append(found)
        else:
            words.extend(found)
    if not words and not phrases:
        raise InvalidInput("Search for at least one word.", code="empty_query")
    if len(words) + sum(len(p) for p in phrases) > WORDS_MAX:
        raise InvalidInput(f"Search for at most {WORDS_MAX} words.", code="query_too_long")
    return Query(tuple(dict.fromkeys(words)), tuple(dict.fromkeys(phrases)))


def snippet(text: str, query: Query) -> str:
    """The text (around its first match, when long) with <mark> around the matched words and
    everything else escaped."""
    spans = [(m.start(), m.end()) for m in WORD.finditer(text) if query.marks(m.group())]
    start, end = 0, len(text)
    if end > SNIPPET_CHARS:
        first = spans[0][0] if spans else 0
        start = max(0, first - _BEFORE_MATCH)
        end = min(len(text), start + SNIPPET_CHARS)
        start = max(0, min(start, end - SNIPPET_CHARS))
    pieces = ["…"] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append(html.escape(text[position:span_start]))
        pieces.append("<mark>" + html.escape(text[span_start:span_end]) + "</mark>")
        position = span_end
    pieces.append(html.escape(text[position:end]))
    if end < len(text):
        pieces.append("…")
    return "".join(pieces)


@dataclass(frozen=True, slots=True)
class Found:
    message: MessageRow
    conversation: dict[str, Any]
    snippet: str


@dataclass(frozen=True, slots=True)
class SearchPage:
    results: list[Found]
    has_more: bool
    extras: Extras


async def _newest_first(
    session: AsyncSession,
    is_sqlite: bool,
    conversations: list[int],
    below: int | None,
    conditions: list[ColumnElement[bool]],
    query: Query,
    wanted: int,
) -> tuple[list[MessageRow], int | None]:
    """The matches among the newest SCAN_FIRST messages with text of these conversations
    (below `below`), checked here; and where the index must look on from (0: nowhere).

    An index finds a word in a million messages quickly, except a word in very many of them
    as a prefix: FTS5 then merges its whole list of messages first (80 ms at a million with a
    word in most of them). Such words are found among the newest messages at once."""
    if is_sqlite:
        newest = (
            select(_FTS.c.rowid)
            .where(_FTS.c.messages_fts.op("MATCH")(bindparam("convs")))
            .order_by(_FTS.c.rowid.desc())
            .limit(SCAN_FIRST)
        )
        if below is not None:
            newest = newest.where(_FTS.c.rowid < below)
        convs = "conv : (" + " OR ".join(f"c{c}" for c in conversations) + ")"
        texts = (
            await session.execute(
                select(Message.id, Message.text).where(Message.id.in_(newest.scalar_subquery())),
                {"convs": convs},
            )
        ).all()
    else:
        texts = (
            await session.execute(
                _NEWEST_OF_CONVERSATIONS,
                {"convs": conversations, "below": below or _NO_LIMIT, "n": SCAN_FIRST},
            )
        ).all()
    if not texts:
        return [], 0
    ids = [message_id for message_id, _ in texts]
    matched = [message_id for message_id, text in texts if query.matches(text or "")]
    rows: list[MessageRow] = []
    if matched:
        found = await session.execute(
            select(*MESSAGE_COLUMNS)
            .where(Message.id.in_(matched), *conditions)
            .order_by(Message.id.desc())
            .limit(wanted)
        )
        rows = cast("list[MessageRow]", found.all())
    return rows, (min(ids) if len(ids) == SCAN_FIRST else 0)


async def _indexed(
    session: AsyncSession,
    is_sqlite: bool,
    conversations: list[int] | None,
    below: int | None,
    conditions: list[ColumnElement[bool]],
    query: Query,
    wanted: int,
    *,
    whole_index: bool = False,
) -> list[MessageRow]:
    """The newest `wanted` matches below `below`, through the search index.

    On PostgreSQL, unless told to use the `whole_index`, a viewer with few messages is
    better served without the GIN index: for a phrase of two common words it lists 120,000
    candidates (67 ms at a million messages) where checking the viewer's 1,400 messages one
    by one takes a few."""
    if below is not None:
        conditions = [*conditions, Message.id < below]
    row_by_row = (
        not is_sqlite
        and not whole_index
        and conversations is not None
        and await _fewer_than(session, ROW_BY_ROW_MAX, conversations, below)
    )
    matching, newest_first = _matching(is_sqlite, row_by_row=row_by_row)
    statement = matching.where(*conditions).order_by(newest_first.desc()).limit(wanted)
    match = query.fts5(conversations) if is_sqlite else query.tsquery()
    return cast("list[MessageRow]", (await session.execute(statement, {"match": match})).all())


async def _queued(
    session: AsyncSession,
    below: int | None,
    conditions: list[ColumnElement[bool]],
    query: Query,
) -> list[MessageRow]:
    """SQLite: the matches among the messages still queued for the index, checked here. The
    indexer takes the queue every half second, so it holds the last moment's messages."""
    statement = (
        select(*MESSAGE_COLUMNS).join(_QUEUED, _QUEUED.c.id == Message.id).where(*conditions)
    )
    if below is not None:
        statement = statement.where(Message.id < below)
    queued = cast("list[MessageRow]", (await session.execute(statement)).all())
    return [row for row in queued if query.matches(row.text or "")]


async def _fewer_than(
    session: AsyncSession,
    most: int,
    conversations: list[int],
    below: int | None,
) -> bool:
    """Whether these conversations hold fewer than `most` messages below `below` (counted
    up to `most`, on the index of conversation and id)."""
    some = select(Message.id).where(Message.conversation_id.in_(conversations))
    if below is not None:
        some = some.where(Message.id < below)
    counted = select(func.count()).select_from(some.limit(most).subquery())
    return (await session.scalar(counted) or 0) < most


async def _index_lists(session: AsyncSession, query: Query) -> float:
    """PostgreSQL: how many messages its GIN index would list for this query's words, as
    its planner estimates it (a quarter of a millisecond: planning only). Few, and the
    index is the quickest way to any viewer's matches (a rare word, 0.3 ms at a million
    messages; a word nobody wrote, 0.2); many, and the newest messages are checked first."""
    plan = await session.scalar(_PLAN_LISTING, {"match": query.tsquery_any()})
    listing = json.loads(plan) if isinstance(plan, str) else plan
    return float(listing[0]["Plan"]["Plan Rows"])


def _matching(
    is_sqlite: bool, *, row_by_row: bool = False
) -> tuple[Select[Any], ColumnElement[Any]]:
    """The messages whose text matches `:match`, and the column to order them by, newest
    first (on SQLite the index's rowid: FTS5 then hands its matches over in that order
    instead of all of them to be sorted)."""
    if is_sqlite:
        query = (
            select(*MESSAGE_COLUMNS)
            .select_from(_FTS)
            .join(Message, Message.id == _FTS.c.rowid)
            .where(_FTS.c.messages_fts.op("MATCH")(bindparam("match")))
        )
        return query, _FTS.c.rowid
    tsquery = func.to_tsquery("simple", func.socketspace_unaccent(bindparam("match")))
    vector = _SEARCH_VECTOR_ROW_BY_ROW if row_by_row else _SEARCH_VECTOR
    return select(*MESSAGE_COLUMNS).where(vector.op("@@")(tsquery)), Message.id.expression


async def _conversations_of(
    session: AsyncSession, viewer_id: str, conversation_id: object
) -> list[int] | None:
    """The viewer's conversations to search (those they are or were in), or just the one
    named: a direct chat by the other person's id, a group by its id. None: too many to
    name."""
    mine = (
        await session.execute(
            select(ConversationMember.conversation_id, ConversationMember.partner_id).where(
                ConversationMember.user_id == viewer_id
            )
        )
    ).all()
    if conversation_id is None:
        found = [conversation for conversation, _ in mine]
        return found if len(found) <= CONVERSATIONS_NAMED_MAX else None
    if isinstance(conversation_id, str) and not conversation_id.isdigit():
        partner = check_user_id(conversation_id)
        return [conversation for conversation, other in mine if other == partner]
    group = check_group_id(conversation_id)
    return [conversation for conversation, other in mine if conversation == group and not other]


async def search(
    db: Database,
    *,
    viewer_id: str,
    q: object,
    conversation_id: object = None,
    sender_id: object = None,
    before: object = None,
    limit: int | None = None,
) -> SearchPage:
    """Messages the viewer may read (direct and groups, not deleted; in a group only from
    their joining up to their leaving) that match `q`, newest first."""
    query = check_query(q)
    size = check_limit(limit, PAGE_DEFAULT, PAGE_MAX)
    below = first_below = check_cursor_id(before, "before") if before is not None else None
    conditions: list[ColumnElement[bool]] = [
        Message.deleted_at.is_(None),
        Message.kind == TEXT,
        readable_by(viewer_id),
    ]
    if sender_id is not None:
        conditions.append(Message.sender_id == check_user_id(sender_id))
    async with db.read() as session:
        conversations = await _conversations_of(session, viewer_id, conversation_id)
        if conversations == []:
            return SearchPage([], False, Extras(viewer_id=viewer_id))
        if conversations is not None:
            conditions.append(Message.conversation_id.in_(conversations))
        rows: list[MessageRow] = []
        # (A viewer in too many conversations to name goes to the index anyway.)
        straight = (
            not db.is_sqlite
            and conversations is not None
            and await _index_lists(session, query) <= INDEX_LISTS_MAX
        )
        if conversations is not None and not straight:
            rows, below = await _newest_first(
                session, db.is_sqlite, conversations, below, conditions, query, size + 1
            )
        if len(rows) <= size and below != 0:
            rows += await _indexed(
                session,
                db.is_sqlite,
                conversations,
                below,
                conditions,
                query,
                size + 1 - len(rows),
                whole_index=straight,
            )
        if db.is_sqlite:
            queued = await _queued(session, first_below, conditions, query)
            if queued:
                rows = sorted([*queued, *rows], key=lambda row: row.id, reverse=True)[: size + 1]
        page = rows[:size]
        extras = await load_extras(session, page, viewer_id)
        places = await _places(session, viewer_id, page)
    results = [
        Found(row, places[row.conversation_id], snippet(row.text or "", query)) for row in page
    ]
    return SearchPage(results, len(rows) > size, extras)


async def _places(
    session: AsyncSession, viewer_id: str, rows: Sequence[MessageRow]
) -> dict[int, dict[str, Any]]:
    """Where each message was said, as the conversations list names it: a direct chat by the
    other person, a group by its id and name."""
    partners = {
        r.conversation_id: (r.receiver_id if r.sender_id == viewer_id else r.sender_id)
        for r in rows
        if r.receiver_id is not None
    }
    group_ids = {r.conversation_id for r in rows if r.receiver_id is None}
    places: dict[int, dict[str, Any]] = {}
    if partners:
        people = {
            p.id: p
            for p in await session.execute(
                select(User.id, User.full_name, User.profile_pic).where(
                    User.id.in_(set(partners.values()))
                )
            )
        }
        for conversation, partner in partners.items():
            person = people[partner]
            places[conversation] = {
                "type": "direct",
                "_id": partner,
                "fullName": person.full_name,
                "profilePic": person.profile_pic,
            }
    if group_ids:
        for group in await session.execute(
            select(Conversation.id, Conversation.name, Conversation.avatar).where(
                Conversation.id.in_(group_ids)
            )
        ):
            places[group.id] = {
                "type": "group",
                "_id": str(group.id),
                "name": group.name,
                "avatar": group.avatar,
            }
    return places
