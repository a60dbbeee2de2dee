"""A chat with unread messages opens at the first of them, in real Chromium: under an
"N unread messages" line, with what came before above it; many unread load the page around
where I stopped reading, and reading counts down; writing in the chat
takes the line away; a group's the same."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Page, expect

from tests.conftest import LiveServer, Servers
from tests.e2e.conftest import WEB_DIST, Open, Person, screenshot
from tests.e2e.test_history import bubble, seed, user_id


@pytest.fixture
async def web(servers: Servers) -> LiveServer:
    """The built client, on a server that lets the test send a few hundred messages at once."""
    return await servers.start(
        web_dist_dir=WEB_DIST, message_burst=400, message_rate_per_second=400.0
    )


def chat_row(person: Person, name: str):  # type: ignore[no-untyped-def]
    return person.page.get_by_test_id("chat-list").get_by_role("button", name=re.compile(name))


async def line_near_the_top(page: Page) -> None:
    """The unread line shows, in the top third of the list (under the list's first lines when
    it heads the conversation's first message)."""
    line = page.get_by_test_id("unread-line")
    await expect(line).to_be_in_viewport()
    top = await page.get_by_test_id("message-list").bounding_box()
    box = await line.bounding_box()
    assert top is not None and box is not None
    assert box["y"] - top["y"] < top["height"] / 3, (top, box)


async def test_many_unread_open_at_the_first_with_the_line_and_count_down(
    open_person: Open, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await bob.open_chat_with("Alice")
    await bob.send("Are you around later?")
    await chat_row(alice, "Bob").click()
    await expect(alice.bubbles("Are you around later?")).to_be_visible()
    # Bob sees that she has read it: her pointer is on the server.
    await expect(bob.page.get_by_test_id("status-read")).to_be_visible()
    await alice.page.keyboard.press("Escape")

    await seed(web, bob, await user_id(alice), 150)
    await alice.page.reload()
    badge = chat_row(alice, "Bob").get_by_test_id("unread-badge")
    await expect(badge).to_have_text(re.compile("99\\+"))
    await chat_row(alice, "Bob").click()

    # The first unread under the line, near the top; what she had read just above it; the
    # newest not loaded yet (the page around where she stopped).
    await expect(alice.page.get_by_test_id("unread-line")).to_have_text("150 unread messages")
    await line_near_the_top(alice.page)
    await expect(bubble(alice.page, "#0")).to_be_in_viewport()
    await expect(alice.bubbles("Are you around later?")).to_be_attached()
    await expect(bubble(alice.page, "#149")).to_have_count(0)
    await screenshot(alice.page, "unread-desktop-light")

    # Those on screen are read: the count goes down (the title has it exactly).
    await expect(alice.page).to_have_title(re.compile(r"^\(1[0-4]\d\) "))
    # The newest reads them all.
    await alice.page.get_by_test_id("jump-to-latest").click()
    await expect(bubble(alice.page, "#149")).to_be_in_viewport()
    await expect(badge).to_have_count(0)

    # Forty from Carol, never read, loaded with the page (not around a pointer): the line over
    # the first of them, at the top.
    carol = await open_person("Carol")
    await seed(web, carol, await user_id(alice), 40)
    await alice.page.reload()
    await chat_row(alice, "Carol").click()
    await expect(alice.page.get_by_test_id("unread-line")).to_have_text("40 unread messages")
    await line_near_the_top(alice.page)
    await expect(bubble(alice.page, "#0")).to_be_in_viewport()
    await expect(bubble(alice.page, "#39")).not_to_be_in_viewport()
    await alice.page.keyboard.press("Escape")

    # Opened again, all read: no line, at the newest.
    await alice.page.keyboard.press("Escape")
    await chat_row(alice, "Bob").click()
    await expect(bubble(alice.page, "#149")).to_be_in_viewport()
    await expect(alice.page.get_by_test_id("unread-line")).to_have_count(0)
    assert alice.errors == [] and bob.errors == []


async def test_a_few_unread_in_a_group_show_under_the_line_until_i_write(
    open_person: Open, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    made = await bob.context.request.post(
        "/api/groups",
        data={"name": "Book club", "memberIds": [await user_id(alice)]},
        headers={"Origin": web.url},
    )
    assert made.status == 201, await made.text()
    group = await made.json()

    async def say(text: str) -> None:
        sent = await bob.context.request.post(
            f"/api/groups/{group['_id']}/messages", data={"text": text}, headers={"Origin": web.url}
        )
        assert sent.status == 201, await sent.text()

    await say("Chapter one is done")
    await chat_row(alice, "Book club").click()
    await expect(alice.bubbles("Chapter one is done")).to_be_visible()
    await expect(alice.page.get_by_test_id("unread-line")).to_have_text("1 unread message")
    await alice.page.keyboard.press("Escape")
    await expect(chat_row(alice, "Book club").get_by_test_id("unread-badge")).to_have_count(0)

    # Three more while she is away, live: the line goes above the first of them.
    for text in ("Chapter two?", "It is long", "Thursday then"):
        await say(text)
    await expect(chat_row(alice, "Book club").get_by_test_id("unread-badge")).to_have_text(
        re.compile("3")
    )
    await chat_row(alice, "Book club").click()
    line = alice.page.get_by_test_id("unread-line")
    await expect(line).to_have_text("3 unread messages")
    await expect(alice.bubbles("Thursday then")).to_be_in_viewport()
    order = await alice.page.evaluate(
        """() => [...document.querySelectorAll(
            '[data-testid=unread-line], [data-testid=message-text]')]
            .map(el => el.dataset.testid === 'unread-line' ? '—' : el.textContent)"""
    )
    assert order[-5:] == ["Chapter one is done", "—", "Chapter two?", "It is long", "Thursday then"]

    # Writing in the chat is having read it: the line goes.
    await alice.send("Thursday works")
    await expect(alice.bubbles("Thursday works")).to_be_visible()
    await expect(line).to_have_count(0)
    assert alice.errors == [] and bob.errors == []
