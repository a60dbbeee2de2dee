"""Issue 18's mute and pin in the web client, in real Chromium: pinned chats on top in pin
order (the latest pin first), from an entry's menu by mouse and by keyboard, the sixth pin
refused in a toast and undone; a muted chat shows an icon and a grey badge, makes no sound and
no notification and stays out of the title's count; both live in a second tab of the same
person; on a 390x844 phone the menus open from a long-press and from the header."""

from __future__ import annotations

import re

from playwright.async_api import Browser, BrowserContext, Locator, Page, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import PASSWORD, PHONE, USER_AGENT, Open, Person, screenshot
from tests.e2e.test_client_features import FAKE_NOTIFICATIONS
from tests.e2e.test_history import user_id

# Every oscillator started, and an AudioContext that counts as running without the user
# gesture a browser asks for first (as a person's first click would): a message's sound is two
# notes of two oscillators each.
COUNT_TONES = """
window.__tones = 0;
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...a) { window.__tones++; return start.apply(this, a); };
const Real = window.AudioContext;
window.AudioContext = class extends Real { get state() { return "running"; } };
"""
TONES_PER_MESSAGE = 4


async def someone(browser: Browser, web: LiveServer, name: str) -> tuple[BrowserContext, str]:
    """A person who only calls the API (no page): their context and id."""
    context = await browser.new_context(base_url=web.url, user_agent=USER_AGENT)
    email = f"{name.lower()}@example.com"
    response = await context.request.post(
        "/api/auth/signup",
        data={"fullName": name, "email": email, "password": PASSWORD},
        headers={"Origin": web.url},
    )
    assert response.status == 201, await response.text()
    return context, str((await response.json())["_id"])


async def send(context: BrowserContext, web: LiveServer, to: str, text: str) -> None:
    response = await context.request.post(
        f"/api/messages/send/{to}", data={"text": text}, headers={"Origin": web.url}
    )
    assert response.status == 201, await response.text()


def names(page: Page) -> Locator:
    return page.get_by_test_id("chat-list").get_by_test_id("chat-name")


def row(page: Page, name: str) -> Locator:
    return page.get_by_test_id("chat-row").filter(has=page.get_by_text(name, exact=True))


def row_menu(page: Page, name: str) -> Locator:
    """The ⋮ beside an entry, in the same list item."""
    entry = page.get_by_role("listitem").filter(has=row(page, name))
    return entry.get_by_role("button", name="Chat options")


async def choose_from_row_menu(page: Page, name: str, item: str) -> None:
    await row(page, name).hover()
    await row_menu(page, name).click()
    await page.get_by_role("menuitem", name=item).click()


async def mute_for(page: Page, name: str, how_long: str) -> None:
    """Answer the Mute question (after a chat's Mute…): for `how_long`."""
    question = page.get_by_role("dialog", name=f"Mute {name}")
    # The first choice has the focus, so a keyboard moves among them at once.
    await expect(question.get_by_role("radio", name="8 hours")).to_be_focused()
    await question.get_by_role("radio", name=how_long).check()
    await question.get_by_role("button", name="Mute", exact=True).click()
    await expect(question).to_have_count(0)


async def test_pinned_chats_sit_on_top_in_pin_order_live_elsewhere_and_a_sixth_is_refused(
    open_person: Open, browser: Browser, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    alice_id = await user_id(alice)
    others = ["Bob", "Carol", "Dan", "Erin", "Fay", "Gus"]
    contexts = {}
    for name in others:
        contexts[name], _ = await someone(browser, web, name)
        await send(contexts[name], web, alice_id, f"hello from {name}")
    page = alice.page
    await expect(names(page)).to_have_text(["Gus", "Fay", "Erin", "Dan", "Carol", "Bob"])
    other_tab = await alice.context.new_page()
    await other_tab.goto("/chat")
    await expect(names(other_tab)).to_have_count(6)

    # By mouse: the entry's ⋮.
    await choose_from_row_menu(page, "Bob", "Pin")
    await expect(names(page)).to_have_text(["Bob", "Gus", "Fay", "Erin", "Dan", "Carol"])
    await expect(row(page, "Bob").get_by_test_id("pinned-icon")).to_be_visible()

    # By keyboard: Shift+F10 on the focused entry, the first item (Pin) has the focus.
    await row(page, "Carol").focus()
    await page.keyboard.press("Shift+F10")
    pin = page.get_by_role("menuitem", name="Pin")
    await expect(pin).to_be_focused()
    await page.keyboard.press("Enter")
    order = ["Carol", "Bob", "Gus", "Fay", "Erin", "Dan"]
    await expect(names(page)).to_have_text(order)
    await expect(row(page, "Carol")).to_be_focused()

    # The other tab follows, live.
    await expect(names(other_tab)).to_have_text(order)
    await expect(row(other_tab, "Carol").get_by_test_id("pinned-icon")).to_be_visible()

    # Three more from the other tab make five; a sixth is refused in words and undone.
    for name in ("Dan", "Erin", "Fay"):
        await choose_from_row_menu(other_tab, name, "Pin")
        await expect(row(page, name)).to_have_attribute("data-pinned", "true")
    five = ["Fay", "Erin", "Dan", "Carol", "Bob", "Gus"]
    await expect(names(page)).to_have_text(five)
    await choose_from_row_menu(page, "Gus", "Pin")
    refusal = page.locator(".toasts [role=status]").filter(
        has_text="At most 5 conversations can be pinned. Unpin one to pin this chat."
    )
    await expect(refusal).to_be_visible()
    await expect(row(page, "Gus")).to_have_attribute("data-pinned", "false")
    await expect(names(page)).to_have_text(five)
    await screenshot(page, "chats-pinned-desktop")

    # A new message does not lift an unpinned chat above the pinned.
    await send(contexts["Gus"], web, alice_id, "still here")
    await expect(row(page, "Gus")).to_contain_text("still here")
    await expect(names(page)).to_have_text(five)

    # The server keeps the order: a fresh page shows it.
    await page.reload()
    await expect(names(page)).to_have_text(five)
    assert alice.errors == []


async def test_a_muted_chat_is_quiet_grey_and_out_of_the_title_and_follows_to_another_tab(
    open_person: Open, browser: Browser, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    alice_id = await user_id(alice)
    await alice.context.add_init_script(FAKE_NOTIFICATIONS + COUNT_TONES)
    bob, _ = await someone(browser, web, "Bob")
    carol, _ = await someone(browser, web, "Carol")
    await send(bob, web, alice_id, "hi from Bob")
    await send(carol, web, alice_id, "hi from Carol")
    page = alice.page
    await page.reload()
    await page.get_by_test_id("notify-toggle").click()
    await expect(page.get_by_test_id("notify-toggle")).to_have_attribute("aria-pressed", "true")

    # Muted from the conversation's header menu, for 8 hours (the first choice).
    await row(page, "Bob").click()
    await page.get_by_role("button", name="Conversation options").click()
    await page.get_by_role("menuitem", name="Mute").click()
    await mute_for(page, "Bob", "8 hours")
    await expect(page.get_by_role("button", name="Conversation options")).to_be_focused()
    await expect(
        row(page, "Bob").get_by_role("img", name=re.compile("^Muted until "))
    ).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(page.get_by_test_id("no-conversation")).to_be_visible()
    other_tab = await alice.context.new_page()
    await other_tab.goto("/chat")
    await expect(row(other_tab, "Bob")).to_have_attribute("data-muted", "true")

    # In view: Carol's message chimes, Bob's (first) does not; the title counts Carol's only.
    await expect(page).to_have_title("(1) SocketSpace")
    tones = await page.evaluate("window.__tones")
    await send(bob, web, alice_id, "psst")
    await send(carol, web, alice_id, "loud and clear")
    await page.wait_for_function(f"() => window.__tones > {tones}")
    await expect(row(page, "Bob")).to_contain_text("psst")
    assert await page.evaluate("window.__tones") == tones + TONES_PER_MESSAGE
    await expect(row(page, "Bob").get_by_test_id("unread-badge")).to_contain_text("1")
    await expect(page).to_have_title("(2) SocketSpace")
    await screenshot(page, "chats-muted-desktop")

    # Hidden: a notification for Carol, none for Bob (whose message came first).
    await page.evaluate("window.__hideTab()")
    await send(bob, web, alice_id, "are you there?")
    await send(carol, web, alice_id, "ping")
    await page.wait_for_function("() => window.__notifications.length > 0")
    shown = await page.evaluate("window.__notifications.map(n => n.title)")
    assert shown == ["Carol (3 new messages)"], shown

    # Unmuted in the other tab: this one follows, and Bob counts again.
    await choose_from_row_menu(other_tab, "Bob", "Unmute")
    await expect(row(page, "Bob")).to_have_attribute("data-muted", "false")
    await expect(page).to_have_title("(5) SocketSpace")
    assert alice.errors == []


async def test_a_mute_for_a_while_ends_by_itself_on_an_open_page(
    open_person: Open, browser: Browser, web: LiveServer
) -> None:
    """Muted for 8 hours: the bell says until when; once the time has come (the page's clock
    moved on), the chat is back in the title's count and its bell is gone, without a reload."""
    alice = await open_person("Alice")
    alice_id = await user_id(alice)
    bob, _ = await someone(browser, web, "Bob")
    await send(bob, web, alice_id, "hi from Bob")
    page = alice.page
    await page.clock.install()
    await page.reload()
    await expect(page).to_have_title("(1) SocketSpace")

    await choose_from_row_menu(page, "Bob", "Mute")
    await mute_for(page, "Bob", "8 hours")
    await expect(row(page, "Bob")).to_be_focused()  # where the menu was opened from
    bell = row(page, "Bob").get_by_test_id("muted-icon")
    await expect(bell).to_have_attribute("aria-label", re.compile("^Muted until "))
    await expect(page).to_have_title("SocketSpace")
    await expect(row(page, "Bob").get_by_test_id("unread-badge")).to_have_class(
        re.compile("bg-base-300")
    )

    await page.clock.fast_forward("08:00:01")
    await expect(bell).to_have_count(0)
    await expect(row(page, "Bob")).to_have_attribute("data-muted", "false")
    await expect(page).to_have_title("(1) SocketSpace")
    # The menu offers Mute again.
    await choose_from_row_menu(page, "Bob", "Mute")
    await expect(page.get_by_role("dialog", name="Mute Bob")).to_be_visible()
    assert alice.errors == []


def overlap(a: dict[str, float] | None, b: dict[str, float] | None) -> bool:
    assert a is not None and b is not None
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


async def test_an_entrys_menu_button_covers_neither_its_time_nor_its_badge(
    open_person: Open, browser: Browser, web: LiveServer
) -> None:
    """The ⋮ shown on hover sat over the time (and half the badge): now on the second line,
    whose badge moves aside for it, while it shows and while its menu is open."""
    alice = await open_person("Alice")
    bob, _ = await someone(browser, web, "Bob")
    await send(bob, web, await user_id(alice), "one")
    page = alice.page
    entry = row(page, "Bob")
    await expect(entry.get_by_test_id("unread-badge")).to_be_visible()
    await entry.hover()
    menu = row_menu(page, "Bob")
    await expect(menu).to_be_visible()
    for part in ("chat-time", "unread-badge"):
        box = await entry.get_by_test_id(part).bounding_box()
        assert not overlap(await menu.bounding_box(), box), part
    await menu.click()
    await expect(page.get_by_role("menuitem", name="Pin")).to_be_visible()
    await page.mouse.move(0, 0)  # no longer hovering: the open menu alone keeps the room
    assert not overlap(
        await menu.bounding_box(), await entry.get_by_test_id("unread-badge").bounding_box()
    )
    await bob.close()
    assert alice.errors == []


async def test_on_a_phone_a_long_press_opens_the_entry_menu_as_a_sheet(open_person: Open) -> None:
    alice = await open_person("Alice", viewport=PHONE)
    bob = await open_person("Bob")
    await bob.open_chat_with("Alice")
    await bob.send("hello phone")
    page = alice.page
    await expect(row(page, "Bob")).to_contain_text("hello phone")
    # No ⋮ on a phone: a finger held on the entry opens the menu.
    await expect(row_menu(page, "Bob")).to_be_hidden()
    await long_press(alice, row(page, "Bob"))
    sheet = page.get_by_test_id("menu-sheet")
    await expect(sheet.get_by_role("menuitem")).to_have_text(["Pin", "Mute…"])
    await screenshot(page, "chat-row-sheet-phone")
    await sheet.get_by_role("menuitem", name="Mute").click()
    await expect(sheet).to_have_count(0)
    await mute_for(page, "Bob", "Always")
    await expect(row(page, "Bob").get_by_role("img", name="Muted", exact=True)).to_be_visible()
    # The long-press did not open the chat.
    await expect(page.get_by_test_id("conversation")).to_have_count(0)

    # The header's menu has them too.
    await row(page, "Bob").click()
    await page.get_by_role("button", name="Conversation options").click()
    await expect(page.get_by_role("menuitem", name="Unmute")).to_be_visible()
    await page.get_by_role("menuitem", name="Pin").click()
    await page.get_by_role("button", name="Back to chats").click()
    await expect(row(page, "Bob").get_by_test_id("pinned-icon")).to_be_visible()
    assert alice.errors == []


async def long_press(person: Person, target: Locator) -> None:
    """A finger put down on `target` and held until its menu is open, then lifted."""
    box = await target.bounding_box()
    assert box
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = await person.context.new_cdp_session(person.page)
    await cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    point = [{"x": x, "y": y}]
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point})
    await expect(person.page.get_by_test_id("menu-sheet")).to_be_visible()
    await cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
