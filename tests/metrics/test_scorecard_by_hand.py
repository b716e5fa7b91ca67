"""Every figure of a small provider's scorecard, worked out by hand, on every backend.

Window: 2024-01-01 ≤ t < 2025-01-01, as of 2025-01-01. Staff time costs 90/h = 1.50/min.
EUR = 1.08 USD, GBP = 1.27 USD (project currency USD).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from goodfit.config import Config
from goodfit.metrics.scorecard import scorecard
from goodfit.window import Window
from tests.metrics.builders import provider
from tests.metrics.conftest import load

WINDOW = Window(as_of=datetime(2025, 1, 1), since=datetime(2024, 1, 1),
                until=datetime(2025, 1, 1))
MONTH = 365.25 / 12  # days


def config() -> Config:
    cfg = Config()
    cfg.costs.staff_hourly_rate = Decimal("90")
    return cfg


def small_provider():  # type: ignore[no-untyped-def]
    p = provider()
    # acme (USD): refunds recorded twice, an invoice outside the window, logged and
    # estimated minutes, a ticket outside the window, manual/custom orders, usage, costs.
    (p.customer("acme", signup_at="2023-01-15", plan="vps-2")
     .invoice("100.00", "2024-02-01")
     .invoice("50.00", "2024-03-01", invoice_id="I-refund", refunded_amount="20.00",
              status="refunded")
     .payment("20.00", "2024-03-05", outcome="refunded", invoice_id="I-refund")
     .invoice("30.00", "2023-12-15")  # paid before the window
     .invoice("40.00", "2024-04-01", status="unpaid")
     .ticket("2024-02-10", channel="email", staff_minutes=30)
     .ticket("2024-03-05", channel="chat", staff_replies=3, customer_replies=2)
     .ticket("2023-12-20", channel="email", staff_minutes=100)  # outside the window
     .ticket("2024-06-01", channel="email")  # no minutes, no replies: 0, estimated
     .order("2024-02-01", channel="email")
     .order("2024-03-01", channel="self_service", custom=True)
     .order("2024-04-01", channel="phone", handling_minutes=4)
     .order("2024-05-01", channel="self_service")
     .payment("10.00", "2024-02-01", outcome="failed")
     .usage("2024-05-01", "egress_gb", 1500, allowance=1000)
     .usage("2024-05-01", "storage_gb", 10, unit_cost="0.5")
     .cost("12.34", "2024-06-30", category="licence"))
    # beta (EUR): a charged-back invoice, a GBP invoice, a refund with no invoice, a dispute.
    (p.customer("beta", signup_at="2024-07-01", currency="EUR")
     .invoice("200.00", "2024-08-01", invoice_id="I-cb", currency="EUR")
     .payment("200.00", "2024-09-01", outcome="chargeback", invoice_id="I-cb", currency="EUR")
     .invoice("10.00", "2024-10-01", currency="GBP")
     .payment("5.00", "2024-11-01", outcome="refunded")
     .payment("15.00", "2024-11-15", outcome="dispute")
     .ticket("2024-09-10", channel="web", staff_minutes=20.5))
    # calm: pays, never asks.
    p.customer("calm", signup_at="2022-06-10").invoice("120.00", "2024-05-01")
    # drain: no revenue, cancelled mid-window, estimated phone ticket (a reply after as_of).
    (p.customer("drain", signup_at="2023-06-01", status="cancelled",
                cancelled_at="2024-07-01")
     .ticket("2024-04-01", channel="phone", staff_replies=2)
     .message("staff", "2025-02-01"))
    return p


@pytest.fixture
def card(con):  # type: ignore[no-untyped-def]
    tables = load(con, small_provider())
    rows = scorecard(tables, config(), WINDOW).to_pyarrow().to_pylist()
    return {r["customer_id"]: r for r in rows}


def cents(value: str) -> Decimal:
    return Decimal(value)


def test_every_customer_has_a_row_zero_tickets_included(card):  # type: ignore[no-untyped-def]
    assert sorted(card) == ["acme", "beta", "calm", "drain"]
    assert card["calm"]["tickets"] == 0 and card["calm"]["support_minutes"] == 0


def test_revenue_counts_each_refund_once_and_converts_currency(card):  # type: ignore[no-untyped-def]
    # acme: 100 + (50 − 20: refunded_amount and the refund payment are the same 20) = 130
    assert card["acme"]["revenue"] == cents("130.00")
    # beta: 200 EUR charged back (0) + 10 GBP × 1.27 = 12.70, − 5.00 unlinked refund = 7.70
    assert card["beta"]["revenue"] == cents("7.70")
    assert card["calm"]["revenue"] == cents("120.00")
    assert card["drain"]["revenue"] == cents("0")


def test_support_minutes_logged_or_estimated(card):  # type: ignore[no-untyped-def]
    # acme: 30 logged + 3 chat replies × 6 = 18 estimated + 0 → 48; ticket of 2023 excluded
    assert card["acme"]["support_minutes"] == 48.0
    assert card["acme"]["tickets"] == 3
    assert card["acme"]["minutes_estimated"] is True
    assert card["beta"]["support_minutes"] == 20.5
    assert card["beta"]["minutes_estimated"] is False
    # drain: 2 phone replies × 12 (the reply after as_of does not count)
    assert card["drain"]["support_minutes"] == 24.0
    assert card["drain"]["minutes_estimated"] is True
    assert card["calm"]["minutes_estimated"] is False


def test_costs_by_hand(card):  # type: ignore[no-untyped-def]
    acme = card["acme"]
    assert acme["support_cost"] == cents("72.00")  # 30 × 1.5 + 18 × 1.5 + 0
    assert acme["order_handling_cost"] == cents("28.50")  # email 15 min + phone 4 min logged
    assert acme["custom_work_cost"] == cents("90.00")  # 60 min
    assert acme["payment_friction_cost"] == cents("2.50")  # one failed payment
    assert acme["usage_cost"] == cents("10.00")  # 500 GB × 0.01 + 10 GB × 0.50 (row's own)
    assert acme["direct_cost"] == cents("12.34")
    assert acme["cost_to_serve"] == cents("215.34")
    assert acme["profit"] == cents("-85.34")
    beta = card["beta"]
    assert beta["support_cost"] == cents("30.75")  # 20.5 × 1.5
    assert beta["payment_friction_cost"] == cents("30.00")  # chargeback 15 + dispute 15
    assert beta["cost_to_serve"] == cents("60.75")
    assert beta["profit"] == cents("-53.05")
    assert card["calm"]["cost_to_serve"] == cents("0")
    assert card["calm"]["profit"] == cents("120.00")
    assert card["drain"]["support_cost"] == cents("36.00")
    assert card["drain"]["profit"] == cents("-36.00")


def test_ratios_are_null_without_revenue(card):  # type: ignore[no-untyped-def]
    assert card["acme"]["margin"] == pytest.approx(-85.34 / 130)
    assert card["acme"]["support_cost_per_dollar"] == pytest.approx(72 / 130)
    assert card["calm"]["margin"] == pytest.approx(1.0)
    assert card["calm"]["support_cost_per_dollar"] == 0.0
    assert card["drain"]["margin"] is None
    assert card["drain"]["support_cost_per_dollar"] is None
    # the other ratio is every part of the cost: acme 215.34 to serve on 130.00 of revenue
    assert card["acme"]["cost_per_dollar"] == pytest.approx(215.34 / 130)
    assert card["calm"]["cost_per_dollar"] == 0.0
    assert card["drain"]["cost_per_dollar"] is None


def test_tenure_and_months_in_window(card):  # type: ignore[no-untyped-def]
    assert card["acme"]["tenure_months"] == 23  # 2023-01-15 → 2025-01-01
    assert card["beta"]["tenure_months"] == 6
    assert card["calm"]["tenure_months"] == 30  # 2022-06-10 → 2025-01-01
    assert card["acme"]["months_in_window"] == pytest.approx(366 / MONTH, abs=1e-4)
    assert card["beta"]["months_in_window"] == pytest.approx(184 / MONTH, abs=1e-4)
    assert card["drain"]["months_in_window"] == pytest.approx(182 / MONTH, abs=1e-4)
    assert card["acme"]["tickets_per_month"] == pytest.approx(3 / (366 / MONTH), abs=1e-4)


def test_shares_of_the_whole(card):  # type: ignore[no-untyped-def]
    # 5 tickets: acme 3, beta 1, drain 1; minutes 48 + 20.5 + 24 = 92.5
    assert [card[c]["ticket_share"] for c in ("acme", "beta", "calm", "drain")] == \
        pytest.approx([0.6, 0.2, 0.0, 0.2])
    assert card["beta"]["minutes_share"] == pytest.approx(20.5 / 92.5)
    total_cost = 215.34 + 60.75 + 0 + 36.00
    assert card["drain"]["cost_share"] == pytest.approx(36.00 / total_cost)
    assert card["calm"]["revenue_share"] == pytest.approx(120 / 257.70)


def test_one_customer_row_is_its_row_of_the_whole(con, card):  # type: ignore[no-untyped-def]
    """``scorecard(…, customer_id)`` picks each part for that customer first: the same row
    as in the whole scorecard, except the shares of the population, which it cannot know."""
    tables = load(con, small_provider())
    shares = ("ticket_share", "minutes_share", "cost_share", "revenue_share")
    for cid in ("acme", "beta", "calm", "drain"):
        (one,) = scorecard(tables, config(), WINDOW, cid).to_pyarrow().to_pylist()
        assert {k: v for k, v in one.items() if k not in shares} == \
            {k: v for k, v in card[cid].items() if k not in shares}
        assert all(one[s] is None for s in shares)
    assert scorecard(tables, config(), WINDOW, "nobody").to_pyarrow().num_rows == 0
