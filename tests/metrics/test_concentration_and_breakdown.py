"""Concentration and the one-customer breakdown on the hand-worked provider, every backend."""

from __future__ import annotations

from decimal import Decimal

import pytest

from goodfit.metrics.breakdown import CustomerBreakdown
from goodfit.metrics.concentration import concentration
from goodfit.metrics.scorecard import scorecard
from tests.metrics.conftest import load
from tests.metrics.test_scorecard_by_hand import WINDOW, config, small_provider

REVENUE = 130 + 7.70 + 120 + 0  # acme, beta, calm, drain


@pytest.fixture
def tables(con):  # type: ignore[no-untyped-def]
    return load(con, small_provider())


def test_ticket_concentration_by_hand(tables):  # type: ignore[no-untyped-def]
    c = concentration(scorecard(tables, config(), WINDOW), "tickets")
    # loads: acme 3, beta 1, drain 1, calm 0 (zero-ticket customers count): n = 4, total 5
    assert (c.customers, c.total_load) == (4, 5.0)
    # ascending 0, 1, 1, 3: 2·(0·1 + 1·2 + 1·3 + 3·4)/(4·5) − 5/4 = 1.7 − 1.25
    assert c.gini == pytest.approx(0.45)
    assert [t.customers for t in c.top] == [1, 2, 3]
    assert [t.revenue_share for t in c.top] == pytest.approx(
        [130 / REVENUE, 137.70 / REVENUE, 137.70 / REVENUE])
    assert c.top[0].customer_share == 0.25
    # gaps: 3/5 − 1/4 = .35, 4/5 − 2/4 = .30, 5/5 − 3/4 = .25 → the knee is acme alone
    assert (c.knee.customers, c.knee.load_share) == (1, pytest.approx(0.6))
    flat = [v for point in c.lorenz for v in point]
    assert flat == pytest.approx([0, 0, 0.25, 0, 0.5, 0.2, 0.75, 0.4, 1, 1])
    assert [row["customer_id"] for row in c.leaders] == ["acme", "beta", "drain", "calm"]


def test_cost_concentration_by_hand(tables):  # type: ignore[no-untyped-def]
    c = concentration(scorecard(tables, config(), WINDOW), "cost")
    # acme 215.34, beta 60.75, drain 36.00, calm 0 = 312.09
    assert c.total_load == pytest.approx(312.09)
    # 50% = 156.05: acme; 80% = 249.67: + beta (215.34 before it); 90% = 280.88: + drain
    assert [t.customers for t in c.top] == [1, 2, 3]


def test_breakdown_names_the_rows_behind_each_figure(tables):  # type: ignore[no-untyped-def]
    b = CustomerBreakdown.collect(tables, config(), WINDOW, "acme")
    assert b.summary["profit"] == Decimal("-85.34")
    tickets = b.tickets.to_pylist()
    assert len(tickets) == 3  # the 2023 ticket is outside the window
    assert [t["minutes"] for t in tickets] == [30.0, 18.0, 0.0]
    assert [t["estimated"] for t in tickets] == [False, True, True]
    assert [t["cost"] for t in tickets] == [Decimal("45"), Decimal("27"), Decimal("0")]
    invoices = {i["invoice_id"]: i for i in b.invoices.to_pylist()}
    assert len(invoices) == 2
    assert invoices["I-refund"]["deducted"] == Decimal("20")
    assert invoices["I-refund"]["net"] == Decimal("30")
    assert [p["outcome"] for p in b.payments.to_pylist()] == ["failed"]
    assert [u["cost"] for u in b.usage.to_pylist()] == [Decimal("5"), Decimal("5")]
    assert [o["handling_cost"] for o in b.orders.to_pylist()] == [
        Decimal("22.5"), Decimal("0"), Decimal("6"), Decimal("0")]
    monthly = {m["month"].strftime("%Y-%m"): m for m in b.monthly.to_pylist()}
    # February: 100 revenue; T1 45.00; email order 22.50 + failed payment 2.50 = 25.00
    assert monthly["2024-02"]["revenue"] == Decimal("100")
    assert monthly["2024-02"]["support_cost"] == Decimal("45")
    assert monthly["2024-02"]["other_cost"] == Decimal("25")
    assert monthly["2024-02"]["profit"] == Decimal("30")
    # March: 50 − 20 refunded; T2 27.00; custom order 90.00 → −87.00
    assert monthly["2024-03"]["profit"] == Decimal("-87")
    assert sum(m["profit"] for m in monthly.values()) == Decimal("-85.34")


def test_breakdown_of_charged_back_customer(tables):  # type: ignore[no-untyped-def]
    b = CustomerBreakdown.collect(tables, config(), WINDOW, "beta")
    invoices = {i["invoice_id"]: i for i in b.invoices.to_pylist()}
    assert invoices["I-cb"]["gross"] == Decimal("216")  # 200 EUR × 1.08
    assert invoices["I-cb"]["deducted"] == Decimal("216")
    assert invoices["I-cb"]["chargebacks"] == 1
    assert [r["net"] for r in b.returns.to_pylist()] == [Decimal("-5")]
    assert sorted(p["fee"] for p in b.payments.to_pylist()) == [Decimal("15"), Decimal("15")]
