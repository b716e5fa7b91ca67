"""Every problem of a row is reported at once; an import that rejects (nearly) everything
fails loudly; a --map typo is an error with a suggestion."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from goodfit.cli import app
from goodfit.errors import BadMapping, TooManyRejected
from goodfit.project import Project
from tests.ingest.conftest import CUSTOMERS, imported_or_refused, write

runner = CliRunner()


def test_one_quarantine_line_lists_every_bad_field(project: Project, tmp_path: Path) -> None:
    project.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    text = ("ticket_id,customer_id,opened_at,priority,channel,staff_minutes\n"
            "T1,C1,2024-02-01 10:00,urgent,email,15\n"
            "T2,C1,31/02/2024,P3,Carrier pigeon,NaN\n"   # four problems
            "T3,C1,2024-02-02,Sometimes,email,5\n")      # one problem
    r = imported_or_refused(project, "tickets", write(tmp_path / "tickets.csv", text))
    assert (r.rows_read, r.accepted, r.rejected) == (3, 1, 2)
    assert r.quarantine_file
    with open(r.quarantine_file, newline="", encoding="utf-8") as f:
        bad = list(csv.DictReader(f))
    assert [b["_row"] for b in bad] == ["3", "4"]  # one line per row
    assert bad[0]["_field"] == "opened_at, priority, channel, staff_minutes"
    reason = bad[0]["_reason"]
    for part in ("opened_at: '31/02/2024' is not a date", "priority: 'P3' is not one",
                 "channel: 'Carrier pigeon' is not one", "staff_minutes: 'NaN' is not a finite"):
        assert part in reason
    # a row with two problems counts under both reasons
    assert r.rejected_by_reason["priority: unknown value"] == 2
    assert r.rejected_by_reason["opened_at: not a date"] == 1
    assert sorted(r.reason_examples["priority: unknown value"]) == ["P3", "Sometimes"]
    assert r.top_reasons(1) == ["priority: unknown value (2, e.g. 'P3', 'Sometimes')"] \
        or r.top_reasons(1) == ["priority: unknown value (2, e.g. 'Sometimes', 'P3')"]


def _cli_project(tmp_path: Path) -> Path:
    proj = tmp_path / "p"
    assert runner.invoke(app, ["init", str(proj)]).exit_code == 0
    return proj


def test_import_rejecting_every_row_exits_6(tmp_path: Path) -> None:
    proj = _cli_project(tmp_path)
    src = write(tmp_path / "customers.csv", "customer_id,signup_at\nA,never\nB,soon\n")
    result = runner.invoke(app, ["import", "customers", str(src), "-p", str(proj)])
    assert isinstance(result.exception, TooManyRejected)
    assert result.exception.exit_code == 6 and result.exception.code == "too_many_rejected"
    assert "2 of 2 row(s)" in str(result.exception)
    assert "signup_at: not a date (2, e.g. 'never', 'soon')" in str(result.exception)


def test_share_of_rejected_rows_is_configurable(tmp_path: Path) -> None:
    proj = _cli_project(tmp_path)
    src = write(tmp_path / "customers.csv",
                "customer_id,signup_at\nA,2024-01-01\nB,never\nC,2024-01-02\n")
    ok = runner.invoke(app, ["import", "customers", str(src), "-p", str(proj)])
    assert ok.exit_code == 0, ok.output  # 1 of 3 is below the default share 0.5
    toml = proj / "goodfit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "max_rejected_share = 0.5", "max_rejected_share = 0.2"), encoding="utf-8")
    strict = runner.invoke(app, ["import", "customers", str(src), "-p", str(proj)])
    assert isinstance(strict.exception, TooManyRejected)


def test_an_import_over_the_share_is_refused_whole(duck: Project, tmp_path: Path) -> None:
    """More than max_rejected_share bad rows means the file is misread: nothing of it is
    imported (not the few rows that happened to parse), the quarantine keeps every bad
    row with its reason, and the import is not recorded as done."""
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    before = duck.table("customers").to_pyarrow().to_pylist()
    # a re-export with a day-first signup column: 3 of 4 rows unreadable
    src = write(tmp_path / "customers2.csv", "customer_id,name,signup_at\n"
                "C1,Renamed,2024-01-05\nC9,New,31.02.2024x\nC8,New,soon\nC7,New,never\n")
    with pytest.raises(TooManyRejected, match="3 of 4 row.*Nothing was imported") as err:
        duck.import_file("customers", src)
    assert duck.table("customers").to_pyarrow().to_pylist() == before  # C1 not renamed
    assert len(duck.ingest.history()) == 1  # only the first import is recorded
    with open(str(err.value.quarantine_file), newline="", encoding="utf-8") as f:
        assert [r["customer_id"] for r in csv.DictReader(f)] == ["C9", "C8", "C7"]


def test_map_typo_in_our_column_is_an_error_with_a_suggestion(duck: Project,
                                                              tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    path = write(tmp_path / "tickets.csv",
                 "ticket_id,customer_id,opened_at,Code\nT1,C1,2024-02-01,network_event\n")
    with pytest.raises(BadMapping, match="'resolutioncode' is not a column of tickets.*"
                                         "Did you mean 'resolution_code'"):
        duck.import_file("tickets", path, mapping={"Code": "resolutioncode"})
    with pytest.raises(BadMapping, match="'Cdoe' is not a column of tickets.csv.*'Code'"):
        duck.import_file("tickets", path, mapping={"Cdoe": "resolution_code"})
    duck.import_file("tickets", path, mapping={"Code": "resolution_code"})
    assert duck.table("tickets").to_pyarrow().to_pylist()[0]["resolution_code"] == \
        "network_event"
