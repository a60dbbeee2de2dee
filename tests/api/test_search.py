"""Search (services/search.py): what the viewer may read and nothing else, words as prefixes,
quoted phrases, case and accents folded, <mark> snippets with the rest escaped, filters and
paging, edits and deletes kept true, and hostile queries answered with results or a clear
400. Each test on SQLite and PostgreSQL."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import text as sql_text

from socketspace.db import Database
from socketspace.migrations import downgrade, upgrade
from socketspace.models import Message
from socketspace.services import search as search_service
from socketspace.services.search_index import SearchIndexer
from tests.api.test_groups import make_group, say
from tests.api.test_replies import sent
from tests.conftest import People, Person
from tests.rows import direct_chat

# What a search waits for first: on SQLite, the index taking the queued messages (or nothing).
index_first: Callable[[], Awaitable[object]] | None = None


@pytest.fixture(autouse=True, params=["scan", "index", "whole-index", "as-configured"])
async def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, app: Any) -> None:
    """Each test four ways: the newest messages checked in Python first (on SQLite every
    message still queued for the index, its indexer stopped); with only the newest message
    checked, so that the rest goes through the search index (on PostgreSQL row by row, the
    viewer having few messages); the same through the whole index (PostgreSQL's GIN index
    too); and as configured (PostgreSQL straight to its GIN index, as it does for words it
    lists for few messages, which are all words here). In the last three, SQLite's index
    takes the queue before each search."""
    indexer: SearchIndexer = app.api.state.ctx.search_index
    if request.param == "scan":
        await indexer.stop()
    else:
        monkeypatch.setattr(sys.modules[__name__], "index_first", indexer.catch_up)
    if request.param in ("index", "whole-index"):
        monkeypatch.setattr(search_service, "SCAN_FIRST", 1)
    if request.param != "as-configured":
        monkeypatch.setattr(search_service, "INDEX_LISTS_MAX", -1)
    if request.param == "whole-index":
        monkeypatch.setattr(search_service, "ROW_BY_ROW_MAX", 0)


@pytest.fixture
async def carol(people: People) -> Person:
    return await people.signup("Carol Ann", "carol@example.com")


async def search(person: Person, q: str, **params: Any) -> Any:
    if index_first is not None:
        await index_first()
    return await person.http.get("/api/search", params={"q": q, **params})


async def found(person: Person, q: str, **params: Any) -> list[str]:
    response = await search(person, q, **params)
    assert response.status_code == 200, response.text
    return [r["message"]["text"] for r in response.json()["results"]]


async def test_words_are_prefixes_and_case_and_accents_do_not_matter(alice, bob):
    await sent(alice, bob, "We deploy the Café build on Friday")
    await sent(bob, alice, "Nothing to see here")
    assert await found(bob, "deplo") == ["We deploy the Café build on Friday"]
    assert await found(bob, "CAFE") == ["We deploy the Café build on Friday"]
    assert await found(bob, "café friday") == ["We deploy the Café build on Friday"]
    assert await found(bob, "Ünïcödé") == []
    assert await found(alice, "deploy nothing") == []  # every word must match


async def test_a_quoted_phrase_matches_only_those_words_in_that_order(alice, bob):
    await sent(alice, bob, "the build is green")
    await sent(alice, bob, "green is the build")
    assert await found(bob, '"the build"') == ["green is the build", "the build is green"]
    assert await found(bob, '"build is green"') == ["the build is green"]
    assert await found(bob, '"is the build" green') == ["green is the build"]


async def test_results_are_newest_first_with_the_conversation_and_a_marked_snippet(
    alice, bob, carol
):
    first = await sent(alice, bob, "Deploy <b>now</b> & deploy later")
    group = await make_group(alice, carol)
    second = (await say(carol, group, "the deployment went fine")).json()
    body = (await search(alice, "deploy")).json()
    assert body["hasMore"] is False
    newest, older = body["results"]
    assert newest["message"]["_id"] == second["_id"]
    assert newest["conversation"] == {
        "type": "group",
        "_id": group["_id"],
        "name": "Tea party",
        "avatar": None,
    }
    assert newest["snippet"] == "the <mark>deployment</mark> went fine"
    assert older["message"]["_id"] == first["_id"]
    assert older["conversation"]["type"] == "direct"
    assert older["conversation"]["_id"] == bob.id
    assert older["conversation"]["fullName"] == "Bob Builder"
    assert older["snippet"] == (
        "<mark>Deploy</mark> &lt;b&gt;now&lt;/b&gt; &amp; <mark>deploy</mark> later"
    )


async def test_a_long_text_gives_a_snippet_around_the_match(alice, bob):
    text = "filler " * 100 + "the needle is here " + "more " * 100
    await sent(alice, bob, text)
    [result] = (await search(bob, "needle")).json()["results"]
    snippet = result["snippet"]
    assert "<mark>needle</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")
    assert len(snippet) < 200


async def test_nobody_finds_what_they_may_not_read(alice, bob, carol):
    await sent(alice, bob, "secret plan between us")
    group = await make_group(alice, bob)
    await say(alice, group, "secret before Carol")
    await alice.http.post(f"/api/groups/{group['_id']}/members", json={"userIds": [carol.id]})
    await say(alice, group, "secret after Carol came")
    await bob.http.delete(f"/api/groups/{group['_id']}/members/{bob.id}")
    await say(alice, group, "secret after Bob left")
    assert await found(carol, "secret") == ["secret after Bob left", "secret after Carol came"]
    assert await found(bob, "secret") == [
        "secret after Carol came",
        "secret before Carol",
        "secret plan between us",
    ]
    # Naming the others' conversation finds nothing either.
    assert await found(carol, "secret", conversationId=alice.id) == []
    assert await found(carol, "secret", conversationId=bob.id) == []


async def test_edits_and_deletes_keep_the_index_true(alice, bob):
    message = await sent(alice, bob, "meet at the harbour")
    await alice.http.patch(f"/api/messages/{message['_id']}", json={"text": "meet at the station"})
    assert await found(bob, "harbour") == []
    assert await found(bob, "station") == ["meet at the station"]
    await alice.http.delete(f"/api/messages/{message['_id']}")
    assert await found(bob, "station") == []
    assert await found(bob, "meet") == []


async def test_filters_by_conversation_sender_and_paging(alice, bob, carol):
    for n in range(3):
        await sent(alice, bob, f"ping {n} to Bob")
        await sent(bob, alice, f"ping {n} from Bob")
    await sent(alice, carol, "ping to Carol")
    group = await make_group(alice, bob)
    await say(bob, group, "ping in the group")
    assert await found(alice, "ping", conversationId=carol.id) == ["ping to Carol"]
    assert await found(alice, "ping", conversationId=group["_id"]) == ["ping in the group"]
    assert await found(alice, "ping", conversationId=bob.id, **{"from": bob.id}) == [
        "ping 2 from Bob",
        "ping 1 from Bob",
        "ping 0 from Bob",
    ]
    page = (await search(alice, "ping", limit=3)).json()
    assert page["hasMore"] is True
    texts = [r["message"]["text"] for r in page["results"]]
    last = page["results"][-1]["message"]["_id"]
    rest = await found(alice, "ping", before=last, limit=50)
    assert texts + rest == [
        "ping in the group",
        "ping to Carol",
        "ping 2 from Bob",
        "ping 2 to Bob",
        "ping 1 from Bob",
        "ping 1 to Bob",
        "ping 0 from Bob",
        "ping 0 to Bob",
    ]


HOSTILE = [
    '"',
    '""',
    '"unclosed phrase',
    "*",
    "deploy*",
    "NEAR(deploy build)",
    "NEAR(",
    "deploy OR build",
    "OR",
    "AND NOT",
    "-deploy",
    "deploy -build",
    "text:deploy",
    ":",
    "(deploy",
    "deploy)",
    "((()))",
    "^deploy",
    "deploy & build | !x",
    "'deploy'",
    "deploy:*",
    "a<->b",
    "\\",
    "%_",
    "\x00",
    "déploy ünd BUILD",
    # Letters PostgreSQL's unaccent turns into an apostrophe or a backslash.
    "Hawai\u02bbi",
    "\u043f\u02bc\u044f\u0442\u044c",
    "\u0149",
    "\u02c8deploy",
    '"deploy \u02bcbuild"',
    "\u2474",
]


@pytest.mark.parametrize("q", HOSTILE)
async def test_query_syntax_never_reaches_the_engine(alice, bob, q):
    await sent(alice, bob, "deploy the build")
    response = await search(bob, q)
    assert response.status_code in (200, 400), response.text
    body = response.json()
    if response.status_code == 400:
        assert body["code"] == "empty_query" and body["message"]
    else:
        assert all(r["message"]["text"] == "deploy the build" for r in body["results"])


async def test_words_with_modifier_letters_are_found(alice, bob):
    # unaccent makes U+02BB an apostrophe: the query must still be one PostgreSQL can read.
    await sent(alice, bob, "aloha from Hawai\u02bbi")
    assert await found(bob, "Hawai\u02bbi") == ["aloha from Hawai\u02bbi"]


async def test_operators_are_plain_words(alice, bob):
    await sent(alice, bob, "deploy the build")
    await sent(alice, bob, "near or not")
    assert await found(bob, "deploy OR build") == []  # "or" is a word, and not in it
    assert await found(bob, "NEAR(or") == ["near or not"]
    assert await found(bob, "-deploy") == ["deploy the build"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"q": "x" * 10_000}, "query_too_long"),
        ({"q": "a " * 13}, "query_too_long"),
        ({"q": ""}, "empty_query"),
        ({"q": "   "}, "empty_query"),
        ({"q": "!!! ---"}, "empty_query"),
        ({"q": "ok", "limit": "0"}, "invalid_limit"),
        ({"q": "ok", "limit": "51"}, "invalid_limit"),
        ({"q": "ok", "before": "x"}, "invalid_cursor"),
    ],
)
async def test_bad_searches_are_clear_400s(alice, params, code):
    response = await alice.http.get("/api/search", params=params)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == code


async def test_bad_filters_are_clear_4xx(alice):
    for params in (
        {"q": "ok", "conversationId": "nobody"},
        {"q": "ok", "from": "nobody"},
        {"q": "ok", "conversationId": "99999999999999999999999"},
    ):
        response = await alice.http.get("/api/search", params=params)
        assert response.status_code in (400, 404), response.text
        assert response.json()["message"]
    assert (await alice.http.get("/api/search")).status_code == 400


async def test_the_migration_indexes_the_messages_already_stored(database_url):
    db = Database.from_url(database_url)
    try:
        async with db.write() as session:
            ann, ben, chat = await direct_chat(session)
            for text in ("an old Crème brûlée recipe", "unrelated"):
                session.add(
                    Message(
                        conversation_id=chat.id, sender_id=ann.id, receiver_id=ben.id, text=text
                    )
                )

        try:  # the messages stay; the index goes, and comes back with the migration
            await downgrade(db.engine, "0007")
        finally:
            await upgrade(db.engine)
        page = await search_service.search(db, viewer_id=ben.id, q="creme brul")
        assert [f.message.text for f in page.results] == ["an old Crème brûlée recipe"]
    finally:
        await db.dispose()


async def test_postgresql_asks_its_index_at_once_for_words_it_lists_for_few_messages(
    database_url, monkeypatch
):
    """PostgreSQL estimates from its statistics how many messages its GIN index lists for a
    query's words: few, and the search goes to the index at once; many, and the newest
    messages are checked first. SQLite always checks the newest first."""
    db = Database.from_url(database_url)
    scans: list[str] = []
    newest_first = search_service._newest_first

    async def counted(*args: Any, **kwargs: Any) -> Any:
        scans.append("scan")
        return await newest_first(*args, **kwargs)

    monkeypatch.setattr(search_service, "_newest_first", counted)
    monkeypatch.setattr(search_service, "INDEX_LISTS_MAX", 50)
    try:
        async with db.write() as session:
            ann, ben, chat = await direct_chat(session)
            for n in range(200):
                text = f"standup notes {n}" + (" zeppelin" if n == 7 else "")
                session.add(
                    Message(
                        conversation_id=chat.id, sender_id=ann.id, receiver_id=ben.id, text=text
                    )
                )
        if not db.is_sqlite:
            async with db.write() as session:
                await session.execute(sql_text("ANALYZE messages"))
        found = {}
        for q in ("zeppelin", "standup"):
            page = await search_service.search(db, viewer_id=ben.id, q=q, limit=3)
            found[q] = ([f.message.text for f in page.results], scans.copy())
            scans.clear()
        assert found["zeppelin"][0] == ["standup notes 7 zeppelin"]
        assert found["standup"][0] == [f"standup notes {n}" for n in (199, 198, 197)]
        assert found["zeppelin"][1] == (["scan"] if db.is_sqlite else [])
        assert found["standup"][1] == ["scan"]
    finally:
        await db.dispose()
