"""A corpus of broken files: each gives a clear error or clean quarantine, never a crash."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from goodfit.errors import GoodfitError, InputFileError
from goodfit.project import Project
from tests.ingest.conftest import CUSTOMERS, imported_or_refused, rows, write

HEADER = "invoice_id,customer_id,issued_at,amount,currency,kind,status\n"


@pytest.fixture
def with_customers(duck: Project, tmp_path: Path) -> Project:
    duck.import_file("customers", write(tmp_path / "customers.csv", CUSTOMERS))
    return duck


@pytest.mark.parametrize(("line", "field", "fragment"), [
    ("I1,C1,2024-01-01,twelve,USD,recurring,paid", "amount", "'twelve' is not an amount"),
    ("I1,C1,2024-13-45,12,USD,recurring,paid", "issued_at", "'2024-13-45' is not a date"),
    ("I1,C1,yesterday,12,USD,recurring,paid", "issued_at", "is not a date"),
    ("I1,C1,2024-01-01,12,USD,subscription,paid", "kind", "'subscription' is not one of"),
    ("I1,C1,2024-01-01,12,USD,recurring,maybe", "status", "'maybe' is not one of"),
    ("I1,,2024-01-01,12,USD,recurring,paid", "customer_id", "required value is missing"),
    ("I1,C1,2024-01-01,,USD,recurring,paid", "amount", "required value is missing"),
])
def test_bad_values_are_named(with_customers: Project, tmp_path: Path, line: str, field: str,
                              fragment: str) -> None:
    result = imported_or_refused(with_customers, "invoices",
                                 write(tmp_path / "i.csv", HEADER + line + "\n"))
    assert result.rejected == 1
    import csv

    assert result.quarantine_file
    with open(result.quarantine_file, encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    assert (row["_row"], row["_field"]) == ("2", field)
    assert fragment in row["_reason"]


def test_negative_amount_where_not_allowed(with_customers: Project, tmp_path: Path) -> None:
    text = "payment_id,customer_id,at,amount\nP1,C1,2024-01-01,-5\n"
    result = imported_or_refused(with_customers, "payments", write(tmp_path / "p.csv", text))
    assert result.rejected_by_reason == {"amount: below minimum": 1}


def test_truncated_file_keeps_complete_rows(with_customers: Project, tmp_path: Path) -> None:
    text = HEADER + "I1,C1,2024-01-01,12,USD,recurring,paid\nI2,C1,2024-02-01,12,USD,recur"
    result = with_customers.import_file("invoices", write(tmp_path / "i.csv", text))
    assert result.rows_read == 2 and result.accepted == 1 and result.rejected == 1
    assert [r["invoice_id"] for r in rows(with_customers, "invoices", "invoice_id")] == ["I1"]


def test_row_with_too_many_fields_is_quarantined_with_its_line(with_customers: Project,
                                                              tmp_path: Path) -> None:
    text = (HEADER + "I1,C1,2024-01-01,12,USD,recurring,paid\n"
            "I2,C1,2024-01-01,12,USD,recurring,paid,EXTRA,MORE\n"
            "I3,C1,2024-01-01,12,USD,recurring,paid\n"
            "I4,C1,2024-01-01,zz,USD,recurring,paid\n")
    result = with_customers.import_file("invoices", write(tmp_path / "i.csv", text))
    assert (result.accepted, result.rejected) == (2, 2)
    import csv

    assert result.quarantine_file
    with open(result.quarantine_file, encoding="utf-8") as f:
        got = {r["_row"]: r for r in csv.DictReader(f)}
    assert set(got) == {"3", "5"}  # row numbers stay true after a line the reader rejected
    assert "EXTRA" in got["3"]["_raw_line"]
    assert got["5"]["_field"] == "amount"


def test_binary_garbage_is_a_clear_error_or_quarantine(duck: Project, tmp_path: Path) -> None:
    path = tmp_path / "customers.csv"
    path.write_bytes(os.urandom(4096))
    try:
        result = duck.import_file("customers", path)
    except InputFileError as exc:
        assert "customers.csv" in str(exc)
    else:
        assert result.accepted == 0


def test_empty_file_and_header_only(duck: Project, tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="empty"):
        duck.import_file("customers", write(tmp_path / "c.csv", ""))
    result = duck.import_file("customers", write(tmp_path / "h.csv", "customer_id,signup_at\n"))
    assert (result.rows_read, result.rejected) == (0, 0)


def test_one_megabyte_field_is_rejected_not_crashing(duck: Project, tmp_path: Path) -> None:
    huge = "x" * (1 << 20)
    text = f"customer_id,name,signup_at\nC1,{huge},2024-01-01\nC2,ok,2024-01-01\n"
    result = duck.import_file("customers", write(tmp_path / "c.csv", text))
    assert result.accepted == 1
    assert result.rejected_by_reason == {"name: too long": 1}


def test_wrong_encoding_is_reported(duck: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "c.csv", "customer_id,name,signup_at\nC1,Zürich AG,2024-01-01\n",
                 encoding="latin-1")
    try:
        result = imported_or_refused(duck, "customers", path)  # utf-8 declared, latin-1 read
    except InputFileError as exc:
        assert "c.csv" in str(exc)
    else:
        assert result.rejected == 1 and result.accepted == 0


def test_formula_injection_is_stored_as_text(duck: Project, tmp_path: Path) -> None:
    evil = "=cmd|' /C calc'!A0"
    text = f'customer_id,name,signup_at\nC1,"{evil}",2024-01-01\nC2,"@SUM(1+1)",2024-01-01\n'
    assert duck.import_file("customers", write(tmp_path / "c.csv", text)).accepted == 2
    assert rows(duck, "customers", "customer_id")[0]["name"] == evil


def test_sql_in_data_is_data(duck: Project, tmp_path: Path) -> None:
    evil = "x'); DROP TABLE customers; --"
    text = f'customer_id,name,signup_at\n"{evil}","{evil}",2024-01-01\n'
    assert duck.import_file("customers", write(tmp_path / "c.csv", text)).accepted == 1
    ticket = f'ticket_id,customer_id,opened_at\nT1,"{evil}",2024-01-02\nT2,"zz\'",2024-01-02\n'
    result = duck.import_file("tickets", write(tmp_path / "t.csv", ticket))
    assert (result.accepted, result.rejected) == (1, 1)
    assert rows(duck, "customers", "customer_id")[0]["customer_id"] == evil


def test_unsupported_file_type(duck: Project, tmp_path: Path) -> None:
    with pytest.raises(GoodfitError, match="unsupported file type"):
        duck.import_file("customers", write(tmp_path / "c.docx", "PK"))
    with pytest.raises(GoodfitError, match="cannot be read as a spreadsheet"):
        duck.import_file("customers", write(tmp_path / "c.xlsx", "PK"))
