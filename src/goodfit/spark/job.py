"""Flags, fit scores and segments of a provider held as partitioned Parquet, on Spark.

One run (:func:`analyze`):

1. read each canonical table from ``<tables>/<name>/`` (any number of Parquet files,
   optionally in ``key=value`` partition folders; a column the canonical schema does not
   know, such as a partition key, is dropped);
2. label text through Spark with the models the DuckDB pipeline uses
   (goodfit.spark.text): ``message_tone``, ``ticket_resolution``, ``ticket_kb_match``;
3. the metrics scorecard and every flag rule, fit component and segment
   (goodfit.scoring.score) on the Spark tables through Ibis: only flagged customers'
   evidence rows and one row per customer come back to the driver;
4. write every output table to ``<out>/<name>/`` as Parquet.

Topics (clustering over all tickets) do not run here: scoring does not read them.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from goodfit.config import Config
from goodfit.errors import GoodfitError, MissingCurrencyRate, WarehouseError
from goodfit.metrics.common import missing_rates
from goodfit.metrics.scorecard import scorecard
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.schema import TABLES
from goodfit.scoring.inputs import ScoringInputs
from goodfit.scoring.score import ScoreResult, score_customers
from goodfit.warehouse import Warehouse
from goodfit.window import Window

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

TEXT_OUTPUTS = ("message_tone", "ticket_resolution", "ticket_kb_match")


# -- a project's tables as Parquet ------------------------------------------------------
def export_parquet(warehouse: Warehouse, out: Path, *, rows_per_file: int = 1_000_000
                   ) -> dict[str, int]:
    """Write every canonical table to ``out/<table>/part-*.parquet`` (streamed in Arrow
    batches, never loaded whole); an empty table still gets one file holding its schema.
    Returns the rows written per table."""
    written: dict[str, int] = {}
    for name in TABLES:
        folder = out / name
        folder.mkdir(parents=True, exist_ok=True)
        expr = warehouse.table(name)
        rows, part, writer_rows = 0, 0, 0
        writer: pq.ParquetWriter | None = None
        schema = expr.schema().to_pyarrow()
        try:
            for batch in expr.to_pyarrow_batches(chunk_size=min(100_000, rows_per_file)):
                if writer is None or writer_rows >= rows_per_file:
                    if writer is not None:
                        writer.close()
                    writer = pq.ParquetWriter(folder / f"part-{part:05d}.parquet", schema)
                    part, writer_rows = part + 1, 0
                writer.write_batch(batch.cast(schema) if batch.schema != schema else batch)
                writer_rows += batch.num_rows
                rows += batch.num_rows
        finally:
            if writer is not None:
                writer.close()
        if part == 0:
            pq.write_table(schema.empty_table(), folder / "part-00000.parquet")
        written[name] = rows
    return written


# -- a Spark session ----------------------------------------------------------------------
def session(master: str | None = None, remote: str | None = None,
            conf: Mapping[str, str] | None = None, app_name: str = "goodfit") -> SparkSession:
    """A Spark session: ``remote`` ("sc://host:15002") for Spark Connect, else ``master``
    ("local[2]", "yarn", "spark://…"; None: whatever spark-submit configured). The session
    time zone is UTC: goodfit's timestamps are naive UTC."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app_name)
    if remote:
        builder = builder.remote(remote)
    elif master:
        builder = builder.master(master)
    settings = {"spark.sql.session.timeZone": "UTC",
                "spark.sql.execution.arrow.pyspark.enabled": "true"}
    if master and master.startswith("local") and "PYSPARK_PYTHON" not in os.environ:
        # local workers run this Python (with goodfit and its libraries installed); on a
        # cluster the executors' Python is the cluster's setting (docs/scaling.md).
        # PySpark reads it from the environment when the context starts.
        os.environ["PYSPARK_PYTHON"] = sys.executable
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def read_tables(spark: SparkSession, tables: str) -> dict[str, DataFrame]:
    """Each canonical table from the folder ``<tables>/<name>`` (or the one file
    ``<tables>/<name>.parquet``, as ``goodfit synth`` writes), canonical columns only."""
    out: dict[str, DataFrame] = {}
    for name, spec in TABLES.items():
        path = f"{tables.rstrip('/')}/{name}"
        try:
            df = spark.read.parquet(path)
        except Exception:  # Spark raises AnalysisException (py4j or Connect)
            try:
                df = spark.read.parquet(path + ".parquet")
            except Exception as exc:
                raise WarehouseError(
                    f"cannot read the {name} table from {path}/ nor {path}.parquet: "
                    f"{str(exc).splitlines()[0]}. Write every table with `goodfit spark "
                    "export` (an empty table still needs its folder with one file holding "
                    "its schema).") from exc
        known = [c.name for c in spec.columns]
        extra = [c for c in df.columns if c not in known and not c.startswith("_")]
        out[name] = df.drop(*extra) if extra else df
    return out


# -- the run ------------------------------------------------------------------------------
@dataclass
class SparkRun:
    """What one Spark analysis did: its window, the scoring result and each stage's
    seconds (in order)."""

    window: Window
    result: ScoreResult
    seconds: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # stage: why (not fatal)
    rows: dict[str, int] = field(default_factory=dict)  # output table: rows


def analyze(spark: SparkSession, tables: str, out: str, config: Config, *,
            resolution_model: Path | None = None, as_of: datetime | None = None,
            since: datetime | None = None, until: datetime | None = None,
            buckets: int | None = None, progress: Progress = NO_PROGRESS) -> SparkRun:
    """The text labels, flags, fit scores and segments of the provider in ``tables``,
    written under ``out`` (Parquet per table). ``resolution_model``: a model folder saved by
    ``goodfit resolution train``; None trains one on the driver from the coded tickets.
    ``buckets``: how many groups tickets and messages are co-grouped in for the text UDFs
    (None: one per 50,000 tickets, at least Spark's default parallelism)."""
    with warnings.catch_warnings():
        # Ibis uploads its small lookup tables with verifySchema=False; Spark Connect has
        # no such switch and warns once per upload, hundreds of lines of noise.
        warnings.filterwarnings("ignore", message="'verifySchema' is ignored",
                                category=UserWarning)
        return _analyze(spark, tables, out, config, resolution_model=resolution_model,
                        as_of=as_of, since=since, until=until, buckets=buckets,
                        progress=progress)


def _analyze(spark: SparkSession, tables: str, out: str, config: Config, *,
             resolution_model: Path | None, as_of: datetime | None, since: datetime | None,
             until: datetime | None, buckets: int | None, progress: Progress) -> SparkRun:
    import ibis

    from goodfit.spark import text

    seconds: dict[str, float] = {}
    skipped: dict[str, str] = {}

    def timed(stage: str, run: Callable[[], Any]) -> Any:
        progress(stage, 0, 1)
        t0 = time.monotonic()
        try:
            return run()
        finally:
            seconds[stage] = round(time.monotonic() - t0, 2)
            progress(stage, 1, 1)

    frames = read_tables(spark, tables)
    for name, df in frames.items():
        df.createOrReplaceTempView(name)
    con = ibis.pyspark.connect(spark)
    ibis_tables = {name: con.table(name) for name in TABLES}
    missing = missing_rates(ibis_tables, config)
    if missing:
        raise MissingCurrencyRate(missing, config.project.currency)

    # A Spark Connect client has no SparkContext to ask; the setting is what it can read.
    parallelism = (int(spark.conf.get("spark.default.parallelism", "2") or 2) if _is_connect(spark)
                   else spark.sparkContext.defaultParallelism)
    n = buckets or max(parallelism,
                       int(frames["tickets"].count()) // 50_000 + 1)
    target = out.rstrip("/")

    def write(name: str, df: DataFrame) -> None:
        df.write.mode("overwrite").parquet(f"{target}/{name}")
        spark.read.parquet(f"{target}/{name}").createOrReplaceTempView(name)

    texts = timed("ticket texts", lambda: text.ticket_texts(
        frames["tickets"], frames["messages"], config, n).cache())
    timed("tone", lambda: write("message_tone", text.message_tone(
        frames["tickets"], frames["messages"], config, n)))
    try:
        model = timed("resolution model", lambda: text.resolution_model(
            texts, config, resolution_model))
        timed("resolution codes", lambda: write("ticket_resolution",
                                                text.ticket_resolution(texts, model, config)))
    except GoodfitError as exc:  # as `goodfit analyze` does: the step is skipped, said why
        skipped["resolution codes"] = exc.message
    wh = Warehouse(con, "pyspark://")
    try:
        timed("knowledge base", lambda: write("ticket_kb_match", text.kb_matches(
            texts, wh, config)))
    except GoodfitError as exc:
        skipped["knowledge base"] = exc.message
    texts.unpersist()

    window = Window.resolve(ibis_tables, as_of=as_of, since=since, until=until)

    def score() -> ScoreResult:
        derived = {name: con.table(name) for name in TEXT_OUTPUTS
                   if spark.catalog.tableExists(name)}
        inp = ScoringInputs(tables=ibis_tables,
                            scorecard=scorecard(ibis_tables, config, window),
                            since=window.since, until=window.until,
                            self_service=tuple(config.costs.self_service_channels),
                            **derived)
        return score_customers(inp, config, as_of=window.as_of)

    result: ScoreResult = timed("flags, fit scores, segments", score)
    rows: dict[str, int] = {}
    for name, table in (("flags", result.flags_table()), ("fit_scores", result.scores_table())):
        _write_arrow(spark, table, f"{target}/{name}")
        rows[name] = table.num_rows
    return SparkRun(window, result, seconds, skipped, rows)


def _is_connect(spark: SparkSession) -> bool:
    return type(spark).__module__.startswith("pyspark.sql.connect")


def _write_arrow(spark: SparkSession, table: pa.Table, path: str) -> None:
    """A driver-side result (one row per customer or flag) written where the rest went."""
    if table.num_rows:
        df = spark.createDataFrame(table).coalesce(1)
    else:  # no rows: Spark cannot infer a schema from an empty Arrow table
        df = spark.createDataFrame([], _spark_schema(table.schema))
    df.write.mode("overwrite").parquet(path)


def _spark_schema(schema: pa.Schema) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)
