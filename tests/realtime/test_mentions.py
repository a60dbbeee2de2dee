"""Mentions over Socket.IO: `sendMessage` takes them in a group, every member's live frame
carries them, and the original client (which asks for no groups) sees neither group traffic
nor any new field on its direct messages."""

from __future__ import annotations

import pytest

from socketspace.realtime import events
from tests.api.test_messages import MESSAGE_FIELDS
from tests.conftest import People, Person
from tests.realtime.test_groups import GROUPS, make_group


@pytest.fixture
async def carol(people: People) -> Person:
    return await people.signup("Carol Ann", "carol@example.com")


async def test_a_mention_sent_over_the_socket_reaches_every_member_live(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    alice_tab = await alice.connect(auth=GROUPS)
    bob_tab, carol_tab = await bob.connect(auth=GROUPS), await carol.connect(auth=GROUPS)
    ack = await alice_tab.call(
        events.SEND_MESSAGE,
        {"groupId": group["_id"], "text": "@Bob Builder look", "mentions": [bob.id, bob.id]},
    )
    assert ack["ok"], ack
    assert ack["message"]["mentions"] == [bob.id]
    for tab in (bob_tab, carol_tab):
        arrived = await tab.next(events.NEW_MESSAGE)
        assert (arrived["_id"], arrived["mentions"]) == (ack["message"]["_id"], [bob.id])


async def test_a_mention_of_a_non_member_is_refused_in_the_ack_and_reaches_nobody(
    alice, bob, carol
):
    group = await make_group(alice, bob)
    alice_tab, bob_tab = await alice.connect(auth=GROUPS), await bob.connect(auth=GROUPS)
    ack = await alice_tab.call(
        events.SEND_MESSAGE, {"groupId": group["_id"], "text": "@Carol Ann", "mentions": [carol.id]}
    )
    assert ack["ok"] is False and ack["code"] == "invalid_mentions", ack
    assert ack["message"] == "Only members of the group can be mentioned."
    # The next message is the first Bob gets: the refused one was never stored or sent.
    ack = await alice_tab.call(events.SEND_MESSAGE, {"groupId": group["_id"], "text": "next"})
    assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "next"
    direct = await alice_tab.call(
        events.SEND_MESSAGE, {"receiverId": bob.id, "text": "@Bob Builder", "mentions": [bob.id]}
    )
    assert direct["ok"] is False and direct["code"] == "invalid_mentions"


async def test_the_original_client_sees_no_mentions_and_its_frames_keep_their_shape(alice, bob):
    original = await bob.connect()  # asks for nothing
    modern = await bob.connect(auth=GROUPS)
    group = await make_group(alice, bob)
    said = await alice.http.post(
        f"/api/groups/{group['_id']}/messages",
        json={"text": "@Bob Builder", "mentions": [bob.id]},
    )
    assert said.status_code == 201, said.text
    await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "direct"})
    direct = await original.next(events.NEW_MESSAGE)
    assert direct["text"] == "direct"
    assert set(direct) == MESSAGE_FIELDS
    assert original.pending(events.NEW_MESSAGE) == []
    seen = [await modern.next(events.NEW_MESSAGE) for _ in range(3)]
    assert [(m.get("kind"), m.get("mentions")) for m in seen] == [
        ("system", []),
        ("text", [bob.id]),
        (None, None),
    ]
