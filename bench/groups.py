"""SocketSpace group fan-out benchmark: what one server process spends on each frame it delivers
to the members of a group, and how fast, for groups of 10, 100 and 1,000 members.

For each size: a fresh server (GROUP_MAX_MEMBERS raised to the size), that many users signed
up, one group of them all (made by the first, through POST /api/groups), and bench/groups.mjs
with every member connected (one websocket each, as the web client connects) while a few of
them send to the group. The offered rates are given in delivered frames a second (messages a
second times the members other than the sender), so that the sizes meet the same load; the ramp
rises until a step fails: p99 delivery latency over the limit, or any frame lost, duplicated
or refused. Prints a table per size and a summary, and writes every number to bench/results/.

    .venv/bin/python bench/groups.py [--sizes 10,100,1000] [--senders 4] [--step-seconds 5]
                                     [--frame-rates 1000,2000,...] [--database-url ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from common import (
    BENCH_DIR,
    CHEAP_ARGON2,
    bench_server,
    cpu_seconds,
    create_users,
    machine_busy_seconds,
    main_of,
    pinned,
    raise_open_files,
    request_json,
    stop,
    table_header,
    table_row,
    wait_for_quiet,
    without_password,
    write_result,
)
from run import (
    BUSY_MACHINE_SHARE,
    add_quiet_arguments,
    add_step_arguments,
    check_step_arguments,
    held,
    parse_rates,
    ramp_rates,
)

DEFAULT_SIZES = "10,100,1000"
DEFAULT_FRAME_RATES = (
    "1000,2500,5000,10000,15000,20000,25000,30000,35000,40000,45000,50000,60000,70000,80000,"
    "90000,100000,120000,140000,160000"
)
MAX_MEMBERS = 5000
# Sockets, the server's files and the generator's: a generous margin over one per member.
SPARE_FILES = 1024


@dataclass(frozen=True)
class Options:
    sizes: list[int]
    senders: int
    step_seconds: float
    frame_rates: list[int]
    database_url: str | None
    grace_seconds: float
    p99_limit_ms: float
    warmup_seconds: float
    max_busy: float
    load_wait_seconds: float
    retries: int


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=DEFAULT_SIZES, help="members per group, one run each")
    parser.add_argument("--senders", type=int, default=4, help="members who send (default 4)")
    parser.add_argument(
        "--frame-rates",
        default=DEFAULT_FRAME_RATES,
        help="offered frames/s (msg/s times recipients), comma-separated",
    )
    add_step_arguments(parser, p99_limit_ms=250.0)
    add_quiet_arguments(parser, before="before each size", wait_seconds=60.0)
    parser.add_argument(
        "--retries",
        type=int,
        default=3,
        help="per size: reruns of a failed step during which other work used the CPU",
    )
    parser.add_argument("--database-url", help="e.g. postgresql+asyncpg://… (default: temp SQLite)")
    args = parser.parse_args(argv)
    sizes = parse_rates(parser, args.sizes)
    if not sizes or not all(2 <= n <= MAX_MEMBERS for n in sizes):
        parser.error(f"--sizes must be 2..{MAX_MEMBERS} each")
    if not 1 <= args.senders <= min(sizes):
        parser.error("--senders must be 1..the smallest size")
    check_step_arguments(parser, args)
    rates = ramp_rates(parser, args.frame_rates, "--frame-rates")
    if not 0 <= args.load_wait_seconds <= 600:
        parser.error("--load-wait-seconds must be 0..600")
    if not 0 <= args.retries <= 10:
        parser.error("--retries must be 0..10")
    return Options(
        sizes=sizes,
        senders=args.senders,
        step_seconds=args.step_seconds,
        frame_rates=rates,
        database_url=args.database_url,
        grace_seconds=args.grace_seconds,
        p99_limit_ms=args.p99_limit_ms,
        warmup_seconds=args.warmup_seconds,
        max_busy=args.max_busy,
        load_wait_seconds=args.load_wait_seconds,
        retries=args.retries,
    )


# --- the group and its generator -------------------------------------------------------------


def create_group(origin: str, users_file: Path) -> str:
    """One group of every user in the file, made by the first; its id."""
    users = json.loads(users_file.read_text())["users"]
    body = {"name": f"Bench {len(users)}", "memberIds": [u["id"] for u in users[1:]]}
    group, _ = request_json(origin, "/api/groups", body, token=users[0]["token"])
    return str(group["_id"])


class Generator:
    """groups.mjs with every member connected, run step by step over its stdin."""

    def __init__(self, users_file: Path, group_id: str, options: Options) -> None:
        command = ["node", str(BENCH_DIR / "groups.mjs"), "--config", str(users_file)]
        command += ["--group", group_id, "--senders", str(options.senders)]
        self.process = subprocess.Popen(  # noqa: S603 (our own fixed command line)
            pinned(1, command), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.ready = self._line()
        if self.ready.get("event") != "ready":
            raise RuntimeError("groups.mjs did not connect (see its error above)")

    def _line(self) -> dict[str, Any]:
        """The generator's next line of output (it bounds its own waits and steps)."""
        line = self.process.stdout.readline() if self.process.stdout else ""
        result: dict[str, Any] | None = json.loads(line or "null")
        if not result:
            raise RuntimeError("groups.mjs stopped (see its error above)")
        return result

    def step(self, server_pid: int, rate: float, seconds: float, grace: float) -> dict[str, Any]:
        """One step at `rate` msg/s; adds the server's and the generator's CPU over the
        sending window, and what other processes used meanwhile."""
        assert self.process.stdin is not None
        command = {"rate": rate, "duration": seconds, "grace": grace}
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        started = self._line()
        if started.get("event") != "start":
            raise RuntimeError(f"groups.mjs did not start a step: {started}")
        busy_0, wall_0 = machine_busy_seconds(), time.monotonic()
        server_0, generator_0 = cpu_seconds(server_pid), cpu_seconds(self.process.pid)
        result = self._line()
        wall = time.monotonic() - wall_0
        server = cpu_seconds(server_pid) - server_0
        generator = cpu_seconds(self.process.pid) - generator_0
        other = machine_busy_seconds() - busy_0 - server - generator
        result["serverCpuSeconds"] = round(server, 3)
        result["serverCpuShare"] = round(server / wall, 3)
        result["serverCpuUsPerFrame"] = round(server * 1e6 / max(1, result["delivered"]), 2)
        result["generatorCpuShare"] = round(generator / wall, 3)
        # Other processes on this machine (a build, a test run) make the numbers unreliable.
        result["otherCpuShare"] = round(max(0.0, other) / wall, 3)
        return result

    def close(self) -> None:
        if self.process.stdin is not None and self.process.poll() is None:
            try:
                self.process.stdin.write("stop\n")
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                pass
        stop(self.process)


def measured_step(
    options: Options, generator: Generator, server_pid: int, rate: float
) -> dict[str, Any]:
    result = generator.step(server_pid, rate, options.step_seconds, options.grace_seconds)
    result["held"] = held(result, options.p99_limit_ms)
    return result


def disturbed(result: dict[str, Any]) -> bool:
    return bool(result["otherCpuShare"] > BUSY_MACHINE_SHARE)


def ramp(options: Options, size: int) -> dict[str, Any]:
    """A fresh server with one group of `size` members; the ramp of frame rates."""
    quiet = wait_for_quiet(options.max_busy, options.load_wait_seconds)
    env = {**CHEAP_ARGON2, "GROUP_MAX_MEMBERS": str(size)}
    with bench_server(options.database_url, env=env) as served:
        users_file = served.workdir / "users.json"
        signup_started = time.monotonic()
        create_users(served.origin, size, users_file)
        signup_seconds = round(time.monotonic() - signup_started, 1)
        group_id = create_group(served.origin, users_file)
        generator = Generator(users_file, group_id, options)
        try:
            ready = generator.ready
            print(
                f"\n{size} members: server pid {served.pid} on {served.origin} "
                f"({served.database}), {options.senders} senders; signed up in "
                f"{signup_seconds} s, connected in {ready['connectSeconds']} s, presence "
                f"settled in {ready['settleSeconds']} s; other work {quiet['otherBusyCores']} "
                f"cores before it (waited {quiet['waitedSeconds']:g} s)\n"
            )
            print(table_header(COLUMNS), flush=True)
            recipients = size - 1
            # Warm-up: caches and the writer's first transactions; not reported.
            warm = min(options.frame_rates[0], 5000) / recipients
            generator.step(served.pid, warm, options.warmup_seconds, options.grace_seconds)
            steps: list[dict[str, Any]] = []
            retries = options.retries
            for frames in options.frame_rates:
                result = measured_step(options, generator, served.pid, frames / recipients)
                while not result["held"] and disturbed(result) and retries > 0:
                    # Other work on the machine (others' tests share it) fails a step as
                    # surely as an overloaded server: run it once more when it is quiet.
                    retries -= 1
                    print(row(result, "busy"), flush=True)
                    wait_for_quiet(options.max_busy, options.load_wait_seconds)
                    retry = measured_step(options, generator, served.pid, frames / recipients)
                    retry["disturbedAttempts"] = [*result.pop("disturbedAttempts", []), result]
                    result = retry
                steps.append(result)
                print(row(result), flush=True)
                if not result["held"]:
                    break
        finally:
            generator.close()
    best = max((s for s in steps if s["held"]), key=lambda s: s["offeredRate"], default=None)
    return {
        "members": size,
        "database": served.database,
        "signupSeconds": signup_seconds,
        "connectSeconds": ready["connectSeconds"],
        "settleSeconds": ready["settleSeconds"],
        "load": quiet,
        "best": best,
        "steps": steps,
    }


# --- report ----------------------------------------------------------------------------------

COLUMNS = (
    ("frames/s", 9),
    ("msg/s", 8),
    ("delivered/s", 11),
    ("p50 ms", 8),
    ("p99 ms", 8),
    ("max ms", 8),
    ("all p99", 8),
    ("ack p99", 8),
    ("lost", 6),
    ("dup", 4),
    ("err", 4),
    ("cpu %", 6),
    ("µs/frame", 8),
    ("gen %", 6),
    ("gen p99", 7),
    ("other %", 7),
    ("", 4),
)


def row(r: dict[str, Any], verdict: str | None = None) -> str:
    d = r["deliveryMs"]
    values = (
        r["offeredFrameRate"],
        round(r["offeredRate"], 1),
        r["deliveredRate"],
        d["p50"],
        d["p99"],
        d["max"],
        r["allMembersMs"]["p99"],
        r["ackMs"]["p99"],
        r["lost"],
        r["duplicates"],
        r["errors"],
        round(r["serverCpuShare"] * 100),
        r["serverCpuUsPerFrame"],
        round(r["generatorCpuShare"] * 100),
        r["sendLagMs"]["p99"],
        round(r["otherCpuShare"] * 100),
        verdict or ("ok" if r["held"] else "FAIL"),
    )
    return table_row(values, COLUMNS)


def summary_line(result: dict[str, Any], p99_limit_ms: float) -> str:
    best = result["best"]
    if best is None:
        return (
            f"{result['members']:>6} members: no rate held (p99 <= {p99_limit_ms:g} ms, "
            "nothing lost or duplicated)"
        )
    d = best["deliveryMs"]
    return (
        f"{result['members']:>6} members: held {best['offeredFrameRate']:,} frames/s "
        f"({best['offeredRate']:,.1f} msg/s), p50 {d['p50']} ms, p99 {d['p99']} ms, "
        f"{best['serverCpuUsPerFrame']} µs server CPU per frame, other {best['otherCpuShare']:.0%}"
    )


def run(argv: list[str] | None = None) -> dict[str, Any]:
    """Every size's ramp; returns what it wrote to bench/results/."""
    options = parse_args(argv)
    raise_open_files(max(options.sizes) + SPARE_FILES)  # inherited by the server and node
    print(
        f"group fan-out: sizes {options.sizes}, {options.step_seconds:g} s per step, "
        f"p99 limit {options.p99_limit_ms:g} ms; rates in frames/s = msg/s * (members - 1)"
    )
    sizes = [ramp(options, size) for size in options.sizes]
    print()
    for result in sizes:
        print(summary_line(result, options.p99_limit_ms))
    busy = [
        (result["members"], s["offeredFrameRate"])
        for result in sizes
        for s in result["steps"]
        if s["otherCpuShare"] > BUSY_MACHINE_SHARE
    ]
    if busy:
        print(
            f"warning: other processes used the CPU during these steps (members, frames/s): {busy}"
        )
    document = {
        "database": sizes[0]["database"],
        "options": {**asdict(options), "database_url": without_password(options.database_url)},
        "sizes": sizes,
    }
    write_result("groups", document)
    return document


def main(argv: list[str] | None = None) -> int:
    return main_of(run, argv)


if __name__ == "__main__":
    sys.exit(main())
