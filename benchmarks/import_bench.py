"""Import benchmark: N ticket rows through goodfit's validated import vs a bare DuckDB load.

    python benchmarks/import_bench.py [--rows 10000000] [--format csv|parquet|jsonl|xlsx]

Prints rows/s and peak RSS for each, and goodfit's time as a ratio of the bare load
(the floor: read_csv / read_json straight into a typed table, no validation, no
quarantine, no upsert; for .xlsx the spreadsheet library's own raw read of the sheet,
python-calamine ``to_python``, which goodfit's reader starts from), and goodfit with
number/date inference (the default) against
goodfit with the readings set in the configuration (no inference scan). Each
measurement runs in its own process so peak RSS is its own. The default size is small
(GOODFIT_BENCH_ROWS, 200,000); targets are for --rows 10000000 on 2 cores: ≤60 s,
peak RSS ≤2 GB, inference ≤1.3× the import without it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def _xlsx_from_csv(csv_path: Path, out: Path) -> None:
    """A one-sheet .xlsx with inline strings, streamed row by row (no spreadsheet
    library writes; the reader under test must not be the writer)."""
    import csv
    import zipfile
    from xml.sax.saxutils import escape

    def col(i: int) -> str:
        name = ""
        i += 1
        while i:
            i, r = divmod(i - 1, 26)
            name = chr(65 + r) + name
        return name

    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
        'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
        'Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
        'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://'
        'schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type='
        '"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://'
        'schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="tickets" '
        'sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
        'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as w, \
                csv_path.open(newline="", encoding="utf-8") as f:
            w.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                    b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
            for r, row in enumerate(csv.reader(f), start=1):
                cells = "".join(f'<c r="{col(c)}{r}" t="inlineStr"><is><t>{escape(v)}</t></is>'
                                "</c>" for c, v in enumerate(row) if v != "")
                w.write(f'<row r="{r}">{cells}</row>'.encode())
            w.write(b"</sheetData></worksheet>")


def generate(folder: Path, rows: int, customers: int, fmt: str) -> tuple[Path, Path]:
    if fmt == "xlsx":  # the same tickets, written as a spreadsheet; customers stay CSV
        cust, tick_csv = generate(folder, rows, customers, "csv")
        tick = folder / "tickets.xlsx"
        _xlsx_from_csv(tick_csv, tick)
        return cust, tick
    con = duckdb.connect()
    cust = folder / f"customers.{fmt}"
    tick = folder / f"tickets.{fmt}"
    opts = {"csv": "(HEADER)", "parquet": "(FORMAT PARQUET)", "jsonl": "(FORMAT JSON)"}[fmt]
    con.execute(f"COPY (SELECT 'C' || i AS customer_id, 'Customer ' || i AS name, "
                f"TIMESTAMP '2022-01-01' + INTERVAL (i % 700) DAY AS signup_at, 'active' AS status "
                f"FROM range({customers}) t(i)) TO '{cust}' {opts}")
    con.execute(
        f"COPY (SELECT 'T' || i AS ticket_id, 'C' || (hash(i) % {customers}) AS customer_id, "
        "strftime(TIMESTAMP '2024-01-01' + INTERVAL (i % 1000000) MINUTE, '%Y-%m-%d %H:%M:%S') AS opened_at, "
        "strftime(TIMESTAMP '2024-01-01' + INTERVAL (i % 1000000 + 90) MINUTE, '%Y-%m-%d %H:%M:%S') AS closed_at, "
        "['low','normal','high','urgent'][1 + i % 4] AS priority, "
        "['email','web','chat','phone'][1 + i % 4] AS channel, "
        "'Subject of ticket ' || i AS subject, 'technical' AS category, "
        "CASE WHEN i % 3 = 0 THEN NULL ELSE 'information_request' END AS resolution_code, "
        "CASE WHEN i % 2 = 0 THEN NULL ELSE (i % 60)::VARCHAR END AS staff_minutes, "
        "(i % 3)::VARCHAR AS reopened_count, (1 + i % 5)::VARCHAR AS satisfaction, "
        f"'agent' || (i % 12) AS assignee FROM range({rows}) t(i)) TO '{tick}' {opts}")
    con.close()
    return cust, tick


def run_goodfit(project: Path, cust: Path, tick: Path, *, infer: bool = True
                ) -> dict[str, float]:
    sys.path.insert(0, str(SRC))
    from goodfit.project import Project

    p = Project.init(project)
    if not infer:  # readings set: no inference scan
        p.config.import_.decimal_comma = False
        p.config.import_.date_order = "dmy"
    p.import_file("customers", cust)
    t0 = time.perf_counter()
    result = p.import_file("tickets", tick)
    seconds = time.perf_counter() - t0
    assert result.rejected == 0, result.rejected_by_reason
    return {"seconds": seconds, "rows": result.accepted}


def run_baseline(db: Path, tick: Path) -> dict[str, float]:
    if tick.suffix == ".xlsx":  # the library's raw read of the sheet: the floor for xlsx
        from python_calamine import CalamineWorkbook

        t0 = time.perf_counter()
        data = CalamineWorkbook.from_path(str(tick)).get_sheet_by_index(0).to_python()
        return {"seconds": time.perf_counter() - t0, "rows": len(data) - 1}
    con = duckdb.connect(str(db))
    reader = {".csv": f"read_csv('{tick}')", ".parquet": f"read_parquet('{tick}')",
              ".jsonl": f"read_json('{tick}', format='newline_delimited')"}[tick.suffix]
    t0 = time.perf_counter()
    con.execute(f"CREATE TABLE tickets AS SELECT * FROM {reader}")
    seconds = time.perf_counter() - t0
    rows = con.execute("SELECT count(*) FROM tickets").fetchone()[0]  # type: ignore[index]
    return {"seconds": seconds, "rows": rows}


def child(args: argparse.Namespace) -> None:
    folder = Path(args.folder)
    cust_fmt = "csv" if args.format == "xlsx" else args.format
    cust, tick = folder / f"customers.{cust_fmt}", folder / f"tickets.{args.format}"
    if args.child in ("goodfit", "goodfit-noinfer"):
        out = run_goodfit(folder / args.child, cust, tick, infer=args.child == "goodfit")
    else:
        out = run_baseline(folder / "baseline.duckdb", tick)
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int,
                        default=int(os.environ.get("GOODFIT_BENCH_ROWS", "200000")))
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "parquet", "jsonl", "xlsx"],
                        default="csv")
    parser.add_argument("--child", choices=["goodfit", "goodfit-noinfer", "baseline"])
    parser.add_argument("--folder")
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    with tempfile.TemporaryDirectory(prefix="goodfit-import-bench-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        generate(folder, args.rows, args.customers, args.format)
        print(f"generated {args.rows:,} tickets ({args.format}) in {time.perf_counter() - t0:.1f} s")
        results = {}
        for which in ("baseline", "goodfit-noinfer", "goodfit"):
            proc = subprocess.run([sys.executable, __file__, "--child", which, "--folder", tmp,
                                   "--format", args.format], capture_output=True, text=True)
            if proc.returncode:
                sys.exit(proc.stderr)
            results[which] = json.loads(proc.stdout.strip().splitlines()[-1])
        for which, r in results.items():
            print(f"{which:15} {r['seconds']:7.1f} s  {r['rows'] / r['seconds']:>12,.0f} rows/s  "
                  f"peak RSS {r['peak_rss_mb']:,.0f} MB")
        ratio = results["goodfit"]["seconds"] / results["baseline"]["seconds"]
        print(f"goodfit / bare load: {ratio:.2f}x (validation, orphan and duplicate checks, "
              "row hashes, upsert, import record)")
        infer = results["goodfit"]["seconds"] / results["goodfit-noinfer"]["seconds"]
        print(f"inference on / off: {infer:.2f}x (target ≤ 1.3x)")


if __name__ == "__main__":
    main()
