"""Signup → a welcome email over real SMTP (aiosmtpd), or an .eml file without SMTP_URL."""

from __future__ import annotations

import email
import email.policy
import re
from email.utils import parsedate_to_datetime

from sqlalchemy import func, select

from socketspace.models import OutboxEmail, User
from tests.conftest import signup
from tests.mail.conftest import eventually, serving

SCRIPT_NAME = "<script>alert(1)</script>"


async def test_signup_sends_a_welcome_email_with_both_parts_and_the_name_escaped(
    mail_client, smtp, settings
):
    await signup(mail_client, SCRIPT_NAME, "mallory@example.com")

    message = await smtp.next()
    assert message["To"] == "mallory@example.com"
    assert message["From"] == settings.mail_from
    assert message["Subject"] == "Welcome to SocketSpace"
    assert parsedate_to_datetime(message["Date"]).tzinfo is not None
    assert re.fullmatch(r"<[0-9a-f]{32}@localhost>", message["Message-ID"])
    assert message.get_content_type() == "multipart/alternative"

    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert SCRIPT_NAME in text
    assert SCRIPT_NAME not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for part in (text, html):
        assert "SocketSpace" in part
        assert f"{settings.public_origin}/" in part


async def test_the_email_row_is_written_with_the_user_and_marked_sent(mail_client, smtp, db):
    await signup(mail_client, "Alice Liddell", "alice@example.com")
    await smtp.next()

    async def sent() -> bool:
        async with db.read() as session:
            row = await session.scalar(select(OutboxEmail))
        return row is not None and row.status == "sent"

    await eventually(sent)
    async with db.read() as session:
        row = await session.scalar(select(OutboxEmail))
        user = await session.scalar(select(User))
    assert row is not None and user is not None
    assert (row.template, row.to_address, row.attempts) == ("welcome", user.email, 1)
    assert row.context == {"name": "Alice Liddell"}
    assert row.sent_at is not None and row.lease_until is None


async def test_a_refused_signup_queues_no_email(mail_client, db):
    await signup(mail_client, "Alice Liddell", "alice@example.com")
    again = await mail_client.post(
        "/api/auth/signup",
        json={"fullName": "Alice Again", "email": "alice@example.com", "password": "secret12"},
    )
    assert again.status_code == 400
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(OutboxEmail)) == 1


async def test_without_smtp_the_welcome_email_is_written_as_an_eml_file(settings, db):
    async with serving(settings.model_copy(update={"outbox_poll_seconds": 0.05})) as client:
        await signup(client, "Alice Liddell", "alice@example.com")

        async def written() -> bool:
            return any(settings.outbox_path.glob("*.eml"))

        await eventually(written)
    (path,) = settings.outbox_path.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert message["To"] == "alice@example.com"
    assert message["Subject"] == "Welcome to SocketSpace"
    assert "Alice Liddell" in message.get_body(("plain",)).get_content()
    async with db.read() as session:
        row = await session.scalar(select(OutboxEmail))
    assert row is not None and row.status == "sent"
    assert path.name == f"{row.message_key}.eml"
