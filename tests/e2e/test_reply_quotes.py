"""Issue 18, a quote of what the reader may not read, in real Chromium: someone who joined a
group after a message sees a reply to it with the quote unavailable (no words of it, no name,
no jump), in their history and live; those who were there see it whole."""

from __future__ import annotations

from typing import Any

from playwright.async_api import expect

from tests.e2e.conftest import Open, Person
from tests.e2e.test_history import user_id


async def api(person: Person, path: str, data: dict[str, Any]) -> dict[str, Any]:
    origin = person.page.url.split("/chat")[0]
    response = await person.context.request.post(path, data=data, headers={"Origin": origin})
    assert response.ok, await response.text()
    body: dict[str, Any] = await response.json()
    return body


async def test_a_newcomer_sees_a_quote_of_what_came_before_them_as_unavailable(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    carol = await open_person("Carol")
    group = await api(alice, "/api/groups", {"name": "Crew", "memberIds": [await user_id(bob)]})
    messages = f"/api/groups/{group['_id']}/messages"
    secret = await api(alice, messages, {"text": "the secret recipe"})
    await api(alice, f"/api/groups/{group['_id']}/members", {"userIds": [await user_id(carol)]})
    await api(bob, messages, {"text": "agreed", "replyToId": secret["_id"]})

    page = carol.page
    await page.goto(f"/chat/g/{group['_id']}")
    await expect(page.get_by_test_id("conversation-name")).to_have_text("Crew")
    quote = page.get_by_test_id("message").filter(has_text="agreed").get_by_test_id("reply-quote")
    await expect(quote).to_have_text("Reply to An earlier message you cannot see")
    await expect(
        page.get_by_role("button", name="An earlier message you cannot see")
    ).to_have_count(0)
    await expect(page.get_by_text("the secret recipe")).to_have_count(0)

    # Live: another answer to it arrives the same way.
    await api(bob, messages, {"text": "truly", "replyToId": secret["_id"]})
    live = page.get_by_test_id("message").filter(has_text="truly").get_by_test_id("reply-quote")
    await expect(live).to_have_text("Reply to An earlier message you cannot see")
    await expect(page.get_by_text("the secret recipe")).to_have_count(0)

    # Alice, who wrote it, sees it whole, and her quote leads to it.
    await alice.page.goto(f"/chat/g/{group['_id']}")
    whole = (
        alice.page.get_by_test_id("message").filter(has_text="truly").get_by_test_id("reply-quote")
    )
    await expect(whole).to_have_text("Reply to Youthe secret recipe")
    await expect(whole).to_have_attribute("title", "Show the original message")
    assert carol.errors == [] and alice.errors == []
