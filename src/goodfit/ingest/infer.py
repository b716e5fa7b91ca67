"""Reading numbers and dates the way the file means them, or refusing to guess.

``1,234`` is one thousand two hundred thirty-four in a US export and one point two three
four in an Italian one; ``03/04/2026`` is 4 March or 3 April. goodfit reads each column
from all of its values, in one aggregate query per file (set-based SQL, no Python loop
over rows), and picks a reading only when every value agrees with it:

- a number column is read with a decimal comma when some value can only be read so
  (``7,5``, ``0,99``, ``1.234,50``) and none can only be read with a decimal point; the
  other way round likewise; values that fit both (``1,234``) then follow the column;
- a date column in ``NN/NN/YYYY`` form is day-first when some first part is above 12 and
  no second part is, month-first the other way round.

When every value fits both readings, or values need different readings, the import
stops with :class:`goodfit.errors.AmbiguousValues`, naming the file, the column, example
values and the setting that decides (``[import] decimal_comma`` / ``date_order``, or
``--decimal-comma``, ``--decimal-point``, ``--date-order`` on the command line).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb

from goodfit.config import ImportSettings
from goodfit.errors import AmbiguousValues
from goodfit.schema import Kind, Table

# Currency symbols and codes a money cell may carry ("19,90 €", "$1,234.50", "EUR 12",
# "12 kr"): a leading or trailing token of letters or symbols.
CURRENCY_TOKEN = r"^\s*([A-Z]{3}|[^\d\s.,'()+\-]{1,3})\s*|\s*([A-Z]{3}|[^\d\s.,'()+\-]{1,3}\.?)\s*$"

# Symbols that name several currencies; a currency column (or [import] currency_symbols)
# says which one a cell means. Symbols not listed mean what currency_symbols says.
SYMBOL_CURRENCIES: dict[str, tuple[str, ...]] = {
    "$": ("USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN"),
    "kr": ("SEK", "NOK", "DKK", "ISK"),
    "¥": ("JPY", "CNY"),
    "€": ("EUR",),
    "£": ("GBP",),
    "Fr": ("CHF",),
    "zł": ("PLN",),
    "R$": ("BRL",),
    "₹": ("INR",),
}


# The amount without sign, parentheses, currency, spaces and apostrophes (1'234.50).
def bare_number_sql(raw: str) -> str:
    s = f"regexp_replace({raw}, {_l(CURRENCY_TOKEN)}, '', 'g')"
    return f"regexp_replace({s}, '[\\s''()+\\-]', '', 'g')"


# Which readings a bare number fits. Thousands groups start with 1-9 ("0,123" is not
# 123), so only a single separator followed by exactly three digits fits both.
POINT_FORM = r"^(\d+|[1-9]\d{0,2}(,\d{3})+)(\.\d+)?$|^\.\d+$"
COMMA_FORM = r"^(\d+|[1-9]\d{0,2}(\.\d{3})+)(,\d+)?$|^,\d+$"
SLASH_DATE = r"^\s*(\d{1,2})[/-](\d{1,2})[/-](\d{4})\b"

Choice = Literal["decimal point", "decimal comma", "day first", "month first", "plain"]


@dataclass(frozen=True)
class Reading:
    """How one column is read, and whether the values or a setting decided it."""

    column: str
    choice: Choice
    decided_by: Literal["values", "setting"]

    @property
    def decimal_comma(self) -> bool:
        return self.choice == "decimal comma"

    @property
    def month_first(self) -> bool:
        return self.choice == "month first"

    def describe(self) -> str:
        return f"{self.column}: {self.choice} ({'from the values' if self.decided_by == 'values' else 'set'})"


def _l(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _number_columns(tbl: Table, present: dict[str, tuple[str, bool]]) -> list[tuple[str, str]]:
    return [(c.name, present[c.name][0]) for c in tbl.columns
            if c.kind in (Kind.MONEY, Kind.NUMBER) and c.name in present
            and not present[c.name][1]]


def _date_columns(tbl: Table, present: dict[str, tuple[str, bool]]) -> list[tuple[str, str]]:
    return [(c.name, present[c.name][0]) for c in tbl.columns
            if c.kind in (Kind.TIMESTAMP, Kind.DATE) and c.name in present
            and not present[c.name][1]]


def infer_readings(engine: duckdb.DuckDBPyConnection, select: str, file: Path, tbl: Table,
                   present: dict[str, tuple[str, bool]],
                   settings: ImportSettings) -> dict[str, Reading]:
    """One reading per number and date column of the file; raises when undecidable."""
    readings: dict[str, Reading] = {}
    numbers = _number_columns(tbl, present)
    dates = _date_columns(tbl, present)
    if settings.decimal_comma != "auto":
        choice: Choice = "decimal comma" if settings.decimal_comma else "decimal point"
        readings.update({n: Reading(n, choice, "setting") for n, _ in numbers})
        numbers = []
    if settings.date_order != "auto":
        dchoice: Choice = "month first" if settings.date_order == "mdy" else "day first"
        readings.update({n: Reading(n, dchoice, "setting") for n, _ in dates})
        dates = []
    # One scan: classify each value once (cheap tests first, regexes only on candidates),
    # then count classes and keep two example values (min and max) per class.
    classes: list[str] = []
    for i, (_name, raw) in enumerate(numbers):
        b = bare_number_sql(raw)
        cheap = f"(contains({raw}, ',') OR contains({raw}, '.'))"
        p = f"regexp_full_match({b}, {_l(POINT_FORM)})"
        c = f"regexp_full_match({b}, {_l(COMMA_FORM)})"
        classes.append(f"CASE WHEN {cheap} THEN CASE WHEN {p} AND NOT {c} THEN 1 "
                       f"WHEN {c} AND NOT {p} THEN 2 WHEN {c} AND {p} THEN 3 END END AS k{i}, "
                       f"{raw} AS r{i}")
    for j, (_name, raw) in enumerate(dates, start=len(numbers)):
        cheap = (f"(substr(ltrim({raw}), 2, 1) IN ('/', '-') OR "
                 f"substr(ltrim({raw}), 3, 1) IN ('/', '-'))")
        a = f"TRY_CAST(regexp_extract({raw}, {_l(SLASH_DATE)}, 1) AS INTEGER)"
        b = f"TRY_CAST(regexp_extract({raw}, {_l(SLASH_DATE)}, 2) AS INTEGER)"
        classes.append(f"CASE WHEN {cheap} THEN CASE WHEN {a} > 12 AND {b} <= 12 THEN 1 "
                       f"WHEN {b} > 12 AND {a} <= 12 THEN 2 "
                       f"WHEN {a} <> {b} AND {a} <= 12 AND {b} <= 12 THEN 3 END END AS k{j}, "
                       f"{raw} AS r{j}")
    aggs: list[str] = []
    for i in range(len(classes)):
        for k in (1, 2, 3):
            aggs.append(f"count(*) FILTER (WHERE k{i} = {k})")
        for k in (1, 2, 3):
            aggs.append(f"list_distinct([min(r{i}) FILTER (WHERE k{i} = {k}), "
                        f"max(r{i}) FILTER (WHERE k{i} = {k})])")
    if not aggs:
        return readings
    row = engine.execute(f"SELECT {', '.join(aggs)} FROM (SELECT {', '.join(classes)} "
                         f"FROM ({select}))").fetchone()
    assert row is not None
    i = 0
    for name, _raw in numbers:
        point, comma, both, ex_point, ex_comma, ex_both = row[i:i + 6]
        i += 6
        readings[name] = _decide(file, name, (point, comma, both), (ex_point, ex_comma, ex_both),
                                 ("decimal point", "decimal comma"), "number")
    for name, _raw in dates:
        dmy, mdy, both, ex_dmy, ex_mdy, ex_both = row[i:i + 6]
        i += 6
        readings[name] = _decide(file, name, (dmy, mdy, both), (ex_dmy, ex_mdy, ex_both),
                                 ("day first", "month first"), "date")
    return readings


def _decide(file: Path, column: str, counts: tuple[int, int, int],
            examples: tuple[list[str] | None, list[str] | None, list[str] | None],
            choices: tuple[Choice, Choice], what: Literal["number", "date"]) -> Reading:
    first, second, either = counts
    if first and second:
        raise AmbiguousValues(
            file, column, what, conflict=True,
            examples={choices[0]: examples[0] or [], choices[1]: examples[1] or []})
    if first:
        return Reading(column, choices[0], "values")
    if second:
        return Reading(column, choices[1], "values")
    if either:
        raise AmbiguousValues(file, column, what, conflict=False,
                              examples={"either": examples[2] or []})
    # No value tells the readings apart and none needs to (12, 12.50, 2026-04-03, 05/05/2026).
    return Reading(column, "plain", "values")
