"""goodfit demo: the whole job on a synthetic provider, for a first look."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from goodfit.cli.app import app, console, rich_progress
from goodfit.cli.data import render_import, render_status
from goodfit.project import Project


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="Folder for the demo project.")] = Path(
        "demo-project"),
    customers: Annotated[int, typer.Option(help="Customers to generate.")] = 1500,
    months: Annotated[int, typer.Option(help="Months of history.")] = 24,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same provider).")] = 42,
) -> None:
    """Generate a realistic synthetic provider, import it, analyse it end to end.

    A folder made by an earlier demo is replaced; any other non-empty folder is refused.
    """
    with rich_progress() as progress:
        project, results, outcomes = Project.demo(directory, customers=customers,
                                                  months=months, seed=seed, progress=progress)
    with project:
        render_import(results)
        render_status(project.status(), history=False)  # the import table just said it
        for step, outcome in outcomes:
            console.print(Text.assemble((f"{step}: ", "bold"), outcome))
        console.print(Text(f"\nDemo project: {project.root}", style="bold green"))
        reports = dict(outcomes).get("report", "")
        if reports.endswith(".html"):
            console.print(Text(f"Report: {reports}", style="bold green"))
            console.print(Text("Next: goodfit scorecard -p " + str(project.root)
                               + " --top 10, goodfit concentration, goodfit explain ID"))
