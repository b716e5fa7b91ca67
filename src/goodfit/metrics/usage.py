"""Usage beyond the plan allowance, costed per unit.

For each usage period starting in the window: excess = max(quantity − allowance, 0)
(no allowance means 0 included); cost = excess × unit cost, rounded to cents per period.
The unit cost is the row's ``unit_cost`` when set, else ``[costs] usage_unit_cost`` for the
metric, else 0 (a metric with no known cost is reported but costs nothing).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from goodfit.config import Config
from goodfit.metrics.common import TABLES, dec, money, month, number
from goodfit.window import Window


def configured_unit_cost(metric: ir.StringValue, config: Config) -> ir.Value:
    cases = [(metric == name, money(dec(cost)))
             for name, cost in sorted(config.costs.usage_unit_cost.items())]
    zero = money(dec(0))
    return ibis.cases(*cases, else_=zero) if cases else zero


def usage_rows(tables: TABLES, config: Config, window: Window) -> ir.Table:
    u = tables["usage"]
    u = u.filter(window.contains(u.period_start))
    allowance = u.allowance.cast("float64").coalesce(number(0))
    excess = ibis.greatest(u.quantity.cast("float64") - allowance, number(0))
    unit = money(u.unit_cost).coalesce(configured_unit_cost(u.metric, config))
    rows = u.select(customer_id=u.customer_id, service_id=u.service_id,
                    period_start=u.period_start, metric=u.metric, quantity=u.quantity,
                    allowance=u.allowance, excess=excess, unit_cost=unit,
                    month=month(u.period_start),
                    cost=money((money(excess.round(4)) * unit).round(2)))
    return rows


def usage_by_customer(tables: TABLES, config: Config, window: Window) -> ir.Table:
    rows = usage_rows(tables, config, window)
    return rows.group_by("customer_id").aggregate(usage_cost=rows.cost.sum())
