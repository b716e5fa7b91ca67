"""The 0-100 fit score: a sum of components, each contribution kept so it can be shown.

profitability   margin against [fit] good_margin (no revenue: no points)
support_load    support cost per dollar against [fit] bad_support_cost_per_dollar
behaviour       points lost per behaviour flag by severity (money flags are already in
                profitability; heavy_load and idle are information)
tenure          months as a customer against [fit] full_tenure_months
payment         share of payment attempts that succeeded, less disputes and chargebacks

A component whose data is missing (scoring/coverage.py COMPONENT_NEEDS) is unknown: NULL
in fit_scores, left out of the score, which is then out of the known components' weights.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

import ibis
import pandas as pd

from goodfit.config import FitSettings
from goodfit.scoring.evidence import Flag
from goodfit.scoring.inputs import frame, money

COMPONENTS = ("profitability", "support_load", "behaviour", "tenure", "payment_reliability")
# Flags whose cost is already counted by another component.
NOT_BEHAVIOUR = frozenset({"unprofitable", "low_margin", "heavy_load", "idle"})


@dataclass(frozen=True)
class PaymentStats:
    attempts: int = 0
    failed: int = 0
    disputes: int = 0  # disputes and chargebacks


def _clip(x: float) -> float:
    return max(0.0, min(1.0, x))


def components(row: dict[str, object], flags: list[Flag], pay: PaymentStats,
               cfg: FitSettings, unknown: Collection[str] = ()) -> dict[str, float | None]:
    """Points per component for one scorecard row; the known ones sum to the score.
    A component in ``unknown`` (its data is missing, scoring/coverage.py) is None: shown
    as unknown, never counted as a good value."""
    w = cfg.weights
    revenue = money(row.get("revenue"))
    raw_margin = row.get("margin")
    margin = None if raw_margin is None or pd.isna(raw_margin) else money(raw_margin)  # type: ignore[call-overload]
    profit = w["profitability"] * _clip(margin / cfg.good_margin) \
        if revenue > 0 and margin is not None and cfg.good_margin > 0 else 0.0
    support_cost = money(row.get("support_cost"))
    if revenue > 0:
        support = w["support_load"] * _clip(
            1.0 - (support_cost / revenue) / cfg.bad_support_cost_per_dollar)
    else:
        support = w["support_load"] if support_cost == 0 else 0.0
    penalty = sum(cfg.severity_penalty.get(f.severity.value, 0.0)
                  for f in flags if f.code not in NOT_BEHAVIOUR)
    behaviour = max(0.0, w["behaviour"] - penalty)
    tenure = w["tenure"] * _clip(money(row.get("tenure_months")) / cfg.full_tenure_months)
    if pay.attempts:
        ok = 1.0 - pay.failed / pay.attempts - cfg.dispute_penalty * pay.disputes
        payment = w["payment_reliability"] * _clip(ok)
    else:
        payment = w["payment_reliability"] * _clip(1.0 - cfg.dispute_penalty * pay.disputes)
    points = {"profitability": round(profit, 2), "support_load": round(support, 2),
              "behaviour": round(behaviour, 2), "tenure": round(tenure, 2),
              "payment_reliability": round(payment, 2)}
    return {k: (None if k in unknown else v) for k, v in points.items()}


def total(points: dict[str, float | None]) -> float:
    """The fit score: the sum of the known components."""
    return round(sum(v for v in points.values() if v is not None), 1)


def payment_stats(payments: ibis.Table) -> dict[str, PaymentStats]:
    """Attempts, failures and disputes per customer from payment rows (counted in the
    warehouse); a missing outcome counts as a success."""
    p = payments.mutate(o=payments.outcome.fill_null("succeeded"))
    df = frame(p.group_by("customer_id").aggregate(
        attempts=p.o.isin(["succeeded", "failed"]).sum(),
        failed=(p.o == "failed").sum(),
        disputes=p.o.isin(["dispute", "chargeback"]).sum()))
    out: dict[str, PaymentStats] = defaultdict(PaymentStats)
    for r in df.itertuples():
        out[str(r.customer_id)] = PaymentStats(int(r.attempts), int(r.failed), int(r.disputes))
    return out
