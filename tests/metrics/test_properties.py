"""Invariants of the scorecard and concentration on random providers (DuckDB, for speed)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import ibis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from goodfit.config import Config
from goodfit.metrics.concentration import concentration
from goodfit.metrics.scorecard import scorecard
from goodfit.metrics.support import ticket_rows
from goodfit.window import Window
from tests.metrics.builders import provider
from tests.metrics.conftest import load

WINDOW = Window(as_of=datetime(2025, 1, 1), since=datetime(2024, 1, 1),
                until=datetime(2025, 1, 1))
DAYS = [f"2024-{m:02d}-{d:02d}" for m in range(1, 13) for d in (1, 15)] + ["2023-12-01"]

ticket = st.tuples(st.integers(0, 5), st.sampled_from(DAYS),
                   st.sampled_from(["email", "chat", "phone", "fax", None]),
                   st.one_of(st.none(), st.floats(0, 300).map(lambda f: round(f, 1))),
                   st.integers(0, 3))
invoice = st.tuples(st.integers(0, 5), st.sampled_from(DAYS),
                    st.decimals(0, 1000, places=2),
                    st.sampled_from(["USD", "EUR", "GBP", None]),
                    st.sampled_from(["paid", "refunded", "unpaid"]))
settings_ = settings(max_examples=20, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])


def build(n: int, tickets: list, invoices: list):  # type: ignore[no-untyped-def]
    p = provider()
    for i in range(n):
        p.customer(f"c{i}")
    for c, day, channel, minutes, replies in tickets:
        p._customer = f"c{c % n}"
        p.ticket(day, channel=channel, staff_minutes=minutes, staff_replies=replies)
    for c, day, amount, currency, status in invoices:
        p._customer = f"c{c % n}"
        p.invoice(str(amount), day, currency=currency, status=status)
    return p


@settings_
@given(st.integers(1, 6), st.lists(ticket, max_size=25), st.lists(invoice, max_size=15))
def test_scorecard_invariants(n, tickets, invoices):  # type: ignore[no-untyped-def]
    con = ibis.duckdb.connect()
    tables = load(con, build(n, tickets, invoices))
    card = scorecard(tables, Config(), WINDOW)
    rows = card.to_pyarrow().to_pylist()
    assert len(rows) == n  # every customer, tickets or not
    for r in rows:
        assert r["profit"] == r["revenue"] - r["cost_to_serve"]
        parts = sum(r[c] for c in ("support_cost", "order_handling_cost", "custom_work_cost",
                                   "payment_friction_cost", "usage_cost", "direct_cost"))
        assert r["cost_to_serve"] == parts
    in_window = ticket_rows(tables, Config(), WINDOW).to_pyarrow()
    assert sum(r["tickets"] for r in rows) == in_window.num_rows
    assert sum(r["support_minutes"] for r in rows) == pytest.approx(
        sum(in_window["minutes"].to_pylist()))
    assert sum(r["support_cost"] for r in rows) == sum(in_window["cost"].to_pylist(),
                                                       Decimal(0))
    if in_window.num_rows:
        assert sum(r["ticket_share"] for r in rows) == pytest.approx(1.0)
    c = concentration(card, "minutes")
    assert 0.0 <= c.gini <= 1.0
    assert c.customers == n
    assert [t.customers for t in c.top] == sorted(t.customers for t in c.top)
    con.disconnect()


@settings_
@given(st.integers(1, 8), st.integers(0, 4))
def test_equal_loads_have_gini_zero(n, k):  # type: ignore[no-untyped-def]
    con = ibis.duckdb.connect()
    p = provider()
    for i in range(n):
        p.customer(f"c{i}")
        for _ in range(k):
            p.ticket("2024-05-01", staff_minutes=10)
    c = concentration(scorecard(load(con, p), Config(), WINDOW), "tickets")
    assert c.gini == pytest.approx(0.0, abs=1e-12)
    con.disconnect()
