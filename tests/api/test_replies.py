"""Replies (services/replies.py) and the page around a message (messages.around), over REST,
for direct chats and groups. Each test on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from socketspace.services.replies import views_by_sight
from tests.api.test_groups import history as group_history
from tests.api.test_groups import make_group, say
from tests.api.test_media import data_url, send
from tests.conftest import People, Person
from tests.pictures import jpeg_bytes


@pytest.fixture
async def carol(people: People) -> Person:
    return await people.signup("Carol Ann", "carol@example.com")


async def sent(person: Person, to: Person, text: str, **extra: Any) -> dict[str, Any]:
    response = await send(person.http, to.id, text=text, **extra)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def direct_history(person: Person, partner: Person) -> list[dict[str, Any]]:
    response = await person.http.get(f"/api/messages/{partner.id}")
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


def by_id(messages: list[dict[str, Any]], message_id: str) -> dict[str, Any]:
    return next(m for m in messages if m["_id"] == message_id)


async def test_a_reply_carries_the_quote_of_the_message_it_answers(alice, bob):
    original = await sent(alice, bob, "Lunch at noon?")
    reply = await sent(bob, alice, "Yes!", replyToId=original["_id"])
    quote = {
        "_id": original["_id"],
        "senderId": alice.id,
        "text": "Lunch at noon?",
        "image": None,
        "deleted": False,
    }
    assert reply["replyTo"] == quote
    assert original["replyTo"] is None
    assert original["reactions"] == [] and reply["reactions"] == []
    assert by_id(await direct_history(alice, bob), reply["_id"])["replyTo"] == quote
    synced = (await alice.http.get("/api/messages/sync", params={"after": "0"})).json()
    assert by_id(synced["messages"], reply["_id"])["replyTo"] == quote


async def test_the_quote_is_the_first_200_characters_and_the_picture_a_thumbnail(alice, bob):
    long_text = "".join(str(n % 10) for n in range(1500))
    original = await sent(alice, bob, long_text, image=data_url(jpeg_bytes()))
    reply = await sent(bob, alice, "nice", replyToId=int(original["_id"]))
    assert reply["replyTo"]["text"] == long_text[:200]
    picture: str = original["image"]
    folder, name = picture.rsplit("/", 1)
    sha, ext = name.split(".", 1)
    assert reply["replyTo"]["image"] == f"{folder}/{sha}.thumb.{ext}"
    assert (await bob.http.get(reply["replyTo"]["image"])).status_code == 200


async def test_an_edit_or_delete_of_the_original_shows_in_the_quote(alice, bob):
    original = await sent(alice, bob, "Lunch at noon?")
    reply = await sent(bob, alice, "Yes!", replyToId=original["_id"])
    edited = await alice.http.patch(f"/api/messages/{original['_id']}", json={"text": "At one?"})
    assert edited.status_code == 200
    assert by_id(await direct_history(bob, alice), reply["_id"])["replyTo"]["text"] == "At one?"
    assert (await alice.http.delete(f"/api/messages/{original['_id']}")).status_code == 200
    quote = by_id(await direct_history(bob, alice), reply["_id"])["replyTo"]
    assert quote == {
        "_id": original["_id"],
        "senderId": alice.id,
        "text": None,
        "image": None,
        "deleted": True,
    }


async def test_editing_a_reply_keeps_its_quote(alice, bob):
    original = await sent(alice, bob, "Lunch at noon?")
    reply = await sent(bob, alice, "Yes!", replyToId=original["_id"])
    edited = await bob.http.patch(f"/api/messages/{reply['_id']}", json={"text": "Yes :)"})
    assert edited.json()["replyTo"]["text"] == "Lunch at noon?"


@pytest.mark.parametrize("reply_to", ["999999", "abc", 0, -1, "1e3", True, 1.5, [], {}])
async def test_a_reply_to_nothing_we_know_is_a_clear_400(alice, bob, reply_to):
    await sent(alice, bob, "hi")
    response = await send(alice.http, bob.id, text="re", replyToId=reply_to)
    assert response.status_code == 400, response.text
    assert response.json()["message"]
    assert await direct_history(alice, bob) == [await_first(await direct_history(alice, bob))]


def await_first(messages: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(messages) == 1
    return messages[0]


async def test_a_reply_to_a_message_of_another_conversation_is_refused(alice, bob, carol):
    elsewhere = await sent(alice, carol, "a secret for Carol")
    response = await send(bob.http, alice.id, text="re", replyToId=elsewhere["_id"])
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_reply_to"
    # Nothing of the other conversation leaks, and nothing was stored.
    assert "secret" not in response.text
    assert await direct_history(bob, alice) == []
    group = await make_group(alice, bob)
    in_group = await say(bob, group, "re", replyToId=elsewhere["_id"])
    assert in_group.status_code == 400
    assert in_group.json()["code"] == "invalid_reply_to"


async def test_a_reply_to_a_deleted_message_is_refused(alice, bob):
    original = await sent(alice, bob, "oops")
    await alice.http.delete(f"/api/messages/{original['_id']}")
    response = await send(bob.http, alice.id, text="re", replyToId=original["_id"])
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_reply_to"


async def test_group_replies_quote_and_reach_only_what_the_sender_may_read(alice, bob, carol):
    group = await make_group(alice, bob)
    before_carol = (await say(alice, group, "before Carol came")).json()
    added = await alice.http.post(
        f"/api/groups/{group['_id']}/members", json={"userIds": [carol.id]}
    )
    assert added.status_code == 200, added.text
    # Carol cannot answer what she cannot read...
    refused = await say(carol, group, "re", replyToId=before_carol["_id"])
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_reply_to"
    # ...nor anything that is not a text message (the system message of her joining).
    page = (await group_history(carol, group)).json()
    system = next(m for m in page if m.get("kind") == "system")
    assert (await say(carol, group, "re", replyToId=system["_id"])).status_code == 400
    # Bob can.
    question = (await say(alice, group, "Who brings cake?")).json()
    reply = await say(carol, group, "Me", replyToId=question["_id"])
    assert reply.status_code == 201, reply.text
    assert reply.json()["replyTo"]["text"] == "Who brings cake?"
    bob_sees = (await group_history(bob, group)).json()
    assert by_id(bob_sees, reply.json()["_id"])["replyTo"]["senderId"] == alice.id


async def test_a_retried_reply_answers_with_the_same_quote(alice, bob):
    original = await sent(alice, bob, "Lunch?")
    first = await send(bob.http, alice.id, text="Yes", replyToId=original["_id"], clientId="r1")
    again = await send(bob.http, alice.id, text="Yes", replyToId=original["_id"], clientId="r1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["replyTo"] == first.json()["replyTo"]


# --- around ---------------------------------------------------------------------------------


async def around(person: Person, message_id: str, **params: Any) -> Any:
    return await person.http.get(f"/api/messages/around/{message_id}", params=params)


async def test_around_centres_the_page_on_the_message(alice, bob):
    ids = [
        (await sent(alice if n % 2 else bob, alice if n % 2 == 0 else bob, f"#{n}"))["_id"]
        for n in range(11)
    ]
    page = (await around(bob, ids[5], limit=5)).json()
    assert [m["text"] for m in page["messages"]] == ["#3", "#4", "#5", "#6", "#7"]
    assert page["hasMoreBefore"] is True and page["hasMoreAfter"] is True
    start = (await around(alice, ids[1], limit=5)).json()
    assert [m["text"] for m in start["messages"]] == ["#0", "#1", "#2", "#3", "#4"]
    assert start["hasMoreBefore"] is False and start["hasMoreAfter"] is True
    end = (await around(alice, ids[10], limit=4)).json()
    assert [m["text"] for m in end["messages"]] == ["#7", "#8", "#9", "#10"]
    assert end["hasMoreBefore"] is True and end["hasMoreAfter"] is False
    whole = (await around(alice, ids[4])).json()
    assert len(whole["messages"]) == 11
    assert whole["hasMoreBefore"] is False and whole["hasMoreAfter"] is False


async def test_around_is_only_for_messages_the_viewer_may_read(alice, bob, carol):
    secret = await sent(alice, bob, "between us")
    group = await make_group(alice, bob)
    early = (await say(alice, group, "before Carol")).json()
    await alice.http.post(f"/api/groups/{group['_id']}/members", json={"userIds": [carol.id]})
    later = (await say(alice, group, "after Carol came")).json()
    for message_id in (secret["_id"], early["_id"], "999999", "x"):
        response = await around(carol, message_id)
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "message_not_found"
        assert "between us" not in response.text
    seen = (await around(carol, later["_id"])).json()
    assert "before Carol" not in [m["text"] for m in seen["messages"]]
    assert seen["hasMoreBefore"] is False
    for limit in ("0", "201", "x"):
        assert (await around(alice, secret["_id"], limit=limit)).status_code in (400, 422)


# --- quotes of what the viewer may not read ---------------------------------------------------


def unavailable(message_id: str) -> dict[str, Any]:
    return {
        "_id": message_id,
        "senderId": None,
        "text": None,
        "image": None,
        "deleted": False,
        "unavailable": True,
    }


async def test_a_newcomer_sees_a_quote_of_what_was_said_before_they_came_as_unavailable(
    alice, bob, carol
):
    group = await make_group(alice, bob)
    secret = (await say(alice, group, "the secret recipe")).json()
    added = await alice.http.post(
        f"/api/groups/{group['_id']}/members", json={"userIds": [carol.id]}
    )
    assert added.status_code == 200, added.text
    reply = (await say(bob, group, "agreed, delicious", replyToId=secret["_id"])).json()
    assert reply["replyTo"]["text"] == "the secret recipe"
    # History, the page around the reply, sync and search: never a word of it for Carol.
    views = [
        by_id((await group_history(carol, group)).json(), reply["_id"]),
        by_id((await around(carol, reply["_id"])).json()["messages"], reply["_id"]),
        by_id(
            (
                await carol.http.get("/api/messages/sync", params={"after": "0", "groups": "true"})
            ).json()["messages"],
            reply["_id"],
        ),
        (await carol.http.get("/api/search", params={"q": "delicious"})).json()["results"][0][
            "message"
        ],
    ]
    for view in views:
        assert view["_id"] == reply["_id"]
        assert view["replyTo"] == unavailable(secret["_id"])
    # Those who were there still see it whole.
    alice_sees = by_id((await group_history(alice, group)).json(), reply["_id"])
    assert alice_sees["replyTo"]["text"] == "the secret recipe"
    assert alice_sees["replyTo"]["senderId"] == alice.id


async def test_someone_back_in_a_group_sees_quotes_of_their_absence_as_unavailable(
    alice, bob, carol
):
    group = await make_group(alice, bob, carol)
    members = f"/api/groups/{group['_id']}/members"
    first = (await say(alice, group, "said while Carol was here")).json()
    await alice.http.delete(f"{members}/{carol.id}")
    away = (await say(alice, group, "said while Carol was away")).json()
    await alice.http.post(members, json={"userIds": [carol.id]})
    answers = [
        (await say(bob, group, "re", replyToId=message["_id"])).json() for message in (first, away)
    ]
    seen = (await group_history(carol, group)).json()
    # Back in the group, she reads from her return on: neither original, by the one rule.
    for original, answer in zip((first, away), answers, strict=True):
        assert by_id(seen, answer["_id"])["replyTo"] == unavailable(original["_id"])
    # Her own message stays hers to read: a reply to it is quoted whole.
    mine = (await say(carol, group, "Carol again")).json()
    await alice.http.delete(f"{members}/{carol.id}")
    await alice.http.post(members, json={"userIds": [carol.id]})
    answer = (await say(bob, group, "welcome", replyToId=mine["_id"])).json()
    seen = (await group_history(carol, group)).json()
    assert by_id(seen, answer["_id"])["replyTo"]["text"] == "Carol again"


def test_a_live_reply_is_one_view_for_all_unless_someone_may_not_read_its_quote():
    view = {"_id": "9", "text": "re", "replyTo": {"_id": "5", "text": "secret"}}
    # The common case: the very view, once, to everyone (one encoding of one frame).
    [(same, everyone)] = views_by_sight(view, ("ann", "bob", "carl"), ())
    assert same is view and everyone == ("ann", "bob", "carl")
    seeing, blind = views_by_sight(view, ("ann", "bob", "carl"), ("carl",))
    assert seeing == (view, ["ann", "bob"])
    assert blind == ({**view, "replyTo": unavailable("5")}, ("carl",))
    assert view["replyTo"]["text"] == "secret"  # the shared view is left as it was
