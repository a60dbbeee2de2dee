"""A picture's width and height travel with its message (imageWidth, imageHeight), so that a
client keeps the picture's place in the list before it has loaded (issue 19): in the send's
answer, the live event, history pages, sync and group pages alike. A message without a
picture keeps the original's shape; a picture no row knows simply has no size."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, select, update

from socketspace.db import Database
from socketspace.models import Media, Message
from socketspace.realtime import events
from socketspace.services import message_writer
from socketspace.services.message_extras import load_extras
from tests.api.test_messages import MESSAGE_FIELDS
from tests.conftest import People, Person
from tests.pictures import png_bytes


async def send_picture(sender: Person, to: str, size: tuple[int, int]) -> dict[str, Any]:
    upload = await sender.http.post(
        "/api/media", files={"file": ("p.png", png_bytes(size=size), "image/png")}
    )
    assert upload.status_code == 201, upload.text
    sent = await sender.http.post(f"/api/messages/send/{to}", json={"image": upload.json()["id"]})
    assert sent.status_code == 201, sent.text
    message: dict[str, Any] = sent.json()
    return message


def sized(message: dict[str, Any]) -> tuple[int, int] | None:
    if "imageWidth" not in message:
        return None
    return (message["imageWidth"], message["imageHeight"])


async def test_a_pictures_size_is_in_the_answer_the_live_event_history_and_sync(
    alice: Person, bob: Person
) -> None:
    bob_tab = await bob.connect()
    sent = await send_picture(alice, bob.id, (320, 200))
    assert sized(sent) == (320, 200)
    assert sized(await bob_tab.next(events.NEW_MESSAGE)) == (320, 200)

    text = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "and words"})
    assert set(text.json()) == MESSAGE_FIELDS  # no size where there is no picture

    history = (await bob.http.get(f"/api/messages/{alice.id}")).json()
    assert [sized(m) for m in history] == [(320, 200), None]
    synced = (await bob.http.get("/api/messages/sync", params={"after": 0})).json()
    assert [sized(m) for m in synced["messages"]] == [(320, 200), None]


async def test_a_group_pictures_size_is_in_its_page_and_a_tall_one_keeps_its_own(
    alice: Person, bob: Person
) -> None:
    group = await alice.http.post("/api/groups", json={"name": "Walk", "memberIds": [bob.id]})
    group_id = group.json()["_id"]
    upload = await alice.http.post(
        "/api/media", files={"file": ("p.png", png_bytes(size=(90, 300)), "image/png")}
    )
    sent = await alice.http.post(
        f"/api/groups/{group_id}/messages", json={"image": upload.json()["id"]}
    )
    assert sent.status_code == 201, sent.text
    assert sized(sent.json()) == (90, 300)
    page = (await bob.http.get(f"/api/groups/{group_id}/messages")).json()
    assert [sized(m) for m in page if m["kind"] == "text"] == [(90, 300)]


async def test_a_deleted_picture_has_no_size_and_its_twin_keeps_its_own(
    alice: Person, bob: Person
) -> None:
    """The same bytes sent twice share their name (a SHA-256): deleting one leaves the other's
    size for the lookup to find, and the deleted one shows none, in history and in the answer."""
    gone = await send_picture(alice, bob.id, (48, 64))
    twin = await send_picture(alice, bob.id, (48, 64))
    assert gone["image"] == twin["image"]
    deleted = await alice.http.delete(f"/api/messages/{gone['_id']}")
    assert deleted.status_code == 200, deleted.text
    assert sized(deleted.json()) is None
    history = (await bob.http.get(f"/api/messages/{alice.id}")).json()
    assert [(m["_id"], sized(m)) for m in history] == [(gone["_id"], None), (twin["_id"], (48, 64))]


async def test_a_picture_no_row_knows_has_no_size_and_the_others_keep_theirs(
    alice: Person, bob: Person, db: Database
) -> None:
    swept = await send_picture(alice, bob.id, (64, 48))
    known = await send_picture(alice, bob.id, (30, 20))
    async with db.write() as session:  # as if the first one's row alone had been swept
        await session.execute(
            update(Media).where(Media.name == swept["image"].rsplit("/", 1)[1]).values(kind="swept")
        )
    history = (await bob.http.get(f"/api/messages/{alice.id}")).json()
    assert [(m["_id"], sized(m)) for m in history] == [
        (swept["_id"], None),
        (known["_id"], (30, 20)),
    ]


async def test_a_page_asks_for_its_pictures_sizes_once_and_a_page_without_pictures_never(
    alice: Person, bob: Person, db: Database
) -> None:
    for n in range(3):
        await send_picture(alice, bob.id, (40 + n, 30))
        await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": f"#{n}"})
    statements: list[str] = []

    def noted(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    async with db.read() as session:
        rows = list((await session.scalars(select(Message).order_by(Message.id))).all())
        event.listen(db.engine.sync_engine, "before_cursor_execute", noted)
        try:
            extras = await load_extras(session, rows, bob.id)
            asked_with = sum("FROM media" in s for s in statements)
            statements.clear()
            await load_extras(session, [m for m in rows if m.image is None], bob.id)
            asked_without = sum("FROM media" in s for s in statements)
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", noted)
    assert sorted(extras.pictures.values()) == [(40, 30), (41, 30), (42, 30)]
    assert (asked_with, asked_without) == (1, 0)


async def test_a_forwarded_pictures_size_is_in_the_answer_and_the_live_event(
    alice: Person, bob: Person, people: People
) -> None:
    """The copy is a new message of the same picture: its size comes from the media table
    (the forwarder uploaded nothing), one lookup for the batch."""
    carol = await people.signup("Carol Ann", "carol@example.com")
    carol_tab = await carol.connect()
    original = await send_picture(alice, bob.id, (120, 90))
    copy = await bob.http.post(
        f"/api/messages/send/{carol.id}", json={"forwardOf": original["_id"]}
    )
    assert copy.status_code == 201, copy.text
    assert (copy.json()["forwarded"], sized(copy.json())) == (True, (120, 90))
    live = await carol_tab.next(events.NEW_MESSAGE)
    assert (live["_id"], sized(live)) == (copy.json()["_id"], (120, 90))
    words = await alice.http.post(f"/api/messages/send/{bob.id}", json={"text": "and words"})
    forwarded = {"forwardOf": words.json()["_id"]}
    no_picture = await bob.http.post(f"/api/messages/send/{carol.id}", json=forwarded)
    assert sized(no_picture.json()) is None


async def test_a_forward_is_stored_and_delivered_when_its_pictures_size_cannot_be_read(
    alice: Person, bob: Person, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size is looked up after the commit: a failure there leaves it out, nothing else."""
    carol = await people.signup("Carol Ann", "carol@example.com")
    carol_tab = await carol.connect()
    original = await send_picture(alice, bob.id, (120, 90))

    async def unreadable(*_args: Any) -> dict[str, Any]:
        raise ConnectionResetError("the database went away")

    monkeypatch.setattr(message_writer, "load_picture_sizes", unreadable)
    picture = {"forwardOf": original["_id"], "clientId": "fwd-1"}
    copy = await bob.http.post(f"/api/messages/send/{carol.id}", json=picture)
    assert copy.status_code == 201, copy.text
    assert (copy.json()["image"], sized(copy.json())) == (original["image"], None)
    live = await carol_tab.next(events.NEW_MESSAGE)
    assert live["_id"] == copy.json()["_id"]
