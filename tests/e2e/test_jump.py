"""Issue 18, jumping to a message in real Chromium: a search result far back in a long chat opens
the conversation at it (loaded with GET /api/messages/around), highlighted and focused; the list
then grows downwards as one scrolls, and the newest message, also one that came in meanwhile,
is one click away."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.conftest import LiveServer, Servers
from tests.e2e.conftest import WEB_DIST, Open
from tests.e2e.test_history import bubble, seed, user_id

SEEDED = 300
# Scrolls the list to its end, frame after frame (newer pages coming in), until `text` shows.
SCROLL_DOWN_UNTIL = """async (el, text) => {
    const drawn = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    for (let step = 0; step < 600; step++) {
        el.scrollTop = el.scrollHeight;
        await drawn();
        const bubbles = [...el.querySelectorAll('[data-testid=message-text]')];
        if (bubbles.some(t => t.textContent === text)) return true;
    }
    return false;
}"""
# Scrolls the list up from its end half a screen at a time (each step after the list has drawn
# it), reading every bubble, until `stop` is read.
READ_UPWARDS = """async (el, stop) => {
    const seen = new Set();
    const drawn = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    el.scrollTop = el.scrollHeight;
    for (let step = 0; step < 400 && !seen.has(stop); step++) {
        await drawn();
        for (const t of el.querySelectorAll('[data-testid=message-text]')) seen.add(t.textContent);
        el.scrollTop -= el.clientHeight / 2;
    }
    return [...seen];
}"""


@pytest.fixture
async def web(servers: Servers) -> LiveServer:
    """The built client, on a server that takes the seeded burst at once."""
    return await servers.start(
        web_dist_dir=WEB_DIST, message_burst=SEEDED * 2, message_rate_per_second=float(SEEDED)
    )


async def jump_by_search(page: Page, query: str) -> None:
    """Search the sidebar for `query` and open its only result."""
    field = page.get_by_role("searchbox", name="Search messages")
    await field.fill(query)
    results = page.get_by_test_id("search-result")
    await expect(results).to_have_count(1)
    await results.first.click()


async def test_a_search_result_far_back_opens_the_chat_at_it_and_the_latest_stays_reachable(
    open_person: Open, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await seed(web, bob, await user_id(alice), SEEDED)
    page = alice.page
    await page.reload()
    await page.get_by_test_id("chat-list").get_by_role("button", name="Bob").click()
    await expect(bubble(page, "#299")).to_be_visible()
    await expect(bubble(page, "#42")).to_have_count(0)  # far outside the newest page
    arounds: list[str] = []
    page.on("response", lambda r: arounds.append(r.url) if "/messages/around/" in r.url else None)

    await jump_by_search(page, "42")

    # Shown in the middle of the list, highlighted, holding the focus; the highlight then goes.
    target = bubble(page, "#42")
    jumped = page.get_by_test_id("jumped-to")
    await expect(jumped).to_contain_text("#42")
    await expect(jumped).to_be_focused()
    await expect(target).to_be_in_viewport()
    list_box = await page.get_by_test_id("message-list").bounding_box()
    box = await target.bounding_box()
    assert list_box is not None and box is not None
    middle = list_box["y"] + list_box["height"] / 2
    assert abs(box["y"] + box["height"] / 2 - middle) < list_box["height"] / 4, (box, list_box)
    assert len(arounds) == 1, arounds
    await expect(jumped).to_have_count(0, timeout=5000)

    # A message arriving now is past the end of this window: not shown, not lost.
    await page.get_by_role("button", name="Clear search").click()
    await bob.open_chat_with("Alice")
    await bob.send("Still reading the old stuff?")
    await expect(page.get_by_test_id("chat-list")).to_contain_text("Still reading the old stuff?")
    await expect(page.get_by_test_id("jump-to-latest")).to_be_visible()
    await expect(bubble(page, "Still reading the old stuff?")).to_have_count(0)

    # Scrolling down brings the newer pages in, up to that message.
    scroller = page.get_by_test_id("message-list")
    live = bubble(page, "Still reading the old stuff?")
    assert await scroller.evaluate(SCROLL_DOWN_UNTIL, "Still reading the old stuff?")
    await expect(live).to_be_visible()
    assert len(arounds) > 1, arounds
    # Joined without a gap: every message from the one jumped to up to the newest.
    seen = await scroller.evaluate(READ_UPWARDS, "#42")
    missing = [n for n in range(42, SEEDED) if f"#{n}" not in seen]
    assert not missing, missing

    # A message already loaded is scrolled to, with no request.
    asked = len(arounds)
    await jump_by_search(page, "42")
    await expect(page.get_by_test_id("jumped-to")).to_contain_text("#42")
    await expect(target).to_be_in_viewport()
    await expect(page.get_by_test_id("jumped-to")).to_be_focused()
    assert len(arounds) == asked, arounds

    # Far back again after a reload; "Latest" goes straight to the newest page.
    await page.reload()
    await page.get_by_test_id("chat-list").get_by_role("button", name="Bob").click()
    await expect(live).to_be_visible()
    await jump_by_search(page, "42")
    await expect(page.get_by_test_id("jumped-to")).to_contain_text("#42")
    latest = page.get_by_test_id("jump-to-latest")
    await latest.click()
    await expect(live).to_be_visible()
    await expect(bubble(page, "#299")).to_be_visible()
    await expect(latest).to_have_count(0)
    assert alice.errors == []
