"""Fuzzing: schemathesis generates requests from the server's own OpenAPI schema and sends them
to a real server process (a bounded number per operation, derandomized so every run is the same).
No input may make the server fail (5xx), and what it answers must match what it promises."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from socketspace.app import create_app
from socketspace.config import Settings
from tests.conftest import free_port

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
SPEC = create_app(
    Settings(secret_key="s" * 48, database_url="sqlite+aiosqlite:///:memory:")
).api.openapi()
# Logging out would end the fuzzer's own session halfway; the rest is fair game.
schema = schemathesis.openapi.from_dict(SPEC).exclude(path_regex="/logout")


@dataclass(frozen=True)
class Target:
    url: str
    token: str


def signup(url: str, name: str) -> str:
    """A new account's session token."""
    body = {"fullName": name, "email": f"{name.lower()}@example.com", "password": "secret12"}
    response = httpx.post(f"{url}/api/auth/signup", json=body, timeout=10)
    assert response.status_code == 201, response.text
    return response.cookies["jwt"]


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    folder: Path = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    relaxed = "100000/minute"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{folder}/fuzz.db",
        "DATA_DIR": str(folder / "data"),
        "SECRET_KEY": "f" * 48,
        "ARGON2_MEMORY_KIB": "1024",
        "ARGON2_TIME_COST": "1",
        "LOG_LEVEL": "WARNING",
        "MESSAGE_RATE_PER_SECOND": "100000",
        "MESSAGE_BURST": "100000",
        **{name.upper(): relaxed for name in ("signup_rate_per_ip", "api_rate_per_ip")},
        **{name.upper(): relaxed for name in ("login_rate_per_ip", "reset_rate_per_ip")},
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "socketspace.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/readyz", timeout=1)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        token = signup(url, "Alice")
        signup(url, "Bob")
        yield Target(url, token)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr is not None:
            server.stderr.close()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_generated_request_makes_the_server_fail(case, target: Target) -> None:  # type: ignore[no-untyped-def]
    case.call_and_validate(
        base_url=target.url,
        headers={"Authorization": f"Bearer {target.token}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
