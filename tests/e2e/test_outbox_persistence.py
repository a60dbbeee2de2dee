"""Issue 19, item 1: a message written while the server is down outlives the tab. It is kept in
IndexedDB, sent on the next visit with its clientId, and arrives exactly once."""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Page, expect

from tests.conftest import LiveServer, Servers
from tests.e2e.conftest import Open, Person
from tests.e2e.test_history import user_id
from tests.e2e.test_polish import png

# Resolves to how many unsent messages this browser keeps, once the page's client opened the
# database (its version 2 has the outbox).
KEPT = """() => new Promise((resolve) => {
    const open = indexedDB.open('socketspace');
    open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('outbox')) { db.close(); resolve(-1); return; }
        const count = db.transaction('outbox').objectStore('outbox').count();
        count.onsuccess = () => { db.close(); resolve(count.result); };
    };
    open.onerror = () => resolve(-1);
})"""


async def kept_count(page: Page) -> int:
    return int(await page.evaluate(KEPT))


async def wait_kept(page: Page, count: int) -> None:
    await page.wait_for_function(f"async () => (await ({KEPT})()) === {count}")


async def stop(web: LiveServer) -> None:
    await web.stop()


async def restart(servers: Servers, web: LiveServer) -> LiveServer:
    """The same app again on the same address and database, as after a server restart."""
    again = LiveServer(web.settings, urlsplit(web.url).port or 0)
    servers.running.append(again)
    return await again.start()


async def history_texts(person: Person, partner_id: str) -> list[str | None]:
    response = await person.context.request.get(f"/api/messages/{partner_id}")
    assert response.ok, await response.text()
    return [m["text"] for m in await response.json()]


async def test_messages_sent_while_the_server_is_down_survive_the_tab_and_arrive_once(
    open_person: Open, web: LiveServer, servers: Servers
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    alice_id, bob_id = await user_id(alice), await user_id(bob)
    await alice.open_chat_with("Bob")
    await bob.open_chat_with("Alice")

    await stop(web)
    await alice.send("Typed while the server was down")
    await alice.page.get_by_test_id("image-input").set_input_files(png())
    await expect(alice.page.get_by_test_id("image-preview").locator("img")).to_be_visible()
    await alice.page.get_by_role("button", name="Send message").click()
    await expect(alice.page.get_by_test_id("status-pending")).to_have_count(2)
    await expect(alice.page.get_by_test_id("status-pending").first).to_contain_text("Sending…")
    await wait_kept(alice.page, 2)
    await alice.page.close()  # the tab is closed; nothing was sent

    await restart(servers, web)
    page = await alice.context.new_page()
    page.on("pageerror", lambda exc: alice.errors.append(str(exc)))
    await page.goto("/chat")
    again = Person(alice.name, alice.email, alice.context, page, alice.errors)
    await again.open_chat_with("Bob")
    sent = again.bubbles("Typed while the server was down")
    await expect(sent).to_have_count(1)
    await expect(page.get_by_alt_text("Shared picture")).to_have_count(1)
    await expect(page.get_by_test_id("status-pending")).to_have_count(0)
    await wait_kept(page, 0)

    # Bob's tab reconnects by itself and hears of each once.
    await expect(bob.bubbles("Typed while the server was down")).to_have_count(1)
    await expect(bob.page.get_by_alt_text("Shared picture")).to_have_count(1)
    # Stored once each, in the order written: the text, then the picture.
    assert await history_texts(bob, alice_id) == ["Typed while the server was down", None]

    # A further visit sends nothing again.
    await page.reload()
    await again.open_chat_with("Bob")
    await expect(sent).to_have_count(1)
    assert await kept_count(page) == 0
    assert len(await history_texts(alice, bob_id)) == 2
    assert not alice.errors and not bob.errors


async def test_leaving_asks_first_only_while_something_is_unsent(
    open_person: Open, web: LiveServer, servers: Servers
) -> None:
    alice = await open_person("Alice")
    await open_person("Bob")
    await alice.open_chat_with("Bob")
    await stop(web)
    await alice.send("Not yet sent")
    await expect(alice.page.get_by_test_id("status-pending")).to_have_count(1)
    async with alice.page.expect_event("dialog") as asked:
        await alice.page.close(run_before_unload=True)
    question = await asked.value
    assert question.type == "beforeunload"
    await question.dismiss()  # stay on the page
    await expect(alice.bubbles("Not yet sent")).to_have_count(1)

    await restart(servers, web)
    await expect(alice.page.get_by_test_id("status-pending")).to_have_count(0)
    await expect(alice.page.get_by_test_id("status-sent")).to_have_count(1)
    async with alice.page.expect_event("close"):
        await alice.page.close(run_before_unload=True)  # nothing unsent: no question
    assert alice.errors == ["dialog: "]  # the fixture's note of the one question above
