"""Reactions that changed while a client was away (issue 19, review): `sync` brings missed
messages, not missed `reactionsUpdated`, so after a reconnect, or the server's `resync`, the
open conversation's loaded messages show the reactions as they are now, not as they were."""

from __future__ import annotations

import asyncio
import re
from urllib.parse import quote

from playwright.async_api import CDPSession, WebSocketRoute, expect

from socketspace.realtime import events
from tests.conftest import LiveServer
from tests.e2e.conftest import Person
from tests.e2e.test_reactions import Open, chatting, chip, message, message_id_of


async def offline(cdp: CDPSession, on: bool) -> None:
    """Chromium's own network emulation: the page hears `offline` and its socket drops."""
    await cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": on, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )


async def gone_offline(person: Person) -> CDPSession:
    """The person's page cut off from the network (DevTools' emulation), and saying so."""
    cdp = await person.context.new_cdp_session(person.page)
    await cdp.send("Network.enable")
    await offline(cdp, True)
    await expect(person.page.get_by_text("You are offline.")).to_be_visible()
    return cdp


async def react(person: Person, web: LiveServer, message_id: str, emoji: str, on: bool) -> None:
    path = f"/api/messages/{message_id}/reactions/{quote(emoji)}"
    headers = {"Origin": web.url}
    request = person.context.request
    response = await (request.put if on else request.delete)(path, headers=headers)
    assert response.ok, await response.text()


async def test_reactions_changed_while_away_are_shown_after_the_reconnect(
    open_person: Open, web: LiveServer
) -> None:
    alice, bob = await chatting(open_person)
    text = "Lunch at noon?"
    message_id = await message_id_of(bob, text)
    await react(bob, web, message_id, "👍", True)
    await expect(chip(alice, text, "👍 1, Bob reacted")).to_be_visible()

    cdp = await gone_offline(alice)
    # Bob changes his mind while Alice is away: her page hears nothing of it.
    await react(bob, web, message_id, "👍", False)
    await react(bob, web, message_id, "🎉", True)

    await offline(cdp, False)
    await expect(alice.page.get_by_text("You are offline.")).to_be_hidden()
    await expect(chip(alice, text, "🎉 1, Bob reacted")).to_be_visible()
    await expect(message(alice, text).get_by_test_id("reaction")).to_have_count(1)
    assert not alice.errors


async def test_a_reaction_whose_event_was_lost_is_shown_after_the_servers_resync(
    open_person: Open, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    # Alice's socket goes through a relay that loses the server's reactionsUpdated frames, as
    # when an emit went through a Redis that was down; her connection itself stays up.
    lost: asyncio.Queue[str] = asyncio.Queue()

    def relay(page_side: WebSocketRoute) -> None:
        server_side = page_side.connect_to_server()

        def from_server(frame: str | bytes) -> None:
            if isinstance(frame, str) and f'"{events.REACTIONS_UPDATED}"' in frame:
                lost.put_nowait(frame)
            else:
                page_side.send(frame)

        server_side.on_message(from_server)

    await alice.context.route_web_socket(re.compile(r"/socket\.io/"), relay)
    await alice.page.reload()
    await alice.open_chat_with("Bob")
    await alice.send("Lunch at noon?")
    await bob.open_chat_with("Alice")
    message_id = await message_id_of(bob, "Lunch at noon?")
    await react(bob, web, message_id, "👍", True)
    await asyncio.wait_for(lost.get(), 10)
    await expect(message(alice, "Lunch at noon?").get_by_test_id("reaction")).to_have_count(0)

    await web.app.engineio_server.emit(
        events.RESYNC, {}
    )  # what the server sends when Redis is back
    await expect(chip(alice, "Lunch at noon?", "👍 1, Bob reacted")).to_be_visible()
    assert not alice.errors


async def test_another_chat_loaded_before_the_drop_shows_its_reactions_as_they_are_when_opened(
    open_person: Open, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    await open_person("Bob")
    carol = await open_person("Carol")
    await alice.open_chat_with("Carol")
    await alice.send("Lunch at noon?")
    await carol.open_chat_with("Alice")
    message_id = await message_id_of(carol, "Lunch at noon?")
    await react(carol, web, message_id, "👍", True)
    await expect(chip(alice, "Lunch at noon?", "👍 1, Carol reacted")).to_be_visible()
    await alice.open_chat_with("Bob")

    cdp = await gone_offline(alice)
    await react(carol, web, message_id, "👍", False)
    await react(carol, web, message_id, "🎉", True)
    await offline(cdp, False)
    await expect(alice.page.get_by_text("You are offline.")).to_be_hidden()

    await alice.open_chat_with("Carol")
    await expect(chip(alice, "Lunch at noon?", "🎉 1, Carol reacted")).to_be_visible()
    await expect(message(alice, "Lunch at noon?").get_by_test_id("reaction")).to_have_count(1)
    assert not alice.errors
