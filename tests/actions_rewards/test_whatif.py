"""Fee and price what-ifs on hand-built scorecards; figures worked out in each test."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import ibis
import pyarrow as pa
import pytest

from goodfit.actions.whatif import Assumptions, PriceChange, parse_fee, parse_price, whatif
from goodfit.errors import WhatifError
from goodfit.project import Project

SINCE, UNTIL = datetime(2024, 1, 1), datetime(2025, 1, 1)
MONTH = timedelta(seconds=2629746)  # 365.2425 / 12 days
FEES = {"manual_order": Decimal("7"), "support_hour": Decimal("100"),
        "custom_setup": Decimal("50")}
M = pa.decimal128(18, 4)


def scorecard(*rows: tuple[str, str, float, float, float, float, float, float]) -> ibis.Table:
    """(id, plan, revenue, support_minutes, support_cost, order_handling, custom, cost)."""
    cols = list(zip(*rows, strict=True))
    return ibis.memtable(pa.table({
        "customer_id": list(cols[0]), "name": [f"{c} Ltd" for c in cols[0]],
        "plan": list(cols[1]),
        "revenue": pa.array([Decimal(str(x)) for x in cols[2]], M),
        "support_minutes": list(cols[3]), "months_in_window": [12.0] * len(rows),
        "usage_cost": pa.array([Decimal(0)] * len(rows), M),
        "direct_cost": pa.array([Decimal(0)] * len(rows), M),
        "support_cost": pa.array([Decimal(str(x)) for x in cols[4]], M),
        "order_handling_cost": pa.array([Decimal(str(x)) for x in cols[5]], M),
        "custom_work_cost": pa.array([Decimal(str(x)) for x in cols[6]], M),
        "cost_to_serve": pa.array([Decimal(str(x)) for x in cols[7]], M),
        "profit": pa.array([Decimal(str(r - c)) for r, c in zip(cols[2], cols[7],
                                                                  strict=True)], M)}))


def orders(*rows: tuple[str, str, str, bool]) -> ibis.Table:
    """(customer_id, placed_at, channel, custom)."""
    return ibis.memtable(pa.table({
        "order_id": [f"O-{i}" for i in range(len(rows))],
        "customer_id": [r[0] for r in rows],
        "placed_at": pa.array([datetime.fromisoformat(r[1]) for r in rows], pa.timestamp("us")),
        "channel": [r[2] for r in rows], "custom": [r[3] for r in rows]}))


def services(*rows: tuple[str, str, str, datetime, datetime | None]) -> ibis.Table:
    """(customer_id, plan, price_monthly, started_at, ended_at)."""
    return ibis.memtable(pa.table({
        "service_id": [f"S-{i}" for i in range(len(rows))],
        "customer_id": [r[0] for r in rows], "plan": [r[1] for r in rows],
        "price_monthly": pa.array([Decimal(r[2]) for r in rows], M),
        "started_at": pa.array([r[3] for r in rows], pa.timestamp("us")),
        "ended_at": pa.array([r[4] for r in rows], pa.timestamp("us"))}))


CARD = scorecard(
    # A: 100 revenue, 2 support hours (120 cost) + 15 order handling = 150 cost, −50 profit
    ("C-A", "web-1", 100, 120, 120, 15, 0, 150),
    # B: 300 revenue, 50 cost, one custom setup
    ("C-B", "vps-2", 300, 0, 0, 0, 50, 50),
    # C: 50 revenue, half an hour of support, 80 cost, −30 profit
    ("C-C", "web-1", 50, 30, 30, 0, 0, 80),
)
ORDERS = orders(("C-A", "2024-02-01 10:00:00", "email", False),
                ("C-A", "2024-03-01 10:00:00", "phone", False),
                ("C-A", "2024-04-01 10:00:00", "self_service", False),
                ("C-A", "2023-04-01 10:00:00", "email", False),  # before the window
                ("C-B", "2024-05-01 10:00:00", "self_service", True))
NO_SERVICES = services(("C-X", "none", "0", SINCE, None))


def run(fees: dict[str, Decimal] = FEES, prices: tuple[PriceChange, ...] = (),
        a: Assumptions = Assumptions(), svc: ibis.Table = NO_SERVICES,
        card: ibis.Table = CARD):
    # no support hours included: every hour is charged, as worked out below
    return whatif(card, ORDERS, svc, fees, prices, a, since=SINCE, until=UNTIL,
                  included_support_hours_per_month=0)


def test_fees_per_customer_and_who_becomes_profitable() -> None:
    r = run()
    by = {c.customer_id: c for c in r.customers}
    # A: 2 manual orders × 7 = 14; 2 h × 100 = 200 → 314 revenue, 164 profit
    assert by["C-A"].fee_income == {"manual_order": Decimal("14.00"),
                                    "support_hour": Decimal("200.00"),
                                    "custom_setup": Decimal("0.00")}
    assert (by["C-A"].new_revenue, by["C-A"].new_profit) == (Decimal("314.00"), Decimal("164.00"))
    assert by["C-A"].crosses == "to_profitable"
    # B: one custom setup × 50 → 350 revenue, 300 profit; already profitable
    assert (by["C-B"].new_revenue, by["C-B"].new_profit, by["C-B"].crosses) == (
        Decimal("350.00"), Decimal("300.00"), "")
    # C: 0.5 h × 100 = 50 → 100 revenue, 20 profit
    assert (by["C-C"].new_profit, by["C-C"].crosses) == (Decimal("20.00"), "to_profitable")
    t = r.totals
    assert (t.revenue, t.new_revenue, t.profit, t.new_profit) == (
        Decimal("450.00"), Decimal("764.00"), Decimal("170.00"), Decimal("484.00"))
    assert (t.to_profitable, t.to_unprofitable, t.unprofitable_before,
            t.unprofitable_after) == (2, 0, 2, 0)


def test_behaviour_change_scales_fees_and_saves_cost() -> None:
    r = run(a=Assumptions(behaviour_change=0.5))
    a = {c.customer_id: c for c in r.customers}["C-A"]
    # half the behaviour stops: 7 × 2 × 0.5 = 7; 100 × 2 × 0.5 = 100;
    # saved 0.5 × (15 order handling + 120 support) = 67.50
    assert a.fee_income["manual_order"] == Decimal("7.00")
    assert a.fee_income["support_hour"] == Decimal("100.00")
    assert a.cost_saved == Decimal("67.50")
    assert (a.new_revenue, a.new_cost, a.new_profit) == (
        Decimal("207.00"), Decimal("82.50"), Decimal("124.50"))
    assert "50% of manual orders" in r.assumption_text


def test_churn_lowers_the_expected_totals_and_is_stated() -> None:
    r = run(a=Assumptions(churn=0.2))
    # all three pay more: expected = 0.8 × 764 and 0.8 × 484
    assert r.totals.expected_revenue == Decimal("611.20")
    assert r.totals.expected_profit == Decimal("387.20")
    assert r.totals.new_profit == Decimal("484.00")  # per customer: they stay
    assert "churn 20%" in r.assumption_text and "leave" in r.assumption_text
    assert "nobody leaves" in run().assumption_text


def test_only_the_fees_asked_for_apply() -> None:
    r = run(fees={"manual_order": Decimal("7")})
    assert r.totals.new_revenue == Decimal("464.00")  # 450 + 14


def test_a_price_change_counts_the_months_a_service_ran() -> None:
    svc = services(("C-B", "vps-2", "100", SINCE, SINCE + 2 * MONTH),  # exactly 2 months
                   ("C-A", "web-1", "10", SINCE - 12 * MONTH, None))  # the whole window
    r = run(fees={}, prices=(parse_price("vps-2=+10%"),), svc=svc)
    b = {c.customer_id: c for c in r.customers}["C-B"]
    assert b.price_income == Decimal("20.00")  # 100 × 10 % × 2 months
    assert {c.customer_id: c for c in r.customers}["C-A"].price_income == Decimal("0.00")


def test_a_price_cut_can_make_a_customer_unprofitable() -> None:
    card = scorecard(("C-D", "vps-2", 100, 0, 0, 0, 0, 90))
    svc = services(("C-D", "vps-2", "100", SINCE, SINCE + 2 * MONTH))
    r = run(fees={}, prices=(PriceChange("vps-2", amount=Decimal("-50")),), svc=svc, card=card)
    d = r.customers[0]
    assert (d.price_income, d.new_profit, d.crosses) == (
        Decimal("-100.00"), Decimal("-90.00"), "to_unprofitable")
    assert r.totals.to_unprofitable == 1
    assert not d.pays_more


def test_parsing_fees_and_prices() -> None:
    assert parse_fee("manual_order=7") == ("manual_order", Decimal("7"))
    assert parse_price("vps-2=+10%") == PriceChange("vps-2", percent=Decimal("10"))
    assert parse_price("web 1 = -2.50") == PriceChange("web 1", amount=Decimal("-2.50"))
    with pytest.raises(WhatifError, match="did you mean 'manual_order'"):
        parse_fee("manual_ordr=7")
    with pytest.raises(WhatifError, match="PLAN=\\+10%"):
        parse_price("vps-2=10%")
    with pytest.raises(WhatifError, match="between 0 and 1"):
        Assumptions(churn=1.5)


def _fingerprint(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_whatif_changes_no_data(world: Project) -> None:
    world.state  # noqa: B018 - create the state DB so there is a file to compare
    root = world.root
    world.close()
    before = _fingerprint(root)
    assert any(k.endswith(".duckdb") for k in before) and "state.db" in before
    with Project.open(root) as p:
        r = p.whatif(prices=[parse_price("vps-2=+10%")], churn=0.1, behaviour_change=0.3)
        assert r.totals.customers == 10
    from typer.testing import CliRunner

    from goodfit.cli import app

    out = CliRunner().invoke(app, ["whatif", "-p", str(root), "--price", "vps-2=+10%",
                                   "--churn", "0.1", "--behaviour-change", "0.3", "--json"])
    assert out.exit_code == 0, out.output
    assert _fingerprint(root) == before
