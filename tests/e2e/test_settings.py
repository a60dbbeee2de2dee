"""Profile and account settings in real Chromium: name, password, logging out everywhere."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.async_api import expect

from tests.e2e.conftest import PASSWORD, Open


async def test_name_password_and_logging_out_everywhere(open_person: Open) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    page = alice.page
    other_tab = await alice.context.new_page()
    await other_tab.goto("/chat")

    # A new picture: uploaded as a file, shown in the header.
    picture = io.BytesIO()
    Image.new("RGB", (300, 200), (30, 140, 200)).save(picture, "PNG")
    await page.get_by_test_id("avatar-input").set_input_files(
        {"name": "me.png", "mimeType": "image/png", "buffer": picture.getvalue()}
    )
    await expect(page.get_by_text("Profile picture updated")).to_be_visible()
    header_avatar = page.get_by_role("button", name="Change profile picture").locator("img")
    await expect(header_avatar).to_have_attribute("src", re.compile(r"^/api/media/avatars/"))

    await page.get_by_role("button", name="Settings").click()
    settings = page.get_by_role("dialog", name="Settings")
    await settings.get_by_label("Full name").fill("Alice Liddell")
    await settings.get_by_role("button", name="Save name").click()
    await expect(page.get_by_test_id("my-name")).to_have_text("Alice Liddell")
    # Others see the new name.
    await bob.page.reload()
    await bob.page.get_by_role("tab", name="Contacts").click()
    await expect(
        bob.page.get_by_test_id("contact-list").get_by_role("button", name="Alice Liddell")
    ).to_be_visible()

    # A wrong current password is refused with the server's message; the right one works.
    await settings.get_by_label("Current password").fill("not my password")
    await settings.get_by_label("New password", exact=True).fill("a new secret 123")
    await settings.get_by_label("Confirm new password").fill("a new secret 123")
    await settings.get_by_role("button", name="Change password").click()
    await expect(settings.get_by_role("alert")).to_be_visible()
    await settings.get_by_label("Current password").fill(PASSWORD)
    await settings.get_by_role("button", name="Change password").click()
    await expect(page.get_by_text("Password changed")).to_be_visible()
    await expect(settings.get_by_label("Current password")).to_have_value("")

    # Log out everywhere: this tab and the other go to the login page.
    await settings.get_by_role("button", name="Log out everywhere").click()
    await expect(page).to_have_url(re.compile(r"/login$"))
    await expect(other_tab).to_have_url(re.compile(r"/login$"))
    # The new password is the one that works now.
    await page.get_by_label("Email").fill(alice.email)
    await page.get_by_label("Password", exact=True).fill("a new secret 123")
    await page.get_by_role("button", name="Log in").click()
    await expect(page.get_by_test_id("my-name")).to_have_text("Alice Liddell")
