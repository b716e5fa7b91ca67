"""Service-level figures per customer, from the canonical ticket columns.

For the tickets a customer opened in the window:

first response   minutes from opened_at to first_response_at: median and 90th percentile
                 (continuous percentiles, the same on every engine); NULL with none known
resolution       hours from opened_at to closed_at: median and 90th percentile
SLA              ``sla_judged`` tickets with a first response or a close time known;
                 ``sla_breaches`` among them whose first response came later than
                 ``[service_levels] first_response_minutes`` or whose close came later than
                 ``resolution_hours`` for the ticket's priority ("default" for none). A
                 ticket without those times is not judged: no time, no breach claimed
reopen rate      tickets reopened at least once / tickets with reopened_count known
CSAT             average and count of satisfaction (1–5) given

``load_by`` splits tickets, minutes and support cost by category or assignee (minutes and
cost exactly as the scorecard's: metrics/support.py).
"""

from __future__ import annotations

from typing import Any, Literal

import ibis
import ibis.expr.types as ir

from goodfit.config import Config
from goodfit.metrics.common import TABLES, from_cents, number
from goodfit.metrics.support import ticket_rows
from goodfit.window import Window

SERVICE_COLUMNS = ("first_response_median_minutes", "first_response_p90_minutes",
                   "resolution_median_hours", "resolution_p90_hours", "sla_judged",
                   "sla_breaches", "reopen_rate", "csat_average", "csat_count")


def _target(priority: ir.StringValue, table: dict[str, float]) -> ir.FloatingValue:
    targets = dict(table)
    default = number(float(targets.pop("default", max(targets.values(), default=0.0))))
    cases = [(priority == name, number(float(v))) for name, v in sorted(targets.items())]
    return ibis.cases(*cases, else_=default) if cases else default


def service_levels(tables: TABLES, config: Config, window: Window,
                   customer_id: str | None = None) -> ir.Table:
    """One row per customer with tickets in the window: the SERVICE_COLUMNS (only
    ``customer_id``'s row when given: its tickets are picked before any figure is worked
    out, so one customer costs one customer's tickets)."""
    t = tables["tickets"]
    t = t.filter(window.contains(t.opened_at))
    if customer_id is not None:
        t = t.filter(t.customer_id == customer_id)
    sl = config.service_levels
    opened = t.opened_at.epoch_seconds().cast("float64")
    known_response = t.first_response_at.notnull() & window.known(t.first_response_at)
    known_close = t.closed_at.notnull() & window.known(t.closed_at)
    response = ibis.ifelse(known_response,
                           (t.first_response_at.epoch_seconds().cast("float64") - opened) / 60.0,
                           ibis.null("float64"))
    resolution = ibis.ifelse(known_close,
                             (t.closed_at.epoch_seconds().cast("float64") - opened) / 3600.0,
                             ibis.null("float64"))
    late_response = known_response & (response > _target(t.priority, sl.first_response_minutes))
    late_close = known_close & (resolution > _target(t.priority, sl.resolution_hours))
    x = t.mutate(_response=response, _resolution=resolution,
                 _judged=ibis.ifelse(known_response | known_close, 1, 0),
                 _breach=ibis.ifelse(late_response | late_close, 1, 0),
                 _reopen_known=ibis.ifelse(t.reopened_count.notnull(), 1, 0),
                 _reopened=ibis.ifelse(t.reopened_count.coalesce(0) > 0, 1, 0),
                 _csat=t.satisfaction.cast("float64"))
    agg = x.group_by("customer_id").aggregate(
        first_response_median_minutes=x._response.quantile(0.5),
        first_response_p90_minutes=x._response.quantile(0.9),
        resolution_median_hours=x._resolution.quantile(0.5),
        resolution_p90_hours=x._resolution.quantile(0.9),
        sla_judged=x._judged.sum().cast("int64"),
        sla_breaches=x._breach.sum().cast("int64"),
        _reopen_known=x._reopen_known.sum(),
        _reopened=x._reopened.sum(),
        csat_average=x._csat.mean(),
        csat_count=x._csat.count().cast("int64"),
    )
    return agg.select(
        "customer_id", *SERVICE_COLUMNS[:6],
        reopen_rate=ibis.ifelse(agg._reopen_known > 0,
                                agg._reopened.cast("float64") / agg._reopen_known.cast("float64"),
                                ibis.null("float64")),
        csat_average=agg.csat_average, csat_count=agg.csat_count,
    ).order_by("customer_id")


def service_levels_by_customer(tables: TABLES, config: Config, window: Window,
                               customer_id: str | None = None) -> dict[str, dict[str, Any]]:
    """The SERVICE_COLUMNS by customer id (only ``customer_id`` when given; a customer
    without tickets in the window is absent): what the report and ``goodfit customer``
    show (the web's customer page reads the same ``service_levels`` rows, kept compact:
    ``Metrics.service_levels``)."""
    rows = service_levels(tables, config, window, customer_id).to_pyarrow().to_pylist()
    return {str(r.pop("customer_id")): r for r in rows}


def load_by(tables: TABLES, config: Config, window: Window,
            by: Literal["category", "assignee"]) -> ir.Table:
    """Tickets, minutes and support cost per customer and category (or assignee); an
    empty value is its own group (NULL), never folded into another."""
    rows = ticket_rows(tables, config, window)
    g = rows.group_by(["customer_id", rows[by].name("value")]).aggregate(
        tickets=rows.count(), minutes=rows.minutes.sum(),
        support_cost=from_cents(rows.cost_cents.sum()))
    return g.order_by(["customer_id", ibis.desc("minutes"), "value"])
