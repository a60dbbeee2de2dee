"""Logs as an operator reads them: `socketspace serve` with LOG_FORMAT=json, a real process."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from socketspace.logs import JsonFormatter, RequestIdFilter, TextFormatter, request_id
from tests.conftest import free_port


async def serve_and_log(tmp_path: Path, requests: list[tuple[str, str, str]]) -> list[str]:
    """Run the server with JSON logs, make (method, path, request id) requests, stop it, and
    return what it wrote to stderr."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/data/socketspace.db",
        "DATA_DIR": str(tmp_path / "data"),
        "ARGON2_MEMORY_KIB": "1024",
        "ARGON2_TIME_COST": "1",
        "LOG_FORMAT": "json",
    }
    process = await asyncio.create_subprocess_exec(
        *[sys.executable, "-m", "socketspace.cli", "serve", "--port", str(port)],
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with httpx.AsyncClient(base_url=base, headers={"Origin": base}) as client:
            async with asyncio.timeout(30):
                while True:
                    try:
                        await client.get("/readyz")
                        break
                    except httpx.ConnectError:
                        assert process.returncode is None
                        await asyncio.sleep(0.1)
            for method, path, rid in requests:
                body = {"fullName": "Dee", "email": "dee@example.com", "password": "secret12"}
                response = await client.request(
                    method,
                    path,
                    headers={"X-Request-Id": rid},
                    json=body if method == "POST" else None,
                )
                assert response.headers["x-request-id"] == rid
    finally:
        process.terminate()
        assert process.stderr is not None
        stderr = await process.stderr.read()
        await process.wait()
    return stderr.decode().splitlines()


async def test_json_logs_are_one_object_a_line_and_carry_the_request_id(tmp_path):
    lines = await serve_and_log(
        tmp_path,
        [("POST", "/api/auth/signup", "signup42"), ("GET", "/api/auth/check", "check43")],
    )
    entries: list[dict[str, Any]] = [json.loads(line) for line in lines if line.strip()]
    assert entries
    for entry in entries:
        assert {"time", "level", "logger", "message"} <= entry.keys(), entry
    by_request: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_request.setdefault(entry.get("request_id", "-"), []).append(entry)

    signup = by_request["signup42"]
    # Our own line and uvicorn's access line, both while the request was handled.
    assert any(e["logger"] == "socketspace.services.accounts" for e in signup), signup
    access = [e for e in signup if e["logger"] == "uvicorn.access"]
    assert len(access) == 1 and '"POST /api/auth/signup HTTP/1.1" 201' in access[0]["message"]
    check = [e for e in by_request["check43"] if e["logger"] == "uvicorn.access"]
    assert len(check) == 1 and "/api/auth/check" in check[0]["message"]
    # Outside a request (startup, shutdown) there is no id.
    assert any("Application startup complete" in e["message"] for e in by_request["-"])


def record(message: str, exc_info: Any = None) -> logging.LogRecord:
    made = logging.LogRecord(
        "socketspace.test", logging.WARNING, __file__, 1, message, (), exc_info
    )
    RequestIdFilter().filter(made)
    return made


def test_the_formatters_add_the_request_id_only_inside_a_request():
    outside = record("plain")
    token = request_id.set("abc123")
    try:
        inside = record("within")
    finally:
        request_id.reset(token)
    assert TextFormatter().format(outside).endswith("logger=socketspace.test plain")
    assert TextFormatter().format(inside).endswith("within request_id=abc123")
    assert "request_id" not in json.loads(JsonFormatter().format(outside))
    assert json.loads(JsonFormatter().format(inside))["request_id"] == "abc123"
    try:
        raise ValueError("boom")
    except ValueError:
        failed = json.loads(JsonFormatter().format(record("failed", sys.exc_info())))
    assert failed["level"] == "WARNING" and "ValueError: boom" in failed["exception"]


async def test_an_unexpected_failure_is_logged_with_its_request_id(alice, db):
    """The 500's log line is written outside the middleware, by Starlette's error handler."""
    lines = io.StringIO()
    handler = logging.StreamHandler(lines)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        async with db.write() as session:
            await session.execute(text("ALTER TABLE sessions RENAME TO sessions_away"))
        try:
            response = await alice.http.get("/api/auth/check", headers={"X-Request-Id": "fail500"})
        finally:
            async with db.write() as session:
                await session.execute(text("ALTER TABLE sessions_away RENAME TO sessions"))
    finally:
        root.removeHandler(handler)
    assert response.status_code == 500
    entries = [json.loads(line) for line in lines.getvalue().splitlines()]
    failure = [e for e in entries if e["message"].startswith("unhandled_error")]
    assert len(failure) == 1
    assert failure[0]["request_id"] == "fail500"
    assert "Traceback" in failure[0]["exception"]
