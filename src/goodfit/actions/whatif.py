"""Fee and pricing what-ifs: what would each customer pay, and who would become profitable?

Read-only by construction: this module only reads Ibis tables and returns values.

For each customer, over the scorecard's window:

- fees from the one fee model (goodfit.metrics.fees): ``manual_order``, ``custom_setup``,
  ``support_hour`` (hours beyond the included hours), ``usage``, ``direct_costs`` — only
  the fees asked for (``--fee``) or, with ``--fees``, every fee of ``[fees]``
- a price change ``PLAN=+10%`` (or ``-5%``, or ``+2.50`` per month) × each service on
  that plan × the months it ran in the window

Assumptions, both stated in the result:

- ``behaviour_change`` b: that share of fee-triggering behaviour stops once it costs a
  fee. Fee income is × (1 − b), and b of the matching cost (order handling, support,
  custom work) is saved.
- ``churn`` c: that share of the customers who would pay more leave. Per-customer
  figures assume the customer stays; the *expected* totals count each such customer's
  revenue and cost × (1 − c).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import ibis

from goodfit.config import Config, CostSettings
from goodfit.errors import WhatifError, close_matches
from goodfit.metrics.fees import FEES, FeeBasis, customer_fees
from goodfit.metrics.orders import is_manual
from goodfit.money import cents
from goodfit.window import Window

SCORECARD_COLUMNS = ("customer_id", "name", "plan", "revenue", "support_minutes",
                     "months_in_window", "support_cost", "order_handling_cost",
                     "custom_work_cost", "usage_cost", "direct_cost", "cost_to_serve",
                     "profit")
_MONTH_DAYS = Decimal("30.436875")  # 365.2425 / 12


@dataclass(frozen=True)
class PriceChange:
    plan: str
    percent: Decimal | None = None  # +10 means +10 %
    amount: Decimal | None = None  # per month, project currency

    def describe(self) -> str:
        if self.percent is not None:
            return f"{self.plan} {self.percent:+}%"
        return f"{self.plan} {self.amount:+}/month"


@dataclass(frozen=True)
class Assumptions:
    churn: float = 0.0
    behaviour_change: float = 0.0

    def __post_init__(self) -> None:
        for name in ("churn", "behaviour_change"):
            if not 0 <= getattr(self, name) <= 1:
                raise WhatifError(f"{name} must be between 0 and 1, not {getattr(self, name)}")

    def describe(self, currency: str) -> str:
        b, c = self.behaviour_change, self.churn
        parts = [
            f"behaviour change {b:.0%}: " + (
                f"{b:.0%} of manual orders, support hours and custom setups stop once they "
                f"cost a fee (fee income × {1 - b:.2f}; that share of their cost is saved)"
                if b else "customers keep behaving as they do (no fee avoided, no cost saved)"),
            f"churn {c:.0%}: " + (
                f"{c:.0%} of the customers who would pay more leave; expected totals count "
                f"their revenue and cost × {1 - c:.2f}; per-customer rows assume they stay"
                if c else "nobody leaves because of the change"),
        ]
        return "; ".join(parts) + f". Money in {currency}."


@dataclass(frozen=True)
class CustomerWhatif:
    customer_id: str
    name: str
    plan: str
    revenue: Decimal
    cost: Decimal
    profit: Decimal
    fee_income: dict[str, Decimal]
    price_income: Decimal
    cost_saved: Decimal
    new_revenue: Decimal
    new_cost: Decimal
    new_profit: Decimal
    crosses: str  # "to_profitable", "to_unprofitable" or ""

    @property
    def pays_more(self) -> bool:
        return self.new_revenue > self.revenue

    def to_dict(self) -> dict[str, Any]:
        d = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}
        d["fee_income"] = {k: str(v) for k, v in self.fee_income.items()}
        return d


@dataclass(frozen=True)
class Totals:
    revenue: Decimal
    cost: Decimal
    profit: Decimal
    new_revenue: Decimal
    new_cost: Decimal
    new_profit: Decimal
    expected_revenue: Decimal  # with churn
    expected_profit: Decimal
    customers: int
    paying_more: int
    to_profitable: int
    to_unprofitable: int
    unprofitable_before: int
    unprofitable_after: int

    def to_dict(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class WhatIf:
    fees: dict[str, Decimal]
    prices: tuple[PriceChange, ...]
    assumptions: Assumptions
    assumption_text: str
    currency: str
    customers: tuple[CustomerWhatif, ...]
    totals: Totals
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {"fees": {k: str(v) for k, v in self.fees.items()},
                "prices": [p.describe() for p in self.prices],
                "assumptions": {"churn": self.assumptions.churn,
                                "behaviour_change": self.assumptions.behaviour_change,
                                "statement": self.assumption_text},
                "currency": self.currency, "totals": self.totals.to_dict(),
                "customers": [c.to_dict() for c in self.customers], "notes": list(self.notes)}


# -- parsing (CLI and config) ----------------------------------------------------------
def parse_fee(text: str) -> tuple[str, Decimal]:
    """``manual_order=7`` → ("manual_order", Decimal("7"))."""
    name, sep, value = text.partition("=")
    name = name.strip()
    if not sep:
        raise WhatifError(f"--fee {text!r}: write NAME=AMOUNT, e.g. manual_order=7")
    check_fee_name(name)
    try:
        amount = Decimal(value.strip())
    except ArithmeticError:
        raise WhatifError(f"--fee {text!r}: '{value}' is not an amount") from None
    if amount < 0 or not amount.is_finite():
        raise WhatifError(f"--fee {text!r}: a fee must be a positive amount")
    return name, amount


def check_fee_name(name: str) -> None:
    if name not in FEES:
        hint = close_matches(name, FEES)
        raise WhatifError(f"unknown fee '{name}'" + (f" (did you mean '{hint[0]}'?)" if hint
                                                      else "")
                          + f"; fees: {', '.join(FEES)}")


_PRICE = re.compile(r"^\s*(?P<plan>[^=]+?)\s*=\s*(?P<sign>[+-])\s*(?P<num>\d+(\.\d+)?)"
                    r"\s*(?P<pct>%?)\s*$")


def parse_price(text: str) -> PriceChange:
    """``vps-2=+10%`` (percent) or ``vps-2=-2.50`` (per month)."""
    m = _PRICE.match(text)
    if not m:
        raise WhatifError(f"--price {text!r}: write PLAN=+10% or PLAN=-5% or PLAN=+2.50 "
                          "(a change per month)")
    num = Decimal(m["num"]) * (-1 if m["sign"] == "-" else 1)
    if m["pct"]:
        return PriceChange(m["plan"], percent=num)
    return PriceChange(m["plan"], amount=num)


# -- the what-if ----------------------------------------------------------------------
def whatif(scorecard: ibis.Table, orders: ibis.Table, services: ibis.Table,
           fees: Mapping[str, Decimal], prices: Sequence[PriceChange] = (),
           assumptions: Assumptions = Assumptions(), *, since: datetime, until: datetime,
           currency: str = "USD", self_service: Sequence[str] | None = None,
           included_support_hours_per_month: float, customer_id: str | None = None) -> WhatIf:
    """Per-customer and total revenue and profit if these fees and prices applied
    (``customer_id``: that customer's row alone, its orders and services only read).

    ``self_service``: [costs] self_service_channels, the one definition of a manual order
    (the cost model's), so no fee is charged on an order the cost model costs at 0."""
    for name in fees:
        check_fee_name(name)
    missing = [c for c in SCORECARD_COLUMNS if c not in scorecard.columns]
    if missing:
        raise WhatifError(f"the scorecard lacks column(s) {', '.join(missing)}")
    card = scorecard.select(*SCORECARD_COLUMNS).to_pyarrow().to_pylist()
    channels = (list(self_service) if self_service is not None
                else CostSettings().self_service_channels)
    o = orders.filter((orders.placed_at >= since) & (orders.placed_at < until))
    mine = services
    if customer_id is not None:
        o = o.filter(o.customer_id == customer_id)
        mine = services.filter(services.customer_id == customer_id)
    o = o.mutate(manual=is_manual(o.channel, channels))
    counts = (o.group_by("customer_id")
              .aggregate(manual=lambda t: t.manual.sum(),
                         custom=lambda t: t.custom.fill_null(False).sum())
              .to_pyarrow().to_pylist())
    n_manual = {str(r["customer_id"]): int(r["manual"] or 0) for r in counts}
    n_custom = {str(r["customer_id"]): int(r["custom"] or 0) for r in counts}
    price_income = _price_income(mine, prices, since, until)
    notes = []
    plans_seen = {str(r["plan"]) for r in services.select("plan").distinct().to_pyarrow()
                  .to_pylist() if r["plan"] is not None}
    for p in prices:
        if p.plan not in plans_seen:
            hint = close_matches(p.plan, plans_seen)
            notes.append(f"no service is on plan '{p.plan}'"
                         + (f" (did you mean '{hint[0]}'?)" if hint else ""))

    keep = Decimal(1) - Decimal(str(assumptions.behaviour_change))
    b = Decimal(str(assumptions.behaviour_change))
    rows, exact = [], []
    for r in card:
        cid = str(r["customer_id"])
        revenue, cost, profit = _d(r["revenue"]), _d(r["cost_to_serve"]), _d(r["profit"])
        basis = FeeBasis.from_scorecard(r, n_manual.get(cid, 0), n_custom.get(cid, 0))
        included = included_support_hours_per_month
        income = customer_fees(basis, fees, included, keep)
        saved = cents(sum((b * _d(r[FEES[name][1]]) * basis.share_charged(name, included)
                           for name in fees), Decimal(0)))
        p_inc = cents(price_income.get(cid, Decimal(0)))
        extra = sum(income.values(), Decimal(0)) + p_inc
        new_revenue = cents(revenue + extra)
        new_cost = cents(cost - saved)
        new_profit = new_revenue - new_cost
        crosses = ("to_profitable" if profit < 0 <= new_profit else
                   "to_unprofitable" if new_profit < 0 <= profit else "")
        row = CustomerWhatif(cid, str(r["name"] or ""), str(r["plan"] or ""),
                             cents(revenue), cents(cost), cents(profit), income, p_inc,
                             saved, new_revenue, new_cost, new_profit, crosses)
        rows.append(row)
        # totals from the unrounded scorecard figures: the baseline is the scorecard's
        # own total (rounded once), not a sum of per-customer roundings
        exact.append((row, revenue, cost, revenue + extra, cost - saved))
    rows.sort(key=lambda c: (c.crosses == "", -(c.new_profit - c.profit), c.customer_id))
    return WhatIf(dict(fees), tuple(prices), assumptions, assumptions.describe(currency),
                  currency, tuple(rows), _totals(exact, assumptions), tuple(notes))


def _totals(exact: list[tuple[CustomerWhatif, Decimal, Decimal, Decimal, Decimal]],
            a: Assumptions) -> Totals:
    stay = Decimal(1) - Decimal(str(a.churn))
    rows = [e[0] for e in exact]

    def total(values: Any) -> Decimal:
        return cents(sum(values, Decimal(0)))

    def kept(c: CustomerWhatif) -> Decimal:
        return stay if c.pays_more else Decimal(1)

    return Totals(
        revenue=total(e[1] for e in exact), cost=total(e[2] for e in exact),
        profit=total(e[1] - e[2] for e in exact), new_revenue=total(e[3] for e in exact),
        new_cost=total(e[4] for e in exact), new_profit=total(e[3] - e[4] for e in exact),
        expected_revenue=total(e[3] * kept(e[0]) for e in exact),
        expected_profit=total((e[3] - e[4]) * kept(e[0]) for e in exact),
        customers=len(rows), paying_more=sum(c.pays_more for c in rows),
        to_profitable=sum(c.crosses == "to_profitable" for c in rows),
        to_unprofitable=sum(c.crosses == "to_unprofitable" for c in rows),
        unprofitable_before=sum(c.profit < 0 for c in rows),
        unprofitable_after=sum(c.new_profit < 0 for c in rows))


def _price_income(services: ibis.Table, prices: Sequence[PriceChange], since: datetime,
                  until: datetime) -> dict[str, Decimal]:
    """Extra income per customer from price changes, for the months each service ran."""
    if not prices:
        return {}
    by_plan = {p.plan: p for p in prices}
    s = services.filter(services.plan.isin(list(by_plan)))
    rows = s.select("customer_id", "plan", "price_monthly", "started_at", "ended_at") \
        .to_pyarrow().to_pylist()
    out: dict[str, Decimal] = {}
    for r in rows:
        start = max(_naive(r["started_at"]) or since, since)
        end = min(_naive(r["ended_at"]) or until, until)
        if end <= start:
            continue
        months = Decimal((end - start).total_seconds()) / 86400 / _MONTH_DAYS
        p = by_plan[str(r["plan"])]
        per_month = (_d(r["price_monthly"]) * p.percent / 100 if p.percent is not None
                     else (p.amount or Decimal(0)))
        cid = str(r["customer_id"])
        out[cid] = out.get(cid, Decimal(0)) + per_month * months
    return out


def _naive(value: Any) -> datetime | None:
    if value is None:
        return None
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    return value.replace(tzinfo=None) if isinstance(value, datetime) else None


def _d(value: Any) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value))


def evaluate(tables: Mapping[str, ibis.Table], config: Config, window: Window, *,
             fees: Mapping[str, Decimal] | None = None, fee_model: bool = False,
             prices: Sequence[PriceChange] | None = None, churn: float | None = None,
             behaviour_change: float | None = None, customer_id: str | None = None) -> WhatIf:
    """The what-if of a project: the scorecard of ``window`` (the one every other command
    shows, so the baseline profit is the scorecard's) with these fees and prices.

    Fees apply only when asked for: ``fees`` alone charges just those; ``fee_model``
    charges every fee of ``[fees]`` (what segments and explain assume), ``fees``
    overriding single amounts. A price change alone adds no fee. ``customer_id``: only
    that customer is worked out (its row is the same as in the whole what-if; the totals
    are then its own)."""
    for name in fees or {}:
        check_fee_name(name)
    amounts = dict(config.fees.amounts()) if fee_model else {}
    amounts.update(fees or {})
    from goodfit.metrics.scorecard import scorecard

    w = config.whatif
    a = Assumptions(churn=w.churn if churn is None else churn,
                    behaviour_change=(w.behaviour_change if behaviour_change is None
                                      else behaviour_change))
    card = scorecard(dict(tables), config, window, customer_id)
    return whatif(card, tables["orders"], tables["services"],
                  amounts, prices or [], a, customer_id=customer_id,
                  since=window.since, until=window.until, currency=config.project.currency,
                  self_service=config.costs.self_service_channels,
                  included_support_hours_per_month=(
                      config.fees.included_support_hours_per_month))
