"""Issue 18's forwarding in the web client, in real Chromium: "Forward" in a message's menu opens
a dialog of my conversations (searchable, groups too); the copy lands in the group marked
"Forwarded" for everyone there, and a toast says where it went and opens it. A picture goes too,
by keyboard alone. Deleted and system messages have nothing to forward."""

from __future__ import annotations

import base64
import io
import re

from PIL import Image
from playwright.async_api import Locator, Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import Open, Person, screenshot
from tests.e2e.test_history import user_id


def data_url() -> str:
    picture = io.BytesIO()
    Image.new("RGB", (240, 160), (40, 160, 90)).save(picture, "PNG")
    return "data:image/png;base64," + base64.b64encode(picture.getvalue()).decode()


async def post(person: Person, web: LiveServer, path: str, data: dict[str, object]) -> str:
    response = await person.context.request.post(path, data=data, headers={"Origin": web.url})
    assert response.status == 201, await response.text()
    return str((await response.json())["_id"])


def row(page: Page, name: str) -> Locator:
    return page.get_by_test_id("chat-row").filter(has=page.get_by_text(name, exact=True))


def message(page: Page, text: str) -> Locator:
    return page.get_by_test_id("message").filter(has_text=text)


async def three_with_a_group(
    open_person: Open, web: LiveServer
) -> tuple[Person, Person, dict[str, str]]:
    """Alice, Bob and Carol; Alice made the group "Team" with both; Bob wrote to Alice, and
    sent her a picture. Alice has his chat open. Returns Alice, Carol and the ids by name."""
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    carol = await open_person("Carol")
    ids = {p.name: await user_id(p) for p in (alice, bob, carol)}
    await post(alice, web, "/api/groups", {"name": "Team", "memberIds": [ids["Bob"], ids["Carol"]]})
    await post(bob, web, f"/api/messages/send/{ids['Alice']}", {"text": "Meet at 5"})
    await post(bob, web, f"/api/messages/send/{ids['Alice']}", {"image": data_url()})
    await bob.page.close()
    # A fresh page: Carol signed up after Alice's lists had loaded.
    await alice.page.reload()
    await expect(row(alice.page, "Team")).to_be_visible()
    await row(alice.page, "Bob").click()
    await expect(message(alice.page, "Meet at 5")).to_be_visible()
    return alice, carol, ids


async def test_a_text_forwarded_to_a_group_arrives_marked_and_the_toast_opens_it(
    open_person: Open, web: LiveServer
) -> None:
    alice, carol, _ = await three_with_a_group(open_person, web)
    page = alice.page
    bubble = message(page, "Meet at 5")
    await bubble.hover()
    await bubble.get_by_role("button", name="Message actions").click()
    await page.get_by_role("menuitem", name="Forward").click()

    dialog = page.get_by_test_id("forward-dialog")
    targets = dialog.get_by_test_id("forward-targets")
    # My conversations, the most recent first, groups too.
    names = targets.get_by_test_id("forward-target-name")
    await expect(names).to_have_text(["Bob", "Team", "Carol"])
    await dialog.get_by_role("searchbox", name="Search chats").fill("tea")
    await expect(names).to_have_text(["Team"])
    await dialog.get_by_text("Team").click()
    await screenshot(page, "forward-dialog")
    await dialog.get_by_role("button", name="Send", exact=True).click()
    await expect(dialog).to_have_count(0)

    toast = page.get_by_test_id("forward-toast")
    await expect(toast).to_contain_text("Forwarded to Team")
    # Bob's chat is where it was: nothing was added to it.
    await expect(page.get_by_test_id("message")).to_have_count(2)
    await toast.get_by_role("button", name="Open chat").click()
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Team")
    copy = message(page, "Meet at 5")
    await expect(copy.get_by_test_id("forwarded-label")).to_have_text("Forwarded")
    await expect(copy).to_have_attribute("data-mine", "true")

    # Carol sees it in the group, marked as well.
    await row(carol.page, "Team").click()
    await expect(message(carol.page, "Meet at 5").get_by_test_id("forwarded-label")).to_be_visible()
    # A change to the group (a system message) has no menu, so nothing to forward.
    system = carol.page.get_by_test_id("system-message")
    await expect(system.first).to_be_visible()
    await expect(system.get_by_role("button", name="Message actions")).to_have_count(0)
    assert alice.errors == [] and carol.errors == []


async def test_a_picture_is_forwarded_by_keyboard_alone(open_person: Open, web: LiveServer) -> None:
    alice, carol, ids = await three_with_a_group(open_person, web)
    page = alice.page
    picture = page.get_by_test_id("message").filter(
        has=page.get_by_role("img", name="Shared picture")
    )
    await picture.get_by_role("button", name="Message actions").focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("menuitem").first).to_be_focused()
    await page.keyboard.press("f")  # the menu's typeahead
    await expect(page.get_by_role("menuitem", name="Forward")).to_be_focused()
    await page.keyboard.press("Enter")

    search = page.get_by_role("searchbox", name="Search chats")
    await expect(search).to_be_focused()
    await page.keyboard.type("Team")
    await page.keyboard.press("Tab")
    team = page.get_by_test_id("forward-targets").get_by_role("checkbox")
    await expect(team).to_be_focused()
    await page.keyboard.press("Space")
    await expect(team).to_be_checked()
    await page.keyboard.press("Tab")
    await page.keyboard.press("Tab")
    await expect(page.get_by_role("button", name="Send", exact=True)).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(page.get_by_test_id("forward-toast")).to_contain_text("Forwarded to Team")

    await row(carol.page, "Team").click()
    copy = carol.page.get_by_test_id("message").filter(
        has=carol.page.get_by_role("img", name="Shared picture")
    )
    await expect(copy.get_by_test_id("forwarded-label")).to_be_visible()
    await expect(copy.get_by_role("img", name="Shared picture")).to_have_attribute(
        "src", re.compile(r"^/api/media/")
    )
    # A deleted message has no menu: nothing to forward.
    oops = await post(alice, web, f"/api/messages/send/{ids['Bob']}", {"text": "oops"})
    await expect(message(page, "oops")).to_be_visible()
    gone = await alice.context.request.delete(f"/api/messages/{oops}", headers={"Origin": web.url})
    assert gone.ok, await gone.text()
    deleted = page.get_by_test_id("message").filter(has=page.get_by_test_id("message-deleted"))
    await expect(deleted).to_have_count(1)
    await expect(deleted.get_by_role("button", name="Message actions")).to_have_count(0)
    assert alice.errors == [] and carol.errors == []
