"""The metrics capability for a project: cost to serve, profit and concentration."""

from __future__ import annotations

from typing import TYPE_CHECKING

from goodfit.errors import InvalidChoice, MissingCurrencyRate
from goodfit.metrics.breakdown import CustomerBreakdown
from goodfit.metrics.common import missing_rates
from goodfit.metrics.concentration import LOADS, Concentration, concentration
from goodfit.metrics.coverage import DataCoverage, data_coverage
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

    def coverage(self, as_of: When = None, since: When = None, until: When = None, *,
                 window: Window | None = None) -> DataCoverage:
        """What the data supports per capability (logged vs estimated support minutes, …)."""
        return data_coverage(self._ws.tables(), self._ws.config,
                             self._ws.window(as_of, since, until, window=window))

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
