"""Known bots are refused at signup, login and messages; people and scripts are not."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from socketspace.models import User
from tests.conftest import make_client, signup
from tests.security.test_rate_limits import running

CHROME = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
BOTS = [
    pytest.param(
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", id="googlebot"
    ),
    pytest.param("Scrapy/2.11.0 (+https://scrapy.org)", id="scrapy"),
    pytest.param("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", id="ahrefs"),
    pytest.param(CHROME.replace("Chrome/", "HeadlessChrome/"), id="headless-chrome"),
    pytest.param(
        "Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) "
        "PhantomJS/2.1.1 Safari/538.1",
        id="phantomjs",
    ),
    pytest.param(
        "Mozilla/5.0 AppleWebKit/537.36 (compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        id="gptbot",
    ),
]
PEOPLE_AND_SCRIPTS = [
    pytest.param(CHROME, id="chrome"),
    pytest.param(
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
        id="iphone-safari",
    ),
    pytest.param(
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
        id="firefox",
    ),
    pytest.param("curl/8.5.0", id="curl"),
    pytest.param("python-requests/2.32.3", id="python-requests"),
    pytest.param("python-httpx/0.28.1", id="python-httpx"),
    pytest.param("", id="no-user-agent"),
]
REFUSED = {
    "message": "Automated clients are not allowed here. If you are a person, please use a browser.",
    "code": "bot_refused",
}
NEW_ACCOUNT = {"fullName": "Some One", "email": "someone@example.com", "password": "secret12"}


async def users(db) -> int:  # type: ignore[no-untyped-def]
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(User)) or 0)


@pytest.mark.parametrize("agent", BOTS)
async def test_a_known_bot_is_refused_at_every_guarded_door(app, alice, db, agent):
    async with make_client(app) as bot:
        bot.headers["User-Agent"] = agent
        for method, path, body in [
            ("POST", "/api/auth/signup", NEW_ACCOUNT),
            (
                "POST",
                "/api/auth/login",
                {"email": "alice@example.com", "password": "correct horse"},
            ),
            ("GET", "/api/messages/contacts", None),
            ("GET", "/api/messages/chats", None),
            ("GET", "/api/conversations", None),
            ("POST", "/api/groups", {"name": "bots", "memberIds": []}),
        ]:
            response = await bot.request(method, path, json=body)
            assert response.status_code == 403, (path, response.text)
            assert response.json() == REFUSED
            assert "set-cookie" not in response.headers
        # Even with a session taken from a person, the messages stay closed to it.
        bot.cookies = alice.http.cookies
        assert (await bot.get("/api/messages/chats")).status_code == 403
        assert (
            await bot.post("/api/groups", json={"name": "b", "memberIds": []})
        ).status_code == 403
        # Public pages stay open: search engines may read them.
        assert (await bot.get("/")).status_code == 200
    assert await users(db) == 1


@pytest.mark.parametrize("agent", PEOPLE_AND_SCRIPTS)
async def test_people_and_ordinary_scripts_are_welcome(app, db, agent):
    async with make_client(app) as client:
        client.headers["User-Agent"] = agent
        created = await client.post("/api/auth/signup", json=NEW_ACCOUNT)
        assert created.status_code == 201, created.text
        assert (await client.get("/api/messages/chats")).status_code == 200
    assert await users(db) == 1


async def test_monitor_mode_logs_bots_and_lets_them_in(settings, db, caplog):
    caplog.set_level(logging.WARNING, logger="socketspace.api.middleware")
    async with running(settings, bot_protection="monitor") as app, make_client(app) as bot:
        bot.headers["User-Agent"] = "Scrapy/2.11.0 (+https://scrapy.org)"
        assert (await bot.post("/api/auth/signup", json=NEW_ACCOUNT)).status_code == 201
    assert "bot_seen name=scrapy path=/api/auth/signup" in caplog.text


async def test_off_means_no_check(settings, caplog):
    caplog.set_level(logging.WARNING, logger="socketspace.api.middleware")
    async with running(settings, bot_protection="off") as app, make_client(app) as bot:
        bot.headers["User-Agent"] = "Scrapy/2.11.0 (+https://scrapy.org)"
        assert (await bot.post("/api/auth/signup", json=NEW_ACCOUNT)).status_code == 201
    assert "bot_" not in caplog.text


async def test_the_operator_can_turn_scripts_away_too(settings):
    async with running(settings, bot_allowed_clients=[]) as app, make_client(app) as script:
        script.headers["User-Agent"] = "curl/8.5.0"
        response = await script.post("/api/auth/signup", json=NEW_ACCOUNT)
    assert response.status_code == 403 and response.json()["code"] == "bot_refused"


async def test_a_filled_in_honeypot_is_refused_and_stores_nothing(client, db):
    response = await client.post(
        "/api/auth/signup", json={**NEW_ACCOUNT, "website": "http://cheap-pills.example"}
    )
    assert response.status_code == 403
    assert response.json()["code"] == "bot_refused"
    assert "set-cookie" not in response.headers
    assert await users(db) == 0
    # A person's form sends the field empty, or not at all.
    assert (
        await client.post("/api/auth/signup", json={**NEW_ACCOUNT, "website": ""})
    ).status_code == 201
    await signup(client, "Another One", "another@example.com")
