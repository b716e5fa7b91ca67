"""Payment friction: what failed payments, disputes and chargebacks cost to handle.

Each payment attempt in the window with outcome ``failed`` costs
``[costs] payment_failure_fee``, ``dispute`` costs ``dispute_fee`` and ``chargeback`` costs
``chargeback_fee``. (A chargeback also reduces revenue, see revenue.py: the fee is what
handling it costs, the deduction is the money lost; they are different figures.)
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from goodfit.config import Config
from goodfit.metrics.common import TABLES, dec, money, month
from goodfit.window import Window

FRICTION_OUTCOMES = ("failed", "dispute", "chargeback")


def friction_rows(tables: TABLES, config: Config, window: Window) -> ir.Table:
    p = tables["payments"]
    p = p.filter(p.outcome.isin(FRICTION_OUTCOMES), window.contains(p.at))
    c = config.costs
    fee = ibis.cases((p.outcome == "failed", money(dec(c.payment_failure_fee))),
                     (p.outcome == "dispute", money(dec(c.dispute_fee))),
                     else_=money(dec(c.chargeback_fee)))
    return p.select(customer_id=p.customer_id, payment_id=p.payment_id, invoice_id=p.invoice_id,
                    at=p.at, outcome=p.outcome, amount=p.amount, currency=p.currency,
                    fee=fee, month=month(p.at))


def friction_by_customer(tables: TABLES, config: Config, window: Window) -> ir.Table:
    rows = friction_rows(tables, config, window)
    return rows.group_by("customer_id").aggregate(payment_friction_cost=rows.fee.sum())
