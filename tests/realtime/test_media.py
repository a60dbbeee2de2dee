"""Pictures and live delivery: an uploaded picture sent over the socket by its id, and chat
that keeps flowing while a big picture is being processed."""

from __future__ import annotations

import asyncio
import base64
import statistics
import threading
import time
from typing import Any

import pytest

from socketspace.realtime import events
from socketspace.services import media as media_service
from tests.conftest import Person
from tests.pictures import jpeg_bytes, photo_like


async def test_an_uploaded_picture_is_sent_over_the_socket_by_its_id(alice: Person, bob: Person):
    alice_tab = await alice.connect()
    bob_tab = await bob.connect()
    response = await alice.http.post(
        "/api/media", files={"file": ("cat.jpg", jpeg_bytes(), "image/jpeg")}
    )
    assert response.status_code == 201, response.text
    upload = response.json()
    ack = await alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "image": upload["id"]})
    assert ack["ok"] is True, ack
    assert ack["message"]["image"] == upload["url"]
    assert (await bob_tab.next(events.NEW_MESSAGE))["image"] == upload["url"]
    assert (await bob.http.get(upload["url"])).status_code == 200


async def test_chat_keeps_flowing_while_a_12_megapixel_picture_is_processed(
    alice: Person, bob: Person, monkeypatch: pytest.MonkeyPatch
):
    big = photo_like(noise=120)  # 4000 x 3000, about 8 MB: the slow case
    loop = asyncio.get_running_loop()
    started = asyncio.Event()
    finished_at: list[float] = []
    real_process = media_service.process_image

    def watched(*args: Any, **kwargs: Any) -> Any:
        assert threading.current_thread() is not threading.main_thread()  # off the loop
        loop.call_soon_threadsafe(started.set)
        try:
            return real_process(*args, **kwargs)
        finally:
            finished_at.append(time.perf_counter())

    monkeypatch.setattr(media_service, "process_image", watched)
    alice_tab = await alice.connect()
    await bob.connect()
    uploading = asyncio.create_task(
        alice.http.post("/api/media", files={"file": ("big.jpg", big, "image/jpeg")})
    )
    await started.wait()
    latencies = []
    while not finished_at and len(latencies) < 50:
        start = time.perf_counter()
        ack = await alice_tab.call(
            events.SEND_MESSAGE, {"receiverId": bob.id, "text": "still here?"}
        )
        end = time.perf_counter()
        assert ack["ok"] is True, ack
        if finished_at and finished_at[0] < end:
            break  # this one did not overlap the processing
        latencies.append((end - start) * 1000)
    response = await uploading
    assert response.status_code == 201, response.text
    assert latencies, "no message was sent while the picture was processed"
    # The bound is 50 ms; the median keeps one scheduler hiccup on a shared machine
    # from failing the test, the maximum is reported for a person to read.
    assert statistics.median(latencies) < 50, latencies


async def test_a_message_behind_its_senders_picture_keeps_its_place(alice: Person, bob: Person):
    alice_tab = await alice.connect()
    bob_tab = await bob.connect()
    response = await alice.http.post(
        "/api/media", files={"file": ("cat.jpg", jpeg_bytes(), "image/jpeg")}
    )
    upload = response.json()
    picture, text = await asyncio.gather(
        alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "image": upload["id"]}),
        alice_tab.call(events.SEND_MESSAGE, {"receiverId": bob.id, "text": "look at this"}),
    )
    assert picture["ok"] and text["ok"], (picture, text)
    assert int(picture["message"]["_id"]) < int(text["message"]["_id"])
    assert (await bob_tab.next(events.NEW_MESSAGE))["image"] == upload["url"]
    assert (await bob_tab.next(events.NEW_MESSAGE))["text"] == "look at this"


async def test_nobody_waits_for_someone_elses_picture(
    alice: Person, bob: Person, monkeypatch: pytest.MonkeyPatch
):
    """The original client sends pictures inside the message, as data URLs: while Alice's
    big one is processed, Bob's messages are stored and delivered at once."""
    big = "data:image/jpeg;base64," + base64.b64encode(photo_like(noise=120)).decode()
    loop = asyncio.get_running_loop()
    started = asyncio.Event()
    finished_at: list[float] = []
    real_process = media_service.process_image

    def watched(*args: Any, **kwargs: Any) -> Any:
        loop.call_soon_threadsafe(started.set)
        try:
            return real_process(*args, **kwargs)
        finally:
            finished_at.append(time.perf_counter())

    monkeypatch.setattr(media_service, "process_image", watched)
    bob_tab = await bob.connect()
    alice_tab = await alice.connect()
    sending = asyncio.create_task(
        alice.http.post(f"/api/messages/send/{bob.id}", json={"image": big})
    )
    await started.wait()
    latencies = []
    while not finished_at and len(latencies) < 50:
        start = time.perf_counter()
        ack = await bob_tab.call(events.SEND_MESSAGE, {"receiverId": alice.id, "text": "hi"})
        end = time.perf_counter()
        assert ack["ok"] is True, ack
        if finished_at and finished_at[0] < end:
            break
        latencies.append((end - start) * 1000)
        assert (await alice_tab.next(events.NEW_MESSAGE))["text"] == "hi"
    response = await sending
    assert response.status_code == 201, response.text
    assert latencies, "no message was sent while the picture was processed"
    assert statistics.median(latencies) < 50, latencies
