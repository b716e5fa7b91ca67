"""goodfit analyze and goodfit demo: the whole job, on your project or a synthetic one."""


from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from goodfit.cli.data import render_import, render_status
from goodfit.project import Project

if TYPE_CHECKING:
    from goodfit.analysis import StepOutcome

STEP_STYLE = {"done": "green", "resumed": "cyan", "skipped": "yellow"}


def render_outcomes(outcomes: list["StepOutcome"]) -> None:
    t = RichTable(title="Analysis")
    for col in ("step", "status", "seconds", "outcome"):
        t.add_column(col, justify="right" if col == "seconds" else "left")
    for o in outcomes:
        t.add_row(o.step, Text(o.status, style=STEP_STYLE.get(o.status, "")),
                  f"{o.seconds:.1f}" if o.status != "resumed" else "—", Text(o.summary))
    console.print(t)
    total = sum(o.seconds for o in outcomes)
    console.print(Text(f"{len(outcomes)} steps in {total:.1f} s "
                       f"({sum(o.status == 'resumed' for o in outcomes)} resumed from an "
                       "earlier run on the same data and configuration)."))


def _report_path(outcomes: list["StepOutcome"]) -> str | None:
    for o in outcomes:
        if o.step == "report" and o.summary.endswith(".html"):
            return o.summary
    return None


@app.command()
def analyze(
    project: ProjectOption = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Run every step again, even those "
                                        "done on the same data and configuration.")] = False,
    start: Annotated[str | None, typer.Option("--from", help="Run again from this step on "
                                              "(tone, resolution codes, knowledge base, "
                                              "topics, fit scores, report).")] = None,
    json: JsonOption = False,
) -> None:
    """Run every analysis step on your project — tone, resolution codes, knowledge base,
    topics, fit scores (a stored run), report — resuming steps already done."""
    with open_project(project) as p, rich_progress(not json) as progress:
        outcomes = p.analysis.run(progress, force=force, start=start)
    if json:
        print_json([{"step": o.step, "status": o.status, "summary": o.summary,
                     "seconds": o.seconds} for o in outcomes])
        return
    render_outcomes(outcomes)
    report = _report_path(outcomes)
    if report:
        console.print(Text(f"Report: {report}", style="bold green"))


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
        render_status(project.ingest.status(), history=False)  # the import table just said it
        render_outcomes(outcomes)
        console.print(Text(f"\nDemo project: {project.root}", style="bold green"))
        report = _report_path(outcomes)
        if report:
            console.print(Text(f"Report: {report}", style="bold green"))
            console.print(Text("Next: goodfit scorecard -p " + str(project.root)
                               + " --top 10, goodfit concentration, goodfit explain ID"))
