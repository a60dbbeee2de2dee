"""Events lost on the server's side (Redis down between processes) while the browser stays
connected: the server's `resync` makes the web client fetch what it missed."""

from __future__ import annotations

import asyncio
import re

from playwright.async_api import WebSocketRoute, expect

from socketspace.realtime import events
from tests.conftest import LiveServer
from tests.e2e.conftest import Open


async def test_a_message_whose_event_was_lost_appears_after_the_servers_resync(
    open_person: Open, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    # Alice's socket goes through a relay that can lose the server's newMessage frames,
    # as when an emit went through a Redis that was down.
    losing = False
    lost: asyncio.Queue[str] = asyncio.Queue()

    def relay(page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()

        def from_server(frame: str | bytes) -> None:
            if losing and isinstance(frame, str) and f'"{events.NEW_MESSAGE}"' in frame:
                lost.put_nowait(frame)
            else:
                page_side.send(frame)

        server_side.on_message(from_server)

    await alice.context.route_web_socket(re.compile(r"/socket\.io/"), relay)
    await alice.page.reload()
    await expect(alice.page.get_by_test_id("my-name")).to_have_text("Alice")
    await alice.open_chat_with("Bob")
    await bob.open_chat_with("Alice")
    await bob.send("Before the outage")
    await expect(alice.bubbles("Before the outage")).to_have_count(1)

    losing = True
    await bob.send("Lost in transit")
    assert "Lost in transit" in await asyncio.wait_for(lost.get(), 10)
    await expect(bob.bubbles("Lost in transit")).to_have_count(1)
    await expect(alice.bubbles("Lost in transit")).to_have_count(0)  # still connected, unaware

    losing = False
    await web.app.engineio_server.emit(
        events.RESYNC, {}
    )  # what the server sends when Redis is back
    await expect(alice.bubbles("Lost in transit")).to_have_count(1)
    await expect(alice.bubbles("Before the outage")).to_have_count(1)  # nothing doubled
    assert alice.errors == []
