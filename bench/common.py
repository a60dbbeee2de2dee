"""What every benchmark shares: a fresh server pinned to core 0, users signed up over HTTP,
the Node load generator's packages, process CPU and memory from /proc, percentiles, and the
results JSON in bench/results/."""

from __future__ import annotations

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
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
HOST = "127.0.0.1"
SERVER_START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 30.0
NPM_TIMEOUT = 300.0
SIGNUP_THREADS = 8
LOAD_POLL_SECONDS = 5.0
LOAD_SAMPLE_SECONDS = 3.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Every bench user comes from this one address and acts far faster than a person: the
# abuse limits are raised out of the way (the benchmarks measure the server, not them).
RAISED_LIMITS = {
    "MESSAGE_RATE_PER_SECOND": "100000",
    "MESSAGE_BURST": "100000",
    "SIGNUP_RATE_PER_IP": "100000/minute",
    "LOGIN_RATE_PER_IP": "100000/minute",
    "API_RATE_PER_IP": "10000000/minute",
    "SOCKET_EVENTS_PER_SECOND": "1000000",
    "SOCKET_EVENT_BURST": "1000000",
}
# Cheap password hashing, so that signing up thousands of bench users is quick. Only the
# auth benchmark keeps the real default parameters.
CHEAP_ARGON2 = {"ARGON2_MEMORY_KIB": "1024", "ARGON2_TIME_COST": "1"}
# Browsers' user agent: the server refuses known bots and headless clients.
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) socketspace-bench"
PASSWORD = "bench-password-1"  # noqa: S105 (throw-away bench accounts)


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


def rss_kib(pid: int) -> int:
    """Resident memory of a process (VmRSS in /proc/<pid>/status), in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def machine_busy_seconds() -> float:
    """CPU time all cores spent on anything but idling, from /proc/stat."""
    # First line: "cpu  user nice system idle iowait irq softirq steal ..."
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split(maxsplit=11)[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def children_cpu_seconds() -> float:
    """CPU of our finished child processes (the load generator runs), from getrusage."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def raise_open_files(needed: int) -> None:
    """Raise this process's soft limit on open files (children inherit it), up to the hard
    limit: thousands of sockets need thousands of descriptors on both ends."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < needed:
        if hard != resource.RLIM_INFINITY and hard < needed:
            sys.exit(f"{needed} open files are needed, the hard limit is {hard} (ulimit -Hn)")
        resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


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


def run_node(script: str, args: Sequence[str], timeout: float) -> dict[str, Any]:
    """Run a Node generator on core 1; its last line of output is its result (JSON)."""
    command = pinned(1, ["node", str(BENCH_DIR / script), *args])
    done = subprocess.run(  # noqa: S603 (our own fixed command line)
        command, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{script} failed: {done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- load ------------------------------------------------------------------------------------


def load_average() -> list[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


def busy_share(seconds: float = LOAD_SAMPLE_SECONDS) -> float:
    """Cores' worth of CPU the machine is using now, over a short sample (between runs, when
    nothing of ours runs, that is the other work on the machine)."""
    busy_0, wall_0 = machine_busy_seconds(), time.monotonic()
    time.sleep(seconds)
    return round((machine_busy_seconds() - busy_0) / (time.monotonic() - wall_0), 2)


def wait_for_quiet(max_busy: float, wait_seconds: float) -> dict[str, Any]:
    """Bounded: waits at most wait_seconds for other work to use less than max_busy cores
    (other engineers share the machine). The load average is recorded too, but it still
    counts our previous run's minute."""
    first = load_average()
    deadline = time.monotonic() + wait_seconds
    busy = busy_share()
    while busy > max_busy and time.monotonic() < deadline:
        time.sleep(LOAD_POLL_SECONDS)
        busy = busy_share()
    waited = round(wait_seconds - max(0.0, deadline - time.monotonic()), 1)
    if busy > max_busy:
        print(f"  other work still uses {busy} cores after {waited:g} s: numbers will be noisy")
    return {
        "before": first,
        "atStart": load_average(),
        "otherBusyCores": busy,
        "waitedSeconds": waited,
    }


# --- the server ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Served:
    origin: str
    database: str  # "sqlite" or "postgresql"
    pid: int
    workdir: Path


def start_server(
    workdir: Path, port: int, database_url: str, env: Mapping[str, str]
) -> subprocess.Popen[bytes]:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DATA_DIR": str(workdir / "data"),
        "PUBLIC_ORIGIN": f"http://{HOST}:{port}",
        "LOG_LEVEL": "WARNING",
        **RAISED_LIMITS,
        **env,
    }
    command = [sys.executable, "-m", "socketspace.cli", "serve"]
    command += ["--host", HOST, "--port", str(port)]
    # taskset execs the server, so the pid we get is the server's own (for /proc/<pid>/stat).
    with (workdir / "server.log").open("wb") as log:
        return subprocess.Popen(  # noqa: S603 (our own fixed command line)
            pinned(0, command), cwd=workdir, env=environment, stdout=log, stderr=log
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


def show_server_log(path: Path, lines: int = 20) -> None:
    """The server logs only warnings and errors here: any line deserves a look."""
    text = path.read_text(errors="replace").strip() if path.exists() else ""
    if text:
        print(f"\nserver log (last {lines} lines):", *text.splitlines()[-lines:], sep="\n  ")


@contextmanager
def bench_server(
    database_url: str | None, env: Mapping[str, str] = CHEAP_ARGON2
) -> Iterator[Served]:
    """A fresh server on a free port with a temporary DATA_DIR (and SQLite file, unless a
    database is given), the abuse limits raised and `env` on top; stopped, its log's tail
    shown and its folder removed afterwards."""
    ensure_node_modules()
    server: subprocess.Popen[bytes] | None = None
    workdir = Path(tempfile.mkdtemp(prefix="socketspace-bench-"))
    try:
        port = free_port()
        origin = f"http://{HOST}:{port}"
        url = database_url or f"sqlite+aiosqlite:///{workdir / 'bench.db'}"
        server = start_server(workdir, port, url, env)
        wait_ready(server, origin, workdir / "server.log")
        database = "sqlite" if url.startswith("sqlite") else "postgresql"
        yield Served(origin, database, server.pid, workdir)
    finally:
        stop(server)
        show_server_log(workdir / "server.log")
        shutil.rmtree(workdir, ignore_errors=True)


# --- users -----------------------------------------------------------------------------------


def request_json(
    origin: str, path: str, body: Mapping[str, Any], token: str | None = None
) -> tuple[Any, Message]:
    """POST JSON the way the web client does (as `token`'s user, when given); the answer's
    body and headers."""
    headers = {
        "Content-Type": "application/json",
        "Origin": origin,  # the CSRF check wants our own origin on unsafe requests
        "User-Agent": USER_AGENT,
    }
    if token is not None:
        headers["Cookie"] = f"jwt={token}"
    request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
        f"{origin}{path}", data=json.dumps(body).encode(), method="POST", headers=headers
    )
    try:
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT) as response:  # noqa: S310
            return json.loads(response.read()), response.headers
    except urllib.error.HTTPError as exc:
        raise RuntimeError(f"{path} failed: {exc.code} {exc.read()[:300]!r}") from None


def post_json(origin: str, path: str, body: Mapping[str, str]) -> tuple[dict[str, Any], str]:
    """POST JSON as a visitor; the answer's body and its `jwt` cookie."""
    answer, headers = request_json(origin, path, body)
    cookie = SimpleCookie(headers.get("Set-Cookie", ""))
    return answer, cookie["jwt"].value


def signup(origin: str, email: str) -> dict[str, str]:
    body = {"fullName": "Bench User", "email": email, "password": PASSWORD}
    user, token = post_json(origin, "/api/auth/signup", body)
    return {"id": user["_id"], "email": email, "token": token}


def bench_emails(count: int) -> list[str]:
    run = secrets.token_hex(4)  # fresh emails, so a reused PostgreSQL database works too
    return [f"bench-{run}-{i}@example.com" for i in range(count)]


def create_users(origin: str, count: int, path: Path) -> None:
    """Sign `count` users up (a few at a time) and write what the Node generators read."""
    with ThreadPoolExecutor(SIGNUP_THREADS) as pool:
        users = list(pool.map(lambda email: signup(origin, email), bench_emails(count)))
    path.write_text(json.dumps({"url": origin, "users": users}))


# --- figures and results ---------------------------------------------------------------------


def percentiles(values: Sequence[float]) -> dict[str, float | None]:
    """p50, p90, p99 and max of latencies in ms (nearest rank, like the Node generators)."""
    ordered = sorted(values)

    def rank(p: float) -> float | None:
        if not ordered:
            return None
        index = max(0, min(len(ordered) - 1, -(-len(ordered) * p // 100) - 1))
        return round(ordered[int(index)], 2)

    return {"p50": rank(50), "p90": rank(90), "p99": rank(99), "max": rank(100)}


def table_header(columns: Sequence[tuple[str, int]]) -> str:
    """A table's header line: each column's name right-aligned in its width."""
    return " ".join(name.rjust(width) for name, width in columns)


def table_row(values: Sequence[object], columns: Sequence[tuple[str, int]]) -> str:
    return " ".join(str(v).rjust(width) for v, (_, width) in zip(values, columns, strict=True))


def without_password(url: str | None) -> str | None:
    """A database URL fit to write into a results file."""
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


def machine() -> dict[str, Any]:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    models = [
        line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if "model name" in line
    ]
    return {
        "cpus": os.cpu_count(),
        "cpuModel": models[0] if models else platform.processor(),
        "platform": platform.platform(),
    }


def write_result(kind: str, document: dict[str, Any]) -> Path:
    """bench/results/<kind>-<time>.json, with the date, commit and machine added."""
    stamp = datetime.now(UTC)
    document = {
        "kind": kind,
        "date": stamp.isoformat(timespec="seconds"),
        "commit": git_commit(),
        "machine": machine(),
        **document,
    }
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{kind}-{stamp.strftime('%Y%m%dT%H%M%SZ')}.json"
    path.write_text(json.dumps(document, indent=2) + "\n")
    print(f"written to {path.relative_to(ROOT)}", flush=True)
    return path


def main_of(run: Callable[[list[str] | None], object], argv: list[str] | None = None) -> int:
    """A benchmark script's exit status: 0, or 130 when it was interrupted (Ctrl-C)."""
    try:
        run(argv)
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return 130
    return 0


# The origin in-process benchmarks send from (and name as PUBLIC_ORIGIN).
IN_PROCESS_ORIGIN = "http://bench"


@asynccontextmanager
async def in_process(settings: Any) -> AsyncIterator[Any]:
    """An httpx client of the app as `socketspace serve` builds it, served in this process:
    gc.freeze() included, without which a full collection walks every object the app was
    built with (a chats-list p99 of 114 ms instead of 17 ms, measured in history.py)."""
    import httpx

    from socketspace.app import create_worker_app

    app = create_worker_app(settings)
    api = app.api
    async with (
        api.router.lifespan_context(api),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=IN_PROCESS_ORIGIN,
            headers={"Origin": IN_PROCESS_ORIGIN},
        ) as client,
    ):
        yield client
