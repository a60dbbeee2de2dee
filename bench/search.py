"""Search benchmark (issue 18): search latency at a million messages, and what keeping the
search index costs the socket send path.

1. Latency. A fresh database (SQLite, or with --postgres-url a throw-away PostgreSQL database)
   with --users people (the first --viewers signed up through the API, the rest written in
   bulk), each in direct chats with 10 others and some in groups of 20, and --messages
   messages of 4-12 words drawn from a 20,000-word vocabulary with a Zipf distribution (the
   most common word is in about one message in ten), seeded with SQL in bulk: the search
   index dropped first and rebuilt after with migration 0008's own statements (the seconds
   it takes are reported). Then GET /api/search through the whole HTTP stack in this process
   (httpx's ASGI transport, like history.py: the client's cost is included, so the figures
   are upper bounds), by the viewers in turn, for a mix of queries: a common word, a medium
   and a rare one, a prefix, two words, a phrase, a word in nobody's messages, and a word
   in one conversation.
2. Send cost (--send-cost). The message writer alone (bench/writer.py's batches), then
   bench/run.py's socket relay at fixed rates, each against a database with the index and
   one without (migration 0008's DROP statements), alternating, in the same run: CPU per
   message with and without, and their ratio. The writer's process CPU is the figure a busy
   machine disturbs least.

    .venv/bin/python bench/search.py [--messages 1000000] [--requests 400]
    .venv/bin/python bench/search.py --postgres-url postgresql+asyncpg://postgres@127.0.0.1/test
    .venv/bin/python bench/search.py --send-cost --rates 2000,4000 [--postgres-url ...]
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import run as relay
import writer as writer_bench
from common import IN_PROCESS_ORIGIN, cpu_seconds, in_process, main_of, percentiles, write_result
from sqlalchemy.engine import make_url

from socketspace.config import Settings
from socketspace.db import Database, create_engine
from socketspace.migrations import upgrade
from socketspace.models.base import new_id
from socketspace.services.message_writer import MessageWriter
from socketspace.services.notify import NullNotifier
from socketspace.services.search_index import SearchIndexer

# Migrations 0008's and 0012's statements: the index is dropped and built exactly as the
# migrations do (0012: SQLite's queue, which the app's SearchIndexer empties).
SEARCH_INDEX = importlib.import_module("socketspace.migrations.versions.0008_search")
SEARCH_QUEUE = importlib.import_module("socketspace.migrations.versions.0012_search_queue")

QUEUE_NEVER_FILLED = "CREATE TABLE search_pending (id INTEGER PRIMARY KEY)"
ORIGIN = IN_PROCESS_ORIGIN
PARTNERS = 10  # direct chats per person
GROUP_SIZE = 20
GROUP_SHARE = 0.1  # of the messages
VOCABULARY = 20_000
ZIPF = 1.1
MAX_MESSAGES = 10_000_000
SEED = 18


@dataclass(frozen=True)
class World:
    """What the seed made: who is in which conversation, and the words."""

    users: list[str]
    pairs: list[tuple[str, str]]  # direct conversations (user_low, user_high), ids 1..
    groups: list[list[str]]  # members; group ids follow the direct conversations
    words: list[str]  # by rank, most common first


def vocabulary(rng: random.Random) -> list[str]:
    syllables = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]
    words: dict[str, None] = {}
    while len(words) < VOCABULARY:
        words["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))] = None
    return list(words)


def plan(viewers: list[str], users: int, rng: random.Random) -> World:
    everyone = viewers + [new_id() for _ in range(users - len(viewers))]
    pairs = []
    for index, person in enumerate(everyone):
        for step in range(1, PARTNERS // 2 + 1):
            other = everyone[(index + step) % len(everyone)]
            low, high = sorted([person, other])
            pairs.append((low, high))
    group_count = max(1, users // GROUP_SIZE // 2)  # about half of the people in one group
    groups = [rng.sample(everyone, GROUP_SIZE) for _ in range(group_count)]
    return World(everyone, pairs, groups, vocabulary(rng))


def message_rows(
    world: World, messages: int, rng: random.Random, now: datetime
) -> Iterator[tuple[Any, ...]]:
    """(id, conversation_id, sender_id, receiver_id, text, created_at), ids in order."""
    weights = [1 / (rank + 1) ** ZIPF for rank in range(len(world.words))]
    cumulative = list(_accumulate(weights))
    words = world.words
    direct = len(world.pairs)
    for message_id in range(1, messages + 1):
        text = " ".join(rng.choices(words, cum_weights=cumulative, k=rng.randint(4, 12)))
        if rng.random() < GROUP_SHARE:
            group = rng.randrange(len(world.groups))
            sender = rng.choice(world.groups[group])
            yield (message_id, direct + group + 1, sender, None, text, now)
        else:
            pair = rng.randrange(direct)
            sender, receiver = world.pairs[pair][:: rng.choice((1, -1))]
            yield (message_id, pair + 1, sender, receiver, text, now)


def _accumulate(values: Sequence[float]) -> Iterator[float]:
    total = 0.0
    for value in values:
        total += value
        yield total


def member_rows(world: World, now: datetime) -> Iterator[tuple[Any, ...]]:
    """(conversation_id, user_id, partner_id, role, joined_at)."""
    for number, (low, high) in enumerate(world.pairs, start=1):
        yield (number, low, high, "member", None)
        yield (number, high, low, "member", None)
    for index, members in enumerate(world.groups):
        for member in members:
            yield (len(world.pairs) + index + 1, member, None, "member", now)


def conversation_rows(world: World, now: datetime) -> Iterator[tuple[Any, ...]]:
    """(id, user_low, user_high, kind, name, created_at)."""
    for number, (low, high) in enumerate(world.pairs, start=1):
        yield (number, low, high, "direct", None, now)
    for index in range(len(world.groups)):
        yield (len(world.pairs) + index + 1, None, None, "group", f"Group {index}", now)


def user_rows(world: World, signed_up: int, now: datetime) -> Iterator[tuple[Any, ...]]:
    for index, user in enumerate(world.users[signed_up:], start=signed_up):
        yield (user, f"user{index}@example.com", f"User {index}", "x", "", now, now)


# --- seeding ---------------------------------------------------------------------------------

USERS_SQL = (
    "INSERT INTO users (id, email, full_name, password_hash, profile_pic, created_at,"
    " updated_at) VALUES ({})"
)
CONVERSATIONS_SQL = (
    "INSERT INTO conversations (id, user_low, user_high, kind, name, created_at) VALUES ({})"
)
MEMBERS_SQL = (
    "INSERT INTO conversation_members (conversation_id, user_id, partner_id, role, joined_at,"
    " last_read_message_id, unread_count, visible_after) VALUES ({}, 0, 0, 0)"
)
MESSAGES_SQL = (
    "INSERT INTO messages (id, conversation_id, sender_id, receiver_id, text, created_at)"
    " VALUES ({})"
)
LAST_MESSAGE_SQL = (
    "UPDATE conversations SET last_message_id ="
    " (SELECT max(id) FROM messages m WHERE m.conversation_id = conversations.id)"
)


def seed_sqlite(path: Path, world: World, signed_up: int, messages: int) -> float:
    """Everything written straight into SQLite; returns the seconds the index took to build."""
    rng, now = random.Random(SEED), datetime.now(UTC)  # noqa: S311 (a repeatable seed)
    stamp = now.isoformat(sep=" ")
    con = sqlite3.connect(path, timeout=60)
    con.execute("BEGIN IMMEDIATE")
    for statement in (*SEARCH_QUEUE.SQLITE_DROP, *SEARCH_INDEX.SQLITE_DROP):
        con.execute(statement)
    con.executemany(USERS_SQL.format("?, ?, ?, ?, ?, ?, ?"), user_rows(world, signed_up, stamp))
    con.executemany(CONVERSATIONS_SQL.format("?, ?, ?, ?, ?, ?"), conversation_rows(world, stamp))
    con.executemany(MEMBERS_SQL.format("?, ?, ?, ?, ?"), member_rows(world, stamp))
    rows = ((*row[:5], stamp) for row in message_rows(world, messages, rng, now))
    con.executemany(MESSAGES_SQL.format("?, ?, ?, ?, ?, ?"), rows)
    con.execute(LAST_MESSAGE_SQL)
    con.commit()
    started = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    for statement in (*SEARCH_INDEX.SQLITE_CREATE, *SEARCH_QUEUE.SQLITE_CREATE):
        con.execute(statement)
    con.commit()
    built = time.perf_counter() - started
    con.execute("ANALYZE")
    con.close()
    return built


async def seed_postgresql(url: str, world: World, signed_up: int, messages: int) -> float:
    """The same through COPY; returns the seconds the index took to build."""
    rng, now = random.Random(SEED), datetime.now(UTC)  # noqa: S311 (a repeatable seed)
    con = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        for statement in SEARCH_INDEX.POSTGRESQL_DROP:
            await con.execute(statement)
        await con.copy_records_to_table(
            "users",
            records=list(user_rows(world, signed_up, now)),
            columns=[
                *("id", "email", "full_name", "password_hash", "profile_pic"),
                *("created_at", "updated_at"),
            ],
        )
        await con.copy_records_to_table(
            "conversations",
            records=list(conversation_rows(world, now)),
            columns=["id", "user_low", "user_high", "kind", "name", "created_at"],
        )
        await con.copy_records_to_table(
            "conversation_members",
            records=[(*row, 0, 0, 0) for row in member_rows(world, now)],
            columns=[
                *("conversation_id", "user_id", "partner_id", "role", "joined_at"),
                *("last_read_message_id", "unread_count", "visible_after"),
            ],
        )
        batch: list[tuple[Any, ...]] = []
        for row in message_rows(world, messages, rng, now):
            batch.append(row)
            if len(batch) == 100_000:
                await _copy_messages(con, batch)
                batch = []
        await _copy_messages(con, batch)
        await con.execute(LAST_MESSAGE_SQL)
        for table in ("messages", "conversations"):  # our own names, not input
            await con.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                f" (SELECT max(id) FROM {table}))"
            )
        started = time.perf_counter()
        for statement in SEARCH_INDEX.POSTGRESQL_CREATE:
            await con.execute(statement)
        built = time.perf_counter() - started
        await con.execute("ANALYZE")
    finally:
        await con.close()
    return built


async def _copy_messages(con: asyncpg.Connection, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        await con.copy_records_to_table(
            "messages",
            records=rows,
            columns=["id", "conversation_id", "sender_id", "receiver_id", "text", "created_at"],
        )


@asynccontextmanager
async def fresh_database(postgres_url: str | None) -> AsyncIterator[str]:
    """A migrated, empty database: a SQLite file, or a throw-away database on the server of
    `postgres_url` (whose own database is only connected to, to create and drop it)."""
    if postgres_url is None:
        workdir = Path(tempfile.mkdtemp(prefix="socketspace-search-"))
        url = f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        try:
            await _migrate(url)
            yield url
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        return
    server = make_url(postgres_url)
    admin = await asyncpg.connect(server.set(drivername="postgresql").render_as_string(False))
    name = f"socketspace_bench_{uuid.uuid4().hex[:10]}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = server.set(database=name).render_as_string(hide_password=False)
        await _migrate(url)
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()


# --- latency ---------------------------------------------------------------------------------


def queries(world: World, rng: random.Random) -> dict[str, dict[str, str]]:
    """The mix, each a set of query parameters (the conversation ones filled in per viewer)."""
    words = world.words
    return {
        "common word": {"q": words[0]},
        "medium word": {"q": words[100]},
        "rare word": {"q": words[5000]},
        "prefix (3 letters)": {"q": words[300][:3]},
        "two words": {"q": f"{words[10]} {words[200]}"},
        "phrase": {"q": f'"{words[1]} {words[2]}"'},
        "no such word": {"q": "zzzzqqq"},
        "medium word, one chat": {"q": words[100], "conversationId": ""},
    }


async def time_searches(
    url: str, viewers: list[str], cookies: list[httpx.Cookies], world: World, requests: int
) -> dict[str, Any]:
    rng = random.Random(SEED + 1)  # noqa: S311 (a repeatable choice)
    mix = queries(world, rng)
    partners = {
        viewer: [
            high if low == viewer else low for low, high in world.pairs if viewer in (low, high)
        ]
        for viewer in viewers
    }
    timings: dict[str, list[float]] = {name: [] for name in mix}
    found: dict[str, list[int]] = {name: [] for name in mix}
    async with in_process(bench_settings(url)) as client:
        for round_number in range(requests // len(mix) + 1):
            for name, params in mix.items():
                index = (round_number * 7 + len(name)) % len(viewers)
                asked = dict(params)
                if "conversationId" in asked:
                    asked["conversationId"] = rng.choice(partners[viewers[index]])
                started = time.perf_counter()
                response = await client.get("/api/search", params=asked, cookies=cookies[index])
                elapsed = (time.perf_counter() - started) * 1000
                response.raise_for_status()
                if round_number:  # the first round warms caches
                    timings[name].append(elapsed)
                    found[name].append(len(response.json()["results"]))
    every = [t for values in timings.values() for t in values]
    kinds = {
        name: {**percentiles(values), "meanResults": round(sum(found[name]) / len(values), 1)}
        for name, values in timings.items()
    }
    return {"all": {**percentiles(every), "requests": len(every)}, "byQuery": kinds}


def bench_settings(url: str) -> Settings:
    return Settings(
        database_url=url,
        data_dir=Path(tempfile.gettempdir()) / "socketspace-search-data",
        secret_key="b" * 48,
        public_origin=ORIGIN,
        argon2_memory_kib=1024,
        argon2_time_cost=1,
        signup_rate_per_ip="100000/minute",
        api_rate_per_ip="10000000/minute",
    )


async def sign_up(url: str, count: int) -> tuple[list[str], list[httpx.Cookies]]:
    ids, cookies = [], []
    async with in_process(bench_settings(url)) as client:
        for n in range(count):
            body = {"fullName": f"Viewer {n}", "email": f"viewer{n}@example.com"}
            response = await client.post("/api/auth/signup", json={**body, "password": "benchmark"})
            response.raise_for_status()
            ids.append(response.json()["_id"])
            cookies.append(httpx.Cookies({"jwt": response.cookies["jwt"]}))
            client.cookies.clear()
    return ids, cookies


async def measure(
    postgres_url: str | None, users: int, viewers: int, messages: int, requests: int
) -> dict[str, Any]:
    async with fresh_database(postgres_url) as url:
        viewer_ids, cookies = await sign_up(url, viewers)
        world = plan(viewer_ids, users, random.Random(SEED))  # noqa: S311
        started = time.perf_counter()
        if url.startswith("sqlite"):
            path = Path(make_url(url).database or "")
            built = await asyncio.to_thread(seed_sqlite, path, world, viewers, messages)
        else:
            built = await seed_postgresql(url, world, viewers, messages)
        seconds = round(time.perf_counter() - started, 1)
        database = "sqlite" if url.startswith("sqlite") else "postgresql"
        print(
            f"{database}: {messages:,} messages, {users:,} people, {len(world.pairs):,} chats,"
            f" {len(world.groups)} groups (seeded in {seconds} s, the index built in"
            f" {built:.1f} s)",
            flush=True,
        )
        timed = await time_searches(url, viewer_ids, cookies, world, requests)
    overall = timed["all"]
    print(f"  {'every query':26} p50 {overall['p50']:6.2f} ms   p99 {overall['p99']:6.2f} ms")
    for name, r in timed["byQuery"].items():
        print(
            f"  {name:26} p50 {r['p50']:6.2f} ms   p99 {r['p99']:6.2f} ms"
            f"   ({r['meanResults']} results)"
        )
    return {
        "database": database,
        "messages": messages,
        "users": users,
        "seedSeconds": seconds,
        "indexBuildSeconds": round(built, 1),
        **timed,
    }


# --- send cost -------------------------------------------------------------------------------


@asynccontextmanager
async def relay_database(postgres_url: str | None, *, indexed: bool) -> AsyncIterator[str]:
    async with fresh_database(postgres_url) as url:
        if not indexed:
            await drop_index(url)
        yield url


async def drop_index(url: str) -> None:
    engine = create_engine(url)
    dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
    dropped = SEARCH_INDEX.statements(dialect, create=False)
    if dialect == "sqlite":
        # The app's indexer still looks at its queue every half second: an empty one, as
        # if nothing were ever queued.
        dropped = (*SEARCH_QUEUE.SQLITE_DROP, *dropped, QUEUE_NEVER_FILLED)
    async with engine.begin() as conn:
        for statement in dropped:
            await conn.exec_driver_sql(statement)
    await engine.dispose()


async def send_cost(
    postgres_url: str | None, rates: str, step_seconds: float, rounds: int
) -> dict[str, Any]:
    """The socket relay at `rates`, without and with the index, alternating `rounds` times."""
    runs: dict[str, list[dict[str, Any]]] = {"without": [], "with": []}
    for _ in range(rounds):
        for label in ("without", "with"):
            async with relay_database(postgres_url, indexed=label == "with") as url:
                print(f"\nthe socket relay {label} the search index:", flush=True)
                argv = ["--path", "socket", "--database-url", url, "--rates", rates]
                argv += ["--step-seconds", str(step_seconds)]
                document = await asyncio.to_thread(relay.run, argv)
                runs[label].extend(document["steps"])
    by_rate: dict[int, dict[str, Any]] = {}
    for label, steps in runs.items():
        for step in steps:
            entry = by_rate.setdefault(step["offeredRate"], {"without": [], "with": []})
            entry[label].append(step["serverCpuUsPerMessage"])
    table = []
    print("\noffered msg/s   CPU µs/msg without   with   ratio")
    for rate, entry in sorted(by_rate.items()):
        if not entry["without"] or not entry["with"]:
            continue
        without = sum(entry["without"]) / len(entry["without"])
        with_index = sum(entry["with"]) / len(entry["with"])
        ratio = with_index / without
        table.append({"rate": rate, "without": without, "with": with_index, "ratio": ratio})
        print(f"{rate:13,}   {without:18.1f}   {with_index:5.1f}   {ratio:5.2f}")
    held = {
        label: max((s["offeredRate"] for s in steps if s["held"]), default=None)
        for label, steps in runs.items()
    }
    print(f"highest rate held: without {held['without']}, with {held['with']}")
    return {"byRate": table, "held": held, "steps": runs}


async def writer_cost(postgres_url: str | None, messages: int, rounds: int) -> dict[str, Any]:
    """The message writer alone (bench/writer.py: batches of 20 through MessageWriter._store),
    without and with the index, alternating: process CPU per message, the figure a busy
    machine disturbs least."""
    cpu: dict[str, list[float]] = {"without": [], "with": []}
    for _ in range(rounds):
        for label in ("without", "with"):
            async with relay_database(postgres_url, indexed=label == "with") as url:
                db = Database.from_url(url)
                try:
                    ids = await writer_bench.people(db)
                    writer = MessageWriter(db, NullNotifier())
                    await writer_bench.store_all(writer, writer_bench.batches(ids, 2000, 20, "w"))
                    work = writer_bench.batches(ids, messages, 20, "m")
                    backends = await database_cpu(url, {})
                    # SQLite's index takes the queue every half second meanwhile, as in the
                    # app, and what is left at the end: its CPU is the index's cost too.
                    indexer = SearchIndexer(db) if label == "with" else None
                    if indexer is not None:
                        indexer.start()
                    _wall, seconds = await writer_bench.store_all(writer, work)
                    if indexer is not None:
                        started = time.process_time()
                        await indexer.stop()
                        while await indexer.catch_up():
                            pass
                        seconds += time.process_time() - started
                    # PostgreSQL computes the tsvector and updates GIN in its own processes.
                    seconds += sum((await database_cpu(url, backends)).values())
                finally:
                    await db.dispose()
            cpu[label].append(seconds / messages * 1e6)
            print(
                f"  writer {label} the index: {cpu[label][-1]:.1f} µs CPU per message", flush=True
            )
    without, with_index = statistics.median(cpu["without"]), statistics.median(cpu["with"])
    print(
        f"writer, median of {rounds}: {without:.1f} -> {with_index:.1f} µs CPU per message"
        f" (ratio {with_index / without:.2f})"
    )
    return {"cpuUsPerMessage": cpu, "without": without, "with": with_index}


async def database_cpu(url: str, since: dict[int, float]) -> dict[int, float]:
    """PostgreSQL: the CPU seconds of each server process of this (throw-away) database, less
    what `since` had for it; SQLite: nothing (it runs in this process)."""
    if url.startswith("sqlite"):
        return {}
    con = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        pids = await con.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
        )
    finally:
        await con.close()
    return {pid: cpu_seconds(pid) - since.get(pid, 0.0) for (pid,) in pids}


# --- the command -----------------------------------------------------------------------------


def run(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000, help="stored messages")
    parser.add_argument("--users", type=int, default=1000, help="people")
    parser.add_argument("--viewers", type=int, default=20, help="people who search")
    parser.add_argument("--requests", type=int, default=400, help="searches timed")
    parser.add_argument(
        "--postgres-url",
        help="a PostgreSQL server to make a throw-away database on (default: SQLite)",
    )
    parser.add_argument("--send-cost", action="store_true", help="measure the send path too")
    parser.add_argument("--rates", default="2000,4000,8000", help="relay rates for --send-cost")
    parser.add_argument("--step-seconds", type=float, default=5.0, help="relay seconds per rate")
    parser.add_argument("--rounds", type=int, default=1, help="without/with alternations")
    parser.add_argument(
        "--writer-messages", type=int, default=20_000, help="messages per writer round"
    )
    args = parser.parse_args(argv)
    if not PARTNERS * 2 <= args.users <= 100_000:
        parser.error("--users must be 20..100,000")
    if not 1 <= args.viewers <= min(args.users, 200):
        parser.error("--viewers must be 1..200 and at most --users")
    if not 1000 <= args.messages <= MAX_MESSAGES:
        parser.error(f"--messages must be 1,000..{MAX_MESSAGES:,}")
    if not 16 <= args.requests <= 100_000:
        parser.error("--requests must be 16..100,000")
    document: dict[str, Any] = {
        "latency": asyncio.run(
            measure(args.postgres_url, args.users, args.viewers, args.messages, args.requests)
        )
    }
    if args.send_cost:
        document["writerCost"] = asyncio.run(
            writer_cost(args.postgres_url, args.writer_messages, max(3, args.rounds))
        )
        document["sendCost"] = asyncio.run(
            send_cost(args.postgres_url, args.rates, args.step_seconds, args.rounds)
        )
    database = document["latency"]["database"]
    write_result(f"search-{database}", document)
    return document


def main(argv: list[str] | None = None) -> int:
    return main_of(run, argv)


if __name__ == "__main__":
    sys.exit(main())
