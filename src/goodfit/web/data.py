"""The web app's one door to goodfit: every read and action goes through ``Project`` here.

Pages and the API call this adapter only, so a renamed ``Project`` method is changed in
one file. Reads show the newest stored score snapshot; nothing here scores, imports or
writes results. Figures of an immutable snapshot (overview, concentration, monthly trend)
are kept per snapshot id once read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from goodfit.errors import GoodfitError
from goodfit.project import Project
from goodfit.scoring.browse import SORT_KEYS, CustomerPage, CustomerQuery

__all__ = ["SORT_KEYS", "CustomerPage", "CustomerQuery", "NoSnapshot", "WebData"]


class NoSnapshot(GoodfitError):
    code = "no_snapshot"

    def __init__(self) -> None:
        super().__init__("no score snapshot yet: run `goodfit score --snapshot` (or "
                         "`goodfit analyze`) in the project, then reload")


@dataclass
class _Cached:
    overview: dict[str, Any]
    concentration: Any
    monthly: list[dict[str, Any]] | None
    monthly_error: str | None
    flag_codes: list[str]
    countries: list[str]


class WebData:
    def __init__(self, project: Project) -> None:
        self.project = project
        self._cache: dict[int, _Cached] = {}
        self._lock = threading.Lock()

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
                monthly: list[dict[str, Any]] | None = p.metrics.monthly_totals(
                    p.metrics.window(info.as_of, info.since, info.until))
                monthly_error = None
            except GoodfitError as exc:  # warehouse changed since: say so, show the rest
                monthly, monthly_error = None, exc.message
            try:
                countries = p.metrics.countries()
            except GoodfitError:
                countries = []
            hit = _Cached(overview, conc, monthly, monthly_error,
                          p.scoring.snapshot_flag_codes(snapshot_id), countries)
            self._cache = {snapshot_id: hit}  # only the newest snapshot is shown
            return hit

    def overview(self) -> dict[str, Any]:
        snap = self.snapshot()
        c = self._cached(snap.id)
        return {**c.overview, "concentration": c.concentration, "monthly": c.monthly,
                "monthly_error": c.monthly_error}

    def choices(self) -> dict[str, list[str]]:
        snap = self.snapshot()
        c = self._cached(snap.id)
        return {"segments": sorted(c.overview["segments"]), "flags": c.flag_codes,
                "plans": c.overview["plans"], "countries": c.countries,
                "sorts": list(SORT_KEYS)}

    def customers(self, query: CustomerQuery, *, email_or_id: str | None = None,
                  country: str | None = None) -> CustomerPage:
        """A page of customers. The search text also matches e-mail addresses (found in
        the customers table, then matched by id)."""
        from dataclasses import replace

        snap = self.snapshot()
        p = self.project
        if country:
            query = replace(query, ids=frozenset(p.metrics.customer_ids_where(country=country)))
        if email_or_id and email_or_id.strip():
            also = frozenset(p.metrics.customer_ids_where(email=email_or_id)) if "@" in email_or_id \
                or "." in email_or_id else frozenset()
            query = replace(query, search=email_or_id, also_ids=also)
        return p.scoring.snapshot_customers(snap.id, query)

    def customer(self, customer_id: str) -> dict[str, Any]:
        snap = self.snapshot()
        found = self.project.scoring.snapshot_customer(snap.id, customer_id)
        refs = [e for f in found["flags"] for e in f["evidence"]]
        try:
            found["evidence_rows"] = self.project.metrics.evidence_rows(refs)
        except GoodfitError:
            found["evidence_rows"] = {}
        return found

    def activity(self, customer_id: str) -> Any:
        """Orders, invoices, tickets and monthly trend in the snapshot's window (rows read
        from the warehouse; no scoring)."""
        snap = self.snapshot()
        return self.project.metrics.customer(customer_id, since=snap.since, until=snap.until,
                                             as_of=snap.as_of)

    def ticket(self, ticket_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        return self.project.metrics.ticket_thread(ticket_id)

    # -- cases, outbox, audit, rewards (the CLI's own methods) ----------------
    def cases(self, state: str | None = None) -> list[Any]:
        return self.project.actions.cases(state=state)

    def case(self, case_id: int) -> Any:
        return self.project.actions.case(case_id)

    def draft_offboarding(self, customer_id: str, reason: str, actor: str) -> Any:
        return self.project.actions.offboard(customer_id, reason=reason, actor=actor)

    def approve(self, case_id: int, actor: str, override_reason: str | None = None) -> Any:
        return self.project.actions.approve(case_id, actor, override_reason=override_reason)

    def reject(self, case_id: int, actor: str, reason: str) -> Any:
        return self.project.actions.cancel(case_id, actor, reason)

    def outbox(self) -> list[Any]:
        return self.project.actions.outbox()

    def audit_events(self) -> list[Any]:
        return self.project.audit.events()

    def verify_audit(self) -> Any:
        return self.project.audit.verify()

    def draws(self) -> list[Any]:
        return self.project.rewards.draws()

    def verify_draw(self, draw_id: int) -> Any:
        return self.project.rewards.verify(draw_id)


def iso(value: datetime | None) -> str:
    return "" if value is None else value.isoformat(sep=" ", timespec="minutes")
