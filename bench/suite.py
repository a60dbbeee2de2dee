"""Every SocketSpace benchmark, one after the other, each with a fresh server: the relay ramp
through the socket and through REST, the two paths side by side at one rate, the presence
storm, idle sockets, history reads, auth, a flood and group fan-out. Each writes its JSON to
bench/results/; at the end a table compares the figures with the targets of issue 9 (issue
17's for groups, 20's for REST against the socket; also written, as suite-<time>.json), and
bench/plot.py draws the relay's p99 latency against offered rate into
docs/performance-latency.png.

    .venv/bin/python bench/suite.py [--only relay-socket,relay-rest,relay-compare,presence,idle,
                                           history,auth,flood,groups,search] [--quick]

--quick runs every scenario small and short (about two minutes), to check that the benchmarks
work, not to measure.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import auth
import flood
import groups
import history
import idle
import plot
import presence
import run as relay
import scaleout
import search
from common import RESULTS_DIR, write_result

# Scenario: (its run(argv), the default arguments, the --quick arguments).
SCENARIOS: dict[str, tuple[Callable[[list[str]], dict[str, Any]], list[str], list[str]]] = {
    "relay-socket": (
        relay.run,
        ["--path", "socket"],
        ["--path", "socket", "--step-seconds", "2", "--rates", "100,250,500,1000"],
    ),
    "relay-rest": (
        relay.run,
        ["--path", "rest"],
        ["--path", "rest", "--step-seconds", "2", "--rates", "100,250,500,1000"],
    ),
    # Issue 20: REST (32 shared keep-alive connections, 100 users) against the socket at one
    # offered rate, alternating, three steps of each.
    "relay-compare": (
        relay.run,
        ["--open-loop", "2000", "--rounds", "3", "--step-seconds", "5"],
        ["--open-loop", "500", "--rounds", "1", "--step-seconds", "2", "--load-wait-seconds", "0"],
    ),
    # Full lists (the original client) and batch frames (the web client); per-user deltas
    # cost N²/2 frames by design and take minutes at 2,000: `presence.py --modes delta`.
    "presence": (
        presence.run,
        ["--counts", "500,1000,2000", "--modes", "full,batch"],
        ["--counts", "100,200", "--modes", "full,batch"],
    ),
    # With presence deltas, every arrival is one frame to each open socket: 5,000 connections
    # take about 150 s instead of 40 s with whole lists, for about the same memory per
    # connection (measured: 77.5 and 82.9 KiB). The suite takes the quicker one.
    "idle": (
        idle.run,
        ["--connections", "5000", "--users", "1000", "--presence", "full"],
        ["--connections", "500", "--users", "100", "--presence", "full"],
    ),
    "history": (
        history.run,
        ["--messages", "100000,1000000"],
        ["--messages", "10000,100000", "--requests", "40"],
    ),
    "auth": (auth.run, ["--clients", "8", "--count", "200"], ["--clients", "8", "--count", "16"]),
    "flood": (flood.run, ["--duration", "10"], ["--duration", "2"]),
    # Rates in delivered frames a second (msg/s times the members other than the sender).
    "groups": (
        groups.run,
        ["--sizes", "10,100,1000"],
        [
            "--sizes",
            "10,100",
            "--step-seconds",
            "2",
            "--frame-rates",
            "1000,5000,10000,20000",
            "--load-wait-seconds",
            "0",
        ],
    ),
    # Issue 20: PostgreSQL alone against Redis with 1, 2 and 4 processes, at the same rates
    # (docs/deploy.md, "Sizing": run it three times for medians).
    "scaleout": (
        scaleout.run,
        [
            *("--setups", "pg,pg-redis,pg-redis-2-spread,pg-redis-4", "--rates", "2000,4000"),
            *("--latency-rates", "1000", "--retries", "0", "--load-wait-seconds", "30"),
        ],
        [
            *("--setups", "pg,pg-redis,pg-redis-2-spread", "--rates", "250,500"),
            *("--step-seconds", "2", "--latency-rates", "", "--retries", "0"),
            *("--load-wait-seconds", "0"),
        ],
    ),
    # Issue 18: search at a million messages, and the socket relay without and with the index.
    "search": (
        search.run,
        ["--messages", "1000000", "--send-cost"],
        ["--messages", "20000", "--users", "100", "--viewers", "5", "--requests", "40"],
    ),
}

# Issue 20's: server-side CPU per message against PostgreSQL alone at the same rate.
SCALE_ONE_RATIO = 1.15
SCALE_MANY_RATIO = 1.3
SCALE_COMMANDS = 0.15
SCALE_WRONG = ("lost", "duplicates", "errors", "unacked", "misrouted", "outOfOrder")
# Issue 9's targets.
REST_RATE = 6000
SOCKET_RATE = 12000
HALF_RATE_P99_MS = 50
DELTA_FRAMES_PER_CLIENT = 3
FULL_SHARE_OF_N2 = 0.05
IDLE_KIB = 20
PAGE_P99_MS = 5
CHATS_P99_MS = 20
SIGNUP_P99_MS = 300
# Issue 17's: server CPU per delivered frame in groups of 100 and more, p99 within the limit
# (the ramp's rule for a step that holds) at the highest rate held.
GROUP_US_PER_FRAME = 10
GROUP_TARGET_MEMBERS = 100
# Issue 18's: search latency at 1,000,000 messages; the index's cost to the socket send path.
SEARCH_P50_MS = 20
SEARCH_P99_MS = 100
SEND_COST_RATIO = 1.10
# Issue 20's: REST's server CPU per message at most this multiple of the socket's, same rate.
REST_TO_SOCKET_CPU = 2.0


def verdict(value: float | None, target: float, higher_is_better: bool = False) -> str:
    """'hit', or by how much it missed (in the value's unit and as a share of the target)."""
    if value is None:
        return "no figure"
    short = target - value if higher_is_better else value - target
    if short <= 0:
        return "hit"
    amount = f"{short:,.1f}" if short < 100 else f"{short:,.0f}"
    return f"missed by {amount} ({short / target:.0%} of the target)"


Row = tuple[str, str, str, str]  # scenario, measured, target, verdict


def relay_rows(name: str, target: int, d: dict[str, Any]) -> list[Row]:
    best, half = d["best"], d["halfRate"]
    if best is None:
        return [(name, "no rate held", f"≥ {target:,} msg/s", "missed (nothing held)")]
    rate = best["offeredRate"]
    measured = (
        f"{rate:,} msg/s held: p50 {best['deliveryMs']['p50']} ms, p99 "
        f"{best['deliveryMs']['p99']} ms, lost {best['lost']}, dup {best['duplicates']}, "
        f"{best['serverCpuUsPerMessage']:,} µs CPU/msg"
    )
    rows = [(name, measured, f"≥ {target:,} msg/s", verdict(rate, target, True))]
    if half is not None:
        p99 = half["deliveryMs"]["p99"]
        rows.append(
            (
                name,
                f"p99 {p99} ms at {half['offeredRate']:,} msg/s (≤ half the held rate)",
                f"p99 ≤ {HALF_RATE_P99_MS} ms at half the rate",
                verdict(p99, HALF_RATE_P99_MS),
            )
        )
    return rows


def compare_rows(d: dict[str, Any]) -> list[Row]:
    rest, socket = d["medians"]["rest"], d["medians"]["socket"]
    measured = (
        f"{d['restToSocketCpu']:.2f} times at {d['offeredRate']:,} msg/s offered: REST "
        f"{rest['cpuUsPerMessage']:,} µs/msg (p99 {rest['p99Ms']} ms), socket "
        f"{socket['cpuUsPerMessage']:,} µs/msg (p99 {socket['p99Ms']} ms), medians"
    )
    if d["fellBehind"]:
        measured += f"; steps that fell behind, not comparable: {', '.join(d['fellBehind'])}"
    return [
        (
            "relay, REST / socket server CPU per message",
            measured,
            f"≤ {REST_TO_SOCKET_CPU:g} times",
            verdict(d["restToSocketCpu"], REST_TO_SOCKET_CPU),
        )
    ]


def presence_rows(d: dict[str, Any]) -> list[Row]:
    rows = []
    for s in d["storms"]:
        n = s["clients"]
        label = f"presence N={n:,} {s['mode']}"
        if "error" in s:
            rows.append((label, "did not finish (bounded run stopped it)", "", "no figure"))
            continue
        measured = f"{s['frames']:,} frames, {s['bytes']:,} bytes"
        if s["mode"] in ("delta", "batch"):
            limit = DELTA_FRAMES_PER_CLIENT * n
            rows.append((label, measured, f"≤ 3N = {limit:,}", verdict(s["frames"], limit)))
        else:
            limit = FULL_SHARE_OF_N2 * n * n
            rows.append(
                (label, measured, f"< 5% of N² = {limit:,.0f}", verdict(s["frames"], limit))
            )
    return rows


def idle_rows(d: dict[str, Any]) -> list[Row]:
    measured = (
        f"{d['kibPerConnection']} KiB/connection ({d['rssBeforeKiB']:,} → "
        f"{d['rssAfterKiB']:,} KiB RSS, {d['connections']:,} sockets)"
    )
    target = f"≤ {IDLE_KIB} KiB at 5,000"
    return [("idle", measured, target, verdict(d["kibPerConnection"], IDLE_KIB))]


def history_rows(d: dict[str, Any]) -> list[Row]:
    rows = []
    for s in d["sizes"]:
        page, chats = s["newestPage"], s["chatsList"]
        label = f"history {s['messages']:,} msgs"
        measured = f"50-message page p50 {page['p50']} ms, p99 {page['p99']} ms"
        rows.append((label, measured, f"p99 ≤ {PAGE_P99_MS} ms", verdict(page["p99"], PAGE_P99_MS)))
        measured = f"chats list (1,000 chats) p50 {chats['p50']} ms, p99 {chats['p99']} ms"
        rows.append(
            (label, measured, f"p99 ≤ {CHATS_P99_MS} ms", verdict(chats["p99"], CHATS_P99_MS))
        )
    return rows


def auth_rows(d: dict[str, Any]) -> list[Row]:
    rows = []
    for kind in ("signup", "login"):
        r = d[kind]
        measured = (
            f"{r['perSecond']}/s with {d['clients']} clients, p50 {r['p50']} ms, p99 {r['p99']} ms"
        )
        if kind == "signup":
            rows.append(
                (kind, measured, f"p99 ≤ {SIGNUP_P99_MS} ms", verdict(r["p99"], SIGNUP_P99_MS))
            )
        else:
            rows.append((kind, measured, "(none)", ""))
    return rows


def flood_rows(d: dict[str, Any]) -> list[Row]:
    quiet, flooded = d["quiet"]["deliveryMs"], d["flood"]["deliveryMs"]
    flooder = d["flood"]["flooder"]
    measured = (
        f"others' p99 {flooded['p99']} ms under flood, {d['p99Ratio']} times the "
        f"{quiet['p99']} ms without; {d['flood']['lost']} lost; the flooder answered "
        f"{flooder['answeredPerSecond']:,} events/s, {flooder['codes'].get('ok', 0):,} accepted"
    )
    return [("flood", measured, "(none)", "")]


def groups_rows(d: dict[str, Any]) -> list[Row]:
    rows = []
    limit = d["options"]["p99_limit_ms"]
    for size in d["sizes"]:
        members, best = size["members"], size["best"]
        label = f"groups of {members:,}"
        has_target = members >= GROUP_TARGET_MEMBERS
        target = (
            f"≤ {GROUP_US_PER_FRAME} µs CPU/frame, p99 ≤ {limit:g} ms" if has_target else "(none)"
        )
        if best is None:
            rows.append((label, "no rate held", target, "missed (nothing held)"))
            continue
        d_ms = best["deliveryMs"]
        measured = (
            f"{best['offeredFrameRate']:,} frames/s held ({best['offeredRate']:,.1f} msg/s): "
            f"p50 {d_ms['p50']} ms, p99 {d_ms['p99']} ms, lost {best['lost']}, dup "
            f"{best['duplicates']}, {best['serverCpuUsPerFrame']} µs CPU/frame, other "
            f"{best['otherCpuShare']:.0%}"
        )
        result = verdict(best["serverCpuUsPerFrame"], GROUP_US_PER_FRAME) if has_target else ""
        rows.append((label, measured, target, result))
    return rows


def search_rows(d: dict[str, Any]) -> list[Row]:
    latency = d["latency"]
    every = latency["all"]
    label = f"search {latency['messages']:,} msgs ({latency['database']})"
    rows = [
        (
            label,
            f"p50 {every['p50']} ms",
            f"p50 ≤ {SEARCH_P50_MS} ms",
            verdict(every["p50"], SEARCH_P50_MS),
        ),
        (
            label,
            f"p99 {every['p99']} ms",
            f"p99 ≤ {SEARCH_P99_MS} ms",
            verdict(every["p99"], SEARCH_P99_MS),
        ),
    ]
    for entry in d.get("sendCost", {}).get("byRate", []):
        with_index, without = entry["with"], entry["without"]
        rows.append(
            (
                f"socket send with the index, {entry['rate']:,} msg/s",
                f"{with_index:.1f} vs {without:.1f} µs CPU/msg (ratio {entry['ratio']:.2f})",
                f"ratio ≤ {SEND_COST_RATIO:.2f}",
                verdict(entry["ratio"], SEND_COST_RATIO),
            )
        )
    return rows


def scaleout_rows(d: dict[str, Any]) -> list[Row]:
    """Each set-up with Redis against PostgreSQL alone, at every rate asked for: server-side
    CPU per delivered message, and Redis commands per message, where every message arrived
    once and in order (p99 shown: on two cores the top rates are over the latency limit for
    every set-up); a rate a ramp never reached is a row of its own."""
    steps = {}
    for result in d["setups"]:
        attempt = result["attempts"][result["chosen"]]
        steps[attempt["setup"]] = {s["offeredRate"]: s for s in attempt["steps"]}
    alone = steps.get("pg", {})
    rows = []
    for name, by_rate in steps.items():
        if name == "pg":
            continue
        most = SCALE_ONE_RATIO if name == "pg-redis" else SCALE_MANY_RATIO
        target = f"≤ {most:.2f} times, ≤ {SCALE_COMMANDS} commands/msg, every message once"
        for rate in d["options"]["rates"]:
            label = f"{name}, {rate:,} msg/s"
            step, baseline = by_rate.get(rate), alone.get(rate)
            if step is None or baseline is None:
                rows.append((label, "not reached (a lower rate did not hold)", target, "no figure"))
                continue
            cpu = step["wholeStep"]["serverSideCpuUsPerMessage"]
            ratio = cpu / baseline["wholeStep"]["serverSideCpuUsPerMessage"]
            commands = step["redisCommandsPerMessage"]
            wrong = sum(step[k] for k in SCALE_WRONG) + sum(baseline[k] for k in SCALE_WRONG)
            if wrong:
                result = f"missed ({wrong} lost, doubled, refused, unacked or out of order)"
            elif commands is None or commands > SCALE_COMMANDS:
                result = f"missed (commands: {commands})"
            else:
                result = verdict(ratio, most)
            measured = (
                f"{cpu:g} µs CPU/msg, {ratio:.2f} times PostgreSQL alone; {commands} Redis"
                f" commands/msg; p99 {step['deliveryMs']['p99']} ms"
            )
            rows.append((label, measured, target, result))
    return rows


SUMMARIES: dict[str, Callable[[dict[str, Any]], list[Row]]] = {
    "relay-socket": lambda d: relay_rows("relay, socket sendMessage", SOCKET_RATE, d),
    "relay-rest": lambda d: relay_rows("relay, REST send", REST_RATE, d),
    "relay-compare": compare_rows,
    "presence": presence_rows,
    "idle": idle_rows,
    "history": history_rows,
    "auth": auth_rows,
    "flood": flood_rows,
    "groups": groups_rows,
    "search": search_rows,
    "scaleout": scaleout_rows,
}


def markdown(rows: list[Row]) -> str:
    lines = ["| scenario | measured | target | result |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SCENARIOS), help="scenarios, comma-separated")
    parser.add_argument("--quick", action="store_true", help="small and short: a smoke test")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown or not names:
        parser.error(f"--only takes some of {', '.join(SCENARIOS)}")
    documents: dict[str, dict[str, Any]] = {}
    failed: dict[str, str] = {}
    seconds: dict[str, int] = {}
    for name in names:
        scenario, default_args, quick_args = SCENARIOS[name]
        print(f"\n=== {name} ===", flush=True)
        started = time.monotonic()
        try:
            documents[name] = scenario(quick_args if args.quick else default_args)
        except KeyboardInterrupt:
            print("\ninterrupted", file=sys.stderr)
            return 130
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            # One scenario failing must not cost the figures of the others.
            print(f"{name} failed: {exc}", file=sys.stderr, flush=True)
            failed[name] = str(exc)[:2000]
        seconds[name] = round(time.monotonic() - started)
    rows = [row for name, d in documents.items() for row in SUMMARIES[name](d)]
    rows += [(name, "failed: see the log", "", "no figure") for name in failed]
    table = markdown(rows)
    print(f"\n{table}\n\nseconds per scenario: {seconds}")
    document = {"quick": args.quick, "seconds": seconds, "failed": failed, "table": table}
    write_result("suite", document)
    if {"relay-socket", "relay-rest"} & set(names):  # the ramps' latency, not relay-compare's
        # A quick run is a smoke test: its plot stays out of the committed docs.
        out = RESULTS_DIR / "latency-quick.png" if args.quick else plot.DEFAULT_OUT
        plot.main(["--out", str(out)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
