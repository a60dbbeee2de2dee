"""A forgotten password, from the login page to the emailed link and back in, in real Chromium.
Without SMTP_URL the server writes emails to DATA_DIR/outbox/*.eml; the test reads the link
there, as a person would from their inbox."""

from __future__ import annotations

import asyncio
import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from playwright.async_api import Browser, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import DESKTOP, PASSWORD, USER_AGENT, Open

NEW_PASSWORD = "a brand new secret"


def find_reset_link(outbox: Path, email: str) -> str | None:
    for path in outbox.glob("*.eml") if outbox.is_dir() else []:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        if email not in str(message["To"]):
            continue
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        found = re.search(r"https?://\S+/reset-password\?token=[\w.~-]+", text)
        if found:
            return found.group(0)
    return None


async def reset_link_for(outbox: Path, email: str, timeout: float = 10) -> str:
    """The link of the reset email to `email`, once the outbox worker has written it."""
    async with asyncio.timeout(timeout):
        while True:
            link = await asyncio.to_thread(find_reset_link, outbox, email)
            if link:
                return link
            await asyncio.sleep(0.05)  # polling a folder: there is no event to wait for


async def test_a_forgotten_password_is_reset_by_the_emailed_link_once(
    open_person: Open, browser: Browser, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    context = await browser.new_context(
        base_url=web.url, viewport=DESKTOP, user_agent=USER_AGENT, locale="en-US"
    )
    try:
        page = await context.new_page()
        await page.goto("/login")
        await page.get_by_label("Email").fill(alice.email)
        await page.get_by_role("link", name="Forgot password?").click()
        await expect(page).to_have_url(re.compile(r"/forgot-password$"))
        # The address typed on the login page comes along.
        await expect(page.get_by_label("Email")).to_have_value(alice.email)
        await page.get_by_role("button", name="Send reset link").click()
        await expect(page.get_by_test_id("reset-link-sent")).to_contain_text("link")

        link = await reset_link_for(web.settings.data_dir / "outbox", alice.email)
        assert link.startswith(f"{web.url}/reset-password?token=")

        await page.goto(link)
        await page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
        await page.get_by_label("Confirm new password").fill("something else")
        await page.get_by_role("button", name="Set new password").click()
        await expect(page.get_by_role("alert")).to_have_text("The two passwords do not match.")
        await page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
        await page.get_by_role("button", name="Set new password").click()
        await expect(page).to_have_url(re.compile(r"/login$"))
        # Said once (the client used to add "You can log in with it now." to this sentence).
        await expect(page.get_by_role("status").filter(has_text="log in")).to_have_text(
            "Your password was changed. Log in with the new one."
        )

        # Every old session ended; the new password lets her in, the old one does not.
        await expect(alice.page).to_have_url(re.compile(r"/login$"))
        await page.get_by_label("Email").fill(alice.email)
        await page.get_by_label("Password", exact=True).fill(PASSWORD)
        await page.get_by_role("button", name="Log in").click()
        await expect(page.get_by_role("status").filter(has_text="Invalid")).to_be_visible()
        await page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
        await page.get_by_role("button", name="Log in").click()
        await expect(page.get_by_test_id("my-name")).to_have_text("Alice")

        # The link works once.
        await page.goto(link)
        await page.get_by_label("New password", exact=True).fill("yet another one")
        await page.get_by_label("Confirm new password").fill("yet another one")
        await page.get_by_role("button", name="Set new password").click()
        await expect(page.get_by_test_id("reset-link-problem")).to_contain_text("already been used")
        await page.get_by_role("link", name="Send me a new link").click()
        await expect(page).to_have_url(re.compile(r"/(forgot-password|chat)$"))

        # Without a token there is nothing to do but ask for a link.
        await page.goto("/reset-password")
        await expect(page.get_by_test_id("reset-link-problem")).to_be_visible()
        assert alice.errors == []
    finally:
        await context.close()


async def test_a_malformed_email_is_refused_before_asking(
    browser: Browser, web: LiveServer
) -> None:
    context = await browser.new_context(base_url=web.url, viewport=DESKTOP, user_agent=USER_AGENT)
    try:
        page = await context.new_page()
        await page.goto("/forgot-password")
        await page.get_by_label("Email").fill("not-an-email")
        await page.get_by_role("button", name="Send reset link").click()
        await expect(page.get_by_role("alert")).to_have_text("Enter a valid email address.")
        await expect(page.get_by_test_id("reset-link-sent")).to_have_count(0)
    finally:
        await context.close()
