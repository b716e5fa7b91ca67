"""Segments by configured rules, each with its reason in words.

Order of the rules ([segments] in goodfit.toml):
1. part_ways  — disrespect toward staff: abusive messages (older ones decayed, see
                [flags.abusive_language] decay_half_life_days) weighing at least
                part_ways_min_abusive_messages.
2. not_enough_data — no cost verdict without billing and support time (an educate flag
                still educates: it rests on tickets, not costs).
3. A customer below the target margin needs a fix. Education first (remove the share of
   support the docs answer), then fees (the one fee model, [fees] and
   goodfit.metrics.fees — the fees `whatif --fees` charges), fees plus education, then a
   price rise up to max_price_increase: educate or reprice when a step reaches the target
   margin. None does: part_ways only for a *material* loss (annual loss at least
   part_ways_min_annual_loss); a smaller loss is reprice, a profitable one healthy.
   A profitable customer never parts ways for money.
4. educate    — an educate flag (hand-holding, priority misuse): load the docs remove.
5. reprice    — a reprice flag whose load costs reprice_min_load_share of revenue or more.
6. reward     — every gate of the one reward rule (scoring/reward_rule.py) holds.
7. healthy    — everyone else, with the reward gates it misses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from goodfit.config import FeeSettings, SegmentSettings
from goodfit.metrics.fees import FeeBasis, customer_fees
from goodfit.scoring.evidence import Flag
from goodfit.scoring.inputs import money
from goodfit.scoring.reward_rule import RuleResult

NOT_ENOUGH_DATA = "not_enough_data"
SEGMENTS = ("reward", "healthy", "educate", "reprice", "part_ways", NOT_ENOUGH_DATA)


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


def annual(amount: float, months: float) -> float:
    """An amount over ``months`` of the window, per year."""
    return amount * 12.0 / max(months, 1.0)


def price_rise_needed(profit: float, revenue: float, target: float) -> float | None:
    """The smallest price rise p (share) with (profit + revenue·p) / (revenue·(1+p)) ≥
    target; None without revenue or when no rise can reach it."""
    if revenue <= 0 or target >= 1:
        return None
    return max(0.0, (target * revenue - profit) / (revenue * (1.0 - target)))


def abusive_weight(flag: Flag) -> float:
    return float(flag.extra.get("weight", flag.extra.get("messages", 0)))


def segment(load: Load, flags: list[Flag], cfg: SegmentSettings, *,
            reward_gates: Sequence[RuleResult] = (), cost_missing: str = "",
            billing_missing: str = "", fees: FeeSettings | None = None) -> tuple[str, str]:
    """The segment and its reason in words. ``cost_missing``/``billing_missing`` name the
    facts a cost verdict / a revenue share lacks (scoring/coverage.py); ``reward_gates``
    are the customer's gates of the one reward rule (scoring/reward_rule.py); ``fees`` is
    the one fee model ([fees])."""
    fees = fees or FeeSettings()
    codes = {f.code: f for f in flags}
    for code in cfg.part_ways_flags:
        if code not in codes:
            continue
        if code == "abusive_language":
            w = abusive_weight(codes[code])
            if w < cfg.part_ways_min_abusive_messages:
                continue
            return "part_ways", (f"disrespect toward staff: {codes[code].detail} — weight "
                                 f"{w:.2f}, at least {cfg.part_ways_min_abusive_messages} "
                                 "parts ways")
        return "part_ways", f"{code.replace('_', ' ')}: {codes[code].detail}"
    educate_flags = [c for c in cfg.educate_flags if c in codes]
    reprice_flags = [c for c in cfg.reprice_flags if c in codes]
    if cost_missing:
        if educate_flags:
            return "educate", (f"{', '.join(c.replace('_', ' ') for c in educate_flags)}: "
                               f"{codes[educate_flags[0]].detail} (no cost verdict: "
                               f"{cost_missing})")
        return NOT_ENOUGH_DATA, f"not enough data for a verdict: {cost_missing}"
    m = margin(load.profit, load.revenue)
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
        rise = price_rise_needed(load.profit, load.revenue, cfg.target_margin)
        if rise is not None and rise <= cfg.max_price_increase:
            return "reprice", (f"{now}; a price rise of {rise:.0%} would bring margin to "
                               f"{cfg.target_margin:.0%}")
        loss = annual(-load.profit, load.months)
        no_fix = (f"neither education, fees ({fee:,.2f}) nor a price rise of up to "
                  f"{cfg.max_price_increase:.0%} would make it reach {cfg.target_margin:.0%}")
        if load.profit < 0 and loss >= float(cfg.part_ways_min_annual_loss):
            return "part_ways", (f"material loss: {now}, loses {loss:,.2f} a year (at least "
                                 f"{float(cfg.part_ways_min_annual_loss):,.2f} parts ways); "
                                 f"{no_fix}")
        if load.profit < 0:
            return "reprice", (f"{now}, loses {loss:,.2f} a year — below the "
                               f"{float(cfg.part_ways_min_annual_loss):,.2f} that parts ways; "
                               f"{no_fix}: review its price and load")
        return "healthy", f"profitable but {now}, below {cfg.target_margin:.0%}; {no_fix}"
    if educate_flags:
        return "educate", (f"{', '.join(c.replace('_', ' ') for c in educate_flags)}: "
                           f"{codes[educate_flags[0]].detail}")
    if reprice_flags and load.revenue > 0 and not billing_missing:
        share = (load.order_cost + load.usage_cost) / load.revenue
        if share >= cfg.reprice_min_load_share:
            return "reprice", (f"{', '.join(c.replace('_', ' ') for c in reprice_flags)}: that "
                               f"load costs {share:.0%} of revenue; fees would recover "
                               f"{fee_revenue(load, fees):,.2f}")
    failed = [g for g in reward_gates if not g.passed]
    if reward_gates and not failed:
        return "reward", "every reward gate holds: " + ", ".join(
            f"{g.rule.replace('_', ' ')} ({g.value})" for g in reward_gates
            if g.rule in ("tenure", "profitable", "few_tickets"))
    why = "; ".join(f"{g.rule.replace('_', ' ')}: {g.shortfall or g.value}" for g in failed)
    return "healthy", "profitable" + (f"; not reward: {why}" if why else "")


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
