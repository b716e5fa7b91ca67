"""The fit score is a sum of stored components; segments follow the configured rules."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from goodfit.config import Config
from goodfit.scoring.score import score_customers
from tests.scoring.builders import SINCE, Provider

D = datetime(2025, 3, 3, 9, 0)


def scored(p: Provider, cfg: Config | None = None) -> dict[str, dict]:
    res = score_customers(p.inputs(), cfg or Config())
    return {r["customer_id"]: r for r in res.scores.to_dict("records")}


def test_score_is_the_sum_of_its_components_worked_by_hand() -> None:
    # revenue 1200, 120 support minutes at 60/h = 120 cost: margin 0.9 -> 30 of 30;
    # support per dollar 0.1 against 0.5 -> 25 x 0.8 = 20; no flags -> 25; 12 of 24
    # months -> 5; 1 failed of 4 attempts -> 10 x 0.75 = 7.5. Total 87.5.
    p = Provider().customer("a", revenue=1200, support_minutes=120, tenure_months=12)
    for i in range(3):
        p.payment("a", D + timedelta(days=30 * i))
    p.payment("a", D, "failed")
    row = scored(p)["a"]
    assert (row["profitability"], row["support_load"], row["behaviour"], row["tenure"],
            row["payment_reliability"]) == (30.0, 20.0, 25.0, 5.0, 7.5)
    assert row["score"] == 87.5


def test_behaviour_points_lost_per_flag_by_severity() -> None:
    # priority_misuse (medium, 12) and impatience? No: only priority misuse here -> 25 - 12
    p = Provider().customer("a", tickets=3, support_minutes=30)
    for i in range(3):
        p.ticket("a", D + timedelta(days=i), priority="urgent",
                 resolution_code="information_request")
    assert scored(p)["a"]["behaviour"] == 13.0


def test_a_chargeback_halves_payment_points() -> None:
    p = Provider().customer("a")
    p.payment("a", D)
    p.payment("a", D, "chargeback")
    assert scored(p)["a"]["payment_reliability"] == 5.0


def test_abusive_customer_parts_ways_with_reason() -> None:
    p = Provider().customer("a", tickets=1, support_minutes=10)
    t = p.ticket("a", D)
    for i in range(2):
        p.tone_row(p.message(t, D + timedelta(minutes=i), body="idiots"),
                   spans=[("insult", 0, 6, "idiots")])
    row = scored(p)["a"]
    assert row["segment"] == "part_ways"
    assert row["reason"].startswith("disrespect toward staff: 2 messages aimed at staff")


def test_one_abusive_message_is_flagged_but_parting_ways_takes_two() -> None:
    p = Provider().customer("a", tickets=1, support_minutes=10, tenure_months=30)
    t = p.ticket("a", D)
    p.tone_row(p.message(t, D, body="idiots"), spans=[("insult", 0, 6, "idiots")])
    row = scored(p)["a"]
    assert row["flag_codes"] == "abusive_language"
    assert row["segment"] == "healthy"  # a person reads the message; no reward meanwhile
    assert "respectful: messages aimed at staff" in row["reason"]


def test_unprofitable_customer_the_docs_would_fix_is_educated() -> None:
    # revenue 100, 150 minutes of support = 150: profit -50. 4 of 5 tickets answered by the
    # docs: 80% of 150 = 120 saved -> profit 70, margin 70% >= 10% target.
    p = Provider().customer("a", revenue=100, support_minutes=150, tickets=5)
    for i in range(5):
        p.ticket("a", D + timedelta(days=i), staff_minutes=30,
                 resolution_code="documentation" if i < 4 else "hardware_event")
    row = scored(p)["a"]
    assert row["segment"] == "educate"
    assert "80% of tickets are answered by the docs" in row["reason"]
    assert "margin would be 70%" in row["reason"]


def test_unprofitable_manual_orderer_a_fee_would_fix_is_repriced() -> None:
    # revenue 100, 10 e-mailed orders handled for 150: profit -50. A 15 fee per manual
    # order bills 150: profit 100 on revenue 250 = 40%.
    p = Provider().customer("a", revenue=100, order_handling_cost=150)
    for i in range(10):
        p.order("a", D + timedelta(days=i), "email")
    row = scored(p)["a"]
    assert row["segment"] == "reprice"
    assert "fees for the load it creates (150.00) would bring margin to 40%" in row["reason"]


def test_a_material_unfixable_loss_parts_ways() -> None:
    # revenue 100, 1,500 minutes (cost 1,500) of hardware tickets over 12 months: loss
    # 1,400 a year >= 1,000. The docs answer none; 25 hours less 12 included = 13 × 60 =
    # 780 of fees leave -620; a price rise would need (10 + 1,400) / 90 = 1,567% > 25%.
    p = Provider().customer("a", revenue=100, support_minutes=1500, tickets=5)
    for i in range(5):
        p.ticket("a", D + timedelta(days=i), staff_minutes=300, resolution_code="hardware_event")
    row = scored(p)["a"]
    assert row["segment"] == "part_ways"
    assert "material loss: margin -1400%, loses 1,400.00 a year" in row["reason"]
    assert "neither education, fees (780.00) nor a price rise of up to 25%" in row["reason"]


def test_a_small_unfixable_loss_is_repriced_not_parted_with() -> None:
    # revenue 100, cost 500: loss 400 a year, below the 1,000 that parts ways
    p = Provider().customer("a", revenue=100, support_minutes=500, tickets=5)
    for i in range(5):
        p.ticket("a", D + timedelta(days=i), staff_minutes=100, resolution_code="hardware_event")
    row = scored(p)["a"]
    assert row["segment"] == "reprice"
    assert "loses 400.00 a year — below the 1,000.00 that parts ways" in row["reason"]


def test_a_loss_over_half_a_year_is_annualised() -> None:
    # loss 600 over 6 months in the window = 1,200 a year: material
    p = Provider().customer("a", revenue=100, support_minutes=700, tickets=1,
                            months_in_window=6)
    p.ticket("a", D, staff_minutes=700, resolution_code="hardware_event")
    row = scored(p)["a"]
    assert row["segment"] == "part_ways"
    assert "loses 1,200.00 a year" in row["reason"]


def test_a_profitable_customer_never_parts_ways_for_money() -> None:
    # revenue 100, cost 91.50: profit 8.50, margin 8.5% below 10%. A price rise of
    # (10 - 8.5) / 90 = 1.7% fixes it (reprice); with no price step allowed it stays healthy.
    p = Provider().customer("a", revenue=100, support_minutes=91.5, tickets=1)
    p.ticket("a", D, staff_minutes=91.5, resolution_code="hardware_event")
    row = scored(p)["a"]
    assert (row["segment"], row["reason"]) == (
        "reprice", "margin 8%; a price rise of 2% would bring margin to 10%")
    cfg = Config()
    cfg.segments.max_price_increase = 0.0
    row = scored(p, cfg)["a"]
    assert row["segment"] == "healthy"
    assert row["reason"].startswith("profitable but margin 8%, below 10%")


def test_abuse_before_the_window_decays_instead_of_vanishing() -> None:
    # 100 days before the window a message weighs 0.5 ** (100 / 365) = 0.827: two weigh
    # 1.65 (< 2, flagged but kept), three weigh 2.48 (part ways).
    old = SINCE - timedelta(days=100)
    for n, segment in ((2, "healthy"), (3, "part_ways")):
        p = Provider().customer("a", tickets=1, support_minutes=10, tenure_months=30)
        t = p.ticket("a", D)
        for i in range(n):
            p.tone_row(p.message(t, old + timedelta(minutes=i), body="idiots"),
                       spans=[("insult", 0, 6, "idiots")])
        res = score_customers(p.inputs(), Config())
        row = res.scores.iloc[0]
        assert row["segment"] == segment
        flag = res.flags_of("a")[0]
        assert flag.extra["weight"] == pytest.approx(n * 0.827, abs=0.01)
        assert f"{n} older, weighing" in flag.detail
        assert len(flag.evidence) == n  # the old messages are the evidence


def test_with_no_decay_old_abuse_is_not_counted() -> None:
    cfg = Config()
    cfg.flags.abusive_language.decay_half_life_days = 0
    p = Provider().customer("a", tickets=1, support_minutes=10, tenure_months=30)
    t = p.ticket("a", D)
    for i in range(3):
        p.tone_row(p.message(t, SINCE - timedelta(days=1, minutes=i), body="idiots"),
                   spans=[("insult", 0, 6, "idiots")])
    assert scored(p, cfg)["a"]["flag_codes"] == ""


def test_direct_costs_passed_through_make_a_customer_repriceable() -> None:
    # revenue 100, a 500 licence: billing the licence at cost -> profit 100 on 600 = 17%
    p = Provider().customer("a", revenue=100, direct_cost=500)
    row = scored(p)["a"]
    assert row["segment"] == "reprice"
    assert "would bring margin to 17%" in row["reason"]


def test_profitable_customer_with_costly_manual_orders_is_repriced() -> None:
    # margin 80% but order handling is 200 of 1000 revenue = 20% >= 15%
    p = Provider().customer("a", revenue=1000, order_handling_cost=200)
    for i in range(4):
        p.order("a", D + timedelta(days=i), "phone")
    assert scored(p)["a"]["segment"] == "reprice"


def test_ideal_customer_is_rewarded_and_idle_never_is() -> None:
    p = Provider().customer("ideal", signup_at=datetime(2022, 1, 1), tenure_months=30)
    p.customer("idle", signup_at=datetime(2022, 1, 1), tenure_months=30)
    for m in (1, 2, 3):
        p.invoice("idle", datetime(2025, m, 1), 100)
        p.invoice("ideal", datetime(2025, m, 1), 100)
    p.usage("idle", datetime(2025, 1, 1), 0)
    p.usage("ideal", datetime(2025, 1, 1), 400)
    p.order("ideal", datetime(2025, 2, 1))
    rows = scored(p)
    assert rows["ideal"]["segment"] == "reward"
    assert rows["ideal"]["score"] == 100.0
    assert rows["idle"]["score"] == 100.0  # same score ...
    assert rows["idle"]["segment"] == "healthy"  # ... but idle is never rewarded
    assert "idle" in rows["idle"]["reason"]


def test_new_customer_is_not_rewarded_yet() -> None:
    p = Provider().customer("a", tenure_months=1, months_in_window=1)
    row = scored(p)["a"]
    assert row["segment"] == "healthy"
    assert "tenure: 11 months short" in row["reason"]


def test_fit_weights_must_sum_to_100() -> None:
    with pytest.raises(ValueError, match="sum to 100"):
        Config.model_validate({"fit": {"weights": {
            "profitability": 50, "support_load": 25, "behaviour": 25, "tenure": 10,
            "payment_reliability": 10}}})


def test_cancelled_account_is_not_rewarded() -> None:
    p = Provider().customer("gone", tenure_months=30)
    p.rows["customers"][-1]["status"] = "cancelled"
    row = scored(p)["gone"]
    assert row["score"] == 100.0
    assert (row["segment"], row["reason"]) == (
        "healthy", "profitable; not reward: active: account is cancelled")
