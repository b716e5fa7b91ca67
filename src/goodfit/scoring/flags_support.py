"""Flags about how a customer uses support: priority misuse, impatience, hand-holding,
abusive language toward staff, and carrying the bulk of the load."""

from __future__ import annotations

import json
from collections import defaultdict

import ibis
import pandas as pd

from goodfit.config import (
    AbusiveLanguageFlag,
    HandHoldingFlag,
    HeavyLoadFlag,
    ImpatienceFlag,
    PriorityMisuseFlag,
)
from goodfit.metrics.concentration import LOAD_WORDS, ranked, top_set
from goodfit.scoring.evidence import EvidenceRef, Flag, Severity
from goodfit.scoring.flag_registry import flag_rule
from goodfit.scoring.inputs import ScoringInputs, for_customers, frame


def _tickets(ids: pd.Series) -> list[EvidenceRef]:
    return [EvidenceRef("ticket", str(i)) for i in ids]


def qualifying(rows: ibis.Table, counts: ibis.Table, keep: ibis.Value) -> pd.DataFrame:
    """Evidence rows of the customers whose per-customer ``counts`` pass ``keep``: the
    thresholds are applied in the warehouse, only the flagged customers' rows come back."""
    hits = counts.filter(keep)
    return frame(rows.join(hits, "customer_id"))


def after_payment(inp: ScoringInputs, tickets: pd.DataFrame,
                  minutes: float) -> pd.DataFrame:
    """Tickets (ticket_id, customer_id, opened_at) opened within ``minutes`` after one of
    the customer's successful payments or orders, with that payment/order (kind, ref_id)."""
    p = inp.in_window("payments", "at")
    p = p.filter(p.outcome.isnull() | (p.outcome == "succeeded"))
    pay = frame(p.select(p.customer_id, p.payment_id.name("ref_id"), p.at.name("event_at")))
    pay["kind"] = "payment"
    o = inp.in_window("orders", "placed_at")
    orders = frame(o.select(o.customer_id, o.order_id.name("ref_id"),
                            o.placed_at.name("event_at")))
    orders["kind"] = "order"
    before = pd.concat([pay, orders], ignore_index=True)
    if tickets.empty or before.empty:
        return tickets.iloc[0:0].assign(ref_id=None, kind=None)
    before = before.dropna(subset=["event_at", "ref_id"])
    before["event_at"] = before["event_at"].astype("datetime64[us]")
    hi = tickets.assign(opened_at=tickets["opened_at"].astype("datetime64[us]"))
    near = pd.merge_asof(hi.sort_values("opened_at"), before.sort_values("event_at"),
                         left_on="opened_at", right_on="event_at", by="customer_id",
                         direction="backward", tolerance=pd.Timedelta(minutes=minutes))
    return near.dropna(subset=["ref_id"])


@flag_rule("priority_misuse", order=0)
def priority_misuse(inp: ScoringInputs, cfg: PriorityMisuseFlag) -> list[Flag]:
    """High/urgent tickets that were questions (resolved as documentation or information),
    from a customer who marks most tickets high/urgent; or such a question opened minutes
    after paying or ordering ("why is my server not active yet?")."""
    t = inp.tickets()
    high = t.priority.isin(cfg.priorities).fill_null(False)
    bad = (high & t.resolution.isin(cfg.resolution_codes)).fill_null(False)
    counts = t.group_by("customer_id").aggregate(
        tickets=t.count(), high_priority=high.sum(), misused=bad.sum())
    rows = t.filter(bad).select("ticket_id", "customer_id", "opened_at")
    df = qualifying(rows, counts, (counts.misused >= cfg.min_tickets)
                    & (counts.misused >= cfg.min_share * counts.high_priority)
                    & (counts.high_priority >= cfg.min_high_share * counts.tickets))
    refs: dict[str, list[EvidenceRef]] = {}
    details: dict[str, list[str]] = {}
    for cid, g in df.sort_values(["customer_id", "opened_at", "ticket_id"]).groupby(
            "customer_id", sort=True):
        n, total = int(g["misused"].iloc[0]), int(g["high_priority"].iloc[0])
        refs[str(cid)] = _tickets(g["ticket_id"])
        details[str(cid)] = [f"{n} of {total} high/urgent tickets were "
                             f"{' or '.join(cfg.resolution_codes)}"]
    if cfg.min_after_payment > 0:
        asked = frame(t.filter(bad).select("ticket_id", "customer_id", "opened_at"))
        near = after_payment(inp, asked, cfg.after_payment_minutes)
        for cid, g in near.sort_values(["opened_at", "ticket_id"]).groupby("customer_id"):
            if len(g) < cfg.min_after_payment:
                continue
            mine = refs.setdefault(str(cid), [])
            for r in g.itertuples():
                mine += [EvidenceRef("ticket", str(r.ticket_id)),
                         EvidenceRef(str(r.kind), str(r.ref_id))]
            details.setdefault(str(cid), []).append(
                f"{len(g)} high/urgent questions within {cfg.after_payment_minutes:g} minutes "
                "of paying or ordering")
    mostly_high = set(df["customer_id"].astype(str))
    return [Flag(cid, "priority_misuse", Severity(cfg.severity), tuple(dict.fromkeys(refs[cid])),
                 "; ".join(details[cid]), {"mostly_high": cid in mostly_high})
            for cid in sorted(refs)]


@flag_rule("impatience", order=1)
def impatience(inp: ScoringInputs, cfg: ImpatienceFlag) -> list[Flag]:
    """Two kinds of event: a high/urgent ticket soon after paying or ordering, and a
    customer follow-up minutes after their own previous message with no reply between."""
    events: dict[str, list[EvidenceRef]] = defaultdict(list)
    counts: dict[str, int] = defaultdict(int)
    t = inp.tickets()
    hi = frame(t.filter(t.priority.isin(cfg.priorities)).select(
        "ticket_id", "customer_id", "opened_at"))
    near = after_payment(inp, hi, cfg.after_payment_minutes)
    for row in near.sort_values(["opened_at", "ticket_id"]).itertuples():
        cid = str(row.customer_id)
        events[cid] += [EvidenceRef("ticket", str(row.ticket_id)),
                        EvidenceRef(str(row.kind), str(row.ref_id))]
        counts[cid] += 1
    m = inp.messages()
    m = m.filter(m.author_role.isin(["customer", "staff"]))
    w = ibis.window(group_by=m.ticket_id, order_by=[m.sent_at, m.message_id])
    m = m.mutate(prev_role=m.author_role.lag().over(w), prev_at=m.sent_at.lag().over(w))
    gap = ibis.interval(seconds=int(cfg.followup_minutes * 60))
    follow = frame(m.filter((m.author_role == "customer") & (m.prev_role == "customer")
                            & (m.sent_at <= m.prev_at + gap))
                   .select("customer_id", "message_id", "sent_at")).sort_values(
        ["sent_at", "message_id"])
    for row in follow.itertuples():
        cid = str(row.customer_id)
        events[cid].append(EvidenceRef("message", str(row.message_id)))
        counts[cid] += 1
    return [Flag(cid, "impatience", Severity(cfg.severity), tuple(dict.fromkeys(events[cid])),
                 f"{n} impatient events (urgent tickets right after paying or ordering, "
                 f"follow-ups within {cfg.followup_minutes:g} minutes)", {"events": n})
            for cid, n in sorted(counts.items()) if n >= cfg.min_events]


def answerable_tickets(inp: ScoringInputs, cfg: HandHoldingFlag) -> ibis.Table:
    """Tickets in the window and whether the docs answer them: the KB match says so, or
    (either way) they were resolved with a documentation code. ``long_answered``: both say
    so and the thread still ran to ``long_thread_messages`` messages or more."""
    t = inp.tickets()
    m = inp.tables["messages"]
    sizes = m.group_by(m.ticket_id.name("_mid")).aggregate(_msgs=m.count())
    t = t.left_join(sizes, t.ticket_id == sizes._mid)
    doc = t.resolution.isin(cfg.resolution_codes)
    answered = doc
    both = ibis.literal(False)
    if inp.ticket_kb_match is not None:
        k = inp.ticket_kb_match
        k = k.filter((k["rank"] == 1) & k.answerable).select(
            k.ticket_id.name("_kid"), k.article_id)
        t = t.left_join(k, t.ticket_id == k._kid)
        doc = t.resolution.isin(cfg.resolution_codes)
        answered = doc | t._kid.notnull()
        both = doc & t._kid.notnull()
    else:
        t = t.mutate(article_id=ibis.null(str))
    long_ = ibis.literal(False)
    if cfg.long_thread_messages > 0:
        long_ = (both & (t._msgs.fill_null(0) >= cfg.long_thread_messages)).fill_null(False)
    return t.select("ticket_id", "customer_id", "opened_at", "article_id",
                    answered.fill_null(False).name("answered"), long_.name("long_answered"))


def answerable_share(answerable: ibis.Table) -> dict[str, float]:
    """Share of each customer's tickets the docs answer."""
    a = answerable
    df = frame(a.group_by("customer_id").aggregate(
        share=ibis.ifelse(a.answered, 1.0, 0.0).mean()))
    return {str(c): float(v) for c, v in zip(df["customer_id"], df["share"], strict=True)}


@flag_rule("hand_holding", order=2)
def hand_holding(inp: ScoringInputs, cfg: HandHoldingFlag,
                 answerable: ibis.Table | None = None) -> list[Flag]:
    a = answerable_tickets(inp, cfg) if answerable is None else answerable
    counts = a.group_by("customer_id").aggregate(
        tickets=a.count(), answerable=a.answered.sum(), long=a.long_answered.sum())
    rows = a.filter(a.answered).select("ticket_id", "customer_id", "opened_at", "article_id")
    # A long thread on a question the docs answer weighs as two tickets: a newer customer
    # with one or two tickets can already show the pattern.
    df = qualifying(rows, counts, (counts.answerable + counts.long >= cfg.min_tickets)
                    & (counts.answerable >= cfg.min_share * counts.tickets))
    df = df.sort_values(["customer_id", "opened_at", "ticket_id"])
    out = []
    for cid, g in df.groupby("customer_id", sort=True):
        n, total = int(g["answerable"].iloc[0]), int(g["tickets"].iloc[0])
        refs = _tickets(g["ticket_id"])
        refs += [EvidenceRef("kb_article", str(x)) for x in dict.fromkeys(g["article_id"].dropna())]
        out.append(Flag(str(cid), "hand_holding", Severity(cfg.severity), tuple(refs),
                        f"{n} of {total} tickets are answered by the documentation",
                        {"answerable": n, "tickets": total}))
    return out


@flag_rule("abusive_language", order=3)
def abusive_language(inp: ScoringInputs, cfg: AbusiveLanguageFlag) -> list[Flag]:
    """Messages aimed at staff. Those in the window count 1 each; older ones are not
    forgotten but weigh 0.5 ** (days before the window / ``decay_half_life_days``), so
    respect is not reset at the window edge. ``extra["weight"]`` is that weighted count."""
    if inp.message_tone is None:
        return []  # no tone analysis: say nothing rather than guess
    tone = inp.message_tone
    tone = tone.filter(tone.abusive & (tone.sent_at < inp.until))
    if cfg.decay_half_life_days <= 0:
        tone = tone.filter(tone.sent_at >= inp.since)
    df = frame(tone.select("message_id", "customer_id", "sent_at", "labels", "spans"))
    since = pd.Timestamp(inp.since)
    out = []
    for cid, g in df.groupby("customer_id", sort=True):
        at = pd.to_datetime(g["sent_at"])
        inside = int((at >= since).sum())
        age_days = ((since - at[at < since]).dt.total_seconds() / 86400.0)
        older = float((0.5 ** (age_days / cfg.decay_half_life_days)).sum()) \
            if cfg.decay_half_life_days > 0 else 0.0
        weight = round(inside + older, 2)
        if weight < cfg.min_messages:
            continue
        refs: list[EvidenceRef] = []
        for row in g.sort_values(["sent_at", "message_id"]).itertuples():
            spans = json.loads(row.spans) if isinstance(row.spans, str) and row.spans else []
            if not spans:
                refs.append(EvidenceRef("message", str(row.message_id)))
            for s in spans:
                refs.append(EvidenceRef("message", str(row.message_id),
                                        (int(s["start"]), int(s["end"])), str(s.get("text", ""))))
        last = pd.Timestamp(g["sent_at"].max()).date().isoformat()
        before = len(g) - inside
        detail = f"{inside} messages aimed at staff in the window (last {last})"
        if before:
            detail += (f"; {before} older, weighing {older:.2f} after decay "
                       f"(half-life {cfg.decay_half_life_days:g} days)")
        out.append(Flag(str(cid), "abusive_language", Severity(cfg.severity), tuple(refs),
                        detail, {"messages": inside, "older": before, "weight": weight}))
    return out


@flag_rule("heavy_load", order=11)
def heavy_load(inp: ScoringInputs, cfg: HeavyLoadFlag) -> list[Flag]:
    """The smallest set of customers carrying ``share`` of the load (ties broken by id):
    the top set of goodfit.metrics.concentration, in its vocabulary (tickets, minutes,
    cost), so `goodfit concentration` and the report name the same customers."""
    r = ranked(inp.scorecard, cfg.load)
    loaded = int(r.filter(r.load > 0).count().to_pyarrow().as_py())
    if loaded < cfg.min_customers:
        return []
    heavy = frame(top_set(inp.scorecard, cfg.load, cfg.share)
                  .select("customer_id", "load", "total", "rank")).sort_values("rank")
    t = inp.tickets()
    tickets = frame(for_customers(t, [str(x) for x in heavy["customer_id"]])
                    .select("customer_id", "ticket_id", "staff_minutes"))
    tickets = tickets.assign(staff_minutes=tickets["staff_minutes"].astype(float).fillna(0.0))
    tickets = tickets.sort_values(["staff_minutes", "ticket_id"], ascending=[False, True])
    by_customer = {cid: g for cid, g in tickets.groupby("customer_id", sort=False)}
    out = []
    for row in heavy.itertuples():
        g = by_customer.get(row.customer_id)
        if g is None or g.empty:
            continue  # no rows to show: no flag
        share = row.load / row.total
        out.append(Flag(str(row.customer_id), "heavy_load", Severity(cfg.severity),
                        tuple(_tickets(g["ticket_id"])),
                        f"carries {share:.1%} of all {LOAD_WORDS[cfg.load]}; in the "
                        f"{len(heavy)} customers carrying {cfg.share:.0%} of the load",
                        {"share": share, "set_size": len(heavy)}))
    return out
