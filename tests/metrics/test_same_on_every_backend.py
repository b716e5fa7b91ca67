"""Same inputs, same outputs: a busier provider's scorecard, breakdown and concentration on
PostgreSQL and Spark equal DuckDB's, column by column."""

from __future__ import annotations

import random
from decimal import Decimal

import ibis
import pytest

from goodfit.config import Config
from goodfit.metrics.breakdown import monthly_trend
from goodfit.metrics.concentration import concentration
from goodfit.metrics.scorecard import scorecard
from tests.metrics.builders import Provider, provider
from tests.metrics.conftest import load
from tests.metrics.test_scorecard_by_hand import WINDOW


def busy_provider(seed: int = 7) -> Provider:
    rnd = random.Random(seed)
    p = provider()
    channels = ["email", "web", "chat", "phone", "api", None]
    for c in range(12):
        p.customer(f"c{c:02d}", signup_at=f"20{rnd.choice([22, 23, 24])}-0{rnd.randint(1, 9)}-1{c % 9}",
                   currency=rnd.choice(["USD", "EUR", None]))
        for _ in range(rnd.randint(0, 15)):
            day = f"202{rnd.choice([3, 4, 4, 4])}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
            p.ticket(day, channel=rnd.choice(channels), staff_replies=rnd.randint(0, 4),
                     staff_minutes=rnd.choice([None, round(rnd.uniform(1, 90), 1)]))
        for m in range(1, 13):
            if rnd.random() < 0.7:
                p.invoice(f"{rnd.randint(5, 300)}.{rnd.randint(0, 99):02d}", f"2024-{m:02d}-03",
                          currency=rnd.choice(["USD", "EUR", "GBP"]),
                          status=rnd.choice(["paid", "paid", "refunded", "unpaid"]),
                          refunded_amount=rnd.choice([None, "1.25"]))
        if rnd.random() < 0.4:
            p.payment("9.99", "2024-06-01", outcome=rnd.choice(["failed", "chargeback", "dispute"]))
            p.order("2024-06-02", channel=rnd.choice(["email", "self_service"]),
                    custom=rnd.random() < 0.5)
            p.usage("2024-06-01", "egress_gb", rnd.uniform(0, 2000), allowance=1000)
            p.cost("3.30", "2024-07-01", currency="EUR")
    return p


def rows(table: ibis.Table, key: list[str]) -> list[dict[str, object]]:
    data = table.to_pyarrow().to_pylist()
    return sorted(data, key=lambda r: [str(r[k]) for k in key])


def assert_same(got: list[dict[str, object]], want: list[dict[str, object]]) -> None:
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.keys() == w.keys()
        for col in w:
            if isinstance(w[col], float):
                assert g[col] == pytest.approx(w[col], rel=1e-9, abs=1e-12), col
            else:
                assert g[col] == w[col], col


@pytest.fixture(scope="module")
def duck_results():  # type: ignore[no-untyped-def]
    tables = load(ibis.duckdb.connect(), busy_provider())
    card = scorecard(tables, Config(), WINDOW)
    return (rows(card, ["customer_id"]),
            rows(monthly_trend(tables, Config(), WINDOW), ["customer_id", "month"]),
            concentration(card, "minutes"))


def test_same_scorecard_trend_and_concentration(con, duck_results):  # type: ignore[no-untyped-def]
    tables = load(con, busy_provider())
    card = scorecard(tables, Config(), WINDOW)
    want_card, want_trend, want_conc = duck_results
    assert_same(rows(card, ["customer_id"]), want_card)
    assert_same(rows(monthly_trend(tables, Config(), WINDOW), ["customer_id", "month"]),
                want_trend)
    got = concentration(card, "minutes")
    assert got.gini == pytest.approx(want_conc.gini)
    assert got.top == want_conc.top and got.knee == want_conc.knee
    assert [v for p in got.lorenz for v in p] == pytest.approx(
        [v for p in want_conc.lorenz for v in p])


def service_provider() -> Provider:
    """Five tickets in 2024 (one more in 2023, outside the window), worked by hand below."""
    p = provider().customer("sla")
    p.ticket("2023-06-01 10:00", priority="urgent", first_response_at="2023-06-09 10:00",
             closed_at="2023-07-01 10:00", satisfaction=1, reopened_count=5, staff_minutes=500)
    p.ticket("2024-03-01 10:00", priority="urgent", first_response_at="2024-03-01 10:30",
             closed_at="2024-03-01 20:00", reopened_count=0, satisfaction=5,
             category="billing", assignee="sam", staff_minutes=30)
    p.ticket("2024-04-01 09:00", priority="high", first_response_at="2024-04-01 15:00",
             closed_at="2024-04-02 09:00", reopened_count=2, satisfaction=2,
             category="technical", assignee="lee", staff_minutes=60)
    p.ticket("2024-05-01 08:00", priority="normal", first_response_at="2024-05-01 08:10",
             closed_at="2024-05-02 08:00", reopened_count=0, satisfaction=4,
             category="technical", assignee="sam", staff_minutes=15)
    p.ticket("2024-06-01 12:00", staff_minutes=20)  # no priority, response, close, CSAT
    p.ticket("2024-07-01 00:00", priority="low", first_response_at="2024-07-01 02:00",
             closed_at="2024-07-05 00:00", reopened_count=1, category="billing",
             assignee="sam", staff_minutes=10)
    return p


def test_service_levels_by_hand_on_every_backend(con):  # type: ignore[no-untyped-def]
    from goodfit.metrics.service_levels import service_levels

    tables = load(con, service_provider())
    (row,) = service_levels(tables, Config(), WINDOW).to_pyarrow().to_pylist()
    # first responses 30, 360, 10, 120 minutes -> sorted 10, 30, 120, 360:
    # median (30 + 120) / 2 = 75; p90 at 0.9 × 3 = 2.7: 120 + 0.7 × 240 = 288
    assert row["first_response_median_minutes"] == pytest.approx(75.0)
    assert row["first_response_p90_minutes"] == pytest.approx(288.0)
    # resolutions 10, 24, 24, 96 hours: median 24; p90 24 + 0.7 × 72 = 74.4
    assert row["resolution_median_hours"] == pytest.approx(24.0)
    assert row["resolution_p90_hours"] == pytest.approx(74.4)
    # judged: the four with times; breaches: urgent closed after 10 h > 8, high first
    # answered after 360 min > 240 (closed after exactly 24 h: on target)
    assert (row["sla_judged"], row["sla_breaches"]) == (4, 2)
    assert row["reopen_rate"] == pytest.approx(0.5)  # 2 of the 4 with a reopen count
    assert row["csat_average"] == pytest.approx(11 / 3)  # 5, 2, 4
    assert row["csat_count"] == 3


def test_load_by_category_and_assignee_with_staff_rates(con):  # type: ignore[no-untyped-def]
    from goodfit.metrics.service_levels import load_by
    from goodfit.metrics.support import support_by_customer

    cfg = Config()
    cfg.costs.staff_rates = {"sam": Decimal("45"), "lee": Decimal("90")}
    tables = load(con, service_provider())

    def split(by: str) -> dict[object, tuple[int, float, Decimal]]:
        out = load_by(tables, cfg, WINDOW, by).to_pyarrow().to_pylist()  # type: ignore[arg-type]
        return {r["value"]: (r["tickets"], r["minutes"], r["support_cost"]) for r in out}

    # sam at 45/h, lee at 90/h, the unassigned ticket at the flat 60/h
    assert split("category") == {
        "billing": (2, 40.0, Decimal("30.0000")),  # 30 min × 45 + 10 min × 45
        "technical": (2, 75.0, Decimal("101.2500")),  # 60 × 90 + 15 × 45
        None: (1, 20.0, Decimal("20.0000"))}
    assert split("assignee") == {
        "sam": (3, 55.0, Decimal("41.2500")), "lee": (1, 60.0, Decimal("90.0000")),
        None: (1, 20.0, Decimal("20.0000"))}
    (total,) = support_by_customer(tables, cfg, WINDOW).to_pyarrow().to_pylist()
    assert total["support_cost"] == Decimal("151.2500")
