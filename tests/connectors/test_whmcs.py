"""WHMCS: every action mapped, server time zone applied, manual orders told apart,
only changed tickets re-read, and errors that name the problem without the secret."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from goodfit.errors import ConnectorAuthError, ConnectorUrlError
from goodfit.project import Project
from tests.connectors.conftest import FAST, rows
from tests.connectors.fakes import WHMCS_ID, WHMCS_SECRET, whmcs_api, whmcs_data
from tests.connectors.replay import Reply, serve
from tests.processes import free_port


def _setup(project: Project, url: str, monkeypatch: pytest.MonkeyPatch,
           secret: str = WHMCS_SECRET) -> None:
    project.connect_add("billing", "whmcs", url, {"page_size": 2, "timezone": "Europe/Berlin",
                                                  "manual_order_channel": "phone"})
    monkeypatch.setenv("GOODFIT_BILLING_USER", WHMCS_ID)
    monkeypatch.setenv("GOODFIT_BILLING_SECRET", secret)


def test_full_sync_maps_every_action(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(whmcs_api(whmcs_data())) as api:
        _setup(project, api.url, monkeypatch)
        project.sync("billing", policy=FAST)
    # Berlin is UTC+1 in winter: WHMCS's local "2024-02-01 10:00:00" is 09:00 UTC
    assert [(c["customer_id"], c["name"], c["signup_at"], c["status"], c["email"])
            for c in rows(project, "customers", "customer_id")] == [
        ("1", "Acme Hosting Ltd", datetime(2023, 1, 14, 23), "active", "ada@acme.example"),
        ("2", "Bob Smith", datetime(2023, 3, 1, 23), "active", "bob@smith.example"),
        ("3", "Gone Ltd", datetime(2022, 11, 29, 23), "cancelled", "cleo@gone.example"),
    ]
    assert [(c["contact_id"], c["customer_id"], c["name"], c["role"])
            for c in rows(project, "contacts", "contact_id")] == [
        ("client-1", "1", "Ada Example", "owner"), ("client-2", "2", "Bob Smith", "owner"),
        ("client-3", "3", "Cleo Gone", "owner")]
    assert [(s["service_id"], s["customer_id"], s["product"], s["plan"], s["price_monthly"],
             s["started_at"], s["ended_at"]) for s in rows(project, "services", "service_id")] == [
        ("11", "1", "VPS", "VPS 2", Decimal("24.0000"), datetime(2023, 1, 14, 23), None),  # 72/3
        ("12", "2", "Shared Hosting", "Shared Starter", Decimal("5.0000"),  # 60/12
         datetime(2023, 3, 1, 23), datetime(2024, 3, 9, 23)),
    ]
    assert [(i["invoice_id"], i["customer_id"], i["amount"], i["kind"], i["status"],
             i["issued_at"], i["paid_at"]) for i in rows(project, "invoices", "invoice_id")] == [
        ("1001", "1", Decimal("72.0000"), None, "paid", datetime(2024, 1, 14, 23),
         datetime(2024, 1, 16, 9, 11, 12)),
        ("1002", "2", Decimal("60.0000"), None, "cancelled", datetime(2024, 2, 1, 23), None),
        ("credit-7", "1", Decimal("-10.0000"), "credit", "paid", datetime(2024, 2, 4, 23),
         datetime(2024, 2, 4, 23)),
    ]  # the draft 1003 was never issued
    assert [(p["payment_id"], p["invoice_id"], p["amount"], p["outcome"], p["at"])
            for p in rows(project, "payments", "payment_id")] == [
        ("tx-501", "1001", Decimal("72.0000"), "succeeded", datetime(2024, 1, 16, 9, 11, 12)),
        ("tx-502", "1001", Decimal("12.0000"), "refunded", datetime(2024, 1, 20, 7)),
    ]
    # admin_requestor_id tells an admin-placed (manual) order from a cart order
    assert [(o["order_id"], o["channel"], o["amount"], o["placed_at"])
            for o in rows(project, "orders", "order_id")] == [
        ("101", "self_service", Decimal("72.0000"), datetime(2023, 1, 15, 8, 30)),
        ("102", "phone", Decimal("5.0000"), datetime(2023, 3, 2, 13, 5)),
    ]
    t21, t22 = rows(project, "tickets", "ticket_id")
    assert (t21["customer_id"], t21["opened_at"], t21["closed_at"], t21["priority"],
            t21["category"], t21["first_response_at"], t21["satisfaction"], t21["assignee"]) == (
        "1", datetime(2024, 2, 1, 9), datetime(2024, 2, 1, 11, 30), "high", "Technical Support",
        datetime(2024, 2, 1, 9, 20), 5, "2")
    assert (t22["customer_id"], t22["priority"], t22["closed_at"], t22["first_response_at"]) == (
        "2", "low", None, None)
    assert [(m["message_id"], m["author_role"], m["author"])
            for m in rows(project, "messages", "message_id")] == [
        ("21-0", "customer", "Ada Example"), ("21-311", "staff", "Sam Support"),
        ("21-312", "customer", "Ada Example"), ("22-0", "customer", "Bob Smith")]


def test_second_sync_rereads_only_changed_tickets(project: Project,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data = whmcs_data()
    with serve(whmcs_api(data)) as api:
        _setup(project, api.url, monkeypatch)
        project.sync("billing", policy=FAST)
        data["GetTickets"][1].update(status="Answered", lastreply="2024-02-03 11:00:00")
        data["GetTicket"]["22"].update(status="Answered", lastreply="2024-02-03 11:00:00")
        data["GetTicket"]["22"]["replies"]["reply"].append(
            {"replyid": 401, "userid": 0, "name": "", "email": "", "date": "2024-02-03 11:00:00",
             "message": "See our KB article on mailboxes.", "admin": "Sam Support", "rating": 0})
        seen = len(api.log)
        [result] = project.sync("billing", policy=FAST)
        details = [r.form["ticketid"] for r in api.log[seen:] if r.form.get("action") == "GetTicket"]
    assert details == ["22"]
    counts = {r.table: (r.inserted, r.updated, r.unchanged) for r in result.imports}
    assert counts["tickets"] == (0, 1, 0)
    assert counts["messages"] == (1, 0, 1)
    assert counts["customers"] == (0, 0, 3) and counts["invoices"] == (0, 0, 3)
    t22 = rows(project, "tickets", "ticket_id")[1]
    assert t22["first_response_at"] == datetime(2024, 2, 3, 10)


def test_errors_are_clear_and_never_show_the_secret(project: Project,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(whmcs_api(whmcs_data())) as api:
        _setup(project, api.url, monkeypatch, secret="not-the-secret-xyz")
        with pytest.raises(ConnectorAuthError) as err:
            project.sync("billing", policy=FAST)
        assert "not-the-secret-xyz" not in err.value.message
        assert WHMCS_ID not in err.value.message
        # 429 then 502 then success on the one endpoint
        monkeypatch.setenv("GOODFIT_BILLING_SECRET", WHMCS_SECRET)
        api.fault("/includes/api.php", Reply(429, None, {"Retry-After": "0"}), Reply(502, None))
        project.sync("billing", policy=FAST)
        assert len(rows(project, "customers", "customer_id")) == 3


def test_wrong_url_and_refused_connection(project: Project,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(whmcs_api(whmcs_data())) as api:
        _setup(project, api.url + "/billing", monkeypatch)
        with pytest.raises(ConnectorUrlError, match="not found"):
            project.sync("billing", policy=FAST)
    port = free_port()  # a port nobody listens on
    project.connect_add("old", "whmcs", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("GOODFIT_OLD_USER", "x")
    monkeypatch.setenv("GOODFIT_OLD_SECRET", "y")
    with pytest.raises(ConnectorUrlError, match="connection refused"):
        project.sync("old", policy=FAST)
