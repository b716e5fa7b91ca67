"""Values a column cannot hold are quarantined with their reason, never stored; files that
end early import nothing; re-imports keep what a file does not mention; odd but legal CSV
(a bare CR in a quoted field, a very large field) is read whole."""

from __future__ import annotations

import csv
import gzip
from pathlib import Path

import pytest

from goodfit.errors import InputFileError
from goodfit.ingest import import_history
from goodfit.project import Project
from tests.ingest.conftest import CUSTOMERS, rows, write


def _quarantine(path: str | None) -> list[dict[str, str]]:
    assert path
    csv.field_size_limit(1 << 30)
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_nan_inf_and_overflow_are_quarantined_not_stored(project: Project,
                                                         tmp_path: Path) -> None:
    project.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    tickets = write(tmp_path / "tickets.csv",
                    "ticket_id,customer_id,opened_at,staff_minutes\n"
                    "T1,C1,2024-03-01 10:00:00,12.5\n"
                    "T2,C1,2024-03-01 11:00:00,NaN\n"
                    "T3,C2,2024-03-02 09:00:00,inf\n"
                    "T4,C2,2024-03-02 09:30:00,1e400\n"
                    "T5,C3,2024-03-03 08:00:00,-Infinity\n")
    project.config.import_.max_rejected_share = 1.0  # mostly bad rows on purpose (refusal: test_every_problem)
    r = project.import_file("tickets", tickets)
    assert (r.rows_read, r.accepted, r.rejected) == (5, 1, 4)
    assert rows(project, "tickets", "ticket_id")[0]["staff_minutes"] == 12.5
    assert len(rows(project, "tickets", "ticket_id")) == 1
    bad = _quarantine(r.quarantine_file)
    assert [b["_row"] for b in bad] == ["3", "4", "5", "6"]
    assert {b["_field"] for b in bad} == {"staff_minutes"}
    assert "'NaN' is not a finite number" in bad[0]["_reason"]


def test_usage_quantity_and_order_minutes_refuse_non_finite(duck: Project,
                                                           tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    usage = write(tmp_path / "usage.csv",
                  "customer_id,period_start,metric,quantity\n"
                  "C1,2024-01-01,egress_gb,120.5\nC1,2024-02-01,egress_gb,nan\n")
    r = duck.import_file("usage", usage)
    assert (r.accepted, r.rejected) == (1, 1)
    orders = write(tmp_path / "orders.csv",
                   "order_id,customer_id,placed_at,handling_minutes\n"
                   "O1,C1,2024-01-01,Infinity\nO2,C1,2024-01-02,5\n")
    r = duck.import_file("orders", orders)
    assert (r.accepted, r.rejected) == (1, 1)
    assert [o["order_id"] for o in rows(duck, "orders", "order_id")] == ["O2"]


def test_placeholder_dates_are_quarantined(duck: Project, tmp_path: Path) -> None:
    customers = write(tmp_path / "customers.csv",
                      "customer_id,signup_at,cancelled_at\n"
                      "C1,2024-01-05,\n"
                      "C2,2024-01-06,9999-12-31\n"          # "never" placeholder
                      "C3,1899-12-30,\n"                    # spreadsheet day zero
                      "C4,2024-01-07,9999-12-30 23:59:59\n"  # the last allowed day
                      "C5,infinity,\n")
    duck.config.import_.max_rejected_share = 1.0  # mostly bad rows on purpose (refusal: test_every_problem)
    r = duck.import_file("customers", customers)
    assert (r.rows_read, r.accepted, r.rejected) == (5, 2, 3)
    assert [c["customer_id"] for c in rows(duck, "customers", "customer_id")] == ["C1", "C4"]
    bad = {b["_row"]: b for b in _quarantine(r.quarantine_file)}
    assert bad["3"]["_field"] == "cancelled_at"
    assert "outside 1900-01-01" in bad["3"]["_reason"]
    assert bad["4"]["_field"] == "signup_at"
    assert "6" in bad


def test_date_range_is_configurable(duck: Project, tmp_path: Path) -> None:
    duck.config.import_.earliest_date = __import__("datetime").date(1800, 1, 1)
    r = duck.import_file("customers", write(tmp_path / "c.csv",
                                            "customer_id,signup_at\nC1,1850-06-01\n"))
    assert r.accepted == 1


def _gz_lines(n: int) -> bytes:
    body = "customer_id,name,signup_at\n" + "".join(
        f"C{i},Customer number {i} with a longer name,2024-01-{1 + i % 28:02d} 10:00:00\n"
        for i in range(n))
    return gzip.compress(body.encode(), compresslevel=6)


def test_truncated_gzip_is_an_error_and_imports_nothing(project: Project,
                                                        tmp_path: Path) -> None:
    data = _gz_lines(20_000)
    cut = tmp_path / "customers.csv.gz"
    cut.write_bytes(data[: len(data) * 2 // 3])
    with pytest.raises(InputFileError, match="ends early"):
        project.import_file("customers", cut)
    assert rows(project, "customers", "customer_id") == []
    assert import_history(project.warehouse) == []
    whole = tmp_path / "whole.csv.gz"
    whole.write_bytes(data)
    assert project.import_file("customers", whole).accepted == 20_000


def test_multi_member_gzip_is_complete(duck: Project, tmp_path: Path) -> None:
    path = tmp_path / "c.csv.gz"
    path.write_bytes(gzip.compress(b"customer_id,signup_at\nC1,2024-01-01\n")
                     + gzip.compress(b"C2,2024-01-02\n"))
    assert duck.import_file("customers", path).accepted == 2


def test_reimport_without_optional_columns_keeps_their_values(project: Project,
                                                              tmp_path: Path) -> None:
    full = write(tmp_path / "full.csv",
                 "customer_id,name,signup_at,plan,country,email,currency\n"
                 "C1,Acme Hosting,2024-01-05,vps-2,DE,billing@acme.example,EUR\n"
                 "C2,Beta GmbH,2024-02-10,vps-4,AT,ap@beta.example,EUR\n")
    project.import_file("customers", full)
    # A later export with only the status changes the status and nothing else.
    slim = write(tmp_path / "slim.csv",
                 "customer_id,signup_at,status\nC1,2024-01-05,cancelled\nC2,2024-02-10,\n")
    r = project.import_file("customers", slim)
    # C1's status changed; C2 had no status before and still has none.
    assert (r.updated, r.unchanged, r.inserted) == (1, 1, 0)
    got = rows(project, "customers", "customer_id")
    assert [(c["name"], c["plan"], c["country"], c["email"], c["currency"], c["status"])
            for c in got] == [
        ("Acme Hosting", "vps-2", "DE", "billing@acme.example", "EUR", "cancelled"),
        ("Beta GmbH", "vps-4", "AT", "ap@beta.example", "EUR", None)]
    # Importing the same slim file again changes nothing.
    again = project.import_file("customers", slim)
    assert (again.unchanged, again.updated) == (2, 0)


def test_clear_missing_empties_absent_columns(duck: Project, tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "full.csv",
                                        "customer_id,name,signup_at,plan\n"
                                        "C1,Acme,2024-01-05,vps-2\n"))
    duck.config.import_.clear_missing = True
    duck.import_file("customers", write(tmp_path / "slim.csv",
                                        "customer_id,signup_at\nC1,2024-01-05\n"))
    got = rows(duck, "customers", "customer_id")[0]
    assert (got["name"], got["plan"]) == (None, None)


def test_bare_cr_inside_quoted_field_is_an_ordinary_character(duck: Project,
                                                               tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    path = tmp_path / "tickets.csv"
    path.write_bytes(b"ticket_id,customer_id,opened_at,subject\n"
                     b'T1,C1,2024-03-01 10:00:00,"line one\rline two"\n'
                     b"T2,C2,2024-03-01 11:00:00,plain\n")
    r = duck.import_file("tickets", path)
    assert (r.rows_read, r.accepted, r.rejected) == (2, 2, 0)
    assert rows(duck, "tickets", "ticket_id")[0]["subject"] == "line one\rline two"


def test_large_multiline_field_is_kept_whole(duck: Project, tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    duck.import_file("tickets", write(tmp_path / "t.csv",
                                      "ticket_id,customer_id,opened_at\n"
                                      "T1,C1,2024-03-01 10:00:00\n"))
    body = "\n".join(f"log line {i:06d} " + "x" * 90 for i in range(3_000))  # ~300 kB
    big = body * 8  # ~2.4 MB, over the CSV reader's default line limit
    path = tmp_path / "messages.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["message_id", "ticket_id", "sent_at", "author_role", "body"])
        w.writerow(["M1", "T1", "2024-03-01 10:00:00", "customer", "short"])
        w.writerow(["M2", "T1", "2024-03-01 10:05:00", "customer", big[:400_000]])
        w.writerow(["M3", "T1", "2024-03-01 10:10:00", "staff", big])
    r = duck.import_file("messages", path)
    assert r.rows_read == 3
    got = {m["message_id"]: m for m in rows(duck, "messages", "message_id")}
    assert got["M2"]["body"] == big[:400_000]
    # M3 is longer than the body limit (500,000 characters): quarantined as row 4.
    assert r.rejected == 1 and "M3" not in got
    bad = _quarantine(r.quarantine_file)
    assert [(b["_row"], b["_field"]) for b in bad] == [("4", "body")]


def test_row_longer_than_the_reader_limit_is_named_with_its_row(duck: Project,
                                                               tmp_path: Path) -> None:
    duck.config.import_.max_line_mb = 1
    path = write(tmp_path / "customers.csv",
                 "customer_id,name,signup_at\nC1,a,2024-01-01\n"
                 f"C2,\"{'y' * 600_000}\n{'z' * 600_000}\",2024-01-01\nC3,b,2024-01-01\n")
    with pytest.raises(InputFileError, match=r"row 3 is 1\.1 MB long.*max_line_mb = 1"):
        duck.import_file("customers", path)
    assert rows(duck, "customers", "customer_id") == []
