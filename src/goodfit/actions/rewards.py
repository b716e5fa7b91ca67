"""Who may win a reward: eligibility by configured rules, with near-misses explained.

Every rule comes from ``[rewards]`` in goodfit.toml. A customer is eligible when every
rule holds; a *near-miss* fails exactly one, and the plan says which and by how much, so
a person can see the rules are fair before anything is drawn. Rules, in order:

- ``active``        the account is not suspended or cancelled
- ``tenure``        at least ``min_tenure_months`` calendar months since sign-up
- ``no_tickets``    at most ``max_tickets`` tickets opened in the window
- ``spend``         paid at least ``min_monthly_spend`` per month on average in the window
                    (paid invoices other than credits, less refunds, in the project
                    currency, divided by the months of the window the customer was there)
- ``paid_on_time``  every invoice due in the window was paid by due_at + ``grace_days``
- ``self_service``  at most ``max_manual_orders`` manual orders: the cost model's rule,
                    a channel outside ``[costs] self_service_channels`` (API orders are
                    self-service; an order without a channel counts as self-service)
- ``not_idle``      not an idle account (pays but uses nothing): the scoring ``idle`` flag
                    when the warehouse has a ``flags`` table, else the same rule here
- ``not_recent_winner``  did not win a draw in the last ``exclude_recent_winners_months``

Inputs are the canonical tables as Ibis expressions; aggregation happens in the engine,
the rules run on one small row per customer.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import ibis

from goodfit.config import Config, RewardsSettings
from goodfit.metrics.orders import is_manual
from goodfit.money import cents, convert
from goodfit.window import Window, whole_months

RULES = ("active", "tenure", "no_tickets", "spend", "paid_on_time", "self_service", "not_idle",
         "not_recent_winner")


@dataclass(frozen=True)
class RuleResult:
    rule: str
    passed: bool
    value: str  # what the customer has
    required: str  # what the rule asks for
    shortfall: str = ""  # by how much it is missed, in words

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


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
    idle_source: str  # "flags table" or "computed"
    notes: tuple[str, ...] = field(default=())

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
                "others": self.others, "notes": list(self.notes)}


def months_between(start: datetime, end: datetime) -> int:
    """Whole calendar months from ``start`` to ``end``: the one tenure rule
    (:func:`goodfit.window.whole_months`)."""
    return whole_months(start, end)


def plan_window(tables: Mapping[str, ibis.Table], config: Config,
                as_of: date | datetime | str | None = None) -> Window:
    """The plan's window: ``[rewards] window_months`` up to ``as_of`` (default: the newest
    data, resolved like every other command's window)."""
    return Window.resolve(tables, as_of=as_of, months=config.rewards.window_months)


def plan(tables: Mapping[str, ibis.Table], config: Config, *,
         as_of: date | datetime | str | None = None, window: Window | None = None,
         idle: Collection[str] = (), idle_source: str = "flags table",
         recent_winners: Collection[str] = ()) -> RewardPlan:
    """Evaluate every rule for every customer; eligible, near-misses and the winner count.

    ``idle`` are the customers the scoring ``idle`` flag names — the one definition of an
    idle account, so nobody is idle for scoring yet rewarded (or the reverse).
    """
    s = config.rewards
    window = window or plan_window(tables, config, as_of)
    as_of, since = window.as_of, window.since
    cur = config.project.currency
    rates = config.costs.currency_rates

    cust = tables["customers"].select("customer_id", "name", "signup_at", "status", "email")
    customers = cust.to_pyarrow().to_pylist()
    tickets = _counts(tables["tickets"], "opened_at", window)
    manual = _counts(tables["orders"], "placed_at", window,
                     is_manual(tables["orders"].channel, config.costs.self_service_channels))
    spend = paid_revenue(tables["invoices"], window, cur, rates)
    late = _late(tables["invoices"], window, s.grace_days)
    billing = billing_emails(tables)
    notes: list[str] = []
    idle = set(idle)
    if tables["usage"].count().execute() == 0:
        notes.append("no usage data: nobody can be called idle")

    eligible, near, others = [], [], 0
    for c in customers:
        cid = str(c["customer_id"])
        signup = _py(c["signup_at"])
        tenure = months_between(signup, as_of)
        months_present = max(1, min(s.window_months, tenure))
        monthly = cents(spend.get(cid, Decimal(0)) / months_present)
        n_tickets = tickets.get(cid, 0)
        n_manual = manual.get(cid, 0)
        n_late, days_late = late.get(cid, (0, 0.0))
        status = c["status"] or "active"
        is_idle = cid in idle
        rules = (
            RuleResult("active", status == "active", status, "active",
                       "" if status == "active" else f"account is {status}"),
            RuleResult("tenure", tenure >= s.min_tenure_months, f"{tenure} months",
                       f">= {s.min_tenure_months} months",
                       _short(s.min_tenure_months - tenure, "month")),
            RuleResult("no_tickets", n_tickets <= s.max_tickets, f"{n_tickets} tickets",
                       f"<= {s.max_tickets} tickets",
                       _over(n_tickets - s.max_tickets, "ticket")),
            RuleResult("spend", monthly >= s.min_monthly_spend, f"{monthly} {cur}/month",
                       f">= {cents(s.min_monthly_spend)} {cur}/month",
                       "" if monthly >= s.min_monthly_spend else
                       f"{cents(s.min_monthly_spend - monthly)} {cur}/month short"),
            RuleResult("paid_on_time", n_late == 0, f"{n_late} late invoices",
                       f"paid by due date + {s.grace_days} days",
                       "" if n_late == 0 else
                       f"{n_late} invoice(s) late, up to {days_late:.1f} days after due"),
            RuleResult("self_service", n_manual <= s.max_manual_orders,
                       f"{n_manual} manual orders", f"<= {s.max_manual_orders} manual orders",
                       _over(n_manual - s.max_manual_orders, "manual order")),
            RuleResult("not_idle", not (s.exclude_idle and is_idle),
                       "idle" if is_idle else "active use", "not idle",
                       "pays but uses nothing" if s.exclude_idle and is_idle else ""),
            RuleResult("not_recent_winner", cid not in recent_winners,
                       "won recently" if cid in recent_winners else "no recent win",
                       f"no win in the last {s.exclude_recent_winners_months} months",
                       "won a draw in that time" if cid in recent_winners else ""),
        )
        reward = cents(s.reward_amount) if s.reward_amount > 0 else monthly
        email = billing.get(cid) or str(c["email"] or "")
        cand = Candidate(cid, str(c["name"] or ""), email, tenure, n_tickets, monthly, n_late,
                         n_manual, is_idle, rules, reward)
        failed = len(cand.failed)
        if failed == 0:
            eligible.append(cand)
        elif failed == 1:
            near.append(cand)
        else:
            others += 1
    eligible.sort(key=lambda c: c.customer_id)
    near.sort(key=lambda c: (c.failed[0].rule, c.customer_id))
    winners = winners_within_budget([c.reward for c in eligible], s.winners, s.budget)
    if s.budget > 0 and winners < min(s.winners, len(eligible)):
        notes.append(f"budget {cents(s.budget)} {cur} allows {winners} winner(s), not "
                     f"{s.winners}: any {winners} of the eligible fit it")
    return RewardPlan(as_of, since, s, cur, tuple(eligible), tuple(near), others, winners,
                      idle_source, tuple(notes))


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


# -- aggregates (in the engine) -------------------------------------------------------
def _counts(t: ibis.Table, col: str, window: Window, extra: Any = None) -> dict[str, int]:
    w = t.filter(window.contains(t[col]))
    if extra is not None:
        w = w.filter(extra)
    rows = w.group_by("customer_id").aggregate(n=w.count()).to_pyarrow().to_pylist()
    return {str(r["customer_id"]): int(r["n"]) for r in rows}


def paid_invoices(inv: ibis.Table, window: Window) -> ibis.Table:
    """Paid invoices other than credits issued in the window (recognised revenue)."""
    w = inv.filter(window.contains(inv.issued_at))
    return w.filter(((w.status == "paid") | w.paid_at.notnull())
                    & (w.kind.isnull() | (w.kind != "credit"))
                    & (w.status.isnull() | ~w.status.isin(["cancelled", "refunded"])))


def paid_revenue(inv: ibis.Table, window: Window, currency: str,
                 rates: dict[str, Decimal]) -> dict[str, Decimal]:
    w = paid_invoices(inv, window)
    net = w.amount - w.refunded_amount.fill_null(0)
    rows = (w.mutate(net=net).group_by(["customer_id", "currency"])
            .aggregate(total=lambda t: t.net.sum()).to_pyarrow().to_pylist())
    out: dict[str, Decimal] = {}
    for r in rows:
        amount = convert(Decimal(str(r["total"] or 0)), r["currency"], currency, rates)
        out[str(r["customer_id"])] = out.get(str(r["customer_id"]), Decimal(0)) + amount
    return out


def _late(inv: ibis.Table, window: Window, grace_days: int) -> dict[str, tuple[int, float]]:
    """Invoices due in the window paid after due + grace (or still unpaid after it)."""
    until = window.until
    w = inv.filter(inv.due_at.notnull() & window.contains(inv.due_at)
                   & (inv.kind.isnull() | (inv.kind != "credit"))
                   & (inv.status.isnull() | (inv.status != "cancelled")))
    grace = grace_days * 86400
    due = w.due_at.epoch_seconds()
    paid_late = w.paid_at.notnull() & (w.paid_at.epoch_seconds() - due > grace)
    cutoff = int(until.timestamp() if until.tzinfo else _naive_epoch(until))
    unpaid_late = w.paid_at.isnull() & (w.status.isnull() | (w.status != "paid")) & (
        cutoff - due > grace)
    late_seconds = ibis.ifelse(w.paid_at.notnull(), w.paid_at.epoch_seconds() - due,
                               cutoff - due)
    x = w.filter(paid_late | unpaid_late).mutate(late=late_seconds)
    rows = (x.group_by("customer_id").aggregate(n=x.count(), worst=x.late.max())
            .to_pyarrow().to_pylist())
    return {str(r["customer_id"]): (int(r["n"]), float(r["worst"]) / 86400) for r in rows}


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


def _median(values: list[float]) -> float:
    v = sorted(values)
    n = len(v)
    return 0.0 if n == 0 else (v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2)


def _short(n: int, unit: str) -> str:
    return "" if n <= 0 else f"{n} {unit}{'s' if n != 1 else ''} short"


def _over(n: int, unit: str) -> str:
    return "" if n <= 0 else f"{n} {unit}{'s' if n != 1 else ''} too many"


def _naive_epoch(when: datetime) -> float:
    return (when - datetime(1970, 1, 1)).total_seconds()


def _is_null(value: Any) -> bool:
    try:
        return bool(value != value)  # NaT / NaN
    except (TypeError, ValueError):
        return False


def _py(value: Any) -> datetime:
    """A naive datetime from whatever the engine returned (datetime, pandas Timestamp)."""
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return datetime.fromisoformat(str(value))

