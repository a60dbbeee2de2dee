"""Mute and pin (services/conversation_settings.py): a person's own settings of a direct chat
or group, in GET /api/conversations, at most 5 pinned, live to their other tabs only when those
ask with auth {settings: true}. Each test on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from tests.api.test_groups import make_group
from tests.api.test_replies import sent
from tests.conftest import People, Person


@pytest.fixture
async def carol(people: People) -> Person:
    return await people.signup("Carol Ann", "carol@example.com")


async def settle(person: Person, key: str, **body: Any) -> Any:
    return await person.http.put(f"/api/conversations/{key}/settings", json=body)


async def listed(person: Person) -> dict[str, tuple[bool, bool]]:
    response = await person.http.get("/api/conversations")
    assert response.status_code == 200, response.text
    return {c["_id"]: (c["muted"], c["pinned"]) for c in response.json()}


async def test_mute_and_pin_are_mine_and_show_in_my_list(alice, bob, carol):
    await sent(alice, bob, "hi")
    await sent(alice, carol, "hi")
    group = await make_group(alice, bob)
    muted = await settle(alice, bob.id, muted=True)
    assert muted.status_code == 200, muted.text
    assert muted.json() == {
        "type": "direct",
        "_id": bob.id,
        "muted": True,
        "mutedUntil": None,
        "pinned": False,
        "pinnedAt": None,
    }
    pinned = (await settle(alice, group["_id"], pinned=True)).json()
    assert pinned.pop("pinnedAt")
    assert pinned == {
        "type": "group",
        "_id": group["_id"],
        "muted": False,
        "mutedUntil": None,
        "pinned": True,
    }
    assert await listed(alice) == {
        bob.id: (True, False),
        carol.id: (False, False),
        group["_id"]: (False, True),
    }
    # Bob's own list is untouched.
    assert await listed(bob) == {alice.id: (False, False), group["_id"]: (False, False)}
    assert (await settle(alice, bob.id, muted=False, pinned=True)).json()["pinned"] is True
    assert (await listed(alice))[bob.id] == (False, True)
    assert (await settle(alice, bob.id, pinned=False)).json() == {
        "type": "direct",
        "_id": bob.id,
        "muted": False,
        "mutedUntil": None,
        "pinned": False,
        "pinnedAt": None,
    }


async def test_pins_carry_their_time_so_every_device_orders_them_alike(alice, bob, carol):
    await sent(alice, bob, "hi")
    await sent(alice, carol, "hi")
    first = (await settle(alice, bob.id, pinned=True)).json()["pinnedAt"]
    second = (await settle(alice, carol.id, pinned=True)).json()["pinnedAt"]
    assert first < second  # ISO-8601 UTC, so they sort as text
    # Muting leaves the pin's time alone; pinning again too.
    assert (await settle(alice, bob.id, muted=True, pinned=True)).json()["pinnedAt"] == first
    response = await alice.http.get("/api/conversations")
    times = {c["_id"]: c["pinnedAt"] for c in response.json()}
    assert times == {bob.id: first, carol.id: second}
    await settle(alice, bob.id, pinned=False)
    response = await alice.http.get("/api/conversations")
    assert {c["_id"]: c["pinnedAt"] for c in response.json()} == {bob.id: None, carol.id: second}


async def test_at_most_five_conversations_are_pinned(people, alice):
    others = [await people.signup(f"Person {n}", f"p{n}@example.com") for n in range(6)]
    for person in others:
        await sent(alice, person, "hi")
    for person in others[:5]:
        assert (await settle(alice, person.id, pinned=True)).status_code == 200
    assert (await settle(alice, others[0].id, pinned=True)).status_code == 200  # already
    refused = await settle(alice, others[5].id, pinned=True)
    assert refused.status_code == 400
    assert refused.json()["code"] == "too_many_pinned"
    await settle(alice, others[0].id, pinned=False)
    assert (await settle(alice, others[5].id, pinned=True)).status_code == 200


async def test_settings_of_a_conversation_i_am_not_in_are_not_found(alice, bob, carol):
    await sent(alice, bob, "hi")
    group = await make_group(alice, bob)
    for key in (carol.id, group["_id"], "999999", "nobody", "0"):
        response = await settle(carol, key, muted=True)
        assert response.status_code == 404, response.text
        assert response.json()["message"]


async def test_a_mute_for_a_while_ends_by_itself(alice, bob, carol, db):
    await sent(alice, bob, "hi")
    await sent(alice, carol, "hi")
    before = datetime.now(UTC)
    answer = await settle(alice, bob.id, mutedFor=8 * 3600)
    assert answer.status_code == 200, answer.text
    until = datetime.fromisoformat(answer.json()["mutedUntil"])
    assert answer.json()["muted"] is True
    assert before + timedelta(hours=8) <= until <= datetime.now(UTC) + timedelta(hours=8)
    await settle(alice, carol.id, muted=True)
    response = await alice.http.get("/api/conversations")
    assert {c["_id"]: (c["muted"], c["mutedUntil"]) for c in response.json()} == {
        bob.id: (True, answer.json()["mutedUntil"]),
        carol.id: (True, None),
    }

    # Eight hours later (the stored end moved back instead): not muted, with nothing to undo.
    async with db.write() as session:
        await session.execute(
            text("UPDATE conversation_members SET muted_until = :past WHERE user_id = :me"),
            {"past": datetime.now(UTC) - timedelta(seconds=1), "me": alice.id},
        )
    response = await alice.http.get("/api/conversations")
    assert {c["_id"]: (c["muted"], c["mutedUntil"]) for c in response.json()} == {
        bob.id: (False, None),
        carol.id: (False, None),
    }
    # Muted again until unmuted: no end.
    assert (await settle(alice, bob.id, muted=True)).json()["mutedUntil"] is None
    assert (await listed(alice))[bob.id] == (True, False)


@pytest.mark.parametrize(
    "body",
    [
        {"muted": "yes"},
        {"pinned": 1},
        {"muted": True, "colour": "red"},
        [],
        {"mutedFor": 59},
        {"mutedFor": 400 * 24 * 3600},
        {"mutedFor": "8h"},
        {"mutedFor": True},
        {"mutedFor": 3600.5},
        {"muted": False, "mutedFor": 3600},
    ],
)
async def test_bad_settings_are_clear_400s(alice, bob, body):
    await sent(alice, bob, "hi")
    response = await alice.http.put(f"/api/conversations/{bob.id}/settings", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["message"]
    assert (await listed(alice))[bob.id] == (False, False)
