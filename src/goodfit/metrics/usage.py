"""Usage beyond the plan allowance, costed per unit.

For each usage period starting in the window: excess = max(quantity − allowance, 0)
(no allowance means 0 included); cost = excess × unit cost, rounded to cents per period.
The unit cost is the row's ``unit_cost`` when set, else ``[costs] usage_unit_cost`` for the
metric, else 0 (a metric with no known cost is reported but costs nothing).

``PlanUsage`` compares one customer's usage per period with the other customers on its
plan (median and 90th percentile, with how many there are).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

from goodfit.config import Config
from goodfit.metrics.common import TABLES, dec, money, month, number
from goodfit.window import Window


def configured_unit_cost(metric: ir.StringValue, config: Config) -> ir.Value:
    cases = [(metric == name, money(dec(cost)))
             for name, cost in sorted(config.costs.usage_unit_cost.items())]
    zero = money(dec(0))
    return ibis.cases(*cases, else_=zero) if cases else zero


def usage_rows(tables: TABLES, config: Config, window: Window) -> ir.Table:
    u = tables["usage"]
    u = u.filter(window.contains(u.period_start))
    allowance = u.allowance.cast("float64").coalesce(number(0))
    excess = ibis.greatest(u.quantity.cast("float64") - allowance, number(0))
    unit = money(u.unit_cost).coalesce(configured_unit_cost(u.metric, config))
    rows = u.select(customer_id=u.customer_id, service_id=u.service_id,
                    period_start=u.period_start, metric=u.metric, quantity=u.quantity,
                    allowance=u.allowance, excess=excess, unit_cost=unit,
                    month=month(u.period_start),
                    cost=money((money(excess.round(4)) * unit).round(2)))
    return rows


def usage_by_customer(tables: TABLES, config: Config, window: Window) -> ir.Table:
    rows = usage_rows(tables, config, window)
    return rows.group_by("customer_id").aggregate(usage_cost=rows.cost.sum())


# -- usage against plan peers (the customer page) ---------------------------------------
def plan_usage_rows(tables: TABLES, config: Config, window: Window) -> ir.Table:
    """Per plan (customers.plan, the scorecard's plan), customer and metric: the distinct
    usage periods starting in the window (a customer's services share a period) and their
    total quantity. Customers without a plan are left out: they have no peers."""
    rows = usage_rows(tables, config, window)
    cust = tables["customers"]
    plans = cust.filter(cust.plan.notnull()).select(_cid=cust.customer_id, plan=cust.plan)
    j = rows.join(plans, rows.customer_id == plans._cid)
    return j.group_by(["plan", "customer_id", "metric"]).aggregate(
        periods=j.period_start.nunique(), quantity=j.quantity.cast("float64").sum())


def continuous_quantile(ordered: list[float], q: float, skip: int | None = None
                        ) -> float | None:
    """The q-quantile of sorted values by linear interpolation between the closest ranks
    (DuckDB's ``quantile_cont``, numpy's default), leaving out the value at index
    ``skip`` when given; None for no values."""
    n = len(ordered) - (skip is not None)
    if n <= 0:
        return None

    def at(rank: int) -> float:
        return ordered[rank if skip is None or rank < skip else rank + 1]

    pos = q * (n - 1)
    lo = int(pos)
    hi = min(lo + 1, n - 1)
    return at(lo) + (at(hi) - at(lo)) * (pos - lo)


@dataclass(frozen=True)
class PeerUsage:
    """One metric of one customer against the other customers on its plan. Usage is
    compared per usage period (quantity in the window / periods in the window), so a
    customer who joined mid-window is not compared on a shorter total. ``peers``: other
    customers on the plan with that metric in the window (0: nobody to compare with, and
    no median is made up)."""

    metric: str
    quantity: float | None  # this customer's total in the window; None: no usage recorded
    periods: int
    per_period: float | None
    peers: int
    peer_median: float | None
    peer_p90: float | None

    @property
    def times_median(self) -> float | None:
        if self.per_period is None or not self.peer_median:
            return None
        return self.per_period / self.peer_median


@dataclass(frozen=True)
class PlanUsage:
    """Usage per period of every customer on one plan, by metric (read once, then any
    customer of the plan is compared without another query)."""

    plan: str
    # metric → customer id → (total quantity, periods)
    by_metric: dict[str, dict[str, tuple[float, int]]] = field(default_factory=dict)

    @classmethod
    def collect(cls, tables: TABLES, config: Config, window: Window) -> dict[str, PlanUsage]:
        """Every plan's usage, in one read."""
        plans: dict[str, dict[str, dict[str, tuple[float, int]]]] = {}
        for r in plan_usage_rows(tables, config, window).to_pyarrow().to_pylist():
            plans.setdefault(str(r["plan"]), {}).setdefault(str(r["metric"]), {})[
                str(r["customer_id"])] = (float(r["quantity"] or 0.0), int(r["periods"]))
        return {plan: cls(plan, by_metric) for plan, by_metric in plans.items()}

    def __post_init__(self) -> None:
        # each metric's usage per period of every customer on the plan, sorted once
        object.__setattr__(self, "_ordered", {
            metric: sorted(q / n for q, n in rows.values() if n)
            for metric, rows in self.by_metric.items()})

    def against_peers(self, customer_id: str) -> list[PeerUsage]:
        """Each metric used on the plan: this customer's usage per period, and the median
        and 90th percentile of the other customers' (continuous quantiles)."""
        out = []
        ordered: dict[str, list[float]] = self._ordered  # type: ignore[attr-defined]
        for metric in sorted(self.by_metric):
            values = ordered[metric]
            mine = self.by_metric[metric].get(customer_id)
            per_period = mine[0] / mine[1] if mine and mine[1] else None
            # leave this customer's own value out: one occurrence of it
            skip = bisect.bisect_left(values, per_period) if per_period is not None else None
            peers = len(values) - (skip is not None)
            out.append(PeerUsage(
                metric, mine[0] if mine else None, mine[1] if mine else 0, per_period, peers,
                continuous_quantile(values, 0.5, skip), continuous_quantile(values, 0.9, skip)))
        return out
