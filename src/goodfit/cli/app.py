"""The Typer app and what every command shares: errors, --json, progress, the project.

Command modules (``goodfit.cli.<area>``) register their commands on ``app``; they parse
input, call one ``Project`` method and render the result. Nothing else.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from rich.text import Text
from typer.main import get_current_context

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
    rich_markup_mode="rich",
)
console = Console()
err_console = Console(stderr=True)

# Exit codes (documented in docs/cli.md): 0 ok, 1 generic goodfit error, 2 usage / unknown
# name, 3 project or configuration problem, 4 bad input data, 5 warehouse problem,
# 6 import finished but rows were quarantined and --fail-on-reject was given, 7 a connector
# could not fetch (credentials refused, wrong URL, source unavailable after retries),
# 8 project busy (another command is writing and did not finish in time),
# 70 a bug in goodfit (please report it).
EXIT_BUG = 70

ProjectOption = Annotated[
    Path, typer.Option("--project", "-p", help="Project folder (default: current folder).",
                       envvar="GOODFIT_PROJECT", show_default=False)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def open_project(path: Path | None) -> Project:
    """The project of this command: named in the writer lock as the command's path (so
    another writer's "project busy" says who), closed when the command ends, and telling
    on stderr when it has to wait for another command that is writing."""
    project = Project.open(path or Path("."))
    ctx = get_current_context(silent=True)
    if ctx is not None:
        project.activity = ctx.command_path.removeprefix(ctx.find_root().info_name or "").strip()
        ctx.call_on_close(project.close)
    project.busy_progress = _busy_notice()
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
    """A Progress callback drawn as Rich bars on stderr; silent when not a terminal."""
    if not enabled or not err_console.is_terminal:
        yield NO_PROGRESS
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


def run() -> None:
    """Entry point: GoodfitError → one clear line and its exit code; anything else is a bug."""
    try:
        code = app(standalone_mode=False)
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
