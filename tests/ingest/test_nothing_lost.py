"""Bad rows are kept with their reason; re-imports are idempotent; every import recorded."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from goodfit.errors import InvalidRow, MissingColumns
from goodfit.project import Project
from tests.ingest.conftest import CUSTOMERS, rows, write


def quarantined(path: str | None) -> list[dict[str, str]]:
    assert path is not None
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_rejected_rows_land_in_quarantine_with_row_field_reason(project: Project,
                                                                tmp_path: Path) -> None:
    project.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    text = ("ticket_id,customer_id,opened_at,priority,staff_minutes,satisfaction\n"
            "T1,C1,2024-02-01 10:00,urgent,15,5\n"          # row 2: fine
            "T2,C1,31/02/2024,normal,5,4\n"                  # row 3: impossible date
            "T3,C1,2024-02-02,whenever,5,4\n"                # row 4: unknown enum
            "T4,C1,2024-02-02,low,-3,4\n"                    # row 5: negative minutes
            "T5,C9,2024-02-02,low,3,4\n"                     # row 6: orphan
            "T6,C2,2024-02-02,low,3,9\n"                     # row 7: satisfaction > 5
            ",C2,2024-02-02,low,3,4\n"                       # row 8: missing key
            "T1,C2,2024-02-03,low,3,4\n")                    # row 9: duplicate of row 2
    project.config.import_.max_rejected_share = 1.0  # mostly bad rows on purpose (refusal: test_every_problem)
    result = project.import_file("tickets", write(tmp_path / "tickets.csv", text))
    assert (result.rows_read, result.accepted, result.rejected) == (8, 1, 7)
    got = {int(r["_row"]): (r["_field"], r["_reason"]) for r in quarantined(result.quarantine_file)}
    assert set(got) == {3, 4, 5, 6, 7, 8, 9}
    assert got[3][0] == "opened_at" and "'31/02/2024' is not a date" in got[3][1]
    assert got[4][0] == "priority" and "'whenever' is not one of" in got[4][1]
    assert got[5][0] == "staff_minutes" and "below the minimum 0" in got[5][1]
    assert got[6][0] == "customer_id" and "unknown customer 'C9'" in got[6][1]
    assert got[7][0] == "satisfaction" and "above the maximum 5" in got[7][1]
    assert got[8] == ("ticket_id", "required value is missing")
    assert got[9][0] == "ticket_id" and "as row 2" in got[9][1]
    # the original values are kept exactly, so a fixed file can be re-imported
    row3 = next(r for r in quarantined(result.quarantine_file) if r["_row"] == "3")
    assert row3["opened_at"] == "31/02/2024" and row3["_file"] == "tickets.csv"
    assert result.rejected_by_reason["customer_id: unknown customer"] == 1
    assert sum(result.rejected_by_reason.values()) == 7
    assert [r["ticket_id"] for r in rows(project, "tickets", "ticket_id")] == ["T1"]


def test_strict_rejects_whole_file(project: Project, tmp_path: Path) -> None:
    text = CUSTOMERS + "C4,Delta,not-a-date,active,USD\n"
    with pytest.raises(InvalidRow) as err:
        project.import_file("customers", write(tmp_path / "c.csv", text), strict=True)
    assert (err.value.row, err.value.field) == (5, "signup_at")
    assert "c.csv, row 5, field signup_at" in str(err.value)
    assert project.table("customers").count().execute() == 0
    assert project.imports() == []


def test_missing_required_column_names_the_closest_match(duck: Project, tmp_path: Path) -> None:
    with pytest.raises(MissingColumns) as err:
        duck.import_file("customers", write(tmp_path / "c.csv", "customer_id,signup\nA,2024\n"))
    assert "signup_at" in str(err.value) and "--map signup=signup_at" in str(err.value)


def test_reimporting_same_file_changes_nothing(project: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "customers.csv", CUSTOMERS)
    first = project.import_file("customers", path)
    before = rows(project, "customers", "customer_id")
    second = project.import_file("customers", path)
    assert (first.inserted, second.inserted, second.updated, second.unchanged) == (3, 0, 0, 3)
    assert rows(project, "customers", "customer_id") == before


def test_changed_row_is_updated_and_counted(project: Project, tmp_path: Path) -> None:
    project.import_file("customers", write(tmp_path / "c1.csv", CUSTOMERS))
    changed = CUSTOMERS.replace("Beta GmbH", "Beta AG") + "C4,Delta,2024-05-01,active,USD\n"
    result = project.import_file("customers", write(tmp_path / "c2.csv", changed))
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 2)
    names = [r["name"] for r in rows(project, "customers", "customer_id")]
    assert names == ["Acme Hosting", "Beta AG", "Gamma Ltd", "Delta"]


def test_every_import_is_recorded(project: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "customers.csv", CUSTOMERS + "C4,Bad,never,active,USD\n")
    result = project.import_file("customers", path)
    history = project.imports()
    assert len(history) == 1
    rec = history[0]
    import hashlib

    assert rec["file_hash"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (rec["rows_read"], rec["accepted"], rec["rejected"], rec["inserted"]) == (4, 3, 1, 3)
    assert rec["quarantine_file"] == result.quarantine_file
    assert rec["table_name"] == "customers"


def test_usage_key_with_empty_service_is_idempotent(project: Project, tmp_path: Path) -> None:
    project.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    text = ("customer_id,service_id,period_start,metric,quantity\n"
            "C1,,2024-01-01,egress_gb,10\nC1,S1,2024-01-01,egress_gb,20\n")
    path = write(tmp_path / "usage.csv", text)
    project.import_file("usage", path)
    again = project.import_file("usage", path)
    assert (again.inserted, again.unchanged) == (0, 2)
    assert project.table("usage").count().execute() == 2
