"""Issue 18, mentions in real Chromium: `@` in a group's composer suggests its members (a
listbox driven from the text box: arrows, Enter, Escape), the pick goes in as `@Full Name` and
travels as an id; the one mentioned sees the message marked, their name as a chip, and the
server counts it in their mentionCount until they read the group."""

from __future__ import annotations

import asyncio
from typing import Any

from playwright.async_api import Page, expect

from tests.e2e.conftest import Open, Person
from tests.e2e.test_accessibility import BLOCKING, axe
from tests.e2e.test_history import user_id

# A message's bubble's background.
BUBBLE_BACKGROUND = 'm => getComputedStyle(m.querySelector(".chat-bubble")).backgroundColor'

__all__ = ["axe"]  # the fixture, shared with test_accessibility

ORIGIN_HEADER = "Origin"


async def violations_in(page: Page, axe: str, selectors: list[str]) -> list[str]:
    """axe's serious and critical findings within these elements (the rest of the page is
    test_accessibility's)."""
    if not await page.evaluate("() => 'axe' in window"):
        await page.evaluate(axe)
    report: dict[str, Any] = await page.evaluate(
        "(selectors) => axe.run({include: selectors.map((s) => [s])},"
        " {resultTypes: ['violations']})",
        selectors,
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']}"
        for v in report["violations"]
        if v["impact"] in BLOCKING
    ]


async def conversations(person: Person) -> list[dict[str, Any]]:
    response = await person.context.request.get("/api/conversations")
    assert response.ok, await response.text()
    listed: list[dict[str, Any]] = await response.json()
    return listed


async def mention_count(person: Person, group_id: str) -> int:
    entry = next(e for e in await conversations(person) if e["_id"] == group_id)
    return int(entry["mentionCount"])


async def until_mention_count(person: Person, group_id: str, wanted: int) -> None:
    """The server's count, asked again until it is `wanted` (a read travels over the socket)."""
    for _ in range(100):
        if await mention_count(person, group_id) == wanted:
            return
        await asyncio.sleep(0.1)
    assert await mention_count(person, group_id) == wanted


async def test_a_member_picked_from_the_keyboard_is_mentioned_and_sees_it_marked(
    open_person: Open, axe: str
) -> None:
    alice = await open_person("Alice Liddell")
    bob = await open_person("Bob Builder")
    bonnie = await open_person("Bonnie Tyler")
    carol = await open_person("Carol Ann")
    members = [await user_id(p) for p in (bob, bonnie, carol)]
    made = await alice.context.request.post(
        "/api/groups",
        data={"name": "Crew", "memberIds": members},
        headers={ORIGIN_HEADER: alice.page.url.split("/chat")[0]},
    )
    assert made.status == 201, await made.text()
    group_id = str((await made.json())["_id"])
    await bob.page.reload()
    page = alice.page
    await page.goto(f"/chat/g/{group_id}")
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Crew")
    box = page.get_by_role("textbox", name="Message")
    suggestions = page.get_by_role("listbox", name="Members to mention")

    # Escape closes the suggestions only: the conversation stays open.
    await box.press_sequentially("@Ca")
    await expect(suggestions.get_by_test_id("mention-name")).to_have_text(["Carol Ann"])
    await box.press("Escape")
    await expect(suggestions).to_have_count(0)
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Crew")
    await box.fill("")

    # "@Bo": Bob and Bonnie, not me; the arrows move, Enter picks.
    await box.press_sequentially("@Bo")
    options = suggestions.get_by_role("option")
    await expect(suggestions.get_by_test_id("mention-name")).to_have_text(
        ["Bob Builder", "Bonnie Tyler"]
    )
    # The open list and the text box leading it.
    found = await violations_in(page, axe, ['[data-testid="mention-suggestions"]', "textarea"])
    assert found == []
    await expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    await box.press("ArrowDown")
    await expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    await expect(box).to_have_attribute(
        "aria-activedescendant", await options.nth(1).get_attribute("id") or "?"
    )
    await box.press("ArrowUp")
    await expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    # A busy machine: frames come late. The caret must be after the name before the next key,
    # not moved there on a later frame, after letters typed since (they came out scrambled).
    await page.evaluate(
        "() => { window.requestAnimationFrame = (f) => setTimeout(() => f(0), 300); }"
    )
    await box.press("Enter")
    await expect(suggestions).to_have_count(0)
    await expect(box).to_have_value("@Bob Builder ")
    await expect(box).to_be_focused()
    await box.press_sequentially("are you in?", delay=100)  # the late frame comes meanwhile
    await box.press("Enter")
    sent = page.get_by_test_id("message").filter(has_text="are you in?")
    await expect(sent).to_have_attribute("data-delivery", "sent")
    await expect(sent.get_by_test_id("mention")).to_have_text("@Bob Builder")

    # Stored with Bob's id, counted for him alone while he has not read it.
    bob_id = members[0]
    history = await alice.context.request.get(f"/api/groups/{group_id}/messages")
    stored = [m for m in await history.json() if m.get("kind") == "text"]
    assert [(m["text"], m["mentions"]) for m in stored] == [("@Bob Builder are you in?", [bob_id])]
    await until_mention_count(bob, group_id, 1)
    assert await mention_count(bonnie, group_id) == 0

    # Bob sees it marked, his name as a chip; opening the group reads it and clears the count.
    await bob.page.get_by_test_id("chat-row").filter(has_text="Crew").click()
    theirs = bob.page.get_by_test_id("message").filter(has_text="are you in?")
    await expect(theirs).to_have_attribute("data-mentions-me", "true")
    await expect(theirs.get_by_test_id("mention")).to_have_attribute("data-me", "true")
    # Tinted (the tail takes the bubble's colour: an outline stopped where the tail began).
    tinted = await theirs.evaluate(BUBBLE_BACKGROUND)
    await until_mention_count(bob, group_id, 0)
    # Bonnie, not mentioned, sees no mark.
    await bonnie.page.reload()
    await bonnie.page.get_by_test_id("chat-row").filter(has_text="Crew").click()
    hers = bonnie.page.get_by_test_id("message").filter(has_text="are you in?")
    await expect(hers.get_by_test_id("mention")).to_have_text("@Bob Builder")
    await expect(hers).not_to_have_attribute("data-mentions-me", "true")
    assert await hers.evaluate(BUBBLE_BACKGROUND) != tinted
    for person in (alice, bob, bonnie, carol):
        assert person.errors == [], person.errors


async def crew(alice: Person, *others: Person) -> str:
    """A group of Alice's with these members, open on her page."""
    members = [await user_id(p) for p in others]
    made = await alice.context.request.post(
        "/api/groups",
        data={"name": "Crew", "memberIds": members},
        headers={ORIGIN_HEADER: alice.page.url.split("/chat")[0]},
    )
    assert made.status == 201, await made.text()
    group_id = str((await made.json())["_id"])
    await alice.page.goto(f"/chat/g/{group_id}")
    await expect(alice.page.get_by_test_id("conversation-name")).to_have_text("Crew")
    return group_id


async def pick(page: Page, typed: str, name: str) -> None:
    """`typed` after an @ in the composer, then the member named `name` picked with Enter."""
    box = page.get_by_role("textbox", name="Message")
    await box.press_sequentially(f"@{typed}")
    suggestions = page.get_by_role("listbox", name="Members to mention")
    await expect(suggestions.get_by_test_id("mention-name").first).to_have_text(name)
    await box.press("Enter")
    await expect(suggestions).to_have_count(0)


async def stored_texts(person: Person, group_id: str) -> list[tuple[str, list[str]]]:
    history = await person.context.request.get(f"/api/groups/{group_id}/messages")
    assert history.ok, await history.text()
    return [(m["text"], m["mentions"]) for m in await history.json() if m.get("kind") == "text"]


async def test_a_message_naming_someone_who_left_while_it_waited_still_arrives(
    open_person: Open,
) -> None:
    """Typed offline, mentioning Carol and Bob; Carol leaves before it is sent: the server
    refuses the mentions (she is no member), and the client sends it once more, text
    unchanged, naming only Bob, who is still in the group."""
    alice = await open_person("Alice Liddell")
    bob = await open_person("Bob Builder")
    carol = await open_person("Carol Ann")
    group_id = await crew(alice, bob, carol)
    page = alice.page
    await alice.context.set_offline(True)
    await expect(page.get_by_text("You are offline.")).to_be_visible()
    await pick(page, "Car", "Carol Ann")
    box = page.get_by_role("textbox", name="Message")
    await box.press_sequentially("and ")
    await pick(page, "Bo", "Bob Builder")
    await box.press_sequentially("bring the map")
    await box.press("Enter")
    await expect(page.get_by_test_id("status-pending")).to_have_count(1)

    carol_id = await user_id(carol)
    left = await carol.context.request.delete(
        f"/api/groups/{group_id}/members/{carol_id}",
        headers={ORIGIN_HEADER: carol.page.url.split("/chat")[0]},
    )
    assert left.ok, await left.text()
    await alice.context.set_offline(False)
    sent = page.get_by_test_id("message").filter(has_text="bring the map")
    await expect(sent).to_have_attribute("data-delivery", "sent")
    assert await stored_texts(alice, group_id) == [
        ("@Carol Ann and @Bob Builder bring the map", [await user_id(bob)])
    ]
    assert alice.errors == [], alice.errors


async def test_a_draft_keeps_its_picks_across_a_reload(open_person: Open) -> None:
    """The picks live with the draft in IndexedDB: after a reload "@Bob Builder" still
    mentions the Bob who was picked."""
    alice = await open_person("Alice Liddell")
    bob = await open_person("Bob Builder")
    bob_id = await user_id(bob)
    group_id = await crew(alice, bob)
    page = alice.page
    await pick(page, "Bo", "Bob Builder")
    await page.get_by_role("textbox", name="Message").press_sequentially("later?")
    await wait_kept_draft(page, "@Bob Builder later?")

    await page.reload()
    box = page.get_by_role("textbox", name="Message")
    await expect(box).to_have_value("@Bob Builder later?")
    await box.press("Enter")
    sent = page.get_by_test_id("message").filter(has_text="later?")
    await expect(sent).to_have_attribute("data-delivery", "sent")
    assert await stored_texts(alice, group_id) == [("@Bob Builder later?", [bob_id])]
    assert alice.errors == [], alice.errors


# The drafts this browser keeps, as [text, ids of the members picked] (see lib/localDb.ts).
DRAFTS = """() => new Promise((resolve) => {
    const open = indexedDB.open('socketspace');
    open.onsuccess = () => {
        const db = open.result;
        const all = db.transaction('drafts').objectStore('drafts').getAll();
        all.onsuccess = () => {
            db.close();
            resolve(all.result.map((d) => [d.text, (d.mentions || []).map((m) => m._id)]));
        };
    };
    open.onerror = () => resolve([]);
})"""


async def wait_kept_draft(page: Page, text: str) -> None:
    """Asked again until the draft is kept (IndexedDB answers by promise), so that the reload
    finds it; whether its picks came with it is the send's to show."""
    for _ in range(100):
        kept = await page.evaluate(DRAFTS)
        if any(t == text for t, _ in kept):
            return
        await page.wait_for_timeout(100)
    raise AssertionError(f"no draft {text!r}: {await page.evaluate(DRAFTS)}")
