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
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from goodfit.config import Config
from goodfit.errors import NoKnowledgeBase
from goodfit.text.corpus import TicketTexts
from goodfit.text.corpus import ticket_texts as pipeline_ticket_texts
from goodfit.text.kb import (
    DOCUMENTATION,
    KbIndex,
    calibrate,
    calibrate_articles,
    raw_matches,
)
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
# what each batch hands back: the top articles and what the question alone matched, so
# that both calibrations run once over every ticket, as in one process (text/kb.py)
_KB_RAW = pa.schema([*_KB_COLUMNS[:5], ("_code", pa.string()), ("_q_top1", pa.int64()),
                     ("_q_best", pa.float64()), ("_q_second", pa.float64()),
                     ("_linked", pa.int64()), ("_replied", pa.bool_())])


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
    ``answerable`` and ``confident`` from calibrations run once over every ticket."""
    from pyspark.sql import functions as F

    index: KbIndex = kb_index(warehouse)
    if not len(index):
        raise NoKnowledgeBase()
    settings = config.text
    ids = [a.article_id for a in index.articles]

    def each(values: Any, k: int) -> list[Any]:
        return np.repeat(np.asarray(values, dtype=object), k).tolist()

    def match(batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            if not batch.num_rows:
                continue
            texts_batch = texts_from_arrow(batch)
            raw = raw_matches(index, texts_batch)
            k = raw.tops.shape[1]
            yield from pa.table({
                "ticket_id": each(texts_batch.ticket_id, k),
                "customer_id": each(texts_batch.customer_id, k),
                "article_id": [ids[j] for j in raw.tops.ravel()],
                "score": raw.scores.ravel().tolist(),
                "rank": np.tile(np.arange(1, k + 1), len(texts_batch)).tolist(),
                "_code": each(texts_batch.resolution_code, k),
                "_q_top1": each(raw.q_top1.tolist(), k),
                "_q_best": each(raw.q_best.tolist(), k),
                "_q_second": each(raw.q_second.tolist(), k),
                "_linked": each(raw.linked.tolist(), k),
                "_replied": each(raw.replied.tolist(), k)}, schema=_KB_RAW).to_batches()

    raw = texts.mapInArrow(match, schema=_ddl(_KB_RAW)).cache()
    first = raw.filter(F.col("rank") == 1)
    coded = _collect(first.filter(F.col("_code").isNotNull()).select("_q_best", "_code"))
    cal = calibrate(np.array(coded.column("_q_best").to_pylist(), dtype=float),
                    coded.column("_code").to_pylist(), settings)
    per_ticket = _collect(first.select("_q_top1", "_q_best", "_q_second", "_linked",
                                       "_replied"))

    def column(name: str, dtype: Any) -> np.ndarray:
        return np.array(per_ticket.column(name).to_pylist(), dtype=dtype)

    acal = calibrate_articles(column("_q_top1", int), column("_q_best", float),
                              column("_q_second", float), column("_linked", int),
                              column("_replied", bool), settings)
    answerable = F.when(F.col("_code").isNotNull(), F.col("_code") == F.lit(DOCUMENTATION)) \
        .otherwise(F.col("_q_best") >= F.lit(cal.threshold))
    # text/kb.py sure_answers, as a column
    matched = (F.col("_linked") < 0) & (F.col("_q_best") > 0) \
        & (F.col("_q_best") >= F.lit(acal.threshold)) \
        & ((F.col("_q_best") - F.col("_q_second")) >= F.lit(acal.margin))
    confident = (F.col("rank") == 1) & ((F.col("_linked") >= 0) | matched)
    return raw.withColumn("answerable", answerable).withColumn("confident", confident) \
        .select(*[n for n, _ in _KB_COLUMNS])
