"""The tamper-evident audit log.

Every event (import, snapshot, approval, send, override, export, case transition) is
appended as one record::

    event       = {"seq", "at", "actor", "kind", "customer_id", "case_id", "data"}
    record_hash = sha256(prev_hash + canonical_json(event))    # hex; genesis prev = 64 × "0"

``canonical_json`` is JSON with sorted keys, no spaces, UTF-8. ``seq`` counts from 1 with
no gaps and is inside the hashed event, so editing, deleting, inserting or reordering
records breaks the chain; ``verify`` names the first record that does not match.

A chain rewritten from the start with recomputed hashes, cut off at the end, emptied, or
with forged records appended still links up. An *anchor* catches these: ``anchor``
appends the head (sequence, hash, time) as one JSON line to a file (``[actions]
anchor_file``; goodfit does so after every send and every draw — keep a copy elsewhere),
and ``verify(anchors=…)`` checks that every anchored record is still there with the same
hash, and that no record follows the newest anchor (appended after it: not vouched for).

Erasure (``goodfit erase``) redacts payloads, never hashes: a redacted record keeps its
seq, time, actor, kind, case, ``prev_hash`` and ``record_hash``; its ``customer_id``
becomes null and its data ``{"redacted": true}``. The erasure appends one ``redaction``
record whose data names every redacted seq with the ``record_hash`` it had. ``verify``
accepts a redacted record when a later, itself verified, redaction record names it with
exactly its hash; the links of the chain are checked as for every record. Editing a
record and calling it redacted therefore needs a new redaction record at the end — which
changes ``head()`` and names who made it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from goodfit.state.audit import AuditRow
from goodfit.state.db import StateDB

GENESIS = "0" * 64

# Kinds written by goodfit itself; other areas may add their own (a short snake_case word).
KINDS = ("import", "snapshot", "case_opened", "case_approved", "case_executed", "case_closed",
         "case_cancelled", "step_approved", "step_executed", "approval", "override", "send",
         "send_failed", "send_unknown", "send_confirmed", "export", "call_logged", "user_added",
         "changed_after_approval", "import_started", "import_completed", "import_failed",
         "redaction")
REDACTED: dict[str, Any] = {"redacted": True}


def now_iso() -> str:
    """Naive UTC, microseconds: the one timestamp format of the state DB."""
    return datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def record_hash(prev_hash: str, event: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(event)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    at: str
    actor: str | None
    kind: str
    customer_id: str | None
    case_id: int | None
    data: dict[str, Any]
    prev_hash: str
    record_hash: str

    def event(self) -> dict[str, Any]:
        return _event_of(self.seq, self.at, self.actor, self.kind, self.customer_id,
                         self.case_id, self.data)

    def to_dict(self) -> dict[str, Any]:
        return {**self.event(), "prev_hash": self.prev_hash, "record_hash": self.record_hash}


def _event_of(seq: int, at: str, actor: str | None, kind: str, customer_id: str | None,
              case_id: int | None, data: dict[str, Any]) -> dict[str, Any]:
    return {"seq": seq, "at": at, "actor": actor, "kind": kind, "customer_id": customer_id,
            "case_id": case_id, "data": data}


def _view(row: AuditRow) -> AuditEvent:
    return AuditEvent(row.seq, row.at, row.actor, row.kind, row.customer_id, row.case_id,
                      json.loads(row.data), row.prev_hash, row.record_hash)


def append_in(session: Session, kind: str, *, actor: str | None = None,
              customer_id: str | None = None, case_id: int | None = None,
              data: dict[str, Any] | None = None, at: str | None = None) -> AuditEvent:
    """Append inside the caller's transaction (commits or rolls back with it).

    Two writers racing for the same ``seq`` make one transaction fail on the primary
    key; ``append`` retries that case.
    """
    last = session.execute(
        select(AuditRow.seq, AuditRow.record_hash).order_by(AuditRow.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    payload = json.loads(canonical_json(data or {}))  # what is hashed is what reads back
    at = at or now_iso()
    h = record_hash(prev, _event_of(seq, at, actor, kind, customer_id, case_id, payload))
    session.add(AuditRow(seq=seq, at=at, actor=actor, kind=kind, customer_id=customer_id,
                         case_id=case_id, data=canonical_json(payload), prev_hash=prev,
                         record_hash=h))
    session.flush()
    return AuditEvent(seq, at, actor, kind, customer_id, case_id, payload, prev, h)


def append(db: StateDB | Session, kind: str, *, actor: str | None = None,
           customer_id: str | None = None, case_id: int | None = None,
           data: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event. Pass a Session to make it part of your own transaction."""
    if isinstance(db, Session):
        return append_in(db, kind, actor=actor, customer_id=customer_id, case_id=case_id,
                         data=data)
    import random
    import time

    for attempt in range(50):
        try:
            with db.session() as session:
                return append_in(session, kind, actor=actor, customer_id=customer_id,
                                 case_id=case_id, data=data)
        except (IntegrityError, OperationalError):  # lost the race for the next seq
            if attempt == 49:
                raise
            # back off with jitter, so racing writers stop colliding on a busy machine
            time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Verification:
    ok: bool
    records: int
    head: str  # record_hash of the last record (GENESIS when empty)
    bad_seq: int | None = None  # the first record that does not match
    reason: str = ""
    anchored: int | None = None  # with anchors: the newest anchored sequence number
    unanchored: int = 0  # records after the newest anchor


@dataclass(frozen=True)
class Anchor:
    seq: int  # number of records (sequence number of the newest; 0 when empty)
    record_hash: str
    at: str  # when the anchor was taken

    def to_dict(self) -> dict[str, Any]:
        return {"seq": self.seq, "record_hash": self.record_hash, "at": self.at}


def anchor(db: StateDB, path: Path | None = None) -> Anchor:
    """The head now; with ``path``, appended to that file as one JSON line."""
    seq, h = head(db)
    a = Anchor(seq, h, now_iso())
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(canonical_json(a.to_dict()) + "\n")
    return a


def read_anchors(path: Path) -> list[Anchor]:
    """Every anchor in a file written by ``anchor`` (or one JSON object, e.g. by hand)."""
    from goodfit.errors import ActionError

    try:
        lines = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        found = [Anchor(int(d["seq"]), str(d["record_hash"]), str(d["at"]))
                 for d in map(json.loads, lines)]
    except FileNotFoundError:
        raise ActionError(f"anchor file {path} does not exist; goodfit audit anchor writes "
                          "one") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise ActionError(f"anchor file {path} is not a goodfit anchor file "
                          f"({type(exc).__name__}: {exc})") from None
    if not found:
        raise ActionError(f"anchor file {path} holds no anchor")
    return found


def _check_anchors(db: StateDB, chain: Verification, anchors: list[Anchor]) -> Verification:
    with db.session() as session:
        found = session.execute(select(AuditRow.seq, AuditRow.record_hash, AuditRow.at)).all()
    hashes = {int(seq): str(h) for seq, h, _ in found}
    ats = {int(seq): str(at) for seq, _, at in found}
    newest = max(anchors, key=lambda a: (a.seq, a.at))
    for a in sorted(anchors, key=lambda x: x.seq):
        if a.seq == 0:
            continue
        if a.seq not in hashes:
            what = ("every record was deleted" if not hashes else
                    f"the log ends at record {max(hashes)}")
            return Verification(False, chain.records, chain.head, a.seq,
                                f"anchored record {a.seq} (anchored {a.at[:19]}) is missing: "
                                f"{what} (records were cut off or deleted)", newest.seq)
        if hashes[a.seq] != a.record_hash:
            return Verification(False, chain.records, chain.head, a.seq,
                                f"record {a.seq} has hash {hashes[a.seq][:16]}…, anchored as "
                                f"{a.record_hash[:16]}… on {a.at[:19]} (the log was rewritten)",
                                newest.seq)
    if not chain.ok:
        return Verification(False, chain.records, chain.head, chain.bad_seq, chain.reason,
                            newest.seq)
    after = sorted(s for s in hashes if s > newest.seq)
    if after:
        backdated = [s for s in after if ats[s] < newest.at]
        why = (f"{len(after)} record(s) after the newest anchor (records {after[0]}–"
               f"{after[-1]}) are not covered by it")
        if backdated:
            why += (f"; record {backdated[0]} is dated {ats[backdated[0]][:19]}, before the "
                    f"anchor of {newest.at[:19]}, so it was appended with a false date")
        else:
            why += "; if they are yours, run goodfit audit anchor"
        return Verification(False, chain.records, chain.head, after[0], why, newest.seq,
                            len(after))
    return Verification(True, chain.records, chain.head, anchored=newest.seq)


def verify(db: StateDB, expect_head: str | None = None,
           anchors: list[Anchor] | None = None) -> Verification:
    """Walk the chain from the first record; report the first one that does not match.

    With ``anchors`` (see ``read_anchors``), also what a consistent rewrite hides."""
    chain = _gaps(db, _verify_chain(db, expect_head))
    return chain if anchors is None else _check_anchors(db, chain, anchors)


def open_import_intents(session: Session) -> list[AuditEvent]:
    """``import_started`` records no ``import_completed``/``import_failed`` closed."""
    rows = session.execute(select(AuditRow).where(AuditRow.kind.in_(
        ("import_started", "import_completed", "import_failed"))).order_by(AuditRow.seq)
    ).scalars()
    started: dict[int, AuditEvent] = {}
    for row in rows:
        e = _view(row)
        if e.kind == "import_started":
            started[e.seq] = e
        else:
            for seq in e.data.get("intents", []):
                started.pop(int(seq), None)
    return list(started.values())


def _gaps(db: StateDB, chain: Verification) -> Verification:
    if not chain.ok:
        return chain
    with db.session() as session:
        gaps = open_import_intents(session)
    if not gaps:
        return chain
    g = gaps[0]
    return Verification(False, chain.records, chain.head, g.seq,
                        f"the import of {g.data.get('path')} started at {g.at[:19]} has no "
                        f"completion record ({len(gaps)} such import(s)): a crash interrupted "
                        "it after its intent was recorded, so its data may be in the warehouse "
                        "without its audit record; run the same import again to complete it")


def _verify_chain(db: StateDB, expect_head: str | None) -> Verification:
    prev, expected_seq, count = GENESIS, 1, 0
    with db.session() as session:
        named = _redactions(session)
        rows = session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars()
        for row in rows:
            count += 1
            if row.seq != expected_seq:
                why = (f"records {expected_seq}–{row.seq - 1} are missing" if row.seq >
                       expected_seq else f"sequence number {row.seq} repeats")
                return Verification(False, count, prev, row.seq, why)
            if row.prev_hash != prev:
                return Verification(False, count, prev, row.seq,
                                    "does not point to the record before it "
                                    "(a record was removed, inserted or reordered)")
            if row.seq in named and row.data == canonical_json(REDACTED):
                by, recorded = named[row.seq]
                if by <= row.seq or recorded != row.record_hash:
                    return Verification(False, count, prev, row.seq,
                                        "redacted, but no later redaction record names it with "
                                        "this hash")
                prev, expected_seq = row.record_hash, expected_seq + 1
                continue
            try:
                data = json.loads(row.data)
            except ValueError:
                return Verification(False, count, prev, row.seq, "data is not valid JSON")
            event = _event_of(row.seq, row.at, row.actor, row.kind, row.customer_id,
                              row.case_id, data)
            if record_hash(prev, event) != row.record_hash or canonical_json(data) != row.data:
                return Verification(False, count, prev, row.seq,
                                    "content does not match its hash (the record was edited)")
            prev, expected_seq = row.record_hash, expected_seq + 1
    if expect_head is not None and expect_head != prev:
        return Verification(False, count, prev, None,
                            f"the newest record's hash is {prev[:16]}…, not the expected "
                            f"{expect_head[:16]}… (records were cut off or added at the end)")
    return Verification(True, count, prev)


def _redactions(session: Session) -> dict[int, tuple[int, str]]:
    """seq → (seq of the redaction record naming it, the record_hash it recorded)."""
    named: dict[int, tuple[int, str]] = {}
    for row in session.execute(select(AuditRow).where(AuditRow.kind == "redaction")).scalars():
        try:
            records = json.loads(row.data).get("records", {})
        except (ValueError, AttributeError):
            continue  # the chain walk reports the record itself
        if isinstance(records, dict):
            for seq, h in records.items():
                if str(seq).isdigit():
                    named.setdefault(int(seq), (row.seq, str(h)))
    return named


def redact_in(session: Session, seqs: list[int]) -> dict[str, str]:
    """Blank the payload of these records (in the caller's transaction); returns
    {seq: record_hash} for the redaction record the caller appends next."""
    recorded: dict[str, str] = {}
    for row in session.execute(select(AuditRow).where(AuditRow.seq.in_(seqs))).scalars():
        row.data = canonical_json(REDACTED)
        row.customer_id = None
        recorded[str(row.seq)] = row.record_hash
    session.flush()
    return recorded


def head(db: StateDB) -> tuple[int, str]:
    """(number of records, hash of the newest): write it down to detect a cut-off tail."""
    with db.session() as session:
        last = session.execute(
            select(AuditRow.seq, AuditRow.record_hash).order_by(AuditRow.seq.desc()).limit(1)
        ).first()
    return (last[0], last[1]) if last else (0, GENESIS)


def events(db: StateDB, *, customer_id: str | None = None, case_id: int | None = None,
           kind: str | None = None, limit: int | None = None) -> list[AuditEvent]:
    """Events in order. For a customer: their own events and those of their cases."""
    with db.session() as session:
        q = select(AuditRow).order_by(AuditRow.seq)
        if customer_id is not None:
            from goodfit.state.cases import CaseRow

            case_ids = select(CaseRow.id).where(CaseRow.customer_id == customer_id)
            q = q.where(or_(AuditRow.customer_id == customer_id, AuditRow.case_id.in_(case_ids)))
        if case_id is not None:
            q = q.where(AuditRow.case_id == case_id)
        if kind is not None:
            q = q.where(AuditRow.kind == kind)
        if limit is not None:
            total = session.execute(select(func.count()).select_from(q.subquery())).scalar_one()
            q = q.offset(max(0, total - limit))
        return [_view(r) for r in session.execute(q).scalars()]
