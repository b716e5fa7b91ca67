"""Recognised revenue: paid invoices less refunds and chargebacks, in the project currency.

How refunds and chargebacks combine, so nothing is counted twice:

* An invoice is recognised when it was paid (status paid, refunded or disputed, or a
  ``paid_at`` with no status) and its ``paid_at`` (else ``issued_at``) lies in the window.
  Unpaid and cancelled invoices are not revenue. Credit invoices (negative amounts) reduce
  revenue.
* Money given back on an invoice can be recorded twice: as the invoice's
  ``refunded_amount`` and as payment rows (outcome ``refunded`` or ``chargeback``) that
  name the invoice. Both describe the same money, so the invoice's deduction is the
  **larger** of the two — never their sum — capped at the invoice amount. An invoice with
  status ``refunded`` and neither record is taken as fully refunded.
* Refund and chargeback payments that name no known invoice are deducted on their own,
  in the window their ``at`` falls in.
* Payment rows recorded at or after ``as_of`` are ignored.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from goodfit.config import Config
from goodfit.metrics.common import TABLES, money, month, to_project, zero
from goodfit.window import Window

RECOGNISED_STATUSES = ("paid", "refunded", "disputed")
RETURN_OUTCOMES = ("refunded", "chargeback")


def invoice_rows(tables: TABLES, config: Config, window: Window) -> ir.Table:
    """One row per recognised invoice with its gross amount, deduction and net revenue."""
    inv = tables["invoices"]
    pay = tables["payments"]
    recognised_at = inv.paid_at.coalesce(inv.issued_at)
    paid = inv.status.isin(RECOGNISED_STATUSES) | (inv.status.isnull() & inv.paid_at.notnull())
    inv = inv.filter(paid, window.contains(recognised_at))
    returns = pay.filter(pay.outcome.isin(RETURN_OUTCOMES), pay.invoice_id.notnull(),
                         window.known(pay.at))
    returned = returns.group_by(_inv=returns.invoice_id).aggregate(
        returned=to_project(returns.amount, returns.currency, config).sum(),
        chargebacks=(returns.outcome == "chargeback").sum(),
    )
    j = inv.left_join(returned, inv.invoice_id == returned._inv)
    gross = to_project(j.amount, j.currency, config)
    refunded = to_project(j.refunded_amount, j.currency, config)
    recorded = ibis.greatest(refunded.coalesce(zero()), money(j.returned.coalesce(zero())))
    full = ibis.ifelse((j.status == "refunded") & j.refunded_amount.isnull()
                       & j.returned.isnull(), gross, recorded)
    deducted = money(ibis.least(full, ibis.greatest(gross, zero())))
    rows = j.select(
        customer_id=j.customer_id, invoice_id=j.invoice_id, at=recognised_at.name("at"),
        status=j.status, kind=j.kind, currency=j.currency, amount=j.amount,
        gross=gross, deducted=deducted,
        chargebacks=j.chargebacks.coalesce(0).cast("int64"),
        net=money(gross - deducted), month=month(recognised_at),
    )
    return rows


def unlinked_return_rows(tables: TABLES, config: Config, window: Window) -> ir.Table:
    """Refunds and chargebacks that name no known invoice: deducted on their own date."""
    pay = tables["payments"]
    inv = tables["invoices"]
    returns = pay.filter(pay.outcome.isin(RETURN_OUTCOMES), window.contains(pay.at))
    orphan = returns.anti_join(inv, returns.invoice_id == inv.invoice_id)
    amount = to_project(orphan.amount, orphan.currency, config)
    return orphan.select(customer_id=orphan.customer_id, payment_id=orphan.payment_id,
                         invoice_id=orphan.invoice_id, at=orphan.at, outcome=orphan.outcome,
                         amount=amount, net=money(-amount), month=month(orphan.at))


def revenue_rows(tables: TABLES, config: Config, window: Window) -> ir.Table:
    """Every row that moves revenue: (customer_id, source, id, at, month, net)."""
    inv = invoice_rows(tables, config, window)
    pay = unlinked_return_rows(tables, config, window)
    cols = ("customer_id", "source", "id", "at", "month", "net")
    a = inv.select(customer_id=inv.customer_id, source=ibis.literal("invoice"),
                   id=inv.invoice_id, at=inv.at, month=inv.month, net=inv.net)
    b = pay.select(customer_id=pay.customer_id, source=ibis.literal("payment"),
                   id=pay.payment_id, at=pay.at, month=pay.month, net=pay.net)
    return a.union(b).select(*cols)


def revenue_by_customer(tables: TABLES, config: Config, window: Window) -> ir.Table:
    rows = revenue_rows(tables, config, window)
    return rows.group_by("customer_id").aggregate(revenue=money(rows.net.sum()))
