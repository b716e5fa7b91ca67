"""The HTTP layer on its own (Retry-After forms, timeouts, retries running out), and the
same sync into a project in another time zone and into a PostgreSQL warehouse."""

from __future__ import annotations

import email.utils
import time
from datetime import datetime
from pathlib import Path

import pytest

from goodfit.connectors.http import HttpClient, RetryPolicy, retry_after_seconds
from goodfit.errors import ConnectorUnavailable
from goodfit.project import Project
from tests.connectors.conftest import FAST, rows
from tests.connectors.fakes import STRIPE_KEY, stripe_api, stripe_data
from tests.connectors.replay import Reply, Request, serve


def test_retry_after_is_seconds_or_an_http_date() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    now = 1_700_000_000.0
    in_ten = email.utils.formatdate(now + 10, usegmt=True)
    assert retry_after_seconds(in_ten, now=now) == 10.0
    assert retry_after_seconds(email.utils.formatdate(now - 60, usegmt=True), now=now) == 0.0


def test_server_errors_that_never_stop_end_in_a_clear_error() -> None:
    calls = []

    def api(req: Request, base: str) -> Reply:
        calls.append(req.path)
        return Reply(503, None)

    with serve(api) as server, HttpClient("Test", server.url, policy=FAST) as http, \
            pytest.raises(ConnectorUnavailable, match=r"HTTP 503.*4 attempts"):
        http.get("/v1/things")
    assert len(calls) == FAST.attempts


def test_a_slow_answer_times_out_and_is_retried() -> None:
    calls = []

    def api(req: Request, base: str) -> Reply:
        calls.append(req.path)
        if len(calls) == 1:
            time.sleep(1.0)  # longer than the client's timeout
        return Reply(200, {"ok": True})

    policy = RetryPolicy(attempts=3, backoff=0.01, timeout=0.3)
    with serve(api) as server, HttpClient("Test", server.url, policy=policy) as http:
        body, _ = http.get("/slow")
    assert body == {"ok": True} and len(calls) == 2


def test_timestamps_stay_utc_in_a_project_with_another_time_zone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = Project.init(tmp_path / "p")
    text = (p.root / "goodfit.toml").read_text()
    (p.root / "goodfit.toml").write_text(text.replace('timezone = "UTC"',
                                                      'timezone = "America/New_York"', 1))
    p.close()
    p = Project.open(tmp_path / "p")
    assert p.config.project.timezone == "America/New_York"
    monkeypatch.setenv("GOODFIT_PAY_TOKEN", STRIPE_KEY)
    with serve(stripe_api(stripe_data())) as api:
        p.connect_add("pay", "stripe", api.url)
        p.sync("pay", policy=FAST)
    # Unix 1680893993 is 2023-04-07 18:59:53 UTC, whatever the project's zone
    assert rows(p, "customers", "customer_id")[0]["signup_at"] == datetime(2023, 4, 7, 18, 59, 53)
    p.close()


def test_the_same_sync_into_a_postgresql_warehouse(
        tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    p = Project.init(tmp_path / "p", warehouse_url=postgres_url)
    monkeypatch.setenv("GOODFIT_PAY_TOKEN", STRIPE_KEY)
    with serve(stripe_api(stripe_data())) as api:
        p.connect_add("pay", "stripe", api.url)
        [first] = p.sync("pay", policy=FAST)
        [again] = p.sync("pay", full=True, policy=FAST)
    assert {r.table: r.inserted for r in first.imports} == {
        "customers": 2, "contacts": 2, "services": 2, "invoices": 3, "payments": 6}
    assert all(r.inserted == r.updated == 0 for r in again.imports)
    assert [r["payment_id"] for r in rows(p, "payments", "payment_id")][:2] == [
        "ch_3FailedChargeA2", "ch_3KuwaitDinarA3"]
    p.close()


def test_an_unknown_host_is_a_url_error() -> None:
    from goodfit.errors import ConnectorUrlError

    # .invalid never resolves (RFC 6761)
    with HttpClient("Test", "http://billing.does-not-exist.invalid", policy=FAST) as http, \
            pytest.raises(ConnectorUrlError, match="host name not found"):
        http.get("/includes/api.php")
