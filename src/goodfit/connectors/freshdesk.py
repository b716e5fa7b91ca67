"""Freshdesk (API v2) → customers (companies), contacts, tickets, messages, staff minutes.

Basic auth with the API key as user name and ``X`` as password. Lists page with
``page``/``per_page`` and announce the next page in the ``Link`` header. Tickets and
contacts are fetched incrementally (``updated_since`` / ``_updated_since``); for each
changed ticket its conversations and time entries are read. A contact without a company
becomes a customer of their own. Field by field: docs/connectors/freshdesk.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx

from goodfit.connectors.base import Batch, ConnectorContext, Cursor, Fetch, Options, parse_options
from goodfit.connectors.http import HttpClient
from goodfit.connectors.rows import minutes_from_hhmm, parse_time
from goodfit.errors import ConnectorResponseError, ConnectorUrlError

PRIORITY = {1: "low", 2: "normal", 3: "high", 4: "urgent"}
SOURCE = {1: "email", 2: "web", 3: "phone", 7: "chat", 9: "web", 10: "email"}
CLOSED = {4, 5}  # resolved, closed
EPOCH = "1970-01-01T00:00:00Z"


class FreshdeskOptions(Options):
    page_size: int = 100  # Freshdesk allows up to 100
    # Ticket custom field (e.g. "cf_resolution") whose value maps to a resolution code.
    resolution_field: str | None = None
    resolution_values: dict[str, str] = {}


class FreshdeskConnector:
    options_model = FreshdeskOptions  # [connectors.NAME] options
    credential_fields = ("token",)  # API key

    def __init__(self, ctx: ConnectorContext) -> None:
        self.name = ctx.name
        self.options: FreshdeskOptions = parse_options(FreshdeskOptions, ctx.name,
                                                       ctx.settings.options)
        (key,) = ctx.credentials.require(ctx.name, "token")
        self.http = HttpClient(f"Freshdesk ({ctx.name})", ctx.settings.url,
                               auth=httpx.BasicAuth(key, "X"), policy=ctx.policy)
        self._contacts: dict[int, dict[str, Any]] = {}

    @property
    def requests(self) -> int:
        return self.http.requests

    def close(self) -> None:
        self.http.close()

    def _pages(self, path: str, params: dict[str, Any] | None = None) -> Iterator[
            list[dict[str, Any]]]:
        """Every page of a list: follows the Link: <…>; rel="next" header."""
        url: str | None = path
        query: dict[str, Any] | None = {"per_page": self.options.page_size, "page": 1,
                                        **(params or {})}
        while url:
            body, response = self.http.get(url, query)
            if not isinstance(body, list):
                raise ConnectorResponseError(f"{self.http.source}: {path} did not answer with "
                                             "a list; is the url https://YOURDOMAIN.freshdesk.com?")
            if body:
                yield body
            nxt = response.links.get("next", {}).get("url")
            url, query = (nxt, None) if nxt and body else (None, None)

    def fetch(self, cursor: Cursor | None) -> Fetch:
        cursor = dict(cursor or {})
        started = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for page in self._pages("/api/v2/companies"):
            yield Batch("customers", [company_row(c) for c in page])
        contacts_since = cursor.get("contacts", EPOCH)
        for page in self._pages("/api/v2/contacts", {"_updated_since": contacts_since}):
            for c in page:
                self._contacts[int(c["id"])] = c
            yield Batch("customers", [lone_contact_row(c) for c in page
                                      if not c.get("company_id")])
            yield Batch("contacts", [contact_row(c) for c in page])
        tickets_since = cursor.get("tickets", EPOCH)
        newest = tickets_since
        for page in self._pages("/api/v2/tickets", {
                "updated_since": tickets_since, "order_by": "updated_at", "order_type": "asc",
                "include": "stats,description"}):
            for t in page:
                messages, minutes = self.thread(t)
                yield Batch("tickets", [self.ticket_row(t, minutes)])
                yield Batch("messages", messages)
                newest = max(newest, str(t.get("updated_at") or newest))
        # Contacts: the time this sync started (changes during it are fetched again).
        return {"contacts": started, "tickets": newest}

    def thread(self, t: dict[str, Any]) -> tuple[list[dict[str, Any]], float | None]:
        tid = str(t["id"])
        messages = [{"message_id": f"{tid}-0", "ticket_id": tid,
                     "sent_at": parse_time(t.get("created_at")), "author_role": "customer",
                     "author": self._author(t.get("requester_id")),
                     "body": t.get("description_text") or t.get("description")}]
        for page in self._pages(f"/api/v2/tickets/{tid}/conversations"):
            for c in page:
                messages.append({
                    "message_id": str(c["id"]), "ticket_id": tid,
                    "sent_at": parse_time(c.get("created_at")),
                    "author_role": "customer" if c.get("incoming") else "staff",
                    "author": c.get("from_email") or self._author(c.get("user_id")),
                    "body": c.get("body_text") or c.get("body")})
        minutes: float | None = None
        for page in self._pages(f"/api/v2/tickets/{tid}/time_entries"):
            for e in page:
                m = minutes_from_hhmm(e.get("time_spent"))
                if m is not None:
                    minutes = (minutes or 0.0) + m
        return messages, minutes

    def _author(self, user_id: Any) -> str | None:
        """E-mail (or name) of a contact; agents and unknown ids are looked up once."""
        if not user_id:
            return None
        uid = int(user_id)
        if uid not in self._contacts:
            try:
                body, _ = self.http.get(f"/api/v2/contacts/{uid}")
            except ConnectorUrlError:  # 404: an agent, or a deleted contact
                body = None
            self._contacts[uid] = body if isinstance(body, dict) else {}
        c = self._contacts[uid]
        return c.get("email") or c.get("name")

    def ticket_row(self, t: dict[str, Any], minutes: float | None) -> dict[str, Any]:
        stats = t.get("stats") or {}
        status = int(t.get("status") or 0)
        resolution = None
        field = self.options.resolution_field
        if field:
            value = (t.get("custom_fields") or {}).get(field)
            resolution = self.options.resolution_values.get(str(value)) if value else None
        return {
            "ticket_id": str(t["id"]),
            "customer_id": str(t["company_id"]) if t.get("company_id")
            else f"contact-{t.get('requester_id')}",
            "opened_at": parse_time(t.get("created_at")),
            "closed_at": parse_time(stats.get("closed_at") or stats.get("resolved_at"))
            if status in CLOSED else None,
            "priority": PRIORITY.get(int(t.get("priority") or 0)),
            "channel": SOURCE.get(int(t.get("source") or 0)),
            "subject": t.get("subject"), "category": t.get("type"),
            "resolution_code": resolution, "staff_minutes": minutes,
            "first_response_at": parse_time(stats.get("first_responded_at")),
            "assignee": str(t["responder_id"]) if t.get("responder_id") else None,
        }


def company_row(c: dict[str, Any]) -> dict[str, Any]:
    return {"customer_id": str(c["id"]), "name": c.get("name"),
            "signup_at": parse_time(c.get("created_at")), "status": "active"}


def lone_contact_row(c: dict[str, Any]) -> dict[str, Any]:
    return {"customer_id": f"contact-{c['id']}", "name": c.get("name"),
            "signup_at": parse_time(c.get("created_at")),
            "status": "active",
            "email": c.get("email")}


def contact_row(c: dict[str, Any]) -> dict[str, Any]:
    return {"contact_id": str(c["id"]),
            "customer_id": str(c["company_id"]) if c.get("company_id") else f"contact-{c['id']}",
            "name": c.get("name"), "email": c.get("email")}
