"""The report's Lorenz curve and profit scatter at many customers: every mark against the
thinned marks (goodfit.report.charts.thin_line / one_per_pixel), in the same run.

    python benchmarks/chart_bench.py [CUSTOMERS]     # default 100000

Each way runs in a child process of its own so that its peak resident memory (from
wait4) is its own. The points are a synthetic provider's: lognormal ticket loads,
revenue and cost, the demo's segment mix. Prints SVG size, CPU seconds and peak memory
for both, and their ratios.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any


def points(n: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    import numpy as np

    rng = np.random.default_rng(1)
    load = np.sort(rng.lognormal(1.0, 1.3, n))[::-1]
    cum = np.cumsum(load) / load.sum()
    line = [{"x": 0.0, "y": 0.0}] + [{"x": (i + 1) / n, "y": float(c)}
                                     for i, c in enumerate(cum)]
    revenue = rng.lognormal(3.5, 0.9, n).round(2)
    profit = (revenue - rng.lognormal(2.8, 1.2, n)).round(2)
    segment = rng.choice(["reward", "healthy", "educate", "reprice", "part_ways"], n,
                         p=[0.06, 0.68, 0.07, 0.16, 0.03])
    dots = [{"revenue": float(r), "profit": float(p), "segment": str(s)}
            for r, p, s in zip(revenue, profit, segment, strict=True)]
    return line, dots


def child(mode: str, n: int, out: int) -> None:
    from goodfit.report import charts

    line, dots = points(n)
    if mode == "every mark":  # what the report drew before
        charts.thin_line = lambda p, *a, **k: list(p)  # type: ignore[assignment]
        charts.one_per_pixel = lambda p, *a, **k: list(p)  # type: ignore[assignment]
    t = time.process_time()
    size = len(charts.lorenz(line, [], "tickets")) + len(charts.profit_vs_revenue(dots, "EUR"))
    os.write(out, f"{size} {time.process_time() - t}".encode())
    os._exit(0)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    results = {}
    for mode in ("every mark", "thinned"):
        r, w = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(r)
            child(mode, n, w)
        os.close(w)
        _, status, usage = os.wait4(pid, 0)
        size, cpu = os.read(r, 100).decode().split()
        os.close(r)
        if status != 0:
            raise SystemExit(f"{mode}: child failed ({status})")
        results[mode] = (int(size) / 1e6, float(cpu), usage.ru_maxrss / 1024)
        print(f"{mode:>10}: {n:,} customers, SVG {results[mode][0]:.2f} MB, "
              f"{results[mode][1]:.1f} s CPU, peak {results[mode][2]:.0f} MB")
    full, thin = results["every mark"], results["thinned"]
    print(f"ratio every mark / thinned: SVG {full[0] / thin[0]:.1f}x, CPU {full[1] / thin[1]:.1f}x, "
          f"peak memory {full[2] / thin[2]:.1f}x")


if __name__ == "__main__":
    main()
