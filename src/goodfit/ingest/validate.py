"""Parsing and checking every field in SQL, so 10M rows validate at DuckDB speed.

For each canonical column we build two SQL expressions over the raw text: the parsed
value and, when it cannot be parsed or breaks a rule, a reason. Reasons quote the raw
value through SQL string functions on the column itself, never by pasting data into
SQL text (customer data is data, never code).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from goodfit.config import Config
from goodfit.ingest.infer import (
    COMMA_FORM,
    CURRENCY_TOKEN,
    POINT_FORM,
    SYMBOL_CURRENCIES,
    Reading,
)
from goodfit.ingest.synonyms import value_map
from goodfit.schema import Column, Kind, Table


def q(name: str) -> str:
    """Quote an identifier."""
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    """A SQL string literal for a value that comes from our own config, not from data."""
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class FieldSql:
    column: Column
    value: str  # parsed value expression
    problem: str  # expression: NULL when fine, else a short generic problem ("not a date")
    detail: str  # expression: the full reason, quoting the value


def _shown(raw: str) -> str:
    # The offending value, shortened, for the reason text.
    return (f"'''' || CASE WHEN length({raw}) > 60 THEN left({raw}, 57) || '...' "
            f"ELSE {raw} END || ''''")


def _number_text(raw: str, decimal_comma: bool) -> str:
    """Normalise "$1,234.50", "1.234,50 €", "(12.00)", "EUR 5" to a plain decimal literal.

    NULL when the digits do not fit the column's notation ("7,5" in a decimal-point
    column is not 75): a value is never read in a way its column does not mean."""
    s = f"regexp_replace(trim({raw}), {lit(CURRENCY_TOKEN)}, '', 'g')"
    s = f"regexp_replace({s}, '[\\s'']', '', 'g')"
    s = f"regexp_replace({s}, '^\\((.*)\\)$', '-\\1')"  # accounting negative
    form = lit(COMMA_FORM if decimal_comma else POINT_FORM)
    fits = f"regexp_full_match(regexp_replace({s}, '^[+-]', ''), {form})"
    s = f"replace(replace({s}, '.', ''), ',', '.')" if decimal_comma else f"replace({s}, ',', '')"
    return f"CASE WHEN {fits} THEN {s} END"


@dataclass(frozen=True)
class CellCurrency:
    """SQL for the currency a money cell names ("19,90 €", "EUR 12"), and the row's."""

    token: str  # the symbol or code as written, NULL when none
    alone: str  # the ISO code the cell means by itself; '?' when the symbol names several
    candidates: str  # list of codes the symbol may mean


def _token_sql(raw: str) -> str:
    t = f"trim({raw})"
    lead = r"^([A-Z]{3}|[^\d\s.,'()+\-]{1,3})\s*[\d(+\-.,]"
    trail = r"[\d)]\s*([A-Z]{3}|[^\d\s.,'()+\-]{1,3}?)\.?$"
    return (f"coalesce(nullif(regexp_extract({t}, {lit(lead)}, 1), ''), "
            f"nullif(regexp_extract({t}, {lit(trail)}, 1), ''))")


def cell_currency(raw: str, config: Config) -> CellCurrency:
    tok = _token_sql(raw)
    symbols = {**{k: v[0] for k, v in SYMBOL_CURRENCIES.items() if len(v) == 1},
               **config.import_.currency_symbols}
    known = " ".join(f"WHEN {lit(k)} THEN {lit(v.upper())}" for k, v in symbols.items())
    alone = (f"CASE WHEN {tok} IS NULL THEN NULL WHEN regexp_full_match({tok}, '[A-Z]{{3}}') "
             f"THEN {tok} ELSE coalesce(CASE {tok} {known} END, '?') END")
    every = {k: sorted({*SYMBOL_CURRENCIES.get(k, ()), *([symbols[k].upper()] if k in symbols
                                                           else [])})
             for k in {*SYMBOL_CURRENCIES, *symbols}}
    lists = " ".join(f"WHEN {lit(k)} THEN [{', '.join(lit(c) for c in v)}]"
                     for k, v in every.items())
    candidates = (f"CASE WHEN regexp_full_match({tok}, '[A-Z]{{3}}') THEN [{tok}] "
                  f"ELSE CASE {tok} {lists} ELSE CAST([] AS VARCHAR[]) END END")
    return CellCurrency(tok, alone, candidates)


# Units written as a clock ("01:30"), not as a decimal number.
CLOCK_UNITS = ("hh:mm", "hh:mm:ss")
_CLOCK_FORM = {"hh:mm": r"(\d{1,9}):([0-5]\d)", "hh:mm:ss": r"(\d{1,9}):([0-5]\d):([0-5]\d)"}
_UNIT_FACTOR = {"seconds": " / 60.0", "hours": " * 60.0", "minutes": ""}


def _unit_hint(table_name: str, col: Column, unit: str | None) -> str:
    if unit and unit != "minutes":
        return (f" (read as {unit}: [mapping.{table_name}.units] {col.name} in goodfit.toml, "
                f"the export profile or --unit {col.name}=UNIT)")
    return (f" (read as minutes; for seconds, hours or hh:mm set [mapping.{table_name}.units]"
            f" {col.name} or --unit {col.name}=UNIT)")


def _clock_sql(col: Column, raw: str, unit: str, table_name: str) -> FieldSql:
    """A duration written as hours:minutes(:seconds), in minutes ("01:30" → 90)."""
    t = f"trim(CAST({raw} AS VARCHAR))"
    form = lit(_CLOCK_FORM[unit])
    part = [f"TRY_CAST(regexp_extract({t}, {form}, {g}) AS DOUBLE)" for g in (1, 2, 3)]
    minutes = f"{part[0]} * 60 + {part[1]}" + (f" + {part[2]} / 60.0" if unit == "hh:mm:ss"
                                                else "")
    value = f"CASE WHEN regexp_full_match({t}, {form}) THEN {minutes} END"
    problem = f"CASE WHEN {value} IS NULL THEN {lit('not a duration in ' + unit)} END"
    example = "01:30 = 90 minutes" if unit == "hh:mm" else "01:30:00 = 90 minutes"
    detail = (f"CASE WHEN {value} IS NULL THEN {_shown(raw)} || "
              f"{lit(f' is not a duration in {unit} ({example}; minutes 00-59)')} || "
              f"{lit(_unit_hint(table_name, col, unit))} END")
    return FieldSql(col, value, problem, detail)


def field_sql(col: Column, raw: str, native: bool, config: Config,
              reading: Reading | None = None, row_currency: str | None = None,
              values_map: Mapping[str, str] | None = None, table_name: str = "TABLE",
              unit: str | None = None) -> FieldSql:
    """The parsed value, problem and reason of one field. ``unit`` (minute-valued columns,
    [mapping.TABLE.units]) is how the file writes the duration; the value is in minutes."""
    imp = config.import_
    if unit in CLOCK_UNITS:
        return _clock_sql(col, raw, unit, table_name)
    decimal_comma = reading.decimal_comma if reading else imp.decimal_comma is True
    tz = lit(config.project.timezone)
    kind = col.kind
    if kind is Kind.STRING:
        value = f"trim({raw})" if col.name.endswith("_id") else raw
        value = f"CASE WHEN trim({raw}) = '' THEN NULL ELSE {value} END"
        bad = f"length({raw}) > {col.max_length}"
        problem = f"CASE WHEN {bad} THEN 'too long' END"
        detail = (f"CASE WHEN {bad} THEN 'too long (' || length({raw}) || ' characters; at most "
                  f"{col.max_length})' END")
        return FieldSql(col, value, problem, detail)
    if kind is Kind.ENUM:
        norm = f"regexp_replace(lower(trim({raw})), '[\\s-]+', '_', 'g')"
        allowed = ", ".join(lit(v) for v in col.values)
        # The user's value map, then the built-in synonyms (goodfit.ingest.synonyms).
        mapped = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in (values_map or {}).items())
        value = (f"CASE WHEN {raw} IN ({allowed}) THEN {raw} "
                 + (f"WHEN {norm} IN ({', '.join(lit(k) for k in values_map or {})}) "
                    f"THEN CASE {norm} {mapped} END " if mapped else "")
                 + f"WHEN {norm} IN ({allowed}) THEN {norm} END")
        problem = f"CASE WHEN {value} IS NULL THEN 'unknown value' END"
        detail = (f"{_shown(raw)} || ' is not one of: {', '.join(col.values)} (map it with "
                  f"[mapping.{table_name}.values.{col.name}] in goodfit.toml or --value "
                  f"\"{col.name}:THEIRS=OURS\")'")
        return FieldSql(col, value, problem, detail)
    if kind is Kind.TIMESTAMP or kind is Kind.DATE:
        order = {"day first": "dmy", "month first": "mdy"}.get(reading.choice) if reading \
            else (None if imp.date_order == "auto" else imp.date_order)
        fmts = list(dict.fromkeys(ordered_format(f, order) for f in imp.timestamp_formats))
        formats = "[" + ", ".join(lit(f) for f in fmts) + "]"
        # Parquet timestamps arrive as ISO text too, so one path serves both; naive
        # values are in the project time zone, values with an offset are exact.
        t = f"trim({raw})"
        with_zone = (f"regexp_matches({t}, "
                     "'\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?\\s*([+-]\\d\\d(:?\\d\\d)?|Z|UTC)$')")
        # CASE evaluates each branch only for the rows that reach it, so the common
        # ISO case pays for one cast, and strptime runs only on what the cast refused.
        naive = (f"CASE WHEN TRY_CAST({t} AS TIMESTAMP) IS NOT NULL THEN TRY_CAST({t} AS TIMESTAMP) "
                 f"ELSE try_strptime({t}, {formats}) END")
        # 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM:SS' cannot carry an offset: cast them directly.
        iso = (f"(length({raw}) = 10 OR (length({raw}) = 19 AND substr({raw}, 17, 1) = ':')) "
               f"AND TRY_CAST({raw} AS TIMESTAMP) IS NOT NULL")
        value = (f"CASE WHEN {iso} THEN TRY_CAST({raw} AS TIMESTAMP) "
                 f"WHEN {with_zone} THEN timezone('UTC', TRY_CAST({t} AS TIMESTAMPTZ)) "
                 f"ELSE {naive} END")
        if config.project.timezone.upper() != "UTC":
            # naive values are in the project zone; values with an offset are already UTC
            value = (f"CASE WHEN {with_zone} THEN {value} "
                     f"ELSE timezone('UTC', timezone({tz}, {value})) END")
        if kind is Kind.DATE:
            value = f"CAST({value} AS DATE)"
        lo, hi = imp.earliest_date.isoformat(), imp.latest_date.isoformat()
        # "infinity" casts to a timestamp too; it is outside every range.
        out = (f"(CAST({value} AS TIMESTAMP) < TIMESTAMP '{lo}' "
               f"OR CAST({value} AS TIMESTAMP) >= TIMESTAMP '{hi}' + INTERVAL 1 DAY)")
        problem = (f"CASE WHEN {value} IS NULL THEN 'not a date' "
                   f"WHEN {out} THEN 'date out of range' END")
        detail = (f"CASE WHEN {value} IS NULL THEN {_shown(raw)} || ' is not a date (expected "
                  f"ISO 8601 or a format from [import] timestamp_formats in goodfit.toml)' "
                  f"WHEN {out} THEN {_shown(raw)} || ' is outside {lo} … {hi} (a placeholder, "
                  f"not a day? the range is [import] earliest_date/latest_date)' END")
        return FieldSql(col, value, problem, detail)
    if kind in (Kind.MONEY, Kind.NUMBER, Kind.INTEGER):
        target = {Kind.MONEY: "DECIMAL(18,4)", Kind.NUMBER: "DOUBLE", Kind.INTEGER: "BIGINT"}[kind]
        text = raw if native else _number_text(raw, decimal_comma)
        value = f"TRY_CAST({text} AS {target})"
        if not native:
            # Fast path for plain numbers; the notation regexes run only on the rest.
            plain = (f"TRY_CAST(replace({raw}, ',', '.') AS {target})" if decimal_comma
                     else f"TRY_CAST({raw} AS {target})")
            # TRY_CAST reads "1e3", "nan", "inf" too; the finite check below refuses the last two.
            guard = f"NOT contains({raw}, '.')" if decimal_comma else "true"
            value = (f"CASE WHEN {guard} AND {plain} IS NOT NULL THEN {plain} "
                     f"ELSE TRY_CAST({text} AS {target}) END")
        if kind is Kind.INTEGER and not native:
            # "3.0" is a fine integer; "3.5" is not
            d = f"TRY_CAST({text} AS DOUBLE)"
            value = (f"CASE WHEN TRY_CAST({raw} AS BIGINT) IS NOT NULL THEN TRY_CAST({raw} AS BIGINT) "
                     f"WHEN {d} = floor({d}) THEN TRY_CAST({d} AS BIGINT) END")
        what = {Kind.MONEY: "an amount", Kind.NUMBER: "a number", Kind.INTEGER: "a whole number"}
        if col.unit == "minutes":
            # a duration: in the declared unit, never negative, converted to minutes
            u = unit or "minutes"
            hint = lit(_unit_hint(table_name, col, unit))
            checks = [(f"{value} IS NULL",
                       f"not a duration in {u}" if unit else "not a number",
                       f"{_shown(raw)} || ' is not ' || "
                       f"{lit(f'a duration in {u}' if unit else 'a number')} || {hint}"),
                      (f"NOT isfinite({value})", "not a finite number",
                       f"{_shown(raw)} || ' is not a finite number'")]
            if unit:
                checks.append((f"{value} < 0", "negative duration",
                               f"{_shown(raw)} || ' is a negative duration' || {hint}"))
            value = f"({value}){_UNIT_FACTOR[u]}"
        else:
            checks = [(f"{value} IS NULL", "not " + what[kind],
                       f"{_shown(raw)} || ' is not {what[kind]}'")]
        if kind is Kind.MONEY and not native:
            cc = cell_currency(raw, config)
            if row_currency is not None:
                clash = (f"{cc.token} IS NOT NULL AND {row_currency} IS NOT NULL AND "
                         f"NOT list_contains({cc.candidates}, upper(trim({row_currency})))")
                checks.append((clash, "currency conflict",
                               f"{_shown(raw)} || ' is in ' || {cc.token} || ', the row says ' "
                               f"|| {row_currency}"))
            unknown = f"{cc.alone} = '?'" + (f" AND {row_currency} IS NULL" if row_currency
                                             else "")
            checks.append((unknown, "currency symbol names several currencies",
                           f"{_shown(raw)} || ': ' || {cc.token} || ' could be ' || "
                           f"array_to_string({cc.candidates}, ', ') || '; say which with a "
                           f"currency column or [import] currency_symbols'"))
        if kind is Kind.NUMBER and col.unit != "minutes":
            # NaN, inf and 1e400 (read as inf) parse as doubles but are not quantities.
            checks.append((f"NOT isfinite({value})", "not a finite number",
                           f"{_shown(raw)} || ' is not a finite number'"))
        if col.min_value is not None:
            checks.append((f"{value} < {col.min_value}", "below minimum",
                           f"{_shown(raw)} || ' is below the minimum {col.min_value:g}'"))
        if col.max_value is not None:
            checks.append((f"{value} > {col.max_value}", "above maximum",
                           f"{_shown(raw)} || ' is above the maximum {col.max_value:g}'"))
        problem = "CASE " + " ".join(f"WHEN {c} THEN {lit(p)}" for c, p, _ in checks) + " END"
        detail = "CASE " + " ".join(f"WHEN {c} THEN {d}" for c, _, d in checks) + " END"
        return FieldSql(col, value, problem, detail)
    if kind is Kind.BOOLEAN:
        norm = f"lower(trim({raw}))"
        value = (f"CASE WHEN {norm} IN ('true','t','yes','y','1') THEN true "
                 f"WHEN {norm} IN ('false','f','no','n','0') THEN false END")
        problem = f"CASE WHEN {value} IS NULL THEN 'not true/false' END"
        detail = f"{_shown(raw)} || ' is not true/false (also yes/no, 1/0)'"
        return FieldSql(col, value, problem, detail)
    raise AssertionError(f"unhandled kind {kind}")  # pragma: no cover


def ordered_format(fmt: str, order: str | None) -> str:
    """``fmt`` with day and month in ``order`` ("dmy"/"mdy") where written NN/NN or NN-NN."""
    for sep in "/-":
        if order == "mdy":
            fmt = fmt.replace(f"%d{sep}%m", f"%m{sep}%d")
        elif order == "dmy":
            fmt = fmt.replace(f"%m{sep}%d", f"%d{sep}%m")
    return fmt


def _currency_sql(table: Table, present: dict[str, tuple[str, bool]],
                  config: Config) -> tuple[str | None, str | None]:
    """(the row's currency for money-cell checks, the currency column's value or None).

    A currency column wins; otherwise the cells' own symbols or codes set it. A table
    without a currency column holds amounts in the project currency."""
    cells = [cell_currency(present[c.name][0], config).alone for c in table.columns
             if c.kind is Kind.MONEY and c.name in present and not present[c.name][1]]
    from_cells = [f"nullif({a}, '?')" for a in cells]
    if "currency" not in table.columns_by_name:
        return lit(config.project.currency.upper()), None
    given = None
    if "currency" in present:
        raw = present["currency"][0]
        given = f"nullif(trim({raw}), '')"
    row = f"coalesce({', '.join([given] if given else from_cells)})" if (given or from_cells) \
        else None
    value = f"coalesce({', '.join(([given] if given else []) + from_cells)})" \
        if from_cells else None
    return row, value


def parse_select(table: Table, present: dict[str, tuple[str, bool]], config: Config,
                 readings: Mapping[str, Reading] | None = None) -> str:
    """SELECT list over the file: parsed columns and _field, the first bad field of the row.

    Only the cheap question — is this row bad, and where — is asked of every row; the
    reason in words is computed afterwards for the bad rows alone (``reasons_select``).
    ``present`` maps canonical column → (raw column expression, native type?).
    """
    values: list[str] = []
    whens: list[str] = []
    row_currency, currency_value = _currency_sql(table, present, config)
    user_maps = config.value_maps(table.name)
    units = config.units(table.name)
    for col in table.columns:
        if col.name == "currency" and currency_value:
            values.append(f"{currency_value} AS currency")
            if col.name not in present:
                continue
            raw, native = present[col.name]
            f = field_sql(col, raw, native, config)
            whens.append(f"WHEN {raw} IS NOT NULL AND ({f.problem}) IS NOT NULL "
                         f"AND trim({raw}) <> '' THEN {lit(col.name)}")
            continue
        if col.name not in present:
            values.append(f"CAST(NULL AS {col.sql_type}) AS {q(col.name)}")
            continue
        raw, native = present[col.name]
        f = field_sql(col, raw, native, config, (readings or {}).get(col.name), row_currency,
                      value_map(table.name, col.name, user_maps.get(col.name)), table.name,
                      units.get(col.name))
        values.append(f"{f.value} AS {q(col.name)}")
        if col.required:
            whens.append(f"WHEN {f.value} IS NULL OR ({f.problem}) IS NOT NULL THEN {lit(col.name)}")
        else:
            whens.append(f"WHEN {raw} IS NOT NULL AND ({f.problem}) IS NOT NULL "
                         f"AND trim({raw}) <> '' THEN {lit(col.name)}")
    field = "CASE " + " ".join(whens) + " END" if whens else "NULL"
    return (", ".join(values) + f", {field} AS _field, CAST(NULL AS VARCHAR) AS _problem, "
            f"CAST(NULL AS VARCHAR) AS _reason, CAST(NULL AS {ISSUES_TYPE}) AS _issues")


ISSUES_TYPE = "STRUCT(f VARCHAR, p VARCHAR, d VARCHAR, v VARCHAR)[]"


def issues_sql(table: Table, present: dict[str, tuple[str, bool]], config: Config,
               readings: Mapping[str, Reading] | None = None) -> str:
    """Every problem of a bad row, not just the first: a list of (field, problem, detail,
    value); see ``issue_columns`` for the quarantine line made of it."""
    items: list[str] = []
    row_currency, _value = _currency_sql(table, present, config)
    user_maps = config.value_maps(table.name)
    units = config.units(table.name)
    for col in table.columns:
        if col.name not in present:
            continue
        raw, native = present[col.name]
        f = field_sql(col, raw, native, config, (readings or {}).get(col.name), row_currency,
                      value_map(table.name, col.name, user_maps.get(col.name)), table.name,
                      units.get(col.name))
        blank = f"({raw} IS NULL OR trim({raw}) = '')"
        shown = f"CASE WHEN length({raw}) > 60 THEN left({raw}, 57) || '...' ELSE {raw} END"
        name = lit(col.name)
        if col.required:
            items.append(f"CASE WHEN {blank} THEN {{'f': {name}, 'p': 'missing', "
                         f"'d': 'required value is missing', 'v': ''}} END")
        cond = f"(NOT {blank} AND ({f.problem}) IS NOT NULL)"
        items.append(f"CASE WHEN {cond} THEN {{'f': {name}, 'p': {f.problem}, 'd': {f.detail}, "
                     f"'v': {shown}}} END")
    if not items:
        return f"CAST([] AS {ISSUES_TYPE})"
    return f"CAST(list_filter([{', '.join(items)}], x -> x IS NOT NULL) AS {ISSUES_TYPE})"


def issue_columns(issues: str) -> str:
    """_field, _problem, _reason and _issues from a list of issues."""
    return (f"array_to_string(list_transform({issues}, x -> x.f), ', ') AS _field, "
            f"{issues}[1].p AS _problem, "
            f"CASE WHEN len({issues}) = 1 THEN {issues}[1].d ELSE "
            f"array_to_string(list_transform({issues}, x -> x.f || ': ' || x.d), '; ') END "
            f"AS _reason, {issues} AS _issues")


def row_hash_sql(table: Table) -> str:
    """A hash of the parsed values of every canonical column, computed by DuckDB for all
    warehouses. DuckDB's hash() is ~10x cheaper than md5 over text; if a DuckDB upgrade
    ever changed it, the next re-import would count rows as updated and rewrite them with
    the same values — never lose or duplicate one."""
    parts = ", ".join(q(c.name) for c in table.columns)
    return f"CAST(hash({parts}) AS VARCHAR)"


def derived_key_sql(table: Table) -> dict[str, str]:
    """Ids some exports lack (contacts, payments): a stable hash of the identifying fields."""
    if table.name == "contacts":
        src = ["customer_id", "name", "email"]
    elif table.name == "payments":
        src = ["customer_id", "invoice_id", "at", "amount", "outcome"]
    else:
        return {}
    key = table.key[0]
    parts = ", ".join(f"coalesce(CAST({q(c)} AS VARCHAR), '')" for c in src)
    return {key: f"coalesce({q(key)}, 'h-' || left(md5(concat_ws(chr(31), {parts})), 16))"}
