"""Spreadsheets, JSON, JSON Lines and zip archives import like CSV: same checks, same
quarantine, same row counts, idempotent."""

from __future__ import annotations

import gzip
import json
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from goodfit.errors import InputFileError
from goodfit.project import Project
from tests.ingest.conftest import CUSTOMERS, rows, write
from tests.ingest.xlsx import write_xlsx


@pytest.fixture
def shop(duck: Project, tmp_path: Path) -> Project:
    duck.import_file("customers", write(tmp_path / "customers.csv", CUSTOMERS))
    return duck


def test_xlsx_sheet_with_numbers_and_a_bad_row(shop: Project, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "Tickets export.xlsx", {
        "Summary": [["nothing here"]],
        "Tickets": [["Ticket ID", "Client", "Opened", "Minutes", "Priority"],
                    [1001, "C1", "2024-02-01 10:00:00", 15, "Medium"],
                    [1002, "C2", "2024-02-02 09:30:00", 7.5, "High"],
                    [1003, "C9", "2024-02-03 08:00:00", None, "Low"]],   # unknown customer
    })
    mapping = {"Ticket ID": "ticket_id", "Client": "customer_id", "Opened": "opened_at",
               "Minutes": "staff_minutes", "Priority": "priority"}
    r = shop.import_file("tickets", path, mapping=mapping, sheet="Tickets")
    assert (r.rows_read, r.accepted, r.rejected) == (3, 2, 1)
    got = rows(shop, "tickets", "ticket_id")
    assert [(t["ticket_id"], t["staff_minutes"], t["priority"]) for t in got] == [
        ("1001", 15.0, "normal"), ("1002", 7.5, "high")]  # 1001, not "1001.0"
    assert got[0]["opened_at"] == datetime(2024, 2, 1, 10, 0)
    again = shop.import_file("tickets", path, mapping=mapping, sheet="Tickets")
    assert (again.unchanged, again.inserted) == (2, 0)
    with pytest.raises(InputFileError, match="no sheet 'Tikets'.*did you mean 'Tickets'"):
        shop.import_file("tickets", path, mapping=mapping, sheet="Tikets")


def test_jsonl_with_nested_fields_addressed_by_path(shop: Project, tmp_path: Path) -> None:
    records = [
        {"id": 1, "created_at": "2024-02-01T10:00:00Z", "priority": "urgent",
         "organization": {"external_id": "C1", "name": "Acme"}, "tags": ["vps", "network"]},
        {"id": 2, "created_at": "2024-02-02T11:00:00Z", "priority": "normal",
         "organization": {"external_id": "C2", "name": "Beta"}, "tags": []},
        {"id": 3, "created_at": "not yet", "priority": "low",
         "organization": {"external_id": "C3", "name": "Gamma"}, "tags": []},
    ]
    path = tmp_path / "tickets.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    mapping = {"id": "ticket_id", "organization.external_id": "customer_id",
               "created_at": "opened_at", "tags": "category"}
    r = shop.import_file("tickets", path, mapping=mapping)
    assert (r.rows_read, r.accepted, r.rejected) == (3, 2, 1)
    got = rows(shop, "tickets", "ticket_id")
    assert [(t["ticket_id"], t["customer_id"], t["category"]) for t in got] == [
        ("1", "C1", '["vps","network"]'), ("2", "C2", "[]")]
    assert r.rejected_by_reason == {"opened_at: not a date": 1}


def test_json_array_and_gzip(shop: Project, tmp_path: Path) -> None:
    data = [{"invoice_id": "I1", "customer_id": "C1", "issued_at": "2024-03-01",
             "amount": "19,90 €"},
            {"invoice_id": "I2", "customer_id": "C2", "issued_at": "2024-03-02",
             "amount": "7,5"}]
    path = tmp_path / "invoices.json.gz"
    path.write_bytes(gzip.compress(json.dumps(data).encode()))
    r = shop.import_file("invoices", path)
    assert r.accepted == 2
    assert [(i["amount"], i["currency"]) for i in rows(shop, "invoices", "invoice_id")] == [
        (Decimal("19.90"), "EUR"), (Decimal("7.5"), None)]


def test_zip_with_one_csv_and_a_folder_zip(duck: Project, tmp_path: Path) -> None:
    one = tmp_path / "clients-export.zip"
    with zipfile.ZipFile(one, "w") as z:
        z.writestr("export/clients.csv", CUSTOMERS)
    r = duck.import_file("customers", one)
    assert (r.rows_read, r.accepted) == (3, 3) and r.file.endswith("!clients.csv")
    many = tmp_path / "everything.zip"
    with zipfile.ZipFile(many, "w") as z:
        z.writestr("customers.csv", CUSTOMERS)
        z.writestr("tickets.csv", "ticket_id,customer_id,opened_at\nT1,C1,2024-02-01\n")
        z.writestr("README.txt", "exported by the help desk\n")
    results = duck.import_directory(many)
    assert [(x.table, x.unchanged, x.inserted) for x in results] == [
        ("customers", 3, 0), ("tickets", 0, 1)]
    with pytest.raises(InputFileError, match="for table orders it needs one file"):
        duck.import_file("orders", many)


def test_cut_short_zip_imports_nothing(duck: Project, tmp_path: Path) -> None:
    whole = tmp_path / "whole.zip"
    body = "customer_id,signup_at\n" + "".join(f"C{i},2024-01-01\n" for i in range(5000))
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("customers.csv", body)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(whole.read_bytes()[:-200])
    with pytest.raises(InputFileError, match="not a complete zip"):
        duck.import_file("customers", cut)
    assert rows(duck, "customers", "customer_id") == []
