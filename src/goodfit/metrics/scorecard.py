"""The scorecard: one row per customer — all of them, zero-ticket customers included.

cost_to_serve = support_cost + order_handling_cost + custom_work_cost
                + payment_friction_cost + usage_cost + direct_cost
profit = revenue − cost_to_serve; margin = profit / revenue, the two ratios per dollar —
support_cost_per_dollar = support_cost / revenue and cost_per_dollar = cost_to_serve /
revenue — are NULL when revenue ≤ 0 (there is no dollar to divide by; the CLI shows "no
revenue"). Shares are of the window's totals over
all customers (0 when the total is 0). See docs/cost-model.md.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from goodfit.config import Config
from goodfit.metrics.common import TABLES, money, zero
from goodfit.metrics.costs import direct_costs_by_customer
from goodfit.metrics.orders import orders_by_customer
from goodfit.metrics.payments import friction_by_customer
from goodfit.metrics.revenue import revenue_by_customer
from goodfit.metrics.support import support_by_customer
from goodfit.metrics.usage import usage_by_customer
from goodfit.window import Window, whole_months_expr

DAYS_PER_MONTH = 365.25 / 12
MONEY_COLUMNS = ("revenue", "support_cost", "order_handling_cost", "custom_work_cost",
                 "payment_friction_cost", "usage_cost", "direct_cost", "cost_to_serve", "profit")
COST_PARTS = ("support_cost", "order_handling_cost", "custom_work_cost",
              "payment_friction_cost", "usage_cost", "direct_cost")
COLUMNS = ("customer_id", "name", "plan", "signup_at", "tenure_months", "months_in_window",
           *MONEY_COLUMNS[:1], "support_minutes", "minutes_estimated", "untimed_tickets",
           *COST_PARTS,
           "cost_to_serve", "profit", "margin", "support_cost_per_dollar", "cost_per_dollar",
           "tickets", "tickets_per_month", "ticket_share", "minutes_share", "cost_share", "revenue_share")


def tenure_months(signup: ir.TimestampValue, window: Window) -> ir.IntegerValue:
    """Whole months from signup to as_of (0 when signup is later), time of day included
    (:func:`goodfit.window.whole_months`)."""
    return whole_months_expr(signup, window.as_of)


def months_in_window(signup: ir.TimestampValue, cancelled: ir.TimestampValue,
                     window: Window) -> ir.FloatingValue:
    """Months (of 365.25/12 days) the customer existed within the window."""
    since = ibis.literal(window.since, type="timestamp")
    until = ibis.literal(window.until, type="timestamp")
    start = ibis.greatest(signup.coalesce(since), since)
    end = ibis.ifelse(cancelled.notnull() & (cancelled < until), cancelled, until)
    days = (end.epoch_seconds() - start.epoch_seconds()).cast("float64") / 86400.0
    return ibis.greatest(days / DAYS_PER_MONTH, 0.0).round(4)


def _share(value: ir.NumericValue) -> ir.FloatingValue:
    v = value.cast("float64")
    total = v.sum().over(ibis.window())
    return ibis.ifelse(total == 0, 0.0, v / total)


def _ratio(num: ir.NumericValue, den: ir.NumericValue) -> ir.FloatingValue:
    """num / den as a float, NULL when den ≤ 0 (documented: no revenue, no ratio)."""
    d = den.cast("float64")
    return ibis.ifelse(d > 0, num.cast("float64") / d, ibis.null("float64"))


def scorecard(tables: TABLES, config: Config, window: Window,
              customer_id: str | None = None) -> ir.Table:
    """One row per customer (only ``customer_id``'s when given: each part is picked for
    that customer before the join, so one row costs one customer's rows; its four
    ``*_share`` columns, shares of the whole population, are then NULL)."""
    cust = tables["customers"]
    parts = [
        revenue_by_customer(tables, config, window),
        support_by_customer(tables, config, window),
        orders_by_customer(tables, config, window),
        friction_by_customer(tables, config, window),
        usage_by_customer(tables, config, window),
        direct_costs_by_customer(tables, config, window),
    ]
    if customer_id is not None:
        cust = cust.filter(cust.customer_id == customer_id)
        parts = [p.filter(p.customer_id == customer_id) for p in parts]
    base = cust.select(
        customer_id=cust.customer_id, name=cust.name, plan=cust.plan, signup_at=cust.signup_at,
        tenure_months=tenure_months(cust.signup_at, window),
        months_in_window=months_in_window(cust.signup_at, cust.cancelled_at, window),
    )
    # One join chain and one projection: a flat query compiles fast and every engine
    # plans it well (each part is already one row per customer).
    j = base
    for i, part in enumerate(parts):
        part = part.rename(**{f"_k{i}": "customer_id"})
        j = j.left_join(part, j.customer_id == part[f"_k{i}"])
    filled = {c: money(j[c]).coalesce(zero()) for c in MONEY_COLUMNS if c in j.columns}
    cost = filled["support_cost"]
    for part_name in COST_PARTS[1:]:
        cost = cost + filled[part_name]
    cost = money(cost)
    revenue = filled["revenue"]
    profit = money(revenue - cost)
    share = _share if customer_id is None else (lambda _v: ibis.null("float64"))
    tickets = j.tickets.coalesce(0).cast("int64")
    minutes = j.support_minutes.coalesce(0.0).cast("float64")
    card = j.select(
        customer_id=j.customer_id, name=j.name, plan=j.plan, signup_at=j.signup_at,
        tenure_months=j.tenure_months, months_in_window=j.months_in_window,
        revenue=revenue, support_minutes=minutes,
        minutes_estimated=j.minutes_estimated.coalesce(False),
        untimed_tickets=j.untimed_tickets.coalesce(0).cast("int64"),
        **{c: filled[c] for c in COST_PARTS},
        cost_to_serve=cost, profit=profit,
        margin=_ratio(profit, revenue),
        support_cost_per_dollar=_ratio(filled["support_cost"], revenue),
        cost_per_dollar=_ratio(cost, revenue),
        tickets=tickets,
        tickets_per_month=(tickets.cast("float64")
                           / ibis.greatest(j.months_in_window, 1.0)).round(4),
        ticket_share=share(tickets),
        minutes_share=share(minutes),
        cost_share=share(cost),
        revenue_share=share(revenue),
    )
    return card.select(*COLUMNS).order_by("customer_id")
