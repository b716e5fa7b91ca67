"""Small expression helpers shared by the metric modules (money, currency, months)."""

from __future__ import annotations

from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

from goodfit.config import Config
from goodfit.warehouse import require_customer

MONEY = dt.Decimal(18, 4)
RATE = dt.Decimal(18, 6)
TABLES = dict[str, ir.Table]
__all__ = ["require_customer"]  # the one customer lookup lives in goodfit.warehouse


def money(value: ir.NumericValue) -> ir.DecimalValue:
    """Exact money column: DECIMAL(18,4) on every backend."""
    return value.cast(MONEY)


def zero() -> ir.DecimalValue:
    return ibis.literal(Decimal("0"), type=MONEY)


def dec(value: Decimal | float | str) -> ir.DecimalValue:
    return ibis.literal(Decimal(str(value)), type=RATE)


def to_project(amount: ir.DecimalValue, currency: ir.StringValue, config: Config) -> ir.Value:
    """``amount`` in the project currency, rounded to 4 places; NULL for a currency with no
    configured rate (the facade refuses to run before that happens, see ``missing_rates``)."""
    project = config.project.currency.upper()
    code = currency.strip().upper()
    cases = [(code.isnull() | (code == "") | (code == project), money(amount))]
    for name, rate in sorted(config.costs.currency_rates.items()):
        if name.upper() != project:
            cases.append((code == name.upper(), money((amount * dec(rate)).round(4))))
    return ibis.cases(*cases, else_=ibis.null(MONEY))


def number(value: float) -> ir.FloatingValue:
    """A DOUBLE literal on every backend. (A bare 6.0 is NUMERIC to PostgreSQL, and Ibis
    drops a cast to the type it already infers, so go through an exact decimal.)"""
    return ibis.literal(Decimal(str(value)), type=RATE).cast("float64")


def labour_cost(minutes: ir.NumericValue, config: Config) -> ir.DecimalValue:
    """Minutes of staff time × [costs] staff_hourly_rate / 60, rounded to cents per row."""
    rate = float(config.costs.staff_hourly_rate)
    return money((minutes.cast("float64") * rate / 60.0).round(2))


def labour_cents(minutes: ir.NumericValue, config: Config) -> ir.IntegerValue:
    """The same cost as ``labour_cost`` in whole cents: integer sums are exact and fast."""
    rate = float(config.costs.staff_hourly_rate)
    return (minutes.cast("float64") * (rate * 100.0 / 60.0)).round(0).cast("int64")


def from_cents(cents: ir.IntegerValue) -> ir.DecimalValue:
    return money(money(cents) * ibis.literal(Decimal("0.01"), type=MONEY))


def month(at: ir.TimestampValue) -> ir.TimestampValue:
    return at.truncate("M")


def currency_columns() -> tuple[tuple[str, str], ...]:
    """(table, column) pairs holding a currency code for money the metrics convert."""
    return (("invoices", "currency"), ("payments", "currency"), ("costs", "currency"))


def missing_rates(tables: TABLES, config: Config) -> set[str]:
    """Currencies present in the data that [costs] currency_rates cannot convert."""
    known = {k.upper() for k in config.costs.currency_rates} | {config.project.currency.upper()}
    parts = [tables[name].select(c=tables[name][col].strip().upper()).distinct()
             for name, col in currency_columns() if name in tables]
    if not parts:
        return set()
    codes = ibis.union(*parts).to_pyarrow().column("c").to_pylist()
    return {c for c in codes if c} - known

