"""Read-path benchmark: history pages, the chats list, contacts and sync at a given size.

Seeds a fresh SQLite database with N messages over 1,000 conversations of one user (half of
them in one long conversation), then times each read through the whole HTTP stack in this
process (httpx's ASGI transport, so the client's own cost is included: figures are upper
bounds of the server's).

    .venv/bin/python bench/history.py [--messages 100000] [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from socketspace.app import create_app
from socketspace.config import Settings
from socketspace.db import create_engine
from socketspace.migrations import upgrade
from socketspace.models.base import new_id

CONVERSATIONS = 1000
ORIGIN = "http://bench"


def seed(path: Path, me: str, messages: int) -> list[str]:
    """Others, conversations and messages written straight into SQLite (fast to set up)."""
    now = datetime.now(UTC).isoformat(sep=" ")
    others = [new_id() for _ in range(CONVERSATIONS)]
    con = sqlite3.connect(path)
    con.executemany(
        "INSERT INTO users (id, email, full_name, password_hash, profile_pic, created_at,"
        " updated_at) VALUES (?, ?, ?, 'x', '', ?, ?)",
        [(o, f"user{i}@example.com", f"User {i}", now, now) for i, o in enumerate(others)],
    )
    message_id = 0
    rows = []
    for number, other in enumerate(others, start=1):
        low, high = sorted([me, other])
        con.execute(
            "INSERT INTO conversations (id, user_low, user_high, created_at) VALUES (?, ?, ?, ?)",
            (number, low, high, now),
        )
        con.executemany(
            "INSERT INTO conversation_members VALUES (?, ?, ?, 0, 0)",
            [(number, me, other), (number, other, me)],
        )
        count = messages // 2 if number == 1 else (messages // 2) // (CONVERSATIONS - 1)
        for k in range(count):
            message_id += 1
            sender, receiver = (me, other) if k % 2 else (other, me)
            rows.append((message_id, number, sender, receiver, f"message {k} " * 5, now))
    con.executemany(
        "INSERT INTO messages (id, conversation_id, sender_id, receiver_id, text, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )
    con.execute(
        "UPDATE conversations SET last_message_id ="
        " (SELECT max(id) FROM messages m WHERE m.conversation_id = conversations.id)"
    )
    con.commit()
    con.close()
    return others


async def timed(client: httpx.AsyncClient, url: str, count: int, **params: str) -> str:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        response = await client.get(url, params=params)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    times.sort()
    p99 = times[max(0, int(len(times) * 0.99) - 1)]
    return f"p50 {statistics.median(times):6.2f} ms   p99 {p99:6.2f} ms   ({count} requests)"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="socketspace-history-"))
    path = workdir / "bench.db"
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    settings = Settings(
        database_url=url,
        data_dir=workdir,
        secret_key="b" * 48,
        public_origin=ORIGIN,
        argon2_memory_kib=1024,
        argon2_time_cost=1,
        signup_rate_per_ip="100000/minute",
        api_rate_per_ip="10000000/minute",
    )
    app = create_app(settings)
    api = app.other_asgi_app
    async with (
        api.router.lifespan_context(api),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url=ORIGIN, headers={"Origin": ORIGIN}
        ) as client,
    ):
        me = (
            await client.post(
                "/api/auth/signup",
                json={"fullName": "Me", "email": "me@example.com", "password": "benchmark"},
            )
        ).json()["_id"]
        others = seed(path, me, args.messages)
        n = args.requests
        print(f"{args.messages:,} messages in {CONVERSATIONS:,} conversations")
        print("history, newest page     ", await timed(client, f"/api/messages/{others[0]}", n))
        print(
            "history, an older page   ",
            await timed(client, f"/api/messages/{others[0]}", n, before="1000"),
        )
        print("chats list (1,000 chats) ", await timed(client, "/api/messages/chats", n // 4))
        print("contacts (first 500)     ", await timed(client, "/api/messages/contacts", n // 4))
        print(
            "sync, last 100 messages  ",
            await timed(client, "/api/messages/sync", n, after=str(args.messages - 100)),
        )


if __name__ == "__main__":
    asyncio.run(main())
