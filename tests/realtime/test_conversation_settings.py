"""A change of my settings of a conversation reaches my other tabs that ask for it."""

from __future__ import annotations

from socketspace.realtime import events


async def test_my_other_tabs_learn_that_i_muted_a_chat(alice, bob):
    await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "hi"})
    original = await alice.connect()  # asks for nothing
    other_tab = await alice.connect(auth={"settings": True})
    bobs_tab = await bob.connect(auth={"settings": True})
    await alice.http.put(f"/api/conversations/{bob.id}/settings", json={"muted": True})
    changed = await other_tab.next(events.CONVERSATION_SETTINGS)
    assert changed == {
        "type": "direct",
        "_id": bob.id,
        "muted": True,
        "mutedUntil": None,
        "pinned": False,
        "pinnedAt": None,
    }
    await bob.http.post(f"/api/messages/send/{alice.id}", json={"text": "after"})
    assert (await original.next(events.NEW_MESSAGE))["text"] == "after"
    assert original.pending(events.CONVERSATION_SETTINGS) == []
    assert (await bobs_tab.next(events.NEW_MESSAGE))["text"] == "after"
    assert bobs_tab.pending(events.CONVERSATION_SETTINGS) == []


async def test_a_mute_for_a_while_reaches_my_other_tabs_with_its_end(alice, bob):
    await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "hi"})
    other_tab = await alice.connect(auth={"settings": True})
    answer = await alice.http.put(
        f"/api/conversations/{bob.id}/settings", json={"mutedFor": 8 * 3600}
    )
    changed = await other_tab.next(events.CONVERSATION_SETTINGS)
    assert changed["muted"] is True
    assert changed["mutedUntil"] == answer.json()["mutedUntil"] is not None


async def test_a_pin_reaches_my_other_tabs_with_its_time(alice, bob):
    await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "hi"})
    other_tab = await alice.connect(auth={"settings": True})
    answer = await alice.http.put(f"/api/conversations/{bob.id}/settings", json={"pinned": True})
    changed = await other_tab.next(events.CONVERSATION_SETTINGS)
    assert changed["pinned"] is True
    assert changed["pinnedAt"] == answer.json()["pinnedAt"] is not None
