"""axe-core (Deque's accessibility engine, from tests/node) over the login, chats and
conversation screens, on a desktop and a phone: no serious or critical violation. The people
have two-word names, as most do: their avatars' initials are then two letters, which axe reads
as visible text that a button's label must contain (a one-letter initial it ignores)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Browser, Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import DESKTOP, PHONE, ROOT, Open
from tests.e2e.test_history import user_id

AXE = ROOT / "tests" / "node" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


async def violations(page: Page, axe: str) -> list[str]:
    """axe's serious and critical findings on the page as it is now, one line each."""
    if not await page.evaluate("() => 'axe' in window"):
        # Evaluated through DevTools, not as a <script>: the page's CSP stays as it is.
        await page.evaluate(axe)
    report: dict[str, Any] = await page.evaluate(
        "() => axe.run(document, { resultTypes: ['violations'] })"
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {[n['target'][0] for n in v['nodes']]}"
        for v in report["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.fixture(scope="session")
def axe() -> str:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: npm ci --prefix tests/node")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
async def test_login_chats_and_conversation_have_no_serious_violation(
    open_person: Open, browser: Browser, web: LiveServer, axe: str, viewport: dict[str, int]
) -> None:
    alice = await open_person("Alice Liddell", viewport=viewport)
    bob = await open_person("Bob Builder", viewport=viewport)
    await bob.open_chat_with("Alice Liddell")
    await bob.send("Hello *Alice*, see https://example.com")

    stranger = await browser.new_context(base_url=web.url, viewport=viewport)
    login = await stranger.new_page()
    await login.goto("/login")
    await expect(login.get_by_role("button", name="Log in")).to_be_visible()
    found = {"login": await violations(login, axe)}
    await stranger.close()

    await expect(
        alice.page.get_by_test_id("chat-list").get_by_role("button", name="Bob Builder")
    ).to_be_visible()
    found["chats"] = await violations(alice.page, axe)

    chat_list = alice.page.get_by_test_id("chat-list")
    await chat_list.get_by_role("button", name="Bob Builder").first.click()
    await expect(alice.bubbles("see")).to_be_visible()
    found["conversation"] = await violations(alice.page, axe)

    # A group's conversation: its header button names it, its picture's initials and status.
    made = await alice.context.request.post(
        "/api/groups",
        data={"name": "Night Owls", "memberIds": [await user_id(bob)]},
        headers={"Origin": web.url},
    )
    assert made.status == 201, await made.text()
    await alice.page.goto(f"/chat/g/{(await made.json())['_id']}")
    await expect(alice.page.get_by_test_id("conversation-name")).to_have_text("Night Owls")
    found["group"] = await violations(alice.page, axe)

    assert found == {"login": [], "chats": [], "conversation": [], "group": []}
