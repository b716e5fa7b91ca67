"""An import killed at any moment leaves the warehouse exactly before or after — never between."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import goodfit
from goodfit.project import Project
from tests.ingest.conftest import write

# goodfit may not be installed where the tests run from a checkout: point at its source.
ENV = {**os.environ, "PYTHONPATH": str(Path(goodfit.__file__).parents[1])}

IMPORT_SCRIPT = """
import sys
from goodfit.project import Project
p = Project.open(sys.argv[1])
p.import_file("tickets", sys.argv[2])
print("done", flush=True)
"""


def fingerprint(project_dir: Path) -> tuple[int, int, str, int]:
    """Row count, import records, and an order-independent digest of every ticket row."""
    con = duckdb.connect(str(project_dir / "warehouse.duckdb"), read_only=True)
    try:
        n, digest = con.execute(
            "SELECT count(*), coalesce(bit_xor(hash(_row_hash)), 0) FROM tickets").fetchone()  # type: ignore[misc]
        changed = con.execute("SELECT count(*) FROM tickets WHERE subject = 'changed'").fetchone()
        imports = con.execute("SELECT count(*) FROM goodfit_imports").fetchone()
    finally:
        con.close()
    return int(n), int(imports[0]), str(digest), int(changed[0])  # type: ignore[index]


def ticket_csv(path: Path, n: int, changed_every: int = 0) -> Path:
    con = duckdb.connect()
    subject = (f"CASE WHEN i % {changed_every} = 0 THEN 'changed' ELSE 'same' END"
               if changed_every else "'same'")
    con.execute(
        f"COPY (SELECT 'T' || i AS ticket_id, 'C' || (i % 50) AS customer_id, "
        f"TIMESTAMP '2024-01-01' + INTERVAL (i) MINUTE AS opened_at, {subject} AS subject, "
        f"'normal' AS priority FROM range({n}) t(i)) TO '{path}' (HEADER)")
    con.close()
    return path


@pytest.mark.slow
def test_sigkill_during_import_leaves_before_or_after_state(tmp_path: Path) -> None:
    base = tmp_path / "base"
    project = Project.init(base)
    customers = "customer_id,signup_at\n" + "".join(f"C{i},2023-01-01\n" for i in range(50))
    project.import_file("customers", write(tmp_path / "customers.csv", customers))
    project.import_file("tickets", ticket_csv(tmp_path / "first.csv", 200_000))
    project.close()
    second = ticket_csv(tmp_path / "second.csv", 300_000, changed_every=3)

    before = fingerprint(base)
    finished = tmp_path / "finished"
    shutil.copytree(base, finished)
    t0 = time.monotonic()
    subprocess.run([sys.executable, "-c", IMPORT_SCRIPT, str(finished), str(second)], check=True,
                   env=ENV)
    duration = time.monotonic() - t0
    after = fingerprint(finished)
    assert after != before and after[0] == 300_000 and after[3] == 100_000

    rng = random.Random(20261123)
    outcomes = {"before": 0, "after": 0}
    for trial in range(20):
        work = tmp_path / f"trial{trial}"
        shutil.copytree(base, work)
        proc = subprocess.Popen([sys.executable, "-c", IMPORT_SCRIPT, str(work), str(second)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        time.sleep(rng.uniform(0.05, duration * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = fingerprint(work)
        assert state in (before, after), f"trial {trial}: warehouse is in between: {state}"
        outcomes["before" if state == before else "after"] += 1
        shutil.rmtree(work)
    # the trials must actually hit both sides, or they prove nothing
    assert outcomes["before"] > 0, outcomes
