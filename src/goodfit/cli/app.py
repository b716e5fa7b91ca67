"""The Typer app and what every command shares: errors, --json, progress, the project.

Command modules (``goodfit.cli.<area>``) register their commands on ``app``; they parse
input, call one ``Project`` method and render the result. Nothing else.
"""


import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.text import Text
from typer.main import get_current_context

from goodfit.cli.safe import SafeConsole
from goodfit.errors import GoodfitError
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.project import Project

app = typer.Typer(
    name="goodfit",
    help="What each customer really costs to serve, who carries the support load, "
    "and what to do about it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain click help: rendering it through Rich loads markdown, pygments and attrs
    # (~0.1 s) before the first line appears (docs/architecture.md, start-up)
    rich_markup_mode=None,
)
console = SafeConsole()  # customer text never steers the terminal (goodfit.cli.safe)
err_console = SafeConsole(stderr=True)

# Exit codes: goodfit.errors.EXIT_MEANINGS (docs/cli.md is generated from it).
EXIT_BUG = 70

ProjectOption = Annotated[
    Path, typer.Option("--project", "-p", help="Project folder (default: current folder).",
                       envvar="GOODFIT_PROJECT", show_default=False)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def _version(value: bool) -> None:
    if value:
        from goodfit import __version__

        typer.echo(f"goodfit {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print goodfit's version and exit.")] = False,
) -> None:
    """What each customer really costs to serve, who carries the support load, and what to
    do about it."""


def open_project(path: Path | None) -> Project:
    """The project of this command: named in the writer lock as the command's path (so
    another writer's "project busy" says who), closed when the command ends, and telling
    on stderr when it has to wait for another command that is writing."""
    project = Project.open(path or Path("."))
    ctx = get_current_context(silent=True)
    if ctx is not None:
        root_name = ctx.find_root().info_name or ""
        project.ws.activity = ctx.command_path.removeprefix(root_name).strip()
        ctx.call_on_close(project.close)
    project.ws.busy_progress = _busy_notice()
    return project


def _busy_notice() -> Progress:
    """One line when the wait starts, then one every 5 seconds (plain lines: a terminal
    and a log file read the same)."""
    shown: list[int] = []

    def notice(stage: str, done: int, total: int | None = None) -> None:
        if not shown or done - shown[-1] >= 5:
            shown.append(done)
            err_console.print(Text(f"{stage}: waited {done} of {total} s"), highlight=False,
                              soft_wrap=True)

    return notice


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


@contextmanager
def rich_progress(enabled: bool = True) -> Iterator[Progress]:
    """A Progress callback drawn as Rich bars on stderr; plain lines (a stage's start and
    end, with its time) when stderr is not a terminal, so a log shows where a long run is."""
    if not enabled:
        yield NO_PROGRESS
        return
    if not err_console.is_terminal:
        yield _plain_lines()
        return
    bars = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=err_console, transient=True)
    tasks: dict[str, Any] = {}

    def report(stage: str, done: int, total: int | None = None) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(stage, total=total)
        bars.update(tasks[stage], completed=done, total=total)

    with bars:
        yield report


def _plain_lines() -> Progress:
    import time

    started: dict[str, float] = {}

    def report(stage: str, done: int, total: int | None = None) -> None:
        now = time.monotonic()
        if stage not in started:
            started[stage] = now
            sys.stderr.write(f"{time.strftime('%H:%M:%S')} {stage}: started\n")
        if total is not None and done >= total and started.get(stage) != -1.0:
            sys.stderr.write(f"{time.strftime('%H:%M:%S')} {stage}: done in "
                             f"{now - started[stage]:.1f} s\n")
            started[stage] = -1.0  # said once

    return report


def _known(exc: Exception) -> GoodfitError | None:
    """An engine failure the user can fix, as the goodfit error that says how. Matched by
    name: importing DuckDB here would slow every command's start."""
    kind = type(exc)
    if kind.__name__ == "OutOfMemoryException" and kind.__module__.endswith("duckdb"):
        from goodfit.errors import WarehouseOutOfMemory

        first = str(exc).splitlines()[0] if str(exc) else kind.__name__
        return WarehouseOutOfMemory(first.removeprefix("Out of Memory Error: "))
    return None


def run() -> None:
    """Entry point: GoodfitError → one clear line and its exit code; anything else is a bug."""
    try:
        try:
            code = app(standalone_mode=False)
        except Exception as exc:
            known = _known(exc)
            if known is None:
                raise
            raise known from exc
        # Without standalone mode click *returns* the code of typer.Exit(n) instead of exiting.
        if isinstance(code, int) and code:
            sys.exit(code)
    except GoodfitError as exc:
        if "--json" in sys.argv:
            print_json(exc.to_dict())
        else:
            # The message may quote customer data: never let Rich read it as markup.
            err_console.print(Text.assemble(("error", "bold red"), f" ({exc.code}): {exc.message}"),
                              highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(1)
    except Exception as exc:
        # Usage errors (unknown option, bad value) come from the click bundled with Typer;
        # they know how to show themselves and carry their exit code (2).
        show, code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(code, int):
            show()
            sys.exit(code)
        import traceback

        traceback.print_exc()
        err_console.print("[bold red]This is a bug in goodfit.[/] Please report it with the "
                          "traceback above.")
        sys.exit(EXIT_BUG)
