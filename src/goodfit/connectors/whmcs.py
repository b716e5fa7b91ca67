"""WHMCS → customers, contacts, services, invoices, payments, orders, tickets, messages.

The API is one endpoint, ``POST <url>/includes/api.php``, with ``action``, the API
``identifier``/``secret`` (and the optional ``accesskey``) in the body, ``responsetype=json``
and ``limitstart``/``limitnum`` paging. Its list actions have no "changed since" filter,
so lists are read whole and the importer's upsert turns unchanged rows into no-ops; the
expensive per-ticket ``GetTicket`` calls are made only for tickets whose state changed
since the previous sync (a fingerprint per ticket is kept in the cursor).
Field by field: docs/connectors/whmcs.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo

from goodfit.connectors.base import Batch, ConnectorContext, Cursor, Fetch, Options, parse_options
from goodfit.connectors.http import HttpClient
from goodfit.connectors.rows import money, parse_time
from goodfit.errors import ConnectorAuthError, ConnectorResponseError

CYCLE_MONTHS = {"monthly": 1, "quarterly": 3, "semi-annually": 6, "annually": 12,
                "biennially": 24, "triennially": 36}
INVOICE_STATUS = {"paid": "paid", "unpaid": "unpaid", "collections": "unpaid",
                  "payment pending": "unpaid", "overdue": "unpaid", "cancelled": "cancelled",
                  "refunded": "refunded"}
CLIENT_STATUS = {"active": "active", "inactive": "active", "closed": "cancelled"}
PRIORITY = {"low": "low", "medium": "normal", "high": "high"}


class WhmcsOptions(Options):
    page_size: int = 250
    timezone: str = "UTC"  # WHMCS stores local times of its server: name that zone here
    # Orders an admin placed (admin_requestor_id set) are manual; which channel they count as.
    manual_order_channel: Literal["email", "phone", "chat"] = "email"
    credits: bool = True  # one GetCredits call per client


class WhmcsConnector:
    options_model = WhmcsOptions  # [connectors.NAME] options
    credential_fields = ("user", "secret")  # API identifier and secret (+ token: optional access key)

    def __init__(self, ctx: ConnectorContext) -> None:
        self.name = ctx.name
        self.options: WhmcsOptions = parse_options(WhmcsOptions, ctx.name, ctx.settings.options)
        self.identifier, self.secret = ctx.credentials.require(ctx.name, "user", "secret")
        self.accesskey = ctx.credentials.token
        self.credentials = ctx.credentials
        self.tz = ZoneInfo(self.options.timezone)
        self.http = HttpClient(f"WHMCS ({ctx.name})", ctx.settings.url, policy=ctx.policy)

    @property
    def requests(self) -> int:
        return self.http.requests

    def close(self) -> None:
        self.http.close()

    # -- API ---------------------------------------------------------------------
    def call(self, action: str, **params: Any) -> dict[str, Any]:
        data = {"action": action, "identifier": self.identifier, "secret": self.secret,
                "responsetype": "json", **params}
        if self.accesskey:
            data["accesskey"] = self.accesskey
        body, _ = self.http.request("POST", "/includes/api.php", data=data)
        if not isinstance(body, dict) or "result" not in body:
            raise ConnectorResponseError(f"{self.http.source}: {action} did not answer like "
                                         "the WHMCS API; is the url the WHMCS root?")
        if body["result"] != "success":
            # A server may echo the request: never repeat the credentials it was sent.
            message = self.credentials.redact(str(body.get("message", "")))[:200]
            if "authentication" in message.lower() or "invalid ip" in message.lower():
                raise ConnectorAuthError(f"{self.http.source}: WHMCS refused the API "
                                         f"credentials ({message})")
            raise ConnectorResponseError(f"{self.http.source}: {action} failed: {message}")
        return body

    def pages(self, action: str, outer: str, inner: str, **params: Any) -> Iterator[
            list[dict[str, Any]]]:
        """Every page of a list action: ``{outer: {inner: [...]}}``, limitstart/limitnum."""
        start = 0
        while True:
            body = self.call(action, limitstart=start, limitnum=self.options.page_size, **params)
            items = _items(body, outer, inner)
            if items:
                yield items
            start += len(items)
            total = int(body.get("totalresults") or 0)
            if not items or start >= total:
                return

    # -- fetch -------------------------------------------------------------------
    def fetch(self, cursor: Cursor | None) -> Fetch:
        known: dict[str, str] = dict((cursor or {}).get("tickets", {}))
        clients: list[str] = []
        for page in self.pages("GetClients", "clients", "client"):
            clients += [str(c["id"]) for c in page]
            yield Batch("customers", [self.customer_row(c) for c in page])
            yield Batch("contacts", [contact_row(c) for c in page])
        for page in self.pages("GetClientsProducts", "products", "product"):
            yield Batch("services", [self.service_row(p) for p in page])
        for page in self.pages("GetInvoices", "invoices", "invoice"):
            yield Batch("invoices", [r for r in map(self.invoice_row, page) if r])
        if self.options.credits:
            for client in clients:
                body = self.call("GetCredits", clientid=client)
                yield Batch("invoices", [self.credit_row(client, c)
                                         for c in _items(body, "credits", "credit")])
        body = self.call("GetTransactions")
        yield Batch("payments", [r for r in map(self.payment_row,
                                                _items(body, "transactions", "transaction")) if r])
        for page in self.pages("GetOrders", "orders", "order"):
            yield Batch("orders", [self.order_row(o) for o in page])
        fingerprints: dict[str, str] = {}
        for page in self.pages("GetTickets", "tickets", "ticket", ignore_dept_assignments=True):
            for listed in page:
                tid = str(listed["id"])
                fingerprint = "|".join(str(listed.get(k, "")) for k in
                                       ("status", "lastreply", "priority", "flag", "deptid"))
                fingerprints[tid] = fingerprint
                if known.get(tid) == fingerprint:
                    continue  # unchanged since the last sync: no GetTicket call
                ticket = self.call("GetTicket", ticketid=tid)
                row, messages = self.ticket_rows(ticket)
                yield Batch("tickets", [row])
                yield Batch("messages", messages)
        return {"tickets": fingerprints}

    # -- mapping -----------------------------------------------------------------
    def _t(self, value: Any) -> datetime | None:
        return parse_time(value, self.tz)

    def customer_row(self, c: dict[str, Any]) -> dict[str, Any]:
        person = f"{c.get('firstname', '')} {c.get('lastname', '')}".strip()
        status = CLIENT_STATUS.get(str(c.get("status", "")).lower(), "active")
        return {"customer_id": str(c["id"]), "name": c.get("companyname") or person,
                "signup_at": self._t(c.get("datecreated")), "status": status,
                "email": c.get("email")}

    def service_row(self, p: dict[str, Any]) -> dict[str, Any]:
        months = CYCLE_MONTHS.get(str(p.get("billingcycle", "")).lower())
        recurring = money(p.get("recurringamount"))
        status = str(p.get("status", "")).lower()
        ended = p.get("terminationdate") if status in ("terminated", "cancelled") else None
        return {"service_id": str(p["id"]), "customer_id": str(p["clientid"]),
                "product": p.get("groupname") or None, "plan": p.get("name") or None,
                "price_monthly": recurring / months if months and recurring is not None else
                (Decimal(0) if str(p.get("billingcycle", "")).lower() == "free account" else None),
                "started_at": self._t(p.get("regdate")), "ended_at": self._t(ended)}

    def invoice_row(self, i: dict[str, Any]) -> dict[str, Any] | None:
        status = str(i.get("status", "")).lower()
        if status == "draft":
            return None  # not issued yet
        return {"invoice_id": str(i["id"]), "customer_id": str(i["userid"]),
                "issued_at": self._t(i.get("date")), "amount": money(i.get("total")),
                "currency": i.get("currencycode") or None,
                "status": INVOICE_STATUS.get(status), "due_at": self._t(i.get("duedate")),
                "paid_at": self._t(i.get("datepaid"))}

    def credit_row(self, client: str, c: dict[str, Any]) -> dict[str, Any]:
        amount = money(c.get("amount")) or Decimal(0)
        return {"invoice_id": f"credit-{c['id']}", "customer_id": client,
                "issued_at": self._t(c.get("date")), "amount": -abs(amount), "kind": "credit",
                "status": "paid", "paid_at": self._t(c.get("date"))}

    def payment_row(self, t: dict[str, Any]) -> dict[str, Any] | None:
        amount_in, amount_out = money(t.get("amountin")), money(t.get("amountout"))
        if amount_in:
            amount, outcome = amount_in, "succeeded"
        elif amount_out:
            amount, outcome = amount_out, "refunded"
        else:
            return None  # a zero line (e.g. a note) is not a payment attempt
        return {"payment_id": f"tx-{t['id']}", "customer_id": str(t["userid"]),
                "invoice_id": str(t["invoiceid"]) if str(t.get("invoiceid", "0")) != "0" else None,
                "at": self._t(t.get("date")), "amount": amount, "outcome": outcome}

    def order_row(self, o: dict[str, Any]) -> dict[str, Any]:
        admin = str(o.get("admin_requestor_id") or "0")
        manual = admin not in ("0", "")
        return {"order_id": str(o["id"]), "customer_id": str(o["userid"]),
                "placed_at": self._t(o.get("date")),
                "channel": self.options.manual_order_channel if manual else "self_service",
                "custom": False, "amount": money(o.get("amount"))}

    def ticket_rows(self, t: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        tid = str(t.get("ticketid") or t.get("id"))
        replies = _items(t, "replies", "reply")
        messages = []
        first_staff = None
        rating = None
        for n, r in enumerate(replies):
            staff = bool(r.get("admin"))
            sent = self._t(r.get("date"))
            if staff and first_staff is None and n > 0:
                first_staff = sent
            if int(r.get("rating") or 0) > 0:
                rating = int(r["rating"])
            messages.append({
                "message_id": f"{tid}-{r.get('replyid', n)}", "ticket_id": tid,
                "sent_at": sent, "author_role": "staff" if staff else "customer",
                "author": r.get("admin") or r.get("name") or r.get("email"),
                "body": r.get("message")})
        status = str(t.get("status", "")).lower()
        row = {
            "ticket_id": tid, "customer_id": str(t.get("userid")),
            "opened_at": self._t(t.get("date")),
            # WHMCS keeps no close time; the last reply is when it went quiet
            "closed_at": self._t(t.get("lastreply")) if status == "closed" else None,
            "priority": PRIORITY.get(str(t.get("priority", "")).lower()),
            "subject": t.get("subject"), "category": t.get("deptname") or None,
            "first_response_at": first_staff, "satisfaction": rating,
            "assignee": _assignee(t.get("flag")),
        }
        return row, messages


def _assignee(flag: Any) -> str | None:
    return str(flag) if flag not in (None, "", 0, "0") else None


def contact_row(c: dict[str, Any]) -> dict[str, Any]:
    person = f"{c.get('firstname', '')} {c.get('lastname', '')}".strip()
    return {"contact_id": f"client-{c['id']}", "customer_id": str(c["id"]),
            "name": person or None, "email": c.get("email"), "role": "owner"}


def _items(body: dict[str, Any], outer: str, inner: str) -> list[dict[str, Any]]:
    """WHMCS nests lists as {outer: {inner: [...]}}, and sends "" or nothing when empty."""
    block = body.get(outer)
    if not isinstance(block, dict):
        return []
    items = block.get(inner) or []
    return [items] if isinstance(items, dict) else list(items)
