"""Sign-up and login: throughput and latency with a few concurrent clients, with the real
default Argon2id parameters (only the rate limits are raised).

Starts a fresh server pinned to core 0, then --clients threads (on core 1) sign up --count
new users between them, as fast as answers come back (closed loop), then log each of them in
once. Prints requests per second and p50/p99 for each, and writes them to bench/results/.

    .venv/bin/python bench/auth.py [--clients 8] [--count 200]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from common import PASSWORD, bench_emails, bench_server, percentiles, post_json, write_result

MAX_CLIENTS = 64
MAX_COUNT = 10_000


def timed_all(clients: int, calls: list[Callable[[], object]]) -> dict[str, Any]:
    """Run the calls on `clients` threads; throughput and latency percentiles (ms)."""

    def timed(call: Callable[[], object]) -> float:
        start = time.perf_counter()
        call()
        return (time.perf_counter() - start) * 1000

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        times = list(pool.map(timed, calls))
    seconds = time.perf_counter() - started
    return {
        "requests": len(calls),
        "perSecond": round(len(calls) / seconds, 1),
        **percentiles(times),
    }


def run(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--count", type=int, default=200, help="sign-ups, then as many logins")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= MAX_CLIENTS:
        parser.error(f"--clients must be 1..{MAX_CLIENTS}")
    if not args.clients <= args.count <= MAX_COUNT:
        parser.error(f"--count must be clients..{MAX_COUNT}")
    if len(os.sched_getaffinity(0)) > 1:
        os.sched_setaffinity(0, {1})  # the clients on core 1, beside the server on core 0
    emails = bench_emails(args.count)
    # No ARGON2_* overrides: the server hashes with its real defaults.
    with bench_server(args.database_url, env={}) as served:

        def signup(email: str) -> Callable[[], object]:
            body = {"fullName": "Bench User", "email": email, "password": PASSWORD}
            return lambda: post_json(served.origin, "/api/auth/signup", body)

        def login(email: str) -> Callable[[], object]:
            body = {"email": email, "password": PASSWORD}
            return lambda: post_json(served.origin, "/api/auth/login", body)

        signups = timed_all(args.clients, [signup(email) for email in emails])
        logins = timed_all(args.clients, [login(email) for email in emails])
    for name, r in (("signup", signups), ("login", logins)):
        print(
            f"{name:7} {r['requests']} with {args.clients} clients: {r['perSecond']}/s,"
            f" p50 {r['p50']} ms, p99 {r['p99']} ms, max {r['max']} ms",
            flush=True,
        )
    document = {
        "database": served.database,
        "clients": args.clients,
        "signup": signups,
        "login": logins,
    }
    write_result("auth", document)
    return document


def main(argv: list[str] | None = None) -> int:
    run(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
