"""Data coverage: how much of each figure the data measures, as goodfit status shows it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.project import Project
from tests.ingest.conftest import CUSTOMERS, write

runner = CliRunner()


def test_support_cost_coverage_splits_logged_replies_and_neither(duck: Project,
                                                                 tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    # 5 tickets: 2 with logged minutes, 2 with staff replies only, 1 with neither.
    duck.import_file("tickets", write(tmp_path / "t.csv",
                                      "ticket_id,customer_id,opened_at,staff_minutes,priority\n"
                                      "T1,C1,2024-02-01,15,high\nT2,C1,2024-02-02,5,\n"
                                      "T3,C2,2024-02-03,,low\nT4,C2,2024-02-04,,\n"
                                      "T5,C3,2024-02-05,,\n"))
    duck.import_file("messages", write(tmp_path / "m.csv",
                                       "message_id,ticket_id,sent_at,author_role\n"
                                       "M1,T3,2024-02-03 10:00,staff\n"
                                       "M2,T4,2024-02-04 10:00,staff\n"
                                       "M3,T5,2024-02-05 10:00,customer\n"))
    cov = duck.metrics.coverage()
    support = cov.capabilities["support_cost"]
    assert {p: (s.count, s.total) for p, s in support.parts.items()} == {
        "logged minutes": (2, 5), "estimated from replies": (2, 5),
        "no minutes and no replies (cost 0)": (1, 5)}
    assert support.summary() == ("support cost: logged minutes on 40%, estimated from replies "
                                 "on 40%, no minutes and no replies (cost 0) on 20% (of tickets)")
    assert cov.capabilities["ticket_fields"].parts["priority"].count == 2


def test_status_shows_coverage_in_text_and_json(tmp_path: Path) -> None:
    proj = tmp_path / "p"
    assert runner.invoke(app, ["init", str(proj)]).exit_code == 0
    runner.invoke(app, ["import", "customers", str(write(tmp_path / "customers.csv", CUSTOMERS)),
                        "-p", str(proj)])
    empty = json.loads(runner.invoke(app, ["status", "-p", str(proj), "--json"]).output)
    assert empty["coverage"]["support_cost"]["summary"] == "support cost: no data (of tickets)"
    runner.invoke(app, ["import", "tickets", str(write(
        tmp_path / "tickets.csv", "ticket_id,customer_id,opened_at,staff_minutes\n"
        "T1,C1,2024-02-01,15\nT2,C1,2024-02-02,\n")), "-p", str(proj)])
    text = runner.invoke(app, ["status", "-p", str(proj)]).output
    assert "support cost: logged minutes on 50%" in text
    data = json.loads(runner.invoke(app, ["status", "-p", str(proj), "--json"]).output)
    assert data["coverage"]["support_cost"]["parts"]["logged minutes"]["count"] == 1
