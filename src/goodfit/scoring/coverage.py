"""What data a verdict rests on: each fit component and segment rule names what it needs.

A project may hold tickets but no billing, or billing but no logged minutes and no staff
replies. A figure computed from data that is not there looks like data — a 0 minutes
ticket, a customer "profitable" with no costs — and that is the worst kind of guess. So
every fit component and every verdict declares the facts it needs (``NEEDS``); a
component whose facts are missing is *unknown* (shown, excluded from the score, never
counted as good), and a customer whose verdict would rest on missing facts gets the
segment ``not_enough_data`` with what is missing, in words.

Facts, per project (the table has rows) and per customer:

billing        invoices exist (revenue, profit, margin, spend)
support_time   tickets carry logged minutes or staff replies, or [costs]
               ticket_default_minutes is configured (or there are no tickets): support
               cost is measured or estimated by the cost model's rule.
               Per customer: at least ``[segments] min_timed_ticket_share`` of its tickets
               in the window have logged minutes or a staff reply
payments       payment attempts exist (payment reliability)
orders         orders exist (self-service, custom requests)
usage          usage rows exist (idle: pays but uses nothing)
tone           the tone analysis ran (``message_tone``), or there are no messages at all

This is the one place scoring checks coverage; when a project-wide data-coverage module
exists it feeds :func:`project_facts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import ibis

from goodfit.metrics.support import ticket_minutes
from goodfit.scoring.inputs import ScoringInputs, frame

FACTS = ("billing", "support_time", "payments", "orders", "usage", "tone")

# What each fit component needs.
COMPONENT_NEEDS: dict[str, tuple[str, ...]] = {
    "profitability": ("billing", "support_time"),
    "support_load": ("billing", "support_time"),
    "behaviour": (),
    "tenure": (),
    "payment_reliability": ("payments",),
}
# What each verdict needs (segment rules; the reward gates in scoring/reward_rule.py).
VERDICT_NEEDS: dict[str, tuple[str, ...]] = {
    "cost": ("billing", "support_time"),  # margin fixes, loss partings, healthy (profitable)
    "reprice_load": ("billing",),  # a reprice flag's load share of revenue
    # paid on time is read from invoices; payments feed payment_reliability only
    "reward": ("billing", "support_time", "orders", "usage", "tone"),
}
FACT_WORDS = {
    "billing": "no billing data (invoices)",
    "support_time": "no support time (tickets have neither logged minutes nor staff replies)",
    "payments": "no payment data (payments)",
    "orders": "no order data (orders)",
    "usage": "no usage data (usage)",
    "tone": "tone not analysed (run `goodfit analyze-tone`)",
}


@dataclass(frozen=True)
class Coverage:
    """Facts known for the project, and the customers for whom a fact is still missing."""

    project: frozenset[str]
    # customer_id -> facts missing for that customer although the project has them
    customer_gaps: Mapping[str, frozenset[str]] = field(default_factory=dict)
    timed_share: Mapping[str, float] = field(default_factory=dict)

    def known(self, customer_id: str) -> frozenset[str]:
        return self.project - self.customer_gaps.get(customer_id, frozenset())

    def missing(self, customer_id: str, needs: Iterable[str]) -> list[str]:
        have = self.known(customer_id)
        return [n for n in needs if n not in have]

    def words(self, customer_id: str, needs: Iterable[str]) -> str:
        out = []
        for n in self.missing(customer_id, needs):
            if n == "support_time" and "support_time" in self.project:
                share = self.timed_share.get(customer_id, 0.0)
                out.append(f"support time known for only {share:.0%} of its tickets "
                           "(tickets.staff_minutes empty and no staff reply)")
            else:
                out.append(FACT_WORDS[n])
        return "; ".join(out)

    @classmethod
    def full(cls) -> Coverage:
        return cls(frozenset(FACTS))


def _has_rows(t: ibis.Table) -> bool:
    return bool(t.limit(1).count().execute())


def project_facts(inp: ScoringInputs) -> frozenset[str]:
    """Which facts the project's tables hold at all."""
    if inp.facts is not None:
        return inp.facts
    t = inp.tables
    have = set()
    if _has_rows(t["invoices"]):
        have.add("billing")
    tk, m = t["tickets"], t["messages"]
    staff = m.filter(m.author_role == "staff")
    if not _has_rows(tk) or bool(inp.costs.ticket_default_minutes) \
            or _has_rows(tk.filter(tk.staff_minutes.notnull())) \
            or _has_rows(staff):
        have.add("support_time")
    if _has_rows(t["payments"]):
        have.add("payments")
    if _has_rows(t["orders"]):
        have.add("orders")
    if _has_rows(t["usage"]):
        have.add("usage")
    if inp.message_tone is not None or not _has_rows(m):
        have.add("tone")
    return frozenset(have)


def coverage(inp: ScoringInputs, min_timed_share: float) -> Coverage:
    """Project facts, and per customer whether its support time is measured well enough."""
    facts = project_facts(inp)
    gaps: dict[str, frozenset[str]] = {}
    shares: dict[str, float] = {}
    if "support_time" in facts:
        tk = inp.in_window("tickets", "opened_at")
        m = inp.tables["messages"]
        staff = m.filter(m.author_role == "staff")
        replied = staff.group_by(_tid=staff.ticket_id).aggregate(n=staff.count())
        j = tk.left_join(replied, tk.ticket_id == replied._tid)
        # the cost model's own rule: logged, from replies, or the configured default
        _minutes, basis = ticket_minutes(j.staff_minutes, j.n, j.priority, j.channel,
                                         inp.costs)
        timed = basis != "none"
        rows = frame(j.group_by("customer_id").aggregate(
            tickets=j.count(), timed=ibis.ifelse(timed, 1, 0).sum()))
        for r in rows.to_dict("records"):
            cid = str(r["customer_id"])
            share = int(r["timed"] or 0) / int(r["tickets"]) if r["tickets"] else 1.0
            shares[cid] = share
            if share < min_timed_share:
                gaps[cid] = frozenset({"support_time"})
    return Coverage(facts, gaps, shares)
