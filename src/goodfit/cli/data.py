"""Commands that set up a project and get data in: init, templates, import, status."""


from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table as RichTable
from rich.text import Text

from goodfit.cli.app import (
    JsonOption,
    ProjectOption,
    app,
    console,
    open_project,
    print_json,
    rich_progress,
)
from goodfit.errors import GoodfitError
from goodfit.project import Project
from goodfit.schema import table as lookup_table

if TYPE_CHECKING:
    from goodfit.ingest import ImportResult

EXIT_REJECTED = 6


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder to create the project in.")],
    warehouse: Annotated[str | None, typer.Option(
        "--warehouse", help="Warehouse URL: duckdb:///warehouse.duckdb (default) or "
        "postgresql://user@host/db.")] = None,
) -> None:
    """Create a project folder: goodfit.toml with commented defaults and an empty warehouse."""
    project = Project.init(directory, warehouse_url=warehouse)
    console.print(Text(f"Created goodfit project in {project.root}"))
    console.print(Text(f"  configuration: {project.root / 'goodfit.toml'}"))
    console.print(Text(f"  warehouse:     {project.config.warehouse.url}"))
    console.print(Text("Next: goodfit templates DIR, then goodfit import DIR"))


@app.command()
def templates(
    directory: Annotated[Path, typer.Argument(help="Folder to write the CSV templates to.")],
    docs: Annotated[Path | None, typer.Option(
        "--docs", help="Also write the data-model reference (markdown) to this file.")] = None,
) -> None:
    """Write one CSV template per canonical table (header and one example row)."""
    for path in Project.write_templates(directory):
        console.print(Text(str(path)))
    if docs:
        docs.parent.mkdir(parents=True, exist_ok=True)
        docs.write_text(Project.data_model_markdown() + "\n", encoding="utf-8")
        console.print(Text(str(docs)))


def _parse_map(pairs: list[str]) -> dict[str, str | list[str]]:
    """--map pairs; one file column given twice feeds both fields (Org=customer_id
    --map Org=name)."""
    mapping: dict[str, list[str]] = {}
    for pair in pairs:
        if "=" not in pair:
            raise typer.BadParameter(f"'{pair}': expected their_column=our_column",
                                     param_hint="--map")
        theirs, ours = pair.split("=", 1)
        fields = mapping.setdefault(theirs.strip(), [])
        if ours.strip() not in fields:
            fields.append(ours.strip())
    return {k: v[0] if len(v) == 1 else v for k, v in mapping.items()}


def _parse_units(table: str, pairs: list[str]) -> dict[str, str]:
    """--unit staff_minutes=hh:mm → {"staff_minutes": "hh:mm"}, checked like the config."""
    lookup_table(table)
    units: dict[str, str] = {}
    for pair in pairs:
        column, sep, unit = pair.partition("=")
        if not sep:
            raise typer.BadParameter(f"'{pair}': expected COLUMN=UNIT, e.g. staff_minutes=hh:mm",
                                     param_hint="--unit")
        try:
            from goodfit.config import check_unit  # pydantic: only when used

            check_unit(table, column.strip(), unit.strip(), "--unit")
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--unit") from None
        units[column.strip()] = unit.strip()
    return units


def _parse_values(table: str, pairs: list[str]) -> dict[str, dict[str, str]]:
    """--value "priority:3 - Moderate=normal" → {"priority": {"3 - Moderate": "normal"}}."""
    lookup_table(table)  # an unknown table is a usage error naming the tables
    maps: dict[str, dict[str, str]] = {}
    for pair in pairs:
        column, sep, rest = pair.partition(":")
        if not sep or "=" not in rest:
            raise typer.BadParameter(f"'{pair}': expected COLUMN:their_value=our_value",
                                     param_hint="--value")
        theirs, ours = rest.rsplit("=", 1)
        maps.setdefault(column.strip(), {})[theirs.strip()] = ours.strip()
    for column, values in maps.items():
        try:
            from goodfit.config import check_value_map  # pydantic: only when used

            check_value_map(table, column, values, f"--value {column}:…")
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--value") from None
    return maps


def render_import(results: list["ImportResult"]) -> None:
    table = RichTable(title="Import", show_lines=False)
    table.add_column("table", no_wrap=True)
    table.add_column("file", overflow="fold")
    for col in ("read", "inserted", "updated", "unchanged", "rejected"):
        table.add_column(col, justify="right", no_wrap=True)
    for r in results:
        table.add_row(r.table, Text(Path(r.file).name), f"{r.rows_read:,}", f"{r.inserted:,}",
                      f"{r.updated:,}", f"{r.unchanged:,}",
                      Text(f"{r.rejected:,}", style="red" if r.rejected else ""))
    console.print(table)
    for r in results:
        if r.rejected:
            console.print(Text(f"{r.table}: {r.rejected:,} row(s) quarantined in "
                               f"{r.quarantine_file}", style="yellow"))
            for reason, n in list(r.rejected_by_reason.items())[:10]:
                ex = r.reason_examples.get(reason) or []
                shown = f"  e.g. {', '.join(repr(v) for v in ex)}" if ex else ""
                console.print(Text(f"  {n:>8,}  {reason}{shown}"))
        if r.collapsed:
            console.print(Text(f"{r.table}: {r.collapsed:,} event row(s) folded into the kept "
                               "row of their key (--collapse)", style="dim"))
        if r.profile:
            console.print(Text(f"{r.table}: read with export profile {r.profile}", style="dim"))
        if r.derived_customers:
            console.print(Text(f"{r.table}: {r.derived_customers:,} customer(s) derived from "
                               "the ticket file's customer ids (no billing; a customer import "
                               "enriches them)", style="dim"))
        if r.read_as_empty:
            console.print(Text(f"{r.table}: read as empty: {'; '.join(r.empty_summary())}",
                               style="dim"))
        if r.readings:
            console.print(Text(f"{r.table}: read {'; '.join(r.readings)}", style="dim"))
        if r.ignored_columns:
            console.print(Text(f"{r.table}: ignored column(s) not in the table: "
                               f"{', '.join(r.ignored_columns)}", style="dim"))


@app.command("import")
def import_(
    target: Annotated[str, typer.Argument(
        help="Table name (then FILE), or a folder whose files are named after tables.")],
    file: Annotated[Path | None, typer.Argument(
        help="CSV (.csv, .csv.gz, .tsv), Parquet, JSON (.json, .jsonl), spreadsheet (.xlsx) "
        "or a .zip holding one of them.")] = None,
    map_: Annotated[list[str] | None, typer.Option(
        "--map", help="their_column=our_column (repeatable; the same column twice feeds two "
        "fields, two columns to one field is an error); overrides [mapping.TABLE].")] = None,
    value: Annotated[list[str] | None, typer.Option(
        "--value", help="COLUMN:their_value=our_value (repeatable), e.g. "
        "'priority:P1=urgent'; overrides [mapping.TABLE.values.COLUMN].")] = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Reject the whole file if any row is bad.")] = False,
    encoding: Annotated[str | None, typer.Option(
        help="File encoding: utf-8 (default, BOM or not), latin-1, utf-16.")] = None,
    delimiter: Annotated[str | None, typer.Option(help="Field delimiter (default: detect).")] = None,
    decimal_comma: Annotated[bool | None, typer.Option(
        "--decimal-comma/--decimal-point",
        help="Read 1.234,50 as 1234.50 (or 1,234.50). Default: from each column's values.")
    ] = None,
    date_order: Annotated[str | None, typer.Option(
        "--date-order", help="Dates like 03/04/2026: dmy or mdy. Default: from each "
        "column's values.")] = None,
    sheet: Annotated[str | None, typer.Option(
        "--sheet", help="Spreadsheet files (.xlsx): the sheet to read (default: the first).")
    ] = None,
    collapse: Annotated[str | None, typer.Option(
        "--collapse", help="Event log or snapshots: keep the last (or first) row per key, "
        "ordered by --order-by.")] = None,
    order_by: Annotated[str | None, typer.Option(
        "--order-by", help="File column ordering the events of a key (with --collapse), "
        "e.g. sys_updated_on.")] = None,
    state_column: Annotated[str | None, typer.Option(
        "--state-column", help="Tickets with --collapse: file column of the state; "
        "reopened_count counts moves out of [import] closed_states.")] = None,
    unit: Annotated[list[str] | None, typer.Option(
        "--unit", help="COLUMN=UNIT (repeatable) for minute-valued columns: minutes "
        "(default), seconds, hours, hh:mm, hh:mm:ss, e.g. 'staff_minutes=hh:mm'; overrides "
        "[mapping.TABLE.units].")] = None,
    null_value: Annotated[list[str] | None, typer.Option(
        "--null-value", help="A cell value read as empty (repeatable), e.g. '?' or 'N/A'; "
        "added to [mapping.TABLE] null_values and the profile's.")] = None,
    clear_missing: Annotated[bool, typer.Option(
        "--clear-missing", help="Empty the optional columns the file lacks on rows it "
        "re-imports (default: keep their stored values).")] = False,
    profile: Annotated[str | None, typer.Option(
        "--profile", help="Export profile: how a vendor's export looks (servicenow, zendesk, "
        "freshdesk, osticket, jira-service-management, whmcs, stripe, …; `goodfit profiles` "
        "lists them), [profiles.NAME] in goodfit.toml, or a .toml file.")] = None,
    derive_customers: Annotated[bool, typer.Option(
        "--derive-customers", help="Tickets: create a customer for each customer id the "
        "customers table lacks (marked derived, no billing), so a help desk export alone "
        "can be analysed; --map COLUMN=customers.name names them.")] = False,
    fail_on_reject: Annotated[bool, typer.Option(
        "--fail-on-reject", help=f"Exit with {EXIT_REJECTED} when rows were quarantined.")] = False,
    project: ProjectOption = Path("."),
    json: JsonOption = False,
) -> None:
    """Import a file into a table, or every table-named file in a folder.

    Bad rows go to quarantine/ with file, row, field and reason; the rest lands in one
    transaction. Re-importing the same file changes nothing.
    """
    proj = open_project(project)
    settings = proj.config.import_
    if encoding:
        settings.encoding = encoding
    if delimiter:
        settings.delimiter = delimiter
    if decimal_comma is not None:
        settings.decimal_comma = decimal_comma
    if date_order is not None:
        if date_order not in ("dmy", "mdy", "auto"):
            raise typer.BadParameter(f"'{date_order}': use dmy, mdy or auto",
                                     param_hint="--date-order")
        settings.date_order = date_order  # type: ignore[assignment]
    if clear_missing:
        settings.clear_missing = True
    if value:
        if file is None:
            raise typer.BadParameter("--value needs a single table: goodfit import TABLE FILE",
                                     param_hint="--value")
        table_maps: dict[str, Any] = proj.config.mapping.setdefault(target, {})
        values_section = table_maps.setdefault("values", {})
        assert isinstance(values_section, dict)
        for column, values in _parse_values(target, value).items():
            values_section[column] = {**values_section.get(column, {}), **values}
    if unit or null_value:
        if file is None:
            raise typer.BadParameter("--unit and --null-value need a single table: goodfit "
                                     "import TABLE FILE", param_hint="--unit")
        section: dict[str, Any] = proj.config.mapping.setdefault(target, {})
        if unit:
            section["units"] = {**section.get("units", {}), **_parse_units(target, unit)}
        if null_value:
            if "" in null_value:
                raise typer.BadParameter("an empty cell is already empty",
                                         param_hint="--null-value")
            known = section.get("null_values")
            section["null_values"] = list(dict.fromkeys(
                [*(known if isinstance(known, list) else []), *null_value]))
    with rich_progress(not json) as progress:
        if file is None:
            path = Path(target)
            if not path.is_dir() and not path.name.lower().endswith(".zip"):
                raise GoodfitError(f"'{target}' is not a folder; to import one file give the "
                                   "table and the file: goodfit import TABLE FILE")
            if collapse or order_by or state_column:
                raise typer.BadParameter("--collapse needs a single table: goodfit import "
                                         "TABLE FILE", param_hint="--collapse")
            if map_:
                raise typer.BadParameter("--map needs a single table: goodfit import TABLE FILE",
                                         param_hint="--map")
            if derive_customers:
                raise typer.BadParameter("--derive-customers needs a single table: goodfit "
                                         "import tickets FILE", param_hint="--derive-customers")
            results = proj.ingest.import_directory(path, strict=strict or None,
                                                   profile=profile, progress=progress)
        else:
            extra: dict[str, object] = {
                k: v for k, v in (("collapse", collapse), ("order_by", order_by),
                                  ("state_column", state_column), ("sheet", sheet)) if v}
            if derive_customers:
                extra["derive_customers"] = True
            results = [proj.ingest.import_file(target, file, mapping=_parse_map(map_ or []),
                                               **extra, strict=strict or None,
                                               profile=profile, progress=progress)]
    if json:
        print_json([r.to_dict() for r in results])
    else:
        render_import(results)
    if fail_on_reject and any(r.rejected for r in results):
        raise typer.Exit(EXIT_REJECTED)


@app.command()
def profiles(project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Export profiles for `goodfit import --profile NAME`: bundled and your own."""
    proj = open_project(project)
    found = proj.ingest.profiles()
    if json:
        print_json(found)
        return
    table = RichTable(title="Export profiles")
    for col in ("name", "tables", "title", "from"):
        table.add_column(col)
    for p in found:
        table.add_row(p["name"], ", ".join(p["tables"]), Text(p["title"]), p["origin"])
    console.print(table)


@app.command()
def status(project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Tables, row counts, data window, import history and quarantine files."""
    proj = open_project(project)
    info = proj.status()
    info["coverage"] = _coverage(proj, info)
    if json:
        print_json(info)
        return
    render_status(info)
    if info.get("derived_customers"):
        console.print(Text(f"customers: {info['derived_customers']:,} derived from ticket "
                           "files (id and first ticket only, no billing; import customers to "
                           "enrich them)", style="yellow"))
    if info["coverage"]:
        console.print(Text("Data coverage (the data window):"))
        for cap in info["coverage"].values():
            console.print(Text(f"  {cap['summary']}"))


def _coverage(proj: Project, info: dict[str, object]) -> dict[str, object] | None:
    """Per capability, what the data supports; None before any dated data is imported."""
    if info["data_window"]["to"] is None:  # type: ignore[index]
        return None
    return proj.metrics.coverage().to_dict()


def render_status(info: dict[str, object], *, history: bool = True) -> None:
    tables = RichTable(title=f"Warehouse ({info['warehouse']})")
    for col in ("table", "rows", "from", "to"):
        tables.add_column(col, justify="right" if col == "rows" else "left")
    for t in info["tables"]:  # type: ignore[attr-defined]
        tables.add_row(t["table"], f"{t['rows']:,}", _day(t["from"]), _day(t["to"]))
    console.print(tables)
    window = info["data_window"]
    console.print(Text(f"Data window: {_day(window['from'])} … {_day(window['to'])}"))  # type: ignore[index]
    imports = info["imports"] if history else []
    if imports:
        hist = RichTable(title="Recent imports")
        for col in ("when", "table", "file", "read", "inserted", "updated", "rejected"):
            hist.add_column(col)
        for r in imports[:10]:  # type: ignore[index]
            hist.add_row(str(r["started_at"])[:19], r["table_name"], Text(Path(r["file"]).name),
                         f"{r['rows_read']:,}", f"{r['inserted']:,}", f"{r['updated']:,}",
                         f"{r['rejected']:,}")
        console.print(hist)
    quarantine = info["quarantine"]
    if quarantine:
        total = sum(q["rows"] for q in quarantine)  # type: ignore[attr-defined]
        console.print(Text(f"Quarantine: {total:,} row(s) in {len(quarantine)} file(s) "  # type: ignore[arg-type]
                           "under quarantine/", style="yellow"))
    else:
        console.print(Text("Quarantine: empty"))


def _day(value: object) -> str:
    return "" if value is None else str(value)[:10]
