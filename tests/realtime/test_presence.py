"""Presence: online while any connection is open, announced in coalesced batches."""

import asyncio

import pytest

from socketspace.realtime import events
from socketspace.realtime.presence import PresenceWindow
from tests.clock import ManualClock
from tests.conftest import LiveServer, clients_of

LONGER_THAN_ANY_WINDOW = 60.0


def hand_moved_windows(server: LiveServer) -> ManualClock:
    """The clock of `server`'s presence windows, which moves only when the test moves it (set
    before anyone connects: a window takes its clock when it opens)."""
    clock = ManualClock()
    server.app.api.state.sio.namespace_handlers["/"].presence.clock = clock
    return clock


async def end_window(clock: ManualClock) -> None:
    """Once a window is open, let its time run out."""
    await clock.sleeping()
    clock.advance(LONGER_THAN_ANY_WINDOW)


async def next_list_where(tab, condition, limit: int = 50) -> tuple[list[str], int]:
    """The first getOnlineUsers list meeting `condition`, and how many lists came before it."""
    for seen in range(limit):
        online = await tab.next(events.GET_ONLINE_USERS)
        if condition(set(online)):
            return online, seen
    raise AssertionError("no such list")


async def next_event_about(tab, event: str, user_id: str, limit: int = 10) -> dict:
    for _ in range(limit):
        data = await tab.next(event)
        if data["userId"] == user_id:
            return data
    raise AssertionError(f"no {event} about {user_id}")


async def test_two_tabs_keep_a_user_online_until_the_last_one_closes(people, alice, bob):
    carol = await people.signup("Carol")
    watcher = await bob.connect()
    tab1 = await alice.connect()
    tab2 = await alice.connect()
    await next_list_where(watcher, lambda ids: alice.id in ids)

    await tab1.client.disconnect()
    # Carol's arrival forces an announcement; Alice is still in it.
    carol_tab = await carol.connect()
    online, _ = await next_list_where(watcher, lambda ids: carol.id in ids)
    assert alice.id in online

    await tab2.client.disconnect()
    online, _ = await next_list_where(watcher, lambda ids: alice.id not in ids)
    assert set(online) == {bob.id, carol.id}
    contacts = (await bob.http.get("/api/messages/contacts")).json()
    assert next(c for c in contacts if c["_id"] == alice.id)["lastSeen"] is not None
    assert carol_tab.client.connected


async def test_delta_clients_get_online_and_offline_events_with_last_seen(people, bob):
    carol = await people.signup("Carol")
    watcher = await bob.connect(auth={"presence": "delta"})
    assert await watcher.next(events.GET_ONLINE_USERS) == [bob.id]
    carol_tab = await carol.connect()
    assert await next_event_about(watcher, events.USER_ONLINE, carol.id) == {"userId": carol.id}
    await carol_tab.client.disconnect()
    offline = await next_event_about(watcher, events.USER_OFFLINE, carol.id)
    assert offline["lastSeen"].endswith("Z")
    # Delta clients are spared the full lists.
    assert watcher.pending(events.GET_ONLINE_USERS) == []


async def test_a_burst_of_connections_inside_one_window_costs_one_announcement(servers):
    server = await servers.start(presence_window_ms=500)
    clock = hand_moved_windows(server)
    async with clients_of(server) as people:
        watcher_person = await people.signup("Watcher")
        crowd = [await people.signup(f"Person {n}") for n in range(20)]
        watcher = await watcher_person.connect()
        assert await watcher.next(events.GET_ONLINE_USERS) == [watcher_person.id]
        await asyncio.gather(*(p.connect() for p in crowd))
        await end_window(clock)
        everyone = {watcher_person.id, *(p.id for p in crowd)}
        _, lists_before = await next_list_where(watcher, lambda ids: ids == everyone)
        # The watcher's window was still open: 20 arrivals inside it cost one list.
        assert lists_before == 0


async def test_many_people_leaving_at_once_are_all_recorded_as_last_seen(servers):
    server = await servers.start(presence_window_ms=200)
    async with clients_of(server) as people:
        watcher = await people.signup("Watcher")
        crowd = [await people.signup(f"Leaver {n}") for n in range(40)]
        watching = await watcher.connect(auth={"presence": "delta"})
        tabs = [await person.connect() for person in crowd]
        arriving = {person.id for person in crowd}
        while arriving:
            arriving.discard((await watching.next(events.USER_ONLINE))["userId"])
        # Everyone drops at once, as in a network cut: one write records them all.
        await asyncio.gather(*(tab.client.disconnect() for tab in tabs))
        gone = {person.id for person in crowd}
        while gone:
            gone.discard((await watching.next(events.USER_OFFLINE))["userId"])
        contacts = (await watcher.http.get("/api/messages/contacts")).json()
        assert all(c["lastSeen"] is not None for c in contacts)


async def test_batch_clients_get_one_frame_per_announcement_with_last_seen(servers):
    server = await servers.start(presence_window_ms=300)
    clock = hand_moved_windows(server)
    async with clients_of(server) as people:
        watcher = await people.signup("Watcher")
        crowd = [await people.signup(f"Person {n}") for n in range(10)]
        watching = await watcher.connect(auth={"presence": "batch"})
        assert await watching.next(events.GET_ONLINE_USERS) == [watcher.id]
        tabs = await asyncio.gather(*(p.connect() for p in crowd))
        await end_window(clock)
        frame = await watching.next(events.PRESENCE_CHANGED)
        # Ten arrivals in one window: one frame, not ten.
        assert frame["offline"] == []
        assert set(frame["online"]) - {watcher.id} == {p.id for p in crowd}

        await asyncio.gather(*(tab.client.disconnect() for tab in tabs))
        left: dict[str, str] = {}
        while len(left) < len(crowd):  # the server may hear of the leavers in several windows
            await end_window(clock)
            frame = await watching.next(events.PRESENCE_CHANGED)
            left |= {gone["userId"]: gone["lastSeen"] for gone in frame["offline"]}
        assert set(left) == {p.id for p in crowd}
        assert all(seen.endswith("Z") for seen in left.values())
        # Batch clients are spared the per-user events and the full lists.
        assert watching.pending(events.USER_ONLINE) == []
        assert watching.pending(events.GET_ONLINE_USERS) == []


async def test_people_arriving_while_a_window_is_open_lengthen_it_into_one_announcement(
    servers,
):
    """Each arrival lengthens the open window (0.5 s more per person online), so arrivals
    0.3 s apart are announced together. A window fixed when it opened (1.1 s, for two people
    online) would have been announced when the fourth of them came."""
    server = await servers.start(
        presence_window_ms=100, presence_window_per_user_ms=500, presence_max_window_ms=10_000
    )
    clock = hand_moved_windows(server)
    async with clients_of(server) as people:
        watcher = await people.signup("Watcher")
        crowd = [await people.signup(f"Person {n}") for n in range(7)]
        watching = await watcher.connect(auth={"presence": "batch"})
        # The watcher's own arrival is announced first; the crowd's window opens after it.
        await end_window(clock)
        while watcher.id not in (await watching.next(events.PRESENCE_CHANGED))["online"]:
            pass
        for person in crowd:
            await person.connect()
            await clock.sleeping()  # the crowd's window is open
            clock.advance(0.3)  # arrivals spread over 2.1 s
        await end_window(clock)
        frame = await watching.next(events.PRESENCE_CHANGED)
        assert set(frame["online"]) == {p.id for p in crowd}
        assert watching.pending(events.PRESENCE_CHANGED) == []


def test_the_presence_window_grows_with_the_people_online_up_to_a_ceiling():
    window = PresenceWindow(0.1, per_user=0.003, most=5.0)
    assert window.seconds(0) == 0.1
    assert window.seconds(100) == pytest.approx(0.4)
    assert window.seconds(10_000) == 5.0
    assert PresenceWindow(0.5, per_user=0.0, most=0.1).seconds(50) == 0.5  # never below base
