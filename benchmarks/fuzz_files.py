"""The full file fuzz: 10,000 hypothesis cases over every importer and format.

    python benchmarks/fuzz_files.py [cases]

Runs tests/ingest/test_file_fuzz.py (slow suite) with GOODFIT_FUZZ_CASES (default 10,000)
and prints how the files ended (imported whole, imported with rows quarantined, refused
with a goodfit error). A traceback fails the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    cases = sys.argv[1] if len(sys.argv) > 1 else "10000"
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-m", "slow", "-q", "-s",
                           "-p", "no:cacheprovider", "tests/ingest/test_file_fuzz.py"],
                          cwd=REPO, env={**os.environ, "GOODFIT_FUZZ_CASES": cases,
                               "GOODFIT_FUZZ_RANDOM": "1"})
    print(f"{cases} cases in {time.perf_counter() - started:.0f} s "
          f"(load {'/'.join(f'{x:.1f}' for x in os.getloadavg())})")
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
