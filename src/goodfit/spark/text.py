"""Text labels through Spark, with the functions and models the DuckDB pipeline uses.

Tickets and their messages are hashed into buckets by ticket id and co-grouped, so every
bucket holds whole tickets with all their messages. Each bucket is one Arrow table handed
to the pipeline's own code on an in-process DuckDB (goodfit.text.corpus.ticket_texts,
goodfit.text.tone_table.analyze_tone). The ticket texts are then labelled batch by batch
with ``mapInArrow``: the resolution model (goodfit.text.resolution.apply_resolution) and
the knowledge-base index (goodfit.text.kb). The one step that needs every ticket at once,
the knowledge-base threshold calibrated on the coded tickets, runs on the driver over
those tickets' best scores alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from goodfit.config import Config
from goodfit.errors import NoKnowledgeBase
from goodfit.text.corpus import TicketTexts
from goodfit.text.corpus import ticket_texts as pipeline_ticket_texts
from goodfit.text.kb import DOCUMENTATION, KbIndex, calibrate, match_tickets
from goodfit.text.pipeline import kb_index
from goodfit.text.resolution import (
    ResolutionModel,
    apply_resolution,
    check_useful,
    train_resolution,
)
from goodfit.text.tone_table import MESSAGE_TONE_SCHEMA, analyze_tone
from goodfit.warehouse import Warehouse

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

BUCKET = "_goodfit_bucket"
TEXT_SCHEMA = pa.schema([
    ("ticket_id", pa.string()), ("customer_id", pa.string()),
    ("resolution_code", pa.string()), ("subject", pa.string()), ("question", pa.string()),
    ("full", pa.string()), ("staff_minutes", pa.float64()),
    ("minutes_estimated", pa.bool_()), ("fields", pa.string()),
    ("staff", pa.string()),  # what staff replied: the KB reads the articles they linked
])
RESOLUTION_SCHEMA = pa.schema([
    ("ticket_id", pa.string()), ("customer_id", pa.string()),
    ("resolution_code", pa.string()), ("probability", pa.float64()), ("source", pa.string()),
])
_KB_COLUMNS = [("ticket_id", pa.string()), ("customer_id", pa.string()),
               ("article_id", pa.string()), ("score", pa.float64()), ("rank", pa.int64()),
               ("answerable", pa.bool_()), ("confident", pa.bool_())]
_KB_SCHEMA = pa.schema([*_KB_COLUMNS, ("_code", pa.string())])


def _ddl(schema: pa.Schema) -> str:
    names = {pa.string(): "string", pa.float64(): "double", pa.bool_(): "boolean",
             pa.int64(): "bigint", pa.int32(): "int", pa.timestamp("us"): "timestamp_ntz"}
    return ", ".join(f"`{f.name}` {names[f.type]}" for f in schema)


def _bucketed(tickets: DataFrame, messages: DataFrame, buckets: int
              ) -> tuple[DataFrame, DataFrame]:
    from pyspark.sql import functions as F

    def key(df: DataFrame) -> DataFrame:
        return df.withColumn(BUCKET, F.pmod(F.xxhash64("ticket_id"), F.lit(buckets)))

    return key(tickets), key(messages)


def _local(data: pa.Table) -> object:
    """An Arrow table as an Ibis table on the in-process DuckDB (the pipeline's backend)."""
    import ibis

    return ibis.memtable(data.drop_columns([BUCKET]) if BUCKET in data.column_names
                         else data)


def _texts_to_arrow(texts: TicketTexts) -> pa.Table:
    fields = texts.field_tokens()
    return pa.table({"ticket_id": texts.ticket_id, "customer_id": texts.customer_id,
                     "resolution_code": texts.resolution_code, "subject": texts.subject,
                     "question": texts.question, "full": texts.full,
                     "staff_minutes": texts.staff_minutes,
                     "minutes_estimated": texts.minutes_estimated, "fields": fields,
                     "staff": texts.staff_replies()},
                    schema=TEXT_SCHEMA)


def texts_from_arrow(data: pa.Table | pa.RecordBatch) -> TicketTexts:
    cols = {name: data.column(name).to_pylist() for name in TEXT_SCHEMA.names}
    return TicketTexts(**cols)


def ticket_texts(tickets: DataFrame, messages: DataFrame, config: Config,
                 buckets: int) -> DataFrame:
    """One row per ticket: the pipeline's ticket text (goodfit.text.corpus), per bucket."""
    t, m = _bucketed(tickets, messages, buckets)
    costs = config.costs

    def one_bucket(tk: pa.Table, ms: pa.Table) -> pa.Table:
        if tk.num_rows == 0:
            return TEXT_SCHEMA.empty_table()
        # Staff replies are joined in the order the engine meets them: hand them over in
        # the order they were sent, as an import of a ticket export has them.
        ms = ms.sort_by([("ticket_id", "ascending"), ("sent_at", "ascending"),
                         ("message_id", "ascending")])
        return _texts_to_arrow(pipeline_ticket_texts(_local(tk), _local(ms),  # type: ignore[arg-type]
                                                     costs))

    return t.groupBy(BUCKET).cogroup(m.groupBy(BUCKET)).applyInArrow(
        one_bucket, schema=_ddl(TEXT_SCHEMA))


def message_tone(tickets: DataFrame, messages: DataFrame, config: Config,
                 buckets: int) -> DataFrame:
    """The ``message_tone`` table (goodfit.text.tone_table.analyze_tone, per bucket)."""
    t, m = _bucketed(tickets.select("ticket_id", "customer_id"), messages, buckets)
    settings = config.tone

    def one_bucket(tk: pa.Table, ms: pa.Table) -> pa.Table:
        if ms.num_rows == 0:
            return MESSAGE_TONE_SCHEMA.empty_table()
        return analyze_tone(_local(ms), _local(tk), settings)  # type: ignore[arg-type]

    return t.groupBy(BUCKET).cogroup(m.groupBy(BUCKET)).applyInArrow(
        one_bucket, schema=_ddl(MESSAGE_TONE_SCHEMA))


def resolution_model(texts: DataFrame, config: Config, directory: Path | None
                     ) -> ResolutionModel:
    """The saved model in ``directory``, or one trained on the driver from the coded
    tickets in ticket-id order (what ``goodfit resolution train`` learns from). Raises
    the pipeline's errors (not enough coded tickets, no better than guessing)."""
    if directory is not None:
        model = ResolutionModel.load(directory)
    else:
        coded = texts.filter(texts.resolution_code.isNotNull()).orderBy("ticket_id")
        model = train_resolution(texts_from_arrow(_collect(coded)), config.text)
    check_useful(model, config.text)
    return model


def _collect(df: DataFrame) -> pa.Table:
    return df.toArrow()


def ticket_resolution(texts: DataFrame, model: ResolutionModel, config: Config
                      ) -> DataFrame:
    """The ``ticket_resolution`` table: given codes kept, the rest predicted or
    'unknown' (goodfit.text.resolution.apply_resolution, batch by batch)."""
    settings = config.text

    def label(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if batch.num_rows:
                yield from apply_resolution(model, texts_from_arrow(batch), settings) \
                    .cast(RESOLUTION_SCHEMA).to_batches()

    return texts.mapInArrow(label, schema=_ddl(RESOLUTION_SCHEMA))


def kb_matches(texts: DataFrame, warehouse: Warehouse, config: Config) -> DataFrame:
    """The ``ticket_kb_match`` table: top articles per ticket (goodfit.text.kb), with
    ``answerable`` from the threshold calibrated on all coded tickets at once."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    index: KbIndex = kb_index(warehouse)
    if not len(index):
        raise NoKnowledgeBase()
    settings = config.text

    def match(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if not batch.num_rows:
                continue
            texts_batch = texts_from_arrow(batch)
            table = match_tickets(index, texts_batch, settings).table
            k = table.num_rows // batch.num_rows
            codes = np.repeat(np.array(texts_batch.resolution_code, dtype=object), k)
            yield from table.append_column("_code", pa.array(codes.tolist(), pa.string())) \
                .to_batches()

    raw = texts.mapInArrow(match, schema=_ddl(_KB_SCHEMA))
    best = raw.withColumn("_best", F.max("score").over(Window.partitionBy("ticket_id")))
    best = best.cache()
    coded = _collect(best.filter((F.col("rank") == 1) & F.col("_code").isNotNull())
                     .select("_best", "_code"))
    cal = calibrate(np.array(coded.column("_best").to_pylist(), dtype=float),
                    coded.column("_code").to_pylist(), settings)
    answerable = F.when(F.col("_code").isNotNull(), F.col("_code") == F.lit(DOCUMENTATION)) \
        .otherwise(F.col("_best") >= F.lit(cal.threshold))
    return best.withColumn("answerable", answerable).select(*[n for n, _ in _KB_COLUMNS])
