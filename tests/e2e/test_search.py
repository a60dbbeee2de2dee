"""Issue 18, search in the web client: the sidebar's "Search messages" over every chat, and a
conversation's own search. What the server finds is tested in tests/api/test_search.py; here,
that the page shows it (the matched word marked, never HTML), that a hostile query is calm, that
another person's direct messages stay theirs, and that a result opens its conversation."""

from __future__ import annotations

from playwright.async_api import Page, Response, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import DESKTOP, PHONE, Open, Person, screenshot
from tests.e2e.test_history import user_id

HOSTILE = '"NEAR( OR -x'


async def post(person: Person, web: LiveServer, path: str, data: dict[str, object]) -> str:
    """POST as `person`; the id of what it made."""
    response = await person.context.request.post(path, data=data, headers={"Origin": web.url})
    assert response.status == 201, await response.text()
    return str((await response.json())["_id"])


async def send(person: Person, web: LiveServer, to: str, text: str) -> None:
    await post(person, web, f"/api/messages/send/{to}", {"text": text})


async def people_talking(
    open_person: Open, web: LiveServer, viewport: dict[str, int] = DESKTOP
) -> tuple[Person, dict[str, str]]:
    """Alice (in the browser) talks with Bob and Carol, and with Bob in the group "Ops"; Bob and
    Carol talk between themselves. Returns Alice and the ids by name."""
    alice = await open_person("Alice", viewport=viewport)
    bob = await open_person("Bob")
    carol = await open_person("Carol")
    ids = {p.name: await user_id(p) for p in (alice, bob, carol)}
    await send(bob, web, ids["Alice"], "Café déploiement demain à 9h")
    await send(alice, web, ids["Bob"], "Parfait, à demain")
    await send(bob, web, ids["Carol"], "Déploiement confidentiel, rien à Alice")
    await send(carol, web, ids["Alice"], "Autre déploiement chez Carol")
    ids["Ops"] = await post(alice, web, "/api/groups", {"name": "Ops", "memberIds": [ids["Bob"]]})
    await post(bob, web, f"/api/groups/{ids['Ops']}/messages", {"text": "Déploiement: le groupe"})
    await bob.page.close()  # only Alice needs a page from here on
    await carol.page.close()
    return alice, ids


def search_statuses(page: Page) -> list[int]:
    """The status of every answer to GET /api/search the page receives."""
    statuses: list[int] = []

    def note(response: Response) -> None:
        if "/api/search?" in response.url:
            statuses.append(response.status)

    page.on("response", note)
    return statuses


async def test_the_sidebar_finds_messages_marks_the_word_and_opens_the_chat_by_keyboard(
    open_person: Open, web: LiveServer
) -> None:
    alice, ids = await people_talking(open_person, web)
    page = alice.page
    statuses = search_statuses(page)
    field = page.get_by_role("searchbox", name="Search messages")
    results = page.get_by_test_id("search-result")
    chats = page.get_by_test_id("chat-list")
    await expect(chats).to_be_visible()

    # A prefix without its accent finds the accented word, newest first, the word in a <mark>.
    await field.fill("deplo")
    await expect(results).to_have_count(3)
    await expect(results.get_by_test_id("search-result-name")).to_have_text(["Ops", "Carol", "Bob"])
    cafe = results.filter(has_text="Café")
    await expect(cafe.locator("mark")).to_have_text("déploiement")
    await expect(cafe.get_by_test_id("search-snippet")).to_have_text("Café déploiement demain à 9h")
    # In a group, whose message it is.
    await expect(
        results.filter(has_text="le groupe").get_by_test_id("search-snippet")
    ).to_have_text("Bob: Déploiement: le groupe")
    # The results stand in for the lists.
    await expect(chats).to_have_count(0)
    await expect(page.get_by_role("tab", name="Chats")).to_have_count(0)
    await screenshot(page, "search-desktop")

    # Bob and Carol's chat is theirs: its words find nothing here.
    await field.fill("confidentiel")
    await expect(page.get_by_text("No messages found.")).to_be_visible()
    await expect(results).to_have_count(0)

    # Query syntax of the search engines is only text: a calm answer, no error on the page.
    await field.fill(HOSTILE)
    await expect(
        page.get_by_text("No messages found.").or_(page.get_by_role("alert"))
    ).to_be_visible()
    assert statuses and all(status < 500 for status in statuses), statuses

    # Escape empties the field, keeps the focus there and brings the lists back.
    await field.press("Escape")
    await expect(field).to_have_value("")
    await expect(field).to_be_focused()
    await expect(chats).to_be_visible()
    # So does the clear button.
    await field.fill("deplo")
    await expect(results).to_have_count(3)
    await page.get_by_role("button", name="Clear search").click()
    await expect(field).to_have_value("")
    await expect(field).to_be_focused()
    await expect(chats).to_be_visible()

    # Down from the field into the results, Up back to it, Enter opens the chat.
    await field.fill("café")
    await expect(results).to_have_count(1)
    await field.press("ArrowDown")
    await expect(results.first).to_be_focused()
    await page.keyboard.press("ArrowUp")
    await expect(field).to_be_focused()
    await page.keyboard.press("ArrowDown")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(f"{web.url}/chat/u/{ids['Bob']}")
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Bob")

    # Escape in a field with text empties it, and the open conversation stays open.
    await field.press("Escape")
    await expect(field).to_have_value("")
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Bob")
    assert not alice.errors


async def test_on_a_phone_a_result_opens_its_conversation_and_back_returns_to_the_results(
    open_person: Open, web: LiveServer
) -> None:
    alice, ids = await people_talking(open_person, web, viewport=PHONE)
    page = alice.page
    field = page.get_by_role("searchbox", name="Search messages")
    await field.fill("deplo")
    results = page.get_by_test_id("search-result")
    await expect(results).to_have_count(3)
    await screenshot(page, "search-phone")
    await results.filter(has_text="le groupe").click()

    await expect(page).to_have_url(f"{web.url}/chat/g/{ids['Ops']}")
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Ops")
    await expect(field).to_be_hidden()  # the conversation has the screen, as for a chat opened

    await page.get_by_role("button", name="Back to chats").click()
    await expect(field).to_have_value("deplo")
    await results.filter(has_text="Carol").click()
    await expect(page).to_have_url(f"{web.url}/chat/u/{ids['Carol']}")
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Carol")
    assert not alice.errors


async def test_a_conversations_search_finds_only_its_own_messages(
    open_person: Open, web: LiveServer
) -> None:
    alice, ids = await people_talking(open_person, web)
    page = alice.page
    await alice.open_chat_with("Bob")
    button = page.get_by_role("button", name="Search in this conversation")
    await button.click(timeout=3_000)
    field = page.get_by_role("searchbox", name="Search this conversation")
    await expect(field).to_be_focused()

    # Carol's "déploiement" is in another conversation.
    await field.fill("deplo")
    results = page.get_by_test_id("search-result")
    await expect(results).to_have_count(1)
    await expect(results.locator("mark")).to_have_text("déploiement")

    # Escape empties the field, then closes the panel; the conversation stays open.
    await field.press("Escape")
    await expect(field).to_have_value("")
    await page.keyboard.press("Escape")
    await expect(field).to_have_count(0)
    await expect(button).to_be_focused()
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Bob")

    # A result chosen closes the panel, in the same chat.
    await button.click()
    await field.fill("deplo")
    await expect(results).to_have_count(1)
    await field.press("ArrowDown")
    await page.keyboard.press("Enter")
    await expect(field).to_have_count(0)
    await expect(page).to_have_url(f"{web.url}/chat/u/{ids['Bob']}")
    assert not alice.errors
