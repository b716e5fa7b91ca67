"""Freshdesk: companies are customers, conversations messages, time entries staff minutes;
Link-header paging; incremental by updated_since."""

from __future__ import annotations

from datetime import datetime

import pytest

from goodfit.errors import ConnectorAuthError, ConnectorUrlError
from goodfit.project import Project
from tests.connectors.conftest import FAST, rows
from tests.connectors.fakes import FRESHDESK_KEY, freshdesk_api, freshdesk_data
from tests.connectors.replay import Reply, serve

OPTIONS = {"page_size": 2, "resolution_field": "cf_resolution",
           "resolution_values": {"Network": "network_event"}}


def _setup(project: Project, url: str, monkeypatch: pytest.MonkeyPatch,
           key: str = FRESHDESK_KEY) -> None:
    project.connect_add("fd", "freshdesk", url, OPTIONS)
    monkeypatch.setenv("GOODFIT_FD_TOKEN", key)


def test_full_sync_maps_companies_contacts_tickets_and_time(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(freshdesk_api(freshdesk_data())) as api:
        _setup(project, api.url, monkeypatch)
        api.fault("/api/v2/companies", Reply(429, {"code": "rate_limited"}, {"Retry-After": "0"}))
        api.fault("/api/v2/tickets/20/time_entries", Reply(500, None))
        project.sync("fd", policy=FAST)
        company_pages = [r.query.get("page") for r in api.log if r.path == "/api/v2/companies"]
    assert company_pages == ["1", "1", "2"]  # the 429, its retry, then the Link: rel="next"
    assert [(c["customer_id"], c["name"], c["signup_at"]) for c in
            rows(project, "customers", "customer_id")] == [
        ("10", "Comet Co", datetime(2023, 10, 1, 12)),
        ("8", "SuperNova", datetime(2023, 8, 24, 9, 28, 2)),
        ("9", "Orbit Labs", datetime(2023, 9, 1, 12)),
        ("contact-433", "Solo Sam", datetime(2023, 11, 11, 11, 11, 11)),  # no company
    ]
    assert [(c["contact_id"], c["customer_id"]) for c in rows(project, "contacts", "contact_id")] \
        == [("432", "8"), ("433", "contact-433")]
    t20, t21 = rows(project, "tickets", "ticket_id")
    assert t20 == {
        "ticket_id": "20", "customer_id": "8", "opened_at": datetime(2024, 3, 1, 10),
        "closed_at": datetime(2024, 3, 1, 15), "priority": "urgent", "channel": "email",
        "subject": "Server down", "category": "Incident", "resolution_code": "network_event",
        "staff_minutes": 135.0,  # 00:45 + 01:30
        "first_response_at": datetime(2024, 3, 1, 10, 30), "reopened_count": None,
        "satisfaction": None, "assignee": "17000004"}
    assert (t21["customer_id"], t21["priority"], t21["channel"], t21["closed_at"],
            t21["staff_minutes"]) == ("contact-433", "low", "web", None, None)
    assert [(m["message_id"], m["author_role"], m["author"], m["body"])
            for m in rows(project, "messages", "message_id")] == [
        ("20-0", "customer", "rachel@supernova.example", "Our server is down"),
        ("21-0", "customer", "solo@mail.example", "Why two invoices?"),
        ("3001", "staff", "support@provider.example", "We are on it."),
        ("3002", "customer", "rachel@supernova.example", "Still down?"),
        ("3003", "staff", None, "Uplink replaced."),  # a private note by an agent
    ]


def test_incremental_sync_fetches_tickets_updated_since_the_cursor(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    data = freshdesk_data()
    with serve(freshdesk_api(data)) as api:
        _setup(project, api.url, monkeypatch)
        project.sync("fd", policy=FAST)
        t21 = data["tickets"][1]
        t21.update(updated_at="2024-03-04T08:00:00Z", responder_id=17000004, status=3)
        t21["stats"]["first_responded_at"] = "2024-03-04T08:00:00Z"
        data["conversations"]["21"] = [
            {"body_text": "One is a credit note.", "id": 3101, "incoming": False,
             "private": False, "user_id": 17000004, "from_email": "support@provider.example",
             "created_at": "2024-03-04T08:00:00Z", "updated_at": "2024-03-04T08:00:00Z"}]
        seen = len(api.log)
        [result] = project.sync("fd", policy=FAST)
        since = [r.query["updated_since"] for r in api.log[seen:] if r.path == "/api/v2/tickets"]
        threads = {r.path for r in api.log[seen:] if "/tickets/" in r.path}
    assert since == ["2024-03-03T09:00:00Z"]  # the newest updated_at of the first sync
    assert threads == {"/api/v2/tickets/21/conversations", "/api/v2/tickets/21/time_entries"}
    counts = {r.table: (r.inserted, r.updated, r.unchanged) for r in result.imports}
    assert counts["tickets"] == (0, 1, 0) and counts["messages"] == (1, 0, 1)
    assert counts["customers"] == (0, 0, 3) and "contacts" not in counts
    assert rows(project, "tickets", "ticket_id")[1]["first_response_at"] == datetime(2024, 3, 4, 8)


def test_bad_key_and_wrong_url(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(freshdesk_api(freshdesk_data())) as api:
        _setup(project, api.url, monkeypatch, key="nope-nope")
        with pytest.raises(ConnectorAuthError) as err:
            project.sync("fd", policy=FAST)
        assert "nope-nope" not in err.value.message
        project.connect_add("fd2", "freshdesk", api.url + "/helpdesk", {})
        monkeypatch.setenv("GOODFIT_FD2_TOKEN", FRESHDESK_KEY)
        with pytest.raises(ConnectorUrlError):
            project.sync("fd2", policy=FAST)
