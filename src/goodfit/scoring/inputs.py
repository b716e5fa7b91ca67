"""What scoring reads: canonical tables, the scorecard and the text labels, for one window.

Scoring works on the tables other parts of goodfit produce, named by the contracts in
docs/scoring.md: the metrics scorecard (one row per customer), and, when present, the
text tables ``message_tone``, ``ticket_resolution`` and ``ticket_kb_match``. A missing
text table makes the flags that need it fall back (resolution codes from the tickets
table) or stay silent (no tone table: no abusive_language flag) — never guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Context, Decimal

import ibis
import pandas as pd

from goodfit.config import CostSettings
from goodfit.metrics.orders import is_manual
from goodfit.window import Window

TEXT_TABLES = ("message_tone", "ticket_resolution", "ticket_kb_match", "topics", "ticket_topic")


@dataclass
class ScoringInputs:
    tables: Mapping[str, ibis.Table]  # canonical tables by name
    scorecard: ibis.Table  # metrics contract: one row per customer for the window
    since: datetime
    until: datetime
    message_tone: ibis.Table | None = None
    ticket_resolution: ibis.Table | None = None
    ticket_kb_match: ibis.Table | None = None
    # The data facts known (scoring/coverage.py FACTS), when a data-coverage check made
    # elsewhere says so; None: scoring checks the tables itself.
    facts: frozenset[str] | None = None
    # [costs] self_service_channels of the project: what a manual order is.
    self_service: tuple[str, ...] = field(
        default_factory=lambda: tuple(CostSettings().self_service_channels))
    # The project's cost model (support time: logged, replies or the per-ticket default).
    costs: CostSettings = field(default_factory=CostSettings)

    def orders(self) -> ibis.Table:
        """Orders placed in the window with ``manual`` (the cost model's one rule)."""
        o = self.in_window("orders", "placed_at")
        return o.mutate(manual=is_manual(o.channel, self.self_service))

    def window(self) -> Window:
        """The scoring window as the metrics see it (as of its end)."""
        return Window(as_of=self.until, since=self.since, until=self.until)

    def in_window(self, table: str, column: str) -> ibis.Table:
        """Rows of ``table`` with ``since <= column < until``: the one half-open window
        convention (:meth:`goodfit.window.Window.contains`)."""
        t = self.tables[table]
        return t.filter(self.window().contains(t[column]))

    def tickets(self) -> ibis.Table:
        """Tickets opened in the window with ``resolution``: the predicted/given code from
        ticket_resolution when known, else the code in the tickets table."""
        t = self.in_window("tickets", "opened_at")
        if self.ticket_resolution is None:
            return t.mutate(resolution=t.resolution_code)
        r = self.ticket_resolution
        r = r.filter(r.source != "unknown").select(
            r.ticket_id.name("_rid"), r.resolution_code.name("_rcode"))
        j = t.left_join(r, t.ticket_id == r._rid)
        return j.mutate(resolution=j._rcode.coalesce(j.resolution_code)).drop("_rid", "_rcode")

    def messages(self) -> ibis.Table:
        """Messages of tickets opened in the window, with the ticket's customer."""
        t = self.in_window("tickets", "opened_at").select("ticket_id", "customer_id")
        m = self.tables["messages"]
        return m.join(t, m.ticket_id == t.ticket_id).select(
            m.message_id, m.ticket_id, t.customer_id, m.sent_at, m.author_role)


@contextmanager
def scorecard_computed(inp: ScoringInputs) -> Iterator[ScoringInputs]:
    """``inp`` with its scorecard computed once into a temporary table of the warehouse,
    dropped on leaving. Every flag reads the scorecard; as a lazy expression each read ran
    the whole metric suite again (and compiled its SQL again): at 5,000 customers that was
    most of a scoring run. What outlives the block keeps the lazy ``inp``."""
    cached = inp.scorecard.cache()
    try:
        yield replace(inp, scorecard=cached)
    finally:
        cached.release()


def for_customers(expr: ibis.Table, customer_ids: list[str]) -> ibis.Table:
    """The rows of ``expr`` whose customer_id is one of ``customer_ids``, as a semi-join
    with an in-memory table: an IN list of thousands of literals made SQL that took
    longer to compile than to run."""
    ids = ibis.memtable({"_customer_id": pd.Series(customer_ids, dtype=object)},
                        schema={"_customer_id": "string"})
    return expr.semi_join(ids, expr.customer_id == ids._customer_id)


def frame(expr: ibis.Table) -> pd.DataFrame:
    """Materialise a (small, already filtered) expression for per-row evidence.

    Money (decimal columns) comes back as the same ``Decimal`` values Ibis gives, but
    read as its exact text: Ibis normalises every value through a few Python calls,
    which at 100k customers was a large part of a scoring run's CPU."""
    schema = expr.schema()
    money_cols = {n: t for n, t in schema.items() if t.is_decimal()}
    if not money_cols:
        return expr.to_pandas()
    df = expr.mutate(**{n: expr[n].cast("string") for n in money_cols}).to_pandas()
    for n, t in money_cols.items():
        df[n] = df[n].map(_decimal_parser(t.precision, t.scale), na_action="ignore")
    return df


def _decimal_parser(precision: int | None, scale: int | None) -> Callable[[str], Decimal]:
    """Decimal text as Ibis's own conversion has it: quantized to the column's scale, or
    normalised when the column has none (ibis.common.numeric.normalize_decimal)."""
    if scale is None:
        context = Context(prec=38 if precision is None else precision)
        return lambda text: Decimal(text).normalize(context)
    step = Decimal(10) ** -scale
    return lambda text: Decimal(text).quantize(step)


def money(value: object) -> float:
    """Decimal/None from the warehouse as a float for ratios (money stays exact upstream)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return 0.0
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
