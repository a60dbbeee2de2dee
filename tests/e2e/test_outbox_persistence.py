"""Issue 19, item 1: a message written while the server is down outlives the tab. It is kept in
IndexedDB, sent on the next visit with its clientId, and arrives exactly once."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

from playwright.async_api import Page, Route, expect

from tests.conftest import LiveServer, Servers
from tests.e2e.conftest import Open, Person
from tests.e2e.test_history import user_id
from tests.e2e.test_polish import png
from tests.pictures import png_bytes

# Resolves to how many rows a store of this browser's IndexedDB database keeps (the outbox of
# unsent messages, or the drafts), once the page's client opened the database (version 2).
KEPT = """store => new Promise((resolve) => {
    const open = indexedDB.open('socketspace');
    open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains(store)) { db.close(); resolve(-1); return; }
        const count = db.transaction(store).objectStore(store).count();
        count.onsuccess = () => { db.close(); resolve(count.result); };
    };
    open.onerror = () => resolve(-1);
})"""


async def kept_count(page: Page, store: str = "outbox") -> int:
    return int(await page.evaluate(KEPT, store))


async def wait_kept(page: Page, count: int, store: str = "outbox") -> None:
    """Asked again until it is so: wait_for_function does not wait for IndexedDB's answer (a
    promise is a truthy value), so it cannot be the one asking."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while (kept := await kept_count(page, store)) != count:
        assert loop.time() < deadline, f"{store} keeps {kept}, not {count}"
        await page.wait_for_timeout(100)


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


async def test_messages_queued_offline_reach_the_server_in_the_order_typed(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    alice_id = await user_id(alice)
    await alice.open_chat_with("Bob")

    # The picture's upload is held until the text after it has had its chance to overtake it:
    # sent side by side, "third" and "fourth" would be stored first.
    upload: asyncio.Future[Route] = asyncio.get_running_loop().create_future()
    await alice.page.route("**/api/media", lambda route: upload.set_result(route))

    await alice.context.set_offline(True)
    await expect(alice.page.get_by_text("You are offline.")).to_be_visible()
    await alice.send("first")
    await alice.page.get_by_test_id("image-input").set_input_files(png())
    await expect(alice.page.get_by_test_id("image-preview").locator("img")).to_be_visible()
    await alice.page.get_by_role("button", name="Send message").click()
    await alice.send("third")
    await alice.send("fourth")
    await expect(alice.page.get_by_test_id("status-pending")).to_have_count(4)

    await alice.context.set_offline(False)
    held = await asyncio.wait_for(upload, 10)
    # "first" had its answer before the picture set out; what was typed after waits for it.
    assert await history_texts(bob, alice_id) == ["first"]
    await held.continue_()
    await expect(alice.page.get_by_test_id("status-pending")).to_have_count(0)
    assert await history_texts(bob, alice_id) == ["first", None, "third", "fourth"]
    assert not alice.errors


async def test_a_picture_on_its_way_has_its_own_shape_from_the_start(open_person: Open) -> None:
    """The composer decodes the picture it attaches: the pending bubble's box has the picture's
    shape at once (issue 19), the same box as the stored message's, not the fixed box of a
    picture of unknown size until the answer."""
    alice = await open_person("Alice")
    await open_person("Bob")
    await alice.open_chat_with("Bob")
    upload: asyncio.Future[Route] = asyncio.get_running_loop().create_future()
    await alice.page.route("**/api/media", lambda route: upload.set_result(route))

    tall = {"name": "tall.png", "mimeType": "image/png", "buffer": png_bytes(size=(90, 300))}
    await alice.page.get_by_test_id("image-input").set_input_files(tall)
    await expect(alice.page.get_by_test_id("image-preview").locator("img")).to_be_visible()
    await alice.page.get_by_role("button", name="Send message").click()
    held = await asyncio.wait_for(upload, 10)
    await expect(alice.page.get_by_test_id("status-pending")).to_have_count(1)
    picture = alice.page.get_by_role("button", name="Open picture").locator("img")
    await expect(picture).to_have_attribute("width", "90")
    await expect(picture).to_have_attribute("height", "300")
    pending = await picture.bounding_box()

    await held.continue_()
    await expect(alice.page.get_by_test_id("status-sent")).to_have_count(1)
    await expect(picture).to_have_attribute("width", "90")
    assert pending is not None and await picture.bounding_box() == pending
    assert round(pending["width"] / pending["height"], 2) == round(90 / 300, 2)
    assert not alice.errors
