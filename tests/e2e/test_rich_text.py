"""Issue 19 item 10 in real Chromium: the emoji picker (loaded lazily, its data from our own
server, under the page's Content-Security-Policy) and message text with links and light
formatting drawn as elements, never as HTML."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Request, expect

from tests.e2e.conftest import Open


async def test_the_emoji_picker_loads_from_our_server_and_types_at_the_caret(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    await open_person("Bob")
    hosts: set[str] = set()
    emoji_code: list[str] = []

    def note(request: Request) -> None:
        hosts.add(urlsplit(request.url).netloc)
        if "Emoji" in request.url or "/emoji/" in request.url:
            emoji_code.append(request.url)

    alice.page.on("request", note)
    await alice.open_chat_with("Bob")
    # Nothing of the picker (code or data) is loaded before it is opened.
    assert emoji_code == []

    box = alice.page.get_by_role("textbox", name="Message")
    await box.fill("Hi there")
    await box.evaluate("el => el.setSelectionRange(2, 2)")
    await alice.page.get_by_role("button", name="Emoji").click()
    picker = alice.page.get_by_test_id("emoji-picker")
    # Playwright's CSS selectors go into the picker's (open) shadow root.
    await picker.get_by_role("searchbox", name="Search emoji").fill("grinning face")
    first = picker.get_by_role("gridcell").first
    await expect(first).to_have_accessible_name("Grinning face")
    emoji = await first.text_content()
    await first.click()

    await expect(box).to_have_value(f"Hi{emoji} there")
    await alice.page.keyboard.press("Escape")
    await expect(picker).to_have_count(0)
    # Escape closed the picker only: the conversation stays open.
    await expect(alice.page.get_by_test_id("conversation-name")).to_have_text("Bob")

    await box.press("End")
    await box.press("Enter")
    await expect(alice.bubbles(f"Hi{emoji} there")).to_be_visible()
    assert any(url.endswith("/emoji/en/data.json") for url in emoji_code)
    assert len(hosts) == 1, f"requests left the server: {sorted(hosts)}"
    assert alice.errors == []


async def test_links_and_formatting_are_drawn_as_elements_and_other_schemes_stay_text(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await alice.open_chat_with("Bob")
    await alice.send(
        "*bold* _soft_ `a<b>` see https://example.com/x?y=1 or javascript:alert(1) <i>raw</i>"
    )
    await bob.open_chat_with("Alice")
    bubble = bob.bubbles("bold")
    await expect(bubble).to_be_visible()
    await expect(bubble.locator("strong")).to_have_text("bold")
    await expect(bubble.locator("em")).to_have_text("soft")
    await expect(bubble.locator("code")).to_have_text("a<b>")
    link = bubble.get_by_role("link")
    await expect(link).to_have_count(1)
    await expect(link).to_have_attribute("href", "https://example.com/x?y=1")
    await expect(link).to_have_attribute("target", "_blank")
    await expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    # What is not a web link, and HTML typed as text, stay text.
    await expect(bubble).to_contain_text("javascript:alert(1) <i>raw</i>")
    assert await bubble.locator("i").count() == 0
    assert bob.errors == []


async def test_copy_text_from_the_message_menu_puts_the_text_on_the_clipboard(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await bob.context.grant_permissions(["clipboard-read", "clipboard-write"])
    await alice.open_chat_with("Bob")
    await alice.send("the *door code* is 4711")
    await bob.open_chat_with("Alice")
    bubble = bob.bubbles("door code")
    await expect(bubble).to_be_visible()
    await bubble.hover()
    await bob.page.get_by_role("button", name="Message actions").click()
    await bob.page.get_by_role("menuitem", name="Copy text").click()
    await expect(bob.page.get_by_text("Copied.")).to_be_visible()
    # The text as typed, formatting marks included, as WhatsApp copies it.
    copied = await bob.page.evaluate("() => navigator.clipboard.readText()")
    assert copied == "the *door code* is 4711"
    assert bob.errors == []
