"""How soon the command line answers, against ``python -c pass`` in the same run.

Targets (docs/architecture.md): ``goodfit --help`` ≤ 0.5 s and ``goodfit status`` ≤ 1.5 s
wall on the demo; ``goodfit explain ID`` after a score ≤ 1.5 s (it reads the stored run).

    .venv/bin/python benchmarks/startup_bench.py [--project demo-project] [--repeat 5]

With no --project, a small demo is made in a temporary folder first (not timed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOODFIT = [sys.executable, "-m", "goodfit"]
TARGETS = {"goodfit --help": 0.5, "goodfit status": 1.5, "goodfit explain ID": 1.5}


# As a user's machine runs it: bytecode cached after the first run (an environment with
# PYTHONDONTWRITEBYTECODE set would compile goodfit's own modules on every start).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: list[str], repeat: int) -> float:
    """Median wall seconds of ``repeat`` runs (the first, cold one is not counted)."""
    subprocess.run(cmd, capture_output=True, check=True, env=ENV)
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True, env=ENV)
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", type=Path, help="an analysed project (default: a new demo)")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        project = args.project
        if project is None:
            project = Path(tmp) / "demo"
            subprocess.run([*GOODFIT, "demo", str(project), "--customers", "300", "--months",
                            "12"], capture_output=True, check=True)
        from goodfit import Project

        with Project.open(project) as p:
            cid = str(p.scoring.run().result.scores["customer_id"].iloc[0])
        floor = timed([sys.executable, "-c", "pass"], args.repeat)
        rows = [("python -c pass", floor)]
        rows.append(("goodfit --help", timed([*GOODFIT, "--help"], args.repeat)))
        rows.append(("goodfit --version", timed([*GOODFIT, "--version"], args.repeat)))
        rows.append(("goodfit status", timed([*GOODFIT, "status", "-p", str(project)],
                                             args.repeat)))
        rows.append(("goodfit explain ID", timed([*GOODFIT, "explain", cid, "-p",
                                                  str(project)], args.repeat)))
    print(f"{'command':<22} {'median s':>9} {'× python':>9} {'target s':>9}")
    for name, seconds in rows:
        target = TARGETS.get(name)
        mark = "" if target is None else ("ok" if seconds <= target else "MISSED")
        print(f"{name:<22} {seconds:>9.3f} {seconds / floor:>9.1f} "
              f"{'' if target is None else f'{target:.1f}':>9} {mark}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
