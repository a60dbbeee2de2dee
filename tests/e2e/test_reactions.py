"""Issue 18's reactions in real Chromium: from the message menu's "React" entry to the other
side live, counted and named; taken back; the 21st emoji refused in the server's words; a
reaction from the whole emoji picker on a 390x844 phone."""

from __future__ import annotations

from urllib.parse import quote

from playwright.async_api import Locator, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import PHONE, Open, Person, screenshot

# Twenty emoji of one code point each, none of them among the picker's six quick ones.
TWENTY = list("🎉🔥👀💯🚀🤔😍🙌👏😎🤝✅🥳😅🤯😴🍕☕🌟💡")


def message(person: Person, text: str) -> Locator:
    return person.page.get_by_test_id("message").filter(has_text=text)


def chip(person: Person, text: str, name: str) -> Locator:
    """The reaction button under the message with `text`, by its whole accessible name."""
    return message(person, text).get_by_role("button", name=name, exact=True)


async def message_id_of(person: Person, text: str) -> str:
    """The stored id of the message with this text, as the page shows it."""
    found = (
        await person.page.locator("[data-message-id]")
        .filter(has_text=text)
        .get_attribute("data-message-id")
    )
    assert found
    return found


async def react_from_the_menu(person: Person, text: str, emoji: str) -> None:
    bubble = message(person, text)
    await bubble.hover()
    await bubble.get_by_role("button", name="Message actions").click()
    await person.page.get_by_role("menuitem", name="React").click()
    picker = person.page.get_by_role("dialog", name="React to this message")
    # The first of the quick row has the focus, so the keyboard starts there.
    await expect(picker.get_by_role("button", name="React with 👍")).to_be_focused()
    await screenshot(person.page, "reaction-picker")
    await picker.get_by_role("button", name=f"React with {emoji}").click()
    await expect(picker).to_have_count(0)


async def chatting(
    open_person: Open, bob_viewport: dict[str, int] | None = None
) -> tuple[Person, Person]:
    """Alice wrote "Lunch at noon?" to Bob; both have the chat open."""
    alice = await open_person("Alice")
    bob = await open_person("Bob", **({"viewport": bob_viewport} if bob_viewport else {}))
    await alice.open_chat_with("Bob")
    await alice.send("Lunch at noon?")
    await bob.open_chat_with("Alice")
    await expect(bob.bubbles("Lunch at noon?")).to_be_visible()
    return alice, bob


async def test_a_reaction_reaches_the_other_side_live_counted_and_named_and_is_taken_back(
    open_person: Open,
) -> None:
    alice, bob = await chatting(open_person)
    text = "Lunch at noon?"

    await react_from_the_menu(alice, text, "👍")
    mine = chip(alice, text, "👍 1, you reacted")
    await expect(mine).to_have_attribute("aria-pressed", "true")
    theirs = chip(bob, text, "👍 1, Alice reacted")
    await expect(theirs).to_have_attribute("aria-pressed", "false")
    await expect(theirs).to_have_attribute("title", "Alice")

    # Bob joins in from the keyboard.
    await theirs.focus()
    await bob.page.keyboard.press("Enter")
    await expect(chip(bob, text, "👍 2, you and Alice reacted")).to_have_attribute(
        "aria-pressed", "true"
    )
    await expect(chip(alice, text, "👍 2, you and Bob reacted")).to_be_visible()
    await screenshot(alice.page, "reactions-desktop")

    # Alice takes hers back: one left, Bob's.
    await chip(alice, text, "👍 2, you and Bob reacted").click()
    await expect(chip(alice, text, "👍 1, Bob reacted")).to_have_attribute("aria-pressed", "false")
    await expect(chip(bob, text, "👍 1, you reacted")).to_be_visible()

    # What the server keeps is what a fresh page shows.
    await alice.page.reload()
    await expect(chip(alice, text, "👍 1, Bob reacted")).to_be_visible()
    assert alice.errors == []
    assert bob.errors == []


async def test_the_21st_different_emoji_is_refused_in_the_servers_words_and_undone(
    open_person: Open, web: LiveServer
) -> None:
    alice, bob = await chatting(open_person)
    text = "Lunch at noon?"
    message_id = await message_id_of(bob, text)
    for emoji in TWENTY:
        response = await bob.context.request.put(
            f"/api/messages/{message_id}/reactions/{quote(emoji)}", headers={"Origin": web.url}
        )
        assert response.ok, await response.text()
    chips = message(alice, text).get_by_test_id("reaction")
    await expect(chips).to_have_count(20)  # live, from Bob's twenty

    await react_from_the_menu(alice, text, "👍")

    refusal = alice.page.locator(".toasts [role=status]").filter(
        has_text="A message can have at most 20 different reactions."
    )
    await expect(refusal).to_be_visible()
    await expect(chips).to_have_count(20)
    await expect(
        message(alice, text).get_by_role("button", name="👍 1, you reacted")
    ).to_have_count(0)
    assert alice.errors == []


async def test_on_a_phone_a_reaction_from_the_whole_picker(open_person: Open) -> None:
    alice, bob = await chatting(open_person, PHONE)
    text = "Lunch at noon?"

    await message(bob, text).get_by_test_id("message-text").click()
    await bob.page.get_by_test_id("menu-sheet").get_by_role("menuitem", name="React").click()
    picker = bob.page.get_by_role("dialog", name="React to this message")
    await picker.get_by_role("button", name="More emoji").click()
    await picker.get_by_role("searchbox", name="Search emoji").fill("party popper")
    found = picker.get_by_role("gridcell").first
    await expect(found).to_have_accessible_name("Party popper")
    await found.click()
    await expect(picker).to_have_count(0)

    reacted = chip(bob, text, "🎉 1, you reacted")
    await expect(reacted).to_be_in_viewport(ratio=1)
    await expect(chip(alice, text, "🎉 1, Bob reacted")).to_be_visible()
    await screenshot(bob.page, "reactions-phone")
    assert bob.errors == []


async def test_a_reaction_in_two_clicks_beside_the_message_and_taken_back_from_the_picker(
    open_person: Open,
) -> None:
    """Reacting took four steps (hover, ⋮, React, the emoji): ☺ beside the ⋮ opens the
    picker at once (WhatsApp Web, Slack); the picker marks what I chose, a click takes it back."""
    alice, bob = await chatting(open_person)
    text = "Lunch at noon?"
    bubble = message(bob, text)
    beside = bubble.get_by_role("button", name="React", exact=True)
    await expect(beside).to_have_css("opacity", "0")
    await bubble.hover()
    await expect(beside).to_have_css("opacity", "1")  # shown on hover (a click finds it anyway)
    await beside.click()
    picker = bob.page.get_by_role("dialog", name="React to this message")
    await expect(picker.get_by_role("button", name="React with 👍")).to_be_focused()
    # Closed without a pick: the focus is back on ☺, not on the ⋮ beside it.
    await bob.page.keyboard.press("Escape")
    await expect(picker).to_have_count(0)
    await expect(beside).to_be_focused()
    await beside.click()
    await picker.get_by_role("button", name="React with ❤️").click()
    await expect(picker).to_have_count(0)
    await expect(chip(bob, text, "❤️ 1, you reacted")).to_be_visible()
    await expect(chip(alice, text, "❤️ 1, Bob reacted")).to_be_visible()

    await bubble.hover()
    await bubble.get_by_role("button", name="React", exact=True).click()
    heart = picker.get_by_role("button", name="React with ❤️")
    await expect(heart).to_have_attribute("aria-pressed", "true")
    await expect(picker.get_by_role("button", name="React with 👍")).to_have_attribute(
        "aria-pressed", "false"
    )
    await heart.click()
    await expect(message(alice, text).get_by_test_id("reaction")).to_have_count(0)
    await expect(bubble.get_by_test_id("reaction")).to_have_count(0)
    assert alice.errors == [] and bob.errors == []


async def test_on_a_phone_the_message_sheet_reacts_in_one_tap(open_person: Open) -> None:
    """A long press (here a tap) opens the message's sheet with the quick reactions on top, as
    WhatsApp's and Telegram's do: one tap reacts and closes it; mine is checked, and a tap on it
    takes it back."""
    alice, bob = await chatting(open_person, PHONE)
    text = "Lunch at noon?"
    bubble_text = message(bob, text).get_by_test_id("message-text")
    await bubble_text.click()
    sheet = bob.page.get_by_test_id("menu-sheet")
    quick = sheet.get_by_role("group", name="Quick reactions")
    await expect(quick.get_by_role("menuitemcheckbox")).to_have_count(6)
    await screenshot(bob.page, "message-sheet-phone")
    await quick.get_by_role("menuitemcheckbox", name="React with 😂").click()
    await expect(sheet).to_have_count(0)
    await expect(chip(bob, text, "😂 1, you reacted")).to_be_in_viewport(ratio=1)
    await expect(chip(alice, text, "😂 1, Bob reacted")).to_be_visible()

    await bubble_text.click()
    laugh = quick.get_by_role("menuitemcheckbox", name="React with 😂")
    await expect(laugh).to_have_attribute("aria-checked", "true")
    await laugh.click()
    await expect(sheet).to_have_count(0)
    await expect(message(alice, text).get_by_test_id("reaction")).to_have_count(0)
    assert alice.errors == [] and bob.errors == []
