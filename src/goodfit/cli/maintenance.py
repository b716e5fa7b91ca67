"""erase, backup, restore: looking after a project as a whole."""


from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from goodfit.cli.actions import AsOption
from goodfit.cli.app import JsonOption, ProjectOption, app, console, open_project, print_json


@app.command()
def erase(customer: Annotated[str, typer.Argument(help="Customer id.")],
          as_: AsOption = None,
          yes: Annotated[bool, typer.Option("--yes", help="Erase without asking again.")]
          = False,
          project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Remove a customer's personal data from warehouse, state DB, outbox, reports,
    quarantine files and transition packs (owners only); the audit log is redacted and
    keeps verifying."""
    if not yes and not typer.confirm(f"Erase every record of {customer}? This cannot be "
                                     "undone", default=False):
        raise typer.Abort()
    p = open_project(project)
    done = p.maintenance.erase(customer, as_ or "")
    if json:
        print_json(done.to_dict())
        return
    console.print(Text(f"Erased {customer} (audit record {done.redaction_seq})."),
                  highlight=False)
    for what, counts in (("warehouse", done.warehouse_rows), ("state DB", done.state_rows)):
        listed = ", ".join(f"{t} {n:,}" for t, n in counts.items()) or "nothing"
        console.print(Text(f"  {what} rows removed: {listed}"), highlight=False)
    console.print(Text(f"  audit records redacted: {len(done.audit_redacted)}"),
                  highlight=False)
    for f in done.files_removed:
        console.print(Text(f"  removed {f}"), highlight=False)
    for f, n in done.files_rewritten.items():
        console.print(Text(f"  {f}: {n} row(s) dropped"), highlight=False)
    for k in done.kept:
        console.print(Text(f"  kept {k}"), highlight=False)


@app.command()
def backup(dest: Annotated[Path, typer.Argument(help="New folder for the backup.")],
           project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """A consistent copy of the project, taken while others keep working on it."""
    info = open_project(project).maintenance.backup(dest)
    if json:
        print_json({"path": str(info.path), "files": info.files, "bytes": info.bytes,
                    "created_at": info.created_at})
        return
    console.print(Text(f"Backed up {info.files} files ({info.bytes:,} bytes) to {info.path}"),
                  highlight=False)


@app.command()
def restore(src: Annotated[Path, typer.Argument(help="A folder written by goodfit backup.")],
            project: ProjectOption = Path("."), json: JsonOption = False) -> None:
    """Restore a backup into the project folder given with -p (new or empty), after
    checking every file against the manifest."""
    from goodfit.project import Project

    info = Project.restore_backup(src, project)
    if json:
        print_json({"path": str(info.path), "files": info.files, "bytes": info.bytes,
                    "created_at": info.created_at})
        return
    console.print(Text(f"Restored {info.files} files from the backup of {info.created_at} "
                       f"UTC into {info.path}"), highlight=False)
