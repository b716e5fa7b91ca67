"""The web app's one door to goodfit: every read and action goes through ``Project`` here.

Pages and the API call this adapter only, so a renamed ``Project`` method is changed in
one file. Reads show the newest stored score snapshot; nothing here scores, imports or
writes results. Figures of an immutable snapshot (overview, concentration, monthly trend)
are kept per snapshot id once read.

The server runs handlers on a pool of threads. State DB reads share the main project's
connection pool (SQLAlchemy hands each thread its own connection). Warehouse reads go
through ``reader()``: a small pool of project handles, each with its own read-only
warehouse connection, so two threads never share one DuckDB connection; a handle whose
read copy a writer has since replaced is reopened on its next checkout.
"""

from __future__ import annotations

import gc
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from goodfit.errors import GoodfitError, NoSnapshot
from goodfit.project import Project
from goodfit.scoring.browse import SORT_KEYS, CustomerPage, CustomerQuery, PageMarks
from goodfit.window import Window

__all__ = ["SORT_KEYS", "CustomerPage", "CustomerQuery", "NoSnapshot", "WebData"]


def settle_memory() -> None:
    """Move every object alive now (a snapshot's figures and every customer's service
    levels just read: hundreds of thousands of objects at 100k customers) out of the
    garbage collector's sight. Python's oldest-generation collection walks every tracked
    object; over those figures each took about 0.2 s, and it ran now and then inside a
    request: any request of that worker, even a static file, then waited for it. Frozen
    objects are never walked again; they are still freed by reference counting when the
    next snapshot's figures replace them. Collected first, so no garbage is frozen."""
    gc.collect()
    gc.freeze()


@dataclass
class _Cached:
    overview: dict[str, Any]
    concentration: Any
    monthly: list[dict[str, Any]] | None
    monthly_error: str | None
    flag_codes: list[str]
    countries: list[str]


READERS = 4  # warehouse connections the server's threads share
BUSY_CHECK_SECONDS = 2.0  # how long "is someone writing" is remembered


class WebData:
    def __init__(self, project: Project, readers: int = READERS) -> None:
        self.project = project
        self._cache: dict[int, _Cached] = {}
        self._lock = threading.Lock()
        self._pool: queue.LifoQueue[Project] = queue.LifoQueue()
        self._made = 0
        self._readers = readers
        self._pool_lock = threading.Lock()
        self._busy: tuple[float, str | None] = (0.0, None)
        self._causes: dict[int, Any] = {}
        self._per_customer_cache: dict[int, tuple[Any, Any, dict[str, Any]]] = {}
        self._per_customer_lock = threading.Lock()
        self._marks = PageMarks()  # each view's count and page openings (browse.py)

    @contextmanager
    def reader(self) -> Iterator[Project]:
        """A project handle of this thread's own for warehouse reads (waits for one when
        every handle is in use)."""
        try:
            p = self._pool.get_nowait()
        except queue.Empty:
            with self._pool_lock:
                make = self._made < self._readers
                if make:
                    self._made += 1
            p = Project(self.project.ws.sibling()) if make else self._pool.get()
        p.ws.drop_stale_reader()
        try:
            yield p
        finally:
            self._pool.put(p)

    def close(self) -> None:
        while True:
            try:
                self._pool.get_nowait().close()
            except queue.Empty:
                return

    def writer(self) -> str | None:
        """Who is writing the project now ("import by alice (pid 42) since …"), or None;
        checked at most every couple of seconds."""
        at, who = self._busy
        now = time.monotonic()
        if now - at < BUSY_CHECK_SECONDS:
            return who
        holder = self.project.ws.writer()
        who = None if holder is None else holder.describe()
        self._busy = (now, who)
        return who

    # -- settings -----------------------------------------------------------
    @property
    def web(self) -> Any:
        return self.project.config.web

    @property
    def project_name(self) -> str:
        return self.project.config.project.name

    @property
    def currency(self) -> str:
        return self.project.config.project.currency

    @property
    def approver_roles(self) -> list[str]:
        return list(self.project.config.actions.approver_roles)

    # -- users --------------------------------------------------------------
    def authenticate(self, name: str, password: str) -> Any:
        return self.project.actions.authenticate(name, password)

    def user(self, name: str) -> Any:
        return self.project.actions.user(name)

    def users(self) -> list[Any]:
        return self.project.actions.users()

    # -- snapshots ----------------------------------------------------------
    def snapshot(self) -> Any:
        snap = self.project.scoring.latest_snapshot()
        if snap is None:
            raise NoSnapshot()
        return snap

    def _cached(self, snapshot_id: int) -> _Cached:
        with self._lock:
            hit = self._cache.get(snapshot_id)
            if hit is not None:
                return hit
            p = self.project
            overview = p.scoring.snapshot_overview(snapshot_id)
            conc = p.scoring.snapshot_concentration(snapshot_id, "cost")
            info = overview["snapshot"]
            try:
                with self.reader() as r:
                    monthly: list[dict[str, Any]] | None = r.metrics.monthly_totals(
                        r.metrics.window(info.as_of, info.since, info.until))
                monthly_error = None
            except GoodfitError as exc:  # warehouse changed since: say so, show the rest
                monthly, monthly_error = None, exc.message
            hit = _Cached(overview, conc, monthly, monthly_error,
                          p.scoring.snapshot_flag_codes(snapshot_id), overview["countries"])
            self._cache = {snapshot_id: hit}  # only the newest snapshot is shown
            return hit

    def overview(self) -> dict[str, Any]:
        snap = self.snapshot()
        c = self._cached(snap.id)
        return {**c.overview, "concentration": c.concentration, "monthly": c.monthly,
                "monthly_error": c.monthly_error}

    def choices(self, snapshot_id: int | None = None) -> dict[str, list[str]]:
        """The filters' choices of a snapshot (the newest when not given)."""
        c = self._cached(snapshot_id if snapshot_id is not None else self.snapshot().id)
        return {"segments": sorted(c.overview["segments"]), "flags": c.flag_codes,
                "plans": c.overview["plans"], "countries": c.countries,
                "sorts": list(SORT_KEYS)}

    def customers(self, query: CustomerQuery, *, email_or_id: str | None = None,
                  country: str | None = None) -> CustomerPage:
        """A page of customers. The search text also matches e-mail addresses (found in
        the customers table, then matched by id)."""
        from dataclasses import replace

        snap = self.snapshot()
        if country:
            query = replace(query, country=country)
        if email_or_id and email_or_id.strip():
            also: frozenset[str] = frozenset()
            if "@" in email_or_id or "." in email_or_id:
                with self.reader() as r:
                    also = frozenset(r.metrics.customer_ids_where(email=email_or_id))
            query = replace(query, search=email_or_id, also_ids=also)
        return self.project.scoring.snapshot_customers(snap.id, query, self._marks)

    def customer(self, customer_id: str, *, details: bool = True) -> dict[str, Any]:
        """One customer of the newest snapshot with its flags and cited rows; with
        ``details`` also its service levels, usage against plan peers and monthly trend
        (``customer_service``)."""
        snap = self.snapshot()
        found = self.project.scoring.snapshot_customer(snap.id, customer_id)
        if details:
            extra = self.customer_service(snap, customer_id, found["scorecard"].get("plan"))
            found.update(service_levels=extra["service"], service_targets=extra["targets"],
                         usage_vs_peers=extra["peers"], monthly=extra["monthly"],
                         warehouse_error=extra["error"])
        refs = [e for f in found["flags"] for e in f["evidence"]]
        found["evidence_rows"] = {}
        if any(r.get("kind") in ("ticket", "message") for r in refs):
            try:
                with self.reader() as r:
                    found["evidence_rows"] = r.metrics.evidence_rows(refs)
            except GoodfitError:
                pass
        return found

    def _per_customer(self, snap: Any) -> tuple[Any, Any, dict[str, Any]]:
        """Every customer's service levels, monthly trend and usage by plan over the
        snapshot's window, read once per snapshot (three queries over the population) and
        kept compact: a customer page then only looks them up, however many customers
        there are."""
        with self._per_customer_lock:  # the first page of a snapshot reads; others wait
            hit = self._per_customer_cache.get(snap.id)
            if hit is None:
                with self.reader() as r:
                    w = Window(as_of=snap.as_of, since=snap.since, until=snap.until)
                    hit = (r.metrics.service_levels(w), r.metrics.monthly_by_customer(w),
                           r.metrics.plan_usage(w))
                self._per_customer_cache = {snap.id: hit}  # only the newest is shown
                settle_memory()
            return hit

    def warm(self) -> None:
        """Read the newest snapshot's figures and every customer's service levels and
        trend now (a server starting: the first visitors then do not wait for them).
        Only reads; a failure here is shown by the page that needs the figures."""
        try:
            snap = self.snapshot()
            self._cached(snap.id)
            self._per_customer(snap)
        except GoodfitError:
            pass

    def customer_service(self, snap: Any, customer_id: str, plan: str | None
                         ) -> dict[str, Any]:
        """Service-level figures of one customer over the snapshot's window, the targets
        they are judged against, usage per metric against the other customers on its
        plan and the monthly trend (read once per snapshot, then looked up)."""
        out: dict[str, Any] = {"service": {}, "targets": self.project.metrics.service_targets(),
                               "peers": [], "plan": plan, "monthly": [], "error": None}
        try:
            service, monthly, usage = self._per_customer(snap)
            out["service"] = next(iter(service.get(customer_id)), {})
            out["monthly"] = monthly.get(customer_id)
            if plan is not None and plan in usage:
                out["peers"] = usage[plan].against_peers(customer_id)
        except GoodfitError as exc:  # warehouse changed since: say so, show the rest
            out["error"] = exc.message
        return out

    def causes(self) -> Any:
        """Why tickets happen in the newest snapshot's window (kept per snapshot)."""
        snap = self.snapshot()
        with self._lock:
            hit = self._causes.get(snap.id)
        if hit is None:
            with self.reader() as r:
                hit = r.scoring.snapshot_causes(snap.id)
            with self._lock:
                self._causes = {snap.id: hit}
        return snap, hit

    def fee_names(self) -> list[str]:
        return self.project.pricing.fee_names()

    def whatif(self, customer_id: str, *, fees: dict[str, str], fee_model: bool,
               price: str | None, behaviour_change: float | None) -> tuple[Any, Any]:
        """One customer's revenue and profit if these fees and this price change for its
        plan applied over the snapshot's window (the pricing what-if of that customer
        alone: no other customer is worked out; nothing written)."""
        snap = self.snapshot()
        found = self.project.scoring.snapshot_customer(snap.id, customer_id)
        plan = found["scorecard"].get("plan")
        p = self.project.pricing
        chosen = p.parse_fees([f"{k}={v}" for k, v in fees.items() if v.strip()]) or None
        prices = p.parse_prices([f"{plan}={price.strip()}"]) if price and price.strip() \
            and plan else []
        with self.reader() as r:
            w = r.metrics.window(snap.as_of, snap.since, snap.until)
            result = r.pricing.whatif(fees=chosen, fee_model=fee_model, prices=prices,
                                      behaviour_change=behaviour_change, window=w,
                                      customer_id=customer_id)
        mine = next((c for c in result.customers if c.customer_id == customer_id), None)
        return result, mine

    def activity(self, customer_id: str) -> Any:
        """Orders, invoices, tickets and monthly trend in the snapshot's window (rows read
        from the warehouse; no scoring)."""
        snap = self.snapshot()
        with self.reader() as r:
            return r.metrics.customer(customer_id, since=snap.since, until=snap.until,
                                      as_of=snap.as_of)

    def ticket(self, ticket_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        with self.reader() as r:
            return r.metrics.ticket_thread(ticket_id)

    # -- cases, outbox, audit, rewards (the CLI's own methods) ----------------
    def cases(self, state: str | None = None, customer_id: str | None = None) -> list[Any]:
        return self.project.actions.cases(state=state, customer_id=customer_id)

    def case(self, case_id: int) -> Any:
        return self.project.actions.case(case_id)

    # Actions may read the warehouse (an offboarding reads the organisation's rows): they
    # run on a pooled handle of their own, like every warehouse read.
    def draft_offboarding(self, customer_id: str, reason: str, actor: str) -> Any:
        with self.reader() as r:
            return r.actions.offboard(customer_id, reason=reason, actor=actor)

    def approve(self, case_id: int, actor: str, override_reason: str | None = None) -> Any:
        with self.reader() as r:
            return r.actions.approve(case_id, actor, override_reason=override_reason)

    def reject(self, case_id: int, actor: str, reason: str) -> Any:
        with self.reader() as r:
            return r.actions.cancel(case_id, actor, reason)

    def step_file(self, case_id: int, step_no: int, index: int) -> tuple[str, bytes]:
        return self.project.actions.step_file(case_id, step_no, index)

    def call_outcomes(self) -> tuple[str, ...]:
        return self.project.actions.call_outcomes()

    def log_call(self, case_id: int, outcome: str, notes: str, actor: str) -> Any:
        with self.reader() as r:
            return r.actions.log_call(case_id, outcome=outcome, notes=notes, actor=actor)

    def outbox(self) -> list[Any]:
        return self.project.actions.outbox()

    def audit_events(self) -> list[Any]:
        return self.project.audit.events()

    def verify_audit(self) -> Any:
        return self.project.audit.verify()

    def draws(self) -> list[Any]:
        return self.project.rewards.draws()

    def verify_draw(self, draw_id: int) -> Any:
        with self.reader() as r:
            return r.rewards.verify(draw_id)

    def reward_plan(self, actor: str | None = None) -> tuple[Any, Any]:
        """Who is eligible for a reward now (the newest stored run's facts); saved as a
        draw when ``actor`` is given, else only shown."""
        with self.reader() as r:
            return r.rewards.plan(save=actor is not None, actor=actor)

    def commit_draw(self, draw_id: int, actor: str) -> Any:
        with self.reader() as r:
            return r.rewards.commit(draw_id, actor)

    def run_draw(self, draw_id: int, actor: str) -> Any:
        with self.reader() as r:
            return r.rewards.draw(draw_id, actor)


def iso(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(sep=" ", timespec="minutes")
