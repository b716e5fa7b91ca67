"""Customer text is data: every page escapes names, subjects, messages and evidence."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote

from markupsafe import escape

from tests.web.conftest import HOSTILE_METRIC, HOSTILE_PLAN, csrf_of

PAYLOADS = ['<script>alert("name")</script>', "<img src=x onerror=alert(1)>",
            "<svg onload=alert(3)>", "javascript:alert(2)", "<script>alert('q')</script>"]


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_inert(html: str, where: str) -> None:
    p = Tags()
    p.feed(html)
    for tag, attrs in p.tags:
        if tag == "script":
            assert attrs.get("src") == "/static/goodfit.js", (where, attrs)
        assert tag not in ("img", "iframe", "object", "embed"), (where, tag)
        assert not any(k.startswith("on") for k in attrs), (where, tag, attrs)
        for k in ("href", "src", "action", "formaction"):
            assert "javascript:" not in (attrs.get(k) or "").lower(), (where, tag, attrs)
    assert html.lower().count("<script") == 1, where  # only the vendored file


def test_every_page_escapes_customer_text(clients, project) -> None:  # type: ignore[no-untyped-def]
    owner = clients["owner"]
    # a case whose title carries the hostile name
    page = owner.get("/customers/C-1001").text
    r = owner.post("/customers/C-1001/offboard",
                   data={"csrf": csrf_of(page), "reason": "<script>alert('reason')</script>"})
    assert r.status_code == 303
    case_url = r.headers["location"]
    abusive = [r["customer_id"] for r in owner.get(
        "/api/customers", params={"flag": "abusive_language"}).json()["rows"]]
    hand = [r["customer_id"] for r in owner.get(
        "/api/customers", params={"flag": "hand_holding"}).json()["rows"]]
    tickets = project.warehouse.table("tickets").to_pyarrow().to_pylist()
    hostile_ticket = next(t["ticket_id"] for t in tickets if "onload" in (t["subject"] or ""))
    urls = ["/", "/customers", "/customers?q=" + quote('<script>alert("q")</script>'),
            "/customers/C-1001", "/customers/C-1001/activity",
            "/customers/C-1001/whatif?price=%2B10%25", "/customers/N-2", "/customers/N-2/whatif",
            "/customers?plan=" + quote(HOSTILE_PLAN), *(f"/customers/{c}" for c in abusive + hand),
            f"/tickets/{hostile_ticket}", "/cases", case_url, "/audit", "/outbox",
            "/rewards", "/rewards/plan", "/users", "/why", "/customers/" + quote("<script>x</script>", safe="")]
    seen = ""
    for url in urls:
        r = owner.get(url)
        assert r.status_code in (200, 404), (url, r.status_code)
        if r.headers["content-type"].startswith("text/html"):
            assert_inert(r.text, url)
        else:  # the router's own 404 for a path that matches no route
            assert r.status_code == 404 and "<" not in r.text
        seen += r.text
    assert "&lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt;" in seen
    assert "&lt;img src=x onerror=alert(1)&gt;" in seen
    assert "&lt;svg onload=alert(3)&gt;" in seen
    assert "&lt;script&gt;alert(&#39;q&#39;)&lt;/script&gt; idiots" in seen
    assert "&lt;script&gt;alert(&#34;q&#34;)&lt;/script&gt;" in seen  # the search box
    # usage against plan peers: a hostile metric (C-1001, N-2) and plan name (N-2's alone)
    assert str(escape(HOSTILE_METRIC)) in seen and str(escape(HOSTILE_PLAN)) in seen
    n2 = owner.get("/customers/N-2").text
    assert "no peers on this plan" in n2 and str(escape(HOSTILE_METRIC)) in n2
    api = owner.get("/api/customers/N-2").json()
    assert api["scorecard"]["plan"] == HOSTILE_PLAN  # data, returned as it is, as JSON
    assert [(u["metric"], u["peers"], u["peer_median"]) for u in api["usage_vs_peers"]] == [
        (HOSTILE_METRIC, 0, None)]


def test_security_headers(clients) -> None:  # type: ignore[no-untyped-def]
    r = clients["viewer"].get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"
