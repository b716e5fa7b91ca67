"""Who may win a reward: the one reward rule, with near-misses explained.

Eligibility is the ``reward`` segment's rule set (goodfit/scoring/reward_rule.py) on the
facts of one scoring run — the stored one from ``goodfit score`` when no date is asked
for, else a run computed in memory for the date (nothing is written) — plus one gate of
the draw's own:

- ``not_recent_winner``  did not win a draw in the last ``exclude_recent_winners_months``

A *near-miss* fails exactly one gate, and the plan says which and by how much, so a
person can see the rules are fair before anything is drawn; the funnel says how many
customers pass each gate and every gate before it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import ibis

from goodfit.config import Config, RewardsSettings
from goodfit.money import cents
from goodfit.scoring.reward_rule import GATES, RewardFacts, RuleResult, funnel, gates
from goodfit.scoring.reward_rule import months_between as months_between

RULES = (*GATES, "not_recent_winner")


@dataclass(frozen=True)
class Candidate:
    customer_id: str
    name: str
    email: str
    tenure_months: int
    tickets: int
    monthly_spend: Decimal
    late_invoices: int
    manual_orders: int
    idle: bool
    rules: tuple[RuleResult, ...]
    reward: Decimal  # credit if this customer wins

    @property
    def failed(self) -> list[RuleResult]:
        return [r for r in self.rules if not r.passed]

    @property
    def eligible(self) -> bool:
        return not self.failed

    def to_dict(self) -> dict[str, Any]:
        return {"customer_id": self.customer_id, "name": self.name,
                "tenure_months": self.tenure_months, "tickets": self.tickets,
                "monthly_spend": str(self.monthly_spend), "late_invoices": self.late_invoices,
                "manual_orders": self.manual_orders, "idle": self.idle, "email": self.email,
                "reward": str(self.reward), "failed": [r.to_dict() for r in self.failed]}


@dataclass(frozen=True)
class RewardPlan:
    as_of: datetime
    since: datetime
    settings: RewardsSettings
    currency: str
    eligible: tuple[Candidate, ...]
    near_misses: tuple[Candidate, ...]  # fail exactly one rule
    others: int  # customers failing two rules or more
    winners: int  # how many can be drawn within the budget
    idle_source: str  # where the facts come from: "stored scoring run" or "computed"
    notes: tuple[str, ...] = field(default=())
    funnel: tuple[tuple[str, int], ...] = ()  # customers passing each gate and all before

    @property
    def eligible_ids(self) -> list[str]:
        return sorted(c.customer_id for c in self.eligible)

    def to_dict(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "since": self.since.isoformat(),
                "currency": self.currency, "winners": self.winners,
                "budget": str(self.settings.budget), "idle_source": self.idle_source,
                "rules": self.settings.model_dump(mode="json"),
                "eligible": [c.to_dict() for c in self.eligible],
                "near_misses": [c.to_dict() for c in self.near_misses],
                "others": self.others, "notes": list(self.notes),
                "funnel": [{"gate": g, "customers": n} for g, n in self.funnel]}


def plan(tables: Mapping[str, ibis.Table], config: Config, *,
         facts: Mapping[str, RewardFacts], as_of: datetime, since: datetime,
         source: str = "computed", recent_winners: Collection[str] = ()) -> RewardPlan:
    """Every gate of the one reward rule for every customer (from a scoring run's
    ``facts``), then not-a-recent-winner; eligible, near-misses, funnel, winner count."""
    s = config.rewards
    cur = config.project.currency
    cust = tables["customers"].select("customer_id", "name", "email")
    people = {str(c["customer_id"]): c for c in cust.to_pyarrow().to_pylist()}
    billing = billing_emails(tables)
    notes: list[str] = []
    if not facts:
        notes.append("the scoring run holds no reward facts (scored by an older goodfit): "
                     "run `goodfit score` again")
    if tables["usage"].count().execute() == 0:
        notes.append("no usage data: nobody can be shown not to be idle, so nobody is eligible")

    eligible, near, others = [], [], 0
    all_rules = []
    for cid in sorted(facts):
        f = facts[cid]
        c = people.get(cid, {})
        rules = (*gates(f, s, cur), RuleResult(
            "not_recent_winner", cid not in recent_winners,
            "won recently" if cid in recent_winners else "no recent win",
            f"no win in the last {s.exclude_recent_winners_months} months",
            "won a draw in that time" if cid in recent_winners else ""))
        all_rules.append(rules)
        reward = cents(s.reward_amount) if s.reward_amount > 0 else f.monthly_spend
        email = billing.get(cid) or str(c.get("email") or "")
        cand = Candidate(cid, str(c.get("name") or ""), email, f.tenure_months, f.tickets,
                         f.monthly_spend, len(f.late(s.grace_days)), f.manual_orders, f.idle, rules,
                         reward)
        failed = len(cand.failed)
        if failed == 0:
            eligible.append(cand)
        elif failed == 1:
            near.append(cand)
        else:
            others += 1
    eligible.sort(key=lambda c: c.customer_id)
    near.sort(key=lambda c: (RULES.index(c.failed[0].rule), c.customer_id))
    winners = winners_within_budget([c.reward for c in eligible], s.winners, s.budget)
    if s.budget > 0 and winners < min(s.winners, len(eligible)):
        notes.append(f"budget {cents(s.budget)} {cur} allows {winners} winner(s), not "
                     f"{s.winners}: any {winners} of the eligible fit it")
    return RewardPlan(as_of, since, s, cur, tuple(eligible), tuple(near), others, winners,
                      source, tuple(notes), tuple(funnel(all_rules, RULES)))


def winners_within_budget(rewards: list[Decimal], wanted: int, budget: Decimal) -> int:
    """The most winners such that even the costliest draw fits the budget (0 = no limit).

    The draw then stays a plain "pick k from the list", verifiable without amounts.
    """
    k = min(wanted, len(rewards))
    if budget <= 0:
        return k
    top = sorted(rewards, reverse=True)
    while k > 0 and sum(top[:k], Decimal(0)) > budget:
        k -= 1
    return k


def billing_emails(tables: Mapping[str, ibis.Table]) -> dict[str, str]:
    """The billing contact's address per customer (first by contact id)."""
    c = tables["contacts"]
    rows = (c.filter((c.role == "billing") & c.email.notnull()).order_by(["customer_id",
                                                                           "contact_id"])
            .select("customer_id", "email").to_pyarrow().to_pylist())
    out: dict[str, str] = {}
    for r in rows:
        out.setdefault(str(r["customer_id"]), str(r["email"]))
    return out
