"""Issue 18, replies in real Chromium: "Reply" in a message's menu, the composer's "Replying to"
bar (Escape cancels it), the quote on both sides live, and a click or Enter on a quote going to
the original, also when it is far back and not loaded."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.conftest import LiveServer, Servers
from tests.e2e.conftest import WEB_DIST, Open
from tests.e2e.test_history import bubble, seed, user_id

BETWEEN = 120


@pytest.fixture
async def web(servers: Servers) -> LiveServer:
    """The built client, on a server that takes the seeded burst at once."""
    return await servers.start(
        web_dist_dir=WEB_DIST, message_burst=BETWEEN * 2, message_rate_per_second=float(BETWEEN)
    )


async def test_a_reply_from_the_menu_shows_its_quote_live_and_the_quote_leads_to_the_original(
    open_person: Open, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await bob.open_chat_with("Alice")
    await bob.send("Where shall we meet?")
    await expect(bob.page.get_by_test_id("status-sent")).to_have_count(1)
    # Far back by the time Alice answers: not in the page her chat opens with.
    await seed(web, bob, await user_id(alice), BETWEEN)
    page = alice.page
    await page.reload()
    await page.get_by_test_id("chat-list").get_by_role("button", name="Bob").click()
    await expect(bubble(page, f"#{BETWEEN - 1}")).to_be_visible()

    # Found and answered from its menu.
    await page.get_by_role("searchbox", name="Search messages").fill("meet")
    await page.get_by_test_id("search-result").click()
    original = page.get_by_test_id("message").filter(has=bubble(page, "Where shall we meet?"))
    await expect(original).to_be_in_viewport()
    await page.get_by_role("button", name="Clear search").click()
    await original.hover()
    await original.get_by_role("button", name="Message actions").click()
    await page.get_by_role("menuitem", name="Reply").click()
    replying = page.get_by_test_id("replying-to")
    await expect(replying).to_have_text("Replying to Bob: Where shall we meet?")
    box = page.get_by_role("textbox", name="Message")
    await expect(box).to_be_focused()
    # Escape cancels the reply only; the conversation stays open.
    await box.press("Escape")
    await expect(replying).to_have_count(0)
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Bob")

    await original.hover()
    await original.get_by_role("button", name="Message actions").click()
    await page.get_by_role("menuitem", name="Reply").click()
    await expect(replying).to_be_visible()
    await box.fill("At the station")
    await box.press("Enter")
    await expect(replying).to_have_count(0)

    # Sent from far back: the list is at the newest again, the answer there with its quote.
    answer = page.get_by_test_id("message").filter(has=bubble(page, "At the station"))
    await expect(answer).to_be_visible()
    await expect(answer.get_by_test_id("status-pending")).to_have_count(0)  # stored
    quote = answer.get_by_test_id("reply-quote")
    await expect(quote).to_have_text("Reply to BobWhere shall we meet?")

    # Bob sees it live, quoting his own message. His page took the seeded burst live (his
    # own, from another device), which once left his list part way (CI: at #49-#74, the
    # answer behind "New messages"); that is test_history.py's burst test now, and here either
    # way leads to the answer.
    their_answer = bob.page.get_by_test_id("message").filter(has=bubble(bob.page, "At the station"))
    newer = bob.page.get_by_role("button", name="New messages")
    await expect(their_answer.or_(newer).first).to_be_visible()
    if not await their_answer.is_visible():
        await newer.click()
    await expect(their_answer.get_by_test_id("reply-quote")).to_have_text(
        "Reply to YouWhere shall we meet?"
    )
    # His click goes to the original (loaded: his page has had every message).
    await their_answer.get_by_test_id("reply-quote").click()
    jumped = bob.page.get_by_test_id("jumped-to")
    await expect(jumped).to_contain_text("Where shall we meet?")
    await expect(jumped).to_be_focused()

    # Alice's list holds only the newest page now: Enter on the quote loads the original's.
    await expect(bubble(page, "Where shall we meet?")).to_have_count(0)
    await quote.focus()
    await page.keyboard.press("Enter")
    jumped = page.get_by_test_id("jumped-to")
    await expect(jumped).to_contain_text("Where shall we meet?")
    await expect(jumped).to_be_focused()
    await expect(bubble(page, "Where shall we meet?")).to_be_in_viewport()

    # Bob deletes the original: his quote says so at once, and so does Alice's from the server.
    original = bob.page.get_by_test_id("message").filter(
        has=bubble(bob.page, "Where shall we meet?")
    )
    await original.hover()
    await original.get_by_role("button", name="Message actions").click()
    await bob.page.get_by_role("menuitem", name="Delete").click()
    await bob.page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    deleted = "Reply to YouThe original message was deleted"
    await bob.page.get_by_test_id("jump-to-latest").click()
    await expect(their_answer.get_by_test_id("reply-quote")).to_have_text(deleted)
    await page.get_by_test_id("jump-to-latest").click()
    await expect(quote).to_have_text("Reply to BobThe original message was deleted")
    assert not alice.errors and not bob.errors
