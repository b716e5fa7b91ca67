"""The one reward rule: who is time-efficient enough to be rewarded.

The ``reward`` segment and reward-draw eligibility (goodfit rewards plan) are the same
gates, evaluated here on the same per-customer facts of one scoring run. A customer is
rewardable when every gate holds; the draw adds one gate of its own (not a recent winner).
Thresholds come from ``[rewards]`` in goodfit.toml. Gates, in funnel order:

- ``enough_data``   billing, support time, orders, usage and tone are known
                    for the customer (scoring/coverage.py): no reward on missing data
- ``active``        the account is not suspended or cancelled
- ``tenure``        at least ``min_tenure_months`` whole months since sign-up (the
                    scorecard's tenure_months)
- ``profitable``    profit over the window above 0: a loss-maker is never rewarded
- ``spend``         revenue per month present in the window ≥ ``min_monthly_spend``
- ``few_tickets``   tickets in the window ≤ the larger of ``max_tickets`` and
                    ``max_tickets_per_1000`` per 1,000 of revenue
- ``paid_on_time``  every invoice due in the window paid by due_at + ``grace_days``
- ``no_payment_trouble``  no payment_trouble flag (failed payments, disputes, chargebacks)
- ``self_service``  at most ``max_manual_orders`` orders outside the self-service channels
                    ([costs] self_service_channels: the one "manual order")
- ``no_custom_requests``  at most ``max_custom_orders`` orders asking for custom work
- ``not_idle``      no idle flag (pays but uses nothing)
- ``respectful``    no abusive_language flag
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from goodfit.config import Config, RewardsSettings
from goodfit.money import cents
from goodfit.window import Window

if TYPE_CHECKING:  # the gates' results are plain data; their facts are counted in the engine
    import ibis

GATES = ("enough_data", "active", "tenure", "profitable", "spend", "few_tickets",
         "paid_on_time", "no_payment_trouble", "self_service", "no_custom_requests",
         "not_idle", "respectful")


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
class RewardFacts:
    """One customer's figures the gates read, all from one scoring run's window."""

    customer_id: str
    status: str
    tenure_months: int
    revenue: Decimal
    profit: Decimal
    monthly_spend: Decimal
    tickets: int
    days_late: tuple[float, ...]  # per invoice due in the window and paid (or still open) late
    manual_orders: int
    custom_orders: int
    payment_trouble: bool
    idle: bool
    abusive: bool
    missing: str = ""  # facts missing, in words ("" = all known)

    def late(self, grace_days: int) -> list[float]:
        """Days late of the invoices later than due + grace_days."""
        return [d for d in self.days_late if d > grace_days]

    @property
    def late_invoices(self) -> int:
        return len(self.days_late)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for k in ("revenue", "profit", "monthly_spend"):
            d[k] = str(d[k])
        d["days_late"] = list(self.days_late)
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> RewardFacts:
        kw = dict(d)
        for k in ("revenue", "profit", "monthly_spend"):
            kw[k] = Decimal(str(kw[k]))
        kw["days_late"] = tuple(float(x) for x in kw.get("days_late", ()))
        return cls(**kw)


def allowed_tickets(revenue: Decimal, s: RewardsSettings) -> int:
    per_revenue = int(revenue * Decimal(str(s.max_tickets_per_1000)) / Decimal(1000)) \
        if revenue > 0 else 0
    return max(s.max_tickets, per_revenue)


def _over(n: int, unit: str) -> str:
    return "" if n <= 0 else f"{n} {unit}{'s' if n != 1 else ''} too many"


def _short(n: int, unit: str) -> str:
    return "" if n <= 0 else f"{n} {unit}{'s' if n != 1 else ''} short"


def gates(f: RewardFacts, s: RewardsSettings, currency: str) -> tuple[RuleResult, ...]:
    """Every reward gate for one customer, in funnel order."""
    allowed = allowed_tickets(f.revenue, s)
    status = f.status or "active"
    late = f.late(s.grace_days)
    return (
        RuleResult("enough_data", not f.missing, f.missing or "all known",
                   "billing, support time, orders, usage and tone known",
                   f.missing),
        RuleResult("active", status == "active", status, "active",
                   "" if status == "active" else f"account is {status}"),
        RuleResult("tenure", f.tenure_months >= s.min_tenure_months, f"{f.tenure_months} months",
                   f">= {s.min_tenure_months} months",
                   _short(s.min_tenure_months - f.tenure_months, "month")),
        RuleResult("profitable", f.profit > 0, f"profit {cents(f.profit)} {currency}",
                   "profit above 0 over the window",
                   "" if f.profit > 0 else f"loses {cents(-f.profit)} {currency}"),
        RuleResult("spend", f.monthly_spend >= s.min_monthly_spend,
                   f"{f.monthly_spend} {currency}/month",
                   f">= {cents(s.min_monthly_spend)} {currency}/month",
                   "" if f.monthly_spend >= s.min_monthly_spend else
                   f"{cents(s.min_monthly_spend - f.monthly_spend)} {currency}/month short"),
        RuleResult("few_tickets", f.tickets <= allowed, f"{f.tickets} tickets",
                   f"<= {allowed} tickets for {cents(f.revenue)} {currency} of revenue",
                   _over(f.tickets - allowed, "ticket")),
        RuleResult("paid_on_time", not late, f"{len(late)} late invoices",
                   f"paid by due date + {s.grace_days} days",
                   "" if not late else
                   f"{len(late)} invoice(s) late, up to {max(late):.1f} days after due"),
        RuleResult("no_payment_trouble", not f.payment_trouble,
                   "payment trouble" if f.payment_trouble else "none", "no payment_trouble flag",
                   "failed payments, disputes or chargebacks" if f.payment_trouble else ""),
        RuleResult("self_service", f.manual_orders <= s.max_manual_orders,
                   f"{f.manual_orders} manual orders", f"<= {s.max_manual_orders} manual orders",
                   _over(f.manual_orders - s.max_manual_orders, "manual order")),
        RuleResult("no_custom_requests", f.custom_orders <= s.max_custom_orders,
                   f"{f.custom_orders} custom orders", f"<= {s.max_custom_orders} custom orders",
                   _over(f.custom_orders - s.max_custom_orders, "custom order")),
        RuleResult("not_idle", not (s.exclude_idle and f.idle),
                   "idle" if f.idle else "active use", "not idle",
                   "pays but uses nothing" if s.exclude_idle and f.idle else ""),
        RuleResult("respectful", not f.abusive, "abusive messages" if f.abusive else "none",
                   "no abusive_language flag",
                   "messages aimed at staff" if f.abusive else ""),
    )


def funnel(all_gates: Sequence[Sequence[RuleResult]],
           order: Sequence[str] = GATES) -> list[tuple[str, int]]:
    """How many customers pass each gate and every gate before it."""
    out = []
    alive = list(all_gates)
    for name in order:
        alive = [g for g in alive if all(r.passed for r in g if r.rule == name)]
        out.append((name, len(alive)))
    return out


# -- facts (aggregated in the engine) ------------------------------------------------
def months_between(start: datetime, end: datetime) -> int:
    """Whole calendar months from ``start`` to ``end`` (2024-01-31 → 2024-02-29 is 0)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if (end.day, end.time()) < (start.day, start.time()):
        months -= 1
    return max(months, 0)


def _in_window(t: ibis.Table, col: str, since: datetime, until: datetime) -> ibis.Table:
    """The one half-open window convention: since <= col < until."""
    return t.filter(Window(as_of=until, since=since, until=until).contains(t[col]))


def days_late(inv: ibis.Table, since: datetime, until: datetime) -> dict[str, list[float]]:
    """Per customer, the days after due_at each invoice due in the window was paid (or, still
    unpaid, is at ``until``), for those later than due; the gates apply the grace days."""
    import ibis

    w = inv.filter(inv.due_at.notnull() & (inv.due_at >= since) & (inv.due_at <= until)
                   & (inv.kind.isnull() | (inv.kind != "credit"))
                   & (inv.status.isnull() | (inv.status != "cancelled")))
    due = w.due_at.epoch_seconds()
    cutoff = int(until.timestamp() if until.tzinfo else
                 (until - datetime(1970, 1, 1)).total_seconds())
    unpaid = w.paid_at.isnull() & (w.status.isnull() | (w.status != "paid"))
    late_seconds = ibis.ifelse(w.paid_at.notnull(), w.paid_at.epoch_seconds() - due,
                               ibis.ifelse(unpaid, cutoff - due, 0))
    x = w.mutate(late=late_seconds)
    x = x.filter(x.late > 0).select("customer_id", "late").order_by(["customer_id", "late"])
    out: dict[str, list[float]] = {}
    for r in x.to_pyarrow().to_pylist():
        out.setdefault(str(r["customer_id"]), []).append(round(float(r["late"]) / 86400, 4))
    return out


def _dec(value: object) -> Decimal:
    if value is None or value != value:  # noqa: PLR0124 - NaN
        return Decimal(0)
    return Decimal(str(value))


def reward_facts(tables: Mapping[str, ibis.Table], card_rows: Sequence[Mapping[str, Any]],
                 flag_codes: Mapping[str, set[str]], missing: Mapping[str, str],
                 config: Config, *, as_of: datetime, since: datetime,
                 until: datetime) -> dict[str, RewardFacts]:
    """The gates' facts per customer: scorecard figures, flags and a few engine counts."""
    from goodfit.metrics.orders import order_counts

    s = config.rewards
    cust = tables["customers"]
    people = {str(r["customer_id"]): r for r in
              cust.select("customer_id", "signup_at", "status").to_pyarrow().to_pylist()}
    late = days_late(tables["invoices"], since, until)
    # the cost model's one rule for a manual order ([costs] self_service_channels)
    counts = order_counts(dict(tables), config, Window(as_of=until, since=since, until=until))
    orders = {str(r["customer_id"]): (int(r["manual_orders"] or 0), int(r["custom_orders"] or 0))
              for r in counts.to_pyarrow().to_pylist()}
    out: dict[str, RewardFacts] = {}
    for row in card_rows:
        cid = str(row["customer_id"])
        who = people.get(cid, {})
        signup = who.get("signup_at")
        if hasattr(signup, "to_pydatetime"):
            signup = signup.to_pydatetime()
        card_tenure = row.get("tenure_months")  # the metrics' tenure, when it has one
        if card_tenure is not None and card_tenure == card_tenure:
            tenure = int(card_tenure)
        else:
            tenure = months_between(signup.replace(tzinfo=None), as_of) \
                if isinstance(signup, datetime) else 0
        months_present = max(1, min(s.window_months, tenure))
        revenue = _dec(row.get("revenue"))
        manual, custom = orders.get(cid, (0, 0))
        codes = flag_codes.get(cid, set())
        tickets = row.get("tickets")
        out[cid] = RewardFacts(
            cid, str(who.get("status") or "active"), tenure, revenue, _dec(row.get("profit")),
            cents((revenue / months_present).quantize(Decimal("0.0001"), ROUND_HALF_UP)),
            int(tickets) if tickets is not None and tickets == tickets else 0,
            tuple(late.get(cid, [])), manual, custom, "payment_trouble" in codes, "idle" in codes,
            "abusive_language" in codes, missing.get(cid, ""))
    return out
