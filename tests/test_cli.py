"""The `socketspace` command as an operator runs it: real processes, a real SQLite file."""

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import free_port

CLI = [sys.executable, "-m", "socketspace.cli"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/data/socketspace.db",
        "DATA_DIR": str(tmp_path / "data"),
        "ARGON2_MEMORY_KIB": "1024",
        "ARGON2_TIME_COST": "1",
    }


# How long Node's HTTP agent (and httpx) keep an idle connection before closing it themselves.
NODE_IDLE_SECONDS = 5


async def keeps_an_idle_connection_open_past(seconds: float, port: int) -> None:
    """A keep-alive connection left idle for `seconds` is still open and still answers: the
    client, whose own limit that is, closes it first, never the server as the client reuses it
    (at uvicorn's default of 5 s, a Node client saw ECONNRESET)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def answered() -> None:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200"), head
        length = next(
            int(line.split(b":")[1])
            for line in head.lower().split(b"\r\n")
            if line.startswith(b"content-length:")
        )
        await reader.readexactly(length)

    try:
        await answered()
        # Nothing comes, not even the connection's end, while the client idles.
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(reader.read(1), seconds + 1)
        await answered()
    finally:
        writer.close()


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_migrate_then_create_user_makes_an_account_that_can_log_in(env, tmp_path):
    assert run(["migrate"], env).returncode == 0
    assert run(["migrate"], env).returncode == 0  # a second run is a no-op
    created = run(
        ["create-user", "--email", "Ops@Example.com", "--name", "Ops", "--password", "secret12"],
        env,
    )
    assert created.returncode == 0, created.stderr
    assert len(created.stdout.strip()) == 24

    again = run(
        ["create-user", "--email", "ops@example.com", "--name", "Ops", "--password", "secret12"],
        env,
    )
    assert again.returncode == 1
    assert "Email already exists" in again.stderr


def test_migrate_without_a_database_url_makes_the_database_in_data_dir(env, tmp_path):
    workdir = tmp_path / "workdir"
    workdir.mkdir()
    env = {name: value for name, value in env.items() if name != "DATABASE_URL"}
    env["DATA_DIR"] = str(tmp_path / "elsewhere")
    migrated = subprocess.run(
        [*CLI, "migrate"], env=env, cwd=workdir, capture_output=True, text=True, timeout=60
    )
    assert migrated.returncode == 0, migrated.stderr
    with sqlite3.connect(tmp_path / "elsewhere" / "socketspace.db") as db:
        assert db.execute("SELECT count(*) FROM users").fetchone() == (0,)
    assert list(workdir.iterdir()) == []  # nothing left in ./data


async def test_serve_migrates_and_answers_with_a_generated_secret(env, tmp_path):
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *CLI,
        "serve",
        "--port",
        str(port),
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as client:
            async with asyncio.timeout(30):
                while True:
                    try:
                        ready = await client.get("/readyz")
                        break
                    except httpx.ConnectError:
                        assert process.returncode is None, await process.stderr.read()
                        await asyncio.sleep(0.1)
            assert ready.json() == {"status": "ready"}
            signup = await client.post(
                "/api/auth/signup",
                headers={"Origin": base},
                json={"fullName": "Dee", "email": "dee@example.com", "password": "secret12"},
            )
            assert signup.status_code == 201
        await keeps_an_idle_connection_open_past(NODE_IDLE_SECONDS, port)
    finally:
        process.terminate()
        await process.wait()
    key = tmp_path / "data" / "secret.key"
    assert key.stat().st_mode & 0o777 == 0o600


def test_outbox_lists_unsent_emails_and_retry_requeues_a_failed_one(env, tmp_path):
    assert run(["migrate"], env).returncode == 0
    made = ["create-user", "--email", "ops@example.com", "--name", "Ops", "--password", "secret12"]
    assert run(made, env).returncode == 0

    listed = run(["outbox"], env)
    assert listed.returncode == 0
    assert "pending" in listed.stdout and "welcome  ops@example.com" in listed.stdout

    # One try against an SMTP port where nothing listens: the email fails for good.
    down = {**env, "SMTP_URL": f"smtp://127.0.0.1:{free_port()}", "OUTBOX_MAX_ATTEMPTS": "1"}
    assert run(["outbox", "send"], down).returncode == 0
    listed = run(["outbox"], env)
    assert "failed" in listed.stdout and "SMTPConnect" in listed.stdout

    assert run(["outbox", "retry", "1"], env).stdout.strip() == "email 1 queued again"
    missing = run(["outbox", "retry", "99"], env)
    assert missing.returncode == 1 and "no pending or failed email has id 99" in missing.stderr

    # Without SMTP_URL the email lands in DATA_DIR/outbox as an .eml file.
    assert run(["outbox", "send"], env).stdout.strip() == "tried 1 due email(s)"
    assert run(["outbox"], env).stdout.strip() == "no pending or failed emails"
    assert len(list((tmp_path / "data" / "outbox").glob("*.eml"))) == 1
