"""The ``message_tone`` table: tone labels for every customer-authored message.

Messages are streamed from the warehouse in Arrow batches (never loaded whole), scored,
and returned as one Arrow table the caller writes with ``Warehouse.write_table``.
Columns follow the contract in docs/tone.md: message_id, ticket_id, customer_id, sent_at,
labels (comma-separated), abusive, score, spans (JSON list), language_supported.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import ibis
import pyarrow as pa

from goodfit.config import ToneSettings
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.text.tone import LABELS, score_tone_batch

MESSAGE_TONE = "message_tone"
MESSAGE_TONE_SCHEMA = pa.schema([
    ("message_id", pa.string()),
    ("ticket_id", pa.string()),
    ("customer_id", pa.string()),
    ("sent_at", pa.timestamp("us")),
    ("labels", pa.string()),
    ("abusive", pa.bool_()),
    ("score", pa.float64()),
    ("spans", pa.string()),
    ("language_supported", pa.bool_()),
])


@dataclass
class ToneAnalysis:
    """What ``analyze_tone`` found, for the person who ran it."""

    messages: int = 0
    flagged: int = 0  # messages with at least one label
    abusive: int = 0
    unsupported_language: int = 0
    by_label: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LABELS, 0))


def analyze_tone(messages: ibis.Table, tickets: ibis.Table, settings: ToneSettings | None = None,
                 *, progress: Progress = NO_PROGRESS, workers: int = 1,
                 summary: ToneAnalysis | None = None) -> pa.Table:
    """One row per customer message with its tone labels (see module docstring)."""
    settings = settings or ToneSettings()
    customer = messages.filter(messages.author_role == "customer")
    owners = tickets.select(_ticket=tickets.ticket_id, customer_id=tickets.customer_id)
    rows = customer.left_join(owners, customer.ticket_id == owners._ticket).select(
        "message_id", "ticket_id", "customer_id", "sent_at", "body",
    ).order_by("message_id")
    total = int(rows.count().execute())
    progress("tone", 0, total)
    out: list[pa.RecordBatch] = []
    done = 0
    for batch in rows.to_pyarrow_batches(chunk_size=settings.batch_size):
        out.append(_score_batch(batch, settings, workers, summary))
        done += batch.num_rows
        progress("tone", done, total)
    if not out:
        return MESSAGE_TONE_SCHEMA.empty_table()
    return pa.Table.from_batches(out, schema=MESSAGE_TONE_SCHEMA)


def _score_batch(batch: pa.RecordBatch, settings: ToneSettings, workers: int,
                 summary: ToneAnalysis | None) -> pa.RecordBatch:
    bodies = batch.column("body").to_pylist()
    results = score_tone_batch(bodies, settings, workers=workers)
    labels, abusive, score, spans, supported = [], [], [], [], []
    for r in results:
        labels.append(",".join(r.labels))
        abusive.append(r.abusive)
        score.append(r.score)
        spans.append(json.dumps([s.to_dict() for s in r.spans], ensure_ascii=False)
                     if r.spans else "[]")
        supported.append(r.language_supported)
        if summary is not None:
            summary.messages += 1
            summary.flagged += bool(r.labels)
            summary.abusive += r.abusive
            summary.unsupported_language += not r.language_supported
            for label in r.labels:
                summary.by_label[label] += 1
    sent_at = batch.column("sent_at").cast(pa.timestamp("us"))
    return pa.RecordBatch.from_arrays([
        batch.column("message_id").cast(pa.string()),
        batch.column("ticket_id").cast(pa.string()),
        batch.column("customer_id").cast(pa.string()),
        sent_at,
        pa.array(labels, pa.string()),
        pa.array(abusive, pa.bool_()),
        pa.array(score, pa.float64()),
        pa.array(spans, pa.string()),
        pa.array(supported, pa.bool_()),
    ], schema=MESSAGE_TONE_SCHEMA)
