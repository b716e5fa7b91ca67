"""A stored scoring run read back from its snapshot: what every read command shows.

``goodfit score`` computes and stores; ``explain``, ``risk``, ``report``, ``rewards plan`` and
``educate plan`` read the newest stored run (or the one named) through ``load_run``, so
which read ran last can never change an answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from goodfit.errors import NoScoringRun, UnknownCustomer, UnknownSnapshot
from goodfit.scoring.evidence import EvidenceRef, Flag, Severity
from goodfit.scoring.explanation import Explanation, Lookup, describe_rows
from goodfit.scoring.history import SnapshotInfo, _info
from goodfit.state.db import StateDB
from goodfit.state.snapshots import ScoreSnapshot, SnapshotCustomer, SnapshotFlag
from goodfit.window import Window

if TYPE_CHECKING:  # a whole run needs pandas and the scoring code; one explanation not
    import ibis.expr.datatypes as dt

    from goodfit.scoring.explain import ScoringRun
    from goodfit.scoring.inputs import ScoringInputs

# Builds the (lazy, unexecuted) scoring inputs for a window: the stored run's evidence
# rows are looked up in the same tables the run was computed from.
InputsFor = Callable[[Window], "ScoringInputs"]


def _restore(value: Any, dtype: dt.DataType) -> Any:
    """A snapshot keeps money as strings and times as ISO text: give them their types back."""
    if value is None:
        return None
    import pandas as pd

    if dtype.is_decimal():
        return Decimal(str(value))
    if dtype.is_timestamp() or dtype.is_date():
        return pd.Timestamp(value)
    return value


def _scorecard(rows: list[SnapshotCustomer], schema: Any) -> Any:
    import pandas as pd

    names = list(schema.names)
    records = [{n: _restore(r.scorecard.get(n), schema[n]) for n in names} for r in rows
               if r.scorecard]
    return pd.DataFrame(records, columns=names)


def _flag(f: SnapshotFlag) -> Flag:
    return Flag(f.customer_id, f.code, Severity(f.severity),
                tuple(EvidenceRef.from_dict(e) for e in f.evidence), f.detail)


def load_explanation(state: StateDB, lookup: Lookup, customer_id: str,
                     snapshot_id: int | None = None) -> Explanation:
    """One customer of a stored run, read straight from the snapshot: its figures as the
    snapshot keeps them (money as exact text) and the cited rows described by ``lookup``.
    Nothing is recomputed, so it answers in the time of a few small queries."""
    with state.session() as s:
        info = _snapshot_info(s, snapshot_id)
        row = s.get(SnapshotCustomer, (info.id, customer_id))
        if row is None:
            known = list(s.scalars(select(SnapshotCustomer.customer_id)
                                   .where(SnapshotCustomer.snapshot_id == info.id)))
            raise UnknownCustomer(customer_id, known)
        flags = [_flag(f) for f in s.scalars(
            select(SnapshotFlag).where((SnapshotFlag.snapshot_id == info.id)
                                       & (SnapshotFlag.customer_id == customer_id))
            .order_by(SnapshotFlag.id))]
        stored = dict(row.components)
        components = {c: (None if v is None else float(v)) for c, v in stored.items()
                      if not c.startswith("_")}
        figures = dict(row.scorecard)
        name, score, segment, reason = row.name, row.score, row.segment, row.reason
    from goodfit.scoring.reward_rule import RuleResult

    rows = describe_rows(lookup, (e for f in flags for e in f.evidence))
    return Explanation(customer_id, name, float(score), segment, reason, components, flags,
                       figures, rows, info, float(stored.get("_score_out_of") or 100.0),
                       str(stored.get("_missing") or ""),
                       tuple(RuleResult(**g) for g in stored.get("_reward_gates") or []))


def _snapshot_info(s: Any, snapshot_id: int | None) -> SnapshotInfo:
    """The named snapshot, or the newest; a clear error when there is none."""
    if snapshot_id is None:
        snapshot_id = s.scalar(select(ScoreSnapshot.id).order_by(ScoreSnapshot.id.desc())
                               .limit(1))
        if snapshot_id is None:
            raise NoScoringRun()
    snap = s.get(ScoreSnapshot, snapshot_id)
    if snap is None:
        raise UnknownSnapshot(snapshot_id, list(s.scalars(select(ScoreSnapshot.id))))
    return _info(snap)


def load_run(state: StateDB, inputs_for: InputsFor, snapshot_id: int | None = None
             ) -> ScoringRun:
    """The stored run of ``snapshot_id`` (default: the newest), every customer."""
    import pandas as pd

    from goodfit.scoring.explain import ScoringRun
    from goodfit.scoring.fit import COMPONENTS
    from goodfit.scoring.reward_rule import RewardFacts, RuleResult
    from goodfit.scoring.score import FIT_SCHEMA, ScoreResult

    with state.session() as s:
        info = _snapshot_info(s, snapshot_id)
        snapshot_id = info.id
        rows_q = select(SnapshotCustomer).where(SnapshotCustomer.snapshot_id == snapshot_id)
        flags_q = select(SnapshotFlag).where(SnapshotFlag.snapshot_id == snapshot_id)
        rows = list(s.scalars(rows_q.order_by(SnapshotCustomer.customer_id)))
        flags = [_flag(f) for f in s.scalars(flags_q.order_by(SnapshotFlag.id))]
    window = Window(as_of=info.as_of, since=info.since, until=info.until)
    inputs = inputs_for(window)
    codes: dict[str, list[str]] = {}
    for f in flags:
        codes.setdefault(f.customer_id, []).append(f.code)
    scores = pd.DataFrame([{"customer_id": r.customer_id, "name": r.name, "score": r.score,
                            "segment": r.segment, "reason": r.reason,
                            **{c: _component(r.components.get(c)) for c in COMPONENTS},
                            "flag_codes": ",".join(codes.get(r.customer_id, [])),
                            "score_out_of": r.components.get("_score_out_of", 100.0),
                            "missing": r.components.get("_missing") or "",
                            "reward_facts": r.components.get("_reward_facts"),
                            "as_of": info.as_of, "since": info.since, "until": info.until}
                           for r in rows], columns=FIT_SCHEMA.names)
    facts = {r.customer_id: RewardFacts.from_dict(json.loads(r.components["_reward_facts"]))
             for r in rows if r.components.get("_reward_facts")}
    stored_gates = {r.customer_id: tuple(RuleResult(**g) for g in
                                         r.components.get("_reward_gates") or [])
                    for r in rows}
    card = _scorecard(rows, inputs.scorecard.schema())
    return ScoringRun(ScoreResult(flags, scores, facts, stored_gates), card, info.as_of,
                      info.since, info.until, inputs, snapshot=info)


def _component(value: Any) -> float | None:
    return None if value is None else float(value)

