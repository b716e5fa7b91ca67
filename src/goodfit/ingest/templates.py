"""CSV templates and the data-model reference, both generated from ``goodfit.schema``."""

from __future__ import annotations

from pathlib import Path

from goodfit import csvsafe
from goodfit.schema import IMPORT_ORDER, TABLES, Kind

_KIND_DOC = {
    Kind.STRING: "text",
    Kind.TIMESTAMP: "timestamp",
    Kind.DATE: "date",
    Kind.MONEY: "money (exact, 4 decimals)",
    Kind.INTEGER: "whole number",
    Kind.NUMBER: "number",
    Kind.BOOLEAN: "true/false",
    Kind.ENUM: "one of a list",
}


def write_templates(directory: Path) -> list[Path]:
    """One CSV per canonical table: the header and one example row."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in IMPORT_ORDER:
        table = TABLES[name]
        path = directory / f"{name}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csvsafe.writer(f, lineterminator="\r\n")
            writer.writerow(table.column_names)
            writer.writerow([c.example for c in table.columns])
        written.append(path)
    return written


def data_model_markdown() -> str:
    """docs/data-model.md: every table, column, type, unit and allowed value."""
    out = [
        "# Data model",
        "",
        "<!-- Generated from src/goodfit/schema.py by `goodfit templates --docs`; "
        "a test fails when it is stale. -->",
        "",
        "Everything enters goodfit through these canonical tables, from CSV/Parquet files "
        "(`goodfit import`) or connectors. **Bold** columns are required. Column names in "
        "your export can differ: map them with `--map their=ours` or a `[mapping.TABLE]` "
        "section in goodfit.toml.",
        "",
        "Conventions:",
        "",
        "- Timestamps are stored in UTC. Values with an offset (`2024-03-01T10:00:00+02:00`) "
        "are exact; naive values are read in `[project] timezone`. Accepted formats: ISO 8601 "
        "and `[import] timestamp_formats`.",
        "- Money is exact (DECIMAL(18,4)). Accepted notations: `1234.50`, `$1,234.50`, "
        "`1.234,50`, `19,90 €`, `(12.00)` (negative), `EUR 5`; the decimal separator is read "
        "from each column's values or set with `[import] decimal_comma` (see importing.md). "
        "The `currency` column (ISO 4217) is per row; a symbol or code in the amount sets it; "
        "empty means the project currency. "
        "Amounts are converted with `[costs] currency_rates` when metrics are computed.",
        "- Ids are text. Enum values are case-insensitive; spaces and hyphens read as `_`.",
        "- Booleans: true/false, yes/no, 1/0.",
        "- Rows are numbered like a spreadsheet: the header is row 1, the first data row "
        "is row 2. Quarantine files and errors use these numbers.",
        "- Re-importing a row with the same key updates it when its content changed and "
        "leaves it alone otherwise.",
        "",
    ]
    for name in IMPORT_ORDER:
        t = TABLES[name]
        out += [f"## {name}", "", t.doc, "",
                f"Key: {t.key_doc or ', '.join(t.key)}.", ""]
        if t.references:
            refs = "; ".join(f"`{c}` must exist in `{p}.{pc}`" for c, p, pc in t.references)
            out += [f"References: {refs} (other rows are quarantined as orphans).", ""]
        out += ["| column | type | unit | allowed values | description |",
                "| --- | --- | --- | --- | --- |"]
        for c in t.columns:
            name_md = f"**{c.name}**" if c.required else c.name
            allowed = ", ".join(f"`{v}`" for v in c.values)
            if c.min_value is not None or c.max_value is not None:
                lo = "" if c.min_value is None else f"≥ {c.min_value:g}"
                hi = "" if c.max_value is None else f"≤ {c.max_value:g}"
                allowed = " ".join(x for x in (lo, hi) if x)
            out.append(f"| {name_md} | {_KIND_DOC[c.kind]} | {c.unit} | {allowed} | {c.doc} |")
        out.append("")
    return "\n".join(out)
