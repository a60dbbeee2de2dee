"""The group member picker finds people on the server as one types, not only among the first
pages of contacts the page has loaded (issue 19, item 14's search, in the picker)."""

from __future__ import annotations

from playwright.async_api import expect

from socketspace.db import Database
from tests.api.test_users_search import seed_people
from tests.e2e.conftest import Open

CROWD = 600  # more than one page of contacts (500)


async def test_the_member_picker_finds_someone_beyond_the_loaded_contacts(
    db: Database, open_person: Open
) -> None:
    # "Zebulon" sorts after everyone else: on none of the pages loaded.
    await seed_people(db, [f"Member {n:03}" for n in range(CROWD)] + ["Zebulon Far"])
    alice = await open_person("Alice")
    page = alice.page
    await page.get_by_test_id("new-group").click()
    dialog = page.get_by_test_id("create-group")
    picker = dialog.get_by_test_id("people-picker")
    await expect(picker.get_by_text("Member 000")).to_be_visible()

    await dialog.get_by_role("searchbox", name="Search people").fill("zebulon")
    zebulon = picker.get_by_role("checkbox", name="Zebulon Far")
    await zebulon.check()
    # Picked, by name, though the page's contacts never held them.
    await expect(dialog.get_by_role("list", name="Picked")).to_have_text("Zebulon Far")
    await dialog.get_by_role("searchbox", name="Search people").fill("")
    await expect(picker.get_by_text("Member 000")).to_be_visible()
    await expect(dialog.get_by_role("list", name="Picked")).to_have_text("Zebulon Far")

    await dialog.get_by_label("Group name").fill("Far friends")
    await dialog.get_by_role("button", name="Create group").click()
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Far friends")
    await expect(page.get_by_test_id("group-status")).to_contain_text("2 members")
    assert not alice.errors
