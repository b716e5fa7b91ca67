"""One scoring run (computed, or read back from its snapshot)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from goodfit.errors import UnknownCustomer
from goodfit.metrics.common import require_customer
from goodfit.scoring.explanation import Explanation, Lookup, describe_rows
from goodfit.scoring.fit import COMPONENTS
from goodfit.scoring.history import SnapshotInfo
from goodfit.scoring.inputs import ScoringInputs, money
from goodfit.scoring.score import ScoreResult

__all__ = ["Explanation", "ScoringRun", "describe_rows"]


@dataclass
class ScoringRun:
    result: ScoreResult
    scorecard: pd.DataFrame
    as_of: datetime
    since: datetime
    until: datetime
    inputs: ScoringInputs
    # the warehouse's plain-SQL lookup of the rows evidence cites (Warehouse.lookup)
    lookup: Lookup
    snapshot: SnapshotInfo | None = None  # the stored run this is (None: not stored)

    def explain(self, customer_id: str) -> Explanation:
        scores = self.result.scores
        hit = scores[scores["customer_id"] == customer_id]
        if hit.empty:
            require_customer(self.inputs.tables["customers"], customer_id)
            raise UnknownCustomer(customer_id, list(scores["customer_id"]))  # not scored
        row = hit.iloc[0]
        card = self.scorecard[self.scorecard["customer_id"].astype(str) == customer_id]
        figures = card.iloc[0].to_dict() if len(card) else {}
        flags = self.result.flags_of(customer_id)
        comps = {c: (None if row[c] is None or pd.isna(row[c]) else money(row[c]))
                 for c in COMPONENTS}
        return Explanation(customer_id, row["name"], float(row["score"]), str(row["segment"]),
                           str(row["reason"]), comps, flags, figures,
                           describe_rows(self.lookup,
                                         (e for f in flags for e in f.evidence)),
                           self.snapshot, float(row.get("score_out_of", 100.0) or 0.0),
                           str(row.get("missing") or ""),
                           self.result.gates.get(customer_id, ()))
