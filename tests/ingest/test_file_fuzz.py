"""File fuzzing of every importer and format (hypothesis): no traceback, ever, and every
row read is either accepted or in the quarantine file.

Each case writes random rows — well-formed values, random text, numbers, NaN/inf, huge
fields, empty cells, unknown columns, missing required ones — for a random canonical table
in a random format (CSV with several delimiters, gzipped CSV, JSON, JSON Lines, Parquet,
xlsx, zip), then maybe cuts the file short or overwrites some of its bytes. The import
either returns a result in which

- rows read = accepted + rejected, and the quarantine file holds exactly the rejected
  rows; and, for a file left intact, rows read = the rows written;

or stops with a goodfit error (a clear message, exit code) — when it refuses a file for
too many bad rows, the refused result still obeys both rules. Any other exception fails.

GOODFIT_FUZZ_CASES cases (default 40, the same ones every run; the full run is 10,000
new ones: ``python benchmarks/fuzz_files.py``, in the slow suite; GOODFIT_FUZZ_KEEP=DIR
keeps each file that fails there).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from goodfit.errors import GoodfitError, TooManyRejected
from goodfit.project import Project
from goodfit.schema import TABLES
from tests.ingest.xlsx import write_xlsx

CASES = int(os.environ.get("GOODFIT_FUZZ_CASES", "40"))
FORMATS = ["csv", "csv;", "tsv", "csv.gz", "json", "jsonl", "parquet", "xlsx", "zip"]
# Customers C1..C5 exist, so rows of other tables can be accepted, not only orphaned.
CUSTOMERS = [f"C{i}" for i in range(1, 6)]

# Cell values: what exports hold, and what they should not.
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
cells = st.one_of(
    st.none(), st.just(""), _text,
    st.sampled_from(CUSTOMERS + ["T1", "T2", "2024-01-31", "31/01/2024", "2024-01-31 10:00",
                                  "12.50", "1.234,56", "€9", "NaN", "inf", "-inf", "1e400",
                                  "9999-12-31", "0001-01-01", "true", "no", "high", "email",
                                  "=cmd|' /C calc'!A0", "'; DROP TABLE tickets; --",
                                  "\"quoted, \"\"twice\"\"\"", "line\nbreak", "tab\there",
                                  "\r", "\x00"]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=1, max_value=200_000).map(lambda n: "x" * n),
)


@st.composite
def files(draw: st.DrawFn) -> tuple[str, str, list[str], list[list[Any]], str, Any]:
    table = draw(st.sampled_from(sorted(TABLES)))
    known = [c.name for c in TABLES[table].columns]
    required = [c.name for c in TABLES[table].columns if c.required]
    columns = draw(st.lists(st.sampled_from(known + ["extra", "Notes ", ""]), min_size=1,
                            max_size=len(known) + 2, unique=True))
    if draw(st.booleans()):  # half the files have every required column
        columns = required + [c for c in columns if c not in required]
    rows = draw(st.lists(st.lists(cells, min_size=len(columns), max_size=len(columns)),
                         max_size=8))
    fmt = draw(st.sampled_from(FORMATS))
    damage = draw(st.one_of(st.none(), st.tuples(st.sampled_from(["cut", "overwrite"]),
                                                 st.floats(0, 1), st.binary(max_size=16))))
    return table, fmt, columns, rows, fmt, damage


def _text_cell(v: Any) -> str:
    if v is None:
        return ""
    return str(v)


def _json_cell(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return str(v)  # JSON has no NaN: exports write it as text
    return v


def write(path: Path, fmt: str, columns: list[str], rows: list[list[Any]]) -> Path:
    if fmt in ("csv", "csv;", "tsv", "csv.gz"):
        buf = io.StringIO()
        w = csv.writer(buf, delimiter={"csv;": ";", "tsv": "\t"}.get(fmt, ","))
        w.writerow(columns)
        w.writerows([[_text_cell(v) for v in r] for r in rows])
        data = buf.getvalue().encode("utf-8", "surrogatepass")
        if fmt == "csv.gz":
            out = path.with_suffix(".csv.gz")
            out.write_bytes(gzip.compress(data))
            return out
        out = path.with_suffix(".tsv" if fmt == "tsv" else ".csv")
        out.write_bytes(data)
        return out
    if fmt in ("json", "jsonl"):
        records = [{c: _json_cell(v) for c, v in zip(columns, r, strict=True)} for r in rows]
        out = path.with_suffix("." + fmt)
        text = json.dumps(records) if fmt == "json" else "".join(
            json.dumps(r) + "\n" for r in records)
        out.write_text(text, encoding="utf-8")
        return out
    if fmt == "parquet":
        out = path.with_suffix(".parquet")
        names = [c or f"col{i}" for i, c in enumerate(columns)]
        pq.write_table(pa.table({n: [_text_cell(r[i]) if r[i] is not None else None
                                     for r in rows] for i, n in enumerate(names)}), out)
        return out
    if fmt == "xlsx":
        out = path.with_suffix(".xlsx")
        cells: list[list[Any]] = [list(columns)] + [
            [v if isinstance(v, int | float) and not isinstance(v, bool)
             and (not isinstance(v, float) or math.isfinite(v)) and abs(v) < 1e15
             else (None if v is None else str(v)[:32_000]) for v in r] for r in rows]
        return write_xlsx(out, {"Sheet1": cells})
    inner = write(path.with_name(path.name + "-inner"), "csv", columns, rows)
    out = path.with_suffix(".zip")
    with zipfile.ZipFile(out, "w") as z:
        z.write(inner, path.name + ".csv")
    inner.unlink()
    return out


def rows_in_file(fmt: str, rows: list[list[Any]]) -> int:
    """The rows a reader can see: a spreadsheet does not store the empty cells of rows
    after its last filled one (the sheet ends there), so those are not rows of the file.
    A cell holding an empty string is stored, so its row is one (and is quarantined if
    a required field is empty)."""
    if fmt != "xlsx":
        return len(rows)
    n = len(rows)
    while n and all(v is None for v in rows[n - 1]):
        n -= 1
    return n


def damage_file(path: Path, how: Any) -> bool:
    """Cut the file short or overwrite a few bytes; True if it changed."""
    if how is None:
        return False
    kind, where, junk = how
    data = path.read_bytes()
    at = int(where * len(data))
    new = data[:at] if kind == "cut" else data[:at] + junk + data[at + len(junk):]
    path.write_bytes(new)
    return new != data


def quarantined_rows(path: str | None) -> int:
    if path is None:
        return 0
    csv.field_size_limit(1 << 30)  # a quarantined row keeps its field whole, however big
    with open(path, newline="", encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1  # the header


@pytest.fixture(scope="module")
def project() -> Iterator[Project]:
    with tempfile.TemporaryDirectory() as tmp:
        p = Project.init(Path(tmp) / "p")
        cust = Path(tmp) / "customers.csv"
        cust.write_text("customer_id,signup_at\n" + "".join(f"{c},2020-01-01\n"
                                                          for c in CUSTOMERS))
        p.import_file("customers", cust)
        yield p
        p.close()
    print(json.dumps({"cases": CASES, **outcomes}))  # for the record (pytest -s)


outcomes: dict[str, int] = {}


@pytest.mark.slow
# a failing case's files can be megabytes: hypothesis warns before printing them, and the
# warning (an error under -W error) would hide the failure itself
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=CASES, deadline=None, database=None,
          # the same cases every run unless asked (the full run draws new ones)
          derandomize="GOODFIT_FUZZ_RANDOM" not in os.environ,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.large_base_example])
@given(case=files())
# found by the 10,000-case run: a stored empty-string cell is a row (kept, quarantined)
@example(case=("contacts", "xlsx", ["customer_id"], [[""]], "xlsx", None))
@example(case=("contacts", "xlsx", ["customer_id"], [["C-1"], [None]], "xlsx", None))
def test_any_file_is_imported_or_refused_clearly(project: Project, case: Any) -> None:
    table, fmt, columns, rows, _, damage = case
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp) / table, fmt, columns, rows)
        damaged = damage_file(path, damage)
        try:
            result = project.import_file(table, path)
        except TooManyRejected as exc:
            # refused whole, yet every row read is still accounted for and kept
            refused = exc.result
            assert refused.rows_read == refused.accepted + refused.rejected, refused
            assert quarantined_rows(refused.quarantine_file) == refused.rejected, refused
            if not damaged:
                assert refused.rows_read == rows_in_file(fmt, rows), (fmt, refused)
            outcomes["refused: too many rejected"] = \
                outcomes.get("refused: too many rejected", 0) + 1
            return
        except GoodfitError as exc:
            assert exc.message and exc.code, exc  # a clear error, with its stable code
            outcomes[f"refused: {exc.code}"] = outcomes.get(f"refused: {exc.code}", 0) + 1
            return
        except Exception:
            keep = os.environ.get("GOODFIT_FUZZ_KEEP")  # a folder for the files that fail
            if keep:
                Path(keep).mkdir(parents=True, exist_ok=True)
                shutil.copy(path, Path(keep) / f"{len(os.listdir(keep)):04d}-{path.name}")
            raise
    assert result.rows_read == result.accepted + result.rejected, result
    assert quarantined_rows(result.quarantine_file) == result.rejected, result
    if not damaged:
        assert result.rows_read == rows_in_file(fmt, rows), (fmt, result)
    key = "imported, some quarantined" if result.rejected else "imported whole"
    outcomes[key] = outcomes.get(key, 0) + 1
