"""SocketSpace flood: how much one flooding socket slows everyone else's messages down.

Starts a fresh server with the real per-connection event budget (SOCKET_EVENTS_PER_SECOND,
SOCKET_EVENT_BURST: what holds a flooder back; the other abuse limits raised as for every
bench), signs up a flooder and --pairs pairs, then runs bench/flood.mjs twice: the pairs
chatting at --rate msg/s with nobody flooding (the baseline), then the same chat while the
flooder sends `sendMessage` as fast as the server answers. Prints delivery latency of the chat
in both runs, p99 under flood as a multiple of p99 without, and what the flooder's events were
answered; writes the same to bench/results/.

    .venv/bin/python bench/flood.py [--pairs 5] [--rate 100] [--duration 10] [--inflight 1000]
                                    [--database-url ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import (
    BENCH_DIR,
    CHEAP_ARGON2,
    bench_server,
    cpu_seconds,
    create_users,
    main_of,
    pinned,
    stop,
    write_result,
)

from socketspace.config import Settings

# The defaults a deployment runs with: the flooder meets the budget it would meet there.
REAL_EVENT_BUDGET = {
    name.upper(): str(Settings.model_fields[name].default)
    for name in ("socket_events_per_second", "socket_event_burst")
}
GRACE_SECONDS = 3


def chat(
    users_file: Path, server_pid: int, args: argparse.Namespace, flood: bool
) -> dict[str, Any]:
    """One flood.mjs run; adds the server's CPU share over it."""
    command = ["node", str(BENCH_DIR / "flood.mjs"), "--config", str(users_file)]
    command += ["--rate", str(args.rate), "--duration", str(args.duration)]
    command += ["--inflight", str(args.inflight), "--flood", "1" if flood else "0"]
    command += ["--grace", str(GRACE_SECONDS)]
    generator = subprocess.Popen(pinned(1, command), stdout=subprocess.PIPE, text=True)  # noqa: S603
    try:
        lines = iter(generator.stdout or [])
        started = json.loads(next(lines, "null") or "null")
        if not started or started.get("event") != "start":
            raise RuntimeError("flood.mjs did not start (see its error above)")
        cpu_before, wall_before = cpu_seconds(server_pid), time.monotonic()
        result: dict[str, Any] = json.loads(next(lines, "null") or "null")
        cpu_after, wall_after = cpu_seconds(server_pid), time.monotonic()
        generator.wait(timeout=args.duration + GRACE_SECONDS + 60)
    finally:
        stop(generator)
    if not result:
        raise RuntimeError("flood.mjs gave no result")
    result["serverCpuShare"] = round((cpu_after - cpu_before) / (wall_after - wall_before), 3)
    return result


def row(name: str, r: dict[str, Any]) -> str:
    d, f = r["deliveryMs"], r["flooder"]
    flooder = "" if f is None else f"{f['answeredPerSecond']:>10} {json.dumps(f['codes'])}"
    return (
        f"{name:>8} {r['sent']:>6} {r['delivered']:>9} {r['lost']:>5} {r['errors']:>4}"
        f" {d['p50']!s:>7} {d['p99']!s:>7} {d['max']!s:>7} {round(r['serverCpuShare'] * 100):>6}"
        f" {flooder}"
    )


def run(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=5, help="pairs of users chatting")
    parser.add_argument("--rate", type=float, default=100, help="their msg/s, all together")
    parser.add_argument("--duration", type=float, default=10, help="seconds of each run")
    parser.add_argument("--inflight", type=int, default=1000, help="flood events awaiting acks")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args(argv)
    if not 1 <= args.pairs <= 100:
        parser.error("--pairs must be 1..100")
    if not 0.5 <= args.duration <= 120:
        parser.error("--duration must be 0.5..120")
    if not 0 < args.rate <= 5000:
        parser.error("--rate must be in (0, 5000]")
    if not 1 <= args.inflight <= 10_000:
        parser.error("--inflight must be 1..10000")
    with bench_server(args.database_url, env={**CHEAP_ARGON2, **REAL_EVENT_BUDGET}) as served:
        users_file = served.workdir / "users.json"
        create_users(served.origin, 1 + 2 * args.pairs, users_file)
        print(
            f"flood: server pid {served.pid} on {served.origin} ({served.database}), "
            f"{args.pairs} pairs chatting at {args.rate:g} msg/s for {args.duration:g} s, "
            f"event budget {REAL_EVENT_BUDGET}\n"
        )
        print(
            f"{'run':>8} {'sent':>6} {'delivered':>9} {'lost':>5} {'err':>4} {'p50 ms':>7}"
            f" {'p99 ms':>7} {'max ms':>7} {'cpu %':>6} {'flood ev/s':>10} flood acks"
        )
        quiet = chat(users_file, served.pid, args, flood=False)
        print(row("quiet", quiet), flush=True)
        flooded = chat(users_file, served.pid, args, flood=True)
        print(row("flood", flooded), flush=True)
    p99_quiet, p99_flood = quiet["deliveryMs"]["p99"], flooded["deliveryMs"]["p99"]
    ratio = round(p99_flood / p99_quiet, 2) if p99_quiet and p99_flood is not None else None
    print(f"\np99 under flood: {p99_flood} ms, {ratio} times the p99 without ({p99_quiet} ms)")
    document = {
        "database": served.database,
        "options": {k: v for k, v in vars(args).items() if k != "database_url"},
        "eventBudget": REAL_EVENT_BUDGET,
        "quiet": quiet,
        "flood": flooded,
        "p99Ratio": ratio,
    }
    write_result("flood", document)
    return document


def main(argv: list[str] | None = None) -> int:
    return main_of(run, argv)


if __name__ == "__main__":
    sys.exit(main())
