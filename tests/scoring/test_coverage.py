"""No verdict without the data behind it: a tickets-only project, imported for real."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.project import Project

CUSTOMERS = [("C-1", "Caller 1", "2023-01-05 09:00:00"), ("C-2", "Caller 2", "2023-02-01 09:00:00"),
             ("C-3", "Caller 3", "2024-11-01 09:00:00")]


def _write(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def tickets_only(root: Path) -> Project:
    """Customers and tickets, as a help-desk log gives them: no minutes, no replies, no
    billing, payments, orders or usage."""
    data = root / "data"
    data.mkdir(parents=True)
    _write(data / "customers.csv", [{"customer_id": c, "name": n, "signup_at": s}
                                    for c, n, s in CUSTOMERS])
    tickets = []
    for i in range(40):  # C-1 opens most of them
        cid = "C-1" if i < 30 else ("C-2" if i < 38 else "C-3")
        tickets.append({"ticket_id": f"T-{i}", "customer_id": cid,
                        "opened_at": f"2025-{1 + i % 12:02d}-{1 + i % 27:02d} 10:00:00",
                        "closed_at": f"2025-{1 + i % 12:02d}-{1 + i % 27:02d} 15:00:00",
                        "priority": "normal", "subject": f"Issue {i}"})
    _write(data / "tickets.csv", tickets)
    proj = Project.init(root / "proj")
    proj.import_directory(data, strict=True)
    return proj


def test_a_tickets_only_project_gets_no_cost_or_reward_verdict(tmp_path: Path) -> None:
    proj = tickets_only(tmp_path)
    try:
        run = proj.score()
        scores = run.result.scores
        assert set(scores["segment"]) == {"not_enough_data"}
        assert not scores["reason"].str.contains("profitable").any()
        for c in ("profitability", "support_load", "payment_reliability"):
            assert scores[c].isna().all()  # unknown, not full points
        # behaviour (25) and tenure (10) are the known components
        assert set(scores["score_out_of"]) == {35.0}
        e = run.explain("C-1")
        assert e.components["support_load"] is None
        assert e.score <= 35.0
        assert "no billing data (invoices)" in e.reason
        assert "neither logged minutes nor staff replies" in e.missing
        assert not any(g.passed for g in e.reward_gates if g.rule == "enough_data")
    finally:
        proj.close()


def test_explain_and_scorecard_say_unknown_on_the_command_line(tmp_path: Path) -> None:
    proj = tickets_only(tmp_path)
    root = proj.root
    proj.score()
    proj.close()
    runner = CliRunner()
    out = runner.invoke(app, ["explain", "C-1", "--project", str(root)], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    assert "support load" in out.output and "unknown" in out.output
    assert "not_enough_data" in out.output
    assert "healthy" not in out.output
    card = runner.invoke(app, ["scorecard", "--project", str(root)], env={"COLUMNS": "200"})
    assert card.exit_code == 0, card.output
    assert "estimated from staff replies" not in card.output
    assert "40 ticket(s) have neither logged minutes nor staff replies" in card.output


def test_service_levels_in_scorecard_columns_and_customer_json(tmp_path: Path) -> None:
    # every ticket was closed 5 hours after it opened, none has a first response time
    proj = tickets_only(tmp_path)
    root = proj.root
    proj.close()
    runner = CliRunner()
    out = runner.invoke(app, ["scorecard", "--project", str(root), "--json", "--columns",
                              "resolution_median_hours,first_response_median_minutes,"
                              "sla_judged,sla_breaches"])
    assert out.exit_code == 0, out.output
    rows = {r["customer_id"]: r for r in json.loads(out.output)["customers"]}
    assert rows["C-1"]["resolution_median_hours"] == 5.0
    assert rows["C-1"]["first_response_median_minutes"] is None  # unknown, not 0
    assert (rows["C-1"]["sla_judged"], rows["C-1"]["sla_breaches"]) == (30, 0)  # 5 h < 72 h
    bad = runner.invoke(app, ["scorecard", "--project", str(root), "--columns", "nope"])
    assert bad.exit_code != 0
    assert "column must be one of service" in bad.output + str(bad.exception)
    one = runner.invoke(app, ["customer", "C-2", "--project", str(root), "--json"])
    assert one.exit_code == 0, one.output
    data = json.loads(one.output)
    assert data["service"]["resolution_p90_hours"] == 5.0
    assert data["service"]["csat_count"] == 0
    assert data["by_category"] == [{"value": None, "tickets": 8, "minutes": 0.0,
                                    "support_cost": "0.0000"}]
