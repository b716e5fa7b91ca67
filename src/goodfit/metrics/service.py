"""The metrics capability for a project: cost to serve, profit and concentration."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from goodfit.errors import InvalidChoice, MissingCurrencyRate
from goodfit.window import Window, window_rows

if TYPE_CHECKING:  # the metric code (Ibis, pandas) loads when a figure is asked for
    import ibis

    from goodfit.metrics.breakdown import ByCustomer, CustomerBreakdown
    from goodfit.metrics.concentration import Concentration
    from goodfit.metrics.coverage import DataCoverage
    from goodfit.metrics.usage import PlanUsage
    from goodfit.workspace import When, Workspace


class Metrics:
    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def tables(self) -> dict[str, ibis.Table]:
        """The canonical tables, once every currency in them has a rate to the project's."""
        from goodfit.metrics.common import missing_rates

        tables = self._ws.tables()
        missing = missing_rates(tables, self._ws.config)
        if missing:
            raise MissingCurrencyRate(missing, self._ws.config.project.currency)
        return tables

    def window(self, as_of: When = None, since: When = None, until: When = None, *,
               window: Window | None = None) -> Window:
        return self._ws.window(as_of, since, until, window=window)

    def coverage(self, as_of: When = None, since: When = None, until: When = None, *,
                 window: Window | None = None) -> DataCoverage:
        """What the data supports per capability (logged vs estimated support minutes, …).

        The default window's coverage is kept in ``.goodfit/cache/coverage.json`` under the
        warehouse's shape and the configuration, so ``goodfit status`` answers without
        loading the metric engine until the data or goodfit.toml changes. The cache holds
        nothing the warehouse does not: deleting it only costs the next status a second."""
        from goodfit.metrics.coverage import DataCoverage, data_coverage

        default = window is None and as_of is None and since is None and until is None
        key = self._coverage_key() if default else None
        cached = _read_cache(self._cache_file, key) if key else None
        if cached is not None:
            return DataCoverage.from_dict(cached)
        found = data_coverage(self._ws.tables(), self._ws.config,
                              self._ws.window(as_of, since, until, window=window))
        if key:
            _write_cache(self._cache_file, key, found.to_dict())
        return found

    @property
    def _cache_file(self) -> Path:
        from goodfit.locking import LOCK_DIR

        return self._ws.root / LOCK_DIR / "cache" / "coverage.json"

    def _coverage_key(self) -> str:
        """What the figures depend on: the data, goodfit.toml, and the code that counts
        them (its source, so an upgrade of goodfit never shows an old count)."""
        import hashlib

        code = b"".join((Path(__file__).parent / f).read_bytes()
                        for f in ("coverage.py", "support.py"))
        config = self._ws.config.model_dump_json()
        return hashlib.sha256(code + f"|{self._ws.warehouse.shape()}|{config}".encode()
                              ).hexdigest()

    def window_rows(self, window: Window) -> dict[str, int]:
        """How many rows of each dated table fall inside the window (every output says so)."""
        return window_rows(self._ws.tables(), window)

    def scorecard(self, as_of: When = None, since: When = None, until: When = None, *,
                  window: Window | None = None) -> ibis.Table:
        """One row per customer: revenue, cost to serve, profit, shares (an Ibis table:
        keep composing, or ``.to_pandas()`` / ``.to_pyarrow()``)."""
        from goodfit.metrics.scorecard import scorecard

        tables = self.tables()
        return scorecard(tables, self._ws.config, self._ws.window(as_of, since, until,
                                                                  window=window))

    def customer(self, customer_id: str, as_of: When = None, since: When = None,
                 until: When = None, *, window: Window | None = None) -> CustomerBreakdown:
        """One customer's figures with the rows behind each and a monthly trend."""
        from goodfit.metrics.breakdown import CustomerBreakdown

        tables = self.tables()
        self._ws.require_customer(customer_id)
        w = self._ws.window(as_of, since, until, window=window)
        return CustomerBreakdown.collect(tables, self._ws.config, w, customer_id)

    def concentration(self, by: str = "tickets", as_of: When = None, since: When = None,
                      until: When = None, *, window: Window | None = None) -> Concentration:
        """Lorenz curve, Gini, top sets and knee of tickets, minutes or cost."""
        from goodfit.metrics.concentration import LOADS, concentration

        if by not in LOADS:
            raise InvalidChoice("by", by, list(LOADS))
        return concentration(self.scorecard(as_of, since, until, window=window), by)

    def service_columns(self, columns: str | None) -> tuple[str, ...]:
        """Service-level column names from "a,b" ("service": all of them); an unknown name
        is an error naming the known ones."""
        from goodfit.metrics.service_levels import SERVICE_COLUMNS

        out: list[str] = []
        for name in (c.strip() for c in (columns or "").split(",") if c.strip()):
            if name == "service":
                out += [c for c in SERVICE_COLUMNS if c not in out]
            elif name in SERVICE_COLUMNS:
                out.append(name)
            else:
                raise InvalidChoice("column", name, ["service", *SERVICE_COLUMNS])
        return tuple(out)

    def with_service_levels(self, card: ibis.Table, columns: Sequence[str], *,
                            window: Window) -> ibis.Table:
        """``card`` with service-level columns (metrics/service_levels.py) joined by
        customer; NULL where a customer has no ticket with that time in the window."""
        from goodfit.metrics.service_levels import service_levels

        sl = service_levels(self.tables(), self._ws.config, window).rename(
            _sl_id="customer_id")
        j = card.left_join(sl.select("_sl_id", *columns), card.customer_id == sl._sl_id)
        return j.drop("_sl_id")

    def service_levels(self, window: Window) -> ByCustomer:
        """Service-level figures of every customer with tickets in the window, kept
        compact for one-at-a-time look-ups (``.get(customer_id)``: [] or its one row).
        The same figures as the report and ``goodfit customer``
        (metrics/service_levels.py)."""
        from goodfit.metrics.breakdown import ByCustomer
        from goodfit.metrics.service_levels import service_levels

        return ByCustomer.of(service_levels(self.tables(), self._ws.config, window)
                             .to_pyarrow())

    def monthly_by_customer(self, window: Window) -> ByCustomer:
        """Every customer's revenue, tickets, minutes, support and other cost, cost to
        serve and profit per month of the window (the monthly trend of ``goodfit
        customer``), kept compact for one-at-a-time look-ups (``.get(customer_id)``)."""
        from goodfit.metrics.breakdown import ByCustomer, monthly_trend

        return ByCustomer.of(monthly_trend(self.tables(), self._ws.config, window)
                             .to_pyarrow())

    def service_targets(self) -> dict[str, dict[str, float]]:
        """The targets the service-level breaches are judged against, by ticket priority
        (``[service_levels]``; "default": no priority or one not listed)."""
        sl = self._ws.config.service_levels
        return {"first_response_minutes": dict(sl.first_response_minutes),
                "resolution_hours": dict(sl.resolution_hours)}

    def plan_usage(self, window: Window) -> dict[str, PlanUsage]:
        """By plan, the usage per period of every customer on it, by metric (one read):
        compare any of them with the others through ``.against_peers(customer_id)``. A
        plan nobody on it used anything of is absent."""
        from goodfit.metrics.usage import PlanUsage

        return PlanUsage.collect(self.tables(), self._ws.config, window)

    # -- reads for the web app: totals per month, customer look-ups, cited rows ------
    def monthly_totals(self, window: Window) -> list[dict[str, Any]]:
        """All customers' revenue, tickets, support and other cost, profit per month of the
        window (the customer monthly trend, summed)."""
        from goodfit.metrics.breakdown import monthly_trend

        m = monthly_trend(self.tables(), self._ws.config, window)
        agg = m.group_by("month").aggregate(
            revenue=m.revenue.sum(), tickets=m.tickets.sum(), support_cost=m.support_cost.sum(),
            other_cost=m.other_cost.sum(), profit=m.profit.sum()).order_by("month")
        return list(agg.to_pyarrow().to_pylist())

    def customer_ids_where(self, *, email: str | None = None,
                           country: str | None = None) -> set[str]:
        """Ids of customers whose e-mail contains ``email`` (case-insensitive) and whose
        country is ``country``: bound values in an Ibis expression, never SQL text."""
        t = self._ws.warehouse.table("customers")
        if email:
            t = t.filter(t.email.lower().contains(email.strip().lower()))
        if country:
            t = t.filter(t.country.upper() == country.strip().upper())
        return {i for i in t.select("customer_id").to_pyarrow().column(0).to_pylist() if i}

    def country_of_customers(self) -> dict[str, str | None]:
        """Each customer's country as the customers table has it (kept with a snapshot)."""
        t = self._ws.warehouse.table("customers").select("customer_id", "country")
        return {str(r["customer_id"]): r["country"] for r in t.to_pyarrow().to_pylist()
                if r["customer_id"] is not None}

    def countries(self) -> list[str]:
        t = self._ws.warehouse.table("customers")
        return sorted(c for c in t.select("country").distinct().to_pyarrow().column(0)
                      .to_pylist() if c)

    def evidence_rows(self, refs: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
        """The rows evidence cites, for reading: tickets (subject, opened) and messages
        (body, author, sent). Keys are (kind, id); ids not found are absent."""
        out: dict[tuple[str, str], dict[str, Any]] = {}
        specs = {"ticket": ("tickets", "ticket_id",
                            ["ticket_id", "customer_id", "opened_at", "priority", "subject"]),
                 "message": ("messages", "message_id",
                             ["message_id", "ticket_id", "sent_at", "author_role", "body"])}
        for kind, (table, key, cols) in specs.items():
            ids = sorted({str(r["id"]) for r in refs if r.get("kind") == kind})
            if not ids:
                continue
            for row in self._ws.warehouse.lookup(table, key, ids,
                                                 [c for c in cols if c != key]):
                out[(kind, str(row[key]))] = {c: row[c] for c in cols}
        return out

    def ticket_thread(self, ticket_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A ticket and its messages in order."""
        from goodfit.errors import UnknownTicket

        t = self._ws.warehouse.table("tickets")
        rows = t.filter(t.ticket_id == ticket_id).to_pyarrow().to_pylist()
        if not rows:
            raise UnknownTicket(ticket_id)
        m = self._ws.warehouse.table("messages")
        msgs = (m.filter(m.ticket_id == ticket_id).order_by(["sent_at", "message_id"])
                .to_pyarrow().to_pylist())
        return rows[0], msgs


def _read_cache(path: Path, key: str) -> Any:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data.get("value") if isinstance(data, dict) and data.get("key") == key else None


def _write_cache(path: Path, key: str, value: Any) -> None:
    """Written beside and renamed over, so a reader sees the old copy or the new one; a
    folder it cannot write to only means no cache."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"key": key, "value": value}), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        return
