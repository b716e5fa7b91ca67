"""Monthly revenue, cost and margin per customer, for the low_margin flag.

The metrics scorecard covers a whole window; "margin below X% for N months running"
needs months. This is a deliberately simple monthly version of the same cost model
([costs] in goodfit.toml): revenue = paid invoices less refunds by month issued; cost =
support labour (logged minutes, else staff replies x minutes per reply) + order handling
+ usage beyond allowance + payment friction + direct costs, by month incurred. A caller
with a better monthly table (same columns) can pass it instead.
"""

from __future__ import annotations

import ibis
import pandas as pd

from goodfit.config import CostSettings
from goodfit.scoring.inputs import ScoringInputs, frame

MONTHLY_COLUMNS = ("customer_id", "month", "revenue", "cost", "margin")


def _by_month(expr: ibis.Table, at: str, value: ibis.Value, name: str) -> pd.DataFrame:
    e = expr.mutate(month=expr[at].truncate("M"), _v=value)
    df = frame(e.group_by(["customer_id", "month"]).aggregate(**{name: e._v.sum()}))
    df[name] = df[name].astype(float)
    return df


def monthly_margins(inp: ScoringInputs, costs: CostSettings,
                    self_service: tuple[str, ...] = ("self_service", "api")) -> pd.DataFrame:
    rate = float(costs.staff_hourly_rate) / 60.0
    inv = inp.in_window("invoices", "issued_at")
    paid = inv.filter((inv.status == "paid") | (inv.status.isnull() & inv.paid_at.notnull()))
    revenue = _by_month(paid, "issued_at",
                        paid.amount.cast("float64") - paid.refunded_amount.cast("float64")
                        .fill_null(0.0), "revenue")
    t = inp.tickets()
    m = inp.tables["messages"]
    replies = m.filter(m.author_role == "staff").group_by("ticket_id").aggregate(
        _replies=ibis._.count())
    tj = t.left_join(replies, t.ticket_id == replies.ticket_id)
    per_reply = ibis.cases(*[(tj.channel == ch, v) for ch, v in costs.reply_minutes.items()
                             if ch != "default"],
                           else_=costs.reply_minutes.get("default", 10.0))
    minutes = tj.staff_minutes.fill_null(tj._replies.fill_null(0).cast("float64") * per_reply)
    support = _by_month(tj, "opened_at", minutes * rate, "support")
    o = inp.in_window("orders", "placed_at")
    manual = (~o.channel.isin(list(self_service))).fill_null(False)
    order_min = o.handling_minutes.fill_null(
        ibis.ifelse(manual, costs.manual_order_minutes, 0.0)
        + ibis.ifelse(o.custom.fill_null(False), costs.custom_request_minutes, 0.0))
    orders = _by_month(o, "placed_at", order_min * rate, "orders")
    u = inp.in_window("usage", "period_start")
    unit = ibis.cases(*[(u.metric == k, float(v)) for k, v in costs.usage_unit_cost.items()],
                      else_=0.0) if costs.usage_unit_cost else ibis.literal(0.0)
    over = (u.quantity - u.allowance.fill_null(u.quantity)).clip(lower=0)
    usage = _by_month(u, "period_start", over * u.unit_cost.cast("float64").fill_null(unit),
                      "usage")
    p = inp.in_window("payments", "at")
    fee = ibis.cases((p.outcome == "failed", float(costs.payment_failure_fee)),
                     (p.outcome == "dispute", float(costs.dispute_fee)),
                     (p.outcome == "chargeback", float(costs.chargeback_fee)), else_=0.0)
    friction = _by_month(p, "at", fee, "friction")
    c = inp.in_window("costs", "at")
    direct = _by_month(c, "at", c.amount.cast("float64"), "direct")
    out = revenue
    for part in (support, orders, usage, friction, direct):
        out = out.merge(part, on=["customer_id", "month"], how="outer")
    out = out.fillna(0.0)
    if out.empty:
        return pd.DataFrame(columns=list(MONTHLY_COLUMNS))
    out["cost"] = out[["support", "orders", "usage", "friction", "direct"]].sum(axis=1)
    out["margin"] = [(r - c) / r if r > 0 else (float("-inf") if c > 0 else float("nan"))
                     for r, c in zip(out["revenue"], out["cost"], strict=True)]
    out["month"] = pd.to_datetime(out["month"])
    return out[list(MONTHLY_COLUMNS)].sort_values(["customer_id", "month"]).reset_index(drop=True)
