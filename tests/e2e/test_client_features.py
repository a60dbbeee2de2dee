"""The web client's conveniences in real Chromium: browser notifications, pictures by drag and
drop and from the clipboard, the lightbox."""

from __future__ import annotations

import base64
import io
import re

from PIL import Image
from playwright.async_api import Page, expect

from tests.e2e.conftest import Open, screenshot

# A stand-in for the Notification API that records what would have been shown, and a way to
# hide the tab (headless Chromium's tabs are always visible).
FAKE_NOTIFICATIONS = """
window.__notifications = [];
class FakeNotification {
  // A grant lasts, as the browser's does.
  static get permission() { return localStorage.getItem("fake-permission") || "default"; }
  static async requestPermission() {
    localStorage.setItem("fake-permission", "granted");
    return "granted";
  }
  constructor(title, options) { window.__notifications.push({ title, body: options.body }); }
  close() {}
}
window.Notification = FakeNotification;
window.__hideTab = () => {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
  Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
  document.dispatchEvent(new Event("visibilitychange"));
};
"""


def png_bytes(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_a_message_to_a_hidden_tab_raises_a_notification_once_allowed(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await alice.context.add_init_script(FAKE_NOTIFICATIONS)
    await alice.page.reload()

    toggle = alice.page.get_by_test_id("notify-toggle")
    await expect(toggle).to_have_attribute("aria-pressed", "false")
    await toggle.click()  # asks for permission from the click
    await expect(toggle).to_have_attribute("aria-pressed", "true")

    # Visible tab: no notification (the badge and sound are enough).
    await bob.open_chat_with("Alice")
    await bob.send("Visible hello")
    await expect(alice.page.get_by_test_id("chat-list")).to_contain_text("Visible hello")
    assert await alice.page.evaluate("window.__notifications.length") == 0

    await alice.page.evaluate("window.__hideTab()")
    await bob.send("Are you there?")
    await alice.page.wait_for_function("() => window.__notifications.length === 1")
    shown = await alice.page.evaluate("window.__notifications[0]")
    assert shown == {"title": "Bob (2 new messages)", "body": "Are you there?"}

    # The choice is remembered.
    await alice.page.reload()
    await expect(alice.page.get_by_test_id("notify-toggle")).to_have_attribute(
        "aria-pressed", "true"
    )
    assert alice.errors == []


async def drop_file(page: Page, target: str, data: bytes, name: str, mime: str) -> None:
    """Drop a file on the element with test id `target`, as a drag from the desktop would."""
    await page.evaluate(
        """([target, data, name, mime]) => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            const el = document.querySelector(`[data-testid="${target}"]`);
            for (const type of ["dragenter", "dragover", "drop"]) {
                const init = { dataTransfer: transfer, bubbles: true, cancelable: true };
                el.dispatchEvent(new DragEvent(type, init));
            }
        }""",
        [target, base64.b64encode(data).decode(), name, mime],
    )


async def paste_file(page: Page, data: bytes, name: str, mime: str) -> None:
    await page.evaluate(
        """([data, name, mime]) => {
            const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            const box = document.querySelector('textarea[aria-label="Message"]');
            const init = { clipboardData: transfer, bubbles: true, cancelable: true };
            box.dispatchEvent(new ClipboardEvent("paste", init));
        }""",
        [base64.b64encode(data).decode(), name, mime],
    )


async def test_pictures_by_drop_and_paste_are_checked_and_open_in_a_lightbox(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await alice.open_chat_with("Bob")
    page = alice.page
    preview = page.get_by_test_id("image-preview")

    # Checked before anything is sent: the type, then the size.
    await drop_file(page, "conversation", b"just text", "notes.txt", "text/plain")
    await expect(page.get_by_text("Choose a JPEG, PNG, WebP or GIF picture.")).to_be_visible()
    await expect(preview).to_have_count(0)
    too_big = b"\x89PNG" + b"\0" * (8 * 1024 * 1024 + 1)
    await paste_file(page, too_big, "huge.png", "image/png")
    await expect(page.get_by_text("That picture is larger than 8 MB.")).to_be_visible()
    await expect(preview).to_have_count(0)

    # Dropped: previewed, then uploaded as a file and sent by its id (no base64 in JSON).
    await drop_file(page, "conversation", png_bytes(), "dropped.png", "image/png")
    await expect(preview).to_be_visible()
    async with (
        page.expect_request(re.compile(r"/api/messages/send/")) as sending,
        page.expect_request(re.compile(r"/api/media$")) as uploading,
    ):
        await page.get_by_role("button", name="Send message").click()
    assert (await uploading.value).method == "POST"
    assert "data:image" not in ((await sending.value).post_data or "")
    await expect(preview).to_have_count(0)
    # Pasted: the same.
    await paste_file(page, png_bytes(40, 40), "pasted.png", "image/png")
    await expect(preview).to_be_visible()
    await alice.send("from the clipboard")
    await bob.page.get_by_test_id("chat-list").get_by_role("button", name="Alice").click()
    pictures = bob.page.get_by_role("button", name="Open picture")
    await expect(pictures).to_have_count(2)

    # The lightbox: opened by keyboard, closed by Escape, which leaves the conversation open.
    await pictures.first.focus()
    await bob.page.keyboard.press("Enter")
    lightbox = bob.page.get_by_role("dialog", name="Picture")
    await expect(lightbox).to_be_visible()
    await expect(lightbox.get_by_role("img")).to_have_attribute(
        "src", re.compile(r"^/api/media/images/")
    )
    # Who shared it and when (the picture alone said neither), and a download of it.
    await expect(lightbox).to_have_accessible_name("Picture from Alice")  # "Your picture" for mine
    caption = lightbox.get_by_test_id("lightbox-caption")
    await expect(caption).to_contain_text("Alice")
    await screenshot(bob.page, "lightbox-desktop")
    await expect(caption.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-"))
    async with bob.page.expect_download() as downloading:
        await lightbox.get_by_role("link", name="Download picture").click()
    download = await downloading.value
    assert (
        download.url.split("/api/")[1]
        == (await lightbox.get_by_role("img").get_attribute("src") or "").split("/api/")[1]
    )
    await bob.page.keyboard.press("Escape")
    await expect(lightbox).to_have_count(0)
    await expect(bob.page.get_by_test_id("conversation-name")).to_have_text("Alice")
    # And by the close button.
    await pictures.last.click()
    await bob.page.get_by_role("button", name="Close picture").click()
    await expect(lightbox).to_have_count(0)
    assert alice.errors == [] and bob.errors == []
