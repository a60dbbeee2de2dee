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
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# The relay benchmark's server, user and Node helpers (this file's folder is on sys.path).
from run import (
    BENCH_DIR,
    HOST,
    create_users,
    ensure_node_modules,
    free_port,
    pinned,
    show_server_log,
    start_server,
    stop,
    wait_ready,
)


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
    ensure_node_modules()
    workdir = Path(tempfile.mkdtemp(prefix="socketspace-presence-"))
    server = None
    try:
        port = free_port()
        origin = f"http://{HOST}:{port}"
        url = args.database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        server = start_server(workdir, port, url)
        wait_ready(server, origin, workdir / "server.log")
        users_file = workdir / "users.json"
        create_users(origin, max(counts), users_file)
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
    finally:
        stop(server)
        show_server_log(workdir / "server.log")
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
