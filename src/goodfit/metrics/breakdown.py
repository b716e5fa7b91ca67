"""One customer, every figure broken down to the rows behind it, and a monthly trend.

``breakdown_tables`` is pure Ibis (one expression per kind of evidence);
``CustomerBreakdown.collect`` runs them for one customer and keeps the results.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir
import pyarrow as pa

from goodfit.config import Config
from goodfit.metrics.common import MONEY, TABLES, money, number, zero
from goodfit.metrics.costs import direct_cost_rows
from goodfit.metrics.orders import order_rows
from goodfit.metrics.payments import friction_rows
from goodfit.metrics.revenue import invoice_rows, revenue_rows, unlinked_return_rows
from goodfit.metrics.scorecard import scorecard
from goodfit.metrics.service_levels import load_by, service_levels_by_customer
from goodfit.metrics.support import ticket_rows
from goodfit.metrics.usage import usage_rows
from goodfit.window import Window

EVIDENCE = ("tickets", "invoices", "returns", "payments", "orders", "usage", "costs")


def monthly_trend(tables: TABLES, config: Config, window: Window) -> ir.Table:
    """Per customer and month: revenue, tickets, minutes, support cost, other costs, profit."""
    def frame(t: ir.Table, *, revenue: Any = None, tickets: Any = None, minutes: Any = None,
              support: Any = None, other: Any = None) -> ir.Table:
        return t.select(
            customer_id=t.customer_id, month=t.month,
            revenue=money(revenue) if revenue is not None else zero(),
            tickets=(tickets if tickets is not None else ibis.literal(0)).cast("int64"),
            minutes=(minutes if minutes is not None else number(0)).cast("float64"),
            support_cost=money(support) if support is not None else zero(),
            other_cost=money(other) if other is not None else zero(),
        )

    rev = revenue_rows(tables, config, window)
    tk = ticket_rows(tables, config, window)
    od = order_rows(tables, config, window)
    fr = friction_rows(tables, config, window)
    us = usage_rows(tables, config, window)
    dc = direct_cost_rows(tables, config, window)
    parts = [
        frame(rev, revenue=rev.net),
        frame(tk, tickets=ibis.literal(1), minutes=tk.minutes, support=tk.cost),
        frame(od, other=od.handling_cost + od.custom_cost),
        frame(fr, other=fr.fee),
        frame(us, other=us.cost),
        frame(dc, other=dc.cost),
    ]
    allrows = ibis.union(*parts)
    m = allrows.group_by(["customer_id", "month"]).aggregate(
        revenue=money(allrows.revenue.sum()), tickets=allrows.tickets.sum(),
        minutes=allrows.minutes.sum(), support_cost=money(allrows.support_cost.sum()),
        other_cost=money(allrows.other_cost.sum()))
    return m.mutate(
        cost_to_serve=money(m.support_cost + m.other_cost),
        profit=money(m.revenue - m.support_cost - m.other_cost),
    ).order_by(["customer_id", "month"])


def breakdown_tables(tables: TABLES, config: Config, window: Window) -> dict[str, ir.Table]:
    return {
        "tickets": ticket_rows(tables, config, window).order_by("opened_at"),
        "invoices": invoice_rows(tables, config, window).order_by("at"),
        "returns": unlinked_return_rows(tables, config, window).order_by("at"),
        "payments": friction_rows(tables, config, window).order_by("at"),
        "orders": order_rows(tables, config, window).order_by("placed_at"),
        "usage": usage_rows(tables, config, window).order_by(["period_start", "metric"]),
        "costs": direct_cost_rows(tables, config, window).order_by("at"),
        "monthly": monthly_trend(tables, config, window),
    }


@dataclass
class CustomerBreakdown:
    """The scorecard row of one customer (``summary``) and the rows behind each figure:
    tickets (support), invoices and returns (revenue), payments (friction), orders
    (handling, custom work), usage (usage cost), costs (direct), monthly (trend)."""

    customer_id: str
    window: Window
    summary: dict[str, Any]
    tickets: pa.Table
    invoices: pa.Table
    returns: pa.Table
    payments: pa.Table
    orders: pa.Table
    usage: pa.Table
    costs: pa.Table
    monthly: pa.Table
    service: dict[str, Any] = field(default_factory=dict)  # metrics/service.py figures
    by_category: pa.Table | None = None  # tickets, minutes, support cost per category
    by_assignee: pa.Table | None = None

    @classmethod
    def collect(cls, tables: TABLES, config: Config, window: Window,
                customer_id: str) -> CustomerBreakdown:
        card = scorecard(tables, config, window)
        row = card.filter(card.customer_id == customer_id).to_pyarrow().to_pylist()
        parts = {name: expr.filter(expr.customer_id == customer_id).drop("customer_id")
                 .to_pyarrow() for name, expr in breakdown_tables(tables, config, window).items()}
        service = service_levels_by_customer(tables, config, window, customer_id).get(
            customer_id, {})
        split = {f"by_{by}": (lambda e: e.filter(e.customer_id == customer_id)
                              .drop("customer_id").to_pyarrow())(
                                  load_by(tables, config, window, by))  # type: ignore[arg-type]
                 for by in ("category", "assignee")}
        return cls(customer_id=customer_id, window=window, summary=row[0] if row else {},
                   **parts, service=service, **split)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"customer_id": self.customer_id, "window": self.window.to_dict(),
                               "summary": self.summary}
        for name in (*EVIDENCE, "monthly"):
            out[name] = getattr(self, name).to_pylist()
        out["service"] = self.service
        for name in ("by_category", "by_assignee"):
            t = getattr(self, name)
            out[name] = t.to_pylist() if t is not None else []
        return out


@dataclass(frozen=True)
class ByCustomer:
    """A per-customer table of the whole population kept compact, for a server that
    shows one customer at a time: the Arrow rows (sorted by customer, without its id) and
    each customer's span of them. Read once per snapshot; each look-up is a slice."""

    rows: pa.Table
    spans: dict[str, tuple[int, int]]

    @classmethod
    def of(cls, table: pa.Table) -> ByCustomer:
        """``table`` sorted by customer_id (its rows of one customer together)."""
        spans: dict[str, tuple[int, int]] = {}
        ids = table.column("customer_id").to_pylist()
        start = 0
        for i in range(1, len(ids) + 1):
            if i == len(ids) or ids[i] != ids[start]:
                spans[str(ids[start])] = (start, i - start)
                start = i
        return cls(table.drop_columns(["customer_id"]), spans)

    def get(self, customer_id: str) -> list[dict[str, Any]]:
        span = self.spans.get(customer_id)
        return [] if span is None else list(self.rows.slice(*span).to_pylist())


customer_breakdown = CustomerBreakdown.collect
__all__ = ["MONEY", "ByCustomer", "CustomerBreakdown", "breakdown_tables", "customer_breakdown",
           "monthly_trend"]
