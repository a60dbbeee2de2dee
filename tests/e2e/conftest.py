"""Browser fixtures: Debian's Chromium driven by Playwright, against a real server that serves
the built web client (web/dist) on the test's database.

Without /usr/bin/chromium or without a build these tests skip, except under CI=true."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    async_playwright,
    expect,
)

from tests.conftest import LiveServer, Servers, unavailable

ROOT = Path(__file__).resolve().parents[2]
# A build elsewhere (E2E_WEB_DIST=/tmp/my-dist) lets two people in one checkout test their own.
WEB_DIST = Path(os.environ.get("E2E_WEB_DIST", ROOT / "web" / "dist"))
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "test-results" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Headless Chromium names itself HeadlessChrome; people's browsers do not.
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/140.0.0.0 Safari/537.36"
)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PASSWORD = "correct horse battery"

expect.set_options(timeout=10_000)


def missing_prerequisite() -> str | None:
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} not found: apt-get install -y chromium"
    if not (WEB_DIST / "index.html").is_file():
        return f"{WEB_DIST} has no build: cd web && npm ci && npm run build"
    return None


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    missing = missing_prerequisite()
    if missing:
        unavailable(missing)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield launched
        await launched.close()


@pytest.fixture
async def web(browser: Browser, servers: Servers) -> LiveServer:
    """A server serving the built client (the test settings point elsewhere by default)."""
    return await servers.start(web_dist_dir=WEB_DIST)


@dataclass
class Person:
    """Someone using the app in a browser context of their own (own cookies, own tabs)."""

    name: str
    email: str
    context: BrowserContext
    page: Page
    errors: list[str]

    async def open_chat_with(self, name: str) -> None:
        """Open the conversation with `name` from the Contacts tab."""
        await self.page.get_by_role("tab", name="Contacts").click()
        await self.page.get_by_test_id("contact-list").get_by_role("button", name=name).click()
        await expect(self.page.get_by_test_id("conversation-name")).to_have_text(name)

    async def send(self, text: str) -> None:
        box = self.page.get_by_role("textbox", name="Message")
        await box.fill(text)
        await box.press("Enter")

    def bubbles(self, text: str):  # type: ignore[no-untyped-def]
        return self.page.get_by_test_id("message-text").filter(has_text=text)


Open = Callable[..., Awaitable[Person]]


def note_csp_violation(message: ConsoleMessage, origin: str, errors: list[str]) -> None:
    """Anything the Content-Security-Policy blocks in the client is an error: the client must
    work under it. (Playwright's own screenshot helpers inject a caret-hiding style, which the
    policy blocks too; those come from no URL and are not the client's.)"""
    if "Content Security Policy" in message.text and message.location["url"].startswith(origin):
        errors.append(f"{message.text} at {message.location}")


@pytest.fixture
async def open_person(browser: Browser, web: LiveServer) -> AsyncIterator[Open]:
    """`await open_person("Alice", signup="ui"|"api", viewport=DESKTOP)`: a person on /chat."""
    contexts: list[BrowserContext] = []

    async def open_person(
        name: str, *, signup: str = "api", viewport: dict[str, int] = DESKTOP
    ) -> Person:
        context = await browser.new_context(
            base_url=web.url, viewport=viewport, user_agent=USER_AGENT, locale="en-US"
        )
        contexts.append(context)
        context.set_default_timeout(10_000)
        page = await context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}"))
        page.on("console", lambda message: note_csp_violation(message, web.url, errors))
        email = f"{''.join(c for c in name.lower() if c.isalnum()) or 'user'}@example.com"
        person = Person(name, email, context, page, errors)
        if signup == "ui":
            await page.goto("/signup")
            await page.get_by_label("Full name").fill(name)
            await page.get_by_label("Email").fill(email)
            await page.get_by_label("Password", exact=True).fill(PASSWORD)
            await page.get_by_role("button", name="Create account").click()
        else:
            response = await context.request.post(
                "/api/auth/signup",
                data={"fullName": name, "email": email, "password": PASSWORD},
                headers={"Origin": web.url},
            )
            assert response.status == 201, await response.text()
            await page.goto("/chat")
        await expect(page).to_have_url(f"{web.url}/chat")
        await expect(page.get_by_test_id("my-name")).to_have_text(name)
        return person

    yield open_person
    for context in contexts:
        await context.close()


async def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Toasts come and go with timing; the pictures show the page under them. Hidden through
    # the element's style (CSSOM): the Content-Security-Policy blocks an injected <style>.
    hide = "v => document.querySelectorAll('.toasts').forEach(e => { e.style.display = v; })"
    await page.evaluate(hide, "none")
    try:
        # Transitions (a panel sliding in) are finished first, so no picture catches one midway.
        await page.screenshot(path=str(path), animations="disabled")
    finally:
        await page.evaluate(hide, "")
    return path
