"""Pages read by key (``PageMarks``) are the pages OFFSET reads, for every sort.

The web app keeps, per view of a snapshot, its row count and the key opening each page,
and reads a page from the index at that key. These tests store a snapshot with ties and
unknown values (NULL margins and names, equal profits) and compare every page of every
sort, both ways and filtered, with the OFFSET reading; one small case is worked out by
hand; and an erasure (which deletes snapshot rows) makes kept marks unused.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, insert

from goodfit.actions import audit
from goodfit.scoring import browse
from goodfit.scoring.browse import SORT_KEYS, CustomerQuery, PageMarks
from goodfit.state.db import StateDB
from goodfit.state.snapshots import (
    ScoreSnapshot,
    SnapshotCustomer,
    SnapshotFlag,
    indexed_fields,
)

NOW = datetime(2026, 1, 1)
SEGMENTS = ("reward", "healthy", "educate")


def _store(db: StateDB, rows: list[dict[str, object]], flags: list[dict[str, object]]
           ) -> int:
    with db.session() as s:
        snap = ScoreSnapshot(created_at=NOW, label="t", config_hash="h", as_of=NOW,
                             since=datetime(2025, 1, 1), until=NOW, customers=len(rows),
                             segments={}, country_stored=True)
        s.add(snap)
        s.flush()
        s.execute(insert(SnapshotCustomer), [{**r, "snapshot_id": snap.id} for r in rows])
        if flags:
            s.execute(insert(SnapshotFlag), [{**f, "snapshot_id": snap.id} for f in flags])
        return snap.id


def _row(cid: str, name: str | None, score: float, segment: str, card: dict[str, object],
         country: str = "DE") -> dict[str, object]:
    return {"customer_id": cid, "name": name, "score": score, "segment": segment,
            "reason": "r", "components": {}, "scorecard": card,
            **indexed_fields(card, country)}


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateDB]:
    url = (f"sqlite:///{tmp_path / 'state.db'}" if request.param == "sqlite"
           else request.getfixturevalue("postgres_url"))
    d = StateDB.open(url)
    yield d
    d.close()


@pytest.fixture
def many(db: StateDB) -> tuple[StateDB, int]:
    """43 customers: profits in ties of three, every fifth margin and every seventh name
    unknown, three segments, two plans; every fourth customer flagged."""
    rows, flags = [], []
    for i in range(43):
        revenue = 100 + (i * 37) % 500
        profit = (i // 3) * 10 - 50
        card: dict[str, object] = {
            "plan": ("vps-1", "web-1")[i % 2], "revenue": f"{revenue}.00",
            "cost_to_serve": f"{revenue - profit}.00", "profit": f"{profit}.00",
            "margin": None if i % 5 == 0 else profit / revenue, "tickets": i % 4}
        rows.append(_row(f"C-{(i * 17) % 43:03d}", None if i % 7 == 0 else f"Org {i % 9}",
                         float(i % 6), SEGMENTS[i % 3], card, ("DE", "FR")[i % 2]))
        if i % 4 == 0:
            flags.append({"customer_id": rows[-1]["customer_id"], "code": "idle",
                          "severity": "low", "detail": "d", "evidence": []})
    return db, _store(db, rows, flags)


def _pages(db: StateDB, sid: int, q: CustomerQuery, marks: PageMarks | None,
           jumping: bool = False) -> tuple[int, list[list[str]]]:
    """Every page of the view and one past the end (empty both ways), in page order;
    ``jumping``: read in an order that starts deep and jumps back and forth, so pages
    are found from the nearest known start before them, not only from their own."""
    first = browse.customers(db, sid, replace(q, page=1 if not jumping else 3), marks)
    numbers = list(range(1, first.pages + 2))
    visit = numbers if not jumping else numbers[2::3] + numbers[::-2] + numbers
    got: dict[int, list[str]] = {}
    for p in visit:  # each page as first read (later reads would hide a wrong one)
        got.setdefault(p, [r["customer_id"] for r in browse.customers(
            db, sid, replace(q, page=p), marks).rows])
    return first.total, [got[p] for p in numbers]


@pytest.mark.parametrize("descending", [False, True])
def test_every_sort_gives_the_offset_pages(many: tuple[StateDB, int], descending: bool
                                           ) -> None:
    db, sid = many
    marks = PageMarks()
    for sort in SORT_KEYS:
        for extra in ({}, {"segment": "healthy"}, {"flag": "idle"}, {"min_revenue": 300.0},
                      {"search": "org 3"}, {"plan": "web-1", "country": "fr"}):
            q = CustomerQuery(sort=sort, descending=descending, page_size=4, **extra)
            by_offset = _pages(db, sid, q, None)
            by_key = _pages(db, sid, q, marks)
            assert by_key == by_offset, (sort, extra)
            assert _pages(db, sid, q, PageMarks(), jumping=True) == by_offset, (sort, extra)
            # again, from the kept marks this time
            assert _pages(db, sid, q, marks) == by_offset, (sort, extra)
    assert _pages(db, sid, CustomerQuery(page_size=4), marks)[0] == 43
    assert _pages(db, sid, CustomerQuery(page_size=4), marks)[1][-1] == []


def test_a_small_case_worked_by_hand(db: StateDB) -> None:
    """Margins 0.5, unknown, 0.1, 0.1, unknown for A–E: ascending, unknown last, ties by id:
    pages of two C D | A B | E; descending A D | C E | B."""
    margins = {"A": 0.5, "B": None, "C": 0.1, "D": 0.1, "E": None}
    sid = _store(db, [_row(c, c, 1.0, "healthy", {"margin": m, "plan": "p"})
                      for c, m in margins.items()], [])
    marks = PageMarks()
    up = [[r["customer_id"] for r in browse.customers(
        db, sid, CustomerQuery(sort="margin", page=p, page_size=2), marks).rows]
        for p in (3, 2, 1)]
    assert up == [["E"], ["A", "B"], ["C", "D"]]
    down = [[r["customer_id"] for r in browse.customers(
        db, sid, CustomerQuery(sort="margin", descending=True, page=p, page_size=2),
        marks).rows] for p in (2, 3, 1)]
    assert down == [["C", "E"], ["B"], ["A", "D"]]


def test_an_erasure_makes_kept_marks_unused(many: tuple[StateDB, int]) -> None:
    db, sid = many
    marks = PageMarks()
    q = CustomerQuery(sort="profit", page=2, page_size=4)
    before = browse.customers(db, sid, q, marks)
    assert before.total == 43
    gone = before.rows[0]["customer_id"]
    with db.session() as s:  # what an erasure does to the state DB (maintenance/erasure)
        s.execute(delete(SnapshotCustomer).where(SnapshotCustomer.customer_id == gone))
        audit.append_in(s, "redaction", actor="owner", data={"records": []})
    after = browse.customers(db, sid, q, marks)
    assert after.total == 42
    assert gone not in [r["customer_id"] for r in after.rows]
    assert [r["customer_id"] for r in after.rows] == [
        r["customer_id"] for r in browse.customers(db, sid, q).rows]
