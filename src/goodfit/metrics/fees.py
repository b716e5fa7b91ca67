"""The one fee model: what a customer would pay in fees for the load it creates.

Segments (is a customer fixable by pricing?), ``explain`` (the reason "fees of X would
bring margin to Y") and ``whatif --fees`` all call :func:`customer_fees` with the
``[fees]`` settings, so they name the same amount for the same customer and window.

| fee            | charged per                                                   | cost it makes avoidable |
| -------------- | ------------------------------------------------------------- | ----------------------- |
| manual_order   | manual order (a channel outside [costs] self_service_channels) | order_handling_cost     |
| custom_setup   | order flagged ``custom``                                      | custom_work_cost        |
| support_hour   | staff hour beyond ``included_support_hours_per_month`` × the  | support_cost            |
|                | months the customer was in the window (at least one month)    |                         |
| usage          | unit of usage cost beyond allowance (1.5: billed at cost × 1.5) | usage_cost            |
| direct_costs   | unit of direct cost (1: licences passed through at cost)      | direct_cost             |

Each fee is rounded to cents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from goodfit.money import cents

# fee name → (what it is charged per, the scorecard cost it makes avoidable)
FEES: dict[str, tuple[str, str]] = {
    "manual_order": ("manual orders", "order_handling_cost"),
    "custom_setup": ("orders flagged custom", "custom_work_cost"),
    "support_hour": ("staff hours of support beyond the included hours", "support_cost"),
    "usage": ("units of usage cost beyond allowance", "usage_cost"),
    "direct_costs": ("units of direct (licence, third-party) cost", "direct_cost"),
}


def _d(value: Any) -> Decimal:
    if value is None or (isinstance(value, float) and value != value):
        return Decimal(0)
    return Decimal(str(value))


@dataclass(frozen=True)
class FeeBasis:
    """What one customer's load gives each fee to charge on (one window)."""

    manual_orders: int = 0
    custom_orders: int = 0
    support_minutes: Decimal = Decimal(0)
    months: Decimal = Decimal(1)  # months the customer was in the window
    usage_cost: Decimal = Decimal(0)
    direct_cost: Decimal = Decimal(0)

    @classmethod
    def from_scorecard(cls, row: Mapping[str, Any], manual_orders: int,
                       custom_orders: int) -> FeeBasis:
        """From a scorecard row and the customer's order counts
        (:func:`goodfit.metrics.orders.order_counts`)."""
        return cls(manual_orders=int(manual_orders), custom_orders=int(custom_orders),
                   support_minutes=_d(row.get("support_minutes")),
                   months=_d(row.get("months_in_window")),
                   usage_cost=_d(row.get("usage_cost")),
                   direct_cost=_d(row.get("direct_cost")))

    def support_hours(self) -> Decimal:
        return self.support_minutes / 60

    def quantity(self, fee: str, included_support_hours_per_month: float) -> Decimal:
        """How many units of ``fee`` this load is charged for."""
        if fee == "manual_order":
            return Decimal(self.manual_orders)
        if fee == "custom_setup":
            return Decimal(self.custom_orders)
        if fee == "support_hour":
            included = (Decimal(str(included_support_hours_per_month))
                        * max(self.months, Decimal(1)))
            return max(Decimal(0), self.support_hours() - included)
        if fee == "usage":
            return self.usage_cost
        if fee == "direct_costs":
            return self.direct_cost
        raise KeyError(fee)

    def share_charged(self, fee: str, included_support_hours_per_month: float) -> Decimal:
        """The share of the fee's matching cost that the charged units stand for (support
        hours within the included hours are not charged, so not avoided either)."""
        if fee != "support_hour":
            return Decimal(1)
        hours = self.support_hours()
        if hours <= 0:
            return Decimal(0)
        return self.quantity(fee, included_support_hours_per_month) / hours


def customer_fees(basis: FeeBasis, fees: Mapping[str, Decimal],
                  included_support_hours_per_month: float,
                  keep: Decimal = Decimal(1)) -> dict[str, Decimal]:
    """Fee income per fee (cents) for one customer: fee × quantity × ``keep`` (the share
    of fee-triggering behaviour that goes on; 1 unless a what-if assumes otherwise)."""
    return {name: cents(Decimal(str(amount))
                        * basis.quantity(name, included_support_hours_per_month) * keep)
            for name, amount in fees.items()}
