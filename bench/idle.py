"""Idle connections: what an open, quiet socket costs the server in memory.

Starts a fresh server, signs up --users users, reads the server's resident memory (VmRSS),
opens --connections authenticated websockets with bench/idle.mjs (round-robin over the users,
as people with several tabs), waits for the server to settle, reads VmRSS again and reports
the difference per connection.

    .venv/bin/python bench/idle.py [--connections 5000] [--users 1000] [--presence delta|full]

The sockets ask for presence deltas as SocketSpace's web client does (--presence full: whole
online lists, as the original client).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

from common import (
    BENCH_DIR,
    bench_server,
    create_users,
    pinned,
    raise_open_files,
    rss_kib,
    stop,
    write_result,
)

MAX_CONNECTIONS = 20_000
SETTLE_SECONDS = 3.0
# idle.mjs holds its sockets for at most 120 s once connected.
MAX_SETTLE_SECONDS = 90.0
CONNECT_TIMEOUT = 300.0
# Sockets, the server's files and the generator's: a generous margin over one per connection.
SPARE_FILES = 1024


def run(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=5000, help="sockets to open")
    parser.add_argument("--users", type=int, default=1000, help="users they belong to")
    parser.add_argument("--presence", choices=("delta", "full"), default="delta")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument(
        "--settle-seconds",
        type=float,
        default=SETTLE_SECONDS,
        help="wait before reading memory (above the 25 s ping interval: every socket's last"
        " sent packet, which engine.io holds until the next one, is then a small ping)",
    )
    args = parser.parse_args(argv)
    if not 1 <= args.connections <= MAX_CONNECTIONS:
        parser.error(f"--connections must be 1..{MAX_CONNECTIONS}")
    if not 1 <= args.users <= args.connections:
        parser.error("--users must be 1..connections")
    if not 0 <= args.settle_seconds <= MAX_SETTLE_SECONDS:
        parser.error(f"--settle-seconds must be 0..{MAX_SETTLE_SECONDS:.0f}")
    raise_open_files(args.connections + SPARE_FILES)  # inherited by the server and node
    with bench_server(args.database_url) as served:
        users_file = served.workdir / "users.json"
        create_users(served.origin, args.users, users_file)
        time.sleep(SETTLE_SECONDS)
        before = rss_kib(served.pid)
        command = ["node", str(BENCH_DIR / "idle.mjs"), "--config", str(users_file)]
        command += ["--count", str(args.connections), "--presence", args.presence]
        idle = subprocess.Popen(  # noqa: S603 (our own fixed command line)
            pinned(1, command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        try:
            opened = json.loads((idle.stdout and idle.stdout.readline()) or "null")
            if not opened or opened.get("event") != "connected":
                raise RuntimeError("idle.mjs did not connect (see its error above)")
            time.sleep(args.settle_seconds)
            after = rss_kib(served.pid)
            held, _ = idle.communicate("release\n", timeout=CONNECT_TIMEOUT)
        finally:
            stop(idle)
    closed = json.loads(held.strip().splitlines()[-1])
    per_connection = (after - before) / args.connections
    document = {
        "database": served.database,
        "connections": args.connections,
        "users": args.users,
        "presence": args.presence,
        "settleSeconds": args.settle_seconds,
        "rssBeforeKiB": before,
        "rssAfterKiB": after,
        "kibPerConnection": round(per_connection, 2),
        "connectSeconds": opened["connectSeconds"],
        "droppedWhileHeld": closed["droppedWhileHeld"],
    }
    print(
        f"{args.connections} idle sockets ({args.presence}) of {args.users} users:"
        f" server RSS {before:,} KiB -> {after:,} KiB, {per_connection:.1f} KiB per connection"
        f" (connected in {opened['connectSeconds']} s, {closed['droppedWhileHeld']} dropped)",
        flush=True,
    )
    write_result("idle", document)
    return document


def main(argv: list[str] | None = None) -> int:
    run(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
