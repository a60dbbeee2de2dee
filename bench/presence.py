"""SocketSpace presence storm: N people connect one by one; how many presence frames (and
bytes) reach everyone, with the original client's full lists and with deltas.

The original Node server sent every client the whole online list on every arrival: N²/2
frames (500,500 for 1,000 people). SocketSpace gathers arrivals for PRESENCE_WINDOW_MS and
announces them once.

    .venv/bin/python bench/presence.py [--counts 500,1000,2000] [--database-url ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

# The relay benchmark's server, user and Node helpers (this file's folder is on sys.path).
from run import BENCH_DIR, bench_server, create_users, pinned


def storm(users_file: Path, count: int, mode: str) -> dict[str, object]:
    command = ["node", str(BENCH_DIR / "presence.mjs"), "--config", str(users_file)]
    command += ["--count", str(count), "--mode", mode]
    done = subprocess.run(  # noqa: S603 (our own fixed command line)
        pinned(1, command), capture_output=True, text=True, timeout=360, check=False
    )
    if done.returncode != 0:
        sys.exit(f"presence.mjs failed: {done.stderr[-2000:]}")
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="500,1000,2000", help="clients per storm")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.counts.split(",") if c.strip()]
    with bench_server(args.database_url) as served:
        users_file = served.workdir / "users.json"
        create_users(served.origin, max(counts), users_file)
        print(
            f"{'clients':>8} {'mode':>6} {'frames':>10} {'per client':>11} {'bytes':>12}"
            f" {'original N²/2':>14} {'connect s':>10}"
        )
        for count in counts:
            for mode in ("full", "delta"):
                r = storm(users_file, count, mode)
                original = count * (count + 1) // 2
                print(
                    f"{count:>8} {mode:>6} {r['frames']:>10} {r['framesPerClient']:>11}"
                    f" {r['bytes']:>12} {original:>14} {r['connectSeconds']:>10}",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
