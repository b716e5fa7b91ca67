"""Replaces two derived tables again and again until killed.

``python -m tests.maintenance.table_child DB ROWS``: generation g writes ``flags`` and
``fit_scores`` with ROWS rows each, every row carrying g, through
``Warehouse.write_tables``; after each commit it appends g to DB.done.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pyarrow as pa

from goodfit.warehouse import Warehouse


def generation(g: int, rows: int) -> dict[str, pa.Table]:
    ids = [f"C-{i}" for i in range(rows)]
    return {"flags": pa.table({"customer_id": ids, "gen": [g] * rows}),
            "fit_scores": pa.table({"customer_id": ids, "gen": [g] * rows,
                                    "score": [float(i % 100) for i in range(rows)]})}


def main() -> None:
    db, rows = Path(sys.argv[1]), int(sys.argv[2])
    done = db.with_name(db.name + ".done")
    wh = Warehouse.connect(f"duckdb:///{db}")
    g = int(done.read_text().split()[-1]) + 1 if done.exists() else 0
    while True:
        wh.write_tables(generation(g, rows))
        with open(done, "a", encoding="utf-8") as f:
            f.write(f"{g}\n")
        g += 1


if __name__ == "__main__":
    main()
