"""Issue 19's message view, in real Chromium: menus in view and driven by the keyboard (desktop
and a 390x844 phone), "Seen" only for what was on screen, pictures shown whole, avatars told
apart, quiet keys."""

from __future__ import annotations

import asyncio
import io

import pytest
from PIL import Image
from playwright.async_api import Locator, Page, Route, WebSocket, expect

from tests.conftest import LiveServer, Servers
from tests.e2e.conftest import PHONE, WEB_DIST, Open, Person, screenshot
from tests.e2e.test_history import bubble, scroll_until_attached, seed, user_id


@pytest.fixture
async def web(servers: Servers) -> LiveServer:
    """The built client, on a server that lets a test seed a few hundred messages at once."""
    return await servers.start(web_dist_dir=WEB_DIST, message_burst=600)


# Inside the viewport, and the topmost thing near its edges (nothing clips or covers it).
FULLY_SHOWN = """el => {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight)
        return false;
    const x = (r.left + r.right) / 2, y = (r.top + r.bottom) / 2, w = r.width / 4, h = r.height / 4;
    const points = [[x, r.top + h], [x, r.bottom - h], [r.left + w, y], [r.right - w, y]];
    return points.every(([x, y]) => el.contains(document.elementFromPoint(x, y)));
}"""

# Inside the message list's box: what the list's bottom edge would clip.
INSIDE_LIST = """el => {
    const r = el.getBoundingClientRect();
    const l = document.querySelector('[data-testid=message-list]').getBoundingClientRect();
    return r.top >= l.top && r.bottom <= l.bottom;
}"""


async def fully_shown(locator: Locator) -> bool:
    return bool(await locator.evaluate(FULLY_SHOWN))


async def inside_list(locator: Locator) -> bool:
    return bool(await locator.evaluate(INSIDE_LIST))


async def focused_test_id(page: Page) -> str | None:
    return await page.evaluate("() => document.activeElement?.getAttribute('data-testid')")  # type: ignore[no-any-return]


async def chatting(open_person: Open, viewport: dict[str, int] | None = None) -> Person:
    """Alice in her chat with Bob, her own message the newest."""
    options = {"viewport": viewport} if viewport else {}
    alice = await open_person("Alice", **options)
    await open_person("Bob")
    await alice.open_chat_with("Bob")
    for n in range(12):
        await alice.send(f"line {n}")
    await expect(alice.page.get_by_test_id("status-sent")).to_have_count(12)
    return alice


async def test_the_newest_messages_menu_and_editor_stay_in_view_on_desktop(
    open_person: Open,
) -> None:
    alice = await chatting(open_person)
    # Exactly: "line 1" and a time of 10 p.m. read "line 110:08 PM" too.
    newest = alice.page.get_by_test_id("message").filter(
        has=alice.page.get_by_text("line 11", exact=True)
    )
    # Scrolled up a few pixels: the newest message still shows whole, but the list no longer
    # follows its end.
    await alice.page.get_by_test_id("message-list").evaluate(
        "el => { el.scrollTop = el.scrollHeight - el.clientHeight - 12; }"
    )
    await next_frames(alice.page)
    assert await inside_list(newest)
    await newest.hover()
    await newest.get_by_role("button", name="Message actions").click()

    menu = alice.page.get_by_role("menu")
    await expect(menu).to_be_visible()
    for item in ("Edit", "Delete"):
        assert await fully_shown(menu.get_by_role("menuitem", name=item)), item
    await screenshot(alice.page, "message-menu-desktop")

    await menu.get_by_role("menuitem", name="Edit").click()
    editor = alice.page.get_by_role("textbox", name="Edit message")
    await expect(editor).to_be_focused()
    save = alice.page.get_by_role("button", name="Save")
    await expect(save).to_be_visible()
    assert await inside_list(save)
    assert await fully_shown(save)
    assert not alice.errors


async def test_on_a_phone_a_tap_opens_the_messages_actions_as_a_sheet_in_view(
    open_person: Open,
) -> None:
    alice = await chatting(open_person, PHONE)
    # Exactly: "line 1" and a time of 10 p.m. read "line 110:08 PM" too.
    newest = alice.page.get_by_test_id("message").filter(
        has=alice.page.get_by_text("line 11", exact=True)
    )
    # No ⋮ on every message of mine.
    buttons = alice.page.get_by_role("button", name="Message actions", include_hidden=True)
    await expect(buttons).to_have_count(12)
    for button in await buttons.all():
        await expect(button).to_be_hidden()

    await newest.get_by_test_id("message-text").click()
    sheet = alice.page.get_by_test_id("menu-sheet")
    await expect(sheet).to_be_visible()
    await expect(sheet.get_by_role("menuitem")).to_have_count(6)
    for item in ("Reply", "React", "Copy text", "Forward", "Edit", "Delete"):
        assert await fully_shown(sheet.get_by_role("menuitem", name=item)), item
    # Which message it acts on: at its top, and described to screen readers.
    await expect(sheet.get_by_test_id("menu-sheet-title")).to_have_text("line 11")
    await expect(sheet).to_have_accessible_description("line 11")
    await screenshot(alice.page, "message-sheet-phone")

    # Escape closes the sheet, not the conversation, and the focus is back on the message.
    await alice.page.keyboard.press("Escape")
    await expect(sheet).to_have_count(0)
    await expect(newest.locator(".chat-bubble")).to_be_focused()
    await expect(alice.page.get_by_test_id("conversation-name")).to_have_text("Bob")

    await newest.get_by_test_id("message-text").click()
    await sheet.get_by_role("menuitem", name="Edit").click()
    editor = alice.page.get_by_role("textbox", name="Edit message")
    await expect(editor).to_be_focused()
    save = alice.page.get_by_role("button", name="Save")
    assert await inside_list(save)
    assert await fully_shown(save)
    await editor.fill("line eleven")
    await editor.press("Enter")
    await expect(alice.bubbles("line eleven")).to_be_visible()
    assert not alice.errors


async def test_the_theme_menu_is_one_tab_stop_and_follows_the_menu_pattern(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    page = alice.page
    theme = page.get_by_test_id("theme-toggle")
    await expect(theme).to_have_attribute("aria-haspopup", "menu")
    await expect(theme).to_have_attribute("aria-expanded", "false")

    # Closed, it is one Tab stop: the next one is the notifications button.
    await theme.focus()
    await page.keyboard.press("Tab")
    assert await focused_test_id(page) == "notify-toggle"

    await theme.focus()
    await page.keyboard.press("Enter")
    menu = page.get_by_role("menu")
    await expect(theme).to_have_attribute("aria-expanded", "true")
    light = menu.get_by_role("menuitemradio", name="Light")
    dark = menu.get_by_role("menuitemradio", name="Dark")
    system = menu.get_by_role("menuitemradio", name="System")
    # The current choice is checked and has the focus.
    await expect(system).to_have_attribute("aria-checked", "true")
    await expect(system).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(light).to_be_focused()
    await page.keyboard.press("End")
    await expect(system).to_be_focused()
    await page.keyboard.press("Home")
    await expect(light).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(dark).to_be_focused()

    await page.keyboard.press("Escape")
    await expect(menu).to_have_count(0)
    await expect(theme).to_be_focused()
    await expect(theme).to_have_attribute("aria-expanded", "false")

    # Enter on an item chooses it; Tab leaves an open menu and closes it.
    await page.keyboard.press("Enter")
    # The menu has opened and put the focus on an item before the arrow key goes in.
    await expect(menu.locator(":focus")).to_have_count(1)
    await page.keyboard.press("ArrowUp")
    await page.keyboard.press("Enter")
    await expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    await expect(theme).to_be_focused()
    await page.keyboard.press("Enter")
    await expect(menu.locator(":focus")).to_have_count(1)  # opened, with the focus in it
    await page.keyboard.press("Tab")
    await expect(menu).to_have_count(0)
    assert await focused_test_id(page) == "notify-toggle"
    assert not alice.errors


async def test_the_message_menu_by_keyboard_and_escape_back_to_the_chats_entry(
    open_person: Open,
) -> None:
    alice = await chatting(open_person)
    page = alice.page
    actions = (
        page.get_by_test_id("message")
        .filter(has=page.get_by_text("line 11", exact=True))
        .get_by_role("button", name="Message actions")
    )
    await actions.focus()
    await expect(actions).to_have_attribute("aria-expanded", "false")
    await page.keyboard.press("Enter")
    menu = page.get_by_role("menu", name="Message actions")
    reply = menu.get_by_role("menuitem", name="Reply")
    react = menu.get_by_role("menuitem", name="React")
    copy = menu.get_by_role("menuitem", name="Copy text")
    forward = menu.get_by_role("menuitem", name="Forward")
    edit = menu.get_by_role("menuitem", name="Edit")
    delete = menu.get_by_role("menuitem", name="Delete")
    await expect(reply).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(react).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(copy).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(forward).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(edit).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await expect(delete).to_be_focused()
    await page.keyboard.press("ArrowDown")  # wraps round
    await expect(reply).to_be_focused()
    await page.keyboard.press("End")
    await expect(delete).to_be_focused()

    # Escape closes the menu only, and the focus is back on its button.
    await page.keyboard.press("Escape")
    await expect(menu).to_have_count(0)
    await expect(actions).to_be_focused()
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Bob")

    # Escape again closes the chat, and the focus lands on Bob's entry in the chats list.
    await page.keyboard.press("Escape")
    await expect(page.get_by_test_id("no-conversation")).to_be_visible()
    await expect(page.get_by_test_id("chat-row").filter(has_text="Bob")).to_be_focused()
    assert not alice.errors


NEXT_FRAMES = """() => new Promise(
    r => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r))))"""


async def next_frames(page: Page) -> None:
    """Until the page has drawn twice and run what it queued: effects after a render are done."""
    await page.evaluate(NEXT_FRAMES)


async def mark_read_frames(person: Person) -> list[str]:
    """The markRead frames that `person`'s page sends, from a reload on (its socket's start)."""
    marks: list[str] = []

    def watch(socket: WebSocket) -> None:
        socket.on("framesent", lambda f: marks.append(str(f)) if "markRead" in str(f) else None)

    person.page.on("websocket", watch)
    await person.page.reload()
    return marks


async def test_seen_only_once_the_new_message_has_been_on_screen(
    open_person: Open, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await seed(web, bob, await user_id(alice), 300)
    marks = await mark_read_frames(alice)
    await alice.open_chat_with("Bob")
    await expect(bubble(alice.page, "#299")).to_be_visible()
    await bob.open_chat_with("Alice")
    # Alice has read all 300: the newest was on her screen.
    newest = bob.page.get_by_test_id("message").filter(has=bubble(bob.page, "#299"))
    await expect(newest.get_by_test_id("status-read")).to_be_visible()

    # Alice scrolls far up (past the first page: older ones load above).
    jump = alice.page.get_by_test_id("jump-to-latest")
    await scroll_until_attached(alice.page, bubble(alice.page, "#150"))
    await expect(jump).to_have_text("Latest")
    marks.clear()

    await bob.send("Are you there?")
    await expect(jump).to_have_text("New messages")
    await next_frames(alice.page)
    # It arrived, off screen: not reported read, and Bob's tick stays a single one.
    assert marks == []
    mine = bob.page.get_by_test_id("message").filter(has_text="Are you there?")
    await expect(mine.get_by_test_id("status-sent")).to_be_visible()

    # Alice scrolls down to it: now it is seen.
    await jump.click()
    await expect(bubble(alice.page, "Are you there?")).to_be_visible()
    await expect(mine.get_by_test_id("status-read")).to_be_visible()
    assert len(marks) >= 1
    assert not alice.errors and not bob.errors


async def test_seen_only_while_the_tab_has_the_focus(open_person: Open) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    marks = await mark_read_frames(alice)
    await alice.open_chat_with("Bob")
    await bob.open_chat_with("Alice")
    # The page's focus as the window system gives it (Playwright fakes it on every page).
    cdp = await alice.context.new_cdp_session(alice.page)
    await cdp.send("Emulation.setFocusEmulationEnabled", {"enabled": False})

    # Alice switches to another tab; her chat with Bob stays open, at its newest message.
    other_tab = await alice.context.new_page()
    await other_tab.bring_to_front()
    assert not await alice.page.evaluate("() => document.hasFocus()")
    await bob.send("Still there?")
    await expect(alice.bubbles("Still there?")).to_be_visible()
    await next_frames(alice.page)
    assert marks == []
    mine = bob.page.get_by_test_id("message").filter(has_text="Still there?")
    await expect(mine.get_by_test_id("status-sent")).to_be_visible()

    # Back in the tab, the message on screen is seen.
    await alice.page.bring_to_front()
    await expect(mine.get_by_test_id("status-read")).to_be_visible()
    assert not alice.errors and not bob.errors


# The part of the picture drawn in its box, and whether its ratio is kept, by the CSS object-fit
# rules (what the browser paints; the pixels themselves are not readable here).
PICTURE_SHOWN = """img => {
    const box = img.getBoundingClientRect(), nw = img.naturalWidth, nh = img.naturalHeight;
    const fit = getComputedStyle(img).objectFit;
    let sx = box.width / nw, sy = box.height / nh;
    if (fit === 'contain') sx = sy = Math.min(sx, sy);
    else if (fit === 'cover') sx = sy = Math.max(sx, sy);
    else if (fit === 'none') sx = sy = 1;
    else if (fit === 'scale-down') sx = sy = Math.min(1, sx, sy);
    const w = nw * sx, h = nh * sy;
    return {
        shown: (Math.min(w, box.width) * Math.min(h, box.height)) / (w * h),
        ratioKept: Math.abs(sx / sy - 1) < 0.01,
    };
}"""


def wide_png() -> dict[str, object]:
    picture = io.BytesIO()
    Image.new("RGB", (1200, 300), (40, 120, 200)).save(picture, "PNG")
    return {"name": "panorama.png", "mimeType": "image/png", "buffer": picture.getvalue()}


async def test_a_wide_picture_shows_whole_on_a_phone_and_its_row_keeps_its_height(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob", viewport=PHONE)
    await alice.open_chat_with("Bob")
    await alice.page.get_by_test_id("image-input").set_input_files(wide_png())
    await expect(alice.page.get_by_test_id("image-preview").locator("img")).to_be_visible()
    await alice.page.get_by_role("textbox", name="Message").press("Enter")
    await expect(
        alice.page.get_by_test_id("message").filter(has=alice.page.locator("img"))
    ).to_have_attribute("data-delivery", "sent")

    # Bob's copy of the picture is held back until his row has been measured.
    release = asyncio.Event()

    async def held(route: Route) -> None:
        await release.wait()
        await route.continue_()

    await bob.page.route("**/api/media/images/**", held)
    await bob.open_chat_with("Alice")
    row = bob.page.get_by_test_id("message").filter(
        has=bob.page.get_by_role("button", name="Open picture")
    )
    picture = row.get_by_role("img", name="Shared picture")
    await expect(picture).to_be_attached()
    before = await row.bounding_box()
    release.set()
    await picture.evaluate("img => img.decode()")
    after = await row.bounding_box()
    assert before and after and abs(after["height"] - before["height"]) < 1, (before, after)

    drawn = await picture.evaluate(PICTURE_SHOWN)
    assert drawn["ratioKept"], drawn
    assert drawn["shown"] > 0.99, drawn
    assert not alice.errors and not bob.errors


COUNT_SOUNDS = """() => {
    window.__sounds = { keys: 0, tones: 0 };
    const keys = AudioBufferSourceNode.prototype.start;
    AudioBufferSourceNode.prototype.start = function (...a) {
        window.__sounds.keys++;
        return keys.apply(this, a);
    };
    const tones = OscillatorNode.prototype.start;
    OscillatorNode.prototype.start = function (...a) {
        window.__sounds.tones++;
        return tones.apply(this, a);
    };
}"""


async def sounds(page: Page) -> dict[str, int]:
    return await page.evaluate("() => ({ ...window.__sounds })")  # type: ignore[no-any-return]


async def test_keys_are_quiet_until_key_clicks_are_chosen_and_a_message_still_chimes(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await alice.page.add_init_script(f"({COUNT_SOUNDS})()")
    await alice.page.reload()
    await alice.open_chat_with("Bob")
    box = alice.page.get_by_role("textbox", name="Message")

    await box.press_sequentially("quiet please")
    # Typing unlocked the audio; a click on the switch below proves it plays when asked.
    assert (await sounds(alice.page))["keys"] == 0

    await alice.page.get_by_role("button", name="Sounds: on").click()
    await alice.page.get_by_role("menuitemcheckbox", name="Key clicks").click()
    await expect(alice.page.get_by_role("button", name="Sounds: on")).to_be_focused()
    await box.press_sequentially(" and now clicks")
    await alice.page.wait_for_function("() => window.__sounds.keys > 0")

    # The message sound is on all along: a message to a chat not open chimes.
    await alice.page.keyboard.press("Escape")
    await expect(alice.page.get_by_test_id("no-conversation")).to_be_visible()
    tones = (await sounds(alice.page))["tones"]
    await bob.open_chat_with("Alice")
    await bob.send("ding?")
    await alice.page.wait_for_function(f"() => window.__sounds.tones > {tones}")

    # The choice is remembered across a reload.
    await alice.page.reload()
    await alice.page.get_by_role("button", name="Sounds: on").click()
    key_clicks = alice.page.get_by_role("menuitemcheckbox", name="Key clicks")
    await expect(key_clicks).to_have_attribute("aria-checked", "true")
    assert not alice.errors


async def test_up_in_an_empty_composer_edits_my_last_message(
    open_person: Open, web: LiveServer
) -> None:
    """As in Slack, Telegram and Element: Up in an empty box opens my newest message's editor
    (not a newer one of theirs), Enter saves, and the focus is back in the box; with text in the
    box Up is the caret's."""
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await alice.open_chat_with("Bob")
    await alice.send("See you at 5")
    await alice.send("at the cafe on Mian Street")
    await expect(alice.page.get_by_test_id("status-sent")).to_have_count(2)
    await bob.open_chat_with("Alice")
    await bob.send("Great")
    await expect(alice.bubbles("Great")).to_be_visible()

    box = alice.page.get_by_role("textbox", name="Message")
    await box.fill("draft")
    await box.press("ArrowUp")
    await box.press("x")  # Up moved the caret to the start of the line
    await expect(box).to_have_value("xdraft")
    await expect(alice.page.get_by_role("textbox", name="Edit message")).to_have_count(0)
    await box.fill("")
    await box.press("ArrowUp")
    editor = alice.page.get_by_role("textbox", name="Edit message")
    await expect(editor).to_be_focused()
    await expect(editor).to_have_value("at the cafe on Mian Street")
    await editor.fill("at the cafe on Main Street")
    await editor.press("Enter")
    await expect(bob.bubbles("at the cafe on Main Street")).to_be_visible()
    await expect(editor).to_have_count(0)
    await expect(box).to_be_focused()

    # Escape leaves it as it was, and the focus in the box too.
    await box.press("ArrowUp")
    await expect(editor).to_be_focused()
    await editor.press("Escape")
    await expect(editor).to_have_count(0)
    await expect(box).to_be_focused()

    # Several screens of Bob's after it: brought into view, and the list stays there.
    await seed(web, bob, await user_id(alice), 30)
    await expect(bubble(alice.page, "#29")).to_be_visible()
    await box.press("ArrowUp")
    await expect(editor).to_be_focused()
    await expect(editor).to_be_in_viewport()
    await editor.press("Escape")
    await expect(alice.page.get_by_test_id("conversation-name")).to_have_text("Bob")
    assert alice.errors == [] and bob.errors == []


async def test_dialogs_from_a_messages_menu_give_the_focus_back_and_keep_the_pages_colours(
    open_person: Open,
) -> None:
    """React and Delete open dialogs from the menu of one's own (primary-coloured) message:
    drawn in the page's colours, not the bubble's, and closed they give the focus back to the
    message's ⋮ (it fell to the page's body), after a reaction from the bar to its ☺+."""
    alice = await chatting(open_person)
    page = alice.page
    message = page.get_by_test_id("message").filter(has=page.get_by_text("line 11", exact=True))
    actions = message.get_by_role("button", name="Message actions")
    page_colour = await page.evaluate("getComputedStyle(document.body).color")

    await actions.focus()
    await page.keyboard.press("Enter")
    await page.get_by_role("menuitem", name="React").press("Enter")
    picker = page.get_by_role("dialog", name="React to this message")
    thumbs = picker.get_by_role("button", name="React with 👍")
    await expect(thumbs).to_be_focused()
    box = picker.get_by_test_id("reaction-picker")
    assert await box.evaluate("b => getComputedStyle(b).color") == page_colour
    await page.keyboard.press("Escape")
    await expect(picker).to_have_count(0)
    await expect(actions).to_be_focused()

    await page.keyboard.press("Enter")
    await page.get_by_role("menuitem", name="Delete").press("Enter")
    confirm = page.get_by_role("dialog", name="Delete this message?")
    await expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(confirm).to_have_count(0)
    await expect(actions).to_be_focused()

    # A reaction picked from the menu; then the bar's ☺+ opens the picker and gets the focus back.
    await page.keyboard.press("Enter")
    await page.get_by_role("menuitem", name="React").press("Enter")
    await thumbs.press("Enter")
    add = message.get_by_role("button", name="Add a reaction")
    await expect(add).to_be_visible()
    await add.press("Enter")
    await expect(picker).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(add).to_be_focused()
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Bob")
    assert alice.errors == []
