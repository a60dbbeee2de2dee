"""Mentions in groups (services/mentions.py): stored by id, shown on group messages only,
counted apart as `mentionCount` in the conversations list, cleared by reading; every bad list
a clear 400 with nothing stored; a member the text does not name, or blocked either way,
dropped with the message kept. Each test on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from socketspace.schemas.message import MENTIONS_MAX
from tests.api.test_groups import history, make_group, say
from tests.api.test_media import data_url
from tests.api.test_messages import MESSAGE_FIELDS
from tests.conftest import People, Person
from tests.pictures import jpeg_bytes


@pytest.fixture
async def carol(people: People) -> Person:
    return await people.signup("Carol Ann", "carol@example.com")


async def said(person: Person, group: dict[str, Any], text: str, **extra: Any) -> dict[str, Any]:
    response = await say(person, group, text, **extra)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def listed(person: Person, group: dict[str, Any]) -> dict[str, Any]:
    """The group's entry in the person's conversations list."""
    response = await person.http.get("/api/conversations")
    assert response.status_code == 200, response.text
    return next(e for e in response.json() if e["_id"] == group["_id"])


async def counts(person: Person, group: dict[str, Any]) -> tuple[int, int]:
    entry = await listed(person, group)
    return entry["unreadCount"], entry["mentionCount"]


async def texts(person: Person, group: dict[str, Any]) -> list[str]:
    page = (await history(person, group)).json()
    return [m["text"] for m in page if m.get("kind") == "text"]


async def test_a_mention_is_stored_by_id_and_shown_wherever_the_message_is(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    sent = await said(alice, group, "@Bob Builder @Carol Ann lunch?", mentions=[carol.id, bob.id])
    assert sent["mentions"] == sorted([bob.id, carol.id])
    page = (await history(bob, group)).json()
    assert page[-1]["mentions"] == sorted([bob.id, carol.id])
    synced = await bob.http.get("/api/messages/sync", params={"after": "0", "groups": "true"})
    assert synced.json()["messages"][-1]["mentions"] == sorted([bob.id, carol.id])
    around = await bob.http.get(f"/api/messages/around/{sent['_id']}")
    assert next(m for m in around.json()["messages"] if m["_id"] == sent["_id"])["mentions"] == (
        sorted([bob.id, carol.id])
    )
    # A group message without any names nobody, and says so.
    plain = await said(alice, group, "no one in particular")
    assert plain["mentions"] == []


async def test_a_list_naming_someone_twice_names_them_once(alice, bob):
    group = await make_group(alice, bob)
    sent = await said(alice, group, "@Bob Builder!", mentions=[bob.id, bob.id, bob.id])
    assert sent["mentions"] == [bob.id]
    assert await counts(bob, group) == (1, 1)


async def test_mention_count_counts_my_unread_mentions_and_reading_clears_it(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    first = await said(alice, group, "@Bob Builder one", mentions=[bob.id])
    await said(carol, group, "nothing for Bob")
    await said(carol, group, "@Bob Builder two", mentions=[bob.id])
    await said(alice, group, "@Carol Ann only", mentions=[carol.id])
    assert await counts(bob, group) == (4, 2)
    assert (await listed(carol, group))["mentionCount"] == 1
    assert (await listed(alice, group))["mentionCount"] == 0
    # Reading up to the first mention leaves the later one.
    read = await bob.http.post(
        f"/api/groups/{group['_id']}/read", json={"upToMessageId": first["_id"]}
    )
    assert read.status_code == 200, read.text
    assert await counts(bob, group) == (3, 1)
    # Reading everything clears it.
    assert (await bob.http.post(f"/api/groups/{group['_id']}/read", json={})).status_code == 200
    assert await counts(bob, group) == (0, 0)
    assert (await listed(carol, group))["mentionCount"] == 1  # Carol's is her own


async def test_answering_in_the_group_reads_it_and_clears_my_mentions(alice, bob):
    group = await make_group(alice, bob)
    await said(alice, group, "@Bob Builder?", mentions=[bob.id])
    assert await counts(bob, group) == (1, 1)
    await said(bob, group, "here")
    assert await counts(bob, group) == (0, 0)


async def test_naming_myself_shows_but_never_counts(alice, bob):
    group = await make_group(alice, bob)
    sent = await said(alice, group, "note to @Alice Liddell", mentions=[alice.id])
    assert sent["mentions"] == [alice.id]
    assert await counts(alice, group) == (0, 0)
    assert await counts(bob, group) == (1, 0)


async def test_a_deleted_mention_no_longer_counts_or_shows(alice, bob):
    group = await make_group(alice, bob)
    sent = await said(alice, group, "@Bob Builder oops", mentions=[bob.id])
    deleted = await alice.http.delete(f"/api/messages/{sent['_id']}")
    assert deleted.status_code == 200
    assert deleted.json()["mentions"] == []
    assert await counts(bob, group) == (0, 0)
    assert (await history(bob, group)).json()[-1]["mentions"] == []


async def test_an_edit_keeps_the_mentions_the_message_was_sent_with(alice, bob):
    group = await make_group(alice, bob)
    sent = await said(alice, group, "@Bob Builder hi", mentions=[bob.id])
    edited = await alice.http.patch(
        f"/api/messages/{sent['_id']}", json={"text": "@Bob Builder hey"}
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["mentions"] == [bob.id]
    assert await counts(bob, group) == (1, 1)


async def test_a_retried_send_answers_with_the_mentions_it_was_stored_with(alice, bob):
    group = await make_group(alice, bob)
    first = await said(alice, group, "@Bob Builder hi", mentions=[bob.id], clientId="m-1")
    again = await say(alice, group, "@Bob Builder hi", mentions=[bob.id], clientId="m-1")
    assert again.status_code == 200, again.text
    assert again.json()["_id"] == first["_id"]
    assert again.json()["mentions"] == [bob.id]
    assert await counts(bob, group) == (1, 1)


async def test_direct_messages_keep_the_original_shape_and_refuse_mentions(alice, bob):
    sent = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "hi"})
    assert set(sent.json()) == MESSAGE_FIELDS  # no `mentions`: the original client's shape
    history_page = (await bob.http.get(f"/api/messages/{alice.id}")).json()
    assert set(history_page[0]) == MESSAGE_FIELDS
    empty = await alice.http.post(
        f"/api/messages/send/{bob.id}", json={"text": "an empty list is no mention", "mentions": []}
    )
    assert empty.status_code == 201, empty.text
    refused = await alice.http.post(
        f"/api/messages/send/{bob.id}", json={"text": "@Bob Builder", "mentions": [bob.id]}
    )
    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_mentions"
    assert refused.json()["message"] == "Mentions are only for group messages."
    history_page = (await bob.http.get(f"/api/messages/{alice.id}")).json()
    assert [m["text"] for m in history_page] == ["hi", "an empty list is no mention"]


async def test_mentions_of_non_members_are_a_clear_400_and_store_nothing(alice, bob, carol):
    group = await make_group(alice, bob)
    removed = await make_group(alice, bob, carol, name="Others")
    gone = await alice.http.delete(f"/api/groups/{removed['_id']}/members/{carol.id}")
    assert gone.status_code == 200
    await said(alice, group, "before")
    for target, named in (
        (group, [carol.id]),  # never in it
        (group, [bob.id, carol.id]),  # one of two
        (group, ["0123456789abcdef01234567"]),  # nobody at all
        (removed, [carol.id]),  # removed
    ):
        response = await say(alice, target, "@someone", mentions=named)
        assert response.status_code == 400, response.text
        assert response.json() == {
            "message": "Only members of the group can be mentioned.",
            "code": "invalid_mentions",
        }
    assert await texts(alice, group) == ["before"]
    assert await texts(alice, removed) == []
    assert await counts(bob, group) == (1, 0)
    assert (await listed(carol, removed))["mentionCount"] == 0


@pytest.mark.parametrize(
    ("mentions", "code"),
    [
        (["not an id"], "invalid_mentions"),
        (["0123456789ABCDEF01234567"], "invalid_mentions"),
        ([""], "invalid_mentions"),
        ([1], "invalid_input"),
        ([None], "invalid_input"),
        ([["nested"]], "invalid_input"),
        ("0123456789abcdef01234567", "invalid_input"),
        ({"id": "x"}, "invalid_input"),
        (7, "invalid_input"),
        ([f"{n:024x}" for n in range(51)], "invalid_mentions"),
        (["a" * 10_000], "invalid_mentions"),
    ],
)
async def test_a_list_that_is_not_user_ids_is_a_clear_400(alice, bob, mentions, code):
    group = await make_group(alice, bob)
    response = await say(alice, group, "@Bob Builder", mentions=mentions)
    assert response.status_code == 400, response.text
    assert response.json()["code"] == code
    assert response.json()["message"]
    assert await texts(alice, group) == []


async def test_mentions_need_text_that_names_them(alice, bob):
    group = await make_group(alice, bob)
    picture = await alice.http.post(
        f"/api/groups/{group['_id']}/messages",
        json={"image": data_url(jpeg_bytes()), "mentions": [bob.id]},
    )
    assert picture.status_code == 400
    assert picture.json()["code"] == "invalid_mentions"
    original = await said(bob, group, "forward me")
    forward = await alice.http.post(
        f"/api/groups/{group['_id']}/messages",
        json={"forwardOf": original["_id"], "mentions": [bob.id]},
    )
    assert forward.status_code == 400
    assert forward.json()["code"] == "invalid_mentions"
    assert await texts(alice, group) == ["forward me"]


async def test_fifty_people_may_be_named_at_once(alice, people):
    others = [await people.signup(f"Member {n}", f"member{n}@example.com") for n in range(50)]
    group = await make_group(alice, *others)
    text = " ".join(f"@Member {n}" for n in range(50))
    sent = await said(alice, group, text, mentions=[p.id for p in others])
    assert sent["mentions"] == sorted(p.id for p in others)
    assert await counts(others[0], group) == (1, 1)
    # "@Member 1" is in "@Member 10" only as a prefix: the name runs on into a digit.
    sent = await said(alice, group, "@Member 10 and @Member 2", mentions=[p.id for p in others])
    assert sent["mentions"] == sorted([others[10].id, others[2].id])


async def test_a_mention_the_text_does_not_name_is_dropped_and_the_message_kept(alice, bob, carol):
    group = await make_group(alice, bob, carol)
    silent = await said(alice, group, "hello", mentions=[bob.id, carol.id])
    assert silent["mentions"] == []
    assert await counts(bob, group) == (1, 0)
    # Case is folded, accents are not; only those the text names count.
    sent = await said(alice, group, "@bob BUILDER and @Carol Anne", mentions=[bob.id, carol.id])
    assert sent["mentions"] == [bob.id]
    assert await counts(bob, group) == (2, 1)
    assert await counts(carol, group) == (2, 0)
    assert (await history(carol, group)).json()[-1]["mentions"] == [bob.id]


async def test_a_name_inside_a_longer_one_is_not_named_by_it(alice, bob, people):
    bo = await people.signup("Bo", "bo@example.com")
    elodie = await people.signup("Élodie Durand", "elodie@example.com")
    group = await make_group(alice, bob, bo, elodie)
    sent = await said(alice, group, "@Bob Builder, @Elodie Durand", mentions=[bo.id, elodie.id])
    assert sent["mentions"] == []
    sent = await said(alice, group, "@Bo and @élodie durand", mentions=[bo.id, elodie.id])
    assert sent["mentions"] == sorted([bo.id, elodie.id])
    assert await counts(bo, group) == (2, 1)


async def test_a_mention_needs_the_name_as_it_is_now(alice, bob):
    group = await make_group(alice, bob)
    renamed = await bob.http.put("/api/auth/update-profile", json={"fullName": "Robert Builder"})
    assert renamed.status_code == 200, renamed.text
    old = await said(alice, group, "@Bob Builder hi", mentions=[bob.id])
    assert old["mentions"] == []
    new = await said(alice, group, "@Robert Builder hi", mentions=[bob.id])
    assert new["mentions"] == [bob.id]


@pytest.mark.parametrize("who_blocks", ["receiver", "sender"])
async def test_nobody_is_mentioned_across_a_block(alice, bob, carol, who_blocks):
    group = await make_group(alice, bob, carol)
    blocker, blocked = (bob, alice) if who_blocks == "receiver" else (alice, bob)
    assert (await blocker.http.post(f"/api/users/{blocked.id}/block")).status_code == 200
    sent = await said(alice, group, "@Bob Builder @Carol Ann", mentions=[bob.id, carol.id])
    assert sent["mentions"] == [carol.id]  # the message still goes to the group
    assert await counts(bob, group) == (1, 0)
    assert await counts(carol, group) == (1, 1)
    assert (await history(bob, group)).json()[-1]["mentions"] == [carol.id]


def test_the_client_offers_as_many_picks_as_the_server_takes():
    """The composer stops at web/src/lib/mentions.ts's MENTIONS_MAX: the server's, by hand."""
    source = (Path(__file__).parents[2] / "web/src/lib/mentions.ts").read_text()
    found = re.search(r"export const MENTIONS_MAX = (\d+);", source)
    assert found is not None
    assert int(found.group(1)) == MENTIONS_MAX
