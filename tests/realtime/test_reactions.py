"""Reactions and replies over Socket.IO: `react` with its ack, `reactionsUpdated` live to both
people (a group's members) with each one's own `mine`, only to connections that asked with
auth {reactions: true}; replies through `sendMessage`; edits carry the reactions."""

from __future__ import annotations

from typing import Any

import pytest

from socketspace.realtime import events
from tests.conftest import People, Person
from tests.realtime.test_groups import make_group

RICH = {"groups": True, "reactions": True}
THUMBS, HEART = "👍", "❤️"


@pytest.fixture
async def carol(people: People) -> Person:
    return await people.signup("Carol Ann", "carol@example.com")


async def sent(person: Person, to: Person, text: str) -> dict[str, Any]:
    response = await person.http.post(f"/api/messages/send/{to.id}", json={"text": text})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_reaction_reaches_both_people_each_with_their_own_mine(alice, bob):
    message = await sent(alice, bob, "Cake!")
    alice_tab, bob_tab = await alice.connect(auth=RICH), await bob.connect(auth=RICH)
    ack = await bob_tab.call(
        events.REACT, {"messageId": message["_id"], "emoji": THUMBS, "on": True}
    )
    assert ack == {
        "ok": True,
        "messageId": message["_id"],
        "reactions": [{"emoji": THUMBS, "count": 1, "userIds": [bob.id], "mine": True}],
    }
    to_alice = await alice_tab.next(events.REACTIONS_UPDATED)
    assert to_alice == {
        "messageId": message["_id"],
        "reactions": [{"emoji": THUMBS, "count": 1, "userIds": [bob.id], "mine": False}],
    }
    assert (await bob_tab.next(events.REACTIONS_UPDATED))["reactions"][0]["mine"] is True
    # Nothing changes, nobody is told: the next event anyone gets is the next change.
    assert (
        await bob_tab.call(events.REACT, {"messageId": message["_id"], "emoji": THUMBS, "on": True})
    )["ok"]
    await alice.http.delete(f"/api/messages/{message['_id']}/reactions/{THUMBS}")
    await alice.http.put(f"/api/messages/{message['_id']}/reactions/{THUMBS}")
    assert (await bob_tab.next(events.REACTIONS_UPDATED))["reactions"][0]["count"] == 2
    assert bob_tab.pending(events.REACTIONS_UPDATED) == []


async def test_the_original_client_never_sees_reactions(alice, bob):
    message = await sent(alice, bob, "Cake!")
    original = await bob.connect()  # asks for nothing
    modern = await bob.connect(auth=RICH)
    await alice.http.put(f"/api/messages/{message['_id']}/reactions/{THUMBS}")
    assert (await modern.next(events.REACTIONS_UPDATED))["messageId"] == message["_id"]
    await sent(alice, bob, "after")
    assert (await original.next(events.NEW_MESSAGE))["text"] == "after"
    assert original.pending(events.REACTIONS_UPDATED) == []


async def test_a_group_reaction_reaches_every_member_with_their_own_mine(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    tabs = {p.id: await p.connect(auth=RICH) for p in (alice, bob, carol)}
    posted = await alice.http.post(f"/api/groups/{group['_id']}/messages", json={"text": "vote"})
    message = posted.json()
    for tab in tabs.values():
        while (await tab.next(events.NEW_MESSAGE))["_id"] != message["_id"]:
            pass
    await bob.http.put(f"/api/messages/{message['_id']}/reactions/{THUMBS}")
    for person in (alice, bob, carol):
        seen = (await tabs[person.id].next(events.REACTIONS_UPDATED))["reactions"]
        assert seen == [{"emoji": THUMBS, "count": 1, "userIds": [bob.id], "mine": person is bob}]
    await carol.http.put(f"/api/messages/{message['_id']}/reactions/{HEART}")
    for person in (alice, bob, carol):
        seen = (await tabs[person.id].next(events.REACTIONS_UPDATED))["reactions"]
        assert [r["mine"] for r in seen] == [person is bob, person is carol]


async def test_an_edit_carries_the_reactions_with_each_ones_mine(alice, bob):
    message = await sent(alice, bob, "Cake!")
    await bob.http.put(f"/api/messages/{message['_id']}/reactions/{THUMBS}")
    alice_tab, bob_tab = await alice.connect(auth=RICH), await bob.connect()
    edited = await alice.http.patch(f"/api/messages/{message['_id']}", json={"text": "Pie!"})
    assert edited.json()["reactions"][0]["mine"] is False
    for tab, mine in ((alice_tab, False), (bob_tab, True)):
        update = await tab.next(events.MESSAGE_UPDATED)
        assert update["text"] == "Pie!"
        assert update["reactions"] == [
            {"emoji": THUMBS, "count": 1, "userIds": [bob.id], "mine": mine}
        ]


async def test_a_reply_sent_over_the_socket_carries_its_quote_live(alice, bob):
    original = await sent(alice, bob, "Lunch?")
    alice_tab, bob_tab = await alice.connect(), await bob.connect()
    ack = await bob_tab.call(
        events.SEND_MESSAGE,
        {"receiverId": alice.id, "text": "Yes", "clientId": "r1", "replyToId": original["_id"]},
    )
    assert ack["ok"], ack
    arrived = await alice_tab.next(events.NEW_MESSAGE)
    assert arrived["replyTo"]["text"] == "Lunch?" == ack["message"]["replyTo"]["text"]
    refused = await bob_tab.call(
        events.SEND_MESSAGE, {"receiverId": alice.id, "text": "x", "replyToId": "123456789"}
    )
    assert refused["ok"] is False and refused["code"] == "invalid_reply_to"


@pytest.mark.parametrize(
    "payload",
    [
        {"messageId": "1", "emoji": "no", "on": True},
        {"messageId": "1", "emoji": THUMBS},
        {"messageId": "1", "emoji": THUMBS, "on": "yes"},
        {"messageId": [], "emoji": THUMBS, "on": True},
        "👍",
    ],
)
async def test_a_bad_react_is_refused_in_the_ack(alice, bob, payload):
    tab = await bob.connect(auth=RICH)
    ack = await tab.call(events.REACT, payload)
    assert ack["ok"] is False and ack["code"] in (
        "invalid_input",
        "invalid_emoji",
        "message_not_found",
    )


# --- what a member who joined later may not read ----------------------------------------------


async def add(owner: Person, group: dict[str, Any], *people: Person) -> None:
    added = await owner.http.post(
        f"/api/groups/{group['_id']}/members", json={"userIds": [p.id for p in people]}
    )
    assert added.status_code == 200, added.text


async def posted(person: Person, group: dict[str, Any], text: str, **extra: Any) -> dict[str, Any]:
    response = await person.http.post(
        f"/api/groups/{group['_id']}/messages", json={"text": text, **extra}
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_group_reply_reaches_a_newcomer_live_with_its_quote_unavailable(alice, bob, carol):
    group = await make_group(alice, bob)
    secret = await posted(alice, group, "the secret recipe")
    await add(alice, group, carol)
    alice_tab, carol_tab = await alice.connect(auth=RICH), await carol.connect(auth=RICH)
    reply = await posted(bob, group, "agreed", replyToId=secret["_id"])
    unavailable = {
        "_id": secret["_id"],
        "senderId": None,
        "text": None,
        "image": None,
        "deleted": False,
        "unavailable": True,
    }
    to_carol = await carol_tab.next(events.NEW_MESSAGE)
    assert (to_carol["_id"], to_carol["replyTo"]) == (reply["_id"], unavailable)
    assert to_carol == {**reply, "replyTo": unavailable}
    to_alice = await alice_tab.next(events.NEW_MESSAGE)
    assert to_alice["replyTo"]["text"] == "the secret recipe"
    # An edit and a deletion of the reply: the same, each one as they may see it.
    await bob.http.patch(f"/api/messages/{reply['_id']}", json={"text": "agreed!"})
    edited = await carol_tab.next(events.MESSAGE_UPDATED)
    assert (edited["text"], edited["replyTo"]) == ("agreed!", unavailable)
    assert (await alice_tab.next(events.MESSAGE_UPDATED))["replyTo"]["text"] == "the secret recipe"
    await bob.http.delete(f"/api/messages/{reply['_id']}")
    assert (await carol_tab.next(events.MESSAGE_DELETED))["replyTo"] == unavailable
    assert (await alice_tab.next(events.MESSAGE_DELETED))["replyTo"]["senderId"] == alice.id


async def test_changes_to_a_message_from_before_someone_joined_do_not_reach_them(alice, bob, carol):
    group = await make_group(alice, bob)
    old = await posted(alice, group, "old news")
    await add(alice, group, carol)
    alice_tab, carol_tab = await alice.connect(auth=RICH), await carol.connect(auth=RICH)
    fresh = await posted(alice, group, "fresh news")
    assert (await carol_tab.next(events.NEW_MESSAGE))["_id"] == fresh["_id"]
    for message in (old, fresh):  # the old first: had Carol been told, it would come first
        reacted = await bob.http.put(f"/api/messages/{message['_id']}/reactions/{THUMBS}")
        assert reacted.status_code == 200, reacted.text
        edited = await alice.http.patch(f"/api/messages/{message['_id']}", json={"text": "news"})
        assert edited.status_code == 200, edited.text
        assert (await alice.http.delete(f"/api/messages/{message['_id']}")).status_code == 200
    for event in (events.REACTIONS_UPDATED, events.MESSAGE_UPDATED, events.MESSAGE_DELETED):
        first = await carol_tab.next(event)
        assert first.get("messageId", first.get("_id")) == fresh["_id"], event
        # Alice, who was there, was told of both.
        told = [await alice_tab.next(event) for _ in range(2)]
        assert [t.get("messageId", t.get("_id")) for t in told] == [old["_id"], fresh["_id"]]
    assert "old news" not in str(carol_tab.pending(events.MESSAGE_UPDATED))
