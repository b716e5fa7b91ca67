"""django-helpdesk (its REST API, ``/api/tickets/``) → customers, tickets, messages.

One paged list (``page``/``page_size``, DRF ``next`` links) returns every ticket with its
follow-ups and their ``time_spent``. The API has no "changed since" filter, so a
fingerprint of each ticket is kept in the cursor and only tickets whose fingerprint
changed are imported again. django-helpdesk has no organisations: the customer is read
from a ticket custom field (default ``custom_organisation``) or the submitter's e-mail
domain. Field by field: docs/connectors/django-helpdesk.md.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Literal

import httpx

from goodfit.connectors.base import Batch, ConnectorContext, Cursor, Fetch, Options, parse_options
from goodfit.connectors.http import HttpClient, expect
from goodfit.connectors.rows import parse_time

# django-helpdesk's Ticket.STATUS_CHOICES and PRIORITY_CHOICES
OPEN, REOPENED, RESOLVED, CLOSED, DUPLICATE = 1, 2, 3, 4, 5
PRIORITY = {1: "urgent", 2: "high", 3: "normal", 4: "low", 5: "low"}


class DjangoHelpdeskOptions(Options):
    page_size: int = 100
    customer_from: Literal["custom_field", "email_domain", "email"] = "custom_field"
    customer_field: str = "organisation"  # the ticket custom field's name
    # Make a customers row the first time a customer id is seen (off when customers come
    # from a billing connector with the same ids).
    create_customers: bool = True


def duration_minutes(value: Any) -> float | None:
    """DRF renders a DurationField as '[DD ]HH:MM:SS[.ffffff]'."""
    if value in (None, ""):
        return None
    text = str(value)
    days = 0
    if " " in text:
        d, text = text.split(" ", 1)
        days = int(d)
    parts = [float(p) for p in text.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0.0)
    h, m, s = parts
    return days * 1440 + h * 60 + m + s / 60


class DjangoHelpdeskConnector:
    options_model = DjangoHelpdeskOptions  # [connectors.NAME] options
    credential_fields = ("user", "secret")  # staff user name and password

    def __init__(self, ctx: ConnectorContext) -> None:
        self.name = ctx.name
        self.options: DjangoHelpdeskOptions = parse_options(
            DjangoHelpdeskOptions, ctx.name, ctx.settings.options)
        creds = ctx.credentials
        auth: httpx.Auth | None = None
        headers: dict[str, str] = {}
        if creds.user:
            user, secret = creds.require(ctx.name, "user", "secret")
            auth = httpx.BasicAuth(user, secret)
        else:  # DRF TokenAuthentication, when the site enables it
            (token,) = creds.require(ctx.name, "token")
            headers["Authorization"] = f"Token {token}"
        self.http = HttpClient(f"django-helpdesk ({ctx.name})", ctx.settings.url, auth=auth,
                               headers=headers, policy=ctx.policy)

    @property
    def requests(self) -> int:
        return self.http.requests

    def close(self) -> None:
        self.http.close()

    def fetch(self, cursor: Cursor | None) -> Fetch:
        known: dict[str, str] = dict((cursor or {}).get("tickets", {}))
        customers: dict[str, str] = dict((cursor or {}).get("customers", {}))
        fingerprints: dict[str, str] = {}
        url: str | None = "/api/tickets/"
        params: dict[str, Any] | None = {"page_size": self.options.page_size}
        while url:
            body, _ = self.http.get(url, params)
            results = expect(body, "results", self.http.source, "/api/tickets/")
            new_customers, tickets, messages = [], [], []
            for t in results:
                tid = str(t["id"])
                fp = hashlib.sha256(json.dumps(t, sort_keys=True, default=str).encode()) \
                    .hexdigest()[:16]
                fingerprints[tid] = fp
                if known.get(tid) == fp:
                    continue
                row, thread = self.ticket_rows(t)
                cid = row["customer_id"]
                if cid not in customers and row["opened_at"] is not None:
                    customers[cid] = row["opened_at"].isoformat()
                    new_customers.append({"customer_id": cid, "name": cid,
                                          "signup_at": row["opened_at"], "status": "active"})
                tickets.append(row)
                messages += thread
            if self.options.create_customers:
                yield Batch("customers", new_customers)
            yield Batch("tickets", tickets)
            yield Batch("messages", messages)
            url, params = body.get("next"), None
        return {"tickets": fingerprints, "customers": customers}

    def _customer(self, t: dict[str, Any]) -> str:
        email = str(t.get("submitter_email") or "").strip().lower()
        if self.options.customer_from == "custom_field":
            value = t.get(f"custom_{self.options.customer_field}")
            if value not in (None, ""):
                return str(value).strip()
        if self.options.customer_from == "email":
            return email or "unknown"
        return email.rsplit("@", 1)[-1] if "@" in email else (email or "unknown")

    def ticket_rows(self, t: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        tid = str(t["id"])
        followups = sorted(t.get("followup_set") or [], key=lambda f: (f.get("date") or "",
                                                                       f["id"]))
        opened = parse_time(followups[0]["date"]) if followups else None
        messages: list[dict[str, Any]] = []
        minutes: float | None = None
        first_response: datetime | None = None
        closed: datetime | None = None
        for n, f in enumerate(followups):
            sent = parse_time(f.get("date"))
            spent = duration_minutes(f.get("time_spent"))
            if spent is not None:
                minutes = (minutes or 0.0) + spent
            if f.get("new_status") in (RESOLVED, CLOSED, DUPLICATE):
                closed = sent
            if n == 0:
                # The "Ticket Opened" follow-up carries the submitter's description.
                messages.append({"message_id": f"{tid}-{f['id']}", "ticket_id": tid,
                                 "sent_at": sent, "author_role": "customer",
                                 "author": t.get("submitter_email"),
                                 "body": t.get("description") or f.get("comment")})
                continue
            # django-helpdesk records the user only on staff follow-ups (update_ticket:
            # ``if is_helpdesk_staff(user): f.user = user``); e-mailed replies have none.
            staff = f.get("user") is not None
            if staff and f.get("public") and first_response is None:
                first_response = sent
            messages.append({"message_id": f"{tid}-{f['id']}", "ticket_id": tid,
                             "sent_at": sent, "author_role": "staff" if staff else "customer",
                             "author": f"user-{f['user']}" if f.get("user") is not None
                             else t.get("submitter_email"),
                             "body": f.get("comment")})
        status = int(t.get("status") or OPEN)
        return {
            "ticket_id": tid, "customer_id": self._customer(t), "opened_at": opened,
            "closed_at": closed if status in (RESOLVED, CLOSED, DUPLICATE) else None,
            "priority": PRIORITY.get(int(t.get("priority") or 3)),
            "subject": t.get("title"), "category": str(t["queue"]) if t.get("queue") else None,
            "staff_minutes": minutes, "first_response_at": first_response,
            "reopened_count": sum(1 for f in followups if f.get("new_status") == REOPENED),
            "assignee": f"user-{t['assigned_to']}" if t.get("assigned_to") else None,
        }, messages
