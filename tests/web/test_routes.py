"""Every route, as every role and anonymous: allowed or refused, as the docs say."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute

ALL = {"owner", "manager", "agent", "viewer"}
STAFF = {"owner", "manager", "agent"}
LEADS = {"owner", "manager"}
OWNER = {"owner"}

# Written from docs/web.md's table, not from the code.
EXPECTED: dict[tuple[str, str], set[str]] = {
    ("GET", "/"): ALL,
    ("GET", "/customers"): ALL,
    ("GET", "/customers.csv"): STAFF,
    ("GET", "/customers/{customer_id}"): ALL,
    ("GET", "/customers/{customer_id}/activity"): ALL,
    ("GET", "/customers/{customer_id}/whatif"): ALL,
    ("GET", "/tickets/{ticket_id}"): STAFF,
    ("GET", "/why"): ALL,
    ("POST", "/customers/{customer_id}/offboard"): STAFF,
    ("GET", "/cases"): STAFF,
    ("GET", "/cases/{case_id}"): STAFF,
    ("POST", "/cases/{case_id}/approve"): LEADS,
    ("POST", "/cases/{case_id}/reject"): LEADS,
    ("GET", "/cases/{case_id}/steps/{step_no}/files/{index}"): STAFF,
    ("POST", "/cases/{case_id}/call"): STAFF,
    ("GET", "/outbox"): LEADS,
    ("GET", "/audit"): LEADS,
    ("GET", "/audit/export.jsonl"): LEADS,
    ("GET", "/rewards"): LEADS,
    ("POST", "/rewards/{draw_id}/verify"): LEADS,
    ("GET", "/rewards/plan"): LEADS,
    ("POST", "/rewards/plan"): LEADS,
    ("POST", "/rewards/{draw_id}/commit"): LEADS,
    ("POST", "/rewards/{draw_id}/draw"): LEADS,
    ("GET", "/users"): OWNER,
    ("POST", "/logout"): ALL,
    ("GET", "/api/snapshot"): ALL,
    ("GET", "/api/overview"): ALL,
    ("GET", "/api/customers"): ALL,
    ("GET", "/api/customers/{customer_id}"): ALL,
    ("GET", "/api/why"): ALL,
    ("GET", "/api/cases"): STAFF,
    ("GET", "/api/cases/{case_id}"): STAFF,
    ("GET", "/api/outbox"): LEADS,
    ("GET", "/api/audit/verify"): LEADS,
    ("GET", "/api/rewards/draws"): LEADS,
}
PUBLIC = {("GET", "/login"), ("POST", "/login"), ("GET", "/api/openapi.json")}

# Real ids where a page should render; ids that do not exist where a POST would act
# (allowed roles then get 404 from the core, refused roles 403 before it).
FILL = {"{customer_id}": "C-1001", "{case_id}": "999999", "{draw_id}": "999999",
        "{step_no}": "3", "{index}": "0"}


def concrete(method: str, path: str, ticket: str) -> str:
    for k, v in FILL.items():
        path = path.replace(k, v)
    if method == "POST" and "/offboard" in path:
        path = path.replace("C-1001", "NO-SUCH-CUSTOMER")
    return path.replace("{ticket_id}", ticket)


def test_every_route_is_in_the_table(app) -> None:  # type: ignore[no-untyped-def]
    routes = {(m, r.path) for r in app.routes if isinstance(r, APIRoute) for m in r.methods}
    routes |= {(m, r.path) for r in app.routes if type(r).__name__ == "Route"
               and r.path != "/api/openapi.json" for m in (r.methods or ()) if m != "HEAD"}
    assert routes - PUBLIC == set(EXPECTED)


def test_the_route_declaration_is_what_is_enforced(app) -> None:  # type: ignore[no-untyped-def]
    """Roles are said once, in ``@route``: every non-public route runs behind the guard
    made from that declaration, and the declared roles are the documented ones."""
    from goodfit.web.app import ROUTES

    for r in app.routes:
        if not isinstance(r, APIRoute):
            continue
        for m in r.methods:
            if (m, r.path) in PUBLIC:
                continue
            guard = getattr(r.endpoint, "roles", None)  # set by the guard wrapper only
            assert guard is ROUTES[(m, r.path)], (m, r.path)
            assert set(guard) == EXPECTED[(m, r.path)], (m, r.path)


@pytest.mark.parametrize("role", ["owner", "manager", "agent", "viewer", "anonymous"])
def test_role_walk(clients, project, role: str) -> None:  # type: ignore[no-untyped-def]
    from tests.web.conftest import csrf_of

    ticket = project.warehouse.table("tickets").ticket_id.min().to_pyarrow().as_py()
    client = clients[role]
    token = csrf_of(clients[role].get("/login").text) if role == "anonymous" else None
    for (method, path), allowed in EXPECTED.items():
        if path == "/logout":
            continue  # signing out is checked below, last
        url = concrete(method, path, ticket)
        if method == "GET":
            r = client.get(url)
        else:
            if token is None:
                token = csrf_of(client.get("/").text)
            r = client.post(url, data={"csrf": token, "reason": "walk"})
        where = f"{role} {method} {url}: {r.status_code}"
        if role == "anonymous":
            if path.startswith("/api/"):
                assert r.status_code == 401, where
            else:
                assert r.status_code == 303 and r.headers["location"] == "/login", where
        elif role in allowed and method == "GET":
            assert r.status_code in (200, 404), where
            if path == "/customers/{customer_id}":  # a real customer: its figures shown
                assert r.status_code == 200 and "Service levels" in r.text \
                    and "Usage against plan peers" in r.text, where
            if path == "/api/customers/{customer_id}":
                assert {"service_levels", "usage_vs_peers", "monthly"} <= set(r.json()), where
        elif role in allowed and path == "/rewards/plan":  # takes no id: saves a plan
            assert r.status_code == 303 and r.headers["location"] == "/rewards", where
        elif role in allowed:  # reached the core, which found no such case, customer, draw
            assert r.status_code in (404, 409), where
            assert "security token" not in r.text and "this page is for" not in r.text
        else:
            assert r.status_code == 403, where


def test_static_and_openapi_are_public(clients) -> None:  # type: ignore[no-untyped-def]
    anon = clients["anonymous"]
    assert anon.get("/static/goodfit.css").status_code == 200
    spec = anon.get("/api/openapi.json").json()
    assert "/api/customers" in spec["paths"]
    one = spec["paths"]["/api/customers/{customer_id}"]["get"]["description"]
    assert all(f in one for f in ("service_levels", "usage_vs_peers", "peer_median", "monthly"))
    assert not any(p.startswith("/cases") for p in spec["paths"])  # pages are not API


def test_no_path_from_input_reaches_the_file_system(clients) -> None:  # type: ignore[no-untyped-def]
    anon = clients["anonymous"]
    for probe in ("/static/../app.py", "/static/..%2fapp.py", "/static/%2e%2e/app.py",
                  "/static/../../goodfit/project.py"):
        r = anon.get(probe)
        assert r.status_code == 404, probe
        assert "def create_app" not in r.text and "class Project" not in r.text
