"""Reading an input file as text columns with spreadsheet row numbers.

DuckDB's readers stream CSV (any delimiter, gzip, UTF-8 with or without BOM, Latin-1,
UTF-16) and Parquet without loading the file into Python. Lines the CSV reader cannot
split into the header's columns (truncated rows, stray quotes, invalid bytes) are kept
by DuckDB's ``store_rejects`` and go to quarantine like any other bad row.
"""

from __future__ import annotations

import codecs
import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from goodfit.config import ImportSettings
from goodfit.errors import InputFileError

CSV_SUFFIXES = (".csv", ".csv.gz", ".tsv", ".tsv.gz", ".txt", ".txt.gz")
PARQUET_SUFFIXES = (".parquet", ".pq")
JSON_SUFFIXES = (".json", ".json.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
XLSX_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
ZIP_SUFFIXES = (".zip",)
SUFFIXES = (CSV_SUFFIXES + PARQUET_SUFFIXES + JSON_SUFFIXES + JSONL_SUFFIXES + XLSX_SUFFIXES
            + ZIP_SUFFIXES)

RAW = "_gf_raw"  # temp view: file columns as text + _row
REJECTS = "_gf_rejects"  # lines the CSV reader could not parse
JSON_TABLE = "_gf_json"  # a JSON or JSON Lines file, parsed once per import


@dataclass(frozen=True)
class SourceColumn:
    name: str  # as in the file; a nested JSON field by its path: "requester.organization"
    native: bool  # typed (Parquet number/date) rather than text: no notation parsing
    expr: str = ""  # SQL for the value when not the quoted name (nested JSON fields)


@dataclass(frozen=True)
class Source:
    file: Path
    columns: tuple[SourceColumn, ...]
    is_csv: bool


def file_kind(path: Path) -> str:
    name = path.name.lower()
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(CSV_SUFFIXES):
        return "csv"
    if name.endswith(JSON_SUFFIXES):
        return "json"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(XLSX_SUFFIXES):
        return "xlsx"
    if name.endswith(ZIP_SUFFIXES):
        return "zip"
    raise InputFileError(path, f"unsupported file type; use one of {', '.join(SUFFIXES)}")


def file_sha256(path: Path, *, utf8_text: bool = False) -> str:
    """The file's SHA-256, checking in the same pass that a gzip file is whole and, with
    ``utf8_text``, that the (decompressed) text is valid UTF-8.

    A cut-short ``.gz`` (an interrupted download) would otherwise be read up to the cut
    and import part of the data as if it were all of it. Invalid UTF-8 is checked here
    because DuckDB's CSV reader (1.4) can drop a line holding it without a word when a
    query reads all columns, while another query over the same file keeps it.
    """
    h = hashlib.sha256()
    text = _Utf8Check(path) if utf8_text else None
    gz = _GzipCheck(path, text) if path.name.lower().endswith(".gz") else None
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            if gz:
                gz.feed(chunk)
            elif text:
                text.feed(chunk)
    if gz:
        gz.finish()
    if text:
        text.finish()
    return h.hexdigest()


class _Utf8Check:
    """Decode and discard, to name the first line holding bytes that are not UTF-8."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.lines = 0  # line breaks before the current chunk
        self.offset = 0  # bytes before the current chunk

    def feed(self, data: bytes, *, final: bool = False) -> None:
        try:
            self.decoder.decode(data, final)
        except UnicodeDecodeError as exc:
            line = self.lines + data.count(b"\n", 0, max(exc.start, 0)) + 1
            raise InputFileError(
                self.path, f"line {line:,} (byte {self.offset + max(exc.start, 0):,}) is not "
                "valid UTF-8; nothing was imported. If the file is in another encoding, say "
                "which: --encoding latin-1 (or utf-16), or [import] encoding in goodfit.toml"
            ) from None
        self.lines += data.count(b"\n")
        self.offset += len(data)

    def finish(self) -> None:
        self.feed(b"", final=True)


class _GzipCheck:
    """Decompress (to ``text`` when given, else discarding) to find out whether every gzip
    member is complete."""

    def __init__(self, path: Path, text: _Utf8Check | None = None) -> None:
        self.path = path
        self.text = text
        self.d = zlib.decompressobj(wbits=47)  # gzip header, 32 KiB window
        self.done = False

    def feed(self, data: bytes) -> None:
        try:
            while data:
                if self.d.eof:  # a file may hold several gzip members one after another
                    self.d = zlib.decompressobj(wbits=47)
                out = self.d.decompress(data, 1 << 16)
                if self.text:
                    self.text.feed(out)
                data = self.d.unconsumed_tail or self.d.unused_data
                if not self.d.eof and not self.d.unconsumed_tail:
                    data = b""
        except zlib.error as exc:
            raise InputFileError(self.path, f"is not a valid gzip file ({exc}); nothing was "
                                            "imported") from None

    def finish(self) -> None:
        if not self.d.eof:
            raise InputFileError(self.path, "the compressed file ends early (cut short, e.g. "
                                            "an interrupted download); nothing was imported — "
                                            "download or copy it again")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _csv_call(path: Path, settings: ImportSettings, *, rejects: bool) -> str:
    opts = [_quote(str(path)), "all_varchar=true", "header=true", "auto_detect=true",
            f"encoding={_quote(settings.encoding)}", "sample_size=20480",
            f"max_line_size={settings.max_line_mb << 20}",
            # DuckDB's default buffer is 16 lines long: cap it, a long line needs only two.
            f"buffer_size={max(32, 2 * settings.max_line_mb) << 20}"]
    if settings.delimiter:
        opts.append(f"delim={_quote(settings.delimiter)}")
    if rejects:
        opts += ["store_rejects=true", f"rejects_table={_quote(REJECTS)}",
                 f"rejects_scan={_quote(REJECTS + '_scan')}", "rejects_limit=0"]
    return f"read_csv({', '.join(opts)})"


def open_source(engine: duckdb.DuckDBPyConnection, path: Path, settings: ImportSettings,
                sheet: str | None = None) -> Source:
    """Create the temp view RAW over ``path``; returns its columns."""
    if not path.is_file():
        raise InputFileError(path, "no such file")
    if path.stat().st_size == 0:
        raise InputFileError(path, "the file is empty")
    kind = file_kind(path)
    try:
        if kind == "csv":
            for t in (REJECTS, REJECTS + "_scan"):
                engine.execute(f"DROP TABLE IF EXISTS {t}")
            call = _csv_call(path, settings, rejects=True)
            engine.execute(f"CREATE OR REPLACE TEMP VIEW _gf_file AS SELECT * FROM {call}")
            described = engine.execute("DESCRIBE _gf_file").fetchall()
            columns = tuple(SourceColumn(str(r[0]), native=False) for r in described)
        elif kind in ("json", "jsonl"):
            fmt = "newline_delimited" if kind == "jsonl" else "auto"
            # Read once into a temporary table: DuckDB parses JSON far slower than CSV, and
            # an import scans its file three or four times (types, readings, values, bad
            # rows); at 200k lines that was 19 s, most of it parsing the same text again.
            engine.execute(f"CREATE OR REPLACE TEMP TABLE {JSON_TABLE} AS SELECT * FROM "
                           f"read_json({_quote(str(path))}, format={_quote(fmt)}, "
                           "records=true, sample_size=-1)")
            engine.execute(f"CREATE OR REPLACE TEMP VIEW _gf_file AS SELECT * FROM {JSON_TABLE}")
            rel = engine.sql("SELECT * FROM _gf_file")
            columns = tuple(_flatten(list(zip(rel.columns, rel.types, strict=True)), ()))
        elif kind == "xlsx":
            columns = _register_sheet(engine, path, sheet)
        elif kind == "zip":
            raise AssertionError("zip files are opened by the importer")  # pragma: no cover
        else:
            engine.execute("CREATE OR REPLACE TEMP VIEW _gf_file AS SELECT * FROM "
                           f"read_parquet({_quote(str(path))})")
            described = engine.execute("DESCRIBE _gf_file").fetchall()
            columns = tuple(
                SourceColumn(str(r[0]), native=not str(r[1]).upper().startswith("VARCHAR"))
                for r in described
            )
    except duckdb.Error as exc:
        if kind == "csv":
            refuse_long_rows(path, settings)
        raise InputFileError(path, f"cannot be read as {kind.upper()}: {_first_line(exc)}") \
            from None
    if kind in ("json", "jsonl", "xlsx") and not columns:
        raise InputFileError(path, "no records found (expected a list of objects, one object "
                                   "per line, or a sheet with a header row)")
    if kind == "csv" and len(columns) == 1 and columns[0].name.startswith("column"):
        raise InputFileError(path, "no header row found (the first line must name the columns)")
    return Source(path, columns, is_csv=kind == "csv")


def _flatten(fields: list[tuple[str, Any]], path: tuple[str, ...]) -> list[SourceColumn]:
    """JSON objects become one column per leaf, named by its path ("requester.name");
    lists stay one column, as JSON text."""
    out: list[SourceColumn] = []
    for name, typ in fields:
        here = (*path, str(name))
        if typ.id == "struct":
            out += _flatten(list(typ.children), here)
            continue
        expr = ".".join('"' + p.replace('"', '""') + '"' for p in here)
        if typ.id in ("list", "map", "array"):
            expr = f"to_json({expr})"
        out.append(SourceColumn(".".join(here), native=False, expr=expr))
    return out


def _cell_text(value: object) -> str | None:
    """A spreadsheet cell as the text a CSV export would hold."""
    import datetime as dt

    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value.total_seconds())
    return str(value)


def _register_sheet(engine: duckdb.DuckDBPyConnection, path: Path,
                    sheet: str | None) -> tuple[SourceColumn, ...]:
    """An .xlsx sheet (the first, or ``sheet``) as the text view _gf_file: header row first."""
    import pyarrow as pa
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken files
        raise InputFileError(path, f"cannot be read as a spreadsheet: {_first_line(exc)}") \
            from None
    names = list(book.sheet_names)
    if sheet and sheet not in names:
        from goodfit.errors import close_matches

        hint = close_matches(sheet, names)
        raise InputFileError(path, f"no sheet '{sheet}'; sheets: {', '.join(names)}"
                                   + (f" (did you mean '{hint[0]}'?)" if hint else ""))
    if not names:
        raise InputFileError(path, "holds no sheet (a damaged or empty workbook); nothing "
                                   "was imported")
    try:
        data = book.get_sheet_by_name(sheet or names[0]).to_python(skip_empty_area=False)
    except Exception as exc:  # a damaged sheet fails here, after the workbook opened
        raise InputFileError(path, f"cannot be read as a spreadsheet: {_first_line(exc)}; "
                                   "nothing was imported") from None
    if not data:
        return ()
    header = [str(h).strip() if h not in (None, "") else f"column{i}"
              for i, h in enumerate(data[0])]
    width = len(header)
    cols: list[list[str | None]] = [[] for _ in header]
    for row in data[1:]:
        for i in range(width):
            cols[i].append(_cell_text(row[i]) if i < len(row) else None)
    table = pa.table({f"c{i}": pa.array(c, pa.string()) for i, c in enumerate(cols)})
    engine.register("_gf_sheet", table)
    select = ", ".join(f'"c{i}" AS "{h.replace(chr(34), chr(34) * 2)}"'
                       for i, h in enumerate(header))
    engine.execute(f"CREATE OR REPLACE TEMP VIEW _gf_file AS SELECT {select} FROM _gf_sheet")
    return tuple(SourceColumn(h, native=False) for h in header)


def refuse_long_rows(path: Path, settings: ImportSettings) -> None:
    """Raise, naming the row, when a record is longer than the CSV reader accepts.

    DuckDB refuses such a file or splits the record at its line breaks (each piece then
    looks like a broken row); ask after the reader failed or rejected lines."""
    long_row = _first_long_row(path, settings)
    if long_row:
        row, size = long_row
        raise InputFileError(path, f"row {row} is {size / (1 << 20):.1f} MB long, more than "
                                   f"[import] max_line_mb = {settings.max_line_mb}; raise it "
                                   "to import the file (nothing was imported)")


def _first_long_row(path: Path, settings: ImportSettings) -> tuple[int, int] | None:
    """(spreadsheet row, characters) of the first record longer than the reader accepts.

    Only asked after the reader failed, so the slow scan costs nothing on good files."""
    import csv
    import gzip
    import io

    limit = settings.max_line_mb << 20
    csv.field_size_limit(1 << 30)
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    encoding = "utf-8-sig" if settings.encoding == "utf-8" else settings.encoding
    try:
        with opener(path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
            reader = csv.reader(text, delimiter=settings.delimiter or ",")
            for i, record in enumerate(reader, start=1):
                size = sum(len(f) for f in record) + len(record)
                if size > limit:
                    return i, size
    except (OSError, csv.Error, EOFError):
        return None
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def numbered_select(source: Source) -> str:
    """SELECT over the file: every column as text (c0, c1, …) and its data position _n."""
    casts = ", ".join(
        f'CAST({c.expr or chr(34) + c.name.replace(chr(34), chr(34) * 2) + chr(34)} AS VARCHAR) '
        f'AS "c{i}"' for i, c in enumerate(source.columns)
    )
    return f"SELECT row_number() OVER () AS _n, {casts} FROM _gf_file"


def text_select(source: Source) -> str:
    """SELECT over the file: every column as text (c0, c1, …), in no particular order."""
    return numbered_select(source).replace("row_number() OVER () AS _n, ", "", 1)


def reader_rejects(engine: duckdb.DuckDBPyConnection, source: Source) -> list[tuple[Any, ...]]:
    """Lines the CSV reader refused, as (row, column, reason, raw line); call after a scan."""
    if not source.is_csv:
        return []
    # One line can break several rules (e.g. each extra field): keep its first error.
    rejects = engine.execute(
        f"SELECT line, first(column_name ORDER BY column_idx), first(error_message ORDER BY "
        f"column_idx), first(csv_line) FROM {REJECTS} GROUP BY line ORDER BY line"
    ).fetchall()
    return [(int(line), str(col or ""), str(msg).splitlines()[0] if msg else "unreadable line",
             str(raw or "")) for line, col, msg, raw in rejects]


def row_number_sql(position: str, rejects: list[tuple[Any, ...]]) -> str:
    """Spreadsheet row (header = row 1) of the accepted row at data position ``position``.

    Accepted row k sits after every rejected line before it. With rejected data positions
    p_i (sorted, 1-based), v_i = p_i - i accepted rows precede reject i, so row k's data
    position is k + #{i : v_i < k}.
    """
    if not rejects:
        return f"({position} + 1)"
    vs = [(line - 1) - i for i, (line, *_rest) in enumerate(rejects, start=1)]
    cases = " + ".join(f"CASE WHEN {v} < {position} THEN 1 ELSE 0 END" for v in vs[:1000])
    if len(vs) > 1000:  # many broken lines: a join is cheaper than a long expression
        values = ", ".join(f"({v})" for v in vs)
        return (f"({position} + 1 + (SELECT count(*) FROM (VALUES {values}) r(v) "
                f"WHERE r.v < {position}))")
    return f"({position} + 1 + {cases})"
