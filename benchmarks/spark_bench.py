"""The whole analysis on Spark local: time and memory per stage.

    GOODFIT_BENCH_CUSTOMERS=2000 GOODFIT_BENCH_MONTHS=24 python benchmarks/spark_bench.py

``goodfit synth`` writes the provider straight to Parquet (one file per table); Spark reads
it there (goodfit.spark.job.read_tables) and runs every stage of goodfit.spark.job.analyze
on ``local[N]`` (GOODFIT_BENCH_SPARK_MASTER, default local[2]) with a driver heap of
GOODFIT_BENCH_SPARK_MEMORY (default 2g, which ran out at 100k customers; 8g did not).
Memory is the peak resident set of this process and all its children (the JVM and the
Python workers), sampled every 0.2 s, per stage. The issue's size (100M tickets: about 1M customers over 66 months) needs
a bigger machine or a cluster; see docs/scaling.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def tree_rss_mb(root: int) -> float:
    """Resident MB of ``root`` and every descendant, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/statm") as f:
                rss[int(entry)] = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total / 2**20


def main() -> None:
    customers = int(os.environ.get("GOODFIT_BENCH_CUSTOMERS", "2000"))
    months = int(os.environ.get("GOODFIT_BENCH_MONTHS", "24"))
    master = os.environ.get("GOODFIT_BENCH_SPARK_MASTER", "local[2]")
    # local[N]: the driver's JVM runs every task; 2g holds 20k customers, not 100k
    memory = os.environ.get("GOODFIT_BENCH_SPARK_MEMORY", "2g")
    work = Path(tempfile.mkdtemp(prefix="goodfit-spark-bench-"))
    try:
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "goodfit", "synth", str(work / "data"), "-n",
                        str(customers), "-m", str(months)], check=True,
                       stdout=subprocess.DEVNULL)
        synth_s = time.perf_counter() - t0

        from goodfit.config import Config
        from goodfit.spark.job import analyze, session

        peaks: dict[str, float] = {}
        current = ["session"]
        stop = threading.Event()

        def sample() -> None:
            while not stop.is_set():
                mb = tree_rss_mb(os.getpid())
                peaks[current[0]] = max(peaks.get(current[0], 0.0), mb)
                time.sleep(0.2)

        def progress(stage: str, done: int, total: int | None = None) -> None:
            if done == 0:
                current[0] = stage
                load = "/".join(f"{x:.1f}" for x in os.getloadavg())
                sys.stderr.write(f"{time.strftime('%H:%M:%S')} [load {load}] {stage}\n")

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        t1 = time.perf_counter()
        spark = session(master, conf={"spark.ui.enabled": "false",
                                      "spark.ui.showConsoleProgress": "false",
                                      "spark.driver.memory": memory})
        spark.sparkContext.setLogLevel("ERROR")
        start_s = time.perf_counter() - t1
        run = analyze(spark, str(work / "data"), str(work / "out"), Config(),
                      progress=progress)
        tickets = spark.read.parquet(str(work / "data" / "tickets.parquet")).count()
        messages = spark.read.parquet(str(work / "data" / "messages.parquet")).count()
        spark.stop()
        stop.set()
        sampler.join()
        load = "/".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"Spark {master} at {customers:,} customers x {months} months: {tickets:,} "
              f"tickets, {messages:,} messages ({os.cpu_count()} cores, load {load})")
        print(f"{'stage':<30}{'seconds':>9}{'peak MB':>9}")
        print(f"{'synth (to Parquet)':<30}{synth_s:>9.1f}{'':>9}")
        print(f"{'Spark session':<30}{start_s:>9.1f}{peaks.get('session', 0):>9.0f}")
        for stage, seconds in run.seconds.items():
            print(f"{stage:<30}{seconds:>9.1f}{peaks.get(stage, 0):>9.0f}")
        print(f"{'whole analysis':<30}{sum(run.seconds.values()):>9.1f}"
              f"{max(peaks.values()):>9.0f}")
        for stage, why in run.skipped.items():
            print(f"skipped {stage}: {why}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
