"""Issue 19, item 9: blocking and reporting in the interface. Settings lists the people I
blocked, with Unblock after a confirmation; the conversation header offers Block and Report."""

from __future__ import annotations

import re

from playwright.async_api import expect
from sqlalchemy import select

from socketspace.db import Database
from socketspace.models import Report
from tests.conftest import LiveServer
from tests.e2e.conftest import Open, Person
from tests.e2e.test_history import user_id


async def api(person: Person, web: LiveServer, method: str, path: str, **data: object) -> int:
    response = await person.context.request.fetch(
        path, method=method, data=data or None, headers={"Origin": web.url}
    )
    return response.status


async def blocked_ids(person: Person) -> list[str]:
    response = await person.context.request.get("/api/users/blocked")
    return list((await response.json())["blocked"])


async def test_settings_lists_the_blocked_and_unblocks_after_asking(
    open_person: Open, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    mallory = await open_person("Mallory")
    bea = await open_person("Bea")
    mallory_id = await user_id(mallory)
    assert await api(alice, web, "POST", f"/api/users/{mallory_id}/block") == 200
    assert await api(alice, web, "POST", f"/api/users/{await user_id(bea)}/block") == 200
    await alice.page.reload()
    page = alice.page

    await page.get_by_role("button", name="Settings").click()
    settings = page.get_by_role("dialog", name="Settings")
    blocked = settings.get_by_role("list", name="Blocked people")
    await expect(blocked.get_by_role("listitem")).to_have_text(
        [re.compile("Bea"), re.compile("Mallory")]
    )

    # Asked first: Cancel changes nothing.
    await blocked.get_by_role("button", name="Unblock Mallory").click()
    question = page.get_by_role("dialog", name="Unblock Mallory?")
    await expect(question).to_be_visible()
    await question.get_by_role("button", name="Cancel").click()
    await expect(question).to_have_count(0)
    await expect(settings).to_be_visible()  # the question closed, not Settings under it
    assert mallory_id in await blocked_ids(alice)

    await blocked.get_by_role("button", name="Unblock Mallory").click()
    await question.get_by_role("button", name="Unblock").click()
    await expect(question).to_have_count(0)
    await expect(page.get_by_text("Mallory is unblocked.")).to_be_visible()
    await expect(blocked.get_by_role("listitem")).to_have_text([re.compile("Bea")])
    assert mallory_id not in await blocked_ids(alice)
    # Mallory may write again.
    alice_id = await user_id(alice)
    assert await api(mallory, web, "POST", f"/api/messages/send/{alice_id}", text="hi") == 201

    await blocked.get_by_role("button", name="Unblock Bea").click()
    await (
        page.get_by_role("dialog", name="Unblock Bea?")
        .get_by_role("button", name="Unblock")
        .click()
    )
    await expect(settings.get_by_test_id("blocked-empty")).to_have_text(
        "You have not blocked anyone."
    )
    assert await blocked_ids(alice) == []
    assert not alice.errors


async def test_block_and_report_from_the_conversation_header(
    open_person: Open, web: LiveServer, db: Database
) -> None:
    alice = await open_person("Alice")
    mallory = await open_person("Mallory")
    await mallory.open_chat_with("Alice")
    await mallory.send("Buy cheap watches")
    await alice.open_chat_with("Mallory")
    await expect(alice.bubbles("Buy cheap watches")).to_have_count(1)
    page = alice.page

    # The header's menu: Report covers Mallory's newest message.
    await page.get_by_role("button", name="Conversation options").click()
    await page.get_by_role("menuitem", name="Report…").click()
    report = page.get_by_role("dialog", name="Report a message from Mallory")
    await expect(report.get_by_text("Buy cheap watches")).to_be_visible()
    await report.get_by_label("What is wrong with it? (optional)").fill("spam")
    await report.get_by_label("Also block Mallory").check()
    await report.get_by_role("button", name="Report").click()
    await expect(report).to_have_count(0)
    await expect(
        page.get_by_text("Thank you. The message was reported to the people who run this server.")
    ).to_be_visible()
    assert await blocked_ids(alice) == [await user_id(mallory)]
    async with db.read() as session:
        reasons = (await session.scalars(select(Report.reason))).all()
    assert reasons == ["spam"]

    # After the block the same menu offers Unblock.
    await page.get_by_role("button", name="Conversation options").click()
    await page.get_by_role("menuitem", name="Unblock Mallory").click()
    await (
        page.get_by_role("dialog", name="Unblock Mallory?")
        .get_by_role("button", name="Unblock")
        .click()
    )
    await expect(page.get_by_text("Mallory is unblocked.")).to_be_visible()
    assert await blocked_ids(alice) == []

    # Block, this time from the menu of her message.
    await alice.bubbles("Buy cheap watches").hover()
    await page.get_by_role("button", name="Message actions").click()
    await page.get_by_role("menuitem", name="Block Mallory").click()
    question = page.get_by_role("dialog", name="Block Mallory?")
    await question.get_by_role("button", name="Block").click()
    await expect(page.get_by_text("Mallory is blocked.")).to_be_visible()
    assert await blocked_ids(alice) == [await user_id(mallory)]
    await mallory.send("Are you there?")
    await expect(mallory.page.get_by_test_id("send-failed")).to_contain_text(
        "You can't message this person."
    )
    assert not alice.errors
