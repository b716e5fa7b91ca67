"""Whole-pipeline benchmark: synth → import → every analysis step, each stage against a
floor measured in the same run.

    GOODFIT_BENCH_CUSTOMERS=2000 python benchmarks/pipeline_bench.py [--months 24] [--keep DIR]

Default 2,000 customers (a couple of minutes on 2 cores). The issue's target run:

    GOODFIT_BENCH_CUSTOMERS=100000 python benchmarks/pipeline_bench.py   # ~1M tickets, 5M messages
    (then 1_000_000 and 5_000_000 customers on a bigger machine)

targets on 2 cores at 100k: whole pipeline ≤ 30 min, peak RSS ≤ 4 GB, synth ≤ 2 GB.

Every stage runs in its own process (``goodfit synth``, ``goodfit import``, ``goodfit
analyze --json`` for the per-step seconds, ``goodfit scorecard``), so its peak RSS is its
own (``wait4``). Floors, in their own processes too:
- metric stages: one hand-written DuckDB SQL aggregate per customer over tickets,
  messages and invoices (what the scorecard needs at the least);
- text stages: a plain scikit-learn loop — TF-IDF + logistic regression trained on the
  coded tickets and applied to all (the resolution-code step's minimum), and TF-IDF over
  every customer message (the tone step's minimum: one pass that reads each text).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FLOOR_SQL = r"""
import duckdb, sys, time
con = duckdb.connect(sys.argv[1], read_only=True)
t = time.perf_counter()
n = con.execute('''
  WITH t AS (SELECT customer_id, count(*) n, sum(epoch(closed_at) - epoch(opened_at)) s
             FROM tickets GROUP BY 1),
       m AS (SELECT k.customer_id, count(*) n FROM messages g JOIN tickets k USING (ticket_id)
             WHERE g.author_role = 'staff' GROUP BY 1),
       i AS (SELECT customer_id, sum(amount) a FROM invoices GROUP BY 1)
  SELECT count(*) FROM customers c LEFT JOIN t USING (customer_id)
    LEFT JOIN m USING (customer_id) LEFT JOIN i USING (customer_id)''').fetchone()[0]
print(n)
"""

FLOOR_TEXT = r"""
import duckdb, sys
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
con = duckdb.connect(sys.argv[1], read_only=True)
what = sys.argv[2]
if what == "resolution":
    rows = con.execute("SELECT coalesce(subject, '') || ' ' || coalesce(category, ''), "
                       "resolution_code FROM tickets").fetchall()
    texts = [r[0] for r in rows]
    x = TfidfVectorizer(sublinear_tf=True, min_df=2).fit_transform(texts)
    coded = [i for i, r in enumerate(rows) if r[1]]
    if len({rows[i][1] for i in coded}) > 1:
        model = LogisticRegression(max_iter=200).fit(x[coded], [rows[i][1] for i in coded])
        model.predict(x)
else:
    texts = [r[0] for r in con.execute(
        "SELECT coalesce(body, '') FROM messages WHERE author_role = 'customer'").fetchall()]
    TfidfVectorizer(sublinear_tf=True).fit_transform(texts)
"""


def say(line: str) -> None:
    """A timestamped log line on stderr, with the machine's load (it is often shared)."""
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    sys.stderr.write(f"{time.strftime('%H:%M:%S')} [load {load}] {line}\n")
    sys.stderr.flush()


def run(args: list[str], name: str) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, stdout) of one process, its RSS from wait4 alone. Its
    stderr (progress lines) goes straight to ours, so a long run's log shows where it is."""
    say(f"{name}: started")
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(args, stdout=out, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(args[:4])} failed with exit {proc.returncode}")
        rss = usage.ru_maxrss / 1024
        say(f"{name}: done in {seconds:.1f} s, peak {rss:.0f} MB")
        return seconds, rss, out.read()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--months", type=int, default=24)
    ap.add_argument("--keep", type=Path, help="Keep the project in this folder.")
    ap.add_argument("--data", type=Path, help="Import this folder of an earlier `goodfit "
                    "synth` instead of generating one (synth is then left out).")
    a = ap.parse_args()
    customers = int(os.environ.get("GOODFIT_BENCH_CUSTOMERS", "2000"))
    work = a.keep or Path(tempfile.mkdtemp(prefix="goodfit-pipeline-"))
    data, proj = a.data or work / "data", work / "proj"
    g = [sys.executable, "-m", "goodfit"]
    rows: list[tuple[str, float, float, str]] = []

    if a.data is None:
        s, rss, _ = run([*g, "synth", str(data), "-n", str(customers), "-m", str(a.months)],
                        "synth")
        rows.append(("synth", s, rss, ""))
    run([*g, "init", str(proj)], "init")
    s, rss, _ = run([*g, "import", str(data), "-p", str(proj)], "import")
    rows.append(("import", s, rss, ""))
    db = str(proj / "warehouse.duckdb")
    # floors first: they are short, and a run cut off inside analyze still has them
    s_sql, rss_sql, _ = run([sys.executable, "-c", FLOOR_SQL, db], "floor: DuckDB SQL")
    s_res, rss_res, _ = run([sys.executable, "-c", FLOOR_TEXT, db, "resolution"],
                            "floor: sklearn resolution")
    s_tone, rss_tone, _ = run([sys.executable, "-c", FLOOR_TEXT, db, "tone"],
                              "floor: sklearn tone")
    # not --json: its plain progress lines (each step's start and end) go to the log
    s, rss, _ = run([*g, "analyze", "-p", str(proj)], "analyze")
    record = json.loads((proj / "analysis.json").read_text(encoding="utf-8"))
    steps = list(record["steps"].values())
    rows.append(("analyze (all steps)", s, rss, ""))
    s_card, rss_card, _ = run([*g, "scorecard", "-p", str(proj), "--json"], "scorecard")
    floors = {"tone": s_tone, "resolution codes": s_res}
    for o in steps:
        f = floors.get(o["step"])
        rows.append((f"  {o['step']}", o["seconds"], float("nan"),
                     f"{o['seconds'] / f:.1f}x sklearn floor ({f:.1f} s)" if f else o["status"]))
    rows.append(("scorecard", s_card, rss_card, f"{s_card / s_sql:.1f}x DuckDB SQL floor "
                 f"({s_sql:.1f} s, {rss_sql:.0f} MB)"))

    counts = json.loads(run([*g, "status", "-p", str(proj), "--json"], "status")[2])
    sizes = {t["table"]: t["rows"] for t in counts["tables"]}
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"pipeline at {customers:,} customers: {sizes.get('tickets', 0):,} tickets, "
          f"{sizes.get('messages', 0):,} messages ({os.cpu_count()} cores, load {load} "
          f"at the end)")
    print(f"{'stage':<24}{'seconds':>9}{'peak MB':>9}  vs floor")
    for name, sec, mb, note in rows:
        shown = "" if mb != mb else f"{mb:.0f}"  # NaN: a step inside analyze
        print(f"{name:<24}{sec:>9.1f}{shown:>9}  {note}")
    # What a provider runs is import + analyze; synth only makes the test data, so it is
    # shown on its own line and left out of the whole.
    whole = [r for r in rows if r[0] in ("import", "analyze (all steps)")]
    total = sum(r[1] for r in whole)
    print(f"{'whole pipeline':<24}{total:>9.1f}{max(r[2] for r in whole):>9.0f}  "
          f"(floors: tone {s_tone:.1f} s / {rss_tone:.0f} MB, resolution {s_res:.1f} s / "
          f"{rss_res:.0f} MB)")
    if not a.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
