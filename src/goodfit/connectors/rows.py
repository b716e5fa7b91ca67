"""From API values to canonical rows: timestamps, exact money, Arrow tables.

Timestamps are written as UTC with an explicit zone, so the importer never reads them in
the project's local time zone. Money is ``Decimal`` all the way; minor units (Stripe's
cents, yen, fils) are converted with the currency's exponent, exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

import pyarrow as pa

from goodfit.schema import TABLES, Kind

ARROW_TYPES: dict[Kind, pa.DataType] = {
    Kind.STRING: pa.string(),
    Kind.ENUM: pa.string(),
    Kind.TIMESTAMP: pa.timestamp("us", tz="UTC"),
    Kind.DATE: pa.date32(),
    Kind.MONEY: pa.decimal128(18, 4),
    Kind.INTEGER: pa.int64(),
    Kind.NUMBER: pa.float64(),
    Kind.BOOLEAN: pa.bool_(),
}
FOUR = Decimal("0.0001")

# ISO 4217 exponents that are not 2 (Stripe's "zero-decimal" and three-decimal lists).
ZERO_DECIMAL = frozenset(
    ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"])
THREE_DECIMAL = frozenset(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"])


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.kind]) for c in TABLES[table].columns])


def to_arrow(table: str, rows: Iterable[dict[str, Any]]) -> pa.Table:
    """Rows (dicts keyed by canonical column names) as an Arrow table of that table's schema."""
    schema = arrow_schema(table)
    rows = list(rows)
    unknown = {k for r in rows for k in r} - set(schema.names)
    if unknown:  # a mapping bug, not a user problem
        raise ValueError(f"{table}: not canonical columns: {sorted(unknown)}")
    columns = {}
    for f in schema:
        convert = _converter(f.type)  # chosen once per column, not per value
        values = [None if (v := r.get(f.name)) is None or v == "" else convert(v)
                  for r in rows]
        columns[f.name] = pa.array(values, type=f.type)
    return pa.table(columns, schema=schema)


def _decimal(value: Any) -> Decimal:
    return Decimal(value).quantize(FOUR, rounding=ROUND_HALF_EVEN)


def _same(value: Any) -> Any:
    return value


def _converter(typ: pa.DataType) -> Any:
    if pa.types.is_decimal(typ):
        return _decimal
    if pa.types.is_string(typ):
        return str
    return _same


def exponent(currency: str | None) -> int:
    code = (currency or "").upper()
    if code in ZERO_DECIMAL:
        return 0
    if code in THREE_DECIMAL:
        return 3
    return 2


def from_minor(amount: int | None, currency: str | None) -> Decimal | None:
    """Stripe-style integer minor units to an exact Decimal in major units."""
    if amount is None:
        return None
    return Decimal(int(amount)).scaleb(-exponent(currency))


def money(value: Any) -> Decimal | None:
    """A decimal string/number from an API ("12.50", 12.5) exactly; None when empty."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def from_unix(value: int | float | None) -> datetime | None:
    if value in (None, 0, ""):
        return None
    return datetime.fromtimestamp(float(value), UTC)  # type: ignore[arg-type]


def parse_time(value: Any, tz: tzinfo = UTC) -> datetime | None:
    """ISO 8601 (with or without zone) or 'YYYY-MM-DD HH:MM:SS'; None for empty/zero dates.

    Values without a zone are read in ``tz`` (the source server's zone).

    WHMCS writes '0000-00-00' for "never"; those become None.
    """
    if value in (None, "") or (isinstance(value, str) and value.startswith("0000-00-00")):
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=tz)
    return dt.astimezone(UTC)


def minutes_from_hhmm(value: str | None) -> float | None:
    """'01:30' (Freshdesk time_spent) → 90.0."""
    if not value:
        return None
    try:
        hours, minutes = str(value).split(":")[:2]
        return int(hours) * 60 + int(minutes)
    except ValueError:
        return None
