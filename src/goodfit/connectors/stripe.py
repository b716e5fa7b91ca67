"""Stripe → customers, contacts, services, invoices, payments.

Full sync lists every object (cursor pagination: ``limit``, ``starting_after``,
``has_more``). Incremental syncs read the Events API since the stored cursor: each event
carries the changed object whole, mapped like a listed one. Stripe keeps events for 30
days; an older cursor falls back to a full sync. Amounts are integers in the currency's
minor unit and are converted exactly (docs/connectors/stripe.md).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from goodfit.connectors.base import Batch, ConnectorContext, Cursor, Fetch, Options, parse_options
from goodfit.connectors.http import HttpClient, expect
from goodfit.connectors.rows import from_minor, from_unix

API = "https://api.stripe.com"
# Every request pins the API version whose object shapes this mapping reads (the last
# version before 2025-03-31.basil, which removed Charge.invoice and Invoice.charge/paid):
# without it an account's default version decides the shape. docs/connectors/stripe.md.
API_VERSION = "2024-06-20"
EVENT_RETENTION_SECONDS = 29 * 24 * 3600  # Stripe keeps 30 days; keep a day's margin
# Months per billing interval, to state every subscription as a monthly price.
MONTHS = {"day": Decimal(12) / Decimal(365), "week": Decimal(12) / Decimal(52),
          "month": Decimal(1), "year": Decimal(12)}
RECURRING_REASONS = {"subscription_cycle", "subscription_create", "subscription_update",
                     "subscription_threshold", "subscription"}
INVOICE_STATUS = {"paid": "paid", "open": "unpaid", "uncollectible": "unpaid", "void": "cancelled"}


class StripeOptions(Options):
    page_size: int = 100  # Stripe allows 1–100


class StripeConnector:
    options_model = StripeOptions  # [connectors.NAME] options
    credential_fields = ("token",)  # secret or restricted key

    def __init__(self, ctx: ConnectorContext) -> None:
        self.name = ctx.name
        self.options: StripeOptions = parse_options(StripeOptions, ctx.name, ctx.settings.options)
        (key,) = ctx.credentials.require(ctx.name, "token")
        self.http = HttpClient(f"Stripe ({ctx.name})", ctx.settings.url or API,
                               headers={"Authorization": f"Bearer {key}",
                                        "Stripe-Version": API_VERSION}, policy=ctx.policy)
        self._charge_customer: dict[str, str | None] = {}

    @property
    def requests(self) -> int:
        return self.http.requests

    def close(self) -> None:
        self.http.close()

    # -- paging ------------------------------------------------------------------
    def _list(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
        params = {"limit": self.options.page_size, **(params or {})}
        while True:
            body, _ = self.http.get(path, params)
            data = expect(body, "data", self.http.source, path)
            yield from data
            if not body.get("has_more") or not data:
                return
            params["starting_after"] = data[-1]["id"]

    # -- fetch -------------------------------------------------------------------
    def fetch(self, cursor: Cursor | None) -> Fetch:
        now = int(time.time())
        if cursor and now - int(cursor.get("events_since", 0)) < EVENT_RETENTION_SECONDS:
            return (yield from self._incremental(int(cursor["events_since"])))
        return (yield from self._full(now))

    def _full(self, now: int) -> Fetch:
        # The cursor is taken before listing: whatever changes while we list is
        # picked up again by the next incremental sync (re-fetching is harmless).
        since = now
        # Parents first, so each mapped batch can name its customer.
        lists: list[tuple[str, dict[str, Any]]] = [
            ("/v1/customers", {}), ("/v1/subscriptions", {"status": "all"}),
            ("/v1/invoices", {}), ("/v1/charges", {}), ("/v1/refunds", {}),
            ("/v1/disputes", {}),
        ]
        for path, params in lists:
            page: list[dict[str, Any]] = []
            for obj in self._list(path, params):
                page.append(obj)
                if len(page) >= self.options.page_size:
                    yield from self._map(page)
                    page = []
            yield from self._map(page)
        return {"events_since": since}

    def _incremental(self, since: int) -> Fetch:
        events = list(self._list("/v1/events", {"created[gte]": since}))
        events.reverse()  # Stripe lists newest first; apply oldest first, newest wins
        newest = max([since, *(int(e["created"]) for e in events)])
        objects = []
        for event in events:
            obj = dict(event.get("data", {}).get("object") or {})
            if event.get("type") == "customer.deleted":
                obj["deleted"] = True
                obj["_deleted_at"] = event.get("created")
            objects.append(obj)
        yield from self._map(objects)
        return {"events_since": newest}

    def _map(self, objects: list[dict[str, Any]]) -> Iterator[Batch]:
        out: dict[str, list[dict[str, Any]]] = {}
        for obj in objects:
            kind = obj.get("object")
            if kind == "customer":
                out.setdefault("customers", []).append(customer_row(obj))
                if obj.get("email") and not obj.get("deleted"):
                    out.setdefault("contacts", []).append(contact_row(obj))
            elif kind == "subscription":
                out.setdefault("services", []).extend(service_rows(obj))
            elif kind == "invoice" and obj.get("status") != "draft":
                out.setdefault("invoices", []).append(invoice_row(obj))
            elif kind == "charge":
                row = charge_row(obj)
                self._charge_customer[obj["id"]] = row["customer_id"]
                if row["outcome"]:
                    out.setdefault("payments", []).append(row)
            elif kind == "refund":
                out.setdefault("payments", []).append(self._refund_row(obj))
            elif kind == "dispute":
                out.setdefault("payments", []).append(self._dispute_row(obj))
        for table in ("customers", "contacts", "services", "invoices", "payments"):
            rows = [r for r in out.get(table, []) if r.get("customer_id")]
            if rows:
                yield Batch(table, rows)

    def _customer_of(self, charge: Any) -> str | None:
        if isinstance(charge, dict):
            return _id(charge.get("customer"))
        if not charge:
            return None
        if charge not in self._charge_customer:
            body, _ = self.http.get(f"/v1/charges/{charge}")
            self._charge_customer[charge] = _id((body or {}).get("customer"))
        return self._charge_customer[charge]

    def _refund_row(self, refund: dict[str, Any]) -> dict[str, Any]:
        cur = refund.get("currency")
        return {"payment_id": refund["id"], "customer_id": self._customer_of(refund.get("charge")),
                "invoice_id": None, "at": from_unix(refund.get("created")),
                "amount": from_minor(refund.get("amount"), cur), "currency": _cur(cur),
                "outcome": "refunded" if refund.get("status") != "failed" else "failed"}

    def _dispute_row(self, dispute: dict[str, Any]) -> dict[str, Any]:
        cur = dispute.get("currency")
        return {"payment_id": dispute["id"],
                "customer_id": self._customer_of(dispute.get("charge")),
                "invoice_id": None, "at": from_unix(dispute.get("created")),
                "amount": from_minor(dispute.get("amount"), cur), "currency": _cur(cur),
                # a lost dispute is a chargeback: the money is gone, plus the fee
                "outcome": "chargeback" if dispute.get("status") == "lost" else "dispute"}


def _id(value: Any) -> str | None:
    """Stripe fields are an id or, when expanded, the object."""
    if isinstance(value, dict):
        return value.get("id")
    return value or None


def _cur(code: str | None) -> str | None:
    return code.upper() if code else None


def customer_row(c: dict[str, Any]) -> dict[str, Any]:
    deleted = bool(c.get("deleted"))
    return {
        "customer_id": c["id"],
        "name": c.get("name") or c.get("description") or c.get("email"),
        "signup_at": from_unix(c.get("created") or c.get("_deleted_at")),
        "status": "cancelled" if deleted else "active",
        "cancelled_at": from_unix(c.get("_deleted_at")) if deleted else None,
        "country": ((c.get("address") or {}).get("country")),
        "email": c.get("email"),
        "currency": _cur(c.get("currency")),
    }


def contact_row(c: dict[str, Any]) -> dict[str, Any]:
    return {"contact_id": c["id"], "customer_id": c["id"], "name": c.get("name"),
            "email": c.get("email"), "role": "billing"}


def service_rows(sub: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    ended = sub.get("ended_at") or (sub.get("canceled_at") if sub.get("status") == "canceled"
                                    else None)
    for item in (sub.get("items") or {}).get("data", []):
        price = item.get("price") or item.get("plan") or {}
        recurring = price.get("recurring") or {"interval": price.get("interval"),
                                                "interval_count": price.get("interval_count")}
        cur = price.get("currency")
        unit = from_minor(price.get("unit_amount", price.get("amount")), cur)
        monthly = None
        if unit is not None and recurring.get("interval") in MONTHS:
            per = unit * int(item.get("quantity") or 1)
            monthly = per / (MONTHS[recurring["interval"]] * int(recurring.get("interval_count")
                                                                or 1))
        rows.append({
            "service_id": item["id"], "customer_id": _id(sub.get("customer")),
            "product": _id(price.get("product")),
            "plan": price.get("nickname") or price.get("lookup_key") or price.get("id"),
            "price_monthly": monthly, "currency": _cur(cur),
            "started_at": from_unix(sub.get("start_date") or sub.get("created")),
            "ended_at": from_unix(ended),
        })
    return rows


def invoice_row(inv: dict[str, Any]) -> dict[str, Any]:
    cur = inv.get("currency")
    transitions = inv.get("status_transitions") or {}
    reason = inv.get("billing_reason") or ""
    return {
        "invoice_id": inv["id"], "customer_id": _id(inv.get("customer")),
        "issued_at": from_unix(transitions.get("finalized_at") or inv.get("created")),
        "amount": from_minor(inv.get("total"), cur), "currency": _cur(cur),
        "kind": "recurring" if reason in RECURRING_REASONS else "one_time",
        "status": INVOICE_STATUS.get(inv.get("status") or ""),
        "due_at": from_unix(inv.get("due_date")),
        "paid_at": from_unix(transitions.get("paid_at")),
        "refunded_amount": None,
    }


def charge_row(ch: dict[str, Any]) -> dict[str, Any]:
    cur = ch.get("currency")
    status = ch.get("status")
    return {
        "payment_id": ch["id"], "customer_id": _id(ch.get("customer")),
        "invoice_id": _id(ch.get("invoice")), "at": from_unix(ch.get("created")),
        "amount": from_minor(ch.get("amount"), cur), "currency": _cur(cur),
        # pending charges are not an outcome yet; they arrive again when they settle
        "outcome": {"succeeded": "succeeded", "failed": "failed"}.get(status or ""),
    }
