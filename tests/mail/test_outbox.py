"""The outbox worker against a real SMTP server that goes down, comes back, or outlives it."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys

from sqlalchemy import func, select

from socketspace.db import Database
from socketspace.mail import outbox
from socketspace.mail.outbox import Outbox, enqueue
from socketspace.models import OutboxEmail
from tests.conftest import free_port, signup
from tests.mail.conftest import SmtpServer, eventually, mail_settings, serving


async def only_row(db: Database) -> OutboxEmail:
    async with db.read() as session:
        (row,) = (await session.scalars(select(OutboxEmail))).all()
    return row


async def test_an_email_waits_while_smtp_is_down_and_goes_out_once_it_is_back(settings, db):
    down = SmtpServer(free_port())  # nothing listens on its port yet
    async with serving(mail_settings(settings, down.url)) as client:
        response = await client.post(
            "/api/auth/signup",
            json={"fullName": "Alice", "email": "alice@example.com", "password": "secret12"},
        )
        assert response.status_code == 201

        async def tried_twice() -> bool:
            return (await only_row(db)).attempts >= 2

        await eventually(tried_twice)
        row = await only_row(db)
        assert row.status == "pending" and row.last_error

        await down.start()
        try:
            message = await down.next()

            async def sent() -> bool:
                return (await only_row(db)).status == "sent"

            await eventually(sent)
        finally:
            await down.stop()
    assert message["To"] == "alice@example.com"
    assert len(down.received) == 1


async def test_after_the_last_attempt_the_email_is_failed_logged_and_can_be_retried(
    settings, db, caplog
):
    down = SmtpServer(free_port())
    caplog.set_level(logging.ERROR, logger="socketspace.mail.outbox")
    async with serving(mail_settings(settings, down.url, outbox_max_attempts=3)) as client:
        await signup(client, "Alice", "alice@example.com")

        async def failed() -> bool:
            return (await only_row(db)).status == "failed"

        await eventually(failed)
        row = await only_row(db)
        assert row.attempts == 3 and row.sent_at is None
        assert "email_failed" in caplog.text and f"id={row.id}" in caplog.text
        assert [r.id for r in await outbox.unsent(db)] == [row.id]

        await down.start()
        try:
            assert await outbox.retry(db, row.id)
            message = await down.next()
        finally:
            await down.stop()
    assert message["To"] == "alice@example.com"
    assert (await only_row(db)).status == "sent"
    assert await outbox.unsent(db) == []
    assert not await outbox.retry(db, row.id)  # a sent email is not sent again


async def test_a_worker_killed_after_sending_causes_at_most_one_copy_with_the_same_id(
    settings, db, smtp
):
    async with db.write() as session:
        enqueue(session, template="welcome", to="alice@example.com", context={"name": "Alice"})
    config = mail_settings(settings, smtp.url, outbox_lease_seconds=0.5)
    # A plain Popen: it is killed and reaped from inside the SMTP handler, where awaiting an
    # asyncio subprocess's wait() never returned.
    worker = subprocess.Popen(  # noqa: ASYNC220
        [sys.executable, "-m", "socketspace.cli", "outbox", "send"],
        env={
            **os.environ,
            "DATABASE_URL": config.database_url,
            "SECRET_KEY": config.signing_key,
            "DATA_DIR": str(config.data_dir),
            "SMTP_URL": smtp.url,
            "OUTBOX_LEASE_SECONDS": "0.5",
        },
    )

    async def kill_the_sender(_message: object) -> None:
        # The message is in; its sender dies before it hears so, let alone marks the row.
        smtp.on_data = None
        worker.kill()
        worker.wait(timeout=10)

    smtp.on_data = kill_the_sender
    try:
        first = await smtp.next()
    finally:
        worker.kill()
        worker.wait(timeout=10)
    row = await only_row(db)
    assert row.status == "pending" and row.attempts == 1

    # Another worker (this process) takes the row over once the dead one's lease runs out.
    survivor = Outbox.build(db, config)

    async def resent() -> bool:
        await survivor.send_due()
        return smtp.pending() > 0 or (await only_row(db)).status == "sent"

    await eventually(resent)
    second = await smtp.next()
    assert second["Message-ID"] == first["Message-ID"]
    assert len(smtp.received) == 2
    assert (await only_row(db)).status == "sent"
    await survivor.send_due()
    assert len(smtp.received) == 2


async def test_workers_running_at_once_send_every_email_exactly_once(settings, database_url, smtp):
    emails = 40
    arrange = Database.from_url(database_url)
    async with arrange.write() as session:
        for n in range(emails):
            enqueue(session, template="welcome", to=f"user{n}@example.com", context={"name": "U"})
    await arrange.dispose()

    # Each worker has its own connection pool, as separate server processes would.
    databases = [Database.from_url(database_url) for _ in range(3)]
    workers = [Outbox.build(d, mail_settings(settings, smtp.url)) for d in databases]

    async def drain(worker: Outbox) -> None:
        while await worker.send_due():
            pass

    try:
        await asyncio.gather(*(drain(w) for w in workers))
        async with databases[0].read() as session:
            statuses = (
                await session.execute(
                    select(OutboxEmail.status, func.count()).group_by(OutboxEmail.status)
                )
            ).all()
    finally:
        for d in databases:
            await d.dispose()
    ids = [m["Message-ID"] for m in smtp.received]
    assert len(ids) == emails and len(set(ids)) == emails
    assert dict(statuses) == {"sent": emails}


async def test_credentials_are_never_sent_over_a_connection_without_tls(settings, db, smtp):
    url = f"smtp://user:secret@127.0.0.1:{smtp.port}"  # the server offers no STARTTLS
    async with serving(mail_settings(settings, url)) as client:
        await signup(client, "Alice", "alice@example.com")

        async def tried() -> bool:
            return (await only_row(db)).attempts >= 1 and bool((await only_row(db)).last_error)

        await eventually(tried)
    row = await only_row(db)
    assert row.status == "pending" and "STARTTLS" in (row.last_error or "")
    assert smtp.received == []
