"""Plot p99 delivery latency against offered rate for both send paths (socket and REST), from
the newest relay results in bench/results/ (or the files given), into a PNG.

    .venv/bin/python bench/plot.py [--socket FILE] [--rest FILE] [--out FILE.png]

The default --out is docs/performance-latency.png.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from common import RESULTS_DIR, ROOT
from matplotlib.figure import Figure  # drawn straight to a file (Agg), no display needed
from matplotlib.ticker import FuncFormatter, NullFormatter

DEFAULT_OUT = ROOT / "docs" / "performance-latency.png"
LIMIT_MS = 100
HALF_RATE_LIMIT_MS = 50
X_TICKS = (50, 100, 250, 500, 1000, 2000, 3000, 5000, 7000, 10000, 15000, 20000, 30000)
Y_TICKS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)
STYLE = {"socket": ("tab:blue", "socket sendMessage"), "rest": ("tab:orange", "REST send")}


def newest(path: str) -> Path | None:
    """The newest relay results of one send path (file names end in a sortable time)."""
    files = sorted(RESULTS_DIR.glob(f"relay-*-{path}-*.json"))
    return files[-1] if files else None


def draw(results: dict[str, dict[str, Any]], out: Path) -> None:
    figure = Figure(figsize=(8, 5), dpi=120)
    axes = figure.subplots()
    measured = [s["deliveryMs"]["p99"] for d in results.values() for s in d["steps"]]
    all_p99 = [p for p in measured if p is not None]
    for path, document in results.items():
        colour, label = STYLE[path]
        steps = [s for s in document["steps"] if s["deliveryMs"]["p99"] is not None]
        rates = [s["offeredRate"] for s in steps]
        p99 = [s["deliveryMs"]["p99"] for s in steps]
        held = document["bestRate"]
        axes.plot(rates, p99, "o-", color=colour, label=f"{label} (held {held or 0:,} msg/s)")
        failed = [(r, p) for r, p, s in zip(rates, p99, steps, strict=True) if not s["held"]]
        if failed:
            axes.plot(*zip(*failed, strict=True), "x", color=colour, markersize=10)
    axes.axhline(LIMIT_MS, color="tab:red", linestyle="--", linewidth=1, label="p99 limit, 100 ms")
    axes.axhline(
        HALF_RATE_LIMIT_MS,
        color="grey",
        linestyle=":",
        linewidth=1,
        label="target at half rate, 50 ms",
    )
    axes.set_xscale("log")
    axes.set_yscale("log")
    # Ticks at round rates and latencies, written 2,000 (not as powers of ten).
    offered = [s["offeredRate"] for d in results.values() for s in d["steps"]]
    axes.set_xticks([t for t in X_TICKS if min(offered) <= t <= max(offered)])
    low, high = min(HALF_RATE_LIMIT_MS, *all_p99) / 2, max(LIMIT_MS, *all_p99) * 2
    axes.set_yticks([t for t in Y_TICKS if low <= t <= high])
    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
        axis.set_minor_formatter(NullFormatter())
    axes.tick_params(axis="x", labelrotation=45)
    axes.set_xlabel("offered rate (messages/s, all users together)")
    axes.set_ylabel("p99 delivery latency (ms, from intended send time)")
    first = next(iter(results.values()))
    axes.set_title(
        f"SocketSpace relay, one server core ({first['database']}), {first['date'][:10]}"
        "\nx = step that did not hold (p99 > 100 ms, or a message lost)",
        fontsize=10,
    )
    axes.grid(True, which="both", alpha=0.3)
    axes.legend(fontsize=9)
    figure.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--socket", type=Path, help="relay results of --path socket")
    parser.add_argument("--rest", type=Path, help="relay results of --path rest")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    files = {"socket": args.socket or newest("socket"), "rest": args.rest or newest("rest")}
    results = {path: json.loads(f.read_text()) for path, f in files.items() if f is not None}
    if not results:
        sys.exit(f"no relay results in {RESULTS_DIR}: run bench/run.py first")
    draw(results, args.out)
    print(f"plotted {', '.join(str(f) for f in files.values() if f)} into {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
