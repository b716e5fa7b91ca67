"""``goodfit spark export`` / ``goodfit spark analyze``: the analysis on Spark (docs/scaling.md)."""


from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from goodfit.cli.app import (
    JsonOption,
    ProjectOption,
    app,
    console,
    open_project,
    print_json,
    rich_progress,
)

spark_app = typer.Typer(help="The analysis on Spark, from Parquet folders (docs/scaling.md).",
                        no_args_is_help=True)
app.add_typer(spark_app, name="spark")


@spark_app.command("export")
def export(
    out: Annotated[Path, typer.Argument(help="Folder to write <table>/part-*.parquet in.")],
    project: ProjectOption = Path("."),
    rows_per_file: Annotated[int, typer.Option(min=1, help="Rows per Parquet file.")]
    = 1_000_000,
    json: JsonOption = False,
) -> None:
    """Write the project's canonical tables as Parquet folders Spark can read."""
    from goodfit.spark.job import export_parquet

    p = open_project(project)
    written = export_parquet(p.warehouse, out, rows_per_file=rows_per_file)
    if json:
        print_json(written)
        return
    for name, rows in written.items():
        console.print(f"{name:<16} {rows:>12,} rows")


def _parse_conf(pairs: list[str]) -> dict[str, str]:
    """--conf KEY=VALUE pairs, as spark-submit takes them."""
    settings: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"'{pair}': expected KEY=VALUE, e.g. "
                                     "spark.driver.memory=8g", param_hint="--conf")
        settings[key.strip()] = value.strip()
    return settings


@spark_app.command("analyze")
def analyze(
    tables: Annotated[str, typer.Argument(help="Folder (any path Spark reads) holding one "
                                               "Parquet folder per canonical table.")],
    out: Annotated[str, typer.Argument(help="Folder to write the results in, as Parquet.")],
    config: Annotated[Path, typer.Option("--config", "-c", help="The goodfit.toml to use.")]
    = Path("goodfit.toml"),
    master: Annotated[str | None, typer.Option(help="Spark master (local[2], yarn, "
                                                    "spark://…); default: spark-submit's.")]
    = None,
    remote: Annotated[str | None, typer.Option(help="Spark Connect server (sc://host:15002).")]
    = None,
    resolution_model: Annotated[Path | None, typer.Option(
        help="A model folder saved by `goodfit resolution train` (models/resolution); "
             "default: train one on the driver from the coded tickets.")] = None,
    conf: Annotated[list[str] | None, typer.Option(
        "--conf", help="A Spark setting KEY=VALUE for the session (repeatable), e.g. "
                       "spark.driver.memory=8g: with --master local[N] the driver's JVM "
                       "does all the work, and its default heap (1g) is too small past "
                       "a few hundred thousand tickets.")] = None,
    json: JsonOption = False,
) -> None:
    """Tone, resolution codes, knowledge-base matches, flags, fit scores and segments on
    Spark; prints each stage's seconds."""
    from goodfit.config import load_config
    from goodfit.spark.job import analyze as run
    from goodfit.spark.job import session

    settings = _parse_conf(conf or [])
    cfg = load_config(config)
    spark = session(master, remote, conf=settings)
    with rich_progress(not json) as progress:
        result = run(spark, tables, out, cfg, resolution_model=resolution_model,
                     progress=progress)
    if json:
        print_json({"seconds": result.seconds, "skipped": result.skipped, "rows": result.rows,
                    "window": {"since": result.window.since, "until": result.window.until}})
        return
    table = Table("stage", "seconds")
    for stage, seconds in result.seconds.items():
        table.add_row(stage, f"{seconds:.1f}")
    console.print(table)
    for stage, why in result.skipped.items():
        console.print(f"{stage}: {why}")
    console.print(f"Results in {out}: " + ", ".join(f"{n} ({r:,} rows)"
                                                  for n, r in result.rows.items()))
