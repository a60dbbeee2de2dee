"""Forwarding (forwardOf on send): a copy of a readable message's text and picture, marked
forwarded, into any conversation; anything else a clear 400. Each test on SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.test_groups import history as group_history
from tests.api.test_groups import make_group, say
from tests.api.test_media import data_url, send
from tests.api.test_replies import direct_history, sent
from tests.conftest import People, Person
from tests.pictures import jpeg_bytes


@pytest.fixture
async def carol(people: People) -> Person:
    return await people.signup("Carol Ann", "carol@example.com")


async def forward(person: Person, to: Person, message: dict[str, Any] | str, **extra: Any) -> Any:
    message_id = message if isinstance(message, str) else message["_id"]
    return await send(person.http, to.id, forwardOf=message_id, **extra)


async def test_a_forward_copies_the_text_and_picture_and_says_it_was_forwarded(alice, bob, carol):
    question = await sent(alice, bob, "Lunch?")
    original = await sent(alice, bob, "Look at this", image=data_url(jpeg_bytes()))
    reply = await sent(alice, bob, "and this", replyToId=question["_id"])
    response = await forward(bob, carol, original)
    assert response.status_code == 201, response.text
    copy = response.json()
    assert (copy["text"], copy["image"], copy["forwarded"]) == (
        "Look at this",
        original["image"],
        True,
    )
    assert (copy["senderId"], copy["receiverId"]) == (bob.id, carol.id)
    assert original["forwarded"] is False
    # The quote stays behind: a forwarded reply is no reply.
    assert (await forward(bob, carol, reply)).json()["replyTo"] is None
    seen = (await direct_history(carol, bob))[0]
    assert (seen["_id"], seen["forwarded"]) == (copy["_id"], True)
    assert (await carol.http.get(copy["image"])).status_code == 200
    # A later edit of the original does not change the copy.
    await alice.http.patch(f"/api/messages/{original['_id']}", json={"text": "Changed"})
    assert (await direct_history(carol, bob))[0]["text"] == "Look at this"


async def test_forwarding_between_groups_and_direct_chats(alice, bob, carol):
    group = await make_group(alice, bob)
    in_group = (await say(bob, group, "group news")).json()
    to_carol = await forward(alice, carol, in_group)
    assert to_carol.status_code == 201 and to_carol.json()["text"] == "group news"
    direct = await sent(carol, alice, "from Carol")
    into_group = await say(alice, group, None, forwardOf=direct["_id"])
    assert into_group.status_code == 201, into_group.text
    assert into_group.json()["forwarded"] is True
    assert (await group_history(bob, group)).json()[-1]["text"] == "from Carol"


async def test_only_what_the_sender_may_read_can_be_forwarded(alice, bob, carol):
    secret = await sent(alice, bob, "between us")
    group = await make_group(alice, bob)
    system = (await group_history(alice, group)).json()[0]
    gone = await sent(alice, bob, "oops")
    await alice.http.delete(f"/api/messages/{gone['_id']}")
    for message_id in (secret["_id"], "999999", system["_id"], gone["_id"]):
        who = carol if message_id == secret["_id"] else alice
        to = alice if who is carol else carol
        response = await forward(who, to, message_id)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "invalid_forward"
        assert "between us" not in response.text
    assert await direct_history(carol, alice) == []


@pytest.mark.parametrize(
    "extra",
    [
        {"text": "and my words"},
        {"image": data_url(jpeg_bytes())},
        {"replyToId": "1"},
    ],
)
async def test_a_forward_carries_nothing_of_its_own(alice, bob, carol, extra):
    original = await sent(alice, bob, "hello")
    response = await forward(bob, carol, original, **extra)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_forward"


@pytest.mark.parametrize("forward_of", ["abc", 0, -5, True, [], {}, 1.5])
async def test_a_forward_of_nothing_is_a_clear_400(alice, bob, forward_of):
    response = await send(alice.http, bob.id, forwardOf=forward_of)
    assert response.status_code == 400, response.text
    assert response.json()["message"]


async def test_a_group_message_is_forwarded_only_by_who_may_read_it(alice, bob, carol):
    group = await make_group(alice, bob)
    members = f"/api/groups/{group['_id']}/members"
    before = (await say(alice, group, "before Carol came")).json()
    await alice.http.post(members, json={"userIds": [carol.id]})
    during = (await say(alice, group, "while Carol was here")).json()
    await alice.http.delete(f"{members}/{carol.id}")
    after = (await say(alice, group, "after Carol left")).json()
    for message in (before, after):
        response = await forward(carol, bob, message)
        assert response.status_code == 400, response.text
        assert response.json()["code"] == "invalid_forward"
        assert message["text"] not in response.text
    assert await direct_history(bob, carol) == []
    # What she read while she was in stays hers to pass on.
    kept = await forward(carol, bob, during)
    assert kept.status_code == 201, kept.text
    assert kept.json()["text"] == "while Carol was here"
