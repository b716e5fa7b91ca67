"""Stripe: a full sync maps every object; events make incremental syncs; errors are clear."""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal

import pytest

from goodfit.errors import ConnectorAuthError, ConnectorUrlError
from goodfit.project import Project
from tests.connectors.conftest import FAST, rows, snapshot
from tests.connectors.fakes import STRIPE_KEY, stripe_api, stripe_data
from tests.connectors.replay import Reply, load, serve


def _setup(project: Project, url: str, monkeypatch: pytest.MonkeyPatch, key: str = STRIPE_KEY,
           page_size: int = 2) -> None:
    project.connect_add("pay", "stripe", url, {"page_size": page_size})
    monkeypatch.setenv("GOODFIT_PAY_TOKEN", key)


def test_full_sync_maps_customers_services_invoices_and_payments_exactly(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(stripe_api(stripe_data())) as api:
        _setup(project, api.url, monkeypatch)
        [result] = project.sync("pay", policy=FAST)
    assert result.full
    customers = rows(project, "customers", "customer_id")
    assert customers == [
        {"customer_id": "cus_NffrFeUfNV2Hib", "name": "Acme Hosting GmbH",
         "signup_at": datetime(2023, 4, 7, 18, 59, 53), "status": "active",
         "cancelled_at": None, "plan": None, "country": "DE",
         "email": "billing@acme.example", "currency": "EUR"},
        {"customer_id": "cus_OkyoWebKK0002", "name": "Kyoto Web KK",  # description
         "signup_at": datetime(2023, 5, 25, 7, 33, 20), "status": "active",
         "cancelled_at": None, "plan": None, "country": "JP",
         "email": "keiri@kyoto-web.example", "currency": "JPY"},
    ]
    services = rows(project, "services", "service_id")
    # 2 seats × ¥120,000 a year (JPY has no minor unit) = ¥20,000 a month
    assert [(s["service_id"], s["plan"], s["product"], s["price_monthly"], s["currency"],
             s["started_at"], s["ended_at"]) for s in services] == [
        ("si_KyotoItem0002", "shared-pro-yearly", "prod_SharedPro", Decimal("20000.0000"),
         "JPY", datetime(2023, 5, 25, 7, 35), datetime(2023, 11, 14, 22, 13, 20)),
        ("si_NcLYdDxLHxlFo7", "vps-2", "prod_NcLYGKH0eY5b8s", Decimal("24.0000"), "EUR",
         datetime(2023, 4, 7, 19, 0), None),
    ]
    invoices = rows(project, "invoices", "invoice_id")
    assert [(i["invoice_id"], i["amount"], i["currency"], i["kind"], i["status"],
             i["issued_at"], i["paid_at"], i["due_at"]) for i in invoices] == [
        ("in_1KyotoSetupB1", Decimal("240000.0000"), "JPY", "one_time", "paid",
         datetime(2023, 5, 25, 7, 38, 20), datetime(2023, 5, 26, 11, 20), datetime(2023, 6, 5, 21, 20)),
        ("in_1MtHbELkdIwHu7ixl4OzzPMv", Decimal("24.0000"), "EUR", "recurring", "paid",
         datetime(2023, 4, 20, 14, 15), datetime(2023, 4, 20, 14, 16, 40), None),
        ("in_1OpenInvoiceA2", Decimal("24.0000"), "EUR", "recurring", "unpaid",
         datetime(2023, 5, 20, 16, 28, 20), None, datetime(2023, 6, 3, 13, 46, 40)),
    ]  # the draft is not an issued invoice
    payments = rows(project, "payments", "payment_id")
    assert [(p["payment_id"], p["customer_id"], p["amount"], p["currency"], p["outcome"], p["at"])
            for p in payments] == [
        ("ch_3FailedChargeA2", "cus_NffrFeUfNV2Hib", Decimal("24.0000"), "EUR", "failed",
         datetime(2023, 5, 20, 16, 30)),
        ("ch_3KuwaitDinarA3", "cus_NffrFeUfNV2Hib", Decimal("12.3450"), "KWD", "succeeded",
         datetime(2023, 6, 5, 21, 28, 20)),  # three-decimal currency: 12345 fils
        ("ch_3KyotoChargeB1", "cus_OkyoWebKK0002", Decimal("240000.0000"), "JPY", "succeeded",
         datetime(2023, 5, 26, 11, 20)),
        ("ch_3MmlLrLkdIwHu7ix0snN0B15", "cus_NffrFeUfNV2Hib", Decimal("24.0000"), "EUR",
         "succeeded", datetime(2023, 4, 20, 14, 16, 40)),
        ("du_1MtJUT2eZvKYlo2CNaw2HvEv", "cus_OkyoWebKK0002", Decimal("240000.0000"), "JPY",
         "chargeback", datetime(2023, 6, 11, 16, 13, 20)),  # a lost dispute
        ("re_1Nispe2eZvKYlo2Cd31jOCgZ", "cus_NffrFeUfNV2Hib", Decimal("12.0000"), "EUR",
         "refunded", datetime(2023, 5, 2, 4, 0)),
    ]
    assert [c["contact_id"] for c in rows(project, "contacts", "contact_id")] == [
        "cus_NffrFeUfNV2Hib", "cus_OkyoWebKK0002"]
    # pagination: page_size 2 over 4 charges (newest first) is 2 pages, the second
    # starting after the second newest charge
    charge_pages = [r for r in api.log if r.path == "/v1/charges"]
    assert len(charge_pages) == 2 and charge_pages[1].query["starting_after"] == \
        "ch_3KyotoChargeB1"


def test_incremental_sync_reads_events_and_imports_only_what_changed(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    data = stripe_data()
    with serve(stripe_api(data)) as api:
        _setup(project, api.url, monkeypatch)
        project.sync("pay", policy=FAST)
        before = snapshot(project)
        # nothing happened: no events, nothing imported
        [quiet] = project.sync("pay", policy=FAST)
        assert not quiet.full and quiet.imports == []
        assert snapshot(project) == before
        now = int(time.time()) + 5
        for n, event in enumerate(load("stripe", "events.json")):
            event["created"] = now + n
            data["events"].append(event)
        seen = len(api.log)
        [inc] = project.sync("pay", policy=FAST)
        listed = {r.path for r in api.log[seen:]}
    assert not inc.full and listed == {"/v1/events"}
    counts = {r.table: (r.inserted, r.updated, r.unchanged) for r in inc.imports}
    # the rename changes the customer and its billing contact (the same Stripe object)
    assert counts == {"customers": (0, 1, 0), "contacts": (0, 1, 0), "invoices": (0, 1, 0),
                      "payments": (1, 0, 0)}
    after = {c["customer_id"]: c["name"] for c in rows(project, "customers", "customer_id")}
    assert after["cus_NffrFeUfNV2Hib"] == "Acme Cloud GmbH"
    inv = {i["invoice_id"]: i for i in rows(project, "invoices", "invoice_id")}
    assert inv["in_1OpenInvoiceA2"]["status"] == "paid"
    assert inv["in_1OpenInvoiceA2"]["paid_at"] == datetime(2023, 6, 4, 17, 33, 20)


def test_rate_limit_and_server_error_are_retried(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(stripe_api(stripe_data())) as api:
        _setup(project, api.url, monkeypatch)
        api.fault("/v1/invoices", Reply(429, {"error": {"type": "rate_limit_error"}},
                                        {"Retry-After": "1"}))
        api.fault("/v1/charges", Reply(500, {"error": {"type": "api_error"}}),
                  Reply(503, None))
        t0 = time.monotonic()
        project.sync("pay", policy=FAST)
        waited = time.monotonic() - t0
    assert waited >= 1.0  # Retry-After: 1 was honoured
    assert len(rows(project, "payments", "payment_id")) == 6


def test_bad_key_is_an_auth_error_without_the_key(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(stripe_api(stripe_data())) as api:
        _setup(project, api.url, monkeypatch, key="sk_test_WRONGwrongWRONG")
        with pytest.raises(ConnectorAuthError) as err:
            project.sync("pay", policy=FAST)
    assert "401" in err.value.message and "WRONG" not in err.value.message
    assert project.connectors()[0]["last_status"] == "failed"


def test_wrong_url_is_a_url_error(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    with serve(stripe_api(stripe_data())) as api:
        _setup(project, api.url + "/nothing-here", monkeypatch)
        with pytest.raises(ConnectorUrlError, match="404"):
            project.sync("pay", policy=FAST)
