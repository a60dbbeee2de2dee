"""SocketSpace presence storm: N people connect one by one; how many presence frames (and
bytes) reach everyone, with the original client's full lists and with deltas.

The original Node server sent every client the whole online list on every arrival: N²/2
frames (500,500 for 1,000 people). SocketSpace gathers arrivals for PRESENCE_WINDOW_MS and
announces them once.

    .venv/bin/python bench/presence.py [--counts 500,1000,2000] [--modes full,delta,batch]
                                       [--storm-seconds 300] [--database-url ...]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

# The shared server, user and Node helpers (this file's folder is on sys.path).
from common import bench_server, create_users, run_node, write_result

MAX_CLIENTS = 5000
MAX_STORM_SECONDS = 1800


def storm(users_file: Path, count: int, mode: str, seconds: int) -> dict[str, Any]:
    args = ["--config", str(users_file), "--count", str(count), "--mode", mode]
    args += ["--max-seconds", str(seconds)]
    return run_node("presence.mjs", args, timeout=seconds + 60)


def run(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="500,1000,2000", help="clients per storm")
    parser.add_argument("--modes", default="full,delta,batch", help="full, delta, batch")
    parser.add_argument(
        "--storm-seconds", type=int, default=300, help="a storm not done by then is reported so"
    )
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args(argv)
    if not 1 <= args.storm_seconds <= MAX_STORM_SECONDS:
        parser.error(f"--storm-seconds must be 1..{MAX_STORM_SECONDS}")
    counts = [int(c) for c in args.counts.split(",") if c.strip()]
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    if not modes or not set(modes) <= {"full", "delta", "batch"}:
        parser.error("--modes takes full, delta and batch, comma-separated")
    if not counts or not all(1 <= c <= MAX_CLIENTS for c in counts):
        parser.error(f"--counts must be 1..{MAX_CLIENTS} each")
    storms = []
    with bench_server(args.database_url) as served:
        users_file = served.workdir / "users.json"
        # One more than the largest storm: a probe that waits for the last storm's people to be
        # gone before the next storm starts.
        create_users(served.origin, max(counts) + 1, users_file)
        print(
            f"{'clients':>8} {'mode':>6} {'frames':>10} {'per client':>11} {'bytes':>12}"
            f" {'original N²/2':>14} {'connect s':>10} {'all seen s':>10}"
        )
        for count in counts:
            for mode in modes:
                try:
                    r = storm(users_file, count, mode, args.storm_seconds)
                except (RuntimeError, subprocess.TimeoutExpired) as exc:
                    # Reported as not finished; the other storms still run.
                    print(f"{count:>8} {mode:>6} did not finish: {str(exc)[:300]}", flush=True)
                    storms.append({"clients": count, "mode": mode, "error": str(exc)[:2000]})
                    continue
                r["originalFrames"] = count * (count + 1) // 2
                storms.append(r)
                print(
                    f"{count:>8} {mode:>6} {r['frames']:>10} {r['framesPerClient']:>11}"
                    f" {r['bytes']:>12} {r['originalFrames']:>14} {r['connectSeconds']:>10}"
                    f" {r['convergedSeconds']:>10}",
                    flush=True,
                )
    document = {"database": served.database, "storms": storms}
    write_result("presence", document)
    return document


def main(argv: list[str] | None = None) -> int:
    run(argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
