"""SIGKILL an import between the warehouse commit and its audit record: the audit says so,
and running the import again completes the record. Audit and data always agree."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from goodfit.actions import audit
from goodfit.project import Project
from tests.actions.provider import CONTACTS, CUSTOMERS, SERVICES, TICKETS

REPO = Path(__file__).resolve().parents[2]


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "acme"
    Project.init(root).close()
    data = tmp_path / "data"
    data.mkdir()
    for name, text in (("customers", CUSTOMERS), ("contacts", CONTACTS),
                       ("services", SERVICES), ("tickets", TICKETS)):
        (data / f"{name}.csv").write_text(text, encoding="utf-8")
    return root, data


def _kill_child(root: Path, data: Path, mode: str) -> str:
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    log = root / "child.log"
    with log.open("ab") as out:
        child = subprocess.Popen([sys.executable, "-m", "tests.actions.import_child",
                                  str(root), str(data), mode], cwd=REPO, env=env,
                                 stdout=out, stderr=out)
    marker = root / "hang.marker"
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert child.poll() is None, log.read_text()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    return marker.read_text()


def _rows(p: Project, table: str) -> int:
    return int(p.warehouse.table(table).count().to_pyarrow().as_py())


@pytest.mark.parametrize("mode, tables", [("hang-after-commit", 4),
                                          ("hang-after-table:2", 2)])
def test_a_killed_import_is_reported_then_completed(tmp_path: Path, mode: str,
                                                    tables: int) -> None:
    root, data = _setup(tmp_path)
    _kill_child(root, data, mode)
    with Project.open(root) as p:
        landed = [t for t in ("customers", "contacts", "services", "tickets")
                  if _rows(p, t) > 0]
        assert len(landed) == tables  # data in the warehouse ...
        assert audit.events(p.state, kind="import") == []  # ... with no import record
        v = p.audit.verify()
        assert not v.ok and v.bad_seq == 1
        assert f"the import of {data} started at" in v.reason
        assert "run the same import again to complete it" in v.reason

        results = p.import_directory(data)  # the rerun: idempotent, and it closes the gap
        size = {"customers": 2, "contacts": 2, "services": 4, "tickets": 3}  # provider.py
        assert sum(r.inserted for r in results) == 11 - sum(size[t] for t in landed)
        assert sum(r.unchanged for r in results) == sum(size[t] for t in landed)
        v = p.audit.verify()
        assert v.ok, v.reason
        done = audit.events(p.state, kind="import_completed")
        # the rerun's own intent (record 2) and the interrupted one (record 1)
        assert len(done) == 1 and done[0].data["intents"] == [1, 2]
        assert [e.data["table"] for e in audit.events(p.state, kind="import")] == [
            "customers", "contacts", "services", "tickets"]


def test_a_connector_rerun_from_a_new_staging_folder_completes_the_gap(tmp_path: Path) -> None:
    """A sync stages every run in a new folder: the rerun's file has the same table and
    name, not the same path, and still closes the interrupted import."""
    from goodfit.actions.service import ImportAudit

    root, data = _setup(tmp_path)
    with Project.open(root) as p:
        crashed = ImportAudit(p.ws).started("file customers",
                                            tmp_path / "staging" / "run-1" / "customers.csv")
        other = ImportAudit(p.ws).started("file tickets",
                                          tmp_path / "staging" / "run-1" / "tickets.csv")
        assert not p.audit.verify().ok
        p.import_file("customers", data / "customers.csv")
        done = audit.events(p.state, kind="import_completed")
        assert done[-1].data["intents"] == [crashed, other + 1]  # tickets stays open
        v = p.audit.verify()
        assert not v.ok and v.bad_seq == other
