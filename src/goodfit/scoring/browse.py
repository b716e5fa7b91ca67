"""Read a stored score snapshot a page at a time: filter, sort and paginate in SQL.

The web app and API show snapshots, never a fresh scoring run ("reads never write"). Every
filter value is a bound parameter; sort keys come from a fixed list (``SORT_KEYS``), so no
text from a request ever becomes SQL.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Float, bindparam, func, or_, select, tuple_
from sqlalchemy.sql.elements import ColumnElement

from goodfit.errors import CountryNotStored, GoodfitError, InvalidChoice, UnknownCustomer
from goodfit.scoring.fit import COMPONENTS
from goodfit.scoring.history import SnapshotInfo, _info
from goodfit.state.audit import AuditRow
from goodfit.state.db import StateDB
from goodfit.state.snapshots import (
    NUMBER_FIELDS,
    ScoreSnapshot,
    SnapshotCustomer,
    SnapshotFlag,
)

C = SnapshotCustomer

# Every sort key and filter is a real column of the snapshot row, indexed with the
# snapshot id (state migration 0008); the scorecard JSON is only read for display.
CARD_NUMBERS = NUMBER_FIELDS
SORT_KEYS = ("customer_id", "name", "score", "segment", "plan", *CARD_NUMBERS)
COST_PARTS = ("support_cost", "order_handling_cost", "custom_work_cost",
              "payment_friction_cost", "usage_cost", "direct_cost")
# Only safe, plain-word characters in LIKE patterns are left as they are; % and _ escaped.
_LIKE_ESCAPE = "\\"


def _sort_column(key: str) -> ColumnElement[Any]:
    return getattr(C, key)  # type: ignore[no-any-return]


def _like(text: str) -> str:
    escaped = (text.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2).replace("%", _LIKE_ESCAPE + "%")
               .replace("_", _LIKE_ESCAPE + "_"))
    return f"%{escaped.lower()}%"


@dataclass(frozen=True)
class CustomerQuery:
    """What a customers table shows: filters, sort and page (1-based)."""

    segment: str | None = None
    flag: str | None = None
    plan: str | None = None
    country: str | None = None  # ISO code, any case
    min_revenue: float | None = None
    min_cost: float | None = None
    search: str | None = None  # in name or customer id (case-insensitive)
    # Restrict to these ids (matches found in the customers table).
    ids: frozenset[str] | None = None
    also_ids: frozenset[str] = frozenset()  # search matches found elsewhere (e-mail)
    sort: str = "profit"
    descending: bool = False
    page: int = 1
    page_size: int = 50

    def __post_init__(self) -> None:
        if self.sort not in SORT_KEYS:
            raise InvalidChoice("sort", self.sort, list(SORT_KEYS))
        if self.page < 1 or not 1 <= self.page_size <= 10_000:
            raise GoodfitError("page must be ≥ 1 and page size 1–10000")


@dataclass(frozen=True)
class CustomerPage:
    snapshot: SnapshotInfo
    total: int  # customers matching the filters
    rows: list[dict[str, Any]] = field(default_factory=list)
    query: CustomerQuery = field(default_factory=CustomerQuery)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.page_size))


def latest(state: StateDB) -> SnapshotInfo | None:
    """The newest complete snapshot (rows are written in the same transaction)."""
    with state.session() as s:
        snap = s.scalars(select(ScoreSnapshot).order_by(ScoreSnapshot.id.desc()).limit(1)).first()
        return _info(snap) if snap is not None else None


def _snapshot(s: Any, snapshot_id: int) -> ScoreSnapshot:
    from goodfit.errors import UnknownSnapshot

    snap = s.get(ScoreSnapshot, snapshot_id)
    if snap is None:
        raise UnknownSnapshot(snapshot_id, list(s.scalars(select(ScoreSnapshot.id))))
    return snap  # type: ignore[no-any-return]


def _snapshot_row(con: Any, snapshot_id: int) -> Any:
    """The snapshot's row through a plain connection (no ORM objects: the customers
    table reads it on every page); it has the attributes ``_info`` reads."""
    from goodfit.errors import UnknownSnapshot

    t = ScoreSnapshot.__table__
    # with the newest redaction in the audit chain (an erasure deletes snapshot rows)
    erased = select(func.max(AuditRow.seq)).where(AuditRow.kind == "redaction")
    snap = con.execute(select(t, erased.scalar_subquery().label("erased_up_to"))
                       .where(t.c.id == snapshot_id)).first()
    if snap is None:
        raise UnknownSnapshot(snapshot_id, list(con.scalars(select(t.c.id))))
    return snap


def snapshot_info(state: StateDB, snapshot_id: int) -> SnapshotInfo:
    with state.session() as s:
        return _info(_snapshot(s, snapshot_id))


def _conditions(snap: ScoreSnapshot, q: CustomerQuery) -> list[ColumnElement[bool]]:
    cond: list[ColumnElement[bool]] = [C.snapshot_id == snap.id]
    if q.segment:
        cond.append(C.segment == q.segment)
    if q.plan:
        cond.append(C.plan == q.plan)
    if q.country and q.country.strip():
        if not snap.country_stored:
            raise CountryNotStored(snap.id)
        cond.append(C.country == q.country.strip().upper())
    if q.min_revenue is not None:
        cond.append(C.revenue >= q.min_revenue)
    if q.min_cost is not None:
        cond.append(C.cost_to_serve >= q.min_cost)
    if q.flag:
        cond.append(C.customer_id.in_(select(SnapshotFlag.customer_id).where(
            SnapshotFlag.snapshot_id == snap.id, SnapshotFlag.code == q.flag)))
    if q.ids is not None:
        cond.append(C.customer_id.in_(bindparam("only_ids", sorted(q.ids), expanding=True,
                                                literal_execute=len(q.ids) > 900)))
    if q.search:
        pattern = _like(q.search.strip())
        found: list[ColumnElement[bool]] = [
            func.lower(C.name).like(pattern, escape=_LIKE_ESCAPE),
            func.lower(C.customer_id).like(pattern, escape=_LIKE_ESCAPE)]
        if q.also_ids:
            found.append(C.customer_id.in_(bindparam(
                "also_ids", sorted(q.also_ids), expanding=True,
                literal_execute=len(q.also_ids) > 900)))
        cond.append(or_(*found))
    return cond


# what a table row shows (not the components JSON, the largest part of a stored row)
_ROW_COLUMNS = (C.customer_id, C.name, C.score, C.segment, C.reason, C.scorecard)


def _row(r: Any, flags: dict[str, list[str]]) -> dict[str, Any]:
    card = r.scorecard or {}
    return {"customer_id": r.customer_id, "name": r.name, "score": r.score,
            "segment": r.segment, "reason": r.reason, "plan": card.get("plan"),
            **{k: card.get(k) for k in CARD_NUMBERS},
            "flags": flags.get(r.customer_id, [])}


Start = tuple[Any, str]  # (sort value, customer id) of the first row of a page


@dataclass
class _View:
    total: int  # rows of the view
    starts: dict[int, Start] = field(default_factory=dict)  # page number -> its first row
    known: list[int] = field(default_factory=list)  # the page numbers in ``starts``, sorted

    def nearest(self, page: int) -> int | None:
        """The nearest page at or before ``page`` whose first row is known."""
        i = bisect.bisect_right(self.known, page)
        return self.known[i - 1] if i else None

    def learn(self, page: int, start: Start) -> None:
        if page not in self.starts:
            bisect.insort(self.known, page)
        self.starts[page] = start


class PageMarks:
    """Where pages of a sorted, filtered view of a snapshot start, kept in memory.

    A stored snapshot does not change, so a view (its filters, sort and page size) keeps
    its row count, and every page read teaches where it and the next page start. A page
    whose start is known is read from the index at that key (keyset pagination); else
    from the nearest known start before it, skipping only the pages between; else with
    OFFSET from the top, as without marks. Paging forward and back costs a key lookup;
    the rows are exactly the rows OFFSET gives. An erasure deletes snapshot rows and
    always appends a redaction to the audit chain; the newest redaction is part of the
    key, so marks made before it are never used after. The newest ``size`` views are
    kept."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._views: OrderedDict[Hashable, _View] = OrderedDict()
        self._lock = threading.Lock()

    def view(self, key: Hashable, count: Callable[[], int]) -> _View:
        with self._lock:
            hit = self._views.get(key)
            if hit is not None:
                self._views.move_to_end(key)
                return hit
        made = _View(count())  # counted outside the lock; two first visits both count
        with self._lock:
            hit = self._views.setdefault(key, made)
            self._views.move_to_end(key)
            while len(self._views) > self._size:
                self._views.popitem(last=False)
            return hit

    def learn(self, view: _View, page: int, start: Start) -> None:
        with self._lock:
            view.learn(page, start)

    def nearest(self, view: _View, page: int) -> tuple[int, Start] | None:
        with self._lock:
            k = view.nearest(page)
            return None if k is None else (k, view.starts[k])


def _order(q: CustomerQuery) -> list[Any]:
    col = _sort_column(q.sort)
    # the tie-break runs the same way, so one index (snapshot, column, id) serves the page
    return ([col.desc().nulls_last(), C.customer_id.desc()] if q.descending
            else [col.asc().nulls_last(), C.customer_id.asc()])


def _from_top(s: Any, cond: list[ColumnElement[bool]], q: CustomerQuery, skip: int
              ) -> list[Start]:
    col = _sort_column(q.sort)
    return [(v, c) for v, c in s.execute(select(col, C.customer_id).where(*cond)
                                         .order_by(*_order(q)).offset(skip)
                                         .limit(q.page_size + 1))]


def _from_start(s: Any, cond: list[ColumnElement[bool]], q: CustomerQuery, start: Start,
                skip: int) -> list[Start] | None:
    """Up to a page and one row, ``skip`` rows after ``start`` (inclusive), in the view's
    order: rows with a sort value (a range of the index), then those without (NULLS
    LAST). None when skipping would cross from the first kind into the second (the
    caller then reads from the top)."""
    col, cid = _sort_column(q.sort), C.customer_id
    value, first = start
    n = q.page_size + 1
    found: list[Start] = []
    if value is not None:
        at = tuple_(col, cid)
        where, order = ((at <= tuple_(value, first), [col.desc(), cid.desc()]) if q.descending
                        else (at >= tuple_(value, first), [col.asc(), cid.asc()]))
        found = [(v, c) for v, c in s.execute(select(col, cid).where(*cond, where)
                                              .order_by(*order).offset(skip).limit(n))]
        if len(found) == n:
            return found
        if skip:
            return None
    nulls = [*cond, col.is_(None)]
    if value is None:
        nulls.append(cid <= first if q.descending else cid >= first)
    found += [(None, c) for c in s.scalars(
        select(cid).where(*nulls).order_by(cid.desc() if q.descending else cid.asc())
        .offset(skip if value is None else 0).limit(n - len(found)))]
    return found


def customers(state: StateDB, snapshot_id: int, q: CustomerQuery,
              marks: PageMarks | None = None) -> CustomerPage:
    """One page of a snapshot's customers, filtered and sorted in SQL.

    The page's ids are found first from the indexed columns alone; only those rows are
    then read whole (their scorecard JSON holds the exact money shown). With ``marks``
    (a long-running reader such as the web app) a view's count and the pages' first rows
    are kept and pages are read by key where one is known (``PageMarks``); without, by
    OFFSET. Both give the same rows."""
    size = q.page_size
    # a plain connection, not an ORM session: the page is ids, values and JSON, and the
    # ORM's per-statement work was most of a page's time at 100k customers
    with state.engine.connect() as s:
        snap = _snapshot_row(s, snapshot_id)
        info = _info(snap)
        cond = _conditions(snap, q)

        def count() -> int:
            if len(cond) == 1 and snap.erased_up_to is None:  # every row, none erased
                return int(snap.customers)
            return int(s.execute(select(func.count()).select_from(C).where(*cond))
                       .scalar_one())

        if marks is None:
            total = snap.customers if len(cond) == 1 else count()
            found = _from_top(s, cond, q, (q.page - 1) * size)
        else:
            view = marks.view((snapshot_id, snap.created_at, snap.erased_up_to,
                               replace(q, page=1)), count)
            total = view.total
            near = marks.nearest(view, q.page)
            if (q.page - 1) * size >= total:  # past the end: no row, nothing to read
                found = []
            elif near is not None and (got := _from_start(
                    s, cond, q, near[1], (q.page - near[0]) * size)) is not None:
                found = got
            else:
                found = _from_top(s, cond, q, (q.page - 1) * size)
            if found:
                marks.learn(view, q.page, found[0])
            if len(found) > size:
                marks.learn(view, q.page + 1, found[size])
        ids = [c for _, c in found[:size]]
        rows = {r.customer_id: r for r in s.execute(select(*_ROW_COLUMNS).where(
            C.snapshot_id == snapshot_id, C.customer_id.in_(ids)))} if ids else {}
        flags: dict[str, list[str]] = {}
        if ids:
            for cid, code in s.execute(
                    select(SnapshotFlag.customer_id, SnapshotFlag.code)
                    .where(SnapshotFlag.snapshot_id == snapshot_id,
                           SnapshotFlag.customer_id.in_(ids))
                    .order_by(SnapshotFlag.customer_id, SnapshotFlag.code)):
                flags.setdefault(cid, []).append(code)
        return CustomerPage(info, total, [_row(rows[i], flags) for i in ids], q)


def customer(state: StateDB, snapshot_id: int, customer_id: str) -> dict[str, Any]:
    """One customer of a snapshot: score, components, segment and reason, the stored
    scorecard and its flags with evidence."""
    with state.session() as s:
        info = _info(_snapshot(s, snapshot_id))
        r = s.get(C, (snapshot_id, customer_id))
        if r is None:
            raise UnknownCustomer(customer_id, [])
        flags = [{"code": f.code, "severity": f.severity, "detail": f.detail,
                  "evidence": f.evidence}
                 for f in s.scalars(select(SnapshotFlag).where(
                     SnapshotFlag.snapshot_id == snapshot_id,
                     SnapshotFlag.customer_id == customer_id).order_by(SnapshotFlag.id))]
        return {"snapshot": info, "customer_id": r.customer_id, "name": r.name,
                "score": r.score, "segment": r.segment, "reason": r.reason,
                "components": {c: r.components.get(c) for c in COMPONENTS},
                "scorecard": dict(r.scorecard or {}), "flags": flags}


def overview(state: StateDB, snapshot_id: int) -> dict[str, Any]:
    """Figures for a snapshot's overview: totals, segments, cost by part, flag counts,
    plans, and every customer's cost (for the Lorenz curve), from the stored rows."""
    rev, cost, profit = C.revenue, C.cost_to_serve, C.profit
    with state.session() as s:
        snap = _snapshot(s, snapshot_id)
        info, country_stored = _info(snap), snap.country_stored
        where = C.snapshot_id == snapshot_id
        n, total_rev, total_cost, total_profit, losing = s.execute(
            select(func.count(), func.sum(rev), func.sum(cost), func.sum(profit),
                   func.sum(func.coalesce((profit < 0).cast(Float), 0.0))).where(where)).one()
        parts = s.execute(select(*(func.sum(getattr(C, p)) for p in COST_PARTS))
                          .where(where)).one()
        segments = {seg: (cnt, r, p) for seg, cnt, r, p in s.execute(
            select(C.segment, func.count(), func.sum(rev), func.sum(profit))
            .where(where).group_by(C.segment))}
        flags = dict(s.execute(select(SnapshotFlag.code, func.count())
                               .where(SnapshotFlag.snapshot_id == snapshot_id)
                               .group_by(SnapshotFlag.code)).all())
        plans = sorted({p for p in s.scalars(select(C.plan).where(where).distinct()) if p})
        countries = sorted({c for c in s.scalars(select(C.country).where(where).distinct())
                            if c})
    return {"snapshot": info, "customers": int(n or 0), "revenue": float(total_rev or 0),
            "cost_to_serve": float(total_cost or 0), "profit": float(total_profit or 0),
            "losing": int(losing or 0),
            "cost_parts": {p: float(v or 0) for p, v in zip(COST_PARTS, parts, strict=True)},
            "segments": {k: {"customers": int(c), "revenue": float(r or 0),
                             "profit": float(p or 0)} for k, (c, r, p) in segments.items()},
            "flags": {k: int(v) for k, v in flags.items()}, "plans": plans,
            "countries": countries, "country_stored": country_stored}


def load_rows(state: StateDB, snapshot_id: int) -> list[dict[str, Any]]:
    """Per customer: id, name, revenue, tickets, support minutes, cost to serve (numbers),
    the columns the concentration measures read."""
    cols = ("revenue", "tickets", "support_minutes", "cost_to_serve")
    with state.session() as s:
        _snapshot(s, snapshot_id)
        q = select(C.customer_id, C.name, *(getattr(C, k) for k in cols)).where(
            C.snapshot_id == snapshot_id)
        return [{"customer_id": r[0], "name": r[1],
                 **{k: float(v or 0.0) for k, v in zip(cols, r[2:], strict=True)}}
                for r in s.execute(q)]


def flag_codes(state: StateDB, snapshot_id: int) -> list[str]:
    with state.session() as s:
        return sorted(s.scalars(select(SnapshotFlag.code).where(
            SnapshotFlag.snapshot_id == snapshot_id).distinct()))


def only(ids: Collection[str] | None) -> frozenset[str] | None:
    return None if ids is None else frozenset(ids)
