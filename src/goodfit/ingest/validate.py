"""Parsing and checking every field in SQL, so 10M rows validate at DuckDB speed.

For each canonical column we build two SQL expressions over the raw text: the parsed
value and, when it cannot be parsed or breaks a rule, a reason. Reasons quote the raw
value through SQL string functions on the column itself, never by pasting data into
SQL text (customer data is data, never code).
"""

from __future__ import annotations

from dataclasses import dataclass

from goodfit.config import Config
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
    """Normalise "$1,234.50", "1.234,50 €", "(12.00)", "EUR 5" to a plain decimal literal."""
    s = f"regexp_replace({raw}, '[\\s$€£¥]|^[A-Za-z]{{3}}|[A-Za-z]{{3}}$', '', 'g')"
    s = f"regexp_replace({s}, '^\\((.*)\\)$', '-\\1')"  # accounting negative
    if decimal_comma:
        s = f"replace(regexp_replace({s}, '[.'']', '', 'g'), ',', '.')"
    else:
        s = f"regexp_replace({s}, '[,'']', '', 'g')"
    return s


def field_sql(col: Column, raw: str, native: bool, config: Config) -> FieldSql:
    imp = config.import_
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
        value = f"CASE WHEN {norm} IN ({allowed}) THEN {norm} END"
        problem = f"CASE WHEN {value} IS NULL THEN 'unknown value' END"
        detail = f"{_shown(raw)} || ' is not one of: {', '.join(col.values)}'"
        return FieldSql(col, value, problem, detail)
    if kind is Kind.TIMESTAMP or kind is Kind.DATE:
        formats = "[" + ", ".join(lit(f) for f in imp.timestamp_formats) + "]"
        # Parquet timestamps arrive as ISO text too, so one path serves both; naive
        # values are in the project time zone, values with an offset are exact.
        t = f"trim({raw})"
        with_zone = (f"regexp_matches({t}, "
                     "'\\d:\\d\\d(:\\d\\d(\\.\\d+)?)?\\s*([+-]\\d\\d(:?\\d\\d)?|Z|UTC)$')")
        naive = f"coalesce(TRY_CAST({t} AS TIMESTAMP), try_strptime({t}, {formats}))"
        value = (f"CASE WHEN {with_zone} THEN timezone('UTC', TRY_CAST({t} AS TIMESTAMPTZ)) "
                 f"ELSE timezone('UTC', timezone({tz}, {naive})) END")
        if kind is Kind.DATE:
            value = f"CAST({value} AS DATE)"
        problem = f"CASE WHEN {value} IS NULL THEN 'not a date' END"
        detail = (f"{_shown(raw)} || ' is not a date (expected ISO 8601 or a format from "
                  f"[import] timestamp_formats in goodfit.toml)'")
        return FieldSql(col, value, problem, detail)
    if kind in (Kind.MONEY, Kind.NUMBER, Kind.INTEGER):
        target = {Kind.MONEY: "DECIMAL(18,4)", Kind.NUMBER: "DOUBLE", Kind.INTEGER: "BIGINT"}[kind]
        text = raw if native else _number_text(raw, imp.decimal_comma)
        value = f"TRY_CAST({text} AS {target})"
        if kind is Kind.INTEGER and not native:
            # "3.0" is a fine integer; "3.5" is not
            value = (f"CASE WHEN TRY_CAST({text} AS DOUBLE) = floor(TRY_CAST({text} AS DOUBLE)) "
                     f"THEN TRY_CAST(TRY_CAST({text} AS DOUBLE) AS BIGINT) END")
        what = {Kind.MONEY: "an amount", Kind.NUMBER: "a number", Kind.INTEGER: "a whole number"}
        checks = [(f"{value} IS NULL", "not " + what[kind],
                   f"{_shown(raw)} || ' is not {what[kind]}'")]
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


def parse_select(table: Table, present: dict[str, tuple[str, bool]], config: Config) -> str:
    """SELECT list over RAW: parsed columns, then _field/_problem/_reason of the first bad field.

    ``present`` maps canonical column → (raw column expression, native type?).
    """
    values: list[str] = []
    whens_field: list[str] = []
    whens_problem: list[str] = []
    whens_detail: list[str] = []
    for col in table.columns:
        if col.name not in present:
            values.append(f"CAST(NULL AS {col.sql_type}) AS {q(col.name)}")
            continue
        raw, native = present[col.name]
        f = field_sql(col, raw, native, config)
        values.append(f"{f.value} AS {q(col.name)}")
        blank = f"(trim({raw}) = '' OR {raw} IS NULL)"
        if col.required:
            cond_missing = blank
            whens_field.append(f"WHEN {cond_missing} THEN {lit(col.name)}")
            whens_problem.append(f"WHEN {cond_missing} THEN 'missing'")
            whens_detail.append(f"WHEN {cond_missing} THEN 'required value is missing'")
        cond = f"(NOT {blank} AND ({f.problem}) IS NOT NULL)"
        whens_field.append(f"WHEN {cond} THEN {lit(col.name)}")
        whens_problem.append(f"WHEN {cond} THEN {f.problem}")
        whens_detail.append(f"WHEN {cond} THEN {f.detail}")
    field = "CASE " + " ".join(whens_field) + " END" if whens_field else "NULL"
    problem = "CASE " + " ".join(whens_problem) + " END" if whens_problem else "NULL"
    detail = "CASE " + " ".join(whens_detail) + " END" if whens_detail else "NULL"
    return ", ".join(values) + f", {field} AS _field, {problem} AS _problem, {detail} AS _reason"


def row_hash_sql(table: Table) -> str:
    """md5 over every canonical column: equal rows hash equal on every backend we load."""
    parts = ", ".join(f"coalesce(CAST({q(c.name)} AS VARCHAR), '\\N')" for c in table.columns)
    return f"md5(concat_ws(chr(31), {parts}))"


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
