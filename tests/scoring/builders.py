"""Small providers for scoring tests, built row by row to the contracts.

``Provider`` holds canonical rows (goodfit.schema), a scorecard row per customer (the
metrics contract) and the text tables (message_tone, ticket_resolution, ticket_kb_match)
and loads them into a real in-memory DuckDB warehouse.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

import ibis
import pyarrow as pa

from goodfit.schema import TABLES, Kind
from goodfit.scoring.coverage import FACTS
from goodfit.scoring.inputs import ScoringInputs
from goodfit.warehouse import Warehouse

SINCE = datetime(2025, 1, 1)
UNTIL = datetime(2025, 12, 31, 23, 59, 59)

ARROW = {Kind.STRING: pa.string(), Kind.TIMESTAMP: pa.timestamp("us"),
         Kind.DATE: pa.date32(), Kind.MONEY: pa.decimal128(18, 4), Kind.INTEGER: pa.int64(),
         Kind.NUMBER: pa.float64(), Kind.BOOLEAN: pa.bool_(), Kind.ENUM: pa.string()}

SCORECARD_TYPES = {
    "customer_id": pa.string(), "name": pa.string(), "plan": pa.string(),
    "signup_at": pa.timestamp("us"), "tenure_months": pa.float64(),
    "months_in_window": pa.float64(), "revenue": pa.decimal128(18, 4),
    "support_minutes": pa.float64(), "minutes_estimated": pa.bool_(),
    "support_cost": pa.decimal128(18, 4), "order_handling_cost": pa.decimal128(18, 4),
    "custom_work_cost": pa.decimal128(18, 4), "payment_friction_cost": pa.decimal128(18, 4),
    "usage_cost": pa.decimal128(18, 4), "direct_cost": pa.decimal128(18, 4),
    "cost_to_serve": pa.decimal128(18, 4), "profit": pa.decimal128(18, 4),
    "margin": pa.float64(), "support_cost_per_dollar": pa.float64(),
    "cost_per_dollar": pa.float64(), "tickets": pa.int64(),
    "tickets_per_month": pa.float64(), "ticket_share": pa.float64(),
    "minutes_share": pa.float64(), "cost_share": pa.float64(), "revenue_share": pa.float64(),
}
TONE_TYPES = {"message_id": pa.string(), "ticket_id": pa.string(), "customer_id": pa.string(),
              "sent_at": pa.timestamp("us"), "labels": pa.string(), "abusive": pa.bool_(),
              "score": pa.float64(), "spans": pa.string(), "language_supported": pa.bool_()}
RESOLUTION_TYPES = {"ticket_id": pa.string(), "customer_id": pa.string(),
                    "resolution_code": pa.string(), "probability": pa.float64(),
                    "source": pa.string()}
KB_TYPES = {"ticket_id": pa.string(), "customer_id": pa.string(), "article_id": pa.string(),
            "score": pa.float64(), "rank": pa.int64(), "answerable": pa.bool_()}

MONEY_COLS = ("revenue", "support_cost", "order_handling_cost", "custom_work_cost",
              "payment_friction_cost", "usage_cost", "direct_cost")


def _d(x: Any) -> Decimal | None:
    return None if x is None else Decimal(str(x))


class Provider:
    def __init__(self) -> None:
        self.rows: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
        self.card: list[dict[str, Any]] = []
        self.tone: list[dict[str, Any]] = []
        self.resolution: list[dict[str, Any]] = []
        self.kb: list[dict[str, Any]] = []
        self._n = 0
        # The contract-shaped scorecard stands for billing and support data the canonical
        # tables here do not hold: every data fact is known unless a test says otherwise.
        self.facts: frozenset[str] = frozenset(FACTS)

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    # -- canonical rows ------------------------------------------------------
    def customer(self, cid: str, *, name: str | None = None, plan: str = "basic",
                 signup_at: datetime = datetime(2023, 1, 1), revenue: float = 1200,
                 support_minutes: float = 0, tickets: int = 0, tenure_months: float = 24,
                 months_in_window: float = 12, order_handling_cost: float = 0,
                 custom_work_cost: float = 0, payment_friction_cost: float = 0,
                 usage_cost: float = 0, direct_cost: float = 0, rate: float = 60) -> Provider:
        """A customer and its scorecard row; support_cost = minutes x rate / 60."""
        self.rows["customers"].append({"customer_id": cid, "name": name or f"Customer {cid}",
                                       "signup_at": signup_at, "plan": plan,
                                       "status": "active"})
        support_cost = support_minutes * rate / 60
        cost = (support_cost + order_handling_cost + custom_work_cost + payment_friction_cost
                + usage_cost + direct_cost)
        profit = revenue - cost
        self.card.append({
            "customer_id": cid, "name": name or f"Customer {cid}", "plan": plan,
            "signup_at": signup_at, "tenure_months": tenure_months,
            "months_in_window": months_in_window, "revenue": revenue,
            "support_minutes": support_minutes, "minutes_estimated": False,
            "support_cost": support_cost, "order_handling_cost": order_handling_cost,
            "custom_work_cost": custom_work_cost, "payment_friction_cost": payment_friction_cost,
            "usage_cost": usage_cost, "direct_cost": direct_cost, "cost_to_serve": cost,
            "profit": profit, "margin": profit / revenue if revenue else None,
            "support_cost_per_dollar": support_cost / revenue if revenue else None,
            "cost_per_dollar": cost / revenue if revenue else None,
            "tickets": tickets, "tickets_per_month": tickets / months_in_window,
            "ticket_share": 0.0, "minutes_share": 0.0, "cost_share": 0.0, "revenue_share": 0.0,
        })
        return self

    def ticket(self, cid: str, opened_at: datetime, *, tid: str | None = None,
               priority: str = "normal", resolution_code: str | None = None,
               staff_minutes: float | None = 10, channel: str = "email") -> str:
        tid = tid or self._id("t")
        self.rows["tickets"].append({"ticket_id": tid, "customer_id": cid,
                                     "opened_at": opened_at, "priority": priority,
                                     "resolution_code": resolution_code,
                                     "staff_minutes": staff_minutes, "channel": channel})
        return tid

    def message(self, tid: str, sent_at: datetime, *, role: str = "customer", body: str = "hi",
                mid: str | None = None) -> str:
        mid = mid or self._id("m")
        self.rows["messages"].append({"message_id": mid, "ticket_id": tid, "sent_at": sent_at,
                                      "author_role": role, "body": body})
        return mid

    def invoice(self, cid: str, issued_at: datetime, amount: float = 100, *,
                status: str = "paid", iid: str | None = None, refunded: float = 0) -> str:
        iid = iid or self._id("inv")
        self.rows["invoices"].append({"invoice_id": iid, "customer_id": cid,
                                      "issued_at": issued_at, "amount": _d(amount),
                                      "kind": "recurring", "status": status,
                                      "paid_at": issued_at if status == "paid" else None,
                                      "refunded_amount": _d(refunded)})
        return iid

    def payment(self, cid: str, at: datetime, outcome: str = "succeeded", amount: float = 100,
                *, pid: str | None = None) -> str:
        pid = pid or self._id("p")
        self.rows["payments"].append({"payment_id": pid, "customer_id": cid, "at": at,
                                      "amount": _d(amount), "outcome": outcome})
        return pid

    def order(self, cid: str, placed_at: datetime, channel: str = "self_service", *,
              custom: bool = False, oid: str | None = None,
              handling_minutes: float | None = None) -> str:
        oid = oid or self._id("o")
        self.rows["orders"].append({"order_id": oid, "customer_id": cid, "placed_at": placed_at,
                                    "channel": channel, "custom": custom,
                                    "handling_minutes": handling_minutes, "amount": _d(10)})
        return oid

    def usage(self, cid: str, period_start: datetime, quantity: float, *,
              metric: str = "egress_gb", allowance: float | None = 1000,
              service_id: str = "s1") -> str:
        self.rows["usage"].append({"customer_id": cid, "service_id": service_id,
                                   "period_start": period_start, "metric": metric,
                                   "quantity": quantity, "allowance": allowance})
        return f"{cid}|{service_id}|{period_start:%Y-%m-%d}|{metric}"

    # -- text tables ---------------------------------------------------------
    def tone_row(self, mid: str, *, abusive: bool = True,
                 spans: list[tuple[str, int, int, str]] = ()) -> None:  # type: ignore[assignment]
        msg = next(m for m in self.rows["messages"] if m["message_id"] == mid)
        cid = next(t["customer_id"] for t in self.rows["tickets"]
                   if t["ticket_id"] == msg["ticket_id"])
        self.tone.append({"message_id": mid, "ticket_id": msg["ticket_id"], "customer_id": cid,
                          "sent_at": msg["sent_at"],
                          "labels": ",".join(sorted({s[0] for s in spans})),
                          "abusive": abusive, "score": 0.9 if abusive else 0.1,
                          "spans": json.dumps([{"label": s[0], "start": s[1], "end": s[2],
                                                "text": s[3]} for s in spans]),
                          "language_supported": True})

    def kb_match(self, tid: str, article_id: str, *, answerable: bool = True) -> None:
        cid = next(t["customer_id"] for t in self.rows["tickets"] if t["ticket_id"] == tid)
        self.kb.append({"ticket_id": tid, "customer_id": cid, "article_id": article_id,
                        "score": 0.8, "rank": 1, "answerable": answerable})

    def resolved(self, tid: str, code: str, source: str = "predicted") -> None:
        cid = next(t["customer_id"] for t in self.rows["tickets"] if t["ticket_id"] == tid)
        self.resolution.append({"ticket_id": tid, "customer_id": cid, "resolution_code": code,
                                "probability": 0.9, "source": source})

    # -- loading -------------------------------------------------------------
    def scorecard_arrow(self) -> pa.Table:
        cols = {}
        for name, typ in SCORECARD_TYPES.items():
            vals = [r[name] for r in self.card]
            if name in MONEY_COLS or name in ("cost_to_serve", "profit"):
                vals = [_d(round(v, 4)) for v in vals]
            cols[name] = pa.array(vals, type=typ)
        return pa.table(cols)

    def warehouse(self, con: ibis.BaseBackend | None = None) -> Warehouse:
        wh = Warehouse.from_backend(con or ibis.duckdb.connect())
        for name, rows in self.rows.items():
            t = TABLES[name]
            data = pa.table({c.name: pa.array([r.get(c.name) for r in rows], type=ARROW[c.kind])
                             for c in t.columns})
            if wh.backend != "duckdb":  # other engines: replace the table with typed rows
                wh.write_table(name, data)
                continue
            if not rows:
                continue
            wh.raw.register("_load", data)
            cols = ", ".join(f'"{c}"' for c in t.column_names)
            wh.raw.execute(f'INSERT INTO "{name}" ({cols}) SELECT {cols} FROM _load')
            wh.raw.unregister("_load")
        wh.write_table("scorecard", self.scorecard_arrow())
        for name, rows, types in (("message_tone", self.tone, TONE_TYPES),
                                  ("ticket_resolution", self.resolution, RESOLUTION_TYPES),
                                  ("ticket_kb_match", self.kb, KB_TYPES)):
            if rows:
                wh.write_table(name, pa.table({k: pa.array([r[k] for r in rows], type=v)
                                               for k, v in types.items()}))
        return wh

    def inputs(self, wh: Warehouse | None = None, since: datetime = SINCE,
               until: datetime = UNTIL) -> ScoringInputs:
        wh = wh or self.warehouse()
        text = {n: wh.table(n) for n in ("message_tone", "ticket_resolution", "ticket_kb_match")
                if wh.has_table(n)}
        return ScoringInputs(tables=wh.tables(), scorecard=wh.table("scorecard"), since=since,
                             until=until, facts=self.facts, **text)


def derive_cards(p: Provider, rate: float = 60.0, until: datetime = UNTIL) -> Provider:
    """Fill each scorecard row from the canonical rows (a simple cost model, for demos):
    revenue = paid invoices; support = logged minutes; manual orders 15 minutes each;
    usage beyond allowance 0.01 a unit; failed payments 2.50, disputes/chargebacks 15."""
    for c in p.card:
        cid = c["customer_id"]
        rev = sum(float(i["amount"]) for i in p.rows["invoices"]
                  if i["customer_id"] == cid and i["status"] == "paid")
        tickets = [t for t in p.rows["tickets"] if t["customer_id"] == cid]
        minutes = sum(t["staff_minutes"] or 0 for t in tickets)
        manual = sum(1 for o in p.rows["orders"] if o["customer_id"] == cid
                     and o["channel"] not in ("self_service", "api"))
        custom = sum(1 for o in p.rows["orders"] if o["customer_id"] == cid and o["custom"])
        over = sum(max(0.0, u["quantity"] - (u["allowance"] or u["quantity"]))
                   for u in p.rows["usage"] if u["customer_id"] == cid)
        friction = sum(2.5 if x["outcome"] == "failed" else 15.0 for x in p.rows["payments"]
                       if x["customer_id"] == cid and x["outcome"] in
                       ("failed", "dispute", "chargeback"))
        support = minutes * rate / 60
        cost = support + manual * 15 * rate / 60 + custom * rate + over * 0.01 + friction
        months = max(1.0, min(12.0, (until - c["signup_at"]).days / 30.4))
        c.update(revenue=rev, support_minutes=float(minutes), tickets=len(tickets),
                 support_cost=support, order_handling_cost=manual * 15 * rate / 60,
                 custom_work_cost=custom * rate, usage_cost=over * 0.01,
                 payment_friction_cost=friction, cost_to_serve=cost, profit=rev - cost,
                 margin=(rev - cost) / rev if rev else None,
                 support_cost_per_dollar=support / rev if rev else None,
                 cost_per_dollar=cost / rev if rev else None,
                 tenure_months=(until - c["signup_at"]).days / 30.4, months_in_window=months,
                 tickets_per_month=len(tickets) / months)
    return p
