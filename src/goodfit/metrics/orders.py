"""Order handling and custom work, and the one definition of a manual order.

Orders placed through a ``[costs] self_service_channels`` channel (by default the
self-service form and the API: an API order comes from the customer's own automation and
takes no staff time) cost nothing to handle. Any other channel (email, phone, chat) is a
manual order: its logged ``handling_minutes``, else
``[costs] manual_order_minutes``. Logged handling minutes on a self-service order are
counted too (someone did spend them). An order without a channel is not a manual order:
nothing says staff placed it. An order flagged ``custom`` adds
``[costs] custom_request_minutes`` of custom work. Minutes are costed at
``staff_hourly_rate`` and rounded to cents per order.
"""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from goodfit.config import Config
from goodfit.metrics.common import TABLES, labour_cost, month, number
from goodfit.window import Window


def is_manual(channel: ir.StringValue, self_service: Sequence[str]) -> ir.BooleanValue:
    """A manual order: placed through a channel other than ``self_service`` (pass
    ``config.costs.self_service_channels``); no channel is not manual. The only rule:
    cost model, flags, segments, rewards, what-ifs and early risk all use it."""
    return (channel.notnull() & ~channel.isin(list(self_service))).fill_null(False)


def is_manual_channel(channel: str | None, self_service: Sequence[str]) -> bool:
    """The same rule for one value already in Python."""
    return channel is not None and channel == channel and channel not in self_service


def order_rows(tables: TABLES, config: Config, window: Window) -> ir.Table:
    """Orders placed in the window: ``manual``, ``custom``, minutes and cost of each."""
    o = tables["orders"]
    o = o.filter(window.contains(o.placed_at))
    manual = is_manual(o.channel, config.costs.self_service_channels)
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


def order_counts(tables: TABLES, config: Config, window: Window) -> ir.Table:
    """Per customer with orders in the window: ``manual_orders`` and ``custom_orders``."""
    rows = order_rows(tables, config, window)
    return rows.group_by("customer_id").aggregate(
        manual_orders=rows.manual.sum(),
        custom_orders=rows.custom.sum())
