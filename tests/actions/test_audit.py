"""The audit chain detects each kind of tampering and names the first bad record."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from goodfit.actions import audit
from goodfit.state.audit import AuditRow
from goodfit.state.db import StateDB


def _fill(db: StateDB, n: int = 5) -> None:
    for i in range(1, n + 1):
        audit.append(db, "export", actor="alice", customer_id=f"C-{i}", data={"i": i, "é": "ü"})


def test_record_hash_is_sha256_of_previous_hash_and_canonical_event(db: StateDB) -> None:
    first = audit.append(db, "import", actor="alice", customer_id="C-1", data={"b": 2, "a": 1})
    event = {"seq": 1, "at": first.at, "actor": "alice", "kind": "import",
             "customer_id": "C-1", "case_id": None, "data": {"a": 1, "b": 2}}
    text = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert first.prev_hash == "0" * 64
    assert first.record_hash == hashlib.sha256(("0" * 64 + text).encode()).hexdigest()
    second = audit.append(db, "export", actor="bob")
    assert second.seq == 2 and second.prev_hash == first.record_hash


def test_untouched_chain_verifies(db: StateDB) -> None:
    assert audit.verify(db).ok and audit.verify(db).records == 0
    _fill(db)
    result = audit.verify(db)
    assert (result.ok, result.records, result.bad_seq) == (True, 5, None)
    assert result.head == audit.head(db)[1]


def test_edited_record_is_detected(db: StateDB) -> None:
    _fill(db)
    with db.session() as s:
        s.execute(update(AuditRow).where(AuditRow.seq == 3).values(data='{"i":30,"é":"ü"}'))
    result = audit.verify(db)
    assert not result.ok and result.bad_seq == 3 and "edited" in result.reason


def test_edited_actor_is_detected(db: StateDB) -> None:
    _fill(db)
    with db.session() as s:
        s.execute(update(AuditRow).where(AuditRow.seq == 2).values(actor="mallory"))
    assert audit.verify(db).bad_seq == 2


def test_deleted_record_is_detected(db: StateDB) -> None:
    _fill(db)
    with db.session() as s:
        s.execute(delete(AuditRow).where(AuditRow.seq == 2))
    result = audit.verify(db)
    assert not result.ok and result.bad_seq == 3 and "missing" in result.reason


def test_deleted_and_renumbered_record_is_detected(db: StateDB) -> None:
    _fill(db)
    with db.session() as s:
        s.execute(delete(AuditRow).where(AuditRow.seq == 2))
        for seq in (3, 4, 5):
            s.execute(update(AuditRow).where(AuditRow.seq == seq).values(seq=seq - 1))
    result = audit.verify(db)
    assert not result.ok and result.bad_seq == 2


def test_reordered_records_are_detected(db: StateDB) -> None:
    _fill(db)
    with db.session() as s:  # swap the positions of records 2 and 4
        s.execute(update(AuditRow).where(AuditRow.seq == 2).values(seq=-2))
        s.execute(update(AuditRow).where(AuditRow.seq == 4).values(seq=2))
        s.execute(update(AuditRow).where(AuditRow.seq == -2).values(seq=4))
    result = audit.verify(db)
    assert not result.ok and result.bad_seq == 2


def test_inserted_record_is_detected_even_with_a_correct_own_hash(db: StateDB) -> None:
    _fill(db)
    with db.session() as s:
        rows = s.execute(select(AuditRow).order_by(AuditRow.seq)).scalars().all()
        for r in reversed(rows[2:]):  # make room after record 2
            r.seq += 1
            s.flush()
        event = {"seq": 3, "at": rows[1].at, "actor": "mallory", "kind": "approval",
                 "customer_id": "C-9", "case_id": None, "data": {}}
        h = audit.record_hash(rows[1].record_hash, event)
        s.add(AuditRow(seq=3, at=rows[1].at, actor="mallory", kind="approval",
                       customer_id="C-9", case_id=None, data="{}",
                       prev_hash=rows[1].record_hash, record_hash=h))
    result = audit.verify(db)
    assert not result.ok and result.bad_seq == 4
    assert "removed, inserted or reordered" in result.reason


def test_cut_off_tail_is_detected_against_a_noted_head(db: StateDB) -> None:
    _fill(db)
    _, noted = audit.head(db)
    with db.session() as s:
        s.execute(delete(AuditRow).where(AuditRow.seq == 5))
    assert audit.verify(db).ok  # a shorter chain is still a valid chain…
    assert not audit.verify(db, expect_head=noted).ok  # …but not the one we noted


def test_events_for_a_customer_include_their_cases(db: StateDB) -> None:
    _fill(db, 3)
    audit.append(db, "send", actor="bob", case_id=77, data={})
    assert [e.seq for e in audit.events(db, customer_id="C-2")] == [2]
    assert [e.kind for e in audit.events(db, case_id=77)] == ["send"]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(perm=st.permutations(range(1, 7)))
def test_any_reordering_is_detected(tmp_path_factory: pytest.TempPathFactory,
                                    perm: list[int]) -> None:
    db = StateDB.open(f"sqlite:///{tmp_path_factory.mktemp('a') / 's.db'}")
    try:
        _fill(db, 6)
        with db.session() as s:  # record at position i moves to position perm[i-1]
            for old in range(1, 7):
                s.execute(update(AuditRow).where(AuditRow.seq == old).values(seq=-old))
            for old, new in zip(range(1, 7), perm, strict=True):
                s.execute(update(AuditRow).where(AuditRow.seq == -old).values(seq=new))
        moved = [i for i, p in zip(range(1, 7), perm, strict=True) if i != p]
        result = audit.verify(db)
        assert result.ok == (not moved)
        if moved:
            assert result.bad_seq == min(moved)  # the first position holding a wrong record
    finally:
        db.close()
