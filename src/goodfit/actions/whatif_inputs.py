"""A scorecard-shaped table for what-ifs when the metrics package is not available.

``goodfit.metrics.scorecard`` is the reference for cost to serve. Until a project has
it, ``Project.whatif`` falls back to this small stand-in, computed from the canonical
tables with the ``[costs]`` model: revenue (paid invoices other than credits, less
refunds), support (logged minutes, else staff replies × ``reply_minutes``), manual
order handling, custom work and direct costs. It leaves out payment friction and usage
beyond allowance, which the full scorecard adds.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

import ibis
import pyarrow as pa

from goodfit.actions.rewards import paid_revenue
from goodfit.config import Config
from goodfit.money import cents, convert


def basic_scorecard(tables: Mapping[str, ibis.Table], config: Config, since: datetime,
                    until: datetime) -> ibis.Table:
    costs = config.costs
    cur = config.project.currency
    rate = costs.staff_hourly_rate / 60  # per minute
    revenue = paid_revenue(tables["invoices"], since, until, cur, costs.currency_rates)

    t = tables["tickets"]
    t = t.filter((t.opened_at >= since) & (t.opened_at <= until))
    m = tables["messages"]
    replies = m.filter(m.author_role == "staff").group_by("ticket_id").aggregate(
        replies=lambda x: x.count())
    tk = t.left_join(replies, t.ticket_id == replies.ticket_id).select(
        t.customer_id, t.channel, t.staff_minutes, replies.replies).to_pyarrow().to_pylist()
    minutes: dict[str, float] = {}
    for r in tk:
        logged = r["staff_minutes"]
        if logged is None:
            per = costs.reply_minutes.get(r["channel"] or "default",
                                          costs.reply_minutes.get("default", 10.0))
            logged = per * (r["replies"] or 0)
        minutes[str(r["customer_id"])] = minutes.get(str(r["customer_id"]), 0.0) + logged

    o = tables["orders"]
    o = o.filter((o.placed_at >= since) & (o.placed_at <= until)).select(
        "customer_id", "channel", "custom", "handling_minutes").to_pyarrow().to_pylist()
    order_cost: dict[str, Decimal] = {}
    custom_cost: dict[str, Decimal] = {}
    for r in o:
        cid = str(r["customer_id"])
        if r["custom"]:
            mins = r["handling_minutes"] or costs.custom_request_minutes
            custom_cost[cid] = custom_cost.get(cid, Decimal(0)) + Decimal(str(mins)) * rate
        elif r["channel"] is not None and r["channel"] != "self_service":
            mins = r["handling_minutes"] or costs.manual_order_minutes
            order_cost[cid] = order_cost.get(cid, Decimal(0)) + Decimal(str(mins)) * rate

    c = tables["costs"]
    direct_rows = (c.filter((c.at >= since) & (c.at <= until)).group_by(["customer_id",
                                                                          "currency"])
                   .aggregate(total=lambda x: x.amount.sum()).to_pyarrow().to_pylist())
    direct: dict[str, Decimal] = {}
    for r in direct_rows:
        cid = str(r["customer_id"])
        direct[cid] = direct.get(cid, Decimal(0)) + convert(
            Decimal(str(r["total"] or 0)), r["currency"], cur, costs.currency_rates)

    cust = tables["customers"].select("customer_id", "name", "plan").to_pyarrow().to_pylist()
    out: dict[str, list[object]] = {k: [] for k in (
        "customer_id", "name", "plan", "revenue", "support_minutes", "support_cost",
        "order_handling_cost", "custom_work_cost", "direct_cost", "cost_to_serve", "profit")}
    for r in cust:
        cid = str(r["customer_id"])
        mins = minutes.get(cid, 0.0)
        parts = (cents(Decimal(str(mins)) * rate), cents(order_cost.get(cid, Decimal(0))),
                 cents(custom_cost.get(cid, Decimal(0))), cents(direct.get(cid, Decimal(0))))
        cost = sum(parts, Decimal(0))
        rev = cents(revenue.get(cid, Decimal(0)))
        for k, v in zip(out, (cid, r["name"], r["plan"], rev, mins, *parts, cost, rev - cost),
                        strict=True):
            out[k].append(v)
    money = pa.decimal128(18, 4)
    schema = pa.schema([("customer_id", pa.string()), ("name", pa.string()),
                        ("plan", pa.string()), ("revenue", money),
                        ("support_minutes", pa.float64()), ("support_cost", money),
                        ("order_handling_cost", money), ("custom_work_cost", money),
                        ("direct_cost", money), ("cost_to_serve", money), ("profit", money)])
    return ibis.memtable(pa.table(out, schema=schema))
