"""The metrics capability for a project: cost to serve, profit and concentration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from goodfit.errors import InvalidChoice, MissingCurrencyRate
from goodfit.metrics.breakdown import CustomerBreakdown
from goodfit.metrics.common import missing_rates
from goodfit.metrics.concentration import LOADS, Concentration, concentration
from goodfit.metrics.scorecard import scorecard
from goodfit.window import Window, window_rows

if TYPE_CHECKING:
    import ibis

    from goodfit.workspace import When, Workspace


class Metrics:
    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def tables(self) -> dict[str, ibis.Table]:
        """The canonical tables, once every currency in them has a rate to the project's."""
        tables = self._ws.tables()
        missing = missing_rates(tables, self._ws.config)
        if missing:
            raise MissingCurrencyRate(missing, self._ws.config.project.currency)
        return tables

    def window(self, as_of: When = None, since: When = None, until: When = None, *,
               window: Window | None = None) -> Window:
        return self._ws.window(as_of, since, until, window=window)

    def window_rows(self, window: Window) -> dict[str, int]:
        """How many rows of each dated table fall inside the window (every output says so)."""
        return window_rows(self._ws.tables(), window)

    def scorecard(self, as_of: When = None, since: When = None, until: When = None, *,
                  window: Window | None = None) -> ibis.Table:
        """One row per customer: revenue, cost to serve, profit, shares (an Ibis table:
        keep composing, or ``.to_pandas()`` / ``.to_pyarrow()``)."""
        tables = self.tables()
        return scorecard(tables, self._ws.config, self._ws.window(as_of, since, until,
                                                                  window=window))

    def customer(self, customer_id: str, as_of: When = None, since: When = None,
                 until: When = None, *, window: Window | None = None) -> CustomerBreakdown:
        """One customer's figures with the rows behind each and a monthly trend."""
        tables = self.tables()
        self._ws.require_customer(customer_id)
        w = self._ws.window(as_of, since, until, window=window)
        return CustomerBreakdown.collect(tables, self._ws.config, w, customer_id)

    def concentration(self, by: str = "tickets", as_of: When = None, since: When = None,
                      until: When = None, *, window: Window | None = None) -> Concentration:
        """Lorenz curve, Gini, top sets and knee of tickets, minutes or cost."""
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
