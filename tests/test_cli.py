"""The `socketspace` command as an operator runs it: real processes, a real SQLite file."""

import asyncio
import os
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
    finally:
        process.terminate()
        await process.wait()
    key = tmp_path / "data" / "secret.key"
    assert key.stat().st_mode & 0o777 == 0o600
