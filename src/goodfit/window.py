"""The window every metric is computed for: reproducible figures need fixed dates.

A window is half-open: an event belongs to it when ``since <= at < until``. ``as_of`` is
the moment the figures are "as of": anything recorded at or after it (a late chargeback,
a staff reply written later) is ignored, so re-running with the same window gives the
same numbers even after new data arrives.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from goodfit.errors import InvalidWindow

if TYPE_CHECKING:  # a window is plain dates; Ibis loads when an expression is built
    import ibis.expr.types as ir

# (table, timestamp column) pairs that say how recent the data is.
DATA_TIMESTAMPS: tuple[tuple[str, str], ...] = (
    ("tickets", "opened_at"), ("messages", "sent_at"), ("invoices", "issued_at"),
    ("invoices", "paid_at"), ("payments", "at"), ("orders", "placed_at"),
    ("usage", "period_start"), ("costs", "at"),
)
DEFAULT_MONTHS = 12


def _start_of_next_day(moment: datetime) -> datetime:
    day = datetime(moment.year, moment.month, moment.day)
    return day + timedelta(days=1)


def _as_moment(value: date | datetime | str, *, end_of_day: bool) -> datetime:
    """A date means a whole day: as a start it is midnight, as an end the next midnight."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise InvalidWindow(f"'{value}' is not a date (use YYYY-MM-DD)") from None
        if len(value.strip()) <= 10:  # a bare date
            return _start_of_next_day(parsed) if end_of_day else parsed
        value = parsed
    if isinstance(value, datetime):
        if value.tzinfo is not None:  # the warehouse holds naive UTC
            value = value.astimezone(UTC)
        return value.replace(tzinfo=None)
    moment = datetime(value.year, value.month, value.day)
    return moment + timedelta(days=1) if end_of_day else moment


def months_before(moment: datetime, months: int) -> datetime:
    """Same day and time ``months`` earlier (the 31st falls back to the month's last day)."""
    total = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(total, 12)
    day = moment.day
    while True:
        try:
            return moment.replace(year=year, month=month + 1, day=day)
        except ValueError:
            day -= 1


def whole_months(start: datetime, end: datetime) -> int:
    """Whole calendar months from ``start`` to ``end`` (0 when ``start`` is later): a month
    is complete once the same day *and time of day* is reached, so a customer who signed
    up on 2024-07-01 10:00 has 23 months, not 24, at 2026-07-01 00:00; 2024-01-31 →
    2024-02-29 is 0. Time is compared to the second (every engine can). The one tenure
    rule (scorecard, rewards)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if (end.day, end.time().replace(microsecond=0)) < (start.day,
                                                       start.time().replace(microsecond=0)):
        months -= 1
    return max(months, 0)


def whole_months_expr(start: ir.TimestampValue, end: datetime) -> ir.IntegerValue:
    """:func:`whole_months` in the engine, for a column of starts and one end."""
    import ibis

    def clock(t: ir.TimestampValue) -> ir.IntegerValue:
        return t.hour() * 3600 + t.minute() * 60 + t.second()

    end_clock = end.hour * 3600 + end.minute * 60 + end.second
    later_in_month = (start.day() > end.day) | (
        (start.day() == end.day) & (clock(start) > end_clock))
    months = ((end.year - start.year()) * 12 + (end.month - start.month())
              - ibis.ifelse(later_in_month, 1, 0))
    return ibis.greatest(months, 0).cast("int64")


@dataclass(frozen=True)
class Window:
    as_of: datetime
    since: datetime
    until: datetime

    def __post_init__(self) -> None:
        if not self.since < self.until:
            raise InvalidWindow(f"since ({self.since}) must be before until ({self.until})")
        if self.until > self.as_of:
            raise InvalidWindow(f"until ({self.until}) cannot be after as-of ({self.as_of})")

    @classmethod
    def resolve(cls, tables: Mapping[str, ir.Table], as_of: date | datetime | str | None = None,
                since: date | datetime | str | None = None,
                until: date | datetime | str | None = None, *,
                months: int = DEFAULT_MONTHS) -> Window:
        """The one resolver every command uses. Defaults: as_of = end of the newest data's
        day (:func:`newest_data`), until = as_of, since = until − ``months`` months.
        Dates (no time, as text or ``date``) for until/as_of mean the end of that day: an
        ``--as-of 2026-06-30`` ends every window at 2026-07-01 00:00."""
        until_m = _as_moment(until, end_of_day=True) if until is not None else None
        if as_of is not None:
            as_of_m = _as_moment(as_of, end_of_day=True)
        elif until_m is not None:
            as_of_m = until_m
        else:
            as_of_m = newest_data(tables)
        until_m = until_m or as_of_m
        since_m = (_as_moment(since, end_of_day=False) if since is not None
                   else months_before(until_m, months))
        return cls(as_of=as_of_m, since=since_m, until=until_m)

    # -- expressions ------------------------------------------------------------
    def contains(self, at: ir.TimestampValue) -> ir.BooleanValue:
        import ibis

        return (at >= ibis.literal(self.since, type="timestamp")) & (
            at < ibis.literal(self.until, type="timestamp"))

    def known(self, at: ir.TimestampValue) -> ir.BooleanValue:
        """Recorded before as_of (rows without a time are taken as known)."""
        import ibis

        return at.isnull() | (at < ibis.literal(self.as_of, type="timestamp"))

    def to_dict(self) -> dict[str, str]:
        return {"as_of": self.as_of.isoformat(sep=" "), "since": self.since.isoformat(sep=" "),
                "until": self.until.isoformat(sep=" ")}


def newest_data(tables: Mapping[str, ir.Table]) -> datetime:
    """End of the day of the newest timestamp in the data (today when there is no data):
    the one "newest data" — metrics, scoring, rewards, education and what-ifs all default
    their as-of moment to it."""
    import ibis

    maxima = [tables[name].aggregate(m=tables[name][col].cast("timestamp").max())
              for name, col in DATA_TIMESTAMPS if name in tables and col in tables[name].columns]
    newest: datetime | None = None
    if maxima:  # one query, one row per table, whatever the backend
        values = ibis.union(*maxima).to_pyarrow().column("m").to_pylist()
        moments = [v.replace(tzinfo=None) for v in values if v is not None]
        newest = max(moments) if moments else None
    if newest is None:
        newest = datetime.now().replace(tzinfo=None)
    return _start_of_next_day(newest)


def dated_columns() -> dict[str, str]:
    """The column that dates each table's rows for a window (its first DATA_TIMESTAMPS entry)."""
    out: dict[str, str] = {}
    for name, col in DATA_TIMESTAMPS:
        out.setdefault(name, col)
    return out


def window_rows(tables: dict[str, ir.Table], window: Window) -> dict[str, int]:
    """Rows of each dated table inside the window, in one query: every output states them,
    so a default window that leaves most of a file out can never go unnoticed."""
    import ibis

    counts = [tables[name].filter(window.contains(tables[name][col].cast("timestamp")))
              .aggregate(n=ibis._.count()).mutate(table=ibis.literal(name))
              for name, col in dated_columns().items()
              if name in tables and col in tables[name].columns]
    if not counts:
        return {}
    rows = ibis.union(*counts).to_pyarrow().to_pylist()
    found = {str(r["table"]): int(r["n"]) for r in rows}
    return {name: found.get(name, 0) for name in dated_columns() if name in found}


def describe(window: Window, rows: dict[str, int] | None = None) -> dict[str, object]:
    """The window as every command's JSON states it: dates and rows per table inside."""
    out: dict[str, object] = dict(window.to_dict())
    if rows is not None:
        out["rows"] = rows
    return out
