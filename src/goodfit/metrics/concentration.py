"""Who carries the load: Lorenz curve, Gini, top sets and the knee.

Every customer counts, including those with zero load (they are part of the population).
The per-customer ranking and cumulative sums are Ibis window expressions; only the small
summaries (three aggregate queries) come back to Python.

* Gini = 2·Σ i·x_i / (n·Σ x) − (n + 1)/n over loads sorted ascending (i = 1..n);
  0 when every customer carries the same load (or nobody carries any).
* Top set for share p: the fewest customers, heaviest first, whose load reaches p of the
  total, with their share of revenue.
* Knee: on the concentration curve (customers heaviest first, cumulative load share
  against customer share) the point farthest above the diagonal (Kneedle's maximum
  difference); beyond it each extra customer adds less than an average customer's load.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import ibis
import ibis.expr.types as ir

# The one vocabulary of load, for `goodfit concentration --by`, the heavy_load flag and
# the report: name → scorecard column, and how to say it.
LOADS = {"tickets": "tickets", "minutes": "support_minutes", "cost": "cost_to_serve"}
LOAD_WORDS = {"tickets": "tickets", "minutes": "support minutes", "cost": "cost to serve"}
TOP_SHARES = (0.5, 0.8, 0.9)


@dataclass(frozen=True)
class TopSet:
    load_share: float  # the share of load asked for (0.5, 0.8, 0.9)
    customers: int  # fewest customers reaching it
    customer_share: float
    revenue_share: float  # their share of total revenue (0 when total revenue is 0)


@dataclass(frozen=True)
class Knee:
    customers: int
    customer_share: float
    load_share: float


@dataclass(frozen=True)
class Concentration:
    by: str
    customers: int
    total_load: float
    gini: float
    lorenz: list[tuple[float, float]]  # (customer share, load share), lightest first
    top: list[TopSet]
    knee: Knee
    leaders: list[dict[str, object]] = field(default_factory=list)  # heaviest customers

    def to_dict(self) -> dict[str, object]:
        return {"by": self.by, "customers": self.customers, "total_load": self.total_load,
                "gini": self.gini, "lorenz": [list(p) for p in self.lorenz],
                "top": [t.__dict__ for t in self.top], "knee": self.knee.__dict__,
                "leaders": self.leaders}


def ranked(card: ir.Table, by: str) -> ir.Table:
    """Customers heaviest first: rank (1 = heaviest), load, cumulative load, revenue."""
    if by not in LOADS:
        raise ValueError(f"by must be one of {', '.join(LOADS)}")
    t = card.select(customer_id=card.customer_id, name=card.name,
                    load=card[LOADS[by]].cast("float64").coalesce(0.0),
                    revenue=card.revenue.cast("float64").coalesce(0.0))
    heavy_first = ibis.window(order_by=[ibis.desc(t.load), t.customer_id], preceding=None,
                              following=0)
    return t.mutate(rank=ibis.row_number().over(heavy_first) + 1,
                    cum_load=t.load.sum().over(heavy_first))


def top_set(card: ir.Table, by: str, share: float) -> ir.Table:
    """The smallest set of customers, heaviest first, whose load reaches ``share`` of the
    total (ties broken by customer id): the customers whose heavier peers carry less than
    ``share``. Columns of :func:`ranked` plus ``total``. Empty when nobody carries load."""
    r = ranked(card, by)
    r = r.mutate(total=r.load.sum().over(ibis.window()))
    return r.filter((r.total > 0) & ((r.cum_load - r.load) < r.total * share))


def concentration(card: ir.Table, by: str = "tickets", points: int = 100,
                  leaders: int = 10) -> Concentration:
    r = ranked(card, by)
    totals = r.aggregate(n=r.count(), total=r.load.sum(), revenue=r.revenue.sum(),
                         rank_load=(r.rank.cast("float64") * r.load).sum()).to_pyarrow()
    n = int(totals["n"][0].as_py() or 0)
    total = float(totals["total"][0].as_py() or 0.0)
    revenue = float(totals["revenue"][0].as_py() or 0.0)
    if n == 0 or total <= 0:
        return Concentration(by, n, total, 0.0, [(0.0, 0.0), (1.0, 1.0)],
                             [TopSet(p, 0, 0.0, 0.0) for p in TOP_SHARES], Knee(0, 0.0, 0.0))
    # Σ i·x over ascending ranks, from descending ranks: i = n + 1 − rank.
    sum_ix = (n + 1) * total - float(totals["rank_load"][0].as_py())
    gini = min(max(2 * sum_ix / (n * total) - (n + 1) / n, 0.0), 1.0)

    before = r.cum_load - r.load  # load carried by heavier customers
    tops = r.aggregate(**{
        f"c{i}": ibis.ifelse(before < p * total, 1, 0).sum() for i, p in enumerate(TOP_SHARES)
    }, **{
        f"r{i}": ibis.ifelse(before < p * total, r.revenue, 0.0).sum()
        for i, p in enumerate(TOP_SHARES)
    }).to_pyarrow()
    top = []
    for i, p in enumerate(TOP_SHARES):
        k = int(tops[f"c{i}"][0].as_py() or 0)
        rev = float(tops[f"r{i}"][0].as_py() or 0.0)
        top.append(TopSet(p, k, k / n, rev / revenue if revenue else 0.0))

    # cum/total − rank/n, scaled by n·total so integer loads compare exactly (ties → fewer)
    gap = r.cum_load * n - r.rank.cast("float64") * total
    knee_row = r.mutate(gap=gap).order_by([ibis.desc("gap"), "rank"]).limit(1).to_pyarrow()
    k = int(knee_row["rank"][0].as_py())
    knee = Knee(k, k / n, float(knee_row["cum_load"][0].as_py()) / total)

    # Lorenz points, lightest first: after the j lightest customers the load carried is
    # total − cum_load of the (n − j) heaviest, i.e. at rank n − j + 1 minus its own load.
    step = max(1, math.ceil(n / points))
    marks = r.filter(((n - r.rank) % step == 0) | (r.rank == 1)).select(
        "rank", "cum_load", "load").order_by(ibis.desc("rank")).to_pyarrow()
    lorenz = [(0.0, 0.0)]
    for rank, cum, load in zip(marks["rank"].to_pylist(), marks["cum_load"].to_pylist(),
                               marks["load"].to_pylist(), strict=True):
        lighter = n - rank + 1  # customers up to and including this one, lightest first
        carried = total - (cum - load)
        lorenz.append((lighter / n, min(carried / total, 1.0)))
    top_rows = r.order_by("rank").limit(leaders).to_pyarrow().to_pylist()
    lead = [{"rank": row["rank"], "customer_id": row["customer_id"], "name": row["name"],
             "load": row["load"], "load_share": row["load"] / total,
             "revenue_share": row["revenue"] / revenue if revenue else 0.0}
            for row in top_rows]
    return Concentration(by, n, total, gini, lorenz, top, knee, lead)
