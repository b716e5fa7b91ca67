"""Import benchmark: N ticket rows through goodfit's validated import vs a bare DuckDB load.

    python benchmarks/import_bench.py [--rows 10000000] [--format csv|parquet|jsonl]

Prints rows/s and peak RSS for each, and goodfit's time as a ratio of the bare load
(the floor: read_csv / read_json straight into a typed table, no validation, no
quarantine, no upsert), and goodfit with number/date inference (the default) against
goodfit with the readings set in the configuration (no inference scan). Each
measurement runs in its own process so peak RSS is its own. The default size is small
(GOODFIT_BENCH_ROWS, 200,000); targets are for --rows 10000000 on 2 cores: ≤60 s,
peak RSS ≤2 GB, inference ≤1.3× the import without it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def generate(folder: Path, rows: int, customers: int, fmt: str) -> tuple[Path, Path]:
    con = duckdb.connect()
    cust = folder / f"customers.{fmt}"
    tick = folder / f"tickets.{fmt}"
    opts = {"csv": "(HEADER)", "parquet": "(FORMAT PARQUET)", "jsonl": "(FORMAT JSON)"}[fmt]
    con.execute(f"COPY (SELECT 'C' || i AS customer_id, 'Customer ' || i AS name, "
                f"TIMESTAMP '2022-01-01' + INTERVAL (i % 700) DAY AS signup_at, 'active' AS status "
                f"FROM range({customers}) t(i)) TO '{cust}' {opts}")
    con.execute(
        f"COPY (SELECT 'T' || i AS ticket_id, 'C' || (hash(i) % {customers}) AS customer_id, "
        "strftime(TIMESTAMP '2024-01-01' + INTERVAL (i % 1000000) MINUTE, '%Y-%m-%d %H:%M:%S') AS opened_at, "
        "strftime(TIMESTAMP '2024-01-01' + INTERVAL (i % 1000000 + 90) MINUTE, '%Y-%m-%d %H:%M:%S') AS closed_at, "
        "['low','normal','high','urgent'][1 + i % 4] AS priority, "
        "['email','web','chat','phone'][1 + i % 4] AS channel, "
        "'Subject of ticket ' || i AS subject, 'technical' AS category, "
        "CASE WHEN i % 3 = 0 THEN NULL ELSE 'information_request' END AS resolution_code, "
        "CASE WHEN i % 2 = 0 THEN NULL ELSE (i % 60)::VARCHAR END AS staff_minutes, "
        "(i % 3)::VARCHAR AS reopened_count, (1 + i % 5)::VARCHAR AS satisfaction, "
        f"'agent' || (i % 12) AS assignee FROM range({rows}) t(i)) TO '{tick}' {opts}")
    con.close()
    return cust, tick


def run_goodfit(project: Path, cust: Path, tick: Path, *, infer: bool = True
                ) -> dict[str, float]:
    sys.path.insert(0, str(SRC))
    from goodfit.project import Project

    p = Project.init(project)
    if not infer:  # readings set: no inference scan
        p.config.import_.decimal_comma = False
        p.config.import_.date_order = "dmy"
    p.import_file("customers", cust)
    t0 = time.perf_counter()
    result = p.import_file("tickets", tick)
    seconds = time.perf_counter() - t0
    assert result.rejected == 0, result.rejected_by_reason
    return {"seconds": seconds, "rows": result.accepted}


def run_baseline(db: Path, tick: Path) -> dict[str, float]:
    con = duckdb.connect(str(db))
    reader = {".csv": f"read_csv('{tick}')", ".parquet": f"read_parquet('{tick}')",
              ".jsonl": f"read_json('{tick}', format='newline_delimited')"}[tick.suffix]
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE tickets AS SELECT * FROM {reader}")
    seconds = time.perf_counter() - t0
    rows = con.execute("SELECT count(*) FROM tickets").fetchone()[0]  # type: ignore[index]
    return {"seconds": seconds, "rows": rows}


def child(args: argparse.Namespace) -> None:
    folder = Path(args.folder)
    cust, tick = folder / f"customers.{args.format}", folder / f"tickets.{args.format}"
    if args.child in ("goodfit", "goodfit-noinfer"):
        out = run_goodfit(folder / args.child, cust, tick, infer=args.child == "goodfit")
    else:
        out = run_baseline(folder / "baseline.duckdb", tick)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int,
                        default=int(os.environ.get("GOODFIT_BENCH_ROWS", "200000")))
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "parquet", "jsonl"], default="csv")
    parser.add_argument("--child", choices=["goodfit", "goodfit-noinfer", "baseline"])
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory(prefix="goodfit-import-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        generate(folder, args.rows, args.customers, args.format)
        print(f"generated {args.rows:,} tickets ({args.format}) in {time.perf_counter() - t0:.1f} s")
        results = {}
        for which in ("baseline", "goodfit-noinfer", "goodfit"):
            proc = subprocess.run([sys.executable, __file__, "--child", which, "--folder", tmp,
                                   "--format", args.format], capture_output=True, text=True)
            if proc.returncode:
                sys.exit(proc.stderr)
            results[which] = json.loads(proc.stdout.strip().splitlines()[-1])
        for which, r in results.items():
            print(f"{which:15} {r['seconds']:7.1f} s  {r['rows'] / r['seconds']:>12,.0f} rows/s  "
                  f"peak RSS {r['peak_rss_mb']:,.0f} MB")
        ratio = results["goodfit"]["seconds"] / results["baseline"]["seconds"]
        print(f"goodfit / bare load: {ratio:.2f}x (validation, orphan and duplicate checks, "
              "row hashes, upsert, import record)")
        infer = results["goodfit"]["seconds"] / results["goodfit-noinfer"]["seconds"]
        print(f"inference on / off: {infer:.2f}x (target ≤ 1.3x)")


if __name__ == "__main__":
    main()
