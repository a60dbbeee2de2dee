"""Writer micro-benchmark: what the message writer costs per message, without the network,
the socket layer or the announcing.

Stores N messages (20 conversations, a client id each, like the web client's sends) through
`MessageWriter._store` in batches of B on a fresh, migrated SQLite file, or with
--postgres-url on a throw-away PostgreSQL database, and prints the wall time and the process
CPU time per message (the CPU figure is steadier on a busy machine); on PostgreSQL also the
CPU of the database server's processes (all of the machine's: keep other work off it). A
warm-up round makes the conversations first.

    .venv/bin/python bench/writer.py [--messages 20000] [--batch 20] [--rounds 3]
        [--postgres-url postgresql://postgres@127.0.0.1:5432/postgres]

To compare two versions, run it alternately against each one's source in the same session:

    git worktree add /tmp/writer-base HEAD
    for i in 1 2 3 4 5; do
        PYTHONPATH=/tmp/writer-base/src .venv/bin/python bench/writer.py --label before
        .venv/bin/python bench/writer.py --label after
    done
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from scaleout import throwaway_database

from socketspace.db import Database, create_engine
from socketspace.migrations import upgrade
from socketspace.models import User
from socketspace.services.message_writer import MessageWriter, Outgoing
from socketspace.services.notify import NullNotifier

PEOPLE = 40  # 20 pairs
MAX_MESSAGES = 1_000_000


async def people(db: Database) -> list[str]:
    async with db.write() as session:
        users = [
            # Nobody signs in: no password hash.
            User(email=f"user{n}@example.com", full_name=f"User {n}", password_hash="-")  # noqa: S106
            for n in range(PEOPLE)
        ]
        session.add_all(users)
    return [user.id for user in users]


def batches(ids: list[str], messages: int, size: int, tag: str) -> list[list[Outgoing]]:
    sends = [
        Outgoing(
            sender_id=ids[n % PEOPLE],
            receiver_id=ids[(n + 1) % PEOPLE if n % PEOPLE % 2 == 0 else (n - 1) % PEOPLE],
            text=f"message {n}: a line of ordinary chat, about this long.",
            client_id=f"{tag}-{n}",
        )
        for n in range(messages)
    ]
    return [sends[i : i + size] for i in range(0, len(sends), size)]


async def store_all(writer: MessageWriter, work: list[list[Outgoing]]) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the whole process) to store every batch."""
    wall, cpu = time.perf_counter(), time.process_time()
    for batch in work:
        await writer._store(batch, look_for_earlier=writer.sql.looks_for_earlier)
    return time.perf_counter() - wall, time.process_time() - cpu


def postgres_cpu_seconds() -> float:
    """User and system CPU of every PostgreSQL server process of this machine, from /proc."""
    ticks = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:  # gone meanwhile
            continue
        if stat[stat.index("(") + 1 : stat.rindex(")")].startswith("postgres"):
            fields = stat[stat.rindex(")") + 2 :].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


async def measure(url: str, args: argparse.Namespace) -> tuple[list[float], ...]:
    """Per message, for each round: wall µs, this process's CPU µs, PostgreSQL's CPU µs."""
    engine = create_engine(url)
    await upgrade(engine)
    await engine.dispose()
    db = Database.from_url(url)
    walls, cpus, servers = [], [], []
    try:
        ids = await people(db)
        writer = MessageWriter(db, NullNotifier())
        await store_all(writer, batches(ids, 2000, args.batch, "warm"))
        for round_ in range(args.rounds):
            work = batches(ids, args.messages, args.batch, f"r{round_}")
            server = postgres_cpu_seconds()
            wall, cpu = await store_all(writer, work)
            server = postgres_cpu_seconds() - server
            walls.append(wall / args.messages * 1e6)
            cpus.append(cpu / args.messages * 1e6)
            servers.append(server / args.messages * 1e6)
    finally:
        await db.dispose()
    return walls, cpus, servers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--postgres-url",
        help="an admin connection that may CREATE and DROP a throw-away database (else SQLite)",
    )
    args = parser.parse_args()
    if not 0 < args.messages <= MAX_MESSAGES or not 0 < args.batch <= 256 or args.rounds < 1:
        parser.error("--messages 1..1,000,000, --batch 1..256, --rounds at least 1")
    with tempfile.TemporaryDirectory(prefix="writer-bench-") as directory, ExitStack() as stack:
        if args.postgres_url:
            url = stack.enter_context(throwaway_database(args.postgres_url))
        else:
            url = f"sqlite+aiosqlite:///{Path(directory) / 'bench.db'}"
        walls, cpus, servers = asyncio.run(measure(url, args))
    postgres = (
        f", PostgreSQL's CPU {statistics.median(servers):.1f} us/msg" if args.postgres_url else ""
    )
    print(
        f"{args.label or 'writer'}: batch {args.batch}, {args.messages} messages x {args.rounds}:"
        f" wall {statistics.median(walls):.1f} us/msg (best {min(walls):.1f}),"
        f" CPU {statistics.median(cpus):.1f} us/msg (best {min(cpus):.1f}){postgres}"
    )


if __name__ == "__main__":
    main()
