"""Import one file into one canonical table: validate, quarantine, upsert — atomically.

The steps, each a few set-based SQL statements in DuckDB (the warehouse itself when it
is DuckDB, an in-memory DuckDB in front of PostgreSQL):

1. read the file as text columns with spreadsheet row numbers (``source``);
2. parse every field and find the first problem per row (``validate``); duplicate keys
   within the file and orphans (unknown parent ids) are problems too;
3. write the rejected rows to quarantine/<table>-<time>.csv with file, row, field, reason;
4. in ONE transaction: delete rows whose key is re-imported with different content,
   insert new and changed rows, record the import. Killed anywhere, the warehouse is the
   before- or the after-state; re-importing the same file changes nothing.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from goodfit.config import Config, ImportSettings, targets
from goodfit.errors import (
    BadMapping,
    DuplicateTarget,
    InputFileError,
    InvalidRow,
    MissingColumns,
    TooManyRejected,
)
from goodfit.ingest.infer import Reading, infer_readings
from goodfit.ingest.loader import DuckDBLoader, Loader, PostgresLoader
from goodfit.ingest.profiles import Profile
from goodfit.ingest.profiles import apply as apply_profile
from goodfit.ingest.result import ImportResult, too_many_rejected, top_reasons
from goodfit.ingest.source import (
    JSON_TABLE,
    SUFFIXES,
    Source,
    file_kind,
    file_sha256,
    numbered_select,
    open_source,
    refuse_long_rows,
    row_number_sql,
    text_select,
)
from goodfit.ingest.source import (
    reader_rejects as read_rejects,
)
from goodfit.ingest.validate import (
    CLOCK_UNITS,
    derived_key_sql,
    field_sql,
    issue_columns,
    issues_sql,
    ordered_format,
    parse_select,
    q,
    row_hash_sql,
)
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.schema import DERIVED_CUSTOMER_FIELDS, IMPORT_ORDER, ROW_HASH, TABLES, Table
from goodfit.schema import table as lookup_table
from goodfit.warehouse import Warehouse, duck_connect

PARSED = "_gf_parsed"
RAW = "_gf_raw"
STAGE = "_gf_stage"
MERGED = "_gf_merged"
DERIVED = "_gf_derived"


def _derive_customers(engine: duckdb.DuckDBPyConnection, loader: Loader,
                      fields: list[str]) -> str:
    """DERIVED: a customers row for each customer id of the valid ticket rows that the
    customers table lacks: the id, and its first ticket's opened_at as signup_at; nothing
    else is invented (no status, plan or currency). ``fields`` are customer columns the
    ticket file was mapped to (``customers.name``): taken when the id's tickets agree on
    one value, else left empty. Returns the stage's name."""
    customers = TABLES["customers"]
    existing = loader.existing_rows(customers, [])
    types = {c.name: c.sql_type for c in customers.columns}
    cols = ", ".join("customer_id" if c == "customer_id" else
                     "first_ticket AS signup_at" if c == "signup_at" else
                     f"_d_{c} AS {q(c)}" if c in fields else
                     f"CAST(NULL AS {types[c]}) AS {q(c)}" for c in customers.column_names)
    agreed = "".join(f", CASE WHEN count(DISTINCT _d_{c}) = 1 THEN min(_d_{c}) END AS _d_{c}"
                     for c in fields)
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE {DERIVED} AS SELECT *, {row_hash_sql(customers)} AS "
        f"{q(ROW_HASH)} FROM (SELECT {cols} FROM (SELECT customer_id, min(opened_at) AS "
        f"first_ticket{agreed} FROM {PARSED} WHERE _field IS NULL AND customer_id IS NOT "
        f"NULL AND customer_id NOT IN (SELECT customer_id FROM {existing}) "
        f"GROUP BY customer_id))")
    return DERIVED


def _derived_fields_sql(file: Path, tbl: Table, present: dict[str, tuple[str, bool]],
                        config: Config, derive_customers: bool) -> tuple[str, list[str]]:
    """Extra PARSED columns (_d_name) for the customer fields a ticket file is mapped to
    (``customers.name``), and those fields; they fill derived customers only."""
    mapped = [k for k in present if k in DERIVED_CUSTOMER_FIELDS]
    if not mapped:
        return "", []
    if tbl.name != "tickets" or not derive_customers:
        raise InputFileError(file, f"{mapped[0]} fills the customers goodfit derives from a "
                                   "ticket file: it needs goodfit import tickets FILE "
                                   "--derive-customers")
    customers = TABLES["customers"]
    parts, fields = [], []
    for key in mapped:
        col = customers.columns_by_name[DERIVED_CUSTOMER_FIELDS[key]]
        raw, native = present[key]
        f = field_sql(col, raw, native, config)
        # a value the column cannot hold is left out (never cut short)
        parts.append(f", CASE WHEN ({f.problem}) IS NULL THEN {f.value} END AS _d_{col.name}")
        fields.append(col.name)
    return "".join(parts), fields


ColumnMap = Mapping[str, str | list[str]]


def check_mapping(source: Source, tbl: Table, mapping: ColumnMap) -> None:
    """A --map pair must name a column of the file and a column of the table: a typo is an
    error with a suggestion, never a column silently dropped."""
    in_file = [c.name.strip().lstrip("\ufeff") for c in source.columns]
    lowered = {c.lower() for c in in_file}
    for theirs, ours in mapping.items():
        for field in targets(ours):
            pair = f"{theirs}={field}"
            if tbl.name == "tickets" and field in DERIVED_CUSTOMER_FIELDS:
                pass  # the derived customer's name (--derive-customers)
            elif field not in tbl.columns_by_name:
                raise BadMapping(pair, f"'{field}' is not a column of {tbl.name}",
                                 tbl.column_names)
            if theirs not in in_file and theirs.lower() not in lowered:
                raise BadMapping(pair, f"'{theirs}' is not a column of {source.file.name}",
                                 in_file)


def _resolve_columns(source: Source, tbl: Table, mapping: ColumnMap) -> tuple[
        dict[str, tuple[str, bool]], list[str]]:
    """Match file columns to canonical ones: explicit mapping first (one file column may
    feed several fields), then same name. Two mapped file columns feeding one field is an
    error: which one holds the value is not for goodfit to guess."""
    present: dict[str, tuple[str, bool]] = {}
    fed_by: dict[str, str] = {}
    mapped: set[int] = set()
    lowered_map = {k.strip().lower(): v for k, v in mapping.items()}
    names = [col.name.strip().lstrip("\ufeff") for col in source.columns]
    for i, (col, name) in enumerate(zip(source.columns, names, strict=True)):
        ours = mapping.get(name) or lowered_map.get(name.lower())
        if not ours:
            continue
        mapped.add(i)
        for field in targets(ours):
            if field in fed_by:
                raise DuplicateTarget(source.file, tbl.name, field, [fed_by[field], name])
            fed_by[field] = name
            present[field] = (f'"c{i}"', col.native)
    ignored: list[str] = []
    for i, (col, name) in enumerate(zip(source.columns, names, strict=True)):
        if i in mapped:
            continue
        ours = name.lower()
        if ours in tbl.columns_by_name and ours not in present:
            present[ours] = (f'"c{i}"', col.native)
        else:
            ignored.append(col.name)
    missing = [c for c in tbl.required if c not in present]
    if missing:
        raise MissingColumns(source.file, tbl.name, missing, [c.name for c in source.columns])
    return present, ignored


def _null_sql(raw: str, tokens: list[str]) -> str:
    """``raw`` with the configured placeholders ("?", "N/A") read as empty. The tokens
    come from goodfit.toml or a profile, never from the data."""
    listed = ", ".join(_lit(t) for t in tokens)
    return f"CASE WHEN trim({raw}) IN ({listed}) THEN NULL ELSE {raw} END"


def _count_nulls(engine: duckdb.DuckDBPyConnection, source: Source,
                 present: dict[str, tuple[str, bool]], tokens: list[str]
                 ) -> dict[str, dict[str, int]]:
    """{file column: {placeholder: cells}} for the imported columns, in one scan."""
    raws = sorted({raw for raw, _native in present.values()})
    by_raw = {f'"c{i}"': c.name for i, c in enumerate(source.columns)}
    pairs = [(raw, t) for raw in raws for t in tokens]
    counts = ", ".join(f"count(*) FILTER (WHERE trim({raw}) = {_lit(t)})" for raw, t in pairs)
    row = engine.execute(f"SELECT {counts} FROM ({text_select(source)})").fetchone()
    assert row is not None
    out: dict[str, dict[str, int]] = {}
    for (raw, token), n in zip(pairs, row, strict=True):
        if n:
            out.setdefault(by_raw[raw], {})[token] = int(n)
    return out


def _engine_for(warehouse: Warehouse) -> tuple[duckdb.DuckDBPyConnection, Loader]:
    if warehouse.backend == "duckdb":
        raw = warehouse.raw
        return raw, DuckDBLoader(raw)
    if warehouse.backend == "postgres":
        engine = duck_connect()
        return engine, PostgresLoader(warehouse.raw, engine)
    raise InputFileError("", f"importing into a {warehouse.backend} warehouse is not supported; "
                             "import into DuckDB or PostgreSQL")


def import_file(warehouse: Warehouse, config: Config, table_name: str, file: Path, *,
                mapping: ColumnMap | None = None, strict: bool | None = None,
                clear_missing: bool | None = None, collapse: str | None = None,
                order_by: str | None = None, state_column: str | None = None,
                sheet: str | None = None, derive_customers: bool = False,
                quarantine_dir: Path, progress: Progress = NO_PROGRESS,
                _origin: str | None = None) -> ImportResult:
    """Import ``file`` into ``table_name``.

    A ``.zip`` holds the CSV (or other file) to import: the one member, or the member
    named after the table when there are several. ``sheet`` picks an .xlsx sheet.

    ``collapse`` ("last"/"first") keeps one row per key of an event log or snapshot
    series, ordered by the file column ``order_by`` (then file order); with
    ``state_column`` (tickets), ``reopened_count`` is the number of events that moved a
    ticket from a state in ``[import] closed_states`` back to another state.

    ``derive_customers`` (tickets): a customer id the customers table lacks becomes a
    customer row holding only its id and, as signup_at, its first ticket's opened_at; it
    is listed in goodfit_derived_customers until a customer file describes it."""
    tbl = lookup_table(table_name)
    if derive_customers and tbl.name != "tickets":
        raise InputFileError(file, "--derive-customers reads customers from a ticket file; "
                                   f"not from {tbl.name}")
    if file_kind(file) == "zip":
        with tempfile.TemporaryDirectory(prefix="goodfit-zip-") as tmp:
            member = unzip_member(file, tbl.name, Path(tmp))
            return import_file(warehouse, config, table_name, member, mapping=mapping,
                               strict=strict, clear_missing=clear_missing, collapse=collapse,
                               order_by=order_by, state_column=state_column, sheet=sheet,
                               derive_customers=derive_customers,
                               quarantine_dir=quarantine_dir, progress=progress,
                               _origin=f"{file.resolve()}!{member.name}")
    strict = config.import_.strict if strict is None else strict
    clear_missing = config.import_.clear_missing if clear_missing is None else clear_missing
    # Mapping from goodfit.toml, overridden by the command line.
    effective_map: dict[str, str | list[str]] = {**config.column_map(tbl.name),
                                                **(mapping or {})}
    started = datetime.now(UTC).replace(tzinfo=None)
    t0 = time.monotonic()
    file = file.resolve()
    file_kind(file)
    if not file.is_file():
        raise InputFileError(file, "no such file")
    progress("read " + file.name, 0, 3)
    # CSV text is checked to be UTF-8 in the same pass (see file_sha256 for why)
    file_hash = file_sha256(file, utf8_text=file_kind(file) == "csv"
                            and config.import_.encoding == "utf-8")
    engine, loader = _engine_for(warehouse)
    fatal = False
    try:
        source = open_source(engine, file, config.import_, sheet)
        check_mapping(source, tbl, mapping or {})
        present, ignored = _resolve_columns(source, tbl, effective_map)
        nulls = config.null_values(tbl.name)
        read_as_empty = _count_nulls(engine, source, present, nulls) if nulls else {}
        if nulls:
            present = {k: (_null_sql(raw, nulls), native) for k, (raw, native) in
                       present.items()}
        extra = _collapse_columns(source, tbl, collapse, order_by, state_column,
                                  config.import_)
        derived_sql, derived_fields = _derived_fields_sql(file, tbl, present, config,
                                                          derive_customers)
        extra += derived_sql
        units = config.units(tbl.name)
        # hh:mm durations are not decimal numbers: no decimal-mark reading for them
        numeric = {k: v for k, v in present.items() if units.get(k) not in CLOCK_UNITS}
        readings = infer_readings(engine, text_select(source), file, tbl, numeric,
                                  config.import_)
        described = [r.describe() for r in readings.values() if r.choice != "plain"] + [
            f"{c}: {u} (set)" for c, u in units.items() if c in present and u != "minutes"]
        engine.execute(f"CREATE OR REPLACE TEMP TABLE {PARSED} AS SELECT _n AS _row, "
                       f"{parse_select(tbl, present, config, readings)}{extra} "
                       f"FROM ({numbered_select(source)})")
        reader_rejects = read_rejects(engine, source)
        if reader_rejects:
            refuse_long_rows(file, config.import_)
        engine.execute(f"UPDATE {PARSED} SET _row = {row_number_sql('_row', reader_rejects)}")
        progress("read " + file.name, 1, 3)
        has_bad = _scalar(engine, f"SELECT count(*) FROM {PARSED} WHERE _field IS NOT NULL") > 0
        if has_bad:
            _explain_bad_rows(engine, source, tbl, present, config, reader_rejects, readings)
        _derive_keys(engine, tbl)
        collapsed = 0
        if collapse:
            _check_order(engine, file, order_by or "")
            collapsed = _collapse(engine, tbl, collapse, state_column is not None,
                                  config.import_.closed_states)
        _mark_duplicates(engine, tbl)
        derived = _derive_customers(engine, loader, derived_fields) if derive_customers \
            else None
        loader.mark_orphans(PARSED, tbl)
        if derived is not None:
            # the ids about to be derived are not orphans
            engine.execute(f"UPDATE {PARSED} SET _field = NULL, _problem = NULL, _reason = NULL "
                           f"WHERE _problem = 'unknown customer' AND customer_id IN "
                           f"(SELECT customer_id FROM {DERIVED})")
        rows_read = _scalar(engine, f"SELECT count(*) FROM {PARSED}") + len(reader_rejects) \
            + collapsed
        rejected = _scalar(engine, f"SELECT count(*) FROM {PARSED} WHERE _field IS NOT NULL") \
            + len(reader_rejects)
        by_reason, examples = _reasons(engine, reader_rejects)
        progress("read " + file.name, 2, 3)

        if strict and rejected:
            row, field, reason = _first_problem(engine, reader_rejects)
            raise InvalidRow(file, row, field, reason, rejected=rejected)

        quarantine_file = None
        if rejected:
            _read_bad_rows(engine, source, reader_rejects)  # now with duplicates and orphans
            quarantine_file = _write_quarantine(engine, source, tbl, quarantine_dir,
                                                reader_rejects, started)
        share = config.import_.max_rejected_share
        if too_many_rejected(rejected, rows_read, share):
            # Refused whole: so many bad rows mean the file is misread (a wrong mapping,
            # profile or setting); importing the rest would give figures that look right.
            refused = ImportResult(
                import_id="", table=tbl.name, file=_origin or str(file), file_hash=file_hash,
                rows_read=rows_read, accepted=rows_read - rejected, collapsed=collapsed,
                inserted=0, updated=0, unchanged=0, rejected=rejected,
                rejected_by_reason=by_reason, reason_examples=examples,
                quarantine_file=str(quarantine_file) if quarantine_file else None,
                ignored_columns=ignored, refused=True, read_as_empty=read_as_empty,
                readings=described,
                seconds=round(time.monotonic() - t0, 3))
            raise TooManyRejected(_origin or file, rejected, rows_read, share,
                                  top_reasons(by_reason, examples, 3),
                                  refused.quarantine_file, result=refused)
        kept = [] if clear_missing else _kept_columns(tbl, present)
        if kept:
            _stage_keeping(engine, loader, tbl, kept)
        else:
            # A view, not a copy: the loader reads it once (empty table) or a few times.
            engine.execute(
                f"CREATE OR REPLACE TEMP VIEW {STAGE} AS SELECT "
                + ", ".join(q(c) for c in tbl.column_names)
                + f", {row_hash_sql(tbl)} AS {q(ROW_HASH)} FROM {PARSED} WHERE _field IS NULL"
            )
        accepted = rows_read - rejected
        import_id = uuid.uuid4().hex[:12]
        record: dict[str, Any] = {
            "import_id": import_id, "table_name": tbl.name, "file": _origin or str(file),
            "file_hash": file_hash, "started_at": started, "rows_read": rows_read,
            "accepted": accepted, "rejected": rejected,
            "quarantine_file": str(quarantine_file) if quarantine_file else None,
        }
        counts = loader.upsert(STAGE, tbl, record, derived=derived)
        derived_count = _scalar(engine, f"SELECT count(*) FROM {DERIVED}") if derived else 0
        progress("read " + file.name, 3, 3)
    except (duckdb.FatalException, duckdb.InternalException) as exc:
        # An internal DuckDB error while reading a damaged file invalidates the whole
        # database: nothing of this import was committed, and the warehouse is reopened at
        # its last committed state so the rest of the command (a folder import) goes on.
        fatal = True
        raise InputFileError(file, "cannot be read: DuckDB failed inside while reading it "
                                   f"({str(exc).splitlines()[0][:200]}); nothing was imported "
                                   "from it. Check the file is not damaged or cut short") \
            from None
    except duckdb.Error as exc:
        raise InputFileError(file, f"cannot be imported: {str(exc).splitlines()[0][:300]}") \
            from None
    finally:
        if fatal:
            if engine is warehouse.raw:
                warehouse.reopen()
            else:
                engine.close()
        else:
            _cleanup(engine)
            if engine is not warehouse.raw:
                engine.close()
    return ImportResult(
        import_id=import_id, table=tbl.name, file=_origin or str(file), file_hash=file_hash,
        rows_read=rows_read, accepted=accepted, collapsed=collapsed, inserted=counts.inserted,
        updated=counts.updated, unchanged=counts.unchanged, rejected=rejected,
        readings=described,
        rejected_by_reason=by_reason, reason_examples=examples, quarantine_file=str(quarantine_file) if quarantine_file
        else None, ignored_columns=ignored, derived_customers=derived_count,
        read_as_empty=read_as_empty,
        seconds=round(time.monotonic() - t0, 3),
    )


def _collapse_columns(source: Source, tbl: Table, collapse: str | None, order_by: str | None,
                      state_column: str | None, imp: ImportSettings) -> str:
    """Extra PARSED columns for --collapse: _order (the order column as a sortable text: an
    ISO timestamp, or a date in ``[import] timestamp_formats`` when ``date_order`` is set,
    or a zero-padded non-negative number, else the text itself) and _state.

    A counter ("10" after "9") and a day-first date ("5/3/2016" after "29/2/2016") sort
    wrongly as text: both are put in order; a non-ISO date whose day/month order is not
    set is refused after parsing (:func:`_check_order`)."""
    if not collapse:
        if order_by or state_column:
            raise InputFileError(source.file, "--order-by and --state-column need --collapse "
                                              "last or first")
        return ""
    if collapse not in ("last", "first"):
        raise InputFileError(source.file, f"--collapse {collapse}: use last or first")
    if state_column and tbl.name != "tickets":
        raise InputFileError(source.file, "--state-column derives reopened_count: tickets only")
    names = {c.name.strip().lstrip("\ufeff"): i for i, c in enumerate(source.columns)}
    lowered = {n.lower(): i for n, i in names.items()}
    parts = []
    for option, column, alias in (("--order-by", order_by, "_order"),
                                  ("--state-column", state_column, "_state")):
        if column is None:
            if alias == "_order":
                raise InputFileError(source.file, "--collapse needs --order-by COLUMN (e.g. "
                                                  "the updated-at column of the event log)")
            parts.append("CAST(NULL AS VARCHAR) AS _state")
            continue
        i = names.get(column, lowered.get(column.lower()))
        if i is None:
            raise BadMapping(f"{column}", f"'{column}' ({option}) is not a column of "
                                          f"{source.file.name}", list(names))
        raw = f'"c{i}"'
        if alias == "_order":
            t = f"trim({raw})"
            iso = "'%Y-%m-%d %H:%M:%S.%f'"
            dated = ""
            if imp.date_order != "auto":
                fmts = ", ".join(_lit(ordered_format(f, imp.date_order))
                                 for f in dict.fromkeys(imp.timestamp_formats))
                dated = f"strftime(try_strptime({t}, [{fmts}]), {iso}), "
            parts.append(f"coalesce(strftime(TRY_CAST({t} AS TIMESTAMP), {iso}), {dated}"
                         f"CASE WHEN TRY_CAST({t} AS DOUBLE) >= 0 THEN "
                         f"printf('%040.9f', TRY_CAST({t} AS DOUBLE)) END, {raw}) AS _order")
        else:
            parts.append(f"lower(trim({raw})) AS _state")
    return ", " + ", ".join(parts)


DATE_LIKE = r"^\s*\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}"


def _check_order(engine: duckdb.DuckDBPyConnection, file: Path, column: str) -> None:
    """Refuse an --order-by column of dates whose day/month order is unknown: sorted as
    text, "5/3/2016" would come after "29/2/2016" and the wrong event would be kept."""
    row = engine.execute(f"SELECT _order FROM {PARSED} WHERE regexp_matches(_order, ?) "
                         "LIMIT 1", [DATE_LIKE]).fetchone()
    if row:
        raise InputFileError(file, f"--order-by {column}: '{row[0]}' is a date that is not "
                                   "ISO 8601 and its day/month order is not set; pass "
                                   "--date-order dmy or mdy (or [import] date_order in "
                                   "goodfit.toml)")


def _collapse(engine: duckdb.DuckDBPyConnection, tbl: Table, keep: str, reopens: bool,
              closed_states: list[str]) -> int:
    """Keep one valid row per key (the last or first by _order, then file order); the
    others are folded into it. Returns how many rows were folded."""
    keys = ", ".join(q(k) for k in tbl.key)
    direction = "DESC" if keep == "last" else "ASC"
    closed = ", ".join(_lit(s.lower()) for s in closed_states) or "NULL"
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE _gf_collapse AS SELECT _row, "
        f"row_number() OVER (PARTITION BY {keys} ORDER BY _order {direction} NULLS FIRST, "
        f"_row {direction}) AS rn, "
        f"count(*) FILTER (WHERE prev IN ({closed}) AND _state NOT IN ({closed})) "
        f"OVER (PARTITION BY {keys}) AS reopens "
        f"FROM (SELECT _row, {keys}, _order, _state, lag(_state) OVER (PARTITION BY {keys} "
        f"ORDER BY _order, _row) AS prev FROM {PARSED} WHERE _field IS NULL)")
    if reopens:
        engine.execute(f"UPDATE {PARSED} SET reopened_count = c.reopens FROM _gf_collapse c "
                       f"WHERE {PARSED}._row = c._row AND c.rn = 1")
    folded = _scalar(engine, "SELECT count(*) FROM _gf_collapse WHERE rn > 1")
    engine.execute(f"DELETE FROM {PARSED} WHERE _row IN (SELECT _row FROM _gf_collapse "
                   "WHERE rn > 1)")
    engine.execute("DROP TABLE _gf_collapse")
    return folded


def _kept_columns(tbl: Table, present: Mapping[str, object]) -> list[str]:
    """Optional columns the file does not have: their stored values are kept."""
    derived = set(derived_key_sql(tbl))
    return [c.name for c in tbl.columns
            if c.name not in present and c.name not in tbl.key and c.name not in derived]


def _stage_keeping(engine: duckdb.DuckDBPyConnection, loader: Loader, tbl: Table,
                   kept: list[str]) -> None:
    """STAGE with the stored values of ``kept`` columns for keys already in the table.

    Materialised: the loader deletes changed rows before inserting, and a view joining
    the table would then see them gone."""
    existing = loader.existing_rows(tbl, kept)
    match = " AND ".join(f"e.{q(k)} IS NOT DISTINCT FROM p.{q(k)}" for k in tbl.key)
    types = {c.name: c.sql_type for c in tbl.columns}
    # coalesce: the currency column may be absent yet set by the amounts' own symbols
    cols = ", ".join(f"coalesce(p.{q(c)}, CAST(e.{q(c)} AS {types[c]})) AS {q(c)}" if c in kept
                     else f"p.{q(c)}"
                     for c in tbl.column_names)
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE {MERGED} AS SELECT *, {row_hash_sql(tbl)} AS "
        f"{q(ROW_HASH)} FROM (SELECT {cols} FROM {PARSED} p LEFT JOIN {existing} e "
        f"ON {match} WHERE p._field IS NULL)")
    engine.execute(f"CREATE OR REPLACE TEMP VIEW {STAGE} AS SELECT * FROM {MERGED}")


def _scalar(engine: duckdb.DuckDBPyConnection, sql: str) -> int:
    row = engine.execute(sql).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _derive_keys(engine: duckdb.DuckDBPyConnection, tbl: Table) -> None:
    for key, expr in derived_key_sql(tbl).items():
        engine.execute(f"UPDATE {PARSED} SET {q(key)} = {expr} WHERE _field IS NULL")


def _mark_duplicates(engine: duckdb.DuckDBPyConnection, tbl: Table) -> None:
    """Later rows repeating a key already seen in the same file are rejected, not merged."""
    keys = ", ".join(q(k) for k in tbl.key)
    engine.execute(
        f"UPDATE {PARSED} SET _field = {_lit(tbl.key[0])}, _problem = 'duplicate key', "
        f"_reason = 'duplicate key: same {'/'.join(tbl.key)} as row ' || d.first_row "
        f"FROM (SELECT _row AS r, min(_row) OVER (PARTITION BY {keys}) AS first_row "
        f"      FROM {PARSED} WHERE _field IS NULL) d "
        f"WHERE {PARSED}._row = d.r AND d.first_row < d.r"
    )


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _reasons(engine: duckdb.DuckDBPyConnection, reader_rejects: list[tuple[Any, ...]]
             ) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Rows per "field: problem" (a row with two problems counts under both), most common
    first, and up to three example values of each (sorted: the same file says the same)."""
    found = engine.execute(
        f"SELECT f, p, count(*) AS n, list(DISTINCT v ORDER BY v) FILTER (WHERE v <> '')[1:3] FROM ("
        f"  SELECT i.f AS f, i.p AS p, i.v AS v FROM (SELECT unnest(_issues) AS i FROM {PARSED}"
        f"    WHERE _issues IS NOT NULL AND len(_issues) > 0)"
        f"  UNION ALL SELECT _field, _problem, NULL FROM {PARSED}"
        f"    WHERE _field IS NOT NULL AND (_issues IS NULL OR len(_issues) = 0)"
        f") GROUP BY ALL ORDER BY n DESC, f, p").fetchall()
    counts = {f"{field}: {problem}": int(n) for field, problem, n, _ex in found}
    examples = {f"{field}: {problem}": list(ex or []) for field, problem, _n, ex in found}
    for _row, _col, _msg, _raw in reader_rejects:
        counts["(line): unreadable"] = counts.get("(line): unreadable", 0) + 1
    return counts, examples


def _first_problem(engine: duckdb.DuckDBPyConnection,
                   reader_rejects: list[tuple[Any, ...]]) -> tuple[int, str, str]:
    row = engine.execute(f"SELECT _row, _field, _reason FROM {PARSED} WHERE _field IS NOT NULL "
                         "ORDER BY _row LIMIT 1").fetchone()
    candidates = [(int(r[0]), str(r[1]), str(r[2]))] if (r := row) else []
    candidates += [(line, col or "(line)", msg) for line, col, msg, _raw in reader_rejects]
    return min(candidates)


def _read_bad_rows(engine: duckdb.DuckDBPyConnection, source: Source,
                   reader_rejects: list[tuple[Any, ...]]) -> None:
    """RAW: the original text of the rows marked bad, read again from the file — cheaper
    than keeping a text copy of every row for the few that fail."""
    row = row_number_sql("_n", reader_rejects)
    engine.execute(f"CREATE OR REPLACE TEMP TABLE {RAW} AS SELECT {row} AS _row, * EXCLUDE (_n) "
                   f"FROM ({numbered_select(source)}) WHERE {row} IN "
                   f"(SELECT _row FROM {PARSED} WHERE _field IS NOT NULL)")


def _explain_bad_rows(engine: duckdb.DuckDBPyConnection, source: Source, tbl: Table,
                      present: dict[str, tuple[str, bool]], config: Config,
                      reader_rejects: list[tuple[Any, ...]],
                      readings: Mapping[str, Reading]) -> None:
    """Fill _problem and _reason, in words, for the rows the parse marked bad."""
    _read_bad_rows(engine, source, reader_rejects)
    issues = issues_sql(tbl, present, config, readings)
    engine.execute(
        f"UPDATE {PARSED} SET _field = r._field, _problem = r._problem, _reason = r._reason, "
        f"_issues = r._issues FROM (SELECT _row, {issue_columns('_i')} FROM "
        f"(SELECT _row, {issues} AS _i FROM {RAW})) r "
        f"WHERE {PARSED}._row = r._row AND {PARSED}._field IS NOT NULL"
    )


def _write_quarantine(engine: duckdb.DuckDBPyConnection, source: Source, tbl: Table,
                      directory: Path, reader_rejects: list[tuple[Any, ...]],
                      started: datetime) -> Path:
    """Rejected rows, exactly as they were in the file, plus where and why."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%S")
    out = directory / f"{tbl.name}-{stamp}-{uuid.uuid4().hex[:6]}.csv"
    raw_cols = ", ".join(f'r."c{i}" AS {q(c.name)}' for i, c in enumerate(source.columns))
    engine.execute("CREATE OR REPLACE TEMP TABLE _gf_quarantine (_file VARCHAR, _row BIGINT, "
                   "_field VARCHAR, _reason VARCHAR, _raw_line VARCHAR)")
    if reader_rejects:
        engine.executemany("INSERT INTO _gf_quarantine VALUES (?, ?, ?, ?, ?)",
                           [(source.file.name, line, col or "(line)", msg, raw)
                            for line, col, msg, raw in reader_rejects])
    null_raw = ", ".join(f"CAST(NULL AS VARCHAR) AS {q(c.name)}" for c in source.columns)
    engine.execute(
        f"COPY (SELECT * FROM (SELECT _file, _row, _field, _reason, _raw_line, {null_raw} "
        f"FROM _gf_quarantine UNION ALL "
        f"SELECT {_lit(source.file.name)}, p._row, p._field, p._reason, NULL, {raw_cols} "
        f"FROM {PARSED} p JOIN {RAW} r ON r._row = p._row WHERE p._field IS NOT NULL) "
        f"ORDER BY _row) TO {_lit(str(out))} (HEADER, DELIMITER ',')"
    )
    return out


def _cleanup(engine: duckdb.DuckDBPyConnection) -> None:
    engine.execute(f"DROP VIEW IF EXISTS {STAGE}")
    engine.execute("DROP VIEW IF EXISTS _gf_file")
    for name in (MERGED, RAW, PARSED, DERIVED, JSON_TABLE, "_gf_quarantine"):
        engine.execute(f"DROP TABLE IF EXISTS {name}")
    with contextlib.suppress(duckdb.Error):
        engine.unregister("_gf_sheet")


def unzip_member(archive: Path, table: str, into: Path) -> Path:
    """Extract the file to import from ``archive``: its only member, or the one named after
    ``table`` (tickets.csv, tickets.jsonl, …)."""
    try:
        with zipfile.ZipFile(archive) as z:
            members = [m for m in z.infolist() if not m.is_dir()
                       and not m.filename.startswith("__MACOSX/")]
            usable = [m for m in members if _importable(Path(m.filename))]
            named = [m for m in usable
                     if Path(m.filename).name.lower().split(".", 1)[0] == table]
            pick = named if len(usable) > 1 else usable
            if len(pick) != 1:
                listed = ", ".join(m.filename for m in usable) or "no importable file"
                raise InputFileError(archive, f"holds {listed}; for table {table} it needs one "
                                              f"file, or one named {table}.csv (or .jsonl, …)")
            member = pick[0]
            target = into / Path(member.filename).name
            with z.open(member) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)  # CRC checked at the end: a cut file fails
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise InputFileError(archive, f"is not a complete zip file ({exc}); nothing was "
                                      "imported") from None
    return target


def _importable(path: Path) -> bool:
    try:
        return file_kind(path) != "zip"
    except InputFileError:
        return False


def import_directory(warehouse: Warehouse, config: Config, directory: Path, *,
                     strict: bool | None = None, quarantine_dir: Path,
                     progress: Progress = NO_PROGRESS,
                     profile: Profile | None = None) -> list[ImportResult]:
    """Import every file named after a table (tickets.csv, tickets.parquet, …), parents first.

    ``directory`` may also be a .zip holding such files."""
    if directory.is_file() and directory.name.lower().endswith(".zip"):
        with tempfile.TemporaryDirectory(prefix="goodfit-zip-") as tmp:
            try:
                with zipfile.ZipFile(directory) as z:
                    for m in z.infolist():
                        name = Path(m.filename).name
                        if m.is_dir() or m.filename.startswith("__MACOSX/") or not name:
                            continue
                        with z.open(m) as src, (Path(tmp) / name).open("wb") as dst:
                            shutil.copyfileobj(src, dst, 1 << 20)
            except (zipfile.BadZipFile, EOFError, OSError) as exc:
                raise InputFileError(directory, f"is not a complete zip file ({exc}); nothing "
                                                "was imported") from None
            return import_directory(warehouse, config, Path(tmp), strict=strict,
                                    quarantine_dir=quarantine_dir, progress=progress,
                                    profile=profile)
    if not directory.is_dir():
        raise InputFileError(directory, "no such folder")
    found: dict[str, Path] = {}
    for path in sorted(directory.iterdir()):
        if not path.is_file():
            continue
        stem = path.name.lower().split(".", 1)[0]
        if stem in IMPORT_ORDER:
            try:
                file_kind(path)
            except InputFileError:
                continue
            if stem in found:
                raise InputFileError(path, f"two files for table {stem}: {found[stem].name} "
                                           f"and {path.name}; keep one")
            found[stem] = path
    if not found:
        raise InputFileError(directory, "no file named after a goodfit table "
                                        f"({', '.join(IMPORT_ORDER)}) with "
                                        f"{', '.join(SUFFIXES)}")
    results = []
    for name in IMPORT_ORDER:
        if name not in found:
            continue
        cfg, options = config, dict[str, Any]()
        used = profile is not None and name in profile.settings.tables
        if profile is not None and used:
            cfg, options = apply_profile(config, profile, name)
        result = import_file(warehouse, cfg, name, found[name], strict=strict,
                             quarantine_dir=quarantine_dir, progress=progress, **options)
        results.append(replace(result, profile=profile.name) if profile and used else result)
    return results
