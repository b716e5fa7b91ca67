"""Text use cases wired to a warehouse and a project folder; ``Project`` calls these.

Each function reads the canonical tables, runs one text model and writes its derived
table (``ticket_resolution``, ``ticket_kb_match``, ``topics`` + ``ticket_topic``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import ibis
import numpy as np

from goodfit.config import Config
from goodfit.errors import ModelNotTrained, NoKnowledgeBase, WarehouseError
from goodfit.progress import NO_PROGRESS, Progress
from goodfit.text.corpus import (
    TicketCodes,
    TicketTexts,
    concat_texts,
    query_rows,
    ticket_batches,
    ticket_codes,
    ticket_texts,
)
from goodfit.text.kb import Article, KbIndex, KbMatcher, KbMatches, match_batches
from goodfit.text.model_store import META_FILE
from goodfit.text.topics import (
    TopicsResult,
    find_topics,
    fit_topics,
    no_topics,
    summarise_topics,
)
from goodfit.warehouse import Warehouse
from goodfit.window import Window

if TYPE_CHECKING:  # resolution imports scikit-learn (1.5 s): only the steps that use it
    from goodfit.text.resolution import Evaluation, ResolutionModel, TrainingSet

RESOLUTION_DIR = Path("models") / "resolution"
TICKET_RESOLUTION, TICKET_KB_MATCH = "ticket_resolution", "ticket_kb_match"
TOPICS, TICKET_TOPIC = "topics", "ticket_topic"


def load_texts(warehouse: Warehouse, config: Config) -> TicketTexts:
    """Every ticket's text at once (small sets; the steps below stream in batches)."""
    return ticket_texts(warehouse.table("tickets"), warehouse.table("messages"), config.costs)


def load_codes(warehouse: Warehouse) -> TicketCodes:
    return ticket_codes(warehouse.table("tickets"))


def texts_in_batches(warehouse: Warehouse, config: Config, codes: TicketCodes,
                     only: list[str] | None = None) -> Iterator[TicketTexts]:
    """Ticket text ``[text] batch_tickets`` at a time, in ticket-id order (``only``: just
    those tickets)."""
    return ticket_batches(warehouse.table("tickets"), warehouse.table("messages"),
                          config.costs, config.text.batch_tickets, codes.ticket_id, only)


def _one_batch(warehouse: Warehouse, config: Config) -> bool:
    """True when every ticket fits in one ``[text] batch_tickets`` batch: one query then
    reads ids, codes and text together."""
    return warehouse.row_count("tickets") <= config.text.batch_tickets


def codes_and_texts(warehouse: Warehouse, config: Config
                    ) -> tuple[TicketCodes, Iterable[TicketTexts]]:
    """Every ticket's id, customer and code, and their text in batches. Up to ``[text]
    batch_tickets`` tickets: one query for both (saves reading the ids twice)."""
    if _one_batch(warehouse, config):
        texts = load_texts(warehouse, config)
        return TicketCodes(texts.ticket_id, texts.customer_id, texts.resolution_code), [texts]
    codes = load_codes(warehouse)
    return codes, texts_in_batches(warehouse, config, codes)


def training_data(warehouse: Warehouse, config: Config) -> TrainingSet:
    """The coded tickets a model learns from, chosen from the codes alone; only their text
    is read (at most ``[text] max_training_tickets``)."""
    from goodfit.text.resolution import picked_training_set, training_rows, training_set
    if _one_batch(warehouse, config):
        return training_set(load_texts(warehouse, config), config.text)
    codes = load_codes(warehouse)
    rows, labels, excluded = training_rows(codes.resolution_code, config.text)
    ids = [codes.ticket_id[i] for i in rows]
    picked = concat_texts(texts_in_batches(warehouse, config, codes, ids))
    if picked.ticket_id != ids:  # pragma: no cover - a ticket changed under the read
        raise WarehouseError("tickets changed while the resolution step read them; rerun it")
    return picked_training_set(picked, labels, excluded)


# -- resolution codes ----------------------------------------------------------------
def resolution_dir(root: Path) -> Path:
    return root / RESOLUTION_DIR


def load_resolution_model(root: Path) -> ResolutionModel:
    from goodfit.text.resolution import ResolutionModel
    directory = resolution_dir(root)
    if not (directory / META_FILE).is_file():
        raise ModelNotTrained("resolution-code", "goodfit resolution train")
    return ResolutionModel.load(directory)


def train(warehouse: Warehouse, config: Config, root: Path,
          progress: Progress = NO_PROGRESS) -> ResolutionModel:
    from goodfit.text.resolution import train_on
    model = train_on(training_data(warehouse, config), config.text, progress)
    model.save(resolution_dir(root))
    return model


def evaluate(warehouse: Warehouse, config: Config,
             progress: Progress = NO_PROGRESS) -> Evaluation:
    from goodfit.text.resolution import evaluate_training
    return evaluate_training(training_data(warehouse, config), config.text, progress)


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
    from goodfit.text.resolution import apply_batches
    model = load_resolution_model(root)
    codes, batches = codes_and_texts(warehouse, config)
    table = apply_batches(model, batches, config.text, progress,
                          sum(c is None for c in codes.resolution_code))
    warehouse.write_table(TICKET_RESOLUTION, table)
    sources = table.column("source").to_pylist()
    return ResolutionApplied(len(sources), sources.count("given"), sources.count("predicted"),
                             sources.count("unknown"), config.text.min_confidence,
                             model.evaluation)


# -- knowledge base ---------------------------------------------------------------------
def kb_index(warehouse: Warehouse) -> KbIndex:
    rows = query_rows(warehouse.table("kb_articles").select(
        "article_id", "title", "body", "tags", "url").order_by("article_id")).to_pylist()
    return KbIndex([Article(str(r["article_id"]), r["title"] or "", r["body"] or "",
                            r["tags"] or "", r["url"] or "") for r in rows])


def match_kb(warehouse: Warehouse, config: Config,
             progress: Progress = NO_PROGRESS) -> KbMatches:
    index = kb_index(warehouse)
    if not len(index):
        raise NoKnowledgeBase()
    codes, batches = codes_and_texts(warehouse, config)
    result = match_batches(index, batches, config.text, progress, len(codes))
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
    """Up to ``[text] topic_sample_tickets`` tickets: topics fitted on all of them at once.
    More: fitted on a sample of that many (fixed seed), then every ticket's text passes
    once, in batches, for its nearest topic and its knowledge-base match."""
    codes, batches = codes_and_texts(warehouse, config)
    index = kb_index(warehouse)
    titles = {a.article_id: a.title for a in index.articles}
    n, settings = len(codes), config.text
    if n <= settings.topic_sample_tickets:
        texts = concat_texts(batches)
        answers: tuple[str | None, ...] | None = None
        if len(index) and len(texts):
            # the article `goodfit kb match` is sure answers each ticket (None: unsure)
            answers = match_batches(index, [texts], settings).answers
        result = find_topics(texts, settings, answers, titles if answers else {}, progress)
    else:
        result = _topics_streamed(warehouse, config, codes, batches, index, titles, progress)
    warehouse.write_tables({TOPICS: result.topics_table(), TICKET_TOPIC: result.ticket_topic})
    return result


def topic_sample(ticket_ids: list[str], size: int) -> list[str]:
    """``size`` ticket ids picked at random with a fixed seed, in id order."""
    picked = np.random.default_rng(0).choice(len(ticket_ids), size=size, replace=False)
    return [ticket_ids[i] for i in np.sort(picked)]


def _topics_streamed(warehouse: Warehouse, config: Config, codes: TicketCodes,
                     batches: Iterable[TicketTexts], index: KbIndex, titles: dict[str, str],
                     progress: Progress) -> TopicsResult:
    settings, n = config.text, len(codes)
    progress("finding topics", 0, 4)
    sample = concat_texts(texts_in_batches(
        warehouse, config, codes, topic_sample(codes.ticket_id, settings.topic_sample_tickets)))
    model = fit_topics(sample, settings, n)
    if model is None:
        return no_topics(n)
    del sample
    progress("finding topics", 1, 4)
    matcher = KbMatcher(index) if len(index) else None
    assign, minutes, estimated = [], [], []
    for batch in batches:
        assign.append(model.assign_texts(batch))
        minutes.append(np.array(batch.staff_minutes, dtype=float))
        estimated.append(np.array(batch.minutes_estimated, dtype=bool))
        if matcher is not None:
            matcher.add(batch)
    progress("finding topics", 2, 4)
    answers = matcher.finish(settings).answers if matcher is not None else None
    result = summarise_topics(model, np.concatenate(assign), codes.ticket_id, codes.customer_id,
                              np.concatenate(minutes), np.concatenate(estimated), settings,
                              answers, titles if answers else {}, progress)
    if result.tickets != n:  # pragma: no cover - a ticket changed under the read
        raise WarehouseError("tickets changed while the topics step read them; rerun it")
    return result
