"""Blocking someone and reporting a message, over REST and the socket, on a live server."""

from __future__ import annotations

import pytest

from socketspace.db import Database
from socketspace.realtime import events
from socketspace.services import abuse
from tests.conftest import People, Person


@pytest.fixture
def people(live_people: People) -> People:
    """Everyone here, alice included, on the live server: their sockets connect there."""
    return live_people


@pytest.fixture
async def mallory(people: People) -> Person:
    return await people.signup("Mallory")


async def send(sender: Person, receiver: Person, text: str):  # type: ignore[no-untyped-def]
    return await sender.http.post(f"/api/messages/send/{receiver.id}", json={"text": text})


async def test_a_blocked_person_can_no_longer_reach_the_blocker_in_any_way(
    alice: Person, mallory: Person
):
    hello = await send(mallory, alice, "hello")
    assert hello.status_code == 201
    blocked = await alice.http.post(f"/api/users/{mallory.id}/block")
    assert blocked.status_code == 200 and blocked.json() == {"blocked": [mallory.id]}
    alice_tab = await alice.connect()
    alice_other_tab = await alice.connect()
    mallory_tab = await mallory.connect()

    refused = await send(mallory, alice, "let me in")
    assert refused.status_code == 403
    assert refused.json() == {"message": "You can't message this person.", "code": "blocked"}
    ack = await mallory_tab.call(events.SEND_MESSAGE, {"receiverId": alice.id, "text": "psst"})
    assert ack == {"ok": False, "code": "blocked", "message": "You can't message this person."}
    # Nor the other way round, until Alice unblocks.
    assert (await send(alice, mallory, "one last word")).status_code == 403
    # Nor by rewriting an old message, which would reach Alice's screen live.
    hello_id = hello.json()["_id"]
    rewritten = await mallory.http.patch(f"/api/messages/{hello_id}", json={"text": "abuse"})
    assert rewritten.status_code == 403 and rewritten.json()["code"] == "blocked"
    ack = await mallory_tab.call(events.EDIT_MESSAGE, {"messageId": hello_id, "text": "abuse"})
    assert ack["ok"] is False and ack["code"] == "blocked"

    # Typing is not relayed; Alice's read marks tell her own tabs, not Mallory.
    assert (await mallory_tab.call(events.TYPING, {"receiverId": alice.id, "isTyping": True}))["ok"]
    read = await alice_tab.call(events.MARK_READ, {"userId": mallory.id})
    assert read["ok"]
    # Nor can Mallory read Alice's read pointer from the REST answers.
    history = await mallory.http.get(f"/api/messages/{alice.id}")
    assert history.headers["X-Partner-Read-Up-To"] == "0"
    (chat,) = (await mallory.http.get("/api/messages/chats")).json()
    assert chat["partnerReadUpTo"] == "0"
    assert (await alice_other_tab.next(events.MESSAGES_READ))["readerId"] == alice.id

    # A barrier: something Alice does receive, after everything above.
    await alice.http.delete(f"/api/users/{mallory.id}/block")
    assert (await send(mallory, alice, "sorry")).status_code == 201
    assert (await alice_tab.next(events.NEW_MESSAGE))["text"] == "sorry"
    assert (await mallory_tab.next(events.NEW_MESSAGE))["text"] == "sorry"
    assert alice_tab.pending(events.TYPING) == []
    assert mallory_tab.pending(events.MESSAGES_READ) == []
    assert alice_tab.pending(events.MESSAGE_UPDATED) == []
    history = (await alice.http.get(f"/api/messages/{mallory.id}")).json()
    assert [m["text"] for m in history] == ["hello", "sorry"]


async def test_blocking_is_idempotent_listed_and_checked(alice: Person, mallory: Person):
    for _ in range(2):
        assert (await alice.http.post(f"/api/users/{mallory.id}/block")).status_code == 200
    assert (await alice.http.get("/api/users/blocked")).json()["blocked"] == [mallory.id]
    assert (await mallory.http.get("/api/users/blocked")).json()["blocked"] == []
    own = await alice.http.post(f"/api/users/{alice.id}/block")
    assert own.status_code == 400 and own.json()["code"] == "self_block"
    for unknown in ("0" * 24, "not-an-id"):
        missing = await alice.http.post(f"/api/users/{unknown}/block")
        assert missing.status_code == 404 and missing.json()["code"] == "user_not_found"
    assert (await alice.http.delete(f"/api/users/{mallory.id}/block")).json() == {"blocked": []}


async def test_blocks_are_kept_across_a_restart(settings, servers, people: People):
    first = await servers.start()
    alice = await people.signup("Alice", url=first.url)
    mallory = await people.signup("Mallory", url=first.url)
    await alice.http.post(f"/api/users/{mallory.id}/block")
    second = await servers.start()  # another process on the same database
    mallory.http.base_url = second.url  # type: ignore[assignment]
    assert (await send(mallory, alice, "hi from elsewhere")).status_code == 403


async def test_a_received_message_can_be_reported_and_is_kept_as_it_was(
    alice: Person, mallory: Person, people: People, settings
):
    bob = await people.signup("Bob")
    sent = (await send(mallory, alice, "buy cheap pills")).json()
    reported = await alice.http.post(f"/api/messages/{sent['_id']}/report", json={"reason": "spam"})
    assert reported.status_code == 201
    assert "reported" in reported.json()["message"]
    await mallory.http.patch(f"/api/messages/{sent['_id']}", json={"text": "hello"})

    # Only what was sent to you: not your own message, not someone else's conversation.
    for reporter in (mallory, bob):
        refused = await reporter.http.post(f"/api/messages/{sent['_id']}/report", json={})
        assert refused.status_code == 404
    too_long = await alice.http.post(
        f"/api/messages/{sent['_id']}/report", json={"reason": "x" * 501}
    )
    assert too_long.status_code == 400

    db = Database.from_url(settings.database_url)
    try:
        (row,) = await abuse.reports(db)
    finally:
        await db.dispose()
    assert (row.reporter_email, row.reported_email) == ("alice@example.com", "mallory@example.com")
    assert (row.report.text, row.report.reason) == ("buy cheap pills", "spam")


async def test_a_blocked_person_does_not_see_the_blocker_online(
    alice: Person, mallory: Person, people: People
):
    bob = await people.signup("Bob")
    await alice.http.post(f"/api/users/{mallory.id}/block")
    alice_tab = await alice.connect()
    # The original client's full list, as Mallory connects: everyone online but Alice.
    mallory_full = await mallory.connect()
    assert alice.id not in await mallory_full.next(events.GET_ONLINE_USERS)
    mallory_delta = await mallory.connect(auth={"presence": "delta"})
    assert alice.id not in await mallory_delta.next(events.GET_ONLINE_USERS)
    mallory_batch = await mallory.connect(auth={"presence": "batch"})
    assert alice.id not in await mallory_batch.next(events.GET_ONLINE_USERS)
    bob_tab = await bob.connect(auth={"presence": "delta"})
    assert alice.id in await bob_tab.next(events.GET_ONLINE_USERS)

    # Alice leaves and comes back: Bob is told, Mallory is not; Carol's arrival is the barrier.
    await alice_tab.client.disconnect()
    assert (await bob_tab.next(events.USER_OFFLINE))["userId"] == alice.id
    await alice.connect()
    carol = await people.signup("Carol")
    await carol.connect()
    arrivals = [(await mallory_delta.next(events.USER_ONLINE))["userId"]]
    while arrivals[-1] != carol.id:
        arrivals.append((await mallory_delta.next(events.USER_ONLINE))["userId"])
    assert alice.id not in arrivals
    latest = await mallory_full.next(events.GET_ONLINE_USERS)
    while carol.id not in latest:
        latest = await mallory_full.next(events.GET_ONLINE_USERS)
    assert alice.id not in latest and bob.id in latest
    assert all(e["userId"] != alice.id for e in mallory_delta.pending(events.USER_ONLINE))
    assert all(e["userId"] != alice.id for e in mallory_delta.pending(events.USER_OFFLINE))
    frame = await mallory_batch.next(events.PRESENCE_CHANGED)
    frames = [frame]
    while carol.id not in frame["online"]:
        frame = await mallory_batch.next(events.PRESENCE_CHANGED)
        frames.append(frame)
    frames += mallory_batch.pending(events.PRESENCE_CHANGED)
    assert all(alice.id not in f["online"] for f in frames)
    assert all(alice.id not in [g["userId"] for g in f["offline"]] for f in frames)
