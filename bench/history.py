"""Read-path benchmark: history pages, the chats list, contacts and sync at a given size.

Seeds a fresh SQLite database with N messages over 1,000 conversations of one user (half of
them in one long conversation), then times each read through the whole HTTP stack in this
process (httpx's ASGI transport, so the client's own cost is included: figures are upper
bounds of the server's).

    .venv/bin/python bench/history.py [--messages 100000,1000000] [--requests 200]
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from common import IN_PROCESS_ORIGIN, in_process, percentiles, write_result

from socketspace.config import Settings
from socketspace.db import create_engine
from socketspace.migrations import upgrade
from socketspace.models.base import new_id

CONVERSATIONS = 1000
MAX_MESSAGES = 10_000_000
MAX_REQUESTS = 100_000
ORIGIN = IN_PROCESS_ORIGIN
LABELS = {
    "newestPage": "history, newest page",
    "olderPage": "history, an older page",
    "chatsList": "chats list (1,000 chats)",
    "contacts": "contacts (first 500)",
    "sync": "sync, last 100 messages",
}


def message_rows(
    me: str, others: list[str], messages: int, now: str
) -> Iterator[tuple[int, int, str, str, str, str]]:
    """Half of the messages in the first conversation, the rest spread over the others."""
    message_id = 0
    for number, other in enumerate(others, start=1):
        count = messages // 2 if number == 1 else (messages // 2) // (CONVERSATIONS - 1)
        for k in range(count):
            message_id += 1
            sender, receiver = (me, other) if k % 2 else (other, me)
            yield (message_id, number, sender, receiver, f"message {k} " * 5, now)


def seed(path: Path, me: str, messages: int) -> list[str]:
    """Others, conversations and messages written straight into SQLite (fast to set up)."""
    now = datetime.now(UTC).isoformat(sep=" ")
    others = [new_id() for _ in range(CONVERSATIONS)]
    # The server writes too as it starts (the new user's welcome email, ...): take the write
    # lock first, waiting for it. (A transaction that reads, then writes after another
    # connection's commit fails at once with "database is locked", whatever the timeout.)
    con = sqlite3.connect(path, timeout=60)
    con.execute("BEGIN IMMEDIATE")
    con.executemany(
        "INSERT INTO users (id, email, full_name, password_hash, profile_pic, created_at,"
        " updated_at) VALUES (?, ?, ?, 'x', '', ?, ?)",
        [(o, f"user{i}@example.com", f"User {i}", now, now) for i, o in enumerate(others)],
    )
    for number, other in enumerate(others, start=1):
        low, high = sorted([me, other])
        con.execute(
            "INSERT INTO conversations (id, user_low, user_high, created_at) VALUES (?, ?, ?, ?)",
            (number, low, high, now),
        )
        con.executemany(
            # Columns named: the later ones (role, muted, pinned…) take their defaults.
            "INSERT INTO conversation_members (conversation_id, user_id, partner_id,"
            " last_read_message_id, unread_count) VALUES (?, ?, ?, 0, 0)",
            [(number, me, other), (number, other, me)],
        )
    # Rows streamed from a generator keep memory flat at 1,000,000 messages; one transaction
    # (committed below) keeps it quick.
    con.executemany(
        "INSERT INTO messages (id, conversation_id, sender_id, receiver_id, text, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        message_rows(me, others, messages, now),
    )
    con.execute(
        "UPDATE conversations SET last_message_id ="
        " (SELECT max(id) FROM messages m WHERE m.conversation_id = conversations.id)"
    )
    con.commit()
    con.close()
    return others


async def timed(
    client: httpx.AsyncClient, url: str, count: int, **params: str
) -> dict[str, float | None]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        response = await client.get(url, params=params)
        times.append((time.perf_counter() - start) * 1000)
        response.raise_for_status()
    return {**percentiles(times), "requests": count}


async def measure(messages: int, requests: int) -> dict[str, Any]:
    """A fresh database of `messages` messages, and the timings of each read against it."""
    workdir = Path(tempfile.mkdtemp(prefix="socketspace-history-"))
    try:
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
        async with in_process(settings) as client:
            signup = {"fullName": "Me", "email": "me@example.com", "password": "benchmark"}
            me = (await client.post("/api/auth/signup", json=signup)).json()["_id"]
            started = time.perf_counter()
            # In a thread: the server in this event loop must be free to finish the write
            # it may have open, or the seeding would wait for it forever.
            others = await asyncio.to_thread(seed, path, me, messages)
            seconds = round(time.perf_counter() - started, 1)
            print(
                f"{messages:,} messages in {CONVERSATIONS:,} conversations (seeded in {seconds} s)"
            )
            chat = f"/api/messages/{others[0]}"
            reads = {
                "newestPage": await timed(client, chat, requests),
                "olderPage": await timed(client, chat, requests, before="1000"),
                "chatsList": await timed(client, "/api/messages/chats", requests // 4),
                "contacts": await timed(client, "/api/messages/contacts", requests // 4),
                "sync": await timed(
                    client, "/api/messages/sync", requests, after=str(messages - 100)
                ),
            }
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for name, r in reads.items():
        print(f"  {LABELS[name]:26} p50 {r['p50']:6.2f} ms   p99 {r['p99']:6.2f} ms")
    return {"messages": messages, "seedSeconds": seconds, **reads}


def run(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", default="100000", help="stored messages, comma-separated")
    parser.add_argument("--requests", type=int, default=200, help="requests per page kind")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.messages.split(",") if n.strip()]
    if not sizes or not all(CONVERSATIONS * 2 <= n <= MAX_MESSAGES for n in sizes):
        parser.error(f"--messages must be {CONVERSATIONS * 2}..{MAX_MESSAGES:,} each")
    if not 4 <= args.requests <= MAX_REQUESTS:
        parser.error(f"--requests must be 4..{MAX_REQUESTS}")
    document = {
        "database": "sqlite",
        "sizes": [asyncio.run(measure(n, args.requests)) for n in sizes],
    }
    write_result("history", document)
    return document


def main(argv: list[str] | None = None) -> int:
    run(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
