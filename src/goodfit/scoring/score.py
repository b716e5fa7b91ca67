"""Score every customer: flags, fit components, segment and reason, in one table."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd
import pyarrow as pa

from goodfit.config import Config
from goodfit.scoring.coverage import COMPONENT_NEEDS, VERDICT_NEEDS, Coverage, coverage
from goodfit.scoring.evidence import Flag, flags_to_arrow
from goodfit.scoring.fit import COMPONENTS, components, payment_stats, total
from goodfit.scoring.flags import compute_flags
from goodfit.scoring.flags_support import answerable_share, answerable_tickets
from goodfit.scoring.inputs import ScoringInputs, frame
from goodfit.scoring.reward_rule import RewardFacts, RuleResult, gates, reward_facts
from goodfit.scoring.segments import load_from_row, segment

FIT_SCHEMA = pa.schema(
    [("customer_id", pa.string()), ("name", pa.string()), ("score", pa.float64()),
     ("segment", pa.string()), ("reason", pa.string())]
    + [(c, pa.float64()) for c in COMPONENTS]
    + [("flag_codes", pa.string()),
       # the known components' weights (the score is out of this), the facts missing
       ("score_out_of", pa.float64()), ("missing", pa.string()),
       # the one reward rule's facts (JSON, scoring/reward_rule.py) and the run's window
       ("reward_facts", pa.string()), ("as_of", pa.timestamp("us")),
       ("since", pa.timestamp("us")), ("until", pa.timestamp("us"))])


@dataclass
class ScoreResult:
    flags: list[Flag]
    scores: pd.DataFrame  # the fit_scores table
    facts: dict[str, RewardFacts] = field(default_factory=dict)
    gates: dict[str, tuple[RuleResult, ...]] = field(default_factory=dict)  # as scored
    coverage: Coverage = field(default_factory=Coverage.full)

    def flags_table(self) -> pa.Table:
        return flags_to_arrow(self.flags)

    def scores_table(self) -> pa.Table:
        return pa.Table.from_pandas(self.scores[FIT_SCHEMA.names], schema=FIT_SCHEMA,
                                    preserve_index=False)

    def flags_of(self, customer_id: str) -> list[Flag]:
        return [f for f in self.flags if f.customer_id == customer_id]


def score_customers(inp: ScoringInputs, config: Config,
                    monthly: pd.DataFrame | None = None, *,
                    as_of: datetime | None = None) -> ScoreResult:
    flags = compute_flags(inp, config, monthly)
    by_customer: dict[str, list[Flag]] = {}
    for f in flags:
        by_customer.setdefault(f.customer_id, []).append(f)
    cov = coverage(inp, config.segments.min_timed_ticket_share)
    card = frame(inp.scorecard)
    records = card.to_dict("records")
    pays = payment_stats(inp.in_window("payments", "at"))
    share = answerable_share(answerable_tickets(inp, config.flags.hand_holding))
    as_of = as_of or inp.until
    reward_missing = {str(r["customer_id"]): cov.words(str(r["customer_id"]),
                                                       VERDICT_NEEDS["reward"])
                      for r in records}
    facts = reward_facts(inp.tables, records,
                         {cid: {f.code for f in fl} for cid, fl in by_customer.items()},
                         reward_missing, config, as_of=as_of, since=inp.since, until=inp.until)
    weights = config.fit.weights
    currency = config.project.currency
    rows = []
    gate_results: dict[str, tuple[RuleResult, ...]] = {}
    for row in records:
        cid = str(row["customer_id"])
        mine = by_customer.get(cid, [])
        unknown = [k for k, needs in COMPONENT_NEEDS.items() if cov.missing(cid, needs)]
        comp = components(row, mine, pays[cid], config.fit, unknown)
        fact = facts[cid]
        load = load_from_row(row, fact.manual_orders, fact.custom_orders,
                             float(share.get(cid, 0.0)))
        gate_results[cid] = gates(fact, config.rewards, currency)
        seg, reason = segment(load, mine, config.segments,
                              reward_gates=gate_results[cid],
                              cost_missing=cov.words(cid, VERDICT_NEEDS["cost"]),
                              billing_missing=cov.words(cid, VERDICT_NEEDS["reprice_load"]),
                              fees=config.fees)
        missing = cov.words(cid, sorted({n for needs in (*COMPONENT_NEEDS.values(),
                                                          *VERDICT_NEEDS.values())
                                         for n in needs}))
        rows.append({"customer_id": cid, "name": row.get("name"), "score": total(comp),
                     "segment": seg, "reason": reason, **comp,
                     "flag_codes": ",".join(f.code for f in mine),
                     "score_out_of": sum(weights[k] for k in COMPONENTS if k not in unknown),
                     "missing": missing, "reward_facts": json.dumps(fact.to_dict()),
                     "as_of": as_of, "since": inp.since, "until": inp.until})
    scores = pd.DataFrame(rows, columns=FIT_SCHEMA.names)
    return ScoreResult(flags, scores, facts, gate_results, cov)
