"""``goodfit synth``: write a realistic synthetic provider to a folder (no project needed)."""


from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable
from rich.text import Text

from goodfit.cli.app import JsonOption, app, console, print_json, rich_progress
from goodfit.project import Project


@app.command()
def synth(
    out: Annotated[Path, typer.Argument(help="Folder to write the Parquet files to.")],
    customers: Annotated[int, typer.Option("--customers", "-n", min=1,
                                           help="Number of customers.")] = 1500,
    months: Annotated[int, typer.Option("--months", "-m", min=1,
                                        help="Months of history, ending with --end.")] = 24,
    seed: Annotated[int, typer.Option("--seed", "-s", min=0,
                                      help="Random seed: the same seed gives the same files.")] = 1,
    end: Annotated[datetime | None, typer.Option(
        "--end", formats=["%Y-%m-%d"], help="Last day of the history (default: a fixed day, "
        "2026-10-31, never today, so a seed always gives the same files).",
        show_default=False)] = None,
    json_output: JsonOption = False,
) -> None:
    """Generate a synthetic provider (customers, billing, usage, tickets, KB) as Parquet.

    Import it with `goodfit import OUT`. Persona labels go to OUT/ground_truth/,
    for evaluation only.
    """
    with rich_progress(not json_output) as progress:
        summary = Project.synth(out, customers=customers, months=months, seed=seed,
                                end=end.date() if end else None, progress=progress)
    if json_output:
        print_json(summary.to_dict())
        return
    table = RichTable("table", "rows", title=f"Synthetic provider in {summary.out}")
    for name, count in summary.rows.items():
        table.add_row(Text(name), f"{count:,}")
    console.print(table)
    mix = ", ".join(f"{name} {count}" for name, count in summary.personas.items())
    console.print(Text(f"Personas (ground truth in ground_truth/personas.csv): {mix}"))
    console.print(Text(f"Done in {summary.seconds:.1f} s. Next: goodfit import {summary.out}"))
