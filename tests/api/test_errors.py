"""One error shape everywhere: {"message", "code"} with the right status, never HTML."""

import asyncio
import json
from collections.abc import Awaitable

import httpx
import pytest
from sqlalchemy import text

from socketspace.api.errors import LastResort
from socketspace.app import create_app
from socketspace.config import Settings
from socketspace.db import Database
from tests.conftest import ORIGIN, make_client


def assert_json_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]


async def test_an_unknown_api_path_is_a_json_404(client):
    assert_json_error(await client.get("/api/no/such/thing"), 404, "not_found")


async def test_a_wrong_method_is_a_json_405(client):
    assert_json_error(await client.delete("/api/auth/check"), 405, "method_not_allowed")


async def test_every_answer_carries_a_request_id(client):
    first, second = [(await client.get("/healthz")).headers["x-request-id"] for _ in range(2)]
    assert len(first) >= 8 and first.isalnum()
    assert first != second  # one id per request
    echoed = await client.get("/healthz", headers={"X-Request-ID": "abc123"})
    assert echoed.headers["x-request-id"] == "abc123"


async def answer_without_the_sessions_table(
    db: Database, request: Awaitable[httpx.Response]
) -> httpx.Response:
    """`request`'s answer while the sessions table is gone: an unexpected database failure."""
    async with db.write() as session:
        await session.execute(text("ALTER TABLE sessions RENAME TO sessions_away"))
    try:
        return await request
    finally:
        async with db.write() as session:
            await session.execute(text("ALTER TABLE sessions_away RENAME TO sessions"))


def assert_a_500_that_leaks_nothing(response: httpx.Response, caplog) -> None:
    assert_json_error(response, 500, "internal_error")
    assert "sessions" not in response.text and "Traceback" not in response.text
    request_id = response.headers["x-request-id"]
    assert any(request_id in record.getMessage() for record in caplog.records)


async def test_an_unexpected_failure_is_a_json_500_that_leaks_nothing(alice, db, caplog):
    response = await answer_without_the_sessions_table(db, alice.http.get("/api/auth/check"))
    assert_a_500_that_leaks_nothing(response, caplog)


async def test_an_unexpected_failure_in_the_send_route_is_a_json_500(alice, bob, db, caplog):
    # The busiest route is served in front of FastAPI (api/send_route.py): same answer.
    bob_id = (await bob.http.get("/api/auth/check")).json()["_id"]
    send = alice.http.post(f"/api/messages/send/{bob_id}", json={"text": "hi"})
    assert_a_500_that_leaks_nothing(await answer_without_the_sessions_table(db, send), caplog)


async def test_the_last_resort_answers_what_nothing_else_did(caplog):
    async def failing(scope, receive, send):
        raise ConnectionError("the rate-limit store is down")

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=LastResort(failing), raise_app_exceptions=False),
        base_url=ORIGIN,
    ) as c:
        response = await c.get("/api/users")
    assert_json_error(response, 500, "internal_error")
    assert "store" not in response.text
    assert any("unhandled_error" in record.getMessage() for record in caplog.records)


async def test_the_last_resort_leaves_an_answered_failure_to_the_server():
    async def answers_then_fails(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"partial"})
        raise ConnectionError("after the answer")

    transport = httpx.ASGITransport(app=LastResort(answers_then_fails))
    async with httpx.AsyncClient(transport=transport, base_url=ORIGIN) as c:
        with pytest.raises(ConnectionError, match="after the answer"):  # not answered twice
            await c.get("/")


async def test_a_body_over_the_limit_is_refused_from_its_content_length(client):
    response = await client.post(
        "/api/auth/login",
        content=b"{" + b" " * 300_000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert_json_error(response, 413, "payload_too_large")


async def test_a_chunked_body_is_cut_off_at_the_limit_while_reading(live_server):
    # No Content-Length: the server can only know the size by counting what arrives. The
    # body is never finished, so a 413 proves the server stopped reading at the limit.
    host, port = live_server.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(
        f"POST /api/auth/login HTTP/1.1\r\nHost: {host}\r\nOrigin: {live_server.url}\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
    )
    chunk = b"x" * 10_000
    for _ in range(30):  # 300 KB, over the 256 KB limit
        writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    await writer.drain()
    async with asyncio.timeout(10):
        head = await reader.readuntil(b"\r\n\r\n")
        body = await reader.read(1000)
    writer.close()
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body)["code"] == "payload_too_large"


async def test_healthz_and_readyz_answer_when_the_database_is_up(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {"status": "ready"}


async def test_readyz_is_503_when_the_database_cannot_be_reached(tmp_path):
    settings = Settings(
        database_url="postgresql+asyncpg://nobody@127.0.0.1:9/none",
        secret_key="k" * 40,
        data_dir=tmp_path,
        public_origin=ORIGIN,
        argon2_memory_kib=1024,
        argon2_time_cost=1,
    )
    app = create_app(settings)
    api = app.api
    async with api.router.lifespan_context(api), make_client(app) as c:
        assert (await c.get("/healthz")).status_code == 200
        assert_json_error(await c.get("/readyz"), 503, "not_ready")


async def test_a_body_that_is_not_even_utf8_is_called_invalid_json(client):
    response = await client.post(
        "/api/auth/login",
        content=b'{"email": "\xff\xfe"}',
        headers={"Content-Type": "application/json"},
    )
    assert_json_error(response, 400, "invalid_input")
    assert response.json()["message"] == "The request body is not valid JSON."
