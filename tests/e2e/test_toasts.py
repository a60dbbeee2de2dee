"""Issue 19, item 11: toasts cover neither the conversation's header nor its composer, and show
above an open dialog (not hidden under it in the browser's top layer). That the password-reset
toast says its sentence once is checked in test_password_reset.py."""

from __future__ import annotations

import pytest
from playwright.async_api import Locator, Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import DESKTOP, PHONE, Open
from tests.e2e.test_history import user_id

# True when what lies at the centre of `el` on screen is `el` or inside it: the toast is on top
# of everything there, dialogs in the browser's top layer included. (Toasts let clicks through,
# and hit-testing skips such elements: it is made to see this one for the moment of the test.)
ON_TOP = """el => {
    const r = el.getBoundingClientRect();
    const before = el.style.pointerEvents;
    el.style.pointerEvents = 'auto';
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    el.style.pointerEvents = before;
    return hit !== null && el.contains(hit);
}"""


async def box(locator: Locator) -> dict[str, float]:
    found = await locator.bounding_box()
    assert found is not None
    return found


def overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def toast(page: Page, text: str) -> Locator:
    return page.locator(".toasts [role=status]").filter(has_text=text)


async def without_motion(page: Page) -> None:
    """Toasts fade instead of sliding in (react-hot-toast honours reduced motion): where one is
    measured is where it stays."""
    await page.emulate_media(reduced_motion="reduce")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
async def test_a_toast_in_a_conversation_covers_neither_its_header_nor_its_composer(
    open_person: Open, web: LiveServer, viewport: dict[str, int]
) -> None:
    alice = await open_person("Alice", viewport=viewport)
    bob = await open_person("Bob")
    blocked = await bob.context.request.post(
        f"/api/users/{await user_id(alice)}/block", headers={"Origin": web.url}
    )
    assert blocked.ok
    await without_motion(alice.page)
    await alice.open_chat_with("Bob")
    await alice.send("Hello?")  # refused for good: said in a toast

    said = toast(alice.page, "You can't message this person.")
    await expect(said).to_be_visible()
    where = await box(said)
    header = alice.page.locator("header").filter(has=alice.page.get_by_test_id("conversation-name"))
    assert not overlap(where, await box(header))
    assert not overlap(where, await box(alice.page.get_by_role("textbox", name="Message")))
    assert await said.evaluate(ON_TOP)


async def test_a_toast_shows_above_an_open_dialog_and_stays_when_it_closes(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    await open_person("Bob")
    await without_motion(alice.page)
    await alice.open_chat_with("Bob")
    page = alice.page
    await page.get_by_role("button", name="Settings").click()
    settings = page.get_by_role("dialog", name="Settings")
    await settings.get_by_label("Full name").fill("Alice Liddell")
    await settings.get_by_role("button", name="Save name").click()

    said = toast(page, "Name saved")
    await expect(said).to_be_visible()
    assert await said.evaluate(ON_TOP)  # not under the modal dialog

    await page.keyboard.press("Escape")
    await expect(settings).to_have_count(0)
    await expect(said).to_be_visible()
    assert await said.evaluate(ON_TOP)
    header = page.locator("header").filter(has=page.get_by_test_id("conversation-name"))
    assert not overlap(await box(said), await box(header))
    assert not alice.errors
