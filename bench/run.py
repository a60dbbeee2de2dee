"""SocketSpace relay benchmark: how many messages a second one server process relays between
pairs of connected users while delivery stays fast.

Starts a fresh server (temporary data dir and SQLite file, or --database-url), signs users up,
then runs bench/relay.mjs once per offered rate, rising, until a step fails: p99 delivery
latency over the limit, or any message lost, duplicated or refused. Prints a table and writes
the same numbers as JSON to bench/results/.

    .venv/bin/python bench/run.py [--pairs 20] [--step-seconds 5] [--rates 1000,2000,...]
                                  [--database-url postgresql+asyncpg://...]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
DEFAULT_RATES = "250,500,1000,2000,3000,4000,5000,6000,8000,10000,12000,16000,20000"
HOST = "127.0.0.1"
SERVER_START_TIMEOUT = 60.0
SIGNUP_TIMEOUT = 10.0
NPM_TIMEOUT = 300.0
MAX_STEPS = 50
# Above this share of a core used by other processes during a step, its numbers are suspect.
BUSY_MACHINE_SHARE = 0.10
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Options:
    pairs: int
    step_seconds: float
    rates: list[int]
    database_url: str | None
    grace_seconds: float
    p99_limit_ms: float
    warmup_seconds: float


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=20, help="pairs of users (default 20)")
    parser.add_argument("--step-seconds", type=float, default=5.0, help="seconds per rate")
    parser.add_argument("--rates", default=DEFAULT_RATES, help="offered msg/s, comma-separated")
    parser.add_argument("--database-url", help="e.g. postgresql+asyncpg://… (default: temp SQLite)")
    parser.add_argument("--grace-seconds", type=float, default=3.0, help="wait for late deliveries")
    parser.add_argument("--p99-limit-ms", type=float, default=100.0, help="a step holds below it")
    parser.add_argument("--warmup-seconds", type=float, default=2.0, help="unreported first step")
    args = parser.parse_args(argv)
    try:
        rates = sorted({int(r) for r in args.rates.split(",") if r.strip()})
    except ValueError:
        parser.error("--rates must be whole numbers separated by commas, e.g. 500,1000")
    if not 1 <= args.pairs <= 1000:
        parser.error("--pairs must be 1..1000")
    if not 0.5 <= args.step_seconds <= 120:
        parser.error("--step-seconds must be 0.5..120")
    if not 0 <= args.grace_seconds <= 30:
        parser.error("--grace-seconds must be 0..30")
    if not 0.5 <= args.warmup_seconds <= 60:
        parser.error("--warmup-seconds must be 0.5..60")
    if args.p99_limit_ms <= 0:
        parser.error("--p99-limit-ms must be positive")
    if not rates or rates[0] <= 0 or len(rates) > MAX_STEPS:
        parser.error(f"--rates needs 1..{MAX_STEPS} positive numbers")
    return Options(
        pairs=args.pairs,
        step_seconds=args.step_seconds,
        rates=rates,
        database_url=args.database_url,
        grace_seconds=args.grace_seconds,
        p99_limit_ms=args.p99_limit_ms,
        warmup_seconds=args.warmup_seconds,
    )


# --- processes -------------------------------------------------------------------------------


def pinned(core: int, command: list[str]) -> list[str]:
    """Pin to one core so server and load generator do not steal each other's CPU."""
    usable = os.sched_getaffinity(0)
    if shutil.which("taskset") and core in usable and len(usable) > 1:
        return ["taskset", "-c", str(core), *command]
    return command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a whole process (all its threads), from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()  # the name may hold spaces and parentheses
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU time all cores spent on anything but idling, from /proc/stat."""
    # First line: "cpu  user nice system idle iowait irq softirq steal ..."
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split(maxsplit=11)[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def children_cpu_seconds() -> float:
    """CPU of our finished child processes (the relay runs), from getrusage."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def stop(process: subprocess.Popen[Any] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def ensure_node_modules() -> None:
    if shutil.which("node") is None:
        sys.exit("node is not installed: the load generator needs Node.js 18 or newer")
    if not (BENCH_DIR / "node_modules" / "socket.io-client").is_dir():
        print("installing bench/node_modules (npm ci) ...", flush=True)
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"],  # noqa: S607 (npm from PATH, as make does)
            cwd=BENCH_DIR,
            check=True,
            timeout=NPM_TIMEOUT,
        )


def start_server(workdir: Path, port: int, database_url: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(workdir / "data"),
        "PUBLIC_ORIGIN": f"http://{HOST}:{port}",
        "LOG_LEVEL": "WARNING",
        # The benchmark measures the relay, not the abuse limits or the password hashing.
        "MESSAGE_RATE_PER_SECOND": "100000",
        "MESSAGE_BURST": "100000",
        # Every bench user signs up and sends over REST from this one address.
        "SIGNUP_RATE_PER_IP": "100000/minute",
        "API_RATE_PER_IP": "10000000/minute",
        "SOCKET_EVENTS_PER_SECOND": "1000000",
        "SOCKET_EVENT_BURST": "1000000",
        "ARGON2_MEMORY_KIB": "1024",
        "ARGON2_TIME_COST": "1",
    }
    command = [sys.executable, "-m", "socketspace.cli", "serve"]
    command += ["--host", HOST, "--port", str(port)]
    # taskset execs the server, so the pid we get is the server's own (for /proc/<pid>/stat).
    with (workdir / "server.log").open("wb") as log:
        return subprocess.Popen(  # noqa: S603 (our own fixed command line)
            pinned(0, command), cwd=workdir, env=env, stdout=log, stderr=log
        )


def wait_ready(server: subprocess.Popen[bytes], origin: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server exited with {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{origin}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"the server was not ready within {SERVER_START_TIMEOUT:.0f} s")


# --- users -----------------------------------------------------------------------------------


def signup(origin: str, email: str) -> dict[str, str]:
    body = json.dumps({"fullName": "Bench User", "email": email, "password": "bench-password-1"})
    request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
        f"{origin}/api/auth/signup",
        data=body.encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Origin": origin,  # the CSRF check wants our own origin on unsafe requests
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) socketspace-bench",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=SIGNUP_TIMEOUT) as response:  # noqa: S310
            user = json.loads(response.read())
            cookie = SimpleCookie(response.headers.get("Set-Cookie", ""))
    except urllib.error.HTTPError as exc:
        sys.exit(f"signup failed: {exc.code} {exc.read()[:300]!r}")
    return {"id": user["_id"], "token": cookie["jwt"].value}


def create_users(origin: str, count: int, path: Path) -> None:
    run = secrets.token_hex(4)  # fresh emails, so a reused PostgreSQL database works too
    users = [signup(origin, f"bench-{run}-{i}@example.com") for i in range(count)]
    path.write_text(json.dumps({"url": origin, "users": users}))


# --- steps -----------------------------------------------------------------------------------


def run_step(
    options: Options, users_file: Path, server_pid: int, rate: int, seconds: float
) -> dict[str, Any]:
    """One relay.mjs run at `rate` msg/s; adds the server's CPU time over the sending window."""
    command = [
        "node",
        str(BENCH_DIR / "relay.mjs"),
        "--config",
        str(users_file),
        "--rate",
        str(rate),
        "--duration",
        str(seconds),
        "--grace",
        str(options.grace_seconds),
        "--pairs",
        str(options.pairs),
    ]
    timeout = seconds + options.grace_seconds + 60
    # Whole-run baselines, to tell how much CPU went to neither the server nor the relay.
    busy_0, wall_0 = machine_busy_seconds(), time.monotonic()
    server_0, relay_0 = cpu_seconds(server_pid), children_cpu_seconds()
    relay = subprocess.Popen(pinned(1, command), stdout=subprocess.PIPE, text=True)  # noqa: S603
    try:
        lines = iter(relay.stdout or [])
        started = json.loads(next(lines, "null") or "null")
        if not started or started.get("event") != "start":
            raise RuntimeError("relay.mjs did not start (see its error above)")
        cpu_before, wall_before = cpu_seconds(server_pid), time.monotonic()
        result: dict[str, Any] = json.loads(next(lines, "null") or "null")
        cpu_after, wall_after = cpu_seconds(server_pid), time.monotonic()
        relay.wait(timeout=timeout)
    finally:
        stop(relay)
    if not result:
        raise RuntimeError("relay.mjs gave no result")
    wall = time.monotonic() - wall_0
    server_all = cpu_seconds(server_pid) - server_0
    relay_all = children_cpu_seconds() - relay_0
    other = machine_busy_seconds() - busy_0 - server_all - relay_all
    result["relayCpuShare"] = round(relay_all / wall, 3)
    # Other processes on this machine (a build, a test run) make the numbers unreliable.
    result["otherCpuShare"] = round(max(0.0, other) / wall, 3)
    cpu = cpu_after - cpu_before
    result["serverCpuSeconds"] = round(cpu, 3)
    result["serverCpuShare"] = round(cpu / (wall_after - wall_before), 3)
    result["serverCpuUsPerMessage"] = round(cpu * 1e6 / max(1, result["delivered"]), 1)
    return result


def held(result: dict[str, Any], p99_limit_ms: float) -> bool:
    p99 = result["deliveryMs"]["p99"]
    problems = ("lost", "duplicates", "errors", "unacked", "misrouted", "outOfOrder")
    clean = not any(result[name] for name in problems)
    return clean and p99 is not None and p99 <= p99_limit_ms


def ramp(options: Options, users_file: Path, server_pid: int) -> list[dict[str, Any]]:
    # Warm-up: creates the conversations and warms caches; not reported.
    run_step(options, users_file, server_pid, min(options.rates[0], 500), options.warmup_seconds)
    steps = []
    for rate in options.rates:
        result = run_step(options, users_file, server_pid, rate, options.step_seconds)
        result["held"] = held(result, options.p99_limit_ms)
        steps.append(result)
        print(row(result), flush=True)
        if not result["held"]:
            break
    return steps


# --- report ----------------------------------------------------------------------------------

COLUMNS = (
    ("offered", 8),
    ("delivered/s", 11),
    ("p50 ms", 8),
    ("p90 ms", 8),
    ("p99 ms", 8),
    ("max ms", 8),
    ("ack p99", 8),
    ("lost", 6),
    ("dup", 4),
    ("err", 4),
    ("cpu %", 6),
    ("cpu µs/msg", 10),
    ("gen p99", 7),
    ("other %", 7),
    ("", 4),
)


def header() -> str:
    return " ".join(name.rjust(width) for name, width in COLUMNS)


def row(r: dict[str, Any]) -> str:
    d = r["deliveryMs"]
    values = (
        r["offeredRate"],
        r["deliveredRate"],
        d["p50"],
        d["p90"],
        d["p99"],
        d["max"],
        r["ackMs"]["p99"],
        r["lost"],
        r["duplicates"],
        r["errors"],
        round(r["serverCpuShare"] * 100),
        r["serverCpuUsPerMessage"],
        r["sendLagMs"]["p99"],
        round(r["otherCpuShare"] * 100),
        "ok" if r["held"] else "FAIL",
    )
    return " ".join(str(v).rjust(width) for v, (_, width) in zip(values, COLUMNS, strict=True))


def show_server_log(path: Path, lines: int = 20) -> None:
    """The server logs only warnings and errors here: any line deserves a look."""
    text = path.read_text(errors="replace").strip() if path.exists() else ""
    if text:
        print(f"\nserver log (last {lines} lines):", *text.splitlines()[-lines:], sep="\n  ")


def without_password(url: str | None) -> str | None:
    """The database URL fit to write into a results file."""
    if url is None:
        return None
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            # "-dirty" when the tree has uncommitted changes: the server runs what is on disk.
            ["git", "describe", "--always", "--dirty", "--abbrev=7"],  # noqa: S607 (from PATH)
            cwd=ROOT,
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.decode().strip() or None


def report(options: Options, database: str, steps: list[dict[str, Any]]) -> Path:
    best = max((s for s in steps if s["held"]), key=lambda s: s["offeredRate"], default=None)
    if best is None:
        print(f"\nno rate held (p99 <= {options.p99_limit_ms:g} ms, nothing lost or duplicated)")
    else:
        d = best["deliveryMs"]
        print(
            f"\nheld: {best['offeredRate']} msg/s "
            f"(p50 {d['p50']} ms, p99 {d['p99']} ms, "
            f"{best['serverCpuUsPerMessage']} µs server CPU per message)"
        )
    busy = [s["offeredRate"] for s in steps if s["otherCpuShare"] > BUSY_MACHINE_SHARE]
    if busy:
        print(f"warning: other processes used the CPU during the steps at {busy} msg/s; rerun")
    document = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "database": database,
        "options": {**options.__dict__, "database_url": without_password(options.database_url)},
        "bestRate": best["offeredRate"] if best else None,
        "steps": steps,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS_DIR / f"relay-{database}-{stamp}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}")
    return path


@dataclass(frozen=True)
class Served:
    origin: str
    database: str  # "sqlite" or "postgresql"
    pid: int
    workdir: Path


@contextmanager
def bench_server(database_url: str | None) -> Iterator[Served]:
    """A fresh server on a free port with a temporary DATA_DIR (and SQLite file, unless a
    database is given); stopped, its log's tail shown and its folder removed afterwards."""
    ensure_node_modules()
    server: subprocess.Popen[bytes] | None = None
    workdir = Path(tempfile.mkdtemp(prefix="socketspace-bench-"))
    try:
        port = free_port()
        origin = f"http://{HOST}:{port}"
        url = database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        server = start_server(workdir, port, url)
        wait_ready(server, origin, workdir / "server.log")
        database = "sqlite" if url.startswith("sqlite") else "postgresql"
        yield Served(origin, database, server.pid, workdir)
    finally:
        stop(server)
        show_server_log(workdir / "server.log")
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        with bench_server(options.database_url) as served:
            users_file = served.workdir / "users.json"
            create_users(served.origin, options.pairs * 2, users_file)
            print(
                f"server pid {served.pid} on {served.origin} ({served.database}), "
                f"{options.pairs} pairs, {options.step_seconds:g} s per step, "
                f"p99 limit {options.p99_limit_ms:g} ms\n"
            )
            print(header(), flush=True)
            steps = ramp(options, users_file, served.pid)
            report(options, served.database, steps)
        return 0
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
