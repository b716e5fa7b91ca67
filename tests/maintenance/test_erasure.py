"""goodfit erase: a customer's personal data leaves every store and file; the audit log
keeps verifying, and still catches tampering."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.errors import NotAllowed, TooManyRejected
from goodfit.project import Project
from tests.maintenance.conftest import N_CUSTOMERS

# What identifies C-1 (conftest's provider): id, name, and both e-mail addresses.
C1 = ("C-1", "Org 1 Ltd", "billing@org1.example", "person1@org1.example", "Person 1")
C1_BYTES = ("org1.example", "Org 1 Ltd", "Server 1 is down")


def _fill(root: Path, tmp_path: Path) -> None:
    """Cases, outbox, a snapshot, a report and a quarantine file that name C-1 (and C-2)."""
    bad = tmp_path / "late.csv"  # two bad rows: one of C-1's, one of a stranger's
    bad.write_text("customer_id,name,signup_at,status,plan,country,email,currency\n"
                   "C-1,Org 1 Ltd,not a date,active,vps-2,GB,billing@org1.example,USD\n"
                   "C-9,Other Org,not a date,active,vps-2,GB,x@other.example,USD\n",
                   encoding="utf-8")
    with Project.open(root) as p:
        # every row is bad, so nothing is imported; the quarantine file is kept all the same
        with pytest.raises(TooManyRejected):
            p.ingest.import_file("customers", bad)
        for cid in ("C-1", "C-2"):
            p.actions.offboard(cid, reason="costs more than it pays", actor="bob")
        p.scoring.score()
        # a report naming C-1 and C-2 (erase treats report files as opaque: any file that
        # names the customer goes; written by hand here to keep this test to erasure)
        (root / "reports" / "report-1.html").write_text(
            "<td>C-1</td><td>Org 1 Ltd</td><td>C-2</td><td>Org 2 Ltd</td>", encoding="utf-8")


def _warehouse_values(root: Path) -> list[str]:
    con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
    try:
        out = []
        for (name,) in con.execute("SELECT table_name FROM information_schema.tables "
                                   "WHERE table_schema = 'main'").fetchall():
            for row in con.execute(f'SELECT * FROM "{name}"').fetchall():
                out += [str(v) for v in row]
        return out
    finally:
        con.close()


def _state_values(root: Path) -> list[str]:
    con = sqlite3.connect(root / "state.db")
    try:
        out = []
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            for row in con.execute(f'SELECT * FROM "{name}"'):
                out += [str(v) for v in row]
        return out
    finally:
        con.close()


def test_erase_removes_the_customer_everywhere_and_says_what(project_root: Path,
                                                             tmp_path: Path) -> None:
    _fill(project_root, tmp_path)
    with Project.open(project_root) as p:
        before = p.audit.verify()
        assert before.ok
    assert "C-1" in _warehouse_values(project_root) and "C-1" in _state_values(project_root)
    assert (project_root / "quarantine").glob("*.csv")

    result = CliRunner().invoke(app, ["erase", "C-1", "--as", "alice", "--yes", "--json",
                                      "-p", str(project_root)])
    assert result.exit_code == 0, result.output
    said = json.loads(result.output)
    # what it says it removed, worked out from _fill: one row each in customers, contacts,
    # services, tickets; C-1's flags/fit_scores rows; 1 case; 1 snapshot row
    for table in ("customers", "contacts", "services", "tickets", "fit_scores"):
        assert said["warehouse_rows"][table] == 1, (table, said)
    assert said["state_rows"]["cases"] == 1 and said["state_rows"]["snapshot_customers"] == 1
    assert said["state_rows"]["outbox"] >= 1 and said["state_rows"]["case_steps"] >= 4
    assert any(f.startswith("outbox/offboarding/C-1-") for f in said["files_removed"])
    assert any(f.startswith("reports/") for f in said["files_removed"])
    assert list(said["files_rewritten"].values()) == [1]  # the stranger's row stays
    assert said["audit_redacted"]

    wh, st = _warehouse_values(project_root), _state_values(project_root)
    for ident in C1:
        assert ident not in wh, ident
        assert ident not in st, ident
    for path in project_root.rglob("*"):
        if path.is_file() and path.suffix not in (".duckdb",):
            data = path.read_bytes()
            for needle in C1_BYTES:
                assert needle.encode() not in data, (path, needle)
    quarantine = next((project_root / "quarantine").glob("customers-*.csv")).read_text()
    assert "C-9" in quarantine
    # the others are untouched
    assert wh.count("C-2") >= 4 and "Org 2 Ltd" in wh
    with Project.open(project_root) as p:
        assert [c.customer_id for c in p.actions.cases()] == ["C-2"]
        after = p.audit.verify()
        assert after.ok, after
        assert after.records == before.records + 1
        redaction = p.audit.events(kind="redaction")[0]
        assert redaction.customer_id is None and "C-1" not in json.dumps(redaction.data)
        assert p.metrics.scorecard().count().execute() == N_CUSTOMERS - 1


def test_only_an_owner_may_erase(project_root: Path) -> None:
    with Project.open(project_root) as p, pytest.raises(NotAllowed, match="bob is manager"):
        p.maintenance.erase("C-1", "bob")


def test_a_redacted_looking_record_without_its_redaction_fails_verify(
        project_root: Path) -> None:
    with Project.open(project_root) as p:
        p.maintenance.erase("C-1", "alice")
        assert p.audit.verify().ok
    con = sqlite3.connect(project_root / "state.db")
    # someone blanks an import record (seq 1) as if it had been erased
    con.execute("""UPDATE audit_log SET data = '{"redacted":true}' WHERE seq = 1""")
    con.commit()
    con.close()
    with Project.open(project_root) as p:
        v = p.audit.verify()
    assert not v.ok and v.bad_seq == 1
