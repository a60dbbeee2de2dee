"""The client as an installable app (issue 19): a manifest with icons, a service worker that
keeps the app shell, and the app opening offline on the chats of the person signed in."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.conftest import LiveServer
from tests.e2e.conftest import Open, Person


async def installed(person: Person) -> None:
    """Wait for the service worker to hold the app shell; the next page load is served by it
    (as for anyone's second visit)."""
    await person.page.evaluate("() => navigator.serviceWorker.ready")
    await person.page.reload()
    await person.page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    await expect(person.page.get_by_test_id("my-name")).to_have_text(person.name)


async def test_the_manifest_names_the_app_and_its_icons_are_served(open_person: Open) -> None:
    alice = await open_person("Alice")
    link = alice.page.locator('link[rel="manifest"]')
    manifest = (await alice.context.request.get(await link.get_attribute("href") or "")).json
    app = await manifest()
    assert app["name"] == "SocketSpace" and app["display"] == "standalone"
    assert app["start_url"] == "/chat"
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in app["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in app["icons"]:
        served = await alice.context.request.get(icon["src"])
        assert served.status == 200 and served.headers["content-type"] == "image/png"
    await installed(alice)
    worker = await alice.page.evaluate("navigator.serviceWorker.controller.scriptURL")
    assert worker.endswith("/sw.js")
    assert alice.errors == []


async def test_offline_the_app_opens_on_my_chats_and_says_it_is_offline(
    open_person: Open, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    alice_id = await alice.page.evaluate(
        "async () => (await (await fetch('/api/auth/check')).json())._id"
    )
    sent = await bob.context.request.post(
        f"/api/messages/send/{alice_id}", data={"text": "see you"}, headers={"Origin": web.url}
    )
    assert sent.status == 201, await sent.text()
    await installed(alice)
    await alice.context.set_offline(True)
    await alice.page.reload()
    # The shell came from the service worker; who I am from this device; the banner says why
    # nothing new arrives, and the chats could not be asked for.
    await expect(alice.page.get_by_test_id("my-name")).to_have_text("Alice")
    await expect(alice.page.get_by_text("You are offline.")).to_be_visible()
    chats = alice.page.get_by_test_id("chat-row")
    await expect(chats).to_have_count(0)

    # Back online, the lists that could not load come, without a reload.
    await alice.context.set_offline(False)
    await expect(alice.page.get_by_text("You are offline.")).to_be_hidden()
    await expect(chats.filter(has_text="Bob")).to_have_count(1)
    await expect(chats.filter(has_text="see you")).to_have_count(1)


NONCE = "() => document.querySelector('meta[property=\"csp-nonce\"]').nonce"


PAGES_KEPT = """async () => (await caches.has('pages'))
    ? (await (await caches.open('pages')).keys()).length : 0"""


async def test_an_online_reload_gets_a_fresh_page_and_nonce_from_the_server(
    open_person: Open,
) -> None:
    alice = await open_person("Alice")
    await installed(alice)
    nonces = set()
    for _ in range(2):
        # Each page comes from the network while it answers, with the nonce it made for it
        # (the worker's kept shell would bring the same old nonce every time).
        async with alice.page.expect_response(re.compile(r"/chat$")) as answered:
            await alice.page.reload()
        page = await answered.value
        assert page.from_service_worker  # the worker asked the network on the page's behalf
        await expect(alice.page.get_by_test_id("my-name")).to_have_text("Alice")
        nonce = await alice.page.evaluate(NONCE)
        assert nonce and nonce in (await page.header_value("content-security-policy") or "")
        nonces.add(nonce)
    assert len(nonces) == 2
    # No copy of a page is kept beside the shell (one would outlive its deploy's assets).
    assert await alice.page.evaluate(PAGES_KEPT) == 0
    assert alice.errors == []


async def test_signing_out_forgets_me_on_this_device(open_person: Open) -> None:
    alice = await open_person("Alice")
    await installed(alice)
    await alice.page.get_by_role("button", name="Log out").click()
    await expect(alice.page).to_have_url(re.compile(r"/login$"))
    await alice.context.set_offline(True)
    await alice.page.goto("/chat")
    # Offline and signed out: the login page, never the chats of whoever was here before.
    await expect(alice.page.get_by_role("button", name="Log in")).to_be_visible()
