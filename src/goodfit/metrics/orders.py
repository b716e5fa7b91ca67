"""Order handling and custom work.

Orders placed through the self-service form or the API cost nothing to handle. Any other
channel (email, phone, chat) is a manual order: its logged ``handling_minutes``, else
``[costs] manual_order_minutes``. Logged handling minutes on a self-service order are
counted too (someone did spend them). An order flagged ``custom`` adds
``[costs] custom_request_minutes`` of custom work. Minutes are costed at
``staff_hourly_rate`` and rounded to cents per order.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from goodfit.config import Config
from goodfit.metrics.common import TABLES, labour_cost, month, number
from goodfit.window import Window

SELF_SERVICE = ("self_service", "api")


def order_rows(tables: TABLES, config: Config, window: Window) -> ir.Table:
    o = tables["orders"]
    o = o.filter(window.contains(o.placed_at))
    manual = o.channel.notnull() & ~o.channel.isin(SELF_SERVICE)
    default = ibis.ifelse(manual, number(config.costs.manual_order_minutes), number(0))
    handling = o.handling_minutes.cast("float64").coalesce(default)
    custom = o.custom.coalesce(False)
    custom_minutes = ibis.ifelse(custom, number(config.costs.custom_request_minutes), number(0))
    rows = o.select(customer_id=o.customer_id, order_id=o.order_id, placed_at=o.placed_at,
                    channel=o.channel, manual=manual, custom=custom,
                    handling_minutes=handling, custom_minutes=custom_minutes,
                    month=month(o.placed_at),
                    handling_cost=labour_cost(handling, config),
                    custom_cost=labour_cost(custom_minutes, config))
    return rows


def orders_by_customer(tables: TABLES, config: Config, window: Window) -> ir.Table:
    rows = order_rows(tables, config, window)
    return rows.group_by("customer_id").aggregate(
        order_handling_cost=rows.handling_cost.sum(), custom_work_cost=rows.custom_cost.sum())
