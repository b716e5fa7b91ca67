"""Save score snapshots to the state DB, list them, and compare two: who moved and why."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select

from goodfit.errors import UnknownSnapshot
from goodfit.state.db import StateDB
from goodfit.state.snapshots import ScoreSnapshot, SnapshotCustomer, SnapshotFlag, indexed_fields

if TYPE_CHECKING:  # reading snapshots needs neither pandas nor the scoring code
    import pandas as pd

    from goodfit.scoring.score import ScoreResult


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    created_at: datetime
    label: str | None
    config_hash: str
    as_of: datetime
    since: datetime
    until: datetime
    customers: int
    segments: dict[str, int]


@dataclass(frozen=True)
class Move:
    customer_id: str
    name: str | None
    segment_a: str | None  # None: not in snapshot A
    segment_b: str | None
    score_a: float | None
    score_b: float | None
    flags_added: tuple[str, ...]
    flags_removed: tuple[str, ...]
    reason_b: str  # why it is where it is now

    @property
    def why(self) -> str:
        parts = []
        if self.flags_added:
            parts.append("new flags: " + ", ".join(self.flags_added))
        if self.flags_removed:
            parts.append("flags cleared: " + ", ".join(self.flags_removed))
        if self.score_a is not None and self.score_b is not None:
            parts.append(f"fit {self.score_a:.0f} → {self.score_b:.0f}")
        parts.append(self.reason_b)
        return "; ".join(parts)


@dataclass(frozen=True)
class SnapshotDiff:
    a: SnapshotInfo
    b: SnapshotInfo
    moves: list[Move] = field(default_factory=list)
    config_changed: bool = False


def _jsonable(value: Any) -> Any:
    import pandas as pd

    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, float):
        return None if pd.isna(value) else value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date, pd.Timestamp)):
        return value.isoformat()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def _points(value: Any) -> float | None:
    """A component's points; None when unknown (its data was missing)."""
    return None if value is None or value != value else float(value)  # NaN: unknown




def _info(s: ScoreSnapshot) -> SnapshotInfo:
    return SnapshotInfo(s.id, s.created_at, s.label, s.config_hash, s.as_of, s.since, s.until,
                        s.customers, dict(s.segments))


def save_snapshot(state: StateDB, scorecard: pd.DataFrame, result: ScoreResult, *,
                  config_hash: str, as_of: datetime, since: datetime, until: datetime,
                  label: str | None = None, countries: dict[str, str | None] | None = None
                  ) -> SnapshotInfo:
    """Store a scoring run. ``countries``: each customer's country from the customers
    table (kept with the row so the customers table can filter on it)."""
    from goodfit.scoring.fit import COMPONENTS

    cards = {str(r["customer_id"]): {k: _jsonable(v) for k, v in r.items()}
             for r in scorecard.to_dict("records")}
    scores = result.scores.to_dict("records")
    gate_rows = {cid: [g.to_dict() for g in gs] for cid, gs in result.gates.items()}
    with state.session() as s:
        snap = ScoreSnapshot(
            created_at=datetime.now(UTC).replace(tzinfo=None), label=label,
            config_hash=config_hash, as_of=as_of, since=since, until=until,
            customers=len(scores),
            segments=dict(Counter(str(r["segment"]) for r in scores)),
            country_stored=countries is not None)
        s.add(snap)
        s.flush()
        # Rows go in as one bulk INSERT each (executemany), not as ORM objects: the unit of
        # work took about 1.5 ms per row, a quarter of a scoring run at 5,000 customers.
        if scores:
            s.execute(insert(SnapshotCustomer), [dict(
                snapshot_id=snap.id,
                customer_id=str(r["customer_id"]), name=_jsonable(r.get("name")),
                score=float(r["score"]), segment=str(r["segment"]), reason=str(r["reason"]),
                components={c: _points(r[c]) for c in COMPONENTS},
                # coverage and the one reward rule's facts travel with the run, in columns
                score_out_of=_points(r.get("score_out_of")),
                missing=_jsonable(r.get("missing")),
                reward_facts=json.loads(r["reward_facts"]) if r.get("reward_facts") else None,
                reward_gates=gate_rows.get(str(r["customer_id"]), []),
                scorecard=cards.get(str(r["customer_id"]), {}),
                **indexed_fields(cards.get(str(r["customer_id"]), {}),
                                 (countries or {}).get(str(r["customer_id"]))))
                for r in scores])
        if result.flags:
            s.execute(insert(SnapshotFlag), [dict(
                snapshot_id=snap.id, customer_id=f.customer_id, code=f.code,
                severity=f.severity.value, detail=f.detail,
                evidence=json.loads(f.evidence_json())) for f in result.flags])
        return _info(snap)


def list_snapshots(state: StateDB) -> list[SnapshotInfo]:
    with state.session() as s:
        return [_info(x) for x in s.scalars(select(ScoreSnapshot).order_by(ScoreSnapshot.id))]


def _load(s: Any, snapshot_id: int, known: list[int]) -> ScoreSnapshot:
    snap = s.get(ScoreSnapshot, snapshot_id)
    if snap is None:
        raise UnknownSnapshot(snapshot_id, known)
    return snap  # type: ignore[no-any-return]


def snapshot_rows(state: StateDB, snapshot_id: int) -> tuple[SnapshotInfo, list[dict[str, Any]],
                                                             list[dict[str, Any]]]:
    """A snapshot's customers (score, segment, reason, components, scorecard) and flags."""
    with state.session() as s:
        known = list(s.scalars(select(ScoreSnapshot.id)))
        snap = _load(s, snapshot_id, known)
        rows = [{"customer_id": r.customer_id, "name": r.name, "score": r.score,
                 "segment": r.segment, "reason": r.reason, **r.components,
                 "scorecard": r.scorecard} for r in snap.rows]
        flags = [{"customer_id": f.customer_id, "code": f.code, "severity": f.severity,
                  "detail": f.detail, "evidence": f.evidence} for f in snap.flags]
        return _info(snap), rows, flags


def diff_snapshots(state: StateDB, a: int, b: int) -> SnapshotDiff:
    """Customers whose segment differs between snapshot a and b, with why."""
    info_a, rows_a, flags_a = snapshot_rows(state, a)
    info_b, rows_b, flags_b = snapshot_rows(state, b)
    by_a = {r["customer_id"]: r for r in rows_a}
    by_b = {r["customer_id"]: r for r in rows_b}

    def codes(flags: list[dict[str, Any]]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for f in flags:
            out.setdefault(f["customer_id"], set()).add(f["code"])
        return out

    ca, cb = codes(flags_a), codes(flags_b)
    moves = []
    for cid in sorted(set(by_a) | set(by_b)):
        ra, rb = by_a.get(cid), by_b.get(cid)
        seg_a = ra["segment"] if ra else None
        seg_b = rb["segment"] if rb else None
        if seg_a == seg_b:
            continue
        fa, fb = ca.get(cid, set()), cb.get(cid, set())
        moves.append(Move(
            cid, (rb or ra or {}).get("name"), seg_a, seg_b,
            ra["score"] if ra else None, rb["score"] if rb else None,
            tuple(sorted(fb - fa)), tuple(sorted(fa - fb)),
            rb["reason"] if rb else "no longer in the data"))
    return SnapshotDiff(info_a, info_b, moves, info_a.config_hash != info_b.config_hash)
