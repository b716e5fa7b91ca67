"""State migration 0008: the customers table's sort and filter fields as indexed columns.

Rows stored before it are filled from their scorecard JSON; country was never stored
before, so the country filter refuses on such a snapshot instead of finding nobody.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from goodfit.errors import CountryNotStored
from goodfit.scoring import browse
from goodfit.scoring.browse import CustomerQuery
from goodfit.state.db import StateDB

TS = "2026-01-30 09:00:00"


@pytest.fixture(params=["sqlite", "postgres"])
def old_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateDB]:
    """A state DB at 0006 holding one snapshot of three customers, as goodfit wrote it."""
    url = (f"sqlite:///{tmp_path / 'state.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    db = StateDB.open(url, migrate=False)
    db.upgrade("0006_web_user_passwords")
    cards = {
        "A": {"plan": "vps-1", "revenue": "1200.5000", "cost_to_serve": "200.0000",
              "profit": "1000.5000", "margin": 0.8334, "tickets": 3,
              "support_minutes": 45.0},
        "B": {"plan": "web-1", "revenue": "0.0000", "cost_to_serve": "80.2500",
              "profit": "-80.2500", "margin": None, "tickets": 9},
        "C": {"plan": None, "revenue": "", "profit": "10"},
    }
    with db.engine.begin() as con:
        con.execute(text(
            "INSERT INTO score_snapshots (id, created_at, label, config_hash, as_of, since, "
            "until, customers, segments) VALUES (1, :t, 'old', 'h', :t, :t, :t, 3, '{}')"),
            {"t": TS})
        for cid, card in cards.items():
            con.execute(text(
                "INSERT INTO snapshot_customers (snapshot_id, customer_id, name, score, "
                "segment, reason, components, scorecard) VALUES (1, :c, :n, 50, 'healthy', "
                "'r', '{}', :card)"), {"c": cid, "n": f"Org {cid}", "card": json.dumps(card)})
    db.upgrade()
    yield db
    db.close()


def test_old_rows_get_their_columns_from_the_scorecard(old_db: StateDB) -> None:
    with old_db.engine.begin() as con:
        rows = {r[0]: r[1:] for r in con.execute(text(
            "SELECT customer_id, plan, revenue, cost_to_serve, profit, margin, tickets, "
            "support_minutes, country FROM snapshot_customers ORDER BY customer_id"))}
        stored = con.execute(text("SELECT country_stored FROM score_snapshots")).scalar_one()
    assert rows["A"] == ("vps-1", 1200.5, 200.0, 1000.5, 0.8334, 3.0, 45.0, None)
    assert rows["B"] == ("web-1", 0.0, 80.25, -80.25, None, 9.0, None, None)
    assert rows["C"] == (None, None, None, 10.0, None, None, None, None)  # '' is unknown
    assert not stored


def test_sorting_and_filtering_read_the_columns(old_db: StateDB) -> None:
    by_profit = browse.customers(old_db, 1, CustomerQuery(sort="profit", descending=True))
    assert [r["customer_id"] for r in by_profit.rows] == ["A", "C", "B"]
    assert by_profit.rows[0]["revenue"] == "1200.5000"  # shown exactly, from the JSON
    rich = browse.customers(old_db, 1, CustomerQuery(min_revenue=100))
    assert [r["customer_id"] for r in rich.rows] == ["A"] and rich.total == 1
    web = browse.customers(old_db, 1, CustomerQuery(plan="web-1"))
    assert [r["customer_id"] for r in web.rows] == ["B"]
    # margin unknown for B and C: last whichever way it is sorted
    assert [r["customer_id"] for r in browse.customers(
        old_db, 1, CustomerQuery(sort="margin")).rows][0] == "A"


def test_country_filter_refuses_on_a_snapshot_without_countries(old_db: StateDB) -> None:
    with pytest.raises(CountryNotStored, match="goodfit score"):
        browse.customers(old_db, 1, CustomerQuery(country="DE"))
