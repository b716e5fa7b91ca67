"""Many users, one project: real processes reading and writing at once.

A reader never waits (it reads the state the last writer left), a second writer waits
up to [warehouse] busy_timeout_seconds and then names the first, and offboarding cases
for different customers can be started side by side.
"""

from __future__ import annotations

import getpass
import json
import re
import subprocess
import sys
import time
from pathlib import Path

from tests.maintenance.conftest import N_CUSTOMERS, REPO, env, goodfit, start_goodfit


def _busy_timeout(root: Path, seconds: float) -> None:
    cfg = root / "goodfit.toml"
    text, n = re.subn(r"(?m)^busy_timeout_seconds = .*$", f"busy_timeout_seconds = {seconds}",
                      cfg.read_text(encoding="utf-8"))
    assert n == 1
    cfg.write_text(text, encoding="utf-8")


def _customers(status_json: str) -> int:
    tables = {t["table"]: t["rows"] for t in json.loads(status_json)["tables"]}
    return int(tables["customers"])


def test_readers_do_not_wait_for_a_writer_nor_for_each_other(
        project_root: Path, writer: subprocess.Popen[bytes]) -> None:
    readers = [start_goodfit(project_root, "status", "--json") for _ in range(3)]
    outs = [r.communicate(timeout=120) for r in readers]
    assert [r.returncode for r in readers] == [0, 0, 0], [e for _, e in outs]
    # the writer's row is committed but its session is still open: readers see the
    # state the project was in when it started writing
    assert [_customers(o) for o, _ in outs] == [N_CUSTOMERS] * 3


def test_a_second_writer_waits_then_names_the_first(
        project_root: Path, writer: subprocess.Popen[bytes], tmp_path: Path) -> None:
    _busy_timeout(project_root, 1)
    data = tmp_path / "data" / "customers.csv"
    started = time.monotonic()
    busy = goodfit(project_root, "import", "customers", str(data))
    assert busy.returncode == 8, busy.stderr
    assert time.monotonic() - started >= 1  # it did wait before giving up
    message = " ".join(busy.stderr.split())
    assert f"project busy: import by {getpass.getuser()} (pid {writer.pid}) since " in message
    assert "[warehouse] busy_timeout_seconds" in message
    assert f"waiting for import by {getpass.getuser()} (pid {writer.pid})" in message

    # given time, the second writer goes ahead as soon as the first has gone
    _busy_timeout(project_root, 60)
    log = tmp_path / "second.log"
    with open(log, "w", encoding="utf-8") as out:
        second = subprocess.Popen([sys.executable, "-m", "goodfit", "import", "customers",
                                   str(data), "-p", str(project_root)], cwd=REPO, env=env(),
                                  stdout=out, stderr=out, text=True)
    deadline = time.monotonic() + 120
    while "waiting for import by" not in log.read_text(encoding="utf-8"):
        assert second.poll() is None, log.read_text(encoding="utf-8")
        assert time.monotonic() < deadline
        time.sleep(0.1)
    writer.kill()  # the first writer dies without cleaning up: the OS frees its lock
    writer.wait()
    assert second.wait(timeout=120) == 0, log.read_text(encoding="utf-8")
    # the killed writer's committed row survived, and readers now see it
    status = goodfit(project_root, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert _customers(status.stdout) == N_CUSTOMERS + 1


def test_parallel_offboarding_for_different_customers_all_succeed(
        project_root: Path, writer: subprocess.Popen[bytes]) -> None:
    procs = [start_goodfit(project_root, "offboard", "start", f"C-{i}", "--reason",
                           "costs more to serve than it pays", "--as", "bob", "--json")
             for i in range(1, N_CUSTOMERS + 1)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * N_CUSTOMERS, [e for _, e in results]
    cases = json.loads(goodfit(project_root, "cases", "list", "--json").stdout)
    assert sorted(c["customer_id"] for c in cases) == [f"C-{i}" for i in range(1, 7)]
    assert len({c["id"] for c in cases}) == N_CUSTOMERS
