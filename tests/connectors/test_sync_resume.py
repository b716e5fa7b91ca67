"""Idempotency: two syncs give the same warehouse, and a sync killed (SIGKILL) anywhere
and run again gives the same warehouse as a sync that was never interrupted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from goodfit.errors import ConnectorError
from goodfit.project import Project
from tests.connectors.conftest import FAST, snapshot
from tests.connectors.fakes import WHMCS_ID, WHMCS_SECRET, whmcs_api, whmcs_data
from tests.connectors.replay import serve

ROOT = Path(__file__).resolve().parents[2]


def _project(path: Path, url: str) -> Project:
    p = Project.init(path)
    p.connect_add("billing", "whmcs", url, {"page_size": 2})
    return p


def _change_ticket(data: dict[str, Any]) -> None:
    data["GetTickets"][1].update(status="Answered", lastreply="2024-02-03 11:00:00")
    data["GetTicket"]["22"].update(status="Answered", lastreply="2024-02-03 11:00:00")
    data["GetTicket"]["22"]["replies"]["reply"].append(
        {"replyid": 401, "userid": 0, "name": "", "email": "", "date": "2024-02-03 11:00:00",
         "message": "See the KB.", "admin": "Sam Support", "rating": 0})


def _killed_sync(project_dir: Path, stop_at: str,
                 while_parked: Callable[[], None] | None = None) -> None:
    env = {**os.environ, "GOODFIT_BILLING_USER": WHMCS_ID,
           "GOODFIT_BILLING_SECRET": WHMCS_SECRET,
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    errors = project_dir / "child-stderr.txt"
    with errors.open("w") as err, subprocess.Popen(
            [sys.executable, "-m", "tests.connectors.sync_child", str(project_dir), "billing",
             stop_at], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=err, text=True) as child:
        try:
            assert child.stdout is not None
            line = child.stdout.readline().strip()
            assert line == "STOP", f"child did not reach {stop_at}: {line} {errors.read_text()}"
            if while_parked:
                while_parked()
            os.kill(child.pid, signal.SIGKILL)
        finally:
            child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL


def test_syncing_twice_gives_the_same_warehouse(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOODFIT_BILLING_USER", WHMCS_ID)
    monkeypatch.setenv("GOODFIT_BILLING_SECRET", WHMCS_SECRET)
    with serve(whmcs_api(whmcs_data())) as api:
        p = _project(tmp_path / "p", api.url)
        p.sync("billing", policy=FAST)
        once = snapshot(p)
        [again] = p.sync("billing", full=True, policy=FAST)
        assert snapshot(p) == once
        assert all(r.inserted == r.updated == r.rejected == 0 for r in again.imports)
        p.close()


# Where the child is killed: in the middle of fetching; after three tables committed;
# inside the invoices import, after validation and before its transaction.
KILL_POINTS = ["fetch billing: tickets#1", "import billing#3", "read invoices.parquet#2"]


@pytest.mark.slow
@pytest.mark.parametrize("stop_at", KILL_POINTS)
def test_a_killed_sync_rerun_equals_an_uninterrupted_one(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop_at: str) -> None:
    monkeypatch.setenv("GOODFIT_BILLING_USER", WHMCS_ID)
    monkeypatch.setenv("GOODFIT_BILLING_SECRET", WHMCS_SECRET)
    data = whmcs_data()
    with serve(whmcs_api(data)) as api:
        reference = _project(tmp_path / "reference", api.url)
        killed = _project(tmp_path / "killed", api.url)
        # a first, complete sync in both; then a change at the source
        reference.sync("billing", policy=FAST)
        killed.sync("billing", policy=FAST)
        _change_ticket(data)
        reference.sync("billing", policy=FAST)
        expected = snapshot(reference)
        reference.close()

        killed.close()  # the child takes the warehouse
        _killed_sync(tmp_path / "killed", stop_at)
        rerun = Project.open(tmp_path / "killed")
        [result] = rerun.sync("billing", policy=FAST)
        got = snapshot(rerun)
        runs = [c["last_status"] for c in rerun.connectors()]
        rerun.close()
    assert got == expected
    # the cursor did not move past the killed run: the changed ticket was read again
    assert result.fetched["tickets"] == 1 and runs == ["ok"]


@pytest.mark.slow
def test_a_second_sync_of_the_same_connector_waits_its_turn(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOODFIT_BILLING_USER", WHMCS_ID)
    monkeypatch.setenv("GOODFIT_BILLING_SECRET", WHMCS_SECRET)
    with serve(whmcs_api(whmcs_data())) as api:
        _project(tmp_path / "p", api.url).close()

        def second_sync() -> None:
            with Project.open(tmp_path / "p") as other, \
                    pytest.raises(ConnectorError, match="already running"):
                other.sync("billing", policy=FAST)

        _killed_sync(tmp_path / "p", "fetch billing: tickets#1", while_parked=second_sync)
        # the lock died with the killed process: the next sync runs
        with Project.open(tmp_path / "p") as p:
            [result] = p.sync("billing", policy=FAST)
    assert result.fetched["tickets"] == 2
