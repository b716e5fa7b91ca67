"""The warehouse's plain-SQL reads (what ``status`` and ``explain`` use instead of Ibis) give
what the Ibis tables give, on DuckDB and on a real PostgreSQL, and data never becomes SQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from goodfit.warehouse import Warehouse

TRICKY = ["T-1", "T-'2", 'T-"3', "T-4'); DROP TABLE tickets; --", "T-\\5"]


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Warehouse]:
    if request.param == "duckdb":
        url = f"duckdb:///{tmp_path / 'w.duckdb'}"
    else:
        url = request.getfixturevalue("postgres_url")
    wh = Warehouse.connect(url, tmp_path)
    wh.execute("INSERT INTO customers (customer_id, signup_at) VALUES "
               "('C-1', TIMESTAMP '2024-01-01 00:00:00')")
    for i, tid in enumerate(TRICKY):
        # ids bound as parameters here, so the test data itself is not SQL built from text
        wh.execute("INSERT INTO tickets (ticket_id, customer_id, opened_at, subject) "
                   f"VALUES ({'?, ?, ?, ?' if wh.backend == 'duckdb' else '%s, %s, %s, %s'})",
                   (tid, "C-1", datetime(2024, 2, 1 + i, 9), f"subject {i}"))
    yield wh
    wh.close()


def test_lookup_finds_exactly_the_ids_asked_for(warehouse: Warehouse) -> None:
    rows = warehouse.lookup("tickets", "ticket_id", [TRICKY[1], TRICKY[3], "T-404"],
                            ["subject", "opened_at"])
    assert sorted((r["ticket_id"], r["subject"]) for r in rows) == sorted(
        [(TRICKY[1], "subject 1"), (TRICKY[3], "subject 3")])
    assert warehouse.row_count("tickets") == 5  # nothing was dropped
    assert warehouse.lookup("tickets", "ticket_id", [], ["subject"]) == []
    with pytest.raises(KeyError):  # only canonical columns, never a name from input
        warehouse.lookup("tickets", "ticket_id", ["T-1"], ["subject; DROP TABLE tickets"])


def test_summary_matches_the_ibis_tables(warehouse: Warehouse) -> None:
    summary = {r["table"]: r for r in warehouse.summary()}
    t = warehouse.table("tickets")
    assert summary["tickets"]["rows"] == int(t.count().execute()) == 5
    assert summary["tickets"]["start"] == datetime(2024, 2, 1, 9)
    assert summary["tickets"]["end"] == datetime(2024, 2, 5, 9)
    assert summary["contacts"] == {"table": "contacts", "rows": 0, "start": None, "end": None}


def test_shape_changes_with_the_data(warehouse: Warehouse) -> None:
    before = warehouse.shape()
    assert warehouse.shape() == before  # a digest of the data, not of the moment
    warehouse.execute("UPDATE tickets SET subject = NULL WHERE ticket_id = 'T-1'")
    assert warehouse.shape() != before  # a cleared column counts


def test_duckdb_draws_no_progress_bar_of_its_own(tmp_path: Path) -> None:
    """A query over two seconds would make DuckDB draw a bar on stdout, inside what
    ``--json`` prints; the warehouse connection (and the Ibis one on top of it) turns it
    off."""
    wh = Warehouse.connect(f"duckdb:///{tmp_path / 'w.duckdb'}", tmp_path)
    try:
        assert wh.query("SELECT current_setting('enable_progress_bar') AS bar") == [{"bar": False}]
        ibis_side = wh.con.raw_sql("SELECT current_setting('enable_progress_bar')").fetchall()
        assert ibis_side == [(False,)]
    finally:
        wh.close()


def test_every_duckdb_connection_goodfit_opens_is_set_up_alike() -> None:
    """The importer's scratch engine for PostgreSQL and the connectors' staging opened
    DuckDB themselves and missed the warehouse's settings (UTC, no progress bar). Every
    connection now comes from ``duck_connect``; a new ``duckdb.connect(`` elsewhere in the
    package would drift again."""
    from goodfit.warehouse import duck_connect

    con = duck_connect()
    try:
        assert con.execute("SELECT current_setting('TimeZone'), "
                           "current_setting('enable_progress_bar')").fetchall() == [("UTC", False)]
    finally:
        con.close()
    package = Path(__file__).resolve().parents[1] / "src" / "goodfit"
    opened_elsewhere = [str(p.relative_to(package)) for p in package.rglob("*.py")
                        if "duckdb.connect(" in p.read_text(encoding="utf-8")
                        and p.name != "warehouse.py"]
    assert opened_elsewhere == []
