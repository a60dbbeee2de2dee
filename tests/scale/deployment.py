"""`socketspace serve` processes for the scale tests: one server in a process of its own
(ServerProcess), and several sharing the test's database and a Redis (Deployment)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import sys
import uuid
from pathlib import Path
from typing import IO

import aiohttp
import httpx

from tests.conftest import (
    RELAXED_LIMITS,
    SECRET_KEY,
    People,
    Person,
    Sockets,
    Tab,
    free_port,
    unavailable,
)

HEARTBEAT_SECONDS = 0.3
PROCESS_TIMEOUT_SECONDS = 1.5


class ServerProcess:
    """`socketspace serve` in a process of its own, on a port of its own."""

    def __init__(self, env: dict[str, str], port: int | None = None, *options: str) -> None:
        self.env = env
        self.options = options
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: asyncio.subprocess.Process | None = None
        self.log_path = Path(env["DATA_DIR"]) / f"server-{self.port}-{uuid.uuid4().hex[:6]}.log"

    async def start(self) -> ServerProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("wb") as log:
            self.process = await self._spawn(log)
        # Generous: starting means importing everything, slow on a busy 2-core machine.
        async with httpx.AsyncClient(base_url=self.url) as client, asyncio.timeout(90):
            while True:
                try:
                    if (await client.get("/readyz")).status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                if self.process.returncode is not None:
                    raise AssertionError(self.log())
                await asyncio.sleep(0.05)

    async def _spawn(self, log: IO[bytes]) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "socketspace.cli",
            "serve",
            "--port",
            str(self.port),
            "--no-migrate",
            *self.options,
            env=self.env,
            stdout=log,
            stderr=log,
            # A process group of its own, signalled whole as systemd does (KillMode=
            # control-group): `--workers` children included, and none left behind.
            start_new_session=True,
        )

    def send(self, number: int) -> None:
        assert self.process is not None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, number)

    def kill(self) -> None:
        self.send(signal.SIGKILL)

    async def halt(self) -> None:
        """SIGKILL to the whole group, and wait for it."""
        if self.process is not None and self.process.returncode is None:
            self.kill()
            await self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text()


class Deployment:
    """Server processes sharing the test's database and a Redis, stopped at teardown."""

    def __init__(self, database_url: str, redis_url: str, data_dir: Path) -> None:
        self.redis_url = redis_url
        self.env = {
            # Each server is named after its port (socketspace serve), never after the shell's.
            **{k: v for k, v in os.environ.items() if k.lower() != "process_name"},
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "REDIS_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
            "SECRET_KEY": SECRET_KEY,
            "DATA_DIR": str(data_dir),
            "WEB_DIST_DIR": str(data_dir / "no-web-build"),
            "ARGON2_MEMORY_KIB": "1024",
            "ARGON2_TIME_COST": "1",
            "PRESENCE_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
            "PRESENCE_PROCESS_TIMEOUT_SECONDS": str(PROCESS_TIMEOUT_SECONDS),
            # Revocations must cross by the bus, not by the periodic session check.
            "SESSION_CHECK_SECONDS": "600",
            "LOG_LEVEL": os.environ.get("SCALE_TEST_LOG_LEVEL", "WARNING"),
            **{name.upper(): "100000/minute" for name in RELAXED_LIMITS},
        }
        self.servers: list[ServerProcess] = []
        self.http = aiohttp.ClientSession()
        self.sockets = Sockets("", self.http)
        self.people = People("", sockets=self.sockets)

    async def start(self, port: int | None = None, *options: str) -> ServerProcess:
        server = ServerProcess(self.env, port, *options)
        self.servers.append(server)
        return await server.start()

    async def signup(self, name: str, server: ServerProcess) -> Person:
        return await self.people.signup(name, url=server.url)

    async def connect(
        self, person: Person, server: ServerProcess, *, delta: bool = False, original: bool = False
    ) -> Tab:
        """A client that asks for `resync` (and delta presence), or (`original`) one that asks
        for nothing, as the original client."""
        if original:
            return await person.connect(url=server.url)
        auth: dict[str, object] = {"resync": True}
        if delta:
            auth["presence"] = "delta"
        return await person.connect(url=server.url, auth=auth)

    async def close(self) -> None:
        """Stop everything. The servers are killed: how they stop on SIGTERM is what
        test_sigterm_… checks, and a teardown must not depend on it."""
        try:
            await self.sockets.close()
            await self.people.close()
        finally:
            for server in self.servers:
                await server.halt()


class RedisServer:
    """A throw-away redis-server of our own on a free port, so that a test may restart it."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed (Debian package redis-server)")
        self.process = await asyncio.create_subprocess_exec(
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        async with asyncio.timeout(10):
            while True:
                try:
                    _reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
                    writer.close()
                    return
                except OSError:
                    await asyncio.sleep(0.05)

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


class RedisProxy:
    """A TCP proxy between server processes and a Redis, which a test can hold up (`pause`:
    bytes stay where they are, as on a congested link) or cut (`cut`: every connection
    through it closed, and new ones refused until `resume`)."""

    def __init__(self, redis_port: int) -> None:
        self.redis_port = redis_port
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.refused = 0  # connections refused while cut
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._cut = False
        self._writers: set[asyncio.StreamWriter] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    @property
    def paused(self) -> bool:
        return not self._flowing.is_set()

    def pause(self) -> None:
        self._flowing.clear()

    def cut(self) -> None:
        self._cut = True
        for writer in self._writers:
            writer.close()

    def resume(self) -> None:
        self._cut = False
        self._flowing.set()

    async def close(self) -> None:
        self.cut()
        self._flowing.set()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self._cut:
            self.refused += 1
            writer.close()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.redis_port)
        except OSError:
            writer.close()
            return
        self._writers |= {writer, up_writer}
        try:
            await asyncio.gather(self._pump(reader, up_writer), self._pump(up_reader, writer))
        finally:
            self._writers -= {writer, up_writer}
            writer.close()
            up_writer.close()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                await self._flowing.wait()  # paused: what was read waits here, unsent
                if writer.is_closing():
                    break
                writer.write(data)
                await writer.drain()
        writer.close()  # one side ended: end the other
