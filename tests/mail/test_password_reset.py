"""Forgot password → an emailed single-use link (over real SMTP) → a new password."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select, update

from socketspace.models import OutboxEmail, PasswordReset
from socketspace.models.base import utcnow
from socketspace.security.tokens import hash_reset_token
from tests.conftest import Person
from tests.mail.conftest import SmtpServer

ANSWER = (
    "If an account uses that email, we have sent it a link to reset the password. Check your inbox."
)


@pytest.fixture
async def alice(alice: Person, smtp: SmtpServer) -> Person:
    """Alice, her welcome email already taken out of the way."""
    await smtp.next()
    return alice


async def ask_for_link(person: Person, smtp: SmtpServer) -> str:
    response = await person.http.post("/api/auth/forgot-password", json={"email": person.email})
    assert response.status_code == 200, response.text
    assert response.json() == {"message": ANSWER}
    return token_in(await smtp.next())


def token_in(message: EmailMessage) -> str:
    text = message.get_body(("plain",)).get_content()
    (link,) = [word for word in text.split() if "/reset-password?" in word]
    assert link.startswith("http://testserver/reset-password?")
    return parse_qs(urlsplit(link).query)["token"][0]


async def reset(person: Person, token: str, password: str = "new password"):
    return await person.http.post(
        "/api/auth/reset-password", json={"token": token, "newPassword": password}
    )


async def login(person: Person, password: str):
    return await person.http.post(
        "/api/auth/login", json={"email": person.email, "password": password}
    )


async def test_the_emailed_link_sets_a_new_password_and_ends_every_session(alice, smtp):
    session = alice.http.cookies["jwt"]
    assert (await alice.http.get("/api/auth/check")).status_code == 200  # now known as live
    token = await ask_for_link(alice, smtp)
    message = smtp.received[-1]
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Reset your SocketSpace password"
    assert "30 minutes" in message.get_body(("html",)).get_content()

    alice.http.cookies.clear()  # the link works without any session
    response = await reset(alice, token)
    assert response.status_code == 200
    assert response.json()["message"] == "Your password was changed. Log in with the new one."

    ended = await alice.http.get("/api/auth/check", headers={"Cookie": f"jwt={session}"})
    assert ended.status_code == 401
    assert (await login(alice, alice.password)).status_code == 400
    assert (await login(alice, "new password")).status_code == 200


async def test_a_used_link_is_refused_with_a_clear_400(alice, smtp):
    token = await ask_for_link(alice, smtp)
    assert (await reset(alice, token)).status_code == 200
    again = await reset(alice, token, "third password")
    assert again.status_code == 400
    assert again.json() == {
        "message": "This reset link has already been used. Ask for a new one if you need to.",
        "code": "reset_token_used",
    }
    assert (await login(alice, "new password")).status_code == 200


async def test_an_expired_link_is_refused_and_changes_nothing(alice, smtp, db):
    token = await ask_for_link(alice, smtp)
    async with db.write() as session:  # 31 minutes later
        await session.execute(
            update(PasswordReset).values(expires_at=utcnow() - timedelta(minutes=1))
        )
    response = await reset(alice, token)
    assert response.status_code == 400
    assert response.json()["code"] == "reset_token_expired"
    assert "expired" in response.json()["message"]
    assert (await alice.http.get("/api/auth/check")).status_code == 200
    assert (await login(alice, alice.password)).status_code == 200


async def test_a_link_lasts_thirty_minutes_and_only_its_hash_is_stored(alice, smtp, db):
    token = await ask_for_link(alice, smtp)
    async with db.read() as session:
        row = await session.scalar(select(PasswordReset))
        email = await session.scalar(
            select(OutboxEmail).where(OutboxEmail.template == "password_reset")
        )
    assert row is not None and email is not None
    assert row.token_hash == hash_reset_token(token)
    assert timedelta(minutes=29) < row.expires_at - row.created_at <= timedelta(minutes=30)
    assert token not in str(email.context)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"token": "not-a-real-token", "newPassword": "new password"}, "invalid_reset_token"),
        ({"token": "x" * 10_000, "newPassword": "new password"}, "invalid_reset_token"),
        ({"newPassword": "new password"}, "missing_fields"),
        ({"token": "", "newPassword": "new password"}, "missing_fields"),
        ({"token": "whatever"}, "missing_fields"),
    ],
)
async def test_bad_reset_requests_get_a_clear_400(client, body, code):
    response = await client.post("/api/auth/reset-password", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == code


async def test_a_too_short_password_is_refused_and_the_link_still_works(alice, smtp):
    token = await ask_for_link(alice, smtp)
    response = await reset(alice, token, "abc")
    assert response.status_code == 400
    assert response.json() == {
        "message": "New password must be at least 6 characters",
        "code": "invalid_password",
    }
    assert (await reset(alice, token)).status_code == 200


async def test_an_unknown_email_gets_the_same_answer_and_no_email(alice, smtp, db):
    response = await alice.http.post(
        "/api/auth/forgot-password", json={"email": "nobody@example.com"}
    )
    assert response.status_code == 200
    assert response.json() == {"message": ANSWER}
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(PasswordReset)) == 0
        assert await session.scalar(select(func.count()).select_from(OutboxEmail)) == 1


@pytest.mark.parametrize("email", ["not an email", "", None, "a@b"])
async def test_a_malformed_email_is_a_400(client, email):
    response = await client.post("/api/auth/forgot-password", json={"email": email})
    assert response.status_code == 400
    assert response.json()["code"] in ("invalid_email", "missing_fields")


async def test_requests_are_limited_per_email_and_per_client(alice, smtp):
    for _ in range(3):
        await ask_for_link(alice, smtp)
    refused = await alice.http.post(
        "/api/auth/forgot-password", json={"email": "alice@example.com"}
    )
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert refused.json()["code"] == "rate_limited"
    assert len(smtp.received) == 4  # the welcome email and three links

    answers = [
        (await alice.http.post("/api/auth/forgot-password", json={"email": f"u{n}@example.com"}))
        for n in range(8)
    ]
    # Ten per client address: three for alice, one refused, then six more strangers.
    assert [a.status_code for a in answers] == [200] * 6 + [429] * 2


async def test_changing_the_password_voids_links_asked_for_before(alice, smtp):
    token = await ask_for_link(alice, smtp)
    changed = await alice.http.put(
        "/api/auth/password",
        json={"currentPassword": alice.password, "newPassword": "changed password"},
    )
    assert changed.status_code == 200
    response = await reset(alice, token)
    assert response.status_code == 400
    assert response.json()["code"] == "reset_token_used"
