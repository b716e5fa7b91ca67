"""Exact money: Decimal in Python, DECIMAL(18,4) in the warehouse."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal

CENT = Decimal("0.01")


def cents(value: Decimal | int | float | str) -> Decimal:
    """Round to cents the way accountants do (banker's rounding)."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_EVEN)


def convert(amount: Decimal, currency: str | None, project_currency: str,
            rates: dict[str, Decimal]) -> Decimal:
    """Amount in the project currency; ``rates`` are project units per one foreign unit."""
    if not currency or currency.upper() == project_currency.upper():
        return amount
    try:
        return amount * rates[currency.upper()]
    except KeyError:
        raise KeyError(f"no rate for {currency} in [costs] currency_rates") from None
