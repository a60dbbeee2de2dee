"""Mallory tries to read, change or mark Alice and Bob's messages and picture, over REST and
over the socket. Every attempt is refused or sees nothing, and Alice and Bob notice nothing."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image

from socketspace.realtime import events
from tests.conftest import People, Person


@pytest.fixture
def people(live_people: People) -> People:
    """Everyone here, alice and bob included, on the live server: their sockets connect there."""
    return live_people


def picture() -> str:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 90)).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


async def test_mallory_cannot_touch_alice_and_bobs_conversation(
    people: People, alice: Person, bob: Person
):
    mallory = await people.signup("Mallory")
    first = await alice.http.post(
        f"/api/messages/send/{bob.id}", json={"text": "our secret", "image": picture()}
    )
    assert first.status_code == 201
    secret = first.json()
    image_url = secret["image"]
    assert (await bob.http.get(image_url)).status_code in (200, 302)
    alice_tab = await alice.connect()
    bob_tab = await bob.connect()
    tab = await mallory.connect()
    http = mallory.http
    secret_id = secret["_id"]

    # Reading: nothing of theirs shows up anywhere she can look.
    for path in (f"/api/messages/{alice.id}", f"/api/messages/{bob.id}"):
        response = await http.get(path)
        assert response.status_code == 200 and response.json() == []
    assert (await http.get("/api/messages/chats")).json() == []
    assert (await http.get("/api/messages/sync", params={"after": 0})).json()["messages"] == []
    assert (await tab.call(events.SYNC, {"afterMessageId": 0}))["messages"] == []
    picture_answer = await http.get(image_url, follow_redirects=False)
    assert picture_answer.status_code == 403
    assert picture_answer.headers["content-type"].startswith("application/json")

    # Changing: refused, whichever way she asks.
    edited = await http.patch(f"/api/messages/{secret_id}", json={"text": "pwned"})
    deleted = await http.delete(f"/api/messages/{secret_id}")
    assert edited.status_code in (403, 404) and deleted.status_code in (403, 404)
    for event, data in (
        (events.EDIT_MESSAGE, {"messageId": secret_id, "text": "pwned"}),
        (events.DELETE_MESSAGE, {"messageId": secret_id}),
    ):
        ack = await tab.call(event, data)
        assert ack["ok"] is False
        assert ack["code"] in ("forbidden", "message_not_found")

    # Marking read: only her own conversations move, never theirs.
    await http.post(f"/api/messages/read/{alice.id}", json={"upToMessageId": secret_id})
    await tab.call(events.MARK_READ, {"userId": alice.id, "upToMessageId": secret_id})
    chats = (await bob.http.get("/api/messages/chats")).json()
    assert [c["unreadCount"] for c in chats] == [1]

    # The conversation is as it was, and neither of them was told anything.
    history = (await bob.http.get(f"/api/messages/{alice.id}")).json()
    assert [(m["text"], m["image"]) for m in history] == [("our secret", image_url)]
    # A message of their own as a barrier: anything Mallory caused would have come before it.
    await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "still here?"})
    assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "still here?"
    assert (await alice_tab.next(events.NEW_MESSAGE))["text"] == "still here?"
    for spied in (alice_tab, bob_tab):
        for event in (events.MESSAGE_UPDATED, events.MESSAGE_DELETED, events.MESSAGES_READ):
            assert spied.pending(event) == []
