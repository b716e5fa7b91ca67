"""Zendesk → customers (organizations), contacts (users), tickets, messages (comments).

Tickets and users come from the cursor-based incremental exports
(``/api/v2/incremental/tickets/cursor.json`` with ticket metrics side-loaded,
``/api/v2/incremental/users/cursor.json``), organizations from the time-based one
(``/api/v2/incremental/organizations.json``); comments from
``/api/v2/tickets/{id}/comments.json`` for each changed ticket. Decisions are about
organisations: an end user without one becomes a customer of their own.
Tags and custom fields become resolution codes through options (docs/connectors/zendesk.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx

from goodfit.connectors.base import Batch, ConnectorContext, Cursor, Fetch, Options, parse_options
from goodfit.connectors.http import HttpClient, expect
from goodfit.connectors.rows import parse_time

CHANNELS = {"email": "email", "web": "web", "web_form": "web", "web_widget": "web",
            "help_center": "web", "mobile_sdk": "web", "voice": "phone", "chat": "chat",
            "native_messaging": "chat", "messaging": "chat", "api": "api"}
PRIORITIES = {"low": "low", "normal": "normal", "high": "high", "urgent": "urgent"}
SATISFACTION = {"good": 5, "bad": 1}


class ZendeskOptions(Options):
    page_size: int = 1000  # incremental exports allow up to 1000
    # Resolution code from a ticket custom field: its id, and field value → code.
    resolution_field: int | None = None
    resolution_values: dict[str, str] = {}
    # Or from tags: tag → code (first matching tag in this order wins).
    resolution_tags: dict[str, str] = {}
    # A numeric custom field holding time spent (e.g. the Time Tracking app's total).
    time_spent_field: int | None = None
    time_spent_unit: str = "seconds"  # or "minutes"
    # Use the organization's external_id (your billing id) as customer_id when set.
    customer_id_from: str = "id"  # "id" or "external_id"


class ZendeskConnector:
    options_model = ZendeskOptions  # [connectors.NAME] options
    credential_fields = ("user", "token")  # agent e-mail and API token (token alone: OAuth)

    def __init__(self, ctx: ConnectorContext) -> None:
        self.name = ctx.name
        self.options: ZendeskOptions = parse_options(ZendeskOptions, ctx.name,
                                                     ctx.settings.options)
        creds = ctx.credentials
        auth: httpx.Auth | None = None
        headers: dict[str, str] = {}
        if creds.user:  # API token: "{email}/token" with the token as password
            (token,) = creds.require(ctx.name, "token")
            auth = httpx.BasicAuth(f"{creds.user}/token", token)
        else:  # an OAuth access token
            (token,) = creds.require(ctx.name, "token")
            headers["Authorization"] = f"Bearer {token}"
        self.http = HttpClient(f"Zendesk ({ctx.name})", ctx.settings.url, auth=auth,
                               headers=headers, policy=ctx.policy)
        self._users: dict[int, dict[str, Any]] = {}
        self._orgs: dict[int, str] = {}

    @property
    def requests(self) -> int:
        return self.http.requests

    def close(self) -> None:
        self.http.close()

    # -- export streams ----------------------------------------------------------
    def _cursor_export(self, path: str, key: str, cursor: str | None,
                       **extra: Any) -> Iterator[tuple[dict[str, Any], str | None]]:
        """Pages of a cursor-based incremental export and the cursor after each."""
        params: dict[str, Any] = {"per_page": self.options.page_size, **extra}
        if cursor:
            params["cursor"] = cursor
        else:
            params["start_time"] = 1
        while True:
            body, _ = self.http.get(path, params)
            expect(body, key, self.http.source, path)
            after = body.get("after_cursor") or params.get("cursor")
            yield body, after
            if body.get("end_of_stream", True) or not body.get("after_cursor"):
                return
            params = {"per_page": self.options.page_size, **extra, "cursor": after}

    def fetch(self, cursor: Cursor | None) -> Fetch:
        cursor = dict(cursor or {})
        # organizations (time-based export: start_time, next_page, end_time)
        start = int(cursor.get("organizations", 1))
        path: str = "/api/v2/incremental/organizations.json"
        params: dict[str, Any] | None = {"start_time": start, "per_page": self.options.page_size}
        while True:
            body, _ = self.http.get(path, params)
            orgs = expect(body, "organizations", self.http.source, path)
            yield Batch("customers", [self.org_row(o) for o in orgs])
            start = int(body.get("end_time") or start)
            if body.get("end_of_stream", True) or not body.get("next_page"):
                break
            path, params = body["next_page"], None
        cursor["organizations"] = start
        # users
        users_cursor = cursor.get("users")
        for body, after in self._cursor_export("/api/v2/incremental/users/cursor.json",
                                               "users", users_cursor):
            customers, contacts = [], []
            for u in body["users"]:
                self._users[int(u["id"])] = u
                if u.get("role") == "end-user":
                    if not u.get("organization_id"):
                        customers.append(self.lone_user_row(u))
                    contacts.append(self.contact_row(u))
            yield Batch("customers", customers)
            yield Batch("contacts", contacts)
            users_cursor = after
        cursor["users"] = users_cursor
        # tickets, with metric sets side-loaded, and each changed ticket's comments
        tickets_cursor = cursor.get("tickets")
        for body, after in self._cursor_export("/api/v2/incremental/tickets/cursor.json",
                                               "tickets", tickets_cursor,
                                               include="metric_sets"):
            metrics = {int(m["ticket_id"]): m for m in body.get("metric_sets") or []}
            for t in body["tickets"]:
                if t.get("status") == "deleted":
                    continue
                messages = self.comment_rows(t)
                yield Batch("tickets", [self.ticket_row(t, metrics.get(int(t["id"])))])
                yield Batch("messages", messages)
            tickets_cursor = after
        cursor["tickets"] = tickets_cursor
        return cursor

    # -- mapping -----------------------------------------------------------------
    def _org_id(self, org: dict[str, Any]) -> str:
        if self.options.customer_id_from == "external_id" and org.get("external_id"):
            return str(org["external_id"])
        return str(org["id"])

    def org_row(self, o: dict[str, Any]) -> dict[str, Any]:
        cid = self._org_id(o)
        self._orgs[int(o["id"])] = cid
        deleted = parse_time(o.get("deleted_at"))
        return {"customer_id": cid, "name": o.get("name"),
                "signup_at": parse_time(o.get("created_at")),
                "status": "cancelled" if deleted else "active", "cancelled_at": deleted}

    def customer_of(self, org_id: Any, user_id: Any) -> str:
        if org_id:
            return self._orgs.get(int(org_id), str(org_id))
        return f"user-{user_id}"

    def lone_user_row(self, u: dict[str, Any]) -> dict[str, Any]:
        return {"customer_id": f"user-{u['id']}", "name": u.get("name"),
                "signup_at": parse_time(u.get("created_at")),
                "status": "active" if u.get("active", True) else "cancelled",
                "email": u.get("email")}

    def contact_row(self, u: dict[str, Any]) -> dict[str, Any]:
        return {"contact_id": str(u["id"]),
                "customer_id": self.customer_of(u.get("organization_id"), u["id"]),
                "name": u.get("name"), "email": u.get("email")}

    def _role(self, author_id: Any) -> tuple[str, str | None]:
        if author_id in (None, -1):
            return "system", None
        uid = int(author_id)
        if uid not in self._users:
            body, _ = self.http.get(f"/api/v2/users/{uid}.json")
            self._users[uid] = (body or {}).get("user") or {"id": uid}
        u = self._users[uid]
        role = "customer" if u.get("role", "end-user") == "end-user" else "staff"
        return role, u.get("email") or u.get("name")

    def comment_rows(self, t: dict[str, Any]) -> list[dict[str, Any]]:
        rows = []
        path: str | None = f"/api/v2/tickets/{t['id']}/comments.json"
        while path:
            body, _ = self.http.get(path)
            for c in expect(body, "comments", self.http.source, path):
                role, author = self._role(c.get("author_id"))
                rows.append({"message_id": str(c["id"]), "ticket_id": str(t["id"]),
                             "sent_at": parse_time(c.get("created_at")), "author_role": role,
                             "author": author,
                             "body": c.get("plain_body") or c.get("body")})
            path = body.get("next_page")
        return rows

    def _resolution(self, t: dict[str, Any]) -> str | None:
        fields = {int(f["id"]): f.get("value") for f in t.get("custom_fields") or []
                  if f.get("id") is not None}
        if self.options.resolution_field is not None:
            value = fields.get(self.options.resolution_field)
            if value is not None and str(value) in self.options.resolution_values:
                return self.options.resolution_values[str(value)]
        tags = set(t.get("tags") or [])
        for tag, code in self.options.resolution_tags.items():
            if tag in tags:
                return code
        return None

    def _minutes(self, t: dict[str, Any]) -> float | None:
        if self.options.time_spent_field is None:
            return None
        for f in t.get("custom_fields") or []:
            if f.get("id") == self.options.time_spent_field and f.get("value") not in (None, ""):
                value = float(f["value"])
                return value / 60 if self.options.time_spent_unit == "seconds" else value
        return None

    def ticket_row(self, t: dict[str, Any], m: dict[str, Any] | None) -> dict[str, Any]:
        opened = parse_time(t.get("created_at"))
        m = m or {}
        first_reply = (m.get("reply_time_in_minutes") or {}).get("calendar")
        first_response: datetime | None = None
        if opened and first_reply is not None:
            first_response = opened + timedelta(minutes=float(first_reply))
        closed = parse_time(m.get("solved_at")) if t.get("status") in ("solved", "closed") \
            else None
        rating = (t.get("satisfaction_rating") or {}).get("score")
        return {
            "ticket_id": str(t["id"]),
            "customer_id": self.customer_of(t.get("organization_id"), t.get("requester_id")),
            "opened_at": opened, "closed_at": closed,
            "priority": PRIORITIES.get(t.get("priority") or ""),
            "channel": CHANNELS.get((t.get("via") or {}).get("channel") or ""),
            "subject": t.get("subject") or t.get("raw_subject"),
            "category": t.get("type"),
            "resolution_code": self._resolution(t),
            "staff_minutes": self._minutes(t),
            "first_response_at": first_response,
            "reopened_count": m.get("reopens"),
            "satisfaction": SATISFACTION.get(rating or ""),
            "assignee": str(t["assignee_id"]) if t.get("assignee_id") else None,
        }
