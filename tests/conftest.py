"""Shared fixtures. Every database test runs twice: on SQLite and on PostgreSQL.

PostgreSQL comes from TEST_DATABASE_URL (default: the local server, database `test`); the
tests create a database of their own beside it and drop it at the end. When it cannot be
reached they skip on a laptop and fail under CI=true.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import httpx
import pytest
import redis.asyncio as redis_client
import socketio
import uvicorn
from sqlalchemy import text
from sqlalchemy.engine import URL, make_url

from socketspace.app import create_app
from socketspace.cli import connection_options
from socketspace.config import Settings
from socketspace.db import Database, create_engine
from socketspace.migrations import upgrade
from socketspace.models import Base

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
ORIGIN = "http://testserver"
SECRET_KEY = "test-secret-key-that-is-long-enough-for-hs256"
PASSWORD = "correct horse"  # everyone's, unless a test says otherwise
RELAXED_LIMITS = (
    "login_rate_per_ip",
    "login_failures_per_account_ip",
    "login_failures_per_account",
    "signup_rate_per_ip",
    "api_rate_per_ip",
)


def unavailable(reason: str) -> None:
    """Skip on a laptop; under CI a missing service is a failure, never a silent skip."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must run)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- databases -------------------------------------------------------------------------------


async def _sqlite_template(directory: Path) -> str:
    path = directory / "socketspace.db"
    engine = create_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade(engine)
    await engine.dispose()
    return str(path)


async def _postgres_database(admin: asyncpg.Connection, admin_url: URL) -> str:
    name = f"socketspace_test_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    return url


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
async def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[str, str]]:
    """(name, where): a migrated SQLite template file, or a migrated PostgreSQL database."""
    if request.param == "sqlite":
        yield "sqlite", await _sqlite_template(tmp_path_factory.mktemp("template"))
        return
    admin_url = make_url(TEST_DATABASE_URL)
    dsn = admin_url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        admin = await asyncpg.connect(dsn, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        unavailable(f"PostgreSQL not reachable at {admin_url.host}:{admin_url.port}: {exc}")
    url = await _postgres_database(admin, admin_url)
    try:
        yield "postgresql", url
    finally:
        name = make_url(url).database
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@pytest.fixture
async def database_url(backend: tuple[str, str], tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, migrated, empty database for one test."""
    kind, where = backend
    if kind == "sqlite":
        path = tmp_path / "socketspace.db"
        shutil.copyfile(where, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    yield where
    engine = create_engine(where)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} CASCADE"))
    await engine.dispose()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """A direct handle on the test's database, for arranging and checking rows."""
    database = Database.from_url(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def postgresql_only(backend: tuple[str, str]) -> None:
    if backend[0] != "postgresql":
        pytest.skip("PostgreSQL's pooled connections")


@pytest.fixture
async def one_connection_db(postgresql_only: None, database_url: str) -> AsyncIterator[Database]:
    """A Database whose pool holds one connection, so every transaction reuses it."""
    database = Database(create_engine(database_url, pool_size=1, max_overflow=0))
    yield database
    await database.dispose()


async def queries_sent(database: Database, work: Callable[[], Awaitable[object]]) -> list[str]:
    """What the pooled connection sends the server while `work()` runs (asyncpg's own log of
    simple queries and fetches: BEGIN, ROLLBACK and a try's empty statement among them)."""
    async with database.engine.connect() as conn:
        raw = (await conn.get_raw_connection()).driver_connection
    sent: list[str] = []

    def log(record: Any) -> None:
        sent.append(record.query.strip())

    raw.add_query_logger(log)
    try:
        await work()
    finally:
        raw.remove_query_logger(log)
    return sent


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    """The Redis of TEST_REDIS_URL (tests keep apart by a key prefix of their own)."""
    connection = redis_client.from_url(TEST_REDIS_URL)
    try:
        await connection.ping()
    except (OSError, redis_client.RedisError) as exc:
        unavailable(f"Redis not reachable at {TEST_REDIS_URL}: {exc}")
    finally:
        await connection.aclose()
    yield TEST_REDIS_URL


# --- the app ---------------------------------------------------------------------------------


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key=SECRET_KEY,
        public_origin=ORIGIN,
        data_dir=tmp_path / "data",
        web_dist_dir=tmp_path / "no-web-build",
        # Cheap hashing for speed; the timing test builds its own app with real parameters.
        argon2_memory_kib=1024,
        argon2_time_cost=1,
        # Tests sign up and log in many people from one address; the attack tests
        # (tests/security) put the real limits back.
        **dict.fromkeys(RELAXED_LIMITS, "100000/minute"),
        socket_events_per_second=100_000,
        socket_event_burst=100_000,
    )


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[socketio.ASGIApp]:
    application = create_app(settings)
    api = application.api
    async with api.router.lifespan_context(api):
        yield application


def make_client(app: socketio.ASGIApp, base_url: str = ORIGIN) -> httpx.AsyncClient:
    """A browser-like client: keeps cookies, sends the page's Origin on writes."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url=base_url, headers={"Origin": ORIGIN})


@pytest.fixture
async def client(app: socketio.ASGIApp) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(app) as c:
        yield c


async def signup(
    client: httpx.AsyncClient, name: str, email: str, password: str = PASSWORD
) -> dict[str, object]:
    response = await client.post(
        "/api/auth/signup", json={"fullName": name, "email": email, "password": password}
    )
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


# --- real servers on free ports, for sockets and streamed bodies ----------------------------


async def serving(server: uvicorn.Server) -> asyncio.Task[None]:
    """Start `server` in this event loop; its task, once it accepts connections."""
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(10):
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
    return task


class LiveServer:
    """A uvicorn server running the app in this event loop."""

    def __init__(self, settings: Settings, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.settings = settings.model_copy(update={"public_origin": self.url})
        self.app = create_app(self.settings)
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            **connection_options(),  # as `socketspace serve`
        )
        self._server = uvicorn.Server(config)
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> LiveServer:
        self._task = await serving(self._server)
        return self

    async def stop(self) -> None:
        if self._task is not None:
            self._server.should_exit = True
            await self._task
            self._task = None


class Servers:
    """Starts servers on the test's database (several, or one after another) and stops them
    all at teardown."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.running: list[LiveServer] = []

    async def start(self, **overrides: object) -> LiveServer:
        server = LiveServer(self.settings.model_copy(update=overrides), free_port())
        self.running.append(server)
        return await server.start()

    async def close(self) -> None:
        for server in self.running:
            await server.stop()


@pytest.fixture
async def servers(settings: Settings) -> AsyncIterator[Servers]:
    started = Servers(settings)
    yield started
    await started.close()


@pytest.fixture
async def live_server(servers: Servers) -> LiveServer:
    return await servers.start()


# --- Socket.IO clients against a live server ------------------------------------------------


class Refused(Exception):
    """The server refused the handshake; `reason` is what the client was told."""

    def __init__(self, reason: object) -> None:
        super().__init__(str(reason))
        self.reason = reason


class Tab:
    """One connected client, like one browser tab: records every event it receives."""

    def __init__(self, client: socketio.AsyncClient) -> None:
        self.client = client
        self.received: dict[str, asyncio.Queue[object]] = {}
        self.disconnected = asyncio.Event()

        @client.on("*")
        async def _any(event: str, data: object = None) -> None:
            self._queue(event).put_nowait(data)

        @client.event
        async def disconnect(*_args: object) -> None:
            self.disconnected.set()

    def _queue(self, event: str) -> asyncio.Queue[object]:
        return self.received.setdefault(event, asyncio.Queue())

    async def next(self, event: str, timeout: float = 5) -> Any:
        """The next `event` this tab receives (waits for it)."""
        async with asyncio.timeout(timeout):
            return await self._queue(event).get()

    def pending(self, event: str) -> list[object]:
        """Everything of `event` received and not yet taken."""
        queue = self._queue(event)
        return [queue.get_nowait() for _ in range(queue.qsize())]

    async def call(self, event: str, data: object = None, timeout: float = 5) -> Any:
        return await self.client.call(event, data, timeout=timeout)

    async def emit(self, event: str, data: object, callback: Any = None) -> None:
        await self.client.emit(event, data, callback=callback)


class Sockets:
    """Opens Socket.IO clients and closes every one of them at teardown."""

    def __init__(self, url: str, http: aiohttp.ClientSession) -> None:
        self.url = url
        self.http = http
        self.sessions = [http]
        self.tabs: list[Tab] = []

    async def connect(
        self,
        *,
        cookie: str | None = None,
        origin: str | None = None,
        auth: dict[str, Any] | None = None,
        url: str | None = None,
        transports: tuple[str, ...] = ("websocket",),
    ) -> Tab:
        http = self.http
        if "polling" in transports:
            # engine.io's client copies a Cookie header into its session's cookie jar, and
            # polling requests send that jar: a shared session would mix people's cookies.
            http = aiohttp.ClientSession()
            self.sessions.append(http)
        client = socketio.AsyncClient(reconnection=False, http_session=http)
        tab = Tab(client)
        self.tabs.append(tab)
        refusal: asyncio.Future[object] = asyncio.get_running_loop().create_future()

        @client.event
        async def connect_error(data: object) -> None:
            if not refusal.done():
                refusal.set_result(data)

        target = url or self.url
        headers = {"Origin": origin or target}
        if cookie is not None:
            headers["Cookie"] = f"jwt={cookie}"
        try:
            await client.connect(
                target, headers=headers, auth=auth, transports=list(transports), wait_timeout=5
            )
        except socketio.exceptions.ConnectionError as exc:
            raise Refused(refusal.result() if refusal.done() else exc) from exc
        return tab

    async def close(self) -> None:
        for tab in self.tabs:
            if tab.client.connected:
                await tab.client.disconnect()
        for http in self.sessions:
            await http.close()


@pytest.fixture
async def sockets(live_server: LiveServer) -> AsyncIterator[Sockets]:
    opened = Sockets(live_server.url, aiohttp.ClientSession())
    yield opened
    await opened.close()


# --- people: alice, bob and whoever else a test signs up -------------------------------------


@dataclass
class Person:
    """Someone signed up, as a test drives them: who they are, their HTTP client (it keeps
    their session cookie), and `connect` to open a socket as them, like a browser tab."""

    id: str
    name: str
    email: str
    password: str
    http: httpx.AsyncClient
    token: str  # the session cookie their sign-up set
    url: str  # the server they signed up on
    sockets: Sockets | None = field(default=None, repr=False)

    async def connect(self, **options: Any) -> Tab:
        """A socket with their session, on the server they signed up on (`options`: as
        `Sockets.connect`)."""
        if self.sockets is None:
            raise RuntimeError(
                f"{self.name} lives in-process, where no socket can connect: sign them up on "
                "a live server (the `live_people` fixture, or `clients_of`)"
            )
        return await self.sockets.connect(cookie=self.token, **{"url": self.url, **options})


class People:
    """Signs people up on one server and closes their clients at teardown: in-process through
    `app` (requests go straight to the ASGI app; no sockets), or on a live server at `url`,
    where `sockets` opens theirs."""

    def __init__(
        self, url: str, *, app: socketio.ASGIApp | None = None, sockets: Sockets | None = None
    ) -> None:
        self.url = url
        self.app = app
        self.sockets = sockets
        self.clients: list[httpx.AsyncClient] = []

    def client(self, url: str | None = None) -> httpx.AsyncClient:
        """A browser-like HTTP client of no one yet (a second device, say), closed at teardown."""
        base = url or self.url
        if self.app is not None:
            http = make_client(self.app, base)
        else:
            http = httpx.AsyncClient(base_url=base, headers={"Origin": base})
        self.clients.append(http)
        return http

    async def signup(
        self,
        name: str,
        email: str | None = None,
        *,
        password: str = PASSWORD,
        url: str | None = None,
    ) -> Person:
        email = email or f"{name.lower().replace(' ', '.')}@example.com"
        http = self.client(url)
        user = await signup(http, name, email, password)
        return Person(
            id=str(user["_id"]),
            name=str(user["fullName"]),
            email=str(user["email"]),
            password=password,
            http=http,
            token=http.cookies["jwt"],
            url=url or self.url,
            sockets=self.sockets,
        )

    async def close(self) -> None:
        for client in self.clients:
            await client.aclose()


@pytest.fixture
async def people(app: socketio.ASGIApp) -> AsyncIterator[People]:
    """People of the test's app, in-process. Tests that open sockets use `live_people` (the
    Socket.IO tests' conftest makes it their `people`)."""
    made = People(ORIGIN, app=app)
    yield made
    await made.close()


@pytest.fixture
async def live_people(live_server: LiveServer, sockets: Sockets) -> AsyncIterator[People]:
    """People of the test's live server, whose `connect` opens sockets there."""
    made = People(live_server.url, sockets=sockets)
    yield made
    await made.close()


@pytest.fixture
async def alice(people: People) -> Person:
    return await people.signup("Alice Liddell", "alice@example.com")


@pytest.fixture
async def bob(people: People) -> Person:
    return await people.signup("Bob Builder", "bob@example.com")


@asynccontextmanager
async def clients_of(server: LiveServer) -> AsyncIterator[People]:
    """People of a server a test started itself (e.g. with other settings); `.sockets` opens
    sockets there that belong to no one."""
    sockets = Sockets(server.url, aiohttp.ClientSession())
    people = People(server.url, sockets=sockets)
    try:
        yield people
    finally:
        await sockets.close()
        await people.close()
