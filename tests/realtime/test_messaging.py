"""Live delivery over real Socket.IO connections: in order, exactly once, to every tab."""

import asyncio

from socketspace.realtime import events
from tests.conftest import People, Person, Sockets, clients_of


async def test_a_socket_send_is_acked_with_the_stored_message_and_reaches_the_receiver(
    alice: Person, bob: Person
):
    alice_tab = await alice.connect()
    bob_tab = await bob.connect()
    ack = await alice_tab.call(
        events.SEND_MESSAGE, {"receiverId": bob.id, "text": "hi bob", "clientId": "c1"}
    )
    assert ack["ok"] is True
    assert ack["duplicate"] is False
    message = ack["message"]
    assert (message["senderId"], message["receiverId"], message["text"]) == (
        alice.id,
        bob.id,
        "hi bob",
    )
    assert await bob_tab.next(events.NEW_MESSAGE) == message
    stored = (await bob.http.get(f"/api/messages/{alice.id}")).json()
    assert stored == [message]


async def test_both_people_chat_both_ways_over_rest_and_socket(alice: Person, bob: Person):
    alice_tab = await alice.connect()
    bob_tab = await bob.connect()
    rest = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "over rest"})
    assert rest.status_code == 201
    assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "over rest"
    # A REST send reaches the sender's own sockets too (the original client ignores it).
    assert (await alice_tab.next(events.NEW_MESSAGE))["text"] == "over rest"
    ack = await bob_tab.call(events.SEND_MESSAGE, {"receiverId": alice.id, "text": "socket"})
    assert ack["ok"]
    assert (await alice_tab.next(events.NEW_MESSAGE))["text"] == "socket"


async def test_every_tab_of_both_people_gets_the_message_but_the_sending_tab(
    alice: Person, bob: Person
):
    sender = await alice.connect()
    alice_other = await alice.connect()
    bob_tabs = [await bob.connect() for _ in range(2)]
    ack = await sender.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "to all"})
    for tab in (alice_other, *bob_tabs):
        assert (await tab.next(events.NEW_MESSAGE))["_id"] == ack["message"]["_id"]
    # Bob answers; the first newMessage the sending tab sees must be Bob's, not its own echo.
    await bob_tabs[0].call(events.SEND_MESSAGE, {"receiverId": alice.id, "text": "back"})
    assert (await sender.next(events.NEW_MESSAGE))["text"] == "back"


async def test_a_retried_client_id_returns_the_original_and_delivers_once(
    alice: Person, bob: Person
):
    alice_tab = await alice.connect()
    bob_tab = await bob.connect()
    payload = {"receiverId": bob.id, "text": "only once", "clientId": "retry-1"}
    first, second = await asyncio.gather(
        alice_tab.call(events.SEND_MESSAGE, payload), alice_tab.call(events.SEND_MESSAGE, payload)
    )
    third = await alice_tab.call(events.SEND_MESSAGE, payload)
    assert first["message"]["_id"] == second["message"]["_id"] == third["message"]["_id"]
    assert sorted([first["duplicate"], second["duplicate"], third["duplicate"]]) == [
        False,
        True,
        True,
    ]
    await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "marker"})
    assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "only once"
    assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "marker"


async def test_a_client_id_is_remembered_across_a_server_restart(servers, settings):
    first_server = await servers.start()
    async with clients_of(first_server) as people:
        alice = await people.signup("Alice")
        bob = await people.signup("Bob")
        tab = await alice.connect()
        payload = {"receiverId": bob.id, "text": "survives", "clientId": "restart-1"}
        original = await tab.call(events.SEND_MESSAGE, payload)
        await first_server.stop()

        second_server = await servers.start()
        tab = await alice.connect(url=second_server.url)
        retried = await tab.call(events.SEND_MESSAGE, payload)
        assert retried["duplicate"] is True
        assert retried["message"]["_id"] == original["message"]["_id"]
        history = await alice.http.get(f"{second_server.url}/api/messages/{bob.id}")
        assert len(history.json()) == 1


async def test_a_burst_of_1000_sends_arrives_complete_and_in_order(servers):
    server = await servers.start(message_burst=5000, message_rate_per_second=5000.0)
    async with clients_of(server) as people:
        alice = await people.signup("Alice")
        bob = await people.signup("Bob")
        alice_tab = await alice.connect()
        bob_tab = await bob.connect()
        acks: asyncio.Queue[dict] = asyncio.Queue()
        for n in range(1000):
            # Fire without waiting: the server sees a real burst from one connection.
            await alice_tab.emit(
                events.SEND_MESSAGE,
                {"receiverId": bob.id, "text": f"#{n}", "clientId": f"b{n}"},
                callback=acks.put_nowait,
            )
        received = [await bob_tab.next(events.NEW_MESSAGE, timeout=30) for _ in range(1000)]
        assert [m["text"] for m in received] == [f"#{n}" for n in range(1000)]
        ids = [int(m["_id"]) for m in received]
        assert ids == sorted(ids) and len(set(ids)) == 1000
        answers = [await asyncio.wait_for(acks.get(), 30) for _ in range(1000)]
        assert all(a["ok"] for a in answers)
        assert [a["message"]["text"] for a in answers] == [f"#{n}" for n in range(1000)]
        assert bob_tab.pending(events.NEW_MESSAGE) == []


async def test_a_dropped_connection_catches_up_with_sync_without_loss_or_duplicates(
    alice: Person, bob: Person
):
    alice_tab = await alice.connect()
    bob_tab = await bob.connect()
    await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "seen"})
    last_seen = (await bob_tab.next(events.NEW_MESSAGE))["_id"]
    await bob_tab.client.disconnect()  # the train enters a tunnel

    for n in range(5):
        await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": f"gap {n}"})
    bob_again = await bob.connect()
    await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "live"})
    live = await bob_again.next(events.NEW_MESSAGE)

    ack = await bob_again.call(events.SYNC, {"afterMessageId": last_seen})
    assert ack["ok"] and ack["hasMore"] is False
    texts = [m["text"] for m in ack["messages"]]
    assert texts == [f"gap {n}" for n in range(5)] + ["live"]
    # The client merges by id: the live message it already has appears once.
    merged = {m["_id"]: m for m in [live, *ack["messages"]]}
    assert len(merged) == 6


async def test_typing_reaches_the_partner_and_ends_by_itself(servers):
    server = await servers.start(typing_ttl_seconds=0.3)
    async with clients_of(server) as people:
        alice = await people.signup("Alice")
        bob = await people.signup("Bob")
        alice_tab = await alice.connect()
        bob_tab = await bob.connect()
        ack = await alice_tab.call(events.TYPING, {"receiverId": bob.id, "isTyping": True})
        assert ack == {"ok": True}
        assert await bob_tab.next(events.TYPING) == {"userId": alice.id, "isTyping": True}
        # Refreshes within a second are not relayed again.
        await alice_tab.call(events.TYPING, {"receiverId": bob.id, "isTyping": True})
        assert await bob_tab.next(events.TYPING) == {"userId": alice.id, "isTyping": False}
        assert bob_tab.pending(events.TYPING) == []


async def test_marking_read_tells_the_partner_and_my_other_tabs(alice: Person, bob: Person):
    alice_tab = await alice.connect()
    alice_phone = await alice.connect()
    bob_tab = await bob.connect()
    sent = await bob_tab.call(events.SEND_MESSAGE, {"receiverId": alice.id, "text": "read me"})
    message_id = sent["message"]["_id"]
    chats = (await alice.http.get("/api/messages/chats")).json()
    assert chats[0]["unreadCount"] == 1

    ack = await alice_tab.call(events.MARK_READ, {"userId": bob.id, "upToMessageId": message_id})
    assert ack == {"ok": True, "upToMessageId": message_id}
    expected = {"readerId": alice.id, "userId": bob.id, "upToMessageId": message_id}
    assert await bob_tab.next(events.MESSAGES_READ) == expected
    assert await alice_phone.next(events.MESSAGES_READ) == expected
    assert (await alice.http.get("/api/messages/chats")).json()[0]["unreadCount"] == 0


async def test_edits_and_deletes_reach_both_people(alice: Person, bob: Person):
    alice_tab = await alice.connect()
    bob_tab = await bob.connect()
    sent = await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "typo"})
    message_id = sent["message"]["_id"]
    await bob_tab.next(events.NEW_MESSAGE)

    edited = await alice_tab.call(events.EDIT_MESSAGE, {"messageId": message_id, "text": "fixed"})
    assert edited["ok"] and edited["message"]["text"] == "fixed"
    for tab in (alice_tab, bob_tab):
        assert (await tab.next(events.MESSAGE_UPDATED))["text"] == "fixed"

    denied = await bob_tab.call(events.DELETE_MESSAGE, {"messageId": message_id})
    assert denied["ok"] is False and denied["code"] == "not_your_message"
    deleted = await alice_tab.call(events.DELETE_MESSAGE, {"messageId": message_id})
    assert deleted["ok"] and deleted["message"]["deletedAt"]
    for tab in (alice_tab, bob_tab):
        gone = await tab.next(events.MESSAGE_DELETED)
        assert gone["_id"] == message_id and gone["text"] is None


async def test_logging_out_disconnects_that_sessions_sockets(people: People, alice: Person):
    tab = await alice.connect()
    other_session = await people.signup("Carol")
    other_tab = await other_session.connect()
    response = await alice.http.post("/api/auth/logout")
    assert response.status_code == 200
    async with asyncio.timeout(5):
        await tab.disconnected.wait()
    assert other_tab.client.connected


async def test_a_password_change_disconnects_the_other_sessions_sockets(
    sockets: Sockets, people: People, alice: Person
):
    phone = await people.signup("Alice Phone")  # another account, must stay connected
    phone_tab = await phone.connect()
    laptop = await alice.connect()
    login = await alice.http.post(
        "/api/auth/login", json={"email": "alice@example.com", "password": "correct horse"}
    )
    assert login.status_code == 200
    second_token = login.cookies["jwt"]
    second_tab = await sockets.connect(cookie=second_token)
    # Alice changes her password from the second session: the laptop session ends.
    response = await alice.http.put(
        "/api/auth/password",
        headers={"Cookie": f"jwt={second_token}"},
        json={"currentPassword": "correct horse", "newPassword": "new password"},
    )
    assert response.status_code == 200
    async with asyncio.timeout(5):
        await laptop.disconnected.wait()
    assert second_tab.client.connected and phone_tab.client.connected


MALFORMED = [
    None,
    "text",
    42,
    [],
    {},
    {"receiverId": 5, "text": "x"},
    {"receiverId": "BOB", "text": {"$gt": ""}},
    {"receiverId": "BOB", "text": "x", "extra": 1},
    {"receiverId": "BOB", "text": "   "},
    {"receiverId": "BOB", "text": "x" * 2001},
    {"receiverId": "BOB", "text": "x", "clientId": "bad id!"},
    {"receiverId": "0" * 24, "text": "x"},
    {"receiverId": "ALICE", "text": "x"},
]


async def test_malformed_events_get_error_acks_and_the_server_keeps_serving(
    alice: Person, bob: Person
):
    alice_tab = await alice.connect()
    bob_tab = await bob.connect()
    for payload in MALFORMED:
        if isinstance(payload, dict):
            payload = {
                k: (bob.id if v == "BOB" else alice.id if v == "ALICE" else v)
                for k, v in payload.items()
            }
        ack = await alice_tab.call(events.SEND_MESSAGE, payload)
        assert ack["ok"] is False, payload
        assert ack["code"] and ack["message"], payload
    for event, payload in [
        (events.TYPING, {"receiverId": bob.id}),
        (events.TYPING, "yes"),
        (events.MARK_READ, {"userId": "nope"}),
        (events.SYNC, {"afterMessageId": "x"}),
        (events.SYNC, None),
        (events.EDIT_MESSAGE, {"messageId": "1", "text": 5}),
        (events.DELETE_MESSAGE, {"messageId": "abc"}),
        (events.DELETE_MESSAGE, [1, 2]),
    ]:
        ack = await alice_tab.call(event, payload)
        assert ack["ok"] is False, (event, payload)
    ok = await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "still here"})
    assert ok["ok"]
    assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "still here"
    assert bob_tab.pending(events.NEW_MESSAGE) == []


async def test_an_oversized_socket_payload_is_refused_and_others_unaffected(
    alice: Person, bob: Person
):
    alice_tab = await alice.connect()
    bob_tab = await bob.connect()
    await alice_tab.emit(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "x" * 200_000})
    async with asyncio.timeout(5):
        await alice_tab.disconnected.wait()
    bob_ack = await bob_tab.call(events.SEND_MESSAGE, {"receiverId": alice.id, "text": "fine"})
    assert bob_ack["ok"]


async def test_socket_sends_share_the_rate_limit_with_rest(servers):
    server = await servers.start(message_burst=2, message_rate_per_second=0.01)
    async with clients_of(server) as people:
        alice = await people.signup("Alice")
        bob = await people.signup("Bob")
        tab = await alice.connect()
        rest = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "1"})
        assert rest.status_code == 201
        assert (await tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "2"}))["ok"]
        limited = await tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "3"})
        assert limited["ok"] is False and limited["code"] == "rate_limited"
        assert limited["retryAfter"] >= 1
        history = (await alice.http.get(f"/api/messages/{bob.id}")).json()
        assert [m["text"] for m in history] == ["1", "2"]


async def test_a_changed_name_reaches_connections_that_ask_for_profiles(alice, bob):
    watching = await bob.connect(auth={"profiles": True})
    original = await bob.connect()
    changed = await alice.http.put(
        "/api/auth/update-profile", json={"fullName": "Alice Kingsleigh"}
    )
    assert changed.status_code == 200
    assert await watching.next(events.USER_UPDATED) == {
        "_id": alice.id,
        "fullName": "Alice Kingsleigh",
        "profilePic": changed.json()["profilePic"],
    }
    # The original client knows no such event: it is not sent one. A message sent after the
    # change reaches it first in line.
    await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "after"})
    assert (await original.next(events.NEW_MESSAGE))["text"] == "after"
    assert original.pending(events.USER_UPDATED) == []
