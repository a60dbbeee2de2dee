"""A real SMTP server (aiosmtpd) on a free port, in the tests' own event loop."""

from __future__ import annotations

import asyncio
import email
import email.policy
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from email.message import EmailMessage
from typing import Any

import httpx
import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from socketspace.app import SocketSpaceApp, create_app
from socketspace.config import Settings
from tests.conftest import ORIGIN, People, free_port, make_client


class SmtpServer:
    """Collects every message it accepts; `next()` waits for the next one to arrive.

    `on_data` runs when a message has arrived, before the server answers the client: a test
    uses it to kill the sending process at the worst moment."""

    def __init__(
        self,
        port: int,
        *,
        implicit_tls: ssl.SSLContext | None = None,
        **smtp_options: Any,
    ) -> None:
        self.port = port
        self.implicit_tls = implicit_tls
        self.smtp_options = smtp_options
        self.logins: list[tuple[str, str]] = []
        self.received: list[EmailMessage] = []
        self.on_data: Callable[[EmailMessage], Awaitable[None]] | None = None
        self._arrivals: asyncio.Queue[EmailMessage] = asyncio.Queue()
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: SMTP(self, hostname="smtp.test", **self.smtp_options),
            "127.0.0.1",
            self.port,
            ssl=self.implicit_tls,
        )

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def next(self, timeout: float = 15) -> EmailMessage:
        return await asyncio.wait_for(self._arrivals.get(), timeout)

    def pending(self) -> int:
        return self._arrivals.qsize()

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        message = email.message_from_bytes(content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        if self.on_data is not None:
            await self.on_data(message)
        self._arrivals.put_nowait(message)
        return "250 Message accepted for delivery"


@pytest.fixture
async def smtp() -> AsyncIterator[SmtpServer]:
    server = SmtpServer(free_port())
    await server.start()
    yield server
    await server.stop()


def mail_settings(settings: Settings, smtp_url: str, **changes: Any) -> Settings:
    """The test settings sending through `smtp_url`, retrying fast."""
    return settings.model_copy(
        update={
            "smtp_url": smtp_url,
            "smtp_timeout_seconds": 5.0,
            "outbox_retry_seconds": 0.05,
            "outbox_poll_seconds": 0.05,
            **changes,
        }
    )


@asynccontextmanager
async def serving(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An app with these settings, started (outbox worker included), and a client for it."""
    app = create_app(settings)
    api = app.api
    async with api.router.lifespan_context(api), make_client(app) as client:
        yield client


@pytest.fixture
async def mail_app(settings: Settings, smtp: SmtpServer) -> AsyncIterator[SocketSpaceApp]:
    """An app whose emails go to the `smtp` server, started (outbox worker included)."""
    app = create_app(mail_settings(settings, smtp.url))
    api = app.api
    async with api.router.lifespan_context(api):
        yield app


@pytest.fixture
async def mail_client(mail_app: SocketSpaceApp) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app whose emails go to the `smtp` server."""
    async with make_client(mail_app) as client:
        yield client


@pytest.fixture
async def people(mail_app: SocketSpaceApp) -> AsyncIterator[People]:
    """The email tests' people (alice included) sign up on the app whose emails go to `smtp`."""
    made = People(ORIGIN, app=mail_app)
    yield made
    await made.close()


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 15) -> None:
    """Wait until `check()` holds (it reads state the worker changes), or fail."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)
