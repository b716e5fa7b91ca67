"""Why tickets happen, for a stored snapshot's window: the resolution mix, the costliest
recurring topics with their knowledge-base article (or none: one to write), and how many
tickets the docs answer. Reads the warehouse and the stored text tables; writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ibis

if TYPE_CHECKING:
    import pandas as pd

    from goodfit.scoring.inputs import ScoringInputs

TOPICS_SHOWN = 15


def resolution_mix(tickets: Any) -> pd.DataFrame:
    """Tickets and logged staff minutes per resolution code (``tickets``: the Ibis table
    from ScoringInputs.tickets(), with ``resolution``)."""
    t = tickets.mutate(code=tickets.resolution.fill_null("unknown"))
    df = t.group_by("code").aggregate(tickets=t.count(),
                                      minutes=t.staff_minutes.fill_null(0).sum()).to_pandas()
    return df.sort_values(["tickets", "code"], ascending=[False, True]).reset_index(drop=True)


@dataclass(frozen=True)
class Causes:
    tickets: int  # opened in the window
    resolution: list[dict[str, Any]]  # code, tickets, minutes, share (of tickets)
    # the costliest recurring topics (None: `goodfit topics` has not run)
    topics: list[dict[str, Any]] | None = None
    kb_answerable: int | None = None  # tickets the docs answer (None: no KB matching yet)
    articles: list[dict[str, Any]] = field(default_factory=list)  # most matched articles


def causes(inp: ScoringInputs, text_tables: dict[str, ibis.Table],
           articles: ibis.Table | None) -> Causes:
    tickets = inp.tickets()
    mix = resolution_mix(tickets)
    total = int(mix["tickets"].sum()) if len(mix) else 0
    resolution = [{"code": str(r["code"]), "tickets": int(r["tickets"]),
                   "minutes": float(r["minutes"] or 0),
                   "share": (int(r["tickets"]) / total) if total else None}
                  for r in mix.to_dict("records")]
    titles: dict[str, str | None] = {}
    if articles is not None:
        titles = {str(r["article_id"]): r.get("title") for r in
                  articles.select("article_id", "title").to_pyarrow().to_pylist()}
    topics = None
    if "topics" in text_tables:
        t = text_tables["topics"]
        rows = (t.order_by([ibis.desc(t.staff_minutes), t.topic_id]).limit(TOPICS_SHOWN)
                .to_pyarrow().to_pylist())
        topics = [{**r, "article_title": titles.get(str(r["article_id"]))
                   if r.get("article_id") else None} for r in rows]
    answerable = None
    shown: list[dict[str, Any]] = []
    if "ticket_kb_match" in text_tables:
        k = text_tables["ticket_kb_match"]
        ids = tickets.select(tickets.ticket_id.name("_tid"))
        k = k.filter(k.answerable).join(ids, k.ticket_id == ids._tid)
        answerable = int(k.ticket_id.nunique().to_pyarrow().as_py() or 0)
        top = (k.group_by("article_id").aggregate(tickets=k.ticket_id.nunique())
               .order_by([ibis.desc("tickets"), "article_id"]).limit(10))
        shown = [{**r, "title": titles.get(str(r["article_id"]))}
                 for r in top.to_pyarrow().to_pylist()]
    return Causes(total, resolution, topics, answerable, shown)
