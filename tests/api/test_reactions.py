"""Reactions over REST (services/reactions.py): adding and taking back is idempotent, views
carry them with `mine`, and every bad input is a clear 4xx. Each test on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from tests.api.test_groups import history as group_history
from tests.api.test_groups import make_group, say
from tests.api.test_replies import direct_history, sent
from tests.conftest import People, Person

THUMBS, HEART = "👍", "❤️"
FAMILY = "👨\u200d👩\u200d👧"  # one grapheme: a ZWJ sequence in Unicode's data


@pytest.fixture
async def carol(people: People) -> Person:
    return await people.signup("Carol Ann", "carol@example.com")


def path(message: dict[str, Any] | str, emoji: str) -> str:
    message_id = message if isinstance(message, str) else message["_id"]
    return f"/api/messages/{message_id}/reactions/{quote(emoji, safe='')}"


async def react(person: Person, message: dict[str, Any] | str, emoji: str) -> Any:
    return await person.http.put(path(message, emoji))


async def unreact(person: Person, message: dict[str, Any] | str, emoji: str) -> Any:
    return await person.http.delete(path(message, emoji))


async def test_reactions_are_counted_once_per_person_and_show_in_views(alice, bob):
    message = await sent(alice, bob, "Cake!")
    first = await react(bob, message, THUMBS)
    assert first.status_code == 200, first.text
    again = await react(bob, message, THUMBS)  # idempotent
    assert again.json() == first.json()
    both = (await react(alice, message, THUMBS)).json()
    assert both == {
        "messageId": message["_id"],
        "reactions": [{"emoji": THUMBS, "count": 2, "userIds": [bob.id, alice.id], "mine": True}],
    }
    await react(alice, message, FAMILY)
    seen_by_bob = (await direct_history(bob, alice))[0]["reactions"]
    assert seen_by_bob == [
        {"emoji": THUMBS, "count": 2, "userIds": [bob.id, alice.id], "mine": True},
        {"emoji": FAMILY, "count": 1, "userIds": [alice.id], "mine": False},
    ]
    synced = (await alice.http.get("/api/messages/sync", params={"after": "0"})).json()
    assert [r["mine"] for r in synced["messages"][0]["reactions"]] == [True, True]


async def test_taking_a_reaction_back_is_idempotent_and_the_last_one_removes_the_emoji(alice, bob):
    message = await sent(alice, bob, "Cake!")
    await react(bob, message, THUMBS)
    await react(alice, message, THUMBS)
    assert (await unreact(bob, message, THUMBS)).json()["reactions"] == [
        {"emoji": THUMBS, "count": 1, "userIds": [alice.id], "mine": False}
    ]
    assert (await unreact(bob, message, THUMBS)).status_code == 200
    assert (await unreact(alice, message, THUMBS)).json()["reactions"] == []
    assert (await direct_history(bob, alice))[0]["reactions"] == []


async def test_an_emoji_is_kept_fully_qualified(alice, bob):
    message = await sent(alice, bob, "Cake!")
    await react(bob, message, "❤")  # the same heart without its variation selector
    hearts = (await react(alice, message, HEART)).json()["reactions"]
    assert [(r["emoji"], r["count"]) for r in hearts] == [(HEART, 2)]


@pytest.mark.parametrize(
    "emoji",
    [
        "a",
        "lol",
        "1",
        THUMBS * 2,  # two graphemes
        THUMBS + "a",
        "\u200d",
        THUMBS + "\u200d",  # a dangling joiner
        "👨\u200d👩\u200d👧\u200d👦\u200d👦\u200d👦",  # ZWJ abuse: no such sequence
        "😀" * 5000,  # a 10 KB string, far over any emoji
        " ",
        "%00",
        "<script>",
    ],
)
async def test_what_is_not_one_emoji_is_a_clear_400(alice, bob, emoji):
    message = await sent(alice, bob, "Cake!")
    response = await react(bob, message, emoji)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_emoji"
    assert (await direct_history(bob, alice))[0]["reactions"] == []


async def test_the_twenty_first_emoji_is_refused(alice, bob):
    message = await sent(alice, bob, "Cake!")
    faces = [chr(0x1F600 + n) for n in range(21)]
    for face in faces[:20]:
        assert (await react(bob, message, face)).status_code == 200
    refused = await react(alice, message, faces[20])
    assert refused.status_code == 400
    assert refused.json()["code"] == "too_many_reactions"
    # One of the twenty already there is still fine.
    assert (await react(alice, message, faces[0])).status_code == 200
    assert len((await direct_history(alice, bob))[0]["reactions"]) == 20


async def test_userIds_are_the_first_twenty_and_count_is_everyone(people, alice):
    group = await make_group(alice)
    message = (await say(alice, group, "React!")).json()
    others = [await people.signup(f"Person {n}", f"p{n}@example.com") for n in range(21)]
    added = await alice.http.post(
        f"/api/groups/{group['_id']}/members", json={"userIds": [p.id for p in others]}
    )
    assert added.status_code == 200, added.text
    message = (await say(alice, group, "React now!")).json()
    for person in others:
        assert (await react(person, message, THUMBS)).status_code == 200
    shown = (await react(alice, message, THUMBS)).json()["reactions"][0]
    assert shown["count"] == 22 and shown["mine"] is True
    assert shown["userIds"] == [p.id for p in others[:20]]


async def test_reactions_on_what_the_viewer_cannot_read_are_not_found(alice, bob, carol):
    secret = await sent(alice, bob, "between us")
    group = await make_group(alice, bob)
    early = (await say(alice, group, "before Carol")).json()
    await alice.http.post(f"/api/groups/{group['_id']}/members", json={"userIds": [carol.id]})
    for message_id in (secret["_id"], early["_id"], "999999", "nope", "-1"):
        response = await react(carol, message_id, THUMBS)
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "message_not_found"
        assert "between us" not in response.text
    assert (await direct_history(alice, bob))[0]["reactions"] == []


async def test_deleted_and_system_messages_take_no_reactions(alice, bob):
    message = await sent(alice, bob, "oops")
    await react(bob, message, THUMBS)
    await alice.http.delete(f"/api/messages/{message['_id']}")
    response = await react(bob, message, HEART)
    assert response.status_code == 400
    assert response.json()["code"] == "message_deleted"
    assert (await direct_history(bob, alice))[0]["reactions"] == []
    group = await make_group(alice, bob)
    system = (await group_history(bob, group)).json()[0]
    assert system["kind"] == "system"
    refused = await react(bob, system["_id"], THUMBS)
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_reactable"


async def test_someone_who_left_a_group_cannot_react_any_more(alice, bob):
    group = await make_group(alice, bob)
    message = (await say(alice, group, "bye?")).json()
    await bob.http.delete(f"/api/groups/{group['_id']}/members/{bob.id}")
    assert (await react(bob, message, THUMBS)).status_code == 404


async def test_a_blocked_pair_cannot_react_to_each_other(alice, bob):
    message = await sent(alice, bob, "hi")
    assert (await alice.http.post(f"/api/users/{bob.id}/block")).status_code in (200, 201)
    response = await react(bob, message, THUMBS)
    assert response.status_code == 403
    assert response.json()["code"] == "blocked"
