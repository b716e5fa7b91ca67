"""Ticket text as the text models read it, assembled once from tickets and messages.

Two views of a ticket:
- ``question``: subject + first customer message — what the customer asked, before
  anyone answered. Knowledge-base matching and topics read this.
- ``full``: question + every staff reply — how the ticket went. Resolution codes read
  this, because the reply usually says why the ticket happened ("fixed in 4.2",
  "see our guide").

Every message is read without its quoted reply, signature and greeting (the stripping the
tone scorer uses, ``goodfit.text.cleaning``): otherwise names, companies, phone numbers and
the staff's own quoted guide links become the words that group and label tickets.

Staff minutes per ticket are the logged ``staff_minutes`` or, when empty, staff replies ×
``[costs] reply_minutes`` for the ticket's channel — the cost model's own per-reply
figure (``goodfit.metrics.support.reply_minutes``), so topics rank by the same minutes
the scorecard charges. Every staff reply counts here: topics have no window.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import ibis
import pyarrow as pa

from goodfit.config import CostSettings
from goodfit.metrics.support import ticket_minutes
from goodfit.text.cleaning import message_content

# Joins staff replies in the query and splits them again here, so each is cleaned alone
# (a sign-off ends one reply, not everything after it). ASCII record separator: not typed.
_REPLY_SEP = "\x1e"
# Ticket columns read as resolution features: each value becomes one token.
FIELD_COLUMNS = ("category", "priority", "channel", "assignee")


@dataclass(frozen=True)
class TicketTexts:
    """Column-wise text of every ticket (plain Python lists, aligned by position)."""

    ticket_id: list[str]
    customer_id: list[str]
    resolution_code: list[str | None]
    subject: list[str]
    question: list[str]
    full: list[str]
    staff_minutes: list[float]
    minutes_estimated: list[bool]
    # The ticket's structured fields as tokens ("category=billing priority=high ..."):
    # features for resolution codes, so tickets without text can still be learned.
    # Empty list: no structured fields known.
    fields: list[str] = field(default_factory=list)
    # What staff replied (cleaned, replies joined by newlines): where an agent links the
    # knowledge-base article that answered the ticket. Empty list: not known.
    staff: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.ticket_id)

    def field_tokens(self) -> list[str]:
        return self.fields if self.fields else [""] * len(self)

    def staff_replies(self) -> list[str]:
        return self.staff if self.staff else [""] * len(self)

    def take(self, rows: list[int]) -> TicketTexts:
        return TicketTexts(**{name: [getattr(self, name)[i] for i in rows]
                              if getattr(self, name) else []
                              for name in self.__dataclass_fields__})


def query_rows(query: ibis.Table) -> pa.Table:
    """A query's rows as Arrow. On DuckDB as the engine streams them, not through
    ``to_pyarrow``: that converts them again through Ibis's pandas-format layer, whose
    import alone costs 0.3 s of CPU (of ~5 s for ``goodfit topics`` on the demo)."""
    if query.get_backend().name == "duckdb":
        return query.to_pyarrow_batches().read_all()
    return query.to_pyarrow()


def _clean_code(code: str | None) -> str | None:
    if code is None:
        return None
    code = code.strip()
    return code or None


def _as_string(column: ibis.Column) -> ibis.Column:
    # no cast on a string column: the engine then skips row groups outside the range
    return column if column.type().is_string() else column.cast("string")


def _texts_query(tickets: ibis.Table, messages: ibis.Table, costs: CostSettings,
                 bounds: tuple[str, str] | None = None,
                 ids: Sequence[str] | None = None) -> ibis.Table:
    """The portable Ibis query behind every ticket's text; ``bounds`` keeps the tickets
    whose id lies between the two (inclusive) and only their messages, ``ids`` only
    those tickets (a semi-join: no id is ever written into the SQL)."""
    if bounds is not None:
        lo, hi = bounds
        tickets = tickets.filter(_as_string(tickets.ticket_id).between(lo, hi))
        messages = messages.filter(_as_string(messages.ticket_id).between(lo, hi))
    if ids is not None:
        wanted = ibis.memtable(pa.table({"ticket_id": pa.array(list(ids), pa.string())}))
        tickets = tickets.filter(_as_string(tickets.ticket_id).isin(wanted.ticket_id))
        messages = messages.filter(_as_string(messages.ticket_id).isin(wanted.ticket_id))
    cust = messages.filter(messages.author_role == "customer")
    cust = cust.mutate(_rn=ibis.row_number().over(
        group_by=cust.ticket_id, order_by=[cust.sent_at, cust.message_id]))
    first = cust.filter(cust._rn == 0).select(
        ticket_id=cust.ticket_id.name("ticket_id"), first_body=cust.body)
    staff = messages.filter(messages.author_role == "staff")
    replies = staff.group_by(staff.ticket_id).aggregate(
        # in the order they were sent: the text (and so the model) must not depend on the
        # order an engine happens to meet the rows in
        staff_text=staff.body.group_concat(_REPLY_SEP, order_by=[staff.sent_at,
                                                                 staff.message_id]),
        staff_replies=staff.count())
    present = [c for c in FIELD_COLUMNS if c in tickets.columns and c != "channel"]
    t = tickets.select("ticket_id", "customer_id", "subject", "resolution_code",
                       "staff_minutes", "channel", *present)
    joined = t.left_join(first, t.ticket_id == first.ticket_id).drop("ticket_id_right")
    joined = joined.left_join(replies, joined.ticket_id == replies.ticket_id)
    joined = joined.drop("ticket_id_right")
    priority = joined.priority if "priority" in joined.columns \
        else ibis.null().cast("string")
    minutes, _basis = ticket_minutes(joined.staff_minutes, joined.staff_replies, priority,
                                     joined.channel, costs)
    return joined.mutate(minutes=minutes,
                         estimated=joined.staff_minutes.isnull()).order_by("ticket_id")


def ticket_texts(tickets: ibis.Table, messages: ibis.Table,
                 costs: CostSettings | None = None) -> TicketTexts:
    """Assemble the text of every ticket with one portable Ibis query (any backend).

    Holds every ticket's text at once: for small sets (tests, benchmarks, one Spark
    partition). The pipeline streams with :func:`ticket_batches`.
    """
    return _from_arrow(query_rows(_texts_query(tickets, messages, costs or CostSettings())))


@dataclass(frozen=True)
class TicketCodes:
    """Every ticket's id, customer and resolution code, in ticket-id order: the light
    columns a streamed step keeps for all tickets while their text passes in batches."""

    ticket_id: list[str]
    customer_id: list[str]
    resolution_code: list[str | None]

    def __len__(self) -> int:
        return len(self.ticket_id)


def ticket_codes(tickets: ibis.Table) -> TicketCodes:
    data = query_rows(tickets.select("ticket_id", "customer_id", "resolution_code")
                .order_by("ticket_id"))
    return TicketCodes([str(x) for x in data.column("ticket_id").to_pylist()],
                       [str(x) for x in data.column("customer_id").to_pylist()],
                       [_clean_code(c) for c in data.column("resolution_code").to_pylist()])


def ticket_batches(tickets: ibis.Table, messages: ibis.Table, costs: CostSettings,
                   batch_size: int, ticket_ids: Sequence[str] | None = None,
                   only: Collection[str] | None = None) -> Iterator[TicketTexts]:
    """Every ticket's text, ``batch_size`` tickets at a time, in ticket-id order.

    Each batch is its own query over one range of ticket ids, so neither the engine nor
    Python ever holds more than one batch of text: memory stays flat as tickets grow.
    ``ticket_ids`` (sorted) saves reading them again; ``only`` keeps just those tickets,
    ``batch_size`` of them per query, whatever the range of ids they span.
    """
    ids = ticket_codes(tickets).ticket_id if ticket_ids is None else list(ticket_ids)
    if only is not None:
        wanted = set(only)
        ids = [t for t in ids if t in wanted]
    size = max(1, batch_size)
    for start in range(0, len(ids), size):
        chunk = ids[start:start + size]
        query = _texts_query(tickets, messages, costs, (chunk[0], chunk[-1]),
                             chunk if only is not None else None)
        yield _from_arrow(query_rows(query))


def concat_texts(batches: Iterable[TicketTexts]) -> TicketTexts:
    """One TicketTexts of several batches, in their order."""
    parts = list(batches)
    names = list(TicketTexts.__dataclass_fields__)
    return TicketTexts(**{name: [v for b in parts for v in getattr(b, name)]
                          if all(getattr(b, name) or not len(b) for b in parts) else []
                          for name in names})


def _from_arrow(data: pa.Table) -> TicketTexts:
    cols = {name: data.column(name).to_pylist() for name in data.column_names}
    subject, question, full, staff = [], [], [], []
    for subj, body, staff_text in zip(cols["subject"], cols["first_body"], cols["staff_text"],
                                      strict=True):
        s = (subj or "").strip()
        q = f"{s}\n{message_content(body or '')}".strip()
        said = "\n".join(message_content(r) for r in (staff_text or "").split(_REPLY_SEP))
        subject.append(s)
        question.append(q)
        full.append(f"{q}\n{said}".strip())
        staff.append(said.strip())
    return TicketTexts(
        ticket_id=[str(x) for x in cols["ticket_id"]],
        customer_id=[str(x) for x in cols["customer_id"]],
        resolution_code=[_clean_code(c) for c in cols["resolution_code"]],
        subject=subject, question=question, full=full,
        staff_minutes=[float(m) for m in cols["minutes"]],
        minutes_estimated=[bool(e) for e in cols["estimated"]],
        fields=field_tokens({c: cols[c] for c in FIELD_COLUMNS if c in cols}, len(subject)),
        staff=staff,
    )


def field_tokens(columns: dict[str, list[object]], rows: int) -> list[str]:
    """One string of ``column=value`` tokens per ticket (spaces in values become ``_``)."""
    out = []
    for i in range(rows):
        parts = []
        for name, values in columns.items():
            value = values[i]
            if value is None or not str(value).strip():
                continue
            parts.append(f"{name}=" + "_".join(str(value).strip().lower().split()))
        out.append(" ".join(parts))
    return out
