"""Issue 19's polish, each in real Chromium: live profile changes, the composer growing at the
bottom, a broken picture refused before sending, drafts kept per conversation."""

from __future__ import annotations

import io

from PIL import Image
from playwright.async_api import Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import Open
from tests.e2e.test_history import seed, user_id


def png() -> dict[str, object]:
    picture = io.BytesIO()
    Image.new("RGB", (320, 200), (200, 120, 40)).save(picture, "PNG")
    return {"name": "photo.png", "mimeType": "image/png", "buffer": picture.getvalue()}


NEWEST_FULLY_IN_LIST = """text => {
    const list = document.querySelector('[data-testid=message-list]');
    const bubble = [...document.querySelectorAll('[data-testid=message-text]')]
        .find(el => el.textContent === text);
    if (!list || !bubble) return false;
    const b = bubble.getBoundingClientRect(), l = list.getBoundingClientRect();
    return b.top >= l.top && b.bottom <= l.bottom;
}"""


async def newest_fully_in_list(page: Page, text: str) -> bool:
    return bool(await page.evaluate(NEWEST_FULLY_IN_LIST, text))


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


async def test_attaching_a_picture_at_the_bottom_keeps_the_newest_message_in_view(
    open_person: Open, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await seed(web, bob, await user_id(alice), 30)
    await alice.page.reload()
    await alice.open_chat_with("Bob")
    # Opened at the first of the thirty unread; down to the newest.
    await alice.page.get_by_test_id("jump-to-latest").click()
    await expect(alice.bubbles("#29")).to_be_visible()
    await alice.page.wait_for_function(NEWEST_FULLY_IN_LIST, arg="#29")

    await alice.page.get_by_test_id("image-input").set_input_files(png())
    await expect(alice.page.get_by_test_id("image-preview").locator("img")).to_be_visible()
    # The composer grew by the preview's height; the list shrank from the top, not the bottom.
    await alice.page.wait_for_function(NEWEST_FULLY_IN_LIST, arg="#29", timeout=5_000)
    assert await newest_fully_in_list(alice.page, "#29")
    assert not alice.errors


NOT_A_PICTURE = "This file is not a picture we can send (PNG, JPEG, WebP or GIF)."


async def test_a_text_file_named_png_is_refused_before_sending_and_nothing_is_sent(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    await open_person("Bob")
    await alice.open_chat_with("Bob")
    uploads: list[str] = []
    alice.page.on("request", lambda r: uploads.append(r.url) if "/api/media" in r.url else None)

    fake = {"name": "holiday.png", "mimeType": "image/png", "buffer": b"just some text\n" * 40}
    await alice.page.get_by_test_id("image-input").set_input_files(fake)

    await expect(alice.page.get_by_text(NOT_A_PICTURE)).to_be_visible()
    await expect(alice.page.get_by_test_id("image-preview")).to_have_count(0)
    # Enter with an empty box sends nothing either.
    await alice.page.get_by_role("textbox", name="Message").press("Enter")
    await expect(alice.page.get_by_test_id("message")).to_have_count(0)
    assert uploads == []
    assert not alice.errors


async def test_a_text_file_named_png_is_no_profile_picture_either(open_person: Open) -> None:
    """The same check as a message's picture, for the picture one wears (and a group's)."""
    alice = await open_person("Alice")
    uploads: list[str] = []
    alice.page.on("request", lambda r: uploads.append(r.url) if "/api/media" in r.url else None)
    fake = {"name": "me.png", "mimeType": "image/png", "buffer": b"just some text\n" * 40}
    await alice.page.get_by_test_id("avatar-input").set_input_files(fake)
    await expect(alice.page.get_by_text(NOT_A_PICTURE)).to_be_visible()
    assert uploads == []
    assert not alice.errors


async def test_a_picture_the_server_refuses_for_good_offers_no_retry_and_its_error_clears_the_time(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    await open_person("Bob")
    await alice.open_chat_with("Bob")
    # The server refuses the upload permanently (a 4xx that is not 408 or 429).
    await alice.page.route(
        "**/api/media",
        lambda route: route.fulfill(
            status=400,
            content_type="application/json",
            body='{"code": "invalid_image", "message": "file must be a PNG, JPEG, WebP or GIF"}',
        ),
    )

    await alice.page.get_by_test_id("image-input").set_input_files(png())
    await expect(alice.page.get_by_test_id("image-preview").locator("img")).to_be_visible()
    await alice.page.get_by_role("textbox", name="Message").press("Enter")

    failed = alice.page.get_by_test_id("send-failed")
    await expect(failed).to_be_visible()
    await expect(failed).to_contain_text("File must be a PNG, JPEG, WebP or GIF.")
    await expect(failed.get_by_role("button", name="Discard")).to_be_visible()
    await expect(failed.get_by_role("button", name="Retry")).to_have_count(0)
    error_box = await failed.bounding_box()
    time_box = await alice.page.get_by_test_id("message").locator("time").bounding_box()
    assert error_box and time_box
    overlap_x = min(error_box["x"] + error_box["width"], time_box["x"] + time_box["width"]) - max(
        error_box["x"], time_box["x"]
    )
    overlap_y = min(error_box["y"] + error_box["height"], time_box["y"] + time_box["height"]) - max(
        error_box["y"], time_box["y"]
    )
    assert overlap_x <= 0 or overlap_y <= 0, (error_box, time_box)


async def test_a_draft_stays_with_its_conversation_is_listed_and_survives_a_reload(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    await open_person("Bob")
    await open_person("Carol")
    await alice.open_chat_with("Bob")
    await alice.send("Hi Bob")
    await alice.open_chat_with("Carol")
    await alice.send("Hi Carol")
    box = alice.page.get_by_role("textbox", name="Message")
    bob_row = alice.page.get_by_test_id("chat-row").filter(has_text="Bob")

    await alice.open_chat_with("Bob")
    await box.fill("Half a thought for Bob")
    await alice.open_chat_with("Carol")
    await expect(box).to_have_value("")
    await alice.page.get_by_role("tab", name="Chats").click()
    await expect(bob_row.get_by_test_id("row-draft")).to_have_text("Draft: Half a thought for Bob")
    await bob_row.click()
    await expect(alice.page.get_by_test_id("conversation-name")).to_have_text("Bob")
    await expect(box).to_have_value("Half a thought for Bob")

    # Kept in this browser: a reload (on Carol's chat) still lists it and puts it back.
    await alice.page.get_by_test_id("chat-row").filter(has_text="Carol").click()
    await expect(alice.page.get_by_test_id("conversation-name")).to_have_text("Carol")
    await alice.page.reload()
    await expect(alice.page.get_by_test_id("conversation-name")).to_have_text("Carol")
    await expect(bob_row.get_by_test_id("row-draft")).to_have_text("Draft: Half a thought for Bob")
    await bob_row.click()
    await expect(box).to_have_value("Half a thought for Bob")

    # Sent, it is no draft any more.
    await box.press("Enter")
    await expect(alice.bubbles("Half a thought for Bob")).to_be_visible()
    await alice.page.get_by_test_id("chat-row").filter(has_text="Carol").click()
    await expect(bob_row.get_by_test_id("row-draft")).to_have_count(0)
    assert not alice.errors
