"""Connectors: goodfit connect add/list, goodfit sync."""


from pathlib import Path
from typing import Annotated

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
from goodfit.errors import ConfigError

connect_app = typer.Typer(help="Add and list connectors (WHMCS, Stripe, Zendesk, Freshdesk, "
                          "django-helpdesk).", no_args_is_help=True)
app.add_typer(connect_app, name="connect")

SecretsOption = Annotated[Path | None, typer.Option(
    "--secrets-file", help="TOML file with [NAME] token/user/secret, outside the project "
    "(default ~/.config/goodfit/secrets.toml). Environment variables GOODFIT_<NAME>_TOKEN, "
    "_USER, _SECRET win.", show_default=False)]


@connect_app.command("add")
def connect_add(
    name: Annotated[str, typer.Argument(help="A name for this source, e.g. billing.")],
    type_: Annotated[str, typer.Option("--type", help="A connector type: whmcs, stripe, "
                                       "zendesk, freshdesk, django-helpdesk, or one a package "
                                       "of yours registers (docs/connectors/).")],
    url: Annotated[str, typer.Option("--url", help="API base URL (Stripe: leave empty).")] = "",
    option: Annotated[list[str] | None, typer.Option(
        "--option", "-o", help="Connector option key=value (repeatable); values are read as "
        "JSON when they parse.")] = None,
    project: ProjectOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Add a connector to goodfit.toml: its type, URL and options — never credentials."""
    p = open_project(project)
    settings = p.connectors.add(name, type_, url, p.connectors.parse_options(option or []))
    if as_json:
        print_json({"name": name, **settings.model_dump()})
        return
    console.print(Text(f"Added connector {name} ({settings.type}) to goodfit.toml"))
    names = " and ".join(p.connectors.credential_names(name))
    console.print(Text(f"Credentials: set {names} (or put them under [{name}] in "
                       "~/.config/goodfit/secrets.toml; see "
                       f"docs/connectors/{settings.type}.md), then run: goodfit sync {name}"))


@connect_app.command("list")
def connect_list(project: ProjectOption = Path("."), as_json: JsonOption = False) -> None:
    """The configured connectors and their last sync."""
    rows = open_project(project).connectors()
    if as_json:
        print_json(rows)
        return
    table = RichTable(title="Connectors")
    for col in ("name", "type", "url", "last sync", "status"):
        table.add_column(col)
    for r in rows:
        table.add_row(Text(r["name"]), r["type"], Text(r["url"] or "(default)"),
                      str(r["last_sync"] or "never"), Text(r["last_status"] or ""))
    console.print(table)


@app.command()
def sync(
    name: Annotated[str | None, typer.Argument(help="Connector to sync (default: all).")] = None,
    full: Annotated[bool, typer.Option("--full", help="Refetch everything, ignoring the "
                                       "stored cursor.")] = False,
    secrets_file: SecretsOption = None,
    project: ProjectOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Fetch from connectors and import through the same validated, atomic importer as files."""
    p = open_project(project)
    if not p.config.connectors:
        raise ConfigError("no connectors in goodfit.toml; add one with goodfit connect add")
    with rich_progress(not as_json) as progress:
        results = p.sync(name, full=full, secrets_file=secrets_file, progress=progress)
    if as_json:
        print_json([r.to_dict() for r in results])
        return
    for r in results:
        table = RichTable(title=f"sync {r.connector} ({'full' if r.full else 'incremental'})")
        for col in ("table", "fetched", "inserted", "updated", "unchanged", "rejected"):
            table.add_column(col, justify="left" if col == "table" else "right")
        for i in r.imports:
            table.add_row(i.table, f"{r.fetched.get(i.table, 0):,}", f"{i.inserted:,}",
                          f"{i.updated:,}", f"{i.unchanged:,}",
                          Text(f"{i.rejected:,}", style="red" if i.rejected else ""))
        console.print(table)
        if not r.imports:
            console.print(Text(f"{r.connector}: nothing changed since the last sync"))
        for i in r.imports:
            if i.quarantine_file:
                console.print(Text(f"  {i.table}: {i.rejected} row(s) quarantined in "
                                   f"{i.quarantine_file}", style="yellow"))
