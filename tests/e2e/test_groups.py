"""Groups in the web client, in real Chromium: three people make a group and talk in it (names,
typing, "Seen by", a picture, a phone), one is removed and stops receiving, the group is
renamed (also while someone is offline), one leaves; conversations have addresses."""

from __future__ import annotations

import io
import re
from typing import Any

from PIL import Image
from playwright.async_api import expect

from tests.e2e.conftest import PHONE, screenshot


def png() -> dict[str, Any]:
    picture = io.BytesIO()
    Image.new("RGB", (300, 200), (30, 140, 200)).save(picture, "PNG")
    return {"name": "p.png", "mimeType": "image/png", "buffer": picture.getvalue()}


async def test_three_people_make_a_group_talk_and_one_is_removed_and_one_leaves(open_person):
    ada = await open_person("Ada Lovelace")
    bo = await open_person("Bo Diddley")
    cy = await open_person("Cy Twombly", viewport=PHONE)
    for p in (ada, bo, cy):
        await p.page.reload()

    # Ada creates the group with Bo and Cy.
    await ada.page.get_by_test_id("new-group").click()
    dialog = ada.page.get_by_test_id("create-group")
    # Without a name it says so; the error goes as soon as a name is typed.
    await dialog.get_by_role("button", name="Create group").click()
    name_error = dialog.get_by_role("alert").filter(has_text="Give the group a name.")
    await expect(name_error).to_be_visible()
    await dialog.get_by_label("Group name").fill("Hikers")
    await expect(name_error).to_have_count(0)
    await dialog.get_by_role("searchbox", name="Search people").fill("o")
    await dialog.get_by_role("checkbox").first.wait_for()
    await dialog.get_by_text("Bo Diddley").click()
    await dialog.get_by_role("searchbox", name="Search people").fill("cy")
    await dialog.get_by_text("Cy Twombly").click()
    await dialog.get_by_test_id("group-picture-input").set_input_files(png())
    await dialog.get_by_role("button", name="Create group").click()
    await expect(ada.page.get_by_test_id("conversation-name")).to_have_text("Hikers")
    await expect(ada.page).to_have_url(re.compile(r"/chat/g/\d+$"))
    await expect(ada.page.get_by_test_id("group-details").locator("img")).to_have_attribute(
        "src", re.compile(r"^/api/media/")
    )
    # A picture in the group, sent over REST.
    await ada.page.get_by_test_id("image-input").set_input_files(png())
    await ada.page.get_by_role("textbox", name="Message").fill("The view")
    await ada.page.get_by_role("textbox", name="Message").press("Enter")
    await expect(ada.page.get_by_test_id("message").filter(has_text="The view")).to_have_attribute(
        "data-delivery", "sent"
    )
    await expect(ada.page.get_by_test_id("system-message").first).to_contain_text(
        "You created the group"
    )

    # Bo and Cy see it listed, live.
    await expect(bo.page.get_by_test_id("chat-list")).to_contain_text("Hikers")
    await expect(cy.page.get_by_test_id("chat-list")).to_contain_text("Hikers")

    # Ada writes; Bo sees the sender's first name in the list and an unread badge.
    box = ada.page.get_by_role("textbox", name="Message")
    await box.fill("Summit at noon")
    await box.press("Enter")
    bo_row = bo.page.get_by_test_id("chat-list").get_by_role("button", name=re.compile("Hikers"))
    await expect(bo_row).to_contain_text("Ada: Summit at noon")
    await expect(bo_row.get_by_test_id("unread-badge")).to_have_text(re.compile("2"))

    # Bo opens it: Ada's name heads her bubble; Ada sees "Seen by 1" and who.
    await bo_row.click()
    await expect(bo.page.get_by_test_id("sender-name").first).to_have_text("Ada Lovelace")
    await expect(ada.page.get_by_test_id("seen-by").last).to_have_text(re.compile("Seen by 1"))
    await ada.page.get_by_test_id("seen-by").last.focus()
    await ada.page.keyboard.press("Enter")
    await expect(ada.page.get_by_test_id("seen-by-list")).to_have_text("Bo Diddley")

    # Bo types: Ada reads "Bo is typing".
    await bo.page.get_by_role("textbox", name="Message").fill("on my")
    await expect(ada.page.get_by_test_id("typing-indicator")).to_contain_text("Bo is typing")
    await bo.page.get_by_role("textbox", name="Message").press("Enter")
    await expect(ada.page.get_by_test_id("message-text").filter(has_text="on my")).to_be_visible()
    await screenshot(ada.page, "group-desktop-light")

    # Cy on a phone: open the group, no sideways scrolling.
    await (
        cy.page.get_by_test_id("chat-list").get_by_role("button", name=re.compile("Hikers")).click()
    )
    await expect(cy.page.get_by_test_id("message-text").filter(has_text="on my")).to_be_visible()
    wide = await cy.page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    assert not wide
    await cy.page.get_by_test_id("group-details").click()
    await expect(cy.page.get_by_test_id("group-members")).to_be_visible()
    await screenshot(cy.page, "group-panel-phone-light")
    await cy.page.keyboard.press("Escape")
    await expect(cy.page.get_by_test_id("group-panel")).to_be_hidden()
    await expect(cy.page.get_by_test_id("conversation")).to_be_visible()

    # Cy starts a message she will not get to send.
    await cy.page.get_by_role("textbox", name="Message").fill("Bring the map")

    # Ada opens the panel, makes Bo an admin and removes Cy; Cy can no longer write.
    await ada.page.get_by_test_id("group-details").click()
    panel = ada.page.get_by_test_id("group-panel")
    await ada.page.get_by_test_id("seen-by").last.focus()
    await panel.get_by_role("button", name="Make Bo Diddley an admin").click()
    await expect(
        panel.get_by_test_id("group-member")
        .filter(has_text="Bo Diddley")
        .get_by_test_id("member-role")
    ).to_have_text("Admin")
    await panel.get_by_role("button", name="Remove Cy Twombly from the group").click()
    # It asks first, the safe choice focused: keeping changes nothing.
    confirm = panel.get_by_role("alertdialog", name="Remove Cy Twombly?")
    await expect(confirm.get_by_role("button", name="Keep")).to_be_focused()
    await confirm.get_by_role("button", name="Keep").click()
    await expect(confirm).to_have_count(0)
    await expect(
        panel.get_by_role("button", name="Remove Cy Twombly from the group")
    ).to_be_focused()
    await expect(panel.get_by_test_id("group-member")).to_have_count(3)
    await panel.get_by_role("button", name="Remove Cy Twombly from the group").click()
    await confirm.get_by_role("button", name="Remove").click()
    await expect(panel.get_by_test_id("group-member")).to_have_count(2)
    await expect(cy.page.get_by_test_id("not-a-member")).to_be_visible()
    # What she was writing is still there to copy, not gone with the composer; or let go.
    kept = cy.page.get_by_test_id("kept-draft")
    await expect(kept).to_contain_text("Bring the map")
    await expect(kept.get_by_role("button", name="Copy")).to_be_visible()
    await kept.get_by_role("button", name="Discard").click()
    await expect(kept).to_have_count(0)
    await ada.page.keyboard.press("Escape")
    await expect(panel).to_be_hidden()
    await expect(
        ada.page.get_by_test_id("system-message").filter(has_text="You removed Cy Twombly")
    ).to_be_visible()

    # Ada renames the group; Bo sees the new name.
    await ada.page.get_by_test_id("group-details").click()
    await panel.get_by_role("button", name="Rename the group").click()
    await panel.get_by_label("Group name").fill("Hill walkers")
    await panel.get_by_role("button", name="Save").click()
    await expect(panel.get_by_test_id("group-name")).to_have_text("Hill walkers")
    await ada.page.keyboard.press("Escape")
    await expect(bo.page.get_by_test_id("conversation-name")).to_have_text("Hill walkers")
    await expect(
        bo.page.get_by_test_id("system-message").filter(
            has_text="renamed the group to “Hill walkers”"
        )
    ).to_be_visible()

    # Ada writes; Cy, removed, does not receive it.
    await ada.page.get_by_role("textbox", name="Message").fill("Just us now")
    await ada.page.get_by_role("textbox", name="Message").press("Enter")
    await expect(
        bo.page.get_by_test_id("message-text").filter(has_text="Just us now")
    ).to_be_visible()
    await expect(
        cy.page.get_by_test_id("message-text").filter(has_text="Just us now")
    ).to_have_count(0)

    # Renamed while Bo is offline: his reconnect brings the new name.
    await bo.context.set_offline(True)
    await expect(bo.page.get_by_test_id("connection-status")).to_be_visible()
    await ada.page.get_by_test_id("group-details").click()
    await panel.get_by_role("button", name="Rename the group").click()
    await panel.get_by_label("Group name").fill("Fell runners")
    await panel.get_by_role("button", name="Save").click()
    await expect(panel.get_by_test_id("group-name")).to_have_text("Fell runners")
    await ada.page.keyboard.press("Escape")
    await bo.context.set_offline(False)
    await expect(bo.page.get_by_test_id("conversation-name")).to_have_text("Fell runners")
    await expect(bo.page.get_by_test_id("chat-list")).to_contain_text("Fell runners")

    # Bo leaves, after saying so twice.
    await bo.page.get_by_test_id("group-details").click()
    bo_panel = bo.page.get_by_test_id("group-panel")
    await bo_panel.get_by_role("button", name="Leave group").click()
    await expect(bo_panel.get_by_test_id("confirm-leave")).to_be_visible()
    await bo_panel.get_by_role("button", name="Leave", exact=True).click()
    await expect(bo.page.get_by_test_id("not-a-member")).to_be_visible()
    await expect(
        ada.page.get_by_test_id("system-message").filter(has_text="Bo Diddley left")
    ).to_be_visible()

    # A reload keeps the group open by its address.
    await ada.page.reload()
    await expect(ada.page.get_by_test_id("conversation-name")).to_have_text("Fell runners")
    # Direct chats still work beside the group.
    await ada.open_chat_with("Bo Diddley")
    await ada.send("direct hello")
    await expect(bo.page.get_by_test_id("chat-list")).to_contain_text("direct hello")

    for p in (ada, bo, cy):
        assert p.errors == [], p.errors


async def test_a_group_that_is_not_mine_says_so_by_its_address_and_back_works(open_person):
    ada = await open_person("Ada Lovelace")
    await ada.page.get_by_test_id("new-group").click()
    dialog = ada.page.get_by_test_id("create-group")
    await dialog.get_by_label("Group name").fill("Fell runners")
    await dialog.get_by_role("button", name="Create group").click()
    await expect(ada.page).to_have_url(re.compile(r"/chat/g/\d+$"))
    assert ada.errors == [], ada.errors
