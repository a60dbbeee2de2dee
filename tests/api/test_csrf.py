"""Cross-site request forgery: a write that a browser would make on another site's behalf is
refused with a JSON 403 and changes nothing; same-origin pages and scripts (curl, Bearer
tokens) keep working; reads are never blocked."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from socketspace.db import Database
from socketspace.models import Session, User
from tests.conftest import ORIGIN, Person
from tests.snapshots import Tables, tables

EVIL = "https://evil.example"
ALICE_EMAIL = "alice@example.com"
ALICE_PASSWORD = "correct horse"  # the conftest signup default

CHECK = "/api/auth/check"
LOGIN = "/api/auth/login"
SIGNUP = "/api/auth/signup"
PROFILE = "/api/auth/update-profile"

# Writes that ride on Alice's session cookie; each would change something if let through.
COOKIE_WRITES = [
    pytest.param(("PUT", PROFILE, {"fullName": "Mallory Was Here"}), id="update-profile"),
    pytest.param(("POST", "/api/auth/logout", None), id="logout"),
    pytest.param(("POST", "/api/auth/logout-all", None), id="logout-all"),
    pytest.param(
        ("PUT", "/api/auth/password", {"currentPassword": ALICE_PASSWORD, "newPassword": "pwned!"}),
        id="password",
    ),
]

FOREIGN_ORIGINS = [
    pytest.param(EVIL, id="evil-site"),
    pytest.param("null", id="opaque-null-origin"),
    pytest.param("http://testserver.evil.example", id="lookalike-host"),
    pytest.param("https://testserver", id="other-scheme"),
    pytest.param("http://testserver:8080", id="other-port"),
]


async def stored_name(db: Database, email: str = ALICE_EMAIL) -> str | None:
    async with db.read() as s:
        return await s.scalar(select(User.full_name).where(User.email == email))


def bare_client(app: Any, cookies: httpx.Cookies | None = None) -> httpx.AsyncClient:
    """Sends no browser headers at all (no Origin, Referer or Sec-Fetch-*), like curl."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url=ORIGIN, cookies=cookies)


@pytest.fixture
async def alice_headless(app: Any, alice: Person) -> AsyncIterator[httpx.AsyncClient]:
    """Alice's session cookie, sent without any Origin, Referer or Sec-Fetch-Site header."""
    async with bare_client(app, alice.http.cookies) as c:
        assert c.cookies.get("jwt")
        yield c


def assert_csrf_refused(response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"].split(";")[0].strip() == "application/json"
    body = response.json()
    assert body["code"] == "csrf_failed"
    assert isinstance(body["message"], str)
    assert body["message"].strip()
    assert "set-cookie" not in response.headers


async def assert_alice_untouched(alice: Person, db: Database, before: Tables) -> None:
    assert await tables(db) == before
    checked = await alice.http.get(CHECK)
    assert checked.status_code == 200, checked.text
    assert checked.json()["fullName"] == "Alice Liddell"


async def write(
    client: httpx.AsyncClient, spec: tuple[str, str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    method, path, body = spec
    return await client.request(method, path, json=body, headers=headers)


# --- refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
@pytest.mark.parametrize("spec", COOKIE_WRITES)
async def test_cookie_write_from_a_foreign_origin_is_refused_and_changes_nothing(
    alice: Person, db: Database, spec: tuple[str, str, Any], origin: str
) -> None:
    before = await tables(db)
    assert_csrf_refused(await write(alice.http, spec, {"Origin": origin}))
    await assert_alice_untouched(alice, db, before)


async def test_logout_from_another_site_is_refused_and_the_session_stays_valid(
    alice: Person, db: Database
) -> None:
    before = await tables(db)
    response = await alice.http.post("/api/auth/logout", headers={"Origin": EVIL})
    assert_csrf_refused(response)
    assert alice.http.cookies.get("jwt")
    assert (await alice.http.get(CHECK)).status_code == 200
    async with db.read() as s:
        live = await s.scalar(
            select(func.count()).select_from(Session).where(Session.revoked_at.is_(None))
        )
    assert live == 1
    assert await tables(db) == before


@pytest.mark.parametrize("fetch_site", ["cross-site", "same-site"])
@pytest.mark.parametrize("spec", COOKIE_WRITES)
async def test_cookie_write_without_origin_marked_cross_site_by_sec_fetch_site_is_refused(
    alice: Person,
    alice_headless: httpx.AsyncClient,
    db: Database,
    spec: tuple[str, str, Any],
    fetch_site: str,
) -> None:
    before = await tables(db)
    assert_csrf_refused(await write(alice_headless, spec, {"Sec-Fetch-Site": fetch_site}))
    await assert_alice_untouched(alice, db, before)


@pytest.mark.parametrize("spec", COOKIE_WRITES)
async def test_cookie_write_without_origin_with_a_referer_from_another_site_is_refused(
    alice: Person,
    alice_headless: httpx.AsyncClient,
    db: Database,
    spec: tuple[str, str, Any],
) -> None:
    before = await tables(db)
    response = await write(alice_headless, spec, {"Referer": f"{EVIL}/cute-cats.html"})
    assert_csrf_refused(response)
    await assert_alice_untouched(alice, db, before)


@pytest.mark.parametrize("spec", COOKIE_WRITES)
async def test_cookie_write_with_no_origin_referer_or_sec_fetch_site_is_refused(
    alice: Person,
    alice_headless: httpx.AsyncClient,
    db: Database,
    spec: tuple[str, str, Any],
) -> None:
    before = await tables(db)
    assert_csrf_refused(await write(alice_headless, spec))
    await assert_alice_untouched(alice, db, before)


async def test_login_from_another_site_is_refused_and_opens_no_session(
    client: httpx.AsyncClient, alice: Person, db: Database
) -> None:
    before = await tables(db)
    response = await client.post(
        LOGIN, json={"email": ALICE_EMAIL, "password": ALICE_PASSWORD}, headers={"Origin": EVIL}
    )
    assert_csrf_refused(response)
    assert client.cookies.get("jwt") is None
    assert await tables(db) == before


async def test_login_without_origin_marked_cross_site_is_refused(
    app: Any, alice: Person, db: Database
) -> None:
    before = await tables(db)
    async with bare_client(app) as c:
        response = await c.post(
            LOGIN,
            json={"email": ALICE_EMAIL, "password": ALICE_PASSWORD},
            headers={"Sec-Fetch-Site": "cross-site"},
        )
        assert_csrf_refused(response)
        assert c.cookies.get("jwt") is None
    assert await tables(db) == before


async def test_signup_from_another_site_is_refused_and_creates_no_user(
    client: httpx.AsyncClient, db: Database
) -> None:
    before = await tables(db)
    response = await client.post(
        SIGNUP,
        json={"fullName": "Bob Builder", "email": "bob@example.com", "password": "correct horse"},
        headers={"Origin": EVIL},
    )
    assert_csrf_refused(response)
    assert await tables(db) == before
    assert await stored_name(db, "bob@example.com") is None


# --- allowed ----------------------------------------------------------------------------------


async def test_cookie_write_with_a_referer_from_our_origin_is_allowed(
    alice_headless: httpx.AsyncClient, db: Database
) -> None:
    response = await alice_headless.put(
        PROFILE, json={"fullName": "Alice Pleasance"}, headers={"Referer": f"{ORIGIN}/chat"}
    )
    assert response.status_code == 200, response.text
    assert await stored_name(db) == "Alice Pleasance"


@pytest.mark.parametrize("fetch_site", ["same-origin", "none"])
async def test_cookie_write_without_origin_marked_same_origin_by_sec_fetch_site_is_allowed(
    alice_headless: httpx.AsyncClient, db: Database, fetch_site: str
) -> None:
    response = await alice_headless.put(
        PROFILE, json={"fullName": "Alice Pleasance"}, headers={"Sec-Fetch-Site": fetch_site}
    )
    assert response.status_code == 200, response.text
    assert await stored_name(db) == "Alice Pleasance"


async def test_cookie_write_from_our_own_origin_is_allowed(alice: Person, db: Database) -> None:
    response = await alice.http.put(PROFILE, json={"fullName": "Alice Pleasance"})
    assert response.request.headers["origin"] == ORIGIN
    assert response.status_code == 200, response.text
    assert await stored_name(db) == "Alice Pleasance"


async def test_bearer_write_without_origin_is_allowed_for_scripts(
    app: Any, alice: Person, db: Database
) -> None:
    token = alice.http.cookies["jwt"]
    async with bare_client(app) as script:
        response = await script.put(
            PROFILE,
            json={"fullName": "Alice Pleasance"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    assert await stored_name(db) == "Alice Pleasance"


async def test_bearer_write_alongside_the_cookie_without_origin_is_allowed(
    alice_headless: httpx.AsyncClient, db: Database
) -> None:
    token = alice_headless.cookies["jwt"]
    response = await alice_headless.put(
        PROFILE,
        json={"fullName": "Alice Pleasance"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    assert await stored_name(db) == "Alice Pleasance"


async def test_bearer_logout_without_origin_ends_the_session(app: Any, alice: Person) -> None:
    token = alice.http.cookies["jwt"]
    async with bare_client(app) as script:
        response = await script.post(
            "/api/auth/logout", headers={"Authorization": f"Bearer {token}"}
        )
    assert response.status_code == 200, response.text
    assert (await alice.http.get(CHECK)).status_code == 401


async def test_signup_without_any_browser_headers_is_allowed_like_curl(
    app: Any, db: Database
) -> None:
    async with bare_client(app) as curl:
        response = await curl.post(
            SIGNUP,
            json={
                "fullName": "Bob Builder",
                "email": "bob@example.com",
                "password": "correct horse",
            },
        )
        assert response.status_code == 201, response.text
        assert curl.cookies.get("jwt")
    assert await stored_name(db, "bob@example.com") == "Bob Builder"


async def test_login_without_any_browser_headers_is_allowed_like_curl(
    app: Any, alice: Person
) -> None:
    async with bare_client(app) as curl:
        response = await curl.post(LOGIN, json={"email": ALICE_EMAIL, "password": ALICE_PASSWORD})
        assert response.status_code == 200, response.text
        assert curl.cookies.get("jwt")


@pytest.mark.parametrize("origin", FOREIGN_ORIGINS)
async def test_reads_from_another_site_are_not_blocked(alice: Person, origin: str) -> None:
    response = await alice.http.get(
        CHECK, headers={"Origin": origin, "Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 200, response.text
    assert response.json()["email"] == ALICE_EMAIL
