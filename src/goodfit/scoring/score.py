"""Score every customer: flags, fit components, segment and reason, in one table."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from goodfit.config import Config
from goodfit.scoring.evidence import Flag, flags_to_arrow
from goodfit.scoring.fit import COMPONENTS, components, payment_stats
from goodfit.scoring.flags import compute_flags
from goodfit.scoring.flags_support import answerable_share, answerable_tickets
from goodfit.scoring.inputs import ScoringInputs, frame, money
from goodfit.scoring.segments import load_from_row, segment

FIT_SCHEMA = pa.schema(
    [("customer_id", pa.string()), ("name", pa.string()), ("score", pa.float64()),
     ("segment", pa.string()), ("reason", pa.string())]
    + [(c, pa.float64()) for c in COMPONENTS]
    + [("flag_codes", pa.string())])


@dataclass
class ScoreResult:
    flags: list[Flag]
    scores: pd.DataFrame  # the fit_scores table

    def flags_table(self) -> pa.Table:
        return flags_to_arrow(self.flags)

    def scores_table(self) -> pa.Table:
        return pa.Table.from_pandas(self.scores[FIT_SCHEMA.names], schema=FIT_SCHEMA,
                                    preserve_index=False)

    def flags_of(self, customer_id: str) -> list[Flag]:
        return [f for f in self.flags if f.customer_id == customer_id]


def score_customers(inp: ScoringInputs, config: Config,
                    monthly: pd.DataFrame | None = None) -> ScoreResult:
    flags = compute_flags(inp, config, monthly)
    by_customer: dict[str, list[Flag]] = {}
    for f in flags:
        by_customer.setdefault(f.customer_id, []).append(f)
    card = frame(inp.scorecard)
    pays = payment_stats(inp.in_window("payments", "at"))
    o = inp.orders()
    counts = frame(o.group_by("customer_id").aggregate(
        manual=o.manual.sum(),
        custom=o.custom.fill_null(False).sum())).set_index("customer_id")
    c = inp.tables["customers"]
    cancelled = set(frame(c.filter(c.status == "cancelled").select("customer_id"))["customer_id"]
                    .astype(str))
    share = answerable_share(answerable_tickets(inp, config.flags.hand_holding))
    rows = []
    for row in card.to_dict("records"):
        cid = str(row["customer_id"])
        mine = by_customer.get(cid, [])
        comp = components(row, mine, pays[cid], config.fit)
        total = round(sum(comp.values()), 1)
        manual = int(counts["manual"].get(cid, 0)) if len(counts) else 0
        custom = int(counts["custom"].get(cid, 0)) if len(counts) else 0
        load = load_from_row(row, manual, custom, float(share.get(cid, 0.0)))
        seg, reason = segment(load, total, money(row.get("tenure_months")),
                              money(row.get("tickets_per_month")), mine, config.segments,
                              cancelled=cid in cancelled, fees=config.fees)
        rows.append({"customer_id": cid, "name": row.get("name"), "score": total,
                     "segment": seg, "reason": reason, **comp,
                     "flag_codes": ",".join(f.code for f in mine)})
    scores = pd.DataFrame(rows, columns=FIT_SCHEMA.names)
    return ScoreResult(flags, scores)
