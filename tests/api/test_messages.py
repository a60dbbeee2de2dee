"""The messages REST API, as the original client and scripts use it."""

import asyncio
import base64
import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from socketspace.models import Conversation, Message
from socketspace.services.messages import TEXT_MAX
from tests.conftest import make_client, signup

MESSAGE_FIELDS = {
    "_id",
    "senderId",
    "receiverId",
    "text",
    "image",
    "clientId",
    "createdAt",
    "updatedAt",
    "editedAt",
    "deletedAt",
    "replyTo",
    "reactions",
    "forwarded",
}


async def me(client) -> str:
    return (await client.get("/api/auth/check")).json()["_id"]


async def send(client, to: str, text: str | None = "hi", **extra):
    body = {"text": text, **extra} if text is not None else extra
    return await client.post(f"/api/messages/send/{to}", json=body)


async def count(db, model) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def test_a_sent_message_is_stored_and_returned_with_201(alice, bob):
    bob_id = bob.id
    response = await send(alice.http, bob_id, "  Hello Bob  ")
    assert response.status_code == 201
    message = response.json()
    assert set(message) == MESSAGE_FIELDS
    assert message["text"] == "Hello Bob"
    assert message["senderId"] == alice.id
    assert message["receiverId"] == bob_id
    assert message["image"] is None
    assert message["createdAt"].endswith("Z")
    history = (await bob.http.get(f"/api/messages/{alice.id}")).json()
    assert [m["text"] for m in history] == ["Hello Bob"]


async def test_history_is_oldest_first_and_shared_by_both_people(alice, bob):
    alice_id, bob_id = alice.id, bob.id
    for n in range(3):
        assert (await send(alice.http, bob_id, f"a{n}")).status_code == 201
        assert (await send(bob.http, alice_id, f"b{n}")).status_code == 201
    mine = (await alice.http.get(f"/api/messages/{bob_id}")).json()
    theirs = (await bob.http.get(f"/api/messages/{alice_id}")).json()
    assert [m["text"] for m in mine] == ["a0", "b0", "a1", "b1", "a2", "b2"]
    assert mine == theirs
    ids = [int(m["_id"]) for m in mine]
    assert ids == sorted(ids)


async def test_history_pages_backwards_by_keyset(alice, bob):
    bob_id = bob.id
    for n in range(7):
        await send(alice.http, bob_id, f"m{n}")
    newest = await alice.http.get(f"/api/messages/{bob_id}", params={"limit": 3})
    assert [m["text"] for m in newest.json()] == ["m4", "m5", "m6"]
    assert newest.headers["x-has-more"] == "true"
    older = await alice.http.get(
        f"/api/messages/{bob_id}", params={"limit": 3, "before": newest.json()[0]["_id"]}
    )
    assert [m["text"] for m in older.json()] == ["m1", "m2", "m3"]
    oldest = await alice.http.get(
        f"/api/messages/{bob_id}", params={"limit": 3, "before": older.json()[0]["_id"]}
    )
    assert [m["text"] for m in oldest.json()] == ["m0"]
    assert oldest.headers["x-has-more"] == "false"


async def test_history_with_someone_never_written_to_is_empty(alice, bob):
    response = await alice.http.get(f"/api/messages/{bob.id}")
    assert response.status_code == 200
    assert response.json() == []
    assert response.headers["x-has-more"] == "false"


@pytest.mark.parametrize("user_id", ["nope", "0" * 24, "6b06197770c588d031eb16ef' OR 1=1"])
async def test_unknown_or_malformed_user_ids_are_404(alice, user_id):
    assert (await alice.http.get(f"/api/messages/{user_id}")).status_code == 404
    response = await send(alice.http, user_id)
    assert response.status_code == 404
    assert response.json()["message"] == "User not found."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"text": "   \n\t "}, "Text or image is required."),
        ({}, "Text or image is required."),
        ({"text": ""}, "Text or image is required."),
        ({"text": "x" * 2001}, "Message text must be at most 2000 characters."),
        ({"text": 42}, "text must be a string."),
        ({"text": "hi", "clientId": "not a uuid!"}, None),
        ({"text": "hi", "image": "https://evil.example/x.png"}, None),
        ({"image": "data:image/png;base64,@@not base64@@"}, "image is not valid base64."),
    ],
)
async def test_bad_sends_are_400_and_store_nothing(alice, bob, db, body, message):
    response = await alice.http.post(f"/api/messages/send/{bob.id}", json=body)
    assert response.status_code == 400
    if message:
        assert response.json()["message"] == message
    assert await count(db, Message) == 0
    assert await count(db, Conversation) == 0


async def test_text_of_exactly_2000_characters_is_accepted(alice, bob):
    response = await send(alice.http, bob.id, "x" * 2000)
    assert response.status_code == 201


async def test_sending_to_yourself_is_refused(alice, db):
    response = await send(alice.http, alice.id)
    assert response.status_code == 400
    assert "yourself" in response.json()["message"]
    assert await count(db, Message) == 0


async def test_sending_requires_a_session(app, bob):
    async with make_client(app) as stranger:
        assert (await send(stranger, bob.id)).status_code == 401


async def test_the_same_client_id_twice_stores_one_message(alice, bob, db):
    bob_id = bob.id
    first = await send(alice.http, bob_id, "once", clientId="c-1")
    again = await send(alice.http, bob_id, "once", clientId="c-1")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["_id"] == first.json()["_id"]
    assert await count(db, Message) == 1


async def test_simultaneous_retries_with_one_client_id_store_one_message(alice, bob, db):
    bob_id = bob.id
    responses = await asyncio.gather(
        *(send(alice.http, bob_id, "dup", clientId="same") for _ in range(10))
    )
    assert {r.json()["_id"] for r in responses} == {responses[0].json()["_id"]}
    assert sorted(r.status_code for r in responses) == [200] * 9 + [201]
    assert await count(db, Message) == 1


async def test_an_image_message_is_reencoded_and_served_to_signed_in_users(alice, bob):
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (1, 2, 3)).save(out, format="JPEG")
    data_url = "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode()
    response = await send(alice.http, bob.id, None, image=data_url)
    assert response.status_code == 201
    url = response.json()["image"]
    assert url.startswith("/api/media/images/") and url.endswith(".jpg")  # opaque: JPEG
    picture = await bob.http.get(url)
    assert picture.status_code == 200
    assert Image.open(io.BytesIO(picture.content)).size == (300, 200)


async def test_an_image_that_is_not_an_image_is_refused(alice, bob, db):
    fake = "data:image/png;base64," + base64.b64encode(b"not a picture").decode()
    response = await send(alice.http, bob.id, None, image=fake)
    assert response.status_code == 400
    assert await count(db, Message) == 0


async def test_contacts_list_other_people_by_name_without_emails(people, alice, bob):
    await people.signup("carol", "carol@example.com")
    response = await alice.http.get("/api/messages/contacts")
    assert response.status_code == 200
    contacts = response.json()
    assert [p["fullName"] for p in contacts] == ["Bob Builder", "carol"]
    assert set(contacts[0]) == {"_id", "fullName", "profilePic", "lastSeen"}
    assert "example.com" not in response.text


async def test_contacts_filter_by_name_and_page_with_a_cursor(people, alice):
    for name in ("Zed", "Amy", "Ann", "Bea", "Anton"):
        await people.signup(name, f"{name.lower()}@example.com")
    found = (await alice.http.get("/api/messages/contacts", params={"q": "an"})).json()
    assert [p["fullName"] for p in found] == ["Ann", "Anton"]
    first = await alice.http.get("/api/messages/contacts", params={"limit": 2})
    assert [p["fullName"] for p in first.json()] == ["Amy", "Ann"]
    cursor = first.headers["x-next-cursor"]
    second = await alice.http.get("/api/messages/contacts", params={"limit": 2, "cursor": cursor})
    assert [p["fullName"] for p in second.json()] == ["Anton", "Bea"]
    third = await alice.http.get(
        "/api/messages/contacts", params={"limit": 2, "cursor": second.headers["x-next-cursor"]}
    )
    assert [p["fullName"] for p in third.json()] == ["Zed"]
    assert "x-next-cursor" not in third.headers
    bad = await alice.http.get("/api/messages/contacts", params={"cursor": "%%%"})
    assert bad.status_code == 400


async def test_chats_are_newest_first_with_last_message_and_unread_counts(people, alice, bob):
    alice_id, bob_id = alice.id, bob.id
    carol = await people.signup("Carol", "carol@example.com")
    carol_id = carol.id
    await send(bob.http, alice_id, "from bob 1")
    await send(bob.http, alice_id, "from bob 2")
    await send(carol.http, alice_id, "from carol")
    chats = (await alice.http.get("/api/messages/chats")).json()
    assert [c["_id"] for c in chats] == [carol_id, bob_id]
    assert chats[0]["lastMessage"]["text"] == "from carol"
    assert (chats[1]["unreadCount"], chats[1]["readUpTo"]) == (2, "0")
    assert "email" not in chats[0]

    await send(alice.http, bob_id, "reply")
    chats = (await alice.http.get("/api/messages/chats")).json()
    assert [c["_id"] for c in chats] == [bob_id, carol_id]
    # Replying means having read what came before.
    assert (chats[0]["unreadCount"], chats[0]["readUpTo"]) == (0, chats[0]["lastMessage"]["_id"])
    assert chats[1]["unreadCount"] == 1
    bob_chats = (await bob.http.get("/api/messages/chats")).json()
    assert bob_chats[0]["unreadCount"] == 1
    assert bob_chats[0]["lastMessage"]["senderId"] == alice_id


async def test_marking_read_drops_the_unread_count_and_never_moves_back(alice, bob):
    alice_id, bob_id = alice.id, bob.id
    sent = [(await send(bob.http, alice_id, f"m{n}")).json() for n in range(3)]
    response = await alice.http.post(
        f"/api/messages/read/{bob_id}", json={"upToMessageId": sent[1]["_id"]}
    )
    assert response.json() == {"upToMessageId": sent[1]["_id"]}
    chat = (await alice.http.get("/api/messages/chats")).json()[0]
    # The unread start after where I have read: a client opens the chat there.
    assert (chat["unreadCount"], chat["readUpTo"]) == (1, sent[1]["_id"])
    back = await alice.http.post(
        f"/api/messages/read/{bob_id}", json={"upToMessageId": sent[0]["_id"]}
    )
    assert back.json() == {"upToMessageId": sent[1]["_id"]}
    await alice.http.post(f"/api/messages/read/{bob_id}", json={})
    assert (await alice.http.get("/api/messages/chats")).json()[0]["unreadCount"] == 0


async def test_history_and_chats_tell_how_far_the_partner_has_read(alice, bob):
    alice_id, bob_id = alice.id, bob.id
    sent = [(await send(alice.http, bob_id, f"m{n}")).json() for n in range(3)]
    history = await alice.http.get(f"/api/messages/{bob_id}")
    assert history.headers["x-partner-read-up-to"] == "0"
    assert (await alice.http.get("/api/messages/chats")).json()[0]["partnerReadUpTo"] == "0"

    await bob.http.post(f"/api/messages/read/{alice_id}", json={"upToMessageId": sent[1]["_id"]})
    history = await alice.http.get(f"/api/messages/{bob_id}", params={"limit": 1})
    assert history.headers["x-partner-read-up-to"] == sent[1]["_id"]
    chats = (await alice.http.get("/api/messages/chats")).json()
    assert chats[0]["partnerReadUpTo"] == sent[1]["_id"]
    # Each side sees the other's pointer, not its own; sending means having read.
    newest = sent[2]["_id"]
    history = await bob.http.get(f"/api/messages/{alice_id}")
    assert history.headers["x-partner-read-up-to"] == newest
    assert (await bob.http.get("/api/messages/chats")).json()[0]["partnerReadUpTo"] == newest


async def test_history_with_nobody_yet_says_nothing_was_read(alice, bob):
    response = await alice.http.get(f"/api/messages/{bob.id}")
    assert response.headers["x-partner-read-up-to"] == "0"


async def test_sync_returns_everything_after_an_id_in_order_and_pages(people, alice, bob):
    alice_id, bob_id = alice.id, bob.id
    carol = await people.signup("Carol", "carol@example.com")
    first = (await send(bob.http, alice_id, "before")).json()
    await send(bob.http, alice_id, "b1")
    await send(alice.http, carol.id, "a-to-c")
    await send(carol.http, bob_id, "not for alice")
    await send(carol.http, alice_id, "c1")
    response = await alice.http.get("/api/messages/sync", params={"after": first["_id"]})
    body = response.json()
    assert [m["text"] for m in body["messages"]] == ["b1", "a-to-c", "c1"]
    assert body["hasMore"] is False
    paged = (
        await alice.http.get("/api/messages/sync", params={"after": first["_id"], "limit": 2})
    ).json()
    assert [m["text"] for m in paged["messages"]] == ["b1", "a-to-c"]
    assert paged["hasMore"] is True
    assert (await alice.http.get("/api/messages/sync", params={"after": "x"})).status_code == 400


async def test_editing_your_own_message_changes_it_for_both(alice, bob):
    alice_id, bob_id = alice.id, bob.id
    sent = (await send(alice.http, bob_id, "helo")).json()
    response = await alice.http.patch(f"/api/messages/{sent['_id']}", json={"text": "hello"})
    assert response.status_code == 200
    edited = response.json()
    assert edited["text"] == "hello"
    assert edited["editedAt"] is not None
    assert (await bob.http.get(f"/api/messages/{alice_id}")).json()[0]["text"] == "hello"


async def test_deleting_keeps_the_place_but_loses_text_and_image(alice, bob):
    alice_id, bob_id = alice.id, bob.id
    sent = (await send(alice.http, bob_id, "oops")).json()
    await send(alice.http, bob_id, "after")
    response = await alice.http.delete(f"/api/messages/{sent['_id']}")
    assert response.status_code == 200
    assert response.json()["deletedAt"] is not None
    history = (await bob.http.get(f"/api/messages/{alice_id}")).json()
    assert history[0]["_id"] == sent["_id"]
    assert history[0]["text"] is None and history[0]["image"] is None
    chats = (await bob.http.get("/api/messages/chats")).json()
    assert chats[0]["lastMessage"]["text"] == "after"
    again = await alice.http.patch(f"/api/messages/{sent['_id']}", json={"text": "resurrect"})
    assert again.status_code == 400


async def test_others_messages_cannot_be_edited_or_deleted(people, alice, bob):
    sent = (await send(alice.http, bob.id, "mine")).json()
    assert (
        await bob.http.patch(f"/api/messages/{sent['_id']}", json={"text": "x"})
    ).status_code == 403
    assert (await bob.http.delete(f"/api/messages/{sent['_id']}")).status_code == 403
    carol = await people.signup("Carol", "carol@example.com")
    # A stranger to the conversation is not even told the message exists.
    assert (await carol.http.delete(f"/api/messages/{sent['_id']}")).status_code == 404
    for bad in ("abc", "99999999", "-1", "1e3"):
        assert (await alice.http.delete(f"/api/messages/{bad}")).status_code == 404, bad


async def test_the_rate_limit_refuses_with_429_and_stores_nothing_more(settings):
    from socketspace.app import create_app

    strict = settings.model_copy(update={"message_burst": 3, "message_rate_per_second": 0.01})
    app = create_app(strict)
    api = app.api
    async with api.router.lifespan_context(api), make_client(app) as a, make_client(app) as b:
        await signup(a, "A", "a@example.com")
        await signup(b, "B", "b@example.com")
        b_id = await me(b)
        codes = [(await send(a, b_id, f"m{n}")).status_code for n in range(4)]
        assert codes == [201, 201, 201, 429]
        limited = await send(a, b_id, "again")
        assert limited.json()["code"] == "rate_limited"
        assert int(limited.headers["retry-after"]) >= 1
        assert len((await a.get(f"/api/messages/{b_id}")).json()) == 3


async def test_deleting_an_unread_message_takes_it_out_of_the_unread_count(alice, bob):
    alice_id, bob_id = alice.id, bob.id
    first = (await send(alice.http, bob_id, "one")).json()
    await send(alice.http, bob_id, "two")
    assert (await bob.http.get("/api/messages/chats")).json()[0]["unreadCount"] == 2
    await alice.http.delete(f"/api/messages/{first['_id']}")
    assert (await bob.http.get("/api/messages/chats")).json()[0]["unreadCount"] == 1
    # Reading up to the deleted one leaves the other unread.
    await bob.http.post(f"/api/messages/read/{alice_id}", json={"upToMessageId": first["_id"]})
    assert (await bob.http.get("/api/messages/chats")).json()[0]["unreadCount"] == 1


def test_the_client_takes_as_much_text_as_the_server():
    """The composer and the editor stop at web/src/lib/text.ts's TEXT_MAX: the server's, by hand."""
    source = (Path(__file__).parents[2] / "web/src/lib/text.ts").read_text()
    found = re.search(r"export const TEXT_MAX = (\d+);", source)
    assert found is not None
    assert int(found.group(1)) == TEXT_MAX
