"""Reads never write: every command that shows something leaves the warehouse and the
state DB byte-identical, in any order, and shows the stored run it read.

The first release's ``explain``/``risk``/``report`` re-scored and rewrote ``flags``, so
reward eligibility depended on which read ran last. This walks random orders of every
read command over one analysed synthetic provider and hashes both stores after each walk.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.errors import NoScoringRun
from goodfit.project import Project

runner = CliRunner()
ORDERS = int(os.environ.get("GOODFIT_READ_ORDERS", "4"))


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("reads") / "p"
    project, _, outcomes = Project.demo(root, customers=90, months=8, seed=5)
    project.close()
    assert {o.step: o.status for o in outcomes}["fit scores"] == "done"
    return root


def _customer(root: Path) -> str:
    with Project.open(root) as p:
        return str(p.scoring.run().result.scores["customer_id"].iloc[0])


def _reads(root: Path, cid: str, out: Path) -> dict[str, list[str]]:
    p = ["-p", str(root)]
    return {
        "explain": ["explain", cid, *p, "--json"],
        "risk": ["risk", *p, "--json"],
        "report": ["report", *p, "--out", str(out / "r.html")],
        "scorecard": ["scorecard", *p, "--json"],
        "customer": ["customer", cid, *p, "--json"],
        "concentration": ["concentration", *p, "--json"],
        "status": ["status", *p, "--json"],
        "snapshots": ["snapshots", *p, "--json"],
        "rewards plan": ["rewards", "plan", "--dry-run", *p, "--json"],
        "educate plan": ["educate", "plan", *p, "--json"],
        "whatif": ["whatif", "--fee", "manual_order=10", *p, "--json"],
        "kb customer": ["kb", "customer", cid, *p, "--json"],
    }


def _digest(root: Path) -> dict[str, str]:
    """Hashes of both stores as files (a SQLite WAL is folded in by copying with sqlite)."""
    import sqlite3

    out = {}
    copy = root.parent / "state-copy.db"
    copy.unlink(missing_ok=True)
    with sqlite3.connect(root / "state.db") as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    with sqlite3.connect(copy) as con:  # content, not page layout
        out["state"] = hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()
    out["warehouse"] = hashlib.sha256((root / "warehouse.duckdb").read_bytes()).hexdigest()
    return out


@settings(max_examples=ORDERS, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(list(range(12))))
def test_read_commands_in_any_order_change_nothing(analysed: Path, order: list[int],
                                                   tmp_path_factory: pytest.TempPathFactory
                                                   ) -> None:
    out = tmp_path_factory.mktemp("out")
    reads = list(_reads(analysed, _customer(analysed), out).items())
    before = _digest(analysed)
    for i in order:
        name, args = reads[i]
        result = runner.invoke(app, args)
        assert result.exit_code == 0, (name, result.output)
    assert _digest(analysed) == before
    shutil.rmtree(out)


def test_reads_say_which_stored_run_and_window(analysed: Path) -> None:
    cid = _customer(analysed)
    with Project.open(analysed) as p:
        newest = p.scoring.snapshots()[-1]
    e = json.loads(runner.invoke(app, ["explain", cid, "-p", str(analysed), "--json"]).output)
    assert e["snapshot"]["id"] == newest.id
    assert e["window"]["until"] == newest.until.isoformat(sep=" ")
    card = json.loads(runner.invoke(app, ["scorecard", "-p", str(analysed), "--json"]).output)
    with Project.open(analysed) as p:
        tickets = p.warehouse.table("tickets").to_pandas()
    w = card["window"]
    inside = tickets[(tickets.opened_at >= w["since"]) & (tickets.opened_at < w["until"])]
    assert card["window"]["rows"]["tickets"] == len(inside)
    assert len(card["customers"]) == 90
    text = runner.invoke(app, ["explain", cid, "-p", str(analysed)]).output
    assert f"snapshot {newest.id}" in text


def test_a_read_before_any_score_says_what_to_run(tmp_path: Path) -> None:
    Project.init(tmp_path / "empty").close()
    for args in (["explain", "C-1"], ["risk"], ["report"], ["rewards", "plan", "--dry-run"]):
        r = runner.invoke(app, [*args, "-p", str(tmp_path / "empty")])
        assert isinstance(r.exception, NoScoringRun), (args, r.output)
        assert r.exception.exit_code == 3 and "Run: goodfit score" in r.exception.message
    assert not list((tmp_path / "empty" / "reports").iterdir())  # nothing was written


def test_a_window_that_leaves_rows_out_says_how_many_are_in(analysed: Path) -> None:
    """A window shorter than the data: the rows inside are counted out loud, in JSON and text."""
    args = ["concentration", "-p", str(analysed), "--since", "2026-07-01", "--until",
            "2026-08-31"]
    data = json.loads(runner.invoke(app, [*args, "--json"]).output)
    # a date as --until means that whole day: the half-open window ends the next midnight
    assert data["window"]["since"] == "2026-07-01 00:00:00"
    assert data["window"]["until"] == "2026-09-01 00:00:00"
    with Project.open(analysed) as p:
        t = p.warehouse.table("tickets").to_pandas()
    inside = int(((t.opened_at >= "2026-07-01") & (t.opened_at < "2026-09-01")).sum())
    assert 0 < inside < len(t)
    assert data["window"]["rows"]["tickets"] == inside
    text = runner.invoke(app, args).output
    assert "Window 2026-07-01 – 2026-08-31" in text and f"{inside:,} tickets" in text


def test_two_reports_of_one_stored_run_differ_only_in_their_time(analysed: Path,
                                                                 tmp_path: Path) -> None:
    from datetime import datetime

    with Project.open(analysed) as p:
        a = p.reports.write(tmp_path / "a.html", generated_at=datetime(2026, 1, 1, 9, 0))
        b = p.reports.write(tmp_path / "b.html", generated_at=datetime(2026, 1, 2, 17, 30))
    text_a = a.read_text(encoding="utf-8")
    text_b = b.read_text(encoding="utf-8")
    assert text_a != text_b  # the generation time is shown
    assert text_a.replace("2026-01-01 09:00", "T") == text_b.replace("2026-01-02 17:30", "T")
