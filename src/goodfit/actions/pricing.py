"""The pricing capability for a project: fee and price what-ifs (read-only)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from goodfit.actions.whatif import PriceChange, WhatIf
    from goodfit.metrics.service import Metrics
    from goodfit.window import Window
    from goodfit.workspace import When, Workspace


class Pricing:
    def __init__(self, ws: Workspace, metrics: Metrics) -> None:
        self._ws = ws
        self._metrics = metrics

    @staticmethod
    def fee_names() -> list[str]:
        """The fees a what-if can charge (``[fees]``: manual_order, support_hour, …)."""
        from goodfit.metrics.fees import FEES

        return list(FEES)

    @staticmethod
    def parse_fees(texts: list[str]) -> dict[str, Decimal]:
        """``["manual_order=7", …]`` from the command line or a form."""
        from goodfit.actions.whatif import parse_fee

        return dict(parse_fee(t) for t in texts)

    @staticmethod
    def parse_prices(texts: list[str]) -> list[PriceChange]:
        from goodfit.actions.whatif import parse_price

        return [parse_price(t) for t in texts]

    def whatif(self, *, fees: dict[str, Decimal] | None = None, fee_model: bool = False,
               prices: list[PriceChange] | None = None, churn: float | None = None,
               behaviour_change: float | None = None, as_of: When = None,
               window: Window | None = None, customer_id: str | None = None) -> WhatIf:
        """Revenue and profit per customer if these fees and prices applied, over the
        same window (the one resolver) the scorecard uses. Reads only.

        Fees only when asked: ``fees`` alone charges just those; ``fee_model`` charges
        every fee of ``[fees]`` (what segments and explain assume), ``fees`` overriding
        single amounts. ``customer_id``: work out that customer alone (its row equals
        its row of the whole what-if; the totals are its own)."""
        from goodfit.actions import whatif

        window = self._ws.window(as_of, window=window)
        return whatif.evaluate(self._metrics.tables(), self._ws.config, window, fees=fees,
                               fee_model=fee_model, prices=prices, churn=churn,
                               behaviour_change=behaviour_change, customer_id=customer_id)
