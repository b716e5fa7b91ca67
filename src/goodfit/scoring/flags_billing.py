"""Flags about money and infrastructure: payment trouble, manual orders, custom requests,
unprofitable, low margin, idle, and usage far above plan peers."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

import numpy as np
import pandas as pd

from goodfit.config import (
    CostSettings,
    CustomRequestsFlag,
    IdleFlag,
    InfraBurdenFlag,
    LowMarginFlag,
    ManualOrdersFlag,
    PaymentTroubleFlag,
    UnprofitableFlag,
)
from goodfit.scoring.evidence import EvidenceRef, Flag, Severity
from goodfit.scoring.flag_registry import flag_rule, register
from goodfit.scoring.inputs import ScoringInputs, for_customers, frame, money


def usage_id(customer_id: object, service_id: object, period_start: object, metric: object) -> str:
    """Usage rows have no id of their own: their key, joined with '|'."""
    day = pd.Timestamp(period_start).strftime("%Y-%m-%d") if period_start is not None else ""
    sid = "" if service_id is None or (isinstance(service_id, float) and np.isnan(service_id)) \
        else str(service_id)
    return f"{customer_id}|{sid}|{day}|{metric}"


def payment_trouble(inp: ScoringInputs, cfg: PaymentTroubleFlag,
                    default_ticket_minutes: float = 10.0) -> list[Flag]:
    allp = inp.in_window("payments", "at")
    outcome = allp.outcome.fill_null("succeeded")
    counts = allp.group_by("customer_id").aggregate(
        attempts=outcome.isin(["succeeded", "failed"]).sum(),
        failed=(outcome == "failed").sum(),
        disputes=outcome.isin(["dispute", "chargeback"]).sum(),
        refunds=(outcome == "refunded").sum())
    enough_failed = (counts.failed >= cfg.min_failed) & (
        counts.failed >= cfg.min_failed_share * counts.attempts)
    # Customers that can qualify: enough failures or disputes, or any refund to look into.
    hits = counts.filter(enough_failed | (counts.disputes >= cfg.min_disputes)
                         | (counts.refunds > 0)).select("customer_id", "attempts")
    p = allp.filter(allp.outcome.isin(["failed", "dispute", "chargeback", "refunded"]))
    bad = frame(p.join(hits, "customer_id").select("payment_id", "customer_id", "at",
                                                   "outcome", "attempts")).sort_values(
        ["at", "payment_id"])
    if bad.empty:
        return []
    t = inp.tables["tickets"]
    # Chronological, so the evidence lists a refund's tickets in the order they happened
    # whatever order the warehouse returns them in.
    tickets = frame(for_customers(t, list(bad["customer_id"].unique()))
                    .select("ticket_id", "customer_id", "opened_at", "staff_minutes")
                    ).sort_values(["opened_at", "ticket_id"], kind="stable")
    tickets["staff_minutes"] = tickets["staff_minutes"].astype(float).fillna(
        default_ticket_minutes)
    lookback = timedelta(days=cfg.refund_lookback_days)
    tickets_of = {cid: g for cid, g in tickets.groupby("customer_id")}
    empty = tickets.iloc[0:0]
    out = []
    for cid, g in bad.groupby("customer_id", sort=True):
        failed = g[g["outcome"] == "failed"]
        disputes = g[g["outcome"].isin(["dispute", "chargeback"])]
        refs: list[EvidenceRef] = []
        heavy_refunds = 0
        mine = tickets_of.get(cid, empty)
        for r in g[g["outcome"] == "refunded"].itertuples():
            before = mine[(mine["opened_at"] <= r.at) & (mine["opened_at"] >= r.at - lookback)]
            if before["staff_minutes"].sum() >= cfg.refund_after_support_minutes:
                heavy_refunds += 1
                refs.append(EvidenceRef("payment", str(r.payment_id)))
                refs += [EvidenceRef("ticket", str(x)) for x in before["ticket_id"]]
        attempts = int(g["attempts"].iloc[0])
        hit_failed = len(failed) >= cfg.min_failed and \
            len(failed) >= cfg.min_failed_share * attempts
        hit_disputes = len(disputes) >= cfg.min_disputes
        if not (hit_failed or hit_disputes or heavy_refunds):
            continue
        parts = []
        if hit_failed:
            refs += [EvidenceRef("payment", str(x)) for x in failed["payment_id"]]
        if len(failed):
            parts.append(f"{len(failed)} failed payments")
        if hit_disputes:
            refs += [EvidenceRef("payment", str(x)) for x in disputes["payment_id"]]
        if len(disputes):
            parts.append(f"{len(disputes)} disputes/chargebacks")
        if heavy_refunds:
            parts.append(f"{heavy_refunds} refunds after heavy support")
        out.append(Flag(str(cid), "payment_trouble", Severity(cfg.severity),
                        tuple(dict.fromkeys(refs)), ", ".join(parts),
                        {"failed": len(failed), "disputes": len(disputes),
                         "heavy_refunds": heavy_refunds}))
    return out


@flag_rule("manual_orders", order=6)
def manual_orders(inp: ScoringInputs, cfg: ManualOrdersFlag) -> list[Flag]:
    o = inp.orders()
    df = frame(o.select("order_id", "customer_id", "placed_at", "channel", "custom",
                        "manual")).sort_values(["placed_at", "order_id"])
    # Counted per customer in one pass; only those that qualify are looked at row by row
    # (a few pandas operations for every customer with an order took most of the rule).
    is_manual = df["manual"].astype(bool)
    manual_rows = df[is_manual]
    orders_of = df.groupby("customer_id", sort=True).size()
    manual_of = is_manual.groupby(df["customer_id"], sort=True).sum()
    custom_of = manual_rows["custom"].fillna(False).astype(bool).groupby(
        manual_rows["customer_id"], sort=True).any()
    candidates = []
    for cid, total in orders_of.items():
        n_manual = int(manual_of.get(cid, 0))
        custom = bool(custom_of.get(cid, False))
        enough = n_manual >= cfg.min_orders or (
            custom and cfg.min_orders_if_custom > 0 and n_manual >= cfg.min_orders_if_custom)
        if enough and n_manual / total >= cfg.min_share:
            candidates.append(cid)
    rows_of = {cid: g for cid, g in manual_rows[manual_rows["customer_id"].isin(candidates)]
               .groupby("customer_id", sort=True)}
    out = []
    for cid in candidates:
        manual, orders = rows_of.get(cid, manual_rows.iloc[0:0]), int(orders_of[cid])
        channels = ", ".join(sorted(manual["channel"].unique()))
        out.append(Flag(str(cid), "manual_orders", Severity(cfg.severity),
                        tuple(EvidenceRef("order", str(x)) for x in manual["order_id"]),
                        f"{len(manual)} of {orders} orders placed by {channels} instead "
                        "of the self-service form", {"manual": len(manual), "orders": orders}))
    return out


@flag_rule("custom_requests", order=7)
def custom_requests(inp: ScoringInputs, cfg: CustomRequestsFlag) -> list[Flag]:
    o = inp.in_window("orders", "placed_at")
    df = frame(o.filter(o.custom.fill_null(False)).select(
        "order_id", "customer_id", "placed_at")).sort_values(["placed_at", "order_id"])
    return [Flag(str(cid), "custom_requests", Severity(cfg.severity),
                 tuple(EvidenceRef("order", str(x)) for x in g["order_id"]),
                 f"{len(g)} orders asked for custom setups", {"custom": len(g)})
            for cid, g in df.groupby("customer_id", sort=True) if len(g) >= cfg.min_orders]


def cost_evidence(inp: ScoringInputs, customer_ids: list[str],
                  months: dict[str, list[pd.Timestamp]] | None = None,
                  limit: int = 20) -> dict[str, list[EvidenceRef]]:
    """The rows behind a customer's revenue and costs: invoices, the costliest tickets,
    manual orders, usage beyond allowance, direct costs. ``months`` narrows to months."""
    refs: dict[str, list[EvidenceRef]] = defaultdict(list)
    if not customer_ids:
        return refs

    def keep(df: pd.DataFrame, at: str) -> pd.DataFrame:
        if months is None or df.empty:
            return df
        m = pd.to_datetime(df[at]).dt.to_period("M").dt.to_timestamp()
        wanted = [(cid, pd.Timestamp(x)) for cid, xs in months.items() for x in xs]
        key = pd.Series(list(zip(df["customer_id"], m, strict=True)), index=df.index)
        return df[key.isin(wanted)]

    inv = inp.in_window("invoices", "issued_at")
    inv = keep(frame(for_customers(inv, customer_ids)
                     .select("invoice_id", "customer_id", "issued_at")), "issued_at")
    t = inp.tickets()
    tk = keep(frame(for_customers(t, customer_ids)
                    .select("ticket_id", "customer_id", "opened_at", "staff_minutes")), "opened_at")
    o = inp.orders()
    od = keep(frame(for_customers(o.filter(o.manual), customer_ids)
                    .select("order_id", "customer_id", "placed_at")), "placed_at")
    u = inp.in_window("usage", "period_start")
    us = keep(frame(for_customers(u.filter(u.quantity > u.allowance.fill_null(u.quantity)),
                                  customer_ids)
                    .select("customer_id", "service_id", "period_start", "metric")),
              "period_start")
    inv = inv.sort_values(["issued_at", "invoice_id"])
    tk = tk.assign(staff_minutes=tk["staff_minutes"].astype(float).fillna(0.0)).sort_values(
        ["staff_minutes", "ticket_id"], ascending=[False, True])
    od = od.sort_values(["placed_at", "order_id"])
    us = us.sort_values(["period_start", "metric", "service_id"])
    # Cost drivers first (costliest tickets, usage beyond allowance, manual orders), then
    # the invoices that make up the revenue side.
    for cid, g in tk.groupby("customer_id"):
        refs[str(cid)] += [EvidenceRef("ticket", str(x)) for x in g["ticket_id"][:limit]]
    for cid, g in us.groupby("customer_id"):
        refs[str(cid)] += [EvidenceRef("usage", usage_id(r.customer_id, r.service_id,
                                                         r.period_start, r.metric))
                           for r in g.head(limit).itertuples()]
    for cid, g in od.groupby("customer_id"):
        refs[str(cid)] += [EvidenceRef("order", str(x)) for x in g["order_id"][:limit]]
    for cid, g in inv.groupby("customer_id"):
        refs[str(cid)] += [EvidenceRef("invoice", str(x)) for x in g["invoice_id"][:limit]]
    return refs


@flag_rule("unprofitable", order=8)
def unprofitable(inp: ScoringInputs, cfg: UnprofitableFlag) -> list[Flag]:
    card = frame(inp.scorecard.select("customer_id", "revenue", "cost_to_serve", "profit"))
    card["profit"] = card["profit"].map(money)
    losing = card[card["profit"] < float(cfg.max_profit)]
    ev = cost_evidence(inp, [str(x) for x in losing["customer_id"]])
    out = []
    for r in losing.itertuples():
        refs = ev.get(str(r.customer_id))
        if refs:
            out.append(Flag(str(r.customer_id), "unprofitable", Severity(cfg.severity),
                            tuple(refs),
                            f"loses {-r.profit:,.2f} over the window (revenue "
                            f"{money(r.revenue):,.2f}, cost to serve {money(r.cost_to_serve):,.2f})",
                            {"profit": r.profit}))
    return out


def low_margin(inp: ScoringInputs, cfg: LowMarginFlag, monthly: pd.DataFrame) -> list[Flag]:
    """Margin below ``max_margin`` in ``min_months`` consecutive calendar months."""
    m = monthly.dropna(subset=["margin"]).sort_values(["customer_id", "month"])
    m = m[m["margin"] < cfg.max_margin].reset_index(drop=True)
    runs: dict[str, list[pd.Timestamp]] = {}
    if not m.empty:
        months = pd.to_datetime(m["month"])
        index = months.dt.year * 12 + months.dt.month
        same = m["customer_id"].eq(m["customer_id"].shift())
        new_run = ~(same & index.eq(index.shift() + 1))
        m["run"] = new_run.cumsum()
        m["length"] = m.groupby("run")["run"].transform("size")
        long = m[m["length"] >= cfg.min_months]
        # The longest run per customer (the earliest among equals).
        best = long.sort_values(["customer_id", "length", "month"],
                                ascending=[True, False, True]).drop_duplicates("customer_id")
        for cid, run in zip(best["customer_id"], best["run"], strict=True):
            runs[str(cid)] = [pd.Timestamp(x) for x in long.loc[long["run"] == run, "month"]]
    ev = cost_evidence(inp, list(runs), months=runs)
    out = []
    for cid, months in runs.items():
        if ev.get(cid):
            span = f"{months[0]:%Y-%m} to {months[-1]:%Y-%m}"
            out.append(Flag(cid, "low_margin", Severity(cfg.severity), tuple(ev[cid]),
                            f"margin below {cfg.max_margin:.0%} for {len(months)} months "
                            f"running ({span})", {"months": len(months)}))
    return out


@flag_rule("idle", order=10)
def idle(inp: ScoringInputs, cfg: IdleFlag) -> list[Flag]:
    """Pays, but no tickets, no orders after sign-up and (almost) no usage.

    Worked out per table in one pass each, then per candidate from dictionaries: a loop
    of small pandas operations per candidate took most of a scoring run."""
    card = frame(inp.scorecard.select("customer_id", "plan", "signup_at", "revenue", "tickets"))
    card["revenue"] = card["revenue"].map(money)
    cand = card[(card["revenue"] > 0) & (card["tickets"].fillna(0) == 0)]
    if cand.empty:
        return []
    ids = [str(x) for x in cand["customer_id"]]
    inv = inp.in_window("invoices", "issued_at")
    paid = frame(for_customers(inv.filter((inv.status == "paid") | inv.paid_at.notnull()), ids)
                 .select("invoice_id", "customer_id", "issued_at")).sort_values(
        ["issued_at", "invoice_id"])
    o = inp.in_window("orders", "placed_at")
    orders = frame(for_customers(o, ids).select("customer_id", "placed_at"))
    u = inp.in_window("usage", "period_start")
    usage = frame(u.select("customer_id", "service_id", "period_start", "metric", "quantity",
                           "allowance"))
    usage["quantity"] = usage["quantity"].astype(float)
    plan_of = dict(zip(card["customer_id"].astype(str), card["plan"], strict=True))
    usage["plan"] = usage["customer_id"].astype(str).map(plan_of)
    totals = usage.groupby(["customer_id", "metric"], as_index=False).agg(
        quantity=("quantity", "sum"), allowance=("allowance", "sum"),
        has_allowance=("allowance", "count"), plan=("plan", "first"))
    medians = totals.groupby(["plan", "metric"], dropna=False)["quantity"].median()

    # Distinct calendar months with a paid invoice, and the invoices (oldest first).
    paid_key = paid["customer_id"].astype(str)
    paid_months = pd.to_datetime(paid["issued_at"]).dt.to_period("M").groupby(
        paid_key).nunique().to_dict()
    invoices_of: dict[str, list[str]] = defaultdict(list)
    for cid, invoice in zip(paid_key, paid["invoice_id"], strict=True):
        invoices_of[cid].append(str(invoice))
    # An order more than a day after sign-up means the customer is doing something.
    signup_of = pd.to_datetime(pd.Series(
        cand["signup_at"].to_numpy(), index=[str(x) for x in cand["customer_id"]]))
    order_key = orders["customer_id"].astype(str)
    late = pd.to_datetime(orders["placed_at"]).to_numpy() > (
        signup_of.reindex(order_key).to_numpy() + np.timedelta64(1, "D"))
    ordered_later = set(order_key[late])
    # Usage per metric against the allowance, or else the plan's median.
    loud: set[str] = set()
    with_usage: set[str] = set()
    median_of: dict[tuple[object, object], float] = {}
    wanted = set(ids)
    for m in totals[totals["customer_id"].astype(str).isin(wanted)].itertuples():
        cid = str(m.customer_id)
        with_usage.add(cid)
        if m.has_allowance:
            ref = m.allowance
        else:
            if (m.plan, m.metric) not in median_of:
                median_of[(m.plan, m.metric)] = medians.get((m.plan, m.metric), 0.0)
            ref = median_of[(m.plan, m.metric)]
        if m.quantity > cfg.max_usage_share * float(ref or 0.0):
            loud.add(cid)

    chosen: list[tuple[str, int]] = []
    for cid in ids:
        months = int(paid_months.get(cid, 0))
        if months < cfg.min_paid_months or cid in ordered_later:
            continue
        if cid not in with_usage and cfg.require_usage_data:
            continue
        if cid in loud:
            continue
        chosen.append((cid, months))
    keep = {cid for cid, _ in chosen}
    mine = usage[usage["customer_id"].astype(str).isin(keep)]
    mine = mine.assign(cid=mine["customer_id"].astype(str)).sort_values(
        ["cid", "period_start", "metric"], kind="stable")
    usage_of: dict[str, list[EvidenceRef]] = defaultdict(list)
    for x in mine.itertuples():
        usage_of[x.cid].append(EvidenceRef("usage", usage_id(
            x.customer_id, x.service_id, x.period_start, x.metric)))
    out = []
    for cid, months in chosen:
        refs = [EvidenceRef("invoice", i) for i in invoices_of.get(cid, [])] + usage_of[cid]
        if refs:
            out.append(Flag(cid, "idle", Severity(cfg.severity), tuple(refs),
                            f"paid {months} months with no tickets, no orders after sign-up "
                            "and almost no usage", {"paid_months": months}))
    return out


@flag_rule("infra_burden", order=4)
def infra_burden(inp: ScoringInputs, cfg: InfraBurdenFlag) -> list[Flag]:
    """Usage per dollar of revenue against plan peers: robust z-score and percentile."""
    u = inp.in_window("usage", "period_start")
    if cfg.metrics:
        u = u.filter(u.metric.isin(cfg.metrics))
    # Per service when its plan and price are known (an add-on is compared with the same
    # add-on, not with the customer's main plan): quantity per period / monthly price.
    svc = inp.tables["services"]
    svc = svc.select(svc.service_id.name("_sid"), svc.plan.name("_splan"),
                     svc.price_monthly.cast("float64").name("_price"))
    j = u.left_join(svc, u.service_id == svc._sid)
    known = j.filter(j._splan.notnull() & (j._price > 0))
    by_service = frame(known.group_by(["customer_id", "_splan", "metric"]).aggregate(
        quantity=known.quantity.sum(), periods=known.count(), price=known._price.max()))
    by_service["per_dollar"] = by_service["quantity"].astype(float) / (
        by_service["periods"] * by_service["price"])
    by_service = by_service.rename(columns={"_splan": "plan"})
    # Otherwise per customer: usage in the window / revenue in the window, on its plan.
    rest = j.filter(j._splan.isnull() | j._price.isnull() | (j._price <= 0))
    tot = frame(rest.group_by(["customer_id", "metric"]).aggregate(quantity=rest.quantity.sum()))
    tot["quantity"] = tot["quantity"].astype(float)
    card = frame(inp.scorecard.select("customer_id", "plan", "revenue"))
    card["revenue"] = card["revenue"].map(money)
    tot = tot.merge(card, on="customer_id", how="left")
    # Usage per dollar is undefined without revenue (unprofitable / payment flags cover it).
    tot = tot[tot["revenue"].fillna(0.0) > 0]
    tot["per_dollar"] = tot["quantity"] / tot["revenue"]
    cols = ["customer_id", "plan", "metric", "per_dollar"]
    tot = pd.concat([by_service[cols], tot[cols]], ignore_index=True)
    if tot.empty:
        return []
    out: dict[str, list[tuple[str, float, float, float]]] = defaultdict(list)
    for metric, mg in tot.groupby("metric"):
        for _plan, pg in mg.groupby("plan", dropna=False):
            peers = pg if len(pg) >= cfg.min_peers else mg
            x = peers["per_dollar"].to_numpy()
            positive = x[x > 0]
            if len(positive) == 0:
                continue
            # Usage is heavy-tailed (roughly log-normal): compare on a log scale by default.
            y = np.log(positive) if cfg.log_scale else positive
            med = float(np.median(y))
            mad = float(np.median(np.abs(y - med))) * 1.4826
            scale = mad if mad > 0 else float(np.mean(np.abs(y - med))) * 1.2533
            median_x = float(np.median(positive))
            for r in pg.itertuples():
                if r.per_dollar <= 0:
                    continue
                v = float(np.log(r.per_dollar)) if cfg.log_scale else float(r.per_dollar)
                z = (v - med) / scale if scale > 0 else (float("inf") if v > med else 0.0)
                pct = float((x <= r.per_dollar).mean())
                times = r.per_dollar / median_x
                if z >= cfg.min_robust_z and pct >= cfg.min_percentile \
                        and times >= cfg.min_times_median:
                    out[str(r.customer_id)].append((str(metric), z, pct, times))
    rows = frame(for_customers(u, sorted(out)).select(
        "customer_id", "service_id", "period_start", "metric", "quantity"))
    rows_of = {str(c): g for c, g in rows.groupby("customer_id")}
    flags = []
    for cid, hits in sorted(out.items()):
        metrics = {h[0] for h in hits}
        mine = rows_of.get(cid, rows.iloc[0:0])
        mine = mine[mine["metric"].isin(metrics)]
        mine = mine.sort_values(["quantity", "period_start", "metric", "service_id"],
                                ascending=[False, True, True, True], kind="stable")
        refs = tuple(EvidenceRef("usage", usage_id(r.customer_id, r.service_id, r.period_start,
                                                    r.metric)) for r in mine.itertuples())
        text = "; ".join(f"{m} per dollar {times:.1f}x the plan median (robust z {z:.1f}, "
                         f"{pct:.0%} percentile)" for m, z, pct, times in hits)
        if refs:
            flags.append(Flag(cid, "infra_burden", Severity(cfg.severity), refs, text,
                              {"z": max(h[1] for h in hits)}))
    return flags


def default_ticket_minutes(costs: CostSettings) -> float:
    return float(costs.reply_minutes.get("default", 10.0))


# Rules that need more than their own settings register with an adapter.
register("payment_trouble", 5, lambda inp, ctx: payment_trouble(
    inp, ctx.config.flags.payment_trouble, default_ticket_minutes(ctx.config.costs)))
register("low_margin", 9, lambda inp, ctx: low_margin(inp, ctx.config.flags.low_margin,
                                                      ctx.monthly))
