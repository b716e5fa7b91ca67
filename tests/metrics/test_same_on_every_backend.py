"""Same inputs, same outputs: a busier provider's scorecard, breakdown and concentration on
PostgreSQL and Spark equal DuckDB's, column by column."""

from __future__ import annotations

import random

import ibis
import pytest

from goodfit.config import Config
from goodfit.metrics import concentration, scorecard
from goodfit.metrics.breakdown import monthly_trend
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
