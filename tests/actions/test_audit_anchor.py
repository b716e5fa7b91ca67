"""An anchor (the head written down elsewhere) catches what a consistent rewrite hides:
a log rewritten with recomputed hashes, a cut-off tail, an emptied log, forged records
appended at the end. Each tamper below passes plain ``verify``; the anchor catches it."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import delete, select

from goodfit.actions import audit
from goodfit.state.audit import AuditRow
from goodfit.state.db import StateDB
from tests.actions.conftest import Mailbox


def _rewrite(db: StateDB, rows: list[dict]) -> None:  # type: ignore[type-arg]
    """What an attacker with write access does: replace the log, recomputing every hash."""
    with db.session() as session:
        session.execute(delete(AuditRow))
        prev = "0" * 64
        for seq, r in enumerate(rows, start=1):
            event = {"seq": seq, "at": r["at"], "actor": r["actor"], "kind": r["kind"],
                     "customer_id": r["customer_id"], "case_id": r["case_id"],
                     "data": r["data"]}
            text = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
            h = hashlib.sha256((prev + text).encode()).hexdigest()
            session.add(AuditRow(seq=seq, at=r["at"], actor=r["actor"], kind=r["kind"],
                                 customer_id=r["customer_id"], case_id=r["case_id"],
                                 data=json.dumps(r["data"], sort_keys=True,
                                                 separators=(",", ":")),
                                 prev_hash=prev, record_hash=h))
            prev = h


def _rows(db: StateDB) -> list[dict]:  # type: ignore[type-arg]
    with db.session() as session:
        return [{"at": r.at, "actor": r.actor, "kind": r.kind, "customer_id": r.customer_id,
                 "case_id": r.case_id, "data": json.loads(r.data)}
                for r in session.execute(select(AuditRow).order_by(AuditRow.seq)).scalars()]


def _anchored(db: StateDB, tmp_path: Path) -> Path:
    for n in range(5):
        audit.append(db, "send", actor="bob", customer_id=f"C-{n}", data={"n": n})
    path = tmp_path / "anchors.jsonl"
    a = audit.anchor(db, path)
    assert (a.seq, a.record_hash) == audit.head(db)
    line = json.loads(path.read_text())
    assert line == {"seq": 5, "record_hash": a.record_hash, "at": a.at}
    return path


def test_untouched_log_verifies_against_its_anchor(db: StateDB, tmp_path: Path) -> None:
    path = _anchored(db, tmp_path)
    v = audit.verify(db, anchors=audit.read_anchors(path))
    assert v.ok and v.anchored == 5 and v.unanchored == 0


def test_a_rewrite_with_recomputed_hashes_is_detected(db: StateDB, tmp_path: Path) -> None:
    path = _anchored(db, tmp_path)
    rows = _rows(db)
    rows[1]["data"] = {"n": 99}  # the second send "never happened that way"
    _rewrite(db, rows)
    assert audit.verify(db).ok  # the chain links up ...
    v = audit.verify(db, anchors=audit.read_anchors(path))
    assert not v.ok and v.bad_seq == 5 and "the log was rewritten" in v.reason


def test_a_cut_off_tail_is_detected(db: StateDB, tmp_path: Path) -> None:
    path = _anchored(db, tmp_path)
    with db.session() as session:
        session.execute(delete(AuditRow).where(AuditRow.seq >= 4))
    assert audit.verify(db).ok
    v = audit.verify(db, anchors=audit.read_anchors(path))
    assert not v.ok and v.bad_seq == 5 and "the log ends at record 3" in v.reason


def test_deleting_every_record_is_detected(db: StateDB, tmp_path: Path) -> None:
    path = _anchored(db, tmp_path)
    with db.session() as session:
        session.execute(delete(AuditRow))
    assert audit.verify(db).ok and audit.verify(db).records == 0
    v = audit.verify(db, anchors=audit.read_anchors(path))
    assert not v.ok and "every record was deleted" in v.reason


def test_an_appended_forgery_is_detected(db: StateDB, tmp_path: Path) -> None:
    path = _anchored(db, tmp_path)
    rows = _rows(db)
    # a forged approval slipped in at the end, dated before the anchor was taken
    rows.append({**rows[-1], "kind": "step_approved", "actor": "alice", "data": {"step": 3}})
    _rewrite(db, rows)
    assert audit.verify(db).ok
    v = audit.verify(db, anchors=audit.read_anchors(path))
    assert not v.ok and v.bad_seq == 6 and v.unanchored == 1
    assert "appended with a false date" in v.reason


def test_records_after_the_anchor_are_reported_until_anchored_again(db: StateDB,
                                                                    tmp_path: Path) -> None:
    path = _anchored(db, tmp_path)
    audit.append(db, "case_opened", actor="carol")
    v = audit.verify(db, anchors=audit.read_anchors(path))
    assert not v.ok and v.unanchored == 1 and "run goodfit audit anchor" in v.reason
    audit.anchor(db, path)  # appended: both anchors are checked from now on
    assert len(path.read_text().splitlines()) == 2
    assert audit.verify(db, anchors=audit.read_anchors(path)).ok


def test_audit_anchor_command_writes_mails_and_verifies(tmp_path: Path,
                                                        mailbox: Mailbox) -> None:
    from email import message_from_bytes, policy

    from tests.actions.test_cli import _project, run

    root = _project(tmp_path, mailbox.port)
    assert run(root, "users", "add", "alice", "--role", "owner")[0] == 0
    code, out = run(root, "audit", "anchor", "--mail-to", "owner@acme.example", "--json")
    assert code == 0, out
    written = json.loads(out)
    # four imports (intent, 4 tables, completion = 6 records) + user_added = 7
    assert written["seq"] == 7 and written["file"] == str(root / "audit" / "anchors.jsonl")
    assert len(mailbox.messages) == 1 and mailbox.messages[0]["to"] == ["owner@acme.example"]
    body = message_from_bytes(mailbox.messages[0]["raw"], policy=policy.default) \
        .get_body().get_content()  # type: ignore[union-attr]
    assert written["record_hash"] in body
    code, out = run(root, "audit", "verify", "--anchor", str(root / "audit" / "anchors.jsonl"))
    flat = " ".join(out.split())
    assert code == 0 and "ok: 7 records" in flat and "anchored up to record 7" in flat
    run(root, "users", "add", "bob", "--role", "manager", "--as", "alice")
    code, out = run(root, "audit", "verify", "--anchor", str(root / "audit" / "anchors.jsonl"))
    flat = " ".join(out.split())
    assert code == 1 and "NOT ANCHORED" in flat and "record(s) after the newest anchor" in flat
