"""What is in the warehouse: row counts, data window, import history, quarantine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from goodfit.schema import DERIVED_TABLE, IMPORTS_TABLE
from goodfit.warehouse import IMPORTS_COLUMNS, Warehouse


def import_history(warehouse: Warehouse, limit: int = 50) -> list[dict[str, Any]]:
    """The newest imports first (plain SQL: ``status`` loads no Ibis)."""
    cols = ", ".join(f'"{n}"' for n, _ in IMPORTS_COLUMNS)
    return warehouse.query(f'SELECT {cols} FROM "{IMPORTS_TABLE}" '
                           f"ORDER BY started_at DESC LIMIT {int(limit)}")


def project_status(warehouse: Warehouse, quarantine_dir: Path) -> dict[str, Any]:
    tables = []
    first, last = None, None
    for row in warehouse.summary():
        tables.append({"table": row["table"], "rows": int(row["rows"]), "from": row["start"],
                       "to": row["end"]})
        if row["start"] is not None:
            first = row["start"] if first is None else min(first, row["start"])
            last = row["end"] if last is None else max(last, row["end"])
    quarantine = [
        {"file": p.name, "rows": _data_rows(p)}
        for p in sorted(quarantine_dir.glob("*.csv"))
    ] if quarantine_dir.is_dir() else []
    return {
        "warehouse": warehouse.backend,
        "tables": tables,
        # customers that exist only because a ticket file named them (--derive-customers)
        "derived_customers": derived_customers(warehouse),
        "data_window": {"from": first, "to": last},
        "imports": import_history(warehouse, limit=20),
        "quarantine": quarantine,
    }


def derived_customers(warehouse: Warehouse) -> int:
    """Customers created from a ticket file's ids that no customer file has described."""
    if not warehouse.has_table(DERIVED_TABLE):
        return 0
    return warehouse.row_count(DERIVED_TABLE)


def _data_rows(path: Path) -> int:
    """Rows in a quarantine CSV (a quoted field may span lines, so use the csv reader)."""
    import csv

    csv.field_size_limit(1 << 30)  # a quarantined row keeps its fields whole, however long
    with path.open(newline="", encoding="utf-8", errors="replace") as f:
        return max(sum(1 for _ in csv.reader(f)) - 1, 0)
