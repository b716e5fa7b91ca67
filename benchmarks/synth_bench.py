"""Synthetic-data benchmark: time, rows/s, peak RSS and ticket concentration per size.

    python benchmarks/synth_bench.py [--sizes 1500x24,20000x24] [--seed 1]

Each size runs in its own process so peak RSS is its own; CPU seconds are printed beside
wall-clock seconds because a busy machine stretches the latter. The baseline is the same run's
time to write its ticket rows with pyarrow alone (no generation), so the ratio shows how
much of the time is spent making the data rather than writing it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import duckdb, pyarrow.parquet as pq
from goodfit.synth import generate
out, customers, months, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
before = resource.getrusage(resource.RUSAGE_SELF)
summary = generate(out, customers=customers, months=months, seed=seed)
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
t = pq.read_table(out / "tickets.parquet")
started = time.perf_counter()
pq.write_table(t, out / "baseline.parquet", compression="zstd")
baseline = time.perf_counter() - started
share = duckdb.sql(f'''
    WITH per AS (SELECT c.customer_id, count(t.ticket_id) n
                 FROM read_parquet('{out}/customers.parquet') c
                 LEFT JOIN read_parquet('{out}/tickets.parquet') t USING (customer_id) GROUP BY 1),
         r AS (SELECT n, row_number() OVER (ORDER BY n DESC) rk, count(*) OVER () tot FROM per)
    SELECT sum(n) FILTER (WHERE rk <= tot / 10) / sum(n) FROM r''').fetchone()[0]
print(json.dumps({"seconds": summary.seconds, "cpu_seconds": cpu, "rows": summary.rows, "top10_share": share,
                  "baseline_write_tickets": baseline,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1500x24,20000x24")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for size in args.sizes.split(","):
        customers, months = (int(x) for x in size.split("x"))
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [sys.executable, "-c", CHILD, str(Path(tmp) / "p"), str(customers), str(months),
                 str(args.seed)], capture_output=True, text=True, check=True,
                env={"PYTHONPATH": str(SRC), "PATH": ""})
        r = json.loads(done.stdout)
        total = sum(r["rows"].values())
        print(f"{customers:>7} customers x {months} months: {r['seconds']:6.1f} s "
              f"({r['cpu_seconds']:.1f} s CPU), "
              f"{total / r['seconds']:>9,.0f} rows/s, {r['rows']['tickets']:>9,} tickets, "
              f"{r['rows']['messages']:>10,} messages, top-10% ticket share "
              f"{r['top10_share']:.3f}, peak RSS {r['peak_rss_mb']:.0f} MB, "
              f"generation/write-only ratio for tickets "
              f"{r['seconds'] / max(r['baseline_write_tickets'], 1e-9):.0f}x")


if __name__ == "__main__":
    main()
