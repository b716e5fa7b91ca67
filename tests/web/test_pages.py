"""Customers table, customer page, cases with four-eyes, audit: through the real server."""

from __future__ import annotations

import csv
import io
import re
from contextlib import closing
from decimal import Decimal

from tests.web.conftest import csrf_of, sign_in


def test_customers_filters_sort_and_pages(clients, project) -> None:  # type: ignore[no-untyped-def]
    cards = project.provider.card
    api = clients["viewer"]
    every = api.get("/api/customers", params={"page_size": 10}).json()
    assert every["total"] == len(cards) == 26
    assert every["pages"] == 3
    last = api.get("/api/customers", params={"page_size": 10, "page": 3}).json()
    assert len(last["rows"]) == 6
    top = api.get("/api/customers", params={"sort": "revenue", "desc": "true",
                                            "page_size": 1}).json()["rows"][0]
    assert Decimal(str(top["revenue"])) == max(Decimal(str(round(c["revenue"], 4)))
                                               for c in cards)
    threshold = 400
    expected = sum(1 for c in cards if c["revenue"] >= threshold)
    assert api.get("/api/customers", params={"min_revenue": threshold}).json()["total"] \
        == expected
    # countries: odd rows DE (see conftest) → 13 of 26
    assert api.get("/api/customers", params={"country": "de"}).json()["total"] == 13
    # e-mail search finds exactly that customer; name search is case-insensitive
    found = api.get("/api/customers", params={"q": "billing3@org3"}).json()["rows"]
    assert [r["customer_id"] for r in found] == ["C-1004"]
    found = api.get("/api/customers", params={"q": "kestrel"}).json()["rows"]
    assert [r["name"] for r in found] == ["Kestrel Labs"]
    # a LIKE wildcard in the search is a literal character
    assert api.get("/api/customers", params={"q": "%"}).json()["total"] == 0
    flagged = api.get("/api/customers", params={"flag": "abusive_language"}).json()
    assert flagged["total"] == 2 and all("abusive_language" in r["flags"]
                                         for r in flagged["rows"])
    assert api.get("/api/customers", params={"sort": "name; drop table"}).status_code == 400


def test_csv_export_of_the_view_neutralises_formulas(clients) -> None:  # type: ignore[no-untyped-def]
    r = clients["agent"].get("/customers.csv", params={"sort": "customer_id"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 26
    by_id = {row["customer_id"]: row for row in rows}
    assert by_id["C-1002"]["name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert float(by_id["C-1001"]["revenue"]) > 0
    only = clients["agent"].get("/customers.csv", params={"country": "FR"})
    assert len(list(csv.DictReader(io.StringIO(only.text)))) == 13


def test_customer_page_drills_from_flag_to_highlighted_message(clients, project) -> None:  # type: ignore[no-untyped-def]
    agent = clients["agent"]
    flagged = agent.get("/api/customers", params={"flag": "abusive_language"}).json()["rows"]
    cid = flagged[0]["customer_id"]
    html = agent.get(f"/customers/{cid}").text
    assert "abusive_language" in html
    assert "<mark>&lt;script&gt;alert(&#39;q&#39;)&lt;/script&gt; idiots</mark>" in html
    link = re.search(r'class="drill" href="(/tickets/[^"]+)"', html)
    assert link, "no link from the evidence to its ticket"
    ticket = agent.get(link.group(1).replace("&amp;", "&"))
    assert ticket.status_code == 200
    assert re.search(r"<mark>[^<]+</mark>", ticket.text)
    # a viewer sees the figures but not customer text
    viewer = clients["viewer"].get(f"/customers/{cid}").text
    assert "idiots" not in viewer and "Thanks, could you" not in viewer and 'class="drill"' not in viewer


def test_offboarding_drafted_by_agent_approved_by_manager_four_eyes(server, project) -> None:  # type: ignore[no-untyped-def]
    with closing(sign_in(server, "alex")) as agent, closing(sign_in(server, "mia")) as mia, \
            closing(sign_in(server, "mo")) as mo:
        page = agent.get("/customers/C-1005").text
        r = agent.post("/customers/C-1005/offboard",
                       data={"csrf": csrf_of(page), "reason": "abusive to staff"})
        assert r.status_code == 303
        case_url = r.headers["location"]
        case_id = int(case_url.rsplit("/", 1)[1])
        inbox = agent.get("/cases").text
        assert f'href="/cases/{case_id}"' in inbox.split("Other cases")[0]
        # an agent cannot approve
        token = csrf_of(agent.get(case_url).text)
        assert agent.post(f"{case_url}/approve", data={"csrf": token}).status_code == 403
        assert project.actions.case(case_id).state == "draft"
        # a manager who drafted cannot approve their own draft (four-eyes, in the core)
        r = mo.post("/customers/C-1006/offboard",
                    data={"csrf": csrf_of(mo.get("/").text), "reason": "unprofitable"})
        own = int(r.headers["location"].rsplit("/", 1)[1])
        r = mo.post(f"/cases/{own}/approve", data={"csrf": csrf_of(mo.get("/").text)})
        assert r.status_code == 403 and "four-eyes" in r.text
        assert project.actions.case(own).state == "draft"
        # another manager approves
        r = mia.post(f"{case_url}/approve", data={"csrf": csrf_of(mia.get(case_url).text)})
        assert r.status_code == 303
        done = project.actions.case(case_id)
        assert done.state == "approved" and all(s.approved_by == "mia" for s in done.steps)
        # and rejects the other with a reason
        r = mia.post(f"/cases/{own}/reject", data={"csrf": csrf_of(mia.get("/").text),
                                                  "reason": "not yet: talk first"})
        assert r.status_code == 303
        rejected = project.actions.case(own)
        assert rejected.state == "cancelled" and rejected.cancelled_by == "mia"
        # the audit chain holds it all and verifies
        audit = mia.get("/audit", params={"verify": "true"}).text
        assert "Chain intact" in audit
        kinds = [(e.kind, e.actor) for e in project.audit.events(case_id=case_id)]
        assert any(a == "mia" for _, a in kinds) and any(a == "alex" for _, a in kinds)
        assert mia.get("/api/audit/verify").json()["ok"] is True
        # nothing left for a customer: the outbox holds drafts only
        assert all(m.state != "sent" for m in project.actions.outbox())


def test_overview_shows_window_segments_and_charts(clients, project) -> None:  # type: ignore[no-untyped-def]
    html = clients["viewer"].get("/").text
    snap = project.scoring.latest_snapshot()
    assert f"Snapshot {snap.id}" in html and "web tests" in html
    assert html.count("<svg") >= 4
    ov = clients["viewer"].get("/api/overview").json()
    assert ov["customers"] == 26
    assert sum(v["customers"] for v in ov["segments"].values()) == 26
    total = sum(Decimal(str(round(c["revenue"], 4))) for c in project.provider.card)
    assert abs(Decimal(str(ov["revenue"])) - total) < Decimal("0.01")


def test_why_tickets_happen(clients, project) -> None:  # type: ignore[no-untyped-def]
    """Resolution mix counted by hand from the provider's ticket rows in the window; the
    demo's hand-holders ask documentation questions the docs answer (KB-12)."""
    from datetime import datetime

    api = clients["viewer"].get("/api/why").json()
    since = datetime.fromisoformat(api["snapshot"]["since"])
    until = datetime.fromisoformat(api["snapshot"]["until"])
    rows = [t for t in project.provider.rows["tickets"] if since <= t["opened_at"] < until]
    by_code: dict[str, list[float]] = {}
    for t in rows:
        by_code.setdefault(t["resolution_code"] or "unknown", []).append(t["staff_minutes"])
    assert api["tickets"] == len(rows)
    assert {r["code"]: (r["tickets"], r["minutes"]) for r in api["resolution"]} == {
        c: (len(m), float(sum(m))) for c, m in by_code.items()}
    assert len(by_code["documentation"]) == 27  # 3 hand-holders × 9 tickets
    assert abs(sum(r["share"] for r in api["resolution"]) - 1.0) < 1e-9
    kb = {t["ticket_id"] for t in project.provider.kb if t["answerable"]} & {
        t["ticket_id"] for t in rows}
    assert api["kb_answerable"] == len(kb) == 27
    assert [a["article_id"] for a in api["articles"]] == ["KB-12"]
    assert api["topics"] is None  # no topics step ran on this project
    page = clients["viewer"].get("/why")
    assert page.status_code == 200
    assert "documentation" in page.text and "goodfit text topics" in page.text
    assert "27 of" in page.text


def test_audit_export_rechecks_by_hand(clients) -> None:  # type: ignore[no-untyped-def]
    """Each exported line re-hashes to its record_hash by the documented formula
    (sha256 of prev_hash + the event's canonical JSON), and links to the line before."""
    import hashlib
    import json

    assert clients["agent"].get("/audit/export.jsonl").status_code == 403
    r = clients["manager"].get("/audit/export.jsonl")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    assert "attachment" in r.headers["content-disposition"]
    records = [json.loads(line) for line in r.text.splitlines()]
    assert records and [x["seq"] for x in records] == list(range(1, len(records) + 1))
    prev = "0" * 64
    for x in records:
        event = {k: v for k, v in x.items() if k not in ("prev_hash", "record_hash")}
        assert x["prev_hash"] == prev
        canon = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if event["data"] != {"redacted": True}:
            assert hashlib.sha256((prev + canon).encode()).hexdigest() == x["record_hash"]
        prev = x["record_hash"]


def test_whatif_for_one_customer(clients, project) -> None:  # type: ignore[no-untyped-def]
    """A manual-order fee of 7 on a customer who ordered 6 times by e-mail (the demo's
    'manual' kind, C-1021): 42 more revenue and profit; nothing stored changes."""
    manual = [o for o in project.provider.rows["orders"]
              if o["customer_id"] == "C-1021" and o["channel"] == "email"]
    assert len(manual) == 6
    before = clients["viewer"].get("/api/customers/C-1021").json()["scorecard"]
    r = clients["viewer"].get("/customers/C-1021/whatif", params={"fee_manual_order": "7"})
    assert r.status_code == 200, r.text
    assert "manual order fees 42.00" in r.text
    revenue = Decimal(str(before["revenue"]))
    assert f"{revenue + 42:,.2f}" in r.text and f"{revenue:,.2f}" in r.text
    assert clients["viewer"].get("/api/customers/C-1021").json()["scorecard"] == before
    bad = clients["viewer"].get("/customers/C-1021/whatif", params={"fee_manual_order": "x"})
    assert bad.status_code in (400, 409) and "not an amount" in bad.text
    blank = clients["viewer"].get("/customers/C-1021/whatif")
    assert blank.status_code == 200 and "Work it out" in blank.text


def test_offboarding_steps_letter_pack_and_call_log(server, clients, project) -> None:  # type: ignore[no-untyped-def]
    import zipfile

    with closing(sign_in(server, "alex")) as agent, closing(sign_in(server, "mia")) as mia:
        r = agent.post("/customers/C-1007/offboard",
                       data={"csrf": csrf_of(agent.get("/").text), "reason": "unprofitable"})
        case_url = r.headers["location"]
        case_id = int(case_url.rsplit("/", 1)[1])
        steps = {s.kind: s for s in project.actions.case(case_id).steps}
        letter = f"{case_url}/steps/{steps['letter'].no}/files/0"
        pack = f"{case_url}/steps/{steps['pack'].no}/files/0"
        assert f'href="{letter}"' in agent.get(case_url).text
        pdf = agent.get(letter)
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF-") and "inline" in pdf.headers["content-disposition"]
        z = agent.get(pack)
        assert z.headers["content-type"] == "application/zip"
        with zipfile.ZipFile(io.BytesIO(z.content)) as archive:
            assert archive.namelist() and archive.testzip() is None
        assert clients["viewer"].get(letter).status_code == 403
        assert agent.get(f"{case_url}/steps/{steps['letter'].no}/files/7").status_code == 404
        # a call can be logged only once its script is approved
        token = csrf_of(agent.get(case_url).text)
        early = agent.post(f"{case_url}/call", data={"csrf": token, "outcome": "answered"})
        assert early.status_code == 409
        mia.post(f"{case_url}/approve", data={"csrf": csrf_of(mia.get(case_url).text)})
        r = agent.post(f"{case_url}/call", data={"csrf": token, "outcome": "voicemail",
                                                 "notes": "<b>left a message</b>"})
        # the call is kept (step payload and audit log); the step itself completes only
        # once the e-mail before it has gone out (the core's step order, said on the page)
        assert r.status_code == 409 and "come first" in r.text
        call = next(s for s in project.actions.case(case_id).steps if s.kind == "call")
        assert [(c["outcome"], c["by"]) for c in call.payload["calls"]] == [("voicemail", "alex")]
        logged = project.audit.events(case_id=case_id, kind="call_logged")
        assert [(e.actor, e.data["outcome"]) for e in logged] == [("alex", "voicemail")]
        shown = agent.get(case_url).text
        assert "&lt;b&gt;left a message&lt;/b&gt;" in shown and "<b>left a message" not in shown
        wrong = agent.post(f"{case_url}/call", data={"csrf": token, "outcome": "shouted"})
        assert wrong.status_code == 409 and "outcome must be one of" in wrong.text
        assert agent.post(f"{case_url}/call", data={"outcome": "answered"}).status_code == 403


def test_reward_plan_save_and_commit(clients, project) -> None:  # type: ignore[no-untyped-def]
    """The plan page shows the rewards service's plan without saving it; saving makes a
    planned draw. This small provider has nobody past every gate (12-month tenure in a
    window of one year of invoices), so committing is refused with the core's reason."""
    owner = clients["owner"]
    assert clients["agent"].get("/rewards/plan").status_code == 403
    before = len(project.rewards.draws())
    preview = owner.get("/rewards/plan")
    assert preview.status_code == 200 and "Gate funnel" in preview.text
    plan, _ = project.rewards.plan(save=False)
    assert not plan.eligible and "Nobody passes every gate" in preview.text
    assert f"{plan.others} other customer(s)" in preview.text
    assert len(project.rewards.draws()) == before  # showing saved nothing
    token = csrf_of(preview.text)
    assert owner.post("/rewards/plan", data={"csrf": token}).status_code == 303
    draws = project.rewards.draws()
    assert len(draws) == before + 1 and draws[-1].state == "planned"
    assert draws[-1].eligible_count == 0
    r = owner.post(f"/rewards/{draws[-1].id}/commit", data={"csrf": token})
    assert r.status_code == 409 and "nobody to draw" in r.text
    assert project.rewards.draws()[-1].state == "planned"
    assert owner.post(f"/rewards/{draws[-1].id}/commit", data={}).status_code == 403  # no CSRF


def test_customer_page_service_levels_usage_against_plan_peers_and_trend(clients, project) -> None:  # type: ignore[no-untyped-def]
    """C-1008 (plan vps-2) has three tickets answered after 30, 90 and 600 minutes and
    closed after 2, 10 and 100 hours (conftest). Priority normal: targets 480 min and 72 h,
    so only the third breaches. Median/p90 (linear between ranks): response 90 and
    90 + 0.8 × 510 = 498 min; resolution 10 and 10 + 0.8 × 90 = 82 h."""
    import statistics

    api = clients["viewer"].get("/api/customers/C-1008").json()
    sv = api["service_levels"]
    assert sv["first_response_median_minutes"] == 90
    assert abs(sv["first_response_p90_minutes"] - 498) < 1e-9
    assert sv["resolution_median_hours"] == 10
    assert abs(sv["resolution_p90_hours"] - 82) < 1e-9
    assert (sv["sla_breaches"], sv["sla_judged"]) == (1, 3)
    assert api["service_targets"]["first_response_minutes"]["normal"] == 480
    # usage: egress_gb per month, against the other vps-2 customers worked out from the rows
    rows = project.provider.rows
    plan = {c["customer_id"]: c["plan"] for c in rows["customers"]}
    per: dict[str, list[float]] = {}
    for u in rows["usage"]:
        if plan[u["customer_id"]] == "vps-2":
            per.setdefault(u["customer_id"], []).append(u["quantity"])
    mine = per.pop("C-1008")
    peers = sorted(sum(q) / len(q) for q in per.values())
    (usage,) = api["usage_vs_peers"]
    assert usage["metric"] == "egress_gb" and usage["periods"] == 12 == len(mine)
    assert abs(usage["per_period"] - sum(mine) / 12) < 1e-9
    assert usage["peers"] == len(peers) == 14  # 15 of the 24 on vps-2 (conftest), less itself
    assert abs(usage["peer_median"] - statistics.median(peers)) < 1e-9
    assert abs(usage["peer_p90"] - statistics.quantiles(peers, n=10, method="inclusive")[8]) \
        < 1e-9
    # the monthly trend: twelve invoices of 40 in 2025, and the three tickets
    months = api["monthly"]
    assert sum(float(m["revenue"]) for m in months) == 12 * 40
    assert sum(m["tickets"] for m in months) == 3
    html = clients["viewer"].get("/customers/C-1008").text
    assert "90 · 498 min" in html and "10.0 · 82.0 h" in html and "1 of 3 tickets" in html
    assert f"{statistics.median(peers):,.1f}" in html and "Monthly trend" in html
    # a plan without usage: said so, no peer figure made up
    other = clients["viewer"].get("/customers/N-1").text
    assert "No usage recorded on plan basic" in other and "No tickets in the window" not in other


def test_peer_usage_with_nobody_else_on_the_plan() -> None:
    from goodfit.metrics.usage import PlanUsage

    alone = PlanUsage("solo", {"gb": {"A": (30.0, 3)}})
    (u,) = alone.against_peers("A")
    assert (u.per_period, u.peers, u.peer_median, u.peer_p90) == (10.0, 0, None, None)
    three = PlanUsage("p", {"gb": {"A": (10.0, 1), "B": (40.0, 2), "C": (0.0, 1),
                                   "D": (90.0, 3)}})
    (u,) = three.against_peers("A")  # peers 20, 0, 30 → sorted 0, 20, 30
    assert (u.peers, u.peer_median, u.times_median) == (3, 20.0, 0.5)
    assert abs(u.peer_p90 - 28.0) < 1e-9  # 20 + 0.8 × 10
    (none,) = three.against_peers("Z")  # not using the metric: compared with all four
    assert none.per_period is None and none.peers == 4


def test_whatif_page_equals_the_cli_whatif_for_that_customer(clients, project, app) -> None:  # type: ignore[no-untyped-def]
    """The page works out one customer alone; its figures are that customer's row of the
    CLI's whole-project what-if (same fees, price change, assumptions and window)."""
    import json

    from typer.testing import CliRunner

    from goodfit.cli import app as cli

    snap = clients["viewer"].get("/api/snapshot").json()
    data = app.state.data
    as_of = "2025-12-31T23:59:59"
    window = project.metrics.window(as_of)
    snap_window = project.metrics.window(snap["as_of"], snap["since"], snap["until"])
    fees = project.pricing.parse_fees(["manual_order=7", "support_hour=90"])
    for cid, plan in (("C-1021", "vps-2"), ("C-1019", "storage"), ("C-1008", "vps-2")):
        r = CliRunner().invoke(cli, [
            "whatif", "--fee", "manual_order=7", "--fee", "support_hour=90", "--price",
            f"{plan}=+10%", "--behaviour-change", "0.25", "--as-of", as_of, "--top", "0",
            "--json", "-p", str(project.root)])
        assert r.exit_code == 0, r.output
        whole = json.loads(r.output)
        assert len(whole["customers"]) == 26
        expected = next(c for c in whole["customers"] if c["customer_id"] == cid)
        prices = project.pricing.parse_prices([f"{plan}=+10%"])
        alone = project.pricing.whatif(fees=fees, prices=prices, behaviour_change=0.25,
                                       window=window, customer_id=cid)
        assert [c.to_dict() for c in alone.customers] == [expected]
        # the page: the snapshot's window, that customer alone, the same row as the whole
        result, mine = data.whatif(cid, fees={"manual_order": "7", "support_hour": "90"},
                                   fee_model=False, price="+10%", behaviour_change=0.25)
        assert len(result.customers) == 1
        every = project.pricing.whatif(fees=fees, prices=prices, behaviour_change=0.25,
                                       window=snap_window)
        assert mine == next(c for c in every.customers if c.customer_id == cid)
        page = clients["viewer"].get(f"/customers/{cid}/whatif", params={
            "fee_manual_order": "7", "fee_support_hour": "90", "price": "+10%",
            "behaviour_change": "0.25"}).text
        assert f"{mine.new_profit:,.2f}" in page
