"""Text use cases wired to a warehouse and a project folder; ``Project`` calls these.

Each function reads the canonical tables, runs one text model and writes its derived
table (``ticket_resolution``, ``ticket_kb_match``, ``topics`` + ``ticket_topic``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import ibis

from goodfit.config import Config
from goodfit.errors import ModelNotTrained, NoKnowledgeBase, WarehouseError
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.text.corpus import TicketTexts, ticket_texts
from goodfit.text.kb import Article, KbIndex, KbMatches, match_tickets
from goodfit.text.model_store import META_FILE
from goodfit.text.resolution import (
    Evaluation,
    ResolutionModel,
    apply_resolution,
    evaluate_resolution,
    train_resolution,
)
from goodfit.text.topics import TopicsResult, find_topics
from goodfit.warehouse import Warehouse
from goodfit.window import Window

RESOLUTION_DIR = Path("models") / "resolution"
TICKET_RESOLUTION, TICKET_KB_MATCH = "ticket_resolution", "ticket_kb_match"
TOPICS, TICKET_TOPIC = "topics", "ticket_topic"


def load_texts(warehouse: Warehouse, config: Config) -> TicketTexts:
    return ticket_texts(warehouse.table("tickets"), warehouse.table("messages"), config.costs)


# -- resolution codes ----------------------------------------------------------------
def resolution_dir(root: Path) -> Path:
    return root / RESOLUTION_DIR


def load_resolution_model(root: Path) -> ResolutionModel:
    directory = resolution_dir(root)
    if not (directory / META_FILE).is_file():
        raise ModelNotTrained("resolution-code", "goodfit resolution train")
    return ResolutionModel.load(directory)


def train(warehouse: Warehouse, config: Config, root: Path,
          progress: Progress = NO_PROGRESS) -> ResolutionModel:
    model = train_resolution(load_texts(warehouse, config), config.text, progress)
    model.save(resolution_dir(root))
    return model


def evaluate(warehouse: Warehouse, config: Config,
             progress: Progress = NO_PROGRESS) -> Evaluation:
    return evaluate_resolution(load_texts(warehouse, config), config.text, progress)


@dataclass(frozen=True)
class ResolutionApplied:
    tickets: int
    given: int
    predicted: int
    unknown: int
    min_confidence: float
    evaluation: Evaluation


def apply(warehouse: Warehouse, config: Config, root: Path,
          progress: Progress = NO_PROGRESS) -> ResolutionApplied:
    model = load_resolution_model(root)
    table = apply_resolution(model, load_texts(warehouse, config), config.text, progress)
    warehouse.write_table(TICKET_RESOLUTION, table)
    sources = table.column("source").to_pylist()
    return ResolutionApplied(len(sources), sources.count("given"), sources.count("predicted"),
                             sources.count("unknown"), config.text.min_confidence,
                             model.evaluation)


# -- knowledge base ---------------------------------------------------------------------
def kb_index(warehouse: Warehouse) -> KbIndex:
    rows = warehouse.table("kb_articles").select("article_id", "title", "body", "tags", "url") \
        .order_by("article_id").to_pyarrow().to_pylist()
    return KbIndex([Article(str(r["article_id"]), r["title"] or "", r["body"] or "",
                            r["tags"] or "", r["url"] or "") for r in rows])


def match_kb(warehouse: Warehouse, config: Config,
             progress: Progress = NO_PROGRESS) -> KbMatches:
    index = kb_index(warehouse)
    if not len(index):
        raise NoKnowledgeBase()
    result = match_tickets(index, load_texts(warehouse, config), config.text, progress)
    warehouse.write_table(TICKET_KB_MATCH, result.table)
    return result


def kb_customer_summary(matches: ibis.Table) -> ibis.Table:
    """Per customer: tickets, how many the docs answer, and that share."""
    best = matches.filter(matches["rank"] == 1)
    return best.group_by("customer_id").aggregate(
        tickets=best.count(),
        answerable_tickets=best.count(where=best.answerable),
    ).mutate(answerable_share=lambda t: t.answerable_tickets.cast("float64") / t.tickets) \
        .order_by(ibis.desc("answerable_share"), "customer_id")


def kb_customer_articles(matches: ibis.Table, articles: ibis.Table) -> ibis.Table:
    """Per customer and article: the answerable tickets it surely answers (linked by staff
    or a sure match; tickets goodfit is unsure of name no article)."""
    best = matches.filter((matches["rank"] == 1) & matches.answerable & matches.confident)
    counts = best.group_by(["customer_id", "article_id"]).aggregate(tickets=best.count())
    titled = counts.left_join(articles.select("article_id", "title", "url"),
                              counts.article_id == articles.article_id)
    return titled.select("customer_id", counts.article_id, "title", "url", "tickets") \
        .order_by("customer_id", ibis.desc("tickets"), "article_id")


@dataclass(frozen=True)
class CustomerKb:
    customer_id: str
    tickets: int
    answerable_tickets: int
    answerable_share: float
    articles: list[dict[str, object]]  # article_id, title, url, tickets


def customer_kb(warehouse: Warehouse, customer_id: str, window: Window) -> CustomerKb:
    """The customer's tickets opened in the window (existence is checked by the caller)."""
    if not warehouse.has_table(TICKET_KB_MATCH):
        raise WarehouseError("no knowledge-base matches yet. Run: goodfit kb match")
    matches = warehouse.table(TICKET_KB_MATCH)
    tickets = warehouse.table("tickets")
    opened = tickets.filter((tickets.customer_id == customer_id)
                            & window.contains(tickets.opened_at)).select("ticket_id")
    mine = matches.filter((matches.customer_id == customer_id)
                          & matches.ticket_id.isin(opened.ticket_id))
    summary = kb_customer_summary(mine).to_pyarrow().to_pylist()
    arts = kb_customer_articles(mine, warehouse.table("kb_articles")).to_pyarrow().to_pylist()
    s = summary[0] if summary else {"tickets": 0, "answerable_tickets": 0,
                                    "answerable_share": 0.0}
    return CustomerKb(customer_id, int(s["tickets"]), int(s["answerable_tickets"] or 0),
                      float(s["answerable_share"] or 0.0),
                      [{k: r[k] for k in ("article_id", "title", "url", "tickets")}
                       for r in arts])


# -- repeat topics ----------------------------------------------------------------------
def topics(warehouse: Warehouse, config: Config,
           progress: Progress = NO_PROGRESS) -> TopicsResult:
    texts = load_texts(warehouse, config)
    index = kb_index(warehouse)
    answers: tuple[str | None, ...] | None = None
    titles: dict[str, str] = {}
    if len(index) and len(texts):
        # the article `goodfit kb match` is sure answers each ticket (None: unsure)
        answers = match_tickets(index, texts, config.text).answers
        titles = {a.article_id: a.title for a in index.articles}
    result = find_topics(texts, config.text, answers, titles, progress)
    warehouse.write_tables({TOPICS: result.topics_table(), TICKET_TOPIC: result.ticket_topic})
    return result
