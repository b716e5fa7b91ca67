"""A stored scoring run read back from its snapshot: what every read command shows.

``goodfit score`` computes and stores; ``explain``, ``risk``, ``report``, ``rewards plan`` and
``educate plan`` read the newest stored run (or the one named) through ``load_run``, so
which read ran last can never change an answer.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import ibis.expr.datatypes as dt
import pandas as pd
from sqlalchemy import select

from goodfit.errors import NoScoringRun, UnknownCustomer, UnknownSnapshot
from goodfit.scoring.evidence import EvidenceRef, Flag, Severity
from goodfit.scoring.explain import ScoringRun
from goodfit.scoring.fit import COMPONENTS
from goodfit.scoring.history import SnapshotInfo, _info
from goodfit.scoring.inputs import ScoringInputs
from goodfit.scoring.score import FIT_SCHEMA, ScoreResult
from goodfit.state.db import StateDB
from goodfit.state.snapshots import ScoreSnapshot, SnapshotCustomer, SnapshotFlag
from goodfit.window import Window

# Builds the (lazy, unexecuted) scoring inputs for a window: the stored run's evidence
# rows are looked up in the same tables the run was computed from.
InputsFor = Callable[[Window], ScoringInputs]


def newest_snapshot_id(state: StateDB) -> int | None:
    with state.session() as s:
        return s.scalar(select(ScoreSnapshot.id).order_by(ScoreSnapshot.id.desc()).limit(1))


def _restore(value: Any, dtype: dt.DataType) -> Any:
    """A snapshot keeps money as strings and times as ISO text: give them their types back."""
    if value is None:
        return None
    if dtype.is_decimal():
        return Decimal(str(value))
    if dtype.is_timestamp() or dtype.is_date():
        return pd.Timestamp(value)
    return value


def _scorecard(rows: list[SnapshotCustomer], schema: Any) -> pd.DataFrame:
    names = list(schema.names)
    records = [{n: _restore(r.scorecard.get(n), schema[n]) for n in names} for r in rows
               if r.scorecard]
    return pd.DataFrame(records, columns=names)


def _flag(f: SnapshotFlag) -> Flag:
    return Flag(f.customer_id, f.code, Severity(f.severity),
                tuple(EvidenceRef.from_dict(e) for e in f.evidence), f.detail)


def load_run(state: StateDB, inputs_for: InputsFor, snapshot_id: int | None = None, *,
             customer_id: str | None = None) -> ScoringRun:
    """The stored run of ``snapshot_id`` (default: the newest), all customers or one."""
    with state.session() as s:
        if snapshot_id is None:
            snapshot_id = s.scalar(select(ScoreSnapshot.id).order_by(ScoreSnapshot.id.desc())
                                   .limit(1))
            if snapshot_id is None:
                raise NoScoringRun()
        snap = s.get(ScoreSnapshot, snapshot_id)
        if snap is None:
            raise UnknownSnapshot(snapshot_id, list(s.scalars(select(ScoreSnapshot.id))))
        info: SnapshotInfo = _info(snap)
        rows_q = select(SnapshotCustomer).where(SnapshotCustomer.snapshot_id == snapshot_id)
        flags_q = select(SnapshotFlag).where(SnapshotFlag.snapshot_id == snapshot_id)
        if customer_id is not None:
            rows_q = rows_q.where(SnapshotCustomer.customer_id == customer_id)
            flags_q = flags_q.where(SnapshotFlag.customer_id == customer_id)
        rows = list(s.scalars(rows_q.order_by(SnapshotCustomer.customer_id)))
        if customer_id is not None and not rows:
            known = list(s.scalars(select(SnapshotCustomer.customer_id)
                                   .where(SnapshotCustomer.snapshot_id == snapshot_id)))
            raise UnknownCustomer(customer_id, known)
        flags = [_flag(f) for f in s.scalars(flags_q.order_by(SnapshotFlag.id))]
    window = Window(as_of=info.as_of, since=info.since, until=info.until)
    inputs = inputs_for(window)
    codes: dict[str, list[str]] = {}
    for f in flags:
        codes.setdefault(f.customer_id, []).append(f.code)
    scores = pd.DataFrame([{"customer_id": r.customer_id, "name": r.name, "score": r.score,
                            "segment": r.segment, "reason": r.reason,
                            **{c: float(r.components.get(c, 0.0)) for c in COMPONENTS},
                            "flag_codes": ",".join(codes.get(r.customer_id, []))}
                           for r in rows], columns=FIT_SCHEMA.names)
    card = _scorecard(rows, inputs.scorecard.schema())
    return ScoringRun(ScoreResult(flags, scores), card, info.as_of, info.since, info.until,
                      inputs, snapshot=info)

