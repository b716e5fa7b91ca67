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
        components = {c: (None if v is None else float(v))
                      for c, v in dict(row.components).items()}
        figures = dict(row.scorecard)
        out_of, missing, gates = row.score_out_of, row.missing, row.reward_gates
        name, score, segment, reason = row.name, row.score, row.segment, row.reason
    from goodfit.scoring.reward_rule import RuleResult

    rows = describe_rows(lookup, (e for f in flags for e in f.evidence))
    return Explanation(customer_id, name, float(score), segment, reason, components, flags,
                       figures, rows, info, 100.0 if out_of is None else float(out_of),
                       str(missing or ""), tuple(RuleResult(**g) for g in gates or []))


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


def load_run(state: StateDB, inputs_for: InputsFor, lookup: Lookup,
             snapshot_id: int | None = None) -> ScoringRun:
    """The stored run of ``snapshot_id`` (default: the newest), every customer.

    The snapshot's rows are read as plain tuples a batch at a time and go straight into
    columns: holding every row as an ORM object with its decoded JSON, then as a dict per
    customer, was most of the report's peak memory at 100k customers."""
    import pandas as pd

    from goodfit.scoring.explain import ScoringRun
    from goodfit.scoring.fit import COMPONENTS
    from goodfit.scoring.reward_rule import RewardFacts, RuleResult
    from goodfit.scoring.score import FIT_SCHEMA, ScoreResult

    with state.session() as s:
        info = _snapshot_info(s, snapshot_id)
        snapshot_id = info.id
        sf = SnapshotFlag
        flags = [Flag(cid, code, Severity(severity),
                      tuple(EvidenceRef.from_dict(e) for e in evidence), detail)
                 for cid, code, severity, evidence, detail in s.execute(
                     select(sf.customer_id, sf.code, sf.severity, sf.evidence, sf.detail)
                     .where(sf.snapshot_id == snapshot_id).order_by(sf.id)
                     .execution_options(yield_per=2000))]
    window = Window(as_of=info.as_of, since=info.since, until=info.until)
    inputs = inputs_for(window)
    schema = inputs.scorecard.schema()
    card_names = list(schema.names)
    card_types = [schema[n] for n in card_names]
    codes: dict[str, list[str]] = {}
    for f in flags:
        codes.setdefault(f.customer_id, []).append(f.code)
    with state.session() as s:  # a stored snapshot never changes: a second read is safe
        c = SnapshotCustomer
        rows_q = (select(c.customer_id, c.name, c.score, c.segment, c.reason, c.components,
                         c.score_out_of, c.missing, c.reward_facts, c.reward_gates,
                         c.scorecard)
                  .where(c.snapshot_id == snapshot_id).order_by(c.customer_id)
                  .execution_options(yield_per=2000))
        fixed = {"as_of": info.as_of, "since": info.since, "until": info.until}
        score_cols: dict[str, list[Any]] = {n: [] for n in FIT_SCHEMA.names if n not in fixed}
        card_cols: list[list[Any]] = [[] for _ in card_names]
        facts: dict[str, RewardFacts] = {}
        stored_gates: dict[str, tuple[RuleResult, ...]] = {}
        for (cid, name, score, segment, reason, components, out_of, missing, reward_facts,
             gates, figures) in s.execute(rows_q):
            for col, value in (("customer_id", cid), ("name", name), ("score", score),
                               ("segment", segment), ("reason", reason)):
                score_cols[col].append(value)
            for comp in COMPONENTS:
                score_cols[comp].append(_component(components.get(comp)))
            score_cols["flag_codes"].append(",".join(codes.get(cid, [])))
            score_cols["score_out_of"].append(100.0 if out_of is None else out_of)
            score_cols["missing"].append(missing or "")
            score_cols["reward_facts"].append(None if reward_facts is None
                                              else json.dumps(reward_facts))
            if reward_facts:
                facts[cid] = RewardFacts.from_dict(reward_facts)
            stored_gates[cid] = tuple(RuleResult(**g) for g in gates or [])
            if figures:
                for values, n, dtype in zip(card_cols, card_names, card_types, strict=True):
                    values.append(_restore(figures.get(n), dtype))
    n = len(score_cols["customer_id"])
    scores = pd.DataFrame({name: score_cols[name] if name in score_cols else [fixed[name]] * n
                           for name in FIT_SCHEMA.names}, columns=FIT_SCHEMA.names)
    card = pd.DataFrame(dict(zip(card_names, card_cols, strict=True)), columns=card_names)
    return ScoringRun(ScoreResult(flags, scores, facts, stored_gates), card, info.as_of,
                      info.since, info.until, inputs, lookup, snapshot=info)


def _component(value: Any) -> float | None:
    return None if value is None else float(value)

