"""A provider's export, as it comes, lands with the right values."""

from __future__ import annotations

import gzip
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from goodfit.project import Project
from tests.ingest.conftest import CUSTOMERS, rows, write


def test_customers_csv_lands_with_types(project: Project, tmp_path: Path) -> None:
    result = project.import_file("customers", write(tmp_path / "customers.csv", CUSTOMERS))
    assert (result.rows_read, result.inserted, result.rejected) == (3, 3, 0)
    got = rows(project, "customers", "customer_id")
    assert [r["customer_id"] for r in got] == ["C1", "C2", "C3"]
    assert got[0]["signup_at"] == datetime(2024, 1, 5, 9, 30)
    assert got[2]["status"] == "cancelled"
    assert got[1]["currency"] == "EUR"


def test_semicolon_gzip_bom_and_latin1_are_read(duck: Project, tmp_path: Path) -> None:
    text = CUSTOMERS.replace(",", ";").replace("Beta GmbH", "Bêta Zürich")
    gz = tmp_path / "customers.csv.gz"
    gz.write_bytes(gzip.compress(("\ufeff" + text).encode("utf-8")))
    assert duck.import_file("customers", gz).inserted == 3
    assert rows(duck, "customers", "customer_id")[1]["name"] == "Bêta Zürich"

    latin = write(tmp_path / "l.csv", text.replace("C1", "L1").replace("C2", "L2")
                  .replace("C3", "L3"), encoding="latin-1")
    duck.config.import_.encoding = "latin-1"
    assert duck.import_file("customers", latin).inserted == 3
    names = {r["customer_id"]: r["name"] for r in rows(duck, "customers", "customer_id")}
    assert names["L2"] == "Bêta Zürich"


def test_money_notations_and_decimal_comma(duck: Project, tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    invoices = write(tmp_path / "invoices.csv", (
        "invoice_id,customer_id,issued_at,amount,currency\n"
        'I1,C1,2024-03-01,"$1,234.50",USD\n'
        "I2,C1,2024-03-01,USD 12,USD\n"
        "I3,C1,2024-03-01,(7.25),USD\n"
        "I4,C2,2024-03-01,99.9,EUR\n"
    ))
    assert duck.import_file("invoices", invoices).rejected == 0
    amounts = {r["invoice_id"]: r["amount"] for r in rows(duck, "invoices", "invoice_id")}
    assert amounts == {"I1": Decimal("1234.5"), "I2": Decimal("12"), "I3": Decimal("-7.25"),
                       "I4": Decimal("99.9")}

    duck.config.import_.decimal_comma = True
    european = write(tmp_path / "eu.csv", (
        "invoice_id;customer_id;issued_at;amount;currency\n"
        "E1;C2;01.03.2024;1.234,50 €;EUR\n"
        "E2;C2;01.03.2024;0,99;EUR\n"
    ))
    assert duck.import_file("invoices", european).rejected == 0
    amounts = {r["invoice_id"]: r["amount"] for r in rows(duck, "invoices", "invoice_id")}
    assert amounts["E1"] == Decimal("1234.5") and amounts["E2"] == Decimal("0.99")


def test_naive_times_read_in_project_zone_offsets_exact(duck: Project, tmp_path: Path) -> None:
    duck.config.project.timezone = "Europe/Berlin"  # UTC+1 in January, UTC+2 in July
    text = ("customer_id,signup_at\n"
            "W,2024-01-15 10:00:00\n"
            "S,2024-07-15 10:00:00\n"
            "O,2024-07-15T10:00:00+05:00\n"
            "Z,2024-07-15T10:00:00Z\n"
            "F,15/07/2024 10:00\n")
    assert duck.import_file("customers", write(tmp_path / "c.csv", text)).rejected == 0
    got = {r["customer_id"]: r["signup_at"] for r in rows(duck, "customers", "customer_id")}
    assert got == {"W": datetime(2024, 1, 15, 9), "S": datetime(2024, 7, 15, 8),
                   "O": datetime(2024, 7, 15, 5), "Z": datetime(2024, 7, 15, 10),
                   "F": datetime(2024, 7, 15, 8)}


def test_custom_timestamp_format_from_config(duck: Project, tmp_path: Path) -> None:
    duck.config.import_.timestamp_formats = ["%m-%d-%Y %I:%M %p"]
    path = write(tmp_path / "c.csv", "customer_id,signup_at\nA,03-15-2024 02:30 PM\n")
    assert duck.import_file("customers", path).rejected == 0
    assert rows(duck, "customers", "customer_id")[0]["signup_at"] == datetime(2024, 3, 15, 14, 30)


def test_map_option_and_mapping_section(project: Project, tmp_path: Path) -> None:
    export = write(tmp_path / "clients.csv", "ClientID,Company,Created\nX1,Xeno,2024-01-01\n")
    result = project.import_file("customers", export, mapping={
        "ClientID": "customer_id", "Company": "name", "Created": "signup_at"})
    assert result.inserted == 1
    project.config.mapping["tickets"] = {"TicketID": "ticket_id", "Client": "customer_id",
                                         "Opened": "opened_at"}
    tickets = write(tmp_path / "t.csv", "TicketID,Client,Opened,Extra\nT1,X1,2024-02-01,zzz\n")
    result = project.import_file("tickets", tickets)
    assert result.inserted == 1 and result.ignored_columns == ["Extra"]
    assert rows(project, "tickets", "ticket_id")[0]["customer_id"] == "X1"


def test_parquet_with_native_types(project: Project, tmp_path: Path) -> None:
    project.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    table = pa.table({
        "payment_id": ["P1", "P2"],
        "customer_id": ["C1", "C2"],
        "at": pa.array([datetime(2024, 3, 1, 12), datetime(2024, 3, 2, 12)], pa.timestamp("us")),
        "amount": pa.array([Decimal("24.00"), Decimal("1234.5")], pa.decimal128(18, 4)),
        "outcome": ["succeeded", "failed"],
    })
    path = tmp_path / "payments.parquet"
    pq.write_table(table, path)
    project.config.import_.decimal_comma = True  # must not touch typed numbers
    assert project.import_file("payments", path).inserted == 2
    got = rows(project, "payments", "payment_id")
    assert [r["amount"] for r in got] == [Decimal("24"), Decimal("1234.5")]
    assert got[1]["outcome"] == "failed"


def test_missing_ids_are_derived_stably(duck: Project, tmp_path: Path) -> None:
    duck.import_file("customers", write(tmp_path / "c.csv", CUSTOMERS))
    text = "customer_id,at,amount,outcome\nC1,2024-03-01,10,succeeded\nC1,2024-03-02,10,failed\n"
    first = duck.import_file("payments", write(tmp_path / "p.csv", text))
    again = duck.import_file("payments", write(tmp_path / "p2.csv", text))
    assert (first.inserted, again.inserted, again.unchanged) == (2, 0, 2)
    ids = [r["payment_id"] for r in rows(duck, "payments", "at")]
    assert all(i.startswith("h-") for i in ids) and ids[0] != ids[1]


def test_directory_import_goes_parents_first(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    # tickets sorts before customers only if order were alphabetical by accident
    write(folder / "tickets.csv", "ticket_id,customer_id,opened_at\nT1,C1,2024-02-01\n")
    write(folder / "customers.csv", CUSTOMERS)
    write(folder / "notes.txt", "not a table\n")
    results = project.import_directory(folder)
    assert [r.table for r in results] == ["customers", "tickets"]
    assert all(r.rejected == 0 for r in results)
