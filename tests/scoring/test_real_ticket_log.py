"""A real public help-desk log, imported tickets-only as a user would (no minutes, replies
or billing): no verdict that needs the missing data, and a report on tickets.

The log is a sample of the ServiceNow incident event log (UCI, CC BY 4.0; provenance in
tests/data/servicenow_incidents/README.md): one row per update of an incident, dates day
first ("29/2/2016 01:23"), callers as customers. Expected figures are counted here from
the CSV with the csv module, independently of goodfit's import.
"""

from __future__ import annotations

import csv
import os
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.project import Project

SAMPLE = (Path(__file__).resolve().parent.parent / "data" / "servicenow_incidents"
          / "incident_event_log_sample.csv")
FULL = os.environ.get("GOODFIT_SERVICENOW_LOG")
TICKET_FLAGS = ["--map", "number=ticket_id", "--map", "caller_id=customer_id",
                "--map", "contact_type=channel", "--map", "closed_code=resolution_code",
                "--collapse", "last", "--order-by", "sys_updated_at",
                "--state-column", "incident_state"]


def _events(log: Path) -> list[dict[str, str]]:
    with log.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _customers(events: list[dict[str, str]], out: Path) -> None:
    """The customers file a user writes for a tickets-only log: each known caller, signed
    up at its first incident (the log has no customer list)."""
    first: dict[str, datetime] = {}
    for e in events:
        if e["caller_id"] != "?":
            t = datetime.strptime(e["opened_at"], "%d/%m/%Y %H:%M")
            first[e["caller_id"]] = min(t, first.get(e["caller_id"], t))
    with out.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["caller_id", "signup_at"])
        w.writerows((c, t.strftime("%Y-%m-%d %H:%M:%S")) for c, t in sorted(first.items()))


def _check(log: Path, tmp_path: Path) -> None:
    events = _events(log)
    incidents = {e["number"]: e["caller_id"] for e in events}  # caller: same on every event
    known = {n: c for n, c in incidents.items() if c != "?"}
    per_caller = Counter(known.values())
    heaviest, most = sorted(per_caller.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    _customers(events, tmp_path / "customers.csv")
    runner = CliRunner()
    root = tmp_path / "proj"
    env = {"COLUMNS": "200"}
    assert runner.invoke(app, ["init", str(root)]).exit_code == 0
    p = ["--project", str(root)]
    out = runner.invoke(app, ["import", "customers", str(tmp_path / "customers.csv"),
                              "--map", "caller_id=customer_id", *p, "--json"], env=env)
    assert out.exit_code == 0, out.output
    # day-first dates in the order column: sorted as text, 5/3 would come after 29/2
    out = runner.invoke(app, ["import", "tickets", str(log), *TICKET_FLAGS, *p], env=env)
    assert out.exit_code != 0
    assert "--date-order dmy or mdy" in " ".join((out.output + str(out.exception)).split())
    out = runner.invoke(app, ["import", "tickets", str(log), *TICKET_FLAGS, "--date-order",
                              "dmy", *p], env=env)
    assert out.exit_code == 0, out.output
    proj = Project.open(root)
    try:
        t = proj.ws.warehouse.table("tickets")
        assert t.count().execute() == len(known)  # one ticket per incident
        run = proj.score()
        scores = run.result.scores
        # nobody healthy, rewarded or given a cost verdict: billing and minutes are missing
        assert set(scores["segment"]) == {"not_enough_data"}
        assert len(scores) == len(per_caller)
        assert scores["reason"].str.contains("no billing data (invoices)", regex=False).all()
        assert scores["reason"].str.contains("neither logged minutes nor staff replies").all()
        assert not scores["reason"].str.contains("profitable").any()
        e = run.explain(heaviest)
        assert e.components["profitability"] is None and e.components["support_load"] is None
        assert not any(g.passed for g in e.reward_gates
                       if g.rule in ("enough_data", "profitable", "spend", "few_tickets"))
        assert {g.value for g in e.reward_gates if g.rule in ("profitable", "spend")} \
            == {"unknown"}
        report = proj.report(tmp_path / "r.html").read_text(encoding="utf-8")
    finally:
        proj.close()
    assert "Who carries the load: tickets</h2>" in report
    assert "No billing data (invoices) was imported" in report
    assert f'<div class="v">{len(known):,}</div><div class="k">Tickets</div>' in report
    # the most-tickets table opens with the heaviest caller and its share of the tickets
    share = f"{most / len(known):.1%}"
    assert (f'{heaviest}</a></td><td class="n">{most:,}</td>\n'
            f'            <td class="n">{share}</td>') in report
    for seg in ("healthy", "reward", "reprice", "part_ways"):
        assert report.count(f'class="seg seg-{seg}"') == 1  # the segments table row only
    out = runner.invoke(app, ["explain", heaviest, *p], env=env)
    assert out.exit_code == 0, out.output
    assert f"None ({heaviest})" not in out.output  # no name: the id alone
    assert "not_enough_data" in out.output and "profitable: unknown" in out.output


def test_real_servicenow_sample_gets_no_verdict_without_billing_or_minutes(
        tmp_path: Path) -> None:
    _check(SAMPLE, tmp_path)


@pytest.mark.slow
@pytest.mark.skipif(not FULL, reason="set GOODFIT_SERVICENOW_LOG to the full "
                    "incident_event_log.csv (see tests/data/servicenow_incidents/README.md)")
def test_real_servicenow_full_log(tmp_path: Path) -> None:
    _check(Path(str(FULL)), tmp_path)
