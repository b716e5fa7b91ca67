"""django-helpdesk: a REAL django-helpdesk (pip package, SQLite) on 127.0.0.1.

Tickets and follow-ups are created through its REST API, synced into goodfit and checked
row by row; after edits a second sync imports only what changed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from goodfit.project import Project
from tests.connectors.conftest import FAST, rows
from tests.processes import free_port

pytest.importorskip("helpdesk", reason="django-helpdesk is not installed")

ROOT = Path(__file__).resolve().parents[2]
ADMIN, PASSWORD = "admin", "s3cret-Helpdesk-pw"


@pytest.fixture(scope="module")
def helpdesk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    site = tmp_path_factory.mktemp("helpdesk")
    env = {**os.environ, "HELPDESK_TEST_DIR": str(site), "PYTHONPATH": str(ROOT),
           "DJANGO_SETTINGS_MODULE": "tests.connectors.helpdesk_site.settings",
           "PYTHONWARNINGS": "ignore"}
    run = [sys.executable, "-m"]
    subprocess.run(run + ["django", "migrate", "-v0"], env=env, check=True, cwd=ROOT,
                   timeout=300)
    subprocess.run(run + ["tests.connectors.helpdesk_site.bootstrap", ADMIN, PASSWORD],
                   env=env, check=True, cwd=ROOT, timeout=120, capture_output=True)
    port = free_port()
    log = (site / "server.log").open("wb")
    server = subprocess.Popen(run + ["django", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/api/tickets/", auth=(ADMIN, PASSWORD)).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("django-helpdesk did not start: "
                                   + (site / "server.log").read_text()[-2000:])
            time.sleep(0.2)
        yield url, env
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def _post(url: str, path: str, data: dict[str, Any]) -> dict[str, Any]:
    r = httpx.post(url + path, json=data, auth=(ADMIN, PASSWORD), timeout=30)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC) \
        .replace(tzinfo=None)


@pytest.mark.slow  # migrating a fresh django-helpdesk takes ~20 s
def test_sync_from_a_real_django_helpdesk_then_only_changes(
        helpdesk: tuple[str, dict[str, str]], project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    url, env = helpdesk

    def ticket(title: str, email: str, priority: int, org: str | None) -> dict[str, Any]:
        data: dict[str, Any] = {"queue": 1, "title": title, "description": f"{title}, please",
                                "submitter_email": email, "priority": priority}
        if org:
            data["custom_organisation"] = org
        return _post(url, "/api/tickets/", data)

    def followup(tid: int, comment: str, public: bool = True, spent: str | None = None,
                 status: int | None = None) -> dict[str, Any]:
        return _post(url, "/api/followups/", {"ticket": tid, "user": None, "comment": comment,
                                              "public": public, "time_spent": spent,
                                              "new_status": status})

    def customer_reply(tid: int, text: str) -> dict[str, Any]:
        out = subprocess.run([sys.executable, "-m", "tests.connectors.helpdesk_site."
                              "customer_reply", str(tid), text], env=env, cwd=ROOT, check=True,
                             capture_output=True, text=True, timeout=60).stdout.split()
        return {"id": int(out[0]), "date": out[1]}

    t1 = ticket("VPS down", "ada@acme.example", 2, "Acme")
    f1 = followup(t1["id"], "Rebooted the host.", spent="00:25:00")
    f2 = customer_reply(t1["id"], "Thanks, it is back.")
    f3 = followup(t1["id"], "Closing.", spent="00:05:00", status=3)
    t2 = ticket("Add a mailbox", "bob@acme.example", 3, "Acme")
    t3 = ticket("Disk full", "carol@beta.example", 1, "Beta")
    f4 = followup(t3["id"], "Checked the disk quota.", public=False, spent="01:00:00")
    t4 = ticket("Question", "dan@gamma.example", 5, None)  # no organisation: e-mail domain

    project.connect_add("hd", "django-helpdesk", url, {"page_size": 2})
    monkeypatch.setenv("GOODFIT_HD_USER", ADMIN)
    monkeypatch.setenv("GOODFIT_HD_SECRET", PASSWORD)
    [first] = project.sync("hd", policy=FAST)
    assert first.fetched == {"customers": 3, "tickets": 4, "messages": 8}

    opened = {t["id"]: _utc(t["followup_set"][0]["date"]) for t in (t1, t2, t3, t4)}
    assert [(c["customer_id"], c["signup_at"], c["status"])
            for c in rows(project, "customers", "customer_id")] == [
        ("Acme", opened[t1["id"]], "active"), ("Beta", opened[t3["id"]], "active"),
        ("gamma.example", opened[t4["id"]], "active")]
    tickets = {t["ticket_id"]: t for t in rows(project, "tickets", "ticket_id")}
    assert tickets[str(t1["id"])] == {
        "ticket_id": str(t1["id"]), "customer_id": "Acme", "opened_at": opened[t1["id"]],
        "closed_at": _utc(f3["date"]), "priority": "high", "channel": None,
        "subject": "VPS down", "category": "1", "resolution_code": None,
        "staff_minutes": 30.0,  # 25 + 5
        "first_response_at": _utc(f1["date"]), "reopened_count": 0, "satisfaction": None,
        "assignee": None}
    t2_row, t3_row, t4_row = (tickets[str(t["id"])] for t in (t2, t3, t4))
    assert (t2_row["customer_id"], t2_row["priority"], t2_row["staff_minutes"],
            t2_row["closed_at"]) == ("Acme", "normal", None, None)
    # an internal note is staff time but not a response to the customer
    assert (t3_row["customer_id"], t3_row["priority"], t3_row["staff_minutes"],
            t3_row["first_response_at"]) == ("Beta", "urgent", 60.0, None)
    assert (t4_row["customer_id"], t4_row["priority"]) == ("gamma.example", "low")
    messages = {m["message_id"]: m for m in rows(project, "messages", "message_id")}
    assert len(messages) == 8
    opening = messages[f"{t1['id']}-{t1['followup_set'][0]['id']}"]
    assert (opening["author_role"], opening["author"], opening["body"]) == (
        "customer", "ada@acme.example", "VPS down, please")
    assert [(messages[f"{t1['id']}-{f['id']}"]["author_role"],
             messages[f"{t1['id']}-{f['id']}"]["body"]) for f in (f1, f2, f3)] == [
        ("staff", "Rebooted the host."), ("customer", "Thanks, it is back."),
        ("staff", "Closing.")]
    assert messages[f"{t3['id']}-{f4['id']}"]["author_role"] == "staff"

    # Nothing changed: nothing is imported.
    [quiet] = project.sync("hd", policy=FAST)
    assert quiet.imports == [] and quiet.fetched == {}

    # Edit one ticket, reply on another; only those two are imported again.
    r = httpx.patch(f"{url}/api/tickets/{t2['id']}/", auth=(ADMIN, PASSWORD),
                    json={"priority": 1, "custom_organisation": "Acme"})
    assert r.status_code == 200, r.text
    f5 = followup(t3["id"], "Grew the volume to 200 GB.", spent="00:10:00", status=4)
    [second] = project.sync("hd", policy=FAST)
    assert second.fetched == {"tickets": 2, "messages": 4}
    counts = {r.table: (r.inserted, r.updated, r.unchanged) for r in second.imports}
    assert counts == {"tickets": (0, 2, 0), "messages": (1, 0, 3)}
    tickets = {t["ticket_id"]: t for t in rows(project, "tickets", "ticket_id")}
    assert tickets[str(t2["id"])]["priority"] == "urgent"
    assert (tickets[str(t3["id"])]["staff_minutes"], tickets[str(t3["id"])]["closed_at"],
            tickets[str(t3["id"])]["first_response_at"]) == (70.0, _utc(f5["date"]),
                                                              _utc(f5["date"]))
    assert tickets[str(t1["id"])]["staff_minutes"] == 30.0  # untouched
