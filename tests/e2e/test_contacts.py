"""Issue 19, item 14: people beyond the first page are found by a search on the server as one
types, and the contacts list pages in as it scrolls."""

from __future__ import annotations

from playwright.async_api import Request, expect

from socketspace.db import Database
from tests.api.test_users_search import seed_people
from tests.e2e.conftest import Open

CROWD = 600  # more than the 500 the client once loaded, and all it ever searched
PAGE = 500  # people per page of the list


async def test_someone_beyond_the_first_pages_is_found_by_a_search_as_one_types(
    db: Database, open_person: Open
) -> None:
    # "Zebulon" sorts after everyone else: on none of the first pages.
    await seed_people(db, [f"Member {n:03}" for n in range(CROWD)] + ["Zebulon Far"])
    alice = await open_person("Alice")
    searches: list[str] = []

    def note(request: Request) -> None:
        if "/api/messages/contacts" in request.url and "q=" in request.url:
            searches.append(request.url)

    alice.page.on("request", note)
    await alice.page.get_by_role("tab", name="Contacts").click()
    contacts = alice.page.get_by_test_id("contact-list")
    await expect(contacts.get_by_role("button", name="Member 000")).to_be_visible()
    await expect(contacts.get_by_role("button", name="Zebulon Far")).to_have_count(0)

    await alice.page.get_by_label("Search people").press_sequentially("zebulon", delay=40)
    await expect(contacts.get_by_role("button")).to_have_count(1)
    # Asked once typing paused, not once per key.
    assert len(searches) == 1, searches
    assert "q=zebulon" in searches[0]

    # The search is the sidebar's: the group member picker still starts from everyone.
    await alice.page.get_by_test_id("new-group").click()
    picker = alice.page.get_by_test_id("create-group")
    await expect(picker.get_by_text("Member 000")).to_be_visible()
    await alice.page.keyboard.press("Escape")
    await expect(picker).to_have_count(0)

    await contacts.get_by_role("button", name="Zebulon Far").click()
    await expect(alice.page.get_by_test_id("conversation-name")).to_have_text("Zebulon Far")
    # An emptied box lists everyone again, from the first page.
    await alice.page.get_by_label("Search people").fill("")
    await expect(contacts.get_by_role("button", name="Member 000")).to_be_visible()
    assert not alice.errors


async def test_the_contacts_list_pages_in_as_it_scrolls_to_the_last_person(
    db: Database, open_person: Open
) -> None:
    await seed_people(db, [f"Member {n:03}" for n in range(CROWD)])
    alice = await open_person("Alice")
    await alice.page.get_by_role("tab", name="Contacts").click()
    rows = alice.page.get_by_test_id("contact-list").get_by_role("button")
    await expect(rows.first).to_contain_text("Member 000")
    await expect(rows).to_have_count(PAGE)  # one page

    more = alice.page.get_by_test_id("more-contacts")
    for _ in range(CROWD // PAGE + 1):
        if await more.count() == 0:
            break
        shown = await rows.count()
        await more.scroll_into_view_if_needed()
        await expect(rows).not_to_have_count(shown)
    await expect(more).to_have_count(0)
    await expect(rows).to_have_count(CROWD)
    await expect(rows.last).to_contain_text("Member 599")
    # In name order, each once.
    names = (
        await alice.page.get_by_test_id("contact-list")
        .get_by_test_id("chat-name")
        .all_inner_texts()
    )
    assert names == [f"Member {n:03}" for n in range(CROWD)]
    assert not alice.errors


async def test_searching_the_chats_finds_people_without_a_chat_too(open_person: Open) -> None:
    """ "Search people" over the Chats tab said "No chats match" for someone who was right there
    in Contacts (a new user's first search): people it finds with no chat yet come under the
    chats that match (WhatsApp, Telegram), one click from a conversation."""
    alice = await open_person("Alice")
    await open_person("Bob")
    await open_person("Barbara")
    await open_person("Carol")
    await alice.open_chat_with("Bob")
    await alice.send("Hi Bob")
    await alice.page.get_by_role("tab", name="Chats").click()
    search = alice.page.get_by_label("Search people")
    chats = alice.page.get_by_test_id("chat-list")
    found = alice.page.get_by_test_id("found-people")

    await search.fill("b")
    await expect(chats.get_by_role("button", name="Bob")).to_be_visible()
    await expect(found.get_by_role("button")).to_have_count(1)  # Bob is a chat: not again
    await expect(found.get_by_role("button", name="Barbara")).to_be_visible()
    await expect(alice.page.get_by_role("region", name="People")).to_contain_text("Barbara")

    await search.fill("carol")
    await expect(chats).to_have_count(0)
    await found.get_by_role("button", name="Carol").click()
    await expect(alice.page.get_by_test_id("conversation-name")).to_have_text("Carol")
    assert await alice.page.get_by_role("tab", name="Chats").get_attribute("aria-selected") == (
        "true"
    )

    await search.fill("nobody at all")
    await expect(alice.page.get_by_text("Nobody and no chat by that name")).to_be_visible()
    assert alice.errors == []
