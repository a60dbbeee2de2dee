"""Groups over Socket.IO: group traffic reaches only connections that asked for it
(auth {groups: true}), members get every group event live, and someone removed stops
receiving at once."""

from __future__ import annotations

from typing import Any

import pytest

from socketspace.realtime import events
from tests.conftest import People, Person, Tab

GROUPS = {"groups": True}


async def make_group(owner: Person, *members: Person, name: str = "Crew") -> dict[str, Any]:
    response = await owner.http.post(
        "/api/groups", json={"name": name, "memberIds": [m.id for m in members]}
    )
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
async def carol(people: People) -> Person:
    return await people.signup("Carol Ann", "carol@example.com")


async def test_a_group_message_reaches_every_member_tab_that_asked_for_groups(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    alice_tab = await alice.connect(auth=GROUPS)
    alice_other_tab = await alice.connect(auth=GROUPS)
    bob_tab, carol_tab = await bob.connect(auth=GROUPS), await carol.connect(auth=GROUPS)

    ack = await alice_tab.call(
        events.SEND_MESSAGE, {"groupId": group["_id"], "text": "hello all", "clientId": "g1"}
    )
    assert ack["ok"], ack
    assert ack["message"]["groupId"] == group["_id"]
    for tab in (bob_tab, carol_tab, alice_other_tab):
        arrived = await tab.next(events.NEW_MESSAGE)
        assert (arrived["_id"], arrived["text"]) == (ack["message"]["_id"], "hello all")
    assert alice_tab.pending(events.NEW_MESSAGE) == []  # the sender has the ack


async def test_a_connection_that_did_not_ask_for_groups_sees_no_group_traffic(alice, bob):
    original = await bob.connect()  # the original client asks for nothing
    modern = await bob.connect(auth=GROUPS)
    group = await make_group(alice, bob)
    assert (await modern.next(events.GROUP_UPDATED))["_id"] == group["_id"]
    await alice.http.post(f"/api/groups/{group['_id']}/messages", json={"text": "group"})
    await alice.http.patch(f"/api/groups/{group['_id']}", json={"name": "Renamed"})
    await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "direct"})
    # The direct message reaches both, in order after everything the group did.
    assert (await original.next(events.NEW_MESSAGE))["text"] == "direct"
    seen_by_modern = []
    while (arrived := await modern.next(events.NEW_MESSAGE))["text"] != "direct":
        seen_by_modern.append(arrived)
    assert [m.get("kind") for m in seen_by_modern] == ["system", "text", "system"]
    assert original.pending(events.GROUP_UPDATED) == []
    assert original.pending(events.NEW_MESSAGE) == []
    synced = await original.call(events.SYNC, {"afterMessageId": "0"})
    assert [m["text"] for m in synced["messages"]] == ["direct"]
    synced = await modern.call(events.SYNC, {"afterMessageId": "0"})
    assert [(m.get("kind"), m["text"]) for m in synced["messages"]] == [
        ("system", None),
        ("text", "group"),
        ("system", None),
        (None, "direct"),
    ]
    assert all(m["groupId"] == group["_id"] for m in synced["messages"][:-1])


async def test_someone_removed_stops_receiving_at_once_and_cannot_send(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    bob_tab, carol_tab = await bob.connect(auth=GROUPS), await carol.connect(auth=GROUPS)
    removed = await alice.http.delete(f"/api/groups/{group['_id']}/members/{bob.id}")
    assert removed.status_code == 200
    assert await bob_tab.next(events.GROUP_REMOVED) == {"groupId": group["_id"]}
    told = await bob_tab.next(events.NEW_MESSAGE)
    assert told["system"] == {"action": "removed", "actorId": alice.id, "userIds": [bob.id]}
    updated = await carol_tab.next(events.GROUP_UPDATED)
    assert bob.id not in [m["_id"] for m in updated["members"]]

    await alice.http.post(f"/api/groups/{group['_id']}/messages", json={"text": "after bob"})
    carol_sees = [(await carol_tab.next(events.NEW_MESSAGE))["text"] for _ in range(2)]
    assert carol_sees == [None, "after bob"]  # the system message, then the text
    refused = await bob_tab.call(events.SEND_MESSAGE, {"groupId": group["_id"], "text": "hey?"})
    assert refused["ok"] is False and refused["code"] == "group_not_found"
    assert bob_tab.pending(events.NEW_MESSAGE) == []


async def test_typing_in_a_group_names_the_group_and_the_typist(alice, bob):
    group = await make_group(alice, bob)
    alice_tab, bob_tab = await alice.connect(auth=GROUPS), await bob.connect(auth=GROUPS)
    ack = await alice_tab.call(events.TYPING, {"groupId": group["_id"], "isTyping": True})
    assert ack["ok"], ack
    assert await bob_tab.next(events.TYPING) == {
        "groupId": group["_id"],
        "userId": alice.id,
        "isTyping": True,
    }
    await alice_tab.call(events.TYPING, {"groupId": group["_id"], "isTyping": False})
    assert (await bob_tab.next(events.TYPING))["isTyping"] is False
    assert alice_tab.pending(events.TYPING) == []


async def test_reading_a_group_tells_its_members_for_seen_by(alice, bob):
    group = await make_group(alice, bob)
    alice_tab, bob_tab = await alice.connect(auth=GROUPS), await bob.connect(auth=GROUPS)
    sent = await alice_tab.call(events.SEND_MESSAGE, {"groupId": group["_id"], "text": "read?"})
    await bob_tab.next(events.NEW_MESSAGE)
    read = await bob_tab.call(
        events.MARK_READ, {"groupId": group["_id"], "upToMessageId": sent["message"]["_id"]}
    )
    assert read == {"ok": True, "upToMessageId": sent["message"]["_id"]}
    assert await alice_tab.next(events.MESSAGES_READ) == {
        "readerId": bob.id,
        "groupId": group["_id"],
        "upToMessageId": sent["message"]["_id"],
    }


async def test_edits_and_deletes_in_a_group_reach_its_members(alice, bob):
    group = await make_group(alice, bob)
    alice_tab, bob_tab = await alice.connect(auth=GROUPS), await bob.connect(auth=GROUPS)
    sent = await alice_tab.call(events.SEND_MESSAGE, {"groupId": group["_id"], "text": "tpyo"})
    await bob_tab.next(events.NEW_MESSAGE)
    message_id = sent["message"]["_id"]
    edit = await alice_tab.call(events.EDIT_MESSAGE, {"messageId": message_id, "text": "typo"})
    assert edit["ok"], edit
    assert (await bob_tab.next(events.MESSAGE_UPDATED))["text"] == "typo"
    assert (await alice_tab.call(events.DELETE_MESSAGE, {"messageId": message_id}))["ok"]
    assert (await bob_tab.next(events.MESSAGE_DELETED))["_id"] == message_id


@pytest.mark.parametrize(
    "payload",
    [
        {"text": "to nobody"},
        {"receiverId": "0123456789abcdef01234567", "groupId": "1", "text": "to both"},
    ],
)
async def test_a_message_goes_to_exactly_one_person_or_group(alice, payload):
    tab: Tab = await alice.connect(auth=GROUPS)
    ack = await tab.call(events.SEND_MESSAGE, payload)
    assert ack["ok"] is False and ack["code"] == "invalid_input"
    assert ack["message"] == "Give exactly one of receiverId and groupId."


async def test_a_non_member_socket_cannot_send_type_or_read_in_a_group(alice, bob, carol):
    group = await make_group(alice, bob)
    tab = await carol.connect(auth=GROUPS)
    for event, payload in (
        (events.SEND_MESSAGE, {"groupId": group["_id"], "text": "hi"}),
        (events.TYPING, {"groupId": group["_id"], "isTyping": True}),
        (events.MARK_READ, {"groupId": group["_id"]}),
    ):
        ack = await tab.call(event, payload)
        assert ack["ok"] is False and ack["code"] == "group_not_found", (event, ack)
