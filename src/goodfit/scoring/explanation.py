"""The explanation of one customer's score: what ``goodfit explain`` shows.

Kept free of pandas and the scoring code, so reading one customer of a stored run loads
only the state DB and the few warehouse tables its evidence cites.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from goodfit.scoring.evidence import EvidenceRef, Flag

if TYPE_CHECKING:
    from goodfit.scoring.history import SnapshotInfo

# (table, key column, ids, columns) -> the rows: ``Warehouse.lookup`` (plain SQL, the ids
# bound, never in the query's text), for a stored run and a computed one alike.
Lookup = Callable[[str, str, list[str], list[str]], list[dict[str, Any]]]


@dataclass
class Explanation:
    customer_id: str
    name: str | None
    score: float
    segment: str
    reason: str
    components: dict[str, float | None]  # None: unknown (its data is missing)
    flags: list[Flag]
    figures: dict[str, Any]  # the customer's scorecard row
    # (kind, id) -> a short description of the row: ticket subject, invoice amount, …
    rows: dict[tuple[str, str], str] = field(default_factory=dict)
    snapshot: SnapshotInfo | None = None  # the stored run these figures come from
    score_out_of: float = 100.0  # the known components' weights
    missing: str = ""  # the facts missing for this customer, in words
    reward_gates: tuple[Any, ...] = ()  # RuleResult per gate of the one reward rule

    @property
    def unknown(self) -> list[str]:
        return [k for k, v in self.components.items() if v is None]

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
                "score_out_of": self.score_out_of, "unknown": self.unknown,
                "missing": self.missing,
                "reward_gates": [g.to_dict() for g in self.reward_gates],
                "flags": [{"code": f.code, "severity": f.severity.value, "detail": f.detail,
                           "evidence": [{**e.to_dict(), "row": self.rows.get((e.kind, e.id))}
                                        for e in f.evidence]} for f in self.flags],
                "figures": {k: (str(v) if not isinstance(v, (int, float, str, type(None)))
                                else v) for k, v in self.figures.items()}}


def describe_rows(lookup: Lookup, refs: Iterable[EvidenceRef]) -> dict[tuple[str, str], str]:
    """Look up the rows that evidence cites so a person can read them (only the tables
    that are cited are read)."""
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
        for r in lookup(table, key, ids, cols):
            parts = []
            for c in cols:
                v = r[c]
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    continue
                parts.append(v.strftime("%Y-%m-%d %H:%M") if isinstance(v, datetime) else str(v))
            out[(kind, str(r[key]))] = " · ".join(parts)
    return out
