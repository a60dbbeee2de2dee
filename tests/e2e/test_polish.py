"""Issue 19's polish, each in real Chromium: live profile changes, the composer growing at the
bottom, a broken picture refused before sending, drafts kept per conversation."""

from __future__ import annotations

from playwright.async_api import expect

from tests.e2e.conftest import Open


async def test_a_rename_shows_live_in_the_other_persons_open_chat_and_list(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await alice.open_chat_with("Bob")
    await alice.send("Hello Bob")
    await bob.open_chat_with("Alice")
    await expect(bob.bubbles("Hello Bob")).to_be_visible()

    await alice.page.get_by_role("button", name="Settings").click()
    settings = alice.page.get_by_role("dialog", name="Settings")
    await settings.get_by_label("Full name").fill("Alice Liddell")
    await settings.get_by_role("button", name="Save name").click()
    await expect(alice.page.get_by_test_id("my-name")).to_have_text("Alice Liddell")

    # Bob sees it without a reload: the open conversation's header, the chats list, contacts.
    await expect(bob.page.get_by_test_id("conversation-name")).to_have_text("Alice Liddell")
    await bob.page.get_by_role("tab", name="Chats").click()
    await expect(bob.page.get_by_test_id("chat-list").get_by_test_id("chat-name")).to_have_text(
        "Alice Liddell"
    )
    await bob.page.get_by_role("tab", name="Contacts").click()
    await expect(
        bob.page.get_by_test_id("contact-list").get_by_role("button", name="Alice Liddell")
    ).to_be_visible()
    assert not alice.errors and not bob.errors
