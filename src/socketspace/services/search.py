"""Search: the messages a viewer may read whose text matches, newest first, with a snippet.

The index is the database's own (migration 0008): SQLite FTS5 over the messages table,
PostgreSQL a tsvector column with a GIN index. A query never reaches either engine as
syntax: it is cut into words (letters and digits; everything else, quotes aside, separates
them), each word a prefix ("deplo" finds "deploy"), and "quoted words" an exact phrase; the
match expression is then written by us, every word quoted. So `"`, `*`, `NEAR(`, `OR`, `-`,
`:` and parentheses are only separators or words.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
)

from socketspace.db import Database
from socketspace.errors import InvalidInput
from socketspace.models import Conversation, Message, User
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
_BEFORE_MATCH = 50  # characters of context kept before the first match in a long text

# A word as both engines cut text: letters and digits (unicode61 and PostgreSQL's parser
# both separate at anything else, "_" included).
WORD = re.compile(r"[^\W_]+")

_FTS = table("messages_fts", column("rowid"), column("messages_fts"))
_SEARCH_VECTOR: ColumnElement[Any] = literal_column("messages.search")


@dataclass(frozen=True, slots=True)
class Query:
    words: tuple[str, ...]  # each a prefix
    phrases: tuple[tuple[str, ...], ...]  # each exact, in order

    def fts5(self) -> str:
        """An FTS5 match expression: every word and phrase a quoted string, all required."""
        parts = [f'"{word}"*' for word in self.words]
        parts += ['"' + " ".join(phrase) + '"' for phrase in self.phrases]
        return " AND ".join(parts)

    def tsquery(self) -> str:
        """A to_tsquery expression (PostgreSQL), every lexeme quoted."""
        parts = [f"'{word}':*" for word in self.words]
        parts += ["(" + " <-> ".join(f"'{w}'" for w in phrase) + ")" for phrase in self.phrases]
        return " & ".join(parts)

    def marks(self, word: str) -> bool:
        """Whether a word of a message's text is one this query matched (for the snippet)."""
        folded = fold(word)
        return any(folded.startswith(w) for w in self._prefixes) or folded in self._exact

    @property
    def _prefixes(self) -> tuple[str, ...]:
        return tuple(fold(w) for w in self.words)

    @property
    def _exact(self) -> set[str]:
        return {fold(w) for phrase in self.phrases for w in phrase}


def fold(text: str) -> str:
    """Case and accents folded, as the engines fold them."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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


def _matching(is_sqlite: bool) -> tuple[Select[Any], ColumnElement[Any]]:
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
    return select(*MESSAGE_COLUMNS).where(_SEARCH_VECTOR.op("@@")(tsquery)), Message.id.expression


def _in_conversation(viewer_id: str, conversation_id: object) -> ColumnElement[bool]:
    """A direct chat is named by the other person's id, a group by its id."""
    if isinstance(conversation_id, str) and not conversation_id.isdigit():
        partner = check_user_id(conversation_id)
        return or_(
            and_(Message.sender_id == viewer_id, Message.receiver_id == partner),
            and_(Message.sender_id == partner, Message.receiver_id == viewer_id),
        )
    group = check_group_id(conversation_id)
    return and_(Message.conversation_id == group, Message.receiver_id.is_(None))


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
    matching, newest_first = _matching(db.is_sqlite)
    conditions = [Message.deleted_at.is_(None), Message.kind == TEXT, readable_by(viewer_id)]
    if conversation_id is not None:
        conditions.append(_in_conversation(viewer_id, conversation_id))
    if sender_id is not None:
        conditions.append(Message.sender_id == check_user_id(sender_id))
    if before is not None:
        conditions.append(Message.id < check_cursor_id(before, "before"))
    statement = matching.where(*conditions).order_by(newest_first.desc()).limit(size + 1)
    match = query.fts5() if db.is_sqlite else query.tsquery()
    async with db.read() as session:
        rows = cast("list[MessageRow]", (await session.execute(statement, {"match": match})).all())
        page = rows[:size]
        extras = await load_extras(session, page, viewer_id)
        places = await _conversations(session, viewer_id, page)
    results = [
        Found(row, places[row.conversation_id], snippet(row.text or "", query)) for row in page
    ]
    return SearchPage(results, len(rows) > size, extras)


async def _conversations(
    session: Any, viewer_id: str, rows: Sequence[MessageRow]
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
