"""One synthetic customer's life: account, services, invoices, payments, orders, usage, costs.

Tickets and their threads are in ``tickets``; this module decides everything that money and
infrastructure see. Times are epoch seconds (UTC), money integer cents.
"""

from __future__ import annotations

import itertools
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from goodfit.synth.names import Pool, email_for, slug
from goodfit.synth.personas import (
    ADDON_PLAN,
    BEHAVIOURS,
    COUNTRIES,
    CURRENCIES,
    CURRENCY_WEIGHTS,
    HOG_PLAN_WEIGHTS,
    MAIN_PLAN_WEIGHTS,
    MAIN_PLANS,
    PLANS,
)
from goodfit.synth.writer import ProviderWriter

T = TypeVar("T")
DAY = 86_400
MINUTE = 60
LICENCES: tuple[tuple[str, int], ...] = (("cPanel", 1500), ("Windows Server", 1200),
                                          ("Plesk", 900), ("Backup agent", 350))


class Counters:
    """Running ids, shared by all batches so ids are unique and stable for a seed."""

    def __init__(self) -> None:
        self._counts = {name: itertools.count(1) for name in
                        ("contact", "service", "invoice", "payment", "order", "ticket", "message")}

    def next(self, name: str) -> int:
        return next(self._counts[name])


@dataclass
class Service:
    service_id: str
    plan: str
    price: int  # cents per month
    started_at: int
    ended_at: int | None


@dataclass
class Account:
    """What the ticket generator needs to know about a customer."""

    customer_id: str
    persona: str
    company: str
    domain: str
    currency: str
    signup_at: int
    active_from: int  # max(signup, window start)
    active_until: int  # cancellation or end of window
    services: list[Service]
    contacts: list[tuple[str, str]]  # (name, email)
    phone: str
    invoice_ids: list[str] = field(default_factory=list)
    paid_events: list[int] = field(default_factory=list)  # invoice/order payment times
    refund_at: int | None = None  # the refund that follows a burst of support


class Calendar:
    """Month boundaries of the generated window."""

    def __init__(self, month_starts: list[int], end: int) -> None:
        self.starts = month_starts  # first second of each month in the window
        self.end = end  # last second of the window
        self.window_start = month_starts[0]

    def month_index(self, ts: int) -> int:
        return max(0, bisect_right(self.starts, ts) - 1)


@lru_cache(maxsize=256)
def _cumulative(weights: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(itertools.accumulate(weights))


def weighted(r: random.Random, options: Sequence[T], weights: tuple[float, ...]) -> T:
    """One of ``options`` by weight; like random.choices, without re-summing every call."""
    cum = _cumulative(weights)
    return options[bisect_right(cum, r.random() * cum[-1])]


def daytime(r: random.Random, day_start: int) -> int:
    """A time of day, mostly office hours."""
    hour = r.choice((8, 9, 9, 10, 10, 11, 12, 13, 14, 14, 15, 16, 17, 18, 20, 22, 2))
    return day_start + hour * 3600 + r.randrange(3600)


def make_account(r: random.Random, customer_id: str, persona: str, pool_by_currency:
                 dict[str, Pool], cal: Calendar, ids: Counters, out: ProviderWriter) -> Account:
    b = BEHAVIOURS[persona]
    currency = weighted(r, CURRENCIES, CURRENCY_WEIGHTS)
    pool = pool_by_currency[currency]
    company = pool.company(r)
    domain = f"{slug(company)}.{pool.tld}"
    if r.random() < b.long_tenure:
        signup = cal.window_start - r.randrange(30 * DAY, 5 * 365 * DAY)
    else:
        signup = r.randrange(cal.window_start, cal.end - 20 * DAY)
    signup = daytime(r, signup - signup % DAY)
    active_from = max(signup, cal.window_start)
    cancelled = None
    if r.random() < b.cancel and cal.end - active_from > 120 * DAY:
        cancelled = r.randrange(active_from + 90 * DAY, cal.end)
    status = "cancelled" if cancelled else "active"
    if persona == "payment_trouble" and not cancelled and r.random() < 0.25:
        status = "suspended"
    main = weighted(r, MAIN_PLANS, HOG_PLAN_WEIGHTS if persona == "bandwidth_hog"
                     else MAIN_PLAN_WEIGHTS)
    services = [Service(f"S-{ids.next('service'):07d}", main, _price(main), signup, cancelled)]
    addon_chance = {"idle": 0.0, "manual_orderer": 0.5, "bandwidth_hog": 0.2}.get(persona, 0.15)
    if main != ADDON_PLAN and r.random() < addon_chance:
        start = r.randrange(active_from, max(active_from + 1, cal.end - 30 * DAY))
        services.append(Service(f"S-{ids.next('service'):07d}", ADDON_PLAN, _price(ADDON_PLAN),
                                start, cancelled))
    people = [pool.person(r) for _ in range(r.choice((1, 1, 2, 2, 3)))]
    contacts = [(p, email_for(p, domain, r)) for p in people]
    acct = Account(customer_id, persona, company, domain, currency, signup, active_from,
                   cancelled or cal.end, services, contacts, r.choice(pool.phones))
    out["customers"].add((customer_id, company, signup, status, cancelled, main,
                          r.choice(COUNTRIES[currency]), f"billing@{domain}", currency))
    for i, (name, email) in enumerate(contacts):
        role = ("billing", "technical", "owner")[i] if len(contacts) > 1 else "owner"
        out["contacts"].add((f"P-{ids.next('contact'):07d}", customer_id, name, email, role))
    for s in services:
        plan = PLANS[s.plan]
        out["services"].add((s.service_id, customer_id, plan.product, s.plan, s.price, currency,
                             s.started_at, s.ended_at))
    return acct


def _price(plan: str) -> int:
    return int(PLANS[plan].price.replace(".", ""))


def billing(r: random.Random, a: Account, cal: Calendar, ids: Counters,
            out: ProviderWriter) -> None:
    """Orders, invoices, payments and their outcomes."""
    b = BEHAVIOURS[a.persona]
    manual = b.manual_orders

    def order(at: int, amount: int, first: bool) -> None:
        is_manual = r.random() < manual
        channel = r.choice(("email", "email", "phone", "chat")) if is_manual else (
            "api" if r.random() < 0.05 and a.persona != "idle" else "self_service")
        custom = is_manual and r.random() < (0.5 if a.persona == "manual_orderer" else 0.1)
        minutes = None
        if is_manual and r.random() < 0.7:
            minutes = float(r.randint(10, 45) + (r.randint(30, 180) if custom else 0))
        elif not is_manual and r.random() < 0.5:
            minutes = 0.0
        out["orders"].add((f"O-{ids.next('order'):07d}", a.customer_id, at, channel, custom,
                           minutes, amount))
        if not first and at >= cal.window_start:
            # one-time charge for the add-on or custom work, paid within the hour
            inv = f"INV-{ids.next('invoice'):08d}"
            paid = at + r.randint(2, 50) * MINUTE
            out["invoices"].add((inv, a.customer_id, at, amount, a.currency, "one_time", "paid",
                                 at + 14 * DAY, paid, 0))
            out["payments"].add((f"TX-{ids.next('payment'):09d}", a.customer_id, inv, paid,
                                 amount, a.currency, "succeeded"))
            a.paid_events.append(paid)
            a.invoice_ids.append(inv)

    order(a.signup_at - r.randint(1, 20) * MINUTE, a.services[0].price, True)
    years = (a.active_until - a.active_from) / (365 * DAY)
    extra = poisson(r, b.extra_orders_per_year * years)
    for _ in range(extra):
        at = daytime(r, r.randrange(a.active_from, a.active_until) // DAY * DAY)
        if at < a.active_until:
            order(at, r.choice((500, 1200, 2000, 2400, 4800, 9900, 15000)), False)

    months = [m for m in cal.starts if m < a.active_until and m + 28 * DAY > a.active_from]
    refund_month = r.randrange(len(months)) if a.persona == "payment_trouble" and months else -1
    for i, m in enumerate(months):
        issued = max(m, a.signup_at)
        amount = sum(s.price for s in a.services
                     if s.started_at < m + 28 * DAY and (s.ended_at is None or s.ended_at > m))
        if amount <= 0:
            continue
        inv = f"INV-{ids.next('invoice'):08d}"
        a.invoice_ids.append(inv)
        due = issued + 14 * DAY
        status, paid, refunded = "paid", None, 0
        attempts: list[tuple[int, int, str]] = []  # (at, amount, outcome)
        first_try = issued + r.randint(1, 90) * MINUTE if issued == a.signup_at else \
            daytime(r, issued + r.randint(0, 2) * DAY)
        trouble = a.persona == "payment_trouble"
        roll = r.random()
        if trouble and roll < 0.07 and issued + 30 * DAY < cal.end:
            status = "unpaid"
            attempts = [(first_try + k * 3 * DAY, amount, "failed") for k in range(r.randint(1, 3))]
        elif r.random() < b.late_payment:
            attempts.append((first_try, amount, "failed"))
            paid = first_try + r.randint(3, 12) * DAY
            attempts.append((paid, amount, "succeeded"))
        else:
            paid = first_try
            attempts.append((paid, amount, "succeeded"))
        if paid is not None and trouble:
            if roll > 0.94:  # chargeback weeks later
                status = "disputed"
                attempts.append((paid + r.randint(20, 60) * DAY, amount, "chargeback"))
            elif roll > 0.89:
                status = "disputed"
                attempts.append((paid + r.randint(5, 40) * DAY, amount, "dispute"))
            elif i == refund_month:  # the refund after heavy support
                status, refunded = "refunded", amount
                refund_at = paid + r.randint(3, 20) * DAY
                attempts.append((refund_at, amount, "refunded"))
                if refund_at <= cal.end:
                    a.refund_at = refund_at
        if paid is not None and paid > cal.end:
            status, paid = "unpaid", None
        attempts = [x for x in attempts if x[0] <= cal.end]
        out["invoices"].add((inv, a.customer_id, issued, amount, a.currency, "recurring", status,
                             due, paid, refunded))
        for at, amt, outcome in attempts:
            out["payments"].add((f"TX-{ids.next('payment'):09d}", a.customer_id, inv, at, amt,
                                 a.currency, outcome))
        if paid is not None:
            a.paid_events.append(paid)


def usage_and_costs(r: random.Random, a: Account, cal: Calendar, level: float,
                    out: ProviderWriter) -> None:
    """Monthly egress and storage per service; licence costs for some servers."""
    idle = a.persona == "idle"
    hog = a.persona == "bandwidth_hog"
    licence = None
    if PLANS[a.services[0].plan].product in ("vps", "dedicated") and not idle and \
            r.random() < (0.5 if a.persona == "manual_orderer" else 0.2):
        licence = r.choice(LICENCES)
    for s in a.services:
        plan = PLANS[s.plan]
        for m in cal.starts:
            if m + 28 * DAY <= max(s.started_at, a.active_from) or m >= a.active_until:
                continue
            for metric, allowance in (("egress_gb", plan.egress_gb),
                                      ("storage_gb", plan.storage_gb)):
                if idle:
                    quantity = round(r.random() * 0.05, 3)
                else:
                    share = level if (metric == "egress_gb" or not hog) else min(level, 0.6)
                    quantity = round(allowance * share * r.lognormvariate(0, 0.35), 2)
                    if metric == "storage_gb":
                        quantity = min(quantity, allowance * 1.2)
                out["usage"].add((a.customer_id, s.service_id, m, metric, quantity,
                                  float(allowance), None))
    if licence:
        for m in cal.starts:
            if a.active_from <= m + 27 * DAY < a.active_until:
                out["costs"].add((a.customer_id, m + 27 * DAY, licence[1], a.currency,
                                  "licence"))
    if a.persona == "manual_orderer" and r.random() < 0.5:
        at = r.randrange(a.active_from, a.active_until)
        out["costs"].add((a.customer_id, at, r.randint(50, 300) * 100, a.currency,
                          "third_party"))


def poisson(r: random.Random, mean: float) -> int:
    """Knuth's method; means here are small (a few dozen at most), so it is fast enough."""
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(r.gauss(mean, mean ** 0.5)))
    limit, k, p = 2.718281828459045 ** -mean, 0, 1.0
    while True:
        p *= r.random()
        if p <= limit:
            return k
        k += 1
