"""Small builders for canonical tables: ``provider().customer("acme").ticket(...)``.

Rows are typed per goodfit.schema and handed to each backend as pyarrow tables.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from decimal import Decimal
from typing import Any

import pyarrow as pa

from goodfit.schema import TABLES, Kind

ARROW: dict[Kind, pa.DataType] = {
    Kind.STRING: pa.string(), Kind.ENUM: pa.string(), Kind.TIMESTAMP: pa.timestamp("us"),
    Kind.DATE: pa.date32(), Kind.MONEY: pa.decimal128(18, 4), Kind.INTEGER: pa.int64(),
    Kind.NUMBER: pa.float64(), Kind.BOOLEAN: pa.bool_(),
}


def ts(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _coerce(kind: Kind, value: Any) -> Any:
    if value is None:
        return None
    if kind is Kind.TIMESTAMP and isinstance(value, str):
        return ts(value)
    if kind is Kind.MONEY:
        return Decimal(str(value))
    if kind is Kind.NUMBER:
        return float(value)
    return value


class Provider:
    """Rows of every canonical table; the last customer / ticket named is the default."""

    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
        self._ids = itertools.count(1)
        self._customer: str | None = None
        self._ticket: str | None = None

    def _add(self, table: str, prefix: str, key: str | None, **values: Any) -> str:
        spec = TABLES[table]
        unknown = set(values) - set(spec.column_names)
        assert not unknown, f"{table} has no column(s) {unknown}"
        row_id = values.get(key) if key else None
        if key and row_id is None:
            row_id = f"{prefix}{next(self._ids)}"
            values[key] = row_id
        if "customer_id" in spec.column_names and table != "customers":
            values.setdefault("customer_id", self._customer)
        self.rows[table].append(values)
        return str(row_id)

    def customer(self, customer_id: str, signup_at: str = "2023-01-01", **kw: Any) -> Provider:
        kw.setdefault("name", customer_id.title())
        self._add("customers", "C", "customer_id", customer_id=customer_id,
                  signup_at=signup_at, **kw)
        self._customer = customer_id
        return self

    def ticket(self, opened_at: str, ticket_id: str | None = None, *, staff_replies: int = 0,
               customer_replies: int = 0, **kw: Any) -> Provider:
        tid = self._add("tickets", "T", "ticket_id", ticket_id=ticket_id, opened_at=opened_at,
                        **kw)
        self._ticket = tid
        for _ in range(staff_replies):
            self.message("staff", opened_at)
        for _ in range(customer_replies):
            self.message("customer", opened_at)
        return self

    def message(self, author_role: str, sent_at: str, **kw: Any) -> Provider:
        self._add("messages", "M", "message_id", ticket_id=kw.pop("ticket_id", self._ticket),
                  author_role=author_role, sent_at=sent_at, body="…", **kw)
        return self

    def invoice(self, amount: str, issued_at: str, invoice_id: str | None = None,
                **kw: Any) -> Provider:
        kw.setdefault("status", "paid")
        if kw["status"] in ("paid", "refunded", "disputed"):
            kw.setdefault("paid_at", issued_at)
        self._add("invoices", "I", "invoice_id", invoice_id=invoice_id, amount=amount,
                  issued_at=issued_at, **kw)
        return self

    def payment(self, amount: str, at: str, outcome: str = "succeeded", **kw: Any) -> Provider:
        self._add("payments", "P", "payment_id", amount=amount, at=at, outcome=outcome, **kw)
        return self

    def order(self, placed_at: str, channel: str = "self_service", **kw: Any) -> Provider:
        self._add("orders", "O", "order_id", placed_at=placed_at, channel=channel, **kw)
        return self

    def usage(self, period_start: str, metric: str, quantity: float, **kw: Any) -> Provider:
        kw.setdefault("service_id", "S1")
        self._add("usage", "U", None, period_start=period_start, metric=metric,
                  quantity=quantity, **kw)
        return self

    def cost(self, amount: str, at: str, **kw: Any) -> Provider:
        self._add("costs", "X", None, amount=amount, at=at, **kw)
        return self

    def arrow(self) -> dict[str, pa.Table]:
        out = {}
        for name, spec in TABLES.items():
            cols = {}
            for col in spec.columns:
                values = [_coerce(col.kind, r.get(col.name)) for r in self.rows[name]]
                cols[col.name] = pa.array(values, type=ARROW[col.kind])
            out[name] = pa.table(cols)
        return out


def provider() -> Provider:
    return Provider()
