"""Everything the report shows, computed from the scorecard, the scores and text labels.

Pure: data frames and results in, a ``ReportData`` out. Rendering is in html.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import ibis
import pandas as pd

from goodfit.metrics.concentration import LOAD_WORDS, LOADS
from goodfit.metrics.concentration import concentration as metric_concentration
from goodfit.report import charts
from goodfit.scoring.coverage import FACT_WORDS, FACTS
from goodfit.scoring.evidence import EvidenceRef
from goodfit.scoring.fit import COMPONENTS
from goodfit.scoring.inputs import money
from goodfit.scoring.risk import RiskReport
from goodfit.scoring.score import ScoreResult
from goodfit.scoring.segments import SEGMENTS

COST_PARTS = ("support_cost", "order_handling_cost", "custom_work_cost", "payment_friction_cost",
              "usage_cost", "direct_cost")
# The file stays small enough to open and mail: the flags table and the per-customer
# sections are capped (most severe flags and costliest customers first); every figure
# and chart still covers every customer, and `goodfit explain` shows anyone in full.
MAX_FLAG_ROWS = 300
# describes the rows some evidence cites, by (kind, id): a describe_rows with its lookup
Describe = Callable[[Iterable[EvidenceRef]], dict[tuple[str, str], str]]
MAX_CUSTOMER_SECTIONS = 300


@dataclass
class CustomerView:
    anchor: str  # "c-12": never built from customer text
    customer_id: str
    name: str
    plan: str
    segment: str
    score: float
    reason: str
    components: dict[str, float | None]  # None: unknown (the data it needs is missing)
    figures: dict[str, Any]
    costs: dict[str, float]
    flags: list[dict[str, Any]] = field(default_factory=list)
    # figures whose data is missing (no billing: revenue, profit, margin; no support time:
    # support minutes, support cost, cost to serve): shown as "unknown", never as 0
    unknown: frozenset[str] = frozenset()
    missing: str = ""  # the facts this customer's verdict lacks, in words
    # service-level figures of the window (goodfit.metrics.service_levels); {} when the
    # customer had no ticket in it; a None figure is one its tickets do not record
    service: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReportData:
    title: str
    currency: str
    generated_at: datetime
    since: datetime
    until: datetime
    config_hash: str
    headline: list[tuple[str, str]]
    sets: list[dict[str, Any]]
    customers: list[CustomerView]
    top_cost_per_dollar: list[CustomerView]
    segments: list[dict[str, Any]]
    flags: list[dict[str, Any]]
    resolution_mix: list[dict[str, Any]]
    topics: list[dict[str, Any]] | None
    risk: RiskReport
    charts: dict[str, str]
    load: str = "support minutes"  # the load's words (goodfit.metrics.concentration)
    all_customers: int = 0  # customers may hold only the sections shown (see the caps)
    all_flags: int = 0
    has_billing: bool = True  # invoices exist: revenue, profit and margin are known
    has_minutes: bool = True  # support time is measured: minutes and support cost are known
    missing: list[str] = field(default_factory=list)  # the project's missing facts, in words
    top_tickets: list[CustomerView] = field(default_factory=list)  # most tickets first
    load_note: str = ""  # why the load is counted as it is (no minutes: in tickets)
    total_tickets: int = 0


NO_BILLING_FIGURES = frozenset({"revenue", "profit", "margin", "cost_per_dollar"})
NO_MINUTES_FIGURES = frozenset({"support_minutes", "support_cost", "cost_to_serve", "profit",
                                "margin", "cost_per_dollar"})


def report_load(load: str, has_minutes: bool) -> str:
    """The load the report counts: the configured one, or tickets when it is minutes or
    cost and no support time is recorded (a curve of zeros says nothing)."""
    return "tickets" if load in ("minutes", "cost") and not has_minutes else load


def concentration(card: pd.DataFrame, load: str) -> tuple[list[dict[str, Any]],
                                                          list[dict[str, Any]]]:
    """Concentration points (heaviest first) and the smallest sets carrying 50/80/90% of
    load: goodfit.metrics.concentration's figures (``load``: tickets, minutes or cost)."""
    cols = ["customer_id", "name", "revenue", *sorted(set(LOADS.values()))]
    df = card[cols].copy()
    for c in cols[2:]:
        df[c] = df[c].map(money)
    df["customer_id"] = df["customer_id"].astype(str)
    df["name"] = df["name"].astype(str)
    conc = metric_concentration(ibis.memtable(df), load, points=max(len(df), 1))
    # the Lorenz curve runs lightest first; the report's curve, heaviest first, mirrors it
    points = [{"x": round(1.0 - x, 12), "y": round(1.0 - y, 12)}
              for x, y in reversed(conc.lorenz)]
    sets = [] if conc.total_load <= 0 else [
        {"share": t.load_share, "customers": t.customers, "customer_share": t.customer_share,
         "revenue_share": t.revenue_share} for t in conc.top]
    return points, sets


def _records(card: pd.DataFrame, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """``card.to_dict("records")`` a few thousand rows at a time (all of them at once is
    a dict per customer held together)."""
    for start in range(0, len(card), batch):
        yield from card.iloc[start:start + batch].to_dict("records")


def _flag_view(f: Any, anchors: dict[str, str], names: dict[str, str],
               rows: dict[tuple[str, str], str]) -> dict[str, Any]:
    return {"customer_id": f.customer_id, "anchor": anchors.get(f.customer_id, ""),
            "name": names.get(f.customer_id, f.customer_id), "code": f.code,
            "severity": f.severity.value, "detail": f.detail,
            "evidence": [{"kind": e.kind, "id": e.id, "quote": e.quote,
                          "row": rows.get((e.kind, e.id))} for e in f.evidence]}


def build_report(scorecard: pd.DataFrame, result: ScoreResult, risk: RiskReport, *,
                 resolution: pd.DataFrame, topics: pd.DataFrame | None, title: str,
                 currency: str, since: datetime, until: datetime, config_hash: str,
                 generated_at: datetime, load: str = "minutes",
                 describe: Describe | None = None,
                 facts: frozenset[str] = frozenset(FACTS),
                 service: dict[str, dict[str, Any]] | None = None) -> ReportData:
    """``describe``: describes the rows the evidence given cites (ticket subject, invoice
    amount, …) by (kind, id), as goodfit.scoring.explain.describe_rows does; called once,
    with the shown flags' own evidence (without it, the rows are not described).
    ``service``: service-level figures by customer id (goodfit.metrics.service_levels).
    ``facts``: the data the project holds (goodfit.scoring.coverage.project_facts); a
    figure whose data is missing is shown as unknown, and without support time the load
    is counted in tickets."""
    has_billing = "billing" in facts
    has_minutes = "support_time" in facts
    unknown = (NO_BILLING_FIGURES if not has_billing else frozenset()) | (
        NO_MINUTES_FIGURES if not has_minutes else frozenset())
    configured_load, load = load, report_load(load, has_minutes)
    order = "cost_to_serve" if has_minutes else "tickets"
    # sorting makes the report's own copy (ids as text)
    card = scorecard.sort_values(
        [order, "customer_id"], ascending=[False, True],
        key=lambda s: s.map(money) if s.name == order
        else s.astype(str) if s.name == "customer_id" else s)
    card["customer_id"] = card["customer_id"].astype(str)
    scores = result.scores.set_index("customer_id")
    anchors = {cid: f"c-{i}" for i, cid in enumerate(card["customer_id"])}
    names = {cid: str(name or cid) for cid, name in zip(
        card["customer_id"], card["name"] if "name" in card else [None] * len(card),
        strict=True)}
    ordered = sorted(result.flags, key=lambda f: (-f.severity.rank, f.code, f.customer_id))
    all_flags = len(ordered)
    views = []
    for r in _records(card):
        cid = str(r["customer_id"])
        s = scores.loc[cid] if cid in scores.index else None
        revenue = money(r.get("revenue"))
        views.append(CustomerView(
            anchor=anchors[cid], customer_id=cid, name=names[cid], plan=str(r.get("plan") or ""),
            segment=str(s["segment"]) if s is not None else "",
            score=float(s["score"]) if s is not None else 0.0,
            reason=str(s["reason"]) if s is not None else "",
            # an unknown component (data it needs is missing) stays None: shown as unknown
            components={c: (None if s[c] is None or pd.isna(s[c]) else float(s[c]))
                        for c in COMPONENTS} if s is not None else {},
            figures={"revenue": revenue, "cost_to_serve": money(r.get("cost_to_serve")),
                     "profit": money(r.get("profit")),
                     "margin": None if pd.isna(r.get("margin")) else float(r["margin"]),
                     "support_minutes": money(r.get("support_minutes")),
                     "minutes_estimated": bool(r.get("minutes_estimated")),
                     "tickets": int(money(r.get("tickets"))),
                     "tenure_months": money(r.get("tenure_months")),
                     # the scorecard's one ratio (NULL without revenue)
                     "cost_per_dollar": (None if r.get("cost_per_dollar") is None
                                         or pd.isna(r.get("cost_per_dollar"))
                                         else float(r["cost_per_dollar"]))},
            costs={c: money(r.get(c)) for c in COST_PARTS},
            unknown=unknown,
            service=(service or {}).get(cid, {}),
            missing=str(s["missing"] or "") if s is not None and "missing" in s.index
            and not pd.isna(s["missing"]) else ""))
    top = sorted([v for v in views if v.figures["cost_per_dollar"] is not None],
                 key=lambda v: (-v.figures["cost_per_dollar"], v.customer_id))[:15] \
        if has_billing and has_minutes else []
    top_tickets = sorted([v for v in views if v.figures["tickets"] > 0],
                         key=lambda v: (-v.figures["tickets"], v.customer_id))[:15] \
        if load == "tickets" else []
    # Only the flags the file shows become views (the flags table's first rows and the
    # flags of the customers with a section): at 100k customers, a view of every flag
    # with all its evidence was the larger part of the report's memory.
    # The rows their evidence cites are looked up for these flags alone.
    keep = {v.customer_id for v in views[:MAX_CUSTOMER_SECTIONS]}
    keep |= {v.customer_id for v in top} | {f.customer_id for f in ordered[:MAX_FLAG_ROWS]}
    keep |= {v.customer_id for v in top_tickets}
    sections = [v for v in views if v.customer_id in keep]  # still ordered by cost
    shown = [(i, f) for i, f in enumerate(ordered) if i < MAX_FLAG_ROWS or f.customer_id in keep]
    rows = {} if describe is None else describe(
        e for _, f in shown for e in f.evidence[:EVIDENCE_SHOWN])
    flag_views = {i: _flag_view(f, anchors, names, rows) for i, f in shown}
    shown_flags = [flag_views[i] for i, _ in shown if i < MAX_FLAG_ROWS]
    by_customer: dict[str, list[dict[str, Any]]] = {}
    for i, f in shown:
        if f.customer_id in keep:
            by_customer.setdefault(f.customer_id, []).append(flag_views[i])
    for v in sections:
        v.flags = by_customer.get(v.customer_id, [])
    seg_rows = []
    total_rev = sum(v.figures["revenue"] for v in views) or 1.0
    for seg in SEGMENTS:
        mine = [v for v in views if v.segment == seg]
        rev = sum(v.figures["revenue"] for v in mine)
        seg_rows.append({"segment": seg, "customers": len(mine), "revenue": rev,
                         "revenue_share": rev / total_rev,
                         "profit": sum(v.figures["profit"] for v in mine)})
    points, sets = concentration(card, load)
    marks = [{"x": s["customer_share"], "y": s["share"],
              "label": f"{s['customers']} customers carry {s['share']:.0%}"} for s in sets]
    totals = {c: sum(v.costs[c] for v in views) for c in COST_PARTS}
    revenue = sum(v.figures["revenue"] for v in views)
    cost = sum(v.figures["cost_to_serve"] for v in views)
    minutes = sum(v.figures["support_minutes"] for v in views)
    s80 = next((s for s in sets if s["share"] == 0.8), None)
    tickets = sum(v.figures["tickets"] for v in views)

    def known(figure: str, text: str) -> str:
        return "unknown" if figure in unknown else text

    headline = [
        ("Customers", f"{len(views):,}"),
        ("Revenue", known("revenue", f"{revenue:,.0f} {currency}")),
        ("Cost to serve", known("cost_to_serve", f"{cost:,.0f} {currency}")),
        ("Profit", known("profit", f"{revenue - cost:,.0f} {currency}")),
        ("Support hours", known("support_minutes", f"{minutes / 60:,.0f}")),
        ("Unprofitable customers",
         known("profit", f"{sum(1 for v in views if v.figures['profit'] < 0):,}")),
        (f"Carry 80% of the {LOAD_WORDS[load]}" if load != configured_load
         else "Carry 80% of the load",
         f"{s80['customers']:,} customers ({s80['customer_share']:.0%})" if s80 else "—"),
        ("Flags raised", f"{all_flags:,}"),
    ]
    if not has_minutes:
        headline.insert(1, ("Tickets", f"{tickets:,}"))
    missing = [FACT_WORDS[f] for f in ("billing", "support_time") if f not in facts]
    load_note = "" if load == configured_load else (
        f"No support time is recorded (tickets have neither logged minutes nor staff "
        f"replies), so the load is counted in tickets, not in {LOAD_WORDS[configured_load]}.")
    mix = resolution.to_dict("records")
    topic_rows = None if topics is None else topics.to_dict("records")
    chart_svgs = {
        "lorenz": charts.lorenz(points, marks, LOAD_WORDS[load]),
        "segments": charts.bars([{"segment": r["segment"], "customers": r["customers"]}
                                 for r in seg_rows], "segment", "customers", "customers",
                                colour_by_segment=True),
    }
    if has_billing and has_minutes:  # profit needs both
        chart_svgs["scatter"] = charts.profit_vs_revenue(
            [{"revenue": v.figures["revenue"], "profit": v.figures["profit"],
              "segment": v.segment} for v in views], currency)
    # without support time the support cost is unknown, not 0: only the parts measured
    parts = {k: v for k, v in totals.items() if has_minutes or k != "support_cost"}
    if has_minutes or any(v > 0 for v in parts.values()):
        chart_svgs["costs"] = charts.bars([{"part": k.replace("_", " "), "amount": round(v, 2)}
                                           for k, v in parts.items()], "part", "amount",
                                          f"total ({currency})")
    if mix:
        chart_svgs["resolution"] = charts.bars(
            [{"code": str(r["code"]), "tickets": int(r["tickets"])} for r in mix],
            "code", "tickets", "tickets")
    return ReportData(title, currency, generated_at, since, until, config_hash, headline, sets,
                      sections, top, seg_rows, shown_flags, mix, topic_rows, risk, chart_svgs,
                      LOAD_WORDS[load], all_customers=len(views), all_flags=all_flags,
                      has_billing=has_billing, has_minutes=has_minutes, missing=missing,
                      top_tickets=top_tickets, load_note=load_note,
                      total_tickets=tickets)


EVIDENCE_SHOWN = 20  # per flag, in a customer's section (the flags table shows fewer)


def evidence_text(ev: dict[str, Any]) -> str:
    """One line for a piece of evidence (plain text; the template escapes it)."""
    if ev.get("quote"):
        return f"{ev['kind']} {ev['id']}: “{ev['quote']}”"
    return f"{ev['kind']} {ev['id']}"


def dumps(value: Any) -> str:
    return json.dumps(value, default=str)
