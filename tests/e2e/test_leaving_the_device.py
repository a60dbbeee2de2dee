"""What this browser keeps of a person (unsent messages, drafts, who was signed in) never goes
to, or out as, anyone else (issue 19, review of the offline start): on every way out it is
forgotten, and a page that opened offline on the last person's chats asks the server who is
signed in before it sends anything."""

from __future__ import annotations

import asyncio
import re

import pytest
from playwright.async_api import Browser, Request, Route, WebSocket, expect

from tests.conftest import LiveServer
from tests.e2e.conftest import PASSWORD, USER_AGENT, Open, Person
from tests.e2e.test_history import user_id
from tests.e2e.test_outbox_persistence import wait_kept
from tests.e2e.test_pwa import installed


async def messages_from(reader: Person, sender_id: str) -> list[str | None]:
    response = await reader.context.request.get(f"/api/messages/{sender_id}")
    assert response.ok, await response.text()
    return [m["text"] for m in await response.json()]


async def leave_something_unsent(alice: Person, partner: str) -> None:
    """Offline: one message waiting in the outbox to `partner`, and a draft typed to them."""
    await alice.open_chat_with(partner)
    await alice.context.set_offline(True)
    await expect(alice.page.get_by_text("You are offline.")).to_be_visible()
    await alice.send("Sent offline by Alice")
    await expect(alice.page.get_by_test_id("status-pending")).to_have_count(1)
    await alice.page.get_by_role("textbox", name="Message").fill("Half a thought of Alice's")
    await wait_kept(alice.page, 1, "outbox")
    await wait_kept(alice.page, 1, "drafts")


async def sign_in_meanwhile(device: Person, other: Person, web: LiveServer) -> None:
    """`other` signs in on `device`'s browser (its cookie is theirs from now on)."""
    signed_in = await device.context.request.post(
        "/api/auth/login",
        data={"email": other.email, "password": PASSWORD},
        headers={"Origin": web.url},
    )
    assert signed_in.ok, await signed_in.text()


class HeldChecks:
    """The server's answers to "whose session is this?" (GET /api/auth/check), held until
    `release`."""

    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.asked = asyncio.Event()

    async def hold(self, route: Route) -> None:
        self.routes.append(route)
        self.asked.set()

    async def install(self, device: Person) -> HeldChecks:
        await device.context.route("**/api/auth/check", self.hold)
        return self

    async def wait_asked(self) -> None:
        await asyncio.wait_for(self.asked.wait(), 10)

    async def release(self) -> None:
        for route in self.routes:
            await route.continue_()


NEXT_FRAME = "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"


async def test_an_app_opened_offline_sends_nothing_as_whoever_signed_in_since(
    open_person: Open, web: LiveServer
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    carol = await open_person("Carol")
    await installed(alice)
    await leave_something_unsent(alice, "Carol")
    # The app is closed, and opens again offline on Alice's chats, her message still waiting.
    await alice.page.close()
    alice.page = await alice.context.new_page()
    await alice.page.goto("/chat")
    await expect(alice.page.get_by_test_id("my-name")).to_have_text("Alice")
    await expect(alice.page.get_by_text("You are offline.")).to_be_visible()
    await wait_kept(alice.page, 1, "outbox")

    # Meanwhile Bob signs in on this browser (another tab): the cookie is his now.
    await sign_in_meanwhile(alice, bob, web)

    await alice.context.set_offline(False)
    # The server says Bob: the page leaves for the login page and sends nothing as him.
    await expect(alice.page).to_have_url(re.compile(r"/login$"))
    await expect(alice.page.get_by_text("Someone else has signed in")).to_be_visible()
    await wait_kept(alice.page, 0, "outbox")
    await wait_kept(alice.page, 0, "drafts")
    assert await messages_from(carol, await user_id(bob)) == []
    assert await messages_from(bob, await user_id(carol)) == []


async def unread_from(reader: Person, sender_id: str) -> int:
    response = await reader.context.request.get("/api/conversations")
    assert response.ok, await response.text()
    return int(next(c["unreadCount"] for c in await response.json() if c["_id"] == sender_id))


async def test_nothing_of_whoever_signed_in_since_shows_or_is_read_before_the_server_answers(
    open_person: Open, web: LiveServer
) -> None:
    """Alice offline with Carol's chat open; Bob signs in on this browser meanwhile. Between the
    socket's reconnect (with Bob's cookie now) and the answer of GET /auth/check, Carol's message
    to Bob reaches the page still showing Alice's chats: it must neither show there nor be
    marked read as Bob (by REST, the socket being unconfirmed)."""
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    carol = await open_person("Carol")
    said = await carol.context.request.post(
        f"/api/messages/send/{await user_id(alice)}",
        data={"text": "Hello Alice"},
        headers={"Origin": web.url},
    )
    assert said.ok, await said.text()
    await alice.page.get_by_test_id("chat-list").get_by_role("button", name="Carol").click()
    await expect(alice.page.get_by_test_id("conversation-name")).to_have_text("Carol")
    await expect(alice.bubbles("Hello Alice")).to_be_visible()
    await alice.context.set_offline(True)
    await expect(alice.page.get_by_text("You are offline.")).to_be_visible()

    await sign_in_meanwhile(alice, bob, web)
    # The server's answer to "whose session is this?" waits until Carol's message has come in.
    checks = await HeldChecks().install(alice)
    reads: list[str] = []

    def note_read(request: Request) -> None:
        if "/api/messages/read/" in request.url or request.url.endswith("/read"):
            reads.append(request.url)

    alice.context.on("request", note_read)
    text = "Carol to Bob, not for Alice's page"
    heard = asyncio.get_running_loop().create_future()

    def watch(ws: WebSocket) -> None:
        def frame(payload: str | bytes) -> None:
            if isinstance(payload, str) and text in payload and not heard.done():
                heard.set_result(None)

        ws.on("framereceived", frame)

    alice.page.on("websocket", watch)
    await alice.context.set_offline(False)
    await checks.wait_asked()

    sent = await carol.context.request.post(
        f"/api/messages/send/{await user_id(bob)}",
        data={"text": text},
        headers={"Origin": web.url},
    )
    assert sent.ok, await sent.text()
    await asyncio.wait_for(heard, 10)
    # Whatever the frame led to is drawn by now.
    await alice.page.evaluate(NEXT_FRAME)
    await expect(alice.page.get_by_text(text)).to_have_count(0)

    await checks.release()
    await expect(alice.page).to_have_url(re.compile(r"/login$"))
    await expect(alice.page.get_by_text(text)).to_have_count(0)
    assert reads == []
    assert await unread_from(bob, await user_id(carol)) == 1


async def test_an_app_opened_offline_asks_nothing_as_whoever_signed_in_since(
    open_person: Open, web: LiveServer
) -> None:
    """The app opens offline on Alice's chats; Bob signs in on this browser meanwhile. Back
    online, until GET /auth/check answers, opening Carol's chat asks the server nothing: by REST
    it would go out with Bob's cookie and draw his conversation with Carol on Alice's page. The
    answer says Bob: the login page, and still nothing asked."""
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    carol = await open_person("Carol")
    text = "Carol to Bob, not for Alice's page"
    said = await carol.context.request.post(
        f"/api/messages/send/{await user_id(bob)}",
        data={"text": text},
        headers={"Origin": web.url},
    )
    assert said.ok, await said.text()
    carol_id = await user_id(carol)
    await installed(alice)

    # The app opens again offline, on Carol's chat by its address; Alice closes it.
    await alice.page.close()
    await alice.context.set_offline(True)
    alice.page = await alice.context.new_page()
    await alice.page.goto(f"/chat/u/{carol_id}")
    await expect(alice.page.get_by_test_id("my-name")).to_have_text("Alice")
    await expect(alice.page.get_by_text("You are offline.")).to_be_visible()
    await alice.page.keyboard.press("Escape")
    await expect(alice.page).to_have_url(re.compile(r"/chat$"))

    await sign_in_meanwhile(alice, bob, web)
    checks = await HeldChecks().install(alice)
    others: list[str] = []

    def note(request: Request) -> None:
        if "/api/" in request.url and not request.url.endswith("/api/auth/check"):
            others.append(f"{request.method} {request.url}")

    alice.context.on("request", note)
    await alice.context.set_offline(False)
    await checks.wait_asked()

    # Back to Carol's chat while the answer is held: it opens, and asks for nothing yet.
    await alice.page.go_back()
    await expect(alice.page).to_have_url(re.compile(rf"/chat/u/{carol_id}$"))
    await expect(alice.page.get_by_label("Opening the conversation")).to_be_visible()
    await alice.page.evaluate(NEXT_FRAME)
    assert others == []
    await expect(alice.page.get_by_text(text)).to_have_count(0)

    await checks.release()
    await expect(alice.page).to_have_url(re.compile(r"/login$"))
    await expect(alice.page.get_by_text("Someone else has signed in")).to_be_visible()
    await expect(alice.page.get_by_text(text)).to_have_count(0)
    assert others == []


@pytest.mark.parametrize("way_out", ["log out", "ended elsewhere"])
async def test_leaving_forgets_my_unsent_messages_and_drafts(
    open_person: Open, browser: Browser, web: LiveServer, way_out: str
) -> None:
    alice = await open_person("Alice")
    bob = await open_person("Bob")
    await leave_something_unsent(alice, "Bob")

    if way_out == "log out":
        await alice.page.get_by_role("button", name="Log out").click()
    else:
        # Signed out everywhere from another device while this one is offline; it finds out
        # when it is back.
        other = await browser.new_context(base_url=web.url, user_agent=USER_AGENT)
        response = await other.request.post(
            "/api/auth/login",
            data={"email": alice.email, "password": PASSWORD},
            headers={"Origin": web.url},
        )
        assert response.ok
        response = await other.request.post("/api/auth/logout-all", headers={"Origin": web.url})
        assert response.ok, await response.text()
        await other.close()
        await alice.context.set_offline(False)
    await expect(alice.page).to_have_url(re.compile(r"/login$"))
    await wait_kept(alice.page, 0, "outbox")
    await wait_kept(alice.page, 0, "drafts")

    # Back online and signed in again: nothing of the last visit is sent or shown.
    await alice.context.set_offline(False)
    await alice.page.get_by_label("Email").fill(alice.email)
    await alice.page.get_by_label("Password", exact=True).fill(PASSWORD)
    await alice.page.get_by_role("button", name="Log in").click()
    await alice.open_chat_with("Bob")
    await expect(alice.page.get_by_test_id("message-list")).to_be_visible()
    await expect(alice.page.get_by_role("textbox", name="Message")).to_have_value("")
    await expect(alice.bubbles("Sent offline by Alice")).to_have_count(0)
    assert await messages_from(bob, await user_id(alice)) == []
