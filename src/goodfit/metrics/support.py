"""Support minutes and cost per ticket: logged when present, else estimated.

A ticket's minutes are its ``staff_minutes`` when logged. Otherwise they are estimated as
the number of staff replies (messages with author_role = staff sent before ``as_of``) ×
``[costs] reply_minutes`` for the ticket's channel (the ``default`` key for a channel not
listed, or no channel); such tickets carry ``estimated = true``. A ticket with neither
logged minutes nor a staff reply gets ``[costs] ticket_default_minutes`` (by priority,
channel or ``default``) when that is configured — estimated, too; otherwise it has no
measured time: it counts 0 minutes and the scorecard counts it in ``untimed_tickets``, so
nobody mistakes it for a free ticket.
Only tickets opened in the window count.

Cost = minutes × the hourly rate of the ticket's assignee (``[costs.staff_rates]``; the
flat ``[costs] staff_hourly_rate`` for an unassigned ticket or an assignee not listed),
rounded to cents per ticket.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from goodfit.config import Config, CostSettings
from goodfit.metrics.common import TABLES, from_cents, month, number
from goodfit.schema import PRIORITIES, TICKET_CHANNELS
from goodfit.window import Window


def reply_minutes(channel: ir.StringValue, costs: CostSettings) -> ir.FloatingValue:
    """Minutes assumed per staff reply on ``channel`` ([costs] reply_minutes)."""
    table = dict(costs.reply_minutes)
    default = float(table.pop("default", 10.0))
    cases = [(channel == name, number(mins)) for name, mins in sorted(table.items())]
    return ibis.cases(*cases, else_=number(default)) if cases else number(default)


def default_minutes(priority: ir.StringValue, channel: ir.StringValue,
                    costs: CostSettings) -> ir.FloatingValue:
    """``[costs] ticket_default_minutes`` for a ticket: by its priority, else its channel,
    else the ``default`` key; NULL when nothing applies (always NULL when not configured)."""
    table = dict(costs.ticket_default_minutes)
    fallback = table.pop("default", None)
    cases = [(priority == k, number(v)) for k, v in sorted(table.items()) if k in PRIORITIES]
    cases += [(channel == k, number(v)) for k, v in sorted(table.items())
              if k in TICKET_CHANNELS]
    none = ibis.null().cast("float64")
    otherwise = number(float(fallback)) if fallback is not None else none
    return ibis.cases(*cases, else_=otherwise) if cases else otherwise


def ticket_minutes(staff_minutes: ir.NumericValue, staff_replies: ir.IntegerValue,
                   priority: ir.StringValue, channel: ir.StringValue, costs: CostSettings
                   ) -> tuple[ir.FloatingValue, ir.StringValue]:
    """(minutes, basis) of a ticket — the one rule: ``logged`` (staff_minutes), else
    ``replies`` (staff replies × reply_minutes), else ``default`` ([costs]
    ticket_default_minutes, when configured), else ``none`` (0 minutes, untimed)."""
    n = staff_replies.coalesce(0)
    fallback = default_minutes(priority, channel, costs)
    basis = ibis.cases((staff_minutes.notnull(), "logged"), (n > 0, "replies"),
                       (fallback.notnull(), "default"), else_="none")
    minutes = ibis.cases(
        (staff_minutes.notnull(), staff_minutes.cast("float64")),
        (n > 0, n.cast("float64") * reply_minutes(channel, costs)),
        (fallback.notnull(), fallback), else_=number(0.0))
    return minutes, basis


def hourly_rate(assignee: ir.StringValue, config: Config) -> ir.FloatingValue:
    """The hourly cost of the ticket's assignee: ``[costs.staff_rates]`` by assignee name,
    else ``[costs] staff_hourly_rate`` (no assignee, or one not listed)."""
    flat = number(float(config.costs.staff_hourly_rate))
    cases = [(assignee.strip() == name, number(float(rate)))
             for name, rate in sorted(config.costs.staff_rates.items())]
    return ibis.cases(*cases, else_=flat) if cases else flat


def ticket_rows(tables: TABLES, config: Config, window: Window) -> ir.Table:
    """One row per ticket opened in the window: replies, minutes, estimated flag, cost."""
    tickets = tables["tickets"]
    tickets = tickets.filter(window.contains(tickets.opened_at))
    msgs = tables["messages"]
    staff = msgs.filter(msgs.author_role == "staff", window.known(msgs.sent_at))
    replies = staff.group_by(_tid=staff.ticket_id).aggregate(staff_replies=staff.count())
    j = tickets.left_join(replies, tickets.ticket_id == replies._tid)
    n_replies = j.staff_replies.coalesce(0).cast("int64")
    estimated = j.staff_minutes.isnull()
    minutes, basis = ticket_minutes(j.staff_minutes, n_replies, j.priority, j.channel,
                                    config.costs)
    rate = hourly_rate(j.assignee, config)
    cents = (minutes.cast("float64") * rate * 100.0 / 60.0).round(0).cast("int64")
    rows = j.select(
        customer_id=j.customer_id, ticket_id=j.ticket_id, opened_at=j.opened_at,
        channel=j.channel, priority=j.priority, subject=j.subject,
        category=j.category, assignee=j.assignee,
        staff_minutes=j.staff_minutes, staff_replies=n_replies,
        minutes=minutes, estimated=estimated, minutes_basis=basis, month=month(j.opened_at),
        cost=from_cents(cents), cost_cents=cents,
    )
    return rows


def support_by_customer(tables: TABLES, config: Config, window: Window) -> ir.Table:
    rows = ticket_rows(tables, config, window)
    no_time = rows.minutes_basis == "none"
    return rows.group_by("customer_id").aggregate(
        tickets=rows.count(),
        support_minutes=rows.minutes.sum(),
        # estimated from staff replies or the per-ticket default (a ticket with neither
        # logged minutes nor a staff reply nor a configured default is untimed)
        minutes_estimated=rows.minutes_basis.isin(["replies", "default"]).any(),
        untimed_tickets=ibis.ifelse(no_time, 1, 0).sum(),
        support_cost=from_cents(rows.cost_cents.sum()),
    )
