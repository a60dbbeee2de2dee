"""SocketSpace relay benchmark: how many messages a second one server process relays between
pairs of connected users while delivery stays fast.

Starts a fresh server (temporary data dir and SQLite file, or --database-url), signs users up,
then runs bench/relay.mjs once per offered rate, rising, until a step fails: p99 delivery
latency over the limit, or any message lost, duplicated or refused. Messages go out through
the socket (`sendMessage`) or through REST (`POST /api/messages/send/:id`, --path rest); the
partner receives them over its socket either way. Prints a table and writes the same numbers
as JSON to bench/results/.

    .venv/bin/python bench/run.py [--path socket|rest] [--pairs 20] [--step-seconds 5]
                                  [--rates 1000,2000,...] [--database-url postgresql+asyncpg://...]

With --open-loop RATE it compares the two paths instead of ramping: one offered rate, REST
over --http-connections shared keep-alive connections (32) for 50 pairs, and the socket, in
--rounds alternating steps of each on one server (REST, socket, socket, REST, ...), then the
medians and the ratio REST / socket of server CPU per message. Before each round it waits
(at most --load-wait-seconds) for other work on the machine to quiet down.

    .venv/bin/python bench/run.py --open-loop 1000 [--rounds 3] [--http-connections 32]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from common import (
    BENCH_DIR,
    bench_server,
    children_cpu_seconds,
    cpu_seconds,
    create_users,
    machine_busy_seconds,
    main_of,
    pinned,
    stop,
    table_header,
    table_row,
    wait_for_quiet,
    without_password,
    write_result,
)

DEFAULT_RATES = (
    "50,100,250,500,1000,1500,2000,2500,3000,3500,4000,4500,5000,5500,6000,6500,7000,8000,9000,"
    "10000,11000,12000,13000,14000,15000,16000"
)
PATHS = ("socket", "rest")
MAX_STEPS = 50
# --open-loop: the set-up of issue 20's comparison with the Node stack (100 users, 32 keep-alive
# connections shared by their REST sends).
COMPARE_PAIRS = 50
COMPARE_HTTP_CONNECTIONS = 32
MAX_ROUNDS = 10
# A step that delivered less than this share of the offered rate fell behind: its CPU per
# message is spread over fewer messages in smaller group commits, so it is not comparable.
KEPT_UP_SHARE = 0.98
# Before each step of --open-loop the server must be idle again (below this share of a core,
# waited for at most SETTLE_SECONDS): a step that fell behind leaves requests the server is
# still working through, which the next step would pay for.
SETTLED_SHARE = 0.10
SETTLE_SECONDS = 30.0
# Above this share of a core used by other processes during a step, its numbers are suspect.
BUSY_MACHINE_SHARE = 0.10


@dataclass(frozen=True)
class Options:
    path: str
    pairs: int
    step_seconds: float
    rates: list[int]
    database_url: str | None
    grace_seconds: float
    p99_limit_ms: float
    warmup_seconds: float
    # REST: 0 is one keep-alive connection per user, N that many shared by the users.
    http_connections: int = 0
    # --open-loop: the one offered rate of the comparison and how many steps of each path.
    open_loop: int | None = None
    rounds: int = 3
    # --open-loop: before each round, wait at most this long for other work on the machine to
    # use fewer than max_busy cores (others share it; 0: do not wait).
    max_busy: float = 0.5
    load_wait_seconds: float = 0.0


def add_step_arguments(parser: argparse.ArgumentParser, p99_limit_ms: float = 100.0) -> None:
    """How long each step lasts and when it holds; shared with bench/groups.py."""
    parser.add_argument("--step-seconds", type=float, default=5.0, help="seconds per rate")
    parser.add_argument("--grace-seconds", type=float, default=3.0, help="wait for late deliveries")
    parser.add_argument(
        "--p99-limit-ms", type=float, default=p99_limit_ms, help="a step holds below it"
    )
    parser.add_argument("--warmup-seconds", type=float, default=2.0, help="unreported first step")


def check_step_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """`add_step_arguments`' options within bounds (every step is bounded in time)."""
    if not 0.5 <= args.step_seconds <= 120:
        parser.error("--step-seconds must be 0.5..120")
    if not 0 <= args.grace_seconds <= 30:
        parser.error("--grace-seconds must be 0..30")
    if not 0.5 <= args.warmup_seconds <= 60:
        parser.error("--warmup-seconds must be 0.5..60")
    if args.p99_limit_ms <= 0:
        parser.error("--p99-limit-ms must be positive")


def add_quiet_arguments(
    parser: argparse.ArgumentParser, *, before: str, wait_seconds: float
) -> None:
    """common.wait_for_quiet's bounds; shared with bench/groups.py."""
    parser.add_argument(
        "--max-busy",
        type=float,
        default=0.5,
        help=f"{before}, wait (bounded) until other work uses fewer cores than this",
    )
    parser.add_argument(
        "--load-wait-seconds", type=float, default=wait_seconds, help="0: do not wait"
    )


def add_ramp_arguments(parser: argparse.ArgumentParser, default_rates: str = DEFAULT_RATES) -> None:
    """The ramp's options, shared with bench/scaleout.py."""
    parser.add_argument("--pairs", type=int, default=20, help="pairs of users (default 20)")
    parser.add_argument("--rates", default=default_rates, help="offered msg/s, comma-separated")
    add_step_arguments(parser)


def parse_rates(parser: argparse.ArgumentParser, text: str) -> list[int]:
    try:
        return sorted({int(r) for r in text.split(",") if r.strip()})
    except ValueError:
        parser.error("rates must be whole numbers separated by commas, e.g. 500,1000")


def ramp_rates(parser: argparse.ArgumentParser, text: str, name: str = "--rates") -> list[int]:
    """A ramp's rates: positive, rising, at most MAX_STEPS of them (a bounded ramp)."""
    rates = parse_rates(parser, text)
    if not rates or rates[0] <= 0 or len(rates) > MAX_STEPS:
        parser.error(f"{name} needs 1..{MAX_STEPS} positive numbers")
    return rates


def ramp_options(
    parser: argparse.ArgumentParser,
    args: argparse.Namespace,
    *,
    path: str,
    database_url: str | None,
) -> Options:
    """The ramp's options from `add_ramp_arguments`, checked (bounded in size and time)."""
    rates = ramp_rates(parser, args.rates)
    if not 1 <= args.pairs <= 1000:
        parser.error("--pairs must be 1..1000")
    check_step_arguments(parser, args)
    return Options(
        path=path,
        pairs=args.pairs,
        step_seconds=args.step_seconds,
        rates=rates,
        database_url=database_url,
        grace_seconds=args.grace_seconds,
        p99_limit_ms=args.p99_limit_ms,
        warmup_seconds=args.warmup_seconds,
    )


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", choices=PATHS, default="socket", help="how messages are sent")
    parser.add_argument("--database-url", help="e.g. postgresql+asyncpg://… (default: temp SQLite)")
    add_ramp_arguments(parser)
    parser.add_argument(
        "--open-loop",
        type=int,
        metavar="RATE",
        help="compare REST and socket at this offered msg/s instead of ramping one path",
    )
    parser.add_argument("--rounds", type=int, default=3, help="--open-loop: steps of each path")
    add_quiet_arguments(parser, before="--open-loop: before each round", wait_seconds=30.0)
    parser.add_argument(
        "--http-connections",
        type=int,
        help="REST keep-alive connections shared by all users (default: one per user; "
        f"{COMPARE_HTTP_CONNECTIONS} with --open-loop)",
    )
    # --open-loop has defaults of its own: 100 users.
    parser.set_defaults(pairs=None)
    args = parser.parse_args(argv)
    compare = args.open_loop is not None
    if args.pairs is None:
        args.pairs = COMPARE_PAIRS if compare else 20
    if args.http_connections is None:
        args.http_connections = COMPARE_HTTP_CONNECTIONS if compare else 0
    if not 0 <= args.http_connections <= 256:
        parser.error("--http-connections must be 0..256")
    if compare:
        if not 1 <= args.open_loop <= 100_000:
            parser.error("--open-loop must be 1..100000 msg/s")
        if not 1 <= args.rounds <= MAX_ROUNDS:
            parser.error(f"--rounds must be 1..{MAX_ROUNDS}")
        if not 0 <= args.load_wait_seconds <= 600:
            parser.error("--load-wait-seconds must be 0..600")
        args.rates = str(args.open_loop)
    options = ramp_options(parser, args, path=args.path, database_url=args.database_url)
    return replace(
        options,
        http_connections=args.http_connections,
        open_loop=args.open_loop,
        rounds=args.rounds,
        max_busy=args.max_busy,
        load_wait_seconds=args.load_wait_seconds if compare else 0.0,
    )


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
        "--path",
        options.path,
        "--http-connections",
        str(options.http_connections),
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


def clean(result: dict[str, Any]) -> bool:
    """Every message arrived once, in order, acked, to the right person."""
    problems = ("lost", "duplicates", "errors", "unacked", "misrouted", "outOfOrder")
    return not any(result[name] for name in problems)


def held(result: dict[str, Any], p99_limit_ms: float) -> bool:
    p99 = result["deliveryMs"]["p99"]
    return clean(result) and p99 is not None and p99 <= p99_limit_ms


def ramp_step(
    measure: Callable[[], dict[str, Any]],
    p99_limit_ms: float,
    show: Callable[[dict[str, Any]], None],
) -> dict[str, Any]:
    """One step of a ramp. A step that lost nothing but whose p99 went over the limit is run
    once more, and the second counts: one pause of a shared machine (a few hundred ms) is
    enough to fail a 5 s step, and a ramp stops at its first failed step. The first try's p99
    stays in the result (`firstTryP99Ms`)."""
    result = measure()
    result["held"] = held(result, p99_limit_ms)
    if result["held"] or not clean(result):
        return result
    show(result)
    print("  (p99 over the limit, nothing lost: the same rate once more)", flush=True)
    first_p99 = result["deliveryMs"]["p99"]
    result = measure()
    result["held"] = held(result, p99_limit_ms)
    result["firstTryP99Ms"] = first_p99
    return result


def ramp(options: Options, users_file: Path, server_pid: int) -> list[dict[str, Any]]:
    # Warm-up: creates the conversations and warms caches; not reported.
    run_step(options, users_file, server_pid, min(options.rates[0], 500), options.warmup_seconds)
    steps = []
    for rate in options.rates:
        result = ramp_step(
            lambda rate=rate: run_step(options, users_file, server_pid, rate, options.step_seconds),
            options.p99_limit_ms,
            lambda tried: print(row(tried), flush=True),
        )
        steps.append(result)
        print(row(result), flush=True)
        if not result["held"]:
            break
    return steps


def settle(server_pid: int) -> float:
    """Waits (bounded) until the server is idle; returns how long that took."""
    started = time.monotonic()
    while time.monotonic() - started < SETTLE_SECONDS:
        cpu_0, wall_0 = cpu_seconds(server_pid), time.monotonic()
        time.sleep(0.5)
        if cpu_seconds(server_pid) - cpu_0 < SETTLED_SHARE * (time.monotonic() - wall_0):
            break
    return round(time.monotonic() - started, 1)


def compare(options: Options, users_file: Path, server_pid: int) -> list[dict[str, Any]]:
    """--open-loop: both paths at one rate on one server, alternating REST, socket, socket,
    REST, … so that a drift of the machine or the growing database weighs on both alike."""
    assert options.open_loop is not None
    rate = options.open_loop
    for path in PATHS:  # warm-up: the conversations exist, the caches are warm
        run_step(replace(options, path=path), users_file, server_pid, rate, options.warmup_seconds)
    steps = []
    for round_ in range(options.rounds):
        order = ("rest", "socket") if round_ % 2 == 0 else ("socket", "rest")
        quiet = None
        if options.load_wait_seconds > 0:
            quiet = wait_for_quiet(options.max_busy, options.load_wait_seconds)
        for path in order:
            settled = settle(server_pid)
            result = run_step(
                replace(options, path=path), users_file, server_pid, rate, options.step_seconds
            )
            result["held"] = held(result, options.p99_limit_ms)
            result["quietBefore"] = quiet
            result["settleSeconds"] = settled
            steps.append(result)
            print(f"{path:>6} {row(result)}", flush=True)
    return steps


def median_of(steps: list[dict[str, Any]], path: str) -> dict[str, float]:
    """The medians of one path's steps: delivered rate, p50, p99, CPU per message."""
    mine = [s for s in steps if s["path"] == path]
    return {
        "deliveredRate": statistics.median(s["deliveredRate"] for s in mine),
        "p50Ms": statistics.median(s["deliveryMs"]["p50"] or 0.0 for s in mine),
        "p99Ms": statistics.median(s["deliveryMs"]["p99"] or 0.0 for s in mine),
        "cpuUsPerMessage": statistics.median(s["serverCpuUsPerMessage"] for s in mine),
        "cpuShare": statistics.median(s["serverCpuShare"] for s in mine),
    }


def compare_report(options: Options, database: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    medians = {path: median_of(steps, path) for path in PATHS}
    ratio = medians["rest"]["cpuUsPerMessage"] / max(1e-9, medians["socket"]["cpuUsPerMessage"])
    print(f"\nmedians of {options.rounds} steps each at {options.open_loop} msg/s offered:")
    for path, m in medians.items():
        print(
            f"  {path:>6}: {m['deliveredRate']:g} msg/s delivered, p50 {m['p50Ms']:g} ms, "
            f"p99 {m['p99Ms']:g} ms, {m['cpuUsPerMessage']:g} µs server CPU per message"
        )
    print(f"  REST / socket, server CPU per message: {ratio:.2f}")
    behind = [s["path"] for s in steps if s["deliveredRate"] < KEPT_UP_SHARE * s["offeredRate"]]
    if behind:
        # REST over N connections carries at most N / (answer time) sends a second: when the
        # answers slow down (a busy machine, a slow commit) its sends queue in the generator.
        print(
            f"warning: steps that fell behind the offered rate: {behind}; their CPU per "
            "message is not comparable (fewer messages, smaller group commits)"
        )
    unclean = [s["path"] for s in steps if not s["held"]]
    if unclean:
        print(f"warning: steps that did not hold (p99 or losses): {unclean}")
    busy = [s["path"] for s in steps if s["otherCpuShare"] > BUSY_MACHINE_SHARE]
    if busy:
        print(f"warning: other processes used the CPU during steps of {busy}; rerun")
    document = {
        "database": database,
        "options": {**asdict(options), "database_url": without_password(options.database_url)},
        "offeredRate": options.open_loop,
        "medians": medians,
        "restToSocketCpu": round(ratio, 3),
        "fellBehind": behind,
        "steps": steps,
    }
    write_result(f"relay-compare-{database}", document)
    return document


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
    return table_header(COLUMNS)


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
    return table_row(values, COLUMNS)


def report(options: Options, database: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
    best = max((s for s in steps if s["held"]), key=lambda s: s["offeredRate"], default=None)
    # The targets also ask for p99 at half the sustained rate: the step nearest below it.
    half = max(
        (s for s in steps if best and s["offeredRate"] <= best["offeredRate"] / 2),
        key=lambda s: s["offeredRate"],
        default=None,
    )
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
        "database": database,
        "path": options.path,
        "options": {**asdict(options), "database_url": without_password(options.database_url)},
        "bestRate": best["offeredRate"] if best else None,
        "best": best,
        "halfRate": half,
        "steps": steps,
    }
    write_result(f"relay-{database}-{options.path}", document)
    return document


def run(argv: list[str] | None = None) -> dict[str, Any]:
    """The whole ramp; returns what it wrote to bench/results/."""
    options = parse_args(argv)
    with bench_server(options.database_url) as served:
        users_file = served.workdir / "users.json"
        create_users(served.origin, options.pairs * 2, users_file)
        if options.open_loop is not None:
            print(
                f"REST and socket at {options.open_loop} msg/s: server pid {served.pid} on "
                f"{served.origin} ({served.database}), {options.pairs} pairs, REST over "
                f"{options.http_connections or options.pairs * 2} keep-alive connections, "
                f"{options.rounds} steps of {options.step_seconds:g} s each\n"
            )
            print(f"{'path':>6} {header()}", flush=True)
            steps = compare(options, users_file, served.pid)
            return compare_report(options, served.database, steps)
        print(
            f"relay through {options.path}: server pid {served.pid} on {served.origin} "
            f"({served.database}), {options.pairs} pairs, {options.step_seconds:g} s per step, "
            f"p99 limit {options.p99_limit_ms:g} ms\n"
        )
        print(header(), flush=True)
        steps = ramp(options, users_file, served.pid)
        return report(options, served.database, steps)


def main(argv: list[str] | None = None) -> int:
    return main_of(run, argv)


if __name__ == "__main__":
    sys.exit(main())
