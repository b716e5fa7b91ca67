"""Segments by configured rules, each with its reason in words.

Order of the rules ([segments] in goodfit.toml):
1. part_ways  — a part_ways flag (abusive language toward staff).
2. A customer below the target margin needs a fix. Education first (remove the share of
   support the docs answer), then price (the one fee model, [fees] and
   goodfit.metrics.fees — the fees `whatif --fees` charges): educate or reprice
   when that fix reaches the target margin; part_ways when neither nor both together do.
3. educate    — an educate flag (hand-holding, priority misuse): load the docs remove.
4. reprice    — a reprice flag whose load costs reprice_min_load_share of revenue or more.
5. reward     — score, tenure and ticket rate good enough, no blocking flag; never idle,
                never a cancelled account.
6. healthy    — everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from goodfit.config import FeeSettings, SegmentSettings
from goodfit.metrics.fees import FeeBasis, customer_fees
from goodfit.scoring.evidence import Flag, Severity
from goodfit.scoring.inputs import money

SEGMENTS = ("reward", "healthy", "educate", "reprice", "part_ways")


@dataclass(frozen=True)
class Load:
    """Per-customer quantities the what-ifs need (from the scorecard and orders)."""

    revenue: float
    profit: float
    support_cost: float
    support_minutes: float
    months: float
    manual_orders: int
    custom_orders: int
    usage_cost: float
    order_cost: float  # order handling + custom work
    answerable_share: float  # share of tickets the docs answer
    direct_cost: float = 0.0  # licences, third parties
    basis: FeeBasis = field(default_factory=FeeBasis)  # what the fee model charges on


def margin(profit: float, revenue: float) -> float | None:
    return profit / revenue if revenue > 0 else None


def education_gain(load: Load) -> float:
    """Support cost the docs could remove."""
    return load.support_cost * load.answerable_share


def fee_revenue(load: Load, fees: FeeSettings) -> float:
    """What the fee model bills for this load: the sum ``whatif --fees`` charges."""
    return float(sum(customer_fees(load.basis, fees.amounts(),
                                   fees.included_support_hours_per_month).values()))


def _reaches(profit: float, revenue: float, target: float) -> bool:
    return revenue > 0 and profit / revenue >= target


def segment(load: Load, score: float, tenure_months: float, tickets_per_month: float,
            flags: list[Flag], cfg: SegmentSettings, cancelled: bool = False,
            fees: FeeSettings | None = None) -> tuple[str, str]:
    fees = fees or FeeSettings()
    codes = {f.code: f for f in flags}
    for code in cfg.part_ways_flags:
        if code == "abusive_language" and code in codes and \
                codes[code].extra.get("messages", 0) < cfg.part_ways_min_abusive_messages:
            continue
        if code in codes:
            return "part_ways", f"{code.replace('_', ' ')}: {codes[code].detail}"
    m = margin(load.profit, load.revenue)
    educate_flags = [c for c in cfg.educate_flags if c in codes]
    reprice_flags = [c for c in cfg.reprice_flags if c in codes]
    if m is None and load.profit < 0 or m is not None and m < cfg.target_margin:
        now = "no revenue" if m is None else f"margin {m:.0%}"
        gain = education_gain(load)
        fee = fee_revenue(load, fees)
        if educate_flags and _reaches(load.profit + gain, load.revenue, cfg.target_margin):
            return "educate", (f"{now}; {load.answerable_share:.0%} of tickets are answered by "
                               f"the docs — without them margin would be "
                               f"{(load.profit + gain) / load.revenue:.0%}")
        if fee > 0 and _reaches(load.profit + fee, load.revenue + fee, cfg.target_margin):
            return "reprice", (f"{now}; fees for the load it creates ({fee:,.2f}) would bring "
                               f"margin to {(load.profit + fee) / (load.revenue + fee):.0%}")
        both = load.profit + gain + fee
        if (gain or fee) and _reaches(both, load.revenue + fee, cfg.target_margin):
            return "reprice", (f"{now}; fees ({fee:,.2f}) plus education would bring margin "
                               f"to {both / (load.revenue + fee):.0%}")
        return "part_ways", (f"{now}; neither education nor fees ({fee:,.2f}) would make it "
                             f"reach {cfg.target_margin:.0%}")
    if educate_flags:
        return "educate", (f"{', '.join(c.replace('_', ' ') for c in educate_flags)}: "
                           f"{codes[educate_flags[0]].detail}")
    if reprice_flags and load.revenue > 0:
        share = (load.order_cost + load.usage_cost) / load.revenue
        if share >= cfg.reprice_min_load_share:
            return "reprice", (f"{', '.join(c.replace('_', ' ') for c in reprice_flags)}: that "
                               f"load costs {share:.0%} of revenue; fees would recover "
                               f"{fee_revenue(load, fees):,.2f}")
    if "idle" in codes:
        return "healthy", "idle: pays but uses nothing — not eligible for reward"
    if cancelled:
        return "healthy", "cancelled — not eligible for reward"
    blocking = [f for f in flags if f.severity.rank >= Severity(cfg.reward_blocking_severity).rank]
    if (score >= cfg.reward_min_score and tenure_months >= cfg.reward_min_tenure_months
            and tickets_per_month <= cfg.reward_max_tickets_per_month and not blocking):
        return "reward", (f"fit {score:.0f}, {tenure_months:.0f} months, "
                          f"{tickets_per_month:.2f} tickets a month, no behaviour flags")
    why = []
    if blocking:
        why.append(", ".join(sorted({f.code.replace('_', ' ') for f in blocking})))
    if score < cfg.reward_min_score:
        why.append(f"fit {score:.0f} below {cfg.reward_min_score:.0f}")
    if tenure_months < cfg.reward_min_tenure_months:
        why.append(f"{tenure_months:.0f} months of tenure")
    if tickets_per_month > cfg.reward_max_tickets_per_month:
        why.append(f"{tickets_per_month:.2f} tickets a month")
    return "healthy", "profitable" + (f"; not reward: {'; '.join(why)}" if why else "")


def load_from_row(row: dict[str, object], manual: int, custom: int,
                  answerable_share: float) -> Load:
    return Load(
        basis=FeeBasis.from_scorecard(row, manual, custom),
        revenue=money(row.get("revenue")), profit=money(row.get("profit")),
        support_cost=money(row.get("support_cost")),
        support_minutes=money(row.get("support_minutes")),
        months=money(row.get("months_in_window")) or 1.0,
        manual_orders=manual, custom_orders=custom, usage_cost=money(row.get("usage_cost")),
        order_cost=money(row.get("order_handling_cost")) + money(row.get("custom_work_cost")),
        answerable_share=answerable_share, direct_cost=money(row.get("direct_cost")))
