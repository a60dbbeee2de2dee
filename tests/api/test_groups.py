"""Groups over REST (services/groups.py): making them, their members and roles, their messages,
history, read pointers and the conversations list, and every bad input a clear 4xx. Each test
on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.api.test_media import later, uploaded
from tests.conftest import People, Person
from tests.pictures import jpeg_bytes, png_bytes


async def make_group(owner: Person, *members: Person, name: str = "Tea party") -> dict[str, Any]:
    response = await owner.http.post(
        "/api/groups", json={"name": name, "memberIds": [m.id for m in members]}
    )
    assert response.status_code == 201, response.text
    return response.json()


async def say(person: Person, group: dict[str, Any], text: str, **extra: Any) -> Any:
    return await person.http.post(
        f"/api/groups/{group['_id']}/messages", json={"text": text, **extra}
    )


async def history(person: Person, group: dict[str, Any], **params: Any) -> Any:
    return await person.http.get(f"/api/groups/{group['_id']}/messages", params=params)


def texts(messages: list[dict[str, Any]]) -> list[str | None]:
    return [m["text"] for m in messages if m.get("kind") != "system"]


@pytest.fixture
async def carol(people: People) -> Person:
    return await people.signup("Carol Ann", "carol@example.com")


async def test_the_creator_owns_the_group_and_everyone_named_is_a_member(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    assert group["name"] == "Tea party"
    assert group["myRole"] == "owner"
    assert group["createdBy"] == alice.id
    roles = {m["_id"]: m["role"] for m in group["members"]}
    assert roles == {alice.id: "owner", bob.id: "member", carol.id: "member"}
    seen_by_bob = (await bob.http.get(f"/api/groups/{group['_id']}")).json()
    assert seen_by_bob["myRole"] == "member"
    assert [m["_id"] for m in seen_by_bob["members"]] == [m["_id"] for m in group["members"]]


async def test_a_group_may_start_with_its_creator_alone(alice):
    group = await make_group(alice)
    assert [m["_id"] for m in group["members"]] == [alice.id]


async def test_a_group_is_not_found_by_anyone_outside_it(alice, bob, carol):
    group = await make_group(alice, bob)
    for response in (
        await carol.http.get(f"/api/groups/{group['_id']}"),
        await history(carol, group),
        await say(carol, group, "let me in"),
        await carol.http.post(f"/api/groups/{group['_id']}/read", json={}),
        await carol.http.get("/api/groups/999999"),
        await carol.http.get("/api/groups/not-a-number"),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["code"] == "group_not_found"


async def test_members_talk_and_history_pages_oldest_first(alice, bob):
    group = await make_group(alice, bob)
    for n in range(5):
        assert (await say(alice if n % 2 else bob, group, f"#{n}")).status_code == 201
    page = await history(bob, group, limit=3)
    assert page.headers["X-Has-More"] == "true"
    assert texts(page.json()) == ["#2", "#3", "#4"]
    assert all(m["groupId"] == group["_id"] and m["receiverId"] is None for m in page.json())
    older = await history(bob, group, before=page.json()[0]["_id"], limit=10)
    assert older.headers["X-Has-More"] == "false"
    assert texts(older.json()) == ["#0", "#1"]
    assert older.json()[0]["kind"] == "system"
    assert older.json()[0]["system"] == {
        "action": "created",
        "actorId": alice.id,
        "userIds": [bob.id],
        "name": "Tea party",
    }


async def test_a_retried_client_id_returns_the_original_message(alice, bob):
    group = await make_group(alice, bob)
    first = await say(alice, group, "once", clientId="c-1")
    again = await say(alice, group, "once", clientId="c-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["_id"] == again.json()["_id"]
    assert texts((await history(bob, group)).json()) == ["once"]


async def test_unread_counts_are_per_member_and_reading_clears_them(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    await say(alice, group, "one")
    await say(alice, group, "two")
    last = (await say(bob, group, "three")).json()

    async def unread(person: Person) -> int:
        listed = (await person.http.get("/api/conversations")).json()
        return next(c["unreadCount"] for c in listed if c["_id"] == group["_id"])

    assert (await unread(alice), await unread(bob), await unread(carol)) == (1, 0, 3)
    read = await carol.http.post(f"/api/groups/{group['_id']}/read", json={})
    assert read.json() == {"upToMessageId": last["_id"]}
    assert await unread(carol) == 0
    members = (await alice.http.get(f"/api/groups/{group['_id']}")).json()["members"]
    assert {m["_id"]: m["readUpTo"] for m in members}[carol.id] == last["_id"]


async def test_the_conversations_list_mixes_direct_chats_and_groups_newest_first(alice, bob):
    group = await make_group(alice, bob, name="Book club")
    await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "direct"})
    await say(bob, group, "in the group")
    listed = (await alice.http.get("/api/conversations")).json()
    assert [(c["type"], c["_id"]) for c in listed] == [("group", group["_id"]), ("direct", bob.id)]
    entry = listed[0]
    assert entry["name"] == "Book club" and entry["memberCount"] == 2
    assert entry["lastMessage"]["text"] == "in the group"
    assert entry["lastMessage"]["senderName"] == "Bob Builder"
    # The original client's list knows only people.
    chats = (await alice.http.get("/api/messages/chats")).json()
    assert [c["_id"] for c in chats] == [bob.id]


async def test_the_conversations_list_pages_with_before(alice, people):
    others = [await people.signup(f"Friend {n}", f"friend{n}@example.com") for n in range(3)]
    for other in others:
        await make_group(alice, other, name=f"with {other.name}")
    first = await alice.http.get("/api/conversations", params={"limit": 2})
    assert [c["name"] for c in first.json()] == ["with Friend 2", "with Friend 1"]
    assert first.headers["X-Has-More"] == "true"
    rest = await alice.http.get(
        "/api/conversations", params={"limit": 2, "before": first.headers["X-Next-Before"]}
    )
    assert [c["name"] for c in rest.json()] == ["with Friend 0"]
    assert rest.headers["X-Has-More"] == "false"


async def test_sync_has_group_messages_only_for_clients_that_ask(alice, bob):
    group = await make_group(alice, bob)
    await say(alice, group, "group only")
    await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "direct"})
    synced = (await bob.http.get("/api/messages/sync", params={"after": "0"})).json()
    assert [m["text"] for m in synced["messages"]] == ["direct"]
    asked = await bob.http.get("/api/messages/sync", params={"after": "0", "groups": "true"})
    assert [(m.get("groupId"), m["text"]) for m in asked.json()["messages"]] == [
        (group["_id"], None),  # created
        (group["_id"], "group only"),
        (None, "direct"),
    ]


# --- members and roles ------------------------------------------------------------------------


async def test_admins_add_people_and_history_tells_who_did(alice, bob, carol):
    group = await make_group(alice, bob)
    added = await alice.http.post(
        f"/api/groups/{group['_id']}/members", json={"userIds": [carol.id]}
    )
    assert added.status_code == 200, added.text
    assert carol.id in [m["_id"] for m in added.json()["members"]]
    latest = (await history(bob, group)).json()[-1]
    assert latest["system"] == {"action": "added", "actorId": alice.id, "userIds": [carol.id]}


async def test_a_newcomer_reads_from_their_joining_on(alice, bob, carol):
    group = await make_group(alice, bob)
    await say(alice, group, "before carol")
    await alice.http.post(f"/api/groups/{group['_id']}/members", json={"userIds": [carol.id]})
    await say(bob, group, "after carol")
    seen = (await history(carol, group)).json()
    assert texts(seen) == ["after carol"]
    assert seen[0]["system"]["action"] == "added"


async def test_members_cannot_add_or_rename_but_admins_can(alice, bob, carol):
    group = await make_group(alice, bob)
    url = f"/api/groups/{group['_id']}"
    refused = await bob.http.post(f"{url}/members", json={"userIds": [carol.id]})
    assert refused.status_code == 403 and refused.json()["code"] == "not_an_admin"
    assert (await bob.http.patch(url, json={"name": "Mine"})).status_code == 403
    promoted = await alice.http.put(f"{url}/members/{bob.id}", json={"role": "admin"})
    assert {m["_id"]: m["role"] for m in promoted.json()["members"]}[bob.id] == "admin"
    renamed = await bob.http.patch(url, json={"name": "  Tea and cake  "})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Tea and cake"
    assert (await history(alice, group)).json()[-1]["system"] == {
        "action": "renamed",
        "actorId": bob.id,
        "name": "Tea and cake",
    }


async def test_only_the_owner_demotes_an_admin_and_nobody_demotes_the_owner(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    url = f"/api/groups/{group['_id']}/members"
    await alice.http.put(f"{url}/{bob.id}", json={"role": "admin"})
    # An admin makes a member an admin (as WhatsApp lets them)...
    assert (await bob.http.put(f"{url}/{carol.id}", json={"role": "admin"})).status_code == 200
    # ...but does not make an admin a member again, nor touch the owner.
    demote = await bob.http.put(f"{url}/{carol.id}", json={"role": "member"})
    assert demote.status_code == 403 and demote.json()["code"] == "not_the_owner"
    owner = await bob.http.put(f"{url}/{alice.id}", json={"role": "member"})
    assert owner.status_code == 403 and owner.json()["code"] == "owner_role"
    assert (await alice.http.put(f"{url}/{carol.id}", json={"role": "member"})).status_code == 200


async def test_a_removed_member_keeps_history_up_to_then_and_can_do_nothing_else(alice, bob):
    group = await make_group(alice, bob)
    await say(alice, group, "before")
    removed = await alice.http.delete(f"/api/groups/{group['_id']}/members/{bob.id}")
    assert removed.status_code == 200
    assert bob.id not in [m["_id"] for m in removed.json()["members"]]
    await say(alice, group, "after")
    seen = (await history(bob, group)).json()
    assert texts(seen) == ["before"]
    assert seen[-1]["system"] == {"action": "removed", "actorId": alice.id, "userIds": [bob.id]}
    assert (await bob.http.get(f"/api/groups/{group['_id']}")).json()["myRole"] == "left"
    refused = await say(bob, group, "still here?")
    assert refused.status_code == 404 and refused.json()["code"] == "group_not_found"
    assert (await bob.http.post(f"/api/groups/{group['_id']}/read", json={})).status_code == 403
    listed = (await bob.http.get("/api/conversations")).json()
    assert [(c["_id"], c["myRole"]) for c in listed] == [(group["_id"], "left")]


async def test_re_adding_someone_opens_the_group_to_them_from_then(alice, bob):
    group = await make_group(alice, bob)
    url = f"/api/groups/{group['_id']}/members"
    await alice.http.delete(f"{url}/{bob.id}")
    await say(alice, group, "while bob was away")
    await alice.http.post(url, json={"userIds": [bob.id]})
    await say(alice, group, "welcome back")
    assert texts((await history(bob, group)).json()) == ["welcome back"]
    assert (await say(bob, group, "thanks")).status_code == 201


async def test_an_owner_who_leaves_hands_on_to_the_longest_standing_admin(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    url = f"/api/groups/{group['_id']}/members"
    await alice.http.put(f"{url}/{carol.id}", json={"role": "admin"})
    left = await alice.http.delete(f"{url}/{alice.id}")
    assert left.status_code == 200 and left.json()["myRole"] == "left"
    roles = {m["_id"]: m["role"] for m in left.json()["members"]}
    assert roles == {bob.id: "member", carol.id: "owner"}
    # Without admins, the longest-standing member.
    await carol.http.delete(f"{url}/{carol.id}")
    after = (await bob.http.get(f"/api/groups/{group['_id']}")).json()
    assert after["myRole"] == "owner"


async def test_the_last_one_out_ends_the_group_but_keeps_its_history(alice):
    group = await make_group(alice)
    await say(alice, group, "alone")
    assert (
        await alice.http.delete(f"/api/groups/{group['_id']}/members/{alice.id}")
    ).status_code == 200
    seen = (await alice.http.get(f"/api/groups/{group['_id']}")).json()
    assert seen["members"] == [] and seen["myRole"] == "left"
    assert texts((await history(alice, group)).json()) == ["alone"]


async def test_admins_remove_members_but_not_admins(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    url = f"/api/groups/{group['_id']}/members"
    await alice.http.put(f"{url}/{bob.id}", json={"role": "admin"})
    await alice.http.put(f"{url}/{carol.id}", json={"role": "admin"})
    refused = await bob.http.delete(f"{url}/{carol.id}")
    assert refused.status_code == 403
    assert (await bob.http.delete(f"{url}/{alice.id}")).status_code == 403
    assert (await alice.http.delete(f"{url}/{carol.id}")).status_code == 200


async def test_group_messages_are_edited_and_deleted_by_their_sender_only(alice, bob):
    group = await make_group(alice, bob)
    sent = (await say(alice, group, "typo")).json()
    assert (
        await bob.http.patch(f"/api/messages/{sent['_id']}", json={"text": "x"})
    ).status_code == 403
    edited = await alice.http.patch(f"/api/messages/{sent['_id']}", json={"text": "fixed"})
    assert edited.status_code == 200 and edited.json()["text"] == "fixed"
    system = (await history(alice, group)).json()[0]
    assert (await alice.http.delete(f"/api/messages/{system['_id']}")).status_code == 403
    assert (await alice.http.delete(f"/api/messages/{sent['_id']}")).status_code == 200
    listed = (await bob.http.get("/api/conversations")).json()
    assert listed[0]["unreadCount"] == 0  # the deleted message no longer counts


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"name": "", "memberIds": []}, 400, "invalid_group_name"),
        ({"name": "   ", "memberIds": []}, 400, "invalid_group_name"),
        ({"name": "x" * 5000, "memberIds": []}, 400, "invalid_group_name"),
        ({"name": "ok", "memberIds": ["not-an-id"]}, 404, "user_not_found"),
        ({"name": "ok", "memberIds": ["0123456789abcdef01234567"]}, 404, "user_not_found"),
        ({"memberIds": []}, 400, None),
        ({"name": 7, "memberIds": []}, 400, None),
        ({"name": "ok", "memberIds": "everyone"}, 400, None),
    ],
)
async def test_bad_groups_are_refused_clearly(alice, db, body, status, code):
    response = await alice.http.post("/api/groups", json=body)
    assert response.status_code == status, response.text
    assert response.json()["message"]
    if code:
        assert response.json()["code"] == code
    assert (await alice.http.get("/api/conversations")).json() == []


async def test_naming_someone_twice_or_yourself_is_refused(alice, bob):
    twice = await alice.http.post("/api/groups", json={"name": "x", "memberIds": [bob.id, bob.id]})
    assert twice.status_code == 400 and twice.json()["code"] == "duplicate_members"
    mine = await alice.http.post("/api/groups", json={"name": "x", "memberIds": [alice.id]})
    assert mine.status_code == 400 and mine.json()["code"] == "duplicate_members"


async def test_adds_are_all_or_nothing(alice, bob, carol):
    group = await make_group(alice, bob)
    url = f"/api/groups/{group['_id']}/members"
    again = await alice.http.post(url, json={"userIds": [carol.id, bob.id]})
    assert again.status_code == 400 and again.json()["code"] == "already_a_member"
    unknown = await alice.http.post(url, json={"userIds": [carol.id, "0123456789abcdef01234567"]})
    assert unknown.status_code == 404
    members = (await alice.http.get(f"/api/groups/{group['_id']}")).json()["members"]
    assert carol.id not in [m["_id"] for m in members]


async def test_a_group_cannot_grow_beyond_its_limit(people, settings, alice, bob, carol):
    settings.group_max_members = 2
    too_many = await alice.http.post(
        "/api/groups", json={"name": "x", "memberIds": [bob.id, carol.id]}
    )
    assert too_many.status_code == 400 and too_many.json()["code"] == "too_many_members"
    group = await make_group(alice, bob)
    full = await alice.http.post(
        f"/api/groups/{group['_id']}/members", json={"userIds": [carol.id]}
    )
    assert full.status_code == 400 and full.json()["code"] == "too_many_members"


async def test_nobody_adds_someone_who_blocked_them(alice, bob):
    assert (await bob.http.post(f"/api/users/{alice.id}/block")).status_code == 200
    refused = await alice.http.post("/api/groups", json={"name": "x", "memberIds": [bob.id]})
    assert refused.status_code == 403 and refused.json()["code"] == "blocked"


async def test_an_unknown_role_is_refused(alice, bob):
    group = await make_group(alice, bob)
    bad = await alice.http.put(
        f"/api/groups/{group['_id']}/members/{bob.id}", json={"role": "king"}
    )
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_role"


async def test_concurrent_adds_of_the_same_person_make_one_membership(alice, bob, carol, db):
    group = await make_group(alice, bob)
    await alice.http.put(f"/api/groups/{group['_id']}/members/{bob.id}", json={"role": "admin"})
    url = f"/api/groups/{group['_id']}/members"
    answers = await asyncio.gather(
        alice.http.post(url, json={"userIds": [carol.id]}),
        bob.http.post(url, json={"userIds": [carol.id]}),
    )
    assert sorted(a.status_code for a in answers) == [200, 400]
    members = (await alice.http.get(f"/api/groups/{group['_id']}")).json()["members"]
    assert [m["_id"] for m in members].count(carol.id) == 1


# --- pictures and reports ---------------------------------------------------------------------


async def test_a_groups_pictures_are_for_its_members_while_they_are_in_it(alice, bob, carol):
    group = await make_group(alice, bob)
    picture = await uploaded(alice.http, jpeg_bytes())
    sent = await say(alice, group, "look", image=picture["id"])
    assert sent.status_code == 201 and sent.json()["image"] == picture["url"]
    assert (await bob.http.get(picture["url"])).status_code == 200
    assert (await carol.http.get(picture["url"])).status_code == 403
    await alice.http.post(f"/api/groups/{group['_id']}/members", json={"userIds": [carol.id]})
    # Carol joined after it was sent: it is not in the history she may read.
    assert (await carol.http.get(picture["thumbUrl"])).status_code == 403


async def test_a_group_picture_is_set_shown_to_everyone_and_kept_by_the_sweep(app, alice, bob):
    group = await make_group(alice, bob)
    avatar = await uploaded(alice.http, png_bytes(), content_type="image/png", purpose="avatar")
    url = f"/api/groups/{group['_id']}"
    changed = await alice.http.patch(url, json={"avatar": avatar["id"]})
    assert changed.status_code == 200 and changed.json()["avatar"] == avatar["url"]
    assert (await history(bob, group)).json()[-1]["system"]["action"] == "avatar"
    assert await app.api.state.ctx.media.sweep(now=later(25)) == 0
    assert (await bob.http.get(avatar["url"])).status_code == 200
    removed = await alice.http.patch(url, json={"avatar": None})
    assert removed.json()["avatar"] is None
    assert await app.api.state.ctx.media.sweep(now=later(50)) == 1


async def test_members_report_others_group_messages_and_nobody_else_can(alice, bob, carol):
    group = await make_group(alice, bob)
    sent = (await say(alice, group, "rude")).json()
    report = f"/api/messages/{sent['_id']}/report"
    assert (await bob.http.post(report, json={"reason": "rude"})).status_code == 201
    assert (await alice.http.post(report, json={})).status_code == 404  # one's own
    assert (await carol.http.post(report, json={})).status_code == 404  # not in the group


async def test_acting_on_someone_not_in_the_group_is_a_clear_404(alice, bob, carol):
    group = await make_group(alice, bob)
    url = f"/api/groups/{group['_id']}/members/{carol.id}"
    for response in (
        await alice.http.delete(url),
        await alice.http.put(url, json={"role": "admin"}),
    ):
        assert response.status_code == 404 and response.json()["code"] == "not_a_member"


async def test_what_happened_in_a_group_is_never_unread(alice, bob, carol):
    group = await make_group(alice, bob)
    text = (await say(alice, group, "hello")).json()
    await alice.http.post(f"/api/groups/{group['_id']}/members", json={"userIds": [carol.id]})
    await alice.http.patch(f"/api/groups/{group['_id']}", json={"name": "New name"})
    assert (await bob.http.get("/api/conversations")).json()[0]["unreadCount"] == 1
    read = await bob.http.post(
        f"/api/groups/{group['_id']}/read", json={"upToMessageId": text["_id"]}
    )
    assert read.json() == {"upToMessageId": text["_id"]}
    entry = (await bob.http.get("/api/conversations")).json()[0]
    assert (entry["unreadCount"], entry["readUpTo"]) == (0, text["_id"])


async def test_concurrent_removes_of_the_same_person_remove_them_once(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    await alice.http.put(f"/api/groups/{group['_id']}/members/{bob.id}", json={"role": "admin"})
    url = f"/api/groups/{group['_id']}/members/{carol.id}"
    answers = await asyncio.gather(alice.http.delete(url), bob.http.delete(url))
    assert sorted(a.status_code for a in answers) == [200, 404]
    removals = [
        m
        for m in (await history(alice, group)).json()
        if m.get("system", {}).get("action") == "removed"
    ]
    assert len(removals) == 1
