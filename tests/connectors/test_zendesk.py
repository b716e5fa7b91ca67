"""Zendesk: organisations are the customers, users contacts, tickets and comments mapped,
resolution codes from a custom field or tags, incremental by the export cursors."""

from __future__ import annotations

import copy
from datetime import datetime

import pytest

from goodfit.errors import ConnectorAuthError, ConnectorUrlError
from goodfit.project import Project
from tests.connectors.conftest import FAST, rows
from tests.connectors.fakes import ZENDESK_TOKEN, ZENDESK_USER, zendesk_api, zendesk_data
from tests.connectors.replay import Reply, serve

OPTIONS = {"page_size": 2, "customer_id_from": "external_id", "resolution_field": 27642,
           "resolution_values": {"hw_failure": "hardware_event"},
           "resolution_tags": {"rtfm": "documentation"}, "time_spent_field": 27643}


def _setup(project: Project, url: str, monkeypatch: pytest.MonkeyPatch,
           token: str = ZENDESK_TOKEN) -> None:
    project.connect_add("desk", "zendesk", url, OPTIONS)
    monkeypatch.setenv("GOODFIT_DESK_USER", ZENDESK_USER)
    monkeypatch.setenv("GOODFIT_DESK_TOKEN", token)


def test_full_sync_maps_organisations_users_tickets_and_comments(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(zendesk_api(zendesk_data())) as api:
        _setup(project, api.url, monkeypatch)
        api.fault("/api/v2/incremental/tickets/cursor.json",
                  Reply(429, {"error": "APIRateLimitExceeded"}, {"Retry-After": "0"}))
        api.fault("/api/v2/tickets/35436/comments.json", Reply(503, None))
        project.sync("desk", policy=FAST)
    assert [(c["customer_id"], c["name"], c["signup_at"], c["email"])
            for c in rows(project, "customers", "customer_id")] == [
        ("361898904440", "Beta Web", datetime(2023, 2, 1), None),  # no external_id
        ("C-1001", "Acme Hosting Ltd", datetime(2023, 1, 10, 8), None),
        ("user-9873844", "Lone Larry", datetime(2023, 3, 3, 3, 3, 3), "larry@gmail.example"),
    ]
    assert [(c["contact_id"], c["customer_id"]) for c in rows(project, "contacts", "contact_id")] \
        == [("9873843", "C-1001"), ("9873844", "user-9873844")]  # agents are not contacts
    t1, t2 = rows(project, "tickets", "ticket_id")  # the deleted ticket is left out
    assert t1 == {
        "ticket_id": "35436", "customer_id": "C-1001", "opened_at": datetime(2024, 2, 1, 10),
        "closed_at": datetime(2024, 2, 1, 12), "priority": "urgent", "channel": "email",
        "subject": "Help, my printer is on fire!", "category": "incident",
        "resolution_code": "hardware_event",  # the custom field wins over the rtfm tag
        "staff_minutes": 30.0,  # 1800 seconds
        "first_response_at": datetime(2024, 2, 1, 10, 15), "reopened_count": 1,
        "satisfaction": 5, "assignee": "35436"}
    assert (t2["customer_id"], t2["channel"], t2["priority"], t2["resolution_code"],
            t2["staff_minutes"], t2["first_response_at"], t2["satisfaction"]) == (
        "user-9873844", "web", None, "documentation", None, None, None)
    assert [(m["message_id"], m["author_role"], m["author"], m["body"])
            for m in rows(project, "messages", "message_id")] == [
        ("1274", "customer", "ada@acme.example", "The fire is very colorful."),
        ("1275", "staff", "sam@provider.example", "Please unplug it and step back."),
        ("1276", "system", None, "Ticket solved automatically."),
        ("1301", "customer", "larry@gmail.example", "I cannot find backups."),
    ]


def test_incremental_sync_continues_from_the_export_cursors(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    data = zendesk_data()
    with serve(zendesk_api(data)) as api:
        _setup(project, api.url, monkeypatch)
        project.sync("desk", policy=FAST)
        changed = copy.deepcopy(data["tickets"][1])
        changed.update(status="pending", updated_at="2024-02-02T11:00:00Z", assignee_id=35436)
        data["tickets"].append(changed)  # the export appends what changed
        data["comments"]["35437"].append(
            {"id": 1302, "type": "Comment", "author_id": 35436, "body": "Settings > Backups.",
             "plain_body": "Settings > Backups.", "public": True,
             "created_at": "2024-02-02T11:00:00Z"})
        seen = len(api.log)
        [result] = project.sync("desk", policy=FAST)
        ticket_pages = [r.query for r in api.log[seen:]
                        if r.path == "/api/v2/incremental/tickets/cursor.json"]
        comment_reads = [r.path for r in api.log[seen:] if r.path.endswith("/comments.json")]
    assert ticket_pages == [{"per_page": "2", "include": "metric_sets", "cursor": "3"}]
    assert comment_reads == ["/api/v2/tickets/35437/comments.json"]
    counts = {r.table: (r.inserted, r.updated, r.unchanged) for r in result.imports}
    assert counts["tickets"] == (0, 1, 0) and counts["messages"] == (1, 0, 1)
    assert rows(project, "tickets", "ticket_id")[1]["assignee"] == "35436"


def test_bad_token_and_wrong_url(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(zendesk_api(zendesk_data())) as api:
        _setup(project, api.url, monkeypatch, token="badbadbad")
        with pytest.raises(ConnectorAuthError) as err:
            project.sync("desk", policy=FAST)
        assert "badbadbad" not in err.value.message and ZENDESK_USER not in err.value.message
        project.connect_add("desk2", "zendesk", api.url + "/zendesk", {})
        monkeypatch.setenv("GOODFIT_DESK2_USER", ZENDESK_USER)
        monkeypatch.setenv("GOODFIT_DESK2_TOKEN", ZENDESK_TOKEN)
        with pytest.raises(ConnectorUrlError):
            project.sync("desk2", policy=FAST)
