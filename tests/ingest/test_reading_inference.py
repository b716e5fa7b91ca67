"""Numbers and dates are read the way their column means them, or the import stops.

The files are the kind the issue saw: a European billing CSV with `;`, decimal commas and
euro signs; a US help desk export with month-first dates."""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from goodfit.errors import AmbiguousValues
from goodfit.project import Project
from tests.ingest.conftest import CUSTOMERS, rows, write


@pytest.fixture
def shop(duck: Project, tmp_path: Path) -> Project:
    duck.import_file("customers", write(tmp_path / "customers.csv", CUSTOMERS))
    return duck


def _amounts(project: Project) -> list[tuple[str, Decimal, str | None]]:
    return [(r["invoice_id"], r["amount"], r["currency"])  # type: ignore[misc]
            for r in rows(project, "invoices", "invoice_id")]


def test_european_billing_file_reads_decimal_commas_without_a_flag(shop: Project,
                                                                   tmp_path: Path) -> None:
    path = write(tmp_path / "invoices.csv",
                 "invoice_id;customer_id;issued_at;amount\n"
                 "I1;C2;2026-03-01;7,5\n"
                 "I2;C2;2026-03-02;0,99\n"
                 "I3;C2;2026-03-03;19,90 €\n"
                 "I4;C2;2026-03-04;1.234,50\n")
    r = shop.import_file("invoices", path)
    assert (r.rows_read, r.accepted, r.rejected) == (4, 4, 0)
    assert _amounts(shop) == [("I1", Decimal("7.5"), None), ("I2", Decimal("0.99"), None),
                              ("I3", Decimal("19.90"), "EUR"), ("I4", Decimal("1234.50"), None)]
    assert r.readings == ["amount: decimal comma (from the values)"]


def test_us_amounts_with_thousands_separators(shop: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "invoices.csv",
                 'invoice_id,customer_id,issued_at,amount\n'
                 'I1,C1,2026-03-01,"$1,234.50"\n'
                 'I2,C1,2026-03-02,"1,234"\n'
                 'I3,C1,2026-03-03,12.5\n')
    r = shop.import_file("invoices", path)
    assert r.rejected == 0
    assert _amounts(shop) == [("I1", Decimal("1234.50"), "USD"), ("I2", Decimal("1234"), None),
                              ("I3", Decimal("12.5"), None)]
    assert r.readings == ["amount: decimal point (from the values)"]


def test_only_ambiguous_amounts_stop_the_import(shop: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "invoices.csv",
                 'invoice_id,customer_id,issued_at,amount\n'
                 'I1,C1,2026-03-01,"1,234"\nI2,C1,2026-03-02,"2,500"\nI3,C1,2026-03-03,7\n')
    with pytest.raises(AmbiguousValues) as err:
        shop.import_file("invoices", path)
    msg = str(err.value)
    assert "invoices.csv" in msg and "column amount" in msg
    assert "'1,234'" in msg and "decimal_comma" in msg and "--decimal-point" in msg
    assert rows(shop, "invoices", "invoice_id") == []
    shop.config.import_.decimal_comma = False
    shop.import_file("invoices", path)
    assert [a for _i, a, _c in _amounts(shop)] == [Decimal("1234"), Decimal("2500"), Decimal("7")]


def test_amounts_needing_both_readings_stop_the_import(shop: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "invoices.csv",
                 'invoice_id,customer_id,issued_at,amount\n'
                 'I1,C1,2026-03-01,"1,234.50"\nI2,C1,2026-03-02,"7,5"\n')
    with pytest.raises(AmbiguousValues, match="mixes values"):
        shop.import_file("invoices", path)


def test_a_set_decimal_point_never_reads_a_decimal_comma_as_thousands(
        shop: Project, tmp_path: Path) -> None:
    shop.config.import_.decimal_comma = False
    shop.config.import_.max_rejected_share = 1.0  # mostly bad rows on purpose (refusal: test_every_problem)
    path = write(tmp_path / "invoices.csv",
                 "invoice_id;customer_id;issued_at;amount\nI1;C2;2026-03-01;7,5\n"
                 "I2;C2;2026-03-02;0,99\nI3;C2;2026-03-03;12.00\n")
    r = shop.import_file("invoices", path)
    assert (r.accepted, r.rejected) == (1, 2)  # not 75 and 99
    assert _amounts(shop) == [("I3", Decimal("12.00"), None)]


def _opened(project: Project) -> list[datetime]:
    return [r["opened_at"] for r in rows(project, "tickets", "ticket_id")]  # type: ignore[misc]


def test_us_dates_are_read_month_first_from_the_column(shop: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "tickets.csv",
                 "ticket_id,customer_id,opened_at\n"
                 "T1,C1,03/04/2026\nT2,C1,04/15/2026\nT3,C1,12/01/2026 14:30\n")
    r = shop.import_file("tickets", path)
    assert r.rejected == 0
    assert _opened(shop) == [datetime(2026, 3, 4), datetime(2026, 4, 15),
                             datetime(2026, 12, 1, 14, 30)]
    assert "opened_at: month first (from the values)" in r.readings


def test_european_dates_are_read_day_first(shop: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "tickets.csv",
                 "ticket_id,customer_id,opened_at\nT1,C1,03/04/2026\nT2,C1,15/04/2026\n")
    shop.import_file("tickets", path)
    assert _opened(shop) == [datetime(2026, 4, 3), datetime(2026, 4, 15)]


def test_dates_that_read_either_way_stop_the_import(shop: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "tickets.csv",
                 "ticket_id,customer_id,opened_at\nT1,C1,03/04/2026\nT2,C1,05/06/2026\n")
    with pytest.raises(AmbiguousValues) as err:
        shop.import_file("tickets", path)
    assert "column opened_at" in str(err.value) and "'03/04/2026'" in str(err.value)
    assert "date_order" in str(err.value)
    shop.config.import_.date_order = "mdy"
    shop.import_file("tickets", path)
    assert _opened(shop) == [datetime(2026, 3, 4), datetime(2026, 5, 6)]


def test_currency_in_the_cell_sets_the_row_currency(shop: Project, tmp_path: Path) -> None:
    path = write(tmp_path / "invoices.csv",
                 "invoice_id,customer_id,issued_at,amount,currency\n"
                 "I1,C1,2026-03-01,EUR 12,\n"
                 "I2,C1,2026-03-02,12 kr,SEK\n"
                 "I3,C1,2026-03-03,$5.00,CAD\n"
                 "I4,C1,2026-03-04,€5.00,USD\n"   # conflict
                 "I5,C1,2026-03-05,12 kr,\n"      # kr: SEK, NOK, DKK or ISK?
                 "I6,C1,2026-03-06,9.00 GBP,EUR\n")  # conflict
    r = shop.import_file("invoices", path)
    assert (r.rows_read, r.accepted, r.rejected) == (6, 3, 3)
    assert _amounts(shop) == [("I1", Decimal("12"), "EUR"), ("I2", Decimal("12"), "SEK"),
                              ("I3", Decimal("5.00"), "CAD")]
    assert r.quarantine_file
    with open(r.quarantine_file, newline="", encoding="utf-8") as f:
        bad = {b["_row"]: b for b in csv.DictReader(f)}
    assert "the row says USD" in bad["5"]["_reason"]
    assert "could be DKK, ISK, NOK, SEK" in bad["6"]["_reason"]
    assert "the row says EUR" in bad["7"]["_reason"]


def test_configured_symbol_means_one_currency(shop: Project, tmp_path: Path) -> None:
    shop.config.import_.currency_symbols["kr"] = "NOK"
    shop.import_file("invoices", write(tmp_path / "invoices.csv",
                                       "invoice_id,customer_id,issued_at,amount\n"
                                       "I1,C1,2026-03-01,\"249,00 kr\"\n"))
    assert _amounts(shop) == [("I1", Decimal("249.00"), "NOK")]


def test_table_without_currency_column_refuses_a_foreign_amount(shop: Project,
                                                                tmp_path: Path) -> None:
    r = shop.import_file("orders", write(tmp_path / "orders.csv",
                                         "order_id,customer_id,placed_at,amount\n"
                                         "O1,C1,2026-03-01,$24.00\nO2,C1,2026-03-01,€24.00\n"))
    assert (r.accepted, r.rejected) == (1, 1)  # the project currency is USD
