"""Direct costs (licences, hardware, third parties) incurred in the window, converted to
the project currency."""

from __future__ import annotations

import ibis.expr.types as ir

from goodfit.config import Config
from goodfit.metrics.common import TABLES, month, to_project
from goodfit.window import Window


def direct_cost_rows(tables: TABLES, config: Config, window: Window) -> ir.Table:
    c = tables["costs"]
    c = c.filter(window.contains(c.at))
    return c.select(customer_id=c.customer_id, at=c.at, category=c.category, amount=c.amount,
                    currency=c.currency, cost=to_project(c.amount, c.currency, config),
                    month=month(c.at))


def direct_costs_by_customer(tables: TABLES, config: Config, window: Window) -> ir.Table:
    rows = direct_cost_rows(tables, config, window)
    return rows.group_by("customer_id").aggregate(direct_cost=rows.cost.sum())
