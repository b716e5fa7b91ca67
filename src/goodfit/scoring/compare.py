"""Period comparison: this quarter against the last one and the same quarter a year ago.

Quarters are calendar quarters, half-open ``[start, end)``. "This" quarter is the one
holding the as-of moment, up to as-of; the quarter before and the same quarter a year
earlier are compared over the same span (from their start, as many days as "this" has;
as-of at a quarter's first moment makes the quarter before "this", whole),
so a quarter in progress is never set against a whole one. Each period is scored in
memory (nothing is written). Per customer and in total: cost to serve, profit, tickets,
support minutes, flags gained and lost, segment; movers sorted by the size of the profit
change, largest first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from goodfit.config import Config
from goodfit.scoring.inputs import ScoringInputs, money, scorecard_computed
from goodfit.scoring.score import score_customers
from goodfit.window import Window


def quarter_start(moment: datetime) -> datetime:
    return datetime(moment.year, 3 * ((moment.month - 1) // 3) + 1, 1)


def shift_quarters(start: datetime, quarters: int) -> datetime:
    total = start.year * 12 + (start.month - 1) + 3 * quarters
    return datetime(total // 12, total % 12 + 1, 1)


def periods(as_of: datetime) -> dict[str, Window]:
    """``this``, ``last`` and ``year_ago`` windows of the same length."""
    start = quarter_start(as_of)
    if as_of == start:  # as-of exactly at a quarter start: "this" is the quarter before
        start = shift_quarters(start, -1)
    span = as_of - start
    out = {"this": Window(as_of=as_of, since=start, until=as_of)}
    for name, q in (("last", -1), ("year_ago", -4)):
        s = shift_quarters(start, q)
        out[name] = Window(as_of=s + span, since=s, until=s + span)
    return out


@dataclass(frozen=True)
class Figures:
    cost: float
    profit: float
    tickets: int
    minutes: float
    flags: frozenset[str]
    segment: str


@dataclass
class Change:
    customer_id: str
    name: str | None
    now: Figures
    before: Figures | None

    def delta(self, key: str) -> float:
        if self.before is None:
            return float(getattr(self.now, key))
        return float(getattr(self.now, key)) - float(getattr(self.before, key))

    def to_dict(self) -> dict[str, Any]:
        b = self.before
        return {"customer_id": self.customer_id, "name": self.name,
                **{f"{k}_change": round(self.delta(k), 2)
                   for k in ("cost", "profit", "tickets", "minutes")},
                "segment": self.now.segment, "segment_before": b.segment if b else None,
                "flags_gained": sorted(self.now.flags - (b.flags if b else frozenset())),
                "flags_lost": sorted((b.flags if b else frozenset()) - self.now.flags)}


@dataclass
class Comparison:
    windows: dict[str, Window]
    against: dict[str, list[Change]] = field(default_factory=dict)  # "last", "year_ago"
    totals: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"windows": {k: w.to_dict() for k, w in self.windows.items()},
                "totals": self.totals,
                **{k: [c.to_dict() for c in v] for k, v in self.against.items()}}


def _figures(inp: ScoringInputs, config: Config) -> dict[str, tuple[str | None, Figures]]:
    with scorecard_computed(inp) as computed:
        res = score_customers(computed, config, as_of=inp.until)
        card = {str(r["customer_id"]): r
                for r in computed.scorecard.to_pandas().to_dict("records")}
    out = {}
    for r in res.scores.to_dict("records"):
        cid = str(r["customer_id"])
        c = card.get(cid, {})
        out[cid] = (r.get("name"), Figures(
            money(c.get("cost_to_serve")), money(c.get("profit")), int(c.get("tickets") or 0),
            money(c.get("support_minutes")),
            frozenset(x for x in str(r["flag_codes"] or "").split(",") if x), str(r["segment"])))
    return out


def compare(inputs_for: Callable[[Window], ScoringInputs], config: Config,
            as_of: datetime) -> Comparison:
    windows = periods(as_of)
    figs = {k: _figures(inputs_for(w), config) for k, w in windows.items()}
    cmp = Comparison(windows)
    keys = ("cost", "profit", "tickets", "minutes")
    cmp.totals["this"] = {k: round(sum(float(getattr(f, k)) for _, f in figs["this"].values()),
                                   2) for k in keys}
    for other in ("last", "year_ago"):
        changes = [Change(cid, name, now, figs[other].get(cid, (None, None))[1])
                   for cid, (name, now) in figs["this"].items()]
        changes.sort(key=lambda c: (-abs(c.delta("profit")), c.customer_id))
        cmp.against[other] = changes
        cmp.totals[other] = {k: round(sum(float(getattr(f, k))
                                          for _, f in figs[other].values()), 2) for k in keys}
    return cmp
