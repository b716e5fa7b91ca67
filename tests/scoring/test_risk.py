"""Early-life risk: time split, baseline, no leakage, and 'not enough history'."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

import pandas as pd

from goodfit.config import RiskSettings
from goodfit.scoring.risk import early_features, early_risk
from tests.scoring.builders import Provider

AS_OF = datetime(2025, 12, 31)


def history(n: int = 60) -> tuple[Provider, pd.DataFrame]:
    """n customers signing up one a week from 2023; every third is trouble and files four
    urgent tickets in its first ten days; the others file one normal ticket or none."""
    p = Provider()
    labels = []
    start = datetime(2023, 1, 2)
    for i in range(n):
        cid = f"c{i:03d}"
        signup = start + timedelta(weeks=i)
        p.customer(cid, signup_at=signup)
        trouble = i % 3 == 0
        if trouble:
            for d in range(4):
                p.ticket(cid, signup + timedelta(days=d * 2 + 1), priority="urgent")
        elif i % 2:
            p.ticket(cid, signup + timedelta(days=5))
        labels.append({"customer_id": cid, "segment": "part_ways" if trouble else "healthy"})
    # Still in their first 30 days: one noisy, one quiet.
    p.customer("new-noisy", signup_at=AS_OF - timedelta(days=10))
    for d in range(3):
        p.ticket("new-noisy", AS_OF - timedelta(days=9 - d), priority="urgent")
    p.customer("new-quiet", signup_at=AS_OF - timedelta(days=5))
    return p, pd.DataFrame(labels)


def test_time_split_metrics_against_the_baseline() -> None:
    p, labels = history()
    wh = p.warehouse()
    r = early_risk(wh.tables(), labels, RiskSettings(), AS_OF)
    assert r.status == "ok"
    # 60 labelled; the latest 30% (18) test: customers 42..59, of which 6 are trouble.
    assert (r.labelled, r.train, r.test) == (60, 42, 18)
    assert (r.train_positives, r.test_positives) == (14, 6)
    # Trouble is perfectly separated by early tickets: both rank perfectly; precision@10 is
    # 6 trouble in the top 10 = 0.6 for both.
    assert r.auc == 1.0 and r.baseline_auc == 1.0
    assert r.k == 10 and r.precision_at_k == 0.6 and r.baseline_precision_at_k == 0.6
    assert sum(b.customers for b in r.calibration) == 18
    assert [w.customer_id for w in r.watch_list] == ["new-noisy", "new-quiet"]
    assert r.watch_list[0].probability > 0.5 > r.watch_list[1].probability
    assert "high_priority" in r.watch_list[0].drivers


def test_later_activity_cannot_change_a_prediction() -> None:
    p, labels = history()
    before = early_risk(p.warehouse().tables(), labels, RiskSettings(), AS_OF)
    feats_before = early_features(p.warehouse().tables(), 30, AS_OF)
    # Everyone becomes very noisy after day 30 (and the quiet newcomer after as_of).
    for c in list(p.card):
        signup = c["signup_at"]
        for d in range(5):
            p.ticket(c["customer_id"], signup + timedelta(days=31 + d), priority="urgent",
                     staff_minutes=500)
            p.payment(c["customer_id"], signup + timedelta(days=40), "chargeback")
    p.ticket("new-quiet", AS_OF + timedelta(days=1), priority="urgent")
    wh = p.warehouse()
    after = early_risk(wh.tables(), labels, RiskSettings(), AS_OF)
    pd.testing.assert_frame_equal(early_features(wh.tables(), 30, AS_OF), feats_before)
    assert asdict(after) == asdict(before)


def test_too_few_labelled_customers_says_not_enough_history() -> None:
    p, labels = history(12)
    r = early_risk(p.warehouse().tables(), labels, RiskSettings(), AS_OF)
    assert r.status == "not_enough_history"
    assert r.auc is None
    assert "12 labelled customers (need 40)" in r.message
    # Newcomers are still listed, by tickets in their first days, without a probability.
    assert [(w.customer_id, w.tickets, w.probability) for w in r.watch_list] == [
        ("new-noisy", 3, None), ("new-quiet", 0, None)]


def test_customers_whose_first_days_predate_the_data_are_not_used() -> None:
    # "old" signed up in 2019; the data start in January 2023: its first 30 days were never
    # recorded, so it would teach the model that quiet starts become trouble.
    p, labels = history()
    p.customer("old", signup_at=datetime(2019, 5, 1))
    labels = pd.concat([labels, pd.DataFrame([{"customer_id": "old", "segment": "part_ways"}])])
    r = early_risk(p.warehouse().tables(), labels, RiskSettings(), AS_OF)
    assert (r.labelled, r.train_positives) == (60, 14)
