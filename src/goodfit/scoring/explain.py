"""One scoring run and the explanation of one customer's score."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd

from goodfit.errors import UnknownCustomer
from goodfit.scoring.evidence import EvidenceRef, Flag
from goodfit.scoring.fit import COMPONENTS
from goodfit.scoring.history import SnapshotInfo
from goodfit.scoring.inputs import ScoringInputs, frame, money
from goodfit.scoring.score import ScoreResult


@dataclass
class Explanation:
    customer_id: str
    name: str | None
    score: float
    segment: str
    reason: str
    components: dict[str, float]
    flags: list[Flag]
    figures: dict[str, Any]  # the customer's scorecard row
    # (kind, id) -> a short description of the row: ticket subject, invoice amount, …
    rows: dict[tuple[str, str], str] = field(default_factory=dict)
    snapshot: SnapshotInfo | None = None  # the stored run these figures come from

    def to_dict(self) -> dict[str, Any]:
        run = self.snapshot
        return {"snapshot": None if run is None else {
                    "id": run.id, "created_at": run.created_at.isoformat(sep=" "),
                    "config_hash": run.config_hash},
                "window": None if run is None else {
                    "as_of": run.as_of.isoformat(sep=" "), "since": run.since.isoformat(sep=" "),
                    "until": run.until.isoformat(sep=" ")},
                "customer_id": self.customer_id, "name": self.name, "score": self.score,
                "segment": self.segment, "reason": self.reason, "components": self.components,
                "flags": [{"code": f.code, "severity": f.severity.value, "detail": f.detail,
                           "evidence": [{**e.to_dict(), "row": self.rows.get((e.kind, e.id))}
                                        for e in f.evidence]} for f in self.flags],
                "figures": {k: (str(v) if not isinstance(v, (int, float, str, type(None)))
                                else v) for k, v in self.figures.items()}}


def describe_rows(inp: ScoringInputs, refs: Iterable[EvidenceRef]) -> dict[tuple[str, str], str]:
    """Look up the rows that evidence cites so a person can read them."""
    wanted: dict[str, set[str]] = {}
    for e in refs:
        wanted.setdefault(e.kind, set()).add(e.id)
    out: dict[tuple[str, str], str] = {}
    specs = {"ticket": ("tickets", "ticket_id", ["opened_at", "priority", "subject"]),
             "invoice": ("invoices", "invoice_id", ["issued_at", "amount", "status"]),
             "payment": ("payments", "payment_id", ["at", "amount", "outcome"]),
             "order": ("orders", "order_id", ["placed_at", "channel", "custom"]),
             "message": ("messages", "message_id", ["sent_at", "author_role"])}
    for kind, (table, key, cols) in specs.items():
        ids = sorted(wanted.get(kind, ()))
        if not ids:
            continue
        t = inp.tables[table]
        for r in frame(t.filter(t[key].isin(ids)).select(key, *cols)).to_dict("records"):
            parts = []
            for c in cols:
                v = r[c]
                if v is None or (isinstance(v, float) and pd.isna(v)):
                    continue
                parts.append(pd.Timestamp(v).strftime("%Y-%m-%d %H:%M")
                             if isinstance(v, (datetime, pd.Timestamp)) else str(v))
            out[(kind, str(r[key]))] = " · ".join(parts)
    return out


@dataclass
class ScoringRun:
    result: ScoreResult
    scorecard: pd.DataFrame
    as_of: datetime
    since: datetime
    until: datetime
    inputs: ScoringInputs
    snapshot: SnapshotInfo | None = None  # the stored run this is (None: not stored)

    def explain(self, customer_id: str) -> Explanation:
        scores = self.result.scores
        hit = scores[scores["customer_id"] == customer_id]
        if hit.empty:
            raise UnknownCustomer(customer_id, list(scores["customer_id"]))
        row = hit.iloc[0]
        card = self.scorecard[self.scorecard["customer_id"].astype(str) == customer_id]
        figures = card.iloc[0].to_dict() if len(card) else {}
        flags = self.result.flags_of(customer_id)
        return Explanation(customer_id, row["name"], float(row["score"]), str(row["segment"]),
                           str(row["reason"]), {c: money(row[c]) for c in COMPONENTS}, flags,
                           figures,
                           describe_rows(self.inputs, (e for f in flags for e in f.evidence)),
                           self.snapshot)
