"""ALLOW_LOCAL_EMAIL_DOMAINS: a LAN install's addresses (alice@printer.local, alice@nas) are
refused by default with a clear 400, and accepted at sign-up, login and password reset when
the setting is on."""

from collections.abc import AsyncIterator

import httpx
import pytest
import socketio
from sqlalchemy import func, select

from socketspace.app import create_app
from socketspace.config import Settings
from socketspace.db import Database
from socketspace.models import OutboxEmail, User
from tests.conftest import make_client, signup

LOCAL = ["alice@printer.local", "alice@nas.home.arpa", "alice@chat.test", "alice@nas"]
REFUSED = {"message": "Invalid email format", "code": "invalid_email"}
PASSWORD = "correct horse"


@pytest.fixture
async def lan_app(settings: Settings) -> AsyncIterator[socketio.ASGIApp]:
    application = create_app(settings.model_copy(update={"allow_local_email_domains": True}))
    api = application.api
    async with api.router.lifespan_context(api):
        yield application


@pytest.fixture
async def lan_client(lan_app: socketio.ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(lan_app) as c:
        yield c


async def count(db: Database, query) -> int:  # type: ignore[no-untyped-def]
    async with db.read() as session:
        return int(await session.scalar(query) or 0)


def assert_invalid_email(response: httpx.Response) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].split(";")[0] == "application/json"
    assert response.json() == REFUSED


@pytest.mark.parametrize("email", LOCAL)
async def test_by_default_a_local_address_is_refused_at_sign_up_and_reset(
    client: httpx.AsyncClient, db: Database, email: str
):
    body = {"fullName": "Alice", "email": email, "password": PASSWORD}
    assert_invalid_email(await client.post("/api/auth/signup", json=body))
    assert_invalid_email(await client.post("/api/auth/forgot-password", json={"email": email}))
    assert await count(db, select(func.count()).select_from(User)) == 0
    assert "jwt" not in client.cookies


@pytest.mark.parametrize("email", LOCAL)
async def test_when_allowed_a_local_address_signs_up_logs_in_and_resets(
    lan_client: httpx.AsyncClient, db: Database, email: str
):
    user = await signup(lan_client, "Alice", email, PASSWORD)
    assert user["email"] == email
    assert (await lan_client.post("/api/auth/logout")).status_code == 200
    login = await lan_client.post(
        "/api/auth/login", json={"email": email.upper(), "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
    assert login.json()["_id"] == user["_id"]

    forgot = await lan_client.post("/api/auth/forgot-password", json={"email": email})
    assert forgot.status_code == 200, forgot.text
    resets = select(func.count()).select_from(OutboxEmail)
    resets = resets.where(OutboxEmail.template == "password_reset", OutboxEmail.to_address == email)
    assert await count(db, resets) == 1


@pytest.mark.parametrize("email", ["alice@chat.invalid", "alice@hidden.onion", "alice@-nas.lan"])
async def test_when_allowed_an_address_that_is_never_local_is_still_refused(
    lan_client: httpx.AsyncClient, email: str
):
    body = {"fullName": "Alice", "email": email, "password": PASSWORD}
    assert_invalid_email(await lan_client.post("/api/auth/signup", json=body))


async def test_an_account_made_while_allowed_still_logs_in_once_it_is_turned_off(
    lan_client: httpx.AsyncClient, client: httpx.AsyncClient
):
    await signup(lan_client, "Alice", "alice@printer.local", PASSWORD)
    login = await client.post(
        "/api/auth/login", json={"email": "alice@printer.local", "password": PASSWORD}
    )
    assert login.status_code == 200, login.text
